//! The rules on runtime [`Value`]s: comparison, arithmetic, `has`, `in`, functions, `cast`, `isof`
//! (`docs/semantics.md` §6).
//!
//! Nothing here panics or fails: a rule that has no answer (overflow, division by zero, a function of
//! null, a value of the wrong type) gives null.

use std::cmp::Ordering;
use std::sync::Arc;

use chrono::{NaiveDate, NaiveTime};
use rust_decimal::Decimal;

use super::scalar as sem;
use super::{ArithmeticOp, CompareOp};
use crate::schema::{EdmType, EnumType};
use crate::value::{EnumValue, Value};

/// The order of two values, `None` when they are unordered (`NaN`, or values of unrelated types).
/// Null is not handled here (see [`compare`]).
pub fn order(a: &Value, b: &Value) -> Option<Ordering> {
    use Value::*;
    match (a, b) {
        (Boolean(x), Boolean(y)) => Some(x.cmp(y)),
        (Int(x), Int(y)) => Some(x.cmp(y)),
        (Decimal(x), Decimal(y)) => Some(x.cmp(y)),
        (Int(x), Decimal(y)) => Some(sem::int_to_decimal(*x).cmp(y)),
        (Decimal(x), Int(y)) => Some(x.cmp(&sem::int_to_decimal(*y))),
        (Double(x), Double(y)) => sem::cmp_f64(*x, *y),
        (Double(x), Int(y)) => sem::cmp_f64(*x, *y as f64),
        (Int(x), Double(y)) => sem::cmp_f64(*x as f64, *y),
        (Double(x), Decimal(y)) => sem::cmp_f64(*x, sem::decimal_to_f64(*y)),
        (Decimal(x), Double(y)) => sem::cmp_f64(sem::decimal_to_f64(*x), *y),
        (String(x), String(y)) => Some(sem::cmp_str(x, y)),
        (Guid(x), Guid(y)) => Some(x.cmp(y)),
        (Date(x), Date(y)) => Some(x.cmp(y)),
        (DateTimeOffset(x), DateTimeOffset(y)) => {
            Some(sem::instant_nanos(x).cmp(&sem::instant_nanos(y)))
        }
        (Date(x), DateTimeOffset(y)) => Some(date_midnight_nanos(x).cmp(&sem::instant_nanos(y))),
        (DateTimeOffset(x), Date(y)) => Some(sem::instant_nanos(x).cmp(&date_midnight_nanos(y))),
        (TimeOfDay(x), TimeOfDay(y)) => Some(x.cmp(y)),
        (Duration(x), Duration(y)) => Some(x.cmp(y)),
        (Enum(x), Enum(y)) => match (x.position(), y.position()) {
            (Some(p), Some(q)) => Some(p.cmp(&q)),
            _ => Some(x.value.cmp(&y.value)),
        },
        (Binary(x), Binary(y)) => Some(x.cmp(y)),
        _ => None,
    }
}

fn date_midnight_nanos(d: &NaiveDate) -> i128 {
    sem::instant_nanos(&d.and_time(NaiveTime::MIN).and_utc().fixed_offset())
}

/// `a op b` for a comparison operator, per §6: null equals only null, order comparisons with null
/// are false, `NaN` equals nothing.
pub fn compare(op: CompareOp, a: &Value, b: &Value) -> bool {
    match (a.is_null(), b.is_null()) {
        (false, false) => op.holds(order(a, b)),
        (an, bn) => op.with_null(an, bn),
    }
}

/// `a op b` for an arithmetic operator. Integers are checked (overflow and division by zero give
/// null); `divby` divides as decimals; numbers are promoted Int64 → Decimal → Double; date-times and
/// durations combine as OData 4.01 says (`dto add duration`, `dto sub dto`, `date sub date`, …).
pub fn arith(op: ArithmeticOp, a: &Value, b: &Value) -> Value {
    use Value::*;
    match (a, b) {
        (Null, _) | (_, Null) => Null,
        (Int(x), Int(y)) if op == ArithmeticOp::DivBy => opt(
            sem::decimal_arith(op, sem::int_to_decimal(*x), sem::int_to_decimal(*y)),
            Decimal,
        ),
        (Int(x), Int(y)) => opt(sem::int_arith(op, *x, *y), Int),
        (Double(_), _) | (_, Double(_)) => match (as_f64(a), as_f64(b)) {
            (Some(x), Some(y)) => Double(sem::double_arith(op, x, y)),
            _ => Null,
        },
        (Decimal(_) | Int(_), Decimal(_) | Int(_)) => match (as_decimal(a), as_decimal(b)) {
            (Some(x), Some(y)) => opt(sem::decimal_arith(op, x, y), Decimal),
            _ => Null,
        },
        (DateTimeOffset(t), Duration(d)) => match op {
            ArithmeticOp::Add => opt(sem::dto_add_nanos(t, *d), DateTimeOffset),
            ArithmeticOp::Sub => match d.checked_neg() {
                Some(n) => opt(sem::dto_add_nanos(t, n), DateTimeOffset),
                None => Null,
            },
            _ => Null,
        },
        (Duration(d), DateTimeOffset(t)) if op == ArithmeticOp::Add => {
            opt(sem::dto_add_nanos(t, *d), DateTimeOffset)
        }
        (Date(t), Duration(d)) => match op {
            ArithmeticOp::Add => opt(sem::date_add_nanos(t, *d), Date),
            ArithmeticOp::Sub => match d.checked_neg() {
                Some(n) => opt(sem::date_add_nanos(t, n), Date),
                None => Null,
            },
            _ => Null,
        },
        (DateTimeOffset(x), DateTimeOffset(y)) if op == ArithmeticOp::Sub => opt(
            sem::instant_nanos(x).checked_sub(sem::instant_nanos(y)),
            Duration,
        ),
        (Date(x), Date(y)) if op == ArithmeticOp::Sub => opt(
            date_midnight_nanos(x).checked_sub(date_midnight_nanos(y)),
            Duration,
        ),
        (Duration(x), Duration(y)) => match op {
            ArithmeticOp::Add => opt(x.checked_add(*y), Duration),
            ArithmeticOp::Sub => opt(x.checked_sub(*y), Duration),
            _ => Null,
        },
        (Duration(x), Int(y)) => match op {
            ArithmeticOp::Mul => opt(x.checked_mul(i128::from(*y)), Duration),
            ArithmeticOp::Div | ArithmeticOp::DivBy => opt(x.checked_div(i128::from(*y)), Duration),
            _ => Null,
        },
        (Int(x), Duration(y)) if op == ArithmeticOp::Mul => {
            opt(y.checked_mul(i128::from(*x)), Duration)
        }
        _ => Null,
    }
}

pub(super) fn opt<T>(v: Option<T>, f: impl FnOnce(T) -> Value) -> Value {
    v.map_or(Value::Null, f)
}

fn as_f64(v: &Value) -> Option<f64> {
    match v {
        Value::Int(i) => Some(*i as f64),
        Value::Decimal(d) => Some(sem::decimal_to_f64(*d)),
        Value::Double(d) => Some(*d),
        _ => None,
    }
}

fn as_decimal(v: &Value) -> Option<Decimal> {
    match v {
        Value::Int(i) => Some(sem::int_to_decimal(*i)),
        Value::Decimal(d) => Some(*d),
        Value::Double(d) => sem::f64_to_decimal(*d),
        _ => None,
    }
}

/// `-x`: checked for integers (`-(-9223372036854775808)` is null).
pub fn negate(v: &Value) -> Value {
    match v {
        Value::Int(i) => opt(i.checked_neg(), Value::Int),
        Value::Decimal(d) => Value::Decimal(-*d),
        Value::Double(d) => Value::Double(-*d),
        Value::Duration(d) => opt(d.checked_neg(), Value::Duration),
        _ => Value::Null,
    }
}

/// `a has b`: every flag of `b` is set in `a`; null when either is null.
pub fn has(a: &Value, b: &Value) -> Option<bool> {
    match (a, b) {
        (Value::Enum(x), Value::Enum(y)) => Some(x.value & y.value == y.value),
        _ => None,
    }
}

/// A Boolean value as three-valued logic (anything else is null).
pub fn truth(v: &Value) -> Option<bool> {
    match v {
        Value::Boolean(b) => Some(*b),
        _ => None,
    }
}

/// Three-valued logic back to a value.
pub fn from_truth(t: Option<bool>) -> Value {
    t.map_or(Value::Null, Value::Boolean)
}

/// `cast(v, ty)`: the value converted to `ty`, null when it cannot be represented.
pub fn cast(v: &Value, ty: &EdmType) -> Value {
    use Value as V;
    if v.is_null() {
        return V::Null;
    }
    match ty {
        EdmType::String => match v {
            V::String(s) => V::String(s.clone()),
            V::Enum(e) => V::String(e.to_string()),
            V::Boolean(b) => V::String(b.to_string()),
            V::Int(i) => V::String(i.to_string()),
            V::Decimal(d) => V::String(d.to_string()),
            V::Guid(g) => V::String(g.hyphenated().to_string()),
            V::Duration(d) => V::String(crate::value::format_duration(*d)),
            V::Double(d) if d.is_nan() => V::String("NaN".into()),
            V::Double(d) if d.is_infinite() => {
                V::String(if *d > 0.0 { "INF" } else { "-INF" }.into())
            }
            V::Double(d) => V::String(d.to_string()),
            V::Binary(b) => {
                use base64::Engine as _;
                V::String(base64::engine::general_purpose::URL_SAFE.encode(b))
            }
            // Dates, date-times and times print as their literals, which have no quotes.
            other => V::String(other.to_string()),
        },
        EdmType::Boolean => match v {
            V::Boolean(b) => V::Boolean(*b),
            V::String(s) => match s.as_str() {
                "true" => V::Boolean(true),
                "false" => V::Boolean(false),
                _ => V::Null,
            },
            _ => V::Null,
        },
        t if t.is_integer() => {
            let i = match v {
                V::Int(i) => Some(*i),
                V::Decimal(d) if d.fract().is_zero() => i64::try_from(*d).ok(),
                V::Double(d) if d.fract() == 0.0 && d.abs() < 9.2e18 => Some(*d as i64),
                V::String(s) => s.parse::<i64>().ok(),
                _ => None,
            };
            i.filter(|i| fits(*i, t)).map_or(V::Null, V::Int)
        }
        EdmType::Decimal => match v {
            V::String(s) => s.parse::<Decimal>().map_or(V::Null, V::Decimal),
            other => as_decimal(other).map_or(V::Null, V::Decimal),
        },
        EdmType::Double | EdmType::Single => match v {
            V::String(s) => parse_double(s).map_or(V::Null, V::Double),
            other => as_f64(other).map_or(V::Null, V::Double),
        },
        EdmType::Guid => match v {
            V::Guid(g) => V::Guid(*g),
            V::String(s) => uuid::Uuid::try_parse(s).map_or(V::Null, V::Guid),
            _ => V::Null,
        },
        EdmType::DateTimeOffset => match v {
            V::DateTimeOffset(t) => V::DateTimeOffset(*t),
            V::Date(d) => V::DateTimeOffset(d.and_time(NaiveTime::MIN).and_utc().fixed_offset()),
            V::String(s) => sem::parse_datetime(s).map_or(V::Null, V::DateTimeOffset),
            _ => V::Null,
        },
        EdmType::Date => match v {
            V::Date(d) => V::Date(*d),
            V::DateTimeOffset(t) => V::Date(t.date_naive()),
            V::String(s) => s.parse::<NaiveDate>().map_or(V::Null, V::Date),
            _ => V::Null,
        },
        EdmType::TimeOfDay => match v {
            V::TimeOfDay(t) => V::TimeOfDay(*t),
            V::DateTimeOffset(t) => V::TimeOfDay(t.time()),
            V::String(s) => s.parse::<NaiveTime>().map_or(V::Null, V::TimeOfDay),
            _ => V::Null,
        },
        EdmType::Duration => match v {
            V::Duration(d) => V::Duration(*d),
            V::String(s) => crate::value::parse_duration(s).map_or(V::Null, V::Duration),
            _ => V::Null,
        },
        EdmType::Enum(e) => match v {
            V::Enum(x) if same_enum(&x.ty, e) => V::Enum(x.clone()),
            V::String(s) => EnumValue::from_member(e, s).map_or(V::Null, V::Enum),
            V::Int(i) if e.member_by_value(*i).is_some() => V::Enum(EnumValue {
                ty: Arc::clone(e),
                value: *i,
            }),
            _ => V::Null,
        },
        EdmType::Binary => match v {
            V::Binary(b) => V::Binary(b.clone()),
            _ => V::Null,
        },
        _ => V::Null,
    }
}

fn same_enum(a: &Arc<EnumType>, b: &Arc<EnumType>) -> bool {
    Arc::ptr_eq(a, b) || a == b
}

pub(crate) fn fits(i: i64, ty: &EdmType) -> bool {
    match ty {
        EdmType::Byte => (0..=255).contains(&i),
        EdmType::SByte => (-128..=127).contains(&i),
        EdmType::Int16 => i16::try_from(i).is_ok(),
        EdmType::Int32 => i32::try_from(i).is_ok(),
        _ => true,
    }
}

pub(super) fn parse_double(s: &str) -> Option<f64> {
    match s {
        "INF" => Some(f64::INFINITY),
        "-INF" => Some(f64::NEG_INFINITY),
        "NaN" => Some(f64::NAN),
        _ if s
            .bytes()
            .any(|b| b.is_ascii_alphabetic() && b != b'e' && b != b'E') =>
        {
            None
        }
        _ => s.parse::<f64>().ok(),
    }
}

/// `isof(v, ty)`: whether the value is of `ty` (or promotes to it without loss); null is of no type.
pub fn is_of(v: &Value, ty: &EdmType) -> bool {
    use Value as V;
    match (v, ty) {
        (V::Null, _) => false,
        (V::Boolean(_), EdmType::Boolean) => true,
        (V::Int(i), t) if t.is_integer() => fits(*i, t),
        (V::Int(_), EdmType::Decimal | EdmType::Double | EdmType::Single) => true,
        (V::Decimal(_), EdmType::Decimal | EdmType::Double | EdmType::Single) => true,
        (V::Double(_), EdmType::Double | EdmType::Single) => true,
        (V::String(_), EdmType::String) => true,
        (V::Guid(_), EdmType::Guid) => true,
        (V::Date(_), EdmType::Date) => true,
        (V::DateTimeOffset(_), EdmType::DateTimeOffset) => true,
        (V::TimeOfDay(_), EdmType::TimeOfDay) => true,
        (V::Duration(_), EdmType::Duration) => true,
        (V::Binary(_), EdmType::Binary) => true,
        (V::Enum(e), EdmType::Enum(t)) => same_enum(&e.ty, t),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mde::machine_actions;
    use chrono::DateTime;

    fn status(name: &str) -> Value {
        let ty = machine_actions().entity_type();
        let p = ty.property(ty.property_id("status").unwrap()).unwrap();
        Value::Enum(EnumValue::from_member(p.ty().as_enum().unwrap(), name).unwrap())
    }

    fn dto(s: &str) -> Value {
        Value::DateTimeOffset(DateTime::parse_from_rfc3339(s).unwrap())
    }

    const OPS: [CompareOp; 6] = [
        CompareOp::Eq,
        CompareOp::Ne,
        CompareOp::Gt,
        CompareOp::Ge,
        CompareOp::Lt,
        CompareOp::Le,
    ];

    /// For `less < greater` of one type: the outcome of every operator for (less, greater),
    /// (greater, less), (less, less), (less, null), (null, less), (null, null).
    fn check_type(less: Value, greater: Value) {
        let expect = [
            // eq     ne    gt     ge     lt     le
            (&less, &greater, [false, true, false, false, true, true]),
            (&greater, &less, [false, true, true, true, false, false]),
            (&less, &less, [true, false, false, true, false, true]),
            (
                &less,
                &Value::Null,
                [false, true, false, false, false, false],
            ),
            (
                &Value::Null,
                &less,
                [false, true, false, false, false, false],
            ),
            (
                &Value::Null,
                &Value::Null,
                [true, false, false, false, false, false],
            ),
        ];
        for (a, b, outcomes) in expect {
            for (op, want) in OPS.iter().zip(outcomes) {
                assert_eq!(compare(*op, a, b), want, "{a:?} {op:?} {b:?}");
            }
        }
    }

    #[test]
    fn every_comparison_operator_per_type() {
        check_type(Value::Boolean(false), Value::Boolean(true));
        check_type(Value::Int(-5), Value::Int(3));
        check_type(
            Value::Decimal("1.10".parse().unwrap()),
            Value::Decimal("1.2".parse().unwrap()),
        );
        check_type(Value::Double(-0.5), Value::Double(f64::INFINITY));
        check_type(Value::String("Zebra".into()), Value::String("apple".into()));
        check_type(Value::String("".into()), Value::String("\u{0}".into()));
        check_type(
            Value::Guid(uuid::Uuid::from_u128(1)),
            Value::Guid(uuid::Uuid::from_u128(2)),
        );
        check_type(
            Value::Date(NaiveDate::from_ymd_opt(2024, 1, 1).unwrap()),
            Value::Date(NaiveDate::from_ymd_opt(2024, 1, 2).unwrap()),
        );
        // 10:00+02:00 is 08:00Z, earlier than 09:00Z.
        check_type(
            dto("2024-01-01T10:00:00+02:00"),
            dto("2024-01-01T09:00:00Z"),
        );
        check_type(
            dto("2024-01-01T00:00:00.000000001Z"),
            dto("2024-01-01T00:00:00.000000002Z"),
        );
        check_type(
            Value::TimeOfDay(NaiveTime::from_hms_opt(9, 0, 0).unwrap()),
            Value::TimeOfDay(NaiveTime::from_hms_opt(9, 0, 1).unwrap()),
        );
        check_type(Value::Duration(-1), Value::Duration(1));
        check_type(status("Pending"), status("Succeeded"));
        check_type(status("Failed"), status("Cancelled"));
        check_type(Value::Binary(vec![1]), Value::Binary(vec![1, 0]));
        // Mixed numeric types promote.
        check_type(Value::Int(1), Value::Decimal("1.5".parse().unwrap()));
        check_type(Value::Decimal("1.5".parse().unwrap()), Value::Double(2.0));
    }

    #[test]
    fn same_instant_in_other_offset_is_equal() {
        assert!(compare(
            CompareOp::Eq,
            &dto("2024-01-01T02:00:00+02:00"),
            &dto("2024-01-01T00:00:00Z")
        ));
        let date = Value::Date(NaiveDate::from_ymd_opt(2024, 1, 1).unwrap());
        assert!(compare(CompareOp::Eq, &date, &dto("2024-01-01T00:00:00Z")));
        assert!(compare(
            CompareOp::Lt,
            &date,
            &dto("2024-01-01T00:00:00-00:01")
        ));
    }

    #[test]
    fn nan_equals_nothing_inf_equals_itself() {
        let nan = Value::Double(f64::NAN);
        for op in OPS {
            assert_eq!(compare(op, &nan, &nan), op == CompareOp::Ne);
        }
        let inf = Value::Double(f64::INFINITY);
        assert!(compare(CompareOp::Eq, &inf, &inf));
        let ninf = Value::Double(f64::NEG_INFINITY);
        assert!(compare(CompareOp::Lt, &ninf, &Value::Int(i64::MIN)));
    }

    #[test]
    fn arithmetic_rules() {
        use ArithmeticOp::*;
        assert_eq!(arith(Add, &Value::Int(1), &Value::Int(2)), Value::Int(3));
        assert_eq!(
            arith(Mul, &Value::Int(i64::MAX), &Value::Int(2)),
            Value::Null
        );
        assert_eq!(arith(Div, &Value::Int(1), &Value::Int(0)), Value::Null);
        assert_eq!(arith(Mod, &Value::Int(1), &Value::Int(0)), Value::Null);
        assert_eq!(
            arith(DivBy, &Value::Int(1), &Value::Int(4)),
            Value::Decimal("0.25".parse().unwrap())
        );
        assert_eq!(arith(DivBy, &Value::Int(1), &Value::Int(0)), Value::Null);
        assert_eq!(arith(Add, &Value::Null, &Value::Int(1)), Value::Null);
        assert!(
            matches!(arith(Div, &Value::Double(1.0), &Value::Int(0)), Value::Double(d) if d.is_infinite())
        );
        assert_eq!(
            arith(Add, &Value::Int(1), &Value::Decimal("0.5".parse().unwrap())),
            Value::Decimal("1.5".parse().unwrap())
        );
        assert_eq!(
            arith(
                Sub,
                &dto("2024-01-02T00:00:00Z"),
                &dto("2024-01-01T00:00:00+01:00")
            ),
            Value::Duration(25 * 3600 * 1_000_000_000)
        );
        assert_eq!(
            arith(
                Add,
                &dto("2024-01-01T00:00:00+01:00"),
                &Value::Duration(3600 * 1_000_000_000)
            ),
            dto("2024-01-01T01:00:00+01:00")
        );
        assert_eq!(
            arith(
                Add,
                &dto("9999-12-31T23:59:59Z"),
                &Value::Duration(i128::MAX)
            ),
            Value::Null
        );
        assert_eq!(negate(&Value::Int(i64::MIN)), Value::Null);
        assert_eq!(negate(&Value::Duration(5)), Value::Duration(-5));
        assert_eq!(
            arith(Add, &Value::String("a".into()), &Value::Int(1)),
            Value::Null
        );
    }

    #[test]
    fn has_and_truth() {
        assert_eq!(has(&status("Failed"), &Value::Null), None);
        assert_eq!(has(&status("Failed"), &status("Failed")), Some(true));
        assert_eq!(truth(&Value::Int(1)), None);
        assert_eq!(from_truth(None), Value::Null);
    }

    #[test]
    fn casts() {
        assert_eq!(cast(&Value::Double(2.0), &EdmType::Int32), Value::Int(2));
        assert_eq!(cast(&Value::Double(2.5), &EdmType::Int32), Value::Null);
        assert_eq!(cast(&Value::Double(f64::NAN), &EdmType::Int64), Value::Null);
        assert_eq!(
            cast(&Value::Double(f64::NAN), &EdmType::Decimal),
            Value::Null
        );
        assert_eq!(
            cast(&Value::String("x".into()), &EdmType::Double),
            Value::Null
        );
        assert_eq!(
            cast(&Value::String("INF".into()), &EdmType::Double),
            Value::Double(f64::INFINITY)
        );
        assert_eq!(
            cast(&status("Failed"), &EdmType::String),
            Value::String("Failed".into())
        );
        assert_eq!(cast(&Value::Null, &EdmType::String), Value::Null);
        let st = status("Failed");
        let Value::Enum(e) = &st else { unreachable!() };
        assert_eq!(
            cast(
                &Value::String("Failed".into()),
                &EdmType::Enum(e.ty.clone())
            ),
            st
        );
        assert_eq!(
            cast(
                &Value::String("failed".into()),
                &EdmType::Enum(e.ty.clone())
            ),
            Value::Null
        );
    }

    #[test]
    fn null_and_overflow_example() {
        use crate::semantics::values::{arith, compare};
        use crate::semantics::{ArithmeticOp, CompareOp};
        use crate::value::Value;
        assert!(compare(CompareOp::Eq, &Value::Null, &Value::Null));
        assert!(!compare(CompareOp::Lt, &Value::Null, &Value::Int(1)));
        assert_eq!(
            arith(ArithmeticOp::Add, &Value::Int(i64::MAX), &Value::Int(1)),
            Value::Null
        );
        assert!(compare(CompareOp::Lt, &Value::Int(1), &Value::Double(1.5)));
    }

    #[test]
    fn cast_example() {
        use crate::schema::EdmType;
        use crate::semantics::values::cast;
        use crate::value::Value;
        assert_eq!(cast(&Value::Int(300), &EdmType::Byte), Value::Null);
        assert_eq!(
            cast(&Value::Int(3), &EdmType::String),
            Value::String("3".into())
        );
        assert_eq!(
            cast(&Value::String("12".into()), &EdmType::Int32),
            Value::Int(12)
        );
    }

    #[test]
    fn is_of_example() {
        use crate::schema::EdmType;
        use crate::semantics::values::is_of;
        use crate::value::Value;
        assert!(is_of(&Value::Int(5), &EdmType::Int64));
        assert!(is_of(&Value::Int(5), &EdmType::Decimal));
        assert!(!is_of(&Value::Int(5), &EdmType::String));
        assert!(!is_of(&Value::Null, &EdmType::String));
    }
}

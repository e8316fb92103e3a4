//! The §6 rules on runtime [`Value`]s: comparison, arithmetic, `has`, `in`, functions, `cast`, `isof`,
//! and reading a record [`Field`] as a value of its declared type.
//!
//! Nothing here panics or fails: a rule that has no answer (overflow, division by zero, a function of
//! null, a value of the wrong type) gives null.
//!
//! ```
//! use odata_filter::eval::ops::{arith, compare};
//! use odata_filter::eval::semantics::{ArithOp, CmpOp};
//! use odata_filter::value::Value;
//! assert!(compare(CmpOp::Eq, &Value::Null, &Value::Null));
//! assert!(!compare(CmpOp::Lt, &Value::Null, &Value::Int(1)));
//! assert_eq!(arith(ArithOp::Add, &Value::Int(i64::MAX), &Value::Int(1)), Value::Null);
//! assert!(compare(CmpOp::Lt, &Value::Int(1), &Value::Double(1.5)));
//! ```

use std::cmp::Ordering;
use std::sync::Arc;

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveTime, Timelike};
use rust_decimal::Decimal;

use crate::ast::Function;
use crate::eval::record::Field;
use crate::eval::semantics::{self as sem, ArithOp, CmpOp, DatePart};
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
pub fn compare(op: CmpOp, a: &Value, b: &Value) -> bool {
    match (a.is_null(), b.is_null()) {
        (false, false) => op.holds(order(a, b)),
        (an, bn) => op.with_null(an, bn),
    }
}

/// `a op b` for an arithmetic operator. Integers are checked (overflow and division by zero give
/// null); `divby` divides as decimals; numbers are promoted Int64 → Decimal → Double; date-times and
/// durations combine as OData 4.01 says (`dto add duration`, `dto sub dto`, `date sub date`, …).
pub fn arith(op: ArithOp, a: &Value, b: &Value) -> Value {
    use Value::*;
    match (a, b) {
        (Null, _) | (_, Null) => Null,
        (Int(x), Int(y)) if op == ArithOp::DivBy => opt(
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
            ArithOp::Add => opt(sem::dto_add_nanos(t, *d), DateTimeOffset),
            ArithOp::Sub => match d.checked_neg() {
                Some(n) => opt(sem::dto_add_nanos(t, n), DateTimeOffset),
                None => Null,
            },
            _ => Null,
        },
        (Duration(d), DateTimeOffset(t)) if op == ArithOp::Add => {
            opt(sem::dto_add_nanos(t, *d), DateTimeOffset)
        }
        (Date(t), Duration(d)) => match op {
            ArithOp::Add => opt(sem::date_add_nanos(t, *d), Date),
            ArithOp::Sub => match d.checked_neg() {
                Some(n) => opt(sem::date_add_nanos(t, n), Date),
                None => Null,
            },
            _ => Null,
        },
        (DateTimeOffset(x), DateTimeOffset(y)) if op == ArithOp::Sub => opt(
            sem::instant_nanos(x).checked_sub(sem::instant_nanos(y)),
            Duration,
        ),
        (Date(x), Date(y)) if op == ArithOp::Sub => opt(
            date_midnight_nanos(x).checked_sub(date_midnight_nanos(y)),
            Duration,
        ),
        (Duration(x), Duration(y)) => match op {
            ArithOp::Add => opt(x.checked_add(*y), Duration),
            ArithOp::Sub => opt(x.checked_sub(*y), Duration),
            _ => Null,
        },
        (Duration(x), Int(y)) => match op {
            ArithOp::Mul => opt(x.checked_mul(i128::from(*y)), Duration),
            ArithOp::Div | ArithOp::DivBy => opt(x.checked_div(i128::from(*y)), Duration),
            _ => Null,
        },
        (Int(x), Duration(y)) if op == ArithOp::Mul => opt(y.checked_mul(i128::from(*x)), Duration),
        _ => Null,
    }
}

fn opt<T>(v: Option<T>, f: impl FnOnce(T) -> Value) -> Value {
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

/// The value of a built-in function (not `cast`/`isof`, see [`cast`] and [`is_of`]). `now` is the
/// instant `now()` returns (fixed for a whole query).
pub fn call(f: Function, args: &[Value], now: &DateTime<FixedOffset>) -> Value {
    use Value::*;
    let arg = |i: usize| args.get(i).unwrap_or(&Null);
    let part = |p: DatePart| match arg(0) {
        DateTimeOffset(t) => Int(sem::dto_part(t, p)),
        Date(d) => match p {
            DatePart::Year | DatePart::Month | DatePart::Day => Int(sem::date_part(d, p)),
            _ => Null,
        },
        TimeOfDay(t) => opt(sem::time_part(t, p), Int),
        _ => Null,
    };
    match f {
        Function::Contains | Function::StartsWith | Function::EndsWith => match (arg(0), arg(1)) {
            (String(s), String(t)) => Boolean(match f {
                Function::Contains => s.contains(t.as_str()),
                Function::StartsWith => s.starts_with(t.as_str()),
                _ => s.ends_with(t.as_str()),
            }),
            _ => Null,
        },
        Function::Length => match arg(0) {
            String(s) => Int(sem::length(s)),
            _ => Null,
        },
        Function::IndexOf => match (arg(0), arg(1)) {
            (String(s), String(t)) => Int(sem::index_of(s, t)),
            _ => Null,
        },
        Function::Substring => match (arg(0), arg(1), args.get(2)) {
            (String(s), Int(i), None) => String(sem::substring(s, *i, None)),
            (String(s), Int(i), Some(Int(n))) => String(sem::substring(s, *i, Some(*n))),
            _ => Null,
        },
        Function::ToLower => match arg(0) {
            String(s) => String(s.to_lowercase()),
            _ => Null,
        },
        Function::ToUpper => match arg(0) {
            String(s) => String(s.to_uppercase()),
            _ => Null,
        },
        Function::Trim => match arg(0) {
            String(s) => String(sem::trim(s).to_string()),
            _ => Null,
        },
        Function::Concat => match (arg(0), arg(1)) {
            (String(s), String(t)) => String(format!("{s}{t}")),
            _ => Null,
        },
        Function::MatchesPattern => match (arg(0), arg(1)) {
            (String(s), String(p)) => match crate::pattern::cached(p) {
                Some(re) => Boolean(re.is_match(s)),
                None => Null,
            },
            _ => Null,
        },
        Function::Year => part(DatePart::Year),
        Function::Month => part(DatePart::Month),
        Function::Day => part(DatePart::Day),
        Function::Hour => part(DatePart::Hour),
        Function::Minute => part(DatePart::Minute),
        Function::Second => part(DatePart::Second),
        Function::FractionalSeconds => match arg(0) {
            DateTimeOffset(t) => Decimal(sem::fractional_seconds(t.nanosecond())),
            TimeOfDay(t) => Decimal(sem::fractional_seconds(t.nanosecond())),
            _ => Null,
        },
        Function::Date => match arg(0) {
            DateTimeOffset(t) => Date(t.date_naive()),
            _ => Null,
        },
        Function::Time => match arg(0) {
            DateTimeOffset(t) => TimeOfDay(t.time()),
            _ => Null,
        },
        Function::TotalOffsetMinutes => match arg(0) {
            DateTimeOffset(t) => Int(sem::total_offset_minutes(t)),
            _ => Null,
        },
        Function::TotalSeconds => match arg(0) {
            Duration(d) => opt(sem::total_seconds(*d), Decimal),
            _ => Null,
        },
        Function::Now => DateTimeOffset(*now),
        Function::MaxDateTime => DateTimeOffset(sem::max_datetime()),
        Function::MinDateTime => DateTimeOffset(sem::min_datetime()),
        Function::Round | Function::Floor | Function::Ceiling => match arg(0) {
            Int(i) => Int(*i),
            Decimal(d) => Decimal(match f {
                Function::Round => sem::round_decimal(*d),
                Function::Floor => sem::floor_decimal(*d),
                _ => sem::ceiling_decimal(*d),
            }),
            Double(d) => Double(match f {
                Function::Round => sem::round_f64(*d),
                Function::Floor => d.floor(),
                _ => d.ceil(),
            }),
            _ => Null,
        },
        // Collection functions, geo functions: not evaluated (the validator rejects them).
        _ => Null,
    }
}

/// `cast(v, ty)`: the value converted to `ty`, null when it cannot be represented.
///
/// ```
/// use odata_filter::eval::ops::cast;
/// use odata_filter::schema::EdmType;
/// use odata_filter::value::Value;
/// assert_eq!(cast(&Value::Int(300), &EdmType::Byte), Value::Null);
/// assert_eq!(cast(&Value::Int(3), &EdmType::String), Value::String("3".into()));
/// assert_eq!(cast(&Value::String("12".into()), &EdmType::Int32), Value::Int(12));
/// ```
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

fn parse_double(s: &str) -> Option<f64> {
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
///
/// ```
/// use odata_filter::eval::ops::is_of;
/// use odata_filter::schema::EdmType;
/// use odata_filter::value::Value;
/// assert!(is_of(&Value::Int(5), &EdmType::Int64));
/// assert!(is_of(&Value::Int(5), &EdmType::Decimal));
/// assert!(!is_of(&Value::Int(5), &EdmType::String));
/// assert!(!is_of(&Value::Null, &EdmType::String));
/// ```
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

/// Reads a record field as a value of its declared type. A field whose data does not fit the type
/// (a JSON number for a string property, an unknown enum member, a malformed date-time) is null.
///
/// ```
/// use odata_filter::eval::{ops::field_value, Field};
/// use odata_filter::schema::EdmType;
/// use odata_filter::value::Value;
/// let json = serde_json::json!("2024-01-01T00:00:00Z");
/// assert!(matches!(field_value(Field::Json(&json), &EdmType::DateTimeOffset), Value::DateTimeOffset(_)));
/// assert_eq!(field_value(Field::Json(&json), &EdmType::Int32), Value::Null);
/// ```
pub fn field_value(f: Field<'_>, ty: &EdmType) -> Value {
    use Value as V;
    match f {
        Field::Null | Field::Node(_) | Field::Items(_) => V::Null,
        Field::Bool(b) => match ty {
            EdmType::Boolean => V::Boolean(b),
            _ => V::Null,
        },
        Field::Int(i) => int_as(i, ty),
        Field::Double(d) => match ty {
            EdmType::Double | EdmType::Single => V::Double(d),
            EdmType::Decimal => sem::f64_to_decimal(d).map_or(V::Null, V::Decimal),
            t if t.is_integer() && d.fract() == 0.0 && d.abs() < 9.2e18 => int_as(d as i64, t),
            _ => V::Null,
        },
        Field::Str(s) => str_as(s, ty),
        Field::Guid(g) => match ty {
            EdmType::Guid => V::Guid(g),
            _ => V::Null,
        },
        Field::DateTimeOffset(t) => match ty {
            EdmType::DateTimeOffset => V::DateTimeOffset(t),
            _ => V::Null,
        },
        Field::Enum { value, name } => match ty {
            EdmType::Enum(e) => match e.member(name) {
                Some(m) => V::Enum(EnumValue {
                    ty: Arc::clone(e),
                    value: m.value(),
                }),
                None if e.member_by_value(value).is_some() => V::Enum(EnumValue {
                    ty: Arc::clone(e),
                    value,
                }),
                None => V::Null,
            },
            _ => V::Null,
        },
        Field::Json(j) => match j {
            serde_json::Value::Bool(b) => field_value(Field::Bool(*b), ty),
            serde_json::Value::Number(n) => {
                if let EdmType::Decimal = ty {
                    return n
                        .to_string()
                        .parse::<Decimal>()
                        .or_else(|_| Decimal::from_scientific(&n.to_string()))
                        .map_or(V::Null, V::Decimal);
                }
                match n.as_i64() {
                    Some(i) => field_value(Field::Int(i), ty),
                    None => match n.as_f64() {
                        Some(d) => field_value(Field::Double(d), ty),
                        None => V::Null,
                    },
                }
            }
            serde_json::Value::String(s) => str_as(s, ty),
            _ => V::Null,
        },
    }
}

/// Whether a field is null when read as `ty`: absent, JSON null, or data that does not fit the type
/// (a complex value must be an object, a collection an array). Cheaper than [`field_value`].
///
/// ```
/// use odata_filter::eval::{ops::field_is_null, Field};
/// use odata_filter::schema::EdmType;
/// assert!(field_is_null(Field::Null, &EdmType::String));
/// assert!(!field_is_null(Field::Str("x"), &EdmType::String));
/// assert!(field_is_null(Field::Str("x"), &EdmType::Guid));
/// ```
pub fn field_is_null(f: Field<'_>, ty: &EdmType) -> bool {
    match ty {
        EdmType::Complex(_) => !matches!(
            f,
            Field::Node(_) | Field::Json(serde_json::Value::Object(_))
        ),
        EdmType::Collection(_) => !matches!(
            f,
            Field::Items(_) | Field::Json(serde_json::Value::Array(_))
        ),
        _ => match (f, ty) {
            (Field::Null, _) => true,
            (Field::Str(_), EdmType::String) => false,
            (Field::Json(serde_json::Value::String(_)), EdmType::String) => false,
            (Field::Guid(_), EdmType::Guid) => false,
            (Field::DateTimeOffset(_), EdmType::DateTimeOffset) => false,
            (Field::Enum { .. }, EdmType::Enum(_)) => field_value(f, ty).is_null(),
            _ => field_value(f, ty).is_null(),
        },
    }
}

fn int_as(i: i64, ty: &EdmType) -> Value {
    match ty {
        t if t.is_integer() && fits(i, t) => Value::Int(i),
        EdmType::Decimal => Value::Decimal(sem::int_to_decimal(i)),
        EdmType::Double | EdmType::Single => Value::Double(i as f64),
        EdmType::Enum(e) if e.member_by_value(i).is_some() || e.is_flags() => {
            Value::Enum(EnumValue {
                ty: Arc::clone(e),
                value: i,
            })
        }
        _ => Value::Null,
    }
}

fn str_as(s: &str, ty: &EdmType) -> Value {
    match ty {
        EdmType::String => Value::String(s.to_string()),
        EdmType::Enum(e) => match e.member(s) {
            Some(m) => Value::Enum(EnumValue {
                ty: Arc::clone(e),
                value: m.value(),
            }),
            None => Value::Null,
        },
        // IEEE754Compatible JSON writes Int64, Decimal and special doubles as strings.
        EdmType::Double | EdmType::Single | EdmType::Decimal | EdmType::Int64 => {
            cast(&Value::String(s.to_string()), ty)
        }
        EdmType::Guid
        | EdmType::DateTimeOffset
        | EdmType::Date
        | EdmType::TimeOfDay
        | EdmType::Duration => cast(&Value::String(s.to_string()), ty),
        EdmType::Binary => {
            use base64::Engine as _;
            base64::engine::general_purpose::URL_SAFE
                .decode(s)
                .or_else(|_| base64::engine::general_purpose::STANDARD.decode(s))
                .map_or(Value::Null, Value::Binary)
        }
        _ => Value::Null,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::machine_actions;

    fn status(name: &str) -> Value {
        let ty = machine_actions().entity_type();
        let p = ty.property(ty.property_id("status").unwrap()).unwrap();
        Value::Enum(EnumValue::from_member(p.ty().as_enum().unwrap(), name).unwrap())
    }

    fn dto(s: &str) -> Value {
        Value::DateTimeOffset(DateTime::parse_from_rfc3339(s).unwrap())
    }

    const OPS: [CmpOp; 6] = [
        CmpOp::Eq,
        CmpOp::Ne,
        CmpOp::Gt,
        CmpOp::Ge,
        CmpOp::Lt,
        CmpOp::Le,
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
            CmpOp::Eq,
            &dto("2024-01-01T02:00:00+02:00"),
            &dto("2024-01-01T00:00:00Z")
        ));
        let date = Value::Date(NaiveDate::from_ymd_opt(2024, 1, 1).unwrap());
        assert!(compare(CmpOp::Eq, &date, &dto("2024-01-01T00:00:00Z")));
        assert!(compare(CmpOp::Lt, &date, &dto("2024-01-01T00:00:00-00:01")));
    }

    #[test]
    fn nan_equals_nothing_inf_equals_itself() {
        let nan = Value::Double(f64::NAN);
        for op in OPS {
            assert_eq!(compare(op, &nan, &nan), op == CmpOp::Ne);
        }
        let inf = Value::Double(f64::INFINITY);
        assert!(compare(CmpOp::Eq, &inf, &inf));
        let ninf = Value::Double(f64::NEG_INFINITY);
        assert!(compare(CmpOp::Lt, &ninf, &Value::Int(i64::MIN)));
    }

    #[test]
    fn arithmetic_rules() {
        use ArithOp::*;
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
    fn functions_with_null_and_edge_inputs() {
        let now = DateTime::parse_from_rfc3339("2024-05-01T12:00:00Z").unwrap();
        let s = |x: &str| Value::String(x.into());
        let c = |f, args: &[Value]| call(f, args, &now);
        for f in [
            Function::Contains,
            Function::StartsWith,
            Function::EndsWith,
            Function::IndexOf,
            Function::Concat,
        ] {
            assert_eq!(c(f, &[Value::Null, s("a")]), Value::Null, "{f:?}");
            assert_eq!(c(f, &[s("a"), Value::Null]), Value::Null, "{f:?}");
        }
        for f in [
            Function::Length,
            Function::ToLower,
            Function::ToUpper,
            Function::Trim,
            Function::Year,
            Function::Round,
            Function::Date,
            Function::Time,
            Function::TotalOffsetMinutes,
            Function::TotalSeconds,
            Function::FractionalSeconds,
        ] {
            assert_eq!(c(f, &[Value::Null]), Value::Null, "{f:?}");
        }
        assert_eq!(c(Function::Contains, &[s(""), s("")]), Value::Boolean(true));
        assert_eq!(
            c(Function::Contains, &[s("Admin"), s("admin")]),
            Value::Boolean(false)
        );
        assert_eq!(
            c(Function::StartsWith, &[s("ﬁle"), s("fi")]),
            Value::Boolean(false)
        );
        assert_eq!(
            c(Function::EndsWith, &[s("naïve"), s("ïve")]),
            Value::Boolean(true)
        );
        assert_eq!(c(Function::Length, &[s("naïve")]), Value::Int(5));
        assert_eq!(c(Function::IndexOf, &[s("naïve"), s("v")]), Value::Int(3));
        assert_eq!(
            c(Function::Substring, &[s("naïve"), Value::Int(2)]),
            s("ïve")
        );
        assert_eq!(
            c(
                Function::Substring,
                &[s("naïve"), Value::Int(2), Value::Int(1)]
            ),
            s("ï")
        );
        assert_eq!(
            c(Function::Substring, &[s("naïve"), Value::Null]),
            Value::Null
        );
        assert_eq!(c(Function::ToLower, &[s("ÄBC")]), s("äbc"));
        assert_eq!(c(Function::ToUpper, &[s("straße")]), s("STRASSE"));
        assert_eq!(c(Function::Trim, &[s("\u{3000} x ")]), s("x"));
        assert_eq!(c(Function::Concat, &[s("a"), s("")]), s("a"));
        assert_eq!(
            c(Function::MatchesPattern, &[s("abc123"), s("^[a-z]+\\d+$")]),
            Value::Boolean(true)
        );
        assert_eq!(
            c(Function::MatchesPattern, &[s("abc"), s("(")]),
            Value::Null
        );
        let t = dto("2023-12-31T23:30:45.5-05:00");
        assert_eq!(
            c(Function::Year, std::slice::from_ref(&t)),
            Value::Int(2023)
        );
        assert_eq!(c(Function::Day, std::slice::from_ref(&t)), Value::Int(31));
        assert_eq!(c(Function::Hour, std::slice::from_ref(&t)), Value::Int(23));
        assert_eq!(
            c(Function::Second, std::slice::from_ref(&t)),
            Value::Int(45)
        );
        assert_eq!(
            c(Function::FractionalSeconds, std::slice::from_ref(&t)),
            Value::Decimal("0.5".parse().unwrap())
        );
        assert_eq!(
            c(Function::TotalOffsetMinutes, std::slice::from_ref(&t)),
            Value::Int(-300)
        );
        assert_eq!(
            c(Function::Date, std::slice::from_ref(&t)),
            Value::Date(NaiveDate::from_ymd_opt(2023, 12, 31).unwrap())
        );
        assert_eq!(
            c(Function::Time, std::slice::from_ref(&t)),
            Value::TimeOfDay(NaiveTime::from_hms_milli_opt(23, 30, 45, 500).unwrap())
        );
        assert_eq!(
            c(
                Function::Hour,
                &[Value::Date(NaiveDate::from_ymd_opt(2023, 1, 1).unwrap())]
            ),
            Value::Null
        );
        assert_eq!(
            c(Function::Year, &[Value::TimeOfDay(NaiveTime::MIN)]),
            Value::Null
        );
        assert_eq!(
            c(Function::TotalSeconds, &[Value::Duration(-90_500_000_000)]),
            Value::Decimal("-90.5".parse().unwrap())
        );
        assert_eq!(c(Function::Now, &[]), Value::DateTimeOffset(now));
        assert!(compare(
            CmpOp::Gt,
            &c(Function::MaxDateTime, &[]),
            &c(Function::MinDateTime, &[])
        ));
        assert_eq!(
            c(Function::Round, &[Value::Double(-2.5)]),
            Value::Double(-3.0)
        );
        assert_eq!(
            c(Function::Floor, &[Value::Decimal("-2.5".parse().unwrap())]),
            Value::Decimal("-3".parse().unwrap())
        );
        assert_eq!(
            c(Function::Ceiling, &[Value::Double(2.1)]),
            Value::Double(3.0)
        );
        assert_eq!(c(Function::Round, &[Value::Int(7)]), Value::Int(7));
        assert!(
            matches!(c(Function::Round, &[Value::Double(f64::NAN)]), Value::Double(d) if d.is_nan())
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
    fn fields_of_the_wrong_type_read_as_null() {
        let j = serde_json::json!({"n": 5, "s": "x", "b": true, "a": [1], "o": {}, "big": 3000000000u64, "f": 1.5});
        let f = |k: &str| Field::Json(&j[k]);
        assert_eq!(field_value(f("n"), &EdmType::String), Value::Null);
        assert_eq!(field_value(f("s"), &EdmType::Int64), Value::Null);
        assert_eq!(field_value(f("s"), &EdmType::Guid), Value::Null);
        assert_eq!(field_value(f("s"), &EdmType::DateTimeOffset), Value::Null);
        assert_eq!(field_value(f("b"), &EdmType::String), Value::Null);
        assert_eq!(field_value(f("a"), &EdmType::String), Value::Null);
        assert_eq!(field_value(f("o"), &EdmType::Int32), Value::Null);
        assert_eq!(field_value(f("big"), &EdmType::Int32), Value::Null);
        assert_eq!(
            field_value(f("big"), &EdmType::Int64),
            Value::Int(3_000_000_000)
        );
        assert_eq!(field_value(f("f"), &EdmType::Int64), Value::Null);
        assert_eq!(
            field_value(f("f"), &EdmType::Decimal),
            Value::Decimal("1.5".parse().unwrap())
        );
        let ty = machine_actions().entity_type();
        let st = ty
            .property(ty.property_id("status").unwrap())
            .unwrap()
            .ty()
            .clone();
        assert_eq!(field_value(f("s"), &st), Value::Null);
        let ok = serde_json::json!("Failed");
        assert_eq!(field_value(Field::Json(&ok), &st), status("Failed"));
        assert_eq!(
            field_value(
                Field::Enum {
                    value: 3,
                    name: "Failed"
                },
                &st
            ),
            status("Failed")
        );
        let inf = serde_json::json!("INF");
        assert_eq!(
            field_value(Field::Json(&inf), &EdmType::Double),
            Value::Double(f64::INFINITY)
        );
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
}

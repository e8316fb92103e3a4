//! The built-in functions on runtime [`Value`]s (`docs/semantics.md` §6): a function of null, or of
//! a value it has no answer for, is null.

use chrono::{DateTime, FixedOffset, Timelike};

use super::scalar::{self as sem, DatePart};
use super::values::opt;
use crate::ast::Function;
use crate::value::Value;

/// The value of a built-in function (not `cast`/`isof`, see [`cast`](super::values::cast) and [`is_of`](super::values::is_of)). `now` is the
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
            (String(s), String(p)) => match crate::pattern::cached(p).ok_or(()) {
                Ok(re) => Boolean(re.is_match(s)),
                Err(_) => Null,
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::semantics::values::compare;
    use crate::semantics::CompareOp;
    use chrono::{NaiveDate, NaiveTime};

    fn dto(s: &str) -> Value {
        Value::DateTimeOffset(DateTime::parse_from_rfc3339(s).unwrap())
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
            CompareOp::Gt,
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
}

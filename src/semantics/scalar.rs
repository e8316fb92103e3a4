//! The rules of `docs/semantics.md` §6 on plain Rust values (strings, numbers, date-times): ordinal
//! string order, checked arithmetic, rounding, date parts. The [`values`](super::values) rules and
//! both evaluators build on these.

use std::cmp::Ordering;

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, NaiveTime, TimeDelta, Timelike};
use rust_decimal::prelude::{FromPrimitive, ToPrimitive};
use rust_decimal::{Decimal, RoundingStrategy};

use super::ArithmeticOp;

/// Ordinal string order (by Unicode scalar value; UTF-8 byte order is the same order).
#[inline]
pub fn cmp_str(a: &str, b: &str) -> Ordering {
    a.as_bytes().cmp(b.as_bytes())
}

/// Doubles compare numerically; `NaN` is unordered (equal to nothing, itself included).
#[inline]
pub fn cmp_f64(a: f64, b: f64) -> Option<Ordering> {
    a.partial_cmp(&b)
}

/// An instant as nanoseconds since 1970-01-01T00:00:00Z (offsets normalised). `i128` covers the whole
/// range of years 1..=9999 at nanosecond precision.
#[inline]
pub fn instant_nanos(t: &DateTime<FixedOffset>) -> i128 {
    i128::from(t.timestamp()) * 1_000_000_000 + i128::from(t.timestamp_subsec_nanos())
}

/// Number of characters (Unicode scalar values).
pub fn length(s: &str) -> i64 {
    s.chars().count() as i64
}

/// Character position of the first occurrence of `needle`, or -1.
pub fn index_of(s: &str, needle: &str) -> i64 {
    match s.find(needle) {
        Some(byte) => s[..byte].chars().count() as i64,
        None => -1,
    }
}

/// `substring(s, start[, length])` by characters. A start before 0 counts from 0, a start past the end
/// gives `''`; a negative length gives `''`.
pub fn substring(s: &str, start: i64, len: Option<i64>) -> String {
    let start = usize::try_from(start.max(0)).unwrap_or(usize::MAX);
    let rest = s.chars().skip(start);
    match len {
        None => rest.collect(),
        Some(n) => rest
            .take(usize::try_from(n.max(0)).unwrap_or(usize::MAX))
            .collect(),
    }
}

/// `trim`: leading and trailing whitespace removed.
pub fn trim(s: &str) -> &str {
    s.trim()
}

/// Checked Int64 arithmetic: overflow and division by zero give `None` (null). `divby` is not an
/// integer operation (see [`decimal_arith`]); here it gives `None`.
#[inline]
pub fn int_arith(op: ArithmeticOp, a: i64, b: i64) -> Option<i64> {
    match op {
        ArithmeticOp::Add => a.checked_add(b),
        ArithmeticOp::Sub => a.checked_sub(b),
        ArithmeticOp::Mul => a.checked_mul(b),
        ArithmeticOp::Div => a.checked_div(b),
        ArithmeticOp::Mod => a.checked_rem(b),
        ArithmeticOp::DivBy => None,
    }
}

/// Checked decimal arithmetic: overflow and division by zero give `None`.
pub fn decimal_arith(op: ArithmeticOp, a: Decimal, b: Decimal) -> Option<Decimal> {
    match op {
        ArithmeticOp::Add => a.checked_add(b),
        ArithmeticOp::Sub => a.checked_sub(b),
        ArithmeticOp::Mul => a.checked_mul(b),
        ArithmeticOp::Div | ArithmeticOp::DivBy => a.checked_div(b),
        ArithmeticOp::Mod => a.checked_rem(b),
    }
}

/// IEEE double arithmetic (`1 div 0.0` is `INF`, `0 div 0.0` is `NaN`).
pub fn double_arith(op: ArithmeticOp, a: f64, b: f64) -> f64 {
    match op {
        ArithmeticOp::Add => a + b,
        ArithmeticOp::Sub => a - b,
        ArithmeticOp::Mul => a * b,
        ArithmeticOp::Div | ArithmeticOp::DivBy => a / b,
        ArithmeticOp::Mod => a % b,
    }
}

/// A decimal as a double (for mixed comparisons and arithmetic).
pub fn decimal_to_f64(d: Decimal) -> f64 {
    d.to_f64().unwrap_or(f64::NAN)
}

/// An integer as a decimal.
pub fn int_to_decimal(i: i64) -> Decimal {
    Decimal::from(i)
}

/// A double as a decimal, when it is finite and in range.
pub fn f64_to_decimal(f: f64) -> Option<Decimal> {
    Decimal::from_f64(f)
}

/// `round`: to the nearest integer, midpoints away from zero (OData's rule, not banker's rounding).
pub fn round_f64(f: f64) -> f64 {
    f.round()
}

/// `round` for decimals, midpoints away from zero.
pub fn round_decimal(d: Decimal) -> Decimal {
    d.round_dp_with_strategy(0, RoundingStrategy::MidpointAwayFromZero)
}

/// `floor` for decimals.
pub fn floor_decimal(d: Decimal) -> Decimal {
    d.floor()
}

/// `ceiling` for decimals.
pub fn ceiling_decimal(d: Decimal) -> Decimal {
    d.ceil()
}

/// Parts of a date-time in its own offset: `year(2024-01-01T01:00:00+02:00)` is 2024 even though the
/// instant is in 2023 in UTC.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DatePart {
    /// `year`
    Year,
    /// `month`
    Month,
    /// `day`
    Day,
    /// `hour`
    Hour,
    /// `minute`
    Minute,
    /// `second`
    Second,
}

/// A date part of a date-time, in the value's own offset.
pub fn dto_part(t: &DateTime<FixedOffset>, part: DatePart) -> i64 {
    let local = t.naive_local();
    match part {
        DatePart::Year => i64::from(local.year()),
        DatePart::Month => i64::from(local.month()),
        DatePart::Day => i64::from(local.day()),
        DatePart::Hour => i64::from(local.hour()),
        DatePart::Minute => i64::from(local.minute()),
        DatePart::Second => i64::from(local.second()),
    }
}

/// A date part of a date (`hour`, `minute`, `second` are 0).
pub fn date_part(d: &NaiveDate, part: DatePart) -> i64 {
    match part {
        DatePart::Year => i64::from(d.year()),
        DatePart::Month => i64::from(d.month()),
        DatePart::Day => i64::from(d.day()),
        _ => 0,
    }
}

/// A part of a time of day (`year`, `month`, `day` are not defined: `None`).
pub fn time_part(t: &NaiveTime, part: DatePart) -> Option<i64> {
    Some(match part {
        DatePart::Hour => i64::from(t.hour()),
        DatePart::Minute => i64::from(t.minute()),
        DatePart::Second => i64::from(t.second()),
        _ => return None,
    })
}

/// `fractionalseconds`: the fraction of the second as a decimal (`0.2011911`), from a nanosecond count
/// (leap-second nanoseconds above 10^9 are folded back).
pub fn fractional_seconds(nanos: u32) -> Decimal {
    Decimal::new(i64::from(nanos % 1_000_000_000), 9).normalize()
}

/// `totaloffsetminutes`: the offset east of UTC in minutes.
pub fn total_offset_minutes(t: &DateTime<FixedOffset>) -> i64 {
    i64::from(t.offset().local_minus_utc()) / 60
}

/// `totalseconds` of a duration in nanoseconds, as a decimal.
pub fn total_seconds(nanos: i128) -> Option<Decimal> {
    let n = i64::try_from(nanos).ok()?;
    Some(Decimal::new(n, 9).normalize())
}

/// `date-time add duration` (and `sub` with a negated duration); `None` when the result leaves the EDM
/// range (years 1..=9999, in UTC).
pub fn dto_add_nanos(t: &DateTime<FixedOffset>, nanos: i128) -> Option<DateTime<FixedOffset>> {
    let n = i64::try_from(nanos).ok()?;
    t.checked_add_signed(TimeDelta::nanoseconds(n))
        .filter(|r| (1..=9999).contains(&r.naive_utc().year()))
}

/// `date add duration`: only whole days move a date (OData 4.01); `None` when out of range or when the
/// duration is not a whole number of days.
pub fn date_add_nanos(d: &NaiveDate, nanos: i128) -> Option<NaiveDate> {
    const DAY: i128 = 86_400_000_000_000;
    if nanos % DAY != 0 {
        return None;
    }
    let days = i64::try_from(nanos / DAY).ok()?;
    d.checked_add_signed(TimeDelta::try_days(days)?)
        .filter(|r| (1..=9999).contains(&r.year()))
}

/// The latest date-time: `9999-12-31T23:59:59.999999999Z`.
pub fn max_datetime() -> DateTime<FixedOffset> {
    NaiveDate::from_ymd_opt(9999, 12, 31)
        .and_then(|d| d.and_hms_nano_opt(23, 59, 59, 999_999_999))
        .map(|t| t.and_utc().fixed_offset())
        .unwrap_or_default()
}

/// The earliest date-time: `0001-01-01T00:00:00Z`.
pub fn min_datetime() -> DateTime<FixedOffset> {
    NaiveDate::from_ymd_opt(1, 1, 1)
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|t| t.and_utc().fixed_offset())
        .unwrap_or_default()
}

/// The current time, in UTC (what `now()` returns unless a query fixes it).
pub fn now() -> DateTime<FixedOffset> {
    DateTime::<chrono::Utc>::from(std::time::SystemTime::now()).fixed_offset()
}

/// Parses a date-time text from data (RFC 3339: `T` or space, offset required, any fraction digits);
/// `None` for anything else.
pub fn parse_datetime(text: &str) -> Option<DateTime<FixedOffset>> {
    DateTime::parse_from_rfc3339(text).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cmp::Ordering;

    #[test]
    fn strings_are_ordinal_and_case_sensitive() {
        assert_eq!(cmp_str("B", "a"), Ordering::Less);
        assert_eq!(cmp_str("a", "ab"), Ordering::Less);
        assert_eq!(cmp_str("é", "z"), Ordering::Greater);
        assert_eq!(cmp_str("\u{FFFF}", "\u{10000}"), Ordering::Less);
        assert_eq!(length(""), 0);
        assert_eq!(length("日本語"), 3);
        assert_eq!(length("👍🏽"), 2);
        assert_eq!(index_of("", ""), 0);
        assert_eq!(index_of("日本語", "語"), 2);
        assert_eq!(substring("", 0, None), "");
        assert_eq!(substring("abc", 1, Some(-1)), "");
        assert_eq!(substring("abc", i64::MAX, Some(i64::MAX)), "");
        assert_eq!(trim("  a b \t"), "a b");
    }

    #[test]
    fn doubles_and_special_values() {
        assert_eq!(cmp_f64(f64::INFINITY, f64::INFINITY), Some(Ordering::Equal));
        assert_eq!(cmp_f64(f64::NEG_INFINITY, -1e308), Some(Ordering::Less));
        assert_eq!(cmp_f64(f64::NAN, f64::NAN), None);
        assert!(double_arith(ArithmeticOp::Div, 1.0, 0.0).is_infinite());
        assert!(double_arith(ArithmeticOp::Div, 0.0, 0.0).is_nan());
        assert_eq!(round_f64(0.5), 1.0);
        assert_eq!(round_f64(-0.5), -1.0);
        assert_eq!(round_f64(1.4999), 1.0);
    }

    #[test]
    fn checked_integer_arithmetic() {
        assert_eq!(int_arith(ArithmeticOp::Mul, i64::MAX, 2), None);
        assert_eq!(int_arith(ArithmeticOp::Sub, i64::MIN, 1), None);
        assert_eq!(int_arith(ArithmeticOp::Div, 1, 0), None);
        assert_eq!(int_arith(ArithmeticOp::Mod, i64::MIN, -1), None);
        assert_eq!(int_arith(ArithmeticOp::Sub, 5, 7), Some(-2));
        assert_eq!(int_arith(ArithmeticOp::DivBy, 5, 2), None);
    }

    #[test]
    fn decimal_rules() {
        let d = |s: &str| s.parse::<Decimal>().unwrap();
        assert_eq!(round_decimal(d("2.5")), d("3"));
        assert_eq!(round_decimal(d("-2.5")), d("-3"));
        assert_eq!(floor_decimal(d("-2.5")), d("-3"));
        assert_eq!(ceiling_decimal(d("-2.5")), d("-2"));
        assert_eq!(decimal_arith(ArithmeticOp::Mul, Decimal::MAX, d("2")), None);
        assert_eq!(
            decimal_arith(ArithmeticOp::Mod, d("7.5"), d("2")),
            Some(d("1.5"))
        );
        assert_eq!(decimal_arith(ArithmeticOp::Mod, d("1"), d("0")), None);
    }

    #[test]
    fn date_parts_in_own_offset() {
        let t = DateTime::parse_from_rfc3339("2023-12-31T23:30:00.25-05:00").unwrap();
        assert_eq!(dto_part(&t, DatePart::Year), 2023);
        assert_eq!(dto_part(&t, DatePart::Month), 12);
        assert_eq!(dto_part(&t, DatePart::Day), 31);
        assert_eq!(dto_part(&t, DatePart::Hour), 23);
        assert_eq!(dto_part(&t, DatePart::Minute), 30);
        assert_eq!(dto_part(&t, DatePart::Second), 0);
        assert_eq!(total_offset_minutes(&t), -300);
        assert_eq!(
            fractional_seconds(t.timestamp_subsec_nanos()).to_string(),
            "0.25"
        );
        assert_eq!(fractional_seconds(0).to_string(), "0");
        let same = DateTime::parse_from_rfc3339("2024-01-01T04:30:00.25Z").unwrap();
        assert_eq!(instant_nanos(&t), instant_nanos(&same));
    }

    #[test]
    fn date_time_arithmetic_and_bounds() {
        let t = DateTime::parse_from_rfc3339("2024-02-28T12:00:00Z").unwrap();
        let day = 86_400_000_000_000i128;
        assert_eq!(
            dto_add_nanos(&t, day).unwrap().to_rfc3339(),
            "2024-02-29T12:00:00+00:00"
        );
        assert_eq!(dto_add_nanos(&max_datetime(), 1), None);
        assert_eq!(dto_add_nanos(&t, i128::MAX), None);
        let d = NaiveDate::from_ymd_opt(2024, 2, 28).unwrap();
        assert_eq!(
            date_add_nanos(&d, 2 * day),
            NaiveDate::from_ymd_opt(2024, 3, 1)
        );
        assert_eq!(date_add_nanos(&d, day + 1), None);
        assert!(min_datetime() < max_datetime());
        assert_eq!(total_seconds(-1_500_000_000).unwrap().to_string(), "-1.5");
    }

    #[test]
    fn instant_nanos_example() {
        use crate::semantics::scalar::instant_nanos;
        let a = chrono::DateTime::parse_from_rfc3339("2024-01-01T02:00:00+02:00").unwrap();
        let b = chrono::DateTime::parse_from_rfc3339("2024-01-01T00:00:00Z").unwrap();
        assert_eq!(instant_nanos(&a), instant_nanos(&b));
    }

    #[test]
    fn index_of_example() {
        use crate::semantics::scalar::index_of;
        assert_eq!(index_of("héllo", "llo"), 2);
        assert_eq!(index_of("abc", ""), 0);
        assert_eq!(index_of("abc", "x"), -1);
    }

    #[test]
    fn substring_example() {
        use crate::semantics::scalar::substring;
        assert_eq!(substring("héllo", 1, None), "éllo");
        assert_eq!(substring("héllo", 1, Some(2)), "él");
        assert_eq!(substring("abc", 10, None), "");
        assert_eq!(substring("abc", -1, Some(2)), "ab");
    }

    #[test]
    fn int_arith_example() {
        use crate::semantics::scalar::int_arith;
        use crate::semantics::ArithmeticOp;
        assert_eq!(int_arith(ArithmeticOp::Div, 7, -2), Some(-3));
        assert_eq!(int_arith(ArithmeticOp::Mod, -7, 2), Some(-1));
        assert_eq!(int_arith(ArithmeticOp::Add, i64::MAX, 1), None);
        assert_eq!(int_arith(ArithmeticOp::Div, i64::MIN, -1), None);
        assert_eq!(int_arith(ArithmeticOp::Mod, 1, 0), None);
    }

    #[test]
    fn decimal_arith_example() {
        use crate::semantics::scalar::decimal_arith;
        use crate::semantics::ArithmeticOp;
        use rust_decimal::Decimal;
        let d = |s: &str| s.parse::<Decimal>().unwrap();
        assert_eq!(
            decimal_arith(ArithmeticOp::Add, d("0.1"), d("0.2")),
            Some(d("0.3"))
        );
        assert_eq!(decimal_arith(ArithmeticOp::DivBy, d("1"), d("0")), None);
    }

    #[test]
    fn round_f64_example() {
        use crate::semantics::scalar::round_f64;
        assert_eq!(round_f64(2.5), 3.0);
        assert_eq!(round_f64(-2.5), -3.0);
        assert!(round_f64(f64::NAN).is_nan());
    }

    #[test]
    fn dto_part_example() {
        use crate::semantics::scalar::{dto_part, DatePart};
        let t = chrono::DateTime::parse_from_rfc3339("2024-01-01T01:30:00+02:00").unwrap();
        assert_eq!(dto_part(&t, DatePart::Year), 2024);
        assert_eq!(dto_part(&t, DatePart::Hour), 1);
    }

    #[test]
    fn fractional_seconds_example() {
        assert_eq!(
            crate::semantics::scalar::fractional_seconds(201_191_100).to_string(),
            "0.2011911"
        );
    }

    #[test]
    fn total_seconds_example() {
        assert_eq!(
            crate::semantics::scalar::total_seconds(1_500_000_000)
                .unwrap()
                .to_string(),
            "1.5"
        );
    }
}

//! Runtime values: what a typed literal holds and what evaluation computes.
//!
//! `Display` writes a value as an OData literal that the parser reads back (for enums: the prefix-free
//! quoted member name, which the validator reads as that enum when the other operand is of its type):
//!
//! ```
//! use odata_filter::value::Value;
//! assert_eq!(Value::String("O'Neil".into()).to_string(), "'O''Neil'");
//! assert_eq!(Value::Duration(90_000_000_000).to_string(), "duration'PT1M30S'");
//! assert_eq!(Value::Double(1500.0).to_string(), "1.5e3");
//! ```

use std::fmt;
use std::sync::Arc;

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, NaiveTime, Timelike};

pub use rust_decimal::Decimal;
pub use uuid::Uuid;

use crate::print::{write_binary, write_double, write_guid, write_string};
use crate::schema::EnumType;

/// A value of an enum type: the type and the member's integer value (for a flags enum, the OR of the
/// members' values).
#[derive(Clone, Debug)]
pub struct EnumValue {
    /// The enum type.
    pub ty: Arc<EnumType>,
    /// The integer value.
    pub value: i64,
}

impl EnumValue {
    /// The value of member `name` of `ty` (case-sensitive), if there is one.
    ///
    /// ```
    /// use odata_filter::mde::machine_actions;
    /// use odata_filter::value::EnumValue;
    /// let ty = machine_actions().entity_type();
    /// let status = ty.property(ty.property_id("status").unwrap()).unwrap();
    /// let e = status.ty().as_enum().unwrap();
    /// assert_eq!(EnumValue::from_member(e, "Failed").unwrap().value, 3);
    /// ```
    pub fn from_member(ty: &Arc<EnumType>, name: &str) -> Option<EnumValue> {
        ty.member(name).map(|m| EnumValue {
            ty: Arc::clone(ty),
            value: m.value(),
        })
    }

    /// The member name, if the value is exactly one member.
    pub fn member_name(&self) -> Option<&str> {
        self.ty.member_by_value(self.value).map(|m| m.name())
    }

    /// The position of the member in declared order (for `gt`/`lt`), if the value is one member.
    pub fn position(&self) -> Option<usize> {
        self.ty.position_of(self.value)
    }
}

impl PartialEq for EnumValue {
    fn eq(&self, other: &Self) -> bool {
        self.value == other.value && (Arc::ptr_eq(&self.ty, &other.ty) || self.ty == other.ty)
    }
}

/// The member list as written inside an enum literal's quotes: `Succeeded`, `Read,Write` for flags, or
/// the number when no member matches.
impl fmt::Display for EnumValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(name) = self.member_name() {
            return f.write_str(name);
        }
        if self.ty.is_flags() && self.value > 0 {
            let mut rest = self.value;
            let mut names = Vec::new();
            for m in self.ty.members() {
                if m.value() > 0 && rest & m.value() == m.value() {
                    names.push(m.name());
                    rest &= !m.value();
                }
            }
            if rest == 0 {
                return f.write_str(&names.join(","));
            }
        }
        write!(f, "{}", self.value)
    }
}

/// A runtime value. Integers of every width are `Int`; `Single` is `Double`.
///
/// Equality is structural (a `NaN` equals a `NaN` with the same bits; date-times compare instants as
/// chrono does), which is what tests of typed trees need. OData's `eq` is the evaluator's business.
#[derive(Clone, Debug)]
pub enum Value {
    /// `null`
    Null,
    /// `true`, `false`
    Boolean(bool),
    /// Any integer type.
    Int(i64),
    /// `Edm.Decimal`
    Decimal(Decimal),
    /// `Edm.Double` and `Edm.Single`
    Double(f64),
    /// `Edm.String`
    String(String),
    /// `Edm.Guid`
    Guid(Uuid),
    /// `Edm.Date`
    Date(NaiveDate),
    /// `Edm.DateTimeOffset`, keeping its offset.
    DateTimeOffset(DateTime<FixedOffset>),
    /// `Edm.TimeOfDay`
    TimeOfDay(NaiveTime),
    /// `Edm.Duration` in nanoseconds.
    Duration(i128),
    /// A member (or flags combination) of an enum type.
    Enum(EnumValue),
    /// `Edm.Binary`
    Binary(Vec<u8>),
}

impl PartialEq for Value {
    fn eq(&self, other: &Self) -> bool {
        use Value::*;
        match (self, other) {
            (Null, Null) => true,
            (Boolean(a), Boolean(b)) => a == b,
            (Int(a), Int(b)) => a == b,
            (Decimal(a), Decimal(b)) => a == b,
            (Double(a), Double(b)) => a.to_bits() == b.to_bits(),
            (String(a), String(b)) => a == b,
            (Guid(a), Guid(b)) => a == b,
            (Date(a), Date(b)) => a == b,
            (DateTimeOffset(a), DateTimeOffset(b)) => a == b && a.offset() == b.offset(),
            (TimeOfDay(a), TimeOfDay(b)) => a == b,
            (Duration(a), Duration(b)) => a == b,
            (Enum(a), Enum(b)) => a == b,
            (Binary(a), Binary(b)) => a == b,
            _ => false,
        }
    }
}

impl Value {
    /// True for [`Value::Null`].
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Null => f.write_str("null"),
            Value::Boolean(b) => write!(f, "{b}"),
            Value::Int(i) => write!(f, "{i}"),
            Value::Decimal(d) => {
                // Always with a fraction, so that it reads back as a decimal, not an integer.
                let s = d.to_string();
                if s.contains('.') {
                    f.write_str(&s)
                } else {
                    write!(f, "{s}.0")
                }
            }
            Value::Double(d) => write_double(f, *d),
            Value::String(s) => write_string(f, s),
            Value::Guid(g) => write_guid(f, g),
            Value::Date(d) => write_date(f, *d),
            Value::DateTimeOffset(dt) => write_date_time_offset(f, dt),
            Value::TimeOfDay(t) => write_time(f, *t),
            Value::Duration(n) => write!(f, "duration'{}'", format_duration(*n)),
            Value::Enum(e) => write!(f, "'{e}'"),
            Value::Binary(b) => write_binary(f, b),
        }
    }
}

fn write_date(f: &mut fmt::Formatter<'_>, d: NaiveDate) -> fmt::Result {
    let y = d.year();
    if y < 0 {
        write!(f, "-{:04}-{:02}-{:02}", -y, d.month(), d.day())
    } else {
        write!(f, "{:04}-{:02}-{:02}", y, d.month(), d.day())
    }
}

fn write_time(f: &mut fmt::Formatter<'_>, t: NaiveTime) -> fmt::Result {
    write!(f, "{:02}:{:02}:{:02}", t.hour(), t.minute(), t.second())?;
    write_fraction(f, t.nanosecond())
}

fn write_fraction(f: &mut fmt::Formatter<'_>, nanos: u32) -> fmt::Result {
    // A leap second (nanos ≥ 1e9) cannot come from a literal; print it clamped.
    let nanos = nanos.min(999_999_999);
    if nanos == 0 {
        return Ok(());
    }
    let digits = format!("{nanos:09}");
    write!(f, ".{}", digits.trim_end_matches('0'))
}

fn write_date_time_offset(f: &mut fmt::Formatter<'_>, dt: &DateTime<FixedOffset>) -> fmt::Result {
    write_date(f, dt.date_naive())?;
    f.write_str("T")?;
    write_time(f, dt.time())?;
    let secs = dt.offset().local_minus_utc();
    if secs == 0 {
        f.write_str("Z")
    } else {
        let sign = if secs < 0 { '-' } else { '+' };
        let abs = secs.unsigned_abs();
        write!(f, "{sign}{:02}:{:02}", abs / 3600, (abs % 3600) / 60)
    }
}

const NANOS_PER_SECOND: i128 = 1_000_000_000;

/// Formats nanoseconds as an ISO 8601 duration of days, hours, minutes and seconds, as OData writes
/// them: `P1DT2H`, `-PT0.5S`, `PT0S`.
pub(crate) fn format_duration(nanos: i128) -> String {
    let sign = if nanos < 0 { "-" } else { "" };
    let n = nanos.unsigned_abs();
    let per_sec = NANOS_PER_SECOND as u128;
    let frac = n % per_sec;
    let total_secs = n / per_sec;
    let days = total_secs / 86_400;
    let hours = (total_secs % 86_400) / 3600;
    let minutes = (total_secs % 3600) / 60;
    let secs = total_secs % 60;
    let mut out = format!("{sign}P");
    if days > 0 {
        out.push_str(&format!("{days}D"));
    }
    if hours > 0 || minutes > 0 || secs > 0 || frac > 0 || days == 0 {
        out.push('T');
        if hours > 0 {
            out.push_str(&format!("{hours}H"));
        }
        if minutes > 0 {
            out.push_str(&format!("{minutes}M"));
        }
        if secs > 0 || frac > 0 || (hours == 0 && minutes == 0) {
            out.push_str(&format!("{secs}"));
            if frac > 0 {
                let digits = format!("{frac:09}");
                out.push('.');
                out.push_str(digits.trim_end_matches('0'));
            }
            out.push('S');
        }
    }
    out
}

/// Parses the ISO 8601 text of an OData duration (`P1DT2H3M4.5S`, `-PT0.5S`; days, hours, minutes and
/// seconds only, fraction digits beyond nine truncated) into nanoseconds. `None` when malformed or out of
/// range.
pub(crate) fn parse_duration(text: &str) -> Option<i128> {
    let (negative, rest) = match text.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    let rest = rest.strip_prefix('P')?;
    let (date_part, time_part) = match rest.split_once('T') {
        Some((d, t)) => {
            if t.is_empty() {
                return None;
            }
            (d, Some(t))
        }
        None => (rest, None),
    };
    let mut total: i128 = 0;
    if !date_part.is_empty() {
        let days = date_part.strip_suffix('D')?;
        total = digits_value(days)?.checked_mul(86_400 * NANOS_PER_SECOND)?;
    } else if time_part.is_none() {
        return None;
    }
    if let Some(mut t) = time_part {
        for (unit, scale) in [('H', 3600), ('M', 60)] {
            if let Some(pos) = t.find(unit) {
                let v = digits_value(&t[..pos])?;
                total = total.checked_add(v.checked_mul(scale * NANOS_PER_SECOND)?)?;
                t = &t[pos + 1..];
            }
        }
        if !t.is_empty() {
            let secs = t.strip_suffix('S')?;
            let (whole, frac) = match secs.split_once('.') {
                Some((w, fr)) => (w, Some(fr)),
                None => (secs, None),
            };
            total = total.checked_add(digits_value(whole)?.checked_mul(NANOS_PER_SECOND)?)?;
            if let Some(fr) = frac {
                if fr.is_empty() || !fr.bytes().all(|b| b.is_ascii_digit()) {
                    return None;
                }
                let mut nanos: i128 = 0;
                for (i, b) in fr.bytes().take(9).enumerate() {
                    nanos += i128::from(b - b'0') * 10i128.pow(8 - i as u32);
                }
                total = total.checked_add(nanos)?;
            }
        }
    }
    Some(if negative { -total } else { total })
}

fn digits_value(s: &str) -> Option<i128> {
    if s.is_empty() || s.len() > 30 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn date_times_print_canonically() {
        let utc = FixedOffset::east_opt(0).unwrap();
        let dt = utc.with_ymd_and_hms(2018, 8, 1, 0, 0, 0).unwrap();
        assert_eq!(
            Value::DateTimeOffset(dt).to_string(),
            "2018-08-01T00:00:00Z"
        );
        let plus2 = FixedOffset::east_opt(2 * 3600 + 30 * 60).unwrap();
        let dt = plus2
            .with_ymd_and_hms(2018, 12, 4, 12, 43, 57)
            .unwrap()
            .checked_add_signed(chrono::Duration::nanoseconds(201_191_100))
            .unwrap();
        assert_eq!(
            Value::DateTimeOffset(dt).to_string(),
            "2018-12-04T12:43:57.2011911+02:30"
        );
        let minus = FixedOffset::west_opt(5 * 3600).unwrap();
        let dt = minus.with_ymd_and_hms(2019, 1, 1, 1, 2, 3).unwrap();
        assert_eq!(
            Value::DateTimeOffset(dt).to_string(),
            "2019-01-01T01:02:03-05:00"
        );
    }

    #[test]
    fn scalars_print_as_literals() {
        assert_eq!(Value::Null.to_string(), "null");
        assert_eq!(Value::Boolean(true).to_string(), "true");
        assert_eq!(Value::Int(-42).to_string(), "-42");
        assert_eq!(Value::Decimal(Decimal::new(5, 0)).to_string(), "5.0");
        assert_eq!(Value::Decimal(Decimal::new(-250, 2)).to_string(), "-2.50");
        assert_eq!(Value::Double(f64::NAN).to_string(), "NaN");
        assert_eq!(Value::Double(f64::NEG_INFINITY).to_string(), "-INF");
        assert_eq!(Value::Double(0.1).to_string(), "1e-1");
        assert_eq!(
            Value::Guid(Uuid::parse_str("05C7BBA5-828C-4451-9867-1191919F897E").unwrap())
                .to_string(),
            "05c7bba5-828c-4451-9867-1191919f897e"
        );
        assert_eq!(
            Value::Date(NaiveDate::from_ymd_opt(24, 1, 2).unwrap()).to_string(),
            "0024-01-02"
        );
        assert_eq!(
            Value::TimeOfDay(NaiveTime::from_hms_nano_opt(13, 20, 0, 500_000_000).unwrap())
                .to_string(),
            "13:20:00.5"
        );
        assert_eq!(Value::Binary(vec![0xfb, 0xff]).to_string(), "binary'-_8'");
    }

    #[test]
    fn durations_round_trip() {
        for text in [
            "P1DT2H3M4.5S",
            "-PT0.5S",
            "PT0S",
            "P3D",
            "PT1H",
            "PT0.000000001S",
        ] {
            let n = parse_duration(text).unwrap();
            assert_eq!(format_duration(n), text, "{text}");
        }
        assert_eq!(parse_duration("PT1H30M"), Some(5_400 * NANOS_PER_SECOND));
        for bad in ["", "P", "PT", "1D", "P1H", "PT1.S", "PT-1S", "P1DT", "PTxS"] {
            assert_eq!(parse_duration(bad), None, "{bad}");
        }
    }

    #[test]
    fn enum_values_print_members_or_flags() {
        let e = EnumType::builder("N", "F")
            .flags(true)
            .member("Read")
            .member("Write")
            .build()
            .unwrap();
        let v = |value| {
            Value::Enum(EnumValue {
                ty: Arc::clone(&e),
                value,
            })
        };
        assert_eq!(v(1).to_string(), "'Read'");
        assert_eq!(v(3).to_string(), "'Read,Write'");
        assert_eq!(v(8).to_string(), "'8'");
    }

    #[test]
    fn format_duration_example() {
        assert_eq!(crate::value::format_duration(-500_000_000), "-PT0.5S");
    }

    #[test]
    fn parse_duration_example() {
        use crate::value::parse_duration;
        assert_eq!(parse_duration("P1DT1S"), Some(86_401_000_000_000));
        assert_eq!(parse_duration("P1Y"), None);
    }
}

//! Literal values as written: numbers, strings, Guids, dates, times and date-times with their offsets,
//! durations, enum, binary and geo literals.

use uuid::Uuid;

/// Literal values, as written.
#[derive(Clone, Debug)]
pub enum Literal {
    /// `null`
    Null,
    /// `true` / `false` (any case).
    Boolean(bool),
    /// An integer without fraction or exponent, within the Int64 range: `42`, `-7`.
    Int(i64),
    /// A number with a fraction but no exponent, kept as written (less a leading `+`): `2.45`, `-0.50`.
    Decimal(String),
    /// A number with an exponent, or `INF`, `-INF`, `NaN`. Compared bit for bit (so `NaN` equals itself
    /// here: this is syntax, not arithmetic).
    Double(f64),
    /// A string literal (the value, with `''` already turned into `'`).
    String(String),
    /// A Guid: `05c7bba5-828c-4451-9867-1191919f897e`.
    Guid(Uuid),
    /// A date: `2024-01-31`.
    Date(DateLiteral),
    /// A date-time with offset: `2024-01-31T12:00:00.1234567Z`; also MDE's documented `2018-08-01Z`.
    DateTimeOffset(DateTimeOffsetLiteral),
    /// A time of day: `13:20:00.5`.
    TimeOfDay(TimeOfDayLiteral),
    /// A duration, the ISO 8601 text inside `duration'…'`: `P1DT2H`, `-PT0.5S`.
    Duration(String),
    /// A qualified enum literal `Ns.Type'Member'` or `Ns.Type'A,B'`.
    Enum {
        /// The qualified enum type name: `Sales.Pattern`.
        type_name: String,
        /// The member names or values as written inside the quotes: `Yellow`, `A,B`, `32`.
        value: String,
    },
    /// `binary'…'` (base64url), decoded.
    Binary(Vec<u8>),
    /// A `geography'…'` or `geometry'…'` literal, kept as text (the validator rejects it as unsupported).
    Geo {
        /// `true` for `geography`, `false` for `geometry`.
        geography: bool,
        /// The text inside the quotes: `SRID=0;Point(142.1 64.1)`.
        text: String,
    },
}

impl PartialEq for Literal {
    fn eq(&self, other: &Self) -> bool {
        use Literal::*;
        match (self, other) {
            (Null, Null) => true,
            (Boolean(a), Boolean(b)) => a == b,
            (Int(a), Int(b)) => a == b,
            (Decimal(a), Decimal(b)) => a == b,
            (Double(a), Double(b)) => a.to_bits() == b.to_bits(),
            (String(a), String(b)) => a == b,
            (Guid(a), Guid(b)) => a == b,
            (Date(a), Date(b)) => a == b,
            (DateTimeOffset(a), DateTimeOffset(b)) => a == b,
            (TimeOfDay(a), TimeOfDay(b)) => a == b,
            (Duration(a), Duration(b)) => a == b,
            (
                Enum {
                    type_name: t1,
                    value: v1,
                },
                Enum {
                    type_name: t2,
                    value: v2,
                },
            ) => t1 == t2 && v1 == v2,
            (Binary(a), Binary(b)) => a == b,
            (
                Geo {
                    geography: g1,
                    text: t1,
                },
                Geo {
                    geography: g2,
                    text: t2,
                },
            ) => g1 == g2 && t1 == t2,
            _ => false,
        }
    }
}

/// A calendar date as written: year (may be 0 or negative, as the ABNF allows), month, day. The parser
/// only builds valid calendar dates.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DateLiteral {
    /// The year, `-9999..=9999` as written (printed with at least four digits).
    pub year: i32,
    /// `1..=12`
    pub month: u8,
    /// `1..=31`, valid for the month.
    pub day: u8,
}

impl DateLiteral {
    /// The date as a chrono date (always `Some` for parsed literals).
    pub fn to_naive(&self) -> Option<chrono::NaiveDate> {
        chrono::NaiveDate::from_ymd_opt(self.year, self.month.into(), self.day.into())
    }
}

/// A time of day as written: seconds and fraction are optional, the fraction keeps every digit written.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct TimeOfDayLiteral {
    /// `0..=23`
    pub hour: u8,
    /// `0..=59`
    pub minute: u8,
    /// `0..=60` (60 for a leap second, as the ABNF allows), if written.
    pub second: Option<u8>,
    /// The fractional-second digits as written (1–12 of them), if any.
    pub fraction: Option<String>,
}

impl TimeOfDayLiteral {
    /// Nanoseconds after midnight; fractional digits beyond nine are truncated.
    pub fn nanos_since_midnight(&self) -> u64 {
        let secs = u64::from(self.hour) * 3600
            + u64::from(self.minute) * 60
            + u64::from(self.second.unwrap_or(0));
        secs * 1_000_000_000 + u64::from(self.fraction_nanos())
    }

    /// The fraction as nanoseconds (digits beyond nine truncated).
    fn fraction_nanos(&self) -> u32 {
        let Some(frac) = &self.fraction else { return 0 };
        let mut nanos: u32 = 0;
        for (i, b) in frac.bytes().take(9).enumerate() {
            nanos += u32::from(b - b'0') * 10u32.pow(8 - i as u32);
        }
        nanos
    }
}

/// The offset of a date-time literal as written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum UtcOffset {
    /// `Z`
    Z,
    /// `+hh:mm` or `-hh:mm`.
    Fixed {
        /// True for `-`.
        negative: bool,
        /// `0..=23`
        hours: u8,
        /// `0..=59`
        minutes: u8,
    },
}

impl UtcOffset {
    /// The offset in seconds east of UTC.
    pub fn seconds(&self) -> i32 {
        match *self {
            UtcOffset::Z => 0,
            UtcOffset::Fixed {
                negative,
                hours,
                minutes,
            } => {
                let s = i32::from(hours) * 3600 + i32::from(minutes) * 60;
                if negative {
                    -s
                } else {
                    s
                }
            }
        }
    }
}

/// A date-time with offset as written. `time` is `None` only for MDE's documented date-and-`Z` form
/// (`2018-08-01Z`), which means midnight UTC.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct DateTimeOffsetLiteral {
    /// The date part.
    pub date: DateLiteral,
    /// The time part, `None` for `2018-08-01Z`.
    pub time: Option<TimeOfDayLiteral>,
    /// The offset.
    pub offset: UtcOffset,
}

impl DateTimeOffsetLiteral {
    /// The instant with its offset, at nanosecond precision (fraction digits beyond nine truncated).
    ///
    /// ```
    /// use odata_filter::ast::{ExprKind, Literal};
    /// let e = odata_filter::parse_filter("2024-01-31T12:00:00.1234567891+02:00").unwrap();
    /// let ExprKind::Literal(Literal::DateTimeOffset(dt)) = e.kind else { panic!() };
    /// assert_eq!(dt.to_chrono().unwrap().to_rfc3339(), "2024-01-31T12:00:00.123456789+02:00");
    /// ```
    pub fn to_chrono(&self) -> Option<chrono::DateTime<chrono::FixedOffset>> {
        let date = self.date.to_naive()?;
        let (secs, nanos) = match &self.time {
            // A leap second (`23:59:60`) is chrono's second 59 with a nanosecond count past 10^9.
            Some(t) if t.second == Some(60) => (
                u32::from(t.hour) * 3600 + u32::from(t.minute) * 60 + 59,
                1_000_000_000 + t.fraction_nanos(),
            ),
            Some(t) => (
                u32::from(t.hour) * 3600
                    + u32::from(t.minute) * 60
                    + u32::from(t.second.unwrap_or(0)),
                t.fraction_nanos(),
            ),
            None => (0, 0),
        };
        let time = chrono::NaiveTime::from_num_seconds_from_midnight_opt(secs, nanos)?;
        let offset = chrono::FixedOffset::east_opt(self.offset.seconds())?;
        date.and_time(time).and_local_timezone(offset).single()
    }
}

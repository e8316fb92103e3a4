//! The small data types that [`Reason`](super::Reason) variants carry: what a function's argument
//! position takes, what is wrong with a malformed literal, and the obvious fix of a literal of the
//! wrong type. Their wording is in `message`, with the rest.

/// What a function's argument position takes: the data of a
/// [`Reason::ArgumentType`](super::Reason::ArgumentType).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ParamType {
    /// `Edm.String`.
    String,
    /// Any integer type.
    Integer,
    /// `Edm.Date` or `Edm.DateTimeOffset`.
    DateLike,
    /// `Edm.DateTimeOffset` or `Edm.TimeOfDay`.
    TimeLike,
    /// `Edm.DateTimeOffset`.
    DateTimeOffset,
    /// `Edm.Duration`.
    Duration,
    /// Any numeric type.
    Number,
}

/// What is wrong with a literal that does not read as its type: the data of a
/// [`Reason::MalformedLiteral`](super::Reason::MalformedLiteral). `literal` is the literal as
/// written; a date or time inside a date-time literal is reported with the whole date-time literal.
///
/// ```
/// use odata_filter::{error::LiteralProblem, parse_filter, Reason};
/// let err = parse_filter("d eq 2024-13-01").unwrap_err();
/// assert_eq!(
///     err.reason(),
///     Some(&Reason::MalformedLiteral {
///         problem: LiteralProblem::MonthOutOfRange {
///             literal: "2024-13-01".into(),
///             month: "13".into(),
///         },
///     })
/// );
/// assert_eq!(err.message(), "2024-13-01 is not a valid date: month 13 is not 01 to 12");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum LiteralProblem {
    /// `99999999999999999999`: an integer outside Edm.Int64.
    Int64OutOfRange {
        /// The literal.
        literal: String,
    },
    /// `1e999`: a number with an exponent outside Edm.Double.
    DoubleOutOfRange {
        /// The literal.
        literal: String,
    },
    /// A Guid that does not decode.
    InvalidGuid {
        /// The literal.
        literal: String,
        /// Why, in the Guid decoder's words.
        problem: String,
    },
    /// `binary'%%'`: a binary literal that is not base64url.
    InvalidBinary {
        /// The literal.
        literal: String,
        /// Why, in the base64 decoder's words.
        problem: String,
    },
    /// A date whose parts do not read as year, month and day.
    NotADate {
        /// The literal.
        literal: String,
    },
    /// A year that does not fit the date type.
    YearOutOfRange {
        /// The literal.
        literal: String,
        /// The year as written.
        year: String,
    },
    /// `2024-13-01`: a month that is not 01 to 12.
    MonthOutOfRange {
        /// The literal.
        literal: String,
        /// The month as written (`13`).
        month: String,
    },
    /// `2024-02-30`: a day that the month does not have.
    DayOutOfRange {
        /// The literal.
        literal: String,
        /// The day as written (`30`).
        day: String,
    },
    /// `24:00:00`: an hour that is not 00 to 23.
    HourOutOfRange {
        /// The literal.
        literal: String,
        /// The hour.
        hour: u8,
    },
    /// `12:60:00`: a minute that is not 00 to 59.
    MinuteOutOfRange {
        /// The literal.
        literal: String,
        /// The minute.
        minute: u8,
    },
    /// `12:00:61`: a second that is not 00 to 60 (60 is a leap second).
    SecondOutOfRange {
        /// The literal.
        literal: String,
        /// The second.
        second: u8,
    },
    /// A fraction of a second with more than 12 digits.
    TooManyFractionalDigits {
        /// The literal.
        literal: String,
        /// The number of fractional-second digits.
        digits: usize,
    },
    /// `2024-01-01T00:00:00+24:00`: an offset whose hours are not 00 to 23 or minutes not 00 to 59.
    InvalidOffset {
        /// The literal.
        literal: String,
        /// The offset as written (`+24:00`).
        offset: String,
    },
    /// `duration'P1Y'`: a duration that does not read as days, hours, minutes and seconds.
    NotADuration {
        /// The duration between the quotes (`P1Y`).
        value: String,
        /// The unit it uses that Edm.Duration does not have, when that is the problem.
        hint: Option<DurationHint>,
    },
    /// A geography or geometry literal whose text is not well-known text.
    NotWellKnownText {
        /// The literal.
        literal: String,
        /// True for `geography'…'`, false for `geometry'…'`.
        geography: bool,
    },
    /// `Ns.Color''`: an enum literal with nothing between the quotes.
    EnumWithoutMember {
        /// The literal.
        literal: String,
    },
    /// `Ns.Color'Red;Blue'`: an enum literal that is not member names or integers separated by commas.
    EnumNotMembers {
        /// The literal.
        literal: String,
    },
}

/// A unit that a [`LiteralProblem::NotADuration`] uses and Edm.Duration does not have.
///
/// ```
/// use odata_filter::{error::{DurationHint, LiteralProblem}, parse_filter, Reason};
/// let err = parse_filter("x eq duration'P1M'").unwrap_err();
/// let Some(Reason::MalformedLiteral { problem: LiteralProblem::NotADuration { hint, .. } }) =
///     err.reason()
/// else {
///     panic!("{err}");
/// };
/// assert_eq!(*hint, Some(DurationHint::Months));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DurationHint {
    /// `P1Y`, `P1W`: years or weeks.
    YearsOrWeeks,
    /// `P1M`: months (`PT1M` is minutes).
    Months,
}

/// The obvious fix of a literal of the wrong type, that a type error offers.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum LiteralFix {
    /// `'2024-01-01T00:00:00Z'` for a date-time: drop the quotes (the literal as it should be).
    UnquoteDateTime(String),
    /// `'2024-01-01'` for a date: drop the quotes.
    UnquoteDate(String),
    /// `'3'` for a number: drop the quotes.
    UnquoteNumber(String),
    /// `1` for an enum: write the member's name, quoted.
    QuoteEnumMember(String),
    /// `3` for a string: quote it (the text to quote).
    QuoteString(String),
    /// An enum passed to a string function: compare by member (the argument as written, a member).
    CompareEnumByMember {
        /// The argument as written.
        argument: String,
        /// A member of its enum type.
        member: String,
    },
}

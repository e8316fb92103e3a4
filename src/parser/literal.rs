//! Literal text to [`Literal`] values: numbers, strings, dates and times, durations, Guids, binary, geo
//! and enum literals. The grammar has already matched the token's shape; this module converts it and
//! checks what the grammar cannot (ranges, calendar dates, base64, the inside of quoted literals). A
//! problem is reported as a [`LiteralProblem`] (worded with the other reasons, in `error::reason`) with
//! the place inside the literal where it is.

use pest::Parser as _;
use uuid::Uuid;

use super::grammar::{ODataGrammar, Rule};
use crate::ast::*;
use crate::error::{DurationHint, LiteralProblem};

/// The value of the literal `text` matched by the grammar rule `rule`.
pub(super) fn convert(rule: Rule, text: &str) -> Result<Literal, LiteralFault> {
    let whole = |problem: LiteralProblem| LiteralFault::new(problem, 0..text.len());
    let literal = || text.to_string();
    Ok(match rule {
        Rule::null => Literal::Null,
        Rule::boolean => Literal::Boolean(text.eq_ignore_ascii_case("true")),
        Rule::nan_inf => Literal::Double(if text == "INF" {
            f64::INFINITY
        } else {
            f64::NAN
        }),
        Rule::string => Literal::String(unquote(&text[1..text.len() - 1])),
        Rule::number => number(text)?,
        Rule::guid => Literal::Guid(Uuid::parse_str(text).map_err(|e| {
            whole(LiteralProblem::InvalidGuid {
                literal: literal(),
                problem: e.to_string(),
            })
        })?),
        Rule::date => Literal::Date(parse_date(text)?),
        Rule::date_time_offset => Literal::DateTimeOffset(parse_date_time_offset(text)?),
        Rule::time_of_day => Literal::TimeOfDay(parse_time(text)?),
        Rule::duration => {
            let value = quoted_part(text);
            let value_start = text.len() - 1 - value.len();
            check_duration(value).map_err(|b| b.moved(value_start))?;
            Literal::Duration(value.to_string())
        }
        Rule::binary => {
            use base64::Engine as _;
            let engine = base64::engine::GeneralPurpose::new(
                &base64::alphabet::URL_SAFE,
                base64::engine::GeneralPurposeConfig::new()
                    .with_decode_padding_mode(base64::engine::DecodePaddingMode::Indifferent)
                    .with_decode_allow_trailing_bits(true),
            );
            Literal::Binary(engine.decode(quoted_part(text)).map_err(|e| {
                whole(LiteralProblem::InvalidBinary {
                    literal: literal(),
                    problem: e.to_string(),
                })
            })?)
        }
        Rule::geo => {
            let geography = text[..9].eq_ignore_ascii_case("geography");
            check_inside(Rule::geo_text, text, || LiteralProblem::NotWellKnownText {
                literal: literal(),
                geography,
            })?;
            Literal::Geo {
                geography,
                text: quoted_part(text).to_string(),
            }
        }
        Rule::enum_literal => {
            let quote = text.find('\'').expect("enum literal has a quote");
            let value = &text[quote + 1..text.len() - 1];
            if value.is_empty() {
                return Err(whole(LiteralProblem::EnumWithoutMember {
                    literal: literal(),
                }));
            }
            check_inside(Rule::enum_text, text, || LiteralProblem::EnumNotMembers {
                literal: literal(),
            })?;
            Literal::Enum {
                type_name: text[..quote].to_string(),
                value: value.to_string(),
            }
        }
        other => unreachable!("not a literal: {other:?}"),
    })
}

/// The literal that a name stands for: `null`, `true`/`false` (any case), `INF`, `NaN`.
pub(super) fn keyword(name: &str) -> Option<Literal> {
    Some(match name {
        "null" => Literal::Null,
        "INF" => Literal::Double(f64::INFINITY),
        "NaN" => Literal::Double(f64::NAN),
        _ if name.len() == 4 && name.eq_ignore_ascii_case("true") => Literal::Boolean(true),
        _ if name.len() == 5 && name.eq_ignore_ascii_case("false") => Literal::Boolean(false),
        _ => return None,
    })
}

/// An integer (`Int64`), a decimal (kept as text) or a double (with an exponent), or `-INF`.
fn number(text: &str) -> Result<Literal, LiteralFault> {
    let whole = |problem: LiteralProblem| LiteralFault::new(problem, 0..text.len());
    if text == "-INF" {
        return Ok(Literal::Double(f64::NEG_INFINITY));
    }
    let b = text.as_bytes();
    let digits = b.strip_prefix(b"-").or(b.strip_prefix(b"+")).unwrap_or(b);
    if !digits.is_empty() && digits.len() <= 18 && digits.iter().all(u8::is_ascii_digit) {
        // Up to 18 digits always fit in an i64.
        let v = digits
            .iter()
            .fold(0i64, |v, d| v * 10 + i64::from(d - b'0'));
        return Ok(Literal::Int(if b[0] == b'-' { -v } else { v }));
    }
    if text.contains(['e', 'E']) {
        match text.parse::<f64>() {
            Ok(v) if v.is_finite() => Ok(Literal::Double(v)),
            _ => Err(whole(LiteralProblem::DoubleOutOfRange {
                literal: text.to_string(),
            })),
        }
    } else if text.contains('.') {
        Ok(Literal::Decimal(
            text.strip_prefix('+').unwrap_or(text).to_string(),
        ))
    } else {
        text.parse::<i64>().map(Literal::Int).map_err(|_| {
            whole(LiteralProblem::Int64OutOfRange {
                literal: text.to_string(),
            })
        })
    }
}

/// Parses the quoted part of `text` with the grammar rule `rule`; on failure the problem is the first
/// character that does not fit.
fn check_inside(
    rule: Rule,
    text: &str,
    problem: impl FnOnce() -> LiteralProblem,
) -> Result<(), LiteralFault> {
    let body = quoted_part(text);
    let Err(e) = ODataGrammar::parse(rule, body) else {
        return Ok(());
    };
    let at = match e.location {
        pest::error::InputLocation::Pos(p) => p,
        pest::error::InputLocation::Span((s, _)) => s,
    };
    let start = text.len() - 1 - body.len() + at;
    Err(LiteralFault::new(problem(), start..start + 1))
}

/// The text between the first quote and the closing one: `duration'P1D'` → `P1D`.
fn quoted_part(text: &str) -> &str {
    let start = text.find('\'').expect("quoted literal") + 1;
    &text[start..text.len() - 1]
}

/// Turns `''` into `'` in the body of a string literal.
fn unquote(body: &str) -> String {
    if body.contains('\'') {
        body.replace("''", "'")
    } else {
        body.to_string()
    }
}

/// What is wrong with a literal, and where inside its text (byte range).
pub(super) struct LiteralFault {
    /// What is wrong.
    pub(super) problem: LiteralProblem,
    /// Where in the literal's text.
    pub(super) at: std::ops::Range<usize>,
}

impl LiteralFault {
    fn new(problem: LiteralProblem, at: std::ops::Range<usize>) -> Self {
        LiteralFault { problem, at }
    }

    /// The same problem in a larger literal `whole`, where this one starts at `offset`: the problem
    /// names `whole` as its literal.
    fn within(self, offset: usize, whole: &str) -> Self {
        use LiteralProblem as P;
        let mut moved = self.moved(offset);
        match &mut moved.problem {
            P::Int64OutOfRange { literal }
            | P::DoubleOutOfRange { literal }
            | P::InvalidGuid { literal, .. }
            | P::InvalidBinary { literal, .. }
            | P::NotADate { literal }
            | P::YearOutOfRange { literal, .. }
            | P::MonthOutOfRange { literal, .. }
            | P::DayOutOfRange { literal, .. }
            | P::HourOutOfRange { literal, .. }
            | P::MinuteOutOfRange { literal, .. }
            | P::SecondOutOfRange { literal, .. }
            | P::TooManyFractionalDigits { literal, .. }
            | P::InvalidOffset { literal, .. }
            | P::NotWellKnownText { literal, .. }
            | P::EnumWithoutMember { literal }
            | P::EnumNotMembers { literal } => *literal = whole.to_string(),
            // Names the duration between the quotes, not a literal.
            P::NotADuration { .. } => {}
        }
        moved
    }

    /// The same problem in a larger text where this one starts at `offset`.
    fn moved(mut self, offset: usize) -> Self {
        self.at = self.at.start + offset..self.at.end + offset;
        self
    }
}

fn parse_date(text: &str) -> Result<DateLiteral, LiteralFault> {
    // Year may be negative and longer than four digits: split from the right.
    let literal = || text.to_string();
    let malformed = || {
        LiteralFault::new(
            LiteralProblem::NotADate { literal: literal() },
            0..text.len(),
        )
    };
    let (rest, day_text) = text.rsplit_once('-').ok_or_else(malformed)?;
    let (year_text, month_text) = rest.rsplit_once('-').ok_or_else(malformed)?;
    let (month_at, day_at) = (rest.len() - 2, text.len() - 2);
    let year: i32 = year_text.parse().map_err(|_| {
        LiteralFault::new(
            LiteralProblem::YearOutOfRange {
                literal: literal(),
                year: year_text.to_string(),
            },
            0..year_text.len(),
        )
    })?;
    let month: u8 = month_text.parse().map_err(|_| malformed())?;
    let day: u8 = day_text.parse().map_err(|_| malformed())?;
    let date = DateLiteral { year, month, day };
    if !(1..=12).contains(&month) {
        return Err(LiteralFault::new(
            LiteralProblem::MonthOutOfRange {
                literal: literal(),
                month: month_text.to_string(),
            },
            month_at..month_at + 2,
        ));
    }
    if date.to_naive().is_none() {
        return Err(LiteralFault::new(
            LiteralProblem::DayOutOfRange {
                literal: literal(),
                day: day_text.to_string(),
            },
            day_at..day_at + 2,
        ));
    }
    Ok(date)
}

fn parse_time(text: &str) -> Result<TimeOfDayLiteral, LiteralFault> {
    let literal = || text.to_string();
    let b = text.as_bytes();
    let two = |i: usize| (b[i] - b'0') * 10 + (b[i + 1] - b'0');
    let hour = two(0);
    let minute = two(3);
    let (second, fraction) = if b.len() > 5 {
        let second = two(6);
        let fraction = if b.len() > 8 {
            Some(text[9..].to_string())
        } else {
            None
        };
        (Some(second), fraction)
    } else {
        (None, None)
    };
    if hour > 23 {
        return Err(LiteralFault::new(
            LiteralProblem::HourOutOfRange {
                literal: literal(),
                hour,
            },
            0..2,
        ));
    }
    if minute > 59 {
        return Err(LiteralFault::new(
            LiteralProblem::MinuteOutOfRange {
                literal: literal(),
                minute,
            },
            3..5,
        ));
    }
    if let Some(s) = second {
        // 60 is a leap second, as the ABNF's `second` allows.
        if s > 60 {
            return Err(LiteralFault::new(
                LiteralProblem::SecondOutOfRange {
                    literal: literal(),
                    second: s,
                },
                6..8,
            ));
        }
    }
    if let Some(f) = &fraction {
        if f.len() > 12 {
            return Err(LiteralFault::new(
                LiteralProblem::TooManyFractionalDigits {
                    literal: literal(),
                    digits: f.len(),
                },
                9 + 12..text.len(),
            ));
        }
    }
    Ok(TimeOfDayLiteral {
        hour,
        minute,
        second,
        fraction,
    })
}

fn parse_date_time_offset(text: &str) -> Result<DateTimeOffsetLiteral, LiteralFault> {
    // Offset: trailing Z, or ±hh:mm (six bytes).
    let (body, offset) = if text.ends_with(['Z', 'z']) {
        (&text[..text.len() - 1], UtcOffset::Z)
    } else {
        let (body, off) = text.split_at(text.len() - 6);
        let ob = off.as_bytes();
        let hours = (ob[1] - b'0') * 10 + (ob[2] - b'0');
        let minutes = (ob[4] - b'0') * 10 + (ob[5] - b'0');
        if hours > 23 || minutes > 59 {
            return Err(LiteralFault::new(
                LiteralProblem::InvalidOffset {
                    literal: text.to_string(),
                    offset: off.to_string(),
                },
                body.len()..text.len(),
            ));
        }
        (
            body,
            UtcOffset::Fixed {
                negative: ob[0] == b'-',
                hours,
                minutes,
            },
        )
    };
    let (date, time) = match body.find(['T', 't']) {
        Some(t) => (&body[..t], Some((t + 1, &body[t + 1..]))),
        None => (body, None),
    };
    let date = parse_date(date).map_err(|e| e.within(0, text))?;
    let time = match time {
        Some((at, t)) => Some(parse_time(t).map_err(|e| e.within(at, text))?),
        None => None,
    };
    Ok(DateTimeOffsetLiteral { date, time, offset })
}

/// Checks an ISO 8601 duration `[-]P[nD][T[nH][nM][n[.n]S]]` with at least one component; the error
/// points at the first character that does not fit.
fn check_duration(value: &str) -> Result<(), LiteralFault> {
    let b = value.as_bytes();
    let bad = |at: usize| {
        let hint = match b.get(at) {
            Some(b'Y' | b'W') => Some(DurationHint::YearsOrWeeks),
            Some(b'M') if !value[..at].contains('T') => Some(DurationHint::Months),
            _ => None,
        };
        LiteralFault::new(
            LiteralProblem::NotADuration {
                value: value.to_string(),
                hint,
            },
            at..(at + 1).min(b.len()).max(at),
        )
    };
    let digits = |from: usize| b[from..].iter().take_while(|c| c.is_ascii_digit()).count();
    let mut i = usize::from(b.first() == Some(&b'-'));
    if b.get(i) != Some(&b'P') {
        return Err(bad(i));
    }
    i += 1;
    let mut components = 0;
    let n = digits(i);
    if n > 0 {
        if b.get(i + n) != Some(&b'D') {
            return Err(bad(i + n));
        }
        i += n + 1;
        components += 1;
    }
    if b.get(i) == Some(&b'T') {
        i += 1;
        let mut units: &[u8] = b"HMS";
        let time_start = i;
        while i < b.len() {
            let n = digits(i);
            if n == 0 {
                return Err(bad(i));
            }
            let mut j = i + n;
            if b.get(j) == Some(&b'.') {
                let f = digits(j + 1);
                if f == 0 {
                    return Err(bad(j + 1));
                }
                j += 1 + f;
                // Only seconds may have a fraction.
                if b.get(j) != Some(&b'S') {
                    return Err(bad(j));
                }
            }
            match units.iter().position(|u| b.get(j) == Some(u)) {
                Some(p) => units = &units[p + 1..],
                None => return Err(bad(j)),
            }
            i = j + 1;
            components += 1;
        }
        if i == time_start {
            return Err(bad(i));
        }
    }
    if i < b.len() || components == 0 {
        return Err(bad(i));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::error::{DurationHint, LiteralProblem, Reason};

    /// The literal problem of the parse error of `text`.
    fn problem(text: &str) -> LiteralProblem {
        let err = crate::parse_filter(text).unwrap_err();
        match err.reason().cloned().expect("a reason") {
            Reason::MalformedLiteral { problem } => problem,
            other => panic!("{text}: not a malformed literal: {other:?}"),
        }
    }

    #[test]
    fn dates_and_times_carry_the_offending_part() {
        assert_eq!(
            problem("d eq 2024-13-01"),
            LiteralProblem::MonthOutOfRange {
                literal: "2024-13-01".into(),
                month: "13".into()
            }
        );
        assert_eq!(
            problem("t eq 12:60:00"),
            LiteralProblem::MinuteOutOfRange {
                literal: "12:60:00".into(),
                minute: 60
            }
        );
        assert_eq!(
            problem("t eq 12:00:00.1234567890123"),
            LiteralProblem::TooManyFractionalDigits {
                literal: "12:00:00.1234567890123".into(),
                digits: 13
            }
        );
    }

    #[test]
    fn a_date_or_time_inside_a_date_time_names_the_whole_literal() {
        assert_eq!(
            problem("d eq 2024-02-30T00:00:00Z"),
            LiteralProblem::DayOutOfRange {
                literal: "2024-02-30T00:00:00Z".into(),
                day: "30".into()
            }
        );
        assert_eq!(
            problem("d eq 2024-01-01T25:00:00+01:00"),
            LiteralProblem::HourOutOfRange {
                literal: "2024-01-01T25:00:00+01:00".into(),
                hour: 25
            }
        );
        assert_eq!(
            problem("d eq 2024-01-01T00:00:00+24:00"),
            LiteralProblem::InvalidOffset {
                literal: "2024-01-01T00:00:00+24:00".into(),
                offset: "+24:00".into()
            }
        );
        let err = crate::parse_filter("d eq 2024-02-30T00:00:00Z").unwrap_err();
        assert_eq!(
            err.message(),
            "2024-02-30T00:00:00Z is not a valid date: day 30 does not exist in that month"
        );
    }

    #[test]
    fn durations_carry_the_unit_hint() {
        assert_eq!(
            problem("x eq duration'P1Y'"),
            LiteralProblem::NotADuration {
                value: "P1Y".into(),
                hint: Some(DurationHint::YearsOrWeeks)
            }
        );
        assert_eq!(
            problem("x eq duration'P2M'"),
            LiteralProblem::NotADuration {
                value: "P2M".into(),
                hint: Some(DurationHint::Months)
            }
        );
        assert_eq!(
            problem("x eq duration'PT1X'"),
            LiteralProblem::NotADuration {
                value: "PT1X".into(),
                hint: None
            }
        );
    }

    #[test]
    fn numbers_and_decoded_literals_carry_the_literal() {
        assert_eq!(
            problem("n eq 9223372036854775808"),
            LiteralProblem::Int64OutOfRange {
                literal: "9223372036854775808".into()
            }
        );
        assert_eq!(
            problem("n eq 1e999"),
            LiteralProblem::DoubleOutOfRange {
                literal: "1e999".into()
            }
        );
        let LiteralProblem::InvalidBinary { literal, problem } = problem("b eq binary'%%'") else {
            panic!("not a binary literal problem");
        };
        assert_eq!(literal, "binary'%%'");
        assert!(!problem.is_empty());
    }
}

//! The fast path of [`query_reader`](super::query_reader): one pass over a record's bytes that checks
//! it against the entity type's schema (property names, JSON types, enum members, Guids, date-times,
//! integer ranges, nullability, required properties) and keeps its top-level values borrowed from the
//! input, for the filter and the order key, without building the typed record.
//!
//! It accepts only what the entity type's own deserialiser plainly accepts — no escapes in strings,
//! no control characters, no unknown or repeated properties, no absent non-nullable property, only
//! `YYYY-MM-DDTHH:MM:SS[.f…]` date-times with `Z` or `±HH:MM`, hyphenated Guids, integers written
//! plainly in range —, and says "not sure" about anything else: that record then goes through serde
//! instead, which accepts it or reports the data error with its place and property. So the answer
//! never depends on which path a record took; only the time does.
//!
//! Complex and collection values are checked the same way, recursively, and kept as raw JSON text,
//! parsed only when the filter reads them.

use std::cell::OnceCell;

use chrono::{DateTime, FixedOffset, NaiveDate, TimeZone};
use uuid::Uuid;

use crate::eval::{Field, Record};
use crate::schema::{EdmType, StructuredType};

/// Nesting beyond this is left to serde (whose own limit is 128).
const MAX_DEPTH: u32 = 32;

/// What the fast path checks a structured type's records against.
pub(super) struct Plan {
    props: Vec<Prop>,
    /// One bit per property that must be present (the non-nullable ones).
    required: u64,
    /// The number of complex and collection properties (each has a [`Prop::cell`]).
    cells: usize,
}

struct Prop {
    name: Box<[u8]>,
    /// `"name":`
    key: Box<[u8]>,
    nullable: bool,
    kind: Kind,
    /// For a complex or collection property: its place among a row's parsed values ([`Row::cells`]).
    cell: usize,
}

enum Kind {
    Bool,
    /// An integer in this range.
    Int(i64, i64),
    Str,
    Guid,
    DateTime,
    /// The members' names and values.
    Enum(Vec<(String, i64)>),
    Complex(Plan),
    Collection(Box<Kind>),
    /// Not checked here (decimals, doubles, dates, durations, binary, flags): only `null`, when
    /// nullable, is accepted; anything else goes to serde.
    Other,
}

/// A top-level value of a record that passed the fast path, borrowed from the input.
#[derive(Clone, Copy)]
pub(super) enum Val<'c> {
    Null,
    Bool(bool),
    Int(i64),
    Str(&'c str),
    Guid(Uuid),
    /// A date-time's text, checked by [`date_time_parts`]; read when used.
    DateTime(&'c str),
    /// The position of the member in [`Kind::Enum`].
    Enum(u32),
    /// An empty collection.
    Empty,
    /// A complex value or a collection: its JSON text, parsed on first use (into [`Row::cells`]).
    Raw(&'c str),
}

impl Plan {
    /// The plan for `ty`, or `None` when the fast path does not apply (none, or more than 64 properties).
    pub(super) fn new(ty: &StructuredType) -> Option<Plan> {
        if ty.properties().is_empty() || ty.properties().len() > 64 {
            return None;
        }
        let (mut required, mut cells) = (0, 0);
        let mut props = Vec::new();
        for (i, p) in ty.properties().iter().enumerate() {
            if !p.is_nullable() {
                required |= 1u64 << i;
            }
            let kind = Kind::of(p.ty())?;
            let cell = cells;
            if matches!(kind, Kind::Complex(_) | Kind::Collection(_)) {
                cells += 1;
            }
            props.push(Prop {
                name: p.name().as_bytes().into(),
                key: format!("\"{}\":", p.name()).into_bytes().into(),
                nullable: p.is_nullable(),
                kind,
                cell,
            });
        }
        Some(Plan {
            props,
            required,
            cells,
        })
    }

    /// The number of values a record has ([`Plan::scan`] appends this many).
    pub(super) fn width(&self) -> usize {
        self.props.len()
    }

    /// The number of parsed complex and collection values a [`Row`] has room for.
    pub(super) fn cells(&self) -> usize {
        self.cells
    }

    /// Checks the record `text` (from its `{` to the end of its line or span) and appends its
    /// top-level values to `out`; false, with `out` unchanged, when the record is not plainly valid.
    pub(super) fn scan<'c>(&self, text: &'c [u8], out: &mut Vec<Val<'c>>) -> bool {
        let Ok(s) = std::str::from_utf8(text) else {
            return false;
        };
        let base = out.len();
        out.resize(base + self.width(), Val::Null);
        let mut sc = Scanner { s, b: text, i: 0 };
        sc.ws();
        let ok = sc.object(self, Some(&mut out[base..]), 0).is_some() && {
            sc.ws();
            sc.i == text.len()
        };
        if !ok {
            out.truncate(base);
        }
        ok
    }
}

impl Kind {
    fn of(ty: &EdmType) -> Option<Kind> {
        Some(match ty {
            EdmType::Boolean => Kind::Bool,
            EdmType::Byte => Kind::Int(0, 255),
            EdmType::SByte => Kind::Int(-128, 127),
            EdmType::Int16 => Kind::Int(i16::MIN.into(), i16::MAX.into()),
            EdmType::Int32 => Kind::Int(i32::MIN.into(), i32::MAX.into()),
            EdmType::Int64 => Kind::Int(i64::MIN, i64::MAX),
            EdmType::String => Kind::Str,
            EdmType::Guid => Kind::Guid,
            EdmType::DateTimeOffset => Kind::DateTime,
            EdmType::Enum(e) if !e.is_flags() => Kind::Enum(
                e.members()
                    .iter()
                    .map(|m| (m.name().to_string(), m.value()))
                    .collect(),
            ),
            EdmType::Complex(c) => Kind::Complex(Plan::new(c)?),
            EdmType::Collection(inner) => Kind::Collection(Box::new(Kind::of(inner)?)),
            _ => Kind::Other,
        })
    }
}

/// A record that passed the fast path, as the filter and the order key read it.
pub(super) struct Row<'v, 'c> {
    pub(super) vals: &'v [Val<'c>],
    /// Its complex and collection values once parsed ([`Plan::cells`] of them, empty at first).
    pub(super) cells: &'v [OnceCell<Box<serde_json::Value>>],
    pub(super) plan: &'v Plan,
}

static EMPTY: serde_json::Value = serde_json::Value::Array(Vec::new());

impl Record for Row<'_, '_> {
    fn field(&self, index: usize, _name: &str) -> Field<'_> {
        match self.vals.get(index) {
            None | Some(Val::Null) => Field::Null,
            Some(Val::Bool(b)) => Field::Bool(*b),
            Some(Val::Int(i)) => Field::Int(*i),
            Some(Val::Str(s)) => Field::Str(s),
            Some(Val::Guid(g)) => Field::Guid(*g),
            Some(Val::DateTime(t)) => {
                date_time(t.as_bytes()).map_or(Field::Null, Field::DateTimeOffset)
            }
            Some(Val::Enum(m)) => match &self.plan.props[index].kind {
                Kind::Enum(members) => {
                    let (name, value) = &members[*m as usize];
                    Field::Enum {
                        value: *value,
                        name,
                    }
                }
                _ => Field::Null,
            },
            Some(Val::Empty) => Field::Json(&EMPTY),
            Some(Val::Raw(text)) => match self.cells.get(self.plan.props[index].cell) {
                Some(cell) => Field::Json(cell.get_or_init(|| {
                    // Checked by the scan: valid JSON.
                    Box::new(serde_json::from_str(text).unwrap_or(serde_json::Value::Null))
                })),
                None => Field::Null,
            },
        }
    }
}

struct Scanner<'c> {
    s: &'c str,
    b: &'c [u8],
    i: usize,
}

/// Bytes of `w` equal to zero: the lowest set high bit marks the first (higher ones may be false).
#[inline(always)]
fn zero_bytes(w: u64) -> u64 {
    w.wrapping_sub(0x0101_0101_0101_0101) & !w & 0x8080_8080_8080_8080
}

impl<'c> Scanner<'c> {
    #[inline]
    fn ws(&mut self) {
        while let Some(b' ' | b'\n' | b'\r' | b'\t') = self.b.get(self.i) {
            self.i += 1;
        }
    }

    #[inline]
    fn eat(&mut self, byte: u8) -> Option<()> {
        if self.b.get(self.i) == Some(&byte) {
            self.i += 1;
            Some(())
        } else {
            None
        }
    }

    fn literal(&mut self, word: &[u8]) -> Option<()> {
        if self.b[self.i..].starts_with(word) {
            self.i += word.len();
            Some(())
        } else {
            None
        }
    }

    /// A string at `i` without control characters, and without escapes unless `escapes` (its value
    /// is not kept): its contents' byte range.
    #[inline]
    fn string(&mut self, escapes: bool) -> Option<(usize, usize)> {
        self.eat(b'"')?;
        let start = self.i;
        let b = self.b;
        let mut i = start;
        loop {
            while let Some(word) = b.get(i..i + 8) {
                let w = u64::from_le_bytes(word.try_into().ok()?);
                let quote = zero_bytes(w ^ 0x2222_2222_2222_2222);
                let backslash = zero_bytes(w ^ 0x5c5c_5c5c_5c5c_5c5c);
                let control = w.wrapping_sub(0x2020_2020_2020_2020) & !w & 0x8080_8080_8080_8080;
                let m = quote | backslash | control;
                if m != 0 {
                    i += (m.trailing_zeros() / 8) as usize;
                    break;
                }
                i += 8;
            }
            match *b.get(i)? {
                b'"' => {
                    self.i = i + 1;
                    return Some((start, i));
                }
                b'\\' if escapes => {
                    i += 1;
                    match *b.get(i)? {
                        b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => i += 1,
                        b'u' => {
                            let hex = b.get(i + 1..i + 5)?;
                            let text = std::str::from_utf8(hex).ok()?;
                            let code = u16::from_str_radix(text, 16).ok()?;
                            // Surrogates (paired or not) are left to serde.
                            if !hex.iter().all(u8::is_ascii_hexdigit)
                                || (0xd800..=0xdfff).contains(&code)
                            {
                                return None;
                            }
                            i += 5;
                        }
                        _ => return None,
                    }
                }
                b'\\' | 0..=0x1f => return None,
                _ => i += 1,
            }
        }
    }

    /// An integer written plainly (`-?(0|[1-9][0-9]*)`, at most 18 digits), not followed by a
    /// fraction or exponent.
    fn int(&mut self) -> Option<i64> {
        let negative = self.eat(b'-').is_some();
        let start = self.i;
        let mut n: i64 = 0;
        while let Some(d @ b'0'..=b'9') = self.b.get(self.i) {
            n = n * 10 + i64::from(d - b'0');
            self.i += 1;
            if self.i - start > 18 {
                return None;
            }
        }
        let digits = self.i - start;
        if digits == 0
            || (digits > 1 && self.b[start] == b'0')
            || (negative && self.b[start] == b'0')
            || matches!(self.b.get(self.i), Some(b'.' | b'e' | b'E'))
        {
            return None;
        }
        Some(if negative { -n } else { n })
    }

    /// An object at `i` of type `plan`; its values go to `vals` when given (the top level).
    fn object(&mut self, plan: &Plan, mut vals: Option<&mut [Val<'c>]>, depth: u32) -> Option<()> {
        self.eat(b'{')?;
        self.ws();
        let (mut seen, mut next) = (0u64, 0usize);
        if self.eat(b'}').is_none() {
            loop {
                // Properties usually come in declared order, written compactly: `"name":`.
                let at = match plan.props.get(next) {
                    Some(p) if starts_with(&self.b[self.i..], &p.key) => {
                        self.i += p.key.len();
                        next
                    }
                    _ => {
                        let (a, z) = self.string(false)?;
                        let key = &self.b[a..z];
                        let at = plan.props.iter().position(|p| *p.name == *key)?;
                        self.ws();
                        self.eat(b':')?;
                        at
                    }
                };
                let bit = 1u64 << at;
                if seen & bit != 0 {
                    return None;
                }
                seen |= bit;
                next = at + 1;
                self.ws();
                let prop = &plan.props[at];
                let mut scratch = Val::Null;
                let slot = match vals.as_deref_mut() {
                    Some(vals) => &mut vals[at],
                    None => &mut scratch,
                };
                if self.b.get(self.i) == Some(&b'n') {
                    if !prop.nullable {
                        return None;
                    }
                    self.literal(b"null")?;
                    *slot = Val::Null;
                } else {
                    self.typed(&prop.kind, depth, slot)?;
                }
                self.ws();
                match self.b.get(self.i)? {
                    b',' => {
                        self.i += 1;
                        self.ws();
                    }
                    b'}' => {
                        self.i += 1;
                        break;
                    }
                    _ => return None,
                }
            }
        }
        (seen & plan.required == plan.required).then_some(())
    }

    /// A non-null value of `kind` at `i`, written to `slot`.
    fn typed(&mut self, kind: &Kind, depth: u32, slot: &mut Val<'c>) -> Option<()> {
        *slot = match kind {
            // Nested values are only checked; a top-level string is kept, so it must be plain.
            Kind::Str if depth > 0 => {
                self.string(true)?;
                Val::Null
            }
            Kind::Str => {
                let (a, z) = self.string(false)?;
                Val::Str(self.s.get(a..z)?)
            }
            Kind::Guid => {
                // Hyphenated (36 characters of hex digits and hyphens, so a plain string).
                self.eat(b'"')?;
                let a = self.i;
                let g = Uuid::try_parse_ascii(self.b.get(a..a + 36)?).ok()?;
                self.i = a + 36;
                self.eat(b'"')?;
                Val::Guid(g)
            }
            Kind::DateTime => {
                // Digits and `-T:.Z+` only, so a plain string.
                self.eat(b'"')?;
                let a = self.i;
                let (_, len) = date_time_prefix(&self.b[a..])?;
                self.i = a + len;
                self.eat(b'"')?;
                Val::DateTime(self.s.get(a..a + len)?)
            }
            Kind::Enum(members) => {
                let (a, z) = self.string(false)?;
                let text = &self.b[a..z];
                let m = members
                    .iter()
                    .position(|(n, _)| n.len() == text.len() && starts_with(text, n.as_bytes()))?;
                Val::Enum(m as u32)
            }
            Kind::Bool => {
                if self.literal(b"true").is_some() {
                    Val::Bool(true)
                } else {
                    self.literal(b"false")?;
                    Val::Bool(false)
                }
            }
            Kind::Int(lo, hi) => {
                let n = self.int()?;
                if n < *lo || n > *hi {
                    return None;
                }
                Val::Int(n)
            }
            Kind::Complex(plan) => {
                if depth >= MAX_DEPTH {
                    return None;
                }
                let start = self.i;
                self.object(plan, None, depth + 1)?;
                Val::Raw(self.s.get(start..self.i)?)
            }
            Kind::Collection(element) => {
                if depth >= MAX_DEPTH {
                    return None;
                }
                let start = self.i;
                self.eat(b'[')?;
                self.ws();
                if self.eat(b']').is_some() {
                    *slot = Val::Empty;
                    return Some(());
                }
                let mut scratch = Val::Null;
                loop {
                    self.typed(element, depth + 1, &mut scratch)?;
                    self.ws();
                    match self.b.get(self.i)? {
                        b',' => {
                            self.i += 1;
                            self.ws();
                        }
                        b']' => {
                            self.i += 1;
                            break;
                        }
                        _ => return None,
                    }
                }
                Val::Raw(self.s.get(start..self.i)?)
            }
            Kind::Other => return None,
        };
        Some(())
    }
}

/// `hay` starts with `key`: compared a word at a time (keys and members are short, a call to
/// `memcmp` costs more than the comparison).
#[inline(always)]
fn starts_with(hay: &[u8], key: &[u8]) -> bool {
    let n = key.len();
    let Some(h) = hay.get(..n) else {
        return false;
    };
    if n < 8 {
        return h == key;
    }
    let word = |s: &[u8], i: usize| u64::from_le_bytes(s[i..i + 8].try_into().unwrap_or([0; 8]));
    let mut i = 0;
    while i + 8 < n {
        if word(h, i) != word(key, i) {
            return false;
        }
        i += 8;
    }
    word(h, n - 8) == word(key, n - 8)
}

/// The fields of `YYYY-MM-DDTHH:MM:SS[.f{1,9}](Z|±HH:MM)`, a subset of RFC 3339, each in range
/// (the day in its month): year, month, day, hour, minute, second, nanosecond, offset in seconds.
type Parts = (i32, u32, u32, u32, u32, u32, u32, i32);

fn date_time_parts(t: &[u8]) -> Option<Parts> {
    date_time_prefix(t)
        .filter(|&(_, len)| len == t.len())
        .map(|(parts, _)| parts)
}

/// The date-time [`date_time_parts`] takes at the start of `t`, and its length.
#[inline]
fn date_time_prefix(t: &[u8]) -> Option<(Parts, usize)> {
    const DIGITS: [usize; 14] = [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18];
    const SCALE: [u32; 10] = [
        1_000_000_000,
        100_000_000,
        10_000_000,
        1_000_000,
        100_000,
        10_000,
        1_000,
        100,
        10,
        1,
    ];
    let p: &[u8; 19] = t.get(..19)?.try_into().ok()?;
    let v = |i: usize| u32::from(p[i].wrapping_sub(b'0'));
    // A byte is a digit when `v` is at most 9, that is when `v + 6` has no bit above the fourth.
    let not_digits = DIGITS.iter().fold(0, |acc, &i| acc | ((v(i) + 6) >> 4));
    if not_digits != 0
        || p[4] != b'-'
        || p[7] != b'-'
        || p[10] != b'T'
        || p[13] != b':'
        || p[16] != b':'
    {
        return None;
    }
    let two = |i: usize| v(i) * 10 + v(i + 1);
    let (y, mo, d) = (two(0) * 100 + two(2), two(5), two(8));
    let leap = y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
    let days = match mo {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return None,
    };
    let (h, mi, sec) = (two(11), two(14), two(17));
    if d == 0 || d > days || h > 23 || mi > 59 || sec > 59 {
        return None;
    }
    let mut i = 19;
    let mut nanos = 0;
    if t.get(i) == Some(&b'.') {
        i += 1;
        while let Some(&c @ b'0'..=b'9') = t.get(i) {
            if i - 20 == 9 {
                return None;
            }
            nanos = nanos * 10 + u32::from(c - b'0');
            i += 1;
        }
        let digits = i - 20;
        if digits == 0 {
            return None;
        }
        nanos *= SCALE[digits];
    }
    let offset = match *t.get(i)? {
        b'Z' => {
            i += 1;
            0
        }
        sign @ (b'+' | b'-') => {
            let o: &[u8; 5] = t.get(i + 1..i + 6)?.try_into().ok()?;
            let w = |j: usize| u32::from(o[j].wrapping_sub(b'0'));
            if [0, 1, 3, 4].iter().any(|&j| w(j) > 9) || o[2] != b':' {
                return None;
            }
            let (oh, om) = (w(0) * 10 + w(1), w(3) * 10 + w(4));
            if oh > 23 || om > 59 {
                return None;
            }
            i += 6;
            let secs = (oh * 3600 + om * 60) as i32;
            if sign == b'-' {
                -secs
            } else {
                secs
            }
        }
        _ => return None,
    };
    Some(((y as i32, mo, d, h, mi, sec, nanos, offset), i))
}

/// The instant and offset of a date-time [`date_time_parts`] takes, as chrono's RFC 3339 parser
/// reads it.
fn date_time(t: &[u8]) -> Option<DateTime<FixedOffset>> {
    let (y, mo, d, h, mi, s, nanos, offset) = date_time_parts(t)?;
    let local = NaiveDate::from_ymd_opt(y, mo, d)?.and_hms_nano_opt(h, mi, s, nanos)?;
    FixedOffset::east_opt(offset)?
        .from_local_datetime(&local)
        .single()
}

#[cfg(test)]
mod tests;

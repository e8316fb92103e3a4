//! Decoding a query-string component (`+`, `%XX`, a raw `+hh:mm` offset kept), mapping decoded offsets
//! back into the query string, and splitting a value at top-level commas.

use super::*;

/// The offset in the query string of decoded byte `target` of a component written as `encoded` at
/// `encoded_at`.
pub(super) fn encoded_offset(encoded: &str, encoded_at: usize, target: usize) -> usize {
    let bytes = encoded.as_bytes();
    let (mut raw, mut decoded) = (0, 0);
    while raw < bytes.len() && decoded < target {
        raw += if bytes[raw] == b'%' { 3 } else { 1 };
        decoded += 1;
    }
    encoded_at + raw.min(bytes.len())
}

/// A component after decoding, and where (decoded offsets) a `+` became a space.
pub(super) struct Decoded {
    pub(super) text: String,
    pub(super) plus_spaces: Vec<usize>,
}

/// True when `out` ends with a date-time's `Thh:mm`, `Thh:mm:ss` or `Thh:mm:ss.fff` after a date.
pub(super) fn ends_with_date_time(out: &[u8]) -> bool {
    let digits = |s: &[u8]| s.iter().all(u8::is_ascii_digit);
    let mut end = out.len();
    // Fractional seconds.
    let frac = out.iter().rev().take_while(|b| b.is_ascii_digit()).count();
    if frac > 0 && end > frac && out[end - frac - 1] == b'.' {
        end -= frac + 1;
    }
    let t = &out[..end];
    let time_len = if t.len() >= 9 && t[t.len() - 3] == b':' && t[t.len() - 6] == b':' {
        8
    } else {
        5
    };
    if t.len() < time_len + 11 {
        return false;
    }
    let (date, time) = t[t.len() - time_len - 11..].split_at(11);
    date[10].eq_ignore_ascii_case(&b'T')
        && digits(&date[..4])
        && date[4] == b'-'
        && digits(&date[5..7])
        && date[7] == b'-'
        && digits(&date[8..10])
        && time[2] == b':'
        && digits(&time[..2])
        && digits(&time[3..5])
        && (time_len == 5 || digits(&time[6..8]))
}

/// Decodes one query-string component: `+` is a space, `%XX` a byte (exactly two hex digits); the
/// result must be UTF-8. A `+` right after a date-time and before `hh:mm` stays a `+`: it is the
/// offset of the date-time, typed raw, and a space could not be meant there. `at` is the component's
/// offset in `raw`, for the error span.
pub(super) fn decode(component: &str, at: usize, raw: &Arc<str>) -> Result<Decoded, Error> {
    let bytes = component.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut plus_spaces = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => {
                let rest = &bytes[i + 1..];
                let offset_follows = rest.len() >= 5
                    && rest[..2].iter().all(u8::is_ascii_digit)
                    && rest[2] == b':'
                    && rest[3..5].iter().all(u8::is_ascii_digit);
                if offset_follows && ends_with_date_time(&out) {
                    out.push(b'+');
                } else {
                    plus_spaces.push(out.len());
                    out.push(b' ');
                }
            }
            b'%' => {
                let hex = bytes
                    .get(i + 1..i + 3)
                    .filter(|h| h.iter().all(u8::is_ascii_hexdigit))
                    .and_then(|h| u8::from_str_radix(std::str::from_utf8(h).ok()?, 16).ok());
                match hex {
                    Some(b) => {
                        out.push(b);
                        i += 2;
                    }
                    None => {
                        return Err(Error::for_reason(
                            ErrorKind::InvalidQueryString,
                            Span::new(at + i, (at + i + 3).min(at + bytes.len())),
                            Reason::BadPercentEscape,
                            raw.clone(),
                        ))
                    }
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    let text = String::from_utf8(out).map_err(|_| {
        Error::for_reason(
            ErrorKind::InvalidQueryString,
            Span::new(at, at + bytes.len()),
            Reason::DecodedNotUtf8,
            raw.clone(),
        )
    })?;
    Ok(Decoded { text, plus_spaces })
}

/// True for a name a custom option may have: letters, digits, `_`, `-`, `.`, `~`.
pub(super) fn is_custom_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | '~'))
}

/// The decoded offsets in `text` that lie inside a string literal (`'…'`, `''` escaping a quote).
pub(super) fn inside_string(text: &str, offsets: &[usize]) -> Option<usize> {
    let mut inside = false;
    let mut next = offsets.iter().peekable();
    for (i, b) in text.bytes().enumerate() {
        while next.peek().is_some_and(|&&o| o < i) {
            next.next();
        }
        if next.peek().is_some_and(|&&o| o == i) && inside {
            return Some(i);
        }
        if b == b'\'' {
            inside = !inside;
        }
    }
    None
}

/// Splits `text` at commas outside quotes, parentheses and brackets: `(offset, item)` pairs.
pub(super) fn split_top_level(text: &str) -> Vec<(usize, &str)> {
    let mut items = Vec::new();
    let (mut depth, mut in_string, mut start) = (0i32, false, 0);
    for (i, b) in text.bytes().enumerate() {
        match b {
            b'\'' => in_string = !in_string,
            b'(' | b'[' | b'{' if !in_string => depth += 1,
            b')' | b']' | b'}' if !in_string => depth -= 1,
            b',' if !in_string && depth == 0 => {
                items.push((start, &text[start..i]));
                start = i + 1;
            }
            _ => {}
        }
    }
    items.push((start, &text[start..]));
    items
}

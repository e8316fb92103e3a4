//! The query string: `$filter=…&$top=…&$skip=…&$orderby=…`, per `docs/semantics.md` §4.
//!
//! [`QueryOptions::parse`] splits a raw or percent-encoded query string, decodes `+` and `%XX`, matches
//! system option names case-insensitively with an optional `$`, rejects duplicates and unknown
//! `$`-options (with a did-you-mean; [`Error::reason`](crate::Error::reason) has the data), checks `$top`/`$skip`/`$count`, parses `$filter`
//! and `$orderby` items, and substitutes parameter aliases (`@p=…`) into them. `Display` prints a
//! canonical, URL-encoded query string with the options in a fixed order.
//!
//! ```
//! use odata_filter::options::QueryOptions;
//! let q = QueryOptions::parse("$filter=status+eq+%27Pending%27&$TOP=2&orderby=creationDateTimeUtc desc").unwrap();
//! assert_eq!(q.top, Some(2));
//! assert_eq!(q.filter.as_ref().unwrap().expr.to_string(), "status eq 'Pending'");
//! assert_eq!(
//!     q.to_string(),
//!     "$filter=status%20eq%20%27Pending%27&$orderby=creationDateTimeUtc%20desc&$top=2"
//! );
//!
//! let err = QueryOptions::parse("$stop=2").unwrap_err();
//! assert_eq!(err.as_slice()[0].message(), "'$stop' is not a system query option. Did you mean '$top'?");
//! ```

use std::fmt;
use std::sync::Arc;

use crate::ast::{Expr, ExprKind, Ident, Span};
use crate::error::{Error, ErrorKind, Errors, Reason, Warning};
use crate::parser::Parser;
use crate::print::url_encode;

/// A parsed `$filter`: the decoded text and its expression (aliases substituted; spans point into
/// `text`; a substituted alias value carries the span of the `@name` it replaced). Two are equal when
/// their text and expression are, however they were encoded.
#[derive(Clone, Debug)]
pub struct FilterOption {
    /// The `$filter` value after percent-decoding.
    pub text: Arc<str>,
    /// The parsed expression.
    pub expr: Expr,
    /// The value as written in the query string, and where it starts there.
    encoded: String,
    encoded_at: usize,
}

impl PartialEq for FilterOption {
    fn eq(&self, other: &Self) -> bool {
        self.text == other.text && self.expr == other.expr
    }
}

impl FilterOption {
    /// Maps a span of [`FilterOption::text`] (the decoded value, which `$filter` errors point into) to the
    /// bytes of the whole query string it was decoded from.
    ///
    /// ```
    /// use odata_filter::{options::QueryOptions, Span};
    /// let q = QueryOptions::parse("$top=1&$filter=status%20eq%20%27x%27").unwrap();
    /// let f = q.filter.unwrap();
    /// assert_eq!(&f.text[10..13], "'x'");
    /// assert_eq!(f.span_in_query(Span::new(10, 13)), Span::new(29, 36));
    /// ```
    pub fn span_in_query(&self, span: Span) -> Span {
        Span::new(
            encoded_offset(&self.encoded, self.encoded_at, span.start),
            encoded_offset(&self.encoded, self.encoded_at, span.end),
        )
    }
}

/// The offset in the query string of decoded byte `target` of a component written as `encoded` at
/// `encoded_at`.
fn encoded_offset(encoded: &str, encoded_at: usize, target: usize) -> usize {
    let bytes = encoded.as_bytes();
    let (mut raw, mut decoded) = (0, 0);
    while raw < bytes.len() && decoded < target {
        raw += if bytes[raw] == b'%' { 3 } else { 1 };
        decoded += 1;
    }
    encoded_at + raw.min(bytes.len())
}

/// One `$orderby` item: an expression and its direction.
#[derive(Clone, Debug, PartialEq)]
pub struct OrderByItem {
    /// The sort key (spans point into [`OrderBy::text`]).
    pub expr: Expr,
    /// `desc` was given.
    pub descending: bool,
}

/// A parsed `$orderby`.
#[derive(Clone, Debug, PartialEq)]
pub struct OrderBy {
    /// The `$orderby` value after percent-decoding.
    pub text: Arc<str>,
    /// The items in order of significance.
    pub items: Vec<OrderByItem>,
}

/// A parsed `$select`.
#[derive(Clone, Debug, PartialEq)]
pub struct Select {
    /// The `$select` value after percent-decoding.
    pub text: Arc<str>,
    /// The selected names (paths keep their `/`), `*` for all; spans point into `text`.
    pub items: Vec<Ident>,
}

/// The options of one query string. Two are equal when they ask the same (their warnings, which are
/// about how the query was written, are not compared).
#[derive(Clone, Debug, Default)]
pub struct QueryOptions {
    /// `$filter`
    pub filter: Option<FilterOption>,
    /// `$top`
    pub top: Option<u64>,
    /// `$skip`
    pub skip: Option<u64>,
    /// `$orderby`
    pub orderby: Option<OrderBy>,
    /// `$select`
    pub select: Option<Select>,
    /// `$count`
    pub count: Option<bool>,
    /// `$search` (kept as text)
    pub search: Option<String>,
    /// `$expand` (kept as text)
    pub expand: Option<String>,
    /// `$format` (kept as text)
    pub format: Option<String>,
    /// `$skiptoken` (kept as text)
    pub skiptoken: Option<String>,
    /// Custom options (names without `$` that are not system options), decoded, in order.
    pub custom: Vec<(String, String)>,
    /// What was accepted but may not be what the user meant: an ignored custom option, a `+` that
    /// became a space inside a string.
    pub warnings: Vec<Warning>,
}

impl PartialEq for QueryOptions {
    fn eq(&self, other: &Self) -> bool {
        (
            &self.filter,
            self.top,
            self.skip,
            &self.orderby,
            &self.select,
            self.count,
            &self.search,
            &self.expand,
            &self.format,
            &self.skiptoken,
            &self.custom,
        ) == (
            &other.filter,
            other.top,
            other.skip,
            &other.orderby,
            &other.select,
            other.count,
            &other.search,
            &other.expand,
            &other.format,
            &other.skiptoken,
            &other.custom,
        )
    }
}

/// The most `$orderby` keys accepted by default ([`QueryOptions::parse`]); see
/// [`ValidateOptions::max_orderby_keys`](crate::validate::ValidateOptions::max_orderby_keys).
pub const DEFAULT_MAX_ORDERBY_KEYS: usize = 32;

/// The system query options, canonical names without `$`, in printing order.
const SYSTEM_OPTIONS: &[&str] = &[
    "filter",
    "orderby",
    "select",
    "top",
    "skip",
    "count",
    "search",
    "expand",
    "format",
    "skiptoken",
];

/// A component after decoding, and where (decoded offsets) a `+` became a space.
struct Decoded {
    text: String,
    plus_spaces: Vec<usize>,
}

/// True when `out` ends with a date-time's `Thh:mm`, `Thh:mm:ss` or `Thh:mm:ss.fff` after a date.
fn ends_with_date_time(out: &[u8]) -> bool {
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
fn decode(component: &str, at: usize, raw: &Arc<str>) -> Result<Decoded, Error> {
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
                        return Err(Error::new(
                            ErrorKind::InvalidQueryString,
                            Span::new(at + i, (at + i + 3).min(at + bytes.len())),
                            "'%' must be followed by two hex digits (write %25 for a literal '%')",
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
        Error::new(
            ErrorKind::InvalidQueryString,
            Span::new(at, at + bytes.len()),
            "the percent-decoded value is not valid UTF-8",
            raw.clone(),
        )
    })?;
    Ok(Decoded { text, plus_spaces })
}

/// True for a name a custom option may have: letters, digits, `_`, `-`, `.`, `~`.
fn is_custom_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | '~'))
}

/// The decoded offsets in `text` that lie inside a string literal (`'…'`, `''` escaping a quote).
fn inside_string(text: &str, offsets: &[usize]) -> Option<usize> {
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
fn split_top_level(text: &str) -> Vec<(usize, &str)> {
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

struct RawOption<'a> {
    /// The decoded name.
    name: String,
    /// The decoded value.
    value: String,
    /// Span of the name in the raw query string.
    name_span: Span,
    /// Span of the value in the raw query string.
    value_span: Span,
    /// Where (decoded offsets) a `+` became a space in the value.
    plus_spaces: Vec<usize>,
    /// The value as written.
    value_raw: &'a str,
}

/// The error for a part of the query string whose name cannot be an option's: most often the rest of
/// a `$filter` cut off by an `&` typed for "and" or inside a string.
#[allow(clippy::too_many_arguments)]
fn bad_option_name(
    raw: &Arc<str>,
    base: usize,
    at: usize,
    name: &str,
    name_span: Span,
    previous: Option<&str>,
    no_option_at_all: bool,
    parser: &Parser,
) -> Error {
    let previous_option = previous
        .and_then(|p| system_name(p.split('=').next().unwrap_or("")))
        .filter(|_| at > base);
    if let Some(option) = previous_option {
        return Error::new(
            ErrorKind::InvalidQueryString,
            Span::new(at - 1, at),
            format!(
                "'&' ends the ${option} option here: inside a filter write 'and'; inside a string write %26"
            ),
            raw.clone(),
        );
    }
    if at == base && no_option_at_all {
        let text = decode(&raw[base..], base, raw)
            .map(|d| d.text)
            .unwrap_or_default();
        if parser.parse(&text).is_ok() {
            let fixed = format!("$filter={text}");
            return Error::new(
                ErrorKind::InvalidQueryString,
                Span::new(base, raw.len()),
                format!("the query string has no option; to filter, write '{fixed}'"),
                raw.clone(),
            )
            .with_suggestion(fixed);
        }
    }
    Error::new(
        ErrorKind::InvalidQueryString,
        name_span,
        format!(
            "'{name}' cannot be the name of a query option: write system options as $filter=…, and an '&' or '=' inside a value as %26 or %3D"
        ),
        raw.clone(),
    )
}

impl QueryOptions {
    /// Parses a query string with the default [`Parser`] settings. A leading `?` is ignored.
    pub fn parse(query: &str) -> Result<QueryOptions, Errors> {
        QueryOptions::parse_with(query, &Parser::new())
    }

    /// Parses a query string, using `parser` (and its limits) for `$filter`, `$orderby` and aliases.
    /// Every error found is reported, not only the first, in the order of their position.
    ///
    /// ```
    /// use odata_filter::{options::QueryOptions, Parser};
    /// let q = QueryOptions::parse_with("$filter=status in @s&@s=('Pending','Failed')", &Parser::new()).unwrap();
    /// assert_eq!(q.filter.unwrap().expr.to_string(), "status in ('Pending', 'Failed')");
    /// ```
    pub fn parse_with(query: &str, parser: &Parser) -> Result<QueryOptions, Errors> {
        let (options, errors) =
            QueryOptions::parse_lenient(query, parser, DEFAULT_MAX_ORDERBY_KEYS);
        if errors.is_empty() {
            Ok(options)
        } else {
            Err(Errors::new(errors.into_iter().map(|(_, e)| e).collect()))
        }
    }

    /// Parses what can be parsed, and the errors of the rest, each with its position in the query
    /// string (for sorting errors of different sources together), sorted by it.
    pub(crate) fn parse_lenient(
        query: &str,
        parser: &Parser,
        max_orderby_keys: usize,
    ) -> (QueryOptions, Vec<(usize, Error)>) {
        let raw: Arc<str> = Arc::from(query);
        let base = usize::from(query.starts_with('?'));
        let body = &query[base..];
        let mut errors: Vec<(usize, Error)> = Vec::new();
        let push = |errors: &mut Vec<(usize, Error)>, e: Error| errors.push((e.span().start, e));
        let mut options: Vec<RawOption<'_>> = Vec::new();
        let mut out = QueryOptions::default();
        let mut offset = base;
        let mut previous: Option<&str> = None;
        let no_option_at_all = !body.contains('=');
        for part in body.split('&') {
            let at = offset;
            offset += part.len() + 1;
            if part.is_empty() {
                continue;
            }
            let (name_raw, value_raw, value_at) = match part.find('=') {
                Some(eq) => (&part[..eq], &part[eq + 1..], at + eq + 1),
                None => (part, "", at + part.len()),
            };
            let name = match decode(name_raw, at, &raw) {
                Ok(n) => n.text,
                Err(e) => {
                    push(&mut errors, e);
                    continue;
                }
            };
            let value = match decode(value_raw, value_at, &raw) {
                Ok(v) => v,
                Err(e) => {
                    push(&mut errors, e);
                    continue;
                }
            };
            let name_span = Span::new(at, at + name_raw.len());
            let prev = previous.replace(part);
            if name.is_empty() {
                push(
                    &mut errors,
                    Error::new(
                        ErrorKind::InvalidQueryString,
                        Span::new(at, at + part.len()),
                        format!("the query option '{part}' has no name"),
                        raw.clone(),
                    ),
                );
                continue;
            }
            if !part.contains('=') && system_name(&name).is_some() {
                push(
                    &mut errors,
                    Error::new(
                        ErrorKind::InvalidQueryString,
                        name_span,
                        format!("the query option '{name}' has no value: write '{name}=…'"),
                        raw.clone(),
                    ),
                );
                continue;
            }
            let special =
                name.starts_with('@') || name.starts_with('$') || system_name(&name).is_some();
            if !special && !is_custom_name(&name) {
                push(
                    &mut errors,
                    bad_option_name(
                        &raw,
                        base,
                        at,
                        &name,
                        name_span,
                        prev,
                        no_option_at_all,
                        parser,
                    ),
                );
                continue;
            }
            options.push(RawOption {
                name,
                value: value.text,
                plus_spaces: value.plus_spaces,
                name_span,
                value_span: Span::new(value_at, value_at + value_raw.len()),
                value_raw,
            });
        }

        // Aliases first: the filter and orderby refer to them.
        let mut aliases: Vec<(String, Expr)> = Vec::new();
        for opt in options.iter().filter(|o| o.name.starts_with('@')) {
            let name = &opt.name[1..];
            if aliases.iter().any(|(n, _)| n == name) {
                push(&mut errors, duplicate(opt, &raw));
                continue;
            }
            match parse_alias_value(&opt.value, parser) {
                Ok(expr) => aliases.push((name.to_string(), expr)),
                Err(e) => push(&mut errors, e.relocate(opt.value_span.start, &raw)),
            }
        }

        let mut seen: Vec<&'static str> = Vec::new();
        for opt in options.iter().filter(|o| !o.name.starts_with('@')) {
            let Some(canonical) = system_name(&opt.name) else {
                if opt.name.starts_with('$') {
                    let suggestion =
                        crate::suggest::closest(&opt.name[1..], SYSTEM_OPTIONS.iter().copied())
                            .map(|c| format!("${c}"));
                    let e = Error::for_reason(
                        ErrorKind::UnknownQueryOption,
                        opt.name_span,
                        Reason::UnknownOption {
                            option: opt.name.clone(),
                            suggestion,
                        },
                        raw.clone(),
                    );
                    push(&mut errors, e);
                } else {
                    out.warnings.push(Warning::new(
                        opt.name_span,
                        format!(
                            "the custom query option '{}' is not a system query option ($filter, $top, …); it is ignored",
                            opt.name
                        ),
                    ));
                    out.custom.push((opt.name.clone(), opt.value.clone()));
                }
                continue;
            };
            if seen.contains(&canonical) {
                push(&mut errors, duplicate(opt, &raw));
                continue;
            }
            seen.push(canonical);
            if let Err(e) = out.set(canonical, opt, &raw, parser, &aliases, max_orderby_keys) {
                // An error of the value's own text points into the decoded value.
                let at = if Arc::ptr_eq(e.source_arc(), &raw) {
                    e.span().start
                } else {
                    encoded_offset(opt.value_raw, opt.value_span.start, e.span().start)
                };
                errors.push((at, e));
            }
        }
        errors.sort_by_key(|(at, e)| (*at, e.span().end));
        (out, errors)
    }

    fn set(
        &mut self,
        name: &'static str,
        opt: &RawOption<'_>,
        raw: &Arc<str>,
        parser: &Parser,
        aliases: &[(String, Expr)],
        max_orderby_keys: usize,
    ) -> Result<(), Error> {
        let value = &opt.value;
        let invalid = |message: String| {
            Error::new(
                ErrorKind::InvalidQueryOptionValue,
                opt.value_span,
                message,
                raw.clone(),
            )
        };
        let text: Arc<str> = Arc::from(value.as_str());
        match name {
            "filter" => {
                let mut expr = parser.parse(value)?;
                check_expansion(&expr, aliases, parser, &text)?;
                substitute_aliases(&mut expr, aliases, &text, 0)?;
                check_normalized_length(&expr, parser, &text)?;
                if let Some(at) = inside_string(value, &opt.plus_spaces) {
                    self.warnings.push(Warning::new(
                        Span::new(at, at + 1),
                        "a '+' in a query string is a space; write %2B for a plus sign",
                    ));
                }
                self.filter = Some(FilterOption {
                    text,
                    expr,
                    encoded: opt.value_raw.to_string(),
                    encoded_at: opt.value_span.start,
                });
            }
            "top" | "skip" => {
                let n = parse_count(value).map_err(|why| {
                    invalid(format!(
                        "The value '{value}' of ${name} is not valid: {why}"
                    ))
                })?;
                if name == "top" {
                    self.top = Some(n);
                } else {
                    self.skip = Some(n);
                }
            }
            "count" => {
                self.count = Some(match value.to_ascii_lowercase().as_str() {
                    "true" => true,
                    "false" => false,
                    _ => {
                        return Err(invalid(format!(
                            "The value '{value}' of $count is not valid: write true or false"
                        )))
                    }
                })
            }
            "orderby" => {
                self.orderby = Some(parse_orderby(&text, parser, aliases, max_orderby_keys)?)
            }
            "select" => self.select = Some(parse_select(&text)?),
            "search" => self.search = Some(value.clone()),
            "expand" => self.expand = Some(value.clone()),
            "format" => self.format = Some(value.clone()),
            _ => self.skiptoken = Some(value.clone()),
        }
        Ok(())
    }
}

/// An alias value is an expression, or a parenthesised list for use with `in` (`@s=('a','b')`).
fn parse_alias_value(value: &str, parser: &Parser) -> Result<Expr, Error> {
    match parser.parse(value) {
        Ok(expr) => Ok(expr),
        Err(err) if value.trim_start().starts_with('(') => {
            // Read the list as the right side of `in`; spans are replaced at substitution anyway.
            match parser.parse(&format!("x in {value}")) {
                Ok(Expr {
                    kind: ExprKind::In { set, .. },
                    ..
                }) => Ok(*set),
                _ => Err(err),
            }
        }
        Err(err) => Err(err),
    }
}

fn duplicate(opt: &RawOption<'_>, raw: &Arc<str>) -> Error {
    Error::for_reason(
        ErrorKind::DuplicateQueryOption,
        opt.name_span,
        Reason::DuplicateOption {
            option: opt.name.clone(),
        },
        raw.clone(),
    )
}

/// The canonical system option name for `name` (case-insensitive, `$` optional).
fn system_name(name: &str) -> Option<&'static str> {
    let bare = name.strip_prefix('$').unwrap_or(name);
    SYSTEM_OPTIONS
        .iter()
        .copied()
        .find(|s| s.eq_ignore_ascii_case(bare))
}

/// A non-negative integer without sign, fraction or surrounding space.
fn parse_count(value: &str) -> Result<u64, &'static str> {
    if value.is_empty() {
        return Err("a non-negative integer is required");
    }
    if value.starts_with(['-', '+']) {
        return Err("a non-negative integer without a sign is required");
    }
    if !value.bytes().all(|b| b.is_ascii_digit()) {
        return Err("a non-negative integer is required");
    }
    value
        .parse::<u64>()
        .ok()
        .filter(|n| *n <= i64::MAX as u64)
        .ok_or("the number is too large")
}

fn parse_orderby(
    text: &Arc<str>,
    parser: &Parser,
    aliases: &[(String, Expr)],
    max_keys: usize,
) -> Result<OrderBy, Error> {
    let mut items = Vec::new();
    let parts = split_top_level(text);
    if parts.len() > max_keys {
        let (at, _) = parts[max_keys];
        return Err(Error::new(
            ErrorKind::LimitExceeded,
            Span::new(at, text.len()),
            format!(
                "$orderby has {} keys; at most {max_keys} are accepted",
                parts.len()
            ),
            text.clone(),
        )
        .with_exceeded(max_keys as u64, parts.len() as u64));
    }
    for (at, item) in parts {
        let trimmed_start = item.len() - item.trim_start().len();
        let body = item.trim();
        let body_at = at + trimmed_start;
        if body.is_empty() {
            return Err(Error::new(
                ErrorKind::InvalidQueryOptionValue,
                Span::new(at, at + item.len()),
                "empty $orderby item: write a property name, optionally followed by asc or desc",
                text.clone(),
            ));
        }
        let (key, descending) = match body.rsplit_once([' ', '\t']) {
            Some((k, dir)) if dir.eq_ignore_ascii_case("desc") => (k.trim_end(), true),
            Some((k, dir)) if dir.eq_ignore_ascii_case("asc") => (k.trim_end(), false),
            Some((_, dir))
                if dir.eq_ignore_ascii_case("descending")
                    || dir.eq_ignore_ascii_case("ascending") =>
            {
                let short = if dir.len() > 9 { "desc" } else { "asc" };
                let dir_at = body_at + body.len() - dir.len();
                return Err(Error::new(
                    ErrorKind::InvalidQueryOptionValue,
                    Span::new(dir_at, dir_at + dir.len()),
                    format!("'{dir}' is not a sort direction in $orderby: write '{short}'"),
                    text.clone(),
                )
                .with_suggestion(short));
            }
            _ => (body, false),
        };
        let mut expr = parser.parse(key).map_err(|e| e.relocate(body_at, text))?;
        shift_spans(&mut expr, body_at);
        check_expansion(&expr, aliases, parser, text)?;
        substitute_aliases(&mut expr, aliases, text, 0)?;
        check_normalized_length(&expr, parser, text)?;
        items.push(OrderByItem { expr, descending });
    }
    Ok(OrderBy {
        text: text.clone(),
        items,
    })
}

fn parse_select(text: &Arc<str>) -> Result<Select, Error> {
    let mut items = Vec::new();
    for (at, item) in split_top_level(text) {
        let lead = item.len() - item.trim_start().len();
        let name = item.trim();
        let span = Span::new(at + lead, at + lead + name.len());
        let valid = name == "*"
            || (!name.is_empty()
                && name.split('/').all(|seg| {
                    let mut chars = seg.chars();
                    chars.next().is_some_and(|c| c.is_alphabetic() || c == '_')
                        && chars.all(|c| c.is_alphanumeric() || c == '_' || c == '.')
                }));
        if !valid {
            return Err(Error::new(
                ErrorKind::InvalidQueryOptionValue,
                span,
                format!("'{name}' is not a property name or '*' in $select"),
                text.clone(),
            ));
        }
        items.push(Ident::new(name, span));
    }
    Ok(Select {
        text: text.clone(),
        items,
    })
}

/// Nesting of aliases in alias values, bounded so that `@a=@b&@b=@a` ends.
const MAX_ALIAS_DEPTH: usize = 8;

/// Replaces every `@name` in `expr` by a copy of the alias value, re-spanned to the `@name` it
/// replaces.
fn substitute_aliases(
    expr: &mut Expr,
    aliases: &[(String, Expr)],
    source: &Arc<str>,
    depth: usize,
) -> Result<(), Error> {
    let mut result = Ok(());
    visit_mut(expr, &mut |e| {
        if result.is_err() {
            return;
        }
        let ExprKind::Alias(name) = &e.kind else {
            return;
        };
        let Some((_, value)) = aliases.iter().find(|(n, _)| *n == name.name) else {
            result = Err(Error::new(
                ErrorKind::UndefinedAlias,
                e.span,
                format!(
                    "the parameter alias '@{}' is not defined: add '&@{}=…' to the query string",
                    name.name, name.name
                ),
                source.clone(),
            ));
            return;
        };
        if depth >= MAX_ALIAS_DEPTH {
            result = Err(Error::new(
                ErrorKind::UndefinedAlias,
                e.span,
                format!("the parameter alias '@{}' refers to itself", name.name),
                source.clone(),
            ));
            return;
        }
        let span = e.span;
        let mut replacement = value.clone();
        if let Err(err) = substitute_aliases(&mut replacement, aliases, source, depth + 1) {
            result = Err(err);
            return;
        }
        set_spans(&mut replacement, span);
        *e = replacement;
    });
    result
}

/// The node count and depth of `expr` once its aliases are substituted, computed without substituting
/// (each alias's cost is computed once), saturating; `None` for an alias that refers to itself
/// (substitution reports it).
fn expanded_cost(
    expr: &Expr,
    aliases: &[(String, Expr)],
    memo: &mut Vec<Option<(usize, usize)>>,
    active: &mut Vec<usize>,
) -> (usize, usize) {
    fn walk(
        e: &Expr,
        aliases: &[(String, Expr)],
        memo: &mut Vec<Option<(usize, usize)>>,
        active: &mut Vec<usize>,
    ) -> (usize, usize) {
        if let ExprKind::Alias(name) = &e.kind {
            let Some(i) = aliases.iter().position(|(n, _)| *n == name.name) else {
                return (1, 1);
            };
            if let Some(cost) = memo[i] {
                return cost;
            }
            if active.contains(&i) {
                return (1, 1);
            }
            active.push(i);
            let cost = walk(&aliases[i].1, aliases, memo, active);
            active.pop();
            memo[i] = Some(cost);
            return cost;
        }
        let mut nodes = 1usize;
        let mut depth = 0usize;
        let mut child = |c: &Expr, nodes: &mut usize, depth: &mut usize| {
            let (n, d) = walk(c, aliases, memo, active);
            *nodes = nodes.saturating_add(n);
            *depth = (*depth).max(d);
        };
        let mut children: Vec<&Expr> = Vec::new();
        children_of(e, &mut children);
        for c in children {
            child(c, &mut nodes, &mut depth);
        }
        // A chain of `and`/`or` is walked in loops, not recursion: it costs no nesting level.
        let chain = matches!(
            e.kind,
            ExprKind::Binary {
                op: crate::ast::BinaryOp::And | crate::ast::BinaryOp::Or,
                ..
            }
        );
        (nodes, depth.saturating_add(usize::from(!chain)))
    }
    walk(expr, aliases, memo, active)
}

/// The direct sub-expressions of `e`.
fn children_of<'e>(e: &'e Expr, out: &mut Vec<&'e Expr>) {
    match &e.kind {
        ExprKind::Literal(_) | ExprKind::Alias(_) | ExprKind::TypeName(_) => {}
        ExprKind::Path(path) => {
            for seg in &path.segments {
                if let crate::ast::SegmentKind::Function { params, .. } = &seg.kind {
                    out.extend(params.iter().map(|(_, v)| v));
                }
            }
            if let Some((_, body)) = path.lambda.as_ref().and_then(|l| l.predicate.as_ref()) {
                out.push(body);
            }
        }
        ExprKind::Call { args, .. } => out.extend(args.iter()),
        ExprKind::Unary { operand, .. } => out.push(operand),
        ExprKind::Binary { left, right, .. } => {
            out.push(left);
            out.push(right);
        }
        ExprKind::In { operand, set } => {
            out.push(operand);
            out.push(set);
        }
        ExprKind::List(items) | ExprKind::Array(items) => out.extend(items.iter()),
        ExprKind::Object(members) => out.extend(members.iter().map(|(_, v)| v)),
    }
}

/// The parser's node and depth limits hold for `expr` after alias substitution: checked before the
/// substitution copies anything, so that aliases referring to aliases cannot grow a small query string
/// into an exponentially large tree.
fn check_expansion(
    expr: &Expr,
    aliases: &[(String, Expr)],
    parser: &Parser,
    source: &Arc<str>,
) -> Result<(), Error> {
    let has_alias = {
        let mut stack = vec![expr];
        let mut found = false;
        while let Some(e) = stack.pop() {
            if matches!(e.kind, ExprKind::Alias(_)) {
                found = true;
                break;
            }
            children_of(e, &mut stack);
        }
        found
    };
    if !has_alias {
        return Ok(());
    }
    let limits = parser.current_limits();
    let mut memo = vec![None; aliases.len()];
    let (nodes, depth) = expanded_cost(expr, aliases, &mut memo, &mut Vec::new());
    let span = Span::new(0, source.len());
    if nodes > limits.max_nodes {
        return Err(Error::new(
            ErrorKind::LimitExceeded,
            span,
            format!(
                "with its parameter aliases substituted the expression has {nodes} nodes; at most {} are accepted",
                limits.max_nodes
            ),
            source.clone(),
        )
        .with_exceeded(limits.max_nodes as u64, nodes as u64));
    }
    if depth > limits.max_depth {
        return Err(Error::new(
            ErrorKind::LimitExceeded,
            span,
            format!(
                "with its parameter aliases substituted the expression is nested {depth} levels deep; at most {} are accepted",
                limits.max_depth
            ),
            source.clone(),
        )
        .with_exceeded(limits.max_depth as u64, depth as u64));
    }
    let length = expanded_length(
        expr,
        aliases,
        &mut vec![None; aliases.len()],
        &mut Vec::new(),
    );
    if length > limits.max_length {
        return Err(Error::new(
            ErrorKind::LimitExceeded,
            span,
            format!(
                "with its parameter aliases substituted the filter is {length} bytes long; the limit is {} bytes",
                limits.max_length
            ),
            source.clone(),
        )
        .with_exceeded(limits.max_length as u64, length as u64));
    }
    Ok(())
}

/// Counts the bytes written to it, storing none.
#[derive(Default)]
struct ByteCount(usize);

impl fmt::Write for ByteCount {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.0 = self.0.saturating_add(s.len());
        Ok(())
    }
}

/// The length of `value`'s `Display` text, without building it.
pub(crate) fn printed_length(value: &impl fmt::Display) -> usize {
    let mut count = ByteCount::default();
    // Writing to a counter cannot fail; a `Display` that fails prints nothing more.
    let _ = fmt::write(&mut count, format_args!("{value}"));
    count.0
}

/// The length of `expr`'s normalized text once its aliases are substituted, computed without
/// substituting (each alias's text is measured once), saturating. Parentheses that substitution may add
/// around a value are not counted: this is the least the substituted text can be, enough to refuse a
/// query string before copying; the exact length is checked on the substituted tree.
fn expanded_length(
    expr: &Expr,
    aliases: &[(String, Expr)],
    memo: &mut Vec<Option<usize>>,
    active: &mut Vec<usize>,
) -> usize {
    let mut length = printed_length(expr);
    let mut stack = vec![expr];
    while let Some(e) = stack.pop() {
        let ExprKind::Alias(name) = &e.kind else {
            children_of(e, &mut stack);
            continue;
        };
        let Some(i) = aliases.iter().position(|(n, _)| *n == name.name) else {
            continue;
        };
        if active.contains(&i) {
            continue;
        }
        let value = match memo[i] {
            Some(l) => l,
            None => {
                active.push(i);
                let l = expanded_length(&aliases[i].1, aliases, memo, active);
                active.pop();
                memo[i] = Some(l);
                l
            }
        };
        // `@name` is replaced by the value's text.
        length = length
            .saturating_sub(name.name.len() + 1)
            .saturating_add(value);
    }
    length
}

/// The length limit holds for the text the query prints, not only for the text as written: normalizing
/// puts `, ` between list items and one space around operators, and substitutes aliases, so a filter
/// accepted near the limit could otherwise print as text that is refused when read back.
fn check_normalized_length(expr: &Expr, parser: &Parser, source: &Arc<str>) -> Result<(), Error> {
    let limit = parser.current_limits().max_length;
    let length = printed_length(expr);
    if length <= limit {
        return Ok(());
    }
    Err(Error::new(
        ErrorKind::LimitExceeded,
        Span::new(0, source.len()),
        format!(
            "normalized, the filter is {length} bytes long (one space around operators, ', ' between list items, aliases substituted); the limit is {limit} bytes"
        ),
        source.clone(),
    )
    .with_exceeded(limit as u64, length as u64))
}

/// Calls `f` on `expr` and, unless `f` replaced it, on its children (pre-order).
fn visit_mut(expr: &mut Expr, f: &mut dyn FnMut(&mut Expr)) {
    f(expr);
    match &mut expr.kind {
        ExprKind::Literal(_) | ExprKind::Alias(_) | ExprKind::TypeName(_) => {}
        ExprKind::Path(path) => {
            for seg in &mut path.segments {
                if let crate::ast::SegmentKind::Function { params, .. } = &mut seg.kind {
                    for (_, v) in params {
                        visit_mut(v, f);
                    }
                }
            }
            if let Some(lambda) = &mut path.lambda {
                if let Some((_, body)) = &mut lambda.predicate {
                    visit_mut(body, f);
                }
            }
        }
        ExprKind::Call { args, .. } => args.iter_mut().for_each(|a| visit_mut(a, f)),
        ExprKind::Unary { operand, .. } => visit_mut(operand, f),
        ExprKind::Binary { left, right, .. } => {
            visit_mut(left, f);
            visit_mut(right, f);
        }
        ExprKind::In { operand, set } => {
            visit_mut(operand, f);
            visit_mut(set, f);
        }
        ExprKind::List(items) | ExprKind::Array(items) => {
            items.iter_mut().for_each(|a| visit_mut(a, f))
        }
        ExprKind::Object(members) => members.iter_mut().for_each(|(_, v)| visit_mut(v, f)),
    }
}

fn set_spans(expr: &mut Expr, span: Span) {
    visit_mut(expr, &mut |e| e.span = span);
}

fn shift_spans(expr: &mut Expr, offset: usize) {
    visit_mut(expr, &mut |e| e.span = e.span.shift(offset));
}

impl fmt::Display for QueryOptions {
    /// The canonical query string: options in the order `$filter $orderby $select $top $skip $count
    /// $search $expand $format $skiptoken`, then custom options; values URL-encoded; aliases already
    /// substituted.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut parts: Vec<String> = Vec::new();
        if let Some(filter) = &self.filter {
            parts.push(format!("$filter={}", filter.expr.to_url()));
        }
        if let Some(orderby) = &self.orderby {
            let items: Vec<String> = orderby
                .items
                .iter()
                .map(|i| {
                    if i.descending {
                        format!("{} desc", i.expr)
                    } else {
                        i.expr.to_string()
                    }
                })
                .collect();
            parts.push(format!("$orderby={}", url_encode(&items.join(","))));
        }
        if let Some(select) = &self.select {
            let names: Vec<&str> = select.items.iter().map(|i| i.name.as_str()).collect();
            parts.push(format!("$select={}", url_encode(&names.join(","))));
        }
        if let Some(top) = self.top {
            parts.push(format!("$top={top}"));
        }
        if let Some(skip) = self.skip {
            parts.push(format!("$skip={skip}"));
        }
        if let Some(count) = self.count {
            parts.push(format!("$count={count}"));
        }
        for (name, value) in [
            ("search", &self.search),
            ("expand", &self.expand),
            ("format", &self.format),
            ("skiptoken", &self.skiptoken),
        ] {
            if let Some(v) = value {
                parts.push(format!("${name}={}", url_encode(v)));
            }
        }
        for (name, value) in &self.custom {
            parts.push(format!("{}={}", url_encode(name), url_encode(value)));
        }
        f.write_str(&parts.join("&"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(qs: &str) -> Vec<ErrorKind> {
        QueryOptions::parse(qs)
            .err()
            .map(|e| e.iter().map(Error::kind).collect())
            .unwrap_or_default()
    }

    #[test]
    fn names_are_case_insensitive_and_dollar_is_optional() {
        let q = QueryOptions::parse("FILTER=true&$Top=3&skip=1&$COUNT=True").unwrap();
        assert!(q.filter.is_some());
        assert_eq!((q.top, q.skip, q.count), (Some(3), Some(1), Some(true)));
    }

    #[test]
    fn plus_and_percent_escapes_are_decoded() {
        let q = QueryOptions::parse("?$filter=requestor+eq+%27a%2Bb%40x.com%27").unwrap();
        assert_eq!(&*q.filter.unwrap().text, "requestor eq 'a+b@x.com'");
    }

    #[test]
    fn duplicates_unknown_and_bad_values_are_all_reported() {
        assert_eq!(
            kinds("$top=1&$top=2&$stop=3&$skip=-1&$count=yes"),
            vec![
                ErrorKind::DuplicateQueryOption,
                ErrorKind::UnknownQueryOption,
                ErrorKind::InvalidQueryOptionValue,
                ErrorKind::InvalidQueryOptionValue,
            ]
        );
        assert_eq!(kinds("$top=1.5"), vec![ErrorKind::InvalidQueryOptionValue]);
        assert_eq!(kinds("$top=+1"), vec![ErrorKind::InvalidQueryOptionValue]);
        assert_eq!(
            kinds("$top=99999999999999999999"),
            vec![ErrorKind::InvalidQueryOptionValue]
        );
        assert_eq!(kinds("$filter=a%zz"), vec![ErrorKind::InvalidQueryString]);
        assert_eq!(kinds("$top"), vec![ErrorKind::InvalidQueryString]);
    }

    #[test]
    fn custom_options_are_kept() {
        let q = QueryOptions::parse("api-version=2&$top=1").unwrap();
        assert_eq!(q.custom, vec![("api-version".to_string(), "2".to_string())]);
        assert_eq!(q.to_string(), "$top=1&api-version=2");
    }

    #[test]
    fn aliases_are_substituted_with_the_reference_span() {
        let q = QueryOptions::parse("$filter=status eq @s&@s='Pending'").unwrap();
        let f = q.filter.unwrap();
        assert_eq!(f.expr.to_string(), "status eq 'Pending'");
        let ExprKind::Binary { right, .. } = &f.expr.kind else {
            panic!()
        };
        assert_eq!(&f.text[right.span.range()], "@s");
        assert_eq!(
            kinds("$filter=status eq @t&@s=1"),
            vec![ErrorKind::UndefinedAlias]
        );
        assert_eq!(
            kinds("$filter=status eq @a&@a=@b&@b=@a"),
            vec![ErrorKind::UndefinedAlias]
        );
    }

    #[test]
    fn filter_errors_point_into_the_decoded_filter() {
        let e = QueryOptions::parse("$filter=status+eq+%27x").unwrap_err();
        assert_eq!(e.as_slice()[0].kind(), ErrorKind::UnterminatedString);
        assert_eq!(e.as_slice()[0].source_text(), "status eq 'x");
        assert_eq!(e.as_slice()[0].span(), Span::new(10, 12));
    }

    #[test]
    fn orderby_items_and_directions() {
        let q = QueryOptions::parse("$orderby=CreationDateTimeUtc DESC, tolower(requestor),id asc")
            .unwrap();
        let o = q.orderby.unwrap();
        let shown: Vec<(String, bool)> = o
            .items
            .iter()
            .map(|i| (i.expr.to_string(), i.descending))
            .collect();
        assert_eq!(
            shown,
            vec![
                ("CreationDateTimeUtc".to_string(), true),
                ("tolower(requestor)".to_string(), false),
                ("id".to_string(), false)
            ]
        );
        assert_eq!(&o.text[o.items[2].expr.span.range()], "id");
        assert_eq!(kinds("$orderby=id sideways"), vec![ErrorKind::Syntax]);
        assert_eq!(
            kinds("$orderby=id,,type"),
            vec![ErrorKind::InvalidQueryOptionValue]
        );
    }

    #[test]
    fn select_items() {
        let q = QueryOptions::parse("$select=id, status,relatedFileInfo/fileIdentifier").unwrap();
        let names: Vec<&str> = q
            .select
            .as_ref()
            .unwrap()
            .items
            .iter()
            .map(|i| i.name.as_str())
            .collect();
        assert_eq!(names, ["id", "status", "relatedFileInfo/fileIdentifier"]);
        assert_eq!(
            kinds("$select=id,'x'"),
            vec![ErrorKind::InvalidQueryOptionValue]
        );
    }

    #[test]
    fn display_is_canonical_and_reparses() {
        let q = QueryOptions::parse(
            "$top=2&$filter=requestor eq 'a%26b%23c%25d+e'&$orderby=id&$count=true&$select=id,status",
        )
        .unwrap();
        let printed = q.to_string();
        assert_eq!(
            printed,
            "$filter=requestor%20eq%20%27a%26b%23c%25d%20e%27&$orderby=id&$select=id,status&$top=2&$count=true"
        );
        let again = QueryOptions::parse(&printed).unwrap();
        assert_eq!(again, q);
    }
}

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

mod aliases;
mod decode;
mod names;
mod orderby;
mod select;
mod write;

pub(crate) use aliases::printed_length;
use aliases::{check_expansion, check_normalized_length, parse_alias_value, substitute_aliases};
use decode::{decode, encoded_offset, inside_string, is_custom_name};
use names::{bad_option_name, duplicate, system_name};
use orderby::parse_orderby;
use select::parse_select;
pub(crate) use write::QueryString;

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

/// The most `$orderby` keys accepted by default ([`QueryOptions::parse`]; see
/// [`ValidateOptions::max_orderby_keys`](crate::validate::ValidateOptions::max_orderby_keys)).
pub(crate) const DEFAULT_MAX_ORDERBY_KEYS: usize = 32;

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
                    Error::for_reason(
                        ErrorKind::InvalidQueryString,
                        Span::new(at, at + part.len()),
                        Reason::OptionWithoutName {
                            part: part.to_string(),
                        },
                        raw.clone(),
                    ),
                );
                continue;
            }
            if !part.contains('=') && system_name(&name).is_some() {
                push(
                    &mut errors,
                    Error::for_reason(
                        ErrorKind::InvalidQueryString,
                        name_span,
                        Reason::OptionWithoutValue {
                            option: name.to_string(),
                        },
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
        let invalid = |reason: Reason| {
            Error::for_reason(
                ErrorKind::InvalidQueryOptionValue,
                opt.value_span,
                reason,
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
                    invalid(Reason::InvalidCount {
                        option: name.to_string(),
                        value: value.clone(),
                        problem: why.to_string(),
                    })
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
                        return Err(invalid(Reason::InvalidCountFlag {
                            value: value.clone(),
                        }))
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

impl fmt::Display for QueryOptions {
    /// The canonical query string: options in the order `$filter $orderby $select $top $skip $count
    /// $search $expand $format $skiptoken`, then custom options; values URL-encoded; aliases already
    /// substituted.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let string = QueryString {
            filter: self.filter.as_ref().map(|filter| filter.expr.to_string()),
            orderby: self.orderby.as_ref().map_or_else(Vec::new, |orderby| {
                orderby
                    .items
                    .iter()
                    .map(|i| (i.expr.to_string(), i.descending))
                    .collect()
            }),
            select: self
                .select
                .as_ref()
                .map(|select| select.items.iter().map(|i| i.name.as_str()).collect()),
            top: self.top,
            skip: self.skip,
            count: self.count,
            search: self.search.as_deref(),
            expand: self.expand.as_deref(),
            format: self.format.as_deref(),
            skiptoken: self.skiptoken.as_deref(),
            custom: &self.custom,
        };
        write!(f, "{string}")
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

    /// The first error's reason for `qs`.
    fn reason(qs: &str) -> Reason {
        let errors = QueryOptions::parse(qs).expect_err(qs);
        errors.as_slice()[0].reason().cloned().expect(qs)
    }

    #[test]
    fn query_string_errors_carry_their_reason() {
        assert_eq!(reason("$filter=a%G1"), Reason::BadPercentEscape);
        assert_eq!(reason("$filter=%FF"), Reason::DecodedNotUtf8);
        assert_eq!(
            reason("$top=-1"),
            Reason::InvalidCount {
                option: "top".into(),
                value: "-1".into(),
                problem: "a non-negative integer without a sign is required".into()
            }
        );
        assert_eq!(
            reason("$count=yes"),
            Reason::InvalidCountFlag {
                value: "yes".into()
            }
        );
        assert_eq!(
            reason("$orderby=status descending"),
            Reason::BadSortDirection {
                found: "descending".into(),
                fix: "desc".into()
            }
        );
        assert_eq!(reason("$orderby=status,,type"), Reason::EmptyOrderbyItem);
        assert_eq!(
            reason("$select=a b"),
            Reason::BadSelectItem { name: "a b".into() }
        );
        assert_eq!(
            reason("$filter=x eq @a&@a=@a"),
            Reason::AliasRefersToItself { alias: "a".into() }
        );
        assert_eq!(
            reason("$filter=x eq @b"),
            Reason::UndefinedAlias { alias: "b".into() }
        );
        let fixed = reason("status eq 'Pending'");
        assert_eq!(
            fixed,
            Reason::NoOption {
                fixed: "$filter=status eq 'Pending'".into()
            }
        );
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

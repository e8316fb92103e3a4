//! Errors as data: a kind, a byte span, the [`Reason`] (what the message is made from), the message in
//! OData terms made from it, and the source they point into.
//!
//! Every stage (parser, query options, validator) reports [`Error`] values. `Display` draws the source line
//! with carets under the offending text:
//!
//! ```
//! let err = odata_filter::parse_filter("status eq 'Pending").unwrap_err();
//! assert_eq!(err.kind(), odata_filter::ErrorKind::UnterminatedString);
//! assert_eq!(
//!     err.to_string(),
//!     "error: the string literal \"'Pending\" has no closing quote\n  \
//!      |\n  | status eq 'Pending\n  |           ^^^^^^^^\n"
//! );
//! ```

use std::fmt;
use std::sync::Arc;

use crate::ast::Span;

mod reason;

pub use reason::{DurationHint, LiteralFix, LiteralProblem, ParamType, Reason};

/// What went wrong, as a category callers can match on. The message carries the details.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The text does not follow the `$filter` grammar: `status == 'Pending'`, `status eq`, `() `.
    Syntax,
    /// A string literal has no closing quote: `status eq 'Pending`.
    UnterminatedString,
    /// Parentheses or brackets do not pair up: `(status eq 'Pending'`, `status eq 'Pending')`.
    UnbalancedParentheses,
    /// A literal is malformed or out of range: `2018-13-45T25:61:00Z`, `99999999999999999999`,
    /// `binary'%%%'`.
    InvalidLiteral,
    /// A function name that OData does not define: `unknownfunc(status)`.
    UnknownFunction,
    /// A built-in function called with the wrong number of arguments: `substring('a')`.
    ArgumentCount,
    /// A lambda used where it cannot stand, or malformed: `commands/any(c c eq 1)`, `all()`.
    InvalidLambda,
    /// The input exceeds a configured limit (length, nesting depth, node count, `in` list size).
    LimitExceeded,
    /// The query string is malformed: bad percent-encoding, an option without `=`, an empty name.
    InvalidQueryString,
    /// A system query option that does not exist: `$stop=2`.
    UnknownQueryOption,
    /// A query option given twice: `$top=1&$top=2`.
    DuplicateQueryOption,
    /// A query option whose value is malformed: `$top=-1`, `$count=yes`, `$orderby=status sideways`.
    InvalidQueryOptionValue,
    /// `$top` above the entity set's cap: `$top=20000` for MachineActions.
    TopLimitExceeded,
    /// A parameter alias used in `$filter` but not defined in the query string: `status eq @s`.
    UndefinedAlias,
    /// A property that the entity type does not have: `foo eq 1`.
    UnknownProperty,
    /// A property that exists but may not be used in `$filter`: `computerDnsName eq 'x'`.
    PropertyNotFilterable,
    /// Operand types that do not fit the operator or each other: `status eq 3`.
    TypeMismatch,
    /// A quoted enum member that the enum type does not have: `status eq 'Done'`.
    UnknownEnumMember,
    /// A construct the validator does not support for this entity set: geo functions, `$root`, …
    Unsupported,
    /// A constant integer expression overflows Edm.Int64 or divides by zero: `9223372036854775807 add 1`.
    Overflow,
    /// A type name that is neither a primitive type nor a type of the model: `cast(status, Ns.Nope)`.
    UnknownType,
}

/// A limit that was exceeded, and by how much: the data behind a [`ErrorKind::LimitExceeded`] or
/// [`ErrorKind::TopLimitExceeded`] message.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Exceeded {
    /// The limit (`10000` for `$top` on MachineActions).
    pub limit: u64,
    /// The value that exceeded it (at least `limit + 1`; for counts that stop early, the count reached).
    pub value: u64,
}

/// An error with a kind, a byte span into the source, a message, and the source itself (for rendering).
///
/// ## Spans
/// A span is a pair of byte offsets into [`Error::source_text`], and nothing else: for an error of a
/// `$filter` (or `$orderby`) value that is the *percent-decoded* value, which is what the caret rendering
/// shows; for an error of the query string itself (a bad option name, a duplicate, a bad `$top`) it is the
/// query string as given. [`FilterOption::span_in_query`](crate::options::FilterOption::span_in_query)
/// maps a `$filter` span into the whole query string.
///
/// The source is shared ([`Arc`]): a thousand errors of one query string hold one copy of it.
///
/// [`validate`](crate::validate::validate) checks a tree, which holds no text: its errors point into
/// the tree's canonical text; [`validate_text`](crate::validate::validate_text) and
/// [`Query`](crate::query::Query) point into the text as written.
///
/// Besides the message, an error carries what the message is made from, so that a caller can act on
/// it without reading the text: the [`Reason`] ([`Error::reason`]), and from it the suggested fix
/// ([`Error::suggestion`]) and the exceeded limit ([`Error::exceeded`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    kind: ErrorKind,
    span: Span,
    message: String,
    source: Arc<str>,
    /// Boxed: most errors have none, and an `Error` stays small to return.
    details: Option<Box<Details>>,
}

/// What some errors carry besides the message.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Details {
    suggestion: Option<String>,
    exceeded: Option<Exceeded>,
    help: Option<String>,
    reason: Option<Reason>,
}

impl Error {
    /// An error of `kind` at `span` of `source`. Control characters in `message` (ESC, NUL, …) are
    /// escaped (`\u{1b}`), so that a message never carries them to a terminal.
    pub fn new(
        kind: ErrorKind,
        span: Span,
        message: impl Into<String>,
        source: impl Into<Arc<str>>,
    ) -> Self {
        Error {
            kind,
            span,
            message: escape_controls(message.into()),
            source: source.into(),
            details: None,
        }
    }

    /// An error of `kind` at `span` of `source` for `reason`: the message, the suggestion and the
    /// exceeded limit are made from the reason.
    pub(crate) fn for_reason(
        kind: ErrorKind,
        span: Span,
        reason: Reason,
        source: impl Into<Arc<str>>,
    ) -> Self {
        let mut e = Error::new(kind, span, reason.message(), source);
        if let Some(s) = reason.suggestion() {
            e = e.with_suggestion(s);
        }
        if let Some(x) = reason.exceeded() {
            e = e.with_exceeded(x.limit, x.value);
        }
        e.details.get_or_insert_with(Default::default).reason = Some(reason);
        e
    }

    /// What the error is about, as data ([`Reason`]). Every error this crate makes has one (parser,
    /// query string, validator, SQL compiler); an error built with [`Error::new`] has `None`.
    pub fn reason(&self) -> Option<&Reason> {
        self.details.as_ref()?.reason.as_ref()
    }

    /// The same error with another message (a service's own wording of it); control characters are
    /// escaped as in [`Error::new`].
    pub(crate) fn with_message(mut self, message: impl Into<String>) -> Self {
        self.message = escape_controls(message.into());
        self
    }

    /// The same error with a suggested replacement (a name, a rewritten literal, a query text).
    pub fn with_suggestion(mut self, suggestion: impl Into<String>) -> Self {
        self.details.get_or_insert_with(Default::default).suggestion = Some(suggestion.into());
        self
    }

    /// The same error with a help line: advice shown under the caret rendering (`  = help: …`) but not
    /// part of [`Error::message`], so that the message stays the service's own wording.
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.details.get_or_insert_with(Default::default).help = Some(escape_controls(help.into()));
        self
    }

    /// The help line, if any: "Filterable properties: id, type, …".
    pub fn help(&self) -> Option<&str> {
        self.details.as_ref()?.help.as_deref()
    }

    /// The same error recording the limit that was exceeded and the value found.
    pub(crate) fn with_exceeded(mut self, limit: u64, value: u64) -> Self {
        self.details.get_or_insert_with(Default::default).exceeded =
            Some(Exceeded { limit, value });
        self
    }

    /// The category.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// Where in [`Error::source_text`] the problem is (byte offsets).
    pub fn span(&self) -> Span {
        self.span
    }

    /// The message, without the source rendering: "the string literal \"'Pending\" has no closing quote".
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The text the span points into.
    pub fn source_text(&self) -> &str {
        &self.source
    }

    /// The shared source text.
    pub(crate) fn source_arc(&self) -> &Arc<str> {
        &self.source
    }

    /// The suggested fix, when the message offers one: the closest name for a misspelt property,
    /// option, enum member or function.
    ///
    /// ```
    /// use odata_filter::{mde::machine_actions, validate::{validate_text, ValidateOptions}};
    /// let errors = validate_text("stauts eq 'Pending'", machine_actions(), &ValidateOptions::default())
    ///     .unwrap_err();
    /// assert_eq!(errors.as_slice()[0].suggestion(), Some("status"));
    /// ```
    pub fn suggestion(&self) -> Option<&str> {
        self.details.as_ref()?.suggestion.as_deref()
    }

    /// The limit that was exceeded, and the value found.
    pub fn exceeded(&self) -> Option<Exceeded> {
        self.details.as_ref()?.exceeded
    }

    /// The same error pointing into a larger text in which this one's source starts at `offset`
    /// (an `$orderby` item inside the `$orderby` value).
    pub(crate) fn relocate(mut self, offset: usize, source: &Arc<str>) -> Self {
        self.span = self.span.shift(offset);
        self.source = Arc::clone(source);
        self
    }
}

/// `message` with control characters written as `\u{…}` escapes.
fn escape_controls(message: String) -> String {
    if !message.chars().any(char::is_control) {
        return message;
    }
    message
        .chars()
        .map(|c| {
            if c.is_control() {
                c.escape_unicode().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "error: {}", self.message)?;
        render_caret(f, &self.source, self.span)?;
        match self.help() {
            Some(help) => writeln!(f, "  = help: {help}"),
            None => Ok(()),
        }
    }
}

impl std::error::Error for Error {}

/// How many columns of the source line the caret rendering shows at most; a longer line is cut around
/// the span, the cuts marked with `…`.
const CARET_WINDOW: usize = 100;

/// Draws the line of `source` that contains `span.start`, with `^` under the span (at least one caret;
/// a span past the end points just after the last character). Control characters are shown as spaces so
/// the carets line up. At most [`CARET_WINDOW`] characters of the line are shown.
fn render_caret(f: &mut fmt::Formatter<'_>, source: &str, span: Span) -> fmt::Result {
    let start = floor_char_boundary(source, span.start.min(source.len()));
    let end = floor_char_boundary(source, span.end.clamp(start, source.len()));
    let line_start = source[..start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = source[start..]
        .find('\n')
        .map_or(source.len(), |i| start + i);
    let line: Vec<char> = source[line_start..line_end]
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let pad = source[line_start..start].chars().count();
    let width = source[start..end.min(line_end)].chars().count().max(1);
    // The window: up to a third of it before the span, the rest after.
    let (from, to) = if line.len() < CARET_WINDOW {
        (0, line.len())
    } else {
        let from = pad.saturating_sub(CARET_WINDOW / 3);
        let to = (from + CARET_WINDOW).min(line.len());
        (to.saturating_sub(CARET_WINDOW).min(from), to)
    };
    let mut shown: String = line[from..to].iter().collect();
    let mut caret_pad = pad - from;
    if from > 0 {
        shown.insert(0, '…');
        caret_pad += 1;
    }
    if to < line.len() {
        shown.push('…');
    }
    let width = width.min((to + 1).saturating_sub(pad).max(1));
    writeln!(f, "  |")?;
    writeln!(f, "  | {shown}")?;
    writeln!(f, "  | {}{}", " ".repeat(caret_pad), "^".repeat(width))
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// The most errors [`Errors`] displays; the rest are counted: "… and 16990 more errors".
const MAX_SHOWN_ERRORS: usize = 10;

/// The errors of one query, in the order of their position, displayed one after the other (at most
/// ten, then a count of the rest).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Errors(Vec<Error>);

impl Errors {
    /// Errors from a list (at least one is expected).
    pub fn new(errors: Vec<Error>) -> Self {
        Errors(errors)
    }

    /// The errors as a slice.
    pub fn as_slice(&self) -> &[Error] {
        &self.0
    }

    /// The errors, by value.
    pub fn into_vec(self) -> Vec<Error> {
        self.0
    }

    /// How many.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// True when there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Iterates over the errors.
    pub fn iter(&self) -> std::slice::Iter<'_, Error> {
        self.0.iter()
    }
}

impl<'a> IntoIterator for &'a Errors {
    type Item = &'a Error;
    type IntoIter = std::slice::Iter<'a, Error>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

impl IntoIterator for Errors {
    type Item = Error;
    type IntoIter = std::vec::IntoIter<Error>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl From<Error> for Errors {
    fn from(e: Error) -> Self {
        Errors(vec![e])
    }
}

impl fmt::Display for Errors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().take(MAX_SHOWN_ERRORS).enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{e}")?;
        }
        if self.0.len() > MAX_SHOWN_ERRORS {
            writeln!(f, "\n… and {} more errors", self.0.len() - MAX_SHOWN_ERRORS)?;
        }
        Ok(())
    }
}

impl std::error::Error for Errors {}

/// Something accepted that may not be what the user meant (an ignored custom option, a `+` that became
/// a space inside a string), with the span of the text it is about in the query string or the decoded
/// option value. Warnings are data on the validated query; the CLI prints them on stderr.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Warning {
    span: Span,
    message: String,
}

impl Warning {
    /// A warning about the text at `span`.
    pub fn new(span: Span, message: impl Into<String>) -> Self {
        Warning {
            span,
            message: escape_controls(message.into()),
        }
    }

    /// Where the text it is about is.
    pub fn span(&self) -> Span {
        self.span
    }

    /// The message: "a '+' in a query string is a space; write %2B for a plus sign".
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "warning: {}", self.message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caret_under_span_on_the_right_line() {
        let e = Error::new(ErrorKind::Syntax, Span::new(9, 11), "bad", "a eq 1\nb xx 2");
        assert_eq!(e.to_string(), "error: bad\n  |\n  | b xx 2\n  |   ^^\n");
    }

    #[test]
    fn span_at_end_gets_one_caret() {
        let e = Error::new(ErrorKind::Syntax, Span::new(9, 9), "expected", "status eq");
        assert_eq!(
            e.to_string(),
            "error: expected\n  |\n  | status eq\n  |          ^\n"
        );
    }

    #[test]
    fn multibyte_characters_keep_carets_aligned() {
        let e = Error::new(ErrorKind::Syntax, Span::new(7, 9), "x", "'héé' eq 1");
        assert_eq!(
            e.to_string(),
            "error: x\n  |\n  | 'héé' eq 1\n  |      ^^\n"
        );
    }

    #[test]
    fn long_lines_are_windowed_around_the_span() {
        let source = format!("{}status eq 1{}", "a".repeat(500), "b".repeat(500));
        let e = Error::new(ErrorKind::Syntax, Span::new(510, 511), "x", source.as_str());
        let text = e.to_string();
        let line = text.lines().nth(2).unwrap();
        assert!(line.chars().count() <= CARET_WINDOW + 6, "{line}");
        assert!(line.starts_with("  | …") && line.ends_with('…'), "{line}");
        let caret_line = text.lines().nth(3).unwrap();
        let caret_col = caret_line.find('^').unwrap();
        assert_eq!(line.chars().nth(caret_col), Some('1'));
    }

    #[test]
    fn control_characters_are_escaped_in_messages() {
        let e = Error::new(
            ErrorKind::Syntax,
            Span::new(0, 1),
            "bad '\u{1b}[31m'",
            "\u{1b}",
        );
        assert_eq!(e.message(), "bad '\\u{1b}[31m'");
    }

    #[test]
    fn many_errors_are_counted_not_all_shown() {
        let source: Arc<str> = Arc::from("x");
        let errors = Errors::new(
            (0..25)
                .map(|_| Error::new(ErrorKind::Syntax, Span::new(0, 1), "e", source.clone()))
                .collect(),
        );
        let text = errors.to_string();
        assert_eq!(text.matches("error: e").count(), MAX_SHOWN_ERRORS);
        assert!(text.ends_with("… and 15 more errors\n"), "{text}");
        assert!(Arc::ptr_eq(
            errors.as_slice()[0].source_arc(),
            errors.as_slice()[24].source_arc()
        ));
    }
}

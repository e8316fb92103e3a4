//! Errors as data: a kind, a byte span, a message in OData terms, and the source they point into.
//!
//! Every stage (parser, query options, validator) reports [`Error`] values. `Display` draws the source line
//! with carets under the offending text:
//!
//! ```
//! let err = odata_filter::parse_filter("status eq 'Pending").unwrap_err();
//! assert_eq!(err.kind(), odata_filter::ErrorKind::UnterminatedString);
//! assert_eq!(
//!     err.to_string(),
//!     "error: unterminated string literal starting at 10\n  \
//!      |\n  | status eq 'Pending\n  |           ^^^^^^^^\n"
//! );
//! ```

use std::fmt;

use crate::ast::Span;

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

/// An error with a kind, a byte span into the source, a message, and the source itself (for rendering).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    kind: ErrorKind,
    span: Span,
    message: String,
    source: String,
}

impl Error {
    /// An error of `kind` at `span` of `source`.
    pub fn new(kind: ErrorKind, span: Span, message: impl Into<String>, source: &str) -> Self {
        Error {
            kind,
            span,
            message: message.into(),
            source: source.to_string(),
        }
    }

    /// The category.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// Where in [`Error::source_text`] the problem is (byte offsets).
    pub fn span(&self) -> Span {
        self.span
    }

    /// The message, without the source rendering: "unterminated string literal starting at 10".
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The text the span points into.
    pub fn source_text(&self) -> &str {
        &self.source
    }

    /// The same error pointing into a larger text in which this one's source starts at `offset`
    /// (a `$filter` value inside a query string).
    pub fn relocate(mut self, offset: usize, source: &str) -> Self {
        self.span = self.span.shift(offset);
        self.source = source.to_string();
        self
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "error: {}", self.message)?;
        render_caret(f, &self.source, self.span)
    }
}

impl std::error::Error for Error {}

/// Draws the line of `source` that contains `span.start`, with `^` under the span (at least one caret;
/// a span past the end points just after the last character). Control characters are shown as spaces so
/// the carets line up.
fn render_caret(f: &mut fmt::Formatter<'_>, source: &str, span: Span) -> fmt::Result {
    let start = floor_char_boundary(source, span.start.min(source.len()));
    let end = floor_char_boundary(source, span.end.clamp(start, source.len()));
    let line_start = source[..start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = source[start..]
        .find('\n')
        .map_or(source.len(), |i| start + i);
    let line = &source[line_start..line_end];
    let shown: String = line
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let pad = source[line_start..start].chars().count();
    let width = source[start..end.min(line_end)].chars().count().max(1);
    writeln!(f, "  |")?;
    writeln!(f, "  | {shown}")?;
    writeln!(f, "  | {}{}", " ".repeat(pad), "^".repeat(width))
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// A list of errors of one query, displayed one after the other.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Errors(pub Vec<Error>);

impl Errors {
    /// The errors as a slice.
    pub fn as_slice(&self) -> &[Error] {
        &self.0
    }
}

impl From<Error> for Errors {
    fn from(e: Error) -> Self {
        Errors(vec![e])
    }
}

impl fmt::Display for Errors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Errors {}

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
}

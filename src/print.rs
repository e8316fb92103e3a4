//! The canonical printer: `Display` on the AST is the serializer (`docs/semantics.md` §7), and [`Expr::to_url`]
//! percent-encodes it for a query component.
//!
//! Canonical form: lower-case keywords and function names (`matchesPattern` keeps its capital),
//! single spaces around binary operators, `, ` between arguments and list items, no space inside
//! parentheses, parentheses only where precedence needs them, names as written, literals in ABNF form.
//! `parse(print(e)) == e` for every tree, and printing is idempotent on parsed input.
//!
//! ```
//! let e = odata_filter::parse_filter("(Status EQ 'it''s') AND ((a add 1) mul 2 gt 3)").unwrap();
//! assert_eq!(e.to_string(), "Status eq 'it''s' and (a add 1) mul 2 gt 3");
//! assert_eq!(e.to_url(), "Status%20eq%20%27it%27%27s%27%20and%20(a%20add%201)%20mul%202%20gt%203");
//! ```

use std::fmt::{self, Display, Formatter, Write as _};

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

use crate::ast::*;

/// Characters left as they are in the URL form: RFC 3986 unreserved characters plus the OData
/// punctuation that has no meaning inside a query component value (`( ) , / : $ @ * ;` stay readable).
/// Everything else, including `'`, `&`, `#`, `+`, `%`, `=`, space, non-ASCII and control characters, is
/// percent-encoded.
pub(crate) const URL_ENCODE_SET: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b'(')
    .remove(b')')
    .remove(b',')
    .remove(b'/')
    .remove(b':')
    .remove(b'$')
    .remove(b'@')
    .remove(b'*')
    .remove(b';');

/// Percent-encodes `text` for use as a query component value with [`URL_ENCODE_SET`].
pub(crate) fn url_encode(text: &str) -> String {
    utf8_percent_encode(text, URL_ENCODE_SET).to_string()
}

impl Expr {
    /// The canonical text, percent-encoded for a URL query component.
    ///
    /// ```
    /// let e = odata_filter::parse_filter("requestor eq 'a+b@contoso.com'").unwrap();
    /// assert_eq!(e.to_url(), "requestor%20eq%20%27a%2Bb@contoso.com%27");
    /// ```
    pub fn to_url(&self) -> String {
        url_encode(&self.to_string())
    }

    /// How tightly this node binds, for deciding where parentheses are needed.
    fn precedence(&self) -> u8 {
        match &self.kind {
            ExprKind::Binary { op, .. } => op.precedence(),
            ExprKind::Unary { .. } => UNARY_PRECEDENCE,
            ExprKind::In { .. } => MEMBERSHIP_PRECEDENCE,
            _ => u8::MAX,
        }
    }
}

/// Writes `e`, in parentheses when it binds less tightly than `min`.
fn write_operand(f: &mut Formatter<'_>, e: &Expr, min: u8) -> fmt::Result {
    if e.precedence() < min {
        write!(f, "({e})")
    } else {
        write!(f, "{e}")
    }
}

fn write_list(f: &mut Formatter<'_>, items: &[Expr], open: char, close: char) -> fmt::Result {
    f.write_char(open)?;
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            f.write_str(", ")?;
        }
        write!(f, "{item}")?;
    }
    f.write_char(close)
}

impl Display for Expr {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match &self.kind {
            ExprKind::Literal(lit) => write!(f, "{lit}"),
            ExprKind::Path(path) => write!(f, "{path}"),
            ExprKind::Alias(name) => write!(f, "@{}", name.name),
            ExprKind::TypeName(name) => f.write_str(name),
            ExprKind::Call { function, args } => {
                f.write_str(function.name())?;
                write_list(f, args, '(', ')')
            }
            ExprKind::Unary { op, operand } => {
                match op {
                    UnaryOp::Not => f.write_str("not ")?,
                    UnaryOp::Neg => f.write_char('-')?,
                }
                // `-5` would read back as a negative literal and `-INF` as the literal: when the
                // operand's text starts with a digit or `INF`, keep the negation with a space.
                if *op == UnaryOp::Neg {
                    // Formatted once: formatting again below would be exponential in nested `-`.
                    let text = operand.to_string();
                    let clash =
                        text.starts_with(|c: char| c.is_ascii_digit()) || text.starts_with("INF");
                    // A space keeps the negation (`- 5`) without adding a level of parentheses,
                    // so canonical text never nests deeper than the tree it prints.
                    return if operand.precedence() < UNARY_PRECEDENCE {
                        write!(f, "({text})")
                    } else if clash {
                        write!(f, " {text}")
                    } else {
                        f.write_str(&text)
                    };
                }
                write_operand(f, operand, UNARY_PRECEDENCE)
            }
            ExprKind::Binary { .. } => write_chain(f, self),
            ExprKind::In { operand, set } => {
                write_operand(f, operand, MEMBERSHIP_PRECEDENCE)?;
                f.write_str(" in ")?;
                match &set.kind {
                    ExprKind::List(_)
                    | ExprKind::Array(_)
                    | ExprKind::Alias(_)
                    | ExprKind::Path(_) => {
                        write!(f, "{set}")
                    }
                    // Any other set was written in parentheses; a literal needs two pairs, as `(1)`
                    // reads back as a one-item list.
                    ExprKind::Literal(_) => write!(f, "(({set}))"),
                    _ => write!(f, "({set})"),
                }
            }
            ExprKind::List(items) => write_list(f, items, '(', ')'),
            ExprKind::Array(items) => write_list(f, items, '[', ']'),
            ExprKind::Object(members) => {
                f.write_char('{')?;
                for (i, (name, value)) in members.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{}: {value}", serde_json::Value::String(name.clone()))?;
                }
                f.write_char('}')
            }
        }
    }
}

/// Writes a binary operation. A chain such as `a or b or c …` is a left spine as deep as the chain is
/// long (up to [`crate::Limits::max_nodes`]), so the spine is walked in a loop, not by recursion.
fn write_chain(f: &mut Formatter<'_>, expr: &Expr) -> fmt::Result {
    // Collect the spine of operations at this node's precedence: each needs no parentheses on its left.
    let mut spine: Vec<(BinaryOp, &Expr)> = Vec::new();
    let mut node = expr;
    let precedence = expr.precedence();
    while let ExprKind::Binary { op, left, right } = &node.kind {
        if op.precedence() != precedence {
            break;
        }
        spine.push((*op, right));
        node = left;
    }
    write_operand(f, node, precedence)?;
    for (op, right) in spine.iter().rev() {
        write!(f, " {op} ")?;
        // Left-associative: an equal-precedence right operand needs parentheses.
        write_operand(f, right, precedence + 1)?;
    }
    Ok(())
}

impl Display for Path {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        let mut first = true;
        let root = match self.root {
            PathRoot::Implicit => None,
            PathRoot::It => Some("$it"),
            PathRoot::This => Some("$this"),
            PathRoot::Root => Some("$root"),
        };
        if let Some(root) = root {
            f.write_str(root)?;
            first = false;
        }
        for seg in &self.segments {
            if !first {
                f.write_char('/')?;
            }
            first = false;
            write!(f, "{seg}")?;
        }
        if let Some(lambda) = &self.lambda {
            if !first {
                f.write_char('/')?;
            }
            write!(f, "{lambda}")?;
        }
        Ok(())
    }
}

impl Display for Segment {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match &self.kind {
            SegmentKind::Property(name) | SegmentKind::TypeCast(name) => f.write_str(name),
            SegmentKind::Count => f.write_str("$count"),
            SegmentKind::Annotation(term) => write!(f, "@{term}"),
            SegmentKind::Function { name, params } => {
                write!(f, "{name}(")?;
                for (i, (key, value)) in params.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{}={value}", key.name)?;
                }
                f.write_char(')')
            }
        }
    }
}

impl Display for Lambda {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        let kind = match self.kind {
            LambdaKind::Any => "any",
            LambdaKind::All => "all",
        };
        match &self.predicate {
            None => write!(f, "{kind}()"),
            Some((var, body)) => write!(f, "{kind}({}: {body})", var.name),
        }
    }
}

impl Display for Literal {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Literal::Null => f.write_str("null"),
            Literal::Boolean(b) => write!(f, "{b}"),
            Literal::Int(i) => write!(f, "{i}"),
            Literal::Decimal(text) => f.write_str(text),
            Literal::Double(d) => write_double(f, *d),
            Literal::String(s) => write_string(f, s),
            Literal::Guid(g) => write_guid(f, g),
            Literal::Date(d) => write!(f, "{d}"),
            Literal::DateTimeOffset(dt) => write!(f, "{dt}"),
            Literal::TimeOfDay(t) => write!(f, "{t}"),
            Literal::Duration(text) => write!(f, "duration'{text}'"),
            Literal::Enum { type_name, value } => write!(f, "{type_name}'{value}'"),
            Literal::Binary(bytes) => write_binary(f, bytes),
            Literal::Geo { geography, text } => {
                let kind = if *geography { "geography" } else { "geometry" };
                write!(f, "{kind}'{text}'")
            }
        }
    }
}

// The literal writers, shared by the AST printer and `Value`'s `Display` (the typed printer): a
// double, a string, a Guid or a binary prints the same everywhere.

/// A double in a form that reads back as a double: always with an exponent (`1e5`, `2.5e-1`; `{:e}`
/// is the shortest form that reads back to the same bits), or `INF`, `-INF`, `NaN`.
pub(crate) fn write_double(f: &mut impl fmt::Write, d: f64) -> fmt::Result {
    if d.is_nan() {
        f.write_str("NaN")
    } else if d.is_infinite() {
        f.write_str(if d > 0.0 { "INF" } else { "-INF" })
    } else {
        write!(f, "{d:e}")
    }
}

/// A Guid, hyphenated, lower case.
pub(crate) fn write_guid(f: &mut impl fmt::Write, g: &uuid::Uuid) -> fmt::Result {
    write!(f, "{}", g.hyphenated())
}

/// A binary literal: base64url without padding.
pub(crate) fn write_binary(f: &mut impl fmt::Write, bytes: &[u8]) -> fmt::Result {
    use base64::Engine as _;
    let text = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
    write!(f, "binary'{text}'")
}

/// A string literal with `'` doubled.
pub(crate) fn write_string(f: &mut impl fmt::Write, s: &str) -> fmt::Result {
    f.write_char('\'')?;
    for part in s.split_inclusive('\'') {
        f.write_str(part)?;
        if part.ends_with('\'') {
            f.write_char('\'')?;
        }
    }
    f.write_char('\'')
}

impl Display for DateLiteral {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        if self.year < 0 {
            write!(f, "-{:04}", -i64::from(self.year))?;
        } else {
            write!(f, "{:04}", self.year)?;
        }
        write!(f, "-{:02}-{:02}", self.month, self.day)
    }
}

impl Display for TimeOfDayLiteral {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}:{:02}", self.hour, self.minute)?;
        if let Some(s) = self.second {
            write!(f, ":{s:02}")?;
            if let Some(frac) = &self.fraction {
                write!(f, ".{frac}")?;
            }
        }
        Ok(())
    }
}

impl Display for UtcOffset {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            UtcOffset::Z => f.write_char('Z'),
            UtcOffset::Fixed {
                negative,
                hours,
                minutes,
            } => {
                let sign = if *negative { '-' } else { '+' };
                write!(f, "{sign}{hours:02}:{minutes:02}")
            }
        }
    }
}

impl Display for DateTimeOffsetLiteral {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.date)?;
        if let Some(t) = &self.time {
            write!(f, "T{t}")?;
        }
        write!(f, "{}", self.offset)
    }
}

impl Expr {
    /// An indented outline of the tree with node kinds and byte spans, one node per line: what
    /// `odata-filter parse --ast` prints and what the tree snapshots hold.
    ///
    /// ```
    /// let e = odata_filter::parse_filter("not contains(requestor, 'svc')").unwrap();
    /// assert_eq!(
    ///     e.to_tree_string(),
    ///     "not @0..30\n  call contains @4..30\n    path requestor @13..22\n    string 'svc' @24..29\n"
    /// );
    /// ```
    pub fn to_tree_string(&self) -> String {
        let mut out = String::new();
        self.write_tree(&mut out, 0);
        out
    }

    fn write_tree(&self, out: &mut String, depth: usize) {
        let pad = "  ".repeat(depth);
        let span = self.span;
        let label = match &self.kind {
            ExprKind::Literal(lit) => format!("{} {lit}", literal_kind(lit)),
            ExprKind::Path(path) => {
                let mut p = path.clone();
                p.lambda = None;
                format!("path {p}")
            }
            ExprKind::Alias(name) => format!("alias @{}", name.name),
            ExprKind::TypeName(name) => format!("type {name}"),
            ExprKind::Call { function, .. } => format!("call {function}"),
            ExprKind::Unary { op, .. } => match op {
                UnaryOp::Neg => "negate".to_string(),
                UnaryOp::Not => "not".to_string(),
            },
            ExprKind::Binary { op, .. } => op.keyword().to_string(),
            ExprKind::In { .. } => "in".to_string(),
            ExprKind::List(_) => "list".to_string(),
            ExprKind::Array(_) => "array".to_string(),
            ExprKind::Object(_) => "object".to_string(),
        };
        let _ = writeln!(out, "{pad}{label} @{}..{}", span.start, span.end);
        match &self.kind {
            ExprKind::Path(path) => {
                for seg in &path.segments {
                    if let SegmentKind::Function { params, .. } = &seg.kind {
                        for (name, value) in params {
                            let _ = writeln!(out, "{pad}  param {}", name.name);
                            value.write_tree(out, depth + 2);
                        }
                    }
                }
                if let Some(lambda) = &path.lambda {
                    let kind = match lambda.kind {
                        LambdaKind::Any => "any",
                        LambdaKind::All => "all",
                    };
                    match &lambda.predicate {
                        None => {
                            let _ = writeln!(out, "{pad}  {kind}");
                        }
                        Some((var, body)) => {
                            let _ = writeln!(out, "{pad}  {kind} {}", var.name);
                            body.write_tree(out, depth + 2);
                        }
                    }
                }
            }
            ExprKind::Call { args, .. } => args.iter().for_each(|a| a.write_tree(out, depth + 1)),
            ExprKind::Unary { operand, .. } => operand.write_tree(out, depth + 1),
            ExprKind::Binary { left, right, .. } => {
                left.write_tree(out, depth + 1);
                right.write_tree(out, depth + 1);
            }
            ExprKind::In { operand, set } => {
                operand.write_tree(out, depth + 1);
                set.write_tree(out, depth + 1);
            }
            ExprKind::List(items) | ExprKind::Array(items) => {
                items.iter().for_each(|a| a.write_tree(out, depth + 1))
            }
            ExprKind::Object(members) => {
                for (name, value) in members {
                    let _ = writeln!(out, "{pad}  member {name:?}");
                    value.write_tree(out, depth + 2);
                }
            }
            _ => {}
        }
    }
}

fn literal_kind(lit: &Literal) -> &'static str {
    match lit {
        Literal::Null => "null",
        Literal::Boolean(_) => "boolean",
        Literal::Int(_) => "int",
        Literal::Decimal(_) => "decimal",
        Literal::Double(_) => "double",
        Literal::String(_) => "string",
        Literal::Guid(_) => "guid",
        Literal::Date(_) => "date",
        Literal::DateTimeOffset(_) => "datetimeoffset",
        Literal::TimeOfDay(_) => "timeofday",
        Literal::Duration(_) => "duration",
        Literal::Enum { .. } => "enum",
        Literal::Binary(_) => "binary",
        Literal::Geo { .. } => "geo",
    }
}

#[cfg(test)]
mod tests {
    use crate::parse_filter;

    fn canonical(input: &str) -> String {
        parse_filter(input)
            .unwrap_or_else(|e| panic!("{input}: {e}"))
            .to_string()
    }

    #[test]
    fn url_encode_example() {
        assert_eq!(super::url_encode("a eq 'x&y'"), "a%20eq%20%27x%26y%27");
    }

    #[test]
    fn keywords_are_lower_case_and_spacing_is_normalised() {
        assert_eq!(
            canonical("Name  EQ 'Milk'  AND  Price LT 2.55"),
            "Name eq 'Milk' and Price lt 2.55"
        );
        assert_eq!(
            canonical("STARTSWITH( requestor ,'a' )"),
            "startswith(requestor, 'a')"
        );
    }

    #[test]
    fn parentheses_only_where_needed() {
        assert_eq!(canonical("((a eq 1))"), "a eq 1");
        assert_eq!(canonical("(a or b) and c"), "(a or b) and c");
        assert_eq!(canonical("a or (b and c)"), "a or b and c");
        assert_eq!(canonical("a sub (b sub c)"), "a sub (b sub c)");
        assert_eq!(canonical("(a sub b) sub c"), "a sub b sub c");
        assert_eq!(canonical("not (a eq b)"), "not (a eq b)");
        assert_eq!(canonical("(not a) eq b"), "not a eq b");
        assert_eq!(canonical("-(5)"), "- 5");
        assert_eq!(canonical("- 5"), "- 5");
        assert_eq!(canonical("-5"), "-5");
        assert_eq!(canonical("-(INF)"), "- INF");
        assert_eq!(canonical("-(1 add 2)"), "-(1 add 2)");
        assert_eq!(canonical("(-a) has x.y'z'"), "(-a) has x.y'z'");
    }

    #[test]
    fn literals_print_in_abnf_form() {
        assert_eq!(canonical("1E5"), "1e5");
        assert_eq!(canonical("0.5e-3"), "5e-4");
        assert_eq!(canonical("'it''s'"), "'it''s'");
        assert_eq!(canonical("Duration'P1D'"), "duration'P1D'");
        assert_eq!(
            canonical("05C7BBA5-828C-4451-9867-1191919F897E"),
            "05c7bba5-828c-4451-9867-1191919f897e"
        );
        assert_eq!(
            canonical("2018-12-04T12:43:57.2011911-05:00"),
            "2018-12-04T12:43:57.2011911-05:00"
        );
        assert_eq!(canonical("2018-08-01Z"), "2018-08-01Z");
        assert_eq!(canonical("binary'T0RhdGE='"), "binary'T0RhdGE'");
        assert_eq!(canonical("[\"a\", 1]"), "['a', 1]");
    }
}

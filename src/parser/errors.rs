//! Translation of pest's failures into errors in OData terms: what was expected, after what, and what was
//! found instead. No grammar rule name reaches the user.

use super::grammar::Rule;
use crate::ast::Span;
use crate::error::{Error, ErrorKind, Reason};

/// What a grammar rule stands for, in the user's words.
fn describe(rule: Rule) -> Option<&'static str> {
    use Rule::*;
    Some(match rule {
        binary_op | in_set | operator_expected => "operator",
        EOI => "end",
        expr
        | paren
        | call
        | function_name
        | path
        | name_path
        | comparison
        | path_root
        | property_segment
        | type_segment
        | count_segment
        | annotation_segment
        | function_segment
        | segment_function_name
        | alias
        | array
        | object
        | null
        | boolean
        | nan_inf
        | string
        | number
        | guid
        | date
        | date_time_offset
        | time_of_day
        | duration
        | binary
        | geo
        | enum_literal
        | neg
        | not
        | list
        | json_string => "operand",
        lambda | lambda_kind => "lambda",
        lambda_variable => "variable",
        named_arg | ident_token => "parameter",
        _ => return None,
    })
}

/// The token at `pos`, for "found '…'" (a word, or one character).
fn token_at(input: &str, pos: usize) -> Option<&str> {
    let rest = input.get(pos..)?;
    let first = rest.chars().next()?;
    if first.is_ascii_digit() {
        let end = rest
            .char_indices()
            .find(|(_, c)| !(c.is_alphanumeric() || "-:.+".contains(*c)))
            .map_or(rest.len(), |(i, _)| i);
        Some(&rest[..end])
    } else if first.is_alphanumeric() || first == '_' || first == '$' || first == '@' {
        let end = rest
            .char_indices()
            .skip(1)
            .find(|(_, c)| !(c.is_alphanumeric() || *c == '_' || *c == '.'))
            .map_or(rest.len(), |(i, _)| i);
        Some(&rest[..end])
    } else if first == '\'' {
        let end = rest[1..].find('\'').map_or(rest.len(), |i| i + 2);
        Some(&rest[..end])
    } else {
        let n = rest
            .char_indices()
            .take_while(|(_, c)| {
                !c.is_alphanumeric() && !c.is_whitespace() && !"'()[]{},".contains(*c)
            })
            .last()
            .map_or(first.len_utf8(), |(i, c)| i + c.len_utf8());
        Some(&rest[..n])
    }
}

/// The word or literal that ends just before `pos` (skipping whitespace), for "after '…'".
fn token_before(input: &str, pos: usize) -> Option<&str> {
    let head = input.get(..pos)?.trim_end();
    if head.is_empty() {
        return None;
    }
    if head.ends_with('\'') {
        // A string literal: find its opening quote.
        let bytes = head.as_bytes();
        let mut i = bytes.len() - 1;
        loop {
            let Some(q) = head[..i].rfind('\'') else {
                return Some(head);
            };
            if q > 0 && bytes[q - 1] == b'\'' {
                i = q - 1;
            } else {
                return Some(&head[q..]);
            }
        }
    }
    let start = head
        .char_indices()
        .rev()
        .find(|(_, c)| c.is_whitespace() || "(),[]{}".contains(*c))
        .map_or(0, |(i, c)| i + c.len_utf8());
    if start == head.len() {
        let c = head.chars().last()?;
        return Some(&head[head.len() - c.len_utf8()..]);
    }
    Some(&head[start..])
}

pub(super) fn translate_error(input: &str, error: &pest::error::Error<Rule>) -> Error {
    use pest::error::{ErrorVariant, InputLocation};
    let pos = match error.location {
        InputLocation::Pos(p) => p,
        InputLocation::Span((s, _)) => s,
    };
    let positives: &[Rule] = match &error.variant {
        ErrorVariant::ParsingError { positives, .. } => positives,
        ErrorVariant::CustomError { .. } => &[],
    };
    let (span, reason) =
        common_mistake(input, pos).unwrap_or_else(|| explain(input, pos, positives));
    Error::for_reason(ErrorKind::Syntax, span, reason, input)
}

/// The start of the word (letters, digits, `-`, `:`, `.`, `+`) that contains or ends at `pos`.
fn word_start(input: &str, pos: usize) -> usize {
    let bytes = input.as_bytes();
    let mut i = pos.min(bytes.len());
    while i > 0
        && (bytes[i - 1].is_ascii_alphanumeric() || matches!(bytes[i - 1], b'-' | b':' | b'.'))
    {
        i -= 1;
    }
    i
}

/// A message for the mistakes users make most where the grammar fails: OData v3 literals
/// (`datetime'…'`, `guid'…'`), dates with one-digit months or days, date-times without an offset.
fn common_mistake(input: &str, pos: usize) -> Option<(Span, Reason)> {
    let start = word_start(input, pos);
    let rest = &input[start..];
    let end = start
        + rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | ':' | '.' | '+')))
            .unwrap_or(rest.len());
    let word = &input[start..end];
    let after = &input[end..];
    for prefix in ["datetime", "guid", "datetimeoffset"] {
        if word.eq_ignore_ascii_case(prefix) && after.starts_with('\'') {
            let what = if prefix == "guid" {
                "Guid"
            } else {
                "date-time"
            };
            let inner_end = after[1..].find('\'').map_or(after.len(), |i| i + 2);
            let inner = after[1..inner_end].trim_end_matches('\'');
            let fixed = if what == "date-time" && !inner.ends_with('Z') && !inner.contains('+') {
                format!("{inner}Z")
            } else {
                inner.to_string()
            };
            let reason = Reason::V3Literal {
                prefix: prefix.to_string(),
                fixed,
            };
            return Some((Span::new(start, end + inner_end), reason));
        }
    }
    let mut parts = word.splitn(3, '-');
    let (y, m, rest) = (parts.next()?, parts.next()?, parts.next()?);
    let (d, time) = match rest.find(['T', 't']) {
        Some(t) => (&rest[..t], Some(&rest[t + 1..])),
        None => (rest, None),
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !(y.len() == 4 && digits(y) && digits(m) && digits(d)) || m.len() > 2 || d.len() > 2 {
        return None;
    }
    let span = Span::new(start, end);
    if m.len() < 2 || d.len() < 2 {
        let fixed = format!(
            "{y}-{m:0>2}-{d:0>2}{}",
            time.map(|t| format!("T{t}")).unwrap_or_default()
        );
        return Some((span, Reason::ShortDate { fixed }));
    }
    if let Some(t) = time {
        if !t.contains(['Z', 'z', '+']) && !t[t.len().min(5)..].contains('-') {
            let literal = word.to_string();
            return Some((span, Reason::MissingOffset { literal }));
        }
    }
    None
}

/// Offset of `part` (a slice of `input`) in `input`.
fn offset_in(input: &str, part: &str) -> usize {
    part.as_ptr() as usize - input.as_ptr() as usize
}

fn explain(input: &str, pos: usize, positives: &[Rule]) -> (Span, Reason) {
    let wants = |what: &str| positives.iter().any(|r| describe(*r) == Some(what));
    let found = token_at(input, pos);
    let after = token_before(input, pos);
    let found_owned = found.map(str::to_string);
    let after_owned = after.map(str::to_string);
    let span = Span::new(pos, pos + found.map_or(0, str::len));
    let head = &input[..pos];

    // C-style operators.
    if let Some(op) = found.filter(|t| {
        matches!(
            *t,
            "==" | "!=" | "<" | "<=" | ">" | ">=" | "&&" | "||" | "!" | "=" | "<>"
        )
    }) {
        let suggestion = match op {
            "==" | "=" => "eq",
            "!=" | "<>" => "ne",
            "<" => "lt",
            "<=" => "le",
            ">" => "gt",
            ">=" => "ge",
            "&&" => "and",
            "||" => "or",
            _ => "not",
        };
        let reason = Reason::CStyleOperator {
            operator: op.to_string(),
            replacement: suggestion.to_string(),
        };
        return (span, reason);
    }

    // Inside a lambda: `any(` must be followed by `variable:`.
    if let Some(lambda_at) = open_lambda(head) {
        let mut inside = head[lambda_at..].trim();
        let mut span = span;
        if inside.is_empty() {
            if let Some(var) = found.filter(|t| t.chars().all(|c| c.is_alphanumeric() || c == '_'))
            {
                // `any(c c eq 1)`: the variable is there, its `:` is missing.
                inside = var;
                let after_var = pos + var.len();
                let next = token_at(
                    input,
                    after_var + (input[after_var..].len() - input[after_var..].trim_start().len()),
                );
                let next_at = input.len() - input[after_var..].trim_start().len();
                span = Span::new(next_at, next_at + next.map_or(0, str::len));
            }
        }
        let reason = Reason::LambdaVariableExpected {
            variable: (!inside.is_empty()).then(|| inside.to_string()),
            found: token_at(input, span.start).map(str::to_string),
        };
        return (span, reason);
    }

    if wants("operator") || (wants("end") && found.is_some()) {
        // A keyword operator where an operand belongs was read as a property name: `eq 'x'`, `or or`.
        if let Some(prev) = after.filter(|a| is_keyword_operator(a)) {
            let prev_at = offset_in(input, prev);
            let before = token_before(input, prev_at);
            let operand_expected = match before {
                None => true,
                Some(b) => is_keyword_operator(b) || b == "(" || b == ",",
            };
            if operand_expected {
                let reason = Reason::OperatorAsOperand {
                    operator: prev.to_string(),
                    after: before.map(str::to_string),
                };
                return (Span::new(prev_at, prev_at + prev.len()), reason);
            }
        }
        if let Some(t) = found.filter(|t| is_keyword_operator(t)) {
            if !head.ends_with(char::is_whitespace) {
                let operator = t.to_string();
                return (span, Reason::OperatorNeedsSpaces { operator });
            }
        }
        let reason = Reason::OperatorExpected {
            in_call: in_call_arguments(head),
            after: after_owned,
            found: found_owned,
        };
        return (span, reason);
    }

    if wants("operand") {
        let after = after_owned;
        let reason = match found {
            Some(t) if is_keyword_operator(t) => Reason::OperatorAsOperand {
                operator: t.to_string(),
                after,
            },
            Some(t) if looks_like_partial_guid(t) => Reason::PartialGuid {
                after,
                found: t.to_string(),
            },
            Some(t) if t.starts_with('"') => Reason::DoubleQuotedString {
                after,
                found: t.to_string(),
            },
            _ => Reason::OperandExpected {
                after,
                found: found_owned,
            },
        };
        return (span, reason);
    }
    let reason = if wants("lambda") {
        Reason::LambdaExpected { found: found_owned }
    } else if wants("parameter") {
        Reason::ParameterExpected { found: found_owned }
    } else {
        match found_owned {
            None => Reason::UnexpectedEnd { after: after_owned },
            Some(found) => Reason::UnexpectedToken {
                found,
                after: after_owned,
            },
        }
    };
    (span, reason)
}

/// Hex digits and dashes with a dash in them, but not a date: a Guid with a part missing.
fn looks_like_partial_guid(token: &str) -> bool {
    token.contains('-')
        && token.bytes().all(|b| b.is_ascii_hexdigit() || b == b'-')
        && token
            .split('-')
            .next()
            .is_some_and(|first| first.len() == 8)
}

/// If `head` ends inside the parentheses of `…/any(` or `…/all(` before the `:` of the range variable,
/// the offset just after that `(`.
fn open_lambda(head: &str) -> Option<usize> {
    let open = head.rfind('(')?;
    let name = head[..open].rsplit('/').next()?;
    let inside = &head[open + 1..];
    let is_lambda = head[..open].contains('/')
        && (name.eq_ignore_ascii_case("any") || name.eq_ignore_ascii_case("all"));
    let only_variable = inside
        .trim()
        .chars()
        .all(|c| c.is_alphanumeric() || c == '_');
    (is_lambda && only_variable && !inside.contains(':')).then_some(open + 1)
}

/// True when `head` ends inside the argument list of a function call (an unclosed `(` right after a
/// name), outside string literals.
fn in_call_arguments(head: &str) -> bool {
    let mut stack: Vec<bool> = Vec::new();
    let bytes = head.as_bytes();
    let mut in_string = false;
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'\'' => in_string = !in_string,
            b'(' if !in_string => {
                let is_call =
                    i > 0 && (bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'_');
                stack.push(is_call);
            }
            b')' if !in_string => {
                stack.pop();
            }
            _ => {}
        }
    }
    stack.last().copied().unwrap_or(false)
}

pub(super) fn is_keyword_operator(t: &str) -> bool {
    crate::ast::BinaryOp::from_keyword(t).is_some() || t.eq_ignore_ascii_case("in")
}

#[cfg(test)]
mod tests {
    use crate::ast::Function;
    use crate::error::Reason;

    /// The reason of the parse error of `text`.
    fn reason(text: &str) -> Reason {
        let err = crate::parse_filter(text).unwrap_err();
        err.reason().cloned().expect("a reason")
    }

    #[test]
    fn grammar_errors_carry_the_tokens() {
        assert_eq!(
            reason("status == 'Pending'"),
            Reason::CStyleOperator {
                operator: "==".into(),
                replacement: "eq".into()
            }
        );
        assert_eq!(
            reason("status eq"),
            Reason::OperandExpected {
                after: Some("eq".into()),
                found: None
            }
        );
        assert_eq!(
            reason("status eq 'a' 'b'"),
            Reason::OperatorExpected {
                in_call: false,
                after: Some("'a'".into()),
                found: Some("'b'".into())
            }
        );
        assert_eq!(
            reason("creationDateTimeUtc ge datetime'2024-01-01T00:00:00'"),
            Reason::V3Literal {
                prefix: "datetime".into(),
                fixed: "2024-01-01T00:00:00Z".into()
            }
        );
    }

    #[test]
    fn tree_builder_errors_carry_the_function_and_the_arity() {
        assert_eq!(
            reason("substring('a') eq 'b'"),
            Reason::ArgumentCount {
                function: Function::Substring,
                min: 2,
                max: 3,
                found: 1
            }
        );
        assert_eq!(
            reason("contians(requestor, 'a')"),
            Reason::UnknownFunction {
                name: "contians".into(),
                suggestion: Some("contains".into())
            }
        );
        let err = crate::parse_filter("contians(requestor, 'a')").unwrap_err();
        assert_eq!(err.suggestion(), Some("contains"));
    }

    #[test]
    fn prescan_errors_carry_the_excerpts() {
        assert_eq!(
            reason("status eq 'Pending"),
            Reason::UnterminatedString {
                literal: "\"'Pending\"".into(),
                glued_at: None
            }
        );
        assert_eq!(
            reason("(status eq 'a'"),
            Reason::UnclosedBracket {
                opened: '(',
                opened_at: "\"(status eq 'a'\"".into(),
                expected: ')'
            }
        );
    }
}

//! Translation of pest's failures into errors in OData terms: what was expected, after what, and what was
//! found instead. No grammar rule name reaches the user.

use super::grammar::Rule;
use crate::ast::Span;
use crate::error::{Error, ErrorKind};

/// What a grammar rule stands for, in the user's words.
fn describe(rule: Rule) -> Option<&'static str> {
    use Rule::*;
    Some(match rule {
        op_and | op_or | op_eq | op_ne | op_gt | op_ge | op_lt | op_le | op_has | op_add
        | op_sub | op_mul | op_div | op_divby | op_mod | in_set => "operator",
        EOI => "end",
        expr
        | paren
        | call
        | function_name
        | path
        | name_path
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
    if first.is_alphanumeric() || first == '_' || first == '$' || first == '@' {
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
    let positives: Vec<Rule> = match &error.variant {
        ErrorVariant::ParsingError { positives, .. } => positives.clone(),
        ErrorVariant::CustomError { .. } => Vec::new(),
    };
    let wants = |what: &str| positives.iter().any(|r| describe(*r) == Some(what));
    let found = token_at(input, pos);
    let after = token_before(input, pos);
    let found_text = match found {
        Some(t) => format!("found '{t}'"),
        None => "found the end of the filter".to_string(),
    };
    let span_end = pos + found.map_or(0, str::len);
    let span = Span::new(pos, span_end);
    let after_text = after.map(|a| format!(" after '{a}'")).unwrap_or_default();

    let message = if let Some(op) = found.filter(|t| {
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
        format!("'{op}' is not an OData operator: write '{suggestion}'")
    } else if wants("operand") && !wants("operator") {
        match found {
            Some(t) if is_keyword_operator(t) => format!(
                "expected a value, property or function call{after_text}, found the operator '{t}'"
            ),
            Some(t) if t.starts_with('"') => format!(
                "expected a value, property or function call{after_text}, found '{t}': string literals use single quotes"
            ),
            _ => format!("expected a value, property or function call{after_text}, {found_text}"),
        }
    } else if wants("operator") || (wants("end") && found.is_some()) {
        let expected = "expected an operator such as eq, ne, gt, and, or";
        if found.is_none() {
            format!("{expected}{after_text}, found the end of the filter")
        } else {
            format!("{expected}{after_text}, {found_text}")
        }
    } else if wants("variable") {
        format!("expected a lambda variable and ':' such as any(c: c/commandStatus eq 'Failed'), {found_text}")
    } else if wants("lambda") {
        format!("expected any(…) or all(…) after '/', {found_text}")
    } else if wants("parameter") {
        format!("expected a parameter name=value, {found_text}")
    } else if found.is_none() {
        format!("unexpected end of the filter{after_text}")
    } else {
        format!(
            "unexpected {}{after_text}",
            found_text.trim_start_matches("found ")
        )
    };
    Error::new(ErrorKind::Syntax, span, message, input)
}

fn is_keyword_operator(t: &str) -> bool {
    const OPS: &[&str] = &[
        "eq", "ne", "gt", "ge", "lt", "le", "and", "or", "add", "sub", "mul", "div", "divby",
        "mod", "has", "in",
    ];
    OPS.iter().any(|o| o.eq_ignore_ascii_case(t))
}

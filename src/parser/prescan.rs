//! One linear pass over the input before pest sees it: length, quotes, bracket balance, nesting depth.
//!
//! pest and the operator fold recurse once per nesting level, so a hostile input such as 100,000 `(` would
//! overflow the stack. This scan is iterative and rejects such input first. It also produces the best
//! messages for unterminated strings and unbalanced parentheses, which pest can only report as "expected
//! something at the end".

use super::Limits;
use crate::ast::Span;
use crate::error::{Error, ErrorKind, Reason};

/// Checks `input` against `limits`; `Ok` means the grammar can run without deep recursion.
pub(super) fn check(input: &str, limits: &Limits) -> Result<(), Error> {
    if input.len() > limits.max_length {
        return Err(Error::for_reason(
            ErrorKind::LimitExceeded,
            Span::new(limits.max_length, input.len()),
            Reason::TooLong {
                length: input.len() as u64,
                limit: limits.max_length as u64,
            },
            input,
        ));
    }
    let bytes = input.as_bytes();
    // Open brackets: (byte, offset, prefix operators counted at that level).
    let mut open: Vec<(u8, usize, usize)> = Vec::new();
    let mut prefix_total = 0usize; // prefix operators in enclosing levels
    let mut prefix_run = 0usize; // prefix operators in a row at this level
                                 // Where a string literal ended right before a letter (`'o'brien'`): the likely cause of a later
                                 // unterminated string.
    let mut glued_quote: Option<usize> = None;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        match CLASS[usize::from(b)] {
            OTHER => {
                prefix_run = 0;
                i += 1;
                continue;
            }
            SPACE => {
                i += 1;
                continue;
            }
            _ => {}
        }
        match b {
            b'\'' => {
                let start = i;
                i += 1;
                loop {
                    match bytes.get(i) {
                        None => {
                            let reason = Reason::UnterminatedString {
                                literal: excerpt(input, start),
                                glued_at: glued_quote.map(|q| excerpt(input, q + 1)),
                            };
                            return Err(Error::for_reason(
                                ErrorKind::UnterminatedString,
                                Span::new(start, input.len()),
                                reason,
                                input,
                            ));
                        }
                        Some(b'\'') if bytes.get(i + 1) == Some(&b'\'') => i += 2,
                        Some(b'\'') => break,
                        Some(_) => i += 1,
                    }
                }
                if glued_quote.is_none()
                    && bytes.get(i + 1).is_some_and(|b| b.is_ascii_alphanumeric())
                {
                    glued_quote = Some(i);
                }
                prefix_run = 0;
            }
            b'"' => {
                let start = i;
                i += 1;
                loop {
                    match bytes.get(i) {
                        None => {
                            return Err(Error::for_reason(
                                ErrorKind::UnterminatedString,
                                Span::new(start, input.len()),
                                Reason::UnterminatedJsonString { start },
                                input,
                            ))
                        }
                        Some(b'\\') => i += 2,
                        Some(b'"') => break,
                        Some(_) => i += 1,
                    }
                }
                prefix_run = 0;
            }
            b'(' | b'[' | b'{' => {
                open.push((b, i, prefix_run));
                prefix_total += prefix_run;
                prefix_run = 0;
                let depth = open.len() + prefix_total;
                if depth > limits.max_depth {
                    return Err(too_deep(input, i, limits));
                }
            }
            b')' | b']' | b'}' => {
                let want = match b {
                    b')' => b'(',
                    b']' => b'[',
                    _ => b'{',
                };
                match open.pop() {
                    Some((opened, _, run)) if opened == want => {
                        prefix_total -= run;
                        prefix_run = 0;
                    }
                    Some((opened, at, _)) => {
                        return Err(Error::for_reason(
                            ErrorKind::UnbalancedParentheses,
                            Span::new(i, i + 1),
                            Reason::MismatchedBracket {
                                found: b as char,
                                before: excerpt(input, i + 1),
                                opened: opened as char,
                                opened_at: excerpt(input, at),
                            },
                            input,
                        ))
                    }
                    None => {
                        return Err(Error::for_reason(
                            ErrorKind::UnbalancedParentheses,
                            Span::new(i, i + 1),
                            Reason::UnopenedBracket {
                                found: b as char,
                                before: excerpt(input, i + 1),
                            },
                            input,
                        ))
                    }
                }
            }
            b'-' => {
                // A minus that is not part of a number, date or name is a negation.
                let next = bytes.get(i + 1).copied().unwrap_or(b' ');
                let prev = if i == 0 { b' ' } else { bytes[i - 1] };
                if !next.is_ascii_digit() && !prev.is_ascii_alphanumeric() && next != b'I' {
                    prefix_run += 1;
                    check_prefix_depth(input, i, open.len() + prefix_total + prefix_run, limits)?;
                }
            }
            b'n' | b'N'
                if bytes.len() >= i + 4
                    && bytes[i..i + 3].eq_ignore_ascii_case(b"not")
                    && matches!(bytes[i + 3], b' ' | b'\t' | b'\r' | b'\n' | b'(')
                    && (i == 0 || !is_name_byte(bytes[i - 1])) =>
            {
                prefix_run += 1;
                check_prefix_depth(input, i, open.len() + prefix_total + prefix_run, limits)?;
                i += 3;
                continue;
            }
            // An `n` that does not start `not`.
            _ => prefix_run = 0,
        }
        i += 1;
    }
    if let Some(&(b, at, _)) = open.last() {
        let closer = match b {
            b'(' => ')',
            b'[' => ']',
            _ => '}',
        };
        return Err(Error::for_reason(
            ErrorKind::UnbalancedParentheses,
            Span::new(at, at + 1),
            Reason::UnclosedBracket {
                opened: b as char,
                opened_at: excerpt(input, at),
                expected: closer,
            },
            input,
        ));
    }
    Ok(())
}

/// The bytes the scan looks at ([`SPECIAL`]: quotes, brackets, `-`, the `n` of `not`), the
/// whitespace between tokens, and all others, which only end a run of prefix operators.
const OTHER: u8 = 0;
const SPACE: u8 = 1;
const SPECIAL: u8 = 2;
const CLASS: [u8; 256] = {
    let mut class = [OTHER; 256];
    let special = b"'\"([{)]}-nN";
    let mut i = 0;
    while i < special.len() {
        class[special[i] as usize] = SPECIAL;
        i += 1;
    }
    class[b' ' as usize] = SPACE;
    class[b'\t' as usize] = SPACE;
    class[b'\r' as usize] = SPACE;
    class[b'\n' as usize] = SPACE;
    class
};

fn is_name_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80
}

fn check_prefix_depth(input: &str, at: usize, depth: usize, limits: &Limits) -> Result<(), Error> {
    if depth > limits.max_depth {
        Err(too_deep(input, at, limits))
    } else {
        Ok(())
    }
}

fn too_deep(input: &str, at: usize, limits: &Limits) -> Error {
    Error::for_reason(
        ErrorKind::LimitExceeded,
        Span::new(at, at + 1),
        Reason::TooDeep {
            limit: limits.max_depth as u64,
        },
        input,
    )
}

/// Up to 20 characters of `input` from byte `at`, quoted, `…` marking a cut: the text a message points
/// at, instead of a byte offset. "the end" past the end.
fn excerpt(input: &str, at: usize) -> String {
    let Some(rest) = input.get(at..).filter(|r| !r.is_empty()) else {
        return "the end".to_string();
    };
    let shown: String = rest.chars().take(20).collect();
    let cut = if shown.len() < rest.len() { "…" } else { "" };
    format!("\"{shown}{cut}\"")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(input: &str) -> Option<ErrorKind> {
        check(input, &Limits::default()).err().map(|e| e.kind())
    }

    #[test]
    fn balanced_input_passes() {
        assert_eq!(kind("(a eq 'x)(' and b in ('(', \"]\"))"), None);
        assert_eq!(kind("a eq 'it''s'"), None);
    }

    #[test]
    fn unterminated_strings_are_found() {
        assert_eq!(kind("a eq 'x"), Some(ErrorKind::UnterminatedString));
        assert_eq!(kind("a eq 'x''"), Some(ErrorKind::UnterminatedString));
        assert_eq!(kind("[\"a]"), Some(ErrorKind::UnterminatedString));
    }

    #[test]
    fn unbalanced_brackets_are_found() {
        assert_eq!(kind("(a"), Some(ErrorKind::UnbalancedParentheses));
        assert_eq!(kind("a)"), Some(ErrorKind::UnbalancedParentheses));
        assert_eq!(kind("(a]"), Some(ErrorKind::UnbalancedParentheses));
    }

    #[test]
    fn depth_counts_brackets_and_prefix_runs() {
        let ok = "(".repeat(100) + &")".repeat(100);
        assert_eq!(kind(&ok), None);
        let deep = "(".repeat(101) + &")".repeat(101);
        assert_eq!(kind(&deep), Some(ErrorKind::LimitExceeded));
        assert_eq!(kind(&"not ".repeat(101)), Some(ErrorKind::LimitExceeded));
        assert_eq!(kind(&"-".repeat(101)), Some(ErrorKind::LimitExceeded));
        // Prefix operators applied to separate operands do not add up.
        let chain = vec!["not a"; 500].join(" and ");
        assert_eq!(kind(&chain), None);
        // A name ending in "not" is not an operator.
        assert_eq!(kind(&"cannot (".repeat(60).replace('(', "")), None);
    }

    #[test]
    fn a_hundred_thousand_parens_fail_fast() {
        let input = "(".repeat(100_000);
        let limits = Limits {
            max_length: usize::MAX,
            ..Limits::default()
        };
        assert_eq!(
            check(&input, &limits).map_err(|e| e.kind()),
            Err(ErrorKind::LimitExceeded)
        );
    }

    #[test]
    fn length_limit() {
        let input = "a".repeat(8 * 1024 + 1);
        assert_eq!(kind(&input), Some(ErrorKind::LimitExceeded));
    }
}

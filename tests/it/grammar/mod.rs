//! The grammar on its own, one module per concern: precedence of every pair of levels of
//! `docs/semantics.md` §2 (`precedence`), keywords against identifiers and the case rules of §3
//! (`keywords`), string escapes and every literal kind with its AST shape (`literals`), functions,
//! casts, paths and lambdas (`paths`), `in` lists (`in_lists`) and node spans (`spans`). This file
//! holds the helpers they share.
//!
//! `parses_to` compares with a fully parenthesised rendering of the tree, so a wrong fold cannot hide
//! behind the canonical printer's own precedence rules.

mod in_lists;
mod keywords;
mod literals;
mod paths;
mod precedence;
mod spans;

use odata_filter::ast::{ExprKind, Literal, UnaryOp};
use odata_filter::{parse_filter, Expr};

// ---------------------------------------------------------------------------------------------------
// Helpers

/// The tree with every operator node in parentheses: `a or b and c` → `(a or (b and c))`.
fn explicit(e: &Expr) -> String {
    match &e.kind {
        ExprKind::Binary { op, left, right } => {
            format!("({} {op} {})", explicit(left), explicit(right))
        }
        ExprKind::Unary { op, operand } => match op {
            UnaryOp::Not => format!("(not {})", explicit(operand)),
            UnaryOp::Neg => format!("(-{})", explicit(operand)),
        },
        ExprKind::In { operand, set } => format!("({} in {})", explicit(operand), explicit(set)),
        ExprKind::List(items) => {
            let items: Vec<_> = items.iter().map(explicit).collect();
            format!("[list {}]", items.join(", "))
        }
        ExprKind::Call { function, args } => {
            let args: Vec<_> = args.iter().map(explicit).collect();
            format!("{function}({})", args.join(", "))
        }
        _ => e.to_string(),
    }
}

pub(super) fn parse(input: &str) -> Expr {
    parse_filter(input).unwrap_or_else(|e| panic!("{input:?} should parse:\n{e}"))
}

/// `input` parses to the tree whose fully parenthesised rendering is `expected`.
pub(super) fn parses_to(input: &str, expected: &str) {
    assert_eq!(explicit(&parse(input)), expected, "input: {input:?}");
}

/// `input` prints canonically as `expected`, and that text parses back to the same tree.
pub(super) fn canonical(input: &str, expected: &str) {
    let e = parse(input);
    assert_eq!(e.to_string(), expected, "input: {input:?}");
    assert_eq!(parse(expected), e, "round trip of {expected:?}");
}

/// `input` is rejected with an error starting at byte `offset`.
pub(super) fn fails_at(input: &str, offset: usize) {
    match parse_filter(input) {
        Ok(e) => panic!("{input:?} should fail at {offset}, parsed as {e}"),
        Err(err) => assert_eq!(err.span().start, offset, "{input:?}:\n{err}"),
    }
}

pub(super) fn literal(input: &str) -> Literal {
    match parse(input).kind {
        ExprKind::Literal(l) => l,
        other => panic!("{input:?} is not a literal: {other:?}"),
    }
}

/// The single property name of a one-segment path.
pub(super) fn property(e: &Expr) -> Option<&str> {
    match &e.kind {
        ExprKind::Path(p) => p.as_simple_property(),
        _ => None,
    }
}

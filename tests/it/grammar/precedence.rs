//! Precedence (`docs/semantics.md` §2): or < and < eq ne < gt ge lt le < add sub < mul div divby
//! mod < - not < has in. Every pair of binary levels, prefix operators, the section's examples and
//! parentheses.

use super::{canonical, parses_to};

/// The binary operators with their level (higher binds tighter); prefix operators are level 7.
const BINARY_LEVELS: &[(&str, u8)] = &[
    ("or", 1),
    ("and", 2),
    ("eq", 3),
    ("ne", 3),
    ("gt", 4),
    ("ge", 4),
    ("lt", 4),
    ("le", 4),
    ("add", 5),
    ("sub", 5),
    ("mul", 6),
    ("div", 6),
    ("divby", 6),
    ("mod", 6),
    ("has", 8),
];

#[test]
fn every_pair_of_binary_operators() {
    for &(x, lx) in BINARY_LEVELS {
        for &(y, ly) in BINARY_LEVELS {
            let input = format!("a {x} b {y} c");
            let expected = if lx >= ly {
                // Tighter or equal on the left: left-associative fold.
                format!("((a {x} b) {y} c)")
            } else {
                format!("(a {x} (b {y} c))")
            };
            parses_to(&input, &expected);
        }
    }
}

#[test]
fn in_binds_tighter_than_every_binary_operator_below_has() {
    for &(x, lx) in BINARY_LEVELS.iter().filter(|(_, l)| *l < 8) {
        assert!(lx < 8);
        parses_to(
            &format!("a {x} b in ('v')"),
            &format!("(a {x} (b in [list 'v']))"),
        );
        parses_to(
            &format!("a in ('v') {x} b"),
            &format!("((a in [list 'v']) {x} b)"),
        );
    }
    // `has` and `in` share the top level and fold left to right.
    parses_to("a has b in (1)", "((a has b) in [list 1])");
    parses_to("a in (1) has b", "((a in [list 1]) has b)");
}

#[test]
fn prefix_operators_bind_tighter_than_binary_operators_below_has() {
    for &(x, _) in BINARY_LEVELS.iter().filter(|(_, l)| *l < 8) {
        parses_to(&format!("not a {x} b"), &format!("((not a) {x} b)"));
        parses_to(&format!("-a {x} b"), &format!("((-a) {x} b)"));
        parses_to(&format!("a {x} not b"), &format!("(a {x} (not b))"));
        parses_to(&format!("a {x} -b"), &format!("(a {x} (-b))"));
    }
}

#[test]
fn has_and_in_bind_tighter_than_prefix_operators() {
    parses_to("not a has b", "(not (a has b))");
    parses_to("-a has b", "(-(a has b))");
    parses_to("not a in ('x')", "(not (a in [list 'x']))");
    parses_to("-a in (1)", "(-(a in [list 1]))");
}

#[test]
fn prefix_operators_nest() {
    parses_to("not not a", "(not (not a))");
    parses_to("- -a", "(-(-a))");
    parses_to("not -a eq b", "((not (-a)) eq b)");
}

#[test]
fn the_examples_of_semantics_section_2() {
    parses_to("a or b and c", "(a or (b and c))");
    parses_to("x add 1 mul 2", "(x add (1 mul 2))");
    parses_to("a eq b gt c", "(a eq (b gt c))");
    parses_to("not a eq b", "((not a) eq b)");
}

#[test]
fn parentheses_override_precedence() {
    parses_to("(a or b) and c", "((a or b) and c)");
    parses_to("a sub (b sub c)", "(a sub (b sub c))");
    parses_to("not (a eq b)", "(not (a eq b))");
    parses_to("(a add 1) mul 2", "((a add 1) mul 2)");
    canonical("(a or b) and c", "(a or b) and c");
    canonical("((a eq 1))", "a eq 1");
}

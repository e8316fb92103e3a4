//! Keywords against identifiers, and the case rules (`docs/semantics.md` §3).

use odata_filter::ast::{BinaryOp, ExprKind, Literal, PathRoot};

use super::{canonical, fails_at, literal, parse, parses_to, property};

#[test]
fn names_that_start_with_a_keyword_are_identifiers() {
    for name in [
        "notes",
        "order",
        "android",
        "orders",
        "index",
        "inbox",
        "eqx",
        "hasValue",
        "modified",
        "divbyzero",
        "address",
        "subject",
        "nullable",
        "trueValue",
        "falsehood",
        "INFINITY",
        "NaNs",
        "anyThing",
        "allowed",
        "durationMinutes",
        "binaryData",
        "geographyId",
    ] {
        let e = parse(&format!("{name} eq 1"));
        let ExprKind::Binary { op, left, .. } = &e.kind else {
            panic!("{name}: {e:?}")
        };
        assert_eq!(*op, BinaryOp::Eq, "{name}");
        assert_eq!(property(left), Some(name), "{name}");
    }
}

#[test]
fn operator_words_need_whitespace_around_them() {
    fails_at("a eq1", 4);
    fails_at("a eq 1and b", 5);
    fails_at("a eq 1 and(b)", 10);
    // `not` is a prefix: a parenthesis may follow it directly.
    parses_to("not(a)", "(not a)");
}

#[test]
fn keywords_are_names_where_a_name_is_expected() {
    // After a `/` an operator word is a segment name; alone it is taken for a misplaced operator.
    parses_to("a/not eq 1", "(a/not eq 1)");
    fails_at("eq eq 1", 0);
    parses_to("x/and eq 1", "(x/and eq 1)");
}

// ---------------------------------------------------------------------------------------------------
// Case rules (`docs/semantics.md` §3)

#[test]
fn operators_functions_and_keyword_literals_match_in_any_case() {
    canonical("a AND b Or c", "a and b or c");
    canonical("a Eq 1", "a eq 1");
    canonical("NOT a", "not a");
    canonical("a In ('x')", "a in ('x')");
    canonical("a DivBy 2 MOD 3", "a divby 2 mod 3");
    canonical("StartsWith(a,'x')", "startswith(a, 'x')");
    canonical("MATCHESPATTERN(a,'x')", "matchesPattern(a, 'x')");
    canonical("c/ANY(x: x Eq 1)", "c/any(x: x eq 1)");
    assert_eq!(literal("TRUE"), Literal::Boolean(true));
    assert_eq!(literal("False"), Literal::Boolean(false));
    assert_eq!(literal("DURATION'P1D'"), Literal::Duration("P1D".into()));
    assert_eq!(literal("Binary'AQID'"), Literal::Binary(vec![1, 2, 3]));
}

#[test]
fn null_inf_nan_and_dollar_it_are_case_sensitive() {
    for name in ["NULL", "Null", "inf", "Inf", "nan", "NAN"] {
        assert_eq!(property(&parse(name)), Some(name), "{name} is a name");
    }
    assert_eq!(literal("null"), Literal::Null);
    assert!(matches!(literal("INF"), Literal::Double(d) if d == f64::INFINITY));
    assert!(matches!(literal("NaN"), Literal::Double(d) if d.is_nan()));
    let ExprKind::Path(p) = parse("$it").kind else {
        panic!()
    };
    assert_eq!(p.root, PathRoot::It);
    fails_at("$IT eq 1", 0);
    fails_at("$This eq 1", 0);
}

//! `in`: lists, a parenthesised expression that is no list, and the list limit.

use odata_filter::ast::{BinaryOp, ExprKind, Literal};
use odata_filter::{parse_filter, ErrorKind};

use super::{canonical, fails_at, parse};

fn in_set(input: &str) -> ExprKind {
    match parse(input).kind {
        ExprKind::In { set, .. } => set.kind,
        other => panic!("{input:?} is not an in expression: {other:?}"),
    }
}

#[test]
fn in_lists() {
    assert_eq!(in_set("a in ()"), ExprKind::List(Vec::new()));
    assert!(matches!(in_set("a in ('x')"), ExprKind::List(ref l) if l.len() == 1));
    assert!(matches!(in_set("a in ( 1 , -2,3 )"), ExprKind::List(ref l) if l.len() == 3));
    let ExprKind::List(items) = in_set("a in (@p, 'x', @q)") else {
        panic!()
    };
    assert!(matches!(items[0].kind, ExprKind::Alias(ref i) if i.name == "p"));
    assert!(matches!(items[2].kind, ExprKind::Alias(ref i) if i.name == "q"));
    assert!(matches!(in_set("a in @list"), ExprKind::Alias(_)));
    assert!(matches!(in_set("a in [\"x\", 'y']"), ExprKind::Array(ref l) if l.len() == 2));
    assert!(matches!(in_set("a in b/c"), ExprKind::Path(_)));
    canonical("a in ('x','y')", "a in ('x', 'y')");
    canonical("a in ( 'x' , @p )", "a in ('x', @p)");
    canonical("a IN ( )", "a in ()");
}

#[test]
fn a_parenthesised_expression_after_in_is_no_list() {
    // ABNF `listExpr / commonExpr`: list items are literals; anything else is a parenthesised set.
    assert!(matches!(in_set("a in (b)"), ExprKind::Path(_)));
    assert!(matches!(
        in_set("a in ((1))"),
        ExprKind::Literal(Literal::Int(1))
    ));
    assert!(matches!(
        in_set("a in (b add 1)"),
        ExprKind::Binary {
            op: BinaryOp::Add,
            ..
        }
    ));
    canonical("a in (b)", "a in b");
    canonical("a in ((1))", "a in ((1))");
    canonical("a in (concat(b, c))", "a in (concat(b, c))");
    fails_at("a in (b, c)", 6);
    fails_at("a in ('x', b)", 11);
    fails_at("a in ('x', 'y' eq 'z')", 11);
    let err = parse_filter("a in ('x', b)").unwrap_err();
    assert!(
        err.message()
            .contains("only literals and parameter aliases"),
        "{err}"
    );
    // A list stands only right of `in`.
    fails_at("a eq ('x', 'y')", 9);
}

#[test]
fn in_list_items_count_against_the_list_limit_not_the_node_limit() {
    let items: Vec<String> = (0..1500).map(|i| i.to_string()).collect();
    let input = format!("a in ({})", items.join(","));
    let ExprKind::List(list) = in_set(&input) else {
        panic!()
    };
    assert_eq!(list.len(), 1500);
    let limits = odata_filter::Limits {
        max_in_list_items: 3,
        ..Default::default()
    };
    let err = odata_filter::Parser::new()
        .limits(limits)
        .parse("a in (1, 2, 3, 4)")
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::LimitExceeded);
}

//! Spans: each node's span covers its text, and error spans fall on character boundaries (a
//! proptest).

use odata_filter::ast::ExprKind;
use odata_filter::parse_filter;

use super::parse;

#[test]
fn spans_cover_the_text_of_each_node() {
    let input = "status eq 'Pending' and not (a/b lt -1)";
    let e = parse(input);
    assert_eq!(e.span.range(), 0..input.len());
    let ExprKind::Binary { left, right, .. } = &e.kind else {
        panic!()
    };
    assert_eq!(&input[left.span.range()], "status eq 'Pending'");
    let ExprKind::Binary {
        left: status,
        right: pending,
        ..
    } = &left.kind
    else {
        panic!()
    };
    assert_eq!(&input[status.span.range()], "status");
    assert_eq!(&input[pending.span.range()], "'Pending'");
    assert_eq!(&input[right.span.range()], "not (a/b lt -1)");
    let ExprKind::Unary { operand, .. } = &right.kind else {
        panic!()
    };
    // A parenthesised node spans its parentheses.
    assert_eq!(&input[operand.span.range()], "(a/b lt -1)");
    let ExprKind::Binary {
        left: path,
        right: minus_one,
        ..
    } = &operand.kind
    else {
        panic!()
    };
    let ExprKind::Path(p) = &path.kind else {
        panic!()
    };
    assert_eq!(&input[p.segments[1].span.range()], "b");
    assert_eq!(&input[minus_one.span.range()], "-1");
}

#[test]
fn spans_of_calls_aliases_lambdas_and_in() {
    let input = "contains(a, @p) or c/any(x: x in ('v'))";
    let e = parse(input);
    let ExprKind::Binary { left, right, .. } = &e.kind else {
        panic!()
    };
    assert_eq!(&input[left.span.range()], "contains(a, @p)");
    let ExprKind::Call { args, .. } = &left.kind else {
        panic!()
    };
    let ExprKind::Alias(alias) = &args[1].kind else {
        panic!()
    };
    assert_eq!(&input[args[1].span.range()], "@p");
    assert_eq!(&input[alias.span.range()], "p");
    assert_eq!(&input[right.span.range()], "c/any(x: x in ('v'))");
    let ExprKind::Path(p) = &right.kind else {
        panic!()
    };
    let (var, body) = p.lambda.as_ref().unwrap().predicate.as_ref().unwrap();
    assert_eq!(&input[var.span.range()], "x");
    assert_eq!(&input[body.span.range()], "x in ('v')");
    let ExprKind::In { set, .. } = &body.kind else {
        panic!()
    };
    assert_eq!(&input[set.span.range()], "('v')");
}

proptest::proptest! {
    #![proptest_config(crate::proptest_config(1000))]

    /// Error spans can be used to slice the input: they lie within it and on character boundaries.
    #[test]
    fn error_spans_fall_on_character_boundaries(tokens in proptest::collection::vec(
        proptest::sample::select(vec![
            "x eq ", "duration'", "binary'", "geography'", "Ns.T'", "'", "é", "ü", "P1", "D", "T",
            "Point(", "1 2", ")", "(", ",", " ", "2024-13-01", "T25:00Z", "@", "/", "in ", "€", "-",
        ]),
        0..12,
    )) {
        let input: String = tokens.concat();
        if let Err(err) = parse_filter(&input) {
            let span = err.span();
            proptest::prop_assert!(span.start <= span.end && span.end <= input.len(), "{input:?}: {span:?}");
            proptest::prop_assert!(
                input.is_char_boundary(span.start) && input.is_char_boundary(span.end),
                "{input:?}: {span:?}"
            );
        }
    }
}

//! Hostile input is rejected with an error before any recursion can overflow the stack.

use odata_filter::{parse_filter, ErrorKind, Limits, Parser};

#[test]
fn a_hundred_thousand_open_parens_is_an_error_not_a_crash() {
    let input = "(".repeat(100_000);
    assert_eq!(
        parse_filter(&input).unwrap_err().kind(),
        ErrorKind::LimitExceeded
    );
    // Even with the length limit lifted, the depth limit stops it first.
    let parser = Parser::new().limits(Limits::generous(usize::MAX));
    assert_eq!(
        parser.parse(&input).unwrap_err().kind(),
        ErrorKind::LimitExceeded
    );
    let closed = "(".repeat(100_000) + "true" + &")".repeat(100_000);
    assert_eq!(
        parser.parse(&closed).unwrap_err().kind(),
        ErrorKind::LimitExceeded
    );
}

#[test]
fn long_prefix_runs_are_bounded() {
    let parser = Parser::new().limits(Limits::generous(usize::MAX));
    for op in ["not ", "-", "NOT "] {
        let input = op.repeat(50_000) + "x";
        assert_eq!(
            parser.parse(&input).unwrap_err().kind(),
            ErrorKind::LimitExceeded,
            "{op}"
        );
    }
}

#[test]
fn the_deepest_accepted_input_parses_and_prints_on_a_test_thread_stack() {
    // Test threads have 2 MiB stacks, and this runs unoptimised: the default depth must fit.
    let not_parens: String =
        (0..50).map(|_| "not (").collect::<String>() + "true" + &")".repeat(50);
    let calls: String = (0..99).map(|_| "tolower(").collect::<String>() + "x" + &")".repeat(99);
    let lists = "[".repeat(100) + &"]".repeat(100);
    let lambdas: String =
        (0..49).map(|i| format!("a/any(x{i}: ")).collect::<String>() + "true" + &")".repeat(49);
    let negations = "-".repeat(100) + "x";
    for input in [not_parens, calls, lists, lambdas, negations] {
        let expr = parse_filter(&input).unwrap_or_else(|e| panic!("{e}"));
        // Printing is linear too: nested negations once printed each operand twice (2^100 work).
        let printed = expr.to_string();
        assert_eq!(parse_filter(&printed).unwrap(), expr);
    }
}

#[test]
fn default_limits_hold_at_their_edges() {
    let at_depth = "(".repeat(100) + "true" + &")".repeat(100);
    assert!(parse_filter(&at_depth).is_ok());
    let too_deep = "(".repeat(101) + "true" + &")".repeat(101);
    assert_eq!(
        parse_filter(&too_deep).unwrap_err().kind(),
        ErrorKind::LimitExceeded
    );

    let items = (0..10_000)
        .map(|i| i.to_string())
        .collect::<Vec<_>>()
        .join(",");
    let parser = Parser::new().limits(Limits {
        max_length: 1 << 20,
        ..Limits::default()
    });
    assert!(parser.parse(&format!("x in ({items})")).is_ok());
    let too_many = format!("x in ({items},1)");
    assert_eq!(
        parser.parse(&too_many).unwrap_err().kind(),
        ErrorKind::LimitExceeded
    );

    // 1,000 nodes: `a eq 1` is three nodes, each `or` one more.
    let chain = |terms: usize| vec!["a eq 1"; terms].join(" or ");
    assert!(parse_filter(&chain(250)).is_ok()); // 250 * 3 + 249 = 999 nodes
    assert_eq!(
        parse_filter(&chain(251)).unwrap_err().kind(),
        ErrorKind::LimitExceeded
    );
}

#[test]
fn the_longest_chains_parse_print_and_drop_on_a_test_thread_stack() {
    // A left-associative chain is a tree as deep as the chain is long; the node limit bounds it.
    let terms = 500; // 500 paths and 499 operators: 999 nodes, the most the default limit allows
    for op in ["or", "and", "add", "eq"] {
        let input = vec!["a"; terms].join(&format!(" {op} "));
        let expr = parse_filter(&input).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(expr.to_string(), input);
    }
    let chain = vec!["a eq 1"; 250].join(" or ");
    let expr = parse_filter(&chain).unwrap();
    assert_eq!(expr.to_string(), chain);
}

//! The grammar on its own: precedence of every pair of levels of `docs/semantics.md` §2, keywords
//! against identifiers, the case rules of §3, string escapes, every literal kind with its AST shape,
//! lambdas, `in` lists and node spans.
//!
//! `parses_to` compares with a fully parenthesised rendering of the tree, so a wrong fold cannot hide
//! behind the canonical printer's own precedence rules.

use odata_filter::ast::{
    BinaryOp, DateLiteral, ExprKind, Function, LambdaKind, Literal, PathRoot, SegmentKind,
    TimeOfDayLiteral, UnaryOp, UtcOffset,
};
use odata_filter::{parse_filter, ErrorKind, Expr};

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

fn parse(input: &str) -> Expr {
    parse_filter(input).unwrap_or_else(|e| panic!("{input:?} should parse:\n{e}"))
}

/// `input` parses to the tree whose fully parenthesised rendering is `expected`.
fn parses_to(input: &str, expected: &str) {
    assert_eq!(explicit(&parse(input)), expected, "input: {input:?}");
}

/// `input` prints canonically as `expected`, and that text parses back to the same tree.
fn canonical(input: &str, expected: &str) {
    let e = parse(input);
    assert_eq!(e.to_string(), expected, "input: {input:?}");
    assert_eq!(parse(expected), e, "round trip of {expected:?}");
}

/// `input` is rejected with an error starting at byte `offset`.
fn fails_at(input: &str, offset: usize) {
    match parse_filter(input) {
        Ok(e) => panic!("{input:?} should fail at {offset}, parsed as {e}"),
        Err(err) => assert_eq!(err.span().start, offset, "{input:?}:\n{err}"),
    }
}

fn literal(input: &str) -> Literal {
    match parse(input).kind {
        ExprKind::Literal(l) => l,
        other => panic!("{input:?} is not a literal: {other:?}"),
    }
}

/// The single property name of a one-segment path.
fn property(e: &Expr) -> Option<&str> {
    match &e.kind {
        ExprKind::Path(p) => p.as_simple_property(),
        _ => None,
    }
}

// ---------------------------------------------------------------------------------------------------
// Precedence (`docs/semantics.md` §2): or < and < eq ne < gt ge lt le < add sub < mul div divby mod < - not < has in

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

// ---------------------------------------------------------------------------------------------------
// Keywords and identifiers

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

// ---------------------------------------------------------------------------------------------------
// Strings and escapes

#[test]
fn doubled_quotes_are_one_quote() {
    assert_eq!(literal("'it''s'"), Literal::String("it's".into()));
    assert_eq!(literal("''''"), Literal::String("'".into()));
    assert_eq!(literal("''"), Literal::String(String::new()));
    assert_eq!(literal("'a''''b'"), Literal::String("a''b".into()));
    canonical("'it''s'", "'it''s'");
    canonical("a eq ''''", "a eq ''''");
}

#[test]
fn strings_keep_every_other_character() {
    assert_eq!(
        literal("'a \"b\" (c) eq %20 ü'"),
        Literal::String("a \"b\" (c) eq %20 ü".into())
    );
}

#[test]
fn a_lone_quote_ends_the_string() {
    // The string ends at the second quote; the third one opens a string that never ends, and the
    // message names the likely cause.
    let err = parse_filter("a eq 'O'Neil'").unwrap_err();
    assert_eq!(err.kind(), ErrorKind::UnterminatedString);
    assert_eq!(err.span().start, 12);
    assert!(err.message().contains("two quotes"), "{err}");
    let err = parse_filter("a eq 'x").unwrap_err();
    assert_eq!(err.kind(), ErrorKind::UnterminatedString);
    assert_eq!(err.span().start, 5);
}

// ---------------------------------------------------------------------------------------------------
// Literals and their AST shapes

#[test]
fn numbers() {
    assert_eq!(literal("42"), Literal::Int(42));
    assert_eq!(literal("-7"), Literal::Int(-7));
    assert_eq!(literal("+7"), Literal::Int(7));
    assert_eq!(
        literal("9223372036854775807"),
        Literal::Int(9_223_372_036_854_775_807)
    );
    assert_eq!(literal("-9223372036854775808"), Literal::Int(i64::MIN));
    let err = parse_filter("9223372036854775808").unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidLiteral);
    assert_eq!(literal("2.45"), Literal::Decimal("2.45".into()));
    assert_eq!(literal("-0.50"), Literal::Decimal("-0.50".into()));
    assert_eq!(literal("+1.5"), Literal::Decimal("1.5".into()));
    assert_eq!(literal("1e5"), Literal::Double(1e5));
    assert_eq!(literal("1.5E-3"), Literal::Double(1.5e-3));
    assert_eq!(literal("-0.25e1"), Literal::Double(-2.5));
    assert!(matches!(literal("-INF"), Literal::Double(d) if d == f64::NEG_INFINITY));
    fails_at("42.", 0);
    fails_at(".5", 0);
    fails_at("1e5e2", 0);
}

#[test]
fn negative_literal_against_negation() {
    assert_eq!(literal("-5"), Literal::Int(-5));
    parses_to("- 5", "(-5)");
    let e = parse("-(5)");
    assert!(matches!(
        e.kind,
        ExprKind::Unary {
            op: UnaryOp::Neg,
            ..
        }
    ));
    canonical("-(5)", "- 5");
    canonical("a sub -5", "a sub -5");
}

#[test]
fn guid_date_time_literals() {
    let Literal::Guid(g) = literal("05C7BBA5-828C-4451-9867-1191919F897E") else {
        panic!()
    };
    assert_eq!(g.to_string(), "05c7bba5-828c-4451-9867-1191919f897e");
    assert_eq!(
        literal("2024-02-29"),
        Literal::Date(DateLiteral {
            year: 2024,
            month: 2,
            day: 29
        })
    );
    assert_eq!(
        literal("-10000-04-01"),
        Literal::Date(DateLiteral {
            year: -10000,
            month: 4,
            day: 1
        })
    );
    assert_eq!(
        literal("13:20:00.5"),
        Literal::TimeOfDay(TimeOfDayLiteral {
            hour: 13,
            minute: 20,
            second: Some(0),
            fraction: Some("5".into())
        })
    );
    let Literal::DateTimeOffset(dt) = literal("2012-09-03T14:53+02:00") else {
        panic!()
    };
    assert_eq!(
        dt.offset,
        UtcOffset::Fixed {
            negative: false,
            hours: 2,
            minutes: 0
        }
    );
    assert_eq!(dt.time.as_ref().map(|t| t.second), Some(None));
    let Literal::DateTimeOffset(dt) = literal("2018-08-01Z") else {
        panic!()
    };
    assert_eq!((dt.time, dt.offset), (None, UtcOffset::Z));
    let Literal::DateTimeOffset(leap) = literal("1972-06-30T23:59:60Z") else {
        panic!()
    };
    assert_eq!(
        leap.to_chrono().map(|c| c.to_rfc3339()),
        Some("1972-06-30T23:59:60+00:00".to_string())
    );
    for bad in [
        "2024-02-30",
        "2011-12-31T24:00Z",
        "24:00:00",
        "2012-09-03T23:59:61Z",
    ] {
        let err = parse_filter(bad).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidLiteral, "{bad}");
    }
}

/// `input` is rejected as an invalid literal with the error under `marked`.
fn invalid_literal_at(input: &str, marked: &str) {
    let err = parse_filter(input).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidLiteral, "{input}: {err}");
    assert_eq!(&input[err.span().range()], marked, "{input}: {err}");
}

#[test]
fn literal_errors_point_at_the_wrong_part() {
    invalid_literal_at("2011-12-31T24:00Z", "24");
    invalid_literal_at("a eq 2024-13-01", "13");
    invalid_literal_at("2024-02-30T00:00Z", "30");
    invalid_literal_at("10:61", "61");
    invalid_literal_at("2024-01-01T10:00+25:00", "+25:00");
    invalid_literal_at("duration'P1Y6D'", "Y");
    invalid_literal_at("duration'PT1.5M'", "M");
    invalid_literal_at("duration'P1DT2S3H'", "H");
    invalid_literal_at("x eq geography'Point(1)'", "1");
    // Spans never split a character.
    invalid_literal_at("duration'P1é'", "é");
    invalid_literal_at("x eq Ns.T'aé b'", " ");
    invalid_literal_at("x eq geography'Pointé(1 2)'", "é");
    let err = parse_filter("duration'P2M'").unwrap_err();
    assert!(err.message().contains("months are not allowed"), "{err}");
}

#[test]
fn duration_enum_binary_geo_literals() {
    assert_eq!(
        literal("duration'-P6DT23H59M59.9999S'"),
        Literal::Duration("-P6DT23H59M59.9999S".into())
    );
    // Without the prefix it is a string; the validator gives it meaning.
    assert_eq!(literal("'P1D'"), Literal::String("P1D".into()));
    assert_eq!(
        parse_filter("duration'P1Y'").unwrap_err().kind(),
        ErrorKind::InvalidLiteral
    );
    assert_eq!(
        literal("Sales.Pattern'Solid,Yellow,+42'"),
        Literal::Enum {
            type_name: "Sales.Pattern".into(),
            value: "Solid,Yellow,+42".into()
        }
    );
    let err = parse_filter("Sales.Pattern'Solid%2CYellow'").unwrap_err();
    assert_eq!(
        (err.kind(), err.span().start),
        (ErrorKind::InvalidLiteral, 19)
    );
    assert_eq!(
        literal("binary'Zm9vYg=='"),
        Literal::Binary(b"foob".to_vec())
    );
    assert_eq!(literal("binary''"), Literal::Binary(Vec::new()));
    assert_eq!(
        literal("geography'SRID=0;Point(142.1 64.1)'"),
        Literal::Geo {
            geography: true,
            text: "SRID=0;Point(142.1 64.1)".into()
        }
    );
    assert!(matches!(
        literal("geometry'POLYGON((1 1, 2 2, 1 1))'"),
        Literal::Geo {
            geography: false,
            ..
        }
    ));
    assert!(matches!(
        literal("geography'POINT (30 10)'"),
        Literal::Geo { .. }
    ));
    let err = parse_filter("geography'Point(1)'").unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidLiteral);
}

#[test]
fn literals_print_back_to_the_same_tree() {
    for text in [
        "null",
        "true",
        "42",
        "-7",
        "2.45",
        "1e+300",
        "INF",
        "-INF",
        "NaN",
        "'it''s'",
        "05c7bba5-828c-4451-9867-1191919f897e",
        "2024-01-31",
        "2024-01-31T12:00:00.1234567+02:00",
        "13:20",
        "duration'P1DT2H'",
        "Ns.T'A,B'",
        "binary'AQID'",
        "geography'SRID=0;Point(1 2)'",
        "[\"a\", 1]",
        "{\"k\": [1, 2]}",
    ] {
        let e = parse(text);
        assert_eq!(parse(&e.to_string()), e, "{text} printed as {e}");
    }
}

// ---------------------------------------------------------------------------------------------------
// Functions, casts and paths

#[test]
fn type_names_only_as_the_last_argument_of_cast_and_isof() {
    let e = parse("isof(Location,Edm.GeographyPoint)");
    let ExprKind::Call { function, args } = &e.kind else {
        panic!()
    };
    assert_eq!(*function, Function::IsOf);
    assert_eq!(
        args[1].kind,
        ExprKind::TypeName("Edm.GeographyPoint".into())
    );
    canonical("cast(Model.Customer)", "cast(Model.Customer)");
    canonical(
        "cast(a,Collection(Edm.String))",
        "cast(a, Collection(Edm.String))",
    );
    canonical("isof(Customer)", "isof(Customer)");
    let err = parse_filter("length(Edm.String)").unwrap_err();
    assert_eq!((err.kind(), err.span().start), (ErrorKind::Syntax, 7));
    // A qualified name alone is neither a property nor a call.
    fails_at("Model.Available", 15);
    fails_at("a eq Model.Available", 20);
    canonical("Model.Available()", "Model.Available()");
    canonical("Model.Manager/Name eq 'x'", "Model.Manager/Name eq 'x'");
}

#[test]
fn path_segments() {
    let e = parse("$it/a/Model.T/$count/@Core.Messages/Model.F(p=1)");
    let ExprKind::Path(p) = &e.kind else { panic!() };
    assert_eq!(p.root, PathRoot::It);
    let kinds: Vec<_> = p.segments.iter().map(|s| s.kind.clone()).collect();
    assert_eq!(kinds.len(), 5);
    assert_eq!(kinds[0], SegmentKind::Property("a".into()));
    assert_eq!(kinds[1], SegmentKind::TypeCast("Model.T".into()));
    assert_eq!(kinds[2], SegmentKind::Count);
    assert_eq!(kinds[3], SegmentKind::Annotation("Core.Messages".into()));
    assert!(
        matches!(&kinds[4], SegmentKind::Function { name, params } if name == "Model.F" && params.len() == 1)
    );
    canonical(
        "Price/@Currency#Reporting eq 'EUR'",
        "Price/@Currency#Reporting eq 'EUR'",
    );
}

#[test]
fn an_at_sign_starts_an_alias_or_an_annotation_path() {
    assert!(matches!(parse("@p").kind, ExprKind::Alias(ref i) if i.name == "p"));
    let ExprKind::Path(p) = parse("@Messages/any(m: m/severity eq 'error')").kind else {
        panic!()
    };
    assert_eq!(
        p.segments[0].kind,
        SegmentKind::Annotation("Messages".into())
    );
    assert!(matches!(
        parse("@Core.Messages").kind,
        ExprKind::Path(ref p) if p.segments[0].kind == SegmentKind::Annotation("Core.Messages".into())
    ));
}

// ---------------------------------------------------------------------------------------------------
// Lambdas

#[test]
fn lambdas() {
    let ExprKind::Path(p) = parse("Products/any()").kind else {
        panic!()
    };
    let lambda = p.lambda.expect("lambda");
    assert_eq!(
        (lambda.kind, lambda.predicate.is_none()),
        (LambdaKind::Any, true)
    );
    canonical("Products/ANY( )", "Products/any()");
    canonical("a/any( x : x eq 1 )", "a/any(x: x eq 1)");
    canonical(
        "a/any(x:x/b/all(y:y/c eq x/d))",
        "a/any(x: x/b/all(y: y/c eq x/d))",
    );
    canonical(
        "a/all(x: x/b/any(y: y eq $it/c) or x/d/any())",
        "a/all(x: x/b/any(y: y eq $it/c) or x/d/any())",
    );
    let ExprKind::Path(p) = parse("a/any(x: x/b/any(y: y eq x))").kind else {
        panic!()
    };
    let (var, body) = p.lambda.unwrap().predicate.unwrap();
    assert_eq!(var.name, "x");
    let ExprKind::Path(inner) = &body.kind else {
        panic!()
    };
    assert_eq!(inner.lambda.as_ref().unwrap().kind, LambdaKind::Any);
}

#[test]
fn malformed_lambdas_are_rejected() {
    let err = parse_filter("Products/all()").unwrap_err();
    assert_eq!(
        (err.kind(), err.span().start),
        (ErrorKind::InvalidLambda, 9)
    );
    assert_eq!(
        parse_filter("a/any(x: x eq 1)/b").unwrap_err().kind(),
        ErrorKind::InvalidLambda
    );
    assert_eq!(
        parse_filter("a/any(x x eq 1)").unwrap_err().kind(),
        ErrorKind::Syntax
    );
    // A lambda needs a collection path before it.
    assert!(parse_filter("any()").is_err());
    assert!(parse_filter("all(x: true)").is_err());
}

// ---------------------------------------------------------------------------------------------------
// `in`

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

// ---------------------------------------------------------------------------------------------------
// Spans

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

#[test]
fn the_constructs_added_for_the_abnf_cases_print_back_to_the_same_tree() {
    for text in [
        "@Core.Messages/any(m: m/severity eq 'error')",
        "@Messages/any(m: m/severity eq 'error')",
        "Price/@Currency#Reporting eq 'EUR'",
        "x in (@a, 'b', -1, null)",
        "x in (y)",
        "x in ((1))",
        "x in ((@a))",
        "x in (('a'))",
        "x in (y in (1))",
        "x in ({\"a\": 1})",
        "x in (-y)",
        "cast(a, Collection(Edm.String)) eq b",
        "isof(Model.Customer)",
        "style has Sales.Pattern'Solid, Yellow,-42'",
        "d eq +1.5 add +2",
        "t eq 1972-06-30T23:59:60Z",
        "g eq geometry'SRID=0;MultiPolygon(((1 1,1 1),(1 1,2 2,3 3,1 1)))'",
        "g eq geography'GeometryCollection(LineString(142.1 64.1,3.14 2.78))'",
        "g eq geography'MultiPoint()'",
    ] {
        let e = parse(text);
        let printed = e.to_string();
        assert_eq!(parse(&printed), e, "{text} printed as {printed}");
        assert_eq!(
            parse(&printed).to_string(),
            printed,
            "printing {text} is not idempotent"
        );
    }
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

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(1000))]

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

//! Property tests of the printer: `parse(print(ast)) == ast` for generated trees, printing is idempotent
//! on parsed input, and no string makes the parser panic.

use odata_filter::ast::*;
use odata_filter::value::Uuid;
use odata_filter::{parse_filter, Limits, Parser};
use proptest::prelude::*;

fn e(kind: ExprKind) -> Expr {
    Expr::unspanned(kind)
}

fn lit(l: Literal) -> Expr {
    e(ExprKind::Literal(l))
}

fn name() -> impl Strategy<Value = String> {
    // A leading `p` keeps generated names clear of keywords, Guids and function names.
    "p[a-zA-Z0-9_]{0,6}"
}

fn literal() -> impl Strategy<Value = Literal> {
    let date = (0i32..=9999, 1u8..=12, 1u8..=28).prop_map(|(year, month, day)| DateLiteral {
        year,
        month,
        day,
    });
    let time = (
        0u8..24,
        0u8..60,
        proptest::option::of((0u8..60, proptest::option::of("[0-9]{1,12}"))),
    )
        .prop_map(|(hour, minute, sec)| TimeOfDayLiteral {
            hour,
            minute,
            second: sec.as_ref().map(|s| s.0),
            fraction: sec.and_then(|s| s.1),
        });
    let offset = prop_oneof![
        Just(UtcOffset::Z),
        (any::<bool>(), 0u8..24, 0u8..60).prop_map(|(negative, hours, minutes)| UtcOffset::Fixed {
            negative,
            hours,
            minutes
        }),
    ];
    prop_oneof![
        Just(Literal::Null),
        any::<bool>().prop_map(Literal::Boolean),
        any::<i64>().prop_map(Literal::Int),
        "-?[0-9]{1,20}\\.[0-9]{1,10}".prop_map(Literal::Decimal),
        prop_oneof![
            any::<f64>().prop_filter("finite", |d| d.is_finite()),
            Just(f64::INFINITY),
            Just(f64::NEG_INFINITY),
            Just(f64::NAN),
        ]
        .prop_map(Literal::Double),
        any::<String>().prop_map(Literal::String),
        any::<u128>().prop_map(|u| Literal::Guid(Uuid::from_u128(u))),
        date.clone().prop_map(Literal::Date),
        (date, proptest::option::of(time.clone()), offset).prop_map(|(date, time, offset)| {
            Literal::DateTimeOffset(DateTimeOffsetLiteral { date, time, offset })
        }),
        time.prop_map(Literal::TimeOfDay),
        prop_oneof![
            Just("P1D"),
            Just("-PT0.5S"),
            Just("P12DT23H59M59.999999999999S"),
            Just("PT1H")
        ]
        .prop_map(|d| Literal::Duration(d.to_string())),
        (
            "[A-Z][a-z]{0,5}\\.[A-Z][a-zA-Z]{0,8}",
            "[A-Z][a-zA-Z]{0,8}(,[A-Z][a-z]{0,4})?"
        )
            .prop_map(|(type_name, value)| Literal::Enum { type_name, value }),
        proptest::collection::vec(any::<u8>(), 0..20).prop_map(Literal::Binary),
    ]
}

fn path() -> impl Strategy<Value = Path> {
    (
        prop_oneof![Just(PathRoot::Implicit), Just(PathRoot::It)],
        proptest::collection::vec(name(), 1..4),
    )
        .prop_map(|(root, names)| Path {
            root,
            segments: names
                .into_iter()
                .map(|n| Segment::unspanned(SegmentKind::Property(n)))
                .collect(),
            lambda: None,
        })
}

const BINARY_OPS: &[BinaryOp] = &[
    BinaryOp::Eq,
    BinaryOp::Ne,
    BinaryOp::Gt,
    BinaryOp::Ge,
    BinaryOp::Lt,
    BinaryOp::Le,
    BinaryOp::Has,
    BinaryOp::And,
    BinaryOp::Or,
    BinaryOp::Add,
    BinaryOp::Sub,
    BinaryOp::Mul,
    BinaryOp::Div,
    BinaryOp::DivBy,
    BinaryOp::Mod,
];

fn expr() -> impl Strategy<Value = Expr> {
    let leaf = prop_oneof![
        4 => literal().prop_map(lit),
        4 => path().prop_map(|p| e(ExprKind::Path(p))),
        1 => name().prop_map(|n| e(ExprKind::Alias(Ident::new(n, Span::default())))),
        1 => Just(e(ExprKind::Path(Path { root: PathRoot::This, segments: vec![], lambda: None }))),
    ];
    leaf.prop_recursive(5, 48, 4, |inner| {
        prop_oneof![
            4 => (proptest::sample::select(BINARY_OPS), inner.clone(), inner.clone()).prop_map(
                |(op, l, r)| e(ExprKind::Binary { op, left: Box::new(l), right: Box::new(r) })
            ),
            2 => (prop_oneof![Just(UnaryOp::Neg), Just(UnaryOp::Not)], inner.clone())
                .prop_map(|(op, x)| e(ExprKind::Unary { op, operand: Box::new(x) })),
            2 => (proptest::sample::select(Function::ALL), proptest::collection::vec(inner.clone(), 0..4))
                .prop_map(|(function, mut args)| {
                    let (min, max) = function.arity();
                    while args.len() < min {
                        args.push(lit(Literal::Int(1)));
                    }
                    args.truncate(max);
                    if matches!(function, Function::Cast | Function::IsOf) {
                        args.pop();
                        args.push(e(ExprKind::TypeName("Edm.String".into())));
                    }
                    e(ExprKind::Call { function, args })
                }),
            // An `in` list holds literals and aliases (ABNF `listExpr`) ...
            1 => (inner.clone(), proptest::collection::vec(prop_oneof![
                3 => literal().prop_map(lit),
                1 => name().prop_map(|n| e(ExprKind::Alias(Ident::new(n, Span::default())))),
            ], 0..4)).prop_map(|(x, items)| {
                e(ExprKind::In { operand: Box::new(x), set: Box::new(e(ExprKind::List(items))) })
            }),
            // ... any other set is written in parentheses, or bare when it is a path, alias or array.
            1 => (inner.clone(), inner.clone()).prop_map(|(x, set)| {
                e(ExprKind::In { operand: Box::new(x), set: Box::new(set) })
            }),
            1 => (path(), prop_oneof![Just(LambdaKind::Any), Just(LambdaKind::All)], "v[0-9]{0,2}", inner.clone())
                .prop_map(|(mut p, kind, var, body)| {
                    p.lambda = Some(Box::new(Lambda { kind, predicate: Some((Ident::new(var, Span::default()), body)) }));
                    e(ExprKind::Path(p))
                }),
            1 => path().prop_map(|mut p| {
                p.lambda = Some(Box::new(Lambda { kind: LambdaKind::Any, predicate: None }));
                e(ExprKind::Path(p))
            }),
            1 => proptest::collection::vec(inner.clone(), 0..3).prop_map(|items| e(ExprKind::Array(items))),
            1 => proptest::collection::vec((any::<String>(), inner), 0..3)
                .prop_map(|members| e(ExprKind::Object(members))),
        ]
    })
}

/// A parser whose limits do not get in the way of generated trees.
fn parser() -> Parser {
    Parser::new().limits(Limits::generous(1 << 20))
}

proptest! {
    #![proptest_config(crate::proptest_config(2000))]

    #[test]
    fn parse_of_print_is_identity(ast in expr()) {
        let text = ast.to_string();
        let back = parser().parse(&text).map_err(|err| TestCaseError::fail(format!("{text}\n{err}")))?;
        prop_assert_eq!(&back, &ast, "printed as {}", text);
        prop_assert_eq!(back.to_string(), text);
    }

    #[test]
    fn print_is_idempotent_on_parsed_input(ast in expr()) {
        // Re-space the printed text in a non-canonical way, then parse and print twice.
        let messy = ast.to_string().replace(" eq ", "  EQ  ").replace(" and ", " AND ");
        // Operators are case-insensitive and any run of whitespace separates them: it must parse.
        let first = parser().parse(&messy);
        prop_assert!(first.is_ok(), "the re-spaced {:?} does not parse: {:?}", messy, first.err());
        let printed = first.unwrap().to_string();
        let second = parser().parse(&printed).expect("canonical text parses");
        prop_assert_eq!(second.to_string(), printed);
    }

    #[test]
    fn arbitrary_strings_never_panic(s in any::<String>()) {
        let _ = parse_filter(&s);
    }

    #[test]
    fn token_soup_never_panics(tokens in proptest::collection::vec(prop_oneof![
        Just("("), Just(")"), Just("'"), Just("''"), Just(" "), Just("eq"), Just("and"), Just("not"),
        Just("-"), Just("1"), Just("2018-01-01T00:00:00Z"), Just("a"), Just("/"), Just("any("),
        Just(":"), Just(","), Just("["), Just("]"), Just("{"), Just("}"), Just("\""), Just("@a"),
        Just("in"), Just("$it"), Just("contains("), Just("1.5"), Just("e"), Just("INF"), Just("%"),
    ], 0..40)) {
        let s: String = tokens.concat();
        let _ = parse_filter(&s);
        let _ = Parser::new().limits(Limits { max_depth: 3, max_nodes: 5, ..Limits::default() }).parse(&s);
    }
}

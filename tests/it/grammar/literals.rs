//! Strings and their escapes, every literal kind with its AST shape and its errors, and literals
//! (and the constructs added for the ABNF cases) printing back to the same tree.

use odata_filter::ast::{DateLiteral, ExprKind, Literal, TimeOfDayLiteral, UnaryOp, UtcOffset};
use odata_filter::{parse_filter, ErrorKind};

use super::{canonical, fails_at, literal, parse, parses_to};

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

//! Every `LimitExceeded` error carries the limit and the value found ([`Error::exceeded`]), so that a
//! caller can react without reading the message: one test per limit.

use odata_filter::error::Exceeded;
use odata_filter::mde::machine_actions;
use odata_filter::query::Query;
use odata_filter::{validate_text, ErrorKind, Limits, Parser, ValidateOptions};

fn exceeded_of_parse(parser: &Parser, text: &str) -> Option<Exceeded> {
    let err = parser.parse(text).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::LimitExceeded, "{err}");
    err.exceeded()
}

fn exceeded_of_query(query: &str) -> Option<Exceeded> {
    let errs = Query::from_query_string(query, machine_actions()).unwrap_err();
    let err = &errs.as_slice()[0];
    assert_eq!(err.kind(), ErrorKind::LimitExceeded, "{err}");
    err.exceeded()
}

#[test]
fn length() {
    let text = format!("status eq '{}'", "x".repeat(9000));
    assert_eq!(
        exceeded_of_parse(&Parser::new(), &text),
        Some(Exceeded {
            limit: 8192,
            value: text.len() as u64
        })
    );
}

#[test]
fn depth() {
    let text = "(".repeat(101) + "true" + &")".repeat(101);
    assert_eq!(
        exceeded_of_parse(&Parser::new(), &text),
        Some(Exceeded {
            limit: 100,
            value: 101
        })
    );
}

#[test]
fn nodes() {
    let parser = Parser::new().limits(Limits {
        max_nodes: 10,
        ..Limits::default()
    });
    let text = ["a eq 1"; 10].join(" or ");
    assert_eq!(
        exceeded_of_parse(&parser, &text),
        Some(Exceeded {
            limit: 10,
            value: 11
        })
    );
}

#[test]
fn in_list_items() {
    let parser = Parser::new().limits(Limits {
        max_in_list_items: 3,
        ..Limits::default()
    });
    assert_eq!(
        exceeded_of_parse(&parser, "a in (1, 2, 3, 4, 5)"),
        Some(Exceeded { limit: 3, value: 5 })
    );
}

#[test]
fn orderby_keys() {
    let keys = ["id"; 40].join(",");
    let found = exceeded_of_query(&format!("$orderby={keys}")).unwrap();
    assert_eq!(found.value, 40);
    assert!(found.limit < 40, "{found:?}");
}

#[test]
fn alias_expansion() {
    // Each alias doubles the tree: @a9 expands to 512 copies of the comparison.
    let mut q = String::from("$filter=@a9&@a0=status eq 'Pending'");
    for i in 1..10 {
        q.push_str(&format!("&@a{i}=(@a{p} or @a{p})", p = i - 1));
    }
    let found = exceeded_of_query(&q).unwrap();
    assert_eq!(found.limit, Limits::default().max_nodes as u64);
    assert!(found.value > found.limit, "{found:?}");
}

#[test]
fn validator_lambda_nesting() {
    let text = "commands/any(a: commands/any(b: commands/any(c: commands/any(d: true))))";
    let opts = ValidateOptions {
        allow_all_properties: true,
        ..ValidateOptions::default()
    };
    let errs = validate_text(text, machine_actions(), &opts).unwrap_err();
    let err = &errs.as_slice()[0];
    assert_eq!(err.kind(), ErrorKind::LimitExceeded, "{err}");
    assert_eq!(err.exceeded(), Some(Exceeded { limit: 3, value: 4 }));
}

#[test]
fn validator_pattern_count() {
    let calls = ["matchesPattern('x', 'a')"; 17].join(" or ");
    let errs = validate_text(&calls, machine_actions(), &ValidateOptions::default()).unwrap_err();
    let err = &errs.as_slice()[0];
    assert_eq!(err.kind(), ErrorKind::LimitExceeded, "{err}");
    assert_eq!(
        err.exceeded(),
        Some(Exceeded {
            limit: 16,
            value: 17
        })
    );
}

//! The full rendered text of parser and query-option errors, one snapshot per input. Messages are in
//! OData terms (never a grammar rule name) and the caret sits under the offending text.

use odata_filter::options::QueryOptions;
use odata_filter::{parse_filter, Limits, Parser};

/// (snapshot name, filter) pairs that must fail to parse.
const FILTER_ERRORS: &[(&str, &str)] = &[
    ("unterminated_string", "status eq 'Pending"),
    (
        "unterminated_string_after_quote_inside",
        "requestor eq 'o'brien@contoso.com'",
    ),
    ("trailing_and", "status eq 'Pending' and"),
    ("missing_right_operand", "status eq"),
    ("missing_left_operand", "eq 'Pending'"),
    ("unclosed_paren", "(status eq 'Pending'"),
    ("unexpected_close_paren", "status eq 'Pending')"),
    ("c_style_equals", "status == 'Pending'"),
    ("c_style_not_equals", "status != 'Pending'"),
    ("c_style_and", "status eq 'Pending' && type eq 'Isolate'"),
    ("c_style_or", "status eq 'Pending' || type eq 'Isolate'"),
    ("less_than_sign", "length(requestor) < 5"),
    ("double_quoted_string", "status eq \"Pending\""),
    (
        "missing_operator_between_terms",
        "status eq 'Pending' type eq 'Isolate'",
    ),
    ("missing_comma_in_call", "startswith(requestor 'analyst')"),
    ("doubled_or", "status eq 'Pending' or or type eq 'Isolate'"),
    ("words_without_operator", "foo bar baz"),
    (
        "invalid_month",
        "creationDateTimeUtc gt 2018-13-45T25:61:00Z",
    ),
    ("invalid_day", "creationDateTimeUtc gt 2019-02-29T00:00:00Z"),
    (
        "invalid_hour",
        "creationDateTimeUtc gt 2019-02-01T24:00:00Z",
    ),
    (
        "too_many_fraction_digits",
        "creationDateTimeUtc gt 2019-02-01T00:00:00.1234567890123Z",
    ),
    ("truncated_guid", "id eq 4a6c8b9e-1f2d-4e5a-9b7c"),
    ("empty_parens", "()"),
    ("unclosed_call", "year(creationDateTimeUtc eq 2018"),
    ("lambda_without_colon", "commands/any(c c eq 'GetFile')"),
    ("lambda_without_variable", "commands/any(: true)"),
    ("all_without_predicate", "commands/all()"),
    ("semicolon", "status eq 'Pending';drop table x"),
    ("unknown_function", "unknownfunc(status) eq 1"),
    ("unknown_function_near_miss", "startwith(requestor, 'a')"),
    ("too_few_arguments", "substring(requestor)"),
    ("too_many_arguments", "contains(requestor, 'a', 'b')"),
    ("no_arguments_expected", "now(1)"),
    (
        "operator_without_spaces",
        "(status eq 'Pending')and(type eq 'Isolate')",
    ),
    ("int64_overflow", "errorHResult eq 9223372036854775808"),
    ("double_overflow", "x eq 1e400"),
    ("bad_duration", "x eq duration'P1X'"),
    ("bad_binary", "x eq binary'@@@@'"),
    ("bracket_mismatch", "x in ('a']"),
    ("unterminated_json_string", "x in [\"a]"),
    ("empty_input", ""),
    ("only_whitespace", "   "),
    ("dangling_not", "not"),
    ("dangling_minus", "x eq -"),
    (
        "comma_at_top_level",
        "status eq 'Pending', type eq 'Isolate'",
    ),
    ("cast_without_type", "cast(x, 'Edm.String')"),
    ("in_without_list", "status in"),
    ("path_ends_with_slash", "relatedFileInfo/ eq 'x'"),
    ("unicode_before_error", "requestor eq 'héllo' eq eq"),
];

#[test]
fn filter_error_renderings() {
    for (name, input) in FILTER_ERRORS {
        let err = match parse_filter(input) {
            Ok(e) => panic!("{name}: {input:?} parsed as {e}"),
            Err(err) => err,
        };
        let rendered = format!("kind: {:?}\n{err}", err.kind());
        assert!(
            !rendered.contains("Rule::") && !rendered.contains("op_") && !rendered.contains("EOI"),
            "{name}: grammar terms leak into {rendered}"
        );
        insta::assert_snapshot!(*name, rendered, input);
    }
}

#[test]
fn limit_error_renderings() {
    let parser = Parser::new().limits(Limits {
        max_length: 40,
        max_depth: 3,
        max_nodes: 5,
        max_in_list_items: 2,
    });
    let cases = [
        (
            "limit_length",
            "requestor eq 'a very long string that goes on'",
        ),
        ("limit_depth", "((((true))))"),
        ("limit_prefix_depth", "not not not not true"),
        ("limit_nodes", "a eq 1 and b eq 2 and c eq 3"),
        ("limit_in_list", "a in (1, 2, 3)"),
    ];
    for (name, input) in cases {
        let err = parser.parse(input).expect_err(name);
        insta::assert_snapshot!(name, format!("kind: {:?}\n{err}", err.kind()), input);
    }
}

#[test]
fn query_option_error_renderings() {
    let cases = [
        ("option_unknown_dollar", "$filter=true&$stop=2"),
        ("option_duplicate", "$top=1&$TOP=2"),
        ("option_negative_top", "$top=-5"),
        ("option_decimal_skip", "$skip=1.5"),
        ("option_bad_count", "$count=yes"),
        ("option_bad_percent", "$filter=status%2"),
        ("option_undefined_alias", "$filter=status eq @s"),
        (
            "option_bad_orderby",
            "$orderby=creationDateTimeUtc sideways",
        ),
        (
            "option_filter_error_in_decoded_text",
            "$filter=status+eq+%27Pending",
        ),
    ];
    for (name, qs) in cases {
        let errs = QueryOptions::parse(qs).expect_err(name);
        let rendered: Vec<String> = errs
            .as_slice()
            .iter()
            .map(|e| format!("kind: {:?}\n{e}", e.kind()))
            .collect();
        insta::assert_snapshot!(name, rendered.join("\n"), qs);
    }
}

#[test]
fn tree_snapshots() {
    let cases = [
        ("tree_precedence", "a or b and not c eq 1 add 2 mul -x"),
        ("tree_lambda_nested", "commands/any(c: c/command/params/all(p: p/key ne 'x'))"),
        ("tree_literals", "x in (null, true, 1, 2.5, 1e3, 'a', 2024-01-31, 2024-01-31T12:00:00.1234567+02:00, 13:20, duration'P1D', Ns.E'A', 05c7bba5-828c-4451-9867-1191919f897e)"),
        ("tree_functions", "contains(tolower(requestor), 'svc') and year(creationDateTimeUtc) ge 2024"),
    ];
    for (name, input) in cases {
        let tree = parse_filter(input).expect(name).to_tree_string();
        insta::assert_snapshot!(name, tree, input);
    }
}

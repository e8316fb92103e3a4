//! The full rendered text of validation errors (one snapshot per error kind and notable message), and of
//! MDE's JSON error body. The caret sits under the offending text.

use odata_filter::mde::{error_body as mde_error_body, machine_actions, machines};
use odata_filter::query::Query;
use odata_filter::validate::{validate_text, ValidateOptions};

/// (snapshot name, filter) pairs that parse but fail validation against MachineActions.
const FILTER_ERRORS: &[(&str, &str)] = &[
    ("unknown_property_with_hint", "stauts eq 'Pending'"),
    ("unknown_property_without_hint", "foo eq 1"),
    (
        "unknown_property_doc_typo",
        "lastUpdateTimeUtc ge 2019-05-01T00:00:00Z",
    ),
    ("property_not_filterable", "computerDnsName eq 'srv-01'"),
    ("type_mismatch_enum_vs_int", "status eq 3"),
    (
        "type_mismatch_quoted_date_time",
        "creationDateTimeUtc ge '2024-01-01T00:00:00Z'",
    ),
    (
        "type_mismatch_quoted_date",
        "creationDateTimeUtc ge '2024-01-01'",
    ),
    (
        "type_mismatch_string_vs_date_time",
        "requestor gt 2024-01-01T00:00:00Z",
    ),
    ("type_mismatch_not_precedence", "not status eq 'Pending'"),
    ("type_mismatch_non_boolean_filter", "requestor"),
    ("type_mismatch_function_argument", "year(requestor) eq 2024"),
    ("type_mismatch_in_item", "status in ('Pending', 2)"),
    ("unknown_enum_member_near_miss", "status eq 'Succeded'"),
    ("unknown_enum_member_case", "type eq 'isolate'"),
    ("unknown_enum_member_far", "status eq 'Done'"),
    ("invalid_guid_string", "id eq 'not-a-guid'"),
    ("overflow_constant", "9223372036854775807 add 1 gt 0"),
    ("overflow_division_by_zero", "length(requestor) gt 1 div 0"),
    ("unknown_type_in_cast", "cast(status, Edm.Nope) eq 'x'"),
    ("unsupported_geo", "geo.distance(requestor, requestor) lt 1"),
    ("unsupported_json_object", "requestor eq {\"a\":1}"),
    ("undefined_alias", "status eq @s"),
    (
        "several_errors",
        "stauts eq 'Pending' or status eq 'Done' or creationDateTimeUtc ge '2024-01-01'",
    ),
];

#[test]
fn validation_error_renderings() {
    for (name, input) in FILTER_ERRORS {
        let errors =
            validate_text(input, machine_actions(), &ValidateOptions::default()).expect_err(input);
        let rendered: Vec<String> = errors
            .as_slice()
            .iter()
            .map(|e| format!("kind: {:?}\n{e}", e.kind()))
            .collect();
        insta::assert_snapshot!(*name, rendered.join("\n"), input);
    }
}

#[test]
fn query_error_renderings() {
    let cases: &[(&str, &str)] = &[
        (
            "top_limit_exceeded",
            "$filter=status eq 'Pending'&$top=20000",
        ),
        ("orderby_not_filterable", "$orderby=computerDnsName desc"),
        ("select_unknown", "$select=id,stauts"),
        ("expand_unsupported", "$expand=commands"),
        ("filter_and_top_together", "$filter=status+eq+3&$top=10001"),
    ];
    for (name, qs) in cases {
        let errors = Query::from_query_string(qs, machine_actions()).expect_err(qs);
        let rendered: Vec<String> = errors
            .as_slice()
            .iter()
            .map(|e| format!("kind: {:?}\n{e}", e.kind()))
            .collect();
        insta::assert_snapshot!(*name, rendered.join("\n"), qs);
    }
}

#[test]
fn mde_json_bodies() {
    let cases: &[(&str, &str)] = &[
        ("json_top_limit", "$top=20000"),
        ("json_unknown_option", "$stop=2"),
        (
            "json_two_errors",
            "$filter=computerDnsName eq 'x' and status eq 'Done'",
        ),
    ];
    for (name, qs) in cases {
        let errors = Query::from_query_string(qs, machine_actions()).expect_err(qs);
        insta::assert_snapshot!(*name, mde_error_body(&errors, None), qs);
    }
    let errors = Query::from_query_string("$top=20000", machine_actions()).unwrap_err();
    let body: serde_json::Value = serde_json::from_str(&mde_error_body(
        &errors,
        Some("5f3c5a1e-7a61-4a4f-8a0b-3c2f1d0e9b8a"),
    ))
    .unwrap();
    assert_eq!(
        body["error"]["target"],
        "5f3c5a1e-7a61-4a4f-8a0b-3c2f1d0e9b8a"
    );
    assert_eq!(body["error"]["code"], "ODataError");
}

#[test]
fn machines_errors() {
    let errors = Query::from_query_string(
        "$filter=machineTags/any(t: t eq 1) and riskScore eq 'Hgh'",
        machines(),
    )
    .unwrap_err();
    let rendered: Vec<String> = errors.as_slice().iter().map(|e| e.to_string()).collect();
    insta::assert_snapshot!("machines_errors", rendered.join("\n"));
}

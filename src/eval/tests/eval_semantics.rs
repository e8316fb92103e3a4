//! `docs/semantics.md` §6 end to end: filter text → parse → validate → evaluate, by both the interpreter and the
//! compiled filter, on JSON and typed records.

use crate::eval::interp::evaluate_at;
use crate::mde::machine_actions;
use crate::validate::{validate_text, ValidateOptions};
use serde_json::{json, Value as Json};

fn now() -> chrono::DateTime<chrono::FixedOffset> {
    chrono::DateTime::parse_from_rfc3339("2024-06-01T00:00:00Z").unwrap()
}

/// The three-valued outcome of `filter` on `record`; asserts that the interpreter and the compiled
/// filter agree.
fn outcome(filter: &str, record: &Json) -> Option<bool> {
    let opts = ValidateOptions::default().allow_all_properties(true);
    let f =
        validate_text(filter, machine_actions(), &opts).unwrap_or_else(|e| panic!("{filter}: {e}"));
    let compiled = crate::eval::compile::CompiledFilter::with_now(&f, now());
    let a = evaluate_at(&f, record, &now());
    let b = compiled.evaluate(record);
    assert_eq!(
        a, b,
        "interpreter and compiled disagree on {filter} for {record}"
    );
    a
}

fn matches(filter: &str, record: &Json) -> bool {
    outcome(filter, record) == Some(true)
}

fn base() -> Json {
    json!({
        "id": "69dc3630-1ccc-4342-acf3-35286eec741d",
        "type": "Isolate",
        "title": null,
        "requestor": "Analyst@contoso.com",
        "status": "Succeeded",
        "machineId": "f46b9bb259ed4a7fb9981b73510e3cc7aa81ec1f",
        "computerDnsName": "desktop-39g9tgl",
        "creationDateTimeUtc": "2024-01-01T10:00:00.1234567+02:00",
        "errorHResult": -2147024894,
        "scope": "Full",
        "commands": []
    })
}

#[test]
fn null_logic_truth_tables() {
    let r = base();
    // T, F and N (null: a function of a null property) as Boolean operands.
    let t = "startswith(requestor,'Analyst')";
    let f = "startswith(requestor,'Nobody')";
    let n = "startswith(title,'x')";
    assert_eq!(outcome(t, &r), Some(true));
    assert_eq!(outcome(f, &r), Some(false));
    assert_eq!(outcome(n, &r), None);
    let vals = [(t, Some(true)), (f, Some(false)), (n, None)];
    for (a, va) in vals {
        for (b, vb) in vals {
            let and = match (va, vb) {
                (Some(false), _) | (_, Some(false)) => Some(false),
                (Some(true), Some(true)) => Some(true),
                _ => None,
            };
            let or = match (va, vb) {
                (Some(true), _) | (_, Some(true)) => Some(true),
                (Some(false), Some(false)) => Some(false),
                _ => None,
            };
            assert_eq!(outcome(&format!("{a} and {b}"), &r), and, "{a} and {b}");
            assert_eq!(outcome(&format!("{a} or {b}"), &r), or, "{a} or {b}");
        }
        assert_eq!(outcome(&format!("not {a}"), &r), va.map(|v| !v), "not {a}");
    }
    // A record matches only when the filter is true.
    assert!(!matches(&format!("not {n}"), &r));
    assert!(!matches(n, &r));
}

#[test]
fn comparisons_with_null() {
    let r = base();
    assert!(matches("title eq null", &r));
    assert!(!matches("title ne null", &r));
    assert!(matches("null eq title", &r));
    assert!(!matches("requestor eq null", &r));
    assert!(matches("requestor ne null", &r));
    for op in ["gt", "ge", "lt", "le"] {
        assert!(!matches(&format!("title {op} 'a'"), &r), "title {op} 'a'");
        // The comparison is false, not null, so its negation matches.
        assert!(
            matches(&format!("not (title {op} 'a')"), &r),
            "not (title {op} 'a')"
        );
    }
    // A missing property is null.
    let mut missing = base();
    missing.as_object_mut().unwrap().remove("machineId");
    assert!(matches("machineId eq null", &missing));
    assert!(!matches(
        "machineId eq 'f46b9bb259ed4a7fb9981b73510e3cc7aa81ec1f'",
        &missing
    ));
    assert!(matches(
        "machineId ne 'f46b9bb259ed4a7fb9981b73510e3cc7aa81ec1f'",
        &missing
    ));
}

#[test]
fn every_operator_per_type() {
    let r = base();
    let cases: &[(&str, [bool; 6])] = &[
        // value compared:                eq     ne    gt     ge     lt     le
        (
            "requestor OP 'Analyst@contoso.com'",
            [true, false, false, true, false, true],
        ),
        (
            "requestor OP 'analyst@contoso.com'",
            [false, true, false, false, true, true],
        ),
        (
            "requestor OP 'Analyst'",
            [false, true, true, true, false, false],
        ),
        (
            "status OP 'Succeeded'",
            [true, false, false, true, false, true],
        ),
        (
            "status OP 'InProgress'",
            [false, true, true, true, false, false],
        ),
        (
            "status OP 'Cancelled'",
            [false, true, false, false, true, true],
        ),
        (
            "type OP 'Offboard'",
            [false, true, true, true, false, false],
        ),
        (
            "id OP 69dc3630-1ccc-4342-acf3-35286eec741d",
            [true, false, false, true, false, true],
        ),
        (
            "id OP '69dc3630-1ccc-4342-acf3-35286eec741e'",
            [false, true, false, false, true, true],
        ),
        // 10:00+02:00 is 08:00Z.
        (
            "creationDateTimeUtc OP 2024-01-01T08:00:00.1234567Z",
            [true, false, false, true, false, true],
        ),
        (
            "creationDateTimeUtc OP 2024-01-01T09:00:00.1234567+01:00",
            [true, false, false, true, false, true],
        ),
        (
            "creationDateTimeUtc OP 2024-01-01T08:00:00.12345671Z",
            [false, true, false, false, true, true],
        ),
        (
            "creationDateTimeUtc OP 2024-01-01T08:00:00.1234566Z",
            [false, true, true, true, false, false],
        ),
        (
            "creationDateTimeUtc OP 2024-01-01",
            [false, true, true, true, false, false],
        ),
        (
            "errorHResult OP -2147024894",
            [true, false, false, true, false, true],
        ),
        ("errorHResult OP 0", [false, true, false, false, true, true]),
    ];
    for (template, expected) in cases {
        for (op, want) in ["eq", "ne", "gt", "ge", "lt", "le"].iter().zip(expected) {
            let filter = template.replace("OP", op);
            assert_eq!(matches(&filter, &r), *want, "{filter}");
        }
    }
}

#[test]
fn strings_are_ordinal_and_case_sensitive() {
    let mut r = base();
    r["title"] = json!("Ünïcode Title ✓");
    assert!(matches("contains(title,'✓')", &r));
    assert!(!matches("contains(title,'title')", &r));
    assert!(matches("contains(tolower(title),'title')", &r));
    assert!(matches("startswith(title,'Ü')", &r));
    assert!(matches("length(title) eq 15", &r));
    assert!(matches("indexof(title,'T') eq 8", &r));
    assert!(matches("substring(title,8) eq 'Title ✓'", &r));
    assert!(matches("substring(title,8,5) eq 'Title'", &r));
    assert!(matches("toupper(title) eq 'ÜNÏCODE TITLE ✓'", &r));
    assert!(matches("concat(scope,'!') eq 'Full!'", &r));
    assert!(matches("trim(concat(' ',scope)) eq 'Full'", &r));
    assert!(matches("contains(title,'')", &r));
    assert!(
        matches("title gt 'Z'", &r),
        "Ü sorts after Z by scalar value"
    );
    r["title"] = json!("");
    assert!(matches("length(title) eq 0", &r));
    assert!(matches("startswith(title,'')", &r));
    assert!(!matches("contains(title,'a')", &r));
}

#[test]
fn date_parts_use_the_values_own_offset() {
    let mut r = base();
    r["creationDateTimeUtc"] = json!("2024-01-01T01:30:15.25+14:00");
    assert!(matches("year(creationDateTimeUtc) eq 2024", &r));
    assert!(matches(
        "month(creationDateTimeUtc) eq 1 and day(creationDateTimeUtc) eq 1",
        &r
    ));
    assert!(matches(
        "hour(creationDateTimeUtc) eq 1 and minute(creationDateTimeUtc) eq 30",
        &r
    ));
    assert!(matches("second(creationDateTimeUtc) eq 15", &r));
    assert!(matches(
        "fractionalseconds(creationDateTimeUtc) eq 0.25",
        &r
    ));
    assert!(matches(
        "totaloffsetminutes(creationDateTimeUtc) eq 840",
        &r
    ));
    assert!(matches("date(creationDateTimeUtc) eq 2024-01-01", &r));
    assert!(
        matches("creationDateTimeUtc lt 2024-01-01T00:00:00Z", &r),
        "instant is 2023-12-31T11:30Z"
    );
    assert!(matches("creationDateTimeUtc lt now()", &r));
    assert!(matches(
        "creationDateTimeUtc lt maxdatetime() and creationDateTimeUtc gt mindatetime()",
        &r
    ));
    // A malformed date-time in data is null, not an error.
    r["creationDateTimeUtc"] = json!("yesterday");
    assert_eq!(
        outcome("year(creationDateTimeUtc) eq 2024", &r),
        Some(false)
    );
    assert!(matches("creationDateTimeUtc eq null", &r));
}

#[test]
fn checked_arithmetic_makes_overflow_null() {
    let mut r = base();
    r["errorHResult"] = json!(2147483647);
    assert!(matches("errorHResult add 1 eq 2147483648", &r));
    assert!(!matches("errorHResult mul 9223372036854775807 gt 0", &r));
    assert!(!matches("errorHResult mul 9223372036854775807 le 0", &r));
    assert!(matches("errorHResult mul 9223372036854775807 eq null", &r));
    assert!(!matches(
        "errorHResult div (errorHResult sub 2147483647) eq 0",
        &r
    ));
    assert!(matches(
        "errorHResult mod (errorHResult sub 2147483647) eq null",
        &r
    ));
    assert!(matches("errorHResult div 2 eq 1073741823", &r));
    assert!(matches("errorHResult divby 2 eq 1073741823.5", &r));
    assert!(matches("-errorHResult eq -2147483647", &r));
}

#[test]
fn wrong_json_types_are_null_never_a_panic() {
    let mut r = base();
    r["status"] = json!(42);
    r["requestor"] = json!({"upn": "x"});
    r["id"] = json!("not-a-guid");
    r["errorHResult"] = json!("12");
    r["commands"] = json!("none");
    assert!(matches("status eq null", &r));
    assert!(!matches("status eq 'Succeeded'", &r));
    assert!(matches("requestor eq null", &r));
    assert!(!matches("id eq 69dc3630-1ccc-4342-acf3-35286eec741d", &r));
    assert!(!matches("errorHResult eq 12", &r));
    assert!(!matches("commands/any()", &r));
    assert!(matches("commands/all(c: c/index eq 99)", &r));
}

#[test]
fn in_is_a_set_test() {
    let r = base();
    assert!(matches("status in ('Pending','Succeeded')", &r));
    assert!(!matches("status in ('Pending','Failed')", &r));
    assert!(!matches("status in ()", &r));
    assert!(matches("requestor in ('x','Analyst@contoso.com')", &r));
    assert!(matches("title in ('x', null)", &r));
    assert!(!matches("title in ('x')", &r));
    let many: Vec<String> = (0..9_999)
        .map(|i| format!("'{:08x}-0000-4000-8000-000000000000'", i))
        .chain(["'69dc3630-1ccc-4342-acf3-35286eec741d'".to_string()])
        .collect();
    // Longer than the default 8 KiB `$filter` limit: parse with generous limits.
    let text = format!("id in ({})", many.join(","));
    let parser = crate::Parser::new().limits(crate::Limits::generous(1 << 20));
    let expr = parser.parse(&text).unwrap();
    let f =
        crate::validate::validate(&expr, machine_actions(), &ValidateOptions::default()).unwrap();
    assert!(f.compile().matches(&r));
    assert!(f.matches(&r));
    let mut other = r.clone();
    other["id"] = json!("69dc3630-1ccc-4342-acf3-35286eec741e");
    assert!(!f.compile().matches(&other));
}

#[test]
fn lambdas_over_commands() {
    let live = serde_json::to_value(
        crate::mde::sample::machine_actions(400, 2)
            .into_iter()
            .find(|a| a.commands.len() >= 2)
            .unwrap(),
    )
    .unwrap();
    let status = live["commands"][0]["commandStatus"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(matches(
        &format!("commands/any(c: c/commandStatus eq '{status}')"),
        &live
    ));
    assert!(matches("commands/any()", &live));
    assert!(matches("commands/all(c: c/index ge 0)", &live));
    assert!(!matches("commands/all(c: c/index eq 0)", &live));
    assert!(matches("commands/any(c: c/index eq 1)", &live));
    assert!(matches("commands/$count ge 2", &live));
    assert!(matches(
        "commands/any(c: c/command/params/any(p: p/key ne '' and c/index ge 0))",
        &live
    ));
    let empty = base();
    assert!(!matches("commands/any()", &empty));
    assert!(!matches("commands/any(c: c/index eq 0)", &empty));
    assert!(matches("commands/all(c: c/index eq 0)", &empty));
    assert!(matches("commands/$count eq 0", &empty));
}

#[test]
fn typed_and_json_records_agree_on_real_queries() {
    let records = crate::mde::sample::machine_actions(2000, 4);
    let opts = ValidateOptions::default().allow_all_properties(true);
    for filter in [
        "status eq 'Succeeded' and type eq 'Isolate' and creationDateTimeUtc ge 2024-06-01T00:00:00Z",
        "startswith(requestor,'a') or contains(computerDnsName,'srv')",
        "relatedFileInfo/fileIdentifierType eq 'Sha256'",
        "cancellationDateTimeUtc ne null and scope eq null",
        "commands/any(c: c/command/type eq 'GetFile')",
        "status gt 'Succeeded' or errorHResult lt 0",
        "year(lastUpdateDateTimeUtc) eq 2024 and machineId in ('x', null)",
    ] {
        let f = validate_text(filter, machine_actions(), &opts).unwrap();
        let c = f.compile();
        let typed: Vec<usize> = c.matching_indices(&records);
        let json: Vec<Json> = records.iter().map(|r| serde_json::to_value(r).unwrap()).collect();
        assert_eq!(typed, c.matching_indices(&json), "{filter}");
        let interp: Vec<usize> = (0..records.len()).filter(|&i| f.matches(&records[i])).collect();
        assert_eq!(typed, interp, "{filter}");
    }
}

#[test]
fn other_functions_end_to_end() {
    let mut r = base();
    r["lastUpdateDateTimeUtc"] = json!("2024-01-01T08:01:30.6234567Z");
    assert!(matches(
        "cast(errorHResult, Edm.String) eq '-2147024894'",
        &r
    ));
    assert!(matches("cast(status, Edm.String) eq 'Succeeded'", &r));
    assert!(matches("isof(requestor, Edm.String)", &r));
    assert!(
        !matches("isof(title, Edm.String)", &r),
        "null is of no type"
    );
    assert!(matches("round(errorHResult divby 4) eq -536756224", &r));
    assert!(matches("floor(errorHResult divby 4) eq -536756224", &r));
    assert!(matches("ceiling(errorHResult divby 4) eq -536756223", &r));
    assert!(matches("round(2.5) eq 3 and round(-2.5) eq -3", &r));
    assert!(matches("time(creationDateTimeUtc) eq 10:00:00.1234567", &r));
    assert!(matches(
        "totalseconds(lastUpdateDateTimeUtc sub creationDateTimeUtc) eq 90.5",
        &r
    ));
    assert!(matches(
        "creationDateTimeUtc add duration'PT1M30.5S' eq lastUpdateDateTimeUtc",
        &r
    ));
    assert!(matches(
        "creationDateTimeUtc add duration'P1D' lt now()",
        &r
    ));
    assert!(matches(
        "concat(concat(requestor,'/'),scope) eq 'Analyst@contoso.com/Full'",
        &r
    ));
    assert!(matches("status has 'Succeeded'", &r));
    // Functions of null are null; comparisons with them are false.
    for f in [
        "length(title) eq 0",
        "tolower(title) eq ''",
        "indexof(title,'a') eq -1",
        "substring(title,0) eq ''",
        "trim(title) eq ''",
        "concat(title,'x') eq 'x'",
        "year(cancellationDateTimeUtc) eq 2024",
        "round(cast(title, Edm.Double)) eq 0",
    ] {
        assert_eq!(outcome(f, &r), Some(false), "{f}");
        assert_eq!(outcome(&format!("not ({f})"), &r), Some(true), "not ({f})");
    }
}

//! The `check` subcommand's contract (shared/spec/CLI.md): exit codes, stdout and stderr shapes.

use std::process::Command;

fn check(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_odata-filter"))
        .arg("check")
        .args(args)
        .output()
        .expect("run odata-filter");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn valid_query_prints_the_normalized_url_encoded_query_string() {
    let (code, out, err) = check(&[
        "$filter=Status+eq+'Succeeded'+AND+creationDateTimeUtc+ge+2018-08-01Z&$top=2&$orderby=CreationDateTimeUtc desc",
    ]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        out,
        "$filter=status%20eq%20%27Succeeded%27%20and%20creationDateTimeUtc%20ge%202018-08-01T00:00:00Z&$orderby=creationDateTimeUtc%20desc&$top=2\n"
    );
    assert_eq!(err, "");
}

#[test]
fn percent_encoded_input_gives_the_same_output() {
    let (code, out, _) = check(&["%24filter=status%20eq%20%27Pending%27&%24top=2"]);
    assert_eq!(code, 0);
    assert_eq!(out, "$filter=status%20eq%20%27Pending%27&$top=2\n");
}

#[test]
fn invalid_query_exits_2_with_carets_on_stderr() {
    let (code, out, err) = check(&["$filter=status eq 3&$top=20000"]);
    assert_eq!(code, 2);
    assert_eq!(out, "");
    assert!(err.contains("for operator kind 'Equal'"), "{err}");
    assert!(err.contains("  | status eq 3\n  | ^^^^^^^^^^^\n"), "{err}");
    assert!(
        err.contains("The limit of '10000' for Top query has been exceeded."),
        "{err}"
    );
}

#[test]
fn json_flag_prints_mde_error_body_on_stdout() {
    let (code, out, err) = check(&["$filter=computerDnsName eq 'x'", "--json"]);
    assert_eq!(code, 2);
    assert_eq!(err, "");
    let body: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(body["error"]["code"], "ODataError");
    assert_eq!(
        body["error"]["message"],
        "The query specified in the URI is not valid. The property 'computerDnsName' cannot be used in the $filter query option."
    );
}

#[test]
fn entity_flag_selects_machines() {
    let q = "$filter=computerDnsName eq 'srv-01' and machineTags/any(t: t eq 'prod')";
    let (code, out, _) = check(&[q, "--entity", "machines"]);
    assert_eq!(code, 0);
    assert_eq!(
        out,
        "$filter=computerDnsName%20eq%20%27srv-01%27%20and%20machineTags/any(t:%20t%20eq%20%27prod%27)\n"
    );
    let (code, _, err) = check(&[q]);
    assert_eq!(code, 2);
    assert!(
        err.contains("cannot be used in the $filter query option"),
        "{err}"
    );
}

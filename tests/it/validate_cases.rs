//! Data-driven validation cases: `tests/data/validate_cases.txt` (format described at its top).

use odata_filter::mde::machine_actions;
use odata_filter::validate::{validate_text, ValidateOptions};
use odata_filter::ErrorKind;

fn kind_from_name(name: &str) -> ErrorKind {
    match name {
        "Syntax" => ErrorKind::Syntax,
        "InvalidLiteral" => ErrorKind::InvalidLiteral,
        "ArgumentCount" => ErrorKind::ArgumentCount,
        "InvalidLambda" => ErrorKind::InvalidLambda,
        "UndefinedAlias" => ErrorKind::UndefinedAlias,
        "UnknownProperty" => ErrorKind::UnknownProperty,
        "PropertyNotFilterable" => ErrorKind::PropertyNotFilterable,
        "TypeMismatch" => ErrorKind::TypeMismatch,
        "UnknownEnumMember" => ErrorKind::UnknownEnumMember,
        "Unsupported" => ErrorKind::Unsupported,
        "Overflow" => ErrorKind::Overflow,
        "UnknownType" => ErrorKind::UnknownType,
        other => panic!("unknown error kind {other} in the case file"),
    }
}

/// `Kind:text` or `Kind:@N:text` → (kind, start, end) in `filter`.
fn expected_error(filter: &str, spec: &str) -> (ErrorKind, usize, usize) {
    let (kind, rest) = spec.split_once(':').expect("Kind:text");
    let (start, text) = match rest.strip_prefix('@').and_then(|r| r.split_once(':')) {
        Some((n, text)) => (n.parse::<usize>().expect("offset"), text),
        None => (
            filter
                .find(rest)
                .unwrap_or_else(|| panic!("'{rest}' does not occur in '{filter}'")),
            rest,
        ),
    };
    assert_eq!(
        &filter[start..start + text.len()],
        text,
        "bad offset in {spec}"
    );
    (kind_from_name(kind), start, start + text.len())
}

#[test]
fn machine_action_cases() {
    let data = include_str!("../data/validate_cases.txt");
    let set = machine_actions();
    let (mut ok_cases, mut err_cases, mut failures) = (0, 0, Vec::new());
    for (n, line) in data.lines().enumerate() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let fields: Vec<&str> = line.split('\t').collect();
        assert_eq!(
            fields.len(),
            3,
            "line {}: three TAB-separated fields",
            n + 1
        );
        let (mode, filter, expected) = (fields[0], fields[1], fields[2]);
        let (outcome, flavour) = mode.split_once('-').unwrap_or((mode, ""));
        let options = match flavour {
            "" => ValidateOptions::default(),
            "all" => ValidateOptions::default().allow_all_properties(true),
            "strict" => ValidateOptions::default().strict_case(true),
            other => panic!("line {}: unknown flavour {other}", n + 1),
        };
        let result = validate_text(filter, set, &options);
        match (outcome, result) {
            ("ok", Ok(typed)) => {
                ok_cases += 1;
                let want = if expected == "=" { filter } else { expected };
                let printed = typed.to_string();
                if printed != want {
                    failures.push(format!(
                        "line {}: {filter}\n  printed  {printed}\n  expected {want}",
                        n + 1
                    ));
                    continue;
                }
                match validate_text(&printed, set, &options) {
                    Ok(again) if again == typed => {}
                    Ok(_) => failures.push(format!(
                        "line {}: {printed} re-validates to another tree",
                        n + 1
                    )),
                    Err(e) => failures.push(format!(
                        "line {}: {printed} does not re-validate:\n{e}",
                        n + 1
                    )),
                }
            }
            ("ok", Err(e)) => failures.push(format!("line {}: {filter} rejected:\n{e}", n + 1)),
            ("err", Ok(typed)) => {
                failures.push(format!("line {}: {filter} accepted as {typed}", n + 1))
            }
            ("err", Err(errors)) => {
                err_cases += 1;
                let want: Vec<(ErrorKind, usize, usize)> = expected
                    .split(" | ")
                    .map(|s| expected_error(filter, s))
                    .collect();
                let got: Vec<(ErrorKind, usize, usize)> = errors
                    .as_slice()
                    .iter()
                    .map(|e| (e.kind(), e.span().start, e.span().end))
                    .collect();
                if got != want {
                    failures.push(format!(
                        "line {}: {filter}\n  got      {got:?}\n  expected {want:?}\n{errors}",
                        n + 1
                    ));
                }
                for e in errors.as_slice() {
                    assert_eq!(e.source_text(), filter, "errors point into the filter");
                }
            }
            (other, _) => panic!("line {}: unknown outcome {other}", n + 1),
        }
    }
    assert!(
        failures.is_empty(),
        "{} failing cases:\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
    assert!(
        ok_cases + err_cases >= 150,
        "only {} cases",
        ok_cases + err_cases
    );
    println!("{ok_cases} valid and {err_cases} invalid cases");
}

//! No input makes `query` panic: generated query strings (valid and invalid, with extreme literals)
//! end in exit 0 with a JSON body or exit 2 with an error, over typed records and over JSON records.

use std::io::Write;
use std::process::{Command, Stdio};

use proptest::prelude::*;

/// Where `query` reads its records.
enum DataSource {
    Generated { records: usize, seed: u64 },
    Stdin,
}

fn atom() -> impl Strategy<Value = String> {
    let cmp = prop::sample::select(vec!["eq", "ne", "gt", "ge", "lt", "le"]);
    let strings = prop::sample::select(vec![
        "machineId",
        "requestor",
        "tolower(requestor)",
        "substring(requestor,1)",
        "concat(machineId,requestor)",
        "trim(requestor)",
    ]);
    let str_lits = prop::sample::select(vec![
        "''",
        "'x''y'",
        "'f46b9bb259ed4a7fb9981b73510e3cc7aa81ec1f'",
        "null",
        "@a",
        "'é✓'",
    ]);
    let nums = prop::sample::select(vec![
        "length(requestor)",
        "year(creationDateTimeUtc)",
        "second(creationDateTimeUtc)",
        "totaloffsetminutes(creationDateTimeUtc)",
        "indexof(requestor,'a')",
        "fractionalseconds(creationDateTimeUtc)",
    ]);
    let num_lits = prop::sample::select(vec![
        "0",
        "-1",
        "9223372036854775807",
        "-9223372036854775808",
        "1.5",
        "1e308",
        "INF",
        "-INF",
        "NaN",
        "0.0",
        "79228162514264337593543950335",
        "null",
    ]);
    let arith = prop::sample::select(vec!["add", "sub", "mul", "div", "mod", "divby"]);
    let dates = prop::sample::select(vec![
        "2024-01-01T00:00:00Z",
        "2018-08-01Z",
        "2024-01-01T00:00:00.123456789012+14:00",
        "2024-02-29",
        "null",
        "now()",
        "maxdatetime()",
        "mindatetime()",
        "2024-06-01T00:00:00Z add duration'P1D'",
        "now() sub duration'P99999D'",
    ]);
    prop_oneof![
        (
            prop::sample::select(vec!["status", "type"]),
            cmp.clone(),
            prop::sample::select(vec![
                "'Succeeded'",
                "'Isolate'",
                "'Pending'",
                "'Nope'",
                "null",
                "'LiveResponse'"
            ])
        )
            .prop_map(|(p, o, l)| format!("{p} {o} {l}")),
        (strings.clone(), cmp.clone(), str_lits.clone())
            .prop_map(|(p, o, l)| format!("{p} {o} {l}")),
        (
            prop::sample::select(vec!["contains", "startswith", "endswith", "matchesPattern"]),
            strings.clone(),
            str_lits.clone()
        )
            .prop_map(|(f, p, l)| format!("{f}({p},{l})")),
        (
            nums.clone(),
            arith,
            num_lits.clone(),
            cmp.clone(),
            num_lits.clone()
        )
            .prop_map(|(n, a, l, o, m)| format!("{n} {a} {l} {o} {m}")),
        (
            prop::sample::select(vec!["round", "floor", "ceiling"]),
            nums,
            cmp.clone(),
            num_lits
        )
            .prop_map(|(f, n, o, l)| format!("{f}({n} divby 7) {o} {l}")),
        (cmp.clone(), dates.clone()).prop_map(|(o, d)| format!("creationDateTimeUtc {o} {d}")),
        (dates, cmp.clone()).prop_map(|(d, o)| format!("{d} {o} creationDateTimeUtc")),
        (
            cmp,
            prop::sample::select(vec![
                "69dc3630-1ccc-4342-acf3-35286eec741d",
                "'69dc3630-1ccc-4342-acf3-35286eec741d'",
                "null"
            ])
        )
            .prop_map(|(o, g)| format!("id {o} {g}")),
        (
            prop::sample::select(vec!["status", "requestor", "id"]),
            prop::collection::vec(str_lits, 0..4)
        )
            .prop_map(|(p, ls)| format!("{p} in ({})", ls.join(","))),
        // Anything at all (mostly invalid).
        "[ -~]{0,40}",
    ]
}

fn filter() -> impl Strategy<Value = String> {
    atom().prop_recursive(3, 12, 3, |inner| {
        prop_oneof![
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("{a} and {b}")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("({a}) or {b}")),
            inner.prop_map(|a| format!("not ({a})")),
        ]
    })
}

fn query() -> impl Strategy<Value = String> {
    (
        filter(),
        prop::option::of(0u64..20),
        prop::option::of(0u64..300),
        prop::option::of(prop::sample::select(vec![
            "status desc",
            "requestor,id",
            "title",
            "creationDateTimeUtc asc,type desc",
            "year(creationDateTimeUtc)",
        ])),
        any::<bool>(),
        prop::option::of(prop::sample::select(vec!["id,status", "*", "title"])),
    )
        .prop_map(|(f, top, skip, order, count, select)| {
            let mut q = format!("$filter={f}&@a='Pending'");
            if let Some(t) = top {
                q.push_str(&format!("&$top={t}"));
            }
            if let Some(s) = skip {
                q.push_str(&format!("&$skip={s}"));
            }
            if let Some(o) = order {
                q.push_str(&format!("&$orderby={o}"));
            }
            if count {
                q.push_str("&$count=true");
            }
            if let Some(s) = select {
                q.push_str(&format!("&$select={s}"));
            }
            q
        })
}

fn run(q: &str, data: DataSource, stdin: &[u8]) -> (u8, Vec<u8>) {
    let (code, out, _) = run_with(q, data, stdin, true);
    (code, out)
}

fn run_with(q: &str, data: DataSource, stdin: &[u8], skip_invalid: bool) -> (u8, Vec<u8>, String) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_odata-filter"));
    cmd.args(["query", q, "--json"]);
    if skip_invalid {
        cmd.arg("--skip-invalid");
    }
    match data {
        DataSource::Generated { records, seed } => {
            cmd.args([
                "--records",
                &records.to_string(),
                "--seed",
                &seed.to_string(),
            ]);
        }
        DataSource::Stdin => {
            cmd.args(["--data", "-"]);
        }
    }
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run odata-filter");
    // An invalid query exits before reading: a broken pipe is no failure.
    let _ = child.stdin.take().expect("stdin").write_all(stdin);
    let out = child.wait_with_output().expect("wait for odata-filter");
    (
        out.status.code().unwrap_or(-1) as u8,
        out.stdout,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

proptest! {
    #![proptest_config(crate::proptest_config(300))]

    #[test]
    fn query_never_panics(q in query(), seed in 0u64..4) {
        let (code, out) = run(&q, DataSource::Generated { records: 150, seed }, b"");
        prop_assert!(code == 0 || code == 2, "{q}: exit {code}");
        // Either way stdout is JSON (the response, or MDE's error body with --json).
        let body: serde_json::Value = serde_json::from_slice(&out).unwrap();
        if code == 0 {
            prop_assert!(body["value"].is_array());
        } else {
            prop_assert_eq!(&body["error"]["code"], "ODataError");
        }
    }

    #[test]
    fn query_over_odd_json_never_panics(q in query()) {
        let data = br#"[{"id": 5, "status": "Nope", "type": ["Isolate"], "machineId": {"a": 1},
            "requestor": null, "creationDateTimeUtc": "2024-13-45T99:00:00Z", "title": 1e308},
            {"status": "Succeeded", "creationDateTimeUtc": "2024-01-01T00:00:00-23:59"}, {}]"#;
        // Skipping the records that do not fit the type: the response, or MDE's error body.
        let (code, out) = run(&q, DataSource::Stdin, data);
        prop_assert!(code == 0 || code == 2, "{q}: exit {code}");
        let _: serde_json::Value = serde_json::from_slice(&out).unwrap();
        // Without --skip-invalid the first bad record is an error (exit 1) naming its place.
        let (code, out, err) = run_with(&q, DataSource::Stdin, data, false);
        prop_assert!(code == 1 || code == 2, "{q}: exit {code}");
        if code == 1 {
            prop_assert!(out.is_empty());
            prop_assert!(err.starts_with("error: <stdin>:1:"), "{err}");
        }
    }
}

//! The streaming data path (`odata_filter::data`, `query --data`): the same answers as in memory,
//! bounded memory, bad records reported with their place, paging by nextLink.

use std::io::Read;

use odata_filter::data::{query_reader, Format, ReadOptions};
use odata_filter::mde::machine_actions as set;
use odata_filter::mde::sample::{machine_actions, Generator};
use odata_filter::mde::MachineAction;
use odata_filter::query::{Query, ValidatedQuery};
use proptest::prelude::*;

fn query(qs: &str) -> ValidatedQuery {
    Query::from_query_string(qs, set()).unwrap()
}

fn jsonl(records: &[MachineAction]) -> String {
    records
        .iter()
        .map(|a| serde_json::to_string(a).unwrap() + "\n")
        .collect()
}

fn options(format: Format, threads: usize) -> ReadOptions {
    ReadOptions {
        name: "t".into(),
        format,
        skip_invalid: false,
        threads,
    }
}

fn query_strategy() -> impl Strategy<Value = String> {
    let filter = prop_oneof![
        Just(String::new()),
        Just("$filter=status eq 'Succeeded'&".to_string()),
        Just("$filter=type eq 'Isolate' or type eq 'LiveResponse'&".to_string()),
        Just(
            "$filter=creationDateTimeUtc ge 2024-04-01T00:00:00Z and startswith(requestor,'a')&"
                .to_string()
        ),
        Just("$filter=machineId eq null or status in ('Failed','Cancelled')&".to_string()),
    ];
    let orderby = prop_oneof![
        Just(String::new()),
        Just("$orderby=requestor&".to_string()),
        Just("$orderby=status desc,creationDateTimeUtc&".to_string()),
        Just("$orderby=machineId desc,id&".to_string()),
        Just("$orderby=tolower(requestor) desc&".to_string()),
    ];
    let top = prop_oneof![Just(None), (0u64..40).prop_map(Some)];
    let skip = prop_oneof![Just(None), (0u64..300).prop_map(Some)];
    let select = prop_oneof![Just(""), Just("$select=id,status&")];
    (filter, orderby, top, skip, select, any::<bool>()).prop_map(|(f, o, t, s, sel, count)| {
        let mut q = format!("{f}{o}{sel}");
        if let Some(t) = t {
            q.push_str(&format!("$top={t}&"));
        }
        if let Some(s) = s {
            q.push_str(&format!("$skip={s}&"));
        }
        if count {
            q.push_str("$count=true&");
        }
        q.trim_end_matches('&').to_string()
    })
}

proptest! {
    #![proptest_config(crate::proptest_config(48))]

    /// Streamed (JSONL and JSON array, one or three workers) = in memory, byte for byte.
    #[test]
    fn streaming_equals_in_memory(qs in query_strategy(), n in 0usize..1500, seed in 0u64..3, threads in 1usize..4) {
        let records = machine_actions(n, seed);
        let q = query(&qs);
        let expected = serde_json::to_string_pretty(&q.response(&records)).unwrap();
        let text = jsonl(&records);
        let array = format!("[{}]", text.trim_end().replace('\n', ","));
        for (input, format) in [(&text, Format::JsonLines), (&text, Format::Auto), (&array, Format::Auto)] {
            if n == 0 && input == &text {
                continue; // empty input is an error; `[]` is zero records
            }
            let out = query_reader::<MachineAction, _>(&q, input.as_bytes(), &options(format, threads)).unwrap();
            let got = serde_json::to_string_pretty(&out.response(&q)).unwrap();
            prop_assert_eq!(&got, &expected, "{} {:?}", qs, format);
        }
        // The iterator API too.
        let streamed = q.execute_iter(records.iter().cloned());
        let in_memory = q.execute(&records);
        prop_assert_eq!(streamed.matched(), in_memory.matched());
        prop_assert_eq!(streamed.page().iter().collect::<Vec<_>>(), in_memory.page().to_vec());
    }
}

/// Every property filterable (not MDE's set): complex values, collections, integers and Guids are
/// read from the streaming path's raw JSON and agree with the typed records in memory.
#[test]
fn all_properties_read_as_in_memory() {
    use odata_filter::schema::EntitySet;
    use odata_filter::typed::Structured;
    let set = EntitySet::builder("machineactions", MachineAction::structured_type().clone())
        .all_filterable()
        .build()
        .unwrap();
    let records = machine_actions(1200, 2);
    let text = jsonl(&records);
    for qs in [
        "$filter=commands/any(c: c/commandStatus eq 'Completed') or relatedFileInfo/fileIdentifierType eq 'Sha1'",
        "$filter=commands/all(c: c/index lt 2 and c/errors/any(e: contains(e, 'a')))",
        "$filter=errorHResult eq 0 and title ne null and scope eq null",
        "$filter=lastUpdateDateTimeUtc lt 2024-06-01T00:00:00Z and id ne 80000000-0000-0000-0000-000000000000",
        "$orderby=relatedFileInfo/fileIdentifier desc,errorHResult,lastUpdateDateTimeUtc,id&$top=30",
        "$orderby=cancellationDateTimeUtc desc,computerDnsName,id&$top=30&$skip=5",
    ] {
        let q = Query::from_query_string(qs, &set).unwrap();
        let expected = serde_json::to_string(&q.response(&records)).unwrap();
        for threads in [1, 2] {
            let out = query_reader::<MachineAction, _>(&q, text.as_bytes(), &options(Format::JsonLines, threads)).unwrap();
            assert!(out.matched > 0, "{qs}");
            assert_eq!(
                serde_json::to_string(&out.response(&q)).unwrap(),
                expected,
                "{qs}"
            );
        }
    }
}

/// JSON Lines generated on the fly: the input is never in memory as a whole.
struct GeneratedJsonl {
    generator: std::iter::Take<Generator>,
    pending: Vec<u8>,
    at: usize,
    produced: u64,
}

impl Read for GeneratedJsonl {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.at == self.pending.len() {
            self.pending.clear();
            self.at = 0;
            match self.generator.next() {
                Some(a) => {
                    serde_json::to_writer(&mut self.pending, &a)?;
                    self.pending.push(b'\n');
                }
                None => return Ok(0),
            }
        }
        let n = buf.len().min(self.pending.len() - self.at);
        buf[..n].copy_from_slice(&self.pending[self.at..self.at + n]);
        self.at += n;
        self.produced += n as u64;
        Ok(n)
    }
}

#[test]
fn memory_stays_bounded_for_a_fixed_page() {
    let n = 60_000;
    let q = query("$filter=status ne 'Pending'&$top=5&$skip=3&$count=true");
    let mut input = GeneratedJsonl {
        generator: Generator::new(9).take(n),
        pending: Vec::new(),
        at: 0,
        produced: 0,
    };
    let out =
        query_reader::<MachineAction, _>(&q, &mut input, &options(Format::JsonLines, 2)).unwrap();
    assert_eq!(out.stats.records, n);
    assert!(input.produced > 40_000_000, "{} bytes", input.produced);
    // No worker ever held more than the page (skip + top), and the input went through in chunks of
    // a few MiB: dozens of them, none near the input's size.
    assert!(out.stats.max_retained <= 8, "{:?}", out.stats);
    assert!(out.stats.chunks >= 10, "{:?}", out.stats);
    assert!(out.stats.max_chunk_bytes <= 4 << 20, "{:?}", out.stats);
    assert_eq!(out.page.len(), 5);
    // The same page as in memory.
    let records = machine_actions(n, 9);
    let expected: Vec<String> = q
        .execute(&records)
        .page()
        .iter()
        .map(|r| r.id.to_string())
        .collect();
    let got: Vec<String> = out
        .page
        .iter()
        .map(|r| r.json()["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(got, expected);
    assert_eq!(out.matched, q.execute(&records).matched());
}

#[test]
fn the_service_may_omit_last_update() {
    let mut r = serde_json::to_value(&machine_actions(1, 1)[0]).unwrap();
    r.as_object_mut().unwrap().remove("lastUpdateDateTimeUtc");
    let a: MachineAction = serde_json::from_value(r).unwrap();
    assert_eq!(a.last_update_date_time_utc, None);
}

/// Runs `query --data <dir>/<file>` with `contents`; returns the exit status, stdout and stderr
/// (the directory written as `<dir>`).
fn cli_data(file: &str, contents: &str, qs: &str, skip_invalid: bool) -> (u8, String, String) {
    let dir = crate::ScratchDir::new("data");
    let path = dir.join(file);
    std::fs::write(&path, contents).unwrap();
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_odata-filter"));
    cmd.args(["query", qs, "--data"]).arg(&path);
    if skip_invalid {
        cmd.arg("--skip-invalid");
    }
    let output = cmd.output().expect("run odata-filter");
    let (code, out, err) = (
        output.status.code().unwrap_or(-1) as u8,
        output.stdout,
        output.stderr,
    );
    let err = String::from_utf8_lossy(&err).replace(&dir.path().display().to_string(), "<dir>");
    (code, String::from_utf8_lossy(&out).into_owned(), err)
}

fn lines_with(n: usize, line: usize, from: &str, to: &str) -> String {
    let text = jsonl(&machine_actions(n, 2));
    let mut lines: Vec<String> = text.lines().map(String::from).collect();
    assert!(lines[line - 1].contains(from), "{from}");
    lines[line - 1] = lines[line - 1].replacen(from, to, 1);
    lines.join("\n") + "\n"
}

#[test]
fn bad_records_name_file_line_column_and_property() {
    let pretty_bad_guid = {
        let records = machine_actions(3, 2);
        let mut v = serde_json::to_value(&records).unwrap();
        v[2]["id"] = "not-a-guid".into();
        serde_json::to_string_pretty(&v).unwrap()
    };
    let envelope_bad_type = {
        let mut v = serde_json::to_value(machine_actions(2, 2)).unwrap();
        v[1]["requestor"] = 5.into();
        serde_json::json!({"@odata.context": "x", "value": v}).to_string()
    };
    let cases: Vec<(&str, &str, String)> = vec![
        (
            "bad_enum_member",
            "a.jsonl",
            lines_with(5, 3, "\"status\":\"", "\"status\":\"Done"),
        ),
        (
            "bad_date_time",
            "a.jsonl",
            lines_with(
                3,
                2,
                "\"creationDateTimeUtc\":\"20",
                "\"creationDateTimeUtc\":\"x20",
            ),
        ),
        (
            "missing_required",
            "a.jsonl",
            lines_with(3, 1, "\"requestor\":", "\"requestorX\":"),
        ),
        ("nested_property", "a.jsonl", {
            let records = machine_actions(40, 2);
            let i = records.iter().position(|r| !r.commands.is_empty()).unwrap();
            lines_with(40, i + 1, "\"commandStatus\":\"", "\"commandStatus\":\"Z")
        }),
        ("bad_guid_in_pretty_array", "a.json", pretty_bad_guid),
        ("wrong_type_in_response_body", "a.json", envelope_bad_type),
        (
            "syntax_error",
            "a.jsonl",
            lines_with(2, 2, "\"type\":", "\"type\" "),
        ),
        (
            "array_in_jsonl",
            "a.jsonl",
            format!(
                "[{}]\n",
                jsonl(&machine_actions(2, 2)).trim_end().replace('\n', ",")
            ),
        ),
        ("empty_jsonl", "a.jsonl", String::new()),
        ("empty_json", "a.json", "\n  \n".into()),
        ("not_objects", "a.json", "[1, 2]".into()),
        (
            "unclosed_array",
            "a.json",
            format!("[{}", jsonl(&machine_actions(1, 2)).trim_end()),
        ),
    ];
    for (name, file, contents) in cases {
        let (code, out, err) = cli_data(file, &contents, "$top=1", false);
        assert_eq!(code, 1, "{name}: {err}");
        assert!(out.is_empty(), "{name}");
        insta::assert_snapshot!(format!("bad_data_{name}"), err);
    }
}

#[test]
fn skip_invalid_reports_the_count() {
    let text = lines_with(6, 2, "\"status\":\"", "\"status\":\"X");
    let text = text.replacen("\"type\":\"", "\"type\":\"Y", 1); // line 1 too
    let (code, out, err) = cli_data("s.jsonl", &text, "$count=true&$top=0", true);
    assert_eq!(code, 0, "{err}");
    let body: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(body["@odata.count"], 4);
    insta::assert_snapshot!("skip_invalid_warning", err);
}

#[test]
fn output_is_the_record_as_read() {
    // Unknown properties, their order and escapes survive (the page is the input's text, parsed).
    let mut r = serde_json::to_value(&machine_actions(1, 2)[0]).unwrap();
    r["extra"] = serde_json::json!({"z": 1, "a": "caf\u{e9}"});
    let text = format!("{}\n", serde_json::to_string(&r).unwrap());
    let (code, out, err) = cli_data("o.jsonl", &text, "$top=1", false);
    assert_eq!(code, 0, "{err}");
    let body: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(body["value"][0], r);
}

#[test]
fn next_links_page_through_the_whole_result() {
    let records = machine_actions(23_456, 4);
    let first = "$filter=status ne 'Pending'&$orderby=requestor,id&$count=true";
    let all = query(&format!("{first}&$top=10000"));
    let mut expected: Vec<&MachineAction> = records
        .iter()
        .filter(|r| r.status.name() != "Pending")
        .collect();
    expected.sort_by(|a, b| a.requestor.cmp(&b.requestor).then(a.id.cmp(&b.id)));
    assert!(expected.len() > 20_000);
    let mut got: Vec<String> = Vec::new();
    let mut qs = first.to_string();
    let mut pages = 0;
    loop {
        let body = query(&qs).response(&records);
        pages += 1;
        assert_eq!(body["@odata.count"], expected.len());
        let value = body["value"].as_array().unwrap();
        assert!(value.len() <= 10_000);
        got.extend(value.iter().map(|v| v["id"].as_str().unwrap().to_string()));
        match body.get("@odata.nextLink") {
            Some(link) => {
                let link = link.as_str().unwrap();
                let (base, rest) = link.split_once('?').unwrap();
                assert_eq!(
                    base,
                    "https://api.security.microsoft.com/api/machineactions"
                );
                assert!(
                    rest.contains("$count=true") && rest.contains("$orderby="),
                    "{link}"
                );
                qs = rest.to_string();
            }
            None => break,
        }
    }
    assert_eq!(pages, 3);
    let want: Vec<String> = expected.iter().map(|r| r.id.to_string()).collect();
    assert_eq!(got, want);
    // With an explicit $top, no nextLink (as MDE), however many remain.
    assert!(all.response(&records).get("@odata.nextLink").is_none());
    // On another host.
    let q = query("$filter=status ne 'Pending'").with_service_root("http://127.0.0.1:9000/api/");
    assert_eq!(
        q.response(&records)["@odata.nextLink"],
        "http://127.0.0.1:9000/api/machineactions?$filter=status%20ne%20%27Pending%27&$skip=10000"
    );
}

#[test]
fn skiptoken_and_non_json_format_are_errors() {
    for (qs, option) in [
        ("$skiptoken=abc", "SkipToken"),
        ("$format=xml", "Format"),
        ("$format=application/atom+xml", "Format"),
    ] {
        let err = Query::from_query_string(qs, set()).unwrap_err();
        assert_eq!(
            odata_filter::mde::wire_message(&err.as_slice()[0]),
            format!("Query option '{option}' is not allowed. To allow it, set the 'AllowedQueryOptions' property on EnableQueryAttribute or QueryValidationSettings."),
            "{qs}"
        );
    }
    for qs in [
        "$format=json",
        "$format=application/json;odata.metadata=minimal",
    ] {
        assert!(Query::from_query_string(qs, set()).is_ok(), "{qs}");
    }
}

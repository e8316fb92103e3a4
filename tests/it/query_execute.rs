//! Query execution: the docs' example, ordering, paging, `$count`, `$select`, and the `query` command.

use std::process::Command;

use odata_filter::mde;
use odata_filter::mde::sample::{machine_actions, DEFAULT_SEED};
use odata_filter::mde::MachineAction;
use odata_filter::query::Query;
use serde_json::{json, Value as Json};

fn query(qs: &str) -> odata_filter::query::ValidatedQuery {
    Query::from_query_string(qs, mde::machine_actions()).unwrap_or_else(|e| panic!("{qs}: {e}"))
}

/// The two actions of the docs' Example 2 response, in the full wire format.
fn docs_example_2_value() -> Json {
    json!([
        {
            "id": "69dc3630-1ccc-4342-acf3-35286eec741d",
            "type": "CollectInvestigationPackage",
            "title": null,
            "requestor": "Analyst@contoso.com",
            "requestorComment": "test",
            "status": "Succeeded",
            "machineId": "f46b9bb259ed4a7fb9981b73510e3cc7aa81ec1f",
            "computerDnsName": "desktop-39g9tgl",
            "creationDateTimeUtc": "2018-12-04T12:43:57.2011911Z",
            "lastUpdateDateTimeUtc": "2018-12-04T12:45:25.4049122Z",
            "cancellationRequestor": null,
            "cancellationComment": null,
            "cancellationDateTimeUtc": null,
            "errorHResult": 0,
            "scope": null,
            "externalId": null,
            "requestSource": null,
            "relatedFileInfo": null,
            "commands": [],
            "troubleshootInfo": null
        },
        {
            "id": "2e9da30d-27f6-4208-81f2-9cd3d67893ba",
            "type": "RunAntiVirusScan",
            "title": null,
            "requestor": "Analyst@contoso.com",
            "requestorComment": "Check machine for viruses due to alert 3212",
            "status": "Succeeded",
            "machineId": "f46b9bb259ed4a7fb9981b73510e3cc7aa81ec1f",
            "computerDnsName": "desktop-39g9tgl",
            "creationDateTimeUtc": "2018-12-04T12:18:27.1293487Z",
            "lastUpdateDateTimeUtc": "2018-12-04T12:18:57.5511934Z",
            "cancellationRequestor": null,
            "cancellationComment": null,
            "cancellationDateTimeUtc": null,
            "errorHResult": 0,
            "scope": "Full",
            "externalId": null,
            "requestSource": null,
            "relatedFileInfo": null,
            "commands": [],
            "troubleshootInfo": null
        }
    ])
}

#[test]
fn docs_example_2_returns_the_two_latest_actions() {
    let records = machine_actions(10_000, DEFAULT_SEED);
    let q = query("$filter=machineId eq 'f46b9bb259ed4a7fb9981b73510e3cc7aa81ec1f'&$top=2");
    let body = q.response(&records);
    assert_eq!(
        body,
        json!({
            "@odata.context": "https://api.security.microsoft.com/api/$metadata#MachineActions",
            "value": docs_example_2_value()
        })
    );
    // The key order is the wire order.
    let text = serde_json::to_string(&body).unwrap();
    assert!(text.starts_with(r#"{"@odata.context":"https://api.security.microsoft.com/api/$metadata#MachineActions","value":[{"id":"69dc3630-1ccc-4342-acf3-35286eec741d","type":"CollectInvestigationPackage","title":null,"requestor""#));
    // The same over JSON records, and with the third action behind them.
    let json: Vec<Json> = records
        .iter()
        .map(|r| serde_json::to_value(r).unwrap())
        .collect();
    assert_eq!(q.response(&json), body);
    let all = query("$filter=machineId eq 'f46b9bb259ed4a7fb9981b73510e3cc7aa81ec1f'&$count=true");
    let r = all.execute(&records);
    assert_eq!(r.matched(), 3);
    assert_eq!(
        r.page()[2].id.to_string(),
        "44cffc15-0e3d-4cbf-96aa-bf76f9b27f5e"
    );
}

#[test]
fn typed_records_round_trip_the_wire_format() {
    for r in machine_actions(500, 8) {
        let text = serde_json::to_string(&r).unwrap();
        let back: MachineAction = serde_json::from_str(&text).unwrap();
        assert_eq!(back, r);
        assert_eq!(serde_json::to_string(&back).unwrap(), text);
    }
}

fn ids(page: &[&MachineAction]) -> Vec<String> {
    page.iter().map(|r| r.id.to_string()).collect()
}

#[test]
fn default_order_is_newest_first_ties_by_id() {
    let mut records = machine_actions(3000, 2);
    // Force ties on creation time.
    let t = records[10].creation_date_time_utc;
    for r in records.iter_mut().skip(11).take(5) {
        r.creation_date_time_utc = t;
    }
    let q = query("$top=10000");
    let page = q.execute(&records).page().to_vec();
    assert_eq!(page.len(), records.len());
    for w in page.windows(2) {
        let (a, b) = (w[0], w[1]);
        assert!(
            a.creation_date_time_utc > b.creation_date_time_utc
                || (a.creation_date_time_utc == b.creation_date_time_utc && a.id < b.id),
            "{a:?} before {b:?}"
        );
    }
}

#[test]
fn pages_concatenate_to_the_full_ordered_result() {
    let records = machine_actions(2500, 4);
    for (orderby, filter) in [
        ("", "status ne 'Pending'"),
        (
            "&$orderby=requestor,creationDateTimeUtc desc",
            "type eq 'Isolate' or type eq 'LiveResponse'",
        ),
        (
            "&$orderby=status desc,id",
            "creationDateTimeUtc ge 2024-03-01T00:00:00Z",
        ),
        ("&$orderby=machineId", "true"),
        (
            "&$orderby=type",
            "status in ('Failed','TimeOut','Cancelled')",
        ),
    ] {
        let full = query(&format!("$filter={filter}{orderby}&$count=true")).execute(&records);
        assert!(full.matched() > 0, "{filter}");
        assert_eq!(full.page().len(), full.matched().min(10_000));
        for size in [13usize, 250, 999] {
            let mut pages = Vec::new();
            let mut skip = 0;
            loop {
                let r = query(&format!(
                    "$filter={filter}{orderby}&$top={size}&$skip={skip}"
                ))
                .execute(&records);
                assert_eq!(r.matched(), full.matched());
                if r.page().is_empty() {
                    break;
                }
                assert!(r.page().len() <= size);
                pages.extend_from_slice(r.page());
                skip += size;
            }
            assert_eq!(ids(&pages), ids(full.page()), "{filter}{orderby} by {size}");
        }
    }
}

#[test]
fn orderby_orders_and_nulls_sort_first() {
    let records = machine_actions(2000, 6);
    let page = query("$orderby=machineId&$top=5000")
        .execute(&records)
        .page()
        .to_vec();
    let keys: Vec<Option<&str>> = page.iter().map(|r| r.machine_id.as_deref()).collect();
    assert!(keys[0].is_none(), "nulls first ascending");
    assert!(keys.windows(2).all(|w| w[0] <= w[1]));
    let page = query("$orderby=status desc&$top=5000")
        .execute(&records)
        .page()
        .to_vec();
    let st: Vec<_> = page.iter().map(|r| r.status).collect();
    assert!(
        st.windows(2).all(|w| w[0] >= w[1]),
        "enum order is the declared order"
    );
}

#[test]
fn top_skip_count_select() {
    let records = machine_actions(1000, 1);
    let body = query("$filter=status eq 'Failed'&$count=true&$top=3&$skip=1&$select=status,id")
        .response(&records);
    assert_eq!(
        body["@odata.context"],
        "https://api.security.microsoft.com/api/$metadata#MachineActions(id,status)"
    );
    let failed = records
        .iter()
        .filter(|r| r.status.name() == "Failed")
        .count();
    assert_eq!(body["@odata.count"], json!(failed));
    let value = body["value"].as_array().unwrap();
    assert_eq!(value.len(), 3);
    for v in value {
        let keys: Vec<&String> = v.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["id", "status"]);
    }
    let none = query("$top=0&$count=true").response(&records);
    assert_eq!(none["value"], json!([]));
    assert_eq!(none["@odata.count"], json!(1000));
    let past = query("$skip=5000").execute(&records);
    assert!(past.page().is_empty());
    let no_count = query("$top=1").response(&records);
    assert!(no_count.get("@odata.count").is_none());
}

#[test]
fn a_large_page_holds_indices_of_matching_records_newest_first() {
    let records = machine_actions(100_000, 12);
    let q = query("$filter=status eq 'Succeeded' and type eq 'Isolate'&$top=100&$count=true");
    let r = q.execute(&records);
    assert_eq!(r.page().len(), 100);
    let matches =
        |a: &MachineAction| a.status.name() == "Succeeded" && a.action_type.name() == "Isolate";
    let expected = records.iter().filter(|a| matches(a)).count();
    assert_eq!(r.matched(), expected);
    // The page borrows the input's records: each is a matching record, in the default order
    // (creationDateTimeUtc descending, then id).
    assert!(r.page().iter().all(|a| matches(a)));
    assert!(r.page().iter().all(|a| records
        .as_ptr_range()
        .contains(&(*a as *const MachineAction))));
    let keys: Vec<_> = r
        .page()
        .iter()
        .map(|a| (std::cmp::Reverse(a.creation_date_time_utc), a.id))
        .collect();
    assert!(
        keys.windows(2).all(|w| w[0] <= w[1]),
        "not in the default order"
    );
}

fn cli(args: &[&str], stdin: Option<&str>) -> (i32, String, String) {
    use std::io::Write;
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_odata-filter"));
    cmd.args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    {
        let mut input = child.stdin.take().unwrap();
        if let Some(s) = stdin {
            input.write_all(s.as_bytes()).unwrap();
        }
    }
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn cli_query_default_data_answers_the_docs_example() {
    let (code, out, err) = cli(
        &[
            "query",
            "$filter=machineId+eq+%27f46b9bb259ed4a7fb9981b73510e3cc7aa81ec1f%27&$top=2",
        ],
        None,
    );
    assert_eq!(code, 0, "{err}");
    let body: Json = serde_json::from_str(&out).unwrap();
    assert_eq!(body["value"], docs_example_2_value());
}

#[test]
fn cli_query_exit_codes() {
    let (code, out, err) = cli(&["query", "$filter=status eq 'Done'"], None);
    assert_eq!(code, 2);
    assert!(out.is_empty());
    assert!(err.contains("^"), "{err}");
    let (code, out, _) = cli(&["query", "$stop=2", "--json"], None);
    assert_eq!(code, 2);
    let body: Json = serde_json::from_str(&out).unwrap();
    assert_eq!(body["error"]["code"], "ODataError");
    let dir = crate::ScratchDir::new("exit-codes");
    let bad = dir.join("bad.jsonl");
    let good = serde_json::to_string(&machine_actions(1, 1)[0]).unwrap();
    std::fs::write(&bad, format!("{good}\n\n{{\"status\": Failed}}\n")).unwrap();
    let (code, out, err) = cli(&["query", "$top=1", "--data", bad.to_str().unwrap()], None);
    assert_eq!(code, 1);
    assert!(out.is_empty());
    assert!(err.contains("bad.jsonl:3:"), "{err}");
    let missing = dir.join("missing.json");
    let (code, _, err) = cli(
        &["query", "$top=1", "--data", missing.to_str().unwrap()],
        None,
    );
    assert_eq!(code, 1);
    assert!(err.contains("missing.json"), "{err}");
}

#[test]
fn cli_query_reads_files_and_stdin() {
    let dir = crate::ScratchDir::new("files-and-stdin");
    // Whole MachineActions (records are checked against the entity type), with these ids, statuses
    // and creation times.
    let record = |id: &str, status: &str, created: &str| {
        let mut r = serde_json::to_value(&machine_actions(1, 5)[0]).unwrap();
        r["id"] = json!(id);
        r["status"] = json!(status);
        r["creationDateTimeUtc"] = json!(created);
        r
    };
    let records = vec![
        record(
            "00000000-0000-4000-8000-000000000001",
            "Failed",
            "2024-01-01T00:00:00Z",
        ),
        record(
            "00000000-0000-4000-8000-000000000002",
            "Pending",
            "2024-01-02T00:00:00Z",
        ),
        record(
            "00000000-0000-4000-8000-000000000003",
            "Cancelled",
            "2024-01-03T00:00:00Z",
        ),
    ];
    let array = dir.join("a.json");
    std::fs::write(&array, serde_json::to_string(&records).unwrap()).unwrap();
    let lines = dir.join("a.jsonl");
    let jsonl: String = records.iter().map(|r| format!("{r}\n")).collect();
    std::fs::write(&lines, &jsonl).unwrap();
    let wrapped = dir.join("b.json");
    std::fs::write(&wrapped, json!({"value": records}).to_string()).unwrap();
    for path in [&array, &lines, &wrapped] {
        let (code, out, err) = cli(
            &[
                "query",
                "$filter=status ne 'Failed'&$count=true",
                "--data",
                path.to_str().unwrap(),
            ],
            None,
        );
        assert_eq!(code, 0, "{err}");
        let body: Json = serde_json::from_str(&out).unwrap();
        assert_eq!(body["@odata.count"], 2, "{path:?}");
        // Newest first.
        assert_eq!(
            body["value"][0]["id"],
            "00000000-0000-4000-8000-000000000003"
        );
        assert_eq!(
            body["value"][1]["id"],
            "00000000-0000-4000-8000-000000000002"
        );
    }
    let (code, out, _) = cli(&["query", "$top=1", "--data", "-"], Some(&jsonl));
    assert_eq!(code, 0);
    let body: Json = serde_json::from_str(&out).unwrap();
    assert_eq!(
        body["value"][0]["id"],
        "00000000-0000-4000-8000-000000000003"
    );
    let (code, _, err) = cli(&["query", "$top=1", "--data", "-"], Some("[1, 2]"));
    assert_eq!(code, 1);
    assert!(err.contains("<stdin>"), "{err}");
}

#[test]
fn cli_query_records_and_seed() {
    let (code, out, _) = cli(
        &[
            "query",
            "$count=true&$top=1",
            "--records",
            "50",
            "--seed",
            "9",
        ],
        None,
    );
    assert_eq!(code, 0);
    let body: Json = serde_json::from_str(&out).unwrap();
    assert_eq!(body["@odata.count"], 50);
    let (_, again, _) = cli(
        &[
            "query",
            "$count=true&$top=1",
            "--records",
            "50",
            "--seed",
            "9",
        ],
        None,
    );
    assert_eq!(out, again);
}

//! The command line over the SQL stores: `load` then `query --db` prints what `query --data`
//! prints, and date parts read a value's own offset on every path (typed, JSON, `--data`, SQLite).

use odata_filter::mde::machine_actions;
use serde_json::Value as Json;

use super::generate::records;
use super::pg_database;

fn cli(args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_odata-filter"))
        .args(args)
        .output()
        .unwrap()
}

/// `load` then `query --db` prints the bytes `query --data` prints, on both engines.
#[test]
fn cli_query_db_prints_the_in_memory_body() {
    let dir = std::env::temp_dir().join(format!("odata-sql-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let jsonl = dir.join("a.jsonl");
    let text: String = records().iter().map(|r| format!("{r}\n")).collect();
    std::fs::write(&jsonl, text).unwrap();
    let db = format!("sqlite:{}", dir.join("a.db").display());
    let _ = std::fs::remove_file(dir.join("a.db"));
    let mut urls = vec![db];
    urls.extend(pg_database("cli"));
    let jsonl_s = jsonl.to_str().unwrap();
    for url in &urls {
        let out = cli(&["load", "--db", url, jsonl_s]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        for q in [
            "$filter=status eq 'Failed'&$top=3&$count=true",
            "$filter=startswith(tolower(requestor),'a') or machineId eq null&$orderby=type desc,machineId&$top=50&$select=id,type",
            "$filter=year(creationDateTimeUtc) eq 2024 and hour(creationDateTimeUtc) lt 12&$count=true",
            "$skip=230",
            "$filter=requestor gt 'm'&$orderby=requestor",
        ] {
            let mem = cli(&["query", q, "--data", jsonl_s]);
            let sql = cli(&["query", q, "--db", url]);
            assert!(sql.status.success(), "{url}: {}", String::from_utf8_lossy(&sql.stderr));
            assert_eq!(
                String::from_utf8_lossy(&mem.stdout),
                String::from_utf8_lossy(&sql.stdout),
                "{url}: {q}"
            );
        }
        // Unsupported by the engine: exit 1 with a caret under the construct (decimal
        // arithmetic on both; matchesPattern on PostgreSQL, whose regular expressions differ).
        let mut unsupported = vec![(
            "$filter=status eq 'Failed' and length(requestor) divby 2 gt 1",
            "'divby' on these types (only Int64 arithmetic is) is not supported by ",
        )];
        if url.starts_with("postgres") {
            unsupported.push((
                "$filter=status eq 'Failed' and matchesPattern(requestor, 'a')",
                "matchesPattern() (its regular expressions differ from the engine's) is not supported by PostgreSQL",
            ));
        }
        for (q, message) in unsupported {
            let out = cli(&["query", q, "--db", url]);
            assert_eq!(out.status.code(), Some(1));
            let err = String::from_utf8_lossy(&out.stderr);
            assert!(err.contains(message), "{err}");
            assert!(err.contains("^^^^"), "{err}");
        }
    }
    let bad = dir.join("bad.jsonl");
    std::fs::write(&bad, "{\"id\":\"69dc3630-1ccc-4342-acf3-35286eec741d\"}\n").unwrap();
    let out = cli(&["load", "--db", &urls[0], bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("bad.jsonl:1: property 'type'"), "{err}");
    let _ = std::fs::remove_dir_all(dir);
}

/// A date-time written with its own offset (`-05:00`) is kept as written: the typed
/// `MachineAction` round-trips byte-exactly, and `year()`/`hour()` read the value's own offset on
/// the typed record, on the JSON record and through `query --data`, agreeing with the SQLite store.
/// (In UTC the value is 2024-01-01T04:59:59.9999999Z, so a UTC reading would answer 2024 and 4.)
#[test]
fn date_parts_read_the_values_own_offset_on_every_path() {
    use chrono::DateTime;
    use odata_filter::mde::MachineAction;
    use odata_filter::validate::{validate_text, ValidateOptions};
    const WRITTEN: &str = "2023-12-31T23:59:59.9999999-05:00";
    let mut action = odata_filter::mde::sample::machine_actions(1, 7).remove(0);
    action.creation_date_time_utc = DateTime::parse_from_rfc3339(WRITTEN).unwrap();
    action.last_update_date_time_utc =
        DateTime::parse_from_rfc3339("2024-01-01T05:00:00.0000001+00:30").ok();
    let text = serde_json::to_string(&action).unwrap();
    assert!(
        text.contains(&format!("\"creationDateTimeUtc\":\"{WRITTEN}\"")),
        "{text}"
    );
    assert!(
        text.contains("\"lastUpdateDateTimeUtc\":\"2024-01-01T05:00:00.0000001+00:30\""),
        "{text}"
    );
    let back: MachineAction = serde_json::from_str(&text).unwrap();
    assert_eq!(serde_json::to_string(&back).unwrap(), text);
    let json: Json = serde_json::from_str(&text).unwrap();

    let own = "year(creationDateTimeUtc) eq 2023 and hour(creationDateTimeUtc) eq 23";
    let utc = "year(creationDateTimeUtc) eq 2024 or hour(creationDateTimeUtc) eq 4";
    let compile = |f: &str| {
        validate_text(f, machine_actions(), &ValidateOptions::default())
            .unwrap()
            .compile()
    };
    assert!(compile(own).matches(&back));
    assert!(compile(own).matches(&json));
    assert!(!compile(utc).matches(&back));
    assert!(!compile(utc).matches(&json));

    let dir = std::env::temp_dir().join(format!("odata-sql-offset-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let jsonl = dir.join("a.jsonl");
    let mut utc_action = odata_filter::mde::sample::machine_actions(2, 7).remove(1);
    utc_action.creation_date_time_utc = DateTime::parse_from_rfc3339(WRITTEN)
        .unwrap()
        .to_utc()
        .fixed_offset();
    let lines = format!("{text}\n{}\n", serde_json::to_string(&utc_action).unwrap());
    std::fs::write(&jsonl, &lines).unwrap();
    let db = format!("sqlite:{}", dir.join("a.db").display());
    let _ = std::fs::remove_file(dir.join("a.db"));
    let jsonl_s = jsonl.to_str().unwrap();
    let out = cli(&["load", "--db", &db, jsonl_s]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for (q, expected_count) in [
        (format!("$filter={own}&$count=true"), 1),
        (format!("$filter={utc}&$count=true"), 1),
        ("$count=true".to_string(), 2),
    ] {
        let mem = cli(&["query", &q, "--data", jsonl_s]);
        assert!(
            mem.status.success(),
            "{}",
            String::from_utf8_lossy(&mem.stderr)
        );
        let mem_body = String::from_utf8_lossy(&mem.stdout).into_owned();
        let body: Json = serde_json::from_str(&mem_body).unwrap();
        assert_eq!(body["@odata.count"], expected_count, "{q}: {mem_body}");
        let sql = cli(&["query", &q, "--db", &db]);
        assert!(
            sql.status.success(),
            "{}",
            String::from_utf8_lossy(&sql.stderr)
        );
        assert_eq!(mem_body, String::from_utf8_lossy(&sql.stdout), "{q}");
    }
    let mem = cli(&["query", &format!("$filter={own}"), "--data", jsonl_s]);
    let body = String::from_utf8_lossy(&mem.stdout);
    assert!(body.contains(WRITTEN), "{body}");
    let _ = std::fs::remove_dir_all(dir);
}

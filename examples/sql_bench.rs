//! SQL back end vs the in-memory evaluator on N generated MachineActions (default 1,000,000):
//! a selective filter, a date range, a broad filter with `$orderby` and `$top=100`. Prints the
//! median time of each path and the ratios, and checks that every path gives the same body.
//! Driven by `benches/sql.sh` (which also starts PostgreSQL when `ODATA_PG_URL` is not set).
//!
//! cargo run --release --example sql_bench -- [N] [DIR]
use std::io::Write;
use std::time::{Duration, Instant};

use odata_filter::data::load_records;
use odata_filter::mde::machine_actions;
use odata_filter::query::Query;
use odata_filter::sql::store::Database;

fn median(mut f: impl FnMut() -> serde_json::Value, runs: usize) -> (Duration, serde_json::Value) {
    let mut times = Vec::new();
    let mut last = serde_json::Value::Null;
    for _ in 0..runs {
        let t = Instant::now();
        last = f();
        times.push(t.elapsed());
    }
    times.sort();
    (times[times.len() / 2], last)
}

fn main() {
    let mut args = std::env::args().skip(1);
    let n: usize = args
        .next()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1_000_000);
    let dir = std::path::PathBuf::from(args.next().unwrap_or_else(|| "target/sql-bench".into()));
    std::fs::create_dir_all(&dir).unwrap();
    let records =
        odata_filter::mde::sample::machine_actions(n, odata_filter::mde::sample::DEFAULT_SEED);
    let jsonl = dir.join(format!("actions-{n}.jsonl"));
    if !jsonl.exists() {
        let mut w = std::io::BufWriter::new(std::fs::File::create(&jsonl).unwrap());
        for r in &records {
            serde_json::to_writer(&mut w, r).unwrap();
            w.write_all(b"\n").unwrap();
        }
    }
    let set = machine_actions();
    let mut stores: Vec<(&str, Database)> = Vec::new();
    let db = dir.join(format!("actions-{n}.db"));
    let mut sqlite = Database::open(&format!("sqlite:{}", db.display()), set).unwrap();
    let mut loads = Vec::new();
    // Reuse a database from an earlier run only when it holds exactly the N records.
    let count = Query::from_query_string("$top=0&$count=true", set).unwrap();
    if sqlite.response(&count).unwrap()["@odata.count"] != serde_json::json!(n) {
        sqlite.clear().unwrap();
        let t = Instant::now();
        let f = std::fs::File::open(&jsonl).unwrap();
        sqlite
            .load_jsonl(std::io::BufReader::new(f), "jsonl")
            .unwrap();
        loads.push(format!("SQLite load of {n} records: {:.1?}", t.elapsed()));
        eprintln!("{}", loads.last().unwrap());
    }
    stores.push(("SQLite", sqlite));
    if let Ok(url) = std::env::var("ODATA_PG_URL") {
        let mut pg = Database::open(&url, set).unwrap();
        let t = Instant::now();
        pg.clear().unwrap();
        let f = std::fs::File::open(&jsonl).unwrap();
        pg.load_jsonl(std::io::BufReader::new(f), "jsonl").unwrap();
        loads.push(format!(
            "PostgreSQL load of {n} records (COPY): {:.1?}",
            t.elapsed()
        ));
        eprintln!("{}", loads.last().unwrap());
        stores.push(("PostgreSQL", pg));
    }
    let machine = records[n / 2].machine_id.clone().unwrap_or_default();
    let day = records[n / 2].creation_date_time_utc;
    let from = (day - chrono::Duration::hours(12)).format("%Y-%m-%dT%H:%M:%SZ");
    let to = (day + chrono::Duration::hours(12)).format("%Y-%m-%dT%H:%M:%SZ");
    let queries = [
        ("selective", format!("$filter=machineId eq '{machine}'")),
        ("date range", format!("$filter=creationDateTimeUtc ge {from} and creationDateTimeUtc lt {to}")),
        (
            "broad+orderby+top100",
            "$filter=status eq 'Succeeded' or type eq 'Isolate'&$orderby=requestor,creationDateTimeUtc desc&$top=100".to_string(),
        ),
    ];
    let t = Instant::now();
    let values = load_records(
        std::io::BufReader::new(std::fs::File::open(&jsonl).unwrap()),
        "jsonl",
        true,
    )
    .unwrap();
    let load = t.elapsed();
    println!(
        "| query | matches | in memory | JSONL load + query | {} |",
        stores.iter().map(|s| s.0).collect::<Vec<_>>().join(" | ")
    );
    println!("|---|---|---|---|{}", "---|".repeat(stores.len()));
    for (name, qs) in &queries {
        let q = Query::from_query_string(qs, set).unwrap();
        let (mem, body) = median(|| q.response(&records), 5);
        let (on_values, body_v) = median(|| q.response(&values), 3);
        assert_eq!(body, body_v, "{name}: typed and JSON records differ");
        let matches = q.execute(&records).matched();
        let mut cells = vec![
            format!("{mem:.2?}"),
            format!(
                "{:.2?} ({:.0}×)",
                load + on_values,
                (load + on_values).as_secs_f64() / mem.as_secs_f64()
            ),
        ];
        for (engine, store) in &mut stores {
            let (t, b) = median(|| store.response(&q).unwrap(), 5);
            assert_eq!(b, body, "{name}: {engine} differs");
            cells.push(format!(
                "{t:.2?} ({:.2}×)",
                t.as_secs_f64() / mem.as_secs_f64()
            ));
        }
        println!("| {name} | {matches} | {} |", cells.join(" | "));
    }
    println!("\n(× = time relative to the in-memory evaluator over records already in memory)");
    for l in &loads {
        println!("{l}");
    }
}

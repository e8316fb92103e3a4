//! The SQL back end against the evaluator, on real engines: SQLite (a file in a temp dir) and
//! PostgreSQL (the cluster named by `ODATA_PG_URL`, e.g. from `scripts/with-postgres.sh`; skipped
//! with a message when unset, required when `CI` or `ODATA_REQUIRE_SHARED` is set).
//!
//! Generated valid MachineAction queries (`generate`: every mapped operator and function, nested
//! and/or/not, `in` with nulls, date-times with offsets and 7-digit fractions, strings with quotes,
//! `%`, `_`, backslashes and non-ASCII, `$orderby`/`$top`/`$skip`) over records with nulls: the id
//! lists of the evaluator, SQLite and PostgreSQL are identical and in the same order
//! (`differential`; lambdas over a collection in `lambdas`). Also: values never change statement
//! text (`injection`), the command line's `query --db` against `query --data` (`cli`), and the
//! stores' upsert, layout check and page size (`stores`). This file holds what they share: the
//! stores and the id lists.
#![cfg(feature = "sqlite")]

mod cli;
mod differential;
mod generate;
mod injection;
mod lambdas;
mod stores;

use odata_filter::mde::machine_actions;
use odata_filter::query::ValidatedQuery;
use odata_filter::sql::store::Database;
use serde_json::Value as Json;

fn ids(records: &[Json]) -> Vec<String> {
    records
        .iter()
        .map(|r| r["id"].as_str().unwrap_or_default().to_string())
        .collect()
}

/// An OData string literal.
fn lit(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// A fresh PostgreSQL database for one test, or `None` (with a message) when `ODATA_PG_URL` is not
/// set; in CI (`CI` or `ODATA_REQUIRE_SHARED` set) a missing server is a failure.
#[cfg(feature = "postgres")]
pub fn pg_database(tag: &str) -> Option<String> {
    let Ok(url) = std::env::var("ODATA_PG_URL") else {
        if std::env::var_os("CI").is_some() || std::env::var_os("ODATA_REQUIRE_SHARED").is_some() {
            panic!("ODATA_PG_URL is not set, but CI requires the PostgreSQL tests (run them under scripts/with-postgres.sh)");
        }
        eprintln!("skipping the PostgreSQL part of {tag}: ODATA_PG_URL is not set (see scripts/with-postgres.sh)");
        return None;
    };
    let name = format!("odata_{tag}_{}", std::process::id());
    let mut c = postgres::Client::connect(&url, postgres::NoTls).expect("connect to ODATA_PG_URL");
    c.batch_execute(&format!("DROP DATABASE IF EXISTS {name}"))
        .unwrap();
    c.batch_execute(&format!(
        "CREATE DATABASE {name} ENCODING 'UTF8' TEMPLATE template0"
    ))
    .unwrap();
    let (base, query) = url.split_once('?').unwrap_or((&url, ""));
    let base = base.rsplit_once('/').map_or(base, |(b, _)| b);
    Some(if query.is_empty() {
        format!("{base}/{name}")
    } else {
        format!("{base}/{name}?{query}")
    })
}

#[cfg(not(feature = "postgres"))]
pub fn pg_database(tag: &str) -> Option<String> {
    eprintln!("skipping the PostgreSQL part of {tag}: built without the `postgres` feature");
    None
}

pub fn sqlite_store(tag: &str, records: &[Json]) -> (Database, std::path::PathBuf) {
    let dir = std::env::temp_dir().join(format!("odata-sql-{tag}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("t.db");
    let _ = std::fs::remove_file(&path);
    let mut s = Database::open(&format!("sqlite:{}", path.display()), machine_actions()).unwrap();
    s.insert(records, "records").unwrap();
    (s, dir)
}

fn evaluator_ids(q: &ValidatedQuery, records: &[Json]) -> Vec<String> {
    let r = q.execute(records);
    r.page()
        .iter()
        .map(|r| r["id"].as_str().unwrap_or_default().to_string())
        .collect()
}

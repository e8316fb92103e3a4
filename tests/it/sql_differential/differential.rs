//! The differential runner: generated queries on SQLite and PostgreSQL give the evaluator's ids,
//! in the same order (PostgreSQL may refuse only what it cannot express).

use std::cell::RefCell;

use odata_filter::mde::machine_actions;
use odata_filter::query::{Query, ValidatedQuery};
use odata_filter::sql::store::Database;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use serde_json::Value as Json;

use super::generate::{query_string, records};
use super::{evaluator_ids, ids, pg_database, sqlite_store};

#[test]
fn sql_agrees_with_the_evaluator_on_generated_queries() {
    let records = records();
    let (sqlite, dir) = sqlite_store("differential", &records);
    let pg = pg_database("differential").map(|url| {
        let mut s = Database::open(&url, machine_actions()).unwrap();
        s.insert(&records, "records").unwrap();
        s
    });
    let cases: u32 = std::env::var("ODATA_SQL_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(3000);
    differential(
        "differential",
        query_string(),
        cases,
        (sqlite, pg),
        &records,
        &dir,
        |qs| {
            // A generated combination the validator rejects (e.g. a type mismatch): not a case.
            let q = Query::from_query_string(qs, machine_actions()).ok()?;
            Some((q, qs.to_string()))
        },
    );
}

/// Runs `cases` inputs from `strategy` through `query` (`None`: the validator rejects the
/// generated input, not a case) and checks both engines against the evaluator over `records`
/// ([`engines_agree`]); removes `dir` at the end; at least 80% of the cases must be valid queries.
pub(super) fn differential<S: Strategy<Value = String>>(
    what: &str,
    strategy: S,
    cases: u32,
    stores: (Database, Option<Database>),
    records: &[Json],
    dir: &std::path::Path,
    query: impl Fn(&str) -> Option<(ValidatedQuery, String)>,
) {
    let stores = RefCell::new(stores);
    let checked = RefCell::new([0usize; 2]);
    let mut runner = TestRunner::new(Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    });
    let result = runner.run(&strategy, |input| {
        let Some((q, shown)) = query(&input) else {
            return Ok(());
        };
        let mut stores = stores.borrow_mut();
        let (sqlite, pg) = &mut *stores;
        engines_agree(
            sqlite,
            pg.as_mut(),
            &q,
            records,
            &shown,
            &mut checked.borrow_mut(),
        )
    });
    let _ = std::fs::remove_dir_all(dir);
    if let Err(e) = result {
        panic!("{e}");
    }
    let [s, p] = *checked.borrow();
    eprintln!("{what}: {s} queries on SQLite, {p} on PostgreSQL");
    assert!(
        s as f64 >= f64::from(cases) * 0.8,
        "too many generated queries were invalid: {s} of {cases}"
    );
}

/// What needs a function SQLite has registered (the crate's own `matchesPattern`, Unicode
/// `tolower`/`toupper`/`trim` of a computed string or a lambda variable): PostgreSQL answers
/// "not supported" — never a different result. Works on the filter and on the percent-encoded
/// query string.
/// Runs `q` on SQLite and on PostgreSQL (when there is one) and checks each gives the evaluator's
/// ids over `records`, in order; PostgreSQL may instead refuse what it cannot express
/// ([`pg_cannot`]), and must refuse nothing else. Counts the queries each engine answered.
fn engines_agree(
    sqlite: &mut Database,
    pg: Option<&mut Database>,
    q: &ValidatedQuery,
    records: &[Json],
    shown: &str,
    checked: &mut [usize; 2],
) -> Result<(), TestCaseError> {
    let expected = evaluator_ids(q, records);
    let (page, _) = sqlite
        .execute(q)
        .map_err(|e| TestCaseError::fail(format!("SQLite: {e}\n{shown}")))?;
    prop_assert_eq!(&ids(&page), &expected, "SQLite differs on {}", shown);
    checked[0] += 1;
    if let Some(pg) = pg {
        match pg.execute(q) {
            Ok((page, _)) => {
                prop_assert!(!pg_cannot(shown), "PostgreSQL ran {}", shown);
                prop_assert_eq!(&ids(&page), &expected, "PostgreSQL differs on {}", shown);
                checked[1] += 1;
            }
            Err(e) => prop_assert!(
                pg_cannot(shown) && e.to_string().contains("is not supported by PostgreSQL"),
                "PostgreSQL: {e}\n{shown}"
            ),
        }
    }
    Ok(())
}

fn pg_cannot(filter: &str) -> bool {
    let f = percent_encoding::percent_decode_str(filter).decode_utf8_lossy();
    f.contains("matchesPattern(")
        || ["tolower", "toupper", "trim"].iter().any(|n| {
            f.contains(&format!("{n}(concat("))
                || f.contains(&format!("{n}(t)"))
                || f.contains(&format!("{n}(u)"))
        })
}

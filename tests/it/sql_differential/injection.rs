//! Injection: hostile values in every literal position the compiler binds never change the
//! statement text; they travel as parameters.

use std::cell::RefCell;

use odata_filter::mde::machine_actions;
use odata_filter::query::Query;
use odata_filter::sql::Layout;
use odata_filter::sql::{compile_filter, compile_query, Dialect, Param, Postgres, Sqlite};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

use super::generate::records;
use super::{lit, sqlite_store};

/// Filters with a literal slot `{}`: every literal position the compiler binds.
const TEMPLATES: &[&str] = &[
    "requestor eq {}",
    "machineId ne {}",
    "requestor gt {}",
    "contains(machineId, {})",
    "startswith(requestor, {}) or endswith(machineId, {})",
    "indexof(requestor, {}) eq 2",
    "concat(machineId, {}) eq {}",
    "requestor in ({}, {}, null)",
    "tolower(requestor) eq tolower({})",
    "not (trim(machineId) le {})",
];

#[test]
fn values_never_change_statement_text() {
    let layout = Layout::new(machine_actions());
    let dialects: [&dyn Dialect; 2] = [&Sqlite, &Postgres];
    let records = records();
    let (sqlite, dir) = sqlite_store("injection", &records);
    let sqlite = RefCell::new(sqlite);
    let mut runner = TestRunner::new(Config {
        cases: 300,
        failure_persistence: None,
        ..Config::default()
    });
    let hostile = prop_oneof![
        any::<String>(),
        Just("'; DROP TABLE \"MachineActions\"; --".to_string()),
        Just("\0".to_string()),
        Just("%_\\".to_string()),
        Just("?1 $1 \"x\" ' '' \\'".to_string()),
    ];
    let result = runner.run(
        &(prop::sample::select(TEMPLATES), hostile.clone(), hostile),
        |(template, a, b)| {
            let make = |s: &str| {
                let f = template.replace("{}", &lit(s));
                let qs = format!(
                    "$filter={}",
                    percent_encoding::utf8_percent_encode(&f, percent_encoding::NON_ALPHANUMERIC)
                );
                Query::from_query_string(&qs, machine_actions())
            };
            let (Ok(qa), Ok(qb)) = (make(&a), make(&b)) else {
                return Ok(());
            };
            for d in dialects {
                let fa = compile_filter(qa.filter().unwrap(), &layout, d).unwrap();
                let fb = compile_filter(qb.filter().unwrap(), &layout, d).unwrap();
                prop_assert_eq!(&fa.sql, &fb.sql);
                let sa = compile_query(&qa, &layout, d).unwrap();
                let sb = compile_query(&qb, &layout, d).unwrap();
                prop_assert_eq!(&sa.select.sql, &sb.select.sql);
                prop_assert_eq!(&sa.count.sql, &sb.count.sql);
                // The value travels as a parameter (tolower() of a literal binds its lower case).
                let bound = |p: &[Param], s: &str| {
                    p.iter()
                        .any(|p| matches!(p, Param::Text(t) if t == s || *t == s.to_lowercase()))
                };
                prop_assert!(bound(&fa.params, &a) && bound(&fb.params, &b));
            }
            // And the engine runs it without complaint.
            prop_assert!(sqlite.borrow_mut().execute(&qa).is_ok());
            Ok(())
        },
    );
    let _ = std::fs::remove_dir_all(dir);
    if let Err(e) = result {
        panic!("{e}");
    }
}

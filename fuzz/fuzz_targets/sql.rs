//! Any query string the validator accepts compiles to SQL for both dialects without a panic (or is
//! an "… is not supported by …" error), compiling twice gives the same statement, and — the
//! differential part — an in-memory SQLite store answers it with the evaluator's page and count.
#![no_main]

use std::cell::RefCell;

use libfuzzer_sys::fuzz_target;
use odata_filter::error::ErrorKind;
use odata_filter::mde::{machine_actions, machines};
use odata_filter::query::Query;
use odata_filter::schema::EntitySet;
use odata_filter::sql::store::{Database, DatabaseError};
use odata_filter::sql::{compile_query, Layout, Dialect, Postgres, Sqlite};
use serde_json::Value;

/// A few records per entity set with nulls, odd strings and tags, loaded once per process.
fn records(set: &EntitySet) -> Vec<Value> {
    if set.name() == "Machines" {
        let tags = [
            serde_json::json!(["prod", "Prod", null]),
            serde_json::json!([]),
            Value::Null,
            serde_json::json!(["ß", 5, "a_b"]),
        ];
        (0..8)
            .map(|i| {
                let dns: Value = if i % 3 == 0 {
                    Value::Null
                } else {
                    format!("h{i}'%").into()
                };
                let health = ["Active", "Inactive"][i % 2];
                let risk = ["Low", "High"][i % 2];
                let group: Value = if i % 2 == 0 {
                    Value::Null
                } else {
                    (i as i64 * 1000).into()
                };
                let tag = tags[i % tags.len()].clone();
                serde_json::json!({
                    "id": format!("{:040x}", i + 1),
                    "computerDnsName": dns,
                    "healthStatus": health,
                    "riskScore": risk,
                    "exposureLevel": "Medium",
                    "onboardingStatus": "Onboarded",
                    "deviceValue": "Normal",
                    "rbacGroupId": group,
                    "machineTags": tag,
                })
            })
            .collect()
    } else {
        odata_filter::mde::sample::machine_actions(24, 5)
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let mut v = serde_json::to_value(r).unwrap();
                if i % 4 == 0 {
                    v["machineId"] = Value::Null;
                }
                if i % 5 == 0 {
                    v["requestor"] = "İß%_'\\ x".into();
                }
                v
            })
            .collect()
    }
}

thread_local! {
    static STORES: RefCell<Vec<(Database, Vec<Value>)>> = RefCell::new(
        [machine_actions(), machines()]
            .into_iter()
            .map(|set| {
                let mut s = Database::open("sqlite::memory:", set).unwrap();
                let r = records(set);
                s.insert(&r, "records").unwrap();
                (s, r)
            })
            .collect(),
    );
}

fuzz_target!(|data: &[u8]| {
    let Ok(input) = std::str::from_utf8(data) else {
        return;
    };
    for (i, set) in [machine_actions(), machines()].into_iter().enumerate() {
        let Ok(q) = Query::from_query_string(input, set) else {
            continue;
        };
        let layout = Layout::new(set);
        let dialects: [&dyn Dialect; 2] = [&Sqlite, &Postgres];
        for d in dialects {
            let a = compile_query(&q, &layout, d);
            match &a {
                Ok(a) => {
                    let b = compile_query(&q, &layout, d).ok();
                    assert_eq!(Some(&a.select.sql), b.as_ref().map(|b| &b.select.sql));
                }
                Err(e) => assert!(e
                    .iter()
                    .all(|e| e.kind() == ErrorKind::Unsupported
                        && e.message().ends_with(&format!("is not supported by {}", d.name())))),
            }
            let _ = layout.create_statements(d);
        }
        STORES.with(|stores| {
            let mut stores = stores.borrow_mut();
            let (store, records) = &mut stores[i];
            match store.response(&q) {
                Ok(body) => assert_eq!(body, q.response(records), "{input}"),
                Err(DatabaseError::Unsupported(_)) => {}
                Err(e) => panic!("{input}: {e}"),
            }
        });
    }
});

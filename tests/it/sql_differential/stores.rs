//! The stores themselves: `upsert` in place, a table from another layout refused at open, and an
//! entity set's page size applied in SQL as in the evaluator.

use odata_filter::mde::machine_actions;
use odata_filter::query::Query;
use odata_filter::sql::store::Database;
use serde_json::Value as Json;

use super::generate::records;
use super::{evaluator_ids, ids, pg_database, sqlite_store};

/// `upsert` replaces the record with the same id in place and appends new ones (the API the
/// emulator serves from).
#[test]
fn upsert_replaces_in_place() {
    let recs: Vec<Json> = records().into_iter().take(5).collect();
    let (mut store, dir) = sqlite_store("upsert", &recs);
    let mut changed = recs[2].clone();
    changed["status"] = "Cancelled".into();
    store.upsert(&changed).unwrap();
    let mut added = recs[0].clone();
    added["id"] = "00000000-0000-0000-0000-000000000001".into();
    store.upsert(&added).unwrap();
    let q = Query::from_query_string("$orderby=creationDateTimeUtc,id", machine_actions()).unwrap();
    let mut expected = recs.clone();
    expected[2] = changed;
    expected.push(added);
    let (page, matched) = store.execute(&q).unwrap();
    assert_eq!(matched, 6);
    assert_eq!(ids(&page), evaluator_ids(&q, &expected));
    assert_eq!(
        page.iter().filter(|r| r["status"] == "Cancelled").count(),
        expected
            .iter()
            .filter(|r| r["status"] == "Cancelled")
            .count()
    );
    let _ = std::fs::remove_dir_all(dir);
}

/// A table created by another version of the layout (here: without the `machineTags` column) is
/// refused when the store opens, with what to do, instead of failing on the first query.
#[test]
fn a_table_from_another_layout_is_refused_at_open() {
    let dir = std::env::temp_dir().join(format!("odata-sql-layout-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("old.db");
    let _ = std::fs::remove_file(&path);
    rusqlite::Connection::open(&path)
        .unwrap()
        .execute_batch(
            "CREATE TABLE \"Machines\" (\"@seq\" BIGINT PRIMARY KEY, \"@doc\" TEXT NOT NULL)",
        )
        .unwrap();
    let err = Database::open(
        &format!("sqlite:{}", path.display()),
        odata_filter::mde::machines(),
    )
    .unwrap_err()
    .to_string();
    assert!(
        err.contains("table Machines has the columns (@seq, @doc)"),
        "{err}"
    );
    assert!(err.contains("created by another version"), "{err}");
    let _ = std::fs::remove_dir_all(dir);
}

/// Without `$top`, a page is the entity set's page size (its `$top` cap) in SQL as in the evaluator:
/// a user's set capped at 2 answers 2 of its 5 records on both engines, and `$skip` counts from there.
#[test]
fn a_sets_page_size_limits_sql_as_the_evaluator() {
    use odata_filter::schema::{EdmType, EntitySet, StructuredType};
    let ty = StructuredType::entity("Ns", "Item")
        .property("id", EdmType::Guid)
        .property("creationDateTimeUtc", EdmType::DateTimeOffset)
        .build()
        .unwrap();
    let set = EntitySet::builder("Items", ty)
        .filterable(["id", "creationDateTimeUtc"])
        .default_order_key("creationDateTimeUtc", true)
        .top_cap(2)
        .build()
        .unwrap();
    let records: Vec<Json> = (1..=5)
        .map(|i| {
            serde_json::json!({
                "id": format!("00000000-0000-0000-0000-00000000000{i}"),
                "creationDateTimeUtc": format!("2024-01-0{i}T00:00:00Z"),
            })
        })
        .collect();
    let dir = std::env::temp_dir().join(format!("odata-sql-page-size-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("t.db");
    let _ = std::fs::remove_file(&path);
    let mut engines = vec![Database::open(&format!("sqlite:{}", path.display()), &set).unwrap()];
    if let Some(url) = pg_database("page_size") {
        engines.push(Database::open(&url, &set).unwrap());
    }
    for db in &mut engines {
        db.insert(&records, "records").unwrap();
    }
    for (qs, expected) in [("", ["5", "4"]), ("$skip=1", ["4", "3"])] {
        let q = Query::from_query_string(qs, &set).unwrap();
        let want: Vec<String> = expected
            .iter()
            .map(|d| format!("00000000-0000-0000-0000-00000000000{d}"))
            .collect();
        assert_eq!(evaluator_ids(&q, &records), want, "evaluator, {qs:?}");
        for db in &mut engines {
            let (page, matched) = db.execute(&q).unwrap();
            assert_eq!(matched, 5, "{qs:?}");
            assert_eq!(ids(&page), want, "SQL, {qs:?}");
        }
    }
    let _ = std::fs::remove_dir_all(dir);
}

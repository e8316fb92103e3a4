//! Lambdas (`any`/`all`, nested), `in` a collection, `$count` and `eq null` over `machineTags`:
//! generated machines and filters, run through the differential runner.

use odata_filter::query::Query;
use odata_filter::sql::store::Database;
use proptest::prelude::*;
use serde_json::Value as Json;

use super::differential::differential;
use super::generate::{cmp_op, Lcg};
use super::{lit, pg_database};

/// Tag values for machines: fragments like `generate`'s plus repeats, so that `any`/`all` see both.
const TAGS: &[&str] = &["prod", "Prod", "test tag 1", "", "ß", "%", "'", "a_b", "İ"];

/// 120 machines whose `machineTags` is missing, null, not an array, empty, or holds strings,
/// nulls and values of the wrong JSON type (read as null).
fn machine_records() -> Vec<Json> {
    let mut rng = Lcg(3);
    (0..120)
        .map(|i| {
            let health = ["Active", "Inactive", "Unknown"][rng.next(3)];
            let mut m = serde_json::json!({
                "id": format!("{:040x}", i * 7919 + 1),
                "computerDnsName": format!("host{i}"),
                "healthStatus": health,
                "riskScore": "Low",
                "exposureLevel": "Medium",
                "onboardingStatus": "Onboarded",
                "deviceValue": "Normal",
            });
            let tags = match rng.next(8) {
                0 => None,
                1 => Some(Json::Null),
                2 => Some(Json::from("prod")),
                3 => Some(Json::Array(vec![])),
                _ => Some(Json::Array(
                    (0..1 + rng.next(3))
                        .map(|_| match rng.next(9) {
                            0 => Json::Null,
                            1 => Json::from(5),
                            _ => Json::from(TAGS[rng.next(TAGS.len())]),
                        })
                        .collect(),
                )),
            };
            if let Some(t) = tags {
                m["machineTags"] = t;
            }
            m
        })
        .collect()
}

/// A predicate over the lambda variable `t` (a tag, possibly null); `depth` nests a lambda.
fn tag_predicate(var: &'static str) -> impl Strategy<Value = String> {
    let tag = prop::sample::select(TAGS).prop_map(lit);
    let leaf = prop_oneof![
        (cmp_op(), tag.clone()).prop_map(move |(op, s)| format!("{var} {op} {s}")),
        prop::sample::select(&["eq", "ne"][..]).prop_map(move |op| format!("{var} {op} null")),
        (
            prop::sample::select(&["contains", "startswith", "endswith"][..]),
            tag.clone()
        )
            .prop_map(move |(f, s)| format!("{f}({var}, {s})")),
        (cmp_op(), 0i64..6).prop_map(move |(op, n)| format!("length({var}) {op} {n}")),
        tag.clone()
            .prop_map(move |s| format!("{var} in ({s}, null)")),
        tag.prop_map(move |s| format!("tolower({var}) eq tolower({s})")),
    ];
    leaf.prop_recursive(2, 6, 2, negated_or_joined)
}

/// `not (x)`, or `(a) and (b)` / `(a) or (b)`, over the filters `inner` makes.
fn negated_or_joined(inner: BoxedStrategy<String>) -> impl Strategy<Value = String> {
    prop_oneof![
        inner.clone().prop_map(|x| format!("not ({x})")),
        (
            inner.clone(),
            prop::sample::select(&["and", "or"][..]),
            inner
        )
            .prop_map(|(a, op, b)| format!("({a}) {op} ({b})")),
    ]
}

fn machine_filter() -> impl Strategy<Value = String> {
    let lambda = (
        prop::sample::select(&["any", "all"][..]),
        tag_predicate("t"),
    )
        .prop_map(|(k, p)| format!("machineTags/{k}(t: {p})"));
    let nested = (
        prop::sample::select(&["any", "all"][..]),
        prop::sample::select(&["any", "all"][..]),
        tag_predicate("u"),
    )
        .prop_map(|(k, k2, p)| format!("machineTags/{k}(t: machineTags/{k2}(u: {p} and u ne t))"));
    let atom = prop_oneof![
        6 => lambda,
        1 => nested,
        1 => Just("machineTags/any()".to_string()),
        1 => prop::sample::select(&["eq", "ne"][..]).prop_map(|op| format!("machineTags {op} null")),
        1 => (cmp_op(), 0i64..4).prop_map(|(op, n)| format!("machineTags/$count {op} {n}")),
        1 => prop::sample::select(TAGS).prop_map(|s| format!("{} in machineTags", lit(s))),
        1 => prop::sample::select(&["Active", "Inactive"][..])
            .prop_map(|s| format!("healthStatus eq '{s}'")),
    ];
    atom.prop_recursive(2, 8, 2, negated_or_joined)
}

/// Lambdas (`any`/`all`, nested), `in` a collection, `$count` and `eq null` over `machineTags`,
/// three-valued as the evaluator: SQLite and PostgreSQL select the same machines.
#[test]
fn lambdas_over_collections_agree_with_the_evaluator() {
    use odata_filter::mde::machines;
    let records = machine_records();
    let dir = std::env::temp_dir().join(format!("odata-sql-lambda-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("m.db");
    let _ = std::fs::remove_file(&path);
    let mut sqlite = Database::open(&format!("sqlite:{}", path.display()), machines()).unwrap();
    sqlite.insert(&records, "machines").unwrap();
    let pg = pg_database("lambda").map(|url| {
        let mut s = Database::open(&url, machines()).unwrap();
        s.insert(&records, "machines").unwrap();
        s
    });
    differential(
        "lambdas",
        machine_filter(),
        1200,
        (sqlite, pg),
        &records,
        &dir,
        |f| {
            let qs = format!(
                "$filter={}&$orderby=id",
                percent_encoding::utf8_percent_encode(f, percent_encoding::NON_ALPHANUMERIC)
            );
            let q = Query::from_query_string(&qs, machines()).ok()?;
            Some((q, f.to_string()))
        },
    );
}

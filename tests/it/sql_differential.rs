//! The SQL back end against the evaluator, on real engines: SQLite (a file in a temp dir) and
//! PostgreSQL (the cluster named by `ODATA_PG_URL`, e.g. from `scripts/with-postgres.sh`; skipped
//! with a message when unset, required when `CI` or `ODATA_REQUIRE_SHARED` is set).
//!
//! Generated valid MachineAction queries (every mapped operator and function, nested and/or/not,
//! `in` with nulls, date-times with offsets and 7-digit fractions, strings with quotes, `%`, `_`,
//! backslashes and non-ASCII, `$orderby`/`$top`/`$skip`) over records with nulls: the id lists of
//! the evaluator, SQLite and PostgreSQL are identical and in the same order. Also: values never
//! change statement text (injection).
#![cfg(feature = "sqlite")]

use std::cell::RefCell;

use odata_filter::mde::machine_actions;
use odata_filter::mde::{MachineActionStatus, MachineActionType};
use odata_filter::query::{Query, ValidatedQuery};
use odata_filter::sql::store::Database;
use odata_filter::sql::Layout;
use odata_filter::sql::{compile_filter, compile_query, Dialect, Param, Postgres, Sqlite};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use serde_json::Value as Json;

/// String fragments for data and literals: SQL and LIKE metacharacters, OData's quote, non-ASCII
/// whose case mapping differs from ASCII's (ß → SS, İ → i̇, ﬁ → FI), whitespace `trim` removes.
const FRAGMENTS: &[&str] = &[
    "a",
    "A",
    "svc",
    "Svc",
    "'",
    "''",
    "%",
    "_",
    "\\",
    "\\%",
    "--",
    ";",
    "\"",
    "É",
    "é",
    "ß",
    "İ",
    "ﬁ",
    "Ω",
    "😀",
    " ",
    "\u{3000}",
    "\t",
    "x@contoso.com",
    "DROP TABLE t",
    "?1",
    "$1",
    "b",
];

/// Date-times for data and literals: equal instants with different offsets, 100-ns neighbours,
/// before 1970, leap day, fractional offsets.
const DATETIMES: &[&str] = &[
    "2024-03-01T10:15:30.1234567Z",
    "2024-03-01T12:15:30.1234567+02:00",
    "2024-03-01T10:15:30.1234568Z",
    "2024-03-01T10:15:30.1234566Z",
    "2023-12-31T23:59:59.9999999-05:00",
    "2024-01-01T04:59:59.9999999Z",
    "2019-11-22T00:00:00Z",
    "2024-02-29T23:30:00.5+05:30",
    "1969-12-31T23:59:59.9999999Z",
    "1969-12-31T18:00:00-06:00",
    "2030-06-15T08:00:00.0000001-08:00",
    "2024-03-01T00:00:00+14:00",
];

/// The MachineAction enums' members, read from the model (declared once there).
fn status_members() -> Vec<&'static str> {
    MachineActionStatus::ALL.iter().map(|m| m.name()).collect()
}
fn type_members() -> Vec<&'static str> {
    MachineActionType::ALL.iter().map(|m| m.name()).collect()
}

/// A small deterministic generator for the data.
struct Lcg(u64);
impl Lcg {
    fn next(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) as usize) % n
    }
    fn string(&mut self) -> String {
        (0..self.next(4))
            .map(|_| FRAGMENTS[self.next(FRAGMENTS.len())])
            .collect()
    }
}

/// 240 MachineActions with tricky strings, nulls where the schema allows them, repeated values
/// (ties for `$orderby`), ids in mixed case.
pub fn records() -> Vec<Json> {
    let mut rng = Lcg(7);
    odata_filter::mde::sample::machine_actions(240, 11)
        .iter()
        .map(|r| {
            let mut v = serde_json::to_value(r).unwrap();
            let o = v.as_object_mut().unwrap();
            o.insert("requestor".into(), rng.string().into());
            let m = match rng.next(5) {
                0 => Json::Null,
                1 => {
                    o.remove("machineId");
                    return v;
                }
                _ => rng.string().into(),
            };
            o.insert("machineId".into(), m);
            o.insert(
                "creationDateTimeUtc".into(),
                DATETIMES[rng.next(DATETIMES.len())].into(),
            );
            if rng.next(3) == 0 {
                let id = o["id"].as_str().unwrap().to_uppercase();
                o.insert("id".into(), id.into());
            }
            v
        })
        .collect()
}

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

fn string_value() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(FRAGMENTS), 0..4).prop_map(|v| v.concat())
}

fn string_expr() -> impl Strategy<Value = String> {
    let prop = prop::sample::select(&["machineId", "requestor"][..]).prop_map(String::from);
    prop_oneof![
        4 => prop.clone(),
        1 => (prop::sample::select(&["tolower", "toupper", "trim"][..]), prop.clone())
            .prop_map(|(f, p)| format!("{f}({p})")),
        1 => (prop.clone(), -2i64..6).prop_map(|(p, n)| format!("substring({p}, {n})")),
        1 => (prop.clone(), -2i64..6, -1i64..4).prop_map(|(p, n, m)| format!("substring({p}, {n}, {m})")),
        1 => (prop.clone(), string_value()).prop_map(|(p, s)| format!("concat({p}, {})", lit(&s))),
        1 => string_value().prop_map(|s| format!("tolower({})", lit(&s))),
    ]
}

fn cmp_op() -> impl Strategy<Value = &'static str> {
    prop::sample::select(&["eq", "ne", "gt", "ge", "lt", "le"][..])
}

fn atom() -> impl Strategy<Value = String> {
    let string_cmp = (string_expr(), cmp_op(), string_value())
        .prop_map(|(e, op, s)| format!("{e} {op} {}", lit(&s)));
    let string_string =
        (string_expr(), cmp_op(), string_expr()).prop_map(|(a, op, b)| format!("{a} {op} {b}"));
    let string_fn = (
        prop::sample::select(&["contains", "startswith", "endswith"][..]),
        string_expr(),
        prop_oneof![string_value().prop_map(|s| lit(&s)), string_expr()],
    )
        .prop_map(|(f, a, b)| format!("{f}({a}, {b})"));
    let numeric = (
        prop_oneof![
            string_expr().prop_map(|e| format!("length({e})")),
            (string_expr(), string_value()).prop_map(|(e, s)| format!("indexof({e}, {})", lit(&s))),
        ],
        cmp_op(),
        -1i64..5,
    )
        .prop_map(|(e, op, n)| format!("{e} {op} {n}"));
    let null = (
        prop::sample::select(
            &[
                "machineId",
                "requestor",
                "tolower(machineId)",
                "concat(machineId, 'a')",
            ][..],
        ),
        prop::sample::select(&["eq", "ne"][..]),
        any::<bool>(),
    )
        .prop_map(|(p, op, flip)| {
            if flip {
                format!("null {op} {p}")
            } else {
                format!("{p} {op} null")
            }
        });
    let enums = prop_oneof![
        (cmp_op(), prop::sample::select(status_members()))
            .prop_map(|(op, m)| format!("status {op} '{m}'")),
        (cmp_op(), prop::sample::select(type_members()))
            .prop_map(|(op, m)| format!("type {op} '{m}'")),
        prop::collection::vec(prop::sample::select(status_members()), 0..4).prop_map(|v| format!(
            "status in ({})",
            v.iter()
                .map(|m| format!("'{m}'"))
                .collect::<Vec<_>>()
                .join(", ")
        )),
        prop::collection::vec(prop::sample::select(type_members()), 1..4).prop_map(|v| format!(
            "type in ({})",
            v.iter()
                .map(|m| format!("'{m}'"))
                .collect::<Vec<_>>()
                .join(", ")
        )),
    ];
    let in_strings = (
        prop::sample::select(&["machineId", "requestor", "tolower(requestor)"][..]),
        prop::collection::vec(
            prop_oneof![4 => string_value().prop_map(|s| lit(&s)), 1 => Just("null".to_string())],
            0..4,
        ),
    )
        .prop_map(|(p, v)| format!("{p} in ({})", v.join(", ")));
    let dates = prop_oneof![
            (cmp_op(), prop::sample::select(DATETIMES))
                .prop_map(|(op, d)| format!("creationDateTimeUtc {op} {d}")),
            (
                prop::sample::select(
                    &[
                        "year",
                        "month",
                        "day",
                        "hour",
                        "minute",
                        "second",
                        "totaloffsetminutes"
                    ][..]
                ),
                cmp_op(),
                prop::sample::select(
                    &[
                        0i64, 1, 2, 3, 10, 12, 15, 18, 23, 29, 30, 59, 120, 330, 840, -300, 1969,
                        2024
                    ][..]
                ),
            )
                .prop_map(|(f, op, n)| format!("{f}(creationDateTimeUtc) {op} {n}")),
            prop::collection::vec(prop::sample::select(DATETIMES), 1..3)
                .prop_map(|v| format!("creationDateTimeUtc in ({})", v.join(", "))),
        ];
    let guids = (cmp_op(), any::<bool>(), 0usize..240).prop_map(|(op, upper, i)| {
        let id = odata_filter::mde::sample::machine_actions(240, 11)[i]
            .id
            .to_string();
        let id = if upper { id.to_uppercase() } else { id };
        format!("id {op} {}", if upper { lit(&id) } else { id })
    });
    // Int64 arithmetic, checked: overflow and division by zero make the operand null.
    let int_operand = prop_oneof![
        3 => string_expr().prop_map(|e| format!("length({e})")),
        1 => (string_expr(), string_value()).prop_map(|(e, s)| format!("indexof({e}, {})", lit(&s))),
        1 => Just("year(creationDateTimeUtc)".to_string()),
        1 => Just("-length(machineId)".to_string()),
    ];
    let int_literal = prop_oneof![
        4 => -3i64..5,
        1 => prop::sample::select(&[i64::MAX, i64::MIN, i64::MAX / 2, -1, 0][..]),
    ];
    let arithmetic = (
        int_operand.clone(),
        prop::sample::select(&["add", "sub", "mul", "div", "mod"][..]),
        prop_oneof![
            3 => int_literal.clone().prop_map(|n| n.to_string()),
            1 => int_operand.clone(),
        ],
        cmp_op(),
        int_literal,
        any::<bool>(),
    )
        .prop_map(|(a, op, b, cmp, n, nested)| {
            if nested {
                format!("({a} {op} {b}) mul 2 {cmp} {n}")
            } else {
                format!("{a} {op} {b} {cmp} {n}")
            }
        });
    let has = prop::sample::select(status_members()).prop_map(|m| format!("status has '{m}'"));
    let date_time = prop_oneof![
        (
            cmp_op(),
            prop::sample::select(
                &[
                    "2024-03-01",
                    "2023-12-31",
                    "2024-01-01",
                    "1969-12-31",
                    "2024-02-29"
                ][..]
            )
        )
            .prop_map(|(op, d)| format!("date(creationDateTimeUtc) {op} {d}")),
        (
            cmp_op(),
            prop::sample::select(
                &[
                    "10:15:30.1234567",
                    "12:15:30.1234567",
                    "23:59:59.9999999",
                    "00:00:00",
                    "18:00:00"
                ][..]
            )
        )
            .prop_map(|(op, t)| format!("time(creationDateTimeUtc) {op} {t}")),
        (
            cmp_op(),
            prop::sample::select(
                &[
                    "0",
                    "0.5",
                    "0.1234567",
                    "0.12345675",
                    "0.9999999",
                    "1",
                    "0.1234568"
                ][..]
            ),
            any::<bool>()
        )
            .prop_map(|(op, d, flip)| if flip {
                format!("{d} {op} fractionalseconds(creationDateTimeUtc)")
            } else {
                format!("fractionalseconds(creationDateTimeUtc) {op} {d}")
            }),
    ];
    let types = prop_oneof![
        prop::sample::select(
            &[
                "isof(requestor, Edm.String)",
                "isof(machineId, Edm.String)",
                "isof(machineId, Edm.Int32)",
                "isof(length(machineId), Edm.Byte)",
                "isof(indexof(requestor, 'a'), Edm.Byte)",
                "isof(status, Microsoft.WindowsDefenderATP.Api.MachineActionStatus)",
                "cast(status, Edm.String) eq 'Failed'",
                "cast(machineId, Edm.String) eq null",
                "cast(creationDateTimeUtc, Edm.DateTimeOffset) gt 2024-01-01T00:00:00Z",
            ][..]
        )
        .prop_map(String::from),
        (0usize..240).prop_map(|i| {
            let id = odata_filter::mde::sample::machine_actions(240, 11)[i]
                .id
                .to_string();
            format!("cast(id, Edm.String) eq {}", lit(&id))
        }),
    ];
    // SQLite through registered functions (the crate's own); PostgreSQL: "not supported".
    let sqlite_only = prop_oneof![
        (
            prop::sample::select(&["requestor", "machineId", "concat(requestor, machineId)"][..]),
            prop::sample::select(
                &["^a", "a$", "^$", "[%_]", "\\d", "(?i)svc", "ß|İ", "^.{2,3}$", "("][..]
            ),
        )
            .prop_map(|(e, p)| format!("matchesPattern({e}, {})", lit(p))),
        (
            prop::sample::select(&["tolower", "toupper", "trim"][..]),
            string_expr(),
            string_value()
        )
            .prop_map(|(f, e, s)| format!("{f}(concat({e}, {})) eq {}", lit(&s), lit(&s))),
    ];
    prop_oneof![
        2 => arithmetic,
        1 => has,
        2 => date_time,
        1 => types,
        1 => sqlite_only,
        3 => string_cmp,
        1 => string_string,
        3 => string_fn,
        2 => numeric,
        2 => null,
        3 => enums,
        2 => in_strings,
        3 => dates,
        1 => guids,
        1 => prop::sample::select(&["true", "false"][..]).prop_map(String::from),
    ]
}

fn filter() -> impl Strategy<Value = String> {
    atom().prop_recursive(4, 24, 3, |inner| {
        prop_oneof![
            inner.clone().prop_map(|x| format!("not ({x})")),
            (
                inner.clone(),
                prop::sample::select(&["and", "or"][..]),
                inner.clone()
            )
                .prop_map(|(a, op, b)| format!("({a}) {op} ({b})")),
            (inner.clone(), inner.clone(), inner)
                .prop_map(|(a, b, c)| format!("{a} and {b} or {c}")),
        ]
    })
}

fn query_string() -> impl Strategy<Value = String> {
    let orderby = prop::option::of(
        prop::collection::vec(
            (
                prop::sample::select(
                    &[
                        "requestor",
                        "machineId",
                        "status",
                        "type",
                        "creationDateTimeUtc",
                        "id",
                        "tolower(requestor)",
                        "length(machineId)",
                    ][..],
                ),
                any::<bool>(),
            ),
            1..3,
        )
        .prop_map(|keys| {
            keys.iter()
                .map(|(k, d)| {
                    if *d {
                        format!("{k} desc")
                    } else {
                        k.to_string()
                    }
                })
                .collect::<Vec<_>>()
                .join(",")
        }),
    );
    (
        filter(),
        orderby,
        prop::option::of(0u64..30),
        prop::option::of(0u64..30),
    )
        .prop_map(|(f, o, top, skip)| {
            let enc = |s: &str| {
                percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC)
                    .to_string()
            };
            let mut q = format!("$filter={}", enc(&f));
            if let Some(o) = o {
                q.push_str(&format!("&$orderby={}", enc(&o)));
            }
            if let Some(t) = top {
                q.push_str(&format!("&$top={t}"));
            }
            if let Some(s) = skip {
                q.push_str(&format!("&$skip={s}"));
            }
            q
        })
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
fn differential<S: Strategy<Value = String>>(
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

/// Tag values for machines: the fragments above plus repeats, so that `any`/`all` see both.
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
    leaf.prop_recursive(2, 6, 2, |inner| {
        prop_oneof![
            inner.clone().prop_map(|x| format!("not ({x})")),
            (
                inner.clone(),
                prop::sample::select(&["and", "or"][..]),
                inner
            )
                .prop_map(|(a, op, b)| format!("({a}) {op} ({b})")),
        ]
    })
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
    atom.prop_recursive(2, 8, 2, |inner| {
        prop_oneof![
            inner.clone().prop_map(|x| format!("not ({x})")),
            (
                inner.clone(),
                prop::sample::select(&["and", "or"][..]),
                inner
            )
                .prop_map(|(a, op, b)| format!("({a}) {op} ({b})")),
        ]
    })
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

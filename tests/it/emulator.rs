//! The crate's client against the MDE emulator on loopback (ephemeral ports): paging, limits,
//! auth, actions, byte-exact bodies. Features `server` and `client`.
//!
//! The tests that touch storage (lists, paging, actions, cancel, a SIGKILL and restart) run once per
//! store: memory, SQLite (a temporary file) and PostgreSQL (a fresh database in the cluster named by
//! `ODATA_PG_URL`, e.g. under `scripts/with-postgres.sh`; skipped with a message when unset, required
//! when `CI` or `ODATA_REQUIRE_SHARED` is set).

use std::sync::Arc;
use std::time::Duration;

use odata_filter::builder::QueryBuilder;
use odata_filter::client::{ActionRequest, ApiErrorKind, Client, ClientError};
use odata_filter::mde::handles::machine_actions as ma;
use odata_filter::mde::machine_actions;
use odata_filter::mde::sample::DOCS_MACHINE_ID;
use odata_filter::mde::{MachineActionStatus as Status, MachineActionType as Type};
use odata_filter::query::Query;
use odata_filter::server::{
    ActionClock, Application, Config, Emulator, MemoryStore, RateLimit, RequestLimits,
    RunningEmulator, Store, ALL_ROLES,
};

/// Where a test's emulator keeps its records.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Backend {
    Memory,
    #[cfg(feature = "sqlite")]
    Sqlite,
    #[cfg(feature = "postgres")]
    Postgres,
}

/// Runs a test body once per store: `name::memory`, `name::sqlite`, `name::postgres`.
macro_rules! over_each_store {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[test]
            fn memory() {
                super::$name(super::Backend::Memory)
            }
            #[cfg(feature = "sqlite")]
            #[test]
            fn sqlite() {
                super::$name(super::Backend::Sqlite)
            }
            #[cfg(feature = "postgres")]
            #[test]
            fn postgres() {
                super::$name(super::Backend::Postgres)
            }
        }
    )*};
}

over_each_store!(
    paging_follows_next_links_over_25000_matches,
    bodies_are_the_librarys_byte_for_byte,
    an_action_is_created_and_followed_to_succeeded,
    bad_bodies_and_unknown_routes_get_mde_errors,
    machine_lambdas_answer_like_the_library,
    what_sql_cannot_express_is_answered_by_the_evaluator,
);
/// Like `over_each_store!`, for the stores that outlive the server (SQLite, PostgreSQL).
macro_rules! over_each_persistent_store {
    ($name:ident) => {
        mod $name {
            #[cfg(feature = "sqlite")]
            #[test]
            fn sqlite() {
                super::$name(super::Backend::Sqlite)
            }
            #[cfg(feature = "postgres")]
            #[test]
            fn postgres() {
                super::$name(super::Backend::Postgres)
            }
        }
    };
}

#[cfg(unix)]
over_each_persistent_store!(sigkill_in_a_stream_of_actions_loses_no_acknowledged_action);

use crate::ScratchDir as Scratch;

/// A database URL for `backend` that no other test uses, empty (so the emulator fills it), in
/// `scratch` for SQLite; `None` for memory, and for PostgreSQL without `ODATA_PG_URL` outside CI
/// (the helper says so).
fn database_url(backend: Backend, tag: &str, scratch: &Scratch) -> Option<String> {
    let _ = (tag, scratch);
    match backend {
        Backend::Memory => None,
        #[cfg(feature = "sqlite")]
        Backend::Sqlite => Some(format!("sqlite:{}", scratch.join("mde.sqlite").display())),
        #[cfg(feature = "postgres")]
        Backend::Postgres => crate::sql_differential::pg_database(&format!("emulator_{tag}")),
    }
}

/// The store of `records` generated actions (seed 11) on `backend` (files in the returned
/// folder), or `None` when the backend is not available here.
fn store(backend: Backend, tag: &str, records: usize) -> Option<(Arc<dyn Store>, Scratch)> {
    let scratch = Scratch::new(&format!("{tag}-{backend:?}"));
    if backend == Backend::Memory {
        return Some((Arc::new(MemoryStore::generated(records, 11)), scratch));
    }
    let url = database_url(backend, tag, &scratch)?;
    Some((open_sql(&url, records)?, scratch))
}

#[cfg(any(feature = "sqlite", feature = "postgres"))]
fn open_sql(url: &str, records: usize) -> Option<Arc<dyn Store>> {
    let (store, filled) = odata_filter::server::SqlStore::open(url, records, 11).unwrap();
    assert!(filled, "{url} was empty, so it is filled");
    Some(Arc::new(store))
}

#[cfg(not(any(feature = "sqlite", feature = "postgres")))]
fn open_sql(_: &str, _: usize) -> Option<Arc<dyn Store>> {
    None
}

fn app(id: &str, roles: &[&str]) -> Application {
    Application {
        client_id: id.into(),
        client_secret: format!("{id}-secret"),
        roles: roles.iter().map(|r| r.to_string()).collect(),
    }
}

fn start(config: Config, records: usize) -> RunningEmulator {
    start_on(config, Arc::new(MemoryStore::generated(records, 11)))
}

fn start_on(config: Config, store: Arc<dyn Store>) -> RunningEmulator {
    Emulator::new(config, store)
        .spawn("127.0.0.1:0".parse().unwrap())
        .unwrap()
}

fn client(server: &RunningEmulator, id: &str) -> Client {
    Client::builder(server.url())
        .token_url(format!("{}/contoso/oauth2/v2.0/token", server.url()))
        .credentials(id, format!("{id}-secret"))
        .build()
        .unwrap()
}

fn lifted(apps: Vec<Application>) -> Config {
    Config {
        application: apps,
        limits: RequestLimits::lifted(),
        ..Config::default()
    }
}

fn api_kind<T: std::fmt::Debug>(r: Result<T, ClientError>) -> (ApiErrorKind, String, String) {
    match r {
        Err(ClientError::Api(e)) => (e.kind, e.code, e.message),
        other => panic!("expected an API error, got {other:?}"),
    }
}

fn paging_follows_next_links_over_25000_matches(backend: Backend) {
    let Some((store, _scratch)) = store(backend, "paging", 30_000) else {
        return;
    };
    let server = start_on(lifted(vec![app("all", ALL_ROLES)]), store);
    let c = client(&server, "all");
    let filter = ma::type_().ne(Type::Offboard);
    let expected = {
        let records = odata_filter::mde::sample::machine_actions(30_000, 11);
        let compiled = filter.clone().into_typed().compile();
        records.iter().filter(|r| compiled.matches(*r)).count()
    };
    assert!(expected > 25_000, "{expected}");
    let mut pages = c.machine_actions(&filter.clone().query().unwrap());
    let mut seen = std::collections::HashSet::new();
    let mut last = None;
    for a in pages.by_ref() {
        let a = a.unwrap();
        assert_ne!(a.action_type, Type::Offboard);
        assert!(seen.insert(a.id), "duplicate {}", a.id);
        if let Some(prev) = last {
            assert!(
                a.creation_date_time_utc <= prev,
                "newest first across pages"
            );
        }
        last = Some(a.creation_date_time_utc);
    }
    assert_eq!(seen.len(), expected);
    assert_eq!(pages.pages_fetched(), expected.div_ceil(10_000));
    // With $top the service sends no next link: one page.
    let mut top = c.machine_actions(&filter.query().unwrap().top(3).unwrap());
    assert_eq!(top.by_ref().count(), 3);
    assert_eq!(top.pages_fetched(), 1);
}

fn bodies_are_the_librarys_byte_for_byte(backend: Backend) {
    let Some((store, _scratch)) = store(backend, "bodies", 2_000) else {
        return;
    };
    let server = start_on(lifted(vec![app("all", ALL_ROLES)]), store);
    let c = client(&server, "all");
    let records = odata_filter::mde::sample::machine_actions(2_000, 11);
    for qs in [
        "$filter=machineId eq 'f46b9bb259ed4a7fb9981b73510e3cc7aa81ec1f'&$top=2",
        "$filter=status in ('Failed','TimeOut') and creationDateTimeUtc ge 2024-03-01Z&$orderby=requestor&$top=50&$skip=3&$count=true",
        "$select=id,status,type&$filter=startswith(requestor,'a')&$top=5",
    ] {
        let q = Query::from_query_string(qs, machine_actions()).unwrap();
        let want = q
            .response(&records)
            .to_string()
            .replace(
                "https://api.security.microsoft.com/api/",
                &format!("{}/api/", server.url()),
            );
        let got = c.get_raw("/api/machineactions", &q.to_string()).unwrap();
        assert_eq!(got.to_string(), want, "{qs}");
        // The bytes on the wire too (stored JSON text goes into the body as it is).
        let wire = reqwest::blocking::Client::new()
            .get(format!("{}/api/machineactions?{q}", server.url()))
            .bearer_auth(c.token().unwrap())
            .send()
            .unwrap()
            .text()
            .unwrap();
        assert_eq!(wire, want, "bytes of {qs}");
        let v1 = c.get_raw("/api/v1.0/machineactions", &q.to_string()).unwrap();
        assert_eq!(
            v1["@odata.context"].as_str().unwrap(),
            want_context(&server, &q, "/api/v1.0")
        );
    }
    let docs = c
        .machine_action("69dc3630-1ccc-4342-acf3-35286eec741d".parse().unwrap())
        .unwrap();
    assert_eq!(docs, records[0]);
    let missing = c.machine_action(uuid::Uuid::nil());
    assert_eq!(api_kind(missing).0, ApiErrorKind::NotFound);
    let (kind, code, message) = api_kind(c.get_raw("/api/machineactions", "$stop=2"));
    assert_eq!(
        (kind, code.as_str()),
        (ApiErrorKind::InvalidQuery, "ODataError")
    );
    assert!(message.starts_with(
        "The query specified in the URI is not valid. Custom query option '$stop' that starts with '$' is not supported."
    ));
    let machine = c
        .get_raw(&format!("/api/machines/{DOCS_MACHINE_ID}"), "")
        .unwrap();
    assert_eq!(machine["computerDnsName"], "desktop-39g9tgl");
    let high: Vec<_> = c
        .machines("$filter=riskScore eq 'High'")
        .collect::<Result<_, _>>()
        .unwrap();
    assert!(!high.is_empty() && high.iter().all(|m| m["riskScore"] == "High"));
}

/// `any`/`all` over a machine's tags, from every store: the body the library writes for the same
/// records (lambdas go through the SQL compiler in the SQL stores).
fn machine_lambdas_answer_like_the_library(backend: Backend) {
    let Some((store, _scratch)) = store(backend, "lambdas", 2_000) else {
        return;
    };
    let server = start_on(lifted(vec![app("all", ALL_ROLES)]), store);
    let c = client(&server, "all");
    let machines = odata_filter::mde::sample::machines_for(
        &odata_filter::mde::sample::machine_actions(2_000, 11),
        11,
    );
    let mut matched = 0;
    for qs in [
        "$filter=machineTags/any(t: t eq 'ExampleTag')&$count=true",
        "$filter=machineTags/any(t: t eq 'Finance') and riskScore ne 'None'&$top=5",
        "$filter=machineTags/all(t: t ne 'Server')&$count=true&$select=id,machineTags",
        "$filter=not machineTags/any()&$count=true",
    ] {
        let q = Query::from_query_string(qs, odata_filter::mde::machines()).unwrap();
        matched += answers_as_the_library(&server, &c, "/api/machines", &q, q.response(&machines));
    }
    assert!(matched > 10, "the queries match machines: {matched}");
}

/// Valid queries holding a construct the store's engine cannot express (date-time arithmetic,
/// a computed `substring` position; `matchesPattern` on PostgreSQL) are answered as the service
/// answers them, by the evaluator over the stored records: the library's body, not a 400.
fn what_sql_cannot_express_is_answered_by_the_evaluator(backend: Backend) {
    let Some((store, _scratch)) = store(backend, "fallback", 1_000) else {
        return;
    };
    let server = start_on(lifted(vec![app("all", ALL_ROLES)]), store);
    let c = client(&server, "all");
    let records = odata_filter::mde::sample::machine_actions(1_000, 11);
    let mut matched = 0;
    for qs in [
        "$filter=creationDateTimeUtc add duration'P30D' ge 2024-06-01T00:00:00Z&$count=true&$top=20",
        "$filter=substring(requestor, length(requestor) sub 3) eq 'com'&$orderby=requestor&$top=7",
        "$filter=matchesPattern(requestor, '^[a-m]') and status eq 'Succeeded'&$count=true",
    ] {
        let q = Query::from_query_string(qs, machine_actions()).unwrap();
        #[cfg(feature = "sql")]
        {
            // The case this test is about: neither engine compiles the first two.
            let layout = odata_filter::sql::Layout::new(machine_actions());
            let sqlite = odata_filter::sql::compile_query(&q, &layout, &odata_filter::sql::Sqlite);
            assert_eq!(sqlite.is_err(), !qs.contains("matchesPattern"), "{qs}");
            let pg = odata_filter::sql::compile_query(&q, &layout, &odata_filter::sql::Postgres);
            assert!(pg.is_err(), "{qs}");
        }
        matched += answers_as_the_library(&server, &c, "/api/machineactions", &q, q.response(&records));
    }
    assert!(matched > 10, "the queries match actions: {matched}");
}

/// Asserts that the emulator answers `q` at `path` with `want` (the library's body for the same
/// records, on the emulator's host); returns the number of records in the page.
fn answers_as_the_library(
    server: &RunningEmulator,
    c: &Client,
    path: &str,
    q: &odata_filter::query::ValidatedQuery,
    want: serde_json::Value,
) -> usize {
    let want = want.to_string().replace(
        "https://api.security.microsoft.com/api/",
        &format!("{}/api/", server.url()),
    );
    let got = c
        .get_raw(path, &q.to_string())
        .unwrap_or_else(|e| panic!("{q}: {e:?}"));
    assert_eq!(got.to_string(), want, "{q}");
    got["value"].as_array().unwrap().len()
}

fn want_context(
    server: &RunningEmulator,
    q: &odata_filter::query::ValidatedQuery,
    prefix: &str,
) -> String {
    let body = q.response(&Vec::<odata_filter::mde::MachineAction>::new());
    body["@odata.context"].as_str().unwrap().replace(
        "https://api.security.microsoft.com/api",
        &format!("{}{prefix}", server.url()),
    )
}

#[test]
fn rate_limit_is_hit_and_recovered_from() {
    let config = Config {
        application: vec![app("busy", &["Machine.Read.All"])],
        limits: RequestLimits {
            rate: vec![RateLimit {
                calls: 3,
                seconds: 1.5,
            }],
            ..RequestLimits::default()
        },
        ..Config::default()
    };
    let server = start(config, 100);
    let impatient = Client::builder(server.url())
        .token_url(format!("{}/t/oauth2/v2.0/token", server.url()))
        .credentials("busy", "busy-secret")
        .max_retries(0)
        .build()
        .unwrap();
    let q = QueryBuilder::new().top(1).unwrap();
    let mut outcomes = Vec::new();
    for _ in 0..4 {
        outcomes.push(impatient.machine_actions(&q).next().unwrap());
    }
    assert!(outcomes[..3].iter().all(Result::is_ok));
    match &outcomes[3] {
        Err(ClientError::Api(e)) => {
            assert_eq!(
                (e.kind, e.status, e.code.as_str()),
                (ApiErrorKind::TooManyRequests, 429, "TooManyRequests")
            );
            assert_eq!(e.retry_after, Some(1));
            assert_eq!(e.message, "Rate limit is exceeded. Try again in 1 seconds.");
        }
        other => panic!("expected 429, got {other:?}"),
    }
    // The same application, retrying after Retry-After: every call gets through.
    let patient = client(&server, "busy");
    let start = std::time::Instant::now();
    for _ in 0..5 {
        assert!(patient.machine_actions(&q).next().unwrap().is_ok());
    }
    assert!(
        start.elapsed() >= Duration::from_millis(900),
        "it had to wait"
    );
}

#[test]
fn unauthorized_and_forbidden() {
    let config = Config {
        token_lifetime_seconds: 1,
        ..lifted(vec![
            app("reader", &["Machine.Read.All"]),
            app("scanner", &["Machine.Scan"]),
        ])
    };
    let server = start(config, 100);
    let url = format!("{}/api/machineactions", server.url());
    let http = reqwest::blocking::Client::new();
    for auth in [
        None,
        Some("Bearer"),
        Some("Bearer x.y.z"),
        Some("Basic dXNlcjpwdw=="),
        Some("Bearer \u{7f}"),
    ] {
        let mut req = http.get(&url);
        if let Some(a) = auth {
            if let Ok(v) = reqwest::header::HeaderValue::from_str(a) {
                req = req.header("Authorization", v);
            }
        }
        let r = req.send().unwrap();
        assert_eq!(r.status(), 401, "{auth:?}");
        let body: serde_json::Value = r.json().unwrap();
        assert_eq!(body["error"]["code"], "Unauthorized", "{auth:?}");
    }
    let reader = client(&server, "reader");
    let token = reader.token().unwrap();
    std::thread::sleep(Duration::from_millis(2100));
    let r = http.get(&url).bearer_auth(&token).send().unwrap();
    assert_eq!(r.status(), 401);
    assert!(r.text().unwrap().contains("expired"));
    // The client renews short-lived tokens by itself.
    assert!(reader
        .machine_actions(&QueryBuilder::new().top(1).unwrap())
        .next()
        .unwrap()
        .is_ok());
    let (kind, code, message) = api_kind(reader.act(
        DOCS_MACHINE_ID,
        &ActionRequest::Isolate {
            comment: "x".into(),
            full: true,
        },
    ));
    assert_eq!(
        (kind, code.as_str()),
        (ApiErrorKind::Forbidden, "Forbidden")
    );
    assert!(message.contains("Machine.Isolate"), "{message}");
    let scanner = client(&server, "scanner");
    let (kind, _, message) = api_kind(
        scanner
            .machine_actions(&QueryBuilder::new())
            .next()
            .unwrap(),
    );
    assert_eq!(kind, ApiErrorKind::Forbidden);
    assert!(message.contains("Machine.Read.All"), "{message}");
    let wrong = Client::builder(server.url())
        .token_url(format!("{}/t/oauth2/v2.0/token", server.url()))
        .credentials("reader", "not-the-secret")
        .build()
        .unwrap();
    match wrong.token() {
        Err(ClientError::Token { status, error, .. }) => {
            assert_eq!((status, error.as_str()), (401, "invalid_client"))
        }
        other => panic!("{other:?}"),
    }
}

fn an_action_is_created_and_followed_to_succeeded(backend: Backend) {
    let Some((store, _scratch)) = store(backend, "actions", 500) else {
        return;
    };
    let config = Config {
        actions: ActionClock {
            pending_seconds: 0.2,
            running_seconds: 0.3,
            ..ActionClock::default()
        },
        ..lifted(vec![
            app("all", ALL_ROLES),
            app("scanner", &["Machine.Scan"]),
        ])
    };
    let server = start_on(config, store);
    let c = client(&server, "scanner");
    let scan = ActionRequest::RunAntiVirusScan {
        comment: "nightly".into(),
        full: false,
    };
    let created = c.act(DOCS_MACHINE_ID, &scan).unwrap();
    assert_eq!(created.status, Status::Pending);
    assert_eq!(created.action_type, Type::RunAntiVirusScan);
    assert_eq!(created.requestor, "scanner");
    assert_eq!(created.scope.as_deref(), Some("Quick"));
    assert_eq!(
        created.computer_dns_name.as_deref(),
        Some("desktop-39g9tgl")
    );
    let (kind, code, message) = api_kind(c.act(DOCS_MACHINE_ID, &scan));
    assert_eq!(
        (kind, code.as_str(), message.as_str()),
        (
            ApiErrorKind::BadRequest,
            "ActiveRequestAlreadyExists",
            "Action is already in progress"
        )
    );
    let all = client(&server, "all");
    let mut seen = vec![];
    let done = loop {
        let a = all.machine_action(created.id).unwrap();
        if seen.last() != Some(&a.status) {
            seen.push(a.status);
        }
        if !matches!(a.status, Status::Pending | Status::InProgress) {
            break a;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(done.status, Status::Succeeded);
    assert_eq!(seen.last(), Some(&Status::Succeeded));
    assert!(seen
        .iter()
        .all(|s| [Status::Pending, Status::InProgress, Status::Succeeded].contains(s)));
    assert!(done.last_update_date_time_utc > Some(done.creation_date_time_utc));
    // Final: cancel is refused. A new one is allowed again, and a [fail] comment fails.
    let (kind, ..) = api_kind(all.cancel(done.id, "late"));
    assert_eq!(kind, ApiErrorKind::BadRequest);
    let failing = c
        .act(
            DOCS_MACHINE_ID,
            &ActionRequest::RunAntiVirusScan {
                comment: "please [fail]".into(),
                full: true,
            },
        )
        .unwrap();
    let failed = c.wait_until_final(
        failing.id,
        Duration::from_millis(50),
        Duration::from_secs(20),
    );
    // The scanner may not read actions: polling needs Machine.Read.All.
    assert_eq!(api_kind(failed).0, ApiErrorKind::Forbidden);
    let failed = all
        .wait_until_final(
            failing.id,
            Duration::from_millis(50),
            Duration::from_secs(20),
        )
        .unwrap();
    assert_eq!(
        (failed.status, failed.error_h_result),
        (Status::Failed, -2147467259)
    );
    // Cancel while pending: only with the action type's permission; recorded with who and why.
    let isolate = all
        .act(
            DOCS_MACHINE_ID,
            &ActionRequest::Isolate {
                comment: "contain".into(),
                full: false,
            },
        )
        .unwrap();
    let (kind, ..) = api_kind(c.cancel(isolate.id, "no"));
    assert_eq!(kind, ApiErrorKind::Forbidden);
    let cancelled = all.cancel(isolate.id, "false positive").unwrap();
    assert_eq!(cancelled.status, Status::Cancelled);
    assert_eq!(cancelled.cancellation_requestor.as_deref(), Some("all"));
    assert_eq!(
        cancelled.cancellation_comment.as_deref(),
        Some("false positive")
    );
    std::thread::sleep(Duration::from_millis(700));
    assert_eq!(
        all.machine_action(isolate.id).unwrap().status,
        Status::Cancelled
    );
    let mine: Vec<_> = all
        .machine_actions(&ma::requestor().eq("all").query().unwrap())
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0].id, isolate.id);
}

fn bad_bodies_and_unknown_routes_get_mde_errors(backend: Backend) {
    let Some((store, _scratch)) = store(backend, "badbodies", 100) else {
        return;
    };
    let server = start_on(lifted(vec![app("all", ALL_ROLES)]), store);
    let c = client(&server, "all");
    let token = c.token().unwrap();
    let http = reqwest::blocking::Client::new();
    let post = |path: &str, body: &str| {
        let r = http
            .post(format!("{}{path}", server.url()))
            .bearer_auth(&token)
            .body(body.to_string())
            .send()
            .unwrap();
        let status = r.status().as_u16();
        let v: serde_json::Value = r.json().unwrap();
        (
            status,
            v["error"]["code"].as_str().unwrap_or("").to_string(),
        )
    };
    let m = format!("/api/machines/{DOCS_MACHINE_ID}");
    assert_eq!(
        post(&format!("{m}/isolate"), "{"),
        (400, "InvalidRequestBody".into())
    );
    assert_eq!(
        post(&format!("{m}/isolate"), "[]"),
        (400, "InvalidRequestBody".into())
    );
    assert_eq!(
        post(&format!("{m}/isolate"), r#"{"comment":"lower-case key"}"#),
        (400, "MissingRequiredParameter".into())
    );
    assert_eq!(
        post(
            &format!("{m}/isolate"),
            r#"{"Comment":"c","IsolationType":"Partial"}"#
        ),
        (400, "InvalidRequestBody".into())
    );
    // U+0000 cannot go into the SQL stores' text columns: a 400 from every store, not a 500.
    assert_eq!(
        post(&format!("{m}/offboard"), r#"{"Comment":"a\u0000b"}"#),
        (400, "InvalidRequestBody".into())
    );
    assert_eq!(
        post(&format!("{m}/stopAndQuarantineFile"), r#"{"Comment":"c"}"#),
        (400, "MissingRequiredParameter".into())
    );
    assert_eq!(
        post(&format!("{m}/fly"), r#"{"Comment":"c"}"#),
        (404, "NotFound".into())
    );
    assert_eq!(
        post("/api/machines/0000/offboard", r#"{"Comment":"c"}"#),
        (404, "NotFound".into())
    );
    let big = format!(r#"{{"Comment":"{}"}}"#, "x".repeat(2 << 20));
    assert_eq!(
        post(&format!("{m}/offboard"), &big),
        (413, "RequestEntityTooLarge".into())
    );
    let long = format!(
        "{}/api/machineactions?$filter={}",
        server.url(),
        "a".repeat(20_000)
    );
    assert_eq!(
        http.get(long).bearer_auth(&token).send().unwrap().status(),
        414
    );
    let r = http
        .delete(format!("{}/api/machineactions", server.url()))
        .send()
        .unwrap();
    assert_eq!(r.status(), 405);
    let openapi: serde_json::Value = http
        .get(format!("{}/openapi.json", server.url()))
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert!(openapi["openapi"].as_str().unwrap().starts_with("3."));
}

/// `odata-filter serve` over SQLite or PostgreSQL, killed with SIGKILL in the middle of a stream of
/// actions and started again on the same database: every acknowledged action is there, and every
/// stored row reads back as a whole MachineAction.
#[cfg(unix)]
fn sigkill_in_a_stream_of_actions_loses_no_acknowledged_action(backend: Backend) {
    use std::io::{BufRead, BufReader};
    use std::process::{Child, Command, Stdio};
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Mutex;

    let scratch = Scratch::new(&format!("kill-{backend:?}"));
    let dir = scratch.path().to_path_buf();
    let Some(db) = database_url(backend, "kill", &scratch) else {
        return;
    };
    let config = dir.join("config.toml");
    std::fs::write(
        &config,
        "[[application]]\nclient_id = \"all\"\nclient_secret = \"all-secret\"\nroles = [\"Machine.ReadWrite.All\"]\n",
    )
    .unwrap();
    /// Kills the server if the test fails half-way.
    struct Killed(Child);
    impl Drop for Killed {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
    let serve = |dir: &std::path::Path| -> (Killed, String) {
        let mut child = Command::new(env!("CARGO_BIN_EXE_odata-filter"))
            .args([
                "serve",
                "--bind",
                "127.0.0.1:0",
                "--records",
                "300",
                "--no-limits",
            ])
            .args(["--pending-seconds", "3600", "--db", &db, "--config"])
            .arg(&config)
            .current_dir(dir)
            .stderr(Stdio::piped())
            .stdout(Stdio::null())
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
        let url = loop {
            let line = lines
                .next()
                .expect("the server says where it listens")
                .unwrap();
            if let Some(rest) = line.split("MDE emulator on ").nth(1) {
                break rest.split(' ').next().unwrap().to_string();
            }
        };
        // Keep draining stderr so the server never blocks on it.
        std::thread::spawn(move || lines.for_each(drop));
        (Killed(child), url)
    };
    let (mut child, url) = serve(&dir);
    let c = client_at(&url);
    let machines: Vec<String> = c
        .machines("$select=id")
        .map(|m| m.unwrap()["id"].as_str().unwrap().to_string())
        .collect();
    assert!(machines.len() > 50);
    let acknowledged = Arc::new(Mutex::new(Vec::new()));
    let stop = Arc::new(AtomicBool::new(false));
    let streams: Vec<_> = (0..2)
        .map(|worker| {
            let (acked, stop, url, machines) = (
                Arc::clone(&acknowledged),
                Arc::clone(&stop),
                url.clone(),
                machines.clone(),
            );
            std::thread::spawn(move || {
                let c = client_at(&url);
                for (i, m) in machines.iter().enumerate().filter(|(i, _)| i % 2 == worker) {
                    if stop.load(Ordering::Relaxed) {
                        break;
                    }
                    let request = ActionRequest::CollectInvestigationPackage(format!("stream {i}"));
                    match c.act(m, &request) {
                        Ok(a) => acked.lock().unwrap().push(a.id),
                        Err(_) => break, // the server is gone
                    }
                }
            })
        })
        .collect();
    while acknowledged.lock().unwrap().len() < 20 {
        std::thread::sleep(Duration::from_millis(5));
    }
    child.0.kill().unwrap(); // SIGKILL
    child.0.wait().unwrap();
    stop.store(true, Ordering::Relaxed);
    for s in streams {
        s.join().unwrap();
    }
    let acked = acknowledged.lock().unwrap().clone();
    assert!(acked.len() >= 20);

    let (child, url) = serve(&dir);
    let c = client_at(&url);
    let all: Vec<_> = c
        .machine_actions(&QueryBuilder::new())
        .collect::<Result<Vec<_>, _>>()
        .expect("every stored row reads back as a whole MachineAction");
    let created: Vec<_> = all.iter().filter(|a| a.requestor == "all").collect();
    for id in &acked {
        let a = created
            .iter()
            .find(|a| a.id == *id)
            .unwrap_or_else(|| panic!("acknowledged action {id} lost"));
        assert_eq!(a.action_type, Type::CollectInvestigationPackage);
        assert!(a
            .requestor_comment
            .as_deref()
            .unwrap()
            .starts_with("stream "));
    }
    // At most one request per stream was in flight (written, not yet acknowledged) at the kill.
    assert!(
        created.len() <= acked.len() + 2,
        "{} > {} + 2",
        created.len(),
        acked.len()
    );
    assert_eq!(all.len(), 300 + created.len());
    drop(child);
}

#[cfg(unix)]
fn client_at(url: &str) -> Client {
    Client::builder(url)
        .token_url(format!("{url}/contoso/oauth2/v2.0/token"))
        .credentials("all", "all-secret")
        .build()
        .unwrap()
}

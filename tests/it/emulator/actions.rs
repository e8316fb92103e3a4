//! Actions, once per store: an action created and followed to `Succeeded` (a duplicate refused, a
//! `[fail]` comment failing, a pending one cancelled), and bad bodies and unknown routes answered
//! with MDE errors.

use std::time::Duration;

use odata_filter::client::{ActionRequest, ApiErrorKind};
use odata_filter::mde::handles::machine_actions as ma;
use odata_filter::mde::sample::DOCS_MACHINE_ID;
use odata_filter::mde::{MachineActionStatus as Status, MachineActionType as Type};
use odata_filter::server::{ActionClock, Config, ALL_ROLES};

use super::{api_kind, app, client, lifted, start_on, store, Backend};

over_each_store!(
    an_action_is_created_and_followed_to_succeeded,
    bad_bodies_and_unknown_routes_get_mde_errors,
);

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

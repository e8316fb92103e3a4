//! Access, on the memory store: the rate limit hit and recovered from, and requests without a
//! valid token or without the role refused.

use std::time::Duration;

use odata_filter::builder::QueryBuilder;
use odata_filter::client::{ActionRequest, ApiErrorKind, Client, ClientError};
use odata_filter::mde::sample::DOCS_MACHINE_ID;
use odata_filter::server::{Config, RateLimit, RequestLimits};

use super::{api_kind, app, client, lifted, start};

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

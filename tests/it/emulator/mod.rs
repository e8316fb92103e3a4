//! The crate's client against the MDE emulator on loopback (ephemeral ports): paging, limits,
//! auth, actions, byte-exact bodies. Features `server` and `client`.
//!
//! The tests that touch storage (lists, paging, actions, cancel, a SIGKILL and restart) run once per
//! store: memory, SQLite (a temporary file) and PostgreSQL (a fresh database in the cluster named by
//! `ODATA_PG_URL`, e.g. under `scripts/with-postgres.sh`; skipped with a message when unset, required
//! when `CI` or `ODATA_REQUIRE_SHARED` is set).
//!
//! One module per concern: `reads` (paging, byte-exact bodies, lambdas, what SQL cannot express),
//! `actions` (an action created, followed and cancelled; bad bodies and unknown routes), `access`
//! (auth and rate limits) and `persistence` (a SIGKILL and restart). This file holds the stores,
//! the per-store macro and the helpers they share.

use std::sync::Arc;

use odata_filter::client::{ApiErrorKind, Client, ClientError};
use odata_filter::server::{
    Application, Config, Emulator, MemoryStore, RequestLimits, RunningEmulator, Store,
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

mod access;
mod actions;
#[cfg(unix)] // SIGKILL
mod persistence;
mod reads;

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

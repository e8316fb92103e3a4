//! An emulator of the Microsoft Defender for Endpoint machine APIs (feature `server`): the
//! MachineActions and Machines lists, single records, the machine actions and cancel, a local
//! client-credentials token endpoint, the service's limits and error bodies.
//!
//! Queries go through [`Query::from_query_string`](crate::query::Query::from_query_string), so the
//! emulator accepts and refuses exactly what the library does; bodies are the library's MDE JSON.
//!
//! ```
//! use std::sync::Arc;
//! use odata_filter::server::{Application, Config, Emulator, MemoryStore};
//! let mut config = Config::default();
//! config.application.push(Application {
//!     client_id: "app".into(), client_secret: "pw".into(), roles: vec!["Machine.Read.All".into()],
//! });
//! let store = Arc::new(MemoryStore::generated(100, 1));
//! let running = Emulator::new(config, store).spawn("127.0.0.1:0".parse().unwrap()).unwrap();
//! assert!(running.addr().ip().is_loopback());
//! // running.url() is the base URL; dropping `running` stops the server.
//! ```
//!
//! Routes (each API route also under `/api/v1.0`):
//!
//! | route | permission (application roles, any of) |
//! |---|---|
//! | `POST /{tenant}/oauth2/v2.0/token` | the client's id and secret |
//! | `GET /api/machineactions`, `/api/machineactions/{id}` | `Machine.Read.All`, `Machine.ReadWrite.All` |
//! | `POST /api/machineactions/{id}/cancel` | `Machine.ReadWrite.All` or the action type's permission |
//! | `GET /api/machines`, `/api/machines/{id}` | `Machine.Read.All`, `Machine.ReadWrite.All` |
//! | `POST /api/machines/{id}/isolate`, `unisolate` | `Machine.Isolate`, `Machine.ReadWrite.All` |
//! | `POST /api/machines/{id}/runAntiVirusScan` | `Machine.Scan`, … |
//! | `POST /api/machines/{id}/collectInvestigationPackage` | `Machine.CollectForensics`, … |
//! | `POST /api/machines/{id}/offboard` | `Machine.Offboard`, … |
//! | `POST /api/machines/{id}/stopAndQuarantineFile` | `Machine.StopAndQuarantine`, … |
//! | `POST /api/machines/{id}/restrictCodeExecution`, `unrestrictCodeExecution` | `Machine.RestrictExecution`, … |
//! | `GET /openapi.json` | none: the OpenAPI description |

mod actions;
mod api;
mod auth;
mod config;
mod error;
mod limits;
mod store;

use std::collections::HashSet;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::routing::{get, post};
use axum::Router;

pub(crate) use auth::Authority;
pub use config::{
    ActionClock, Application, Config, OutcomeRule, RateLimit, RequestLimits, ALL_ROLES,
    MDE_AUDIENCE,
};
pub(crate) use error::ApiError;
pub(crate) use limits::CallLimiter;
#[cfg(any(feature = "sqlite", feature = "postgres"))]
pub use store::SqlStore;
pub use store::{EntitySetKind, JsonPage, MemoryStore, Page, Store, StoreError};

/// The OpenAPI 3 description of the emulator, served at `/openapi.json`.
pub(crate) const OPENAPI_JSON: &str = include_str!("openapi.json");

/// Shared state of one running emulator.
struct App {
    store: Arc<dyn Store>,
    authority: Authority,
    limiter: CallLimiter,
    clock: ActionClock,
    limits: RequestLimits,
    /// Actions created here that are not final yet (the clock moves them).
    live: Mutex<HashSet<uuid::Uuid>>,
    /// Serialises the check for a duplicate action with the insert.
    action_gate: tokio::sync::Mutex<()>,
}

/// An emulator ready to serve: configuration and store. See the [module docs](self).
#[derive(Clone)]
pub struct Emulator {
    app: Arc<App>,
}

impl std::fmt::Debug for Emulator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Emulator").finish_non_exhaustive()
    }
}

impl Emulator {
    /// An emulator answering from `store` with `config`'s applications, limits and clock.
    pub fn new(config: Config, store: Arc<dyn Store>) -> Emulator {
        Emulator {
            app: Arc::new(App {
                store,
                authority: Authority::new(&config),
                limiter: CallLimiter::new(&config.limits.rate),
                clock: config.actions.clone(),
                limits: config.limits.clone(),
                live: Mutex::new(HashSet::new()),
                action_gate: tokio::sync::Mutex::new(()),
            }),
        }
    }

    /// The routes, with the limits' middleware.
    pub fn router(&self) -> Router {
        let mut router = Router::new()
            .route("/{tenant}/oauth2/v2.0/token", post(api::token))
            .route("/openapi.json", get(api::openapi));
        for prefix in ["/api", "/api/v1.0"] {
            router = router
                .route(&format!("{prefix}/machineactions"), get(api::list_actions))
                .route(
                    &format!("{prefix}/machineactions/{{id}}"),
                    get(api::get_action),
                )
                .route(
                    &format!("{prefix}/machineactions/{{id}}/cancel"),
                    post(actions::cancel),
                )
                .route(&format!("{prefix}/machines"), get(api::list_machines))
                .route(&format!("{prefix}/machines/{{id}}"), get(api::get_machine))
                .route(
                    &format!("{prefix}/machines/{{id}}/{{action}}"),
                    post(actions::create),
                );
        }
        router
            .fallback(api::not_found)
            .method_not_allowed_fallback(api::method_not_allowed)
            .layer(axum::middleware::from_fn_with_state(
                Arc::clone(&self.app),
                api::guard,
            ))
            .layer(tower_http::catch_panic::CatchPanicLayer::custom(
                |_: Box<dyn std::any::Any + Send>| {
                    axum::response::IntoResponse::into_response(ApiError::internal(
                        "An unexpected error occurred.",
                    ))
                },
            ))
            .with_state(Arc::clone(&self.app))
    }

    /// Serves on `listener` until `shutdown` resolves; also runs the action clock.
    pub async fn serve(
        self,
        listener: tokio::net::TcpListener,
        shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        actions::resume_live(&self.app).await;
        let ticker = tokio::spawn(actions::run_clock(Arc::clone(&self.app)));
        let result = axum::serve(listener, self.router())
            .with_graceful_shutdown(shutdown)
            .await;
        ticker.abort();
        result
    }

    /// Starts serving on `bind` on a thread of its own (a tokio runtime of two workers); the
    /// server stops when the returned handle is dropped.
    pub fn spawn(self, bind: SocketAddr) -> std::io::Result<RunningEmulator> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()?;
        let listener = runtime.block_on(tokio::net::TcpListener::bind(bind))?;
        let addr = listener.local_addr()?;
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("mde-emulator".into())
            .spawn(move || {
                let _ = runtime.block_on(self.serve(listener, async {
                    let _ = rx.await;
                }));
                runtime.shutdown_timeout(Duration::from_secs(1));
            })?;
        Ok(RunningEmulator {
            addr,
            shutdown: Some(tx),
            thread: Some(thread),
        })
    }
}

/// A server started by [`Emulator::spawn`]; dropping it stops the server and waits for it.
#[derive(Debug)]
pub struct RunningEmulator {
    addr: SocketAddr,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl RunningEmulator {
    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://ADDR`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }
}

impl Drop for RunningEmulator {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The OpenAPI description is written by hand; this holds it to the schemas and the routes.
    #[test]
    fn openapi_matches_the_schemas_and_routes() {
        let doc: serde_json::Value = serde_json::from_str(OPENAPI_JSON).unwrap();
        for (name, set) in [
            ("MachineAction", crate::mde::machine_actions()),
            ("Machine", crate::mde::machines()),
        ] {
            let documented: Vec<&String> = doc["components"]["schemas"][name]["properties"]
                .as_object()
                .unwrap()
                .keys()
                .collect();
            let schema: Vec<&str> = set
                .entity_type()
                .properties()
                .iter()
                .map(|p| p.name())
                .collect();
            assert_eq!(documented, schema, "{name}");
        }
        let types: Vec<&str> = doc["components"]["schemas"]["MachineAction"]["properties"]["type"]
            ["enum"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        let model: Vec<&str> = crate::mde::MachineActionType::ALL
            .iter()
            .map(|t| t.name())
            .collect();
        assert_eq!(types, model);
        let paths = doc["paths"].as_object().unwrap();
        for route in [
            "isolate",
            "unisolate",
            "runAntiVirusScan",
            "collectInvestigationPackage",
            "offboard",
            "stopAndQuarantineFile",
            "restrictCodeExecution",
            "unrestrictCodeExecution",
        ] {
            assert!(
                paths.contains_key(&format!("/api/machines/{{id}}/{route}")),
                "{route}"
            );
        }
        assert!(paths.contains_key("/api/machineactions/{id}/cancel"));
    }
}

//! `odata-filter serve [--bind ADDR] [--db memory|sqlite:PATH|postgres://…] [--records N] [--seed S]
//! [--config FILE] [limits and clock flags]`: the MDE emulator (feature `server`).
//!
//! The logic is [`odata_filter::server`]; this file maps arguments and prints where it listens.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use odata_filter::server::{
    Application, Config, Emulator, MemoryStore, RateLimit, Store, ALL_ROLES, MDE_AUDIENCE,
};

/// The default `--db`: an SQLite file in the working directory when SQLite is built in.
#[cfg(feature = "sqlite")]
const DEFAULT_DB: &str = "sqlite:mde-emulator.sqlite";
#[cfg(not(feature = "sqlite"))]
const DEFAULT_DB: &str = "memory";

/// Arguments of `serve`.
#[derive(clap::Args)]
pub struct Args {
    /// Address to listen on (loopback by default).
    #[arg(long, default_value = "127.0.0.1:8080")]
    bind: SocketAddr,
    /// Where the records live: `sqlite:PATH` (created and filled with generated records when
    /// absent or empty; the default with the `sqlite` feature), `postgres://…` (filled when empty),
    /// or `memory` (generated at every start).
    #[arg(long, default_value = DEFAULT_DB)]
    db: String,
    /// How many MachineActions to generate.
    #[arg(long, default_value_t = 10_000)]
    records: usize,
    /// The generator seed.
    #[arg(long, default_value_t = odata_filter::mde::sample::DEFAULT_SEED)]
    seed: u64,
    /// TOML configuration: `[[application]]` tables (client_id, client_secret, roles), `[limits]`,
    /// `[actions]`, `audience`, `signing_key`, `token_lifetime_seconds`. Without it one development
    /// application with every role is created and printed.
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Calls allowed per application, as CALLS/SECONDS; repeat for several windows (replaces the
    /// default 100/60 and 1500/3600).
    #[arg(long, value_name = "CALLS/SECONDS")]
    rate_limit: Vec<RateLimit>,
    /// No rate limit and no request timeout (for load tests).
    #[arg(long)]
    no_limits: bool,
    /// Seconds allowed per request (0: no limit).
    #[arg(long, value_name = "SECONDS")]
    request_timeout: Option<f64>,
    /// Largest request body in bytes.
    #[arg(long, value_name = "BYTES")]
    max_body_bytes: Option<usize>,
    /// Longest request target (path and query) in bytes.
    #[arg(long, value_name = "BYTES")]
    max_url_bytes: Option<usize>,
    /// Seconds a created action stays Pending.
    #[arg(long, value_name = "SECONDS")]
    pending_seconds: Option<f64>,
    /// Seconds a created action stays InProgress before its final status.
    #[arg(long, value_name = "SECONDS")]
    running_seconds: Option<f64>,
}

fn fail(message: &str) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::from(1)
}

/// Starts the emulator and serves until interrupted; exit 1 on operational failures.
pub fn run(args: &Args) -> ExitCode {
    let mut config = match &args.config {
        None => Config::default(),
        Some(path) => match std::fs::read_to_string(path)
            .map_err(|e| e.to_string())
            .and_then(|t| Config::from_toml(&t))
        {
            Ok(c) => c,
            Err(e) => return fail(&format!("{}: {e}", path.display())),
        },
    };
    if args.no_limits {
        config.limits.rate.clear();
        config.limits.request_timeout_seconds = 0.0;
    }
    if !args.rate_limit.is_empty() {
        config.limits.rate = args.rate_limit.clone();
    }
    if let Some(t) = args.request_timeout {
        config.limits.request_timeout_seconds = t;
    }
    if let Some(b) = args.max_body_bytes {
        config.limits.max_body_bytes = b;
    }
    if let Some(b) = args.max_url_bytes {
        config.limits.max_url_bytes = b;
    }
    if let Some(s) = args.pending_seconds {
        config.actions.pending_seconds = s;
    }
    if let Some(s) = args.running_seconds {
        config.actions.running_seconds = s;
    }
    let dev_app = config.application.is_empty().then(|| Application {
        client_id: uuid::Uuid::new_v4().to_string(),
        client_secret: format!(
            "{}{}",
            uuid::Uuid::new_v4().simple(),
            uuid::Uuid::new_v4().simple()
        ),
        roles: ALL_ROLES.iter().map(|r| r.to_string()).collect(),
    });
    config.application.extend(dev_app.clone());
    if let Err(e) = config.check() {
        return fail(&e);
    }
    let (store, described): (Arc<dyn Store>, String) = match args.db.as_str() {
        "memory" => (
            Arc::new(MemoryStore::generated(args.records, args.seed)),
            format!("{} generated MachineActions in memory", args.records),
        ),
        #[cfg(any(feature = "sqlite", feature = "postgres"))]
        url if url.starts_with("sqlite:")
            || url.starts_with("postgres://")
            || url.starts_with("postgresql://") =>
        {
            match odata_filter::server::SqlStore::open(url, args.records, args.seed) {
                Ok((store, filled)) => (
                    Arc::new(store),
                    if filled {
                        format!("{url}, filled with {} generated MachineActions", args.records)
                    } else {
                        format!("{url}, as stored")
                    },
                ),
                Err(e) => return fail(&format!("{url}: {e}")),
            }
        }
        other => {
            return fail(&format!(
                "unsupported --db '{other}': expected memory, sqlite:PATH or postgres://… (with the sqlite/postgres features)"
            ))
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => return fail(&format!("cannot start the runtime: {e}")),
    };
    let listener = match runtime.block_on(tokio::net::TcpListener::bind(args.bind)) {
        Ok(l) => l,
        Err(e) => return fail(&format!("cannot listen on {}: {e}", args.bind)),
    };
    let addr = listener.local_addr().unwrap_or(args.bind);
    let url = format!("http://{addr}");
    eprintln!("odata-filter serve: MDE emulator on {url} ({described})");
    if let Some(app) = &dev_app {
        eprintln!("development application (every role):");
        eprintln!("  client_id     {}", app.client_id);
        eprintln!("  client_secret {}", app.client_secret);
        eprintln!("get a token:");
        eprintln!(
            "  curl -s {url}/contoso/oauth2/v2.0/token -d grant_type=client_credentials -d client_id={} -d client_secret={} -d scope={MDE_AUDIENCE}/.default",
            app.client_id, app.client_secret
        );
    } else {
        eprintln!(
            "get a token: POST {url}/{{tenant}}/oauth2/v2.0/token (client credentials of {})",
            args.config
                .as_ref()
                .map_or(String::new(), |p| p.display().to_string())
        );
    }
    eprintln!("OpenAPI description: {url}/openapi.json");
    let emulator = Emulator::new(config, store);
    let result = runtime.block_on(emulator.serve(listener, shutdown_signal()));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(&format!("server failed: {e}")),
    }
}

/// Ctrl-C or SIGTERM.
async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let mut term = match signal(SignalKind::terminate()) {
            Ok(s) => s,
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
                return;
            }
        };
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

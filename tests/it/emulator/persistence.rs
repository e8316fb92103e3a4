//! Persistence, on the stores that outlive the server: `odata-filter serve` killed with SIGKILL in a
//! stream of actions and started again loses no acknowledged action.

use std::sync::Arc;
use std::time::Duration;

use odata_filter::builder::QueryBuilder;
use odata_filter::client::{ActionRequest, Client};
use odata_filter::mde::MachineActionType as Type;

use super::{database_url, Backend, Scratch};

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

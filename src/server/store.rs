//! Where the emulator keeps its records: the [`Store`] trait and the in-memory [`MemoryStore`].
//!
//! A store answers validated queries on the two entity sets and saves machine actions. Single
//! records are read through a query (`$filter=id eq …`), so a store needs nothing else.
//!
//! ```
//! use odata_filter::query::Query;
//! use odata_filter::mde::machine_actions;
//! use odata_filter::server::{EntitySetKind, MemoryStore, Store};
//! let store = MemoryStore::generated(1_000, 7);
//! let q = Query::from_query_string("$filter=status eq 'Failed'&$top=2", machine_actions()).unwrap();
//! let page = store.query(EntitySetKind::MachineActions, &q).unwrap();
//! assert_eq!(page.rows.len(), 2);
//! assert!(page.matched >= 2);
//! ```

use std::collections::HashMap;
use std::fmt;
use std::sync::RwLock;

use uuid::Uuid;

use crate::mde::MachineAction;
use crate::query::ValidatedQuery;
use crate::schema::EntitySet;

/// The entity sets the emulator serves.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum EntitySetKind {
    /// `/api/machineactions`.
    MachineActions,
    /// `/api/machines`.
    Machines,
}

impl EntitySetKind {
    /// The built-in schema of the set.
    pub fn schema(self) -> &'static EntitySet {
        match self {
            EntitySetKind::MachineActions => crate::mde::machine_actions(),
            EntitySetKind::Machines => crate::mde::machines(),
        }
    }

    /// The set's name in context URLs (`MachineActions`).
    pub fn name(self) -> &'static str {
        self.schema().name()
    }
}

/// The records of one page, in result order, and how many records matched the filter.
#[derive(Clone, Debug, PartialEq)]
pub struct Page {
    /// The page's records, whole (`$select` is applied when the body is written).
    pub rows: Vec<serde_json::Value>,
    /// Matches before `$skip`/`$top`.
    pub matched: usize,
}

/// The records of one page as JSON texts (whole records, compact, in the schema's key order), and
/// how many records matched the filter.
#[derive(Clone, Debug, PartialEq)]
pub struct JsonPage {
    /// The page's records, each one JSON object.
    pub rows: Vec<String>,
    /// Matches before `$skip`/`$top`.
    pub matched: usize,
}

/// Why a store failed.
#[derive(Clone, Debug, PartialEq)]
pub enum StoreError {
    /// The engine cannot express the query exactly (the SQL store answers such a query with the
    /// evaluator over its records instead; another store may answer a 400 `ODataError`).
    Unsupported(crate::error::Errors),
    /// The engine failed (answered as a 500).
    Failed(String),
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StoreError::Unsupported(e) => write!(f, "{e}"),
            StoreError::Failed(m) => f.write_str(m),
        }
    }
}

#[cfg(any(feature = "sqlite", feature = "postgres"))]
impl From<crate::sql::store::DatabaseError> for StoreError {
    fn from(e: crate::sql::store::DatabaseError) -> StoreError {
        match e {
            crate::sql::store::DatabaseError::Unsupported(errors) => {
                StoreError::Unsupported(errors)
            }
            other => StoreError::Failed(other.to_string()),
        }
    }
}

impl std::error::Error for StoreError {}

/// What the emulator needs from its storage. Calls may block (they run off the async threads).
pub trait Store: Send + Sync {
    /// Answers `query` on `set`: the page (after `$orderby`, `$skip`, `$top`) and the match count.
    fn query(&self, set: EntitySetKind, query: &ValidatedQuery) -> Result<Page, StoreError>;

    /// [`Store::query`] with each record as its JSON text, which a list answer writes as it is: a
    /// store that keeps JSON text hands it over without decoding it. By default, `query`'s
    /// records written out.
    fn query_json(
        &self,
        set: EntitySetKind,
        query: &ValidatedQuery,
    ) -> Result<JsonPage, StoreError> {
        let page = self.query(set, query)?;
        Ok(JsonPage {
            rows: page.rows.iter().map(|r| r.to_string()).collect(),
            matched: page.matched,
        })
    }

    /// Saves `action`, replacing the one with the same id. When this returns `Ok` the action is
    /// as durable as the store is.
    fn upsert_action(&self, action: &MachineAction) -> Result<(), StoreError>;
}

/// Records in memory, typed MachineActions (the compiled filter's fast path) and JSON machines.
#[derive(Debug, Default)]
pub struct MemoryStore {
    actions: RwLock<Actions>,
    machines: Vec<serde_json::Value>,
}

#[derive(Debug, Default)]
struct Actions {
    records: Vec<MachineAction>,
    by_id: HashMap<Uuid, usize>,
}

impl MemoryStore {
    /// A store over these records.
    pub fn new(actions: Vec<MachineAction>, machines: Vec<serde_json::Value>) -> MemoryStore {
        let by_id = actions.iter().enumerate().map(|(i, a)| (a.id, i)).collect();
        MemoryStore {
            actions: RwLock::new(Actions {
                records: actions,
                by_id,
            }),
            machines,
        }
    }

    /// `count` generated actions ([`crate::mde::sample::machine_actions`]) and the machines they name
    /// ([`crate::mde::sample::machines_for`]).
    pub fn generated(count: usize, seed: u64) -> MemoryStore {
        let actions = crate::mde::sample::machine_actions(count, seed);
        let machines = crate::mde::sample::machines_for(&actions, seed);
        MemoryStore::new(actions, machines)
    }
}

impl MemoryStore {
    /// The page of MachineActions that `query` selects, each record written by `write`, and the
    /// number of matches.
    fn action_page<U>(
        &self,
        query: &ValidatedQuery,
        write: impl Fn(&MachineAction) -> serde_json::Result<U>,
    ) -> Result<(Vec<U>, usize), StoreError> {
        let actions = self
            .actions
            .read()
            .map_err(|_| StoreError::Failed("store lock poisoned".into()))?;
        let result = query.execute(&actions.records);
        let rows = result
            .page()
            .iter()
            .map(|r| write(r))
            .collect::<Result<_, _>>()
            .map_err(|e| StoreError::Failed(e.to_string()))?;
        Ok((rows, result.matched()))
    }
}

impl Store for MemoryStore {
    fn query(&self, set: EntitySetKind, query: &ValidatedQuery) -> Result<Page, StoreError> {
        match set {
            EntitySetKind::MachineActions => {
                let (rows, matched) = self.action_page(query, |a| serde_json::to_value(a))?;
                Ok(Page { rows, matched })
            }
            EntitySetKind::Machines => {
                let result = query.execute(&self.machines);
                Ok(Page {
                    rows: result.page().iter().map(|&r| r.clone()).collect(),
                    matched: result.matched(),
                })
            }
        }
    }

    /// MachineActions are written straight from the typed records (no JSON tree in between).
    fn query_json(
        &self,
        set: EntitySetKind,
        query: &ValidatedQuery,
    ) -> Result<JsonPage, StoreError> {
        if set != EntitySetKind::MachineActions {
            let page = self.query(set, query)?;
            return Ok(JsonPage {
                rows: page.rows.iter().map(|r| r.to_string()).collect(),
                matched: page.matched,
            });
        }
        let (rows, matched) = self.action_page(query, serde_json::to_string)?;
        Ok(JsonPage { rows, matched })
    }

    fn upsert_action(&self, action: &MachineAction) -> Result<(), StoreError> {
        let mut actions = self
            .actions
            .write()
            .map_err(|_| StoreError::Failed("store lock poisoned".into()))?;
        match actions.by_id.get(&action.id) {
            Some(&i) => actions.records[i] = action.clone(),
            None => {
                let i = actions.records.len();
                actions.by_id.insert(action.id, i);
                actions.records.push(action.clone());
            }
        }
        Ok(())
    }
}

/// Records in SQLite (`sqlite:PATH`, WAL) or PostgreSQL (`postgres://…`) through [`crate::sql`]:
/// one table per entity set. Each upsert is committed before it returns.
///
/// Writes go through one connection; reads take one of a few read connections of their own, so
/// that concurrent requests run side by side and never wait for a write (SQLite's WAL mode lets
/// readers go on while the writer commits; each read sees the last committed write).
#[cfg(any(feature = "sqlite", feature = "postgres"))]
pub struct SqlStore {
    /// A pool of one: the writer.
    writer: Pool,
    action_readers: Pool,
    machine_readers: Pool,
}

#[cfg(any(feature = "sqlite", feature = "postgres"))]
impl fmt::Debug for SqlStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SqlStore").finish_non_exhaustive()
    }
}

/// Read connections to one table; a read waits only when all of them are busy.
#[cfg(any(feature = "sqlite", feature = "postgres"))]
struct Pool {
    idle: std::sync::Mutex<Vec<crate::sql::store::Database>>,
    returned: std::sync::Condvar,
}

#[cfg(any(feature = "sqlite", feature = "postgres"))]
impl Pool {
    fn new(stores: Vec<crate::sql::store::Database>) -> Pool {
        Pool {
            idle: std::sync::Mutex::new(stores),
            returned: std::sync::Condvar::new(),
        }
    }

    /// Runs `f` on an idle connection (waiting for one), then gives the connection back.
    fn with<T>(
        &self,
        f: impl FnOnce(&mut crate::sql::store::Database) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let poisoned = |_| StoreError::Failed("store lock poisoned".into());
        let mut idle = self.idle.lock().map_err(poisoned)?;
        let store = loop {
            if let Some(s) = idle.pop() {
                break s;
            }
            idle = self.returned.wait(idle).map_err(poisoned)?;
        };
        drop(idle);
        /// Gives the connection back even when `f` panics.
        struct Lease<'a>(&'a Pool, Option<crate::sql::store::Database>);
        impl Drop for Lease<'_> {
            fn drop(&mut self) {
                if let (Some(s), Ok(mut idle)) = (self.1.take(), self.0.idle.lock()) {
                    idle.push(s);
                    self.0.returned.notify_one();
                }
            }
        }
        let mut lease = Lease(self, Some(store));
        match lease.1.as_mut() {
            Some(s) => f(s),
            None => Err(StoreError::Failed("no connection".into())),
        }
    }
}

/// The `postgres` crate's client blocks on a runtime of its own when it is dropped, which panics
/// on an async thread: the last owner of the store may well be one (a request task, the clock). So
/// the connections are closed on a thread of their own.
#[cfg(any(feature = "sqlite", feature = "postgres"))]
impl Drop for SqlStore {
    fn drop(&mut self) {
        let mut connections = Vec::new();
        for pool in [
            &mut self.writer,
            &mut self.action_readers,
            &mut self.machine_readers,
        ] {
            if let Ok(idle) = pool.idle.get_mut() {
                connections.append(idle);
            }
        }
        std::thread::scope(|s| {
            s.spawn(move || drop(connections));
        });
    }
}

#[cfg(any(feature = "sqlite", feature = "postgres"))]
impl SqlStore {
    /// Opens the database at `url` (creating the tables when missing); when the MachineActions
    /// table is empty, fills both tables with `records` generated actions from `seed` and their
    /// machines. Refreshes the planner's statistics. Returns the store and whether it was filled.
    pub fn open(url: &str, records: usize, seed: u64) -> Result<(SqlStore, bool), StoreError> {
        let err = StoreError::from;
        let open = |set: EntitySetKind| crate::sql::store::Database::open(url, set.schema());
        let mut actions = open(EntitySetKind::MachineActions).map_err(err)?;
        let mut machines = open(EntitySetKind::Machines).map_err(err)?;
        let probe = crate::query::Query::from_query_string(
            "$top=0&$count=true",
            EntitySetKind::MachineActions.schema(),
        )
        .map_err(|e| StoreError::Failed(e.to_string()))?;
        let (_, stored) = actions.execute(&probe).map_err(err)?;
        let fill = stored == 0;
        if fill {
            let generated = crate::mde::sample::machine_actions(records, seed);
            let machine_rows = crate::mde::sample::machines_for(&generated, seed);
            let rows: Vec<serde_json::Value> = generated
                .iter()
                .map(serde_json::to_value)
                .collect::<Result<_, _>>()
                .map_err(|e| StoreError::Failed(e.to_string()))?;
            actions
                .insert(&rows, "generated MachineActions")
                .map_err(err)?;
            machines.clear().map_err(err)?;
            machines
                .insert(&machine_rows, "generated Machines")
                .map_err(err)?;
        }
        actions.analyze().map_err(err)?;
        machines.analyze().map_err(err)?;
        let readers = std::thread::available_parallelism().map_or(2, |n| n.get().clamp(2, 4));
        let mut action_readers = Vec::with_capacity(readers);
        let mut machine_readers = vec![machines];
        for i in 0..readers {
            action_readers.push(open(EntitySetKind::MachineActions).map_err(err)?);
            if i > 0 {
                machine_readers.push(open(EntitySetKind::Machines).map_err(err)?);
            }
        }
        Ok((
            SqlStore {
                writer: Pool::new(vec![actions]),
                action_readers: Pool::new(action_readers),
                machine_readers: Pool::new(machine_readers),
            },
            fill,
        ))
    }
}

#[cfg(any(feature = "sqlite", feature = "postgres"))]
impl Store for SqlStore {
    fn query(&self, set: EntitySetKind, query: &ValidatedQuery) -> Result<Page, StoreError> {
        let page = self.query_json(set, query)?;
        let rows = page
            .rows
            .iter()
            .map(|r| serde_json::from_str(r))
            .collect::<Result<_, _>>()
            .map_err(|e| StoreError::Failed(e.to_string()))?;
        Ok(Page {
            rows,
            matched: page.matched,
        })
    }

    /// The stored JSON texts, not decoded.
    fn query_json(
        &self,
        set: EntitySetKind,
        query: &ValidatedQuery,
    ) -> Result<JsonPage, StoreError> {
        let pool = match set {
            EntitySetKind::MachineActions => &self.action_readers,
            EntitySetKind::Machines => &self.machine_readers,
        };
        pool.with(|store| match store.execute_json(query) {
            Ok((rows, matched)) => Ok(JsonPage { rows, matched }),
            // The service answers every valid query: what the engine cannot express is answered
            // by the evaluator over the stored records, as `--db memory` answers it.
            Err(crate::sql::store::DatabaseError::Unsupported(_)) => {
                let records = store
                    .documents()?
                    .iter()
                    .map(|d| serde_json::from_str::<serde_json::Value>(d))
                    .collect::<Result<Vec<_>, _>>()
                    .map_err(|e| StoreError::Failed(e.to_string()))?;
                let result = query.execute(&records);
                Ok(JsonPage {
                    rows: result.page().iter().map(|r| r.to_string()).collect(),
                    matched: result.matched(),
                })
            }
            Err(e) => Err(e.into()),
        })
    }

    fn upsert_action(&self, action: &MachineAction) -> Result<(), StoreError> {
        let record = serde_json::to_value(action).map_err(|e| StoreError::Failed(e.to_string()))?;
        self.writer.with(|store| Ok(store.upsert(&record)?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::query::Query;

    #[test]
    fn machines_follow_the_schema_order() {
        let machines =
            crate::mde::sample::machines_for(&crate::mde::sample::machine_actions(100, 3), 3);
        let names: Vec<&str> = crate::mde::machines()
            .entity_type()
            .properties()
            .iter()
            .map(|p| p.name())
            .collect();
        for m in &machines {
            let keys: Vec<&str> = m.as_object().unwrap().keys().map(String::as_str).collect();
            assert_eq!(keys, names);
        }
        let q = Query::from_query_string(
            "$filter=machineTags/any(t: t eq 'ExampleTag') and riskScore eq 'High'",
            crate::mde::machines(),
        )
        .unwrap();
        let store = MemoryStore::new(Vec::new(), machines);
        let page = store.query(EntitySetKind::Machines, &q).unwrap();
        assert!(page
            .rows
            .iter()
            .all(|m| m["riskScore"] == "High" && m["machineTags"][0] == "ExampleTag"));
    }

    /// Reads run on their own connections: each sees the writer's last commit, and reads from more
    /// threads than there are connections all finish.
    #[cfg(feature = "sqlite")]
    #[test]
    fn sql_reads_see_the_last_write_from_every_connection() {
        let dir = std::env::temp_dir().join(format!("odata-sqlstore-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let url = format!("sqlite:{}", dir.join("s.db").display());
        let (store, filled) = SqlStore::open(&url, 50, 2).unwrap();
        assert!(filled);
        let mut a = crate::mde::sample::machine_actions(1, 2)[0].clone();
        let by_id = Query::from_query_string(
            &format!("$filter=id eq {}", a.id),
            crate::mde::machine_actions(),
        )
        .unwrap();
        std::thread::scope(|s| {
            for round in 0..3 {
                a.requestor_comment = Some(format!("round {round}"));
                store.upsert_action(&a).unwrap();
                let readers: Vec<_> = (0..6)
                    .map(|_| s.spawn(|| store.query(EntitySetKind::MachineActions, &by_id)))
                    .collect();
                for r in readers {
                    let page = r.join().unwrap().unwrap();
                    assert_eq!(page.matched, 1);
                    assert_eq!(page.rows[0]["requestorComment"], format!("round {round}"));
                }
            }
        });
        let machines =
            Query::from_query_string("$count=true&$top=1", crate::mde::machines()).unwrap();
        assert!(
            store
                .query(EntitySetKind::Machines, &machines)
                .unwrap()
                .matched
                > 1
        );
        drop(store);
        let (_, filled) = SqlStore::open(&url, 50, 2).unwrap();
        assert!(!filled, "a stored database is kept as it is");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn upsert_replaces_by_id_and_appends_new() {
        let store = MemoryStore::generated(10, 1);
        let mut a = crate::mde::sample::machine_actions(1, 1)[0].clone();
        a.requestor_comment = Some("changed".into());
        store.upsert_action(&a).unwrap();
        a.id = Uuid::from_u128(7);
        store.upsert_action(&a).unwrap();
        let all = Query::from_query_string("$count=true", crate::mde::machine_actions()).unwrap();
        let page = store.query(EntitySetKind::MachineActions, &all).unwrap();
        assert_eq!(page.matched, 11);
        assert_eq!(
            page.rows
                .iter()
                .filter(|r| r["requestorComment"] == "changed")
                .count(),
            2
        );
    }
}

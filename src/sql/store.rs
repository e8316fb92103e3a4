//! A database holding one entity set: create it, load records, run validated queries (the response
//! body is the in-memory path's, byte for byte), insert or replace one record. SQLite
//! (`sqlite:PATH`, feature `sqlite`) or PostgreSQL (`postgres://…`, feature `postgres`).
//!
//! ```
//! # #[cfg(feature = "sqlite")] {
//! use odata_filter::{query::Query, mde::machine_actions, sql::store::Database};
//! let dir = std::env::temp_dir().join(format!("odata-store-doc-{}", std::process::id()));
//! std::fs::create_dir_all(&dir).unwrap();
//! let path = dir.join("a.db");
//! let _ = std::fs::remove_file(&path);
//! let mut store = Database::open(&format!("sqlite:{}", path.display()), machine_actions()).unwrap();
//! let records: Vec<serde_json::Value> = odata_filter::mde::sample::machine_actions(50, 1)
//!     .iter().map(|r| serde_json::to_value(r).unwrap()).collect();
//! store.insert(&records, "sample").unwrap();
//! let q = Query::from_query_string("$filter=status eq 'Failed'&$top=3&$count=true", machine_actions()).unwrap();
//! assert_eq!(store.response(&q).unwrap(), q.response(&records));
//! # drop(store);
//! # std::fs::remove_dir_all(&dir).unwrap();
//! # }
//! ```

use std::fmt;
use std::io::BufRead;

use crate::data::DataError;
use crate::error::Errors;
use crate::query::ValidatedQuery;
use crate::schema::EntitySet;
use crate::sql::layout::{Layout, DOC_COLUMN, SEQ_COLUMN};
use crate::sql::{compile_query, Dialect, Param, Statement};

/// Why a store operation failed.
#[derive(Debug)]
pub enum DatabaseError {
    /// The query uses a construct the engine cannot express exactly.
    Unsupported(Errors),
    /// A record cannot be stored (the file, the line, the property).
    Data(DataError),
    /// The URL, the connection or the engine failed.
    Engine(String),
}

impl fmt::Display for DatabaseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DatabaseError::Unsupported(e) => write!(f, "{e}"),
            DatabaseError::Data(e) => write!(f, "{e}"),
            DatabaseError::Engine(e) => f.write_str(e),
        }
    }
}

impl std::error::Error for DatabaseError {}

fn engine<E: fmt::Display>(e: E) -> DatabaseError {
    DatabaseError::Engine(e.to_string())
}

enum Engine {
    #[cfg(feature = "sqlite")]
    Sqlite(rusqlite::Connection),
    #[cfg(feature = "postgres")]
    Postgres(Box<postgres::Client>),
}

/// One entity set stored in a database. See the [module docs](self).
pub struct Database {
    engine: Engine,
    layout: Layout,
}

impl fmt::Debug for Database {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Database")
            .field("dialect", &self.dialect().name())
            .field("table", &self.layout.table())
            .finish()
    }
}

/// Rows per multi-row `INSERT` (PostgreSQL allows 65,535 parameters per statement).
const BATCH: usize = 200;

impl Database {
    /// Opens (creating the table and indexes when missing) the database at `url`: `sqlite:PATH`
    /// or `postgres://…` / `postgresql://…` (libpq-style URL; `host=/dir` for a Unix socket).
    pub fn open(url: &str, set: &EntitySet) -> Result<Database, DatabaseError> {
        let engine = if let Some(path) = url.strip_prefix("sqlite:") {
            open_sqlite(path)?
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            open_postgres(url)?
        } else {
            return Err(DatabaseError::Engine(format!(
                "unknown database URL '{url}': expected sqlite:PATH or postgres://…"
            )));
        };
        let mut store = Database {
            engine,
            layout: Layout::new(set),
        };
        for ddl in store.layout.create_statements(store.dialect()) {
            store.execute_batch(&ddl)?;
        }
        // A table created by another version (e.g. before collections had columns) would fail on
        // the first query with "no such column": say so now.
        let found = store.column_names()?;
        let expected = store.layout.physical_columns();
        if found != expected {
            return Err(DatabaseError::Engine(format!(
                "table {} has the columns ({}), but this version stores ({}): it was created by \
                 another version; drop the table (or use a new database) and load the records again",
                store.layout.table(),
                found.join(", "),
                expected.join(", ")
            )));
        }
        Ok(store)
    }

    /// The engine's dialect.
    pub fn dialect(&self) -> &'static dyn Dialect {
        match &self.engine {
            #[cfg(feature = "sqlite")]
            Engine::Sqlite(_) => &crate::sql::Sqlite,
            #[cfg(feature = "postgres")]
            Engine::Postgres(_) => &crate::sql::Postgres,
        }
    }

    /// The table layout.
    pub fn layout(&self) -> &Layout {
        &self.layout
    }

    /// Deletes every record.
    pub fn clear(&mut self) -> Result<(), DatabaseError> {
        let sql = format!(
            "DELETE FROM {}",
            self.dialect().quote_ident(self.layout.table())
        );
        self.execute_batch(&sql)
    }

    /// Appends `records` (in order, after those already stored); `name` names the source in errors.
    /// Returns how many were stored. All or nothing.
    pub fn insert(
        &mut self,
        records: &[serde_json::Value],
        name: &str,
    ) -> Result<usize, DatabaseError> {
        let first = self.next_seq()?;
        let mut rows = Vec::with_capacity(records.len());
        for (seq, (i, r)) in (first..).zip(records.iter().enumerate()) {
            rows.push(self.layout.row(seq, r).map_err(|m| {
                DatabaseError::Data(DataError::new(name, None, format!("record {}: {m}", i + 1)))
            })?);
        }
        self.insert_rows(rows)?;
        Ok(records.len())
    }

    /// Appends the records of a JSON Lines stream, streaming (memory stays bounded by the batch).
    /// Errors name `name` and the line. Returns how many were stored. All or nothing.
    pub fn load_jsonl<R: BufRead>(&mut self, input: R, name: &str) -> Result<usize, DatabaseError> {
        let err = |line: usize, message: String| {
            DatabaseError::Data(DataError::new(name, Some(line), message))
        };
        let mut seq = self.next_seq()?;
        self.begin()?;
        // Into an empty table: build the indexes once at the end instead of row by row.
        let indexes = self.layout.indexes(self.dialect());
        let bulk = seq == 1;
        if bulk {
            for (name, _) in &indexes {
                self.execute_batch(&format!("DROP INDEX IF EXISTS {name}"))?;
            }
        }
        let mut rows = Vec::new();
        let mut count = 0;
        for (n, line) in input.lines().enumerate() {
            let line = line.map_err(|e| err(n + 1, e.to_string()))?;
            let text = if n == 0 {
                line.trim_start_matches('\u{feff}')
            } else {
                &line
            };
            if text.trim().is_empty() {
                continue;
            }
            let v: serde_json::Value =
                serde_json::from_str(text).map_err(|e| err(n + 1, e.to_string()))?;
            rows.push(self.layout.row(seq, &v).map_err(|m| err(n + 1, m))?);
            seq += 1;
            count += 1;
            if rows.len() == 10 * BATCH {
                self.insert_batches(std::mem::take(&mut rows))?;
            }
        }
        self.insert_batches(rows)?;
        if bulk {
            for (_, create) in &indexes {
                self.execute_batch(create)?;
            }
        }
        self.commit()?;
        Ok(count)
    }

    /// Stores `record`, replacing the stored record with the same `id` (keeping its place in load
    /// order) or appending it.
    pub fn upsert(&mut self, record: &serde_json::Value) -> Result<(), DatabaseError> {
        let d = self.dialect();
        let Some(id_col) = self.layout.column("id") else {
            return self
                .insert(std::slice::from_ref(record), "record")
                .map(|_| ());
        };
        let probe = self
            .layout
            .row(0, record)
            .map_err(|m| DatabaseError::Engine(format!("record: {m}")))?;
        let names = self.layout.physical_columns();
        let id_pos = names.iter().position(|n| *n == id_col.name).unwrap_or(0);
        let id = probe[id_pos].clone();
        let table = d.quote_ident(self.layout.table());
        let found = self.query_column::<i64>(&Statement {
            sql: format!(
                "SELECT {} FROM {table} WHERE {} = {}",
                d.quote_ident(SEQ_COLUMN),
                d.quote_ident("id"),
                d.placeholder(1)
            ),
            params: vec![id],
        })?;
        match found.first() {
            Some(&seq) => {
                let row = self
                    .layout
                    .row(seq, record)
                    .map_err(DatabaseError::Engine)?;
                let sets: Vec<String> = names
                    .iter()
                    .enumerate()
                    .skip(1)
                    .map(|(i, n)| format!("{} = {}", d.quote_ident(n), d.placeholder(i + 1)))
                    .collect();
                let sql = format!(
                    "UPDATE {table} SET {} WHERE {} = {}",
                    sets.join(", "),
                    d.quote_ident(SEQ_COLUMN),
                    d.placeholder(1)
                );
                self.run(&Statement { sql, params: row })
            }
            None => self
                .insert(std::slice::from_ref(record), "record")
                .map(|_| ()),
        }
    }

    /// Updates the engine's statistics of the table (`ANALYZE`), which its query planner needs to
    /// pick a selective index: run it after a bulk load. Without them SQLite may read most of a
    /// 100,000-record table for a 50-record page (an unselective `status` index plus a sort)
    /// instead of walking the default-order index.
    pub fn analyze(&mut self) -> Result<(), DatabaseError> {
        let sql = format!(
            "ANALYZE {}",
            self.dialect().quote_ident(self.layout.table())
        );
        self.execute_batch(&sql)
    }

    /// Runs `query`: the page's records (as stored) and the number of matches (computed only when
    /// `$count=true` or there is no `$top`, otherwise the page length).
    pub fn execute(
        &mut self,
        query: &ValidatedQuery,
    ) -> Result<(Vec<serde_json::Value>, usize), DatabaseError> {
        let (docs, matched) = self.execute_json(query)?;
        let page: Vec<serde_json::Value> = docs
            .iter()
            .map(|d| serde_json::from_str(d).map_err(engine))
            .collect::<Result<_, _>>()?;
        Ok((page, matched))
    }

    /// [`Database::execute`] with each record as the JSON text stored for it (compact, in the
    /// record's key order, as `serde_json` writes it), not decoded: a server can write it into a
    /// response as it is.
    pub fn execute_json(
        &mut self,
        query: &ValidatedQuery,
    ) -> Result<(Vec<String>, usize), DatabaseError> {
        let q = compile_query(query, &self.layout, self.dialect())
            .map_err(DatabaseError::Unsupported)?;
        let docs: Vec<String> = self.query_column(&q.select)?;
        let matched = if query.count() == Some(true) || query.top().is_none() {
            let n = self.query_column::<i64>(&q.count)?;
            usize::try_from(n.first().copied().unwrap_or(0)).unwrap_or(usize::MAX)
        } else {
            docs.len()
        };
        Ok((docs, matched))
    }

    /// Every record's stored JSON text, in load order: what a caller evaluates in memory when a
    /// query holds a construct the engine cannot express ([`DatabaseError::Unsupported`]).
    pub fn documents(&mut self) -> Result<Vec<String>, DatabaseError> {
        let d = self.dialect();
        let sql = format!(
            "SELECT {} FROM {} ORDER BY {}",
            d.quote_ident(DOC_COLUMN),
            d.quote_ident(self.layout.table()),
            d.quote_ident(SEQ_COLUMN)
        );
        self.query_column(&Statement {
            sql,
            params: Vec::new(),
        })
    }

    /// The response body of `query`, as [`ValidatedQuery::response`] writes it for the same records.
    pub fn response(&mut self, query: &ValidatedQuery) -> Result<serde_json::Value, DatabaseError> {
        let (page, matched) = self.execute(query)?;
        Ok(query.response_with(matched, page))
    }

    fn next_seq(&mut self) -> Result<i64, DatabaseError> {
        let d = self.dialect();
        let sql = format!(
            "SELECT COALESCE(MAX({}), 0) + 1 FROM {}",
            d.quote_ident(SEQ_COLUMN),
            d.quote_ident(self.layout.table())
        );
        Ok(self
            .query_column::<i64>(&Statement {
                sql,
                params: Vec::new(),
            })?
            .first()
            .copied()
            .unwrap_or(1))
    }

    fn insert_rows(&mut self, rows: Vec<Vec<Param>>) -> Result<(), DatabaseError> {
        self.begin()?;
        self.insert_batches(rows)?;
        self.commit()
    }

    fn insert_batches(&mut self, rows: Vec<Vec<Param>>) -> Result<(), DatabaseError> {
        let d = self.dialect();
        let names = self.layout.physical_columns();
        // Irrefutable when PostgreSQL is the only engine compiled in.
        #[cfg(feature = "postgres")]
        #[allow(irrefutable_let_patterns)]
        if let Engine::Postgres(c) = &mut self.engine {
            return pg_copy(c, &d.quote_ident(self.layout.table()), &names, &rows);
        }
        let width = names.len();
        let cols: Vec<String> = names.iter().map(|n| d.quote_ident(n)).collect();
        let head = format!(
            "INSERT INTO {} ({}) VALUES ",
            d.quote_ident(self.layout.table()),
            cols.join(", ")
        );
        for chunk in rows.chunks(BATCH) {
            let tuples: Vec<String> = (0..chunk.len())
                .map(|r| {
                    let ps: Vec<String> = (0..width)
                        .map(|c| d.placeholder(r * width + c + 1))
                        .collect();
                    format!("({})", ps.join(", "))
                })
                .collect();
            let sql = format!("{head}{}", tuples.join(", "));
            let params: Vec<Param> = chunk.iter().flatten().cloned().collect();
            self.run(&Statement { sql, params })?;
        }
        Ok(())
    }

    fn begin(&mut self) -> Result<(), DatabaseError> {
        self.execute_batch("BEGIN")
    }

    fn commit(&mut self) -> Result<(), DatabaseError> {
        self.execute_batch("COMMIT")
    }

    fn execute_batch(&mut self, sql: &str) -> Result<(), DatabaseError> {
        match &mut self.engine {
            #[cfg(feature = "sqlite")]
            Engine::Sqlite(c) => c.execute_batch(sql).map_err(engine),
            #[cfg(feature = "postgres")]
            Engine::Postgres(c) => c.batch_execute(sql).map_err(engine),
        }
    }

    fn run(&mut self, s: &Statement) -> Result<(), DatabaseError> {
        match &mut self.engine {
            #[cfg(feature = "sqlite")]
            Engine::Sqlite(c) => {
                let mut st = c.prepare_cached(&s.sql).map_err(engine)?;
                st.execute(rusqlite::params_from_iter(
                    s.params.iter().map(sqlite_value),
                ))
                .map_err(engine)?;
                Ok(())
            }
            #[cfg(feature = "postgres")]
            Engine::Postgres(c) => {
                let (st, params) = pg_prepare(c, s)?;
                c.execute(&st, &pg_refs(&params)).map_err(engine)?;
                Ok(())
            }
        }
    }

    /// The table's column names, in order.
    fn column_names(&mut self) -> Result<Vec<String>, DatabaseError> {
        let sql = format!(
            "SELECT * FROM {} LIMIT 0",
            self.dialect().quote_ident(self.layout.table())
        );
        match &mut self.engine {
            #[cfg(feature = "sqlite")]
            Engine::Sqlite(c) => {
                let st = c.prepare(&sql).map_err(engine)?;
                Ok(st.column_names().into_iter().map(String::from).collect())
            }
            #[cfg(feature = "postgres")]
            Engine::Postgres(c) => {
                let st = c.prepare(&sql).map_err(engine)?;
                Ok(st.columns().iter().map(|c| c.name().to_string()).collect())
            }
        }
    }

    /// The first column of every row of `s`.
    fn query_column<T: Cell>(&mut self, s: &Statement) -> Result<Vec<T>, DatabaseError> {
        match &mut self.engine {
            #[cfg(feature = "sqlite")]
            Engine::Sqlite(c) => {
                let mut st = c.prepare_cached(&s.sql).map_err(engine)?;
                let rows = st
                    .query_map(
                        rusqlite::params_from_iter(s.params.iter().map(sqlite_value)),
                        T::from_sqlite,
                    )
                    .map_err(engine)?;
                rows.collect::<Result<Vec<_>, _>>().map_err(engine)
            }
            #[cfg(feature = "postgres")]
            Engine::Postgres(c) => {
                let (st, params) = pg_prepare(c, s)?;
                let rows = c.query(&st, &pg_refs(&params)).map_err(engine)?;
                rows.iter().map(|r| T::from_pg(r).map_err(engine)).collect()
            }
        }
    }
}

/// A value read from the first column of a result row, on either engine.
trait Cell: Sized {
    #[cfg(feature = "sqlite")]
    fn from_sqlite(row: &rusqlite::Row<'_>) -> rusqlite::Result<Self>;
    #[cfg(feature = "postgres")]
    fn from_pg(row: &postgres::Row) -> Result<Self, postgres::Error>;
}

macro_rules! cell {
    ($($t:ty),*) => {$(
        impl Cell for $t {
            #[cfg(feature = "sqlite")]
            fn from_sqlite(row: &rusqlite::Row<'_>) -> rusqlite::Result<Self> {
                row.get(0)
            }
            #[cfg(feature = "postgres")]
            fn from_pg(row: &postgres::Row) -> Result<Self, postgres::Error> {
                row.try_get(0)
            }
        }
    )*};
}
cell!(String, i64);

/// Registers on `conn` the SQL functions that [`Sqlite`](crate::sql::Sqlite)'s SQL calls
/// (`odata_tolower`, `odata_toupper`, `odata_trim`, `odata_matches_pattern`, `odata_int_arith`): the evaluator's Unicode
/// `tolower`/`toupper`/`trim`, `matchesPattern` with the crate's own pattern compiler, and checked
/// Int64 arithmetic. [`Database::open`] does it; call it yourself to run compiled filters on your own
/// connection. All are deterministic (usable in indexes) and NULL for a NULL argument.
///
/// ```
/// let conn = rusqlite::Connection::open_in_memory().unwrap();
/// odata_filter::sql::store::register_functions(&conn).unwrap();
/// let v: Option<i64> = conn
///     .query_row("SELECT odata_int_arith('add', 9223372036854775807, 1)", [], |r| r.get(0))
///     .unwrap();
/// assert_eq!(v, None); // overflow is null, as in the evaluator
/// let up: String = conn.query_row("SELECT odata_toupper('straße')", [], |r| r.get(0)).unwrap();
/// assert_eq!(up, "STRASSE");
/// ```
#[cfg(feature = "sqlite")]
pub fn register_functions(conn: &rusqlite::Connection) -> rusqlite::Result<()> {
    use crate::semantics::ArithmeticOp;
    use crate::sql::sqlite_functions as f;
    use rusqlite::functions::FunctionFlags;
    let flags = FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC;
    let text_fn = |name: &str, apply: fn(&str) -> String| {
        conn.create_scalar_function(name, 1, flags, move |ctx| {
            Ok(ctx.get::<Option<String>>(0)?.map(|s| apply(&s)))
        })
    };
    text_fn(f::TOLOWER, |s| s.to_lowercase())?;
    text_fn(f::TOUPPER, |s| s.to_uppercase())?;
    text_fn(f::TRIM, |s| crate::semantics::scalar::trim(s).to_string())?;
    conn.create_scalar_function(f::MATCHES_PATTERN, 2, flags, |ctx| {
        let text = ctx.get::<Option<String>>(0)?;
        let pattern = ctx.get::<Option<String>>(1)?;
        Ok(match (text, pattern) {
            (Some(t), Some(p)) => crate::pattern::cached(&p).map(|re| re.is_match(&t)),
            _ => None,
        })
    })?;
    conn.create_scalar_function(f::INT_ARITH, 3, flags, |ctx| {
        let op = match ctx.get::<String>(0)?.as_str() {
            "add" => ArithmeticOp::Add,
            "sub" => ArithmeticOp::Sub,
            "mul" => ArithmeticOp::Mul,
            "div" => ArithmeticOp::Div,
            "mod" => ArithmeticOp::Mod,
            other => {
                return Err(rusqlite::Error::UserFunctionError(
                    format!("unknown operator '{other}'").into(),
                ))
            }
        };
        let a = ctx.get::<Option<i64>>(1)?;
        let b = ctx.get::<Option<i64>>(2)?;
        Ok(match (a, b) {
            (Some(a), Some(b)) => crate::semantics::scalar::int_arith(op, a, b),
            _ => None,
        })
    })
}

#[cfg(feature = "sqlite")]
fn open_sqlite(path: &str) -> Result<Engine, DatabaseError> {
    let c = rusqlite::Connection::open(path).map_err(|e| engine(format!("{path}: {e}")))?;
    c.execute_batch("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;")
        .map_err(engine)?;
    register_functions(&c).map_err(engine)?;
    Ok(Engine::Sqlite(c))
}

#[cfg(not(feature = "sqlite"))]
fn open_sqlite(_: &str) -> Result<Engine, DatabaseError> {
    Err(DatabaseError::Engine(
        "this build has no SQLite support (cargo feature `sqlite`)".into(),
    ))
}

#[cfg(feature = "sqlite")]
fn sqlite_value(p: &Param) -> rusqlite::types::Value {
    use rusqlite::types::Value as V;
    match p {
        Param::Null(_) => V::Null,
        Param::Text(s) => V::Text(s.clone()),
        Param::Int(i) => V::Integer(*i),
        Param::Int32(i) => V::Integer(i64::from(*i)),
        Param::Bool(b) => V::Integer(i64::from(*b)),
    }
}

#[cfg(feature = "postgres")]
fn open_postgres(url: &str) -> Result<Engine, DatabaseError> {
    let c = postgres::Client::connect(url, postgres::NoTls).map_err(engine)?;
    Ok(Engine::Postgres(Box::new(c)))
}

#[cfg(not(feature = "postgres"))]
fn open_postgres(_: &str) -> Result<Engine, DatabaseError> {
    Err(DatabaseError::Engine(
        "this build has no PostgreSQL support (cargo feature `postgres`)".into(),
    ))
}

#[cfg(feature = "postgres")]
type PgParam = Box<dyn postgres::types::ToSql + Sync>;

#[cfg(feature = "postgres")]
fn pg_prepare(
    c: &mut postgres::Client,
    s: &Statement,
) -> Result<(postgres::Statement, Vec<PgParam>), DatabaseError> {
    use crate::sql::SqlType;
    use postgres::types::Type;
    let types: Vec<Type> = s
        .params
        .iter()
        .map(|p| match p.sql_type() {
            SqlType::Text => Type::TEXT,
            SqlType::Int => Type::INT8,
            SqlType::Int32 => Type::INT4,
            SqlType::Bool => Type::BOOL,
        })
        .collect();
    let mut params: Vec<PgParam> = Vec::with_capacity(s.params.len());
    for p in &s.params {
        params.push(match p {
            Param::Null(SqlType::Text) => Box::new(None::<String>),
            Param::Null(SqlType::Int) => Box::new(None::<i64>),
            Param::Null(SqlType::Int32) => Box::new(None::<i32>),
            Param::Null(SqlType::Bool) => Box::new(None::<bool>),
            Param::Text(t) if t.contains('\0') => {
                return Err(DatabaseError::Engine(
                    "a string with U+0000 is not supported by PostgreSQL".into(),
                ))
            }
            Param::Text(t) => Box::new(t.clone()),
            Param::Int(i) => Box::new(*i),
            Param::Int32(i) => Box::new(*i),
            Param::Bool(b) => Box::new(*b),
        });
    }
    let st = c.prepare_typed(&s.sql, &types).map_err(engine)?;
    Ok((st, params))
}

/// `COPY … FROM STDIN` (text format) of `rows`: PostgreSQL's bulk path, many times faster than
/// multi-row `INSERT`s.
#[cfg(feature = "postgres")]
fn pg_copy(
    c: &mut postgres::Client,
    table: &str,
    names: &[String],
    rows: &[Vec<Param>],
) -> Result<(), DatabaseError> {
    use std::io::Write;
    if rows.is_empty() {
        return Ok(());
    }
    let cols: Vec<String> = names
        .iter()
        .map(|n| crate::sql::Postgres.quote_ident(n))
        .collect();
    let sql = format!("COPY {table} ({}) FROM STDIN", cols.join(", "));
    let mut w = c.copy_in(&sql).map_err(engine)?;
    let mut line = String::new();
    for row in rows {
        line.clear();
        for (i, p) in row.iter().enumerate() {
            if i > 0 {
                line.push('\t');
            }
            match p {
                Param::Null(_) => line.push_str("\\N"),
                Param::Text(t) => {
                    if t.contains('\0') {
                        return Err(DatabaseError::Engine(
                            "a string with U+0000 is not supported by PostgreSQL".into(),
                        ));
                    }
                    for ch in t.chars() {
                        match ch {
                            '\\' => line.push_str("\\\\"),
                            '\t' => line.push_str("\\t"),
                            '\n' => line.push_str("\\n"),
                            '\r' => line.push_str("\\r"),
                            c => line.push(c),
                        }
                    }
                }
                Param::Int(v) => line.push_str(&v.to_string()),
                Param::Int32(v) => line.push_str(&v.to_string()),
                Param::Bool(b) => line.push(if *b { 't' } else { 'f' }),
            }
        }
        line.push('\n');
        w.write_all(line.as_bytes()).map_err(engine)?;
    }
    w.finish().map_err(engine)?;
    Ok(())
}

#[cfg(feature = "postgres")]
fn pg_refs(params: &[PgParam]) -> Vec<&(dyn postgres::types::ToSql + Sync)> {
    params.iter().map(|p| p.as_ref()).collect()
}

//! The SQL back end (feature `sql`; engines behind `sqlite` and `postgres`): a validated filter
//! runs inside SQLite or PostgreSQL and returns exactly the records the evaluator matches, in the same
//! order (the crate's semantics, §9; `docs/sql.md`).
//!
//! - [`compile_filter`] turns a [`TypedFilter`](crate::validate::TypedFilter) into a `WHERE`
//!   condition plus bound [`Param`]s for a [`Dialect`] ([`Sqlite`], [`Postgres`]);
//! - [`compile_query`] turns a [`ValidatedQuery`](crate::query::ValidatedQuery) into the page's
//!   `SELECT` and the `COUNT`;
//! - [`Layout`] derives the table from the entity type;
//! - [`store::Database`] (with an engine feature) creates, loads and queries a database and writes the
//!   same response body as the in-memory path.
//!
//! Hand-written SQL rather than a statement builder (sea-query): the generated SQL is a handful of
//! fixed shapes whose exact text matters (numbered placeholders repeated on purpose, `COLLATE "C"`,
//! `NULLS FIRST` only where needed, portable to distributed PostgreSQL engines); a builder would
//! hide that text behind a second tree without removing any dialect decision.
//!
//! ```
//! use odata_filter::{query::Query, mde::machine_actions, sql::{compile_filter, Layout, Postgres, Sqlite}};
//! let q = Query::from_query_string("$filter=contains(requestor, '%25_\\')", machine_actions()).unwrap();
//! let w = compile_filter(q.filter().unwrap(), &Layout::new(machine_actions()), &Sqlite).unwrap();
//! assert_eq!(w.sql, "(instr(\"requestor\", ?1) > 0)");
//!
//! // What an engine cannot express exactly is an error with a span, never an approximation:
//! // PostgreSQL's regular expressions are not the crate's pattern dialect.
//! let q = Query::from_query_string("$filter=matchesPattern(requestor, '^a')", machine_actions()).unwrap();
//! let err = compile_filter(q.filter().unwrap(), &Layout::new(machine_actions()), &Postgres).unwrap_err();
//! assert_eq!(
//!     err.as_slice()[0].message(),
//!     "matchesPattern() (its regular expressions differ from the engine's) is not supported by PostgreSQL"
//! );
//! ```

mod compile;
mod dialect;
mod layout;
#[cfg(any(feature = "sqlite", feature = "postgres"))]
pub mod store;

pub use compile::{compile_filter, compile_query, SqlQuery, Statement};
#[cfg(feature = "sqlite")]
pub(crate) use dialect::sqlite_functions;
pub use dialect::{Dialect, Postgres, Sqlite};
pub use layout::{Column, ColumnKind, Layout};

/// The SQL type of a bound parameter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SqlType {
    /// Text.
    Text,
    /// A 64-bit integer.
    Int,
    /// A 32-bit integer (`substr` positions: PostgreSQL's `substr` takes `integer`).
    Int32,
    /// A Boolean.
    Bool,
}

/// A bound parameter value.
#[derive(Clone, Debug, PartialEq)]
pub enum Param {
    /// `NULL` of a type.
    Null(SqlType),
    /// Text.
    Text(String),
    /// A 64-bit integer.
    Int(i64),
    /// A 32-bit integer.
    Int32(i32),
    /// A Boolean.
    Bool(bool),
}

impl Param {
    /// The parameter's SQL type.
    pub fn sql_type(&self) -> SqlType {
        match self {
            Param::Null(t) => *t,
            Param::Text(_) => SqlType::Text,
            Param::Int(_) => SqlType::Int,
            Param::Int32(_) => SqlType::Int32,
            Param::Bool(_) => SqlType::Bool,
        }
    }
}

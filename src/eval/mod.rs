//! Evaluation: records, compiled filters and query execution, by the rules of `docs/semantics.md`
//! §6.
//!
//! The pipeline after validation:
//!
//! ```text
//! TypedFilter ──┬─▶ reference interpreter (internal: walks the tree, Value per node)
//!               └─▶ compile::CompiledFilter (flat, type-specialised, batched)
//! ValidatedQuery::execute(&[R]) ─▶ QueryResult (count + page indices) ─▶ response body (JSON)
//! ```
//!
//! - [`record`]: the [`Record`] trait and its implementations for JSON objects and the typed
//!   [`MachineAction`](crate::mde::MachineAction).
//! - [`compile`]: compiled filters; a property test holds them equal to a reference interpreter
//!   (internal: it walks the tree and computes a value per node, slow and obvious on purpose).
//! - [`execute`]: `$filter`, `$orderby`, `$skip`, `$top`, `$count`, `$select` over a slice of records.
//!
//! ```
//! use odata_filter::query::Query;
//! use odata_filter::mde::machine_actions;
//! let records = odata_filter::mde::sample::machine_actions(1000, 7);
//! let q = Query::from_query_string(
//!     "$filter=status eq 'Failed' and creationDateTimeUtc ge 2024-06-01T00:00:00Z&$top=5&$count=true",
//!     machine_actions(),
//! )
//! .unwrap();
//! let body = q.response(&records);
//! assert!(body["value"].as_array().unwrap().len() <= 5);
//! assert!(body["@odata.count"].is_u64());
//! ```

pub mod compile;
pub mod execute;
pub(crate) mod interp;
pub(crate) mod read;
pub mod record;
#[cfg(test)]
mod tests;

pub use compile::{CompiledFilter, CompiledFilterFor};
pub use execute::QueryResult;
pub use record::{AccessorVisitor, Field, Items, Record};

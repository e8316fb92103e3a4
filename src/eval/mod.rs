//! Evaluation: records, compiled filters and query execution, by the rules of `docs/semantics.md`
//! §6.
//!
//! The pipeline after validation:
//!
//! ```text
//! TypedFilter ──┬─▶ reference interpreter (internal: walks the tree, Value per node)
//!               └─▶ CompiledFilter (flat, type-specialised, batched)
//! ValidatedQuery::execute(&[R]) ─▶ QueryResult (count + page indices) ─▶ response body (JSON)
//! ```
//!
//! - [`Record`]: what a filter reads, implemented for JSON objects and for structs with
//!   `#[derive(EntityType)]` (such as [`MachineAction`](crate::mde::MachineAction)).
//! - [`CompiledFilter`] and [`CompiledFilterFor`]: compiled filters; a property test holds them equal
//!   to a reference interpreter (internal: it walks the tree and computes a value per node, slow and
//!   obvious on purpose).
//! - [`ValidatedQuery::execute`](crate::ValidatedQuery::execute) → [`QueryResult`]: `$filter`,
//!   `$orderby`, `$skip`, `$top`, `$count`, `$select` over a slice of records. Records are never
//!   copied: the filter yields indices, ordering sorts `(key, index)` pairs — and when only a page is
//!   wanted, it first partitions so that only the `skip + top` first are sorted — and only the
//!   records of the page are serialized. Without `$orderby`, results follow the entity set's default
//!   order ([`EntitySet::default_order`](crate::EntitySet::default_order); MachineActions: newest
//!   first by `creationDateTimeUtc`, ties by `id`), then input order. Without `$top`, at most the
//!   entity set's page size (its `$top` cap; 10,000 for MachineActions) is returned.
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

pub(crate) mod compile;
pub(crate) mod execute;
pub(crate) mod interp;
pub(crate) mod read;
pub(crate) mod record;
#[cfg(test)]
mod tests;

pub use compile::{CompiledFilter, CompiledFilterFor};
pub use execute::QueryResult;
pub use record::{AccessorVisitor, Field, Items, Record};

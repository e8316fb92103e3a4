//! # odata-filter
//!
//! Parse, validate, evaluate and serialize OData v4 `$filter` queries; first target: the Microsoft
//! Defender for Endpoint *List MachineActions* API.
//!
//! ## The pipeline
//!
//! `&str` → [`parse_filter`] → [`Expr`] (faithful, spanned, printable) → [`validate()`] against an
//! [`EntitySet`] → [`TypedFilter`] (resolved properties, typed literals) → [`TypedFilter::compile`] →
//! [`CompiledFilter`], which matches [`Record`]s (JSON objects, or your own structs with
//! `#[derive(EntityType)]`) — or `Display` back to canonical text at any stage. Every stage is at the
//! crate root; its module ([`ast`], [`validate`](mod@validate), [`eval`], …) holds the rest of it.
//!
//! ```
//! use odata_filter::{parse_filter, validate, mde::machine_actions, ValidateOptions};
//!
//! // 1. Parse: a faithful tree; `Display` prints the canonical form.
//! let ast = parse_filter("Status EQ 'Succeeded' and creationDateTimeUtc ge 2018-08-01Z").unwrap();
//! assert_eq!(ast.to_string(), "Status eq 'Succeeded' and creationDateTimeUtc ge 2018-08-01Z");
//!
//! // 2. Validate against MachineActions: names resolved, literals typed, MDE's leniency applied.
//! let typed = validate(&ast, machine_actions(), &ValidateOptions::default()).unwrap();
//! assert_eq!(typed.to_string(), "status eq 'Succeeded' and creationDateTimeUtc ge 2018-08-01T00:00:00Z");
//!
//! // 3. Evaluate: compile once for the record type, then test each record as it arrives …
//! let filter = typed.compile_for::<odata_filter::mde::MachineAction>();
//! let records = odata_filter::mde::sample::machine_actions(1_000, 1);
//! let one_by_one = records.iter().filter(|r| filter.matches(r)).count();
//! // … or run it over a whole slice at once (batched).
//! let matching: Vec<usize> = filter.matching_indices(&records);
//! assert!(!matching.is_empty());
//! assert_eq!(one_by_one, matching.len());
//!
//! // Errors are values with a kind, a span and a message, rendered with a caret.
//! let errors = odata_filter::validate_text(
//!     "status eq 'Done'", machine_actions(), &ValidateOptions::default()).unwrap_err();
//! assert_eq!(errors.as_slice()[0].kind(), odata_filter::ErrorKind::UnknownEnumMember);
//! ```
//!
//! Servers take a whole query string through [`Query::from_query_string`] and answer it with
//! [`ValidatedQuery::response`]; clients build queries that cannot be misread with [`QueryBuilder`].
//! Schemas come from a derive ([`EntityType`], [`ComplexType`], [`EnumType`](macro@EnumType); see
//! [`typed`]) or from the builders ([`EntitySet::builder`], [`StructuredType::entity`],
//! [`EnumType::builder`](schema::EnumType::builder)); MDE's own models and sets are in [`mde`]. The
//! command line (`odata-filter parse|check|query|schema`) is a thin layer over these.
//!
//! ## Modules
//!
//! | module | what it holds |
//! |---|---|
//! | [`ast`] | the faithful syntax tree: [`Expr`], operators, functions, literals, [`Span`] |
//! | [`schema`], [`typed`] | EDM types, structured and enum types, entity sets; the traits the derives implement |
//! | [`validate`](mod@validate) | [`TypedFilter`], the typed IR and its checked constructors |
//! | [`eval`] | [`Record`], [`CompiledFilter`], the result of a query |
//! | [`options`], [`query`] | the query string ([`QueryOptions`]); a whole query validated against a set ([`Query`], [`ValidatedQuery`]) |
//! | [`builder`] | [`QueryBuilder`], field handles and filters that cannot be misbuilt |
//! | [`error`] | [`Error`], [`ErrorKind`], [`Errors`], [`Warning`] |
//! | [`value`] | the values a filter computes with |
//! | [`data`] | data files read, checked and queried in bounded memory |
//! | [`mde`] | Microsoft Defender for Endpoint: models, entity sets, handles, sample data, wire errors |
//! | `sql` (feature `sql`; engines `sqlite`, `postgres`) | filters and queries compiled to SQL; a store |
//! | `server`, `client` (features `server`, `client`) | an MDE API emulator; a blocking MDE client |
//!
//! With `default-features = false` the crate is the core alone: parse, validate, evaluate, build,
//! print (no clap, no SQL engines, no HTTP).
#![forbid(unsafe_code)]
#![warn(missing_docs)]

// pest_derive without `std` refers to `::alloc`.
extern crate alloc;
// The derives name this crate `::odata_filter`, here as in a user's crate.
extern crate self as odata_filter;

pub mod ast;
pub mod builder;
#[cfg(feature = "client")]
pub mod client;
pub mod data;
pub mod error;
pub mod eval;
pub mod mde;
pub mod options;
mod parser;
mod pattern;
mod print;
pub mod query;
pub mod schema;
mod semantics;
#[cfg(feature = "server")]
pub mod server;
#[cfg(feature = "sql")]
pub mod sql;
mod suggest;
pub mod typed;
pub mod validate;
pub mod value;

pub use ast::{Expr, Span};
pub use builder::QueryBuilder;
pub use error::{Error, ErrorKind, Errors, Reason, Warning};
pub use eval::{CompiledFilter, Record};
pub use odata_filter_derive::{ComplexType, EntityType, EnumType};
pub use options::QueryOptions;
pub use parser::{parse_filter, Limits, Parser};
pub use query::{Query, ValidatedQuery};
pub use schema::{EdmType, EntitySet, StructuredType};
pub use validate::{validate, validate_text, TypedFilter, ValidateOptions};

/// The README's examples run as doctests, so the README stays true.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;

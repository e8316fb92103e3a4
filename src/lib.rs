//! # odata-filter
//!
//! Parse, validate, evaluate and serialize OData v4 `$filter` queries.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

// pest_derive without `std` refers to `::alloc`.
extern crate alloc;

pub mod ast;
pub mod builder;
pub mod command;
pub mod error;
pub mod eval;
pub mod model;
pub mod options;
mod parser;
pub mod print;
pub mod query;
pub mod sample;
pub mod schema;
pub mod suggest;
pub mod validate;
pub mod value;

pub use ast::{Expr, Span};
pub use error::{Error, ErrorKind, Errors};
pub use parser::{parse_filter, Limits, Parser};

/// The README's examples run as doctests, so the README stays true.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;

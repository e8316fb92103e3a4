//! Evaluation: records, the rules of `SEMANTICS.md` §6, a reference interpreter and compiled filters.
//!
//! - [`Record`] / [`Items`]: how a filter reads a record (typed structs, JSON objects).
//! - [`semantics`]: null logic, comparisons, arithmetic and functions on plain values.

pub mod compile;
pub mod execute;
pub mod interp;
pub mod ir;
pub mod lower;
pub mod ops;
pub mod record;
pub mod semantics;

pub use record::{Field, Items, Record, MACHINE_ACTION_PROPERTIES};

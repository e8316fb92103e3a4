//! The reference interpreter against the compiled filter: the interpreter is internal, so these
//! tests live inside the crate.

mod compiled_agrees;
mod eval_semantics;

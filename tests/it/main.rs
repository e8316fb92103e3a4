//! All integration tests in one binary (one link instead of one per file).

mod abnf_conformance;
mod cli_check;
mod compiled_agrees;
mod edges;
mod error_snapshots;
mod eval_semantics;
mod fuzz_regressions;
mod grammar;
mod limits;
mod query_execute;
mod query_no_panic;
mod roundtrip;
mod validate_cases;
mod validate_roundtrip;
mod validate_snapshots;

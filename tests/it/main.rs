//! All integration tests in one binary (one link instead of one per file).

mod abnf_conformance;
#[cfg(feature = "cli")] // runs the binary
mod cli_check;
#[cfg(feature = "cli")]
mod data_stream;
mod derive;
#[cfg(feature = "cli")]
mod edges;
#[cfg(all(feature = "server", feature = "client"))]
mod emulator;
mod error_snapshots;
mod fuzz_regressions;
mod grammar;
mod limits;
#[cfg(feature = "cli")] // runs the binary too
mod query_execute;
#[cfg(feature = "cli")]
mod query_no_panic;
mod roundtrip;
mod sql_differential;
mod validate_cases;
mod validate_roundtrip;
mod validate_snapshots;

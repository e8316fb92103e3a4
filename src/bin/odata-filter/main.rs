//! The `odata-filter` command line: one file per subcommand, [`common`] for what they share.
//!
//! Exit status: 0 success, 1 operational failure (files, I/O), 2 a query the service would reject,
//! 64 a usage error (unknown flag, missing argument, a value out of range).
#![forbid(unsafe_code)]

use std::process::ExitCode;

use clap::{Parser as ClapParser, Subcommand};

/// The command line allocates and frees many small blocks (records, values, response bodies):
/// mimalloc does that faster than the system allocator (`benches/allocator.sh`).
#[cfg(feature = "mimalloc")]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod check;
mod common;
#[cfg(any(feature = "sqlite", feature = "postgres"))]
mod load;
mod parse;
mod query;
mod schema;
#[cfg(feature = "server")]
mod serve;

/// Parse, validate, evaluate and serialize OData v4 $filter queries.
#[derive(ClapParser)]
#[command(name = "odata-filter", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Parse a $filter expression: prints the canonical text, then its URL-encoded form.
    Parse(parse::Args),
    /// Validate a whole query string (or URL) against an MDE entity set: prints the normalized,
    /// URL-encoded query string.
    Check(check::Args),
    /// Run a query string over records (generated MachineActions, or from --data): prints the MDE
    /// response body.
    Query(query::Args),
    /// Print the built-in entity sets: properties, types, filterable flags, enum members, $top cap.
    Schema(schema::Args),
    /// Store MachineAction records (JSON or JSON Lines) in SQLite or PostgreSQL for `query --db`.
    #[cfg(any(feature = "sqlite", feature = "postgres"))]
    Load(load::Args),
    /// Serve the MDE emulator (MachineActions and Machines APIs, tokens, limits) on loopback.
    #[cfg(feature = "server")]
    Serve(serve::Args),
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                ExitCode::from(common::EXIT_USAGE)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    match cli.command {
        Command::Parse(args) => parse::run(&args),
        Command::Check(args) => check::run(&args),
        Command::Query(args) => query::run(&args),
        Command::Schema(args) => schema::run(&args),
        #[cfg(any(feature = "sqlite", feature = "postgres"))]
        Command::Load(args) => load::run(&args),
        #[cfg(feature = "server")]
        Command::Serve(args) => serve::run(&args),
    }
}

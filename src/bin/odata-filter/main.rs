//! The `odata-filter` command line. Contract: `../shared/spec/CLI.md`.
//!
//! Exit status: 0 success, 1 operational failure (files, I/O), 2 a query the service would reject.
#![forbid(unsafe_code)]

use std::process::ExitCode;

use clap::{Parser as ClapParser, Subcommand};

mod check;
#[cfg(any(feature = "sqlite", feature = "postgres"))]
mod load;
mod parse;
mod query;
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
    /// Validate a whole query string against an MDE entity set: prints the normalized, URL-encoded
    /// query string.
    Check(check::Args),
    /// Run a query string over MachineAction records (generated, or from --data): prints the MDE
    /// response body.
    Query(query::Args),
    /// Store MachineAction records (JSON or JSON Lines) in SQLite or PostgreSQL for `query --db`.
    #[cfg(any(feature = "sqlite", feature = "postgres"))]
    Load(load::Args),
    /// Serve the MDE emulator (MachineActions and Machines APIs, tokens, limits) on loopback.
    #[cfg(feature = "server")]
    Serve(serve::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Parse(args) => parse::run(&args),
        Command::Check(args) => check::run(&args),
        Command::Query(args) => query::run(&args),
        #[cfg(any(feature = "sqlite", feature = "postgres"))]
        Command::Load(args) => load::run(&args),
        #[cfg(feature = "server")]
        Command::Serve(args) => serve::run(&args),
    }
}

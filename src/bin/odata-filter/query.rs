//! `odata-filter query '<query string>' [--data FILE.json|FILE.jsonl|-] [--records N] [--seed S] [--json] [--skip-invalid]`
//!
//! The logic is [`odata_filter::command::run_query`]; this file only maps arguments.

use std::path::PathBuf;
use std::process::ExitCode;

use odata_filter::command::{run_query, DataSource, QueryCommand};

/// Arguments of `query`.
#[derive(clap::Args)]
pub struct Args {
    /// The query string, raw (`$filter=status eq 'Pending'&$top=2`) or percent-encoded.
    query: String,
    /// Records to query: a JSON array, an MDE response body, or JSON Lines (`.jsonl`); `-` for stdin.
    /// Without it, MachineActions are generated.
    #[arg(long, value_name = "FILE")]
    data: Option<PathBuf>,
    /// How many records to generate (without --data).
    #[arg(long, default_value_t = 10_000)]
    records: usize,
    /// The generator seed (without --data).
    #[arg(long, default_value_t = odata_filter::mde::sample::DEFAULT_SEED)]
    seed: u64,
    /// On an invalid query print MDE's JSON error body on stdout instead of the caret rendering on
    /// stderr.
    #[arg(long)]
    json: bool,
    /// Skip records of --data that do not fit the MachineAction type (their count goes to stderr)
    /// instead of failing on the first.
    #[arg(long)]
    skip_invalid: bool,
    /// Query a database filled by `load` instead: `sqlite:PATH` or `postgres://…`.
    #[cfg(any(feature = "sqlite", feature = "postgres"))]
    #[arg(long, value_name = "URL", conflicts_with = "data")]
    db: Option<String>,
}

/// Prints the MDE response body; exit 2 for an invalid query, 1 for unreadable data.
pub fn run(args: &Args) -> ExitCode {
    #[cfg(any(feature = "sqlite", feature = "postgres"))]
    if let Some(db) = &args.db {
        return ExitCode::from(run_db(&args.query, db, args.json));
    }
    let data = match &args.data {
        Some(p) if p.as_os_str() == "-" => DataSource::Stdin,
        Some(p) => DataSource::File(p.clone()),
        None => DataSource::Generated {
            records: args.records,
            seed: args.seed,
        },
    };
    let cmd = QueryCommand {
        query: args.query.clone(),
        data,
        json_errors: args.json,
        skip_invalid: args.skip_invalid,
    };
    let status = run_query(
        &cmd,
        &mut std::io::stdin().lock(),
        &mut std::io::stdout().lock(),
        &mut std::io::stderr().lock(),
    );
    ExitCode::from(status)
}

/// `query --db`: the same response body, computed by the database.
#[cfg(any(feature = "sqlite", feature = "postgres"))]
fn run_db(query: &str, db: &str, json_errors: bool) -> u8 {
    use odata_filter::command::{EXIT_INVALID_QUERY, EXIT_OK, EXIT_OPERATIONAL};
    use odata_filter::query::{mde_error_body, Query};
    use odata_filter::sql::store::{Store, StoreError};
    use std::io::Write;
    let set = odata_filter::mde::machine_actions();
    let invalid = |errors: &odata_filter::Errors| {
        if json_errors {
            println!("{}", mde_error_body(errors, None));
        } else {
            eprint!("{errors}");
        }
        EXIT_INVALID_QUERY
    };
    let q = match Query::from_query_string(query, set) {
        Ok(q) => q,
        Err(errors) => return invalid(&errors),
    };
    let body = Store::open(db, set).and_then(|mut s| s.response(&q));
    match body {
        Ok(body) => {
            let mut out = std::io::stdout().lock();
            let written = serde_json::to_writer_pretty(&mut out, &body)
                .map_err(std::io::Error::from)
                .and_then(|()| writeln!(out));
            match written {
                Ok(()) => EXIT_OK,
                Err(e) => {
                    eprintln!("error: cannot write the response: {e}");
                    EXIT_OPERATIONAL
                }
            }
        }
        // A valid query this engine cannot answer exactly: an operational failure, not a 400.
        Err(StoreError::Unsupported(errors)) => {
            eprint!("{errors}");
            EXIT_OPERATIONAL
        }
        Err(e) => {
            eprintln!("error: {e}");
            EXIT_OPERATIONAL
        }
    }
}

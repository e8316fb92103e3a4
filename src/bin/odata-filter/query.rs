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
}

/// Prints the MDE response body; exit 2 for an invalid query, 1 for unreadable data.
pub fn run(args: &Args) -> ExitCode {
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

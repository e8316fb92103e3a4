//! `odata-filter query '<query string or URL>' [--entity E] [--data FILE.json|FILE.jsonl|-]
//! [--records N] [--seed S] [--json] [--skip-invalid] [limits]`

use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use odata_filter::mde;

use crate::common::{self, Entity, LimitArgs, EXIT_INVALID_QUERY, EXIT_OK, EXIT_OPERATIONAL};
use odata_filter::data::{query_reader, DataError, ReadOptions};
use odata_filter::mde::{Machine, MachineAction};
use odata_filter::query::ValidatedQuery;

/// Arguments of `query`.
#[derive(clap::Args)]
pub struct Args {
    /// The query string, raw (`$filter=status eq 'Pending'&$top=2`) or percent-encoded, or a whole URL.
    #[arg(allow_hyphen_values = true)]
    query: String,
    /// The entity set to query.
    #[arg(long, value_enum, default_value = "machineactions")]
    entity: Entity,
    /// Records to query: a JSON array, an MDE response body, or JSON Lines (`.jsonl`); `-` for stdin.
    /// Without it, MachineActions are generated.
    #[arg(long, value_name = "FILE")]
    data: Option<PathBuf>,
    /// How many records to generate (without --data), at most 10,000,000.
    #[arg(long, default_value_t = 10_000)]
    records: usize,
    /// The generator seed (without --data).
    #[arg(long, default_value_t = odata_filter::mde::sample::DEFAULT_SEED)]
    seed: u64,
    /// On an invalid query print MDE's JSON error body on stdout instead of the caret rendering on
    /// stderr.
    #[arg(long)]
    json: bool,
    /// Skip records of --data that do not fit the entity type (their count goes to stderr) instead
    /// of failing on the first.
    #[arg(long)]
    skip_invalid: bool,
    #[command(flatten)]
    limits: LimitArgs,
    /// Query a database filled by `load` instead: `sqlite:PATH` or `postgres://…`.
    #[cfg(any(feature = "sqlite", feature = "postgres"))]
    #[arg(long, value_name = "URL", conflicts_with = "data")]
    db: Option<String>,
}

/// Where the records come from.
enum DataSource {
    Generated { records: usize, seed: u64 },
    File(PathBuf),
    Stdin,
}

/// Prints the MDE response body; exit 2 for an invalid query, 1 for unreadable data, 64 for
/// `--records` above the cap or generated records of an entity set without a generator.
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
    let status = execute(
        args,
        data,
        &mut std::io::stdin().lock(),
        &mut std::io::stdout().lock(),
        &mut std::io::stderr().lock(),
    );
    ExitCode::from(status)
}

fn execute(
    args: &Args,
    data: DataSource,
    stdin: &mut dyn Read,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> u8 {
    if let DataSource::Generated { records, .. } = data {
        if records > common::MAX_GENERATED_RECORDS {
            let _ = writeln!(
                err,
                "error: --records {records} is more than the {} records query generates at most; use --data for more",
                common::MAX_GENERATED_RECORDS
            );
            return common::EXIT_USAGE;
        }
        if args.entity != Entity::MachineActions {
            let _ = writeln!(
                err,
                "error: only MachineActions records are generated; give --data for {}",
                args.entity.set().name()
            );
            return common::EXIT_USAGE;
        }
    }
    let query = match common::validate(&args.query, args.entity, &args.limits) {
        Ok(q) => q,
        Err(errors) => {
            let written = if args.json {
                writeln!(out, "{}", mde::error_body(&errors, None))
            } else {
                write!(err, "{}", mde::wire_errors(&errors))
            };
            return if written.is_ok() {
                EXIT_INVALID_QUERY
            } else {
                EXIT_OPERATIONAL
            };
        }
    };
    common::warn(err, &query);
    let body = match data {
        DataSource::Generated { records, seed } => {
            let records = odata_filter::mde::sample::machine_actions(records, seed);
            query.response(&records)
        }
        DataSource::File(path) => {
            let name = path.display().to_string();
            let file = match std::fs::File::open(&path) {
                Ok(f) => f,
                Err(e) => return report(err, &DataError::new(&name, None, e.to_string())),
            };
            match stream(args, &query, file, ReadOptions::for_file(&name), err) {
                Ok(body) => body,
                Err(status) => return status,
            }
        }
        DataSource::Stdin => {
            match stream(args, &query, stdin, ReadOptions::for_file("<stdin>"), err) {
                Ok(body) => body,
                Err(status) => return status,
            }
        }
    };
    let written = serde_json::to_writer_pretty(&mut *out, &body)
        .map_err(std::io::Error::from)
        .and_then(|()| writeln!(out));
    match written {
        Ok(()) => EXIT_OK,
        Err(e) => {
            let _ = writeln!(err, "error: cannot write the response: {e}");
            EXIT_OPERATIONAL
        }
    }
}

/// `query --db`: the same response body, computed by the database.
#[cfg(any(feature = "sqlite", feature = "postgres"))]
fn run_db(query: &str, db: &str, json_errors: bool) -> u8 {
    use odata_filter::mde::error_body as mde_error_body;
    use odata_filter::query::Query;
    use odata_filter::sql::store::{Database, DatabaseError};
    use std::io::Write;
    let set = odata_filter::mde::machine_actions();
    let invalid = |errors: &odata_filter::Errors| {
        if json_errors {
            println!("{}", mde_error_body(errors, None));
        } else {
            eprint!("{}", odata_filter::mde::wire_errors(errors));
        }
        EXIT_INVALID_QUERY
    };
    let q = match Query::from_query_string(query, set) {
        Ok(q) => q,
        Err(errors) => return invalid(&errors),
    };
    let body = Database::open(db, set).and_then(|mut s| s.response(&q));
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
        Err(DatabaseError::Unsupported(errors)) => {
            eprint!("{errors}");
            EXIT_OPERATIONAL
        }
        Err(e) => {
            eprintln!("error: {e}");
            EXIT_OPERATIONAL
        }
    }
}

/// Streams the entity set's typed records from `input` through `query` (see [`odata_filter::data`]):
/// memory stays bounded by the page, whatever the input's size.
fn stream(
    args: &Args,
    query: &ValidatedQuery,
    input: impl Read,
    mut options: ReadOptions,
    err: &mut dyn Write,
) -> Result<serde_json::Value, u8> {
    options.skip_invalid = args.skip_invalid;
    let outcome = match args.entity {
        Entity::MachineActions => query_reader::<MachineAction, _>(query, input, &options),
        Entity::Machines => query_reader::<Machine, _>(query, input, &options),
    }
    .map_err(|e| report(err, &e))?;
    if let Some(first) = &outcome.first_invalid {
        let _ = writeln!(
            err,
            "warning: skipped {} invalid record{} (the first: {first})",
            outcome.invalid,
            if outcome.invalid == 1 { "" } else { "s" }
        );
    }
    Ok(outcome.response(query))
}

fn report(err: &mut dyn Write, e: &DataError) -> u8 {
    let _ = writeln!(err, "error: {e}");
    EXIT_OPERATIONAL
}

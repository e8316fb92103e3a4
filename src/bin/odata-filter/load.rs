//! `odata-filter load --db sqlite:PATH|postgres://… FILE.json|FILE.jsonl|-`: stores MachineAction
//! records in a database (creating the table and indexes), appended after those already there.
//! `--replace` empties the table first. Exit 0 on success (the count on stderr), 1 on any failure.

use std::io::BufReader;
use std::path::PathBuf;
use std::process::ExitCode;

use odata_filter::data::load_records;
use odata_filter::mde::machine_actions;
use odata_filter::sql::store::Database;

/// Arguments of `load`.
#[derive(clap::Args)]
pub struct Args {
    /// The database: `sqlite:PATH` or `postgres://…`.
    #[arg(long, value_name = "URL")]
    db: String,
    /// Empty the table before loading.
    #[arg(long)]
    replace: bool,
    /// Records: JSON Lines (`.jsonl`, streamed), a JSON array or an MDE response body; `-` for stdin.
    file: PathBuf,
}

/// Loads the file; exit 1 with a message naming the file, the line and the property on failure.
pub fn run(args: &Args) -> ExitCode {
    match load(args) {
        Ok(n) => {
            eprintln!("loaded {n} records into {}", args.db);
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(1)
        }
    }
}

fn load(args: &Args) -> Result<usize, Box<dyn std::error::Error>> {
    let mut store = Database::open(&args.db, machine_actions())?;
    if args.replace {
        store.clear()?;
    }
    let stdin = args.file.as_os_str() == "-";
    let name = if stdin {
        "<stdin>".to_string()
    } else {
        args.file.display().to_string()
    };
    let jsonl = args
        .file
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("jsonl"));
    if jsonl {
        let f = std::fs::File::open(&args.file).map_err(|e| format!("{name}: {e}"))?;
        return Ok(store.load_jsonl(BufReader::new(f), &name)?);
    }
    let records = if stdin {
        load_records(std::io::stdin().lock(), &name, false)?
    } else {
        let f = std::fs::File::open(&args.file).map_err(|e| format!("{name}: {e}"))?;
        load_records(BufReader::new(f), &name, false)?
    };
    Ok(store.insert(&records, &name)?)
}

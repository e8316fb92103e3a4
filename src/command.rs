//! The logic of `odata-filter query`, kept in the library so the binary is a thin argument parser
//! and the command is testable end to end (contract: `shared/spec/CLI.md`).
//!
//! ```
//! use odata_filter::command::{run_query, DataSource, QueryCommand};
//! let cmd = QueryCommand {
//!     query: "$filter=machineId eq 'f46b9bb259ed4a7fb9981b73510e3cc7aa81ec1f'&$top=2".into(),
//!     data: DataSource::Generated { records: 1000, seed: 1 },
//!     json_errors: false,
//! };
//! let (mut out, mut err) = (Vec::new(), Vec::new());
//! let status = run_query(&cmd, &mut std::io::empty(), &mut out, &mut err);
//! assert_eq!(status, 0);
//! let body: serde_json::Value = serde_json::from_slice(&out).unwrap();
//! assert_eq!(body["value"][0]["id"], "69dc3630-1ccc-4342-acf3-35286eec741d");
//! ```

use std::io::{BufRead, BufReader, Read, Write};
use std::path::PathBuf;

use crate::mde::error_body as mde_error_body;
use crate::query::Query;
use crate::schema::machine_actions;

/// Exit status: success.
pub const EXIT_OK: u8 = 0;
/// Exit status: an operational failure (a file that cannot be read or parsed, an I/O error).
pub const EXIT_OPERATIONAL: u8 = 1;
/// Exit status: a query the service would reject with 400.
pub const EXIT_INVALID_QUERY: u8 = 2;

/// Where the records come from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DataSource {
    /// `records` generated MachineActions from `seed` (see [`crate::sample`]).
    Generated {
        /// How many.
        records: usize,
        /// The generator seed.
        seed: u64,
    },
    /// A file: a JSON array of objects, an MDE response body (`{"value": […]}`), or (`.jsonl`) one
    /// object per line.
    File(PathBuf),
    /// Standard input, in any of the file formats.
    Stdin,
}

/// The arguments of `query`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QueryCommand {
    /// The query string, raw or percent-encoded.
    pub query: String,
    /// The records.
    pub data: DataSource,
    /// On an invalid query, print MDE's JSON error body on stdout instead of the caret rendering on
    /// stderr.
    pub json_errors: bool,
}

/// Data that could not be read: which file, which line (1-based) if known, and why.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{file}{}: {message}", line.map(|l| format!(":{l}")).unwrap_or_default())]
pub struct DataError {
    /// The file name as given (`<stdin>` for standard input).
    pub file: String,
    /// The line, when the problem is on one.
    pub line: Option<usize>,
    /// What is wrong.
    pub message: String,
}

/// Runs `query`: validates the query string against MachineActions, loads or generates the records,
/// executes the query and writes the MDE response body (pretty JSON) to `out`. Returns the exit
/// status: [`EXIT_OK`], [`EXIT_INVALID_QUERY`] (caret rendering on `err`, or the MDE error body on
/// `out` with `json_errors`), or [`EXIT_OPERATIONAL`] (a message naming the file and line on `err`).
pub fn run_query(
    cmd: &QueryCommand,
    stdin: &mut dyn Read,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> u8 {
    let set = machine_actions();
    let query = match Query::from_query_string(&cmd.query, set) {
        Ok(q) => q,
        Err(errors) => {
            let written = if cmd.json_errors {
                writeln!(out, "{}", mde_error_body(&errors, None))
            } else {
                write!(err, "{errors}")
            };
            return if written.is_ok() {
                EXIT_INVALID_QUERY
            } else {
                EXIT_OPERATIONAL
            };
        }
    };
    let body = match &cmd.data {
        DataSource::Generated { records, seed } => {
            let records = crate::sample::machine_actions(*records, *seed);
            query.response(&records, set.name())
        }
        DataSource::File(path) => {
            let name = path.display().to_string();
            let loaded = std::fs::File::open(path)
                .map_err(|e| DataError {
                    file: name.clone(),
                    line: None,
                    message: e.to_string(),
                })
                .and_then(|f| {
                    let jsonl = path
                        .extension()
                        .is_some_and(|e| e.eq_ignore_ascii_case("jsonl"));
                    load_records(BufReader::new(f), &name, jsonl)
                });
            match loaded {
                Ok(records) => query.response(&records, set.name()),
                Err(e) => return report(err, &e),
            }
        }
        DataSource::Stdin => match load_records(BufReader::new(stdin), "<stdin>", false) {
            Ok(records) => query.response(&records, set.name()),
            Err(e) => return report(err, &e),
        },
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

fn report(err: &mut dyn Write, e: &DataError) -> u8 {
    let _ = writeln!(err, "error: {e}");
    EXIT_OPERATIONAL
}

/// Reads records: JSON Lines when `jsonl` (one object per line, blank lines skipped), otherwise one
/// JSON document — an array of objects or an object with a `value` array — falling back to JSON Lines
/// when the text is a sequence of objects on separate lines. Every record must be a JSON object.
///
/// ```
/// use odata_filter::command::load_records;
/// let recs = load_records("{\"a\":1}\n\n{\"a\":2}\n".as_bytes(), "x.jsonl", true).unwrap();
/// assert_eq!(recs.len(), 2);
/// assert_eq!(load_records("\u{feff}[{}]".as_bytes(), "bom.json", false).unwrap().len(), 1);
/// let err = load_records("{\"a\":1}\n{\"a\":\n".as_bytes(), "x.jsonl", true).unwrap_err();
/// assert_eq!(err.line, Some(2));
/// assert!(err.to_string().starts_with("x.jsonl:2: "));
/// ```
pub fn load_records<R: BufRead>(
    mut input: R,
    name: &str,
    jsonl: bool,
) -> Result<Vec<serde_json::Value>, DataError> {
    let err = |line: Option<usize>, message: String| DataError {
        file: name.to_string(),
        line,
        message,
    };
    if jsonl {
        let mut records = Vec::new();
        let mut line = String::new();
        let mut n = 0;
        loop {
            line.clear();
            n += 1;
            let read = input
                .read_line(&mut line)
                .map_err(|e| err(Some(n), e.to_string()))?;
            if read == 0 {
                return Ok(records);
            }
            // A byte-order mark may start the file.
            let text = if n == 1 {
                line.trim_start_matches('\u{feff}')
            } else {
                &line
            };
            if text.trim().is_empty() {
                continue;
            }
            let v: serde_json::Value =
                serde_json::from_str(text).map_err(|e| err(Some(n), e.to_string()))?;
            if !v.is_object() {
                return Err(err(Some(n), "expected a JSON object".into()));
            }
            records.push(v);
        }
    }
    let mut text = String::new();
    input
        .read_to_string(&mut text)
        .map_err(|e| err(None, e.to_string()))?;
    if let Some(rest) = text.strip_prefix('\u{feff}') {
        text = rest.to_string();
    }
    match serde_json::from_str::<serde_json::Value>(&text) {
        Ok(serde_json::Value::Array(items)) => check_objects(items, name),
        Ok(serde_json::Value::Object(mut obj)) => match obj.remove("value") {
            Some(serde_json::Value::Array(items)) => check_objects(items, name),
            Some(_) => Err(err(None, "'value' is not an array".into())),
            None => Ok(vec![serde_json::Value::Object(obj)]),
        },
        Ok(_) => Err(err(
            Some(1),
            "expected an array of objects, an object with a 'value' array, or JSON Lines".into(),
        )),
        Err(e) if e.is_syntax() && e.line() > 1 && text.trim_start().starts_with('{') => {
            // Perhaps JSON Lines: `{…}\n{…}`.
            let first_line_ok = text
                .lines()
                .find(|l| !l.trim().is_empty())
                .is_some_and(|l| serde_json::from_str::<serde_json::Value>(l).is_ok());
            if first_line_ok {
                load_records(text.as_bytes(), name, true)
            } else {
                Err(err(Some(e.line()), e.to_string()))
            }
        }
        Err(e) => Err(err(Some(e.line().max(1)), e.to_string())),
    }
}

fn check_objects(
    items: Vec<serde_json::Value>,
    name: &str,
) -> Result<Vec<serde_json::Value>, DataError> {
    match items.iter().position(|v| !v.is_object()) {
        Some(i) => Err(DataError {
            file: name.to_string(),
            line: None,
            message: format!("record {} is not a JSON object", i + 1),
        }),
        None => Ok(items),
    }
}

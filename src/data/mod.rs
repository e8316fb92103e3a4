//! Data files: records read from JSON Lines, JSON arrays, MDE response bodies (`{"value": […]}`) or
//! any reader, one at a time, checked against the entity type, and queried in bounded memory.
//!
//! [`query_reader`] is the streaming data path of `odata-filter query --data`: the input is cut into
//! chunks of whole records (a few MiB), worker threads deserialise each record into the typed entity
//! (`T`, e.g. [`MachineAction`](crate::mde::MachineAction)) — which checks it like the service's own
//! data: enum members, Guids, date-times, JSON types, required properties —, run the compiled filter
//! over the chunk in batches, and offer the matching records to a bounded top-k by the query's order
//! (`$skip + $top` rows). Only the kept records' raw JSON text is retained, so memory does not grow
//! with the input and the output is the record exactly as read (parsed again only for the page).
//! A record longer than 16 MiB is an error ("a record is longer than 16 MiB"): one runaway line or
//! unclosed object cannot take all memory.
//!
//! ```
//! use odata_filter::data::{query_reader, ReadOptions};
//! use odata_filter::mde::MachineAction;
//! use odata_filter::query::Query;
//! let q = Query::from_query_string("$filter=status eq 'Succeeded'&$top=1&$count=true",
//!     odata_filter::mde::machine_actions()).unwrap();
//! let jsonl: String = odata_filter::mde::sample::machine_actions(100, 1).iter()
//!     .map(|a| serde_json::to_string(a).unwrap() + "\n").collect();
//! let out = query_reader::<MachineAction, _>(&q, jsonl.as_bytes(), &ReadOptions::jsonl("a.jsonl")).unwrap();
//! assert_eq!(out.matched, q.execute(&odata_filter::mde::sample::machine_actions(100, 1)).matched());
//! assert_eq!(out.page.len(), 1);
//! assert_eq!(out.page[0].json()["status"], "Succeeded");
//!
//! // A record that does not fit the entity type is an error naming the file, line, column and property.
//! let bad = jsonl.replacen("\"Succeeded\"", "\"Done\"", 1);
//! let err = query_reader::<MachineAction, _>(&q, bad.as_bytes(), &ReadOptions::jsonl("a.jsonl")).unwrap_err();
//! assert_eq!(err.property.as_deref(), Some("status"));
//! assert!(err.to_string().starts_with("a.jsonl:"), "{err}");
//! ```

use std::io::Read;
use std::sync::atomic::{AtomicBool, Ordering as AtomicOrdering};
use std::sync::{mpsc, Mutex};

use serde::de::DeserializeOwned;

use self::work::{describe, Work};

use crate::eval::execute::{OrderKeys, TopK};
use crate::query::ValidatedQuery;
use crate::semantics::scalar as sem;
use crate::typed::Structured;

mod fast;
mod lines;
mod load;
mod scan;
mod work;

pub use load::load_records;

/// Data that could not be read: which file, where (line and column, 1-based, when known), which
/// property, and why.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error(
    "{file}{}{}: {}{message}",
    line.map(|l| format!(":{l}")).unwrap_or_default(),
    column.map(|c| format!(":{c}")).unwrap_or_default(),
    property.as_ref().map(|p| format!("property '{p}': ")).unwrap_or_default()
)]
pub struct DataError {
    /// The file name as given (`<stdin>` for standard input).
    pub file: String,
    /// The line, when the problem is on one.
    pub line: Option<usize>,
    /// The column within the line (in bytes), when known.
    pub column: Option<usize>,
    /// The property of the record at fault (a path like `commands[0].commandStatus`), when known.
    pub property: Option<String>,
    /// What is wrong.
    pub message: String,
}

impl DataError {
    /// An error in `file` at `line` (if known).
    pub fn new(file: &str, line: Option<usize>, message: impl Into<String>) -> Self {
        DataError {
            file: file.to_string(),
            line,
            column: None,
            property: None,
            message: message.into(),
        }
    }

    fn at(file: &str, line: usize, column: usize, message: impl Into<String>) -> Self {
        DataError {
            column: Some(column),
            ..DataError::new(file, Some(line), message)
        }
    }
}

/// How the input is framed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// One JSON object per line (`.jsonl`); blank lines are skipped.
    JsonLines,
    /// Told apart by the text: a JSON array of objects, an object with a `value` array (an MDE
    /// response body), or a sequence of objects (JSON Lines, concatenated JSON).
    Auto,
}

/// How [`query_reader`] reads.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReadOptions {
    /// The input's name in messages (`<stdin>` for standard input).
    pub name: String,
    /// The framing.
    pub format: Format,
    /// Skip records that do not fit the entity type (count them) instead of failing on the first.
    pub skip_invalid: bool,
    /// Worker threads deserialising and filtering (at least 1); the calling thread reads.
    pub threads: usize,
}

impl ReadOptions {
    /// Options for a file `name`: JSON Lines when it ends in `.jsonl`, otherwise [`Format::Auto`];
    /// one worker per available core (at most 8).
    pub fn for_file(name: &str) -> Self {
        let jsonl = std::path::Path::new(name)
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("jsonl"));
        ReadOptions {
            name: name.to_string(),
            format: if jsonl {
                Format::JsonLines
            } else {
                Format::Auto
            },
            skip_invalid: false,
            threads: std::thread::available_parallelism().map_or(1, |n| n.get().min(8)),
        }
    }

    /// JSON Lines named `name`.
    pub fn jsonl(name: &str) -> Self {
        ReadOptions {
            format: Format::JsonLines,
            ..ReadOptions::for_file(name)
        }
    }
}

/// One record of the page: its JSON text as read, and where it starts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RawRecord {
    /// The record's JSON text, exactly as in the input.
    pub text: Box<[u8]>,
    /// The line it starts on (1-based).
    pub line: usize,
    /// The column it starts at (1-based, in bytes).
    pub column: usize,
}

impl RawRecord {
    /// The record as a JSON value (keys in input order).
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.text).unwrap_or(serde_json::Value::Null)
    }
}

/// Bookkeeping of a streamed query, to show that memory stays bounded.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct StreamStats {
    /// Records read (valid or not).
    pub records: usize,
    /// Chunks handed to the workers.
    pub chunks: usize,
    /// The largest chunk, in bytes.
    pub max_chunk_bytes: usize,
    /// The most records one worker's top-k held at once.
    pub max_retained: usize,
}

/// What [`query_reader`] found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StreamOutcome {
    /// Valid records that matched `$filter` (the `@odata.count`).
    pub matched: usize,
    /// The page, in result order.
    pub page: Vec<RawRecord>,
    /// Records skipped as invalid (with [`ReadOptions::skip_invalid`]).
    pub invalid: usize,
    /// The first invalid record skipped, if any.
    pub first_invalid: Option<DataError>,
    /// Bookkeeping.
    pub stats: StreamStats,
}

impl StreamOutcome {
    /// The MDE response body: see [`ValidatedQuery::response_with`].
    pub fn response(&self, query: &ValidatedQuery) -> serde_json::Value {
        query.response_with(self.matched, self.page.iter().map(RawRecord::json))
    }
}

/// The target size of one chunk of input handed to a worker.
const CHUNK: usize = 2 << 20;

/// The longest record accepted (a MachineAction is about 1 KB), so that one runaway line or
/// unclosed object cannot take all memory. A fixed limit rather than a [`ReadOptions`] field: it
/// bounds memory per worker, and no record of any entity type comes near it.
pub(crate) const MAX_RECORD_BYTES: usize = 16 << 20;

/// A run of whole records.
struct Chunk {
    data: Vec<u8>,
    /// The global byte offset of `data[0]` (record positions: input order).
    offset: u64,
    kind: ChunkKind,
}

enum ChunkKind {
    /// Whole lines; the first is line `first_line`.
    Lines { first_line: usize },
    /// Records at these places.
    Spans(Vec<Span>),
}

/// One record of a [`ChunkKind::Spans`] chunk.
#[derive(Clone, Copy)]
struct Span {
    start: usize,
    end: usize,
    line: usize,
    column: usize,
}

/// One worker's share of the result.
struct Share {
    matched: usize,
    records: usize,
    best: TopK<RawRecord>,
    max_retained: usize,
    invalid: usize,
    /// The first invalid record (by input position) this worker saw.
    first_invalid: Option<(u64, DataError)>,
}

/// Runs `query` over the records of `input`, deserialised as `T`, in bounded memory (see the
/// [module docs](self)). A record that does not fit `T` is an error (or skipped and counted with
/// [`ReadOptions::skip_invalid`]); so are framing errors, which are never skipped. Empty input is an
/// error; `[]` is zero records.
pub fn query_reader<T, R>(
    query: &ValidatedQuery,
    input: R,
    options: &ReadOptions,
) -> Result<StreamOutcome, DataError>
where
    T: DeserializeOwned + Structured,
    R: Read,
{
    // The fast path checks records against the schema `T` was derived with: only when that is the
    // type the query is about.
    let plan = (T::structured_type().qualified_name() == query.entity_type().qualified_name())
        .then(|| fast::Plan::new(T::structured_type()))
        .flatten();
    let filter = query.filter().map(|f| f.compile());
    let now = filter.as_ref().map_or_else(sem::now, |f| f.now());
    let order = OrderKeys::new(query, now);
    let (skip, top) = query.skip_and_page_size();
    let k = skip.saturating_add(top);
    let workers = options.threads.max(1);
    let failed = AtomicBool::new(false);
    let name = options.name.as_str();

    let (tx, rx) = mpsc::sync_channel::<Chunk>(workers);
    let rx = Mutex::new(rx);
    // Buffers the workers are done with, for the reader to fill again: no more than are in flight.
    let (back_tx, back_rx) = mpsc::channel::<Vec<u8>>();
    let (shares, produced) = std::thread::scope(|scope| {
        let tx = tx;
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                let (rx, filter, order, failed) = (&rx, filter.as_ref(), &order, &failed);
                let plan = plan.as_ref();
                let back = back_tx.clone();
                scope.spawn(move || {
                    let mut share = Share {
                        matched: 0,
                        records: 0,
                        best: TopK::new(order, k),
                        max_retained: 0,
                        invalid: 0,
                        first_invalid: None,
                    };
                    let mut work = Work::<T>::default();
                    loop {
                        let next = rx.lock().map(|r| r.recv());
                        let Ok(Ok(chunk)) = next else { break };
                        work.run(&chunk, name, plan, filter, order, &mut share);
                        let mut data = chunk.data;
                        data.clear();
                        // The reader may be gone (an error): the buffer is then dropped here.
                        let _ = back.send(data);
                        if share.first_invalid.is_some() && !options.skip_invalid {
                            failed.store(true, AtomicOrdering::Relaxed);
                        }
                    }
                    share
                })
            })
            .collect();
        let mut stats = StreamStats::default();
        let mut send = |chunk: Chunk| -> bool {
            if failed.load(AtomicOrdering::Relaxed) {
                return false;
            }
            stats.chunks += 1;
            stats.max_chunk_bytes = stats.max_chunk_bytes.max(chunk.data.len());
            tx.send(chunk).is_ok()
        };
        let produced = match options.format {
            Format::JsonLines => {
                let mut fresh = || {
                    back_rx
                        .try_recv()
                        .unwrap_or_else(|_| Vec::with_capacity(CHUNK + 4096))
                };
                lines::produce_lines(input, name, &mut fresh, &mut send)
            }
            Format::Auto => scan::produce(input, name, &mut send),
        };
        drop(tx);
        // A worker that panicked would lose its records: an error, never a silently short answer.
        let shares: Option<Vec<Share>> = handles.into_iter().map(|h| h.join().ok()).collect();
        (shares, produced.map(|nonempty| (nonempty, stats)))
    });
    let (nonempty, mut stats) = produced?;
    let shares = shares
        .ok_or_else(|| DataError::new(name, None, "internal error: a worker thread failed"))?;
    let mut best = TopK::new(&order, k);
    let (mut matched, mut invalid) = (0, 0);
    let mut first_invalid: Option<(u64, DataError)> = None;
    for share in shares {
        matched += share.matched;
        invalid += share.invalid;
        stats.records += share.records;
        stats.max_retained = stats.max_retained.max(share.max_retained);
        if let Some((pos, e)) = share.first_invalid {
            if first_invalid.as_ref().map_or(true, |(p, _)| pos < *p) {
                first_invalid = Some((pos, e));
            }
        }
        best.merge(share.best);
    }
    match first_invalid {
        Some((_, e)) if !options.skip_invalid => Err(e),
        first_invalid => {
            if !nonempty {
                return Err(DataError::new(
                    name,
                    None,
                    "the input is empty: expected JSON Lines (one MachineAction object per line), a JSON array of objects or an MDE response body ({\"value\": [...]})",
                ));
            }
            Ok(StreamOutcome {
                matched,
                page: best.into_page(skip),
                invalid,
                first_invalid: first_invalid.map(|(_, e)| e),
                stats,
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mde::MachineAction;
    use crate::query::Query;

    fn query(qs: &str) -> ValidatedQuery {
        Query::from_query_string(qs, crate::mde::machine_actions()).unwrap()
    }

    fn jsonl(n: usize) -> String {
        crate::mde::sample::machine_actions(n, 3)
            .iter()
            .map(|a| serde_json::to_string(a).unwrap() + "\n")
            .collect()
    }

    fn run(q: &str, text: &str, options: &ReadOptions) -> Result<StreamOutcome, DataError> {
        query_reader::<MachineAction, _>(&query(q), text.as_bytes(), options)
    }

    #[test]
    fn lines_and_arrays_and_envelopes_agree() {
        let text = jsonl(500);
        let q = "$filter=status eq 'Failed'&$top=7&$skip=2&$count=true";
        let a = run(q, &text, &ReadOptions::jsonl("a.jsonl")).unwrap();
        let records = crate::mde::sample::machine_actions(500, 3);
        let mem = query(q).execute(&records);
        assert_eq!(a.matched, mem.matched());
        let ids = |p: &[RawRecord]| -> Vec<String> {
            p.iter()
                .map(|r| r.json()["id"].as_str().unwrap().to_string())
                .collect()
        };
        let mem_ids: Vec<String> = mem.page().iter().map(|r| r.id.to_string()).collect();
        assert_eq!(ids(&a.page), mem_ids);
        let array = format!("[\n{}]", text.trim_end().replace('\n', ",\n"));
        let b = run(q, &array, &ReadOptions::for_file("a.json")).unwrap();
        assert_eq!(ids(&b.page), mem_ids);
        let envelope = format!("{{\"@odata.context\":\"x\",\"value\":{array},\"x\":[1]}}");
        let c = run(q, &envelope, &ReadOptions::for_file("a.json")).unwrap();
        assert_eq!(ids(&c.page), mem_ids);
        let d = run(q, &text, &ReadOptions::for_file("-")).unwrap();
        assert_eq!(ids(&d.page), mem_ids);
        assert_eq!(c.matched, a.matched);
    }

    #[test]
    fn one_thread_and_small_chunks_give_the_same() {
        let text = jsonl(3000);
        let q = "$orderby=requestor desc,id&$top=50";
        let mut one = ReadOptions::jsonl("a.jsonl");
        one.threads = 1;
        let mut four = one.clone();
        four.threads = 4;
        assert_eq!(
            run(q, &text, &one).unwrap().page,
            run(q, &text, &four).unwrap().page
        );
    }

    #[test]
    fn positions_of_bad_records() {
        let text = jsonl(3);
        let mut lines: Vec<String> = text.lines().map(String::from).collect();
        lines[1] = lines[1].replacen("\"type\":\"", "\"type\":\"X", 1);
        let bad = lines.join("\n");
        let e = run("", &bad, &ReadOptions::jsonl("b.jsonl")).unwrap_err();
        assert_eq!((e.line, e.property.as_deref()), (Some(2), Some("type")));
        let col = lines[1].find("\"type\":\"X").unwrap() + 8;
        assert_eq!(e.column, Some(col), "{e}");
        // The same record in a pretty array: line and column of the property in the file.
        let pretty = serde_json::to_string_pretty(
            &bad.lines()
                .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
                .collect::<Vec<_>>(),
        )
        .unwrap();
        let e = run("", &pretty, &ReadOptions::for_file("b.json")).unwrap_err();
        let want = pretty.lines().position(|l| l.contains("\"X")).unwrap() + 1;
        assert_eq!(
            (e.line, e.property.as_deref()),
            (Some(want), Some("type")),
            "{e}"
        );
    }

    #[test]
    fn skip_invalid_counts() {
        let text = jsonl(10).replacen("\"status\":\"", "\"status\":\"Z", 2);
        let mut o = ReadOptions::jsonl("c.jsonl");
        o.skip_invalid = true;
        let out = run("$count=true", &text, &o).unwrap();
        assert_eq!((out.invalid, out.matched), (2, 8));
        assert_eq!(out.first_invalid.unwrap().line, Some(1));
    }

    #[test]
    fn runaway_records_are_bounded() {
        let long = format!("{{\"a\":\"{}", "x".repeat(MAX_RECORD_BYTES + CHUNK + 10));
        let e = run("", &long, &ReadOptions::jsonl("r.jsonl")).unwrap_err();
        assert!(e.message.contains("longer than 16 MiB"), "{e}");
        let e = run("", &format!("[{long}"), &ReadOptions::for_file("r.json")).unwrap_err();
        assert!(e.message.contains("longer than 16 MiB"), "{e}");
        assert_eq!((e.line, e.column), (Some(1), Some(2)));
    }

    #[test]
    fn framing_errors() {
        let e = run("", "", &ReadOptions::jsonl("e.jsonl")).unwrap_err();
        assert!(e.message.contains("empty"), "{e}");
        let e = run("", " \n", &ReadOptions::for_file("e.json")).unwrap_err();
        assert!(e.message.contains("empty"), "{e}");
        assert_eq!(
            run("", "[]", &ReadOptions::for_file("e.json"))
                .unwrap()
                .matched,
            0
        );
        let e = run("", "[{}, {}]", &ReadOptions::jsonl("e.jsonl")).unwrap_err();
        assert!(e.message.contains("JSON Lines"), "{e}");
        let e = run("", "[1]", &ReadOptions::for_file("e.json")).unwrap_err();
        assert!(e.message.contains("a number"), "{e}");
        let e = run("", "[{}", &ReadOptions::for_file("e.json")).unwrap_err();
        assert!(e.message.contains("not closed"), "{e}");
        let e = run("", "{\"a\":[}", &ReadOptions::for_file("e.json")).unwrap_err();
        assert_eq!(e.line, Some(1), "{e}");
    }
}

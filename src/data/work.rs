//! A worker's part of [`query_reader`](super::query_reader): checking the records of a chunk against
//! the entity type (the fast path, else serde), filtering them in batches and offering the matches to
//! its top-k; a record that does not fit becomes a [`DataError`] with its place and property.

use serde::de::DeserializeOwned;

use std::cell::OnceCell;

use super::fast::{Plan, Row, Val};
use super::{Chunk, ChunkKind, DataError, RawRecord, Share, Span};
use crate::eval::execute::OrderKeys;
use crate::eval::{CompiledFilter, Record};

/// Records the fast path checked are filtered and offered this many at a time, while their values
/// are still in the cache.
const BATCH: usize = 256;

/// A worker's scratch space, reused from chunk to chunk.
pub(super) struct Work<T> {
    /// Records that went through serde.
    records: Vec<T>,
    /// Per record of `records`: its span in the chunk and its input position.
    places: Vec<(Span, u64)>,
    /// The same for the records of the batch that took the fast path.
    fast_places: Vec<(Span, u64)>,
    /// Their complex and collection values, parsed when the filter reads them.
    cells: Vec<OnceCell<Box<serde_json::Value>>>,
    /// The allocation of the fast path's values, kept empty between chunks.
    vals: Vec<Val<'static>>,
    hits: Vec<usize>,
}

impl<T> Default for Work<T> {
    fn default() -> Self {
        Work {
            records: Vec::new(),
            places: Vec::new(),
            fast_places: Vec::new(),
            cells: Vec::new(),
            vals: Vec::new(),
            hits: Vec::new(),
        }
    }
}

impl<T: DeserializeOwned + Record> Work<T> {
    /// Checks, filters and offers the records of `chunk`: through the fast path of `plan` where it
    /// applies, else deserialised as `T`.
    pub(super) fn run(
        &mut self,
        chunk: &Chunk,
        name: &str,
        plan: Option<&Plan>,
        filter: Option<&CompiledFilter>,
        order: &OrderKeys,
        share: &mut Share,
    ) {
        self.records.clear();
        self.places.clear();
        self.fast_places.clear();
        let width = plan.map_or(0, Plan::width);
        let mut vals = recycle(std::mem::take(&mut self.vals));
        vals.reserve(BATCH * width);
        let Work {
            records,
            places,
            fast_places,
            cells,
            hits,
            ..
        } = self;
        let mut take = |span: Span, share: &mut Share| {
            let text = &chunk.data[span.start..span.end];
            let pos = chunk.offset + span.start as u64;
            share.records += 1;
            if let Some(plan) = plan {
                if plan.scan(text, &mut vals) {
                    fast_places.push((span, pos));
                    if fast_places.len() == BATCH {
                        offer_rows(
                            &vals,
                            plan,
                            fast_places,
                            cells,
                            hits,
                            chunk,
                            filter,
                            order,
                            share,
                        );
                        vals.clear();
                        fast_places.clear();
                    }
                    return;
                }
            }
            match serde_json::from_slice::<T>(text) {
                Ok(r) => {
                    records.push(r);
                    places.push((span, pos));
                }
                Err(e) => invalid::<T>(name, text, span, pos, &e, share),
            }
        };
        match &chunk.kind {
            ChunkKind::Spans(spans) => {
                for &span in spans {
                    take(span, share);
                }
            }
            ChunkKind::Lines { first_line } => {
                let mut start = 0;
                let mut line = *first_line;
                let data = &chunk.data;
                while start < data.len() {
                    let end =
                        memchr::memchr(b'\n', &data[start..]).map_or(data.len(), |i| start + i);
                    let text = &data[start..end];
                    match text.iter().position(|b| !b.is_ascii_whitespace()) {
                        None => {}
                        Some(i) if text[i] == b'{' => take(
                            Span {
                                start: start + i,
                                end,
                                line,
                                column: i + 1,
                            },
                            share,
                        ),
                        Some(i) => {
                            share.records += 1;
                            let message = if text[i] == b'[' {
                                "a JSON array in a JSON Lines file: write one object per line, or name the file .json to read it as one JSON document".to_string()
                            } else {
                                format!("expected a JSON object, found {}", describe(&text[i..]))
                            };
                            let pos = chunk.offset + (start + i) as u64;
                            note_invalid(share, pos, DataError::at(name, line, i + 1, message));
                        }
                    }
                    start = end + 1;
                    line += 1;
                }
            }
        }
        if let Some(plan) = plan {
            offer_rows(
                &vals,
                plan,
                fast_places,
                cells,
                hits,
                chunk,
                filter,
                order,
                share,
            );
        }
        offer(records, places, hits, chunk, filter, order, share);
        share.max_retained = share.max_retained.max(share.best.len());
        self.vals = recycle(vals);
    }
}

/// An empty vector with the allocation of `v`, for values borrowed from another chunk.
fn recycle<'b>(mut v: Vec<Val<'_>>) -> Vec<Val<'b>> {
    v.clear();
    // Collecting in place keeps the allocation (the element types have the same layout).
    v.into_iter().map(|_| Val::Null).collect()
}

/// Filters and offers the records the fast path checked (`vals`, a row of [`Plan::width`] values
/// per record at `places`).
#[allow(clippy::too_many_arguments)]
fn offer_rows(
    vals: &[Val<'_>],
    plan: &Plan,
    places: &[(Span, u64)],
    cells: &mut Vec<OnceCell<Box<serde_json::Value>>>,
    hits: &mut Vec<usize>,
    chunk: &Chunk,
    filter: Option<&CompiledFilter>,
    order: &OrderKeys,
    share: &mut Share,
) {
    let n = places.len();
    if n == 0 {
        return;
    }
    cells.resize_with(n * plan.cells(), OnceCell::new);
    let c = plan.cells();
    let rows: Vec<Row> = vals
        .chunks_exact(plan.width())
        .enumerate()
        .map(|(i, vals)| Row {
            vals,
            cells: &cells[i * c..(i + 1) * c],
            plan,
        })
        .collect();
    offer(&rows, places, hits, chunk, filter, order, share);
    drop(rows);
    // Parsed values are rare (only when the filter reads a complex or collection property).
    for cell in cells.iter_mut() {
        cell.take();
    }
}

/// Filters `records` (at `places` in `chunk`) and offers the matches to the share's top-k.
fn offer<R: Record>(
    records: &[R],
    places: &[(Span, u64)],
    hits: &mut Vec<usize>,
    chunk: &Chunk,
    filter: Option<&CompiledFilter>,
    order: &OrderKeys,
    share: &mut Share,
) {
    hits.clear();
    match filter {
        Some(f) => f.for_each_match(records, |i| hits.push(i)),
        None => hits.extend(0..records.len()),
    }
    share.matched += hits.len();
    let mut keys = Vec::new();
    for &i in hits.iter() {
        let (span, pos) = places[i];
        keys.clear();
        order.read_into(&records[i], &mut keys);
        share.best.offer(&keys, pos, || RawRecord {
            text: chunk.data[span.start..span.end].into(),
            line: span.line,
            column: span.column,
        });
    }
}

/// serde_json reports a bad value at its end: for a string, the column of its opening quote instead
/// (`line` and `column` 1-based within `text`).
fn value_start(text: &[u8], line: usize, column: usize) -> usize {
    let line_start = if line <= 1 {
        0
    } else {
        match memchr::memchr_iter(b'\n', text).nth(line - 2) {
            Some(i) => i + 1,
            None => return column,
        }
    };
    let end = line_start + column; // one past the last byte read
    if column == 0 || text.get(end - 1) != Some(&b'"') {
        return column;
    }
    let mut i = end - 1;
    while i > line_start {
        i -= 1;
        if text[i] == b'"' && (i == line_start || text[i - 1] != b'\\') {
            return i - line_start + 1;
        }
    }
    column
}

/// What the text starting at `rest` is, for a message.
pub(super) fn describe(rest: &[u8]) -> String {
    match rest.first() {
        Some(b'"') => "a string".into(),
        Some(b't' | b'f') => "a Boolean".into(),
        Some(b'n') => "null".into(),
        Some(b'-' | b'0'..=b'9') => "a number".into(),
        Some(b'[') => "an array".into(),
        Some(&b) => format!("'{}'", char::from(b).escape_default()),
        None => "the end of the input".into(),
    }
}

pub(super) fn note_invalid(share: &mut Share, pos: u64, e: DataError) {
    share.invalid += 1;
    if share.first_invalid.as_ref().map_or(true, |(p, _)| pos < *p) {
        share.first_invalid = Some((pos, e));
    }
}

/// Records the record `text` at `span` that failed to deserialise with `e`: its line and column in
/// the input and the path of the property at fault.
fn invalid<T: DeserializeOwned>(
    name: &str,
    text: &[u8],
    span: Span,
    pos: u64,
    e: &serde_json::Error,
    share: &mut Share,
) {
    let (l, mut c) = (e.line(), e.column());
    if e.is_data() {
        c = value_start(text, l, c);
    }
    let (line, column) = if l <= 1 {
        (span.line, span.column + c.saturating_sub(1))
    } else {
        (span.line + l - 1, c.max(1))
    };
    let full = e.to_string();
    let message = match full.rfind(" at line ") {
        Some(i) => full[..i].to_string(),
        None => full,
    };
    let property = if e.is_data() {
        let mut de = serde_json::Deserializer::from_slice(text);
        match serde_path_to_error::deserialize::<_, T>(&mut de) {
            Err(pe) => Some(pe.path().to_string()).filter(|p| p != "."),
            Ok(_) => None,
        }
    } else {
        None
    };
    // "missing field `x`": name the property, point at the record.
    let missing = message
        .strip_prefix("missing field `")
        .and_then(|m| m.strip_suffix('`'))
        .map(str::to_string);
    let mut err = match missing {
        Some(field) => {
            let mut e = DataError::at(
                name,
                span.line,
                span.column,
                "required, but missing from the record",
            );
            e.property = Some(match property {
                Some(ref parent) => format!("{parent}.{field}"),
                None => field,
            });
            e
        }
        None => DataError::at(name, line, column, message),
    };
    if err.property.is_none() {
        err.property = property;
    }
    note_invalid(share, pos, err);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recycling_keeps_the_allocation() {
        let text = String::from("x");
        let mut v = vec![Val::Str(&text); 1000];
        v.truncate(10);
        let cap = v.capacity();
        let w: Vec<Val<'static>> = recycle(v);
        assert_eq!((w.len(), w.capacity()), (0, cap));
    }
}

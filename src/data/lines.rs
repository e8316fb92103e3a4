//! Framing of [`Format::JsonLines`](super::Format::JsonLines) input: blocks of whole lines.

use std::io::Read;

use super::{Chunk, ChunkKind, DataError, CHUNK, MAX_RECORD_BYTES};

/// Reads `input` in blocks cut after the last newline: chunks of whole lines, into buffers from
/// `fresh` (empty; the workers hand theirs back). True when the input is not empty (only whitespace).
pub(super) fn produce_lines<R: Read>(
    mut input: R,
    name: &str,
    fresh: &mut dyn FnMut() -> Vec<u8>,
    send: &mut dyn FnMut(Chunk) -> bool,
) -> Result<bool, DataError> {
    let mut buf: Vec<u8> = fresh();
    let (mut line, mut offset, mut first) = (1usize, 0u64, true);
    let mut any = false;
    // Bytes of `buf` known to hold no newline (a line longer than a chunk is searched once).
    let mut searched = 0;
    loop {
        // Past a chunk (a long line), read in growing steps: linear in the line's length.
        let want = (CHUNK + 4096)
            .saturating_sub(buf.len())
            .max(buf.len() / 2)
            .max(4096) as u64;
        let n = (&mut input)
            .take(want)
            .read_to_end(&mut buf)
            .map_err(|e| DataError::new(name, Some(line), e.to_string()))?;
        let eof = n == 0;
        if first && (buf.len() >= 3 || eof) {
            first = false;
            if buf.starts_with("\u{feff}".as_bytes()) {
                buf.drain(..3);
                offset += 3;
            }
        }
        let cut = if eof {
            buf.len()
        } else if buf.len() < CHUNK {
            continue;
        } else {
            match memchr::memrchr(b'\n', &buf[searched..]) {
                Some(i) => searched + i + 1,
                // A line longer than a chunk: read on, up to the record size limit.
                None if buf.len() <= CHUNK + MAX_RECORD_BYTES => {
                    searched = buf.len();
                    continue;
                }
                None => {
                    return Err(DataError::at(
                        name,
                        line,
                        1,
                        format!(
                            "a record is longer than {} MiB: is this JSON Lines?",
                            MAX_RECORD_BYTES >> 20
                        ),
                    ))
                }
            }
        };
        if cut > 0 {
            searched = 0;
            let mut next = fresh();
            next.extend_from_slice(&buf[cut..]);
            buf.truncate(cut);
            let newlines = memchr::memchr_iter(b'\n', &buf).count();
            any = any || buf.iter().any(|b| !b.is_ascii_whitespace());
            let data = std::mem::replace(&mut buf, next);
            if any
                && !send(Chunk {
                    data,
                    offset,
                    kind: ChunkKind::Lines { first_line: line },
                })
            {
                return Ok(true);
            }
            line += newlines;
            offset += cut as u64;
        }
        if eof {
            return Ok(any);
        }
    }
}

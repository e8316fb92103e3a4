//! Framing of [`Format::Auto`](super::Format::Auto) input: finds the records of a JSON array, of the
//! `value` array of an MDE response body, or of a sequence of top-level objects, without parsing
//! them (workers do), and hands them out in chunks. Memory: one block of input plus the record
//! being framed.

use std::io::Read;

use super::{Chunk, ChunkKind, DataError, Span, CHUNK, MAX_RECORD_BYTES};

/// Why framing stopped early.
enum Stop {
    Data(DataError),
    /// The consumer wants no more (an invalid record was found).
    Enough,
}

type Scan<T> = Result<T, Stop>;

struct Scanner<'a, R> {
    input: R,
    name: &'a str,
    buf: Vec<u8>,
    /// Next byte to look at, in `buf`.
    pos: usize,
    /// Global offset of `buf[0]`.
    base: u64,
    /// Global offset from which bytes must stay in `buf` (the record being framed).
    keep: Option<u64>,
    eof: bool,
    /// Lines counted up to global offset `counted`: `line` is the line there, `line_start` where it
    /// began.
    counted: u64,
    line: usize,
    line_start: u64,
    /// The chunk being filled.
    out: Vec<u8>,
    spans: Vec<Span>,
    out_offset: u64,
    records: usize,
    /// A value was found (the input is not just whitespace).
    nonempty: bool,
}

/// Frames `input` and sends chunks of records to `send` (false: stop).
pub(super) fn produce<R: Read>(
    input: R,
    name: &str,
    send: &mut dyn FnMut(Chunk) -> bool,
) -> Result<bool, DataError> {
    let mut s = Scanner {
        input,
        name,
        buf: Vec::with_capacity(1 << 16),
        pos: 0,
        base: 0,
        keep: None,
        eof: false,
        counted: 0,
        line: 1,
        line_start: 0,
        out: Vec::new(),
        spans: Vec::new(),
        out_offset: 0,
        records: 0,
        nonempty: false,
    };
    match s.document(send).and_then(|()| s.flush(send)) {
        Ok(()) => Ok(s.nonempty),
        Err(Stop::Enough) => Ok(true),
        Err(Stop::Data(e)) => Err(e),
    }
}

impl<R: Read> Scanner<'_, R> {
    fn document(&mut self, send: &mut dyn FnMut(Chunk) -> bool) -> Scan<()> {
        // A byte-order mark may start the input.
        while self.buf.len() < 3 && self.fill()? {}
        if self.buf.starts_with("\u{feff}".as_bytes()) {
            self.pos = 3;
        }
        self.ws()?;
        self.nonempty = self.peek()?.is_some();
        match self.peek()? {
            None => Ok(()), // empty: reported by the caller
            Some(b'[') => {
                self.pos += 1;
                self.elements(send)?;
                self.ws()?;
                match self.peek()? {
                    None => Ok(()),
                    Some(b) => Err(self.error(format!(
                        "unexpected {} after the array: expected the end of the input",
                        super::describe(&[b])
                    ))),
                }
            }
            Some(b'{') => loop {
                self.top_object(send)?;
                self.ws()?;
                match self.peek()? {
                    None => return Ok(()),
                    Some(b'{') => {}
                    Some(b) => {
                        return Err(self.error(format!(
                            "expected a JSON object (one record per line), found {}",
                            super::describe(&[b])
                        )))
                    }
                }
            },
            Some(b) => Err(self.error(format!(
                "expected a JSON array of objects, an MDE response body ({{\"value\": [...]}}) or JSON Lines, found {}",
                super::describe(&[b])
            ))),
        }
    }

    /// The elements of an array whose `[` was consumed: each must be an object (a record).
    fn elements(&mut self, send: &mut dyn FnMut(Chunk) -> bool) -> Scan<()> {
        self.ws()?;
        if self.peek()? == Some(b']') {
            self.pos += 1;
            return Ok(());
        }
        loop {
            self.ws()?;
            match self.peek()? {
                Some(b'{') => self.record(send)?,
                Some(b) => {
                    return Err(self.error(format!(
                        "record {} is not a JSON object: found {}",
                        self.records + 1,
                        super::describe(&[b])
                    )))
                }
                None => return Err(self.error("the array is not closed: the input ends".into())),
            }
            self.ws()?;
            match self.next()? {
                Some(b',') => {}
                Some(b']') => return Ok(()),
                Some(b) => {
                    self.pos -= 1;
                    return Err(self.error(format!(
                        "expected ',' or ']' after a record, found {}",
                        super::describe(&[b])
                    )));
                }
                None => return Err(self.error("the array is not closed: the input ends".into())),
            }
        }
    }

    /// A top-level object: an MDE response body when it has a `value` array (its elements are the
    /// records), otherwise one record.
    fn top_object(&mut self, send: &mut dyn FnMut(Chunk) -> bool) -> Scan<()> {
        let start = self.here();
        self.keep = Some(start);
        self.pos += 1; // '{'
        let mut envelope = false;
        self.ws()?;
        if self.peek()? == Some(b'}') {
            self.pos += 1;
        } else {
            loop {
                self.ws()?;
                if self.peek()? != Some(b'"') {
                    return Err(self.error("expected a property name in double quotes".into()));
                }
                let is_value = self.key_is(b"value")?;
                self.ws()?;
                if self.next()? != Some(b':') {
                    self.pos = self.pos.saturating_sub(1);
                    return Err(self.error("expected ':' after a property name".into()));
                }
                self.ws()?;
                if is_value && self.peek()? == Some(b'[') {
                    envelope = true;
                    self.keep = None;
                    self.pos += 1;
                    self.elements(send)?;
                } else {
                    self.value()?;
                }
                self.ws()?;
                match self.next()? {
                    Some(b',') => {}
                    Some(b'}') => break,
                    _ => {
                        self.pos = self.pos.saturating_sub(1);
                        return Err(self.error("expected ',' or '}' in an object".into()));
                    }
                }
            }
        }
        if !envelope {
            self.emit(start, send)?;
        }
        self.keep = None;
        Ok(())
    }

    /// A record (an object) at `pos`.
    fn record(&mut self, send: &mut dyn FnMut(Chunk) -> bool) -> Scan<()> {
        let start = self.here();
        self.keep = Some(start);
        self.balanced()?;
        self.emit(start, send)?;
        self.keep = None;
        Ok(())
    }

    /// Copies the record from global offset `start` to `pos` into the chunk; sends a full chunk.
    fn emit(&mut self, start: u64, send: &mut dyn FnMut(Chunk) -> bool) -> Scan<()> {
        let (line, column) = self.position(start);
        let from = (start - self.base) as usize;
        if self.out.is_empty() {
            self.out_offset = start;
        }
        // Positions in the chunk are offsets from `out_offset` (input order is kept: offsets only
        // grow); the bytes between records are not copied.
        let at = self.out.len();
        self.out.extend_from_slice(&self.buf[from..self.pos]);
        self.spans.push(Span {
            start: at,
            end: self.out.len(),
            line,
            column,
        });
        self.records += 1;
        if self.out.len() >= CHUNK {
            self.flush(send)?;
        }
        Ok(())
    }

    fn flush(&mut self, send: &mut dyn FnMut(Chunk) -> bool) -> Scan<()> {
        if self.spans.is_empty() {
            return Ok(());
        }
        let chunk = Chunk {
            data: std::mem::take(&mut self.out),
            offset: self.out_offset,
            kind: ChunkKind::Spans(std::mem::take(&mut self.spans)),
        };
        if send(chunk) {
            Ok(())
        } else {
            Err(Stop::Enough)
        }
    }

    /// Skips one JSON value (any kind) at `pos`.
    fn value(&mut self) -> Scan<()> {
        match self.peek()? {
            Some(b'{' | b'[') => self.balanced(),
            Some(b'"') => {
                self.pos += 1;
                self.string()
            }
            Some(_) => {
                let start = self.here();
                while let Some(b) = self.peek()? {
                    if matches!(b, b',' | b'}' | b']') || b.is_ascii_whitespace() {
                        break;
                    }
                    self.pos += 1;
                }
                if self.here() == start {
                    return Err(self.error("expected a value".into()));
                }
                Ok(())
            }
            None => Err(self.error("expected a value, found the end of the input".into())),
        }
    }

    /// Skips an object or array at `pos` (brackets balanced, strings skipped); its contents are
    /// checked by the deserialiser.
    fn balanced(&mut self) -> Scan<()> {
        let mut depth = 0usize;
        let (mut in_str, mut esc) = (false, false);
        loop {
            if self.pos >= self.buf.len() && !self.fill()? {
                return Err(self.error("the record is not closed: the input ends inside it".into()));
            }
            let end = self.buf.len();
            let mut i = self.pos;
            while i < end {
                if in_str {
                    if esc {
                        esc = false;
                        i += 1;
                        continue;
                    }
                    match memchr::memchr2(b'"', b'\\', &self.buf[i..end]) {
                        None => i = end,
                        Some(j) => {
                            i += j;
                            if self.buf[i] == b'\\' {
                                esc = true;
                            } else {
                                in_str = false;
                            }
                            i += 1;
                        }
                    }
                } else {
                    let b = self.buf[i];
                    i += 1;
                    match b {
                        b'"' => in_str = true,
                        b'{' | b'[' => depth += 1,
                        b'}' | b']' => {
                            depth = depth.saturating_sub(1);
                            if depth == 0 {
                                self.pos = i;
                                return Ok(());
                            }
                        }
                        _ => {}
                    }
                }
            }
            self.pos = end;
        }
    }

    /// Skips the rest of a string whose `"` was consumed.
    fn string(&mut self) -> Scan<()> {
        loop {
            match self.next()? {
                Some(b'"') => return Ok(()),
                Some(b'\\') => {
                    self.next()?;
                }
                Some(_) => {}
                None => return Err(self.error("a string is not closed".into())),
            }
        }
    }

    /// Reads a property name at `pos` (a string) and tells whether it is `name`.
    fn key_is(&mut self, name: &[u8]) -> Scan<bool> {
        self.pos += 1;
        let mut same = true;
        let mut n = 0;
        loop {
            match self.next()? {
                Some(b'"') => return Ok(same && n == name.len()),
                Some(b) => {
                    if b == b'\\' {
                        self.next()?;
                        same = false;
                    } else if name.get(n) != Some(&b) {
                        same = false;
                    }
                    n += 1;
                }
                None => return Err(self.error("a property name is not closed".into())),
            }
        }
    }

    fn ws(&mut self) -> Scan<()> {
        while let Some(b) = self.peek()? {
            if !b.is_ascii_whitespace() {
                break;
            }
            self.pos += 1;
        }
        Ok(())
    }

    fn peek(&mut self) -> Scan<Option<u8>> {
        if self.pos >= self.buf.len() && !self.fill()? {
            return Ok(None);
        }
        Ok(self.buf.get(self.pos).copied())
    }

    fn next(&mut self) -> Scan<Option<u8>> {
        let b = self.peek()?;
        if b.is_some() {
            self.pos += 1;
        }
        Ok(b)
    }

    fn here(&self) -> u64 {
        self.base + self.pos as u64
    }

    /// Reads more input, first dropping what is no longer needed. False at the end of the input.
    fn fill(&mut self) -> Scan<bool> {
        if self.eof {
            return Ok(false);
        }
        let keep_from = self.keep.unwrap_or(self.here()).min(self.here());
        if self.here() - keep_from > MAX_RECORD_BYTES as u64 {
            let (line, column) = self.position(keep_from);
            return Err(Stop::Data(DataError::at(
                self.name,
                line,
                column,
                format!("a record is longer than {} MiB", MAX_RECORD_BYTES >> 20),
            )));
        }
        let cut = (keep_from - self.base) as usize;
        if cut > 0 {
            self.count_lines_to(keep_from);
            self.buf.drain(..cut);
            self.base += cut as u64;
            self.pos -= cut;
        }
        let want = (1u64 << 16).max(self.buf.capacity().saturating_sub(self.buf.len()) as u64);
        let n = (&mut self.input)
            .take(want)
            .read_to_end(&mut self.buf)
            .map_err(|e| Stop::Data(DataError::new(self.name, None, e.to_string())))?;
        if n == 0 {
            self.eof = true;
        }
        Ok(n > 0)
    }

    /// Advances the line count to global offset `to` (at most the end of `buf`).
    fn count_lines_to(&mut self, to: u64) {
        if to <= self.counted {
            return;
        }
        let from = (self.counted - self.base) as usize;
        let upto = ((to - self.base) as usize).min(self.buf.len());
        let bytes = &self.buf[from..upto];
        let newlines = memchr::memchr_iter(b'\n', bytes).count();
        if let Some(last) = memchr::memrchr(b'\n', bytes) {
            self.line += newlines;
            self.line_start = self.counted + last as u64 + 1;
        }
        self.counted = self.base + upto as u64;
    }

    /// Line and column (1-based) of global offset `at` (not before the last one asked for).
    fn position(&mut self, at: u64) -> (usize, usize) {
        self.count_lines_to(at);
        (self.line, (at - self.line_start) as usize + 1)
    }

    fn error(&mut self, message: String) -> Stop {
        let (line, column) = self.position(self.here());
        Stop::Data(DataError::at(self.name, line, column, message))
    }
}

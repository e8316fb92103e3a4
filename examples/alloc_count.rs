//! Counts heap allocations per parse: a counting `#[global_allocator]` around the system allocator (kept
//! here, outside the library, which forbids `unsafe`).
//!
//! ```text
//! cargo run --release --example alloc_count            # typical filters, then the peer corpus
//! cargo run --release --example alloc_count -- 'a eq 1' # one filter
//! ```
//!
//! For each filter: allocations (including reallocations) and bytes requested for one `parse`, and for one
//! `parse` followed by printing the tree. The corpus is `$ODATA_PEERS_DIR/corpus.txt`, else
//! `../shared/peers/corpus.txt` next to the crate; it is skipped when absent.

use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

use odata_filter::{Limits, Parser};

/// The system allocator, counting calls and bytes.
struct Counting;

static CALLS: AtomicU64 = AtomicU64::new(0);
static BYTES: AtomicU64 = AtomicU64::new(0);

// SAFETY: every method forwards to `System` with the caller's arguments unchanged; the counters are
// atomics and have no effect on the memory handed out.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        CALLS.fetch_add(1, Relaxed);
        BYTES.fetch_add(layout.size() as u64, Relaxed);
        // SAFETY: same contract as `GlobalAlloc::alloc`, passed through.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        CALLS.fetch_add(1, Relaxed);
        BYTES.fetch_add(layout.size() as u64, Relaxed);
        // SAFETY: same contract as `GlobalAlloc::alloc_zeroed`, passed through.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        CALLS.fetch_add(1, Relaxed);
        BYTES.fetch_add(new_size as u64, Relaxed);
        // SAFETY: same contract as `GlobalAlloc::realloc`, passed through.
        unsafe { System.realloc(ptr, layout, new_size) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: same contract as `GlobalAlloc::dealloc`, passed through.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Allocations and bytes requested while running `f`.
fn count<T>(f: impl FnOnce() -> T) -> (u64, u64) {
    let (c0, b0) = (CALLS.load(Relaxed), BYTES.load(Relaxed));
    drop(black_box(f()));
    (CALLS.load(Relaxed) - c0, BYTES.load(Relaxed) - b0)
}

const TYPICAL: &[&str] = &[
    "status eq 'Pending'",
    "type eq 'Isolate' and status eq 'Pending'",
    "creationDateTimeUtc ge 2018-12-04T00:00:00Z",
    "startswith(requestor, 'analyst')",
    "status in ('Pending', 'InProgress')",
    "machineId eq '1515eade4e48c20c3279ccd7ec4e1d20e3d16dac' and (type eq 'Isolate' or type eq 'Unisolate')",
];

fn main() {
    let parser = Parser::new().limits(Limits {
        max_length: 64 * 1024,
        ..Limits::default()
    });
    let args: Vec<String> = std::env::args().skip(1).collect();
    let filters: Vec<&str> = if args.is_empty() {
        TYPICAL.to_vec()
    } else {
        args.iter().map(String::as_str).collect()
    };
    // Warm up once-only initialisation (none is expected, but it would distort the first count).
    let _ = parser.parse("a eq 1");
    println!("allocs  bytes  | +print allocs  bytes | filter");
    for f in &filters {
        let (calls, bytes) = count(|| parser.parse(f));
        let (pcalls, pbytes) = count(|| parser.parse(f).map(|e| e.to_string()));
        println!("{calls:6} {bytes:6}  | {pcalls:13} {pbytes:6} | {f}");
    }
    if !args.is_empty() {
        return;
    }
    let path = match std::env::var("ODATA_PEERS_DIR") {
        Ok(dir) => format!("{dir}/corpus.txt"),
        Err(_) => concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/peers/corpus.txt").to_string(),
    };
    let Ok(text) = std::fs::read_to_string(&path) else {
        println!("(no peer corpus at {path})");
        return;
    };
    let (mut n, mut ok, mut calls, mut bytes, mut ok_calls) = (0u64, 0u64, 0u64, 0u64, 0u64);
    let mut per_filter = Vec::new();
    for line in text.lines() {
        let accepted = parser.parse(line).is_ok();
        let (c, b) = count(|| parser.parse(line));
        n += 1;
        calls += c;
        bytes += b;
        if accepted {
            ok += 1;
            ok_calls += c;
            per_filter.push(c);
        }
    }
    per_filter.sort_unstable();
    let median = per_filter.get(per_filter.len() / 2).copied().unwrap_or(0);
    println!(
        "peer corpus: {n} filters, {:.1} allocations and {:.0} bytes per parse on average; \
         {ok} accepted: {:.1} allocations on average, median {median}",
        calls as f64 / n as f64,
        bytes as f64 / n as f64,
        ok_calls as f64 / ok.max(1) as f64,
    );
}

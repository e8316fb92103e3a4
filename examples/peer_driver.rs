//! Times `odata-filter` over the peer corpus with the protocol of `../shared/peers/README.md`, so that
//! its JSON lines can be put in the same table as the peer parsers (`benches/peers.sh` does both steps).
//!
//! ```text
//! cargo run --release --example peer_driver [-- --corpus PATH] [--quick] > odata-filter.jsonl
//! ```
//!
//! The corpus is `$ODATA_PEERS_DIR/corpus.txt`, else `../shared/peers/corpus.txt` next to the crate.
//! Protocol (same as the peers' drivers): two untimed passes over the corpus; then per filter one call
//! decides accepted/rejected, up to 5 warm-up calls (at most 10 ms) follow, then single calls are timed
//! with `Instant` until 200 samples or 50 ms of measured time; the median is reported. Rejections are
//! timed too. One JSON line per filter:
//! `{"peer":"odata-filter","filter_index":N,"ok":BOOL,"ns_median":NS,"error":TEXT|null,"reps":N}`.
//!
//! Limits are the defaults except `max_length`: the corpus has an 8.6 KB line (a long `or` chain), above
//! the default 8 KiB, and the peers have no length limit, so it is raised to 64 KiB here.

use std::hint::black_box;
use std::io::Write as _;
use std::time::Instant;

use odata_filter::{Error, Expr, Limits, Parser};

const PEER: &str = "odata-filter";
const MAX_REPS: usize = 200;
const BUDGET_NS: u128 = 50_000_000;
const WARM_REPS: usize = 5;
const WARM_BUDGET_NS: u128 = 10_000_000;
/// Long enough for every corpus line (the longest is about 8.6 KB).
const MAX_LENGTH: usize = 64 * 1024;

fn median(mut xs: Vec<u128>) -> u128 {
    xs.sort_unstable();
    let n = xs.len();
    if n % 2 == 1 {
        xs[n / 2]
    } else {
        (xs[n / 2 - 1] + xs[n / 2]) / 2
    }
}

fn default_corpus() -> String {
    match std::env::var("ODATA_PEERS_DIR") {
        Ok(dir) => format!("{dir}/corpus.txt"),
        Err(_) => concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/peers/corpus.txt").to_string(),
    }
}

fn main() {
    let mut corpus = default_corpus();
    let mut quick = false;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--corpus" => corpus = args.next().expect("--corpus needs a path"),
            "--quick" => quick = true,
            other => {
                eprintln!("unknown argument {other}; usage: peer_driver [--corpus PATH] [--quick]");
                std::process::exit(2);
            }
        }
    }
    let text = match std::fs::read_to_string(&corpus) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("cannot read the corpus {corpus}: {e}");
            std::process::exit(1);
        }
    };
    // One filter per line; `filter_index` is the 0-based line number.
    let filters: Vec<&str> = text
        .strip_suffix('\n')
        .unwrap_or(&text)
        .split('\n')
        .collect();
    let parser = Parser::new().limits(Limits {
        max_length: MAX_LENGTH,
        ..Limits::default()
    });
    let parse = |s: &str| -> Result<Expr, Error> { parser.parse(s) };

    if !quick {
        for _ in 0..2 {
            for s in &filters {
                drop(black_box(parse(black_box(s))));
            }
        }
    }
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    for (i, s) in filters.iter().enumerate() {
        let t0 = Instant::now();
        let r = parse(black_box(s));
        let first = t0.elapsed().as_nanos();
        let (ok, error) = match &r {
            Ok(_) => (true, None),
            Err(e) => (false, Some(format!("{:?}: {}", e.kind(), e.message()))),
        };
        drop(black_box(r));
        let (ns, reps) = if quick {
            (first, 1)
        } else {
            let (mut spent, mut n) = (first, 1);
            while n < WARM_REPS && spent < WARM_BUDGET_NS {
                let t0 = Instant::now();
                drop(black_box(parse(black_box(s))));
                spent += t0.elapsed().as_nanos();
                n += 1;
            }
            let mut samples = Vec::with_capacity(MAX_REPS);
            let mut spent = 0u128;
            while samples.len() < MAX_REPS && spent < BUDGET_NS {
                let t0 = Instant::now();
                drop(black_box(parse(black_box(s))));
                let d = t0.elapsed().as_nanos();
                samples.push(d);
                spent += d;
            }
            let reps = samples.len();
            (median(samples), reps)
        };
        let line = serde_json::json!({
            "peer": PEER, "filter_index": i, "ok": ok, "ns_median": ns as u64,
            "error": error, "reps": reps,
        });
        writeln!(out, "{line}").expect("write to stdout");
    }
}

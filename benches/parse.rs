//! Parser benchmarks.
//!
//! - `parse/*`: every filter of a corpus parsed once per iteration (throughput in bytes of filter text),
//!   then the same with the canonical printer on each accepted tree. The corpus is the peer corpus
//!   (`$ODATA_PEERS_DIR/corpus.txt`, else `../shared/peers/corpus.txt` next to the crate) when it is there,
//!   and always a small built-in set of typical MDE filters.
//! - `linearity/*`: `or` chains of 100 and 1,000 comparisons (the time should grow about tenfold) and
//!   100 levels of parentheses.
//!
//! Measurement times are short on purpose (shared, noisy machines): compare ratios within one run.
//! `cargo bench --bench parse -- linearity` runs one group.

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use odata_filter::{Limits, Parser};

/// Typical filters, so that the bench has work even without the peer corpus.
const BUILT_IN: &[&str] = &[
    "status eq 'Pending'",
    "status eq 'Succeeded' and type eq 'Isolate'",
    "requestor eq 'analyst@contoso.com' and creationDateTimeUtc ge 2024-01-01T00:00:00Z",
    "machineId eq '1e5bc9d7e413ddd7902c2932e418702b84d0cc07' and status ne 'Failed'",
    "startswith(requestor, 'admin') or contains(tolower(requestorComment), 'malware')",
    "type in ('Isolate', 'Unisolate', 'RunAntiVirusScan') and status eq 'Pending'",
    "commands/any(c: c/commandStatus eq 'Completed' and c/index ge 2)",
    "(status eq 'Pending' or status eq 'InProgress') and not (type eq 'CollectInvestigationPackage')",
    "year(creationDateTimeUtc) eq 2024 and month(creationDateTimeUtc) ge 6",
    "lastUpdateDateTimeUtc gt 2024-03-01T12:30:00.1234567+02:00 and relatedFileInfo eq null",
    "Price mul 2 sub 1 gt 10.5 and Quantity mod 3 eq 0",
    "id eq 05c7bba5-828c-4451-9867-1191919f897e",
];

fn corpus() -> Vec<String> {
    let path = match std::env::var("ODATA_PEERS_DIR") {
        Ok(dir) => format!("{dir}/corpus.txt"),
        Err(_) => concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/peers/corpus.txt").to_string(),
    };
    match std::fs::read_to_string(&path) {
        Ok(text) => text.lines().map(str::to_string).collect(),
        Err(e) => {
            println!(
                "peer corpus {path} not readable ({e}): benchmarking the built-in filters only"
            );
            Vec::new()
        }
    }
}

fn parse_group(c: &mut Criterion) {
    // Default limits except the length: the peer corpus has an 8.6 KB line.
    let parser = Parser::new().limits(Limits {
        max_length: 64 * 1024,
        ..Limits::default()
    });
    let peer = corpus();
    let built_in: Vec<String> = BUILT_IN.iter().map(|s| s.to_string()).collect();
    let mut sets = vec![("builtin", built_in)];
    if !peer.is_empty() {
        sets.push(("peer_corpus", peer));
    }
    let mut group = c.benchmark_group("parse");
    for (name, filters) in &sets {
        let bytes: usize = filters.iter().map(String::len).sum();
        group.throughput(Throughput::Bytes(bytes as u64));
        group.bench_function(BenchmarkId::new("parse", name), |b| {
            b.iter(|| {
                for f in filters {
                    drop(black_box(parser.parse(black_box(f))));
                }
            })
        });
        group.bench_function(BenchmarkId::new("parse+print", name), |b| {
            b.iter(|| {
                for f in filters {
                    if let Ok(e) = parser.parse(black_box(f)) {
                        black_box(e.to_string());
                    }
                }
            })
        });
    }
    group.finish();
}

/// `status eq 'Pending' or status eq 'Pending' or …` with `terms` comparisons.
fn or_chain(terms: usize) -> String {
    vec!["status eq 'Pending'"; terms].join(" or ")
}

fn linearity_group(c: &mut Criterion) {
    let mut group = c.benchmark_group("linearity");
    for terms in [100, 1_000] {
        let input = or_chain(terms);
        // 1,000 terms are ~20 KB and 2,999 nodes: above the default length and node limits.
        let parser = Parser::new().limits(Limits::generous(input.len()));
        assert!(parser.parse(&input).is_ok(), "the or chain must parse");
        group.throughput(Throughput::Elements(terms as u64));
        group.bench_function(BenchmarkId::new("or_chain", terms), |b| {
            b.iter(|| parser.parse(black_box(&input)))
        });
    }
    let depth = 100;
    let input = "(".repeat(depth) + "status eq 'Pending'" + &")".repeat(depth);
    let parser = Parser::new().limits(Limits {
        max_depth: depth,
        ..Limits::default()
    });
    assert!(parser.parse(&input).is_ok(), "100 parentheses must parse");
    group.throughput(Throughput::Elements(depth as u64));
    group.bench_function(BenchmarkId::new("parens", depth), |b| {
        b.iter(|| parser.parse(black_box(&input)))
    });
    group.finish();
}

fn config() -> Criterion {
    Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_secs(1))
}

criterion_group! {
    name = benches;
    config = config();
    targets = parse_group, linearity_group
}
criterion_main!(benches);

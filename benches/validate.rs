//! Validation cost over the peers' corpus: `validate` alone (pre-parsed trees) and `parse + validate`,
//! for the filters of `corpus.txt` that are valid for MachineActions. One iteration runs the whole
//! selection; the throughput is in filters, so criterion reports filters per second (ns per filter =
//! time / count).
//!
//! The corpus is read from `$ODATA_PEERS_DIR/corpus.txt` or `../shared/peers/corpus.txt`; without it the
//! bench prints a message and measures nothing.

use std::path::PathBuf;

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use odata_filter::mde::machine_actions;
use odata_filter::validate::{validate, ValidateOptions};

fn corpus() -> Option<Vec<String>> {
    let dir = std::env::var_os("ODATA_PEERS_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("../shared/peers"));
    let text = std::fs::read_to_string(dir.join("corpus.txt")).ok()?;
    Some(text.lines().map(str::to_string).collect())
}

fn bench(c: &mut Criterion) {
    let Some(lines) = corpus() else {
        eprintln!("validate bench: corpus.txt not found (set ODATA_PEERS_DIR); skipping");
        return;
    };
    let set = machine_actions();
    let opts = ValidateOptions::default();
    let valid: Vec<(String, odata_filter::Expr)> = lines
        .into_iter()
        .filter_map(|l| {
            let e = odata_filter::parse_filter(&l).ok()?;
            validate(&e, set, &opts).ok()?;
            Some((l, e))
        })
        .collect();
    eprintln!(
        "validate bench: {} filters of the corpus are valid for MachineActions",
        valid.len()
    );
    let mut group = c.benchmark_group("machine_actions_corpus");
    group.throughput(Throughput::Elements(valid.len() as u64));
    group.bench_function("parse", |b| {
        b.iter(|| {
            for (text, _) in &valid {
                black_box(odata_filter::parse_filter(black_box(text)).ok());
            }
        })
    });
    group.bench_function("validate", |b| {
        b.iter(|| {
            for (_, expr) in &valid {
                black_box(validate(black_box(expr), set, &opts).ok());
            }
        })
    });
    group.bench_function("parse+validate", |b| {
        b.iter(|| {
            for (text, _) in &valid {
                let e = odata_filter::parse_filter(black_box(text)).ok();
                black_box(e.map(|e| validate(&e, set, &opts).is_ok()));
            }
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

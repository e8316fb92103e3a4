//! Quick ratio check, faster than `cargo bench --bench eval`: the compiled filter
//! `status eq 'Succeeded' and type eq 'Isolate' and creationDateTimeUtc ge 2024-06-01T00:00:00Z`
//! (batched) against the same predicate as a hand-written closure, best of 30 rounds each.
//!
//! `cargo run --release --example filter_speed [RECORDS]` (default 8,192).

use odata_filter::mde::*;
use std::time::Instant;
fn best(mut f: impl FnMut() -> usize) -> f64 {
    let mut best = f64::MAX;
    for _ in 0..30 {
        let t = Instant::now();
        for _ in 0..50 {
            std::hint::black_box(f());
        }
        best = best.min(t.elapsed().as_nanos() as f64 / 50.0);
    }
    best
}
fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .map(|s| s.parse().unwrap())
        .unwrap_or(8192);
    let records = odata_filter::mde::sample::machine_actions(n, 1);
    let t0 = chrono::DateTime::parse_from_rfc3339("2024-06-01T00:00:00Z")
        .unwrap()
        .to_utc();
    let closure = best(|| {
        std::hint::black_box(&records)
            .iter()
            .filter(|r| {
                r.status == MachineActionStatus::Succeeded
                    && r.action_type == MachineActionType::Isolate
                    && r.creation_date_time_utc >= t0
            })
            .count()
    }) / n as f64;
    let f = odata_filter::validate::validate_text("status eq 'Succeeded' and type eq 'Isolate' and creationDateTimeUtc ge 2024-06-01T00:00:00Z", odata_filter::mde::machine_actions(), &Default::default()).unwrap().compile();
    let compiled = best(|| f.count_matches(std::hint::black_box(&records))) / n as f64;
    println!(
        "closure {closure:.2} ns, compiled {compiled:.2} ns, ratio {:.2}",
        compiled / closure
    );
    // An `or` (batched per operand) and its hand-written closure.
    let or_closure = best(|| {
        std::hint::black_box(&records)
            .iter()
            .filter(|r| {
                r.status == MachineActionStatus::Failed
                    || r.requestor.starts_with('a')
                    || r.action_type == MachineActionType::Offboard
            })
            .count()
    }) / n as f64;
    let f = odata_filter::validate::validate_text(
        "status eq 'Failed' or startswith(requestor,'a') or type eq 'Offboard'",
        odata_filter::mde::machine_actions(),
        &Default::default(),
    )
    .unwrap()
    .compile();
    let or_compiled = best(|| f.count_matches(std::hint::black_box(&records))) / n as f64;
    println!(
        "or: closure {or_closure:.2} ns, compiled {or_compiled:.2} ns, ratio {:.2}",
        or_compiled / or_closure
    );
}

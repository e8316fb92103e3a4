//! Profiling aid: the compiled filter one record at a time (`CompiledFilter::matches`).
fn main() {
    let records = odata_filter::mde::sample::machine_actions(8192, 1);
    let f = odata_filter::validate::validate_text(
        "status eq 'Succeeded' and type eq 'Isolate' and creationDateTimeUtc ge 2024-06-01T00:00:00Z",
        odata_filter::mde::machine_actions(),
        &Default::default(),
    )
    .unwrap()
    .compile();
    let t = std::time::Instant::now();
    let mut n = 0;
    for _ in 0..2000 {
        n += std::hint::black_box(&records)
            .iter()
            .filter(|r| f.matches(*r))
            .count();
    }
    println!(
        "{:.2} ns/record ({n})",
        t.elapsed().as_nanos() as f64 / (2000.0 * 8192.0)
    );
}

//! Profiling aid: the cost per record of reading JSON Lines as typed MachineActions vs skipping
//! them (`serde::de::IgnoredAny`): `cargo run --release --example parse_cost -- FILE.jsonl`.
fn main() {
    let path = std::env::args().nth(1).expect("a .jsonl file");
    let text = std::fs::read(&path).expect("readable");
    let lines: Vec<&[u8]> = text
        .split(|&b| b == b'\n')
        .filter(|l| !l.is_empty())
        .take(200_000)
        .collect();
    let t = std::time::Instant::now();
    let n = lines
        .iter()
        .filter(|l| serde_json::from_slice::<serde::de::IgnoredAny>(l).is_ok())
        .count();
    let skip = t.elapsed().as_secs_f64() / n as f64;
    let t = std::time::Instant::now();
    let n = lines
        .iter()
        .filter(|l| serde_json::from_slice::<odata_filter::mde::MachineAction>(l).is_ok())
        .count();
    let typed = t.elapsed().as_secs_f64() / n as f64;
    println!(
        "{n} records: skip {:.0} ns, typed {:.0} ns per record",
        skip * 1e9,
        typed * 1e9
    );
}

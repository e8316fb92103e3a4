//! Writes generated MachineActions as JSON Lines to stdout, one record at a time (constant memory):
//! `cargo run --release --example sample_jsonl -- 1000000 [SEED] > actions.jsonl`.
//! The input of `benches/vs_duckdb.sh`.
use std::io::Write;

fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let count: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(10_000);
    let seed: u64 = args
        .next()
        .and_then(|a| a.parse().ok())
        .unwrap_or(odata_filter::mde::sample::DEFAULT_SEED);
    let mut out = std::io::BufWriter::with_capacity(1 << 20, std::io::stdout().lock());
    for action in odata_filter::mde::sample::Generator::new(seed).take(count) {
        serde_json::to_writer(&mut out, &action)?;
        out.write_all(b"\n")?;
    }
    out.flush()
}

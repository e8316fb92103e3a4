#!/usr/bin/env bash
# The command line's allocator: the release binary with mimalloc (the default feature `mimalloc`)
# next to the same code with the system allocator (glibc's malloc), in paired runs alternating the
# two; wall time of the whole process and its peak RSS (`/usr/bin/time`).
#
#   benches/allocator.sh [PAIRS]        # default 15 pairs per workload
#
# Workloads: the main job (the README's first command: a query over 10,000 generated records), and
# `query --data` over RECORDS (default 200,000) generated records in JSON Lines. The system-allocator
# build goes to target/allocator-system. Timings are noisy on shared machines: read the per-pair
# ratios.
set -euo pipefail
crate=$(cd "$(dirname "$0")/.." && pwd)
cd "$crate"
pairs=${1:-15}
records=${RECORDS:-200000}
[ -x /usr/bin/time ] || { echo "needs /usr/bin/time (Debian: apt-get install time)" >&2; exit 1; }

echo "== building both binaries (release: fat LTO)" >&2
cargo build --release --quiet --bin odata-filter --example sample_jsonl
cargo build --release --quiet --bin odata-filter --no-default-features --features cli,sqlite,postgres \
    --target-dir target/allocator-system
mimalloc=$crate/target/release/odata-filter
system=$crate/target/allocator-system/release/odata-filter
data=$crate/target/allocator-$records.jsonl
[ -s "$data" ] || "$crate/target/release/examples/sample_jsonl" "$records" > "$data"

python3 - "$pairs" "$mimalloc" "$system" "$data" "$records" <<'PY'
import statistics, subprocess, sys, tempfile, time
pairs, mimalloc, system, data, records = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])
main_job = "$filter=status eq 'Succeeded' and type eq 'Isolate'&$top=2&$count=true"
workloads = [
    ("main job (10,000 generated records)", ["query", main_job]),
    (f"query --data ({records:,} JSONL records)", ["query", main_job, "--data", data]),
]
def run(binary, args):
    with tempfile.NamedTemporaryFile("r") as rss:
        start = time.perf_counter()
        subprocess.run(["/usr/bin/time", "-f", "%M", "-o", rss.name, binary, *args],
                       stdout=subprocess.DEVNULL, check=True)
        wall = time.perf_counter() - start
        return wall, int(rss.read().split()[-1]) / 1024
print("| workload | mimalloc | system | ratio (mimalloc / system), median pair | peak RSS mimalloc | peak RSS system |")
print("|---|---|---|---|---|---|")
for name, args in workloads:
    out_a = subprocess.run([mimalloc, *args], capture_output=True, check=True).stdout
    out_b = subprocess.run([system, *args], capture_output=True, check=True).stdout
    assert out_a == out_b, f"{name}: the two binaries print different output"
    a, b, ratios = [], [], []
    for i in range(pairs):
        order = [(mimalloc, a), (system, b)] if i % 2 == 0 else [(system, b), (mimalloc, a)]
        for binary, into in order:
            into.append(run(binary, args))
        ratios.append(a[-1][0] / b[-1][0])
    med = lambda xs: statistics.median(xs)
    print(f"| {name} | {med([t for t, _ in a]) * 1000:.1f} ms | {med([t for t, _ in b]) * 1000:.1f} ms "
          f"| {med(ratios):.2f}× ({min(ratios):.2f}–{max(ratios):.2f}) "
          f"| {max(m for _, m in a):.0f} MiB | {max(m for _, m in b):.0f} MiB |")
print(f"\n({pairs} pairs per workload, alternating which runs first; same output checked)")
PY

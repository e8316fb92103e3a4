#!/usr/bin/env bash
# Instructions per record of filter evaluation (valgrind --tool=callgrind), which a loaded machine does
# not disturb: the hand-written closure, `CompiledFilter::matches` record by record, the filter
# compiled for the record type (`TypedFilter::compile_for`) record by record, and both batched, over
# 8,192 typed `MachineAction`s and their JSON form (cache-resident); and `id in (…)` with 10 and
# with 10,000 Guids.
#
#   benches/eval_callgrind.sh [N] [CASE…]   N rounds over the 8,192 records (default 20)
#
# Each case runs twice, with 0 and with N rounds (examples/eval_n.rs, release build: fat LTO); the
# difference over N × 8,192 is the cost of one record, without start-up and set-up.
set -euo pipefail
crate=$(cd "$(dirname "$0")/.." && pwd)
n=${1:-20}
shift || true
command -v valgrind > /dev/null || { echo "valgrind is not installed" >&2; exit 1; }
echo "== building examples/eval_n (release: fat LTO)" >&2
(cd "$crate" && cargo build --release --quiet --example eval_n)
bin="$crate/target/release/examples/eval_n"
cases=("$@")
if [ ${#cases[@]} -eq 0 ]; then
  cases=(typed_closure typed_matches typed_matches_for typed_batched typed_batched_for
         json_closure json_matches json_matches_for json_batched json_batched_for
         in10_matches_for in10000_matches_for in10_batched_for in10000_batched_for)
fi
instructions() {
  valgrind --tool=callgrind --callgrind-out-file=/dev/null "$bin" "$1" "$2" 2>&1 >/dev/null |
    sed -n 's/.*Collected : *\([0-9]*\).*/\1/p'
}
printf '%-22s %12s\n' case "instr/record"
for c in "${cases[@]}"; do
  base=$(instructions "$c" 0)
  full=$(instructions "$c" "$n")
  awk -v c="$c" -v a="$base" -v b="$full" -v n="$n" \
    'BEGIN { printf "%-22s %12.1f\n", c, (b - a) / (n * 8192) }'
done

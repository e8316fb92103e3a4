#!/usr/bin/env bash
# Puts odata-filter in the peer table of the peers folder (its README describes the protocol):
#   1. installs the peers with their run_all.sh --install-only (into $PEERS_HOME, default /tmp/odata-peers;
#      the first run takes a few minutes);
#   2. runs R rounds (default 3); each round times this crate with examples/peer_driver.rs and then every
#      peer (run_all.sh --rounds 1), so that noise on a shared machine hits all alike;
#   3. keeps per filter the best median over the rounds, for every parser alike (the peers'
#      summarize.py --merge-rounds), prints the peers' summary and the README's table
#      (benches/peers_table.py).
#
#   benches/peers.sh [--rounds R | --quick]
#
# ODATA_PEERS_DIR names the peers folder (default ../shared/peers next to the crate). Timings are noisy
# on shared machines: compare within one run, as ratios.
set -euo pipefail
crate=$(cd "$(dirname "$0")/.." && pwd)
peers=${ODATA_PEERS_DIR:-$crate/../shared/peers}
home=${PEERS_HOME:-/tmp/odata-peers}
out=${ODATA_FILTER_RESULTS:-/tmp/odata-filter-peers}
rounds=3 quick=""
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) rounds=$2; shift 2 ;;
    --quick) quick=--quick rounds=1; shift ;;
    *) echo "unknown option $1; usage: benches/peers.sh [--rounds R | --quick]" >&2; exit 2 ;;
  esac
done
[ -x "$peers/run_all.sh" ] || { echo "no peers at $peers (set ODATA_PEERS_DIR)" >&2; exit 1; }
export PEERS_HOME=$home
"$peers/run_all.sh" --install-only
cd "$crate"
cargo build --release --quiet --example peer_driver
driver=$crate/target/release/examples/peer_driver
rm -rf "$out"; mkdir -p "$out/rounds"
for r in $(seq 1 "$rounds"); do
  echo "== round $r: odata-filter" >&2
  ODATA_PEERS_DIR="$peers" "$driver" $quick > "$out/rounds/odata-filter.r$r.jsonl"
  "$peers/run_all.sh" --rounds 1 $quick > "$out/round.log"
  for f in "$home"/results/*.jsonl; do
    cp "$f" "$out/rounds/$(basename "$f" .jsonl).r$r.jsonl"
  done
done
python3 "$home/summarize.py" --results "$out" --merge-rounds
echo "== odata-filter: $(grep -c '"ok": *true' "$out/odata-filter.jsonl") of $(wc -l < "$out/odata-filter.jsonl") filters accepted; results in $out" >&2
echo
python3 "$home/summarize.py" --results "$out" --tsv "$home/corpus.tsv" --categories
echo
python3 "$crate/benches/peers_table.py" "$out" "$home/corpus.tsv"

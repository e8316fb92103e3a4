#!/usr/bin/env bash
# Puts odata-filter in the peer table of ../shared/peers (see its README for the protocol):
#   1. times this crate over the peer corpus with examples/peer_driver.rs (JSON lines),
#   2. runs the peers' run_all.sh with those lines added (it installs the peers into $PEERS_HOME,
#      default /tmp/odata-peers; the first run takes a few minutes).
#
#   benches/peers.sh [run_all.sh options, e.g. --rounds 1]
#
# ODATA_PEERS_DIR overrides the peers folder (default ../shared/peers next to the crate). Timings are
# noisy on shared machines: compare within one run, as ratios.
set -euo pipefail
crate=$(cd "$(dirname "$0")/.." && pwd)
peers=${ODATA_PEERS_DIR:-$crate/../shared/peers}
out=${ODATA_FILTER_RESULTS:-/tmp/odata-filter.jsonl}
[ -x "$peers/run_all.sh" ] || { echo "no peers at $peers (set ODATA_PEERS_DIR)" >&2; exit 1; }
cd "$crate"
ODATA_PEERS_DIR="$peers" cargo run --release --quiet --example peer_driver > "$out"
echo "== odata-filter: $(grep -c '"ok":true' "$out") of $(wc -l < "$out") filters accepted; lines in $out" >&2
EXTRA_RESULTS="$out" "$peers/run_all.sh" "$@"

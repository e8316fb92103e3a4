#!/usr/bin/env bash
# Seeds fuzz/corpus/{parse,roundtrip} with the peer corpus lines (one file per filter).
#   fuzz/seed.sh [path/to/corpus.txt]     default: $ODATA_PEERS_DIR/corpus.txt or ../shared/peers/corpus.txt
set -euo pipefail
cd "$(dirname "$0")"
src=${1:-${ODATA_PEERS_DIR:-../../shared/peers}/corpus.txt}
[ -f "$src" ] || { echo "no corpus at $src: nothing seeded" >&2; exit 0; }
for target in parse roundtrip; do
  mkdir -p "corpus/$target"
  i=0
  while IFS= read -r line || [ -n "$line" ]; do
    printf '%s' "$line" > "corpus/$target/seed_$i"
    i=$((i + 1))
  done < "$src"
done
echo "seeded $i inputs per target from $src" >&2

#!/usr/bin/env bash
# Seeds fuzz/corpus/{parse,roundtrip,query,sql} from the repository's own cases (tests/data/validate_cases.txt),
# plus the peer corpus when one is found (a path argument, $ODATA_PEERS_DIR/corpus.txt or
# ../shared/peers/corpus.txt next to the clone).
#   fuzz/seed.sh [path/to/corpus.txt]
set -euo pipefail
cd "$(dirname "$0")"
repo=$(cd .. && pwd)
filters=$(mktemp)
trap 'rm -f "$filters"' EXIT
# The filter column of every case (TAB-separated, comments skipped).
grep -v '^#' "$repo/tests/data/validate_cases.txt" | awk -F '\t' 'NF >= 2 && $2 != "" { print $2 }' > "$filters"
peers=${1:-${ODATA_PEERS_DIR:-$repo/../shared/peers}/corpus.txt}
if [ -f "$peers" ]; then
  cat "$peers" >> "$filters"
else
  echo "no peer corpus at $peers: seeding from the repository's cases only" >&2
fi
n=0
while IFS= read -r line || [ -n "$line" ]; do
  for target in parse roundtrip; do
    mkdir -p "corpus/$target"
    printf '%s' "$line" > "corpus/$target/seed_$n"
  done
  mkdir -p corpus/query
  printf '$filter=%s&$top=5&$orderby=creationDateTimeUtc desc' "$line" > "corpus/query/seed_$n"
  n=$((n + 1))
done < "$filters"
# Query strings with aliases, $select, URLs.
printf '%s' "\$filter=status in @s&@s=('Pending','Failed')&\$select=id,status&\$count=true" > corpus/query/alias
printf '%s' "https://api.security.microsoft.com/api/machineactions?\$filter=requestor eq @r&@r='a'" > corpus/query/url
printf '%s' "\$filter=matchesPattern(tolower(requestor), '^a.*')&\$top=1" > corpus/query/pattern
# The SQL target reads whole query strings too.
mkdir -p corpus/sql
cp corpus/query/* corpus/sql/
echo "seeded $n inputs per target" >&2
[ "$n" -gt 0 ]

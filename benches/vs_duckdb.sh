#!/usr/bin/env bash
# `odata-filter query --data FILE.jsonl` next to DuckDB's read_ndjson_auto on the same records and the
# same queries (WHERE, ORDER BY, LIMIT): wall time and peak RSS from /usr/bin/time -v, several paired
# runs alternating the two, the same ids checked.
#
#   benches/vs_duckdb.sh [RECORDS]        # default 1000000 (a ~700 MB JSONL file)
#
# RUNS (default 3) paired runs per query. BASELINE_BIN=path/to/another/odata-filter adds one run of
# that binary per query (e.g. an older build, to compare before and after). DuckDB comes from PyPI
# into a venv under target/vs_duckdb (DUCKDB_VENV overrides). Timings are noisy on shared machines:
# read the ratios, which are taken within one pair.
set -euo pipefail
crate=$(cd "$(dirname "$0")/.." && pwd)
cd "$crate"
records=${1:-1000000}
runs=${RUNS:-3}
work=${VS_DUCKDB_DIR:-$crate/target/vs_duckdb}
venv=${DUCKDB_VENV:-$work/venv}
mkdir -p "$work"
[ -x /usr/bin/time ] || { echo "needs /usr/bin/time (Debian: apt-get install time)" >&2; exit 1; }
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import duckdb' 2>/dev/null; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet duckdb
fi
py=$venv/bin/python

cargo build --release --quiet --bin odata-filter --example sample_jsonl
bin=$crate/target/release/odata-filter
data=$work/actions-$records.jsonl
if [ ! -s "$data" ]; then
    "$crate/target/release/examples/sample_jsonl" "$records" > "$data.tmp"
    mv "$data.tmp" "$data"
fi
echo "== $records records, $(du -mL "$data" | cut -f1) MB: $data" >&2

# name | our query string | DuckDB's SQL over read_ndjson_auto('$data') AS t
queries=(
    "where+default order|\$filter=status eq 'Succeeded' and type eq 'Isolate'&\$top=100|SELECT id FROM t WHERE status = 'Succeeded' AND type = 'Isolate' ORDER BY creationDateTimeUtc DESC, id LIMIT 100"
    "range+orderby 3 keys|\$filter=creationDateTimeUtc ge 2024-06-01T00:00:00Z&\$orderby=requestor,creationDateTimeUtc desc,id&\$top=50|SELECT id FROM t WHERE creationDateTimeUtc >= '2024-06-01T00:00:00Z' ORDER BY requestor, creationDateTimeUtc DESC, id LIMIT 50"
    "all records, top 10|\$top=10|SELECT id FROM t ORDER BY creationDateTimeUtc DESC, id LIMIT 10"
)

cat > "$work/duck.py" <<'EOF'
import sys, duckdb
data, sql = sys.argv[1], sys.argv[2]
con = duckdb.connect()
# Timestamps stay text (all are UTC with seven fractional digits, so text order is time order), as
# odata-filter compares them as instants.
con.execute(f"CREATE VIEW t AS SELECT * FROM read_ndjson_auto('{data}', timestampformat='none', dateformat='none')")
for (i,) in con.execute(sql).fetchall():
    print(i)
EOF

# Runs "$@" under /usr/bin/time -v; prints "seconds max_rss_kib" and leaves stdout in $work/out.
measure() {
    /usr/bin/time -v -o "$work/time.txt" "$@" > "$work/out"
    local wall rss
    wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$work/time.txt" |
        awk -F: '{ if (NF == 3) print $1*3600 + $2*60 + $3; else print $1*60 + $2 }')
    rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$work/time.txt")
    echo "$wall $rss"
}
ids_of_response() { "$py" -c 'import json,sys; [print(r["id"]) for r in json.load(sys.stdin)["value"]]' < "$1"; }
median() { sort -g | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

printf '\n| query | odata-filter | DuckDB | ratio (ours / DuckDB), per pair | peak RSS ours | peak RSS DuckDB |%s\n' \
    "${BASELINE_BIN:+ baseline | baseline RSS |}"
printf '|---|---|---|---|---|---|%s\n' "${BASELINE_BIN:+---|---|}"
for q in "${queries[@]}"; do
    IFS='|' read -r name qs sql <<< "$q"
    ours_t=() duck_t=() ratios=() ours_rss=0 duck_rss=0
    for ((r = 0; r < runs; r++)); do
        # Alternate who goes first.
        for who in $([ $((r % 2)) -eq 0 ] && echo "ours duck" || echo "duck ours"); do
            if [ "$who" = ours ]; then
                read -r t m < <(measure "$bin" query "$qs" --data "$data")
                ids_of_response "$work/out" > "$work/ours.ids"
                ours_t+=("$t") ours_rss=$((m > ours_rss ? m : ours_rss)) ot=$t
            else
                read -r t m < <(measure "$py" "$work/duck.py" "$data" "$sql")
                cp "$work/out" "$work/duck.ids"
                duck_t+=("$t") duck_rss=$((m > duck_rss ? m : duck_rss)) dt=$t
            fi
        done
        if ! cmp -s "$work/ours.ids" "$work/duck.ids"; then
            echo "different ids for '$name':" >&2
            diff "$work/ours.ids" "$work/duck.ids" | head >&2
            exit 1
        fi
        ratios+=("$(awk -v a="$ot" -v b="$dt" 'BEGIN { printf "%.2f", a / b }')")
    done
    base=""
    if [ -n "${BASELINE_BIN:-}" ]; then
        read -r t m < <(measure "$BASELINE_BIN" query "$qs" --data "$data")
        ids_of_response "$work/out" | cmp -s - "$work/duck.ids" || { echo "baseline: different ids for '$name'" >&2; exit 1; }
        base=" ${t} s | $((m / 1024)) MiB |"
    fi
    printf '| %s | %s s | %s s | %s× (%s) | %s MiB | %s MiB |%s\n' "$name" \
        "$(printf '%s\n' "${ours_t[@]}" | median)" "$(printf '%s\n' "${duck_t[@]}" | median)" \
        "$(printf '%s\n' "${ratios[@]}" | median)" "$(IFS=' '; echo "${ratios[*]}")" \
        $((ours_rss / 1024)) $((duck_rss / 1024)) "$base"
done
echo >&2 "(times: medians of $runs runs; ratio: median of the per-pair ratios; same ids checked in every pair)"

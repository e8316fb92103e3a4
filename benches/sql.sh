#!/usr/bin/env bash
# SQL back end benchmark: N generated MachineActions (default 1,000,000) in SQLite with indexes and
# in PostgreSQL, vs the in-memory evaluator, vs loading the JSONL each time. Prints a Markdown table.
# Starts a throwaway PostgreSQL (scripts/with-postgres.sh) unless ODATA_PG_URL is set.
#
#   benches/sql.sh [N]
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-1000000}"
cargo build --release --example sql_bench
run=(target/release/examples/sql_bench "$n" target/sql-bench)
if [ -n "${ODATA_PG_URL:-}" ]; then
  "${run[@]}"
else
  scripts/with-postgres.sh "${run[@]}"
fi

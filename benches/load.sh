#!/usr/bin/env bash
# Loopback load test of the MDE emulator: a typical filtered MachineActions query over 100,000
# records, served from memory, from SQLite and (when ODATA_PG_URL is set) from PostgreSQL, limits
# lifted. Bounded: DURATION seconds per store.
#
#   benches/load.sh                   # wrk from Debian's packages (apt-get install wrk)
#   DURATION=30 CONNECTIONS=32 RECORDS=100000 benches/load.sh
#   scripts/with-postgres.sh benches/load.sh     # also PostgreSQL (a throwaway cluster)
#
# Prints wrk's report (requests/s, latency distribution with p50/p99) for each store.
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION="${DURATION:-15}"
CONNECTIONS="${CONNECTIONS:-16}"
THREADS="${THREADS:-2}"
RECORDS="${RECORDS:-100000}"
PORT="${PORT:-18090}"
STORES="${STORES:-memory sqlite${ODATA_PG_URL:+ postgres}}"
QUERY="${QUERY:-\$filter=status%20eq%20%27Succeeded%27%20and%20type%20eq%20%27Isolate%27%20and%20creationDateTimeUtc%20ge%202024-06-01T00:00:00Z&\$top=50}"

command -v wrk >/dev/null || { echo "wrk not found: apt-get install wrk" >&2; exit 1; }

# Release build without fat LTO (the crate's release profile): the HTTP path barely gains from it,
# and it cuts the build from minutes to about one.
CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
  cargo build --release --features server,sqlite,postgres --bin odata-filter
BIN=target/release/odata-filter

WORK="$(mktemp -d)"
PID=""
cleanup() {
  if [ -n "$PID" ]; then kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT
cat > "$WORK/config.toml" <<'TOML'
[[application]]
client_id = "load"
client_secret = "load-secret"
roles = ["Machine.Read.All"]
TOML

for store in $STORES; do
  case "$store" in
    memory) db=memory ;;
    sqlite) db="sqlite:$WORK/load.sqlite" ;;
    postgres) db="${ODATA_PG_URL:?postgres needs ODATA_PG_URL (scripts/with-postgres.sh)}" ;;
    *) echo "unknown store $store" >&2; exit 1 ;;
  esac
  "$BIN" serve --bind "127.0.0.1:$PORT" --db "$db" --records "$RECORDS" --no-limits \
    --config "$WORK/config.toml" 2> "$WORK/serve.log" &
  PID=$!
  TOKEN=""
  for _ in $(seq 1 600); do
    TOKEN="$(curl -s "http://127.0.0.1:$PORT/load/oauth2/v2.0/token" \
      -d grant_type=client_credentials -d client_id=load -d client_secret=load-secret \
      -d scope=https://api.securitycenter.microsoft.com/.default 2>/dev/null |
      sed -n 's/.*"access_token":"\([^"]*\)".*/\1/p')" || true
    [ -n "$TOKEN" ] && break
    sleep 0.2
  done
  [ -n "$TOKEN" ] || { cat "$WORK/serve.log" >&2; exit 1; }
  URL="http://127.0.0.1:$PORT/api/machineactions?$QUERY"
  matched="$(curl -s -H "Authorization: Bearer $TOKEN" "$URL&\$count=true" |
    sed -n 's/.*"@odata.count":\([0-9]*\).*/\1/p')"
  echo "== $store: $RECORDS records (load average $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)), $matched match, page of up to 50; wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s"
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency -H "Authorization: Bearer $TOKEN" "$URL"
  kill "$PID"; wait "$PID" 2>/dev/null || true; PID=""
done

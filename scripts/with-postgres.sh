#!/usr/bin/env bash
# Runs a command with ODATA_PG_URL pointing at a throwaway PostgreSQL cluster: created with initdb in
# a temporary folder, listening only on a Unix socket in that folder (no TCP), stopped and deleted
# when the command ends. Needs the PostgreSQL server binaries (Debian: apt-get install postgresql).
# As root, the cluster runs as the `postgres` user.
#
#   scripts/with-postgres.sh cargo test --all-features --test it sql
set -euo pipefail
pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
if [ -z "$pgbin" ]; then
  pgbin=$(dirname "$(command -v initdb)")
fi
dir=$(mktemp -d "${TMPDIR:-/tmp}/odata-pg.XXXXXX")
as=()
if [ "$(id -u)" = 0 ]; then
  chown postgres "$dir"
  as=(runuser -u postgres --)
fi
"${as[@]}" "$pgbin/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log"
stop() {
  "${as[@]}" "$pgbin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap stop EXIT
"${as[@]}" "$pgbin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
  -o "-k $dir -c listen_addresses='' -c fsync=off -c synchronous_commit=off -c full_page_writes=off" start >/dev/null
export ODATA_PG_URL="postgresql:///postgres?user=postgres&host=$dir"
echo "with-postgres: $ODATA_PG_URL" >&2
"$@"

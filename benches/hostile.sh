#!/usr/bin/env bash
# Hostile inputs (bounded work and output): each case runs the release command line once
# under /usr/bin/time -v and prints its exit code, wall time and maximum resident set size. Every case
# must end within a second and a few MB; exit 2 is the service's 400 (the input is refused), 0 an answer.
#
#   benches/hostile.sh            # builds target/release/odata-filter first
#   BIN=path/to/odata-filter benches/hostile.sh   # measures another build (e.g. an older commit's)
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${BIN:-}" ]; then
  cargo build --release --bin odata-filter
  BIN=target/release/odata-filter
fi

# Seven levels of aliases, each used five times, then (requestor eq 'x') five times: 402 bytes.
alias_bomb() {
  local qs='$filter=@a0 or @a0 or @a0 or @a0 or @a0' i
  for i in 0 1 2 3 4 5 6; do
    local n="@a$((i + 1))"
    qs+="&@a$i=$n or $n or $n or $n or $n"
  done
  qs+="&@a7=(requestor eq 'x') or (requestor eq 'x') or (requestor eq 'x') or (requestor eq 'x') or (requestor eq 'x')"
  printf '%s' "$qs"
}

# 17,000 times `$top=1&` (119 KB): 16,999 duplicate-option errors.
many_tops() {
  local qs='' i
  for ((i = 0; i < 17000; i++)); do qs+='$top=1&'; done
  printf '%s' "$qs"
}

# 200 literal patterns, each a different regex, under 8 KiB.
many_patterns() {
  local qs='$filter=' i
  for ((i = 0; i < 200; i++)); do
    [ "$i" -gt 0 ] && qs+=' or '
    qs+="matchesPattern(requestor,'[a-z]{$((10 + i % 20))}x')"
  done
  printf '%s' "$qs"
}

# 1,000 `$orderby` keys.
many_orderby_keys() {
  local keys='' i
  for ((i = 0; i < 1000; i++)); do keys+="${keys:+,}creationDateTimeUtc"; done
  printf '$orderby=%s' "$keys"
}

# Lambdas nested $1 deep over the same collection.
nested_lambdas() {
  local f='' close='' i
  for ((i = 0; i < $1; i++)); do
    f+="machineTags/any(t$i: "
    close+=')'
  done
  printf "\$filter=%st$(($1 - 1)) eq 'prod'%s" "$f" "$close"
}

# One Machine with a few tags, for the lambda cases (only MachineActions are generated).
machines="$(mktemp --suffix=.jsonl)"
trap 'rm -f "$machines"' EXIT
echo '{"id":"m1","machineTags":["a","b","c","d","e","f","g","prod"],"healthStatus":"Active","riskScore":"Low","exposureLevel":"Low","onboardingStatus":"Onboarded","deviceValue":"Normal"}' >"$machines"

measure() {
  local name="$1"
  shift
  local log
  log="$(mktemp)"
  set +e
  /usr/bin/time -v "$@" >/dev/null 2>"$log"
  local code=$?
  set -e
  local wall rss
  wall="$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$log")"
  rss="$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$log")"
  printf '| %-48s | %4s | %10s | %10s KB |\n' "$name" "$code" "$wall" "$rss"
  rm -f "$log"
}

printf '| %-48s | %4s | %10s | %13s |\n' case exit wall 'max RSS'
printf '|%s|%s|%s|%s|\n' "$(printf -- '-%.0s' {1..50})" ------ ------------ ---------------
measure "alias bomb (7 levels, 402 bytes)" "$BIN" check "$(alias_bomb)"
measure "17,000 x \$top=1& (119 KB)" "$BIN" check "$(many_tops)"
measure "200 literal patterns (< 8 KiB)" "$BIN" check "$(many_patterns)"
measure "matchesPattern(tolower(r), '\\w{100}'), 1,000 rec" "$BIN" query --records 1000 \
  "\$filter=matchesPattern(tolower(requestor), '\\w{100}')"
measure "matchesPattern(tolower(r), '[a-z@.]{8}'), 1,000 rec" "$BIN" query --records 1000 \
  "\$filter=matchesPattern(tolower(requestor), '[a-z@.]{8}')"
measure "1,000 \$orderby keys" "$BIN" check "$(many_orderby_keys)"
measure "nested lambdas, depth 13 (1 machine)" "$BIN" query --entity machines --data "$machines" "$(nested_lambdas 13)"
measure "nested lambdas, depth 3 (1 machine)" "$BIN" query --entity machines --data "$machines" "$(nested_lambdas 3)"

#!/usr/bin/env bash
# Instructions per parse (valgrind --tool=callgrind) for this crate and for the Rust peer odata-params,
# both built with fat LTO and one codegen unit:
#
#   benches/callgrind.sh [N]        N parses per measurement (default 50)
#
# Each case runs twice per parser, with 0 and with N parses of the same filter; the difference divided by
# N is the cost of one parse without the process's start-up and the first, rejected-or-not check.
# Our driver is examples/parse_n.rs. The peer's driver is generated here into $CALLGRIND_WORK (default
# /tmp/odata-filter-callgrind) and depends on odata-params 0.4.0 from crates.io, with the Cargo.lock of
# the peers folder (ODATA_PEERS_DIR, else ../shared/peers next to the crate) when it is there; without
# the peers folder the peer's driver is still built from crates.io, without its lock file.
# CALLGRIND_OURS_ONLY=1 measures this crate alone.
set -euo pipefail
crate=$(cd "$(dirname "$0")/.." && pwd)
n=${1:-50}
work=${CALLGRIND_WORK:-/tmp/odata-filter-callgrind}
peers=${ODATA_PEERS_DIR:-$crate/../shared/peers}
command -v valgrind > /dev/null || { echo "valgrind is not installed" >&2; exit 1; }

or_chain() { local s="" i; for ((i = 1; i <= $1; i++)); do s+="${s:+ or }id eq $i"; done; echo "$s"; }
in_list() { local s="" i; for ((i = 1; i <= $1; i++)); do s+="${s:+,}'v$i'"; done; echo "status in ($s)"; }
nested() { local o="" c="" i; for ((i = 0; i < $1; i++)); do o+="("; c+=")"; done; echo "${o}id eq 1$c"; }
names=(eq and3 or10 or100 in100 nest5 nest50)
filters=(
  "status eq 'Pending'"
  "machineId eq '74821f75a3e9908dfa6b9e416fd5bbc31770f5ba' and type eq 'RunAntiVirusScan' and creationDateTimeUtc gt 2018-12-04T12:43:57.2011911Z"
  "$(or_chain 10)"
  "$(or_chain 100)"
  "$(in_list 100)"
  "$(nested 5)"
  "$(nested 50)"
)
# The peer is exponential in the depth of parentheses: nest50 is measured for this crate only.
ours_only=" nest50 "

echo "== building examples/parse_n (release: fat LTO)" >&2
(cd "$crate" && cargo build --release --quiet --example parse_n)
ours="$crate/target/release/examples/parse_n"

theirs=""
if [ -z "${CALLGRIND_OURS_ONLY:-}" ]; then
  peer="$work/rs-odata-params-n"
  mkdir -p "$peer/src"
  if [ -f "$peers/rust-odata-params/Cargo.lock" ]; then
    echo "== peer lock file from $peers/rust-odata-params" >&2
    [ -f "$peer/Cargo.lock" ] || cp "$peers/rust-odata-params/Cargo.lock" "$peer/"
  else
    echo "== no peers folder at $peers (set ODATA_PEERS_DIR): odata-params 0.4.0 without the peers' lock file" >&2
  fi
  cat > "$peer/Cargo.toml" <<'TOML'
[package]
name = "rs-odata-params-n"
version = "0.1.0"
edition = "2021"
publish = false

[dependencies]
odata-params = "=0.4.0"

[profile.release]
lto = "fat"
codegen-units = 1

[workspace]
TOML
  cat > "$peer/src/main.rs" <<'RS'
//! Parses one filter N times with odata_params::filters::parse_str (exit 1 when it is rejected).
use std::hint::black_box;
fn main() {
    let mut args = std::env::args().skip(1);
    let filter = args.next().expect("usage: FILTER N");
    let n: usize = args.next().expect("usage: FILTER N").parse().expect("N is a number");
    if odata_params::filters::parse_str(&filter).is_err() {
        eprintln!("rejected");
        std::process::exit(1);
    }
    for _ in 0..n {
        drop(black_box(odata_params::filters::parse_str(black_box(&filter))));
    }
}
RS
  echo "== building the odata-params driver in $peer (release: fat LTO)" >&2
  cargo build --release --quiet --manifest-path "$peer/Cargo.toml"
  theirs="$peer/target/release/rs-odata-params-n"
fi

# Instructions executed by `$1 FILTER COUNT`, or "rejected".
instructions() {
  local log
  log=$(valgrind --tool=callgrind --callgrind-out-file=/dev/null "$1" "$2" "$3" 2>&1 >/dev/null) \
    || { echo rejected; return; }
  echo "$log" | sed -n 's/.*Collected : \([0-9]*\).*/\1/p'
}
per_parse() {
  local zero many
  zero=$(instructions "$1" "$2" 0)
  [ "$zero" = rejected ] && { echo rejected; return; }
  many=$(instructions "$1" "$2" "$n")
  echo $(((many - zero) / n))
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b ~ /^[0-9]+$/ && a ~ /^[0-9]+$/ && b > 0) printf "%.2f", a / b; else print "-" }'; }

declare -A ours_count theirs_count
printf '%-8s %14s %16s %8s\n' case odata-filter rs-odata-params ratio
for i in "${!names[@]}"; do
  name=${names[$i]}
  a=$(per_parse "$ours" "${filters[$i]}")
  b=-
  [ -n "$theirs" ] && [[ $ours_only != *" $name "* ]] && b=$(per_parse "$theirs" "${filters[$i]}")
  ours_count[$name]=$a
  theirs_count[$name]=$b
  printf '%-8s %14s %16s %8s\n' "$name" "$a" "$b" "$(ratio "$a" "$b")"
done
per_term() { awk -v a="$1" -v b="$2" 'BEGIN { if (a ~ /^[0-9]+$/ && b ~ /^[0-9]+$/) printf "%d", (b - a) / 90; else print "-" }'; }
a=$(per_term "${ours_count[or10]}" "${ours_count[or100]}")
b=$(per_term "${theirs_count[or10]}" "${theirs_count[or100]}")
printf '%-8s %14s %16s %8s\n' "or/term" "$a" "$b" "$(ratio "$a" "$b")"
echo
echo "Instructions per parse (callgrind, $n parses minus 0). eq: status eq 'Pending'; and3: three"
echo "comparisons joined by 'and', the last with a date-time; orK: K comparisons joined by 'or'"
echo "(or/term: (or100 - or10) / 90); in100: an 'in' list of 100 strings; nestK: K nested parentheses."

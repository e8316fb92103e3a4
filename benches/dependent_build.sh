#!/usr/bin/env bash
# What a library user pays to depend on odata-filter: a clean debug build of a tiny crate that
# depends on it with `default-features = false` and calls `parse_filter` + `validate` once.
# Prints the number of crates compiled and the CPU time (user + sys, from `/usr/bin/time -v`;
# CPU time rather than wall time, which depends on what else the machine is doing).
#
#   benches/dependent_build.sh [REPO]     # REPO: an odata-filter checkout (default: this one)
#
# To compare with an older commit:
#   git worktree add /tmp/odata-before <commit> && benches/dependent_build.sh /tmp/odata-before
#   git worktree remove /tmp/odata-before
#
# The dependent crate and its target directory live in a fresh temporary directory, deleted at
# the end. The repo's Cargo.lock pins the dependencies' versions, so two runs compare like for like.
set -euo pipefail

repo="$(cd "${1:-$(dirname "$0")/..}" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# The entity set's path moved from `schema` to `mde` during the crate's history.
if [ -f "$repo/src/mde/mod.rs" ]; then set_path="odata_filter::mde::machine_actions"
else set_path="odata_filter::schema::machine_actions"; fi

mkdir -p "$work/dependent/src"
cat > "$work/dependent/Cargo.toml" <<EOF
[package]
name = "dependent"
version = "0.1.0"
edition = "2021"

[dependencies]
odata-filter = { path = "$repo", default-features = false }

[workspace]
EOF
cat > "$work/dependent/src/lib.rs" <<EOF
/// Whether \`text\` is a valid \`\$filter\` on MDE's MachineActions.
pub fn is_valid(text: &str) -> bool {
    match odata_filter::parse_filter(text) {
        Ok(expr) => odata_filter::validate::validate(
            &expr,
            ${set_path}(),
            &odata_filter::validate::ValidateOptions::default(),
        )
        .is_ok(),
        Err(_) => false,
    }
}
EOF
[ -f "$repo/Cargo.lock" ] && cp "$repo/Cargo.lock" "$work/dependent/Cargo.lock"

cd "$work/dependent"
CARGO_TARGET_DIR="$work/target" /usr/bin/time -v -o "$work/time.txt" \
    cargo build --quiet --message-format=json > "$work/build.json"

python3 - "$work/build.json" "$work/time.txt" "$repo" <<'PY'
import json, re, subprocess, sys
build, timing, repo = sys.argv[1:4]
pkgs = set()
for line in open(build):
    msg = json.loads(line)
    if msg.get("reason") == "compiler-artifact":
        pkg = msg["package_id"]
        # "registry+https://…#name@1.2.3", "path+file:///…#name@0.1.0" or "name 1.2.3 (source)"
        # ("path+file:///…/dependent#0.1.0" when the name is the directory's)
        m = (re.search(r"#([^@#/]+)@([^#]+)$", pkg) or re.search(r"/([^/#]+)#([^@#]+)$", pkg)
             or re.match(r"(\S+) (\S+) ", pkg))
        pkgs.add(f"{m.group(1)} {m.group(2)}" if m else pkg)
t = dict(l.strip().split(": ", 1) for l in open(timing) if ": " in l)
user, sys_ = float(t["User time (seconds)"]), float(t["System time (seconds)"])
rev = subprocess.run(["git", "-C", repo, "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
print(f"repo:         {repo} ({rev or '?'})")
print(f"crates built: {len(pkgs)} (the dependent crate included)")
print(f"cpu seconds:  {user + sys_:.1f} (user {user:.1f}, sys {sys_:.1f})")
print("crates:      ", " ".join(sorted(p.split()[0] for p in pkgs)))
PY

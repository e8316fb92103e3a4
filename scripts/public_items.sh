#!/usr/bin/env bash
# Counts the public API of the odata-filter library: the items a user of the crate can name, read
# from rustdoc's JSON output (nightly-only, enabled on stable with RUSTC_BOOTSTRAP=1). Run twice:
# with `--all-features` and with `--no-default-features` (the core alone).
#
#   scripts/public_items.sh [-v] [REPO]   # REPO: an odata-filter checkout (default: this one)
#
#   -v   also list every counted item: its path and kind
#
# To count an older commit:
#   git worktree add /tmp/odata-before <commit> && scripts/public_items.sh /tmp/odata-before
#   git worktree remove /tmp/odata-before
#
# What is counted: every item reachable from the crate root through `pub` names, walking the root
# module, public submodules and `pub use` re-exports (globs included), each item once however many
# paths lead to it (de-duplicated by rustdoc id):
#   - modules (the crate root itself is not counted), structs, enums, unions, traits, trait aliases,
#     free functions, constants, statics, type aliases, macros (`macro_rules!`, proc macros and
#     derives, including derives re-exported from odata-filter-derive);
#   - the `pub` functions and associated constants of inherent impls (`impl Type { .. }`) of the
#     public structs, enums and unions counted above.
# Not counted: enum variants, struct and union fields, items of trait impls (`impl Trait for Type`,
# derived and blanket impls included), the methods/constants/types a trait declares (listed
# separately as "trait items, not counted"), and anything in a private module that is not
# re-exported. A re-export of another crate's item (one rustdoc does not inline) counts as one item.
#
# The per-module breakdown files each item under the first segment of its path after
# `odata_filter::` (a method under its type's module). An item reachable by several paths is filed
# by the one closest to where it is defined: `EdmType` (defined in schema::edm, re-exported at the
# root and in `schema`) under `schema`; `parse_filter` (defined in the private `parser`) and the
# derives (from odata-filter-derive) under `(root)`.
#
# Each REPO builds in its own target directory, $REPO/target (the JSON lands in
# $REPO/target/doc/odata_filter.json, overwritten by the second run). Nothing else is written.
set -euo pipefail

verbose=0
if [ "${1:-}" = "-v" ]; then verbose=1; shift; fi
repo="$(cd "${1:-$(dirname "$0")/..}" && pwd)"
json="$repo/target/doc/odata_filter.json"
rev="$(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo '?')"
echo "repo: $repo ($rev)"

for features in --all-features --no-default-features; do
    # rustdoc's warnings (broken intra-doc links in older commits) are shown only if it fails
    log="$(mktemp)"
    if ! (cd "$repo" && RUSTC_BOOTSTRAP=1 CARGO_TARGET_DIR="$repo/target" \
        cargo rustdoc --quiet --lib "$features" -- -Z unstable-options --output-format json) \
        2>"$log"; then
        cat "$log" >&2; rm -f "$log"; exit 1
    fi
    rm -f "$log"
    python3 - "$json" "$features" "$verbose" <<'PY'
import json, sys
from collections import Counter

path, features, verbose = sys.argv[1], sys.argv[2], sys.argv[3] == "1"
doc = json.load(open(path))
index, paths = doc["index"], doc.get("paths", {})
root_id = str(doc["root"])

def kind_and_inner(item):
    """The item's kind ("struct", "function", ...) and the dict under it; the layout of `inner`
    changed over format versions: {"struct": {...}} since v20-ish, "kind" + "inner" before."""
    inner = item.get("inner")
    if isinstance(inner, dict) and len(inner) == 1:
        (k, v), = inner.items()
        return k, (v if isinstance(v, dict) else {})
    return item.get("kind", "?"), (inner if isinstance(inner, dict) else {})

def is_public(item):
    return item.get("visibility") == "public"

def ident(x):
    return None if x is None else str(x)

COUNTED = {"module", "struct", "enum", "union", "trait", "trait_alias", "function", "constant",
           "static", "type_alias", "typedef", "macro", "proc_macro", "assoc_const"}
# kinds of `paths` entries (items of other crates that rustdoc did not inline)
EXTERNAL = {"module", "struct", "enum", "union", "trait", "trait_alias", "function", "constant",
            "static", "type_alias", "typedef", "macro", "proc_attribute", "proc_derive",
            "derive_macro", "attr_macro", "proc_macro"}

found = {}       # id -> (kind, [reachable paths])
trait_items = set()
canonical = {}   # id -> path from the `paths` map, for local items

def note(iid, kind, p):
    if iid in found:
        found[iid][1].append(p)
        return False
    found[iid] = (kind, [p])
    return True

def walk_module(mid, prefix, seen_modules):
    # walked again only by a shorter path (cycles end; items get their shortest reachable path)
    if mid in seen_modules and seen_modules[mid] <= len(prefix):
        return
    seen_modules[mid] = len(prefix)
    _, inner = kind_and_inner(index[mid])
    for cid in inner.get("items", []):
        cid = ident(cid)
        item = index.get(cid)
        if item is None:
            continue
        kind, ci = kind_and_inner(item)
        if kind in ("use", "import"):
            if not is_public(item):
                continue
            target = ident(ci.get("id"))
            if ci.get("is_glob", ci.get("glob")):
                t = index.get(target)
                if t is not None and kind_and_inner(t)[0] == "module":
                    walk_module(target, prefix, seen_modules)   # globbed items keep the prefix
                continue                                         # (an enum glob: variants)
            name = ci.get("name")
            if target is None:
                continue
            visit(target, prefix + [name], seen_modules)
        elif is_public(item) or kind == "macro":
            visit(cid, prefix + [item.get("name")], seen_modules)

def visit(iid, p, seen_modules):
    item = index.get(iid)
    if item is None:                     # another crate's item, re-exported but not inlined
        s = paths.get(iid)
        if s is not None and s.get("kind") in EXTERNAL:
            note(iid, s["kind"], p)
        return
    kind, inner = kind_and_inner(item)
    if kind not in COUNTED:
        return
    first = note(iid, kind, p)
    if kind == "module":
        walk_module(iid, p, seen_modules)
    elif kind == "trait" and first:
        trait_items.update(ident(t) for t in inner.get("items", []))

walk_module(root_id, [], {})
found.pop(root_id, None)

def home(iid, ps):
    """The path an item is filed under: of the paths that reach it, the one closest to where it is
    defined (the longest common prefix with its defining path, then the shortest)."""
    s = paths.get(iid)
    defined = s["path"][1:] if s is not None and s.get("crate_id") == 0 else []
    def common(q):
        n = 0
        while n < min(len(q), len(defined)) and q[n] == defined[n]:
            n += 1
        return n
    return min(ps, key=lambda q: (-common(q), len(q), q))

rows = []   # (path, kind, module it is filed under)
for iid, (kind, ps) in list(found.items()):
    h = home(iid, ps)
    module = h[0] if len(h) > 1 or kind == "module" else "(root)"
    rows.append((h, kind, module))
    if kind not in ("struct", "enum", "union") or iid not in index:
        continue
    # the pub functions and constants of the type's inherent impls
    _, inner = kind_and_inner(index[iid])
    for impl_id in inner.get("impls", []):
        impl = index.get(ident(impl_id))
        if impl is None:
            continue
        _, ii = kind_and_inner(impl)
        if ii.get("trait") is not None or ii.get("synthetic") or ii.get("blanket_impl"):
            continue
        for mid in ii.get("items", []):
            m = index.get(ident(mid))
            if m is None or not is_public(m) or ident(mid) in found:
                continue
            mk, _ = kind_and_inner(m)
            if mk in ("function", "method", "assoc_const"):
                found[ident(mid)] = (mk, [h + [m.get("name")]])
                rows.append((h + [m.get("name")], "method" if mk != "assoc_const" else mk, module))

per_module = Counter(module for _, _, module in rows)
fv = doc.get("format_version", "?")
print(f"\n{features}: {len(rows)} public items  (rustdoc JSON format {fv}; "
      f"trait items, not counted: {len(trait_items)})")
kinds = Counter(k for _, k, _ in rows)
print("  by kind:   " + ", ".join(f"{k} {n}" for k, n in kinds.most_common()))
print("  by module:")
for m, n in sorted(per_module.items(), key=lambda kv: (-kv[1], kv[0])):
    print(f"    {m:<12} {n:>5}")
if verbose:
    print("  items:")
    for h, kind, _ in sorted(rows):
        print(f"    {'::'.join(h):<70} {kind}")
PY
done

#!/usr/bin/env python3
"""The README's parsing table from merged peer results (stdlib only).

    python3 benches/peers_table.py RESULTS_DIR CORPUS_TSV [--ours odata-filter]

RESULTS_DIR holds one <peer>.jsonl per parser (the lines of the peers' protocol, best of the rounds).
Per peer: filters accepted (and how many of the `invalid*` ones), filters both it and this crate accept,
the median ns over those for each, and their median divided by ours ("we are faster by").
"""
import glob
import json
import os
import statistics
import sys


def load(results_dir):
    peers = {}
    for path in sorted(glob.glob(os.path.join(results_dir, "*.jsonl"))):
        rows = {}
        with open(path, encoding="utf-8") as f:
            for line in f:
                if line.strip():
                    r = json.loads(line)
                    rows[r["filter_index"]] = r
        if rows:
            peers[next(iter(rows.values()))["peer"]] = rows
    return peers


def fmt(ns):
    return f"{ns / 1000:.1f} µs" if ns >= 1000 else f"{ns:.0f} ns"


def main():
    args = sys.argv[1:]
    ours = "odata-filter"
    if "--ours" in args:
        i = args.index("--ours")
        ours = args[i + 1]
        del args[i : i + 2]
    results_dir, tsv = args
    with open(tsv, encoding="utf-8") as f:
        cats = [line.split("\t", 1)[0] for line in f]
    peers = load(results_dir)
    mine = peers.pop(ours)

    def accepted(rows):
        ok = [i for i, r in rows.items() if r["ok"]]
        bad = sum(1 for i in ok if cats[i].startswith("invalid"))
        return len(ok), bad

    n_invalid = sum(1 for c in cats if c.startswith("invalid"))
    acc, bad = accepted(mine)
    mine_median = statistics.median(r["ns_median"] for r in mine.values() if r["ok"])
    print(f"| peer | accepted (of {len(cats)}) | both accept | our median | their median | we are faster by |")
    print("|---|---|---|---|---|---|")
    print(f"| **{ours}** | {acc} ({bad} of the {n_invalid} invalid) | | {fmt(mine_median)} | | |")
    for peer, rows in sorted(peers.items()):
        acc, bad = accepted(rows)
        both = [i for i in rows if rows[i]["ok"] and mine.get(i, {}).get("ok")]
        ours_ns = statistics.median(mine[i]["ns_median"] for i in both)
        theirs_ns = statistics.median(rows[i]["ns_median"] for i in both)
        invalid = f" ({bad} invalid ones accepted)" if bad else ""
        print(
            f"| {peer} | {acc}{invalid} | {len(both)} | {fmt(ours_ns)} | {fmt(theirs_ns)} "
            f"| {theirs_ns / ours_ns:.2f}× |"
        )
    common = [i for i in range(len(cats)) if mine.get(i, {}).get("ok") and all(r.get(i, {}).get("ok") for r in peers.values())]
    print()
    print(f"Over the {len(common)} filters all {len(peers) + 1} accept, total of the medians:")
    for peer, rows in [(ours, mine)] + sorted(peers.items()):
        print(f"- {peer}: {fmt(sum(rows[i]['ns_median'] for i in common))}")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Runs every reference method in methods/ on every bundled pack and writes the table in
docs/reference-methods.md (python3 stdlib only; all numbers come from the aar-review binary).

Usage: python3 docs/tools/reference_table.py --binary target/debug/aar-review [--seeds 5]
           [--device cpu] [--out reference-methods-table.md]

Each (method, pack) is one `aar-review run FILE --task PACK --seeds N --device D --json` into a
scratch database; every method is then compared with vanilla on the same seeds by
`aar-review compare RUN VANILLA_RUN --json` (a paired t-test on the per-seed PGR differences).
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
METHODS = ["vanilla", "logconf", "confident-filter", "entropy", "window", "product-of-experts", "self-training"]


def cli(binary, db, *args):
    out = subprocess.run([binary, "--db", db, *args], capture_output=True, text=True)
    if out.returncode != 0:
        return None, out.stderr.strip().splitlines()[-1] if out.stderr.strip() else f"exit {out.returncode}"
    return json.loads(out.stdout), None


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", required=True)
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--out", default="reference-methods-table.md")
    args = parser.parse_args()
    binary = os.path.abspath(args.binary)
    db = os.path.join(tempfile.mkdtemp(), "reference.db")
    tasks, err = cli(binary, db, "tasks", "--json")
    if err:
        sys.exit(err)
    packs = [t["name"] for t in tasks]

    lines = [
        f"| method | pack | PGR ± SE (95% CI), {args.seeds} seeds | Δ PGR vs vanilla (paired SE) | paired t p-value |",
        "|---|---|---|---|---|",
    ]
    for pack in packs:
        runs = {}
        for method in METHODS:
            path = os.path.join(ROOT, "methods", f"{method}.rhai")
            report, err = cli(binary, db, "run", path, "--task", pack, "--seeds", str(args.seeds),
                              "--device", args.device, "--json")
            runs[method] = (report, err)
            print(f"{pack:18} {method:20} {err or report['aggregate']['pgr']}", file=sys.stderr)
        stored, _ = cli(binary, db, "runs", "--json", "--limit", "1000")
        ids = {}
        for run in stored:
            ids.setdefault((run["task"], run["method"]), run["id"])
        for method in METHODS:
            report, err = runs[method]
            if err:
                lines.append(f"| {method} | {pack} | failed: {err} | | |")
                continue
            a = report["aggregate"]
            pgr = "undefined" if a["pgr"] is None else f"{a['pgr']:.3f}"
            se = "" if a["pgr_se"] is None else f" ± {a['pgr_se']:.3f}"
            ci = "" if a["pgr_ci95"] is None else f" ({a['pgr_ci95'][0]:.3f}..{a['pgr_ci95'][1]:.3f})"
            delta, p = "", ""
            if method != "vanilla" and runs["vanilla"][1] is None:
                cmp, err = cli(binary, db, "compare", ids[(pack, method)], ids[(pack, "vanilla")], "--json")
                test = cmp and cmp["pgr"]
                if err:
                    delta = f"failed: {err}"
                elif test:
                    delta = f"{test['mean']:+.3f} ± {test['se']:.3f}"
                    p = "no spread" if test["p"] is None else f"{test['p']:.3f}"
            lines.append(f"| {method} | {pack} | {pgr}{se}{ci} | {delta} | {p} |")
    with open(args.out, "w") as f:
        f.write("\n".join(lines) + "\n")
    print(f"wrote {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()

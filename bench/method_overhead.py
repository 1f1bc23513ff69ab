#!/usr/bin/env python3
"""The method sandbox's share of a run's wall time, per demo method and pack (BENCHMARKS.md).

Usage: python3 bench/method_overhead.py --binary target/debug/aar-review [--seeds 1]
           [--large-pack-dir DIR] [--out bench/results-method-overhead.md]

Imports the demo corpus into a scratch database, then runs every Rhai demo submission's own
method (`aar-review run ID --task PACK --seeds N --device cpu --json`) on every bundled pack and,
with --large-pack-dir (written by `cargo run -p aar-taskgen -- --bench --out DIR`), on the
20,000-example `latent-20k` pack. Each run report carries `timings.method_seconds` (time inside
`configure` and every `targets` call) next to `timings.total_seconds`.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile


def cli(binary, db, env, *args):
    out = subprocess.run([binary, "--db", db, *args], capture_output=True, text=True, env=env)
    if out.returncode != 0:
        return None, (out.stderr.strip().splitlines() or [f"exit {out.returncode}"])[-1]
    return json.loads(out.stdout), None


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", required=True)
    parser.add_argument("--seeds", type=int, default=1)
    parser.add_argument("--large-pack-dir")
    parser.add_argument("--out", default="bench/results-method-overhead.md")
    args = parser.parse_args()
    env = dict(os.environ)
    if args.large_pack_dir:
        env["AAR_REVIEW_TASKS"] = os.path.abspath(args.large_pack_dir)
    db = os.path.join(tempfile.mkdtemp(), "bench.db")
    binary = os.path.abspath(args.binary)
    cli(binary, db, env, "demo", "--json")
    submissions, err = cli(binary, db, env, "list", "--json")
    if err:
        sys.exit(err)
    tasks, _ = cli(binary, db, env, "tasks", "--json")
    packs = [t["name"] for t in tasks]

    header = "| method | " + " | ".join(packs) + " |"
    lines = [
        f"Method time as a share of the run's wall time (seconds in the method / seconds in all), "
        f"{args.seeds} seed(s), CPU, `{os.path.basename(binary)}`.",
        "",
        header,
        "|---|" + "---|" * len(packs),
    ]
    worst = 0.0
    for s in sorted(submissions, key=lambda s: s["title"]):
        if s["language"] != "rhai":
            continue
        cells = []
        for pack in packs:
            report, err = cli(binary, db, env, "run", s["id"], "--task", pack, "--seeds", str(args.seeds),
                              "--device", "cpu", "--json")
            if err:
                cells.append(f"failed: {err}")
                continue
            t = report["timings"]
            share = t["method_seconds"] / t["total_seconds"] if t["total_seconds"] else 0.0
            worst = max(worst, share)
            cells.append(f"{100 * share:.1f}% ({t['method_seconds']:.2f} / {t['total_seconds']:.1f} s)")
            print(f"{s['title'][:40]:40} {pack:14} {cells[-1]}", file=sys.stderr)
        lines.append(f"| {s['title']} | " + " | ".join(cells) + " |")
    lines += ["", f"Largest share: {100 * worst:.1f}%."]
    with open(args.out, "w") as f:
        f.write("\n".join(lines) + "\n")
    print(f"wrote {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()

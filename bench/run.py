#!/usr/bin/env python3
"""Times AAR Review's burn engine against the PyTorch reference on the same packs, side by side.

For each task pack: `aar-review run --task T --seeds N --device D --json` (a fresh database, so
nothing is cached but what the engine itself persists) and `bench/reference.py` on the same pack,
then writes a Markdown table. Usage:

    python3 bench/run.py --binary target/release/aar-review --python /opt/torchenv/bin/python \
        --device cpu --seeds 5 --out bench/results-cpu.md [--tasks digits wine ...]
"""
import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_json(cmd, env=None):
    out = subprocess.run(cmd, check=True, capture_output=True, text=True, env=env)
    return json.loads(out.stdout)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--binary", default=str(ROOT / "target/release/aar-review"))
    p.add_argument("--python", default=sys.executable)
    p.add_argument("--device", default="cpu", help="aar-review's --device; the reference uses cuda for gpu")
    p.add_argument("--seeds", type=int, default=5)
    p.add_argument("--threads", type=int, default=0)
    p.add_argument("--tasks", nargs="*", default=None)
    p.add_argument("--out", type=Path, required=True)
    args = p.parse_args()

    tasks = args.tasks or sorted(d.name for d in (ROOT / "tasks").iterdir() if (d / "task.json").is_file())
    torch_device = "cuda" if args.device == "gpu" else "cpu"
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, AAR_REVIEW_DB=str(Path(tmp) / "bench.db"), AAR_REVIEW_USER="bench")
        for task in tasks:
            ours = run_json([args.binary, "run", "--task", task, "--seeds", str(args.seeds), "--device", args.device, "--json"], env)
            ref_cmd = [args.python, str(ROOT / "bench/reference.py"), "--pack", str(ROOT / "tasks" / task),
                       "--seeds", str(args.seeds), "--device", torch_device]
            if args.threads:
                ref_cmd += ["--threads", str(args.threads)]
            ref = run_json(ref_cmd)
            rows.append((task, ours, ref))

    lines = [
        f"Machine: {platform.machine()}, {os.cpu_count()} cores; engine device `{args.device}` "
        f"({rows[0][1]['device']['adapter']}); PyTorch {rows[0][2]['torch']} on `{torch_device}` "
        f"with {rows[0][2]['threads']} threads; {args.seeds} seeds per task.",
        "",
        "| task | steps | burn total s | torch total s | burn ms/step | torch ms/step | burn first step s | torch first step s | burn PGR | torch PGR |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for task, ours, ref in rows:
        o, r = ours["timings"], ref["timings"]
        fmt = lambda v: "undefined" if v is None else f"{v:.3f}"  # noqa: E731
        lines.append(
            f"| {task} | {o['steps']} | {o['total_seconds']:.2f} | {r['total_seconds']:.2f} | {o['mean_step_ms']:.3f} | "
            f"{r['mean_step_ms']:.3f} | {o['first_step_seconds']:.3f} | {r['first_step_seconds']:.3f} | "
            f"{fmt(ours['aggregate']['pgr'])} | {fmt(ref['aggregate']['pgr'])} |"
        )
    args.out.write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()

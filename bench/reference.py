#!/usr/bin/env python3
"""The W2S protocol in PyTorch, step for step what AAR Review's burn engine does, for timing.

Reads a task pack (task.json + safetensors) and, per seed, trains the weak teacher on split A
(gold), the strong ceiling on split B (gold), and the strong student on split B towards the
teacher's soft labels; evaluates all three on the test split. Same ReLU MLPs, Adam (betas 0.9/0.999,
eps 1e-8, L2 weight decay added to the gradient), constant learning rate, minibatches reshuffled
every epoch, soft-target cross-entropy, one host sync per epoch for the loss curve.

Prints one JSON object: accuracies and PGR per seed and aggregated, and timings (total, first
step including any warm-up, mean step). Usage:
    python3 bench/reference.py --pack tasks/digits --seeds 5 [--device cpu|cuda] [--threads N]
"""
import argparse
import json
import struct
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F


def load_pack(folder: Path):
    meta = json.loads((folder / "task.json").read_text())
    raw = (folder / meta["data_file"]).read_bytes()
    (header_len,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8 : 8 + header_len])
    body = raw[8 + header_len :]
    tensors = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        start, end = info["data_offsets"]
        dtype = {"F32": np.float32, "I32": np.int32}[info["dtype"]]
        tensors[name] = np.frombuffer(body[start:end], dtype=dtype).reshape(info["shape"])
    return meta, tensors


def mlp(input_dim, hidden, classes):
    layers, width = [], input_dim
    for h in hidden:
        layers += [torch.nn.Linear(width, h), torch.nn.ReLU()]
        width = h
    layers.append(torch.nn.Linear(width, classes))
    return torch.nn.Sequential(*layers)


class Clock:
    def __init__(self, device):
        self.device, self.first_step, self.steps = device, None, 0

    def sync(self):
        if self.device.type == "cuda":
            torch.cuda.synchronize()


def train(model, x, targets, spec, generator, clock):
    opt = torch.optim.Adam(
        model.parameters(), lr=spec["learning_rate"], betas=(0.9, 0.999), eps=1e-8, weight_decay=spec["weight_decay"]
    )
    n, batch = x.shape[0], max(1, min(spec["batch_size"], x.shape[0]))
    curve = []
    for _ in range(spec["epochs"]):
        order = torch.randperm(n, generator=generator).to(x.device)
        loss_sum = torch.zeros((), device=x.device)
        steps = 0
        for start in range(0, n, batch):
            first = clock.first_step is None
            began = time.perf_counter()
            idx = order[start : start + batch]
            loss = -(targets[idx] * F.log_softmax(model(x[idx]), dim=1)).sum(dim=1).mean()
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            loss_sum += loss.detach()
            if first:
                clock.sync()
                loss.item()
                clock.first_step = time.perf_counter() - began
            steps += 1
            clock.steps += 1
        curve.append(loss_sum.item() / steps)  # one host sync per epoch, as in the engine
    return curve


@torch.no_grad()
def accuracy(model, x, y):
    return (model(x).argmax(dim=1) == y).float().mean().item()


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--pack", type=Path, required=True)
    p.add_argument("--seeds", type=int, default=5)
    p.add_argument("--first-seed", type=int, default=42)
    p.add_argument("--device", default="cpu")
    p.add_argument("--threads", type=int, default=0, help="torch CPU threads (0: torch's default)")
    args = p.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    device = torch.device(args.device)
    meta, t = load_pack(args.pack)
    classes = meta["num_classes"]

    def split(name):
        return (
            torch.from_numpy(t[f"{name}.x_weak"].copy()).to(device),
            torch.from_numpy(t[f"{name}.x_strong"].copy()).to(device),
            torch.from_numpy(t[f"{name}.y"].astype(np.int64)).to(device),
        )

    began = time.perf_counter()
    a, b, test = split("a"), split("b"), split("test")
    eye = torch.eye(classes, device=device)
    clock = Clock(device)
    per_seed = []
    for seed in range(args.first_seed, args.first_seed + args.seeds):
        torch.manual_seed(seed)
        g = torch.Generator().manual_seed(seed)
        weak = mlp(meta["weak"]["input_dim"], meta["weak"]["hidden"], classes).to(device)
        train(weak, a[0], eye[a[2]], meta["weak"]["train"], g, clock)
        weak_acc = accuracy(weak, test[0], test[2])
        ceiling = mlp(meta["strong"]["input_dim"], meta["strong"]["hidden"], classes).to(device)
        train(ceiling, b[1], eye[b[2]], meta["strong"]["train"], g, clock)
        ceiling_acc = accuracy(ceiling, test[1], test[2])
        with torch.no_grad():
            soft = F.softmax(weak(b[0]), dim=1)
        student = mlp(meta["strong"]["input_dim"], meta["strong"]["hidden"], classes).to(device)
        train(student, b[1], soft, meta["strong"]["train"], g, clock)
        student_acc = accuracy(student, test[1], test[2])
        gap = ceiling_acc - weak_acc
        per_seed.append(
            {
                "seed": seed,
                "weak_acc": weak_acc,
                "ceiling_acc": ceiling_acc,
                "student_acc": student_acc,
                "pgr": (student_acc - weak_acc) / gap if gap > 0 else None,
            }
        )
    clock.sync()
    total = time.perf_counter() - began
    mean = lambda k: sum(s[k] for s in per_seed) / len(per_seed)  # noqa: E731
    w, c, s = mean("weak_acc"), mean("ceiling_acc"), mean("student_acc")
    print(
        json.dumps(
            {
                "task": meta["name"],
                "device": str(device),
                "torch": torch.__version__,
                "threads": torch.get_num_threads(),
                "per_seed": per_seed,
                "aggregate": {"weak_acc": w, "ceiling_acc": c, "student_acc": s, "pgr": (s - w) / (c - w) if c > w else None},
                "timings": {
                    "total_seconds": total,
                    "first_step_seconds": clock.first_step,
                    "steps": clock.steps,
                    "mean_step_ms": (total - clock.first_step) / max(1, clock.steps - 1) * 1e3,
                },
            }
        )
    )


if __name__ == "__main__":
    main()

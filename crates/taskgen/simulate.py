#!/usr/bin/env python3
"""Simulates the engine's vanilla W2S protocol on generated task packs (numpy only).

    python3 crates/taskgen/simulate.py tasks            # every pack under tasks/
    python3 crates/taskgen/simulate.py tasks/digits     # one pack
    python3 crates/taskgen/simulate.py tasks --seeds 42 43 44 45 46 --split test
    python3 crates/taskgen/simulate.py tasks --teacher shuffled   # teacher-noise ablation

Protocol (mirrors the Rust engine; per seed):
  weak teacher  = MLP(weak.hidden) on a.x_weak, gold labels of split a
  ceiling       = MLP(strong.hidden) on b.x_strong, gold labels of split b
  student       = fresh MLP(strong.hidden) on b.x_strong, the teacher's softmax probabilities on b
All evaluated (argmax accuracy) on the chosen split (default test).
PGR = (mean student - mean weak) / (mean ceiling - mean weak) over the seeds; SE(PGR) =
SE(student) / gap, SE = sample standard deviation / sqrt(number of seeds).

Training: ReLU MLP, PyTorch/burn default init (weights and biases U(-1/sqrt(fan_in), 1/sqrt(fan_in))),
cross-entropy against (soft) targets averaged over the batch, Adam (0.9, 0.999, eps 1e-8, bias
corrected, eps added after the square root), L2 weight decay added to the gradient of every parameter
(biases too), constant learning rate, minibatches of a fresh permutation every epoch, the last,
smaller batch kept. Only the seed stream differs from the engine (numpy's PCG64 vs. burn's RNG), so
the engine's numbers agree in distribution, not bit for bit.

The safetensors files are parsed by hand: 8-byte little-endian header length, JSON header, raw
little-endian data.
"""

import argparse
import json
import os
import struct
import sys
import time

import numpy as np

DTYPES = {"F32": np.float32, "I32": np.int32, "F64": np.float64, "I64": np.int64}


def read_safetensors(path):
    with open(path, "rb") as f:
        raw = f.read()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8 : 8 + n])
    base = 8 + n
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        start, end = info["data_offsets"]
        dtype = np.dtype(DTYPES[info["dtype"]]).newbyteorder("<")
        out[name] = np.frombuffer(raw[base + start : base + end], dtype=dtype).reshape(info["shape"])
    return out


def load_pack(folder):
    with open(os.path.join(folder, "task.json")) as f:
        task = json.load(f)
    data = read_safetensors(os.path.join(folder, task["data_file"]))
    for split in ("a", "b", "dev", "test", "private"):
        n = task["splits"][split]
        assert data[f"{split}.x_weak"].shape == (n, task["weak"]["input_dim"]), split
        assert data[f"{split}.x_strong"].shape == (n, task["strong"]["input_dim"]), split
        assert data[f"{split}.y"].shape == (n,), split
    return task, data


def init_mlp(rng, dims):
    params = []
    for fan_in, fan_out in zip(dims[:-1], dims[1:]):
        bound = 1.0 / np.sqrt(fan_in)
        w = rng.uniform(-bound, bound, size=(fan_in, fan_out)).astype(np.float32)
        b = rng.uniform(-bound, bound, size=(fan_out,)).astype(np.float32)
        params += [w, b]
    return params


def forward(params, x):
    """Returns logits and the activations needed for backprop."""
    acts = [x]
    h = x
    n_layers = len(params) // 2
    for i in range(n_layers):
        h = h @ params[2 * i] + params[2 * i + 1]
        if i < n_layers - 1:
            h = np.maximum(h, 0.0)
            acts.append(h)
    return h, acts


def softmax(logits):
    z = logits - logits.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def grads(params, x, targets):
    logits, acts = forward(params, x)
    d = (softmax(logits) - targets) / x.shape[0]  # d mean CE / d logits
    n_layers = len(params) // 2
    g = [None] * len(params)
    for i in reversed(range(n_layers)):
        g[2 * i] = acts[i].T @ d
        g[2 * i + 1] = d.sum(axis=0)
        if i > 0:
            d = (d @ params[2 * i].T) * (acts[i] > 0)
    return g


def train(rng, spec, x, targets, train_overrides=None):
    t = dict(spec["train"])
    if train_overrides:
        t.update(train_overrides)
    dims = [spec["input_dim"], *spec["hidden"], targets.shape[1]]
    params = init_mlp(rng, dims)
    m = [np.zeros_like(p) for p in params]
    v = [np.zeros_like(p) for p in params]
    lr, wd, bs = t["learning_rate"], t["weight_decay"], t["batch_size"]
    b1, b2, eps = 0.9, 0.999, 1e-8
    step = 0
    n = x.shape[0]
    for _ in range(t["epochs"]):
        perm = rng.permutation(n)
        for s in range(0, n, bs):
            idx = perm[s : s + bs]
            g = grads(params, x[idx], targets[idx])
            step += 1
            for k, p in enumerate(params):
                gk = g[k] + wd * p
                m[k] = b1 * m[k] + (1 - b1) * gk
                v[k] = b2 * v[k] + (1 - b2) * gk * gk
                mh = m[k] / (1 - b1**step)
                vh = v[k] / (1 - b2**step)
                p -= (lr * mh / (np.sqrt(vh) + eps)).astype(np.float32)
    return params, step


def accuracy(params, x, y):
    logits, _ = forward(params, x)
    return float((logits.argmax(axis=1) == y).mean())


def run_seed(task, data, seed, split, teacher="soft"):
    k = task["num_classes"]
    onehot = lambda y: np.eye(k, dtype=np.float32)[y]
    # One stream per model, derived from the seed (the engine does the same with its own RNG).
    weak, s1 = train(np.random.default_rng([seed, 0]), task["weak"], data["a.x_weak"], onehot(data["a.y"]))
    ceil, s2 = train(np.random.default_rng([seed, 1]), task["strong"], data["b.x_strong"], onehot(data["b.y"]))
    soft = softmax(forward(weak, data["b.x_weak"])[0]).astype(np.float32)
    teacher_on_b = float((soft.argmax(1) == data["b.y"]).mean())
    if teacher == "hard":  # ablation: the teacher's argmax as one-hot labels
        soft = onehot(soft.argmax(1))
    elif teacher == "shuffled":  # ablation: the teacher's labels dealt to the wrong examples
        soft = soft[np.random.default_rng([seed, 3]).permutation(len(soft))]
    student, s3 = train(np.random.default_rng([seed, 2]), task["strong"], data["b.x_strong"], soft)
    return {
        "weak": accuracy(weak, data[f"{split}.x_weak"], data[f"{split}.y"]),
        "ceiling": accuracy(ceil, data[f"{split}.x_strong"], data[f"{split}.y"]),
        "student": accuracy(student, data[f"{split}.x_strong"], data[f"{split}.y"]),
        "teacher_on_b": teacher_on_b,
        "steps": s1 + s2 + s3,
    }


def mean_se(xs):
    xs = np.asarray(xs, dtype=np.float64)
    se = xs.std(ddof=1) / np.sqrt(len(xs)) if len(xs) > 1 else float("nan")
    return xs.mean(), se


def simulate(folder, seeds, split, teacher="soft"):
    task, data = load_pack(folder)
    t0 = time.time()
    rows = [run_seed(task, data, s, split, teacher) for s in seeds]
    dt = time.time() - t0
    print(f"== {task['name']}  (split {split}, teacher labels {teacher}, "
          f"negative_control={task.get('negative_control', False)})")
    print(f"{'seed':>6} {'weak':>7} {'ceiling':>8} {'student':>8} {'PGR':>7} {'teach@b':>8}")
    for s, r in zip(seeds, rows):
        gap = r["ceiling"] - r["weak"]
        pgr = (r["student"] - r["weak"]) / gap if gap > 0 else float("nan")
        print(f"{s:>6} {r['weak']:7.4f} {r['ceiling']:8.4f} {r['student']:8.4f} {pgr:7.3f} {r['teacher_on_b']:8.4f}")
    w, w_se = mean_se([r["weak"] for r in rows])
    c, c_se = mean_se([r["ceiling"] for r in rows])
    st, st_se = mean_se([r["student"] for r in rows])
    gap = c - w
    pgr = (st - w) / gap if gap > 0 else float("nan")
    pgr_se = st_se / gap if gap > 0 else float("nan")
    print(
        f"  mean  weak {w:.4f}±{w_se:.4f}  ceiling {c:.4f}±{c_se:.4f}  student {st:.4f}±{st_se:.4f}"
        f"  gap {gap:.4f}  PGR {pgr:.3f}±{pgr_se:.3f}"
    )
    steps = sum(r["steps"] for r in rows)
    print(f"  {steps} optimizer steps over {len(seeds)} seeds ({dt:.1f}s here)")
    return {"name": task["name"], "weak": w, "weak_se": w_se, "ceiling": c, "ceiling_se": c_se, "student": st,
            "student_se": st_se, "gap": gap, "pgr": pgr, "pgr_se": pgr_se, "steps": steps}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("path", help="a pack folder, or a folder of packs")
    ap.add_argument("--seeds", type=int, nargs="+", default=[42, 43, 44, 45, 46])
    ap.add_argument("--split", default="test", choices=["dev", "test", "private"])
    ap.add_argument("--teacher", default="soft", choices=["soft", "hard", "shuffled"],
                    help="what the student trains on: the teacher's soft labels (the protocol), or an "
                         "ablation: its hard labels, or its labels shuffled across examples")
    args = ap.parse_args()
    if os.path.exists(os.path.join(args.path, "task.json")):
        folders = [args.path]
    else:
        folders = sorted(
            os.path.join(args.path, d) for d in os.listdir(args.path)
            if os.path.exists(os.path.join(args.path, d, "task.json"))
        )
    if not folders:
        sys.exit(f"no task packs under {args.path}")
    results = [simulate(f, args.seeds, args.split, args.teacher) for f in folders]
    print()
    print(f"| pack | weak | ceiling | student | gap | PGR ± SE | steps ({len(args.seeds)} seeds) |")
    print("|---|---|---|---|---|---|---|")
    for r in results:
        print(f"| {r['name']} | {r['weak']:.3f} ± {r['weak_se']:.3f} | {r['ceiling']:.3f} ± {r['ceiling_se']:.3f} "
              f"| {r['student']:.3f} ± {r['student_se']:.3f} | {r['gap']:.3f} | {r['pgr']:.2f} ± {r['pgr_se']:.2f} "
              f"| {r['steps']} |")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Exports an AAR Review task pack from two Hugging Face models' embeddings of the same texts.

Not run in CI. Needs: pip install torch transformers datasets safetensors numpy

    python3 tasks/export_from_hf.py \
        --weak Qwen/Qwen1.5-0.5B-Chat --strong Qwen/Qwen3-4B-Base \
        --dataset imdb --text-field text --label-field label \
        --limit 6000 --name imdb-qwen --out tasks/imdb-qwen

What it does:
  1. loads `--dataset` (`--config`, `--data-split`) with `datasets`, keeps the first `--limit`
     examples (after a fixed-seed shuffle) and maps the label column to 0..k-1;
  2. embeds every text with the weak and with the strong model: the mean of the last hidden states
     over the non-padding tokens (`output_hidden_states=True`, masked mean), in float32;
  3. splits the examples into a / b / dev / test / private with a fixed seed (`--split-seed`),
     by the fractions of `--fractions`;
  4. standardizes both views with the mean and standard deviation of split a only;
  5. writes `<out>/data.safetensors` with the tensor names the app reads (`{split}.x_weak` f32
     [n, d_weak], `{split}.x_strong` f32 [n, d_strong], `{split}.y` i32 [n]) and `<out>/task.json`
     (review-schemas/src/task.rs: `TaskPack`, schema_version 1) with `data_sha256` filled in.

The heads trained on the embeddings are the pack's `weak.hidden` / `strong.hidden` MLPs (default:
linear probes, `--weak-hidden` / `--strong-hidden` to change); check the result with
`python3 crates/taskgen/simulate.py <out>` before using it: the gap (ceiling - weak) should be
clearly positive, or PGR means nothing.
"""

import argparse
import hashlib
import json
import os

import numpy as np

SPLITS = ("a", "b", "dev", "test", "private")


def embed(model_name, texts, batch_size, max_length, device, dtype):
    import torch
    from transformers import AutoModel, AutoTokenizer

    tok = AutoTokenizer.from_pretrained(model_name)
    if tok.pad_token is None:
        tok.pad_token = tok.eos_token
    model = AutoModel.from_pretrained(model_name, torch_dtype=dtype).to(device).eval()
    out = []
    with torch.no_grad():
        for i in range(0, len(texts), batch_size):
            batch = tok(texts[i : i + batch_size], padding=True, truncation=True, max_length=max_length,
                        return_tensors="pt").to(device)
            hidden = model(**batch, output_hidden_states=True).hidden_states[-1]  # [b, t, d]
            mask = batch["attention_mask"].unsqueeze(-1).to(hidden.dtype)
            mean = (hidden * mask).sum(1) / mask.sum(1).clamp_min(1)
            out.append(mean.float().cpu().numpy())
            print(f"  {model_name}: {min(i + batch_size, len(texts))}/{len(texts)}", end="\r", flush=True)
    print()
    del model
    return np.concatenate(out).astype(np.float32)


def standardize_on_a(x, n_a):
    mean = x[:n_a].astype(np.float64).mean(0)
    sd = x[:n_a].astype(np.float64).std(0)
    sd[sd < 1e-9] = 1.0
    return ((x - mean) / sd).astype(np.float32)


def write_safetensors(path, tensors):
    """Same layout as the Rust `safetensors` crate writes: tensors sorted by name within dtype."""
    header, blobs, offset = {}, [], 0
    # Rust's serializer orders by descending dtype alignment, then by name; any order is valid.
    for name in sorted(tensors, key=lambda n: (tensors[n].dtype != np.float32, n)):
        arr = np.ascontiguousarray(tensors[name])
        dtype = {np.dtype(np.float32): "F32", np.dtype(np.int32): "I32"}[arr.dtype]
        data = arr.astype(arr.dtype.newbyteorder("<")).tobytes()
        header[name] = {"dtype": dtype, "shape": list(arr.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    head = json.dumps(header, separators=(",", ":")).encode()
    head += b" " * (-len(head) % 8)
    raw = len(head).to_bytes(8, "little") + head + b"".join(blobs)
    with open(path, "wb") as f:
        f.write(raw)
    return hashlib.sha256(raw).hexdigest()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--weak", required=True, help="weak model (HF id or path)")
    ap.add_argument("--strong", required=True, help="strong model (HF id or path)")
    ap.add_argument("--dataset", required=True, help="a `datasets` dataset id or path")
    ap.add_argument("--config", default=None, help="dataset configuration name")
    ap.add_argument("--data-split", default="train", help="which split of the dataset to read")
    ap.add_argument("--text-field", default="text")
    ap.add_argument("--label-field", default="label")
    ap.add_argument("--limit", type=int, default=6000, help="examples to keep (after shuffling)")
    ap.add_argument("--fractions", type=float, nargs=5, default=[0.15, 0.4, 0.1, 0.25, 0.1],
                    metavar=("A", "B", "DEV", "TEST", "PRIVATE"))
    ap.add_argument("--split-seed", type=int, default=0)
    ap.add_argument("--name", required=True, help="pack name (what `--task` takes)")
    ap.add_argument("--title", default=None)
    ap.add_argument("--description", default=None, help="Markdown; a default one is written")
    ap.add_argument("--out", required=True, help="output folder")
    ap.add_argument("--weak-hidden", type=int, nargs="*", default=[])
    ap.add_argument("--strong-hidden", type=int, nargs="*", default=[])
    ap.add_argument("--epochs", type=int, default=30)
    ap.add_argument("--batch-size", type=int, default=64)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--weight-decay", type=float, default=1e-4)
    ap.add_argument("--max-length", type=int, default=512)
    ap.add_argument("--embed-batch-size", type=int, default=16)
    ap.add_argument("--device", default="cuda")
    ap.add_argument("--dtype", default="bfloat16", choices=["float32", "float16", "bfloat16"])
    args = ap.parse_args()

    import torch
    from datasets import load_dataset

    ds = load_dataset(args.dataset, args.config, split=args.data_split)
    ds = ds.shuffle(seed=args.split_seed).select(range(min(args.limit, len(ds))))
    texts = [str(t) for t in ds[args.text_field]]
    raw_labels = list(ds[args.label_field])
    classes = sorted(set(raw_labels))
    feature = ds.features.get(args.label_field)
    class_names = [feature.int2str(c) for c in classes] if hasattr(feature, "int2str") else [str(c) for c in classes]
    y = np.array([classes.index(v) for v in raw_labels], dtype=np.int32)

    dtype = getattr(torch, args.dtype)
    x_weak = embed(args.weak, texts, args.embed_batch_size, args.max_length, args.device, dtype)
    x_strong = embed(args.strong, texts, args.embed_batch_size, args.max_length, args.device, dtype)

    n = len(y)
    order = np.random.default_rng(args.split_seed).permutation(n)
    fr = np.array(args.fractions) / sum(args.fractions)
    sizes = [int(round(f * n)) for f in fr[:-1]]
    sizes.append(n - sum(sizes))
    x_weak, x_strong, y = x_weak[order], x_strong[order], y[order]
    x_weak = standardize_on_a(x_weak, sizes[0])
    x_strong = standardize_on_a(x_strong, sizes[0])

    tensors, start = {}, 0
    for split, size in zip(SPLITS, sizes):
        sl = slice(start, start + size)
        tensors[f"{split}.x_weak"] = x_weak[sl]
        tensors[f"{split}.x_strong"] = x_strong[sl]
        tensors[f"{split}.y"] = y[sl]
        start += size

    os.makedirs(args.out, exist_ok=True)
    sha = write_safetensors(os.path.join(args.out, "data.safetensors"), tensors)
    train = {"epochs": args.epochs, "batch_size": args.batch_size, "learning_rate": args.lr,
             "weight_decay": args.weight_decay}
    description = args.description or (
        f"Frozen embeddings of `{args.dataset}` ({args.data_split}, {n} examples, {len(classes)} classes): "
        f"the **weak** view is the mean-pooled last hidden state of `{args.weak}`, the **strong** view "
        f"that of `{args.strong}`, on the same texts. Heads are small probes on the embeddings, so the "
        f"W2S gap reflects what each model's representation already encodes. Both views are standardized "
        f"with split-a statistics."
    )
    task = {
        "schema_version": 1,
        "name": args.name,
        "title": args.title or f"{args.dataset}: {args.weak} teaches {args.strong} (embeddings)",
        "description": description,
        "num_classes": len(classes),
        "class_names": class_names,
        "negative_control": False,
        "weak": {"input_dim": int(x_weak.shape[1]), "hidden": args.weak_hidden, "train": train},
        "strong": {"input_dim": int(x_strong.shape[1]), "hidden": args.strong_hidden, "train": train},
        "splits": dict(zip(SPLITS, sizes)),
        "data_file": "data.safetensors",
        "data_sha256": sha,
    }
    with open(os.path.join(args.out, "task.json"), "w") as f:
        f.write(json.dumps(task, indent=2) + "\n")
    print(f"wrote {args.out}: splits {dict(zip(SPLITS, sizes))}, d_weak {x_weak.shape[1]}, "
          f"d_strong {x_strong.shape[1]}")


if __name__ == "__main__":
    main()

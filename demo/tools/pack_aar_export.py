#!/usr/bin/env python3
"""Builds the AAR code-storage part of the demo export from readable sources (python3 stdlib only).

    python3 demo/tools/pack_aar_export.py           # (re)write the storage files
    python3 demo/tools/pack_aar_export.py --check   # verify they are up to date; write nothing

Input:
    demo/aar-sources/commits.json          commit_id -> {idea_uid, run_id, metadata}
    demo/aar-sources/<commit_id>/...       the agent's workspace at that commit, as plain files
Output (the layout of the AAR system's object storage):
    demo/aar-export/ideas/<idea_uid>/<run_id>/commits/<commit_id>/metadata.json
    demo/aar-export/ideas/<idea_uid>/<run_id>/commits/<commit_id>/workspace.tar.gz

The archives are byte-for-byte reproducible: entries sorted by path, regular files only, mode
0644, mtime 0, uid/gid 0 with empty owner names, GNU tar format, gzip level 9 with mtime 0 and no
file name in the gzip header. It also checks demo/aar-export/findings.json: every finding whose
commit is in storage must list exactly that archive's files in `files_snapshot` and name the same
idea_uid/run_id; findings whose commit is not in storage are reported (the importer skips them).
"""
import gzip
import io
import json
import os
import sys
import tarfile

DEMO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SOURCES = os.path.join(DEMO, "aar-sources")
EXPORT = os.path.join(DEMO, "aar-export")


def workspace_files(commit):
    root = os.path.join(SOURCES, commit)
    out = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for name in filenames:
            out.append(os.path.relpath(os.path.join(dirpath, name), root).replace(os.sep, "/"))
    return root, sorted(out)


def build_archive(commit):
    root, files = workspace_files(commit)
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.GNU_FORMAT) as tar:
        for rel in files:
            with open(os.path.join(root, rel), "rb") as f:
                data = f.read()
            info = tarfile.TarInfo(rel)
            info.size = len(data)
            info.mtime = 0
            info.mode = 0o644
            info.uid = info.gid = 0
            info.uname = info.gname = ""
            info.type = tarfile.REGTYPE
            tar.addfile(info, io.BytesIO(data))
    packed = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=packed, compresslevel=9, mtime=0) as gz:
        gz.write(raw.getvalue())
    return files, packed.getvalue()


def main():
    check_only = "--check" in sys.argv[1:]
    with open(os.path.join(SOURCES, "commits.json")) as f:
        commits = json.load(f)
    problems = []
    listing = {}
    for commit in sorted(commits):
        entry = commits[commit]
        files, archive = build_archive(commit)
        listing[commit] = (entry["idea_uid"], entry["run_id"], files)
        meta = (json.dumps(entry["metadata"], indent=2) + "\n").encode()
        dest = os.path.join(EXPORT, "ideas", entry["idea_uid"], entry["run_id"], "commits", commit)
        outputs = {os.path.join(dest, "workspace.tar.gz"): archive, os.path.join(dest, "metadata.json"): meta}
        for path, data in outputs.items():
            rel = os.path.relpath(path, DEMO)
            if check_only:
                current = open(path, "rb").read() if os.path.exists(path) else None
                if current != data:
                    problems.append(f"{rel} is out of date")
            else:
                os.makedirs(dest, exist_ok=True)
                with open(path, "wb") as f:
                    f.write(data)
                print(f"wrote {rel} ({len(data)} bytes)")

    with open(os.path.join(EXPORT, "findings.json")) as f:
        findings = json.load(f)["findings"]
    for fd in findings:
        commit = fd.get("commit_id")
        if not commit:
            continue
        if commit not in listing:
            print(f"note: finding {fd['post_id']} names commit {commit}, which is not in storage")
            continue
        uid, run, files = listing[commit]
        if (fd.get("idea_uid"), fd.get("run_id")) != (uid, run):
            problems.append(f"finding {fd['post_id']}: idea_uid/run_id differ from storage of {commit}")
        if fd.get("files_snapshot") != files:
            problems.append(f"finding {fd['post_id']}: files_snapshot differs from {commit}'s archive {files}")
        if fd.get("file_count") not in (None, len(files)):
            problems.append(f"finding {fd['post_id']}: file_count {fd['file_count']} != {len(files)}")
    for p in problems:
        print("PROBLEM", p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

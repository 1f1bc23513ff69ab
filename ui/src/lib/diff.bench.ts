// How long the Diff tab's pure work takes on a 10,000-line diff (BENCHMARKS.md, "Diff"):
// `npx vitest bench --run src/lib/diff.bench.ts`. Laying out is what a load or an `m` costs;
// one block is what scrolling a new block into view costs; every block is what drawing the
// whole diff at once would cost in highlighting alone.

import { bench, describe } from "vitest";
import type { DiffLine, Hunk, SubmissionDiff } from "./bindings";
import { blockHtml, layoutDiff, type DiffItem } from "./diff";

const LINES = 10_000;
const HUNK_LINES = 20;

function code(i: number): string {
  return `    let value_${i} = compute(ctx.student, ${i}, "label ${i}") * weight_${i % 7};`;
}

/** One file of 500 hunks of 20 lines: 12 of context, 4 deleted and 4 inserted (2 of each paired with word marks). */
function bigDiff(): SubmissionDiff {
  const hunks: Hunk[] = [];
  let n = 1;
  for (let start = 0; start < LINES; start += HUNK_LINES) {
    const lines: DiffLine[] = [];
    const line = (kind: DiffLine["kind"], text: string, paired = false, mark = ""): DiffLine => ({
      kind,
      oldNo: kind === "insert" ? null : n,
      newNo: kind === "delete" ? null : n,
      segments: mark ? [{ text, emphasized: false }, { text: mark, emphasized: true }] : [{ text, emphasized: false }],
      pairedWith: paired ? n : null,
      moved: null,
    });
    for (let k = 0; k < 6; k += 1, n += 1) lines.push(line("context", code(n)));
    for (let k = 0; k < 4; k += 1) lines.push(line("delete", code(n + k), k < 2, k < 2 ? " + old" : ""));
    for (let k = 0; k < 4; k += 1) lines.push(line("insert", code(n + k), k < 2, k < 2 ? " + new" : ""));
    n += 4;
    for (let k = 0; k < 6; k += 1, n += 1) lines.push(line("context", code(n)));
    hunks.push({ oldStart: n - 16, oldLines: 16, newStart: n - 16, newLines: 16, lines });
  }
  const ref = { id: "a", shortId: "a", title: "a", author: "x" };
  return {
    old: ref,
    new: ref,
    ignoreWhitespace: false,
    files: [
      { path: "method.rhai", oldPath: null, role: "method", oldDigest: "a", newDigest: "b", language: "rhai", status: "modified", linesAdded: 2000, linesRemoved: 2000, hunks },
    ],
  };
}

/** An added 10,000-line file: one hunk, so the list's blocks are what keeps it cheap. */
function addedFile(): SubmissionDiff {
  const lines: DiffLine[] = Array.from({ length: LINES }, (_, i) => ({
    kind: "insert",
    oldNo: null,
    newNo: i + 1,
    segments: [{ text: code(i), emphasized: false }],
    pairedWith: null,
    moved: null,
  }));
  const d = bigDiff();
  const f = d.files[0]!;
  return { ...d, files: [{ ...f, status: "added", oldDigest: null, linesAdded: LINES, linesRemoved: 0, hunks: [{ oldStart: 0, oldLines: 0, newStart: 1, newLines: LINES, lines }] }] };
}

const diff = bigDiff();
const file = diff.files[0]!;
const blocks = (mode: "unified" | "split") =>
  layoutDiff(diff, mode).items.filter((i): i is DiffItem & { type: "rows" } => i.type === "rows");
const unifiedBlocks = blocks("unified");

describe(`a ${LINES.toLocaleString("en")}-line diff (${file.hunks.length} hunks)`, () => {
  bench("layout, unified", () => {
    layoutDiff(diff, "unified");
  });
  bench("layout, side by side", () => {
    layoutDiff(diff, "split");
  });
  bench("highlight one block (as it scrolls into view)", () => {
    const b = unifiedBlocks[250]!;
    blockHtml(file.hunks[b.hunk]!, "rhai", b.rows);
  });
  bench("highlight every block (drawing everything at once)", () => {
    for (const b of unifiedBlocks) blockHtml(file.hunks[b.hunk]!, "rhai", b.rows);
  });
});

const added = addedFile();
const addedBlocks = layoutDiff(added, "unified").items.filter((i): i is DiffItem & { type: "rows" } => i.type === "rows");

describe(`an added ${LINES.toLocaleString("en")}-line file (one hunk)`, () => {
  bench("layout, unified", () => {
    layoutDiff(added, "unified");
  });
  bench("layout, side by side", () => {
    layoutDiff(added, "split");
  });
  bench(`highlight one block of ${addedBlocks[0]!.rows.length} rows`, () => {
    const b = addedBlocks[50]!;
    blockHtml(added.files[0]!.hunks[0]!, "rhai", b.rows);
  });
});

import { describe, expect, it } from "vitest";
import type { DiffLine, FileDiff, Hunk, SubmissionDiff } from "./bindings";
import {
  blockHtml,
  changeBar,
  diffTotals,
  displayPath,
  displaySegments,
  emphasisRanges,
  hunkAnchors,
  hunkCommentLine,
  hunkHeader,
  layerMarks,
  layoutDiff,
  lineItemKey,
  lineSign,
  lineText,
  moveLabel,
  moveTarget,
  reviewableFiles,
  splitRows,
  statusLabel,
  stepIndex,
  threadKey,
  viewedKey,
} from "./diff";

const hunk = { oldStart: 3, oldLines: 4, newStart: 3, newLines: 5, lines: [] };

function file(overrides: Partial<FileDiff> = {}): FileDiff {
  return {
    path: "method.rhai",
    oldPath: null,
    role: "method",
    oldDigest: "aa",
    newDigest: "bb",
    language: "rhai",
    status: "modified",
    linesAdded: 2,
    linesRemoved: 1,
    hunks: [hunk, hunk],
    ...overrides,
  };
}

function dl(kind: DiffLine["kind"], oldNo: number | null, newNo: number | null, segments: DiffLine["segments"], extra: Partial<DiffLine> = {}): DiffLine {
  return { kind, oldNo, newNo, segments, pairedWith: null, moved: null, ...extra };
}

const plain = (text: string) => [{ text, emphasized: false }];

function diffOf(files: FileDiff[]): SubmissionDiff {
  const ref = { id: "a", shortId: "a", title: "a", author: "x" };
  return { old: ref, new: ref, ignoreWhitespace: false, files };
}

describe("diff rendering helpers", () => {
  it("writes unified hunk headers", () => {
    expect(hunkHeader(hunk)).toBe("@@ -3,4 +3,5 @@");
  });
  it("labels statuses and signs lines", () => {
    expect(statusLabel("tooLarge")).toBe("too large");
    expect(lineSign("insert")).toBe("+");
    expect(lineSign("delete")).toBe("−");
    expect(lineSign("context")).toBe(" ");
  });
  it("joins a line's segments back into its text", () => {
    expect(lineText(dl("insert", null, 4, [{ text: "let c = ", emphasized: false }, { text: "0.75", emphasized: true }]))).toBe("let c = 0.75");
  });
  it("shows renames as old → new", () => {
    expect(displayPath(file({ oldPath: "v1.rhai", path: "method.rhai", status: "renamed" }))).toBe("v1.rhai → method.rhai");
    expect(displayPath(file())).toBe("method.rhai");
  });
  it("anchors n/p on every hunk of changed files only, in reading order", () => {
    const d = diffOf([file(), file({ path: "notes.md", status: "unchanged", hunks: [hunk] }), file({ path: "log.txt", hunks: [hunk] })]);
    expect(hunkAnchors(d)).toEqual([{ file: 0, hunk: 0 }, { file: 0, hunk: 1 }, { file: 2, hunk: 0 }]);
  });
  it("totals lines and files", () => {
    const d = diffOf([file(), file({ status: "unchanged", linesAdded: 0, linesRemoved: 0, hunks: [] })]);
    expect(diffTotals(d)).toEqual({ changedFiles: 1, unchangedFiles: 1, added: 2, removed: 1, hunks: 2 });
  });
  it("steps an index without running off either end, entering from the right side", () => {
    expect(stepIndex(-1, 3, 1)).toBe(0);
    expect(stepIndex(-1, 3, -1)).toBe(2);
    expect(stepIndex(2, 3, 1)).toBe(2);
    expect(stepIndex(0, 3, -1)).toBe(0);
    expect(stepIndex(0, 0, 1)).toBe(-1);
  });
  it("draws a change bar that never hides a small side", () => {
    expect(changeBar(0, 0)).toEqual({ added: 0, removed: 0, neutral: 5 });
    expect(changeBar(100, 1)).toEqual({ added: 4, removed: 1, neutral: 0 });
    expect(changeBar(2, 1)).toEqual({ added: 2, removed: 1, neutral: 2 });
  });
});

describe("displaySegments", () => {
  const seg = (text: string, emphasized: boolean) => ({ text, emphasized });
  it("bridges whitespace between emphasised words so a changed phrase is one mark", () => {
    expect(displaySegments([seg("a ", false), seg("plain", true), seg(" ", false), seg("argmax", true), seg(" end", false)])).toEqual([
      seg("a ", false),
      seg("plain argmax", true),
      seg(" end", false),
    ]);
  });
  it("leaves whitespace at the edges of a change alone", () => {
    expect(displaySegments([seg(" ", false), seg("x", true), seg(" ", false)])).toEqual([seg(" ", false), seg("x", true), seg(" ", false)]);
  });
});

describe("word marks on highlighted lines", () => {
  const seg = (text: string, emphasized: boolean) => ({ text, emphasized });
  it("finds the emphasised ranges, bridging the space between two marked words", () => {
    expect(emphasisRanges([seg("let c = ", false), seg("0.75", true), seg(" ", false), seg("x", true), seg(";", false)])).toEqual([[8, 14]]);
  });
  it("closes a mark before each tag and reopens it after, so the HTML stays well-formed", () => {
    const html = '<span class="k">let</span> c = <span class="n">0.75</span>;';
    expect(layerMarks(html, [[2, 9]])).toBe('<span class="k">le<mark>t</mark></span><mark> c = </mark><span class="n"><mark>0</mark>.75</span>;');
  });
  it("counts an entity as the one character it shows", () => {
    expect(layerMarks("a &lt; b", [[2, 3]])).toBe("a <mark>&lt;</mark> b");
    expect(layerMarks("a &lt; b", [])).toBe("a &lt; b");
  });
  it("highlights a block's lines per side, marks on top", () => {
    const h: Hunk = {
      oldStart: 1,
      oldLines: 2,
      newStart: 1,
      newLines: 2,
      lines: [
        dl("context", 1, 1, plain("fn f() {")),
        dl("delete", 2, null, [seg("  let c = ", false), seg("0.5", true), seg(";", false)], { pairedWith: 2 }),
        dl("insert", null, 2, [seg("  let c = ", false), seg("0.75", true), seg(";", false)], { pairedWith: 2 }),
      ],
    };
    const html = blockHtml(h, "rhai", splitRows(h));
    expect(html.get(0)).toContain('<span class="hljs-keyword">fn</span>');
    expect(html.get(1)).toContain('<span class="hljs-number"><mark>0.5</mark></span>');
    expect(html.get(2)).toContain('<span class="hljs-number"><mark>0.75</mark></span>');
  });
});

describe("side-by-side rows", () => {
  it("faces a paired line with its partner and zips the unpaired ones in order", () => {
    const h: Hunk = {
      oldStart: 1,
      oldLines: 4,
      newStart: 1,
      newLines: 4,
      lines: [
        dl("context", 1, 1, plain("a")),
        dl("delete", 2, null, plain("rewritten")),
        dl("delete", 3, null, plain("let x = 1;"), { pairedWith: 3 }),
        dl("insert", null, 2, plain("a new comment")),
        dl("insert", null, 3, plain("let x = 2;"), { pairedWith: 3 }),
        dl("insert", null, 4, plain("extra")),
        dl("context", 4, 5, plain("z")),
      ],
    };
    expect(splitRows(h)).toEqual([
      { kind: "pair", old: 0, new: 0 },
      { kind: "pair", old: 1, new: 3 },
      { kind: "pair", old: 2, new: 4 },
      { kind: "pair", old: null, new: 5 },
      { kind: "pair", old: 6, new: 6 },
    ]);
  });
  it("keeps a pair together when an unpaired deletion comes first", () => {
    const h: Hunk = {
      oldStart: 1,
      oldLines: 2,
      newStart: 1,
      newLines: 1,
      lines: [dl("delete", 1, null, plain("gone")), dl("delete", 2, null, plain("x = 1"), { pairedWith: 1 }), dl("insert", null, 1, plain("x = 2"), { pairedWith: 2 })],
    };
    expect(splitRows(h)).toEqual([
      { kind: "pair", old: 0, new: null },
      { kind: "pair", old: 1, new: 2 },
    ]);
  });
});

describe("layoutDiff", () => {
  const big: Hunk = {
    oldStart: 1,
    oldLines: 5,
    newStart: 1,
    newLines: 5,
    lines: [1, 2, 3, 4, 5].map((n) => dl("context", n, n, plain(`line ${n}`))),
  };
  it("splits hunks into blocks, skips collapsed files and anchors hunks and lines", () => {
    const d = diffOf([file({ hunks: [big] }), file({ path: "notes.md", hunks: [big] }), file({ path: "same.md", status: "unchanged", hunks: [] })]);
    const layout = layoutDiff(d, "unified", (f) => f === 1, new Set(), 2);
    expect(layout.items.map((i) => i.key)).toEqual(["f0", "f0h0c0", "f0h0c2", "f0h0c4", "f1", "f2"]);
    expect(layout.hunkItems).toEqual([1]);
    expect(layout.fileItems).toEqual([0, 4, 5]);
    expect(layout.lineItems.get(lineItemKey(0, "new", 4))).toBe(2);
    const blocks = layout.items.filter((i) => i.type === "rows");
    expect(blocks.map((b) => [b.first, b.last])).toEqual([
      [true, false],
      [false, false],
      [false, true],
    ]);
    expect(hunkAnchors(d, (f) => f === 1)).toEqual([{ file: 0, hunk: 0 }]);
  });
  it("hangs comment threads under the lines of the newer file that have them", () => {
    const d = diffOf([file({ hunks: [big] })]);
    const layout = layoutDiff(d, "split", () => false, new Set([threadKey("method.rhai", 2)]));
    const rows = layout.items.flatMap((i) => (i.type === "rows" ? i.rows : []));
    expect(rows[2]).toEqual({ kind: "thread", path: "method.rhai", line: 2 });
    expect(rows).toHaveLength(6);
  });
});

describe("moves and viewed marks", () => {
  it("labels the first line of a moved block and finds its counterpart, also in another file", () => {
    const out = dl("delete", 3, null, plain("fn helper() {"), { moved: { line: 9, path: null, blockStart: true, blockLines: 4 } });
    const inner = dl("delete", 4, null, plain("  x"), { moved: { line: 10, path: null, blockStart: false, blockLines: 4 } });
    const across = dl("insert", null, 1, plain("fn helper() {"), { moved: { line: 3, path: "method.rhai", blockStart: true, blockLines: 4 } });
    expect(moveLabel(out)).toBe("moved to line 9");
    expect(moveLabel(inner)).toBeNull();
    expect(moveLabel(across)).toBe("moved from method.rhai line 3");
    const d = diffOf([file(), file({ path: "helpers.rhai", oldPath: null, status: "added" })]);
    expect(moveTarget(d, 0, out)).toEqual({ file: 0, side: "new", line: 9 });
    expect(moveTarget(d, 1, across)).toEqual({ file: 0, side: "old", line: 3 });
  });
  it("keys a viewed mark by path and both digests, and counts only changed files", () => {
    expect(viewedKey(file())).not.toBe(viewedKey(file({ newDigest: "cc" })));
    expect(viewedKey(file())).toBe(viewedKey(file({ linesAdded: 9 })));
    expect(reviewableFiles(diffOf([file(), file({ status: "unchanged" }), file({ status: "added" })]))).toEqual([0, 2]);
  });
});

describe("what c comments on in the diff", () => {
  const lines = (...l: DiffLine[]): Hunk => ({ ...hunk, lines: l });
  it("is the current hunk's first inserted line on the newer side", () => {
    const h = lines(dl("context", 3, 3, plain("a")), dl("delete", 4, null, plain("b")), dl("insert", null, 4, plain("B")), dl("insert", null, 5, plain("C")));
    expect(hunkCommentLine(diffOf([file({ hunks: [h] })]), { file: 0, hunk: 0 })).toEqual({ path: "method.rhai", line: 4 });
  });
  it("is the line after a pure deletion, where the text went", () => {
    const h = lines(dl("context", 3, 3, plain("a")), dl("delete", 4, null, plain("b")), dl("context", 5, 4, plain("c")));
    expect(hunkCommentLine(diffOf([file({ hunks: [h] })]), { file: 0, hunk: 0 })).toEqual({ path: "method.rhai", line: 4 });
  });
  it("is nothing in a deleted file or past the hunks", () => {
    const h = lines(dl("delete", 1, null, plain("gone")));
    expect(hunkCommentLine(diffOf([file({ status: "deleted", hunks: [h] })]), { file: 0, hunk: 0 })).toBeNull();
    expect(hunkCommentLine(diffOf([file({ hunks: [h] })]), { file: 0, hunk: 3 })).toBeNull();
  });
});

import { describe, expect, it } from "vitest";
import type { FileDiff, SubmissionDiff } from "./bindings";
import { changeBar, diffTotals, displayPath, displaySegments, hunkAnchors, hunkHeader, lineSign, lineText, statusLabel, stepIndex } from "./diff";

const hunk = { oldStart: 3, oldLines: 4, newStart: 3, newLines: 5, lines: [] };

function file(overrides: Partial<FileDiff> = {}): FileDiff {
  return { path: "method.rhai", oldPath: null, role: "method", status: "modified", linesAdded: 2, linesRemoved: 1, hunks: [hunk, hunk], ...overrides };
}

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
    expect(lineText({ kind: "insert", oldNo: null, newNo: 4, segments: [{ text: "let c = ", emphasized: false }, { text: "0.75", emphasized: true }] })).toBe("let c = 0.75");
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

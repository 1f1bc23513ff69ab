// Helpers for rendering a SubmissionDiff. Pure functions.

import type { DiffLine, FileDiff, FileStatus, Hunk, LineKind, Segment, SubmissionDiff } from "./bindings";

export function hunkHeader(h: Hunk): string {
  return `@@ -${h.oldStart},${h.oldLines} +${h.newStart},${h.newLines} @@`;
}

const STATUS_LABELS: Record<FileStatus, string> = {
  added: "added",
  deleted: "deleted",
  modified: "modified",
  renamed: "renamed",
  unchanged: "unchanged",
  tooLarge: "too large",
};

export function statusLabel(status: FileStatus): string {
  return STATUS_LABELS[status];
}

export function lineSign(kind: LineKind): string {
  switch (kind) {
    case "insert":
      return "+";
    case "delete":
      return "−";
    case "context":
      return " ";
  }
}

export function lineText(line: DiffLine): string {
  return line.segments.map((s) => s.text).join("");
}

/** A file shows its hunks unless nothing changed or it was too large to diff. */
export function hasHunks(file: FileDiff): boolean {
  return file.hunks.length > 0 && file.status !== "unchanged" && file.status !== "tooLarge";
}

export interface DiffTotals {
  changedFiles: number;
  unchangedFiles: number;
  added: number;
  removed: number;
  hunks: number;
}

export function diffTotals(diff: SubmissionDiff): DiffTotals {
  const totals: DiffTotals = { changedFiles: 0, unchangedFiles: 0, added: 0, removed: 0, hunks: 0 };
  for (const f of diff.files) {
    if (f.status === "unchanged") totals.unchangedFiles += 1;
    else totals.changedFiles += 1;
    totals.added += f.linesAdded;
    totals.removed += f.linesRemoved;
    totals.hunks += hasHunks(f) ? f.hunks.length : 0;
  }
  return totals;
}

/** Where every hunk of the diff sits, in reading order: the targets of n / p. */
export interface HunkAnchor {
  file: number;
  hunk: number;
}

export function hunkAnchors(diff: SubmissionDiff): HunkAnchor[] {
  const anchors: HunkAnchor[] = [];
  diff.files.forEach((f, file) => {
    if (hasHunks(f)) f.hunks.forEach((_, hunk) => anchors.push({ file, hunk }));
  });
  return anchors;
}

/** Moves an index by `delta` within [0, count), staying at the ends; -1 (nothing yet) enters at the start or the end. */
export function stepIndex(current: number, count: number, delta: number): number {
  if (count <= 0) return -1;
  if (current < 0) return delta >= 0 ? 0 : count - 1;
  return Math.min(count - 1, Math.max(0, current + delta));
}

/** "old → new" for a renamed file, the path otherwise. */
export function displayPath(file: FileDiff): string {
  return file.oldPath && file.oldPath !== file.path ? `${file.oldPath} → ${file.path}` : file.path;
}

/**
 * Proportions for a five-box change bar (as GitHub draws one): how many boxes are added,
 * removed and neutral.
 */
export function changeBar(added: number, removed: number, boxes = 5): { added: number; removed: number; neutral: number } {
  const total = added + removed;
  if (total === 0) return { added: 0, removed: 0, neutral: boxes };
  const filled = Math.min(boxes, total);
  let plus = Math.round((added / total) * filled);
  if (added > 0 && plus === 0) plus = 1;
  if (removed > 0 && plus === filled) plus = filled - 1;
  return { added: plus, removed: filled - plus, neutral: boxes - filled };
}

/**
 * Segments as drawn: whitespace between two emphasised words is emphasised too, and neighbours
 * with the same emphasis are joined, so a changed phrase reads as one mark instead of a dotted
 * row of words.
 */
export function displaySegments(segments: readonly Segment[]): Segment[] {
  const bridged = segments.map((s, i) => {
    const between = !s.emphasized && /^\s+$/.test(s.text) && segments[i - 1]?.emphasized && segments[i + 1]?.emphasized;
    return between ? { text: s.text, emphasized: true } : s;
  });
  const out: Segment[] = [];
  for (const s of bridged) {
    const last = out[out.length - 1];
    if (last && last.emphasized === s.emphasized) last.text += s.text;
    else out.push({ text: s.text, emphasized: s.emphasized });
  }
  return out;
}

// Helpers for rendering a SubmissionDiff. Pure functions.

import type { DiffLine, FileDiff, FileStatus, Hunk, LineKind, Segment, SubmissionDiff } from "./bindings";
import { highlightLines } from "./highlight";
import type { DiffMode } from "./prefs";

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

/** Every hunk in reading order; `collapsed` files (marked viewed) are skipped, as they are not drawn. */
export function hunkAnchors(diff: SubmissionDiff, collapsed: (file: number) => boolean = () => false): HunkAnchor[] {
  const anchors: HunkAnchor[] = [];
  diff.files.forEach((f, file) => {
    if (hasHunks(f) && !collapsed(file)) f.hunks.forEach((_, hunk) => anchors.push({ file, hunk }));
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

/** Where each emphasised piece of a line lies, as [start, end) offsets into its text. */
export function emphasisRanges(segments: readonly Segment[]): [number, number][] {
  const ranges: [number, number][] = [];
  let at = 0;
  for (const s of displaySegments(segments)) {
    if (s.emphasized) ranges.push([at, at + s.text.length]);
    at += s.text.length;
  }
  return ranges;
}

/**
 * Wraps the text at `ranges` (offsets into the text the HTML shows) of one line of highlighted
 * HTML in `<mark>`, so word marks sit on top of syntax colours. A mark is closed before every tag
 * and reopened after it, so the result stays well-formed whatever the highlighter's spans are;
 * an entity (`&lt;`) counts as the one character it shows.
 */
export function layerMarks(html: string, ranges: readonly (readonly [number, number])[]): string {
  if (ranges.length === 0) return html;
  let out = "";
  let at = 0;
  let range = 0;
  let open = false;
  let i = 0;
  while (i < html.length) {
    if (html[i] === "<") {
      const end = html.indexOf(">", i) + 1;
      if (open) out += "</mark>";
      open = false;
      out += html.slice(i, end);
      i = end;
      continue;
    }
    const length = html[i] === "&" ? html.indexOf(";", i) + 1 - i : 1;
    while (range < ranges.length && at >= ranges[range]![1]) range += 1;
    const inside = range < ranges.length && at >= ranges[range]![0];
    if (inside && !open) out += "<mark>";
    if (!inside && open) out += "</mark>";
    open = inside;
    out += html.slice(i, i + length);
    i += length;
    at += 1;
  }
  return open ? out + "</mark>" : out;
}

export type { DiffMode };

/** One drawn row; line numbers index the hunk's `lines`. */
export type DiffRow =
  | { kind: "line"; line: number }
  | { kind: "pair"; old: number | null; new: number | null }
  /** The comment threads under a line of the newer file (the hook for inline comments). */
  | { kind: "thread"; path: string; line: number };

/** What the virtual list draws: a file's header, or up to `CHUNK_ROWS` rows of one hunk. */
export type DiffItem =
  | { type: "file"; key: string; file: number }
  | { type: "rows"; key: string; file: number; hunk: number; first: boolean; last: boolean; rows: DiffRow[] };

/**
 * Rows per drawn block: a hunk of 10,000 lines becomes 100 blocks, of which the list mounts the
 * few on screen, and each block is highlighted on its own when it first shows.
 */
export const CHUNK_ROWS = 100;

/** The key under which comment threads hang: a file and a line of its newer side. */
export function threadKey(path: string, line: number): string {
  return `${path}\u0000${line}`;
}

/**
 * The rows of a hunk side by side: context on both sides; in each run of changes, a line paired
 * with a similar one (`pairedWith`) faces it, and the other deleted and inserted lines face each
 * other in order, as GitHub's split view does.
 */
export function splitRows(hunk: Hunk): DiffRow[] {
  const rows: DiffRow[] = [];
  const lines = hunk.lines;
  let i = 0;
  while (i < lines.length) {
    if (lines[i]!.kind === "context") {
      rows.push({ kind: "pair", old: i, new: i });
      i += 1;
      continue;
    }
    const deleted: number[] = [];
    const inserted: number[] = [];
    for (; i < lines.length && lines[i]!.kind !== "context"; i += 1) (lines[i]!.kind === "delete" ? deleted : inserted).push(i);
    let d = 0;
    let n = 0;
    while (d < deleted.length || n < inserted.length) {
      const old = d < deleted.length ? lines[deleted[d]!]! : null;
      const neu = n < inserted.length ? lines[inserted[n]!]! : null;
      const facing = old !== null && neu !== null && old.pairedWith !== null && old.pairedWith === neu.newNo;
      const bothFree = old !== null && neu !== null && old.pairedWith === null && neu.pairedWith === null;
      if (facing || bothFree) {
        rows.push({ kind: "pair", old: deleted[d++]!, new: inserted[n++]! });
      } else if (old !== null && (old.pairedWith === null || neu === null || neu.pairedWith !== null)) {
        // An unpaired deletion waits alone for its row; so does any line left over at the end.
        rows.push({ kind: "pair", old: deleted[d++]!, new: null });
      } else {
        rows.push({ kind: "pair", old: null, new: inserted[n++]! });
      }
    }
  }
  return rows;
}

function unifiedRows(hunk: Hunk): DiffRow[] {
  return hunk.lines.map((_, line) => ({ kind: "line", line }));
}

/** The new-side line number a row ends with, where threads would hang. */
function rowNewLine(hunk: Hunk, row: DiffRow): number | null {
  const index = row.kind === "line" ? row.line : row.kind === "pair" ? row.new : null;
  return index === null ? null : (hunk.lines[index]?.newNo ?? null);
}

export interface DiffLayout {
  items: DiffItem[];
  /** The item of each hunk's first block, in `hunkAnchors` order. */
  hunkItems: number[];
  /** The header item of each file. */
  fileItems: number[];
  /** The block holding a line: `lineItemKey(file, side, number)` -> item. */
  lineItems: Map<string, number>;
}

export function lineItemKey(file: number, side: "old" | "new", line: number): string {
  return `${file}:${side}:${line}`;
}

/**
 * Lays a diff out for the virtual list: per file a header, then (unless collapsed, or nothing to
 * show) its hunks as blocks of at most `CHUNK_ROWS` rows, with thread rows under the lines that
 * have threads.
 */
export function layoutDiff(
  diff: SubmissionDiff,
  mode: DiffMode,
  collapsed: (file: number) => boolean = () => false,
  threads: ReadonlySet<string> = new Set(),
  chunkRows = CHUNK_ROWS,
): DiffLayout {
  const items: DiffItem[] = [];
  const hunkItems: number[] = [];
  const fileItems: number[] = [];
  const lineItems = new Map<string, number>();
  diff.files.forEach((f, file) => {
    fileItems.push(items.length);
    items.push({ type: "file", key: `f${file}`, file });
    if (!hasHunks(f) || collapsed(file)) return;
    f.hunks.forEach((h, hunk) => {
      hunkItems.push(items.length);
      const rows: DiffRow[] = [];
      for (const row of mode === "split" ? splitRows(h) : unifiedRows(h)) {
        rows.push(row);
        const line = threads.size > 0 ? rowNewLine(h, row) : null;
        if (line !== null && threads.has(threadKey(f.path, line))) rows.push({ kind: "thread", path: f.path, line });
      }
      for (let start = 0; start < rows.length; start += chunkRows) {
        const chunk = rows.slice(start, start + chunkRows);
        const item = items.length;
        for (const row of chunk) {
          for (const index of row.kind === "line" ? [row.line] : row.kind === "pair" ? [row.old, row.new] : []) {
            const line = index === null ? undefined : h.lines[index];
            if (line?.oldNo != null) lineItems.set(lineItemKey(file, "old", line.oldNo), item);
            if (line?.newNo != null) lineItems.set(lineItemKey(file, "new", line.newNo), item);
          }
        }
        items.push({
          type: "rows",
          key: `f${file}h${hunk}c${start}`,
          file,
          hunk,
          first: start === 0,
          last: hunk === f.hunks.length - 1 && start + chunkRows >= rows.length,
          rows: chunk,
        });
      }
    });
  });
  return { items, hunkItems, fileItems, lineItems };
}

/**
 * Highlighted HTML, word marks on top, for the lines a block shows (by index into the hunk).
 * Each side is highlighted as one text (old: context and deletions; new: context and insertions),
 * so a construct that spans lines keeps its colour; context lines take the new side's.
 */
export function blockHtml(hunk: Hunk, language: string, rows: readonly DiffRow[]): Map<number, string> {
  const used = new Set<number>();
  for (const row of rows) {
    if (row.kind === "line") used.add(row.line);
    else if (row.kind === "pair") {
      if (row.old !== null) used.add(row.old);
      if (row.new !== null) used.add(row.new);
    }
  }
  const order = [...used].sort((a, b) => a - b);
  const html = new Map<number, string>();
  for (const side of ["old", "new"] as const) {
    const own = side === "old" ? "delete" : "insert";
    const indices = order.filter((i) => hunk.lines[i]!.kind === own || hunk.lines[i]!.kind === "context");
    if (indices.length === 0) continue;
    const lines = highlightLines(indices.map((i) => lineText(hunk.lines[i]!)).join("\n"), language);
    indices.forEach((index, k) => {
      const line = hunk.lines[index]!;
      if (line.kind === "context" && side === "old") return;
      html.set(index, layerMarks(lines[k] ?? "", emphasisRanges(line.segments)));
    });
  }
  return html;
}

/** "moved to line 7" / "moved from helpers.rhai line 2" for the first line of a moved block. */
export function moveLabel(line: DiffLine): string | null {
  const m = line.moved;
  if (!m || !m.blockStart) return null;
  const where = m.path ? `${m.path} line ${m.line}` : `line ${m.line}`;
  return `${line.kind === "delete" ? "moved to" : "moved from"} ${where}`;
}

/** The file a moved line's counterpart is in: its own, or the one its `path` names on the other side. */
export function moveTarget(diff: SubmissionDiff, file: number, line: DiffLine): { file: number; side: "old" | "new"; line: number } | null {
  const m = line.moved;
  if (!m) return null;
  const side = line.kind === "delete" ? "new" : "old";
  if (m.path === null) return { file, side, line: m.line };
  const other = diff.files.findIndex((f) => (side === "new" ? f.status !== "deleted" && f.path === m.path : (f.oldPath ?? f.path) === m.path && f.status !== "added"));
  return other < 0 ? null : { file: other, side, line: m.line };
}

/** The key of a reviewer's "viewed" mark: the file and both sides' digests, so it lapses when either side changes. */
export function viewedKey(file: FileDiff): string {
  return JSON.stringify([file.path, file.oldDigest, file.newDigest]);
}

/** Files a reviewer can mark viewed: every file with a change. */
export function reviewableFiles(diff: SubmissionDiff): number[] {
  return diff.files.flatMap((f, i) => (f.status === "unchanged" ? [] : [i]));
}

/**
 * The line of the newer side that `c` comments on when a hunk is current: its first inserted
 * line; in a hunk that only deletes, the first line after the deletion (where the text went);
 * null for a deleted file, which has no newer side to comment on.
 */
export function hunkCommentLine(diff: SubmissionDiff, anchor: HunkAnchor): { path: string; line: number } | null {
  const file = diff.files[anchor.file];
  const hunk = file?.hunks[anchor.hunk];
  if (!file || !hunk || file.status === "deleted") return null;
  const lines = hunk.lines;
  const firstChange = lines.findIndex((l) => l.kind !== "context");
  const inserted = lines.find((l) => l.kind === "insert");
  const after = lines.slice(Math.max(0, firstChange)).find((l) => l.newNo !== null);
  const any = lines.find((l) => l.newNo !== null);
  const line = (inserted ?? after ?? any)?.newNo ?? null;
  return line === null ? null : { path: file.path, line };
}

// Filtering and grouping of the queue. Pure functions.

import type { FileMeta, FileRole, SubmissionSummary } from "./bindings";
import { tasksOf } from "./claims";
import { matchesReviewWords, parseReviewToken } from "./review";
import { matchesVerifiedWords, parseVerifiedToken } from "./verify";

/**
 * Whether a submission matches the filter text: every whitespace-separated word must occur in
 * its title, author, a task name or its id (case-insensitive). A `verified:` word (`verified:+1`,
 * `verified:-1`, `verified:?`, `verified:none`, `verified:any`) filters by the newest
 * verification's suggested vote instead; a `status:` word (`status:new`, `status:review`,
 * `status:approved`, `status:rejected`, `status:signed`, `status:blind`) by the review status, and
 * `turn:mine` / `turn:lead` by whose turn it is.
 */
export function matchesFilter(s: SubmissionSummary, filter: string): boolean {
  const all = filter.toLowerCase().split(/\s+/).filter((w) => w.length > 0);
  if (all.length === 0) return true;
  if (!matchesVerifiedWords(s, all) || !matchesReviewWords(s, all)) return false;
  const words = all.filter((w) => parseVerifiedToken(w) === null && parseReviewToken(w) === null);
  const haystack = [s.title, s.author, s.id, ...tasksOf(s)].join("\n").toLowerCase();
  return words.every((w) => haystack.includes(w));
}

/** Distinct authors, sorted. */
export function authorsOf(list: readonly SubmissionSummary[]): string[] {
  return [...new Set(list.map((s) => s.author))].sort((a, b) => a.localeCompare(b));
}

/** Distinct task names across all claims, sorted. */
export function allTasks(list: readonly SubmissionSummary[]): string[] {
  return [...new Set(list.flatMap(tasksOf))].sort((a, b) => a.localeCompare(b));
}

const ROLE_ORDER: Record<FileRole, number> = { method: 0, source: 1, log: 2, manifest: 3 };

/** Files as the Code tab lists them: the method first, then sources, logs, the manifest; by path within a role. */
export function orderFiles(files: readonly FileMeta[]): FileMeta[] {
  return [...files].sort((a, b) => {
    const ra = ROLE_ORDER[a.role];
    const rb = ROLE_ORDER[b.role];
    return ra !== rb ? ra - rb : a.path.localeCompare(b.path);
  });
}

/** The first 8 characters of an id, for compact references ("child of 3f9e0c12"). */
export function tinyId(id: string): string {
  return id.slice(0, 8);
}

/** The paths typed into the import dialog: one per line, trimmed, blank lines and duplicates dropped. */
export function parsePathList(text: string): string[] {
  return [...new Set(text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l.length > 0))];
}

/** The import dialog's text with paths dropped on the window added, each once, one per line. */
export function withDroppedPaths(text: string, dropped: readonly string[]): string {
  const have = new Set(parsePathList(text));
  const added = dropped.filter((p) => p.trim() !== "" && !have.has(p) && (have.add(p), true));
  if (added.length === 0) return text;
  const kept = text.replace(/\s+$/, "");
  return (kept === "" ? "" : `${kept}\n`) + added.join("\n");
}

// The submissions the reviewer has marked in the queue for a batch ("3 selected" on screen). Not
// to be confused with the queue's selected row, `selectedId`: that is where the keyboard is, and
// there is always one; marks are a set the reviewer builds up, often empty. Pure functions.

import type { SubmissionSummary } from "./bindings";
import { rerunBlockedReason } from "./rerun";

/** Marks `id`, or unmarks it when marked. A new list, in the order of marking. */
export function toggleMark(marked: readonly string[], id: string): string[] {
  return marked.includes(id) ? marked.filter((m) => m !== id) : [...marked, id];
}

/** What the queue says: "3 selected", with how many of them the filter hides. */
export function marksLabel(marked: readonly string[], shown: readonly Pick<SubmissionSummary, "id">[]): string {
  const visible = new Set(shown.map((s) => s.id));
  const hidden = marked.filter((id) => !visible.has(id)).length;
  return `${marked.length} selected${hidden > 0 ? ` (${hidden} hidden by the filter)` : ""}`;
}

export interface BatchMember {
  id: string;
  title: string;
}

export interface SkippedMember extends BatchMember {
  /** Why it is left out: "an AAR Python snapshot: …". */
  reason: string;
}

/** What a batch of the marked submissions verifies, and what it leaves out. */
export interface BatchPlan {
  members: BatchMember[];
  skipped: SkippedMember[];
}

/**
 * The marked submissions in queue order: those that can be re-run are the batch, the others are
 * left out with the reason (the backend would refuse the whole batch for one of them).
 */
export function planBatch(marked: readonly string[], queue: readonly SubmissionSummary[]): BatchPlan {
  const wanted = new Set(marked);
  const plan: BatchPlan = { members: [], skipped: [] };
  for (const s of queue) {
    if (!wanted.has(s.id)) continue;
    const reason = rerunBlockedReason(s);
    if (reason === null) plan.members.push({ id: s.id, title: s.title });
    else plan.skipped.push({ id: s.id, title: s.title, reason });
  }
  return plan;
}

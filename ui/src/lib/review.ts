// The review workflow as the app shows it: status words, whose turn it is, the queue's `status:`
// and `turn:` filter words, the vote panel's keys, and where comment threads are drawn. Pure
// functions over the transport types. The rules themselves are the database's: nothing here
// decides whether a vote or a sign-off is allowed, it only asks and shows the answer.

import type {
  AuditEntryView,
  CheckId,
  CheckPrecision,
  Comment,
  CommentAnchor,
  CommentTarget,
  FlagFeedback,
  FlagVerdict,
  Label,
  ReviewStatus,
  ReviewSummary,
  ReviewView,
  StaleReason,
  SubmissionSummary,
  Thread,
  Vote,
  VoteRequest,
} from "./bindings";
import { threadKey } from "./diff";

// ---------- Status and whose turn ----------

export const STATUS_ORDER: readonly ReviewStatus[] = ["new", "in_review", "approved", "rejected", "signed_off"];

/** As a person reads a status (the same words as `ReviewStatus::words`). */
export const STATUS_LABELS: Record<ReviewStatus, string> = {
  new: "new",
  in_review: "in review",
  approved: "approved",
  rejected: "rejected",
  signed_off: "signed off",
};

/** What the queue's status column shows: a blind row says "blind" and hints at no status. */
export function statusCell(r: ReviewSummary): { text: string; cls: string; title: string } {
  if (r.blind) {
    return {
      text: "blind",
      cls: "rs-blind",
      title: "A lead asked for a blind review: vote before you see the others' votes",
    };
  }
  return { text: STATUS_LABELS[r.status], cls: `rs-${r.status}`, title: `Review status: ${STATUS_LABELS[r.status]}` };
}

/** Whose turn it is, for the reviewer looking: "needs my vote", "needs a lead", or nobody's. */
export function turnLabel(r: ReviewSummary): string | null {
  if (r.needsMyVote) return "needs my vote";
  if (r.needsLead) return "needs a lead";
  return null;
}

/** The queue's compact marker of whose turn it is ("my vote", "sign off"), with the full words. */
export function turnMark(r: ReviewSummary): { text: string; title: string } | null {
  if (r.needsMyVote) return { text: "my vote", title: "needs my vote: undecided, and you have no live Review vote on it" };
  if (r.needsLead) return { text: "sign off", title: "needs a lead: approved by someone else, for you to sign off" };
  return null;
}

export type StatusCounts = Record<ReviewStatus | "blind", number>;

/** How many rows show each status (blind rows count as blind, as they show). */
export function statusCounts(rows: readonly Pick<SubmissionSummary, "review">[]): StatusCounts {
  const counts: StatusCounts = { new: 0, in_review: 0, approved: 0, rejected: 0, signed_off: 0, blind: 0 };
  for (const r of rows) counts[r.review.blind ? "blind" : r.review.status] += 1;
  return counts;
}

// ---------- The queue's filter words ----------

/** What a `status:` or `turn:` word asks for. */
export type ReviewFilter = { status: ReviewStatus | "blind" } | { turn: "mine" | "lead" };

const REVIEW_TOKEN = /^(status|turn):(.*)$/i;

const STATUS_VALUES: Record<string, ReviewStatus | "blind"> = {
  new: "new",
  review: "in_review",
  in_review: "in_review",
  "in-review": "in_review",
  inreview: "in_review",
  approved: "approved",
  rejected: "rejected",
  signed: "signed_off",
  signed_off: "signed_off",
  "signed-off": "signed_off",
  signedoff: "signed_off",
  blind: "blind",
};

const TURN_VALUES: Record<string, "mine" | "lead"> = { mine: "mine", me: "mine", my: "mine", lead: "lead" };

/** The canonical spelling of a status word, as the counts above the queue write it. */
export const STATUS_TOKENS: Record<ReviewStatus | "blind", string> = {
  new: "status:new",
  in_review: "status:review",
  approved: "status:approved",
  rejected: "status:rejected",
  signed_off: "status:signed",
  blind: "status:blind",
};

/**
 * A filter word read as a `status:` or `turn:` token: what it asks for, `"invalid"` for a value
 * it does not know (which matches nothing), `"empty"` while half typed, or null for another word.
 */
export function parseReviewToken(word: string): ReviewFilter | "invalid" | "empty" | null {
  const m = REVIEW_TOKEN.exec(word.trim());
  if (!m) return null;
  const value = m[2]!.toLowerCase();
  if (value === "") return "empty";
  if (m[1]!.toLowerCase() === "status") {
    const status = STATUS_VALUES[value];
    return status ? { status } : "invalid";
  }
  const turn = TURN_VALUES[value];
  return turn ? { turn } : "invalid";
}

export function matchesReview(r: ReviewSummary, filter: ReviewFilter): boolean {
  if ("turn" in filter) return filter.turn === "mine" ? r.needsMyVote : r.needsLead;
  if (filter.status === "blind") return r.blind;
  // A blind row hints at no status, so it matches none.
  return !r.blind && r.status === filter.status;
}

/** Whether a submission passes the `status:` and `turn:` words; other words are ignored here. */
export function matchesReviewWords(s: Pick<SubmissionSummary, "review">, words: readonly string[]): boolean {
  for (const word of words) {
    const f = parseReviewToken(word);
    if (f === null || f === "empty") continue;
    if (f === "invalid" || !matchesReview(s.review, f)) return false;
  }
  return true;
}

/** The status asked for by the filter text (the last `status:` word), for the counts' highlight. */
export function statusFilterOf(text: string): ReviewStatus | "blind" | null {
  let found: ReviewStatus | "blind" | null = null;
  for (const word of text.split(/\s+/)) {
    const f = parseReviewToken(word);
    if (f !== null && typeof f === "object" && "status" in f) found = f.status;
  }
  return found;
}

/** The filter text with its `status:` words replaced by `status`'s (removed for null). */
export function withStatusFilter(text: string, status: ReviewStatus | "blind" | null): string {
  const words = text.split(/\s+/).filter((w) => w.length > 0 && !/^status:/i.test(w));
  if (status !== null) words.push(STATUS_TOKENS[status]);
  return words.join(" ");
}

// ---------- Votes ----------

export const LABELS: readonly Label[] = ["review", "verified"];
export const LABEL_TITLES: Record<Label, string> = { review: "Review", verified: "Verified" };
/** Review runs −2..+2 (Gerrit's Code-Review), Verified −1..+1. */
export const LABEL_RANGE: Record<Label, readonly [number, number]> = { review: [-2, 2], verified: [-1, 1] };

/** "+2", "−1", "0" (a typographic minus). */
export function formatVote(value: number): string {
  return value > 0 ? `+${value}` : value < 0 ? `\u2212${-value}` : "0";
}

const MEANINGS: Record<Label, Record<number, string>> = {
  review: {
    [-2]: "veto: blocks sign-off until I lift it",
    [-1]: "I would prefer this not be accepted",
    0: "no score",
    1: "looks good to me; someone else must approve",
    2: "approved",
  },
  verified: {
    [-1]: "the re-run did not bear the claim out",
    0: "no score",
    1: "the independent re-run reproduced the claim",
  },
};

export function voteMeaning(label: Label, value: number): string {
  return MEANINGS[label][value] ?? "";
}

export function inRange(label: Label, value: number): boolean {
  const [lo, hi] = LABEL_RANGE[label];
  return Number.isInteger(value) && value >= lo && value <= hi;
}

/** Arrow keys: one step up or down, held at the label's ends. */
export function stepVote(label: Label, value: number, delta: number): number {
  const [lo, hi] = LABEL_RANGE[label];
  return Math.min(hi, Math.max(lo, value + delta));
}

/**
 * Number keys: `2` gives +2, `1` +1, `0` no score; after `-`, `2` gives −2. Null when the value is
 * outside the label's range (Verified has no 2), so the key does nothing.
 */
export function digitVote(label: Label, key: string, negative: boolean): number | null {
  if (!/^[0-9]$/.test(key)) return null;
  const value = negative ? -Number(key) : Number(key);
  return inRange(label, value) ? value : null;
}

/** The votes that count: not stale. */
export function liveVotes(votes: readonly Vote[]): Vote[] {
  return votes.filter((v) => v.stale === null);
}

/** My live value on each label (0 when I have none there). */
export function myValues(view: Pick<ReviewView, "votes" | "me">): Record<Label, number> {
  const mine: Record<Label, number> = { review: 0, verified: 0 };
  for (const v of liveVotes(view.votes)) if (v.author === view.me.name) mine[v.label] = v.value;
  return mine;
}

export interface VoteDraft {
  review: number;
  verified: number;
  rationale: string;
}

export function initialDraft(view: Pick<ReviewView, "votes" | "me">): VoteDraft {
  return { ...myValues(view), rationale: "" };
}

export type VoteCheck = { ok: true; request: VoteRequest } | { ok: false; problem: string };

/**
 * The request for what the draft changes: a label goes in only when its value differs from my
 * live vote on it (so casting Verified does not replace my Review vote). Cast against the
 * verification the reviewer read, so a newer one arriving meanwhile is refused as stale evidence.
 */
export function buildVoteRequest(draft: VoteDraft, mine: Record<Label, number>, verificationId: string | null): VoteCheck {
  const review = draft.review !== mine.review ? draft.review : null;
  const verified = draft.verified !== mine.verified ? draft.verified : null;
  if (review === null && verified === null) {
    return { ok: false, problem: "Pick a value: these are already your votes." };
  }
  const rationale = draft.rationale.trim();
  if (rationale === "") return { ok: false, problem: "Write a rationale: every vote carries its reason." };
  return { ok: true, request: { review, verified, rationale, verificationId } };
}

export const STALE_WORDS: Record<StaleReason, string> = {
  new_version: "a newer version was imported",
  new_verification: "a newer verification suggests differently",
  replaced: "replaced by a later vote",
};

/** A vote as the panel lists it: "Review −2 (veto)", with why it no longer counts. */
export function describeVote(v: Pick<Vote, "label" | "value" | "stale">): { text: string; veto: boolean; stale: string | null } {
  const veto = v.label === "review" && v.value === -2;
  return {
    text: `${LABEL_TITLES[v.label]} ${formatVote(v.value)}${veto ? " veto" : ""}`,
    veto,
    stale: v.stale === null ? null : STALE_WORDS[v.stale],
  };
}

// ---------- Comment threads ----------

/** Threads on lines of `path`, by the line they are on in the version being read. */
export function lineThreads(threads: readonly Thread[], path: string): Map<number, Thread[]> {
  const byLine = new Map<number, Thread[]>();
  for (const t of threads) {
    if (t.root.anchor.kind !== "line" || t.root.anchor.path !== path || t.lineHere === null) continue;
    const list = byLine.get(t.lineHere) ?? [];
    list.push(t);
    byLine.set(t.lineHere, list);
  }
  return byLine;
}

/** The keys of the diff's thread hook: each placed line thread's file and line in this version. */
export function diffThreadKeys(threads: readonly Thread[]): Set<string> {
  const keys = new Set<string>();
  for (const t of threads) {
    if (t.root.anchor.kind === "line" && t.lineHere !== null) keys.add(threadKey(t.root.anchor.path, t.lineHere));
  }
  return keys;
}

/** Threads on a line that changed since they were written: they no longer sit on any line. */
export function outdatedThreads(threads: readonly Thread[]): Thread[] {
  return threads.filter((t) => t.root.anchor.kind === "line" && t.lineHere === null);
}

export function submissionThreads(threads: readonly Thread[]): Thread[] {
  return threads.filter((t) => t.root.anchor.kind === "submission");
}

/** Threads on one check, of any of the submission's verifications. */
export function checkThreads(threads: readonly Thread[], check: CheckId): Thread[] {
  return threads.filter((t) => t.root.anchor.kind === "check" && t.root.anchor.check === check);
}

/** Threads still open (not resolved). */
export function openCount(threads: readonly Thread[]): number {
  return threads.filter((t) => !t.resolved).length;
}

/** Where a thread was written: "method.rhai line 12", "check reproduction", "the submission". */
export function anchorWords(anchor: CommentAnchor): string {
  switch (anchor.kind) {
    case "line":
      return `${anchor.path} line ${anchor.line}`;
    case "check":
      return `check ${anchor.check}`;
    case "submission":
      return "the submission";
  }
}

/** "method.rhai line 12 of an earlier version (3f9e0c12)", for an outdated thread. */
export function writtenWhere(t: Pick<Thread, "root" | "fromEarlierVersion">): string {
  const at = anchorWords(t.root.anchor);
  return t.fromEarlierVersion ? `${at} of an earlier version (${t.root.submission_id.slice(0, 8)})` : at;
}

/** Every comment of a thread, first comment first. */
export function threadComments(t: Thread): Comment[] {
  return [t.root, ...t.replies];
}

/** What `c` comments on: the focused check, else the Code tab's cursor line, else the submission. */
export function commentTargetFor(ctx: {
  check?: CheckId | null;
  line?: { path: string; line: number } | null;
}): CommentTarget {
  if (ctx.check) return { kind: "check", check: ctx.check };
  if (ctx.line) return { kind: "line", path: ctx.line.path, line: ctx.line.line };
  return { kind: "submission" };
}

/** Which comment box is open, as one string: only one is open at a time. */
export function composerKey(target: CommentTarget): string {
  switch (target.kind) {
    case "submission":
      return "submission";
    case "line":
      return `line:${target.path}:${target.line}`;
    case "check":
      return `check:${target.check}`;
    case "reply":
      return `reply:${target.thread}`;
  }
}

// ---------- Flag judgements and precision ----------

export const VERDICT_LABELS: Record<FlagVerdict, string> = { true_problem: "true problem", false_alarm: "false alarm" };

/** The newest judgement of one check of one verification, if any. */
export function judgementOf(feedback: readonly FlagFeedback[], verificationId: string, check: CheckId): FlagFeedback | null {
  let found: FlagFeedback | null = null;
  for (const f of feedback) {
    if (f.verification_id === verificationId && f.check === check && (found === null || f.id > found.id)) found = f;
  }
  return found;
}

/** "precision 75% · 3 of 4 judged flags were true problems", or that none was judged yet. */
export function precisionWords(p: CheckPrecision | undefined): string {
  if (!p || p.precision === null) return "no flag of this check judged yet";
  const judged = p.trueProblems + p.falseAlarms;
  return `precision ${Math.round(p.precision * 100)}% · ${p.trueProblems} of ${judged} judged flag${judged === 1 ? "" : "s"} true`;
}

// ---------- The audit trail ----------

/** One line of a submission's history: "vote: Review +2 — reproduces on 5 seeds". */
export function describeAudit(e: Pick<AuditEntryView, "action" | "detail">): string {
  let d: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(e.detail);
    if (parsed && typeof parsed === "object") d = parsed as Record<string, unknown>;
  } catch {
    return e.action;
  }
  const text = (k: string) => (typeof d[k] === "string" ? (d[k] as string) : "");
  // A blind review withholds others' votes; the API says why in the detail's place.
  if (typeof d.withheld === "string") return `${e.action}: ${d.withheld}`;
  switch (e.action) {
    case "vote": {
      const label = d.label === "verified" ? "verified" : "review";
      return `vote: ${LABEL_TITLES[label]} ${formatVote(Number(d.value))} — ${text("rationale")}`;
    }
    case "signoff":
      return `sign-off — ${text("rationale")}`;
    case "status": {
      const from = STATUS_LABELS[d.from as ReviewStatus] ?? String(d.from);
      const to = STATUS_LABELS[d.to as ReviewStatus] ?? String(d.to);
      return `status: ${from} → ${to}`;
    }
    case "comment":
      return `${d.reply_to ? "reply" : "comment"}: ${text("body")}`;
    case "comment.resolve":
      return d.resolved ? "thread resolved" : "thread reopened";
    case "review.blind":
      return `blind review asked — ${text("reason")}`;
    case "flag.judge":
      return `${String(d.check)} judged a ${VERDICT_LABELS[d.verdict as FlagVerdict] ?? String(d.verdict)} — ${text("reason")}`;
    default:
      return e.action;
  }
}

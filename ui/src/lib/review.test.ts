import { describe, expect, it } from "vitest";
import type { CommentAnchor, ReviewSummary, Thread, Vote } from "./bindings";
import { threadKey } from "./diff";
import { matchesFilter } from "./queue";
import {
  buildVoteRequest,
  checkThreads,
  commentTargetFor,
  composerKey,
  describeAudit,
  describeVote,
  diffThreadKeys,
  digitVote,
  formatVote,
  initialDraft,
  judgementOf,
  lineThreads,
  outdatedThreads,
  parseReviewToken,
  precisionWords,
  statusCell,
  statusCounts,
  statusFilterOf,
  stepVote,
  submissionThreads,
  turnLabel,
  turnMark,
  withStatusFilter,
  writtenWhere,
} from "./review";
import { summary } from "./test-fixtures";

const review = (overrides: Partial<ReviewSummary> = {}): ReviewSummary => ({
  status: "new",
  needsMyVote: false,
  needsLead: false,
  blind: false,
  ...overrides,
});

function vote(overrides: Partial<Vote> = {}): Vote {
  return {
    id: 1,
    submission_id: "s1",
    label: "review",
    value: 2,
    rationale: "reproduces",
    author: "bob",
    cast_at: "2026-12-01T10:00:00Z",
    verification_id: null,
    stale: null,
    ...overrides,
  };
}

let nextId = 1;
function thread(anchor: CommentAnchor, overrides: Partial<Thread> = {}): Thread {
  const id = nextId++;
  return {
    root: { id, submission_id: "s1aaaaaaaaaa", reply_to: null, anchor, body: `comment ${id}`, author: "bob", written_at: "2026-12-01T10:00:00Z" },
    replies: [],
    resolved: false,
    lineHere: anchor.kind === "line" ? anchor.line : null,
    fromEarlierVersion: false,
    ...overrides,
  };
}

describe("status and whose turn", () => {
  it("words every status as a person reads it, in calm classes", () => {
    expect(statusCell(review({ status: "in_review" }))).toMatchObject({ text: "in review", cls: "rs-in_review" });
    expect(statusCell(review({ status: "signed_off" })).text).toBe("signed off");
  });
  it("shows a blind row as blind, with no hint of its status", () => {
    const cell = statusCell(review({ status: "approved", blind: true }));
    expect(cell.text).toBe("blind");
    expect(cell.title).not.toContain("approved");
  });
  it("says whose turn it is", () => {
    expect(turnLabel(review({ needsMyVote: true }))).toBe("needs my vote");
    expect(turnLabel(review({ status: "approved", needsLead: true }))).toBe("needs a lead");
    expect(turnLabel(review({ status: "signed_off" }))).toBeNull();
    expect(turnMark(review({ needsMyVote: true }))?.text).toBe("my vote");
    expect(turnMark(review({ status: "approved", needsLead: true }))?.title).toContain("needs a lead");
    expect(turnMark(review({ status: "signed_off" }))).toBeNull();
  });
  it("counts rows per status, blind rows apart", () => {
    const rows = [
      { review: review() },
      { review: review() },
      { review: review({ status: "approved" }) },
      { review: review({ status: "in_review", blind: true }) },
    ];
    expect(statusCounts(rows)).toEqual({ new: 2, in_review: 0, approved: 1, rejected: 0, signed_off: 0, blind: 1 });
  });
});

describe("status: and turn: filter words", () => {
  it("reads the spellings people type", () => {
    expect(parseReviewToken("status:approved")).toEqual({ status: "approved" });
    expect(parseReviewToken("STATUS:Review")).toEqual({ status: "in_review" });
    expect(parseReviewToken("status:signed-off")).toEqual({ status: "signed_off" });
    expect(parseReviewToken("turn:mine")).toEqual({ turn: "mine" });
    expect(parseReviewToken("turn:lead")).toEqual({ turn: "lead" });
    expect(parseReviewToken("status:")).toBe("empty");
    expect(parseReviewToken("status:maybe")).toBe("invalid");
    expect(parseReviewToken("logconf")).toBeNull();
  });
  it("filters the queue by status and turn, together with the other words", () => {
    const approved = summary({ review: review({ status: "approved", needsLead: true }) });
    const fresh = summary({ review: review({ needsMyVote: true }) });
    expect(matchesFilter(approved, "status:approved")).toBe(true);
    expect(matchesFilter(fresh, "status:approved")).toBe(false);
    expect(matchesFilter(approved, "turn:lead logconf")).toBe(true);
    expect(matchesFilter(approved, "turn:mine")).toBe(false);
    expect(matchesFilter(fresh, "turn:mine")).toBe(true);
    expect(matchesFilter(fresh, "status:")).toBe(true);
    expect(matchesFilter(fresh, "status:nonsense")).toBe(false);
  });
  it("matches a blind row only by status:blind, never by the status it hides", () => {
    const blind = summary({ review: review({ status: "in_review", blind: true, needsMyVote: true }) });
    expect(matchesFilter(blind, "status:review")).toBe(false);
    expect(matchesFilter(blind, "status:blind")).toBe(true);
    expect(matchesFilter(blind, "turn:mine")).toBe(true);
  });
  it("writes and reads the status word the counts toggle", () => {
    expect(withStatusFilter("logconf status:new verified:+1", "approved")).toBe("logconf verified:+1 status:approved");
    expect(withStatusFilter("status:new", null)).toBe("");
    expect(statusFilterOf("turn:mine status:signed")).toBe("signed_off");
    expect(statusFilterOf("turn:mine")).toBeNull();
  });
});

describe("the vote panel's keys", () => {
  it("picks values with number keys, negative after -, inside each label's range", () => {
    expect(digitVote("review", "2", false)).toBe(2);
    expect(digitVote("review", "2", true)).toBe(-2);
    expect(digitVote("review", "0", false)).toBe(0);
    expect(digitVote("verified", "1", true)).toBe(-1);
    expect(digitVote("verified", "2", false)).toBeNull();
    expect(digitVote("review", "3", false)).toBeNull();
    expect(digitVote("review", "a", false)).toBeNull();
  });
  it("steps with the arrows and stops at the ends", () => {
    expect(stepVote("review", 1, 1)).toBe(2);
    expect(stepVote("review", 2, 1)).toBe(2);
    expect(stepVote("verified", -1, -1)).toBe(-1);
    expect(stepVote("verified", 0, -1)).toBe(-1);
  });
  it("writes values with a sign and a typographic minus", () => {
    expect([formatVote(2), formatVote(-1), formatVote(0)]).toEqual(["+2", "\u22121", "0"]);
  });
});

describe("buildVoteRequest", () => {
  const view = { me: { name: "bob", role: "reviewer" as const, teamMode: false }, votes: [vote({ label: "verified", value: 1 })] };
  it("starts from my live votes and sends only what changed, against the verification read", () => {
    const draft = { ...initialDraft(view), review: 2, rationale: "  reproduces on 5 seeds " };
    expect(draft.verified).toBe(1);
    expect(buildVoteRequest(draft, { review: 0, verified: 1 }, "v1")).toEqual({
      ok: true,
      request: { review: 2, verified: null, rationale: "reproduces on 5 seeds", verificationId: "v1" },
    });
  });
  it("asks for a value and for a rationale", () => {
    const mine = { review: 0, verified: 0 };
    expect(buildVoteRequest({ review: 0, verified: 0, rationale: "x" }, mine, null).ok).toBe(false);
    const noWhy = buildVoteRequest({ review: 1, verified: 0, rationale: "  " }, mine, null);
    expect(noWhy.ok ? "" : noWhy.problem).toContain("rationale");
  });
  it("sends 0 to withdraw a live vote", () => {
    const check = buildVoteRequest({ review: 0, verified: 0, rationale: "withdrawn" }, { review: -2, verified: 0 }, null);
    expect(check.ok && check.request.review).toBe(0);
  });
  it("marks a veto and says why a stale vote no longer counts", () => {
    expect(describeVote(vote({ value: -2 }))).toEqual({ text: "Review \u22122 veto", veto: true, stale: null });
    expect(describeVote(vote({ label: "verified", value: 1, stale: "new_version" }))).toEqual({
      text: "Verified +1",
      veto: false,
      stale: "a newer version was imported",
    });
  });
});

describe("thread placement", () => {
  const onLine = thread({ kind: "line", path: "method.rhai", line: 12, text: "let x = 1;" });
  const moved = thread({ kind: "line", path: "method.rhai", line: 3, text: "fn targets" }, { lineHere: 5, fromEarlierVersion: true });
  const outdated = thread({ kind: "line", path: "method.rhai", line: 7, text: "old" }, { lineHere: null, fromEarlierVersion: true });
  const other = thread({ kind: "line", path: "notes.md", line: 1, text: "# notes" });
  const onCheck = thread({ kind: "check", check: "seeds", verification_id: "v1" });
  const whole = thread({ kind: "submission" });
  const all = [onLine, moved, outdated, other, onCheck, whole];

  it("puts line threads on their line in this version, by file", () => {
    const placed = lineThreads(all, "method.rhai");
    expect([...placed.keys()].sort((a, b) => a - b)).toEqual([5, 12]);
    expect(placed.get(5)).toEqual([moved]);
    expect(lineThreads(all, "notes.md").get(1)).toEqual([other]);
  });
  it("gives the diff the keys of placed threads, never an outdated one", () => {
    expect(diffThreadKeys(all)).toEqual(new Set([threadKey("method.rhai", 12), threadKey("method.rhai", 5), threadKey("notes.md", 1)]));
  });
  it("lists outdated threads with where they were written", () => {
    expect(outdatedThreads(all)).toEqual([outdated]);
    expect(writtenWhere(outdated)).toBe("method.rhai line 7 of an earlier version (s1aaaaaa)");
    expect(writtenWhere(onLine)).toBe("method.rhai line 12");
  });
  it("separates submission and check threads", () => {
    expect(submissionThreads(all)).toEqual([whole]);
    expect(checkThreads(all, "seeds")).toEqual([onCheck]);
    expect(checkThreads(all, "sandbox")).toEqual([]);
  });
  it("comments with c on the focused check, else the cursor line, else the submission", () => {
    expect(commentTargetFor({ check: "seeds", line: { path: "a", line: 1 } })).toEqual({ kind: "check", check: "seeds" });
    expect(commentTargetFor({ line: { path: "method.rhai", line: 4 } })).toEqual({ kind: "line", path: "method.rhai", line: 4 });
    expect(commentTargetFor({})).toEqual({ kind: "submission" });
  });
  it("keys one open comment box per target", () => {
    expect(composerKey({ kind: "line", path: "method.rhai", line: 4 })).toBe("line:method.rhai:4");
    expect(composerKey({ kind: "check", check: "seeds" })).toBe("check:seeds");
    expect(composerKey({ kind: "reply", thread: 7 })).toBe("reply:7");
    expect(composerKey({ kind: "submission" })).toBe("submission");
  });
});

describe("flags and the audit trail", () => {
  it("finds the newest judgement of a check of one verification", () => {
    const f = (id: number, verification_id: string, verdict: "true_problem" | "false_alarm") => ({
      id,
      submission_id: "s1",
      verification_id,
      check: "seeds" as const,
      verdict,
      reason: "r",
      author: "bob",
      judged_at: "t",
    });
    const list = [f(1, "v1", "true_problem"), f(3, "v1", "false_alarm"), f(2, "v2", "true_problem")];
    expect(judgementOf(list, "v1", "seeds")?.verdict).toBe("false_alarm");
    expect(judgementOf(list, "v1", "sandbox")).toBeNull();
  });
  it("words a check's precision, or that nothing was judged", () => {
    expect(precisionWords({ check: "seeds", trueProblems: 3, falseAlarms: 1, precision: 0.75 })).toBe("precision 75% · 3 of 4 judged flags true");
    expect(precisionWords(undefined)).toBe("no flag of this check judged yet");
  });
  it("reads audit entries as sentences", () => {
    expect(describeAudit({ action: "vote", detail: JSON.stringify({ label: "review", value: 2, rationale: "ok" }) })).toBe("vote: Review +2 — ok");
    expect(describeAudit({ action: "status", detail: JSON.stringify({ from: "approved", to: "signed_off" }) })).toBe("status: approved → signed off");
    expect(describeAudit({ action: "import", detail: "not json" })).toBe("import");
    expect(describeAudit({ action: "vote", detail: JSON.stringify({ withheld: "blind review: shown once you have voted" }) })).toBe(
      "vote: blind review: shown once you have voted",
    );
  });
});

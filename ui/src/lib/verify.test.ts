import { describe, expect, it } from "vitest";
import type { CheckResult, VerificationDetail, VerificationState, VerifyProgress, VerifyStep } from "./bindings";
import { matchesFilter } from "./queue";
import { summary } from "./test-fixtures";
import {
  buildVerifyRequest,
  describeVerify,
  describeVerifyDetail,
  foldVerifyProgress,
  formatFigure,
  formatValue,
  hasEvidence,
  initialLiveVerify,
  matrixCellUnit,
  seedColumns,
  matchesVerifiedWords,
  parseVerifiedToken,
  statusLabel,
  statusTone,
  verificationBadge,
  verificationStateOf,
  verifiedFilterOf,
  verifyFraction,
  verifySeedsLabel,
  voteLabel,
  voteTone,
  withVerifiedFilter,
  type LiveVerify,
} from "./verify";

function step(index: number, overrides: Partial<VerifyStep> = {}): VerifyProgress {
  return {
    kind: "step",
    step: { index, total: 11, role: "method", task: "digits", evalSplit: "private", seeds: [42, 43, 44, 45, 46], ...overrides },
  };
}

function epoch(done: number, total: number, seed = 42, epochIndex = 0, epochs = 40): VerifyProgress {
  return { kind: "run", progress: { kind: "epoch", seed, phase: "student", epoch: epochIndex, epochs, loss: 0.41, done, total } };
}

const fold = (events: VerifyProgress[], from: LiveVerify = initialLiveVerify()) => events.reduce(foldVerifyProgress, from);

function check(overrides: Partial<CheckResult> = {}): CheckResult {
  return { id: "reproduction", status: "pass", summary: "Reproduces.", inconclusive: false, ...overrides };
}

function state(overrides: Partial<VerificationState> = {}): VerificationState {
  return { id: "v1", vote: "+1", failed: [], warned: [], task: "digits", finishedAt: "2026-05-02T10:00:00Z", ...overrides };
}

describe("buildVerifyRequest", () => {
  it("sends the pack, the seeds and the device", () => {
    expect(buildVerifyRequest({ task: " digits ", seeds: 7, device: "cpu" })).toEqual({
      ok: true,
      request: { task: "digits", seeds: 7, device: "cpu", quick: false },
    });
  });
  it("refuses fewer than the five pre-registered seeds, fractions and an empty field", () => {
    for (const seeds of [4, 0, 5.5, Number.NaN, "" as unknown as number]) {
      const r = buildVerifyRequest({ task: "digits", seeds, device: "cpu" });
      expect(r.ok, `seeds ${seeds}`).toBe(false);
      if (!r.ok) expect(r.problem).toMatch(/at least 5/);
    }
    expect(buildVerifyRequest({ task: "digits", seeds: 5, device: "auto" }).ok).toBe(true);
  });
  it("needs a pack and caps the seeds", () => {
    expect(buildVerifyRequest({ task: "", seeds: 5, device: "cpu" })).toMatchObject({ ok: false, problem: /task pack/ });
    expect(buildVerifyRequest({ task: "digits", seeds: 5, device: "cpu", quick: true })).toMatchObject({ request: { quick: true } });
    expect(buildVerifyRequest({ task: "digits", seeds: 101, device: "cpu" })).toMatchObject({ ok: false, problem: /at most/ });
  });
  it("leaves the pack out for a batch that verifies each submission on its own claimed pack", () => {
    const each = { claimedPackByDefault: true };
    expect(buildVerifyRequest({ task: "", seeds: 5, device: "cpu", quick: true }, each)).toEqual({
      ok: true,
      request: { seeds: 5, device: "cpu", quick: true },
    });
    expect(buildVerifyRequest({ task: "wine", seeds: 5, device: "cpu" }, each)).toMatchObject({ request: { task: "wine" } });
    expect(buildVerifyRequest({ task: "", seeds: 4, device: "cpu" }, each)).toMatchObject({ ok: false, problem: /at least 5/ });
  });
  it("labels the seeds counted up from 42", () => {
    expect(verifySeedsLabel(5)).toBe("42–46");
    expect(verifySeedsLabel(7)).toBe("42–48");
  });
});

describe("verification progress", () => {
  it("says it is starting before the first run", () => {
    const s = initialLiveVerify();
    expect(describeVerify(s)).toBe("starting…");
    expect(verifyFraction(s)).toBe(0);
  });
  it("describes the run under way as the reviewer reads it", () => {
    const s = fold([step(3, { role: "shuffled_teacher" }), epoch(5, 600, 43, 11, 40)]);
    expect(describeVerify(s)).toBe("run 3/11 · shuffled teacher on digits · seed 43 · epoch 12/40");
    expect(describeVerifyDetail(s)).toContain("private split, seeds 42–46");
    expect(describeVerifyDetail(s)).toContain("strong student, loss 0.410");
  });
  it("names a run before its first epoch, and other packs by their pack", () => {
    expect(describeVerify(fold([step(7, { role: "other_pack_vanilla", task: "wine" })]))).toBe("run 7/11 · vanilla on wine · starting…");
    expect(describeVerify(fold([step(10, { role: "negative_control", task: "digits-copy" })]))).toBe(
      "run 10/11 · method (negative control) on digits-copy · starting…",
    );
  });
  it("counts finished runs plus the current run's share", () => {
    // Two runs done, the third a quarter through: (2 + 0.25) / 11.
    const s = fold([step(1), epoch(100, 100), step(2), epoch(50, 100), step(3), epoch(25, 100)]);
    expect(s.finished).toBe(2);
    expect(verifyFraction(s)).toBeCloseTo(2.25 / 11, 10);
  });
  it("starts each run's progress afresh, so the last run's epochs do not leak into the next", () => {
    const s = fold([step(1), epoch(100, 100, 46, 39, 40), step(2)]);
    expect(s.run.done).toBe(0);
    expect(s.run.current).toBeNull();
    expect(verifyFraction(s)).toBeCloseTo(1 / 11, 10);
  });
  it("never goes backwards past a finished run nor beyond 1", () => {
    const s = fold([step(11), epoch(100, 100)]);
    expect(verifyFraction(s)).toBe(1);
    // A step seen twice (a repeated message) does not lose the finished count.
    const again = fold([step(4), step(4)]);
    expect(again.finished).toBe(3);
  });
  it("leaves the old state untouched", () => {
    const before = fold([step(2)]);
    const snapshot = JSON.stringify(before);
    foldVerifyProgress(before, epoch(3, 10));
    foldVerifyProgress(before, step(3));
    expect(JSON.stringify(before)).toBe(snapshot);
  });
});

describe("statuses and votes", () => {
  it("labels an inconclusive warn as the report does, and n/a briefly", () => {
    expect(statusLabel(check({ status: "warn", inconclusive: true }))).toBe("inconclusive");
    expect(statusLabel(check({ status: "warn" }))).toBe("warn");
    expect(statusLabel(check({ status: "fail" }))).toBe("fail");
    expect(statusLabel(check({ status: "not_applicable" }))).toBe("n/a");
  });
  it("colours by status: inconclusive stays a warning", () => {
    expect(statusTone("pass")).toBe("pass");
    expect(statusTone("warn")).toBe("warn");
    expect(statusTone("fail")).toBe("fail");
    expect(statusTone("not_applicable")).toBe("na");
  });
  it("writes the vote as the report does, coloured by what it means", () => {
    expect(voteLabel("+1")).toBe("Verified +1");
    expect(voteLabel("-1")).toBe("Verified \u22121");
    expect(voteLabel("needs_human")).toBe("needs a human");
    expect([voteTone("+1"), voteTone("-1"), voteTone("needs_human")]).toEqual(["pass", "fail", "warn"]);
  });
  it("gives the queue a glyph per vote and a tooltip naming the checks", () => {
    expect(verificationBadge(null)).toMatchObject({ glyph: "", tone: null });
    const refuted = verificationBadge(state({ vote: "-1", failed: ["reproduction", "significance"], warned: ["seeds"] }));
    expect(refuted.glyph).toBe("✗");
    expect(refuted.tone).toBe("fail");
    expect(refuted.title).toContain("failed: reproduction, significance");
    expect(refuted.title).toContain("warned: seeds");
    expect(refuted.title).toContain("on digits, 2026-05-02");
    expect(verificationBadge(state()).glyph).toBe("✓");
    expect(verificationBadge(state()).title).toContain("no check failed or warned");
    expect(verificationBadge(state({ vote: "needs_human" })).glyph).toBe("?");
  });
});

describe("verificationStateOf", () => {
  it("sums a stored verification up as the queue's summaries do", () => {
    const checks: CheckResult[] = [
      check({ id: "reproduction", status: "fail" }),
      check({ id: "significance", status: "warn", inconclusive: true }),
      check({ id: "seeds", status: "pass" }),
      check({ id: "sandbox", status: "fail" }),
      check({ id: "negative_control", status: "not_applicable" }),
    ];
    const detail = {
      id: "v9",
      shortId: "v9",
      createdBy: "me",
      report: { suggestion: { vote: "-1", reason: "r" }, checks, task: "wine", finished_at: "2026-05-03T00:00:00Z" },
    } as unknown as VerificationDetail;
    expect(verificationStateOf(detail)).toEqual({
      id: "v9",
      vote: "-1",
      failed: ["reproduction", "sandbox"],
      warned: ["significance"],
      task: "wine",
      finishedAt: "2026-05-03T00:00:00Z",
    });
  });
});

describe("evidence formatting", () => {
  it("prints numbers in their unit as the report does", () => {
    expect(formatValue(0.41234, "pgr")).toBe("0.412");
    expect(formatValue(-0.05, "pgr")).toBe("\u22120.050");
    expect(formatValue(0.00002, "p_value")).toBe("< 0.0001");
    expect(formatValue(0.03125, "p_value")).toBe("0.0313");
    expect(formatValue(5, "count")).toBe("5");
    expect(formatValue(null, "pgr")).toBe("—");
  });
  it("adds the 95% interval when there is one", () => {
    expect(formatFigure({ label: "reproduced PGR", value: 0.4, unit: "pgr", ci95: [0.3, 0.52] })).toBe("0.400 [0.300, 0.520]");
    expect(formatFigure({ label: "p", value: 0.5, unit: "p_value" })).toBe("0.5000");
  });
  it("knows when a check has evidence beyond its sentence", () => {
    expect(hasEvidence(check())).toBe(false);
    expect(hasEvidence(check({ figures: [], per_seed: [], notes: [], matrix: null, detectable: null }))).toBe(false);
    expect(hasEvidence(check({ notes: ["refused: file access"] }))).toBe(true);
    expect(hasEvidence(check({ detectable: 0.08, detectable_unit: "pgr" }))).toBe(true);
    expect(hasEvidence(check({ matrix: { columns: ["digits"], rows: [{ label: "method", cells: [0.4] }] } }))).toBe(true);
  });
});

describe("evidence tables", () => {
  it("formats a matrix's p column as p-values and the rest as PGRs", () => {
    expect(matrixCellUnit("p")).toBe("p_value");
    expect(matrixCellUnit("p (paired)")).toBe("p_value");
    expect(matrixCellUnit("Δ PGR")).toBe("pgr");
    expect(matrixCellUnit("pgr")).toBe("pgr");
    expect(matrixCellUnit(undefined)).toBe("pgr");
  });
  it("shows only the per-seed columns some seed has", () => {
    expect(seedColumns([{ seed: 42, claimed: 0.69 }, { seed: 43, claimed: 0.67, reproduced: null }])).toEqual(["claimed"]);
    expect(seedColumns([{ seed: 42, reproduced: 0.2, baseline: 0.1 }])).toEqual(["reproduced", "baseline"]);
    expect(seedColumns([{ seed: 42, claimed: 0.5, reproduced: 0.4, baseline: 0 }])).toEqual(["claimed", "reproduced", "baseline"]);
  });
});

describe("the queue's verified: filter", () => {
  const verified = summary({ title: "good", verification: state({ vote: "+1" }) });
  const refuted = summary({ title: "bad", verification: state({ vote: "-1", failed: ["reproduction"] }) });
  const unsure = summary({ title: "unsure", verification: state({ vote: "needs_human" }) });
  const never = summary({ title: "fresh", verification: null });
  const all = [verified, refuted, unsure, never];
  const titles = (filter: string) => all.filter((s) => matchesFilter(s, filter)).map((s) => s.title);

  it("reads the tokens and their spellings", () => {
    expect(parseVerifiedToken("verified:+1")).toBe("+1");
    expect(parseVerifiedToken("VERIFIED:-1")).toBe("-1");
    expect(parseVerifiedToken("verified:\u22121")).toBe("-1");
    expect(parseVerifiedToken("verified:?")).toBe("needs_human");
    expect(parseVerifiedToken("verified:human")).toBe("needs_human");
    expect(parseVerifiedToken("verified:none")).toBe("none");
    expect(parseVerifiedToken("verified:")).toBe("empty");
    expect(parseVerifiedToken("verified:maybe")).toBe("invalid");
    expect(parseVerifiedToken("verified")).toBeNull();
  });
  it("filters the queue by the newest verification's vote", () => {
    expect(titles("verified:+1")).toEqual(["good"]);
    expect(titles("verified:-1")).toEqual(["bad"]);
    expect(titles("verified:?")).toEqual(["unsure"]);
    expect(titles("verified:none")).toEqual(["fresh"]);
    expect(titles("verified:any")).toEqual(["good", "bad", "unsure"]);
  });
  it("combines with the plain words, and a half-typed token hides nothing", () => {
    expect(titles("verified:-1 bad")).toEqual(["bad"]);
    expect(titles("good verified:-1")).toEqual([]);
    expect(titles("verified:")).toEqual(["good", "bad", "unsure", "fresh"]);
    expect(titles("verified:maybe")).toEqual([]);
  });
  it("applies only verified: words in matchesVerifiedWords", () => {
    expect(matchesVerifiedWords(refuted, ["bad", "verified:-1"])).toBe(true);
    expect(matchesVerifiedWords(refuted, ["good"])).toBe(true);
    expect(matchesVerifiedWords(never, ["verified:any"])).toBe(false);
  });
  it("lets the select read and rewrite the token inside the filter text", () => {
    expect(verifiedFilterOf("logconf verified:-1")).toBe("-1");
    expect(verifiedFilterOf("logconf")).toBeNull();
    expect(withVerifiedFilter("logconf verified:-1", "+1")).toBe("logconf verified:+1");
    expect(withVerifiedFilter("logconf  verified:-1 wine", null)).toBe("logconf wine");
    expect(withVerifiedFilter("", "needs_human")).toBe("verified:?");
    // What the select writes, the filter reads back.
    for (const f of ["+1", "-1", "needs_human", "none", "any"] as const) expect(verifiedFilterOf(withVerifiedFilter("x", f))).toBe(f);
  });
});

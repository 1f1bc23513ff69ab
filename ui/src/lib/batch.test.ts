import { describe, expect, it } from "vitest";
import type { BatchPosition, BatchProgress, BatchRow, VerificationDetail } from "./bindings";
import { CORRECTION_NOTE, batchCells, batchFraction, describeBatch, describeStoppedBatch, foldBatchProgress, initialLiveBatch } from "./batch";

const position = (index: number, total = 4): BatchPosition => ({
  index,
  total,
  submissionId: String(index).repeat(64),
  shortId: String(index).repeat(12),
  title: `submission ${index}`,
});
const step = (index: number, total: number): BatchProgress => ({
  kind: "verify",
  progress: { kind: "step", step: { index, total, role: "vanilla", task: "digits", evalSplit: "private", seeds: [42] } },
});

describe("a batch's progress", () => {
  it("says which submission of how many runs, and counts each stored verification", () => {
    let live = initialLiveBatch();
    expect(describeBatch(live)).toBe("starting…");
    expect(batchFraction(live)).toBe(0);
    live = foldBatchProgress(live, { kind: "submission", position: position(1) });
    live = foldBatchProgress(live, step(3, 5));
    expect(live.verify.step?.index).toBe(3);
    live = foldBatchProgress(live, { kind: "verified", verification: {} as VerificationDetail });
    live = foldBatchProgress(live, { kind: "submission", position: position(2) });
    expect(describeBatch(live)).toBe("submission 2 of 4 · submission 2");
    expect(live.verify.step, "the next submission's runs start afresh").toBeNull();
    expect(live.stored).toBe(1);
    // One submission done of four, the second half way: 1.5 / 4.
    live = foldBatchProgress(live, step(3, 4));
    expect(batchFraction(live)).toBeCloseTo(0.5 / 4 + 1 / 4);
  });
  it("says where a cancelled batch stopped and what it stored", () => {
    const at = (index: number, stored: number) => ({ ...initialLiveBatch(), position: position(index, 3), stored });
    expect(describeStoppedBatch(at(2, 1))).toBe("at submission 2 of 3; 1 verification stored");
    expect(describeStoppedBatch(at(1, 0))).toBe("at submission 1 of 3; nothing stored");
    expect(describeStoppedBatch(at(3, 2))).toBe("at submission 3 of 3; 2 verifications stored");
    expect(describeStoppedBatch(initialLiveBatch())).toBe("before the first submission; nothing stored");
  });
});

describe("the batch table", () => {
  const row = (overrides: Partial<BatchRow>): BatchRow => ({
    submissionId: "a".repeat(64),
    shortId: "a".repeat(12),
    title: "A",
    verificationId: "v".repeat(64),
    vote: "+1",
    failed: [],
    deltaPgr: 0.0412,
    p: 0.012,
    pHolm: 0.048,
    pBh: 0.024,
    ...overrides,
  });
  it("shows the vote, the failed checks by name, a signed gain and the three p-values as the report does", () => {
    expect(batchCells(row({}))).toEqual({
      vote: "Verified +1",
      voteTone: "pass",
      failed: "none",
      delta: "+0.041",
      p: "0.0120",
      pHolm: "0.0480",
      pBh: "0.0240",
    });
    const refuted = batchCells(row({ vote: "-1", failed: ["reproduction", "teacher_ablation"], deltaPgr: -0.2, p: 0.00001 }));
    expect(refuted).toMatchObject({ vote: "Verified \u22121", voteTone: "fail", failed: "Reproduction, Teacher ablation", delta: "\u22120.200", p: "< 0.0001" });
  });
  it("shows a dash where significance had no p-value (a stopped verification)", () => {
    expect(batchCells(row({ deltaPgr: null, p: null, pHolm: null, pBh: null }))).toMatchObject({ delta: "—", p: "—", pHolm: "—", pBh: "—" });
  });
  it("explains in one sentence why corrected p-values are shown", () => {
    expect(CORRECTION_NOTE).toMatch(/best of many noisy submissions looks better than it is/);
    expect(CORRECTION_NOTE.match(/\. /g)).toBeNull();
  });
});

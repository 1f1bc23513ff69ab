import { describe, expect, it } from "vitest";
import { bestClaim, checkSeeds, claimFlags, hasPgrMismatch, perSeedMean, seedsArePreregistered, summaryHasFlags } from "./claims";
import { claim, summary } from "./test-fixtures";

describe("PGR recomputation flag", () => {
  it("does not flag a claim within 0.02 of the recomputed PGR", () => {
    expect(hasPgrMismatch(claim({ pgr: 0.436, recomputedPgr: 0.42 }))).toBe(false);
  });
  it("does not flag a difference of exactly the tolerance (floating-point noise must not raise flags)", () => {
    expect(hasPgrMismatch(claim({ pgr: 0.45, recomputedPgr: 0.43 }))).toBe(false);
  });
  it("flags a claim more than 0.02 away, in either direction", () => {
    expect(hasPgrMismatch(claim({ pgr: 0.5, recomputedPgr: 0.45 }))).toBe(true);
    expect(hasPgrMismatch(claim({ pgr: 0.4, recomputedPgr: 0.45 }))).toBe(true);
  });
  it("cannot flag without the accuracies to recompute from", () => {
    expect(hasPgrMismatch(claim({ pgr: 0.9, recomputedPgr: null }))).toBe(false);
  });
  it("explains the mismatch with both numbers and the signed difference", () => {
    const flags = claimFlags(claim({ pgr: 0.5, recomputedPgr: 0.45 }));
    expect(flags).toHaveLength(1);
    expect(flags[0]!.kind).toBe("pgrMismatch");
    expect(flags[0]!.message).toContain("0.500");
    expect(flags[0]!.message).toContain("0.450");
    expect(flags[0]!.message).toContain("+0.050");
  });
});

describe("seed checks", () => {
  it("accepts exactly the pre-registered seeds, in any order", () => {
    expect(seedsArePreregistered([46, 45, 44, 43, 42])).toBe(true);
  });
  it("reports extra and missing seeds separately", () => {
    expect(checkSeeds([1, 42, 43, 44, 45])).toEqual({ extra: [1], missing: [46] });
  });
  it("flags cherry-picked seeds", () => {
    const flags = claimFlags(claim({ seeds: [42, 44, 7] }));
    expect(flags.map((f) => f.kind)).toEqual(["seeds"]);
    expect(flags[0]!.message).toContain("not pre-registered: 7");
    expect(flags[0]!.message).toContain("missing: 43, 45, 46");
  });
  it("flags a claim that lists no seeds at all", () => {
    expect(claimFlags(claim({ seeds: [] }))[0]!.message).toContain("No seeds");
  });
});

describe("per-seed consistency", () => {
  it("averages the per-seed PGRs", () => {
    const c = claim({ perSeed: [{ seed: 42, pgr: 0.4, studentAcc: null }, { seed: 43, pgr: 0.6, studentAcc: null }] });
    expect(perSeedMean(c)).toBeCloseTo(0.5);
  });
  it("flags a claimed PGR that is not the mean of its own seeds", () => {
    const c = claim({ pgr: 0.6, recomputedPgr: 0.6, perSeed: [{ seed: 42, pgr: 0.4, studentAcc: null }] });
    expect(claimFlags(c).map((f) => f.kind)).toEqual(["perSeedMean"]);
  });
});

describe("summaries", () => {
  it("picks the best claim for the queue", () => {
    const s = summary({ claims: [claim({ task: "wine", pgr: 0.3 }), claim({ task: "digits", pgr: 0.6 })] });
    expect(bestClaim(s)?.task).toBe("digits");
    expect(bestClaim(summary({ claims: [] }))).toBeNull();
  });
  it("marks a row whose claims raise any flag", () => {
    expect(summaryHasFlags(summary())).toBe(false);
    expect(summaryHasFlags(summary({ claims: [claim({ seeds: [1] })] }))).toBe(true);
  });
});

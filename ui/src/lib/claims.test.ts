import { describe, expect, it } from "vitest";
import type { CheckResult } from "./bindings";
import { bestClaim, flagOf, summaryHasFlags, tasksOf } from "./claims";
import { claim, summary } from "./test-fixtures";

const seedsFlag: CheckResult = {
  id: "seeds",
  status: "fail",
  summary: "Pre-registered seeds missing from the claim: 43–46.",
  inconclusive: false,
  figures: [],
  per_seed: [],
  notes: [],
};

describe("summaries", () => {
  it("picks the best claim for the queue", () => {
    const s = summary({ claims: [claim({ task: "wine", pgr: 0.3 }), claim({ task: "digits", pgr: 0.6 })] });
    expect(bestClaim(s)?.task).toBe("digits");
    expect(bestClaim(summary({ claims: [] }))).toBeNull();
  });
  it("marks a row whose claims carry any flag from the backend", () => {
    expect(summaryHasFlags(summary())).toBe(false);
    expect(summaryHasFlags(summary({ claims: [claim(), claim({ flags: [seedsFlag] })] }))).toBe(true);
  });
  it("finds a claim's flag by check id", () => {
    const c = claim({ flags: [seedsFlag] });
    expect(flagOf(c, "seeds")?.summary).toMatch(/missing/);
    expect(flagOf(c, "claim_consistency")).toBeNull();
  });
  it("lists each task once, in order", () => {
    expect(tasksOf(summary({ claims: [claim({ task: "wine" }), claim({ task: "digits" }), claim({ task: "wine" })] }))).toEqual(["wine", "digits"]);
  });
});

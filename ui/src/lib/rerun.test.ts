import { describe, expect, it } from "vitest";
import {
  PYTHON_SNAPSHOT_REASON,
  claimFor,
  defaultRerunTask,
  latestOnTask,
  methodSubmission,
  reproduction,
  reproductions,
  rerunBlockedReason,
  rerunDraft,
  rerunRequest,
} from "./rerun";
import type { MethodLanguage } from "./bindings";
import { claim, runSummary, summary } from "./test-fixtures";

const PACKS = ["digits", "digits-copyable", "latent", "wine"];

describe("whether a submission can be re-run", () => {
  it("re-runs Rhai methods and says why an AAR Python snapshot cannot be", () => {
    expect(rerunBlockedReason(summary())).toBeNull();
    expect(rerunBlockedReason(summary({ language: "python", rerunnable: false }))).toBe(PYTHON_SNAPSHOT_REASON);
    expect(PYTHON_SNAPSHOT_REASON).toBe("an AAR Python snapshot: it can be read, diffed and judged, not re-run");
    expect(rerunBlockedReason(summary({ language: "lua" as MethodLanguage, rerunnable: false }))).toMatch(/only Rhai/);
  });
});

describe("the re-run form", () => {
  it("starts on the first claimed task that is a known pack", () => {
    const s = summary({ claims: [claim({ task: "imdb" }), claim({ task: "wine" }), claim({ task: "digits" })] });
    expect(defaultRerunTask(s, PACKS)).toBe("wine");
  });

  it("falls back to digits, else the first pack, when no claim names a known pack", () => {
    expect(defaultRerunTask(summary({ claims: [claim({ task: "imdb" })] }), PACKS)).toBe("digits");
    expect(defaultRerunTask(summary({ claims: [] }), [])).toBe("digits");
    expect(defaultRerunTask(summary({ claims: [] }), ["latent", "wine"])).toBe("latent");
  });

  it("defaults to the five pre-registered seeds from 42 and keeps the reviewer's device and split", () => {
    expect(rerunDraft(summary(), PACKS, { device: "gpu", evalSplit: "private" })).toEqual({
      task: "digits",
      seeds: 5,
      firstSeed: 42,
      device: "gpu",
      evalSplit: "private",
    });
  });

  it("asks for the submission's own method", () => {
    const draft = rerunDraft(summary(), PACKS, { device: "cpu", evalSplit: "test" });
    const check = rerunRequest("3f9e0c12", draft);
    expect(check.ok && check.request).toEqual({
      method: { kind: "submission", id: "3f9e0c12" },
      task: "digits",
      seeds: 5,
      firstSeed: 42,
      device: "cpu",
      evalSplit: "test",
    });
    expect(check.ok && methodSubmission(check.request)).toBe("3f9e0c12");
    expect(rerunRequest("3f9e0c12", { ...draft, seeds: 0 }).ok).toBe(false);
    expect(methodSubmission({})).toBeNull();
    expect(methodSubmission({ method: { kind: "vanilla" } })).toBeNull();
    expect(methodSubmission({ method: { kind: "file", path: "/tmp/m.rhai" } })).toBeNull();
  });
});

describe("reproduced next to claimed", () => {
  const claims = [claim({ task: "digits", split: "dev", pgr: 0.436, pgrSe: 0.053 }), claim({ task: "digits", split: "test", pgr: 0.5 })];

  it("compares with the claim on the same task and split, else the first on the task", () => {
    expect(claimFor(claims, "digits", "test")?.pgr).toBe(0.5);
    expect(claimFor(claims, "digits", "private")?.pgr).toBe(0.436);
    expect(claimFor(claims, "wine", "test")).toBeNull();
  });

  it("agrees within two standard errors of the difference", () => {
    const r = reproduction(runSummary({ evalSplit: "private", pgr: 0.4, pgrSe: 0.04 }), claims);
    expect(r.claim?.pgr).toBe(0.436);
    expect(r.delta).toBeCloseTo(-0.036);
    expect(r.differs).toBe(false);
    const far = reproduction(runSummary({ evalSplit: "private", pgr: 0.2, pgrSe: 0.04 }), claims);
    expect(far.differs).toBe(true);
  });

  it("holds a single-seed run (no SE) to the recomputation tolerance", () => {
    const close = reproduction(runSummary({ evalSplit: "private", seeds: [42], pgr: 0.45, pgrSe: null }), claims);
    expect(close.differs).toBe(false);
    const off = reproduction(runSummary({ evalSplit: "private", seeds: [42], pgr: 0.5, pgrSe: null }), claims);
    expect(off.differs).toBe(true);
  });

  it("has nothing to compare without a claim on the task or a defined PGR", () => {
    expect(reproduction(runSummary({ task: "digits-copyable" }), claims)).toMatchObject({ claim: null, delta: null, differs: null });
    expect(reproduction(runSummary({ pgr: null }), claims)).toMatchObject({ delta: null, differs: null });
  });

  it("finds the newest run on a task for the claims table", () => {
    const list = reproductions(
      [runSummary({ id: "new", task: "wine" }), runSummary({ id: "mid", task: "digits" }), runSummary({ id: "old", task: "digits" })],
      claims,
    );
    expect(latestOnTask(list, "digits")?.run.id).toBe("mid");
    expect(latestOnTask(list, "latent")).toBeNull();
  });
});

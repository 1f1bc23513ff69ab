// Red flags a reviewer checks first in a claimed result. Pure functions over ClaimView.

import type { ClaimView, SubmissionSummary } from "./bindings";
import { formatDelta, formatPgr } from "./format";

/** The seeds every W2S submission pre-registers. */
export const PREREGISTERED_SEEDS: readonly number[] = [42, 43, 44, 45, 46];

/** How far a claimed PGR may sit from the one recomputed from its accuracies. */
export const PGR_TOLERANCE = 0.02;

// Floating-point slack so that a difference of exactly the tolerance is not flagged.
const EPSILON = 1e-9;

export type FlagKind = "pgrMismatch" | "seeds" | "perSeedMean";

export interface ClaimFlag {
  kind: FlagKind;
  /** One sentence a reviewer can act on. */
  message: string;
}

/** claimed − recomputed, when the claim carries all three accuracies. */
export function pgrDiscrepancy(claim: ClaimView): number | null {
  if (claim.recomputedPgr === null) return null;
  return claim.pgr - claim.recomputedPgr;
}

export function hasPgrMismatch(claim: ClaimView, tolerance = PGR_TOLERANCE): boolean {
  const delta = pgrDiscrepancy(claim);
  return delta !== null && Math.abs(delta) > tolerance + EPSILON;
}

export interface SeedCheck {
  /** Seeds the claim used that are not pre-registered. */
  extra: number[];
  /** Pre-registered seeds the claim left out. */
  missing: number[];
}

export function checkSeeds(seeds: readonly number[]): SeedCheck {
  const used = new Set(seeds);
  const registered = new Set(PREREGISTERED_SEEDS);
  return {
    extra: [...used].filter((s) => !registered.has(s)).sort((a, b) => a - b),
    missing: PREREGISTERED_SEEDS.filter((s) => !used.has(s)),
  };
}

export function seedsArePreregistered(seeds: readonly number[]): boolean {
  const { extra, missing } = checkSeeds(seeds);
  return extra.length === 0 && missing.length === 0;
}

/** The mean of the per-seed PGRs, when there are any. */
export function perSeedMean(claim: ClaimView): number | null {
  if (claim.perSeed.length === 0) return null;
  return claim.perSeed.reduce((sum, s) => sum + s.pgr, 0) / claim.perSeed.length;
}

/** Every red flag of one claim, in the order a reviewer reads them. */
export function claimFlags(claim: ClaimView): ClaimFlag[] {
  const flags: ClaimFlag[] = [];
  const delta = pgrDiscrepancy(claim);
  if (delta !== null && hasPgrMismatch(claim)) {
    flags.push({
      kind: "pgrMismatch",
      message: `Claimed PGR ${formatPgr(claim.pgr, 3)} differs from ${formatPgr(claim.recomputedPgr, 3)} recomputed from the accuracies (${formatDelta(delta)}).`,
    });
  }
  if (claim.seeds.length === 0) {
    flags.push({ kind: "seeds", message: "No seeds listed; the pre-registered set is 42–46." });
  } else {
    const { extra, missing } = checkSeeds(claim.seeds);
    const parts: string[] = [];
    if (extra.length > 0) parts.push(`not pre-registered: ${extra.join(", ")}`);
    if (missing.length > 0) parts.push(`missing: ${missing.join(", ")}`);
    if (parts.length > 0) flags.push({ kind: "seeds", message: `Seeds differ from 42–46 (${parts.join("; ")}).` });
  }
  const mean = perSeedMean(claim);
  if (mean !== null && Math.abs(mean - claim.pgr) > PGR_TOLERANCE + EPSILON) {
    flags.push({
      kind: "perSeedMean",
      message: `Mean of the per-seed PGRs is ${formatPgr(mean, 3)}, not the claimed ${formatPgr(claim.pgr, 3)}.`,
    });
  }
  return flags;
}

/** The claim with the highest PGR (what the queue shows), if any. */
export function bestClaim(summary: SubmissionSummary): ClaimView | null {
  let best: ClaimView | null = null;
  for (const c of summary.claims) if (best === null || c.pgr > best.pgr) best = c;
  return best;
}

/** Whether any claim of the submission raises a flag (the queue marks such rows). */
export function summaryHasFlags(summary: SubmissionSummary): boolean {
  return summary.claims.some((c) => claimFlags(c).length > 0);
}

/** Distinct task names, in first-seen order. */
export function tasksOf(summary: SubmissionSummary): string[] {
  return [...new Set(summary.claims.map((c) => c.task))];
}

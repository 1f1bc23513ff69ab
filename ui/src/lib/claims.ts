// Claims as the queue and the overview show them. The red flags themselves are computed in Rust
// (`crates/checks`, delivered as `ClaimView.flags`): nothing here decides what is suspicious.

import type { CheckResult, ClaimView, SubmissionSummary } from "./bindings";

/** The seeds every W2S submission pre-registers; the per-seed plot marks seeds outside them. */
export const PREREGISTERED_SEEDS: readonly number[] = [42, 43, 44, 45, 46];

/** The flag of one check on a claim, if that check raised one. */
export function flagOf(claim: ClaimView, id: CheckResult["id"]): CheckResult | null {
  return claim.flags.find((f) => f.id === id) ?? null;
}

/** The claim with the highest PGR (what the queue shows), if any. */
export function bestClaim(summary: SubmissionSummary): ClaimView | null {
  let best: ClaimView | null = null;
  for (const c of summary.claims) if (best === null || c.pgr > best.pgr) best = c;
  return best;
}

/** Whether any claim of the submission raises a flag (the queue marks such rows). */
export function summaryHasFlags(summary: SubmissionSummary): boolean {
  return summary.claims.some((c) => c.flags.length > 0);
}

/** Distinct task names, in first-seen order. */
export function tasksOf(summary: SubmissionSummary): string[] {
  return [...new Set(summary.claims.map((c) => c.task))];
}

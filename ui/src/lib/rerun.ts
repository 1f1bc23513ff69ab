// Re-running a submission's own method from its page: whether it can be, the form's defaults,
// and its stored runs next to what the submission claimed. Pure functions over the transport types.

import type { ClaimView, RunRequest, RunSummary, SubmissionSummary } from "./bindings";
import { DEFAULT_FIRST_SEED, DEFAULT_SEEDS, buildRunRequest, type DraftCheck, type RunDraft } from "./runs";

export const PYTHON_SNAPSHOT_REASON = "an AAR Python snapshot: it can be read, diffed and judged, not re-run";

/** Why the submission's method cannot be re-run here, or null when it can. */
export function rerunBlockedReason(summary: Pick<SubmissionSummary, "rerunnable" | "language">): string | null {
  if (summary.rerunnable) return null;
  if (summary.language === "python") return PYTHON_SNAPSHOT_REASON;
  return `a ${summary.language} method: AAR Review's engine re-runs only Rhai methods`;
}

/** The pack a re-run starts on when no claim names a known one. */
export const FALLBACK_TASK = "digits";

/** The first claimed task that is a known pack, else digits (else the first pack). */
export function defaultRerunTask(summary: Pick<SubmissionSummary, "claims">, packs: readonly string[]): string {
  const claimed = summary.claims.find((c) => packs.includes(c.task));
  if (claimed) return claimed.task;
  if (packs.length === 0 || packs.includes(FALLBACK_TASK)) return FALLBACK_TASK;
  return packs[0]!;
}

/** Device and split carry over from the reviewer's last re-run; the rest starts from defaults. */
export type RerunPrefs = Pick<RunDraft, "device" | "evalSplit">;

export function rerunDraft(summary: Pick<SubmissionSummary, "claims">, packs: readonly string[], prefs: RerunPrefs): RunDraft {
  return {
    task: defaultRerunTask(summary, packs),
    seeds: DEFAULT_SEEDS,
    firstSeed: DEFAULT_FIRST_SEED,
    device: prefs.device,
    evalSplit: prefs.evalSplit,
  };
}

/** The request that re-runs the submission's own method with the form's settings. */
export function rerunRequest(submissionId: string, draft: RunDraft): DraftCheck {
  return buildRunRequest(draft, { kind: "submission", id: submissionId });
}

/** The submission a request runs the method of, if it is one. */
export function methodSubmission(request: Pick<RunRequest, "method">): string | null {
  return request.method?.kind === "submission" ? request.method.id : null;
}

/** The claim a re-run on `task` is compared with: the one on the same split, else the first. */
export function claimFor(claims: readonly ClaimView[], task: string, split: string): ClaimView | null {
  const onTask = claims.filter((c) => c.task === task);
  return onTask.find((c) => c.split === split) ?? onTask[0] ?? null;
}

export interface Reproduction {
  run: RunSummary;
  claim: ClaimView | null;
  /** reproduced − claimed, when both are defined. */
  delta: number | null;
  /**
   * Whether the two disagree: further apart than two standard errors of the difference (both
   * SEs known), else than the tolerance a recomputed PGR gets. Null when there is nothing to
   * compare.
   */
  differs: boolean | null;
}

/** Without standard errors, how far a run may sit from the claim before the Reproduced cell is
 * highlighted. A display hint only: the verdict on a claim is `aar-review verify`'s. */
const PGR_TOLERANCE = 0.02;

// Floating-point slack so that a difference of exactly the bound is not flagged.
const EPSILON = 1e-9;

export function reproduction(run: RunSummary, claims: readonly ClaimView[]): Reproduction {
  const claim = claimFor(claims, run.task, run.evalSplit);
  if (claim === null || run.pgr === null) return { run, claim, delta: null, differs: null };
  const delta = run.pgr - claim.pgr;
  const se = run.pgrSe !== null && claim.pgrSe !== null ? Math.hypot(run.pgrSe, claim.pgrSe) : null;
  const bound = se !== null && se > 0 ? 2 * se : PGR_TOLERANCE;
  return { run, claim, delta, differs: Math.abs(delta) > bound + EPSILON };
}

/** Every stored run of the submission (newest first, as the backend lists them) with its claim. */
export function reproductions(runs: readonly RunSummary[], claims: readonly ClaimView[]): Reproduction[] {
  return runs.map((r) => reproduction(r, claims));
}

/** The newest run on `task`, for the claims table's Reproduced column. */
export function latestOnTask(list: readonly Reproduction[], task: string): Reproduction | null {
  return list.find((r) => r.run.task === task) ?? null;
}

// Verifying a submission from its page: the request, the progress across its runs, how checks and
// votes are labelled, and the queue's `verified:` filter. Pure functions over the transport types.
// The verdict itself is computed in Rust (`aar-checks`); nothing here decides anything.

import type {
  CheckId,
  CheckResult,
  CheckStatus,
  DeviceChoice,
  Figure,
  RunRole,
  SeedEvidence,
  SubmissionSummary,
  SuggestedVote,
  Unit,
  VerificationDetail,
  VerificationState,
  VerifyProgress,
  VerifyRequest,
  VerifyStep,
} from "./bindings";
import { formatPgr } from "./format";
import { DEFAULT_FIRST_SEED, MAX_SEEDS, PHASE_LABELS, foldProgress, fractionDone, initialLiveRun, seedRange, seedsLabel, type LiveRun } from "./runs";

/** The AAR convention: a verification uses at least the five pre-registered seeds. */
export const VERIFY_MIN_SEEDS = 5;
export const VERIFY_MAX_SEEDS = MAX_SEEDS;

// ---------- The request ----------

export interface VerifyDraft {
  task: string;
  /** A number input's value: a number, or "" / NaN while being edited. */
  seeds: number;
  device: DeviceChoice;
  /** Skip the other packs and the negative control (a first look). */
  quick?: boolean;
}

export type VerifyCheck = { ok: true; request: VerifyRequest } | { ok: false; problem: string };

export interface VerifyRequestOptions {
  /** An empty pack means each submission's first claimed pack (a batch), not a missing answer. */
  claimedPackByDefault?: boolean;
}

export function buildVerifyRequest(draft: VerifyDraft, options: VerifyRequestOptions = {}): VerifyCheck {
  const task = draft.task.trim();
  if (task === "" && !options.claimedPackByDefault) return { ok: false, problem: "Pick a task pack." };
  const seeds = Number(draft.seeds);
  if (!Number.isInteger(seeds) || seeds < VERIFY_MIN_SEEDS) {
    return { ok: false, problem: `Seeds: a whole number, at least ${VERIFY_MIN_SEEDS} (the pre-registered 42–46).` };
  }
  if (seeds > VERIFY_MAX_SEEDS) return { ok: false, problem: `Seeds: at most ${VERIFY_MAX_SEEDS}.` };
  const request: VerifyRequest = { seeds, device: draft.device, quick: draft.quick ?? false };
  if (task !== "") request.task = task;
  return { ok: true, request };
}

/** The seeds a verification with `count` seeds uses: "42–46". */
export function verifySeedsLabel(count: number): string {
  return seedsLabel(seedRange(DEFAULT_FIRST_SEED, count));
}

// ---------- Progress ----------

/** What a verification's runs are for, for people (the step names the pack). */
export const ROLE_LABELS: Record<RunRole, string> = {
  replay: "replay of the claim",
  method: "method",
  vanilla: "vanilla",
  shuffled_teacher: "shuffled teacher",
  partly_shuffled_teacher: "partly shuffled teacher",
  uniform_teacher: "uniform teacher",
  other_pack_method: "method",
  other_pack_vanilla: "vanilla",
  negative_control: "method (negative control)",
  negative_control_vanilla: "vanilla (negative control)",
};

export interface LiveVerify {
  /** The run under way; null until the first one starts. */
  step: VerifyStep | null;
  /** Runs finished before the current one. */
  finished: number;
  /** The current run's progress, reset as each run starts. */
  run: LiveRun;
}

export function initialLiveVerify(): LiveVerify {
  return { step: null, finished: 0, run: initialLiveRun() };
}

/** Folds one event into the state. Returns a new state; the old one is untouched. */
export function foldVerifyProgress(state: LiveVerify, event: VerifyProgress): LiveVerify {
  if (event.kind === "step") {
    const step = event.step;
    return { step, finished: Math.max(0, step.index - 1), run: initialLiveRun() };
  }
  // Epoch events before any step (there should be none) still count, against no run.
  return { ...state, run: foldProgress(state.run, event.progress) };
}

/** Share of the whole verification done, in [0, 1]: finished runs plus the current one's share. */
export function verifyFraction(state: LiveVerify): number {
  const total = state.step?.total ?? 0;
  if (total <= 0) return 0;
  const done = state.finished + fractionDone(state.run);
  return Math.min(1, Math.max(0, done / total));
}

/** One line: "run 3/11 · shuffled teacher on digits · seed 43 · epoch 12/40". */
export function describeVerify(state: LiveVerify): string {
  const step = state.step;
  if (step === null) return "starting…";
  const head = `run ${step.index}/${step.total} · ${ROLE_LABELS[step.role]} on ${step.task}`;
  const c = state.run.current;
  if (c === null) return `${head} · starting…`;
  return `${head} · seed ${c.seed} · epoch ${c.epoch}/${c.epochs}`;
}

/** The longer form, for a tooltip: adds the split, the model being trained and the loss. */
export function describeVerifyDetail(state: LiveVerify): string {
  const step = state.step;
  if (step === null) return "Setting up the verification";
  const c = state.run.current;
  const parts = [`${ROLE_LABELS[step.role]} on ${step.task}, ${step.evalSplit} split, seeds ${seedsLabel(step.seeds)}`];
  if (c !== null) parts.push(`${PHASE_LABELS[c.phase]}, loss ${Number.isFinite(c.loss) ? c.loss.toFixed(3) : "—"}`);
  return parts.join(" · ");
}

// ---------- Checks and votes ----------

/** The colour family of a status: the CSS class `tone-<tone>`. */
export type Tone = "pass" | "warn" | "fail" | "na";

export function statusTone(status: CheckStatus): Tone {
  return status === "not_applicable" ? "na" : status;
}

/** What the chip says: a warn that the data cannot resolve reads "inconclusive", as in the report. */
export function statusLabel(check: Pick<CheckResult, "status" | "inconclusive">): string {
  if (check.status === "warn" && check.inconclusive) return "inconclusive";
  return check.status === "not_applicable" ? "n/a" : check.status;
}

/** The checks' names, for people. */
export const CHECK_LABELS: Record<CheckId, string> = {
  reproduction: "Reproduction",
  teacher_ablation: "Teacher ablation",
  significance: "Significance",
  generalisation: "Generalisation",
  seeds: "Seeds",
  dev_vs_private: "Dev vs private",
  sandbox: "Sandbox",
  claim_consistency: "Claim consistency",
  negative_control: "Negative control",
};

/** As the report writes the vote. */
export function voteLabel(vote: SuggestedVote): string {
  switch (vote) {
    case "+1":
      return "Verified +1";
    case "-1":
      return "Verified \u22121";
    case "needs_human":
      return "needs a human";
  }
}

export function voteTone(vote: SuggestedVote): Tone {
  return vote === "+1" ? "pass" : vote === "-1" ? "fail" : "warn";
}

export interface VerificationBadge {
  /** "✓", "✗", "?"; empty when never verified. */
  glyph: string;
  tone: Tone | null;
  /** The tooltip: the vote, pack, date and the checks that failed or warned. */
  title: string;
}

/** What the queue's summaries say of a verification (as the backend derives it), from the stored one. */
export function verificationStateOf(v: VerificationDetail): VerificationState {
  const ids = (status: CheckStatus) => v.report.checks.filter((c) => c.status === status).map((c) => c.id);
  return {
    id: v.id,
    vote: v.report.suggestion.vote,
    failed: ids("fail"),
    warned: ids("warn"),
    task: v.report.task,
    finishedAt: v.report.finished_at,
  };
}

/** The queue's badge for a submission's newest verification. */
export function verificationBadge(state: VerificationState | null): VerificationBadge {
  if (state === null) return { glyph: "", tone: null, title: "Not verified yet (V verifies it)" };
  const glyph = state.vote === "+1" ? "✓" : state.vote === "-1" ? "✗" : "?";
  const lines = [`${voteLabel(state.vote)} on ${state.task}, ${state.finishedAt.slice(0, 10)}`];
  if (state.failed.length > 0) lines.push(`failed: ${state.failed.join(", ")}`);
  if (state.warned.length > 0) lines.push(`warned: ${state.warned.join(", ")}`);
  if (state.failed.length === 0 && state.warned.length === 0) lines.push("no check failed or warned");
  return { glyph, tone: voteTone(state.vote), title: lines.join("\n") };
}

/** A number in its unit, as the report prints it: PGR and accuracy to three places, p in full to 1e-4. */
export function formatValue(value: number | null | undefined, unit: Unit): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return "—";
  switch (unit) {
    case "p_value":
      return value < 1e-4 ? "< 0.0001" : value.toFixed(4);
    case "count":
      return value.toFixed(0);
    default:
      return formatPgr(value, 3);
  }
}

/** "0.412 [0.301, 0.520]". */
export function formatFigure(f: Figure): string {
  const main = formatValue(f.value, f.unit);
  const ci = f.ci95;
  return ci ? `${main} [${formatValue(ci[0], f.unit)}, ${formatValue(ci[1], f.unit)}]` : main;
}

export const UNIT_NAMES: Record<Unit, string> = {
  pgr: "PGR",
  accuracy: "accuracy",
  p_value: "p",
  count: "count",
  ratio: "ratio",
};

/** A matrix column's unit: "p" columns hold p-values, the others PGRs (as the report's matrix). */
export function matrixCellUnit(column: string | undefined): Unit {
  return column !== undefined && /^p\b/i.test(column.trim()) ? "p_value" : "pgr";
}

export type SeedColumn = "claimed" | "reproduced" | "baseline";

export const SEED_COLUMN_LABELS: Record<SeedColumn, string> = {
  claimed: "Claimed",
  reproduced: "Reproduced",
  baseline: "Baseline",
};

/** The per-seed table's value columns: those some seed has a value in, in the report's order. */
export function seedColumns(perSeed: readonly SeedEvidence[]): SeedColumn[] {
  const has = (k: SeedColumn) => perSeed.some((s) => s[k] !== null && s[k] !== undefined);
  return (["claimed", "reproduced", "baseline"] as const).filter(has);
}

/** Whether a check has anything to show beyond its summary sentence. */
export function hasEvidence(c: CheckResult): boolean {
  return (
    (c.figures?.length ?? 0) > 0 ||
    (c.per_seed?.length ?? 0) > 0 ||
    (c.matrix?.rows.length ?? 0) > 0 ||
    (c.notes?.length ?? 0) > 0 ||
    (c.detectable !== null && c.detectable !== undefined)
  );
}

// ---------- The queue's filter ----------

/** What a `verified:` token asks for. */
export type VerifiedFilter = SuggestedVote | "none" | "any";

const TOKEN = /^verified:(.*)$/i;

const FILTER_VALUES: Record<string, VerifiedFilter> = {
  "+1": "+1",
  "1": "+1",
  "-1": "-1",
  "\u22121": "-1",
  "?": "needs_human",
  human: "needs_human",
  needs_human: "needs_human",
  none: "none",
  any: "any",
};

/** The token's canonical spelling, as the queue's select writes it. */
export const FILTER_TOKENS: Record<VerifiedFilter, string> = {
  "+1": "verified:+1",
  "-1": "verified:-1",
  needs_human: "verified:?",
  none: "verified:none",
  any: "verified:any",
};

/**
 * A filter word read as a `verified:` token: the filter it asks for, `"invalid"` for a value it
 * does not know (which matches nothing), or null when the word is not such a token. `verified:`
 * alone, half typed, asks for nothing.
 */
export function parseVerifiedToken(word: string): VerifiedFilter | "invalid" | "empty" | null {
  const m = TOKEN.exec(word.trim());
  if (!m) return null;
  const value = m[1]!.toLowerCase();
  if (value === "") return "empty";
  return FILTER_VALUES[value] ?? "invalid";
}

export function matchesVerified(state: VerificationState | null, filter: VerifiedFilter): boolean {
  switch (filter) {
    case "none":
      return state === null;
    case "any":
      return state !== null;
    default:
      return state?.vote === filter;
  }
}

/** The last `verified:` filter in the text, for the queue's select; null when there is none. */
export function verifiedFilterOf(text: string): VerifiedFilter | null {
  let found: VerifiedFilter | null = null;
  for (const word of text.split(/\s+/)) {
    const f = parseVerifiedToken(word);
    if (f !== null && f !== "invalid" && f !== "empty") found = f;
  }
  return found;
}

/** The filter text with its `verified:` tokens replaced by `filter`'s (removed for null). */
export function withVerifiedFilter(text: string, filter: VerifiedFilter | null): string {
  const words = text.split(/\s+/).filter((w) => w.length > 0 && parseVerifiedToken(w) === null);
  if (filter !== null) words.push(FILTER_TOKENS[filter]);
  return words.join(" ");
}

/** Whether a submission passes the `verified:` words of the filter; other words are ignored here. */
export function matchesVerifiedWords(s: Pick<SubmissionSummary, "verification">, words: readonly string[]): boolean {
  for (const word of words) {
    const f = parseVerifiedToken(word);
    if (f === null || f === "empty") continue;
    if (f === "invalid" || !matchesVerified(s.verification, f)) return false;
  }
  return true;
}

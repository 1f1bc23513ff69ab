// Verifying a batch of submissions: its progress (which submission of how many, then that
// verification's runs) and its table, with each gain's p-value raw and corrected across the batch.
// Pure functions over the transport types; the corrections are computed in Rust (`aar-checks`).

import type { BatchPosition, BatchProgress, BatchRow, CheckId } from "./bindings";
import { formatDelta } from "./format";
import { CHECK_LABELS, foldVerifyProgress, formatValue, initialLiveVerify, verifyFraction, voteLabel, voteTone, type LiveVerify, type Tone } from "./verify";

export interface LiveBatch {
  /** The submission being verified; null until the first starts. */
  position: BatchPosition | null;
  /** Its verification's progress, reset as each submission starts. */
  verify: LiveVerify;
  /** Verifications of the batch stored so far: they stay, whatever happens to the rest. */
  stored: number;
}

export function initialLiveBatch(): LiveBatch {
  return { position: null, verify: initialLiveVerify(), stored: 0 };
}

/** Folds one event into the state. Returns a new state; the old one is untouched. */
export function foldBatchProgress(state: LiveBatch, event: BatchProgress): LiveBatch {
  switch (event.kind) {
    case "submission":
      return { ...state, position: event.position, verify: initialLiveVerify() };
    case "verify":
      return { ...state, verify: foldVerifyProgress(state.verify, event.progress) };
    case "verified":
      return { ...state, stored: state.stored + 1 };
  }
}

/** Share of the whole batch done, in [0, 1]: every submission counts the same. */
export function batchFraction(state: LiveBatch): number {
  const p = state.position;
  if (p === null || p.total <= 0) return 0;
  return Math.min(1, Math.max(0, (p.index - 1 + verifyFraction(state.verify)) / p.total));
}

/** "submission 2 of 3 · logconf v2", or "starting…" before the first. */
export function describeBatch(state: LiveBatch): string {
  const p = state.position;
  return p === null ? "starting…" : `submission ${p.index} of ${p.total} · ${p.title}`;
}

/** What a cancelled batch left: "at submission 2 of 3; 1 verification stored". */
export function describeStoppedBatch(state: LiveBatch): string {
  const where = state.position ? `at submission ${state.position.index} of ${state.position.total}` : "before the first submission";
  const stored = state.stored === 0 ? "nothing stored" : `${state.stored} verification${state.stored === 1 ? "" : "s"} stored`;
  return `${where}; ${stored}`;
}

/** Why the table shows corrected p-values: one sentence, under the table. */
export const CORRECTION_NOTE =
  "The best of many noisy submissions looks better than it is, so each p-value is also shown corrected across the batch: " +
  "Holm bounds the chance that any gain in the batch is a fluke, Benjamini–Hochberg the share of flukes among the gains called significant; " +
  "the suggested vote is the one Holm's correction leaves, so a gain that does not survive it is not a verified gain.";

/** One row of the batch table, as shown. */
export interface BatchCells {
  vote: string;
  voteTone: Tone;
  /** The failed checks' names, "none" when none failed. */
  failed: string;
  delta: string;
  p: string;
  pHolm: string;
  pBh: string;
}

export function failedLabel(failed: readonly CheckId[]): string {
  return failed.length === 0 ? "none" : failed.map((id) => CHECK_LABELS[id]).join(", ");
}

export function batchCells(row: BatchRow): BatchCells {
  return {
    vote: voteLabel(row.vote),
    voteTone: voteTone(row.vote),
    failed: failedLabel(row.failed),
    delta: row.deltaPgr === null ? "—" : formatDelta(row.deltaPgr),
    p: formatValue(row.p, "p_value"),
    pHolm: formatValue(row.pHolm, "p_value"),
    pBh: formatValue(row.pBh, "p_value"),
  };
}

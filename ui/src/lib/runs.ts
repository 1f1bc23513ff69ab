// The Runs view's logic: folding live progress, describing it, plotting loss curves, building a
// request from the form. Pure functions over the transport types.

import type {
  DeviceChoice,
  EvalSplit,
  MethodSource,
  Phase,
  ModelRecord,
  ModelView,
  ProtocolConfigRecord,
  RunProgress,
  RunRequest,
  RunTimings,
  SeedOutcome as ReportSeed,
} from "./bindings";
import { formatPgr } from "./format";

export type { DeviceChoice, EvalSplit, Phase };
export const PHASES: readonly Phase[] = ["weak", "ceiling", "student"];

/** The engine's names for the three trainings of a seed (the CLI prints the same). */
export const PHASE_LABELS: Record<Phase, string> = {
  weak: "weak teacher",
  ceiling: "strong ceiling",
  student: "strong student",
};

/** The seed the backend starts from when none is given: the first pre-registered seed. */
export const DEFAULT_FIRST_SEED = 42;
export const DEFAULT_SEEDS = 5;
export const MAX_SEEDS = 100;


// ---------- Live progress ----------

export interface LossSeries {
  seed: number;
  /** Mean training loss per epoch; the index is the epoch. */
  losses: number[];
}

export type LossCurves = Record<Phase, LossSeries[]>;

export interface SeedOutcome {
  seed: number;
  weakAcc: number;
  ceilingAcc: number;
  studentAcc: number;
  pgr: number | null;
}

export interface LiveRun {
  /** Null until the backend's `started` event: the run is still being set up. */
  totalEpochs: number | null;
  seedCount: number | null;
  /** Epochs finished, across phases and seeds. */
  done: number;
  /** The epoch that finished last; `epoch` counts from 1, as people do. */
  current: { seed: number; phase: Phase; epoch: number; epochs: number; loss: number } | null;
  /** Accuracies of the seed being trained, phase by phase, until its row is complete. */
  pending: { seed: number; accuracy: Partial<Record<Phase, number>> } | null;
  /** Seeds whose three trainings are done, in the order they finished. */
  seeds: SeedOutcome[];
  curves: LossCurves;
  /** Each phase's epoch count, once seen: a live plot spans it from the start. */
  phaseEpochs: Partial<Record<Phase, number>>;
}

export function initialLiveRun(): LiveRun {
  return {
    totalEpochs: null,
    seedCount: null,
    done: 0,
    current: null,
    pending: null,
    seeds: [],
    curves: { weak: [], ceiling: [], student: [] },
    phaseEpochs: {},
  };
}

function withLoss(series: LossSeries[], seed: number, epoch: number, loss: number): LossSeries[] {
  const i = series.findIndex((s) => s.seed === seed);
  const losses = i >= 0 ? [...series[i]!.losses] : [];
  // Epochs arrive in order; a gap (a dropped message) is left as NaN, which the plot skips.
  while (losses.length < epoch) losses.push(Number.NaN);
  losses[epoch] = loss;
  const next = { seed, losses };
  return i >= 0 ? series.map((s, j) => (j === i ? next : s)) : [...series, next];
}

/** Folds one progress event into the live state. Returns a new state; the old one is untouched. */
export function foldProgress(state: LiveRun, event: RunProgress): LiveRun {
  switch (event.kind) {
    case "started":
      return { ...state, totalEpochs: event.totalEpochs, seedCount: event.seeds };
    case "epoch": {
      const phase = event.phase;
      const next: LiveRun = {
        ...state,
        done: Math.max(state.done, event.done),
        totalEpochs: event.total > 0 ? event.total : state.totalEpochs,
      };
      return {
        ...next,
        current: { seed: event.seed, phase, epoch: event.epoch + 1, epochs: event.epochs, loss: event.loss },
        curves: { ...state.curves, [phase]: withLoss(state.curves[phase], event.seed, event.epoch, event.loss) },
        phaseEpochs: state.phaseEpochs[phase] === event.epochs ? state.phaseEpochs : { ...state.phaseEpochs, [phase]: event.epochs },
      };
    }
    case "phaseFinished": {
      const phase = event.phase;
      const accuracy = state.pending?.seed === event.seed ? state.pending.accuracy : {};
      return { ...state, pending: { seed: event.seed, accuracy: { ...accuracy, [phase]: event.accuracy } } };
    }
    case "seedFinished": {
      const outcome: SeedOutcome = {
        seed: event.seed,
        weakAcc: event.weakAcc,
        ceilingAcc: event.ceilingAcc,
        studentAcc: event.studentAcc,
        pgr: event.pgr,
      };
      return {
        ...state,
        pending: null,
        seeds: [...state.seeds.filter((s) => s.seed !== event.seed), outcome],
      };
    }
  }
}

/** Share of the run's epochs done, in [0, 1]; 0 before the run has said how long it is. */
export function fractionDone(state: LiveRun): number {
  if (state.totalEpochs === null || state.totalEpochs <= 0) return 0;
  return Math.min(1, Math.max(0, state.done / state.totalEpochs));
}

function formatLoss(loss: number): string {
  return Number.isFinite(loss) ? loss.toFixed(3) : "—";
}

/** One line for a run in flight: "seed 43 · strong student · epoch 12/40 · loss 0.412". */
export function describeProgress(state: LiveRun, device: string): string {
  if (state.totalEpochs === null) return "starting…";
  const c = state.current;
  // The first epoch on the GPU waits for wgpu to compile its kernels: seconds without an event.
  if (c === null) return device === "cpu" ? "starting…" : "compiling kernels / starting…";
  const allSeeds = state.seedCount !== null && state.seeds.length >= state.seedCount;
  if (state.done >= state.totalEpochs && allSeeds) return "storing the run…";
  return `seed ${c.seed} · ${PHASE_LABELS[c.phase]} · epoch ${c.epoch}/${c.epochs} · loss ${formatLoss(c.loss)}`;
}

/** The loss curves of a stored run's report, per phase, seeds in the run's order. */
export function curvesOfRun(perSeed: readonly ReportSeed[]): LossCurves {
  return {
    weak: perSeed.map((s) => ({ seed: s.seed, losses: s.curves.weak })),
    ceiling: perSeed.map((s) => ({ seed: s.seed, losses: s.curves.ceiling })),
    student: perSeed.map((s) => ({ seed: s.seed, losses: s.curves.student })),
  };
}

/** The three models of a run's report, in the order they are trained. */
export function modelsOfRun(config: ProtocolConfigRecord): { role: Phase; model: ModelRecord }[] {
  return PHASES.map((role) => ({ role, model: config[role] }));
}

/** Seconds one seed spent training its three models. */
export function seedSeconds(seed: Pick<ReportSeed, "seconds">): number {
  return seed.seconds.weak + seed.seconds.ceiling + seed.seconds.student;
}

/** The method's share of the run's wall time, in [0, 1]; null when the run took no time. */
export function methodShare(timings: Pick<RunTimings, "method_seconds" | "total_seconds">): number | null {
  const { method_seconds: method, total_seconds: total } = timings;
  if (!Number.isFinite(method) || !Number.isFinite(total) || total <= 0) return null;
  return Math.min(1, Math.max(0, method / total));
}

/** A share as a percentage: "12.3%", "<0.1%" for a sliver, "—" for none. */
export function formatShare(share: number | null): string {
  if (share === null || !Number.isFinite(share)) return "—";
  if (share > 0 && share < 0.001) return "<0.1%";
  return `${(share * 100).toFixed(1)}%`;
}

// ---------- Loss plot ----------

export interface LossLine {
  seed: number;
  /** Position in the series list: picks the seed's colour, the same in every phase's plot. */
  index: number;
  /** SVG `points` of each unbroken stretch of finite losses with two points or more. */
  segments: string[];
  /** Finite losses with no finite neighbour, drawn as dots so they do not vanish. */
  dots: { x: number; y: number }[];
  /** The last finite loss, for the tooltip. */
  last: number | null;
}

export interface LossPlotGeometry {
  width: number;
  height: number;
  pad: number;
  lines: LossLine[];
  /** The plotted loss range; null when there is no finite loss to plot. */
  yMin: number | null;
  yMax: number | null;
  /** Epochs on the x axis: the longest series, or the span asked for if longer. */
  epochs: number;
}

function round(v: number): number {
  return Math.round(v * 100) / 100;
}

/**
 * One phase's loss curves: x is the epoch, y the loss, one line per seed on a y range shared by
 * all seeds. NaN and infinite losses break a line rather than bend it. `span` fixes the x axis to
 * a phase's epoch count, so a curve still being trained grows rightwards instead of stretching.
 */
export function lossPlotGeometry(
  series: readonly LossSeries[],
  size: { width: number; height: number; pad: number },
  span = 0,
): LossPlotGeometry {
  const { width, height, pad } = size;
  const epochs = Math.max(span, ...series.map((s) => s.losses.length));
  const finite = series.flatMap((s) => s.losses.filter((v) => Number.isFinite(v)));
  if (finite.length === 0) {
    return {
      width,
      height,
      pad,
      lines: series.map((s, index) => ({ seed: s.seed, index, segments: [], dots: [], last: null })),
      yMin: null,
      yMax: null,
      epochs,
    };
  }
  let lo = Math.min(...finite);
  let hi = Math.max(...finite);
  const yMin = lo;
  const yMax = hi;
  // A flat curve still needs a range to sit in: centre it.
  if (hi - lo < 1e-9) {
    const half = Math.max(Math.abs(hi) * 0.05, 0.01);
    lo -= half;
    hi += half;
  }
  const x = (i: number) => (epochs > 1 ? pad + (i / (epochs - 1)) * (width - 2 * pad) : width / 2);
  const y = (v: number) => pad + ((hi - v) / (hi - lo)) * (height - 2 * pad);

  const lines = series.map((s, index): LossLine => {
    const segments: string[] = [];
    const dots: { x: number; y: number }[] = [];
    let run: { x: number; y: number }[] = [];
    const flush = () => {
      if (run.length === 1) dots.push(run[0]!);
      else if (run.length > 1) segments.push(run.map((p) => `${p.x},${p.y}`).join(" "));
      run = [];
    };
    s.losses.forEach((v, i) => {
      if (Number.isFinite(v)) run.push({ x: round(x(i)), y: round(y(v)) });
      else flush();
    });
    flush();
    const last = [...s.losses].reverse().find((v) => Number.isFinite(v)) ?? null;
    return { seed: s.seed, index, segments, dots, last };
  });
  return { width, height, pad, lines, yMin, yMax, epochs };
}

// ---------- The form ----------

export interface RunDraft {
  task: string;
  /** What the number inputs hold: a number, or null/undefined while empty. */
  seeds: number | null | undefined;
  firstSeed: number | null | undefined;
  device: DeviceChoice;
  evalSplit: EvalSplit;
}

export type DraftCheck = { ok: true; request: RunRequest } | { ok: false; problem: string };

/**
 * The request the form describes, or the one thing to fix first. Without `method` the backend
 * trains the built-in vanilla student.
 */
export function buildRunRequest(draft: RunDraft, method?: MethodSource): DraftCheck {
  if (draft.task === "") return { ok: false, problem: "Pick a task." };
  const seeds = draft.seeds;
  if (seeds === null || seeds === undefined || !Number.isInteger(seeds) || seeds < 1 || seeds > MAX_SEEDS) {
    return { ok: false, problem: `Seeds: a whole number from 1 to ${MAX_SEEDS}.` };
  }
  const first = draft.firstSeed ?? DEFAULT_FIRST_SEED;
  if (!Number.isInteger(first) || first < 0 || first + seeds > Number.MAX_SAFE_INTEGER) {
    return { ok: false, problem: "First seed: a whole number, 0 or more." };
  }
  const request: RunRequest = { task: draft.task, seeds, firstSeed: first, device: draft.device, evalSplit: draft.evalSplit };
  return { ok: true, request: method ? { method, ...request } : request };
}

let ticketCount = 0;

/** A ticket naming one run in flight, for cancelling it; unique within the app. */
export function newTicket(source: { randomUUID?: () => string } | null = globalThis.crypto ?? null): string {
  ticketCount += 1;
  // randomUUID needs a secure context; the Tauri webview is one, a plain dev page may not be.
  if (typeof source?.randomUUID === "function") return source.randomUUID();
  return `run-${Date.now().toString(36)}-${ticketCount}-${Math.random().toString(36).slice(2, 10)}`;
}

// ---------- Describing tasks and runs ----------

export const SPLIT_NAMES: readonly string[] = ["a", "b", "dev", "test", "private"];

/** "a 300 · b 900 · dev 150 · test 297 · private 150". */
export function splitSizesLabel(sizes: readonly number[]): string {
  return SPLIT_NAMES.map((name, i) => `${name} ${sizes[i] ?? "?"}`).join(" · ");
}

/** Layer widths from input to classes: "64 → 128 → 10"; "16 → 10" is a linear model. */
export function modelShape(model: Pick<ModelView, "inputDim" | "hidden">, classes: number): string {
  return [model.inputDim, ...model.hidden, classes].join(" → ");
}

/** Weights and biases of the MLP the shape describes. */
export function parameterCount(model: Pick<ModelView, "inputDim" | "hidden">, classes: number): number {
  const widths = [model.inputDim, ...model.hidden, classes];
  let count = 0;
  for (let i = 1; i < widths.length; i++) count += widths[i - 1]! * widths[i]! + widths[i]!;
  return count;
}

/**
 * 16200 → "16,200". Written out because WebKitGTK's `toLocaleString` follows the system's
 * locale data whatever locale is asked for (it printed "3.600" under Xvfb).
 */
export function formatThousands(n: number): string {
  const sign = n < 0 ? "-" : "";
  return sign + String(Math.trunc(Math.abs(n))).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

/** 812, 8.3k, 1.2M. */
export function formatCount(n: number): string {
  if (n < 1000) return String(n);
  if (n < 1_000_000) return `${(n / 1000).toFixed(1)}k`;
  return `${(n / 1_000_000).toFixed(1)}M`;
}

/** The seeds a request runs: `count` of them, counted up from `first`. */
export function seedRange(first: number, count: number): number[] {
  return Array.from({ length: Math.max(0, count) }, (_, i) => first + i);
}

/** "42–46" for consecutive seeds, else the seeds listed. */
export function seedsLabel(seeds: readonly number[]): string {
  if (seeds.length === 0) return "none";
  if (seeds.length === 1) return String(seeds[0]);
  const consecutive = seeds.every((s, i) => i === 0 || s === seeds[i - 1]! + 1);
  return consecutive ? `${seeds[0]}–${seeds[seeds.length - 1]}` : seeds.join(" ");
}

/** Seconds, as precise as they are useful: "4.2 ms", "0.84 s", "12.3 s", "2 min 05 s". */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return "—";
  // A CPU's first step takes milliseconds: "0.00 s" would hide it.
  if (seconds < 0.1) return `${(seconds * 1000).toFixed(seconds < 0.01 ? 1 : 0)} ms`;
  if (seconds < 10) return `${seconds.toFixed(2)} s`;
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const whole = Math.round(seconds);
  return `${Math.floor(whole / 60)} min ${String(whole % 60).padStart(2, "0")} s`;
}

/** A clock for a run in flight, steady at a glance: "0.4 s", "12.3 s", "2:05". */
export function formatElapsed(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return "—";
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const whole = Math.floor(seconds);
  return `${Math.floor(whole / 60)}:${String(whole % 60).padStart(2, "0")}`;
}

/** A 95% interval as "[0.312, 0.494]". */
export function formatInterval(ci: readonly number[] | null): string {
  if (ci === null || ci.length !== 2) return "—";
  return `[${formatPgr(ci[0], 3)}, ${formatPgr(ci[1], 3)}]`;
}

/** Whether the interval covers 0 (what a negative control's PGR should do); null without one. */
export function intervalCoversZero(ci: readonly number[] | null): boolean | null {
  if (ci === null || ci.length !== 2) return null;
  return ci[0]! <= 0 && ci[1]! >= 0;
}

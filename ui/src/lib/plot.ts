// Geometry of the small per-seed PGR plot in the claims table. Pure.

import type { ClaimView } from "./bindings";
import { PREREGISTERED_SEEDS } from "./claims";

export interface SeedPoint {
  seed: number;
  pgr: number;
  x: number;
  y: number;
  preregistered: boolean;
}

export interface SeedPlotGeometry {
  width: number;
  height: number;
  pad: number;
  points: SeedPoint[];
  claimedY: number;
  /** The claimed PGR ± SE as a horizontal band, when an SE is given. */
  band: { top: number; bottom: number } | null;
  /** Where PGR = 0 is, when it is inside the plotted range. */
  zeroY: number | null;
}

export function seedPlotGeometry(
  claim: ClaimView,
  size: { width: number; height: number; pad: number },
): SeedPlotGeometry {
  const { width, height, pad } = size;
  const seeds = [...claim.perSeed].sort((a, b) => a.seed - b.seed);
  const values = seeds.map((s) => s.pgr);
  values.push(claim.pgr);
  if (claim.pgrSe !== null) values.push(claim.pgr - claim.pgrSe, claim.pgr + claim.pgrSe);
  let lo = Math.min(...values);
  let hi = Math.max(...values);
  if (hi - lo < 0.05) {
    const mid = (hi + lo) / 2;
    lo = mid - 0.025;
    hi = mid + 0.025;
  }
  const y = (v: number) => pad + ((hi - v) / (hi - lo)) * (height - 2 * pad);
  const step = seeds.length > 1 ? (width - 2 * pad - 6) / (seeds.length - 1) : 0;
  const registered = new Set(PREREGISTERED_SEEDS);
  const points = seeds.map((s, i) => ({
    seed: s.seed,
    pgr: s.pgr,
    x: seeds.length > 1 ? pad + 3 + i * step : width / 2,
    y: y(s.pgr),
    preregistered: registered.has(s.seed),
  }));
  const band =
    claim.pgrSe !== null ? { top: y(claim.pgr + claim.pgrSe), bottom: y(claim.pgr - claim.pgrSe) } : null;
  return {
    width,
    height,
    pad,
    points,
    claimedY: y(claim.pgr),
    band,
    zeroY: lo <= 0 && hi >= 0 ? y(0) : null,
  };
}

// ---------- A check's per-seed evidence: claimed against reproduced ----------

export interface EvidencePoint {
  seed: number;
  x: number;
  /** Where each value sits; null where the seed has no (finite) value of that kind. */
  claimed: number | null;
  reproduced: number | null;
  baseline: number | null;
  values: { claimed: number | null; reproduced: number | null; baseline: number | null };
}

export interface EvidencePlotGeometry {
  width: number;
  height: number;
  /** The plot area: values map into [top, bottom], seeds across [left, right]. */
  left: number;
  right: number;
  top: number;
  bottom: number;
  points: EvidencePoint[];
  /** Round values across the range, with their y. */
  ticks: { value: number; y: number }[];
  /** Where 0 is, when it is inside the range. */
  zeroY: number | null;
}

const finiteOrNull = (v: number | null | undefined): number | null =>
  v !== null && v !== undefined && Number.isFinite(v) ? v : null;

/** Three to six round ticks across [lo, hi] (the report's rule). */
export function roundTicks(lo: number, hi: number): number[] {
  if (!(hi > lo)) return [];
  const raw = (hi - lo) / 5;
  const step = [0.01, 0.02, 0.05, 0.1, 0.2, 0.25, 0.5, 1, 2, 5].find((s) => s >= raw) ?? 10;
  const first = Math.ceil(lo / step - 1e-9);
  const out: number[] = [];
  for (let i = 0; i <= 8; i++) {
    // Whole multiples of the step, rounded so 3 × 0.1 reads 0.3.
    const t = Number(((first + i) * step).toFixed(10));
    if (t > hi + 1e-9) break;
    out.push(t);
  }
  return out;
}

/**
 * The per-seed plot of a verification check: a column per seed (in the order given), the claim
 * as a hollow circle, the reproduction as a dot, the baseline as a square, on one shared y range
 * padded so marks at the extremes are not clipped. Null unless some seed has both a claimed and a
 * reproduced value: there is nothing to compare otherwise.
 */
export function evidencePlotGeometry(
  perSeed: readonly { seed: number; claimed?: number | null; reproduced?: number | null; baseline?: number | null }[],
  size: { width: number; height: number; left: number; right: number; top: number; bottom: number },
): EvidencePlotGeometry | null {
  const seeds = perSeed.map((s) => ({
    seed: s.seed,
    claimed: finiteOrNull(s.claimed),
    reproduced: finiteOrNull(s.reproduced),
    baseline: finiteOrNull(s.baseline),
  }));
  if (!seeds.some((s) => s.claimed !== null && s.reproduced !== null)) return null;
  const values = seeds.flatMap((s) => [s.claimed, s.reproduced, s.baseline]).filter((v): v is number => v !== null);
  const min = Math.min(...values);
  const max = Math.max(...values);
  const margin = Math.max((max - min) * 0.1, 0.02);
  const lo = min - margin;
  const hi = max + margin;
  const { width, height } = size;
  const top = size.top;
  const bottom = height - size.bottom;
  const left = size.left;
  const right = width - size.right;
  const y = (v: number) => top + ((hi - v) / (hi - lo)) * (bottom - top);
  const column = (right - left) / seeds.length;
  const at = (v: number | null) => (v === null ? null : y(v));
  return {
    width,
    height,
    left,
    right,
    top,
    bottom,
    points: seeds.map((s, i) => ({
      seed: s.seed,
      x: left + (i + 0.5) * column,
      claimed: at(s.claimed),
      reproduced: at(s.reproduced),
      baseline: at(s.baseline),
      values: { claimed: s.claimed, reproduced: s.reproduced, baseline: s.baseline },
    })),
    ticks: roundTicks(lo, hi).map((value) => ({ value, y: y(value) })),
    zeroY: lo <= 0 && hi >= 0 ? y(0) : null,
  };
}

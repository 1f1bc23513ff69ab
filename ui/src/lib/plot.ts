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

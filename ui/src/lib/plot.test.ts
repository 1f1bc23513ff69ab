import { describe, expect, it } from "vitest";
import { evidencePlotGeometry, roundTicks, seedPlotGeometry } from "./plot";
import { claim } from "./test-fixtures";

describe("seedPlotGeometry", () => {
  const c = claim({
    pgr: 0.4,
    pgrSe: 0.05,
    perSeed: [
      { seed: 43, pgr: 0.2, studentAcc: null },
      { seed: 42, pgr: 0.6, studentAcc: null },
      { seed: 7, pgr: 0.4, studentAcc: null },
    ],
  });
  const g = seedPlotGeometry(c, { width: 100, height: 40, pad: 4 });
  it("orders points by seed and marks seeds outside 42–46", () => {
    expect(g.points.map((p) => p.seed)).toEqual([7, 42, 43]);
    expect(g.points.map((p) => p.preregistered)).toEqual([false, true, true]);
  });
  it("puts higher PGRs higher up, inside the padding", () => {
    const [, high, low] = g.points;
    expect(high!.y).toBeLessThan(low!.y);
    for (const p of g.points) expect(p.y).toBeGreaterThanOrEqual(4);
    for (const p of g.points) expect(p.y).toBeLessThanOrEqual(36);
  });
  it("draws the SE band around the claimed line", () => {
    expect(g.band!.top).toBeLessThan(g.claimedY);
    expect(g.band!.bottom).toBeGreaterThan(g.claimedY);
    expect(g.zeroY).toBeNull();
  });
});

describe("evidencePlotGeometry", () => {
  const size = { width: 200, height: 100, left: 30, right: 10, top: 5, bottom: 15 };
  const seeds = [
    { seed: 42, claimed: 0.6, reproduced: 0.4, baseline: 0.1 },
    { seed: 43, claimed: 0.5, reproduced: null, baseline: null },
    { seed: 44, claimed: 0.7, reproduced: 0.2 },
  ];

  it("draws nothing unless some seed has both a claimed and a reproduced value", () => {
    expect(evidencePlotGeometry([], size)).toBeNull();
    expect(evidencePlotGeometry([{ seed: 42, claimed: 0.5 }, { seed: 43, reproduced: 0.4 }], size)).toBeNull();
    expect(evidencePlotGeometry([{ seed: 42, claimed: 0.5, reproduced: Number.NaN }], size)).toBeNull();
    expect(evidencePlotGeometry([{ seed: 42, claimed: 0.5, reproduced: 0.4 }], size)).not.toBeNull();
  });

  const g = evidencePlotGeometry(seeds, size)!;
  it("gives each seed a column, in order, centred inside the plot area", () => {
    expect(g.points.map((p) => p.seed)).toEqual([42, 43, 44]);
    const xs = g.points.map((p) => p.x);
    expect(xs[0]).toBeCloseTo(30 + 160 / 6);
    expect(xs[1]! - xs[0]!).toBeCloseTo(xs[2]! - xs[1]!);
    expect(xs[2]).toBeLessThan(190);
  });
  it("puts higher values higher up, all inside the plot area, missing values left out", () => {
    const [a, b, c] = g.points;
    expect(a!.claimed!).toBeLessThan(a!.reproduced!);
    expect(a!.reproduced!).toBeLessThan(a!.baseline!);
    expect(b!.reproduced).toBeNull();
    expect(c!.baseline).toBeNull();
    const ys = g.points.flatMap((p) => [p.claimed, p.reproduced, p.baseline]).filter((v): v is number => v !== null);
    for (const y of ys) {
      expect(y).toBeGreaterThan(5);
      expect(y).toBeLessThan(85);
    }
    expect(a!.values).toEqual({ claimed: 0.6, reproduced: 0.4, baseline: 0.1 });
  });
  it("labels round ticks inside the range, and no zero line when 0 is outside it", () => {
    expect(g.ticks.length).toBeGreaterThanOrEqual(3);
    for (const t of g.ticks) {
      expect(t.y).toBeGreaterThanOrEqual(5);
      expect(t.y).toBeLessThanOrEqual(85);
      expect(Math.abs(t.value * 100 - Math.round(t.value * 100))).toBeLessThan(1e-6);
    }
    expect(g.zeroY).toBeNull();
    const negative = evidencePlotGeometry([{ seed: 42, claimed: 0.3, reproduced: -0.2 }], size)!;
    expect(negative.zeroY).not.toBeNull();
    expect(negative.zeroY!).toBeGreaterThan(negative.points[0]!.claimed!);
    expect(negative.zeroY!).toBeLessThan(negative.points[0]!.reproduced!);
  });
  it("spreads equal values over a small range instead of dividing by zero", () => {
    const flat = evidencePlotGeometry([{ seed: 42, claimed: 0.5, reproduced: 0.5 }], size)!;
    expect(Number.isFinite(flat.points[0]!.claimed!)).toBe(true);
    // Halfway down the plot area (5 to 85).
    expect(flat.points[0]!.claimed).toBeCloseTo(45);
  });
});

describe("roundTicks", () => {
  it("picks three to six round values inside the range", () => {
    const t = roundTicks(0.28, 0.72);
    expect(t.length).toBeGreaterThanOrEqual(3);
    expect(t.length).toBeLessThanOrEqual(6);
    expect(t.every((v) => v >= 0.28 && v <= 0.72)).toBe(true);
    expect(t).toEqual([0.3, 0.4, 0.5, 0.6, 0.7]);
    expect(roundTicks(1, 1)).toEqual([]);
  });
});

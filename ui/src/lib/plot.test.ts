import { describe, expect, it } from "vitest";
import { seedPlotGeometry } from "./plot";
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

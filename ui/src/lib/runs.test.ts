import { describe, expect, it } from "vitest";
import type { Phase, RunProgress } from "./bindings";
import {
  buildRunRequest,
  curvesOfRun,
  describeProgress,
  foldProgress,
  formatDuration,
  formatElapsed,
  formatInterval,
  fractionDone,
  initialLiveRun,
  intervalCoversZero,
  lossPlotGeometry,
  modelShape,
  newTicket,
  parameterCount,
  seedRange,
  seedsLabel,
  splitSizesLabel,
  type LiveRun,
  type RunDraft,
  formatThousands,
  formatShare,
  methodShare,
  modelsOfRun,
  seedSeconds,
} from "./runs";
import { reportSeed } from "./test-fixtures";

function fold(events: RunProgress[], from: LiveRun = initialLiveRun()): LiveRun {
  return events.reduce(foldProgress, from);
}

const epoch = (seed: number, phase: Phase, e: number, epochs: number, loss: number, done: number, total = 12) =>
  ({ kind: "epoch", seed, phase, epoch: e, epochs, loss, done, total }) as const;

describe("foldProgress", () => {
  it("knows the run's length once it has started, and nothing is done yet", () => {
    const s = fold([{ kind: "started", totalEpochs: 12, seeds: 2 }]);
    expect(s.totalEpochs).toBe(12);
    expect(s.seedCount).toBe(2);
    expect(fractionDone(s)).toBe(0);
    expect(s.current).toBeNull();
  });

  it("tracks the epoch that finished last, counting epochs from 1, and the overall fraction", () => {
    const s = fold([
      { kind: "started", totalEpochs: 12, seeds: 2 },
      epoch(42, "weak", 0, 2, 0.9, 1),
      epoch(42, "weak", 1, 2, 0.5, 2),
      epoch(42, "ceiling", 0, 2, 0.8, 3),
    ]);
    expect(s.current).toEqual({ seed: 42, phase: "ceiling", epoch: 1, epochs: 2, loss: 0.8 });
    expect(s.done).toBe(3);
    expect(fractionDone(s)).toBeCloseTo(0.25);
  });

  it("collects loss curves per phase and seed, in seed order", () => {
    const s = fold([
      epoch(42, "weak", 0, 2, 0.9, 1),
      epoch(42, "weak", 1, 2, 0.5, 2),
      epoch(43, "weak", 0, 2, 0.7, 7),
      epoch(42, "student", 0, 2, 0.4, 5),
    ]);
    expect(s.curves.weak).toEqual([
      { seed: 42, losses: [0.9, 0.5] },
      { seed: 43, losses: [0.7] },
    ]);
    expect(s.curves.student).toEqual([{ seed: 42, losses: [0.4] }]);
    expect(s.curves.ceiling).toEqual([]);
    expect(s.phaseEpochs).toEqual({ weak: 2, student: 2 });
  });

  it("leaves a gap where an epoch message went missing rather than shifting the curve", () => {
    const s = fold([epoch(42, "weak", 0, 3, 0.9, 1), epoch(42, "weak", 2, 3, 0.3, 3)]);
    const losses = s.curves.weak[0]!.losses;
    expect(losses).toHaveLength(3);
    expect(losses[1]).toBeNaN();
    expect(losses[2]).toBe(0.3);
  });

  it("builds a seed's row phase by phase, and completes it when the seed finishes", () => {
    const partial = fold([
      { kind: "phaseFinished", seed: 42, phase: "weak", accuracy: 0.57, seconds: 0.1 },
      { kind: "phaseFinished", seed: 42, phase: "ceiling", accuracy: 0.96, seconds: 0.2 },
    ]);
    expect(partial.pending).toEqual({ seed: 42, accuracy: { weak: 0.57, ceiling: 0.96 } });
    const done = foldProgress(partial, {
      kind: "seedFinished",
      seed: 42,
      weakAcc: 0.57,
      ceilingAcc: 0.96,
      studentAcc: 0.74,
      pgr: 0.436,
    });
    expect(done.pending).toBeNull();
    expect(done.seeds).toEqual([{ seed: 42, weakAcc: 0.57, ceilingAcc: 0.96, studentAcc: 0.74, pgr: 0.436 }]);
  });

  it("starts a fresh partial row for the next seed", () => {
    const s = fold([
      { kind: "phaseFinished", seed: 42, phase: "weak", accuracy: 0.57, seconds: 0.1 },
      { kind: "phaseFinished", seed: 43, phase: "weak", accuracy: 0.6, seconds: 0.1 },
    ]);
    expect(s.pending).toEqual({ seed: 43, accuracy: { weak: 0.6 } });
  });

  it("does not change the state it was given", () => {
    const before = fold([{ kind: "started", totalEpochs: 4, seeds: 1 }]);
    const snapshot = structuredClone(before);
    foldProgress(before, epoch(42, "weak", 0, 2, 0.9, 1, 4));
    expect(before).toEqual(snapshot);
  });

  it("warns of kernel compilation on a GPU until the first epoch ends", () => {
    const started = fold([{ kind: "started", totalEpochs: 12, seeds: 2 }]);
    expect(describeProgress(started, "gpu")).toBe("compiling kernels / starting…");
    expect(describeProgress(started, "auto")).toBe("compiling kernels / starting…");
    expect(describeProgress(started, "cpu")).toBe("starting…");
  });

  it("names seed, phase, epoch and loss", () => {
    const s = fold([{ kind: "started", totalEpochs: 200, seeds: 5 }, epoch(43, "student", 11, 40, 0.41234, 92, 200)]);
    expect(describeProgress(s, "cpu")).toBe("seed 43 · strong student · epoch 12/40 · loss 0.412");
  });

  it("says the run is being stored once every epoch and seed is done", () => {
    const s = fold([
      { kind: "started", totalEpochs: 1, seeds: 1 },
      epoch(42, "student", 0, 1, 0.4, 1, 1),
      { kind: "seedFinished", seed: 42, weakAcc: 0.5, ceilingAcc: 0.9, studentAcc: 0.7, pgr: 0.5 },
    ]);
    expect(describeProgress(s, "cpu")).toBe("storing the run…");
    expect(fractionDone(s)).toBe(1);
  });

  it("shows a dash for a loss that is not a number", () => {
    const s = fold([{ kind: "started", totalEpochs: 4, seeds: 1 }, epoch(42, "weak", 0, 2, Number.NaN, 1, 4)]);
    expect(describeProgress(s, "cpu")).toMatch(/loss —$/);
  });
});

describe("lossPlotGeometry", () => {
  const size = { width: 100, height: 50, pad: 5 };

  it("spans x over the epochs and shares one y range across seeds, lower loss lower down", () => {
    const g = lossPlotGeometry(
      [
        { seed: 42, losses: [2, 1, 0] },
        { seed: 43, losses: [1.5, 1, 1] },
      ],
      size,
    );
    expect(g.epochs).toBe(3);
    expect(g.yMin).toBe(0);
    expect(g.yMax).toBe(2);
    expect(g.lines[0]!.segments).toEqual(["5,5 50,25 95,45"]);
    expect(g.lines[1]!.segments).toEqual(["5,15 50,25 95,25"]);
    expect(g.lines.map((l) => l.index)).toEqual([0, 1]);
    expect(g.lines[0]!.last).toBe(0);
  });

  it("breaks a line at NaN and keeps an isolated point as a dot", () => {
    const g = lossPlotGeometry([{ seed: 42, losses: [1, 0.5, Number.NaN, 0.2, Number.POSITIVE_INFINITY] }], size);
    const line = g.lines[0]!;
    expect(line.segments).toHaveLength(1);
    expect(line.segments[0]!.split(" ")).toHaveLength(2);
    expect(line.dots).toHaveLength(1);
    expect(line.dots[0]!.y).toBe(45);
    expect(line.last).toBe(0.2);
  });

  it("centres a single point, and a flat curve, instead of dividing by zero", () => {
    const one = lossPlotGeometry([{ seed: 42, losses: [0.7] }], size);
    expect(one.lines[0]!.dots).toEqual([{ x: 50, y: 25 }]);
    const flat = lossPlotGeometry([{ seed: 42, losses: [0.7, 0.7] }], size);
    expect(flat.lines[0]!.segments).toEqual(["5,25 95,25"]);
  });

  it("spans the x axis over a phase's epochs while its curve is still growing", () => {
    const g = lossPlotGeometry([{ seed: 42, losses: [1, 0] }], size, 5);
    expect(g.epochs).toBe(5);
    expect(g.lines[0]!.segments).toEqual(["5,5 27.5,45"]);
    expect(lossPlotGeometry([{ seed: 42, losses: [1, 0, 0] }], size, 2).epochs).toBe(3);
  });

  it("draws nothing, without failing, when there is nothing finite to draw", () => {
    expect(lossPlotGeometry([], size)).toMatchObject({ lines: [], yMin: null, yMax: null, epochs: 0 });
    const nan = lossPlotGeometry([{ seed: 42, losses: [Number.NaN] }], size);
    expect(nan.lines).toEqual([{ seed: 42, index: 0, segments: [], dots: [], last: null }]);
    expect(nan.yMin).toBeNull();
  });

  it("takes a stored run's curves per phase from its report, seeds in the same order in every phase", () => {
    const curves = curvesOfRun([reportSeed(42), reportSeed(43)]);
    expect(curves.weak).toEqual([
      { seed: 42, losses: [42] },
      { seed: 43, losses: [43] },
    ]);
    expect(curves.student.map((c) => c.seed)).toEqual([42, 43]);
    expect(curves.ceiling[1]!.losses).toEqual([44]);
  });
});

describe("reading a run report", () => {
  it("lists the three models in training order", () => {
    const model = (trained_on: string) => ({
      input_dim: 64,
      hidden: [],
      num_classes: 10,
      trained_on,
      epochs: 40,
      batch_size: 64,
      learning_rate: 0.003,
      weight_decay: 0,
    });
    const config = { weak: model("a (gold)"), ceiling: model("b (gold)"), student: model("b (teacher soft labels)"), student_rounds: 0 };
    expect(modelsOfRun(config).map((m) => [m.role, m.model.trained_on])).toEqual([
      ["weak", "a (gold)"],
      ["ceiling", "b (gold)"],
      ["student", "b (teacher soft labels)"],
    ]);
  });

  it("adds up a seed's three trainings", () => {
    expect(seedSeconds(reportSeed(42))).toBeCloseTo(1.75);
  });

  it("gives the method's share of the run's time", () => {
    expect(methodShare({ method_seconds: 1.5, total_seconds: 12 })).toBeCloseTo(0.125);
    expect(formatShare(methodShare({ method_seconds: 1.5, total_seconds: 12 }))).toBe("12.5%");
    expect(methodShare({ method_seconds: 0, total_seconds: 12 })).toBe(0);
    expect(formatShare(0)).toBe("0.0%");
    expect(formatShare(0.00004)).toBe("<0.1%");
    expect(methodShare({ method_seconds: 0, total_seconds: 0 })).toBeNull();
    expect(formatShare(null)).toBe("—");
    // Clock skew cannot make the method take more than the whole run.
    expect(methodShare({ method_seconds: 13, total_seconds: 12 })).toBe(1);
  });
});

describe("buildRunRequest", () => {
  const draft: RunDraft = { task: "digits", seeds: 5, firstSeed: 42, device: "cpu", evalSplit: "test" };

  it("turns the form into the backend's request", () => {
    expect(buildRunRequest(draft)).toEqual({
      ok: true,
      request: { task: "digits", seeds: 5, firstSeed: 42, device: "cpu", evalSplit: "test" },
    });
  });

  it("names the method when one is given, and leaves it out for the vanilla student", () => {
    const check = buildRunRequest(draft, { kind: "submission", id: "3f9e0c12" });
    expect(check).toEqual({
      ok: true,
      request: { method: { kind: "submission", id: "3f9e0c12" }, task: "digits", seeds: 5, firstSeed: 42, device: "cpu", evalSplit: "test" },
    });
    expect(check.ok && "method" in check.request).toBe(true);
    const vanilla = buildRunRequest(draft);
    expect(vanilla.ok && "method" in vanilla.request).toBe(false);
  });

  it("falls back to seed 42 when the first seed is left empty", () => {
    const check = buildRunRequest({ ...draft, firstSeed: null });
    expect(check.ok && check.request.firstSeed).toBe(42);
  });

  it("refuses what the backend would refuse, with the field to fix", () => {
    expect(buildRunRequest({ ...draft, task: "" })).toEqual({ ok: false, problem: "Pick a task." });
    for (const seeds of [0, -1, 2.5, null, undefined, 101]) {
      const check = buildRunRequest({ ...draft, seeds });
      expect(check.ok, `seeds ${seeds}`).toBe(false);
      expect(!check.ok && check.problem).toMatch(/^Seeds/);
    }
    const negative = buildRunRequest({ ...draft, firstSeed: -3 });
    expect(!negative.ok && negative.problem).toMatch(/^First seed/);
  });
});

describe("newTicket", () => {
  it("uses randomUUID where the platform has it", () => {
    expect(newTicket({ randomUUID: () => "0b5c-uuid" })).toBe("0b5c-uuid");
  });

  it("still gives distinct tickets without it (an insecure context, or no crypto at all)", () => {
    const tickets = new Set(Array.from({ length: 200 }, (_, i) => newTicket(i % 2 === 0 ? {} : null)));
    expect(tickets.size).toBe(200);
    for (const t of tickets) expect(t).toMatch(/^run-/);
  });
});

describe("describing tasks and runs", () => {
  it("lists split sizes by name", () => {
    expect(splitSizesLabel([300, 900, 150, 297, 150])).toBe("a 300 · b 900 · dev 150 · test 297 · private 150");
  });

  it("draws a model as its layer widths and counts its parameters", () => {
    expect(modelShape({ inputDim: 16, hidden: [] }, 10)).toBe("16 → 10");
    expect(parameterCount({ inputDim: 16, hidden: [] }, 10)).toBe(170);
    expect(modelShape({ inputDim: 64, hidden: [32] }, 10)).toBe("64 → 32 → 10");
    expect(parameterCount({ inputDim: 64, hidden: [32] }, 10)).toBe(64 * 32 + 32 + 32 * 10 + 10);
  });

  it("counts a request's seeds up from the first", () => {
    expect(seedRange(42, 5)).toEqual([42, 43, 44, 45, 46]);
    expect(seedRange(7, 0)).toEqual([]);
  });

  it("shortens consecutive seeds to a range", () => {
    expect(seedsLabel([42, 43, 44, 45, 46])).toBe("42–46");
    expect(seedsLabel([7])).toBe("7");
    expect(seedsLabel([1, 5, 9])).toBe("1 5 9");
    expect(seedsLabel([])).toBe("none");
  });

  it("formats durations as precisely as they are useful", () => {
    expect(formatDuration(0.0042)).toBe("4.2 ms");
    expect(formatDuration(0.042)).toBe("42 ms");
    expect(formatDuration(0.8412)).toBe("0.84 s");
    expect(formatDuration(12.34)).toBe("12.3 s");
    expect(formatDuration(125.4)).toBe("2 min 05 s");
    expect(formatDuration(Number.NaN)).toBe("—");
  });

  it("ticks a run's clock in tenths, then minutes", () => {
    expect(formatElapsed(0.43)).toBe("0.4 s");
    expect(formatElapsed(12.34)).toBe("12.3 s");
    expect(formatElapsed(125.9)).toBe("2:05");
  });

  it("formats a 95% interval and says whether it covers zero", () => {
    expect(formatInterval([0.3121, 0.4943])).toBe("[0.312, 0.494]");
    expect(formatInterval(null)).toBe("—");
    expect(intervalCoversZero([-0.02, 0.03])).toBe(true);
    expect(intervalCoversZero([0.1, 0.3])).toBe(false);
    expect(intervalCoversZero(null)).toBeNull();
  });
});

describe("formatThousands", () => {
  it("groups digits by three without asking the locale", () => {
    expect(formatThousands(0)).toBe("0");
    expect(formatThousands(999)).toBe("999");
    expect(formatThousands(3600)).toBe("3,600");
    expect(formatThousands(16200)).toBe("16,200");
    expect(formatThousands(1234567)).toBe("1,234,567");
    expect(formatThousands(-4500)).toBe("-4,500");
  });
});

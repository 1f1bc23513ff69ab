import { describe, expect, it } from "vitest";
import type { AccessLog } from "./bindings";
import { byUse, describeIncident, entryLabel, errorKindLabel, formatUse, locationLabel, summarizeAccess } from "./method";

const log: AccessLog = {
  reads: { "ctx.teacher": 100, "ctx.epoch": 100, "task.num_classes": 1 },
  calls: { harden: 80, argmax: 200 },
  incidents: [
    {
      entry: "targets",
      epoch: 3,
      kind: { forbidden: { what: "eval" } },
      message: "eval is not available in the sandbox",
      position: { line: 12, column: 5 },
    },
    { entry: "configure", epoch: null, kind: { limit_exceeded: { which: "operations" } }, message: "too many operations", position: null },
  ],
  output: [{ entry: "targets", epoch: 0, debug: false, text: "mean conf 0.71" }],
  output_dropped: 4,
};

describe("the access log", () => {
  it("lists reads and calls most used first, ties by name", () => {
    expect(byUse(log.reads)).toEqual([
      { name: "ctx.epoch", count: 100 },
      { name: "ctx.teacher", count: 100 },
      { name: "task.num_classes", count: 1 },
    ]);
    expect(byUse({})).toEqual([]);
  });

  it("keeps every incident, in order, with where, what and line:column", () => {
    const summary = summarizeAccess(log);
    expect(summary.calls.map((c) => c.name)).toEqual(["argmax", "harden"]);
    expect(summary.incidents).toEqual([
      { position: "12:5", where: "targets(), ctx.epoch 3", kind: "forbidden: eval", message: "eval is not available in the sandbox" },
      { position: null, where: "configure()", kind: "limit exceeded: operations", message: "too many operations" },
    ]);
    expect(summary.printed).toBe(1);
    expect(summary.dropped).toBe(4);
  });

  it("names every kind of method error", () => {
    expect(errorKindLabel("syntax")).toBe("syntax error");
    expect(errorKindLabel("runtime")).toBe("runtime error");
    expect(errorKindLabel({ limit_exceeded: { which: "call_time" } })).toBe("limit exceeded: time per call");
    expect(errorKindLabel({ limit_exceeded: { which: { config: { key: "epochs" } } } })).toBe("limit exceeded: config epochs");
    expect(errorKindLabel({ bad_output: { what: "NaN in targets" } })).toBe("bad output: NaN in targets");
  });

  it("says where a problem happened the way the method's code says it", () => {
    expect(entryLabel("compile", null)).toBe("compile");
    expect(entryLabel("targets", 0)).toBe("targets(), ctx.epoch 0");
    expect(describeIncident(log.incidents[1]!).position).toBeNull();
    expect(locationLabel({ file: "method.rhai", line: 7, column: 13 })).toBe("method.rhai:7:13");
  });

  it("keeps large counts short", () => {
    expect(formatUse(9999)).toBe("9999");
    expect(formatUse(12_345)).toBe("12.3k");
    expect(formatUse(2_500_000)).toBe("2.5M");
  });
});

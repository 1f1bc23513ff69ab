import { describe, expect, it } from "vitest";
import { marksLabel, planBatch, toggleMark } from "./marks";
import { summary } from "./test-fixtures";

const a = summary({ id: "a".repeat(64), title: "A" });
const b = summary({ id: "b".repeat(64), title: "B" });
const python = summary({ id: "c".repeat(64), title: "C", language: "python", rerunnable: false });

describe("marks", () => {
  it("toggles a row in and out, keeping the order of marking, without changing the old list", () => {
    const first = toggleMark([], b.id);
    const both = toggleMark(first, a.id);
    expect(both).toEqual([b.id, a.id]);
    expect(first).toEqual([b.id]);
    expect(toggleMark(both, b.id)).toEqual([a.id]);
  });
  it("counts the selection, and says how much of it the filter hides", () => {
    expect(marksLabel([a.id, b.id, python.id], [a, b, python])).toBe("3 selected");
    expect(marksLabel([a.id, b.id], [a])).toBe("2 selected (1 hidden by the filter)");
  });
  it("plans a batch in queue order, leaving out what cannot be re-run, with the reason", () => {
    const plan = planBatch([python.id, b.id, a.id], [a, b, python]);
    expect(plan.members).toEqual([
      { id: a.id, title: "A" },
      { id: b.id, title: "B" },
    ]);
    expect(plan.skipped).toHaveLength(1);
    expect(plan.skipped[0]).toMatchObject({ id: python.id, title: "C" });
    expect(plan.skipped[0]!.reason).toMatch(/Python/);
    expect(planBatch([], [a, b])).toEqual({ members: [], skipped: [] });
  });
});

import { describe, expect, it } from "vitest";
import { coalesce, type Timers } from "./coalesce";

/** Timers that ring only when the test says so. */
function manualTimers() {
  const pending = new Map<number, () => void>();
  let next = 0;
  const timers: Timers = {
    set: (run) => {
      pending.set(++next, run);
      return next;
    },
    clear: (handle) => pending.delete(handle as number),
  };
  const ring = () => {
    const due = [...pending.values()];
    pending.clear();
    due.forEach((run) => run());
  };
  return { timers, ring, armed: () => pending.size };
}

describe("coalesce", () => {
  it("delivers every event, in order, once per interval", () => {
    const { timers, ring, armed } = manualTimers();
    const batches: number[][] = [];
    const feed = coalesce<number>((events) => batches.push(events), 100, timers);
    for (let i = 0; i < 5; i++) feed.push(i);
    expect(batches).toEqual([]);
    expect(armed()).toBe(1);
    ring();
    feed.push(5);
    ring();
    expect(batches).toEqual([[0, 1, 2, 3, 4], [5]]);
  });

  it("flush delivers what waits at once and disarms the timer", () => {
    const { timers, ring, armed } = manualTimers();
    const batches: string[][] = [];
    const feed = coalesce<string>((events) => batches.push(events), 100, timers);
    feed.push("a");
    feed.push("b");
    feed.flush();
    expect(batches).toEqual([["a", "b"]]);
    expect(armed()).toBe(0);
    ring();
    feed.flush();
    expect(batches).toHaveLength(1);
  });

  it("a quiet spell delivers nothing and arms no timer", () => {
    const { timers, armed } = manualTimers();
    let calls = 0;
    const feed = coalesce<number>(() => calls++, 100, timers);
    feed.flush();
    expect(calls).toBe(0);
    expect(armed()).toBe(0);
  });
});

import { describe, expect, it } from "vitest";
import type { QueuedVerification } from "./bindings";
import { describeRequests, isOpen, requestResult } from "./requests";

function request(over: Partial<QueuedVerification>): QueuedVerification {
  return {
    id: 1,
    submissionId: "ab".repeat(32),
    shortId: "abababababab",
    task: null,
    seeds: null,
    quick: false,
    requestedBy: "alice",
    requestedAt: "2026-12-07T10:00:00Z",
    state: "queued",
    worker: null,
    leaseUntil: null,
    attempts: 0,
    verificationId: null,
    error: null,
    ...over,
  };
}

describe("the verification queue's words", () => {
  it("counts open requests first, finished ones when none is open", () => {
    const all = [request({ state: "queued" }), request({ state: "queued" }), request({ state: "running" }), request({ state: "done" })];
    expect(describeRequests(all)).toBe("2 queued · 1 running");
    expect(describeRequests([request({ state: "done" }), request({ state: "failed" })])).toBe("1 done · 1 failed");
    expect(describeRequests([])).toBe("");
    expect(all.filter(isOpen)).toHaveLength(3);
  });

  it("says what became of a request", () => {
    expect(requestResult(request({ state: "done", verificationId: "cd".repeat(32) }))).toBe("verification cdcdcdcdcdcd");
    expect(requestResult(request({ state: "failed", error: "no task named `x`" }))).toBe("no task named `x`");
    expect(requestResult(request({ state: "running", leaseUntil: "2026-12-07T10:02:00Z" }))).toBe("held until 2026-12-07T10:02:00Z");
    expect(requestResult(request({}))).toBe("");
  });
});

import { beforeEach, describe, expect, it, vi } from "vitest";
import type { VerificationDetail, VerifyProgress, VerifyRequest } from "./bindings";
import { PROGRESS_INTERVAL_MS } from "./coalesce";

// The backend is faked: each startVerify waits until the test settles it.
interface Pending {
  ticket: string;
  id: string;
  request: VerifyRequest;
  progress: (event: VerifyProgress) => void;
  resolve: (detail: VerificationDetail) => void;
  reject: (error: unknown) => void;
}
const pending: Pending[] = [];
const cancelRun = vi.fn<(ticket: string) => Promise<boolean>>();

vi.mock("./backend", async (importOriginal) => {
  const original = await importOriginal<typeof import("./backend")>();
  return {
    ...original,
    backend: {
      startVerify: (ticket: string, id: string, request: VerifyRequest, progress: (event: VerifyProgress) => void) =>
        new Promise<VerificationDetail>((resolve, reject) => pending.push({ ticket, id, request, progress, resolve, reject })),
      cancelRun: (ticket: string) => cancelRun(ticket),
    },
  };
});

const { verifying } = await import("./verifying.svelte");
const { shownErrors, dismissError } = await import("./errors.svelte");

const request: VerifyRequest = { task: "digits", seeds: 5, device: "cpu" };
const stored = (id: string) => ({ id, shortId: id.slice(0, 12) }) as VerificationDetail;
const stepEvent = (index: number): VerifyProgress => ({
  kind: "step",
  step: { index, total: 11, role: "vanilla", task: "digits", evalSplit: "private", seeds: [42, 43, 44, 45, 46] },
});

beforeEach(() => {
  pending.length = 0;
  cancelRun.mockReset().mockResolvedValue(true);
  verifying.inFlight = [];
  for (const e of [...shownErrors]) dismissError(e.id);
});

describe("verifications in flight", () => {
  it("shows one at once, folds its steps and runs, and bumps the stored count when done", async () => {
    const before = verifying.storedCount;
    const done = verifying.launch("sub1", "logconf", request);
    expect(verifying.isRunning("sub1")).toBe(true);
    expect(pending[0]).toMatchObject({ id: "sub1", request });

    vi.useFakeTimers();
    pending[0]!.progress(stepEvent(2));
    pending[0]!.progress({ kind: "run", progress: { kind: "epoch", seed: 44, phase: "weak", epoch: 4, epochs: 10, loss: 0.5, done: 5, total: 30 } });
    expect(verifying.of("sub1")!.live.step, "progress reaches the screen paced, not per event").toBeNull();
    vi.advanceTimersByTime(PROGRESS_INTERVAL_MS);
    vi.useRealTimers();
    const live = verifying.of("sub1")!.live;
    expect(live.step?.index).toBe(2);
    expect(live.finished).toBe(1);
    expect(live.run.current).toMatchObject({ seed: 44, epoch: 5 });

    pending[0]!.resolve(stored("v123"));
    await done;
    expect(verifying.of("sub1")).toBeNull();
    expect(verifying.lastStored?.id).toBe("v123");
    expect(verifying.storedCount).toBe(before + 1);
  });

  it("runs one verification per submission at a time", () => {
    void verifying.launch("sub1", "a", request);
    void verifying.launch("sub1", "a", request);
    void verifying.launch("sub2", "b", request);
    expect(pending.map((p) => p.id)).toEqual(["sub1", "sub2"]);
    expect(verifying.active).toHaveLength(2);
  });

  it("keeps a cancelled one, calmly, stores nothing and reports no error", async () => {
    let clock = 1000;
    const before = verifying.storedCount;
    const done = verifying.launch("sub1", "logconf", request, { now: () => clock });
    verifying.cancelOf("sub1");
    await Promise.resolve();
    const ticket = pending[0]!.ticket;
    expect(cancelRun).toHaveBeenCalledWith(ticket);
    expect(verifying.of("sub1")!.status).toBe("cancelling");
    expect(verifying.isRunning("sub1")).toBe(true);

    clock = 4000;
    pending[0]!.reject({ code: "cancelled", message: "cancelled", location: null });
    await done;
    expect(verifying.of("sub1")).toMatchObject({ status: "cancelled", startedAt: 1000, endedAt: 4000 });
    expect(verifying.isRunning("sub1")).toBe(false);
    expect(verifying.storedCount).toBe(before);
    expect(shownErrors).toHaveLength(0);

    verifying.dismiss(ticket);
    expect(verifying.of("sub1")).toBeNull();
  });

  it("reports a failure in the error banner and drops the verification", async () => {
    const done = verifying.launch("sub1", "logconf", request);
    pending[0]!.reject({ code: "runFailed", message: "the method threw at line 3", location: null });
    await done;
    expect(verifying.of("sub1")).toBeNull();
    expect(shownErrors).toHaveLength(1);
    expect(shownErrors[0]).toMatchObject({ code: "runFailed", context: "Verifying “logconf”" });
  });

  it("asks again while the backend does not know the ticket yet", async () => {
    cancelRun.mockResolvedValueOnce(false).mockResolvedValueOnce(true);
    void verifying.launch("sub1", "logconf", request);
    const ticket = verifying.of("sub1")!.ticket;
    const waits: number[] = [];
    await verifying.cancel(ticket, async (ms) => void waits.push(ms));
    expect(cancelRun).toHaveBeenCalledTimes(2);
    expect(waits).toEqual([50]);
  });
});

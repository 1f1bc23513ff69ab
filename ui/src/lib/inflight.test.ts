import { beforeEach, describe, expect, it, vi } from "vitest";
import type { RunDetail, RunProgress, RunRequest } from "./bindings";
import { PROGRESS_INTERVAL_MS } from "./coalesce";

// The backend is faked: each startRun waits until the test settles it.
interface PendingRun {
  ticket: string;
  progress: (event: RunProgress) => void;
  resolve: (detail: RunDetail) => void;
  reject: (error: unknown) => void;
}
const pending: PendingRun[] = [];
const cancelRun = vi.fn<(ticket: string) => Promise<boolean>>();

vi.mock("./backend", async (importOriginal) => {
  const original = await importOriginal<typeof import("./backend")>();
  return {
    ...original,
    backend: {
      startRun: (ticket: string, _request: RunRequest, progress: (event: RunProgress) => void) =>
        new Promise<RunDetail>((resolve, reject) => pending.push({ ticket, progress, resolve, reject })),
      cancelRun: (ticket: string) => cancelRun(ticket),
    },
  };
});

const { runs } = await import("./inflight.svelte");
const { shownErrors, dismissError } = await import("./errors.svelte");

const request: RunRequest = { task: "digits", seeds: 2, firstSeed: 42, device: "cpu", evalSplit: "test" };

function stored(id: string): RunDetail {
  return { summary: { id, shortId: id.slice(0, 12) } } as RunDetail;
}

/** Lets the awaiting code in `launch` run after a promise settles. */
const settle = () => new Promise((r) => setTimeout(r, 0));

beforeEach(() => {
  pending.length = 0;
  cancelRun.mockReset().mockResolvedValue(true);
  runs.inFlight = [];
  for (const e of [...shownErrors]) dismissError(e.id);
});

describe("runs in flight", () => {
  it("shows a run at once, folds its progress, and selects it once stored", async () => {
    const before = runs.storedCount;
    const done = runs.launch(request);
    expect(runs.inFlight).toHaveLength(1);
    expect(runs.inFlight[0]!.live.totalEpochs).toBeNull();

    vi.useFakeTimers();
    pending[0]!.progress({ kind: "started", totalEpochs: 10, seeds: 2 });
    pending[0]!.progress({ kind: "epoch", seed: 42, phase: "weak", epoch: 0, epochs: 5, loss: 0.9, done: 1, total: 10 });
    pending[0]!.progress({ kind: "epoch", seed: 42, phase: "weak", epoch: 1, epochs: 5, loss: 0.7, done: 2, total: 10 });
    expect(runs.inFlight[0]!.live.totalEpochs, "progress reaches the screen paced, not per event").toBeNull();
    vi.advanceTimersByTime(PROGRESS_INTERVAL_MS);
    vi.useRealTimers();
    expect(runs.inFlight[0]!.live.done).toBe(2);
    expect(runs.inFlight[0]!.live.curves.weak, "every loss point is kept").toEqual([{ seed: 42, losses: [0.9, 0.7] }]);

    pending[0]!.resolve(stored("abc123"));
    await done;
    expect(runs.inFlight).toHaveLength(0);
    expect(runs.selectedId).toBe("abc123");
    expect(runs.lastStored?.summary.id).toBe("abc123");
    expect(runs.storedCount).toBe(before + 1);
  });

  it("keeps a cancelled run, calmly, without reporting an error", async () => {
    let clock = 1000;
    const done = runs.launch(request, { now: () => clock });
    const ticket = runs.inFlight[0]!.ticket;
    await runs.cancel(ticket);
    expect(cancelRun).toHaveBeenCalledWith(ticket);
    expect(runs.inFlight[0]!.status).toBe("cancelling");

    clock = 3500;
    pending[0]!.progress({ kind: "epoch", seed: 42, phase: "weak", epoch: 0, epochs: 5, loss: 0.9, done: 1, total: 10 });
    pending[0]!.reject({ code: "cancelled", message: "cancelled" });
    await done;
    expect(runs.inFlight[0]).toMatchObject({ status: "cancelled", startedAt: 1000, endedAt: 3500 });
    expect(runs.inFlight[0]!.live.done, "what it said before it stopped is shown, not left waiting for a timer").toBe(1);
    expect(runs.active).toHaveLength(0);
    expect(shownErrors).toHaveLength(0);

    runs.dismiss(ticket);
    expect(runs.inFlight).toHaveLength(0);
  });

  it("reports any other failure and drops the run", async () => {
    const done = runs.launch(request);
    pending[0]!.reject({ code: "notFound", message: "no task named `digits`" });
    await done;
    expect(runs.inFlight).toHaveLength(0);
    expect(shownErrors.map((e) => e.code)).toEqual(["notFound"]);
  });

  it("keeps a run whose method failed, with its error and where, without a banner", async () => {
    const id = "3f9e0c12ab45cd67ef890123456789abcdef0123456789abcdef0123456789ab";
    const rerun: RunRequest = { ...request, method: { kind: "submission", id } };
    let clock = 10;
    const done = runs.launch(rerun, { label: "logconf v2", now: () => clock });
    expect(runs.flightsOf(id).map((r) => r.label)).toEqual(["logconf v2"]);
    expect(runs.failureMark(id)).toBeNull();

    clock = 250;
    const error = {
      code: "runFailed",
      message: "method `logconf v2` (method.rhai:12:5) in targets: runtime error: index out of bounds",
      location: { file: "method.rhai", line: 12, column: 5 },
    };
    pending[0]!.reject(error);
    await done;
    expect(runs.inFlight[0]).toMatchObject({ status: "failed", endedAt: 250, error });
    expect(runs.active).toHaveLength(0);
    expect(shownErrors).toHaveLength(0);
    expect(runs.failureMark(id)).toEqual({ file: "method.rhai", line: 12, column: 5, message: error.message });
    // Another submission's page points at nothing.
    expect(runs.failureMark("other")).toBeNull();

    runs.dismiss(runs.inFlight[0]!.ticket);
    expect(runs.flightsOf(id)).toEqual([]);
    expect(runs.failureMark(id)).toBeNull();
  });

  it("keeps a failure without a location listed, with nothing to point at in the code", async () => {
    const id = "abc";
    const done = runs.launch({ ...request, method: { kind: "submission", id } });
    pending[0]!.reject({ code: "runFailed", message: "training diverged at seed 42", location: null });
    await done;
    expect(runs.inFlight[0]!.status).toBe("failed");
    expect(runs.failureMark(id)).toBeNull();
  });

  it("lists a submission's runs apart from vanilla runs", async () => {
    const a = runs.launch(request);
    const b = runs.launch({ ...request, method: { kind: "submission", id: "abc" } });
    expect(runs.flightsOf("abc").map((r) => r.request.method)).toEqual([{ kind: "submission", id: "abc" }]);
    pending[0]!.resolve(stored("one"));
    pending[1]!.resolve(stored("two"));
    await Promise.all([a, b]);
    expect(runs.flightsOf("abc")).toEqual([]);
  });

  it("follows two runs at once, each by its own ticket, and x cancels the newest", async () => {
    const first = runs.launch(request);
    const second = runs.launch({ ...request, task: "wine" });
    const [a, b] = pending;
    expect(a!.ticket).not.toBe(b!.ticket);
    expect(runs.inFlight.map((r) => r.request.task)).toEqual(["wine", "digits"]);

    b!.progress({ kind: "started", totalEpochs: 4, seeds: 1 });
    expect(runs.inFlight.find((r) => r.ticket === a!.ticket)!.live.totalEpochs).toBeNull();

    runs.cancelNewest();
    expect(cancelRun).toHaveBeenCalledWith(b!.ticket);
    await settle();

    a!.resolve(stored("first"));
    b!.reject({ code: "cancelled", message: "cancelled" });
    await Promise.all([first, second]);
    expect(runs.inFlight.map((r) => [r.request.task, r.status])).toEqual([["wine", "cancelled"]]);
    expect(runs.selectedId).toBe("first");
  });

  it("ignores progress that arrives after a run was cancelled", async () => {
    const done = runs.launch(request);
    const run = pending[0]!;
    await runs.cancel(run.ticket);
    run.reject({ code: "cancelled", message: "cancelled" });
    await done;
    run.progress({ kind: "started", totalEpochs: 4, seeds: 1 });
    expect(runs.inFlight[0]!.live.totalEpochs).toBeNull();
  });

  it("asks again when the backend does not know the ticket yet, and stops once the run ends", async () => {
    const done = runs.launch(request);
    const run = pending[0]!;
    cancelRun.mockResolvedValueOnce(false).mockResolvedValueOnce(false);
    const waits: number[] = [];
    await runs.cancel(run.ticket, async (ms) => {
      waits.push(ms);
    });
    expect(cancelRun).toHaveBeenCalledTimes(3);
    expect(waits).toEqual([50, 100]);

    // A run that finished before the cancel reached it: no more asking once it is stored.
    const second = runs.launch({ ...request, task: "wine" });
    const finished = pending[1]!;
    cancelRun.mockClear();
    cancelRun.mockResolvedValue(false);
    await runs.cancel(finished.ticket, async () => {
      finished.resolve(stored("done-first"));
      await second;
    });
    expect(cancelRun).toHaveBeenCalledTimes(1);
    expect(runs.selectedId).toBe("done-first");

    run.reject({ code: "cancelled", message: "cancelled" });
    await done;
  });

  it("goes back to running when the cancel request itself fails", async () => {
    const done = runs.launch(request);
    cancelRun.mockRejectedValueOnce({ code: "storage", message: "the app's backend did not answer" });
    await runs.cancel(pending[0]!.ticket);
    expect(runs.inFlight[0]!.status).toBe("running");
    expect(shownErrors.map((e) => e.context)).toEqual(["Cancelling the run"]);
    pending[0]!.resolve(stored("late"));
    await done;
  });
});

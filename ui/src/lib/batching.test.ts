import { beforeEach, describe, expect, it, vi } from "vitest";
import type { BatchProgress, BatchVerification, VerificationDetail, VerifyRequest } from "./bindings";
import { PROGRESS_INTERVAL_MS } from "./coalesce";
import { pendingCommand } from "./test-backend";

// The backend is faked: the batch waits until the test settles it; cancels are counted.
const batch = pendingCommand<[ids: string[], request: VerifyRequest], BatchProgress, BatchVerification>();
const pending = batch.pending;
const cancelRun = vi.fn<(ticket: string) => Promise<boolean>>();
vi.mock("./backend", async (importOriginal) => ({
  ...(await importOriginal<typeof import("./backend")>()),
  backend: { startVerifyBatch: batch.command, cancelRun: (ticket: string) => cancelRun(ticket) },
}));

const { batching } = await import("./batching.svelte");
const { verifying } = await import("./verifying.svelte");
const { shownErrors, dismissError } = await import("./errors.svelte");

const request: VerifyRequest = { seeds: 5, device: "cpu", quick: true };
const members = [
  { id: "a".repeat(64), title: "A" },
  { id: "b".repeat(64), title: "B" },
];
const position = (index: number) => ({ kind: "submission" as const, position: { index, total: 2, submissionId: members[index - 1]!.id, shortId: "x", title: members[index - 1]!.title } });
const verified = (id: string): BatchProgress => ({ kind: "verified", verification: { id, shortId: id.slice(0, 12) } as VerificationDetail });

beforeEach(() => {
  pending.length = 0;
  cancelRun.mockReset().mockResolvedValue(true);
  batching.flight = null;
  batching.result = null;
  for (const e of [...shownErrors]) dismissError(e.id);
});

describe("a batch verification in flight", () => {
  it("follows the submissions, announces each stored verification, and keeps the table", async () => {
    const storedBefore = verifying.storedCount;
    const done = batching.launch(members, request);
    expect(batching.running).toBe(true);
    expect(pending[0]!.args[0]).toEqual(members.map((m) => m.id));

    vi.useFakeTimers();
    pending[0]!.progress(position(1));
    pending[0]!.progress(verified("v1"));
    pending[0]!.progress(position(2));
    expect(batching.flight?.live.position, "progress reaches the screen paced, not per event").toBeNull();
    vi.advanceTimersByTime(PROGRESS_INTERVAL_MS);
    vi.useRealTimers();
    expect(batching.flight?.live.position?.index).toBe(2);
    expect(batching.flight?.live.stored).toBe(1);
    // The queue's badges and an open page follow each stored verification at once.
    expect(verifying.storedCount).toBe(storedBefore + 1);
    expect(verifying.lastStored?.id).toBe("v1");

    const table = { rows: [] } as BatchVerification;
    pending[0]!.resolve(table);
    expect(await done, "the sheet learns the batch verified its members").toBe(table);
    expect(batching.flight).toBeNull();
    expect(batching.result).toBe(table);
    expect(batching.running).toBe(false);
  });

  it("runs one batch at a time, and none of nothing", () => {
    void batching.launch(members, request);
    void batching.launch(members, request);
    void batching.launch([], request);
    expect(pending).toHaveLength(1);
  });

  it("cancels by its ticket and keeps the cancelled batch, calmly, until dismissed", async () => {
    let clock = 1000;
    const done = batching.launch(members, request, { now: () => clock });
    pending[0]!.progress(position(1));
    pending[0]!.progress(verified("v1"));
    pending[0]!.progress(position(2));
    await batching.cancel();
    expect(cancelRun).toHaveBeenCalledWith(pending[0]!.ticket);
    expect(batching.flight?.status).toBe("cancelling");

    clock = 5000;
    pending[0]!.reject({ code: "cancelled", message: "the batch was cancelled at submission 2 of 2", location: null });
    expect(await done, "a cancelled batch has no table: the selection stays for another try").toBeNull();
    expect(batching.flight).toMatchObject({ status: "cancelled", startedAt: 1000, endedAt: 5000 });
    expect(batching.flight?.live.stored).toBe(1);
    expect(batching.running).toBe(false);
    expect(batching.result).toBeNull();
    expect(shownErrors).toHaveLength(0);
    batching.dismiss();
    expect(batching.flight).toBeNull();
  });

  it("reports a failure, which says where the batch stopped, and drops it", async () => {
    const done = batching.launch(members, request);
    pending[0]!.reject({ code: "invalidInput", message: "the batch stopped at submission 2 of 2 (B, bbbb): no claim", location: null });
    await done;
    expect(batching.flight).toBeNull();
    expect(shownErrors).toHaveLength(1);
    expect(shownErrors[0]).toMatchObject({ code: "invalidInput", context: "Verifying a batch of 2" });
  });

  it("asks again while the backend does not know the ticket yet", async () => {
    cancelRun.mockResolvedValueOnce(false).mockResolvedValueOnce(true);
    void batching.launch(members, request);
    const waits: number[] = [];
    await batching.cancel(async (ms) => void waits.push(ms));
    expect(cancelRun).toHaveBeenCalledTimes(2);
    expect(waits).toEqual([50]);
  });
});

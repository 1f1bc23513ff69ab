// Renders the queue's selection and the batch table on the server (no DOM needed).
import { render } from "svelte/server";
import { describe, expect, it } from "vitest";
import type { BatchVerification } from "./bindings";
import BatchTable from "../components/BatchTable.svelte";
import Queue from "../components/Queue.svelte";
import { queueProps, summary } from "./test-fixtures";

describe("the queue's selection", () => {
  const rows = ["a", "b", "c"].map((c) => summary({ id: c.repeat(64), shortId: c.repeat(12), title: `title ${c}` }));
  const queue = (marked: string[]) => render(Queue, { props: queueProps(rows, { marked }) }).body;

  it("gives every row a checkbox, ticked where the row is selected, and counts the selection", () => {
    const body = queue(["a".repeat(64), "c".repeat(64)]);
    expect(body.match(/data-testid="queue-mark"/g)).toHaveLength(3);
    expect(body.match(/class="row[^"]* marked/g)).toHaveLength(2);
    expect(body).toMatch(/data-testid="queue-marks-count">2 selected</);
    expect(body).toContain('data-testid="queue-verify-marked"');
  });
  it("shows no selection bar while nothing is selected", () => {
    const body = queue([]);
    expect(body).not.toContain('data-testid="queue-marks"');
    expect(body).not.toMatch(/class="row[^"]* marked/);
  });
});

describe("the batch table", () => {
  it("has a row per submission with its vote, failed checks, gain and three p-values, and says why", () => {
    const result: BatchVerification = {
      rows: [
        { submissionId: "a".repeat(64), shortId: "a".repeat(12), title: "title a", verificationId: "v", vote: "-1", failed: ["reproduction"], deltaPgr: 0.05, p: 0.02, pHolm: 0.04, pBh: 0.03 },
        { submissionId: "b".repeat(64), shortId: "b".repeat(12), title: "title b", verificationId: "w", vote: "+1", failed: [], deltaPgr: 0.1, p: 0.01, pHolm: 0.02, pBh: 0.02 },
      ],
    };
    const { body } = render(BatchTable, { props: { result, onopen: () => {} } });
    expect(body.match(/data-testid="batch-row"/g)).toHaveLength(2);
    for (const header of ["Submission", "Suggested vote", "Failed checks", "Δ PGR", "p (Holm)", "p (BH)"]) expect(body).toContain(`>${header}</th>`);
    expect(body).toContain("Reproduction");
    expect(body).toMatch(/data-testid="batch-p-holm" data-value="0.04">0.0400</);
    expect(body).toContain("Verified \u22121");
    expect(body).toMatch(/data-testid="batch-note">The best of many noisy submissions looks better than it is/);
  });
});

// Renders the report view on the server (no DOM needed) with the example reports the CLI wrote to
// docs/verification: every check shows with its status, failed checks open with their evidence.
import { render } from "svelte/server";
import { describe, expect, it } from "vitest";
import type { VerificationDetail, VerificationReport, VerifyProgress } from "./bindings";
import Queue from "../components/Queue.svelte";
import VerificationView from "../components/VerificationView.svelte";
import VerifyFlight from "../components/VerifyFlight.svelte";
import { queueProps, summary } from "./test-fixtures";
import { foldVerifyProgress, initialLiveVerify } from "./verify";
import type { VerifyFlight as Flight } from "./verifying.svelte";
import refuted from "../../../docs/verification/consistency-elicitation.json";
import honest from "../../../docs/verification/vanilla-baseline.json";

const EXAMPLES = { "consistency-elicitation": refuted, "vanilla-baseline": honest } as Record<string, unknown>;

function example(name: string): VerificationDetail {
  const report = EXAMPLES[name] as VerificationReport;
  return { id: "f".repeat(64), shortId: "f".repeat(12), createdBy: "reviewer", report };
}

describe("VerificationView", () => {
  it("shows a refuted claim's vote, every check, and the failed checks' evidence", () => {
    const detail = example("consistency-elicitation");
    const { body } = render(VerificationView, { props: { detail } });
    expect(body).toContain('data-vote="-1"');
    expect(body).toContain("Suggested vote: Verified \u22121.");
    expect(body).toContain(detail.report.suggestion.reason);
    expect(body.match(/data-testid="check-row"/g)).toHaveLength(detail.report.checks.length);
    // Inconclusive warns say so, in the warn colour.
    expect(body).toMatch(/class="status tone-warn"[^>]*>inconclusive</);
    expect(body).toMatch(/class="status tone-fail"[^>]*>fail</);
    // The three failed checks start open: their figures and per-seed plots are there.
    const failed = detail.report.checks.filter((c) => c.status === "fail").length;
    expect(body.match(/data-testid="check-evidence"/g)).toHaveLength(failed);
    expect(body).toContain("Smallest difference this check could detect");
    expect(body).toContain('data-testid="evidence-plot"');
    expect(body).toContain("seed 42 claimed 0.690");
  });

  it("shows a verified claim in the pass colour, with nothing open and the fresh and resampled packs named", () => {
    const detail = example("vanilla-baseline");
    expect(detail.report.suggestion.vote).toBe("+1");
    const { body } = render(VerificationView, { props: { detail } });
    expect(body).toContain('class="vote-box tone-pass"');
    expect(body).toContain("Suggested vote: Verified +1.");
    expect(body).not.toContain('data-testid="check-evidence"');
    expect(body).toContain("Expand all evidence");
    expect(body).toContain("fresh data latent-5k, latent, latent-5k-copyable");
    // The fixed datasets have no generator: their split B and private split were re-partitioned.
    expect(body).toMatch(/resampled (digits, wine|wine, digits)</);
  });

  it("shows a vote for a human in the warn colour", () => {
    const detail = example("vanilla-baseline");
    const report = { ...detail.report, suggestion: { vote: "needs_human", reason: "An inconclusive check." } } as VerificationReport;
    const { body } = render(VerificationView, { props: { detail: { ...detail, report } } });
    expect(body).toContain('class="vote-box tone-warn"');
    expect(body).toContain("needs a human");
  });
});

describe("VerifyFlight", () => {
  const base: Flight = {
    ticket: "t1",
    submissionId: "sub1",
    title: "logconf",
    request: { task: "digits", seeds: 5, device: "cpu" },
    startedAt: 0,
    endedAt: null,
    status: "running",
    live: [
      { kind: "step", step: { index: 3, total: 11, role: "shuffled_teacher", task: "digits", evalSplit: "private", seeds: [42, 43, 44, 45, 46] } },
      { kind: "run", progress: { kind: "epoch", seed: 43, phase: "student", epoch: 11, epochs: 40, loss: 0.4, done: 50, total: 100 } },
    ].reduce((s, e) => foldVerifyProgress(s, e as VerifyProgress), initialLiveVerify()),
  };
  it("shows the run under way, the overall share and a Cancel button", () => {
    const { body } = render(VerifyFlight, { props: { flight: base } });
    expect(body).toContain("run 3/11 · shuffled teacher on digits · seed 43 · epoch 12/40");
    // (2 finished + 0.5) / 11 runs.
    expect(body).toContain(">22%<");
    expect(body).toContain('data-testid="verify-cancel"');
  });
  it("says a cancelled verification stored nothing", () => {
    const { body } = render(VerifyFlight, { props: { flight: { ...base, status: "cancelled", endedAt: 34_000 } } });
    expect(body).toContain("Verification cancelled after 34.0 s · at run 3/11; nothing was stored.");
    expect(body).not.toContain('data-testid="verify-cancel"');
  });
});

describe("Queue", () => {
  it("marks each row by its newest verification and offers the verdict filter", () => {
    const rows = [
      summary({ id: "a".repeat(64), shortId: "a".repeat(12), verification: { id: "v", vote: "-1", failed: ["reproduction"], warned: [], task: "digits", finishedAt: "2026-05-02T10:00:00Z" } }),
      summary({ id: "b".repeat(64), shortId: "b".repeat(12), verification: null }),
    ];
    const { body } = render(Queue, { props: queueProps(rows, { filterText: "verified:-1" }) });
    expect(body).toMatch(/data-testid="queue-verification" data-vote="-1">✗</);
    expect(body).toContain("failed: reproduction");
    expect(body).toMatch(/data-testid="queue-verification" data-vote=""><\/span>/);
    expect(body).toContain('data-testid="verification-filter"');
    // The select shows the filter text's verdict.
    expect(body).toMatch(/<option value="-1" selected/);
  });
});

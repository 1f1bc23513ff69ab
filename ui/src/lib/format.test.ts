import { describe, expect, it } from "vitest";
import { formatAccuracy, formatBytes, formatDelta, formatPgr, formatPgrSe, formatShortTime, formatTimestamp } from "./format";

describe("formatPgr", () => {
  it("rounds to the requested decimals", () => {
    expect(formatPgr(0.436)).toBe("0.44");
    expect(formatPgr(0.436, 3)).toBe("0.436");
  });
  it("uses a real minus sign for negative PGRs, which happen when the student is worse than the teacher", () => {
    expect(formatPgr(-0.12)).toBe("−0.12");
  });
  it("shows no sign on a value that rounds to zero", () => {
    expect(formatPgr(-0.001)).toBe("0.00");
  });
  it("shows a dash for missing or non-finite values instead of NaN", () => {
    expect(formatPgr(null)).toBe("—");
    expect(formatPgr(Number.NaN)).toBe("—");
  });
});

describe("formatPgrSe", () => {
  it("joins PGR and standard error", () => {
    expect(formatPgrSe(0.436, 0.053)).toBe("0.44 ± 0.05");
  });
  it("leaves the SE out when none was claimed", () => {
    expect(formatPgrSe(0.436, null)).toBe("0.44");
  });
});

describe("other formats", () => {
  it("shows accuracies as percentages", () => {
    expect(formatAccuracy(0.571)).toBe("57.1%");
    expect(formatAccuracy(null)).toBe("—");
  });
  it("signs deltas both ways", () => {
    expect(formatDelta(0.031)).toBe("+0.031");
    expect(formatDelta(-0.004)).toBe("−0.004");
    expect(formatDelta(0.0001)).toBe("0.000");
  });
  it("formats timestamps in UTC so every reviewer sees the same time", () => {
    expect(formatTimestamp("2026-04-15T08:30:00Z")).toBe("2026-04-15 08:30 UTC");
    expect(formatShortTime("2026-04-15T08:30:00Z", 2026)).toBe("Apr 15 08:30");
    expect(formatShortTime("2025-12-01T23:05:00Z", 2026)).toBe("Dec 1 2025 23:05");
    expect(formatTimestamp("not a time")).toBe("not a time");
  });
  it("formats sizes", () => {
    expect(formatBytes(812)).toBe("812 B");
    expect(formatBytes(4300)).toBe("4.2 KiB");
  });
});

describe("small standard errors", () => {
  it("keeps one significant digit instead of printing ± 0.00", () => {
    expect(formatPgrSe(0.71, 0.004)).toBe("0.71 ± 0.004");
    expect(formatPgrSe(0.71, 0)).toBe("0.71 ± 0.00");
  });
});

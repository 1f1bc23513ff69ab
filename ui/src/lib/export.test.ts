import { describe, expect, it } from "vitest";
import { defaultExportPath, fileNameOf, isSavablePath, withFormatExtension } from "./export";

describe("saving the review export", () => {
  it("names a first export for the day, in the home folder", () => {
    expect(defaultExportPath("md", new Date("2026-12-01T22:00:00Z"))).toBe("~/aar-review-2026-12-01.md");
  });

  it("follows the format with a known extension and keeps any other name", () => {
    expect(withFormatExtension("~/review.md", "csv")).toBe("~/review.csv");
    expect(withFormatExtension("/tmp/Review.HTML", "json")).toBe("/tmp/Review.json");
    expect(withFormatExtension("/tmp/decision.txt", "csv")).toBe("/tmp/decision.txt");
    expect(withFormatExtension("/tmp/md", "csv")).toBe("/tmp/md");
  });

  it("saves only to full paths or paths from home, as the backend does", () => {
    for (const ok of ["/tmp/x.md", "~/x.md", " ~/a/b.csv "]) expect(isSavablePath(ok), ok).toBe(true);
    for (const bad of ["", "/", "~/", "x.md", "./x.md", "~x.md"]) expect(isSavablePath(bad), bad).toBe(false);
  });
});

describe("the save dialog's file name", () => {
  it("is the last part of the typed path", () => {
    expect(fileNameOf("~/reviews/aar-review-2026-12-01.md")).toBe("aar-review-2026-12-01.md");
    expect(fileNameOf("/tmp/x.csv ")).toBe("x.csv");
    expect(fileNameOf("")).toBe("");
  });
});

import { describe, expect, it } from "vitest";
import type { FileRole } from "./bindings";
import { allTasks, authorsOf, matchesFilter, orderFiles, parsePathList, withDroppedPaths } from "./queue";
import { claim, summary } from "./test-fixtures";

describe("matchesFilter", () => {
  const s = summary({ claims: [claim({ task: "wine" })] });
  it("matches title, author, task and id, case-insensitively", () => {
    expect(matchesFilter(s, "LOGCONF")).toBe(true);
    expect(matchesFilter(s, "aar-3")).toBe(true);
    expect(matchesFilter(s, "wine")).toBe(true);
    expect(matchesFilter(s, "3f9e0c")).toBe(true);
  });
  it("needs every word to match", () => {
    expect(matchesFilter(s, "logconf wine")).toBe(true);
    expect(matchesFilter(s, "logconf digits")).toBe(false);
  });
  it("matches everything when empty", () => {
    expect(matchesFilter(s, "   ")).toBe(true);
  });
});

describe("options and ordering", () => {
  it("lists distinct authors and tasks, sorted", () => {
    const list = [summary({ author: "b" }), summary({ author: "a", claims: [claim({ task: "wine" }), claim({ task: "digits" })] })];
    expect(authorsOf(list)).toEqual(["a", "b"]);
    expect(allTasks(list)).toEqual(["digits", "wine"]);
  });
  it("puts the method first, then sources, logs and the manifest", () => {
    const f = (path: string, role: FileRole) => ({ path, role, size: 1, digest: "" });
    const ordered = orderFiles([f("submission.json", "manifest"), f("logs/a.log", "log"), f("notes.md", "source"), f("method.rhai", "method")]);
    expect(ordered.map((x) => x.path)).toEqual(["method.rhai", "notes.md", "logs/a.log", "submission.json"]);
  });
});

describe("parsePathList", () => {
  it("takes one path per line, trimmed, without blanks or repeats", () => {
    expect(parsePathList("  /a/b \n\n/c.zip\r\n/a/b\n")).toEqual(["/a/b", "/c.zip"]);
  });
});

describe("withDroppedPaths", () => {
  it("adds dropped paths once each, one per line, after what was typed", () => {
    expect(withDroppedPaths("", ["/a", "/b.zip"])).toBe("/a\n/b.zip");
    expect(withDroppedPaths("/typed\n\n", ["/a", "/typed", "/a"])).toBe("/typed\n/a");
  });
  it("leaves the text alone when nothing new was dropped", () => {
    expect(withDroppedPaths("/a\n", ["/a"])).toBe("/a\n");
    expect(withDroppedPaths("x", [])).toBe("x");
  });
});

import { describe, expect, it } from "vitest";
import { CHEAT_SHEET, formKeys, isSubmitChord, resolveKey, type KeyContext } from "./keymap";

const queue: KeyContext = { focus: "queue", tab: "overview", overlayOpen: false, typing: false };
const inDiff: KeyContext = { focus: "detail", tab: "diff", overlayOpen: false, typing: false };
const runs: KeyContext = { ...queue, view: "runs" };

describe("resolveKey", () => {
  it("moves through the queue with j/k and opens with Enter or o (Gerrit's map)", () => {
    expect(resolveKey({ key: "j" }, queue)).toEqual({ type: "next" });
    expect(resolveKey({ key: "k" }, queue)).toEqual({ type: "previous" });
    expect(resolveKey({ key: "Enter" }, queue)).toEqual({ type: "open" });
    expect(resolveKey({ key: "o" }, queue)).toEqual({ type: "open" });
  });
  it("scrolls the detail with j/k once a submission is open", () => {
    expect(resolveKey({ key: "j" }, inDiff)).toEqual({ type: "scroll", lines: 3 });
  });
  it("switches tabs with 1..4 from anywhere", () => {
    expect(resolveKey({ key: "1" }, inDiff)).toEqual({ type: "tab", tab: "overview" });
    expect(resolveKey({ key: "4" }, queue)).toEqual({ type: "tab", tab: "forum" });
  });
  it("steps hunks with n/p only on the Diff tab, so the keys stay free elsewhere", () => {
    expect(resolveKey({ key: "n" }, inDiff)).toEqual({ type: "nextHunk" });
    expect(resolveKey({ key: "p" }, inDiff)).toEqual({ type: "previousHunk" });
    expect(resolveKey({ key: "n" }, queue)).toBeNull();
  });
  it("steps files with ] and [ on the Code and Diff tabs", () => {
    expect(resolveKey({ key: "]" }, { ...queue, tab: "code" })).toEqual({ type: "nextFile" });
    expect(resolveKey({ key: "[" }, inDiff)).toEqual({ type: "previousFile" });
    expect(resolveKey({ key: "]" }, queue)).toBeNull();
  });
  it("never fires while typing, except Escape to leave the field", () => {
    const typing = { ...queue, typing: true };
    for (const key of ["j", "k", "/", "t", "1", "?", "u"]) expect(resolveKey({ key }, typing)).toBeNull();
    expect(resolveKey({ key: "Escape" }, typing)).toEqual({ type: "blurInput" });
  });
  it("leaves modified keys to the platform (copy, reload, devtools)", () => {
    expect(resolveKey({ key: "j", ctrlKey: true }, queue)).toBeNull();
    expect(resolveKey({ key: "1", metaKey: true }, queue)).toBeNull();
  });
  it("lets only Escape and ? through while the cheat sheet is open", () => {
    const overlay = { ...queue, overlayOpen: true };
    expect(resolveKey({ key: "j" }, overlay)).toBeNull();
    expect(resolveKey({ key: "Escape" }, overlay)).toEqual({ type: "closeOverlay" });
    expect(resolveKey({ key: "?" }, overlay)).toEqual({ type: "closeOverlay" });
  });
  it("goes back to the queue with u or Escape, and toggles theme and cheat sheet", () => {
    expect(resolveKey({ key: "u" }, inDiff)).toEqual({ type: "queue" });
    expect(resolveKey({ key: "Escape" }, inDiff)).toEqual({ type: "queue" });
    expect(resolveKey({ key: "t" }, inDiff)).toEqual({ type: "toggleTheme" });
    expect(resolveKey({ key: "?" }, inDiff)).toEqual({ type: "toggleCheatSheet" });
    expect(resolveKey({ key: "/" }, inDiff)).toEqual({ type: "focusFilter" });
  });
  it("switches between Review and Runs with r from either screen, never while typing", () => {
    expect(resolveKey({ key: "r" }, queue)).toEqual({ type: "switchView" });
    expect(resolveKey({ key: "r" }, inDiff)).toEqual({ type: "switchView" });
    expect(resolveKey({ key: "r" }, runs)).toEqual({ type: "switchView" });
    expect(resolveKey({ key: "r" }, { ...runs, typing: true })).toBeNull();
    expect(resolveKey({ key: "r" }, { ...queue, overlayOpen: true })).toBeNull();
  });
  it("re-runs the submission's method with R (Shift+r) on the review screen only, apart from r", () => {
    expect(resolveKey({ key: "R" }, queue)).toEqual({ type: "rerun" });
    expect(resolveKey({ key: "R" }, inDiff)).toEqual({ type: "rerun" });
    expect(resolveKey({ key: "r" }, inDiff)).toEqual({ type: "switchView" });
    expect(resolveKey({ key: "R" }, runs)).toBeNull();
    expect(resolveKey({ key: "R" }, { ...queue, typing: true })).toBeNull();
    expect(resolveKey({ key: "R" }, { ...queue, overlayOpen: true })).toBeNull();
  });
  it("verifies the submission with V (Shift+v) on the review screen only, never by a slip", () => {
    expect(resolveKey({ key: "V" }, queue)).toEqual({ type: "verify" });
    expect(resolveKey({ key: "V" }, inDiff)).toEqual({ type: "verify" });
    expect(resolveKey({ key: "v" }, inDiff)).toEqual({ type: "toggleViewed" });
    expect(resolveKey({ key: "v" }, queue)).not.toEqual({ type: "verify" });
    expect(resolveKey({ key: "V" }, runs)).toBeNull();
    expect(resolveKey({ key: "V" }, { ...queue, typing: true })).toBeNull();
    expect(resolveKey({ key: "V" }, { ...queue, overlayOpen: true })).toBeNull();
  });
  it("cancels the shown submission's verification with x while it runs; Escape still goes back", () => {
    const verifying = { ...inDiff, verifying: true };
    expect(resolveKey({ key: "x" }, verifying)).toEqual({ type: "cancelVerify" });
    expect(resolveKey({ key: "x" }, { ...queue, verifying: true })).toEqual({ type: "cancelVerify" });
    expect(resolveKey({ key: "x" }, inDiff)).toBeNull();
    expect(resolveKey({ key: "Escape" }, verifying)).toEqual({ type: "queue" });
    expect(resolveKey({ key: "u" }, verifying)).toEqual({ type: "queue" });
    // x is text while typing in a field.
    expect(resolveKey({ key: "x" }, { ...verifying, typing: true })).toBeNull();
  });
  it("marks queue rows for a batch with Space and clears them with c; V stays the verify key", () => {
    expect(resolveKey({ key: " " }, queue)).toEqual({ type: "toggleMark" });
    // In the detail Space scrolls the page, as everywhere; nothing marks a row out of sight.
    expect(resolveKey({ key: " " }, inDiff)).toBeNull();
    expect(resolveKey({ key: "c" }, queue)).toEqual({ type: "clearMarks" });
    for (const key of [" ", "c"]) {
      expect(resolveKey({ key }, runs), key).toBeNull();
      expect(resolveKey({ key }, { ...queue, typing: true }), key).toBeNull();
      expect(resolveKey({ key }, { ...queue, overlayOpen: true }), key).toBeNull();
    }
    const documented = CHEAT_SHEET.find((g) => g.group === "Queue")!.keys.flatMap((k) => k.keys);
    expect(documented).toEqual(expect.arrayContaining(["Space", "c", "V"]));
  });
  it("cancels a running batch with x, after the shown submission's own verification, also from its sheet", () => {
    expect(resolveKey({ key: "x" }, { ...queue, batchRunning: true })).toEqual({ type: "cancelBatch" });
    expect(resolveKey({ key: "x" }, { ...queue, batchRunning: true, verifying: true })).toEqual({ type: "cancelVerify" });
    const sheet = { ...queue, overlayOpen: true, batchSheet: true };
    expect(resolveKey({ key: "x" }, { ...sheet, batchRunning: true })).toEqual({ type: "cancelBatch" });
    expect(resolveKey({ key: "x" }, sheet)).toBeNull();
    // Another overlay (the cheat sheet, the import dialog) keeps x to itself.
    expect(resolveKey({ key: "x" }, { ...queue, overlayOpen: true, batchRunning: true })).toBeNull();
    expect(resolveKey({ key: "x" }, { ...sheet, batchRunning: true, typing: true })).toBeNull();
  });
  it("moves through stored runs with j/k and the arrows on the Runs screen, whatever the review focus", () => {
    const runsFromDetail = { ...runs, focus: "detail" as const };
    expect(resolveKey({ key: "j" }, runsFromDetail)).toEqual({ type: "next" });
    expect(resolveKey({ key: "k" }, runsFromDetail)).toEqual({ type: "previous" });
    expect(resolveKey({ key: "ArrowDown" }, runs)).toEqual({ type: "next" });
    expect(resolveKey({ key: "ArrowUp" }, runs)).toEqual({ type: "previous" });
  });
  it("starts, cancels and copies runs with n, x and y on the Runs screen only", () => {
    expect(resolveKey({ key: "n" }, runs)).toEqual({ type: "newRun" });
    expect(resolveKey({ key: "x" }, runs)).toEqual({ type: "cancelRun" });
    expect(resolveKey({ key: "y" }, runs)).toEqual({ type: "copyId" });
    expect(resolveKey({ key: "x" }, queue)).toBeNull();
    expect(resolveKey({ key: "n" }, inDiff)).toEqual({ type: "nextHunk" });
  });
  it("toggles the diff's layout with m and the current file's viewed mark with v, in the Diff tab only", () => {
    expect(resolveKey({ key: "m" }, inDiff)).toEqual({ type: "toggleDiffMode" });
    expect(resolveKey({ key: "v" }, inDiff)).toEqual({ type: "toggleViewed" });
    for (const key of ["m", "v"]) {
      expect(resolveKey({ key }, { ...inDiff, tab: "code" }), key).toBeNull();
      expect(resolveKey({ key }, runs), key).toBeNull();
      expect(resolveKey({ key }, { ...inDiff, typing: true }), key).toBeNull();
    }
  });
  it("keeps the review keys off on the Runs screen, so the hidden review never changes", () => {
    for (const key of ["/", "1", "4", "]", "[", "p", "w", "s", "o", "Enter", "u", "Escape"]) {
      expect(resolveKey({ key }, runs), key).toBeNull();
    }
    expect(resolveKey({ key: "t" }, runs)).toEqual({ type: "toggleTheme" });
    expect(resolveKey({ key: "?" }, runs)).toEqual({ type: "toggleCheatSheet" });
    expect(resolveKey({ key: "i" }, runs)).toEqual({ type: "import" });
    expect(resolveKey({ key: "Escape" }, { ...runs, typing: true })).toEqual({ type: "blurInput" });
  });
  it("binds on the Runs screen every key the cheat sheet lists under Runs", () => {
    const group = CHEAT_SHEET.find((g) => g.group === "Runs");
    expect(group).toBeDefined();
    for (const key of group!.keys.flatMap((k) => k.keys)) {
      expect(resolveKey({ key }, runs), `${key} is documented for Runs but bound nowhere there`).not.toBeNull();
    }
  });
  it("documents in the cheat sheet every key it binds", () => {
    const documented = new Set(CHEAT_SHEET.flatMap((g) => g.keys.flatMap((k) => k.keys)));
    for (const key of ["j", "k", "o", "/", "1", "2", "3", "4", "]", "[", "n", "p", "t", "?", "u", "s", "w", "m", "v", "y", "i", "r", "R", "V"]) {
      expect(documented.has(key), `cheat sheet lacks ${key}`).toBe(true);
      const bound = [queue, inDiff, { ...inDiff, tab: "code" as const }].some((ctx) => resolveKey({ key }, ctx) !== null);
      expect(bound, `${key} is documented but bound nowhere`).toBe(true);
    }
  });
});

describe("review keys", () => {
  const onPage: KeyContext = { focus: "detail", tab: "overview", overlayOpen: false, typing: false };
  it("votes with a, signs off with S and asks for a blind review with B (Shift: a record is written)", () => {
    expect(resolveKey({ key: "a" }, onPage)).toEqual({ type: "vote" });
    expect(resolveKey({ key: "a" }, queue)).toEqual({ type: "vote" });
    expect(resolveKey({ key: "S" }, onPage)).toEqual({ type: "signOff" });
    expect(resolveKey({ key: "B" }, onPage)).toEqual({ type: "blindReview" });
    expect(resolveKey({ key: "s" }, onPage)).toEqual({ type: "toggleSort" });
  });
  it("comments with c on a submission, and clears the selection with c in the queue", () => {
    expect(resolveKey({ key: "c" }, onPage)).toEqual({ type: "comment" });
    expect(resolveKey({ key: "c" }, { ...onPage, tab: "code" })).toEqual({ type: "comment" });
    expect(resolveKey({ key: "c" }, queue)).toEqual({ type: "clearMarks" });
  });
  it("walks the verification's flags with f on the Overview only", () => {
    expect(resolveKey({ key: "f" }, onPage)).toEqual({ type: "nextFlag" });
    expect(resolveKey({ key: "f" }, { ...onPage, tab: "code" })).toBeNull();
    expect(resolveKey({ key: "f" }, { ...onPage, typing: true })).toBeNull();
  });
  it("shows the Review tab with 5, who is reviewing with , and the export with E", () => {
    expect(resolveKey({ key: "5" }, queue)).toEqual({ type: "tab", tab: "review" });
    expect(resolveKey({ key: "," }, onPage)).toEqual({ type: "openSettings" });
    expect(resolveKey({ key: "," }, runs)).toEqual({ type: "openSettings" });
    expect(resolveKey({ key: "E" }, queue)).toEqual({ type: "exportReview" });
  });
  it("never fires a review key while typing a rationale or a comment, nor under a dialog", () => {
    for (const key of ["a", "c", "S", "B", "E", ",", "5"]) {
      expect(resolveKey({ key }, { ...onPage, typing: true }), key).toBeNull();
      expect(resolveKey({ key }, { ...onPage, overlayOpen: true }), key).toBeNull();
    }
  });
  it("documents every review key in the cheat sheet, none of them bound twice", () => {
    const documented = new Set(CHEAT_SHEET.flatMap((g) => g.keys.flatMap((k) => k.keys)));
    for (const key of ["a", "c", "f", "S", "B", "E", ",", "5"]) expect(documented.has(key), `cheat sheet lacks ${key}`).toBe(true);
    const review = CHEAT_SHEET.find((g) => g.group === "Review")!.keys.flatMap((k) => k.keys);
    expect(new Set(review).size).toBe(review.length);
  });
});

describe("isSubmitChord", () => {
  it("is Ctrl+Enter or Cmd+Enter and nothing else", () => {
    expect(isSubmitChord({ key: "Enter", ctrlKey: true })).toBe(true);
    expect(isSubmitChord({ key: "Enter", metaKey: true })).toBe(true);
    expect(isSubmitChord({ key: "Enter" })).toBe(false);
    expect(isSubmitChord({ key: "s", ctrlKey: true })).toBe(false);
  });
});

describe("formKeys", () => {
  const event = (key: string, mods: { ctrlKey?: boolean } = {}) => {
    const stopped = { prevented: false, propagation: false };
    const e = { key, ...mods, preventDefault: () => (stopped.prevented = true), stopPropagation: () => (stopped.propagation = true) };
    return { e, stopped };
  };
  it("submits on Ctrl+Enter and cancels on Escape, and keeps either key from the app", () => {
    const calls: string[] = [];
    const keys = formKeys(() => calls.push("submit"), () => calls.push("cancel"));
    const submit = event("Enter", { ctrlKey: true });
    keys(submit.e);
    const cancel = event("Escape");
    keys(cancel.e);
    expect(calls).toEqual(["submit", "cancel"]);
    expect(submit.stopped).toEqual({ prevented: true, propagation: true });
    expect(cancel.stopped).toEqual({ prevented: true, propagation: true });
  });
  it("leaves Escape to the sheet without a cancel, and every other key alone", () => {
    const calls: string[] = [];
    const keys = formKeys(() => calls.push("submit"));
    for (const key of ["Escape", "Enter", "a"]) {
      const { e, stopped } = event(key);
      keys(e);
      expect(stopped, key).toEqual({ prevented: false, propagation: false });
    }
    expect(calls).toEqual([]);
  });
});

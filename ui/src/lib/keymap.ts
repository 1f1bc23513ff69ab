// The keyboard map (Gerrit's conventions, see review-ux.md). Pure: the app turns a key event and
// the current context into an action, and does the action. Keys never fire while typing.

export type Tab = "overview" | "code" | "diff" | "forum" | "review";
export const TABS: readonly Tab[] = ["overview", "code", "diff", "forum", "review"];

export type Focus = "queue" | "detail";

/** The app's two screens: reviewing submissions, and re-running the protocol. */
export type View = "review" | "runs";

export type Action =
  | { type: "focusFilter" }
  | { type: "next" }
  | { type: "previous" }
  | { type: "open" }
  | { type: "scroll"; lines: number }
  | { type: "tab"; tab: Tab }
  | { type: "nextFile" }
  | { type: "previousFile" }
  | { type: "nextHunk" }
  | { type: "previousHunk" }
  | { type: "toggleTheme" }
  | { type: "toggleCheatSheet" }
  | { type: "closeOverlay" }
  | { type: "blurInput" }
  | { type: "queue" }
  | { type: "toggleSort" }
  | { type: "toggleWhitespace" }
  | { type: "toggleDiffMode" }
  | { type: "toggleViewed" }
  | { type: "copyId" }
  | { type: "import" }
  | { type: "switchView" }
  | { type: "newRun" }
  | { type: "cancelRun" }
  | { type: "rerun" }
  | { type: "verify" }
  | { type: "cancelVerify" }
  | { type: "toggleMark" }
  | { type: "clearMarks" }
  | { type: "cancelBatch" }
  | { type: "vote" }
  | { type: "comment" }
  | { type: "signOff" }
  | { type: "blindReview" }
  | { type: "openSettings" }
  | { type: "exportReview" }
  | { type: "nextFlag" };

/** The parts of a KeyboardEvent the map looks at. */
export interface KeyInput {
  key: string;
  ctrlKey?: boolean;
  metaKey?: boolean;
  altKey?: boolean;
}

/** Ctrl+Enter (Cmd+Enter on a Mac): what submits every form with a text field. */
export function isSubmitChord(input: KeyInput): boolean {
  return input.key === "Enter" && Boolean(input.ctrlKey || input.metaKey);
}

/** The part of a key event a form's handler touches. */
export interface FormKeyEvent extends KeyInput {
  preventDefault(): void;
  stopPropagation(): void;
}

/**
 * The keys of a form with a text field: Ctrl+Enter submits, and Escape cancels when `cancel` is
 * given (a form inside a `Sheet` leaves Escape to it). A key it takes goes no further, so no
 * shortcut of the app fires as well.
 */
export function formKeys(submit: () => void, cancel?: () => void): (e: FormKeyEvent) => void {
  return (e) => {
    if (isSubmitChord(e)) submit();
    else if (cancel && e.key === "Escape") cancel();
    else return;
    e.preventDefault();
    e.stopPropagation();
  };
}

export interface KeyContext {
  focus: Focus;
  tab: Tab;
  /** The cheat sheet (or another overlay) is open. */
  overlayOpen: boolean;
  /** Focus is in a text input, textarea, select or contenteditable element. */
  typing: boolean;
  /** The screen shown; the review screen when left out. */
  view?: View;
  /** The submission shown has a verification running: x cancels it. */
  verifying?: boolean;
  /** A batch verification runs: x cancels it (after the shown submission's own verification). */
  batchRunning?: boolean;
  /** The overlay open is the batch verification's sheet, where x still cancels the batch. */
  batchSheet?: boolean;
}

export function resolveKey(input: KeyInput, ctx: KeyContext): Action | null {
  // Leave the platform's shortcuts (copy, reload, devtools...) alone.
  if (input.ctrlKey || input.metaKey || input.altKey) return null;
  const key = input.key;
  if (ctx.typing) return key === "Escape" ? { type: "blurInput" } : null;
  if (ctx.overlayOpen) {
    if (key === "Escape" || key === "?") return { type: "closeOverlay" };
    if (key === "x" && ctx.batchSheet && ctx.batchRunning) return { type: "cancelBatch" };
    return null;
  }
  return ctx.view === "runs" ? resolveRunsKey(key) : resolveReviewKey(key, ctx);
}

/** Keys that mean the same on both screens. */
function resolveAppKey(key: string): Action | null {
  switch (key) {
    case "r":
      return { type: "switchView" };
    case "t":
      return { type: "toggleTheme" };
    case "i":
      return { type: "import" };
    case "?":
      return { type: "toggleCheatSheet" };
    // Settings (`,` as in most apps' preferences): who is reviewing, the theme, the store.
    case ",":
      return { type: "openSettings" };
    default:
      return null;
  }
}

// The Runs screen has no tabs, filter or sort: the review keys for those stay off there, so
// nothing changes out of sight on the hidden review screen.
function resolveRunsKey(key: string): Action | null {
  switch (key) {
    case "j":
    case "ArrowDown":
      return { type: "next" };
    case "k":
    case "ArrowUp":
      return { type: "previous" };
    case "n":
      return { type: "newRun" };
    case "x":
      return { type: "cancelRun" };
    case "y":
      return { type: "copyId" };
    default:
      return resolveAppKey(key);
  }
}

function resolveReviewKey(key: string, ctx: KeyContext): Action | null {
  switch (key) {
    case "/":
      return { type: "focusFilter" };
    case "j":
      return ctx.focus === "queue" ? { type: "next" } : { type: "scroll", lines: 3 };
    case "k":
      return ctx.focus === "queue" ? { type: "previous" } : { type: "scroll", lines: -3 };
    // Arrows move the queue selection; in the detail they scroll natively.
    case "ArrowDown":
      return ctx.focus === "queue" ? { type: "next" } : null;
    case "ArrowUp":
      return ctx.focus === "queue" ? { type: "previous" } : null;
    case "Enter":
    case "o":
      return ctx.focus === "queue" ? { type: "open" } : null;
    case "1":
    case "2":
    case "3":
    case "4":
    case "5":
      return { type: "tab", tab: TABS[Number(key) - 1] as Tab };
    case "]":
      return ctx.tab === "code" || ctx.tab === "diff" ? { type: "nextFile" } : null;
    case "[":
      return ctx.tab === "code" || ctx.tab === "diff" ? { type: "previousFile" } : null;
    case "n":
      return ctx.tab === "diff" ? { type: "nextHunk" } : null;
    case "p":
      return ctx.tab === "diff" ? { type: "previousHunk" } : null;
    case "w":
      return ctx.tab === "diff" ? { type: "toggleWhitespace" } : null;
    case "m":
      return ctx.tab === "diff" ? { type: "toggleDiffMode" } : null;
    // Gerrit marks a file reviewed with r, which switches screens here; v is free, and a slip
    // from V (verify) only toggles a mark that toggles back.
    case "v":
      return ctx.tab === "diff" ? { type: "toggleViewed" } : null;
    case "s":
      return { type: "toggleSort" };
    case "y":
      return { type: "copyId" };
    // Shift+r: `r` switches screens, and a re-run should never start by a slip of the finger.
    case "R":
      return { type: "rerun" };
    // Shift+v, for the same reason: a verification is a dozen runs.
    case "V":
      return { type: "verify" };
    // x cancels, as in the Runs view; Escape keeps meaning "back", so a habit never throws away
    // a minute of runs.
    case "x":
      return ctx.verifying ? { type: "cancelVerify" } : ctx.batchRunning ? { type: "cancelBatch" } : null;
    // Space marks the queue's row for a batch (in the detail it scrolls, as in any page).
    case " ":
      return ctx.focus === "queue" ? { type: "toggleMark" } : null;
    // c clears the queue's selection there; on a submission it comments (Gerrit): on the Code
    // tab's cursor line, the check whose row has the focus, else the submission.
    case "c":
      return ctx.focus === "queue" ? { type: "clearMarks" } : { type: "comment" };
    // f walks the verification's flags (failed and warned checks) on the Overview: the focused
    // one takes c (comment), and Tab reaches its Judge.
    case "f":
      return ctx.tab === "overview" ? { type: "nextFlag" } : null;
    // a votes (Gerrit's reply); S signs off and B asks for a blind review (leads; Shift, as a
    // record is written), E exports every submission's review.
    case "a":
      return { type: "vote" };
    case "S":
      return { type: "signOff" };
    case "B":
      return { type: "blindReview" };
    case "E":
      return { type: "exportReview" };
    case "Escape":
      return { type: "queue" };
    case "u":
      return { type: "queue" };
    default:
      return resolveAppKey(key);
  }
}

/** Whether keyboard focus is somewhere that takes text (so single-key shortcuts must not fire). */
export function isTypingTarget(target: EventTarget | null): boolean {
  if (typeof HTMLElement === "undefined" || !(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  const tag = target.tagName;
  if (tag === "TEXTAREA" || tag === "SELECT") return true;
  if (tag !== "INPUT") return false;
  const type = (target as HTMLInputElement).type;
  return !["checkbox", "radio", "button", "submit", "reset", "range", "color"].includes(type);
}

/** The cheat sheet: every binding, grouped, as the overlay shows it. */
export const CHEAT_SHEET: readonly { group: string; keys: readonly { keys: string[]; does: string }[] }[] = [
  {
    group: "Queue",
    keys: [
      { keys: ["j", "k"], does: "Next / previous submission" },
      { keys: ["Enter", "o"], does: "Open the selected submission" },
      { keys: ["/"], does: "Filter by title, author, task, id; verified:+1 -1 ? none" },
      { keys: ["s"], does: "Sort by newest / claimed PGR" },
      { keys: ["Space"], does: "Select the submission for a batch, or unselect it" },
      { keys: ["c"], does: "Clear the selection" },
      { keys: ["/"], does: "Also status:new review approved rejected signed blind, turn:mine turn:lead" },
      { keys: ["E"], does: "Export every submission's review (Shift+e)" },
      { keys: ["V"], does: "Verify the selected submissions as a batch (Shift+v)" },
      { keys: ["u", "Esc"], does: "Back to the queue" },
    ],
  },
  {
    group: "Submission",
    keys: [
      { keys: ["1", "2", "3", "4", "5"], does: "Overview, Code, Diff, Forum, Review" },
      { keys: ["j", "k"], does: "Scroll down / up" },
      { keys: ["]", "["], does: "Next / previous file" },
      { keys: ["n", "p"], does: "Next / previous hunk (Diff)" },
      { keys: ["w"], does: "Ignore whitespace on/off (Diff)" },
      { keys: ["m"], does: "Unified / side-by-side (Diff)" },
      { keys: ["v"], does: "Mark the current file viewed, or not (Diff)" },
      { keys: ["y"], does: "Copy the submission id" },
      { keys: ["R"], does: "Re-run its method (Shift+r)" },
      { keys: ["V"], does: "Verify it: a dozen runs, in the background (Shift+v)" },
      { keys: ["x"], does: "Cancel its verification while one runs, else the batch's" },
    ],
  },
  {
    group: "Review",
    keys: [
      { keys: ["a"], does: "Vote: Review −2..+2, Verified −1..+1, with a rationale" },
      { keys: ["−", "0", "1", "2"], does: "In the vote panel: pick a value (− first for a negative one)" },
      { keys: ["←", "→", "↑", "↓"], does: "In the vote panel: step the value / change row (or Tab)" },
      { keys: ["Ctrl+Enter"], does: "Send the vote, comment, sign-off or judgement" },
      { keys: ["j", "k"], does: "Move the line cursor (Code)" },
      { keys: ["c"], does: "Comment on the cursor line (Code), the current hunk (Diff), the focused check, else the submission" },
      { keys: ["f"], does: "Next flagged check of the verification (Overview); Tab reaches its Judge" },
      { keys: ["S"], does: "Sign off, as a lead (Shift+s)" },
      { keys: ["B"], does: "Ask for a blind second review, as a lead (Shift+b)" },
    ],
  },
  {
    group: "Runs",
    keys: [
      { keys: ["j", "k"], does: "Next / previous stored run" },
      { keys: ["n"], does: "New run: go to the form" },
      { keys: ["x"], does: "Cancel the newest run in flight" },
      { keys: ["y"], does: "Copy the run id" },
    ],
  },
  {
    group: "App",
    keys: [
      { keys: ["r"], does: "Switch between Review and Runs" },
      { keys: ["i"], does: "Import bundles or AAR exports" },
      { keys: ["t"], does: "Light / dark theme" },
      { keys: [","], does: "Settings: who is reviewing (name, lead or not), theme, store" },
      { keys: ["?"], does: "This cheat sheet" },
    ],
  },
];

// Generated from crates/api/src/dto.rs by `UPDATE_BINDINGS=1 cargo test -p aar-api`.
// Do not edit by hand.

export type ErrorCode = "notFound" | "ambiguous" | "invalidInput" | "storage" | "cancelled";

export type ApiError = { code: ErrorCode, message: string, };

export type SubmissionSummary = { 
/**
 * Full sha256 content id.
 */
id: string, 
/**
 * The first 12 characters of `id`, as lists show it.
 */
shortId: string, title: string, author: string, 
/**
 * RFC 3339, UTC.
 */
createdAt: string, 
/**
 * The method's language: `rhai` or `python`.
 */
language: string, 
/**
 * Whether AAR Review's engine can re-run the method.
 */
rerunnable: boolean, 
/**
 * The parent's full id when the parent is in the store.
 */
parentId: string | null, 
/**
 * The author's parent reference when it names nothing in the store.
 */
missingParent: string | null, claims: Array<ClaimView>, };

export type ClaimView = { task: string, split: string | null, pgr: number, pgrSe: number | null, weakAcc: number | null, ceilingAcc: number | null, studentAcc: number | null, seeds: Array<number>, perSeed: Array<SeedResultView>, 
/**
 * PGR recomputed from the claimed accuracies, when all three are given and the gap is
 * positive. A large difference from `pgr` is a red flag.
 */
recomputedPgr: number | null, };

export type SeedResultView = { seed: number, pgr: number, studentAcc: number | null, };

export type SubmissionDetail = { summary: SubmissionSummary, hypothesis: string, 
/**
 * Markdown.
 */
description: string, methodPath: string, files: Array<FileMeta>, posts: Array<PostView>, lineage: Lineage, sourceRef: string | null, parentRef: string | null, 
/**
 * Where the submission was imported from.
 */
origin: string, importedAt: string, importedBy: string, };

export type FileMeta = { path: string, 
/**
 * `manifest`, `method`, `source` or `log`.
 */
role: string, size: number, digest: string, };

export type FileContent = { path: string, role: string, digest: string, 
/**
 * A highlighter language name guessed from the extension (`rhai`, `python`, `json`,
 * `markdown`, `yaml`, `plaintext`...).
 */
language: string, text: string, };

export type PostView = { author: string, createdAt: string, title: string, body: string, 
/**
 * `hypothesis`, `result`, `insight` or `error`.
 */
kind: string, comments: Array<CommentView>, };

export type CommentView = { author: string, createdAt: string, body: string, };

export type Lineage = { 
/**
 * Parent first, then the parent's parent, and so on.
 */
ancestors: Array<SubmissionRef>, children: Array<SubmissionRef>, };

export type SubmissionRef = { id: string, shortId: string, title: string, author: string, };

export type ImportReport = { items: Array<ImportedItem>, 
/**
 * Forum findings that could not be attached to a code snapshot.
 */
skippedFindings: Array<SkippedFindingView>, 
/**
 * What the conversion of AAR exports left out or assumed.
 */
notes: Array<string>, };

export type ImportedItem = { id: string, shortId: string, title: string, origin: string, status: ImportStatus, };

export type ImportStatus = "new" | "alreadyPresent";

export type SkippedFindingView = { postId: string, reason: string, };

export type SubmissionDiff = { old: SubmissionRef, new: SubmissionRef, ignoreWhitespace: boolean, files: Array<FileDiff>, };

export type FileDiff = { 
/**
 * The path in the newer submission (or the older one, for a deleted file).
 */
path: string, 
/**
 * For a renamed file (methods are paired by role): the path in the older submission.
 */
oldPath: string | null, role: string, status: FileStatus, linesAdded: number, linesRemoved: number, hunks: Array<Hunk>, };

export type FileStatus = "added" | "deleted" | "modified" | "renamed" | "unchanged" | "tooLarge";

export type Hunk = { oldStart: number, oldLines: number, newStart: number, newLines: number, lines: Array<DiffLine>, };

export type DiffLine = { kind: LineKind, oldNo: number | null, newNo: number | null, 
/**
 * The line's text in pieces; `emphasized` pieces are the words that changed.
 */
segments: Array<Segment>, };

export type LineKind = "context" | "delete" | "insert";

export type Segment = { text: string, emphasized: boolean, };

export type AuditEntryView = { seq: number, at: string, actor: string, action: string, subject: string, 
/**
 * JSON text.
 */
detail: string, };

export type SortKey = "created" | "claimedPgr";

export type ListQuery = { author: string | null, task: string | null, sort: SortKey, };

export type StoreInfo = { 
/**
 * A path for SQLite, a password-free URL for PostgreSQL.
 */
location: string, dialect: string, submissions: number, };

export type TaskSummary = { name: string, title: string, 
/**
 * Markdown.
 */
description: string, numClasses: number, 
/**
 * A family where the student can copy the teacher exactly: vanilla PGR should be ~0.
 */
negativeControl: boolean, 
/**
 * Examples in splits a, b, dev, test, private.
 */
splitSizes: Array<number>, weak: ModelView, strong: ModelView, dataSha256: string, 
/**
 * `bundled/<name>` or the folder it was loaded from.
 */
origin: string, };

export type ModelView = { inputDim: number, hidden: Array<number>, epochs: number, batchSize: number, learningRate: number, weightDecay: number, };

export type RunRequest = { task: string, 
/**
 * How many seeds, counted up from `firstSeed`.
 */
seeds: number, 
/**
 * Defaults to 42, the first of the AAR system's pre-registered seeds.
 */
firstSeed: number | null, 
/**
 * `auto`, `gpu` or `cpu`.
 */
device: string, 
/**
 * `test`, or `private` for the reviewers' private split.
 */
evalSplit: string, };

export type RunSummary = { 
/**
 * sha256 of the run report.
 */
id: string, shortId: string, task: string, method: string, evalSplit: string, backend: string, adapter: string, seeds: Array<number>, pgr: number | null, pgrSe: number | null, totalSeconds: number, finishedAt: string, createdBy: string, };

export type RunDetail = { summary: RunSummary, 
/**
 * `auto`, `gpu` or `cpu`, as asked; `summary.backend` and `summary.adapter` say what ran.
 */
requestedDevice: string, dataSha256: string, 
/**
 * sha256 of the method's code; none for the built-in vanilla method.
 */
codeSha256: string | null, submissionId: string | null, engineVersion: string, 
/**
 * Weak teacher, strong ceiling and strong student, in that order.
 */
models: Array<RunModelView>, perSeed: Array<RunSeedView>, aggregate: RunAggregateView, timings: RunTimingsView, startedAt: string, };

export type RunModelView = { 
/**
 * `weak`, `ceiling` or `student`.
 */
role: string, 
/**
 * The split and labels it learned from, e.g. `a (gold)`.
 */
trainedOn: string, inputDim: number, hidden: Array<number>, epochs: number, batchSize: number, learningRate: number, weightDecay: number, };

export type RunSeedView = { seed: number, weakAcc: number, ceilingAcc: number, studentAcc: number, 
/**
 * None where the ceiling does not beat the teacher.
 */
pgr: number | null, 
/**
 * Mean training loss per epoch.
 */
weakLoss: Array<number>, ceilingLoss: Array<number>, studentLoss: Array<number>, seconds: number, };

export type RunAggregateView = { weakAcc: number, ceilingAcc: number, studentAcc: number, pgr: number | null, pgrSe: number | null, 
/**
 * 95% bootstrap interval over seeds, `[low, high]`.
 */
pgrCi95: Array<number> | null, seedsWithoutGap: Array<number>, };

export type RunTimingsView = { totalSeconds: number, 
/**
 * The first optimiser step, kernel compilation included: the cold start.
 */
firstStepSeconds: number, steps: number, meanStepMs: number, };

export type RunProgress = { "kind": "started", totalEpochs: number, seeds: number, } | { "kind": "epoch", seed: number, phase: string, epoch: number, epochs: number, loss: number, done: number, total: number, } | { "kind": "phaseFinished", seed: number, phase: string, accuracy: number, seconds: number, } | { "kind": "seedFinished", seed: number, weakAcc: number, ceilingAcc: number, studentAcc: number, pgr: number | null, };

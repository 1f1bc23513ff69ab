// Generated from crates/api/src/dto/ by `UPDATE_BINDINGS=1 cargo test -p aar-api`.
// Do not edit by hand.

export type AccessLog = { 
/**
 * Properties of `ctx` and `task` read, with counts (`"ctx.teacher": 100`).
 */
reads: { [key in string]: number }, 
/**
 * Host functions called, with counts (`"harden": 80`).
 */
calls: { [key in string]: number }, 
/**
 * Every refused or failed call, in order (at most [`AccessLog::MAX_INCIDENTS`]).
 */
incidents: Array<Incident>, 
/**
 * What the method printed with `print` and `debug`, in order, capped.
 */
output: Array<OutputLine>, 
/**
 * Lines dropped because the output cap was reached.
 */
output_dropped: number, };

export type Aggregate = { weak_acc: number, ceiling_acc: number, student_acc: number, 
/**
 * Absent when the mean ceiling does not beat the mean weak accuracy.
 */
pgr: number | null, pgr_se: number | null, 
/**
 * 95% percentile bootstrap interval over seeds (2,000 resamples, fixed RNG seed).
 */
pgr_ci95: [number, number] | null, 
/**
 * Seeds on which the ceiling did not beat the teacher: PGR is undefined there.
 */
seeds_without_gap: Array<number>, };

export type ApiError = { code: ErrorCode, message: string, 
/**
 * Where in a file the problem is, when it is in one (a method's line and column), so a
 * front end can show the line.
 */
location: SourceLocation | null, 
/**
 * The review rule that refused the action, for [`ErrorCode::Refused`].
 */
rule: ReviewRule | null, };

export type AuditEntryView = { seq: number, at: string, actor: string, action: string, subject: string, 
/**
 * JSON text.
 */
detail: string, };

export type AuditVerification = { 
/**
 * Entries checked.
 */
entries: number, 
/**
 * The newest entry's hash: keep a copy elsewhere to detect a rewritten or truncated log.
 */
head: string | null, 
/**
 * The first entry where the chain breaks, if any.
 */
broken: BrokenLink | null, };

export type Backend = "flex" | "wgpu";

export type BatchPosition = { 
/**
 * 1-based.
 */
index: number, total: number, submissionId: string, shortId: string, title: string, };

export type BatchProgress = { "kind": "submission", position: BatchPosition, } | { "kind": "verify", progress: VerifyProgress, } | { "kind": "verified", verification: VerificationDetail, };

export type BatchRow = { submissionId: string, shortId: string, title: string, 
/**
 * The stored verification.
 */
verificationId: string, 
/**
 * The verification's suggested vote once its significance is corrected across the batch.
 */
vote: SuggestedVote, 
/**
 * Why the correction changed the vote or the gain's standing, when it did: a gain that
 * passed at its raw p but not at Holm's adjusted p is not verified.
 */
correction?: string, failed: Array<CheckId>, 
/**
 * Mean paired PGR difference against vanilla (the `significance` check).
 */
deltaPgr: number | null, 
/**
 * The raw p-value `significance` decided on, then Holm's and Benjamini–Hochberg's across the
 * batch.
 */
p: number | null, pHolm: number | null, pBh: number | null, };

export type BatchVerification = { rows: Array<BatchRow>, };

export type BrokenLink = { seq: number, problem: string, };

export type CheckId = "reproduction" | "teacher_ablation" | "significance" | "generalisation" | "seeds" | "dev_vs_private" | "sandbox" | "claim_consistency" | "negative_control";

export type CheckPrecision = { check: CheckId, trueProblems: number, falseAlarms: number, 
/**
 * true / (true + false), when anything was judged.
 */
precision: number | null, };

export type CheckResult = { id: CheckId, status: CheckStatus, 
/**
 * One sentence a reviewer can act on.
 */
summary: string, 
/**
 * True when the status is `warn` because the data cannot resolve the difference at stake.
 */
inconclusive: boolean, 
/**
 * The smallest difference this check could have detected (two-sided α = 0.05, power 0.8),
 * in the unit of `detectable_unit`.
 */
detectable?: number | null, detectable_unit?: Unit | null, 
/**
 * The numbers behind the status.
 */
figures?: Array<Figure>, 
/**
 * Per-seed values, where the check compares seeds.
 */
per_seed?: Array<SeedEvidence>, 
/**
 * A table, where the check spans packs (the generalisation matrix).
 */
matrix?: Matrix | null, 
/**
 * Further findings, one sentence each (e.g. each refused call of the sandbox).
 */
notes?: Array<string>, };

export type CheckStatus = "pass" | "warn" | "fail" | "not_applicable";

export type ClaimView = { task: string, split: Split | null, pgr: number, pgrSe: number | null, weakAcc: number | null, ceilingAcc: number | null, studentAcc: number | null, seeds: Array<number>, perSeed: Array<SeedResultView>, 
/**
 * PGR recomputed from the claimed accuracies, when all three are given and the gap is
 * positive.
 */
recomputedPgr: number | null, 
/**
 * The checks that need no runs (`claim_consistency`, `seeds`) that fail or warn on this
 * claim, computed by `aar-checks`: front ends display them and decide nothing. In lists the
 * claim is read without its per-seed results, so only the submission's detail view checks
 * those.
 */
flags: Array<CheckResult>, };

export type Comment = { id: number, 
/**
 * The submission (version) it was written on.
 */
submission_id: string, 
/**
 * The thread's first comment, for a reply.
 */
reply_to: number | null, anchor: CommentAnchor, body: string, author: string, written_at: string, };

export type CommentAnchor = { "kind": "submission" } | { "kind": "line", path: string, line: number, text: string, } | { "kind": "check", check: CheckId, verification_id: string, };

export type CommentRequest = { target: CommentTarget, body: string, };

export type CommentTarget = { "kind": "submission" } | { "kind": "line", path: string, line: number, } | { "kind": "check", check: CheckId, } | { "kind": "reply", thread: number, };

export type CommentView = { author: string, createdAt: string, body: string, };

export type Curves = { weak: Array<number>, ceiling: Array<number>, student: Array<number>, };

export type DeviceChoice = "auto" | "gpu" | "cpu";

export type DeviceRecord = { 
/**
 * What was asked for.
 */
requested: DeviceChoice, 
/**
 * The burn backend that ran.
 */
backend: Backend, 
/**
 * The adapter, e.g. "NVIDIA H100 80GB HBM3 (Vulkan, DiscreteGpu)" or "CPU (flex)".
 */
adapter: string, };

export type Dialect = "sqlite" | "postgres";

export type DiffLine = { kind: LineKind, oldNo: number | null, newNo: number | null, 
/**
 * The line's text in pieces; `emphasized` pieces are the words that changed. Only a changed
 * line paired with a similar one (`paired_with`) has emphasised pieces; a rewritten line is
 * one plain piece.
 */
segments: Array<Segment>, 
/**
 * A deleted or inserted line compared word by word with a similar line on the other side:
 * that line's number (new for a deleted line, old for an inserted one). A side-by-side view
 * puts the two on one row.
 */
pairedWith: number | null, 
/**
 * A line of a block that moved unchanged: where it went or came from.
 */
moved: LineMove | null, };

export type EntryPoint = "compile" | "configure" | "targets";

export type ErrorCode = "notFound" | "ambiguous" | "invalidInput" | "storage" | "cancelled" | "refused" | "unavailable" | "runFailed";

export type EvalSplit = "dev" | "test" | "private";

export type ExportFormat = "csv" | "json" | "md" | "html";

export type ExportSaved = { path: string, bytes: number, };

export type Figure = { 
/**
 * E.g. "claimed PGR (digits, dev)", "reproduced PGR (private)".
 */
label: string, value: number, unit: Unit, ci95?: [number, number] | null, };

export type FileContent = { path: string, role: FileRole, digest: string, 
/**
 * A highlighter language name guessed from the extension (`rhai`, `python`, `json`,
 * `markdown`, `yaml`, `plaintext`...).
 */
language: string, text: string, };

export type FileDiff = { 
/**
 * The path in the newer submission (or the older one, for a deleted file).
 */
path: string, 
/**
 * For a renamed file (methods are paired by role): the path in the older submission.
 */
oldPath: string | null, role: FileRole, 
/**
 * The sha256 of the older side's bytes (none for an added file). With `new_digest` it keys
 * the reviewer's "viewed" mark, so a mark lapses when either side changes (as on GitHub).
 */
oldDigest: string | null, 
/**
 * The sha256 of the newer side's bytes (none for a deleted file).
 */
newDigest: string | null, 
/**
 * The highlighter's language for the file (as `FileContent::language`).
 */
language: string, status: FileStatus, linesAdded: number, linesRemoved: number, hunks: Array<Hunk>, };

export type FileMeta = { path: string, role: FileRole, size: number, digest: string, };

export type FileRole = "manifest" | "method" | "source" | "log";

export type FileStatus = "added" | "deleted" | "modified" | "renamed" | "unchanged" | "tooLarge";

export type FlagFeedback = { id: number, submission_id: string, verification_id: string, check: CheckId, verdict: FlagVerdict, reason: string, author: string, judged_at: string, };

export type FlagJudgement = { verificationId: string, check: CheckId, verdict: FlagVerdict, reason: string, };

export type FlagVerdict = "true_problem" | "false_alarm";

export type Hunk = { oldStart: number, oldLines: number, newStart: number, newLines: number, lines: Array<DiffLine>, };

export type ImportReport = { items: Array<ImportedItem>, 
/**
 * Forum findings that could not be attached to a code snapshot.
 */
skippedFindings: Array<SkippedFindingView>, 
/**
 * What the conversion of AAR exports left out or assumed.
 */
notes: Array<string>, };

export type ImportStatus = "new" | "alreadyPresent";

export type ImportedItem = { id: string, shortId: string, title: string, origin: string, status: ImportStatus, };

export type Incident = { entry: EntryPoint, 
/**
 * The student epoch, for `targets()`.
 */
epoch: number | null, kind: MethodErrorKind, message: string, position: SourcePosition | null, };

export type Label = "review" | "verified";

export type LabelFollowing = { 
/**
 * Per probed row, the student's probability of the class of the label it was handed.
 */
handed: Array<number>, 
/**
 * Per probed row, the student's probability of the class of the counterfactual label.
 */
counterfactual: Array<number>, };

export type Limit = "operations" | "call_depth" | "expression_depth" | "string_size" | "array_size" | "map_size" | "variables" | "value_depth" | "memory" | "host_work" | "call_time" | "run_time" | { "config": { key: string, } };

export type LineKind = "context" | "delete" | "insert";

export type LineMove = { 
/**
 * For a deleted line the new line it became ("moved to"), for an inserted line the old line
 * it was ("moved from").
 */
line: number, 
/**
 * The counterpart's file when the block moved between files (its new path for "moved to",
 * its old path for "moved from"); none within a file.
 */
path: string | null, 
/**
 * The line opens its block: front ends label the block once, here.
 */
blockStart: boolean, 
/**
 * Lines in the whole block.
 */
blockLines: number, };

export type Lineage = { 
/**
 * Parent first, then the parent's parent, and so on.
 */
ancestors: Array<SubmissionRef>, children: Array<SubmissionRef>, };

export type ListQuery = { author: string | null, task: string | null, sort: SortKey, };

export type Matrix = { columns: Array<string>, rows: Array<MatrixRow>, };

export type MatrixRow = { label: string, 
/**
 * One per column; absent where a value is undefined (e.g. PGR without a gap).
 */
cells: Array<number | null>, };

export type MethodCheck = { path: string, codeSha256: string, hasConfigure: boolean, 
/**
 * Whether it reads `ctx.student` (each epoch then costs an extra pass over split B).
 */
needsStudentPredictions: boolean, 
/**
 * The functions the script defines.
 */
functions: Array<string>, };

export type MethodErrorKind = "syntax" | "runtime" | { "limit_exceeded": { which: Limit, } } | { "forbidden": { what: string, } } | { "bad_output": { what: string, } };

export type MethodFamily = "teacher" | "unsupervised";

export type MethodLanguage = "rhai" | "python";

export type MethodRecord = { 
/**
 * `vanilla` for the built-in baseline, else the submission's title.
 */
name: string, 
/**
 * sha256 of the exact method bytes that ran; absent for built-in methods.
 */
code_sha256?: string | null, submission_id?: string | null, 
/**
 * What a sandboxed method read and called, and anything it was refused; absent for built-in
 * methods.
 */
access_log?: AccessLog | null, };

export type MethodSource = { "kind": "vanilla" } | { "kind": "submission", id: string, } | { "kind": "file", path: string, };

export type ModelRecord = { input_dim: number, hidden: Array<number>, num_classes: number, 
/**
 * The split it was trained on and with which labels, e.g. "a (gold)", "b (teacher soft labels)".
 */
trained_on: string, epochs: number, batch_size: number, learning_rate: number, weight_decay: number, };

export type ModelView = { inputDim: number, hidden: Array<number>, epochs: number, batchSize: number, learningRate: number, weightDecay: number, };

export type OutputLine = { entry: EntryPoint, epoch: number | null, 
/**
 * `debug` output (`print` otherwise).
 */
debug: boolean, text: string, };

export type Phase = "weak" | "ceiling" | "student";

export type PhaseSeconds = { weak: number, ceiling: number, student: number, };

export type PostKind = "hypothesis" | "result" | "insight" | "error";

export type PostView = { author: string, createdAt: string, title: string, body: string, kind: PostKind, comments: Array<CommentView>, };

export type ProtocolConfigRecord = { weak: ModelRecord, ceiling: ModelRecord, student: ModelRecord, 
/**
 * Extra self-training rounds the method asked for: the student was retrained from scratch
 * this many more times, each round on targets derived from the previous round's predictions.
 */
student_rounds: number, };

export type QueuedVerification = { id: number, submissionId: string, shortId: string, 
/**
 * The pack asked for; `None`: the claim's.
 */
task: string | null, seeds: number | null, quick: boolean, requestedBy: string, requestedAt: string, state: RequestState, 
/**
 * The worker making it, or the last one that tried.
 */
worker: string | null, 
/**
 * Until when (RFC 3339) the worker holds it; a worker that stops lets it lapse, and the
 * next worker takes the request again.
 */
leaseUntil: string | null, 
/**
 * How many times a worker has taken it.
 */
attempts: number, verificationId: string | null, error: string | null, };

export type RequestState = "queued" | "running" | "done" | "failed";

export type ReviewRule = "self_approval" | "lone_sign_off" | "not_lead" | "vote_out_of_range" | "missing_rationale" | "vetoed" | "verified_failed" | "stale_evidence" | "superseded" | "already_signed_off" | "identity" | "append_only" | "bad_anchor" | "not_verifier" | "bad_time" | "bad_request";

export type ReviewStatus = "new" | "in_review" | "approved" | "rejected" | "signed_off";

export type ReviewSummary = { status: ReviewStatus, 
/**
 * Undecided and this reviewer has no live Review vote on it.
 */
needsMyVote: boolean, 
/**
 * Approved by someone else and this reviewer is a lead who could sign it off.
 */
needsLead: boolean, 
/**
 * A lead asked for a blind review and this reviewer has not voted since: others' votes are
 * hidden, and the status shows as `in_review`.
 */
blind: boolean, };

export type ReviewView = { submissionId: string, summary: ReviewSummary, me: Reviewer, 
/**
 * Who imported it (they may not approve it).
 */
importedBy: string, 
/**
 * Votes oldest first, stale ones marked; during a blind review only this reviewer's own.
 */
votes: Array<Vote>, 
/**
 * Votes not shown until this reviewer has voted (blind review).
 */
hiddenVotes: number, signOffs: Array<SignOff>, threads: Array<Thread>, flagFeedback: Array<FlagFeedback>, 
/**
 * The newest verification, which a vote or sign-off is cast against.
 */
verificationId: string | null, };

export type Reviewer = { name: string, role: Role, 
/**
 * PostgreSQL team mode: the name is the database login and the role its membership, so
 * neither can be changed from here.
 */
teamMode: boolean, };

export type Role = "reviewer" | "lead";

export type RunDetail = { summary: RunSummary, report: RunReport, };

export type RunProgress = { "kind": "started", totalEpochs: number, seeds: number, } | { "kind": "epoch", seed: number, phase: Phase, epoch: number, epochs: number, loss: number, done: number, total: number, } | { "kind": "phaseFinished", seed: number, phase: Phase, accuracy: number, seconds: number, } | { "kind": "seedFinished", seed: number, weakAcc: number, ceilingAcc: number, studentAcc: number, pgr: number | null, };

export type RunRef = { role: RunRole, task: string, eval_split: EvalSplit, 
/**
 * The stored run's id (sha256 of its report).
 */
run_id: string, 
/**
 * Whether the run's split B and private split were drawn afresh from the pack's generator
 * with a secret seed (examples that appear nowhere in the repository), not the pack's own.
 * Absent (false) in reports written before it existed.
 */
fresh_data: boolean, 
/**
 * Whether the run's split B and private split were a secret re-partition of the pack's
 * own (for packs without a generator): the author has the examples, not the split.
 * Absent (false) in reports written before it existed.
 */
resampled: boolean, };

export type RunReport = { schema_version: number, task: string, 
/**
 * sha256 of the task pack's data file.
 */
data_sha256: string, 
/**
 * The method the student was trained with.
 */
method: MethodRecord, 
/**
 * The split the three models were evaluated on: `test`, or `private` for reviewer re-runs.
 */
eval_split: EvalSplit, device: DeviceRecord, 
/**
 * Version of the engine (the `aar-engine` crate) that produced the report.
 */
engine_version: string, seeds: Array<number>, config: ProtocolConfigRecord, per_seed: Array<SeedOutcome>, aggregate: Aggregate, timings: RunTimings, 
/**
 * RFC 3339.
 */
started_at: string, finished_at: string, };

export type RunRequest = { 
/**
 * The method; the built-in vanilla student when absent.
 */
method?: MethodSource, task: string, 
/**
 * How many seeds, counted up from `firstSeed`.
 */
seeds: number, 
/**
 * Defaults to 42, the first of the AAR system's pre-registered seeds.
 */
firstSeed: number | null, device: DeviceChoice, 
/**
 * `test`, or `private` for the reviewers' private split.
 */
evalSplit: EvalSplit, };

export type RunRole = "replay" | "method" | "vanilla" | "shuffled_teacher" | "partly_shuffled_teacher" | "uniform_teacher" | "other_pack_method" | "other_pack_vanilla" | "negative_control" | "negative_control_vanilla";

export type RunSummary = { 
/**
 * sha256 of the run report.
 */
id: string, shortId: string, task: string, method: string, evalSplit: EvalSplit, backend: Backend, adapter: string, seeds: Array<number>, pgr: number | null, pgrSe: number | null, totalSeconds: number, finishedAt: string, createdBy: string, 
/**
 * The submission whose method ran, if it was one.
 */
submissionId: string | null, };

export type RunTimings = { total_seconds: number, 
/**
 * Wall time of the run's very first optimiser step, kernel compilation included.
 */
first_step_seconds: number, steps: number, 
/**
 * Mean wall time per optimiser step after the first.
 */
mean_step_ms: number, 
/**
 * Wall time spent inside the method (`configure` and every `targets` call): the script's
 * share of the run.
 */
method_seconds: number, };

export type SeedEvidence = { seed: number, 
/**
 * What the author claimed for this seed.
 */
claimed?: number | null, 
/**
 * What the re-run of the method gave.
 */
reproduced?: number | null, 
/**
 * What the comparison run gave (vanilla, or an ablation).
 */
baseline?: number | null, };

export type SeedOutcome = { seed: number, weak_acc: number, ceiling_acc: number, student_acc: number, 
/**
 * Absent when the ceiling does not beat the weak teacher on this seed (PGR undefined).
 */
pgr: number | null, 
/**
 * Per-epoch mean training loss of each model (the student's over all its rounds).
 */
curves: Curves, 
/**
 * Seconds spent training each model (0 for a teacher and ceiling reused from the cache).
 */
seconds: PhaseSeconds, 
/**
 * Whether the teacher and the ceiling were reused from an earlier run with the same pack,
 * seed, configs, split, device and engine version instead of trained again.
 */
references_cached: boolean, 
/**
 * Which evaluation examples the student got right, in the split's order: bit `j % 8` of byte
 * `j / 8` is example `j` (least significant bit first), the bytes written as lowercase hex
 * (⌈n/8⌉ bytes, 2 characters each). It lets a comparison of two runs on the same split pair
 * their students example by example instead of bounding the noise from the accuracies alone.
 * Absent in reports written before schema version 4.
 */
student_correct?: string | null, 
/**
 * Partly-shuffled-teacher runs only: whether the student follows the labels it was handed on
 * the swapped rows of split B. Absent for other runs and in reports before schema version 5.
 */
label_following?: LabelFollowing | null, };

export type SeedResultView = { seed: number, pgr: number, studentAcc: number | null, };

export type Segment = { text: string, emphasized: boolean, };

export type SignOff = { id: number, submission_id: string, lead: string, rationale: string, signed_at: string, verification_id: string | null, stale: StaleReason | null, };

export type SkippedFindingView = { postId: string, reason: string, };

export type SortKey = "created" | "claimedPgr";

export type SourceLocation = { file: string, line: number, column: number, };

export type SourcePosition = { line: number, column: number, };

export type Split = "a" | "b" | "dev" | "test" | "private";

export type StaleReason = "new_version" | "new_verification" | "replaced";

export type StoreInfo = { 
/**
 * A path for SQLite, a password-free URL for PostgreSQL.
 */
location: string, dialect: Dialect, submissions: number, };

export type SubmissionDetail = { summary: SubmissionSummary, hypothesis: string, 
/**
 * Markdown.
 */
description: string, methodPath: string, files: Array<FileMeta>, posts: Array<PostView>, lineage: Lineage, sourceRef: string | null, parentRef: string | null, 
/**
 * Where the submission was imported from.
 */
origin: string, importedAt: string, importedBy: string, };

export type SubmissionDiff = { old: SubmissionRef, new: SubmissionRef, ignoreWhitespace: boolean, files: Array<FileDiff>, };

export type SubmissionRef = { id: string, shortId: string, title: string, author: string, };

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
 * The method's language.
 */
language: MethodLanguage, 
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
missingParent: string | null, claims: Array<ClaimView>, 
/**
 * The newest verification, if the submission has one.
 */
verification: VerificationState | null, 
/**
 * Its review status and whose turn it is, for the reviewer asking.
 */
review: ReviewSummary, };

export type SuggestedVote = "+1" | "-1" | "needs_human";

export type Suggestion = { vote: SuggestedVote, 
/**
 * One sentence: which checks decided it.
 */
reason: string, };

export type TaskProblem = { 
/**
 * The pack's name (from its task.json, or its folder's name when that cannot be read).
 */
pack: string, 
/**
 * Where it was loaded from.
 */
origin: string, problem: string, };

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

export type Thread = { root: Comment, replies: Array<Comment>, resolved: boolean, 
/**
 * For a line comment: the line's number in this version, or `None` when the line changed
 * (the thread is outdated and shows where it was written).
 */
lineHere: number | null, 
/**
 * Written on an earlier version of this submission.
 */
fromEarlierVersion: boolean, };

export type Unit = "pgr" | "accuracy" | "p_value" | "count" | "ratio";

export type VerificationDetail = { 
/**
 * sha256 of the report.
 */
id: string, shortId: string, createdBy: string, report: VerificationReport, };

export type VerificationReport = { schema_version: number, 
/**
 * The submission verified (full sha256 content id).
 */
submission_id: string, title: string, 
/**
 * sha256 of the method bytes that ran.
 */
method_sha256?: string | null, 
/**
 * What the submission declares its method to be.
 */
family: MethodFamily, 
/**
 * The seeds every re-run used (the pre-registered set).
 */
seeds: Array<number>, 
/**
 * The pack the claim is verified on, and the split held out from the author.
 */
task: string, eval_split: EvalSplit, device: DeviceRecord, engine_version: string, 
/**
 * What a reviewer should vote, and why.
 */
suggestion: Suggestion, 
/**
 * One entry per check id, in the order of [`CheckId::ALL`].
 */
checks: Array<CheckResult>, 
/**
 * Every run this verification made, by role (their reports are stored with the runs).
 */
runs: Array<RunRef>, 
/**
 * RFC 3339.
 */
started_at: string, finished_at: string, total_seconds: number, };

export type VerificationState = { id: string, vote: SuggestedVote, failed: Array<CheckId>, warned: Array<CheckId>, task: string, finishedAt: string, };

export type VerifyProgress = { "kind": "step", step: VerifyStep, } | { "kind": "run", progress: RunProgress, };

export type VerifyRequest = { 
/**
 * The pack the claim is verified on; by default the first claimed pack this install has.
 */
task?: string, 
/**
 * How many pre-registered seeds, counted up from 42 (at least 5, the AAR convention).
 */
seeds?: number, device: DeviceChoice, 
/**
 * Skip the other packs and the negative control (`generalisation` and `negative_control`
 * then say they were not run): a first look in a third of the time.
 */
quick?: boolean, };

export type VerifyStep = { 
/**
 * 1-based.
 */
index: number, total: number, role: RunRole, task: string, evalSplit: EvalSplit, seeds: Array<number>, };

export type Vote = { id: number, submission_id: string, label: Label, value: number, rationale: string, author: string, 
/**
 * RFC 3339.
 */
cast_at: string, 
/**
 * The newest verification when the vote was cast.
 */
verification_id: string | null, 
/**
 * Why it no longer counts, if it does not.
 */
stale: StaleReason | null, };

export type VoteRequest = { review: number | null, verified: number | null, rationale: string, 
/**
 * The verification the reviewer read; the newest one when absent.
 */
verificationId: string | null, };

export type WorkSummary = { 
/**
 * The requests whose verification it stored.
 */
done: Array<QueuedVerification>, 
/**
 * The requests it gave up, or handed back for another worker.
 */
notDone: Array<QueuedVerification>, };

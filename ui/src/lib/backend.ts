// The one typed door to the Rust side. Components call these functions, never `invoke` directly.
// Every command rejects with an ApiError ({code, message, location}); anything else (a broken bridge, a
// missing command) is turned into one here so callers handle a single shape.

import { Channel, invoke } from "@tauri-apps/api/core";
import type {
  ApiError,
  AuditEntryView,
  AuditVerification,
  BatchProgress,
  BatchVerification,
  CheckPrecision,
  CommentRequest,
  ExportFormat,
  ExportSaved,
  FileContent,
  FlagJudgement,
  ImportReport,
  ListQuery,
  QueuedVerification,
  ReviewView,
  Reviewer,
  Role,
  RunDetail,
  RunProgress,
  RunRequest,
  RunSummary,
  StoreInfo,
  SubmissionDetail,
  SubmissionDiff,
  SubmissionSummary,
  TaskSummary,
  VerificationDetail,
  VerifyProgress,
  VerifyRequest,
  VoteRequest,
} from "./bindings";

export function isApiError(e: unknown): e is ApiError {
  return (
    typeof e === "object" &&
    e !== null &&
    typeof (e as ApiError).code === "string" &&
    typeof (e as ApiError).message === "string"
  );
}

/** Any rejection as an ApiError; failures outside the API are reported as `storage`. */
export function toApiError(e: unknown): ApiError {
  if (isApiError(e)) return e;
  const message = e instanceof Error ? e.message : typeof e === "string" ? e : JSON.stringify(e);
  return { code: "storage", message: `the app's backend did not answer: ${message}`, location: null, rule: null };
}

async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (e) {
    throw toApiError(e);
  }
}

/**
 * Re-runs the protocol; resolves with the stored run. Progress events go to `onProgress` as they
 * come; `ticket` is what `cancelRun` names the run by (it then rejects with code `cancelled`).
 */
async function startRun(
  ticket: string,
  request: RunRequest,
  onProgress: (event: RunProgress) => void,
): Promise<RunDetail> {
  return call("start_run", { ticket, request, progress: channel(onProgress) });
}

/** A channel for a command's progress events. */
function channel<T>(onEvent: (event: T) => void): Channel<T> {
  try {
    return new Channel<T>(onEvent);
  } catch (e) {
    // Outside the app's webview there is no IPC to open a channel on: reject like a command would.
    throw toApiError(e);
  }
}

/**
 * Verifies a submission (about a dozen runs); resolves with the stored verification. Each run's
 * start and its progress go to `onProgress`; `cancelRun(ticket)` stops it (it then rejects with
 * code `cancelled` and stores nothing).
 */
async function startVerify(
  ticket: string,
  id: string,
  request: VerifyRequest,
  onProgress: (event: VerifyProgress) => void,
): Promise<VerificationDetail> {
  return call("start_verify", { ticket, id, request, progress: channel(onProgress) });
}

/**
 * Verifies the submissions `ids` one after another, then corrects their significance p-values
 * across the batch; resolves with the batch's table. Which submission starts, its runs' progress
 * and each stored verification go to `onProgress`; `cancelRun(ticket)` stops the batch (it then
 * rejects with code `cancelled`; the verifications finished before stay stored).
 */
async function startVerifyBatch(
  ticket: string,
  ids: string[],
  request: VerifyRequest,
  onProgress: (event: BatchProgress) => void,
): Promise<BatchVerification> {
  return call("start_verify_batch", { ticket, ids, request, progress: channel(onProgress) });
}

export const backend = {
  storeInfo: (): Promise<StoreInfo> => call("store_info"),
  startupError: (): Promise<ApiError | null> => call("startup_error"),
  actor: (): Promise<string> => call("actor"),
  listSubmissions: (query: ListQuery): Promise<SubmissionSummary[]> => call("list_submissions", { query }),
  showSubmission: (id: string): Promise<SubmissionDetail> => call("show_submission", { id }),
  readFile: (id: string, path: string): Promise<FileContent> => call("read_file", { id, path }),
  diffSubmissions: (id: string, other: string | null, ignoreWhitespace: boolean): Promise<SubmissionDiff> =>
    call("diff_submissions", { id, other, ignoreWhitespace }),
  auditLog: (limit: number): Promise<AuditEntryView[]> => call("audit_log", { limit }),
  verifyAudit: (): Promise<AuditVerification> => call("verify_audit"),
  importPaths: (paths: string[]): Promise<ImportReport> => call("import_paths", { paths }),
  listTasks: (): Promise<TaskSummary[]> => call("list_tasks"),
  listRuns: (limit: number): Promise<RunSummary[]> => call("list_runs", { limit }),
  /** The stored runs of one submission's own method, newest first. */
  submissionRuns: (id: string): Promise<RunSummary[]> => call("submission_runs", { id }),
  runDetail: (id: string): Promise<RunDetail> => call("run_detail", { id }),
  startRun,
  startVerify,
  startVerifyBatch,
  /** Queues a verification for a worker (team mode: what a reviewer does instead of verifying). */
  requestVerification: (id: string, request: VerifyRequest): Promise<QueuedVerification> =>
    call("request_verification", { id, request }),
  /** The verification queue, newest first: waiting and running requests, or every one. */
  verificationQueue: (all: boolean): Promise<QueuedVerification[]> => call("verification_queue", { all }),
  /** The submission's stored verifications, newest first. */
  submissionVerifications: (id: string): Promise<VerificationDetail[]> => call("submission_verifications", { id }),
  /** False when the run had already ended (its result still arrives through `startRun`). */
  cancelRun: (ticket: string): Promise<boolean> => call("cancel_run", { ticket }),

  // The review workflow. Each write resolves with the submission's review as it now stands, or
  // rejects with code `refused` and the `rule` that refused it.
  /** Who is acting, with their role. */
  me: (): Promise<Reviewer> => call("me"),
  /** Acts as reviewer `name` from now on (refused in team mode). */
  setReviewer: (name: string): Promise<Reviewer> => call("set_reviewer", { name }),
  setRole: (name: string, role: Role): Promise<Reviewer> => call("set_role", { name, role }),
  reviewers: (): Promise<Reviewer[]> => call("reviewers"),
  review: (id: string): Promise<ReviewView> => call("review", { id }),
  vote: (id: string, request: VoteRequest): Promise<ReviewView> => call("vote", { id, request }),
  signOff: (id: string, rationale: string, verificationId: string | null): Promise<ReviewView> =>
    call("sign_off", { id, rationale, verificationId }),
  requestBlindReview: (id: string, reason: string): Promise<ReviewView> => call("request_blind_review", { id, reason }),
  comment: (id: string, request: CommentRequest): Promise<ReviewView> => call("comment", { id, request }),
  resolveThread: (id: string, thread: number, resolved: boolean): Promise<ReviewView> =>
    call("resolve_thread", { id, thread, resolved }),
  judgeFlag: (id: string, judgement: FlagJudgement): Promise<ReviewView> => call("judge_flag", { id, judgement }),
  checkPrecision: (): Promise<CheckPrecision[]> => call("check_precision"),
  /** Every submission's review state as text (Markdown, CSV, JSON or HTML). */
  exportReview: (format: ExportFormat): Promise<string> => call("export_review", { format }),
  saveReviewExport: (format: ExportFormat, path: string): Promise<ExportSaved> => call("save_review_export", { format, path }),
};

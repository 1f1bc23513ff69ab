//! The one API of AAR Review. The CLI, the desktop app and the tests all go through [`Api`];
//! nothing above this crate touches the store or reads bundles directly.
//!
//! Every method returns transport types from [`dto`] (camelCase JSON, with generated TypeScript
//! declarations) or an [`ApiError`] carrying a machine-readable [`ErrorCode`].

mod batch;
mod demo;
pub mod diff;
pub mod dto;
mod error;
mod export;
pub mod files;
mod import;
mod methods;
pub mod progress;
mod queue;
mod review;
mod runs;
mod verify;
mod views;

use std::path::PathBuf;
use std::sync::Arc;

use aar_domain::{FileRole, IdPrefix, SubmissionId, Timestamp};
use aar_store::{ListFilter, Store, WriteContext};

/// Text from outside on its way to a reader: front ends show it through this.
pub use aar_domain::text;
pub use aar_engine::{CancelToken, Phase, ProgressEvent, ProgressSink};
/// What a sandboxed method touched, as the run report keeps it.
pub use aar_review_schemas::method::AccessLog;
pub use aar_review_schemas::review::Role;
pub use aar_review_schemas::run::RunReport;
/// The audit chain's check crosses the API as the store reports it (one type, no copy).
pub use aar_sandbox::{Isolation, ProcessLimits, WORKER_ARG, WorkerCommand, serve_if_worker};
pub use aar_store::{AuditVerification, BrokenLink};
pub use batch::BatchSinks;
pub use error::{ApiError, ApiResult, ErrorCode, SourceLocation};
pub use queue::{MAX_ATTEMPTS, WorkOptions, WorkSinks};
pub use runs::{FIRST_SEED, REFERENCES_ENV, TASKS_ENV};
pub use verify::StepSinks;

use dto::*;

/// Where "now" comes from. Passed in so tests can fix time.
pub type Clock = Arc<dyn Fn() -> Timestamp + Send + Sync>;

/// The system clock.
pub fn system_clock() -> Clock {
    Arc::new(|| Timestamp::from_offset_date_time(time::OffsetDateTime::now_utc()))
}

/// Where a verification's secrets come from: the seeds of its fresh runs, the permutations that
/// disguise its packs and shuffle the teacher. Drawn per verification and never shown to the
/// method, so an author cannot prepare for the runs that judge the method. Passed in, like the
/// clock, so that tests can fix them.
pub type Secrets = Arc<dyn Fn() -> u64 + Send + Sync>;

/// The operating system's random numbers.
pub fn system_secrets() -> Secrets {
    Arc::new(|| {
        getrandom::u64().unwrap_or_else(|_| {
            // The OS source does not fail on the platforms this builds for; if it ever did, a
            // randomly keyed hash of the time is still unknown to the method's author.
            use std::hash::{BuildHasher, Hasher};
            let mut h = std::collections::hash_map::RandomState::new().build_hasher();
            h.write_u128(
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .unwrap_or_default()
                    .as_nanos(),
            );
            h.finish()
        })
    })
}

/// The environment variable that fixes a verification's secrets to [`seeded_secrets`] of its
/// value: for the tests that drive the real binaries, and for reproducing a verification. Whoever
/// sets it knows the secrets; a reviewer never needs it.
pub const SECRETS_ENV: &str = "AAR_REVIEW_SECRETS_SEED";

/// [`seeded_secrets`] when [`SECRETS_ENV`] holds a whole number, else [`system_secrets`].
pub fn default_secrets() -> Secrets {
    match std::env::var(SECRETS_ENV).ok().and_then(|v| v.trim().parse::<u64>().ok()) {
        Some(seed) => seeded_secrets(seed),
        None => system_secrets(),
    }
}

/// A fixed sequence of secrets from `seed` (splitmix64): for tests, and for reproducing a
/// verification whose secrets are known.
pub fn seeded_secrets(seed: u64) -> Secrets {
    let state = Arc::new(std::sync::atomic::AtomicU64::new(seed));
    Arc::new(move || {
        let mut z = state
            .fetch_add(0x9E37_79B9_7F4A_7C15, std::sync::atomic::Ordering::Relaxed)
            .wrapping_add(0x9E37_79B9_7F4A_7C15);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    })
}

/// The environment variable that names the database (a path or a URL).
pub const DATABASE_ENV: &str = "AAR_REVIEW_DB";

/// The default SQLite file: `<data dir>/aar-review/review.db` (on Linux
/// `~/.local/share/aar-review/review.db`).
pub fn default_database_path() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "aar-review").map(|d| d.data_dir().join("review.db"))
}

/// The reviewer's name when none is given: `AAR_REVIEW_USER`, else the login name.
pub fn default_actor() -> String {
    ["AAR_REVIEW_USER", "USER", "USERNAME"]
        .iter()
        .find_map(|k| std::env::var(k).ok().filter(|v| !v.trim().is_empty()))
        .unwrap_or_else(|| "unknown".to_owned())
}

/// A reviewer name as the rules compare it ([`aar_domain::text::reviewer_name`]): normalised, one
/// line, of a sane length, with nothing in it that does not show.
fn validate_actor(actor: String) -> ApiResult<String> {
    aar_domain::text::reviewer_name(&actor).map_err(|problem| {
        ApiError::invalid(format!(
            "the reviewer name `{}` {problem}; give a name with --as or AAR_REVIEW_USER",
            actor.escape_debug()
        ))
    })
}

/// The detail an audit entry shows a reviewer who is blinded on its submission.
const WITHHELD_DETAIL: &str = r#"{"withheld":"blind review: shown once you have voted"}"#;

/// Where a front end runs submitted methods: each in a worker process started from its own
/// executable, whose `main` calls [`serve_if_worker`] before anything else.
pub fn worker_isolation() -> ApiResult<Isolation> {
    WorkerCommand::this_executable().map(Isolation::process).map_err(|e| {
        ApiError::new(
            ErrorCode::Unavailable,
            format!("cannot find this executable to start method workers from: {e}"),
        )
    })
}

/// The review service: a store, the acting reviewer and a clock.
#[derive(Clone)]
pub struct Api {
    store: Store,
    location: String,
    actor: String,
    /// PostgreSQL team mode: `actor` is the database login, fixed for the connection's life.
    team_mode: bool,
    clock: Clock,
    secrets: Secrets,
    /// Where submitted methods run (in process unless the front end chose a worker process).
    isolation: Isolation,
    active_runs: progress::ActiveRuns,
}

impl std::fmt::Debug for Api {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Api").field("location", &self.location).field("actor", &self.actor).finish()
    }
}

impl Api {
    /// Opens the database at `location`: a SQLite file path, or a `sqlite:`/`postgres:` URL
    /// (anything else with a `scheme://` is refused before the disk is touched). `actor` is who
    /// the audit log records for every write.
    pub async fn open(location: &str, actor: String, clock: Clock) -> ApiResult<Api> {
        let store = Store::open(location).await?;
        // In team mode the database login is who acts, whatever name was configured.
        let login = store.team_identity().await?;
        let team_mode = login.is_some();
        let actor = match login {
            Some(login) => login,
            None => validate_actor(actor)?,
        };
        let shown = aar_store::redact(location);
        Ok(Api {
            store,
            location: shown,
            actor,
            team_mode,
            clock,
            secrets: default_secrets(),
            isolation: Isolation::InProcess,
            active_runs: Default::default(),
        })
    }

    /// The same API running every submitted method where `isolation` says. Front ends run them
    /// in worker processes ([`Isolation::process`] of [`WorkerCommand::this_executable`], with
    /// [`serve_if_worker`] first in `main`), so that nothing a method does can take them down;
    /// the default, in process, is for tests and tools that run trusted methods.
    pub fn with_isolation(mut self, isolation: Isolation) -> Api {
        self.isolation = isolation;
        self
    }

    /// The same API drawing its verifications' secrets from `secrets` instead of the operating
    /// system (tests fix them with [`seeded_secrets`]).
    pub fn with_secrets(mut self, secrets: Secrets) -> Api {
        self.secrets = secrets;
        self
    }

    /// Registers a run or verification under the ticket its front end chose, for
    /// [`Api::cancel_run`]; it stays registered until the returned guard is dropped.
    fn register(&self, ticket: &str) -> ApiResult<progress::ActiveRun> {
        self.active_runs
            .register(ticket)
            .ok_or_else(|| ApiError::invalid(format!("a run with ticket `{ticket}` is already in flight")))
    }

    fn write_context(&self) -> WriteContext {
        WriteContext { actor: self.actor.clone(), at: (self.clock)() }
    }

    pub fn actor(&self) -> &str {
        &self.actor
    }

    pub async fn info(&self) -> ApiResult<StoreInfo> {
        let counts = self.store.table_counts().await?;
        Ok(StoreInfo {
            location: self.location.clone(),
            dialect: self.store.dialect(),
            submissions: counts.get("submissions").copied().unwrap_or(0) as u32,
        })
    }

    /// Imports bundles and AAR exports. All inputs are read and validated first; only if every
    /// one is valid are they stored, in one transaction. Importing the same bytes again changes
    /// nothing.
    pub async fn import(&self, paths: &[PathBuf]) -> ApiResult<ImportReport> {
        let prepared = import::prepare(paths)?;
        import::store(&self.store, prepared, &self.write_context()).await
    }

    /// Imports the demo corpus bundled into the binary (idempotent).
    pub async fn import_demo(&self) -> ApiResult<ImportReport> {
        let extracted = demo::extract()?;
        let mut prepared = import::prepare(&extracted.inputs)?;
        prepared.relabel_origins(extracted.root(), "demo");
        import::store(&self.store, prepared, &self.write_context()).await
    }

    /// Imports the demo corpus when the store holds no submission yet, so a first start shows
    /// something to review. Returns whether it imported.
    pub async fn import_demo_if_empty(&self) -> ApiResult<bool> {
        if self.info().await?.submissions > 0 {
            return Ok(false);
        }
        self.import_demo().await?;
        Ok(true)
    }

    pub async fn list(&self, query: &ListQuery) -> ApiResult<Vec<SubmissionSummary>> {
        let filter = ListFilter { author: query.author.clone(), task: query.task.clone() };
        let unfiltered = filter.author.is_none() && filter.task.is_none();
        let rows = self.store.list(&filter).await?;
        let reviews = self.reviews().await?;
        let mut summaries = views::summaries(&self.store, rows, unfiltered, &reviews).await?;
        if query.sort == SortKey::ClaimedPgr {
            // Stable sort keeps newest-first among equal PGRs.
            summaries.sort_by(|a, b| {
                let key = |s: &SubmissionSummary| s.best_claimed_pgr().unwrap_or(f64::NEG_INFINITY);
                key(b).total_cmp(&key(a))
            });
        }
        Ok(summaries)
    }

    /// Resolves a full or abbreviated id.
    pub async fn resolve(&self, id: &str) -> ApiResult<SubmissionId> {
        Ok(self.store.resolve(&IdPrefix::parse(id)?).await?)
    }

    pub async fn show(&self, id: &str) -> ApiResult<SubmissionDetail> {
        let id = self.resolve(id).await?;
        let mut detail = views::detail(&self.store, &id).await?;
        detail.summary.review = self.reviews().await?.of(id.as_str());
        Ok(detail)
    }

    /// One file of a submission, by path.
    pub async fn file(&self, id: &str, path: &str) -> ApiResult<FileContent> {
        let id = self.resolve(id).await?;
        // Written as in the bundle (`./notes.md`, `src\\a.py`): the same normal form as stored.
        let path = aar_domain::BundlePath::parse(path)
            .map_err(|e| ApiError::invalid(format!("`{path}` is not a file path in a submission: {e}")))?;
        let path = path.as_str();
        let files = self.store.files(&id).await?;
        let meta = files.iter().find(|f| f.path == path).ok_or_else(|| {
            ApiError::new(ErrorCode::NotFound, format!("submission {} has no file `{path}`", id.short()))
        })?;
        let text = self.store.file_text(&id, path).await?;
        Ok(views::file_content(meta, text))
    }

    /// Compares `id` with `other`, or with its parent when `other` is `None`.
    pub async fn diff(
        &self,
        id: &str,
        other: Option<&str>,
        ignore_whitespace: bool,
    ) -> ApiResult<SubmissionDiff> {
        let new_id = self.resolve(id).await?;
        let old_id = match other {
            Some(other) => self.resolve(other).await?,
            None => {
                let detail = views::detail(&self.store, &new_id).await?;
                let parent = detail.lineage.ancestors.first().ok_or_else(|| {
                    let why = match &detail.parent_ref {
                        Some(r) => format!("its parent `{r}` is not in the store"),
                        None => "it has no parent".to_owned(),
                    };
                    ApiError::new(
                        ErrorCode::NotFound,
                        format!(
                            "cannot diff {} against its parent: {why}; name a submission to compare with",
                            new_id.short()
                        ),
                    )
                })?;
                self.resolve(&parent.id).await?
            }
        };
        views::submission_diff(&self.store, &old_id, &new_id, ignore_whitespace).await
    }

    /// The task packs a run can use.
    pub fn tasks(&self) -> ApiResult<Vec<TaskSummary>> {
        Ok(self.tasks_and_problems().0)
    }

    /// The task packs a run can use, and those that could not be loaded (a bad pack under
    /// `$AAR_REVIEW_TASKS`, a name clash), each with its problem, from one load of the packs.
    pub fn tasks_and_problems(&self) -> (Vec<TaskSummary>, Vec<TaskProblem>) {
        let catalog = runs::TaskCatalog::load();
        (catalog.packs.iter().map(runs::summary).collect(), catalog.problems)
    }

    /// Re-runs the W2S protocol with the requested method (vanilla, a stored submission's, or a
    /// file) and stores the report. Runs on a blocking thread; progress goes to `sink`, and
    /// `cancel` stops it between two steps. A failed method stores only its audit entry.
    pub async fn run(
        &self,
        request: RunRequest,
        sink: Box<dyn ProgressSink + Send>,
        cancel: CancelToken,
    ) -> ApiResult<(RunSummary, RunReport)> {
        let (clock, isolation) = (self.clock.clone(), &self.isolation);
        runs::run(&self.store, self.write_context(), clock, isolation, request, sink, cancel).await
    }

    /// Like [`Api::run`], for front ends that cancel by name: the run is registered under
    /// `ticket` (a name the caller chose, unique among its runs in flight) until it ends, and
    /// [`Api::cancel_run`] with the same ticket stops it. Returns the stored run in full.
    pub async fn start_run(
        &self,
        ticket: &str,
        request: RunRequest,
        sink: Box<dyn ProgressSink + Send>,
    ) -> ApiResult<RunDetail> {
        let active = self.register(ticket)?;
        let (summary, report) = self.run(request, sink, active.token.clone()).await?;
        Ok(RunDetail { summary, report })
    }

    /// Verifies a submission's claim: every run the integrity checks need (the claim replayed,
    /// the method and vanilla on the private split, teacher ablations, the other packs and the
    /// negative control), the checks, and one stored report. `sinks` gives each run its progress
    /// sink as it starts; `cancel` stops the verification, which then stores nothing but its
    /// audit entry.
    pub async fn verify(
        &self,
        id: &str,
        request: VerifyRequest,
        sinks: &mut verify::StepSinks<'_>,
        cancel: CancelToken,
    ) -> ApiResult<VerificationDetail> {
        let id = self.resolve(id).await?;
        self.check_may_verify().await?;
        verify::verify(
            &self.store,
            self.write_context(),
            self.verify_context(None),
            &id,
            request,
            sinks,
            cancel,
        )
        .await
    }

    /// Like [`Api::verify`], cancelled by name through [`Api::cancel_run`] with the same ticket.
    pub async fn start_verify(
        &self,
        ticket: &str,
        id: &str,
        request: VerifyRequest,
        sinks: &mut verify::StepSinks<'_>,
    ) -> ApiResult<VerificationDetail> {
        let active = self.register(ticket)?;
        self.verify(id, request, sinks, active.token.clone()).await
    }

    /// Verifies every submission in `ids` (every re-runnable one when empty), one after another,
    /// each stored as usual; then corrects their `significance` p-values across the batch (Holm
    /// and Benjamini–Hochberg). The ids are resolved and checked before any training. `sinks`
    /// hears which submission starts, its runs, and each stored verification. A cancel or a
    /// failure stops the batch; the verifications finished before stay stored.
    pub async fn verify_batch(
        &self,
        ids: &[String],
        request: VerifyRequest,
        sinks: &mut dyn BatchSinks,
        cancel: CancelToken,
    ) -> ApiResult<BatchVerification> {
        batch::verify_batch(self, ids, request, sinks, cancel).await
    }

    /// Like [`Api::verify_batch`], cancelled by name through [`Api::cancel_run`] with the same
    /// ticket.
    pub async fn start_verify_batch(
        &self,
        ticket: &str,
        ids: &[String],
        request: VerifyRequest,
        sinks: &mut dyn BatchSinks,
    ) -> ApiResult<BatchVerification> {
        let active = self.register(ticket)?;
        self.verify_batch(ids, request, sinks, active.token.clone()).await
    }

    /// A submission's verifications, newest first.
    pub async fn verifications(&self, id: &str) -> ApiResult<Vec<VerificationDetail>> {
        let id = self.resolve(id).await?;
        Ok(self.store.verifications_of(&id).await?.into_iter().map(verify::detail).collect())
    }

    /// Asks the run registered under `ticket` to stop (it ends with [`ErrorCode::Cancelled`]).
    /// False when no such run is in flight, e.g. because it already finished.
    pub fn cancel_run(&self, ticket: &str) -> bool {
        self.active_runs.cancel(ticket)
    }

    /// A stored run in full (id or unambiguous prefix).
    pub async fn run_detail(&self, id: &str) -> ApiResult<RunDetail> {
        let (summary, report) = self.stored_run(id).await?;
        Ok(RunDetail { summary, report })
    }

    /// A stored run's summary and report (id or unambiguous prefix).
    async fn stored_run(&self, id: &str) -> ApiResult<(RunSummary, RunReport)> {
        let row = self.store.run(&IdPrefix::parse(id)?).await?;
        Ok((runs::run_summary(&row), runs::parse_report(&row)?))
    }

    /// The stored runs of one submission's method, newest first.
    pub async fn submission_runs(&self, id: &str) -> ApiResult<Vec<RunSummary>> {
        let id = self.resolve(id).await?;
        Ok(self.store.runs_of_submission(&id).await?.iter().map(runs::run_summary).collect())
    }

    /// Parses and validates a method file without training: syntax (with line and column), the
    /// required `targets(ctx)`, forbidden language features.
    pub fn check_method(&self, path: &std::path::Path) -> ApiResult<MethodCheck> {
        methods::check(path)
    }

    /// The newest `limit` stored runs, newest first.
    pub async fn runs(&self, limit: u32) -> ApiResult<Vec<RunSummary>> {
        Ok(self.store.runs(limit).await?.iter().map(runs::run_summary).collect())
    }

    /// Compares two stored runs seed by seed (a method against a baseline on the same pack,
    /// split and seeds), with paired t-tests on the PGR and student accuracy differences.
    pub async fn compare_runs(&self, method: &str, baseline: &str) -> ApiResult<RunComparison> {
        runs::compare(self.stored_run(method).await?, self.stored_run(baseline).await?)
    }

    /// The full report of a stored run (id or unambiguous prefix).
    pub async fn run_report(&self, id: &str) -> ApiResult<RunReport> {
        Ok(self.stored_run(id).await?.1)
    }

    /// The newest `limit` audit entries, newest first.
    ///
    /// During a blind review the log shows a blinded reviewer what the queue does: the entries
    /// stay (the chain is whole), but the detail of others' votes on that submission, and of its
    /// status changes, is withheld until they have voted.
    pub async fn audit(&self, limit: u32) -> ApiResult<Vec<AuditEntryView>> {
        let entries = self.store.audit(limit).await?;
        let reviews = self.reviews().await?;
        let withheld = |e: &aar_store::AuditEntry| {
            let reveals = (e.action == "vote" && e.actor != self.actor) || e.action == "status";
            reveals && reviews.of(&e.subject).blind
        };
        Ok(entries
            .into_iter()
            .map(|e| AuditEntryView {
                detail: if withheld(&e) { WITHHELD_DETAIL.to_owned() } else { e.detail },
                seq: e.seq as u32,
                at: e.at,
                actor: e.actor,
                action: e.action,
                subject: e.subject,
            })
            .collect())
    }

    /// Walks the audit log's hash chain; the first broken link, if any, is in the result.
    pub async fn verify_audit(&self) -> ApiResult<AuditVerification> {
        Ok(self.store.verify_audit().await?)
    }

    /// Row counts of every table (for tests and diagnostics).
    pub async fn table_counts(&self) -> ApiResult<std::collections::BTreeMap<&'static str, i64>> {
        Ok(self.store.table_counts().await?)
    }

    pub async fn close(&self) {
        self.store.close().await;
    }
}

/// The executable method is always shown and compared first.
pub(crate) fn role_order(role: FileRole) -> u8 {
    match role {
        FileRole::Method => 0,
        FileRole::Source => 1,
        FileRole::Log => 2,
        FileRole::Manifest => 3,
    }
}

/// TypeScript declarations of every transport type, as checked in at `ui/src/lib/bindings.ts`.
pub fn typescript_bindings() -> String {
    use std::any::TypeId;
    use std::collections::HashSet;
    use ts_rs::{Config, TS, TypeVisitor};

    /// Declares every type reachable from the roots once, so a type the roots use (an enum from
    /// `review-schemas`, say) can never be left undeclared. Sorted by name at the end: ts-rs
    /// visits a type's dependencies in an order that can change from one build to the next.
    struct Collect<'a> {
        cfg: &'a Config,
        seen: HashSet<TypeId>,
        decls: Vec<(String, String)>,
    }
    impl TypeVisitor for Collect<'_> {
        fn visit<T: TS + 'static + ?Sized>(&mut self) {
            if !self.seen.insert(TypeId::of::<T>()) {
                return;
            }
            // Types with a declaration of their own; `Vec`, `Option` and the like only forward.
            if T::output_path().is_some() {
                self.decls.push((T::ident(self.cfg), T::decl(self.cfg)));
            }
            T::visit_dependencies(self);
        }
    }

    let cfg = Config::new().with_large_int("number");
    let mut collect = Collect { cfg: &cfg, seen: HashSet::new(), decls: Vec::new() };
    collect.visit::<ErrorCode>();
    collect.visit::<ApiError>();
    collect.visit::<SubmissionSummary>();
    collect.visit::<SubmissionDetail>();
    collect.visit::<FileContent>();
    collect.visit::<ImportReport>();
    collect.visit::<SubmissionDiff>();
    collect.visit::<AuditEntryView>();
    collect.visit::<ListQuery>();
    collect.visit::<StoreInfo>();
    collect.visit::<TaskSummary>();
    collect.visit::<TaskProblem>();
    collect.visit::<MethodSource>();
    collect.visit::<MethodCheck>();
    collect.visit::<RunRequest>();
    collect.visit::<RunSummary>();
    collect.visit::<RunDetail>();
    collect.visit::<RunProgress>();
    collect.visit::<VerifyRequest>();
    collect.visit::<VerifyStep>();
    collect.visit::<VerificationDetail>();
    collect.visit::<VerifyProgress>();
    collect.visit::<BatchVerification>();
    collect.visit::<BatchProgress>();
    collect.visit::<QueuedVerification>();
    collect.visit::<WorkSummary>();
    collect.visit::<Reviewer>();
    collect.visit::<ReviewView>();
    collect.visit::<VoteRequest>();
    collect.visit::<CommentRequest>();
    collect.visit::<FlagJudgement>();
    collect.visit::<CheckPrecision>();
    collect.visit::<ExportFormat>();
    collect.visit::<ExportSaved>();
    collect.visit::<AuditVerification>();
    let mut decls = collect.decls;
    decls.sort();
    let decls = decls.into_iter().map(|(_, decl)| decl);
    let mut out = String::from(
        "// Generated from crates/api/src/dto/ by `UPDATE_BINDINGS=1 cargo test -p aar-api`.\n// Do not edit by hand.\n\n",
    );
    for decl in decls {
        out.push_str("export ");
        out.push_str(&decl);
        out.push_str("\n\n");
    }
    out.truncate(out.trim_end().len());
    out.push('\n');
    out
}

//! `aar-review`: the command-line front end of AAR Review. Every command is a thin call into
//! `aar_api::Api`; this file only parses arguments and prints.

mod progress;
mod render;

use std::path::PathBuf;
use std::process::ExitCode;

use aar_api::dto::{
    CommentRequest, CommentTarget, ExportFormat, FlagJudgement, ListQuery, MethodSource, SortKey, VoteRequest,
};
use aar_api::{Api, ApiError, ErrorCode};
use aar_review_schemas::review::{FlagVerdict, Label, ReviewRule, Role};
use aar_review_schemas::verification::CheckId;
use clap::{Parser, Subcommand, ValueEnum};

/// Review weak-to-strong research submissions made by AI agents.
#[derive(Debug, Parser)]
#[command(name = "aar-review", version, about, after_help = EXIT_CODES)]
struct Cli {
    /// The database: a SQLite file path, or a sqlite:/postgres: URL [default: the OS data
    /// directory, e.g. ~/.local/share/aar-review/review.db]
    #[arg(long, global = true, env = aar_api::DATABASE_ENV, value_name = "PATH|URL")]
    db: Option<String>,

    /// Who you are, for the audit log [default: $AAR_REVIEW_USER, else your login name]
    #[arg(long = "as", global = true, value_name = "NAME")]
    actor: Option<String>,

    /// When to colour output
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    color: ColorChoice,

    #[command(subcommand)]
    command: Command,
}

const EXIT_CODES: &str = "Exit codes: 0 success, 1 storage or other failure, 2 bad usage, \
3 input refused (nothing was stored), 4 no such submission or ambiguous id, 5 the run failed (the \
method broke a sandbox rule, threw or returned bad values, or training diverged; only its audit \
entry was stored), 6 refused by a review rule (self-approval, lone sign-off, a vote out of range, a \
missing rationale...; nothing was changed), 130 cancelled.";

#[derive(Debug, Subcommand)]
enum Command {
    /// Import submission bundles (folders, .zip, .tar.gz) and AAR exports. All or nothing:
    /// if any input is refused, nothing is stored.
    Import {
        /// Bundles, AAR code storage folders (holding ideas/) and AAR forum exports (.json)
        #[arg(required = true, value_name = "PATH")]
        paths: Vec<PathBuf>,
        #[arg(long)]
        json: bool,
    },
    /// Import the bundled demo corpus (safe to repeat: nothing changes the second time)
    Demo {
        #[arg(long)]
        json: bool,
    },
    /// List submissions
    List {
        /// Only this author's submissions
        #[arg(long)]
        author: Option<String>,
        /// Only submissions with a claim on this task family
        #[arg(long)]
        task: Option<String>,
        #[arg(long, value_enum, default_value_t = Sort::Created)]
        sort: Sort,
        #[arg(long)]
        json: bool,
    },
    /// Show one submission: metadata, claims, files, lineage and forum posts
    Show {
        /// A submission id; any unambiguous prefix of 4+ characters works
        id: String,
        #[arg(long)]
        json: bool,
    },
    /// Print one file of a submission
    Cat {
        id: String,
        /// The file's path inside the submission [default: the method file]
        path: Option<String>,
    },
    /// Diff a submission against another one, or against its parent
    Diff {
        id: String,
        /// The submission to compare with [default: ID's parent]
        other: Option<String>,
        /// Treat lines that differ only in whitespace as equal
        #[arg(long, short = 'w')]
        ignore_whitespace: bool,
        #[arg(long)]
        json: bool,
    },
    /// List the task packs a re-run can use
    Tasks {
        #[arg(long)]
        json: bool,
    },
    /// Re-run the weak-to-strong protocol independently and store the report: with a stored
    /// submission's own method, a method file, or (without METHOD) the built-in vanilla student
    Run {
        /// A submission id (its stored method.rhai runs in the sandbox) or a method file
        #[arg(value_name = "ID|METHOD-FILE")]
        method: Option<String>,
        /// Task pack name (see `aar-review tasks`)
        #[arg(long)]
        task: String,
        /// How many seeds, counted up from --first-seed
        #[arg(long, default_value_t = 5)]
        seeds: u32,
        /// The first seed [default: 42, the AAR system's first pre-registered seed]
        #[arg(long)]
        first_seed: Option<u64>,
        /// Where to train: a real GPU when there is one (auto), wgpu on any adapter (gpu), or burn's flex CPU backend (cpu)
        #[arg(long, value_enum, default_value_t = Device::Auto)]
        device: Device,
        /// Evaluate on the test split or on the reviewers' private split
        #[arg(long, value_enum, default_value_t = EvalSplit::Test)]
        split: EvalSplit,
        /// Print the full run report as JSON (review-schemas/schemas/run-report.schema.json)
        #[arg(long)]
        json: bool,
    },
    /// Parse and validate a method file without training (syntax errors with line and column,
    /// a missing `targets(ctx)`, forbidden language features)
    CheckMethod {
        file: PathBuf,
        #[arg(long)]
        json: bool,
    },
    /// Verify a submission's claim: replay it, re-run the method and vanilla on the private split,
    /// ablate the teacher, try the other packs and the negative control, and run every integrity
    /// check; the report is stored and printed
    Verify {
        /// Submission id (or a unique prefix)
        #[arg(required_unless_present = "all", conflicts_with = "all")]
        id: Option<String>,
        /// Verify every re-runnable submission, and correct the significance p-values across the
        /// batch (Holm, Benjamini-Hochberg)
        #[arg(long, conflicts_with = "report")]
        all: bool,
        /// The pack to verify on [default: the first claimed pack this install has]
        #[arg(long)]
        task: Option<String>,
        /// How many seeds the private-split runs use (at least 5): fresh secret seeds, drawn anew
        /// for every verification
        #[arg(long, default_value_t = 5)]
        seeds: u32,
        /// Where to train (see `run --help`)
        #[arg(long, value_enum, default_value_t = Device::Auto)]
        device: Device,
        /// Skip the other packs and the negative control: a first look in a third of the time
        #[arg(long)]
        quick: bool,
        /// Print the verification report as JSON (review-schemas/schemas/verification-report.schema.json)
        #[arg(long)]
        json: bool,
        /// Also write the report to FILE: `.html` (self-contained) or `.md` (repeatable)
        #[arg(long, value_name = "FILE")]
        report: Vec<PathBuf>,
        /// Queue the verification for a worker (`aar-review worker`) instead of making it here:
        /// what a reviewer does in team mode, where only a verifier login stores verifications
        #[arg(long, conflicts_with_all = ["all", "report"])]
        request: bool,
    },
    /// Work the verification queue: take the oldest request no worker holds, make and store its
    /// verification, then the next. Run it as the verifier login in team mode, on any machine
    /// that reaches the database; a killed worker's request is taken again once its lease lapses
    Worker {
        /// Stop after one request (or at once when the queue is empty)
        #[arg(long)]
        once: bool,
        /// Seconds a lease lasts without renewal: how long a killed worker's request waits
        #[arg(long, default_value_t = 120, value_parser = clap::value_parser!(u64).range(1..=86_400))]
        lease: u64,
        /// Seconds between looks at an empty queue
        #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u64).range(1..=3_600))]
        poll: u64,
        /// Where to train (see `run --help`)
        #[arg(long, value_enum, default_value_t = Device::Auto)]
        device: Device,
        /// Print what it did as JSON when it stops
        #[arg(long)]
        json: bool,
    },
    /// The verification queue: what is waiting and running (and with --all, what finished)
    Queue {
        #[arg(long)]
        all: bool,
        #[arg(long)]
        json: bool,
    },
    /// Show a submission's review: status, whose turn it is, votes (stale ones marked),
    /// sign-offs, comment threads and flag judgements
    Status {
        id: String,
        #[arg(long)]
        json: bool,
    },
    /// Vote on a submission: Review -2..+2 (-2 vetoes, +2 approves) and/or Verified -1..+1,
    /// against its newest verification, with a rationale. Voting again replaces your vote
    Vote {
        id: String,
        #[arg(long, allow_negative_numbers = true, value_name = "-2..2")]
        review: Option<i32>,
        #[arg(long, allow_negative_numbers = true, value_name = "-1..1")]
        verified: Option<i32>,
        /// Why (required)
        #[arg(short = 'm', long = "message", value_name = "TEXT", default_value = "")]
        message: String,
        #[arg(long)]
        json: bool,
    },
    /// Sign a submission off as a lead: needs a live +2 from someone else, no veto, no failed
    /// Verified, and the newest verification
    Signoff {
        id: String,
        #[arg(short = 'm', long = "message", value_name = "TEXT", default_value = "")]
        message: String,
        #[arg(long)]
        json: bool,
    },
    /// Comment on a submission, on a line of one of its files, on a check of its newest
    /// verification, or reply to a thread
    Comment {
        id: String,
        /// A file of the submission (with --line)
        #[arg(long, requires = "line", conflicts_with_all = ["check", "reply"])]
        file: Option<String>,
        /// A line of --file, from 1
        #[arg(long, requires = "file")]
        line: Option<u32>,
        /// A check id, e.g. reproduction or teacher_ablation
        #[arg(long, value_parser = parse_check, conflicts_with = "reply")]
        check: Option<CheckId>,
        /// The thread (its first comment's number) to reply to
        #[arg(long, value_name = "THREAD")]
        reply: Option<i64>,
        #[arg(short = 'm', long = "message", value_name = "TEXT", default_value = "")]
        message: String,
        #[arg(long)]
        json: bool,
    },
    /// Mark a comment thread resolved, or open it again
    Resolve {
        id: String,
        thread: i64,
        #[arg(long)]
        reopen: bool,
        #[arg(long)]
        json: bool,
    },
    /// Ask, as a lead, for a blind second review: the next reviewer votes without seeing the
    /// votes already cast
    Blind {
        id: String,
        #[arg(short = 'm', long = "message", value_name = "REASON", default_value = "")]
        message: String,
        #[arg(long)]
        json: bool,
    },
    /// Judge a flag of the newest verification (a failed or warned check): a true problem or a
    /// false alarm, so the team learns which checks to trust (see `precision`)
    Flag {
        id: String,
        #[arg(value_parser = parse_check)]
        check: CheckId,
        #[arg(long, value_enum)]
        verdict: Verdict,
        #[arg(short = 'm', long = "message", value_name = "REASON", default_value = "")]
        message: String,
        /// Another of the submission's verifications than the newest
        #[arg(long)]
        verification: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// How often each check's flags were judged true problems, over every reviewed submission
    Precision {
        #[arg(long)]
        json: bool,
    },
    /// Reviewers and their roles; with NAME and --role, set one (SQLite; in team mode roles are
    /// database roles)
    Reviewer {
        #[arg(requires = "role")]
        name: Option<String>,
        #[arg(long, value_enum, requires = "name")]
        role: Option<RoleArg>,
        #[arg(long)]
        json: bool,
    },
    /// Export every submission with its claims, reproduced numbers, checks, votes, sign-offs
    /// and rationales
    Export {
        #[arg(long, value_enum, default_value_t = Format::Md)]
        format: Format,
        /// Write to FILE instead of standard output (replaced whole, never half-written)
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// Compare two stored runs seed by seed: a method against a baseline (e.g. vanilla) on the
    /// same pack, split and seeds, with a paired t-test on the PGR differences
    Compare {
        /// The method's run (id or prefix)
        run: String,
        /// The baseline's run (id or prefix)
        baseline: String,
        #[arg(long)]
        json: bool,
    },
    /// List stored runs, newest first
    Runs {
        #[arg(long, default_value_t = 50)]
        limit: u32,
        #[arg(long)]
        json: bool,
    },
    /// Show the audit log, newest first
    Audit {
        #[arg(long, default_value_t = 50)]
        limit: u32,
        /// Check the log's hash chain from the first entry instead: names the first broken
        /// link (exit 1) and prints the newest entry's hash, to keep a copy of elsewhere
        #[arg(long)]
        verify: bool,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Sort {
    /// Newest first
    Created,
    /// Highest claimed PGR first
    ClaimedPgr,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Verdict {
    TrueProblem,
    FalseAlarm,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum RoleArg {
    Reviewer,
    Lead,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Format {
    Csv,
    Json,
    Md,
    Html,
}

fn parse_check(text: &str) -> Result<CheckId, String> {
    CheckId::ALL.into_iter().find(|c| c.as_str() == text).ok_or_else(|| {
        let ids: Vec<&str> = CheckId::ALL.iter().map(|c| c.as_str()).collect();
        format!("`{text}` is not a check id; the checks are {}", ids.join(", "))
    })
}

/// A vote value as given on the command line; out of i8's range it is out of every label's.
fn vote_value(label: Label, value: Option<i32>) -> Result<Option<i8>, ApiError> {
    value
        .map(|v| {
            i8::try_from(v).map_err(|_| {
                ApiError::refused(
                    ReviewRule::VoteOutOfRange,
                    format!(
                        "{} {v} is out of range ({})",
                        label.title(),
                        ReviewRule::VoteOutOfRange.explain()
                    ),
                )
            })
        })
        .transpose()
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Device {
    Auto,
    Gpu,
    Cpu,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum EvalSplit {
    /// The split agents scored themselves on (replays a dev claim)
    Dev,
    /// The held-out test split
    Test,
    /// The reviewers' private split
    Private,
}

impl From<Device> for aar_review_schemas::vocab::DeviceChoice {
    fn from(device: Device) -> Self {
        match device {
            Device::Auto => Self::Auto,
            Device::Gpu => Self::Gpu,
            Device::Cpu => Self::Cpu,
        }
    }
}

impl From<EvalSplit> for aar_review_schemas::vocab::EvalSplit {
    fn from(split: EvalSplit) -> Self {
        match split {
            EvalSplit::Dev => Self::Dev,
            EvalSplit::Test => Self::Test,
            EvalSplit::Private => Self::Private,
        }
    }
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum ColorChoice {
    Auto,
    Always,
    Never,
}

fn main() -> ExitCode {
    // A method worker is this executable started with a hidden argument: it serves and exits
    // here, before any argument parsing, runtime or database.
    aar_api::serve_if_worker();
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("error: could not start: {e}");
            return ExitCode::from(1);
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            anstream::eprintln!(
                "{}error:{} {}",
                render::ERROR.render(),
                render::ERROR.render_reset(),
                render::terminal_safe(&e.message)
            );
            ExitCode::from(match e.code {
                ErrorCode::Storage | ErrorCode::Unavailable => 1,
                ErrorCode::InvalidInput => 3,
                ErrorCode::NotFound | ErrorCode::Ambiguous => 4,
                ErrorCode::RunFailed => 5,
                ErrorCode::Refused => 6,
                ErrorCode::Cancelled => 130,
            })
        }
    }
}

async fn run(cli: Cli) -> Result<(), ApiError> {
    match cli.color {
        ColorChoice::Always => anstream::ColorChoice::Always.write_global(),
        ColorChoice::Never => anstream::ColorChoice::Never.write_global(),
        ColorChoice::Auto => {}
    }
    let location = match cli.db {
        Some(db) => db,
        None => aar_api::default_database_path()
            .ok_or_else(|| {
                ApiError::new(
                    ErrorCode::Storage,
                    "no home directory: name a database with --db or AAR_REVIEW_DB",
                )
            })?
            .display()
            .to_string(),
    };
    let actor = cli.actor.unwrap_or_else(aar_api::default_actor);
    let api = Api::open(&location, actor, aar_api::system_clock())
        .await?
        .with_isolation(aar_api::worker_isolation()?);
    let result = dispatch(&api, cli.command).await;
    api.close().await;
    result
}

async fn dispatch(api: &Api, command: Command) -> Result<(), ApiError> {
    match command {
        Command::Import { paths, json } => {
            let report = api.import(&paths).await?;
            render::emit(json, &report, render::import_report)
        }
        Command::Demo { json } => {
            let report = api.import_demo().await?;
            render::emit(json, &report, render::import_report)
        }
        Command::List { author, task, sort, json } => {
            let sort = match sort {
                Sort::Created => SortKey::Created,
                Sort::ClaimedPgr => SortKey::ClaimedPgr,
            };
            let list = api.list(&ListQuery { author, task, sort }).await?;
            render::emit(json, &list, |l| render::list(l))
        }
        Command::Show { id, json } => {
            let detail = api.show(&id).await?;
            render::emit(json, &detail, render::detail)
        }
        Command::Cat { id, path } => {
            let path = match path {
                Some(path) => path,
                None => api.show(&id).await?.method_path,
            };
            let file = api.file(&id, &path).await?;
            // Exactly the stored bytes into a pipe; on a terminal, nothing in them acts on it.
            if std::io::IsTerminal::is_terminal(&std::io::stdout()) {
                print!("{}", render::terminal_safe(&file.text));
            } else {
                print!("{}", file.text);
            }
            Ok(())
        }
        Command::Diff { id, other, ignore_whitespace, json } => {
            let diff = api.diff(&id, other.as_deref(), ignore_whitespace).await?;
            render::emit(json, &diff, render::diff)
        }
        Command::Tasks { json } => {
            let (tasks, problems) = api.tasks_and_problems();
            render::warn_task_problems(&problems);
            render::emit(json, &tasks, |t| render::tasks(t))
        }
        Command::Run { method, task, seeds, first_seed, device, split, json } => {
            let request = aar_api::dto::RunRequest {
                method: Some(method_source(method)),
                task,
                seeds,
                first_seed,
                device: device.into(),
                eval_split: split.into(),
            };
            let (cancel, interrupt) = cancel_on_ctrl_c();
            let bar = progress::Bar::new(!json);
            let result = api.run(request, Box::new(bar.clone()), cancel).await;
            interrupt.abort();
            bar.finish();
            let (summary, report) = result?;
            render::emit(json, &report, |r| render::run_report(&summary, r))
        }
        Command::Verify { id, all, task, seeds, device, quick, json, report, request: queue_it } => {
            let formats =
                report.iter().map(|path| render::ReportFormat::of(path)).collect::<Result<Vec<_>, _>>()?;
            let request = aar_api::dto::VerifyRequest {
                task,
                seeds: Some(seeds),
                device: device.into(),
                quick: Some(quick),
            };
            if queue_it {
                let id = id.expect("clap requires an id without --all");
                let queued = api.request_verification(&id, request).await?;
                return render::emit(json, &queued, render::requested);
            }
            let (cancel, interrupt) = cancel_on_ctrl_c();
            let bar = progress::Bar::new(!json);
            let mut sinks = bar.step_sinks();
            if all {
                let result = api.verify_batch(&[], request, &mut sinks, cancel).await;
                interrupt.abort();
                bar.finish();
                let batch = result?;
                return render::emit(json, &batch, render::batch);
            }
            let id = id.expect("clap requires an id without --all");
            let result = api.verify(&id, request, &mut sinks, cancel).await;
            interrupt.abort();
            bar.finish();
            let detail = result?;
            for (path, format) in report.iter().zip(formats) {
                render::write_report(path, format, &detail.report)?;
            }
            render::emit(json, &detail.report, |_| render::verification(&detail))
        }
        Command::Worker { once, lease, poll, device, json } => {
            let options = aar_api::WorkOptions {
                worker: worker_name(api.actor()),
                lease: std::time::Duration::from_secs(lease),
                poll: std::time::Duration::from_secs(poll),
                once,
                device: device.into(),
            };
            let (cancel, interrupt) = cancel_on_ctrl_c();
            let mut sinks = progress::WorkerOutput::new(!json);
            let result = api.work(&options, &mut sinks, cancel).await;
            interrupt.abort();
            sinks.finish();
            render::emit(json, &result?, render::work_summary)
        }
        Command::Queue { all, json } => {
            let queue = api.verification_queue(all).await?;
            render::emit(json, &queue, |q| render::queue(q))
        }
        Command::CheckMethod { file, json } => {
            let check = api.check_method(&file)?;
            render::emit(json, &check, render::method_check)
        }
        Command::Status { id, json } => {
            let review = api.review(&id).await?;
            render::emit(json, &review, render::review)
        }
        Command::Vote { id, review, verified, message, json } => {
            let request = VoteRequest {
                review: vote_value(Label::Review, review)?,
                verified: vote_value(Label::Verified, verified)?,
                rationale: message,
                verification_id: None,
            };
            let review = api.vote(&id, request).await?;
            render::emit(json, &review, render::review)
        }
        Command::Signoff { id, message, json } => {
            let review = api.sign_off(&id, &message, None).await?;
            render::emit(json, &review, render::review)
        }
        Command::Comment { id, file, line, check, reply, message, json } => {
            let target = match (file, line, check, reply) {
                (Some(path), Some(line), _, _) => CommentTarget::Line { path, line },
                (_, _, Some(check), _) => CommentTarget::Check { check },
                (_, _, _, Some(thread)) => CommentTarget::Reply { thread },
                _ => CommentTarget::Submission,
            };
            let review = api.comment(&id, CommentRequest { target, body: message }).await?;
            render::emit(json, &review, render::review)
        }
        Command::Resolve { id, thread, reopen, json } => {
            let review = api.resolve_thread(&id, thread, !reopen).await?;
            render::emit(json, &review, render::review)
        }
        Command::Blind { id, message, json } => {
            let review = api.request_blind_review(&id, &message).await?;
            render::emit(json, &review, render::review)
        }
        Command::Flag { id, check, verdict, message, verification, json } => {
            let verification_id = match verification {
                Some(v) => v,
                None => api.review(&id).await?.verification_id.ok_or_else(|| {
                    ApiError::invalid(format!(
                        "submission {id} has no verification whose flags could be judged"
                    ))
                })?,
            };
            let verdict = match verdict {
                Verdict::TrueProblem => FlagVerdict::TrueProblem,
                Verdict::FalseAlarm => FlagVerdict::FalseAlarm,
            };
            let judgement = FlagJudgement { verification_id, check, verdict, reason: message };
            let review = api.judge_flag(&id, judgement).await?;
            render::emit(json, &review, render::review)
        }
        Command::Precision { json } => {
            let precision = api.check_precision().await?;
            render::emit(json, &precision, |p| render::precision(p))
        }
        Command::Reviewer { name: Some(name), role: Some(role), json } => {
            let role = match role {
                RoleArg::Reviewer => Role::Reviewer,
                RoleArg::Lead => Role::Lead,
            };
            let reviewer = api.set_role(&name, role).await?;
            render::emit(json, &vec![reviewer], |r| render::reviewers(r))
        }
        Command::Reviewer { json, .. } => {
            let mut list = api.reviewers().await?;
            let me = api.me().await?;
            if !list.iter().any(|r| r.name == me.name) {
                list.insert(0, me);
            }
            render::emit(json, &list, |r| render::reviewers(r))
        }
        Command::Export { format, out } => {
            let format = match format {
                Format::Csv => ExportFormat::Csv,
                Format::Json => ExportFormat::Json,
                Format::Md => ExportFormat::Md,
                Format::Html => ExportFormat::Html,
            };
            let text = api.export_as(format).await?;
            match out {
                Some(path) => render::write_file(&path, &text, "the export"),
                None => {
                    // CSV, Markdown and HTML come with hidden characters written out by the
                    // renderer; in JSON they become JSON escapes here.
                    print!("{}", render::json_safe(&text));
                    Ok(())
                }
            }
        }
        Command::Compare { run, baseline, json } => {
            let comparison = api.compare_runs(&run, &baseline).await?;
            render::emit(json, &comparison, render::comparison)
        }
        Command::Runs { limit, json } => {
            let runs = api.runs(limit).await?;
            render::emit(json, &runs, |r| render::runs(r))
        }
        Command::Audit { verify: true, json, .. } => {
            let verification = api.verify_audit().await?;
            render::emit(json, &verification, render::audit_verification)?;
            match verification.broken {
                Some(link) => Err(ApiError::new(
                    ErrorCode::Storage,
                    format!("the audit log is broken: {}", link.problem),
                )),
                None => Ok(()),
            }
        }
        Command::Audit { limit, json, verify: false } => {
            let entries = api.audit(limit).await?;
            render::emit(json, &entries, |e| render::audit(e))
        }
    }
}

/// `run`'s optional argument: an existing file is a method file, anything else a submission id.
fn method_source(argument: Option<String>) -> MethodSource {
    match argument {
        None => MethodSource::Vanilla,
        // Anything that names a file (even a missing one, to report it as such) is a method file.
        Some(path)
            if std::path::Path::new(&path).exists() || path.contains('/') || path.ends_with(".rhai") =>
        {
            MethodSource::File { path }
        }
        Some(id) => MethodSource::Submission { id },
    }
}

/// A cancel token that Ctrl-C trips, and the task that listens for it (abort it when the work
/// ends). A cancelled run or verification stores nothing but its audit entry.
/// A worker's name in the queue, unique per process: `login@host:pid`.
fn worker_name(login: &str) -> String {
    let host = std::fs::read_to_string("/etc/hostname")
        .ok()
        .map(|h| h.trim().to_owned())
        .filter(|h| !h.is_empty())
        .or_else(|| std::env::var("HOSTNAME").ok())
        .unwrap_or_else(|| "localhost".to_owned());
    format!("{login}@{host}:{}", std::process::id())
}

fn cancel_on_ctrl_c() -> (aar_api::CancelToken, tokio::task::JoinHandle<()>) {
    let cancel = aar_api::CancelToken::new();
    let on_interrupt = cancel.clone();
    let interrupt = tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            on_interrupt.cancel();
        }
    });
    (cancel, interrupt)
}

//! Which method a re-run trains the student with: the built-in vanilla baseline, a stored
//! submission's own method, or a method file on disk. A submission's method runs from the exact
//! bytes a reviewer reads: its stored file listing is checked against the submission id and its
//! bytes against their sha256 on every run.

use std::path::Path;

use aar_domain::{Digest, MethodError, StudentMethod, SubmissionId, Vanilla};
use aar_review_schemas::bundle::MethodFamily;
use aar_review_schemas::run::MethodRecord;
use aar_sandbox::{Isolation, MethodEnv, SandboxLimits, StartError};
use aar_store::Store;

use crate::dto::{MethodCheck, MethodSource};
use crate::error::SourceLocation;
use crate::{ApiError, ApiResult, ErrorCode};

/// The largest method file read from disk.
const MAX_METHOD_BYTES: u64 = 1 << 20;

/// A method ready to run, with what the report records about it.
pub(crate) struct ResolvedMethod {
    pub method: Box<dyn StudentMethod + Send>,
    pub record: MethodRecord,
}

/// What a report records about the built-in vanilla student.
pub(crate) fn vanilla_record() -> MethodRecord {
    MethodRecord { name: "vanilla".into(), code_sha256: None, submission_id: None, access_log: None }
}

pub(crate) async fn resolve(
    store: &Store,
    source: &MethodSource,
    isolation: &Isolation,
) -> ApiResult<ResolvedMethod> {
    match source {
        MethodSource::Vanilla => Ok(ResolvedMethod { method: Box::new(Vanilla), record: vanilla_record() }),
        MethodSource::Submission { id } => {
            let id = store.resolve(&aar_domain::IdPrefix::parse(id)?).await?;
            submission_code(store, &id).await?.compile(isolation)
        }
        MethodSource::File { path } => from_file(Path::new(path), isolation),
    }
}

/// A method's verified source, ready to be compiled into as many fresh instances as a
/// verification needs (each run starts from the script's initial state).
pub(crate) struct MethodCode {
    pub source: String,
    pub file: String,
    pub record: MethodRecord,
    /// The family the submission declares; `unsupervised` methods run without `ctx.teacher`.
    pub family: MethodFamily,
}

impl MethodCode {
    pub(crate) fn compile(&self, isolation: &Isolation) -> ApiResult<ResolvedMethod> {
        self.compile_method(isolation)?.map_err(|e| method_failure(*e))
    }

    /// [`MethodCode::compile`] keeping the method's own error, for a verification to report;
    /// the outer error is the verifier's own (a method worker that would not start).
    pub(crate) fn compile_method(
        &self,
        isolation: &Isolation,
    ) -> ApiResult<Result<ResolvedMethod, Box<MethodError>>> {
        compile_sandboxed(&self.source, &self.file, self.record.clone(), self.family, isolation)
    }
}

/// The stored method of a submission, from its verified bytes; AAR Python snapshots are refused
/// with the reason.
pub(crate) async fn submission_code(store: &Store, id: &SubmissionId) -> ApiResult<MethodCode> {
    let row = store.submission(id).await?;
    if !row.method_language.is_rerunnable() {
        return Err(ApiError::invalid(format!(
            "submission {} is a {} method imported from the AAR system: it can be read, diffed and judged, \
             but AAR Review's engine runs only Rhai methods (docs/method-api.md)",
            id.short(),
            row.method_language.as_str()
        )));
    }
    // `files` checks the listing against the id; `blob` checks the bytes against their digest.
    let files = store.files(id).await?;
    let file = files.iter().find(|f| f.path == row.method_path).ok_or_else(|| {
        ApiError::new(ErrorCode::Storage, format!("submission {} has no stored method file", id.short()))
    })?;
    let bytes = store.blob(&file.digest).await?;
    let source = String::from_utf8(bytes).map_err(|_| {
        ApiError::new(ErrorCode::Storage, format!("the stored method of {} is not UTF-8", id.short()))
    })?;
    let record = MethodRecord {
        name: row.title.clone(),
        code_sha256: Some(file.digest.to_string()),
        submission_id: Some(id.to_string()),
        access_log: None,
    };
    let family = crate::views::manifest(store, id).await?.family;
    Ok(MethodCode { source, file: row.method_path, record, family })
}

fn from_file(path: &Path, isolation: &Isolation) -> ApiResult<ResolvedMethod> {
    let source = read_method_file(path)?;
    let name = path.file_stem().map_or_else(|| "method".to_owned(), |s| s.to_string_lossy().into_owned());
    let record = MethodRecord {
        name,
        code_sha256: Some(Digest::of(source.as_bytes()).to_string()),
        submission_id: None,
        access_log: None,
    };
    let file = path.display().to_string();
    compile_sandboxed(&source, &file, record, MethodFamily::Teacher, isolation)?
        .map_err(|e| method_failure(*e))
}

/// Reads a method file named by the user: a regular file (a FIFO would block), UTF-8, capped.
fn read_method_file(path: &Path) -> ApiResult<String> {
    use std::io::Read;
    let refuse = |why: String| ApiError::invalid(format!("{}: {why}", path.display()));
    let meta = std::fs::metadata(path).map_err(|e| refuse(e.to_string()))?;
    if !meta.is_file() {
        return Err(refuse("not a regular file".into()));
    }
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(MAX_METHOD_BYTES + 1).read_to_end(&mut bytes))
        .map_err(|e| refuse(e.to_string()))?;
    if bytes.len() as u64 > MAX_METHOD_BYTES {
        return Err(refuse(format!("larger than {MAX_METHOD_BYTES} bytes; a method is one script")));
    }
    String::from_utf8(bytes)
        .map_err(|e| refuse(format!("not UTF-8 (invalid byte at offset {})", e.utf8_error().valid_up_to())))
}

/// Compiles a method for its declared family (the family decides what the sandbox hands it),
/// where `isolation` says. The inner error is the method's; the outer one the verifier's.
fn compile_sandboxed(
    source: &str,
    file: &str,
    record: MethodRecord,
    family: MethodFamily,
    isolation: &Isolation,
) -> ApiResult<Result<ResolvedMethod, Box<MethodError>>> {
    let env = MethodEnv {
        file: file.to_owned(),
        withhold_teacher: family == MethodFamily::Unsupervised,
        ..MethodEnv::default()
    };
    match isolation.start(source, record.name.clone(), SandboxLimits::default(), env) {
        Ok(method) => Ok(Ok(ResolvedMethod { method, record })),
        Err(StartError::Method(e)) => Ok(Err(e)),
        Err(StartError::Worker(why)) => {
            Err(ApiError::new(ErrorCode::Unavailable, format!("cannot start a method worker: {why}")))
        }
    }
}

/// Parses and validates a method file without training.
pub(crate) fn check(path: &Path) -> ApiResult<MethodCheck> {
    let source = read_method_file(path)?;
    let info = aar_sandbox::check_method(&source).map_err(|mut e| {
        e.file = Some(path.display().to_string());
        method_failure(e)
    })?;
    Ok(MethodCheck {
        path: path.display().to_string(),
        code_sha256: Digest::of(source.as_bytes()).to_string(),
        has_configure: info.has_configure,
        needs_student_predictions: info.needs_student,
        functions: info.functions.clone(),
    })
}

/// A method's error as every front end receives it: the one-line message, and the line to show.
pub(crate) fn method_failure(e: MethodError) -> ApiError {
    let location = match (&e.file, e.position) {
        (Some(file), Some(p)) => Some(SourceLocation { file: file.clone(), line: p.line, column: p.column }),
        _ => None,
    };
    ApiError::new(ErrorCode::RunFailed, e.to_string()).at(location)
}

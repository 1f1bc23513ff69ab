//! Batches of verifications: each submission verified in turn and stored as usual, then the
//! `significance` p-values corrected across the batch (Holm, Benjamini–Hochberg), because the best
//! of many noisy submissions looks better than it is. The correction decides the batch's vote: a
//! gain that passed at its raw p but not at Holm's is not verified, and the row says so
//! (`aar_checks::batch::corrected_vote`).

use aar_domain::SubmissionId;
use aar_engine::{CancelToken, ProgressSink};
use aar_review_schemas::verification::{CheckStatus, VerificationReport};

use crate::dto::{
    BatchPosition, BatchRow, BatchVerification, ListQuery, VerificationDetail, VerifyRequest, VerifyStep,
};
use crate::{Api, ApiError, ApiResult, ErrorCode};

/// Where a batch reports its progress: which submission starts, each run of its verification (as
/// [`crate::StepSinks`] for one verification), and each verification once stored. A plain
/// step-sink closure is a `BatchSinks` that only follows the runs.
pub trait BatchSinks: Send {
    /// A submission's verification is about to start.
    fn submission(&mut self, _position: &BatchPosition) {}
    /// The progress sink for one run of the current verification, as it starts.
    fn step(&mut self, step: &VerifyStep) -> Box<dyn ProgressSink + Send>;
    /// The current submission's verification is stored.
    fn verified(&mut self, _detail: &VerificationDetail) {}
}

impl<F> BatchSinks for F
where
    F: FnMut(&VerifyStep) -> Box<dyn ProgressSink + Send> + Send,
{
    fn step(&mut self, step: &VerifyStep) -> Box<dyn ProgressSink + Send> {
        self(step)
    }
}

/// A submission of the batch, checked before any training.
struct Member {
    id: SubmissionId,
    title: String,
}

pub(crate) async fn verify_batch(
    api: &Api,
    ids: &[String],
    request: VerifyRequest,
    sinks: &mut dyn BatchSinks,
    cancel: CancelToken,
) -> ApiResult<BatchVerification> {
    let members = members(api, ids).await?;
    let total = members.len() as u32;
    let mut details = Vec::with_capacity(members.len());
    for (i, member) in members.iter().enumerate() {
        let position = BatchPosition {
            index: i as u32 + 1,
            total,
            submission_id: member.id.to_string(),
            short_id: member.id.short().to_string(),
            title: member.title.clone(),
        };
        // A cancel that lands between two verifications stops the batch before the next starts
        // (which would otherwise leave an audit entry for a verification that never ran).
        if cancel.is_cancelled() {
            return Err(stopped_at(&position, ApiError::new(ErrorCode::Cancelled, "cancelled")));
        }
        sinks.submission(&position);
        let mut steps = |step: &VerifyStep| sinks.step(step);
        let detail = api
            .verify(member.id.as_str(), request.clone(), &mut steps, cancel.clone())
            .await
            .map_err(|e| stopped_at(&position, e))?;
        sinks.verified(&detail);
        details.push(detail);
    }
    Ok(corrected(&details))
}

/// The submissions to verify, in the order asked for (every re-runnable one when `ids` is empty),
/// each once. Everything that can be known before training is checked here, so a typo or a Python
/// snapshot at the end of the list does not stop a batch after minutes of runs.
async fn members(api: &Api, ids: &[String]) -> ApiResult<Vec<Member>> {
    let summaries = api.list(&ListQuery::default()).await?;
    let asked: Vec<&str> = if ids.is_empty() {
        summaries.iter().filter(|s| s.rerunnable).map(|s| s.id.as_str()).collect()
    } else {
        ids.iter().map(String::as_str).collect()
    };
    let mut members: Vec<Member> = Vec::with_capacity(asked.len());
    for asked in asked {
        let id = api.resolve(asked).await?;
        // Two prefixes of one submission: verifying it twice would count it twice in the correction.
        if members.iter().any(|m| m.id == id) {
            continue;
        }
        let summary = summaries.iter().find(|s| s.id == id.as_str()).ok_or_else(|| {
            ApiError::new(ErrorCode::NotFound, format!("submission {} is not in the queue", id.short()))
        })?;
        if !summary.rerunnable {
            return Err(ApiError::invalid(format!(
                "submission {} ({}) cannot be verified: it is a {} method, which AAR Review reads but \
                 does not re-run; leave it out of the batch",
                id.short(),
                summary.title,
                summary.language.as_str()
            )));
        }
        members.push(Member { id, title: summary.title.clone() });
    }
    Ok(members)
}

/// Says where the batch stopped, keeping the error's code and details: the verifications before
/// it are stored.
fn stopped_at(position: &BatchPosition, mut e: ApiError) -> ApiError {
    let kept = match position.index - 1 {
        0 => "no verification of the batch had finished".to_owned(),
        1 => "the 1 verification finished before it is stored".to_owned(),
        n => format!("the {n} verifications finished before it are stored"),
    };
    let what = if e.code == ErrorCode::Cancelled { "the batch was cancelled" } else { "the batch stopped" };
    e.message = format!(
        "{what} at submission {} of {} ({}, {}): {}; {kept}",
        position.index, position.total, position.title, position.short_id, e.message
    );
    e
}

/// Each verification's vote once its significance is corrected across the batch, failed checks and
/// gain over vanilla, with its significance p raw and corrected.
fn corrected(details: &[VerificationDetail]) -> BatchVerification {
    let reports: Vec<&VerificationReport> = details.iter().map(|d| &d.report).collect();
    let corrected = aar_checks::corrected(&reports);
    // Holm's m: the verifications with a significance p.
    let m = corrected.iter().filter(|c| c.p.is_some()).count();
    let rows = details
        .iter()
        .zip(corrected)
        .map(|(d, c)| {
            let (vote, correction) = aar_checks::batch::corrected_vote(&d.report, &c, m);
            (d, c, vote, correction)
        })
        .map(|(d, c, vote, correction)| BatchRow {
            short_id: d.report.submission_id[..12].to_owned(),
            submission_id: d.report.submission_id.clone(),
            title: d.report.title.clone(),
            verification_id: d.id.clone(),
            vote,
            correction,
            failed: d.report.checks.iter().filter(|c| c.status == CheckStatus::Fail).map(|c| c.id).collect(),
            delta_pgr: c.delta_pgr,
            p: c.p,
            p_holm: c.holm,
            p_bh: c.bh,
        })
        .collect();
    BatchVerification { rows }
}

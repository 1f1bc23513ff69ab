//! `aar-review export`: every submission with its claims, newest verification, votes and
//! sign-offs, as the format in `review-schemas` and rendered by `aar-report`.

use aar_review_schemas::review::{
    ExportedCheck, ExportedSubmission, ExportedVerification, REVIEW_EXPORT_SCHEMA_VERSION, ReviewExport,
};
use aar_store::ListFilter;

use crate::dto::{ExportFormat, ExportSaved};
use crate::{Api, ApiResult};

impl Api {
    /// The whole store's review state, as a lead attaches it to a decision. During a blind
    /// review the exporter sees what the queue shows them: their own votes only, and no status
    /// beyond "in review" (the export says so), until they have voted.
    pub async fn export(&self) -> ApiResult<ReviewExport> {
        let reviews = self.reviews().await?;
        let mut submissions = Vec::new();
        for row in self.store.list(&ListFilter::default()).await? {
            let id = &row.id;
            let manifest = crate::views::manifest(&self.store, id).await?;
            let verification = self.store.verifications_of(id).await?.into_iter().next().map(|v| {
                let figure = aar_checks::reproduction::reproduced(&v.report);
                ExportedVerification {
                    reproduced_pgr: figure.map(|f| f.value),
                    reproduced_ci95: figure.and_then(|f| f.ci95),
                    checks: v
                        .report
                        .checks
                        .iter()
                        .map(|c| ExportedCheck { id: c.id, status: c.status, summary: c.summary.clone() })
                        .collect(),
                    suggestion: v.report.suggestion.vote,
                    reason: v.report.suggestion.reason.clone(),
                    id: v.id,
                    task: v.task,
                    finished_at: v.finished_at,
                }
            });
            let review = reviews.of(id.as_str());
            let mut votes = self.store.votes_of(id).await?;
            if review.blind {
                votes.retain(|v| v.author == self.actor);
            }
            submissions.push(ExportedSubmission {
                id: id.to_string(),
                title: row.title.clone(),
                author: row.author.clone(),
                imported_by: row.imported_by.clone(),
                status: review.status,
                claims: manifest.claims,
                verification,
                votes,
                sign_offs: self.store.sign_offs_of(id).await?,
                votes_withheld: review.blind,
            });
        }
        Ok(ReviewExport {
            schema_version: REVIEW_EXPORT_SCHEMA_VERSION,
            exported_at: (self.clock)().to_string(),
            exported_by: self.actor.clone(),
            audit_head: self.store.verify_audit().await?.head,
            submissions,
        })
    }

    /// [`Api::export`] rendered in `format`.
    pub async fn export_as(&self, format: ExportFormat) -> ApiResult<String> {
        let export = self.export().await?;
        Ok(match format {
            ExportFormat::Json => {
                let mut text = serde_json::to_string_pretty(&export).expect("an export always serialises");
                text.push('\n');
                text
            }
            ExportFormat::Csv => aar_report::export::csv(&export),
            ExportFormat::Md => aar_report::export::markdown(&export),
            ExportFormat::Html => aar_report::export::html(&export),
        })
    }

    /// [`Api::export_as`] written to `path` as typed in the app (`~/` or absolute), whole or not at
    /// all: a file already there stays as it was if anything fails.
    pub async fn export_to(&self, format: ExportFormat, path: &str) -> ApiResult<ExportSaved> {
        let path = crate::files::typed_path(path)?;
        let text = self.export_as(format).await?;
        crate::files::write_atomically(&path, &text, "the export")?;
        Ok(ExportSaved { path: path.display().to_string(), bytes: text.len() as u64 })
    }
}

//! File formats of AAR Review.
//!
//! Every format is a plain serde type with a `schema_version` field, and every type has a JSON
//! Schema in `review-schemas/schemas/` that is regenerated from these types (`UPDATE_SCHEMAS=1
//! cargo test -p aar-review-schemas`); a test fails when the checked-in files drift.
//!
//! - [`bundle`]: a submission bundle (`submission.json` plus files, as a folder, `.zip` or
//!   `.tar.gz`).
//! - [`aar`]: the records of the AAR system itself: its forum export and the `metadata.json` of
//!   its code snapshots.
//! - [`run`]: the report of one re-run of the W2S protocol, with [`method`]'s access log.
//! - [`task`]: a task pack's metadata (`task.json`), beside its safetensors data.
//! - [`review`]: the review workflow's records (votes, sign-offs, comments, flag feedback) and
//!   its export format.
//! - [`verification`]: the report of a verification: whether a submission's claim is real.
//! - [`vocab`]: the closed vocabularies they share (splits, devices, phases, file roles).
//!
//! This crate does no IO and knows nothing about storage or the UI.

/// Each name displays as it is written in JSON.
macro_rules! display_as_str {
    ($($ty:ty),*) => {$(
        impl std::fmt::Display for $ty {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    )*};
}
pub(crate) use display_as_str;

pub mod aar;
pub mod bundle;
pub mod method;
pub mod review;
pub mod run;
pub mod task;
pub mod verification;
pub mod vocab;

/// A named JSON Schema, as written to `schemas/<file_name>`.
#[derive(Debug)]
pub struct NamedSchema {
    pub file_name: &'static str,
    pub schema: schemars::Schema,
}

/// All schemas this crate publishes, in a stable order.
pub fn all_schemas() -> Vec<NamedSchema> {
    vec![
        NamedSchema {
            file_name: "submission.schema.json",
            schema: schemars::schema_for!(bundle::SubmissionManifest),
        },
        NamedSchema {
            file_name: "aar-forum-export.schema.json",
            schema: schemars::schema_for!(aar::ForumExport),
        },
        NamedSchema {
            file_name: "aar-commit-metadata.schema.json",
            schema: schemars::schema_for!(aar::CommitMetadata),
        },
        NamedSchema { file_name: "run-report.schema.json", schema: schemars::schema_for!(run::RunReport) },
        NamedSchema { file_name: "task.schema.json", schema: schemars::schema_for!(task::TaskPack) },
        NamedSchema {
            file_name: "verification-report.schema.json",
            schema: schemars::schema_for!(verification::VerificationReport),
        },
        NamedSchema {
            file_name: "review-export.schema.json",
            schema: schemars::schema_for!(review::ReviewExport),
        },
    ]
}

/// Renders a schema the way it is checked in: pretty JSON with a trailing newline.
pub fn render_schema(schema: &schemars::Schema) -> String {
    let mut text = serde_json::to_string_pretty(schema).expect("a schema is always valid JSON");
    text.push('\n');
    text
}

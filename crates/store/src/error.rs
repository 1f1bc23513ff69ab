use std::path::PathBuf;

use aar_review_schemas::review::ReviewRule;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Database(sqlx::Error),
    /// The database refused a write because it breaks a review rule; nothing was changed.
    #[error("refused by the rule `{rule}`: {message}")]
    Refused { rule: ReviewRule, message: String },
    #[error("could not migrate the database: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("{}: {source}", path.display())]
    Io { path: PathBuf, source: std::io::Error },
    #[error(
        "`{0}` is not a database AAR Review supports: give a SQLite file path, a sqlite: URL or a postgres:// URL"
    )]
    UnsupportedUrl(String),
    #[error("cannot use the database location: {0}")]
    BadLocation(String),
    #[error("no {what} matches `{key}`")]
    NotFound { what: &'static str, key: String },
    #[error("`{prefix}` is ambiguous: it matches {}", candidates.join(", "))]
    Ambiguous { prefix: String, candidates: Vec<String> },
    #[error("the database is damaged: {0}")]
    Corrupt(String),
    /// A worker tried to finish a verification request it no longer holds (its lease lapsed and
    /// another worker took the request); nothing was stored.
    #[error(
        "verification request {request} is no longer held by `{worker}`: its lease lapsed and another worker took it"
    )]
    LeaseLost { request: i64, worker: String },
}

/// The prefix of a review rule's refusal raised by a trigger: `aar:<rule>: <sentence>`.
const RULE_PREFIX: &str = "aar:";

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> StoreError {
        if let sqlx::Error::Database(db) = &e
            && let Some(rest) = db.message().strip_prefix(RULE_PREFIX)
            && let Some((name, message)) = rest.split_once(':')
            && let Some(rule) = ReviewRule::parse(name)
        {
            return StoreError::Refused { rule, message: message.trim().to_owned() };
        }
        StoreError::Database(e)
    }
}

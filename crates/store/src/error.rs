use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
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
}

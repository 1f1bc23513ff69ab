use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("could not migrate the database: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("{}: {source}", path.display())]
    Io { path: PathBuf, source: std::io::Error },
    #[error("`{0}` is not a database URL AAR Review supports (sqlite://PATH or postgres://...)")]
    UnsupportedUrl(String),
    #[error("no submission matches `{0}`")]
    NotFound(String),
    #[error("`{prefix}` is ambiguous: it matches {}", candidates.join(", "))]
    Ambiguous { prefix: String, candidates: Vec<String> },
    #[error("the database is damaged: {0}")]
    Corrupt(String),
}

//! Persistence for AAR Review.
//!
//! One code path serves SQLite (the default: a file in the user's data directory, WAL mode) and
//! PostgreSQL (for teams): queries go through sqlx's `Any` driver with `$n` placeholders, and each
//! dialect has its own folder of migrations, embedded in the binary and applied on open. The `Any`
//! driver carries only booleans, integers, floats, text and bytes, so times are RFC 3339 text and
//! structured values are JSON text.
//!
//! Files are stored once by sha256 ([`aar_domain::Digest`]); a submission row only points at
//! them, so what a reviewer reads and what a re-run executes are the same bytes. Every write is
//! one transaction that also appends to `audit_log`, which triggers keep append-only.

mod error;
mod rows;
mod runs;

use std::collections::BTreeMap;
use std::path::Path;
use std::str::FromStr;

use aar_domain::{BundleContent, Digest, IdPrefix, SubmissionId, Timestamp};
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
// Dynamic SQL here is only ever assembled from constant fragments; values are always bound.
use sqlx::{AnyPool, AssertSqlSafe, Row};

pub use error::StoreError;
pub use rows::{AuditEntry, ClaimRow, StoredFile, SubmissionRow};
pub use runs::RunRow;

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

/// Which SQL dialect the database speaks; chosen by the URL's scheme.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Sqlite,
    Postgres,
}

/// Who writes and when: passed in by the caller so tests control both.
#[derive(Debug, Clone)]
pub struct WriteContext {
    pub actor: String,
    pub at: Timestamp,
}

/// A submission about to be stored, with a note of where it came from.
#[derive(Debug)]
pub struct NewSubmission<'a> {
    pub content: &'a BundleContent,
    /// A human-readable origin, e.g. `folder demo/bundles/naive` or `aar export ideas/...`.
    pub origin: String,
}

/// Whether an insert stored something new.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Inserted {
    New,
    /// Byte-identical to a stored submission: nothing was written.
    AlreadyPresent,
}

/// Filters for [`Store::list`]; `None` matches everything.
#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    pub author: Option<String>,
    pub task: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Store {
    pub(crate) pool: AnyPool,
    dialect: Dialect,
}

impl Store {
    /// Opens (creating if needed) the SQLite database at `path` and applies pending migrations.
    pub async fn open_sqlite(path: &Path) -> Result<Store, StoreError> {
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent)
                .map_err(|source| StoreError::Io { path: parent.to_owned(), source })?;
        }
        let url = format!("sqlite://{}?mode=rwc", path.display());
        Store::open(&url).await
    }

    /// Opens a database by URL: `sqlite://PATH?mode=rwc`, `sqlite::memory:` or
    /// `postgres://user:pass@host/db`.
    pub async fn open(url: &str) -> Result<Store, StoreError> {
        sqlx::any::install_default_drivers();
        let dialect = if url.starts_with("sqlite:") {
            Dialect::Sqlite
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Dialect::Postgres
        } else {
            return Err(StoreError::UnsupportedUrl(redact(url)));
        };
        let options = AnyConnectOptions::from_str(url)?;
        // An in-memory SQLite database exists per connection: keep exactly one.
        let max = if url.contains(":memory:") { 1 } else { 4 };
        let pool = AnyPoolOptions::new().max_connections(max).connect_with(options).await?;
        if dialect == Dialect::Sqlite && !url.contains(":memory:") {
            // WAL lets readers (the GUI) proceed while an import writes. The mode is stored in the
            // file, so setting it once per open is enough.
            sqlx::query("PRAGMA journal_mode = WAL").execute(&pool).await?;
        }
        let migrator = match dialect {
            Dialect::Sqlite => &SQLITE_MIGRATIONS,
            Dialect::Postgres => &POSTGRES_MIGRATIONS,
        };
        migrator.run(&pool).await?;
        Ok(Store { pool, dialect })
    }

    pub fn dialect(&self) -> Dialect {
        self.dialect
    }

    /// SQLite's journal mode (`wal` normally); `None` on PostgreSQL.
    pub async fn journal_mode(&self) -> Result<Option<String>, StoreError> {
        if self.dialect != Dialect::Sqlite {
            return Ok(None);
        }
        let row = sqlx::query("PRAGMA journal_mode").fetch_one(&self.pool).await?;
        Ok(Some(row.try_get::<String, _>(0)?))
    }

    /// Stores submissions in one transaction: all of them or, on any error, none. Submissions
    /// already stored are left untouched and reported as [`Inserted::AlreadyPresent`].
    pub async fn insert_submissions(
        &self,
        batch: &[NewSubmission<'_>],
        ctx: &WriteContext,
    ) -> Result<Vec<Inserted>, StoreError> {
        let mut tx = self.pool.begin().await?;
        let mut outcomes = Vec::with_capacity(batch.len());
        for new in batch {
            let content = new.content;
            let id = content.id.as_str();
            let exists = sqlx::query("SELECT 1 FROM submissions WHERE id = $1")
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?
                .is_some();
            if exists {
                outcomes.push(Inserted::AlreadyPresent);
                continue;
            }
            for file in &content.files {
                sqlx::query(
                    "INSERT INTO blobs (digest, size, content) VALUES ($1, $2, $3) \
                     ON CONFLICT (digest) DO NOTHING",
                )
                .bind(file.digest.as_str())
                .bind(file.text.len() as i64)
                .bind(file.text.as_bytes())
                .execute(&mut *tx)
                .await?;
            }
            let m = &content.manifest;
            sqlx::query(
                "INSERT INTO submissions (id, title, author, created_at, method_path, \
                 method_language, source_ref, parent_ref, origin, imported_at, imported_by) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
            )
            .bind(id)
            .bind(&m.title)
            .bind(&m.author)
            .bind(Timestamp::parse(&m.created_at).map(|t| t.to_string()).unwrap_or_default())
            .bind(content.method().path.as_str())
            .bind(m.method.language.as_str())
            .bind(m.source_ref.as_deref())
            .bind(m.parent.as_deref())
            .bind(&new.origin)
            .bind(ctx.at.to_string())
            .bind(&ctx.actor)
            .execute(&mut *tx)
            .await?;
            for file in &content.files {
                sqlx::query(
                    "INSERT INTO submission_files (submission_id, path, role, digest) \
                     VALUES ($1, $2, $3, $4)",
                )
                .bind(id)
                .bind(file.path.as_str())
                .bind(file.role.as_str())
                .bind(file.digest.as_str())
                .execute(&mut *tx)
                .await?;
            }
            for (position, claim) in m.claims.iter().enumerate() {
                sqlx::query(
                    "INSERT INTO claims (submission_id, position, task, pgr, pgr_se, weak_acc, \
                     ceiling_acc, student_acc, seeds) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                )
                .bind(id)
                .bind(position as i64)
                .bind(&claim.task)
                .bind(claim.pgr)
                .bind(claim.pgr_se)
                .bind(claim.weak_acc)
                .bind(claim.ceiling_acc)
                .bind(claim.student_acc)
                .bind(serde_json::to_string(&claim.seeds).expect("seeds serialise"))
                .execute(&mut *tx)
                .await?;
            }
            let detail = serde_json::json!({
                "title": m.title,
                "origin": new.origin,
                "files": content.files.len(),
            });
            append_audit(&mut tx, ctx, "submission.import", id, &detail).await?;
            outcomes.push(Inserted::New);
        }
        tx.commit().await?;
        Ok(outcomes)
    }

    /// Submissions matching `filter`, newest first.
    pub async fn list(&self, filter: &ListFilter) -> Result<Vec<SubmissionRow>, StoreError> {
        let mut sql = format!("SELECT {} FROM submissions WHERE 1 = 1", rows::SUBMISSION_COLUMNS);
        let mut binds = Vec::new();
        if let Some(author) = &filter.author {
            binds.push(author.clone());
            sql.push_str(&format!(" AND author = ${}", binds.len()));
        }
        if let Some(task) = &filter.task {
            binds.push(task.clone());
            sql.push_str(&format!(
                " AND id IN (SELECT submission_id FROM claims WHERE task = ${})",
                binds.len()
            ));
        }
        sql.push_str(" ORDER BY created_at DESC, id");
        let mut query = sqlx::query(AssertSqlSafe(sql));
        for value in &binds {
            query = query.bind(value);
        }
        let found = query.fetch_all(&self.pool).await?;
        found.iter().map(SubmissionRow::from_row).collect()
    }

    /// Resolves an abbreviated id to the one submission it names.
    pub async fn resolve(&self, prefix: &IdPrefix) -> Result<SubmissionId, StoreError> {
        let id = self.resolve_in("submissions", prefix).await?;
        rows::submission_id(&id)
    }

    /// The one `id` of `table` that starts with `prefix`.
    pub(crate) async fn resolve_in(
        &self,
        table: &'static str,
        prefix: &IdPrefix,
    ) -> Result<String, StoreError> {
        let pattern = format!("{}%", prefix.as_str());
        let sql = format!("SELECT id FROM {table} WHERE id LIKE $1 ORDER BY id LIMIT 11");
        let found = sqlx::query(AssertSqlSafe(sql)).bind(&pattern).fetch_all(&self.pool).await?;
        let mut ids: Vec<String> =
            found.iter().map(|r| r.try_get::<String, _>(0)).collect::<Result<_, _>>()?;
        match ids.len() {
            0 => Err(StoreError::NotFound(match table {
                "submissions" => prefix.as_str().to_owned(),
                _ => format!("{} {}", table.trim_end_matches('s'), prefix.as_str()),
            })),
            1 => Ok(ids.remove(0)),
            _ => Err(StoreError::Ambiguous {
                prefix: prefix.as_str().to_owned(),
                candidates: ids.iter().map(|id| id[..12.min(id.len())].to_owned()).collect(),
            }),
        }
    }

    pub async fn submission(&self, id: &SubmissionId) -> Result<SubmissionRow, StoreError> {
        let sql = format!("SELECT {} FROM submissions WHERE id = $1", rows::SUBMISSION_COLUMNS);
        let row = sqlx::query(AssertSqlSafe(sql))
            .bind(id.as_str())
            .fetch_optional(&self.pool)
            .await?
            .ok_or_else(|| StoreError::NotFound(id.to_string()))?;
        SubmissionRow::from_row(&row)
    }

    /// Submissions whose `source_ref` is `reference`, oldest first.
    pub async fn by_source_ref(&self, reference: &str) -> Result<Vec<SubmissionRow>, StoreError> {
        let sql = format!(
            "SELECT {} FROM submissions WHERE source_ref = $1 ORDER BY created_at, id",
            rows::SUBMISSION_COLUMNS
        );
        let found = sqlx::query(AssertSqlSafe(sql)).bind(reference).fetch_all(&self.pool).await?;
        found.iter().map(SubmissionRow::from_row).collect()
    }

    /// Submissions that name `parent` (by its source ref or its full id) as their parent.
    pub async fn children(&self, parent: &SubmissionRow) -> Result<Vec<SubmissionRow>, StoreError> {
        let sql = format!(
            "SELECT {} FROM submissions WHERE parent_ref = $1 OR parent_ref = $2 \
             ORDER BY created_at, id",
            rows::SUBMISSION_COLUMNS
        );
        let reference = parent.source_ref.clone().unwrap_or_else(|| parent.id.to_string());
        let found = sqlx::query(AssertSqlSafe(sql))
            .bind(reference)
            .bind(parent.id.as_str())
            .fetch_all(&self.pool)
            .await?;
        found.iter().map(SubmissionRow::from_row).collect()
    }

    pub async fn claims(&self, id: &SubmissionId) -> Result<Vec<ClaimRow>, StoreError> {
        self.claims_where("submission_id = $1", Some(id.as_str())).await
    }

    /// Every claim of every submission, for lists.
    pub async fn all_claims(&self) -> Result<Vec<ClaimRow>, StoreError> {
        self.claims_where("1 = 1", None).await
    }

    async fn claims_where(&self, condition: &str, bind: Option<&str>) -> Result<Vec<ClaimRow>, StoreError> {
        let sql = format!(
            "SELECT submission_id, task, pgr, pgr_se, weak_acc, ceiling_acc, student_acc, seeds \
             FROM claims WHERE {condition} ORDER BY submission_id, position"
        );
        let mut query = sqlx::query(AssertSqlSafe(sql));
        if let Some(value) = bind {
            query = query.bind(value);
        }
        let found = query.fetch_all(&self.pool).await?;
        found.iter().map(ClaimRow::from_row).collect()
    }

    pub async fn files(&self, id: &SubmissionId) -> Result<Vec<StoredFile>, StoreError> {
        let found = sqlx::query(
            "SELECT f.path, f.role, f.digest, b.size FROM submission_files f \
             JOIN blobs b ON b.digest = f.digest WHERE f.submission_id = $1 ORDER BY f.path",
        )
        .bind(id.as_str())
        .fetch_all(&self.pool)
        .await?;
        found.iter().map(StoredFile::from_row).collect()
    }

    /// The bytes stored under `digest`, checked against it: a store edited behind our back is
    /// reported, never shown or run.
    pub async fn blob(&self, digest: &Digest) -> Result<Vec<u8>, StoreError> {
        let row = sqlx::query("SELECT content FROM blobs WHERE digest = $1")
            .bind(digest.as_str())
            .fetch_optional(&self.pool)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("file {digest}")))?;
        let bytes: Vec<u8> = row.try_get(0)?;
        if Digest::of(&bytes) != *digest {
            return Err(StoreError::Corrupt(format!(
                "the stored bytes of file {digest} no longer match their sha256"
            )));
        }
        Ok(bytes)
    }

    /// The text of one file of a submission.
    pub async fn file_text(&self, id: &SubmissionId, path: &str) -> Result<String, StoreError> {
        let row = sqlx::query("SELECT digest FROM submission_files WHERE submission_id = $1 AND path = $2")
            .bind(id.as_str())
            .bind(path)
            .fetch_optional(&self.pool)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("{path} in submission {}", id.short())))?;
        let digest = rows::digest(&row.try_get::<String, _>(0)?)?;
        let bytes = self.blob(&digest).await?;
        String::from_utf8(bytes).map_err(|_| StoreError::Corrupt(format!("stored file {path} is not UTF-8")))
    }

    /// The newest `limit` audit entries, newest first.
    pub async fn audit(&self, limit: u32) -> Result<Vec<AuditEntry>, StoreError> {
        let found = sqlx::query(
            "SELECT seq, at, actor, action, subject, detail FROM audit_log \
             ORDER BY seq DESC LIMIT $1",
        )
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        found.iter().map(AuditEntry::from_row).collect()
    }

    /// Row counts of every table: how tests show that a refused input changed nothing.
    pub async fn table_counts(&self) -> Result<BTreeMap<&'static str, i64>, StoreError> {
        let mut counts = BTreeMap::new();
        for table in ["blobs", "submissions", "submission_files", "claims", "runs", "audit_log"] {
            let row = sqlx::query(AssertSqlSafe(format!("SELECT COUNT(*) FROM {table}")))
                .fetch_one(&self.pool)
                .await?;
            counts.insert(table, row.try_get::<i64, _>(0)?);
        }
        Ok(counts)
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

async fn append_audit(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    ctx: &WriteContext,
    action: &str,
    subject: &str,
    detail: &serde_json::Value,
) -> Result<(), StoreError> {
    sqlx::query("INSERT INTO audit_log (at, actor, action, subject, detail) VALUES ($1, $2, $3, $4, $5)")
        .bind(ctx.at.to_string())
        .bind(&ctx.actor)
        .bind(action)
        .bind(subject)
        .bind(detail.to_string())
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// A database URL for messages and status lines, without its credentials.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            format!("{}://…@{}", &url[..scheme_end], &url[at + 1..])
        }
        _ => url.to_owned(),
    }
}

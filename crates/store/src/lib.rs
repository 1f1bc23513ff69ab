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

mod audit;
mod error;
mod location;
mod queue;
mod review;
mod rows;
mod runs;
mod verifications;

use std::collections::BTreeMap;

use aar_domain::{BundleContent, Digest, IdPrefix, SubmissionId, Timestamp};
use sqlx::any::AnyPoolOptions;
// Dynamic SQL here is only ever assembled from constant fragments; values are always bound.
use sqlx::{Any, AnyPool, AssertSqlSafe, Executor, Row, Transaction};

pub use audit::{AuditVerification, BrokenLink, GENESIS};
pub use error::StoreError;
pub use location::Location;
pub use queue::{Lease, NewRequest, RequestRow, RequestState};
pub use review::{FlagTally, NewComment, NewVote, Resolution, VoteBrief};
pub use rows::{AuditEntry, ClaimRow, StoredFile, SubmissionRow};
pub use runs::RunRow;
pub use verifications::{VerificationRow, VerificationSummaryRow};

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

/// How long a SQLite writer waits for another one before giving up. An import of a large export
/// holds the lock for a few seconds; a minute leaves room for a queue of them.
const SQLITE_BUSY_TIMEOUT: &str = "PRAGMA busy_timeout = 60000";
/// How long an open waits for another process's lock: as long as the busy timeout above.
const SQLITE_BUSY_WAIT: std::time::Duration = std::time::Duration::from_secs(60);

/// Turns PostgreSQL's JIT compilation off for the store's sessions (see `open_at`).
const POSTGRES_NO_JIT: &str = "SET jit = off";

/// The PostgreSQL advisory lock every write transaction takes (an arbitrary constant: "AARR").
const WRITE_LOCK_KEY: i64 = 0x4141_5252;

/// Which SQL dialect the database speaks; chosen by the URL's scheme.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
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

/// Switches a SQLite file to WAL. The switch needs an exclusive lock that SQLite's busy
/// handler does not wait for, so when another process is opening or writing the same fresh
/// file at this moment it fails at once with "database is locked": retry it, with backoff,
/// for as long as a write would wait.
async fn set_wal(pool: &AnyPool) -> Result<(), StoreError> {
    let deadline = std::time::Instant::now() + SQLITE_BUSY_WAIT;
    let mut pause = std::time::Duration::from_millis(5);
    loop {
        match sqlx::query("PRAGMA journal_mode = WAL").execute(pool).await {
            Err(e) if is_busy(&e) && std::time::Instant::now() < deadline => {
                tokio::time::sleep(pause).await;
                pause = (pause * 2).min(std::time::Duration::from_millis(200));
            }
            outcome => return outcome.map(drop).map_err(StoreError::from),
        }
    }
}

/// SQLite's `SQLITE_BUSY`, extended codes included.
fn is_busy(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(db) if db.code().and_then(|c| c.parse::<i32>().ok()).is_some_and(|c| c & 0xff == 5))
}

impl Store {
    /// Opens a database named as a user names it: a SQLite file path, a `sqlite:` URL or a
    /// `postgres://user:pass@host/db` URL (see [`Location::parse`]).
    pub async fn open(location: &str) -> Result<Store, StoreError> {
        Store::open_at(&Location::parse(location)?).await
    }

    /// Opens (creating a SQLite file and its folder if needed) and applies pending migrations.
    pub async fn open_at(location: &Location) -> Result<Store, StoreError> {
        sqlx::any::install_default_drivers();
        let dialect = location.dialect();
        let options = location.connect_options()?;
        // An in-memory SQLite database exists per connection: keep exactly one.
        let max = if location.is_in_memory() { 1 } else { 4 };
        let mut pool_options = AnyPoolOptions::new().max_connections(max);
        if dialect == Dialect::Sqlite {
            // Writers take the lock up front (`write_tx`); a busy timeout lets them queue behind
            // each other (the app and a CLI import at once) instead of failing at once.
            pool_options = pool_options.after_connect(|conn, _| {
                Box::pin(async move {
                    conn.execute(SQLITE_BUSY_TIMEOUT).await?;
                    Ok(())
                })
            });
        } else {
            // The review views are many small indexed lookups whose correlated subqueries inflate
            // the planner's cost estimate past the JIT threshold, and compiling the plan then
            // takes seconds: at 10,000 submissions the review tallies took 2.9 s with JIT and
            // 0.1 s without (`queue_scale`, BENCHMARKS.md).
            pool_options = pool_options.after_connect(|conn, _| {
                Box::pin(async move {
                    conn.execute(POSTGRES_NO_JIT).await?;
                    Ok(())
                })
            });
        }
        let pool = pool_options.connect_with(options).await?;
        if dialect == Dialect::Sqlite && !location.is_in_memory() {
            // WAL lets readers (the GUI) proceed while an import writes. The mode is stored in the
            // file, so setting it once per open is enough.
            set_wal(&pool).await?;
        }
        let store = Store { pool, dialect };
        store.migrate().await?;
        Ok(store)
    }

    /// Applies pending migrations, safely against other processes opening the same new database
    /// at the same moment: on SQLite every migration runs inside one `BEGIN IMMEDIATE`
    /// transaction (the others wait for it, then find nothing left to do); on PostgreSQL sqlx's
    /// migrator takes an advisory lock itself.
    async fn migrate(&self) -> Result<(), StoreError> {
        match self.dialect {
            // `run_direct` on a plain connection: `Migrator::run`'s generic `Acquire` bound makes
            // the future `Send` for one lifetime only, which a spawned task cannot hold.
            Dialect::Sqlite => {
                let mut tx = self.write_tx().await?;
                SQLITE_MIGRATIONS.run_direct(None, &mut *tx, false).await?;
                audit::seal_legacy_entries(&mut tx).await?;
                tx.commit().await?;
            }
            Dialect::Postgres => {
                let mut conn = self.pool.acquire().await?;
                // A team login may not change the schema (not even create sqlx's bookkeeping
                // table, which `run` tries first): it only checks that the owner has migrated.
                if !self.postgres_up_to_date(&mut conn).await? {
                    POSTGRES_MIGRATIONS.run_direct(None, &mut *conn, false).await?;
                }
                drop(conn);
                let mut tx = self.write_tx().await?;
                audit::seal_legacy_entries(&mut tx).await?;
                tx.commit().await?;
            }
        }
        Ok(())
    }

    /// Whether every embedded migration is already applied (so a login without the right to
    /// change the schema can open the database).
    async fn postgres_up_to_date(&self, conn: &mut sqlx::AnyConnection) -> Result<bool, StoreError> {
        let exists: bool = sqlx::query("SELECT to_regclass('_sqlx_migrations') IS NOT NULL")
            .fetch_one(&mut *conn)
            .await?
            .try_get(0)?;
        if !exists {
            return Ok(false);
        }
        let applied: Vec<i64> = sqlx::query("SELECT version FROM _sqlx_migrations WHERE success")
            .fetch_all(&mut *conn)
            .await?
            .iter()
            .map(|r| r.try_get(0))
            .collect::<Result<_, _>>()?;
        Ok(POSTGRES_MIGRATIONS.iter().all(|m| applied.contains(&m.version)))
    }

    /// A transaction that holds the database's write lock from its first statement, so writers
    /// queue instead of failing: SQLite's deferred `BEGIN` would read first and then fail to
    /// upgrade ("database is locked", codes 5 and 517) when another writer got in between. On
    /// PostgreSQL an advisory lock serialises writers the same way (the audit chain needs one
    /// writer at a time, and two imports sharing files in different orders cannot deadlock).
    pub(crate) async fn write_tx(&self) -> Result<Transaction<'static, Any>, StoreError> {
        match self.dialect {
            Dialect::Sqlite => Ok(self.pool.begin_with("BEGIN IMMEDIATE").await?),
            Dialect::Postgres => {
                let mut tx = self.pool.begin().await?;
                sqlx::query("SELECT pg_advisory_xact_lock($1)")
                    .bind(WRITE_LOCK_KEY)
                    .execute(&mut *tx)
                    .await?;
                Ok(tx)
            }
        }
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
        let mut tx = self.write_tx().await?;
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
                 method_language, source_ref, parent_ref, revision, origin, imported_at, imported_by) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
            )
            .bind(id)
            .bind(&m.title)
            .bind(&m.author)
            .bind(Timestamp::parse(&m.created_at).map(|t| t.to_string()).unwrap_or_default())
            .bind(content.method().path.as_str())
            .bind(m.method.language.as_str())
            .bind(m.source_ref.as_deref())
            .bind(m.parent.as_deref())
            .bind(i64::from(m.revision))
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
            audit::append(&mut tx, ctx, "submission.import", id, &detail).await?;
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
            0 => Err(StoreError::NotFound {
                what: table.trim_end_matches('s'),
                key: prefix.as_str().to_owned(),
            }),
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
            .ok_or_else(|| StoreError::NotFound { what: "submission", key: id.to_string() })?;
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

    /// The files of a submission, checked against its id: the id is recomputed from the stored
    /// listing (role, path, digest of every file), so a file row pointed at other bytes, or a row
    /// added or removed behind the store's back, is reported rather than served.
    pub async fn files(&self, id: &SubmissionId) -> Result<Vec<StoredFile>, StoreError> {
        let files = self.unchecked_files(id).await?;
        let listed = SubmissionId::of_listing(files.iter().map(|f| (f.role, f.path.as_str(), &f.digest)));
        if listed != *id {
            return Err(StoreError::Corrupt(format!(
                "the file listing of submission {} no longer matches its id (a file row was changed, added \
                 or removed behind the store's back)",
                id.short()
            )));
        }
        Ok(files)
    }

    async fn unchecked_files(&self, id: &SubmissionId) -> Result<Vec<StoredFile>, StoreError> {
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
            .ok_or_else(|| StoreError::NotFound { what: "stored file", key: digest.to_string() })?;
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
        let files = self.files(id).await?;
        let file = files.iter().find(|f| f.path == path).ok_or_else(|| StoreError::NotFound {
            what: "file",
            key: format!("{path}` in submission `{}", id.short()),
        })?;
        let bytes = self.blob(&file.digest).await?;
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
        for table in [
            "blobs",
            "submissions",
            "submission_files",
            "claims",
            "runs",
            "verifications",
            "reviewers",
            "votes",
            "signoffs",
            "blind_reviews",
            "comments",
            "comment_resolutions",
            "flag_feedback",
            "audit_log",
        ] {
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

/// A database URL for messages and status lines, without its credentials.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            format!("{}://…@{}", &url[..scheme_end], &url[at + 1..])
        }
        _ => url.to_owned(),
    }
}

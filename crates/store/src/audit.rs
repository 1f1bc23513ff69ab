//! The audit log: every write, in order, as a hash chain.
//!
//! Triggers refuse `UPDATE`, `DELETE` and (on SQLite) `INSERT OR REPLACE` of an entry, and refuse
//! a new entry that is not chained onto the newest one. That stops a client that goes around the
//! store, but not someone who can drop the triggers of a local SQLite file. For that, each entry
//! carries the hash of the one before it and its own hash over its content: an entry changed,
//! inserted or removed in the middle breaks the chain, and [`Store::verify_audit`] names the first
//! broken link. Removing entries from the end, or rewriting the whole chain from some entry on,
//! is only caught by comparing the head hash with a copy kept elsewhere (a sign-off export, say);
//! `aar-review audit --verify` prints it for that reason.

use aar_domain::Digest;
use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};

use crate::{Store, StoreError, WriteContext};

/// The `prev_hash` of the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The hash of one entry: sha256 over a JSON array of the previous hash and every field, so no
/// two different entries can share an encoding.
pub(crate) fn entry_hash(
    prev_hash: &str,
    at: &str,
    actor: &str,
    action: &str,
    subject: &str,
    detail: &str,
) -> String {
    let encoded =
        serde_json::to_string(&["aar-review audit v1", prev_hash, at, actor, action, subject, detail])
            .expect("strings always serialise");
    Digest::of(encoded.as_bytes()).to_string()
}

/// Appends one entry, chained onto the newest. The caller's transaction holds the write lock
/// (see [`Store::write_tx`]), so no other writer can append in between.
///
/// On PostgreSQL the server chains every entry itself (seq, `prev_hash`, `hash`; migration
/// `the_server_writes_what_a_client_must_not`), whoever inserts it, so the store sends only the
/// content: team logins may not set the rest. On SQLite the store computes the chain.
pub(crate) async fn append(
    tx: &mut Transaction<'_, Any>,
    ctx: &WriteContext,
    action: &str,
    subject: &str,
    detail: &serde_json::Value,
) -> Result<(), StoreError> {
    let at = ctx.at.to_string();
    let detail = detail.to_string();
    if tx.backend_name() == <sqlx::Postgres as sqlx::Database>::NAME {
        sqlx::query("INSERT INTO audit_log (at, actor, action, subject, detail) VALUES ($1, $2, $3, $4, $5)")
            .bind(at)
            .bind(&ctx.actor)
            .bind(action)
            .bind(subject)
            .bind(detail)
            .execute(&mut **tx)
            .await?;
        return Ok(());
    }
    let head =
        sqlx::query("SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1").fetch_optional(&mut **tx).await?;
    let prev = match head {
        Some(row) => row
            .try_get::<Option<String>, _>(0)?
            .ok_or_else(|| StoreError::Corrupt("the newest audit entry has no hash".into()))?,
        None => GENESIS.to_owned(),
    };
    let hash = entry_hash(&prev, &at, &ctx.actor, action, subject, &detail);
    sqlx::query(
        "INSERT INTO audit_log (at, actor, action, subject, detail, prev_hash, hash) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(at)
    .bind(&ctx.actor)
    .bind(action)
    .bind(subject)
    .bind(detail)
    .bind(prev)
    .bind(hash)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Entries written before the log was a chain get their hashes once, on the first open after the
/// upgrade; their content is not changed (the update trigger allows exactly this and nothing
/// else).
pub(crate) async fn seal_legacy_entries(tx: &mut Transaction<'_, Any>) -> Result<u64, StoreError> {
    let unsealed: i64 = sqlx::query("SELECT COUNT(*) FROM audit_log WHERE hash IS NULL")
        .fetch_one(&mut **tx)
        .await?
        .try_get(0)?;
    if unsealed == 0 {
        return Ok(0);
    }
    let rows = sqlx::query(ENTRY_SELECT).fetch_all(&mut **tx).await?;
    let mut prev = GENESIS.to_owned();
    let mut sealed = 0;
    for row in &rows {
        let entry = ChainedEntry::from_row(row)?;
        match entry.hash {
            Some(hash) => prev = hash,
            None => {
                let hash = entry.expected_hash(&prev);
                sqlx::query("UPDATE audit_log SET prev_hash = $1, hash = $2 WHERE seq = $3")
                    .bind(&prev)
                    .bind(&hash)
                    .bind(entry.seq)
                    .execute(&mut **tx)
                    .await?;
                prev = hash;
                sealed += 1;
            }
        }
    }
    Ok(sealed)
}

const ENTRY_SELECT: &str =
    "SELECT seq, at, actor, action, subject, detail, prev_hash, hash FROM audit_log ORDER BY seq";

struct ChainedEntry {
    seq: i64,
    at: String,
    actor: String,
    action: String,
    subject: String,
    detail: String,
    prev_hash: Option<String>,
    hash: Option<String>,
}

impl ChainedEntry {
    fn from_row(row: &AnyRow) -> Result<ChainedEntry, StoreError> {
        Ok(ChainedEntry {
            seq: row.try_get("seq")?,
            at: row.try_get("at")?,
            actor: row.try_get("actor")?,
            action: row.try_get("action")?,
            subject: row.try_get("subject")?,
            detail: row.try_get("detail")?,
            prev_hash: row.try_get("prev_hash")?,
            hash: row.try_get("hash")?,
        })
    }

    fn expected_hash(&self, prev: &str) -> String {
        entry_hash(prev, &self.at, &self.actor, &self.action, &self.subject, &self.detail)
    }
}

/// The result of walking the whole chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct AuditVerification {
    /// Entries checked.
    pub entries: u64,
    /// The newest entry's hash: keep a copy elsewhere to detect a rewritten or truncated log.
    pub head: Option<String>,
    /// The first entry where the chain breaks, if any.
    pub broken: Option<BrokenLink>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct BrokenLink {
    pub seq: i64,
    pub problem: String,
}

impl Store {
    /// Walks the audit chain from the first entry and reports the first broken link.
    pub async fn verify_audit(&self) -> Result<AuditVerification, StoreError> {
        let rows = sqlx::query(ENTRY_SELECT).fetch_all(&self.pool).await?;
        let mut prev = GENESIS.to_owned();
        let mut broken = None;
        for row in &rows {
            let entry = ChainedEntry::from_row(row)?;
            let problem = match (&entry.prev_hash, &entry.hash) {
                (None, _) | (_, None) => Some("has no hash (written around the store)".to_owned()),
                (Some(p), _) if *p != prev => Some(format!(
                    "does not follow the entry before it (an entry before it was changed, inserted or removed): \
                     it names {} as its predecessor, the chain is at {}",
                    &p[..12.min(p.len())],
                    &prev[..12]
                )),
                (_, Some(h)) if *h != entry.expected_hash(&prev) => Some(
                    "was changed after it was written: its content no longer matches its hash".to_owned(),
                ),
                (_, Some(h)) => {
                    prev = h.clone();
                    None
                }
            };
            if let Some(problem) = problem {
                broken =
                    Some(BrokenLink { seq: entry.seq, problem: format!("entry {} {problem}", entry.seq) });
                break;
            }
        }
        let head = match rows.last() {
            Some(row) => row.try_get::<Option<String>, _>("hash")?,
            None => None,
        };
        Ok(AuditVerification { entries: rows.len() as u64, head, broken })
    }
}

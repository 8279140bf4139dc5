//! Appending to the audit log, and re-checking its hash chain.

use chrono::{DateTime, SubsecRound, Utc};
use serde_json::Value;
use sqlx::{Connection, PgConnection, PgPool};
use uuid::Uuid;

use super::entry::{check_detail, NewAuditEntry};
use super::hash::{HashedRow, GENESIS};
use super::DEFAULT_ORG_ID;
use crate::request_meta::RequestMeta;

/// Rows read per query while verifying, so memory stays flat however long the log is.
const VERIFY_BATCH: i64 = 1000;

/// The outcome of [`verify_chain`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChainReport {
    pub rows_checked: u64,
    /// The id of the first row whose hash does not match its contents, or whose `prev_hash` is
    /// not the hash of the row before it (the row after a deleted one).
    pub first_broken: Option<i64>,
}

#[derive(sqlx::FromRow)]
struct Tip {
    prev_hash: Option<Vec<u8>>,
    detail: String,
}

/// Appends `entry` to the audit log on `conn` and returns its id.
///
/// Call it on the transaction that makes the change it describes (`record(&mut tx, …)`), so
/// the entry commits or rolls back with that change; it works in a savepoint of it. A
/// transaction-scoped advisory lock serializes appends until that transaction ends, so each row
/// links to the one committed before it: keep the transaction short after recording. Run it
/// at the default READ COMMITTED level; under REPEATABLE READ or SERIALIZABLE a concurrent
/// append makes it fail (the `audit_log_prev_hash_key` constraint) instead of forking the chain.
///
/// Refuses (`sqlx::Error::Encode` wrapping [`super::SecretInDetail`]) a detail with a key that
/// names a secret.
pub async fn record(conn: &mut PgConnection, entry: NewAuditEntry, meta: &RequestMeta) -> Result<i64, sqlx::Error> {
    check_detail(&entry.detail).map_err(|refused| sqlx::Error::Encode(Box::new(refused)))?;
    let mut tx = conn.begin().await?;
    sqlx::query("select pg_advisory_xact_lock(hashtext('gantry.audit'))")
        .execute(&mut *tx)
        .await?;
    // The detail is hashed as PostgreSQL gives it back (jsonb normalizes numbers and drops
    // duplicate keys), so the verifier, which reads it back, computes the same bytes.
    let tip: Tip = sqlx::query_as(
        "select (select hash from audit_log order by id desc limit 1) as prev_hash, $1::jsonb::text as detail",
    )
    .bind(entry.detail.to_string())
    .fetch_one(&mut *tx)
    .await?;
    let detail: Value = serde_json::from_str(&tip.detail).map_err(|err| sqlx::Error::Decode(Box::new(err)))?;
    let prev_hash = tip.prev_hash.unwrap_or_else(|| GENESIS.to_vec());
    // PostgreSQL keeps microseconds: truncate first so the stored time hashes the same.
    let at = Utc::now().trunc_subsecs(6);
    let hash = HashedRow {
        at,
        org_id: DEFAULT_ORG_ID,
        actor_id: entry.actor_id,
        actor_label: &entry.actor_label,
        action: &entry.action,
        object_type: &entry.object_type,
        object_id: entry.object_id.as_deref(),
        ip: meta.ip.as_deref(),
        user_agent: meta.user_agent.as_deref(),
        request_id: meta.request_id.as_deref(),
        detail: &detail,
    }
    .hash(&prev_hash);
    let id: i64 = sqlx::query_scalar(
        "insert into audit_log
           (at, org_id, actor_id, actor_label, action, object_type, object_id, ip, user_agent, request_id,
            detail, prev_hash, hash)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11::jsonb, $12, $13)
         returning id",
    )
    .bind(at)
    .bind(DEFAULT_ORG_ID)
    .bind(entry.actor_id)
    .bind(&entry.actor_label)
    .bind(&entry.action)
    .bind(&entry.object_type)
    .bind(&entry.object_id)
    .bind(&meta.ip)
    .bind(&meta.user_agent)
    .bind(&meta.request_id)
    .bind(&tip.detail)
    .bind(&prev_hash)
    .bind(&hash[..])
    .fetch_one(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Appends `entry` in a transaction of its own: for events that change nothing else (a failed
/// sign-in, a secret read).
pub async fn record_alone(pool: &PgPool, entry: NewAuditEntry, meta: &RequestMeta) -> Result<i64, sqlx::Error> {
    let mut tx = pool.begin().await?;
    let id = record(&mut tx, entry, meta).await?;
    tx.commit().await?;
    Ok(id)
}

#[derive(sqlx::FromRow)]
struct StoredRow {
    id: i64,
    at: DateTime<Utc>,
    org_id: Uuid,
    actor_id: Option<Uuid>,
    actor_label: String,
    action: String,
    object_type: String,
    object_id: Option<String>,
    ip: Option<String>,
    user_agent: Option<String>,
    request_id: Option<String>,
    detail: String,
    prev_hash: Vec<u8>,
    hash: Vec<u8>,
}

impl StoredRow {
    /// True when the row's hash matches its contents and `prev_hash` is `expected_prev`.
    fn is_intact(&self, expected_prev: &[u8]) -> bool {
        // jsonb always reads back as valid JSON; a detail that does not is a broken row.
        let Ok(detail) = serde_json::from_str::<Value>(&self.detail) else {
            return false;
        };
        let hash = HashedRow {
            at: self.at,
            org_id: self.org_id,
            actor_id: self.actor_id,
            actor_label: &self.actor_label,
            action: &self.action,
            object_type: &self.object_type,
            object_id: self.object_id.as_deref(),
            ip: self.ip.as_deref(),
            user_agent: self.user_agent.as_deref(),
            request_id: self.request_id.as_deref(),
            detail: &detail,
        }
        .hash(&self.prev_hash);
        self.prev_hash == expected_prev && hash[..] == self.hash[..]
    }
}

/// Reads the whole log in id order, recomputing every hash and checking every link.
///
/// A changed row breaks at its own id; a deleted row breaks at the row after it. Removing the
/// newest rows leaves a shorter chain that still verifies: compare `rows_checked` with what you
/// expect (or with an exported tip hash) to catch that.
pub async fn verify_chain(pool: &PgPool) -> Result<ChainReport, sqlx::Error> {
    let mut report = ChainReport {
        rows_checked: 0,
        first_broken: None,
    };
    let mut expected_prev = GENESIS.to_vec();
    let mut after = i64::MIN;
    loop {
        let batch: Vec<StoredRow> = sqlx::query_as(
            "select id, at, org_id, actor_id, actor_label, action, object_type, object_id, ip, user_agent,
                    request_id, detail::text as detail, prev_hash, hash
             from audit_log
             where id > $1
             order by id
             limit $2",
        )
        .bind(after)
        .bind(VERIFY_BATCH)
        .fetch_all(pool)
        .await?;
        for row in &batch {
            report.rows_checked += 1;
            if report.first_broken.is_none() && !row.is_intact(&expected_prev) {
                report.first_broken = Some(row.id);
            }
            expected_prev.clone_from(&row.hash);
        }
        match batch.last() {
            Some(last) if batch.len() as i64 == VERIFY_BATCH => after = last.id,
            _ => return Ok(report),
        }
    }
}

//! Server half of the audit log: appending hash-chained entries, verifying the chain, and the
//! queries of the audit page.
//!
//! Every feature records what it changes with [`record`], on the transaction that makes the
//! change, so the entry and the change commit or roll back together.

mod chain;
mod entry;
mod filter;
mod hash;
mod repo;

use sqlx::PgPool;
use uuid::Uuid;

pub use chain::{record, record_alone, verify_chain, ChainReport};
pub use entry::{check_detail, NewAuditEntry, SecretInDetail};

use super::types::{AuditFilter, AuditPage, ChainStatus};
use crate::error::AppError;

/// The organisation every entry belongs to until organisations can be created.
pub const DEFAULT_ORG_ID: Uuid = Uuid::from_u128(1);

/// Appends an entry for something a signed-in user did to one object, on the caller's
/// transaction (the change and its entry commit together).
pub async fn record_by_user(
    conn: &mut sqlx::PgConnection,
    meta: &crate::request_meta::RequestMeta,
    user: &crate::auth::server::AuthUser,
    action: &str,
    object: (&str, Uuid),
    detail: serde_json::Value,
) -> Result<i64, sqlx::Error> {
    let entry = NewAuditEntry {
        actor_id: Some(user.id),
        actor_label: user.email.clone(),
        action: action.into(),
        object_type: object.0.into(),
        object_id: Some(object.1.to_string()),
        detail,
    };
    record(conn, entry, meta).await
}

/// One page of the audit log matching `filter`, or field errors for filters that do not parse.
pub async fn list(pool: &PgPool, filter: AuditFilter) -> Result<AuditPage, AppError> {
    let filter = filter::ValidFilter::try_from(filter)?;
    Ok(repo::list(pool, &filter).await?)
}

/// Re-checks the whole chain.
pub async fn verify(pool: &PgPool) -> Result<ChainStatus, AppError> {
    let report = verify_chain(pool).await?;
    Ok(ChainStatus {
        rows_checked: report.rows_checked,
        first_broken: report.first_broken,
    })
}

//! Server functions of the audit log: thin, signed-in only.

use leptos::prelude::*;

use super::types::{AuditFilter, AuditPage, ChainStatus};
use crate::error::AppError;

/// One page of the audit log, newest first.
#[server(endpoint = "audit_list")]
pub async fn list_audit(filter: AuditFilter) -> Result<AuditPage, AppError> {
    crate::auth::server::require_user()?;
    let state = crate::state::AppState::current()?;
    super::server::list(&state.pool, filter).await
}

/// Re-checks every entry's hash and link.
#[server(endpoint = "audit_verify_chain")]
pub async fn verify_audit_chain() -> Result<ChainStatus, AppError> {
    crate::auth::server::require_user()?;
    let state = crate::state::AppState::current()?;
    super::server::verify(&state.pool).await
}

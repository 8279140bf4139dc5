//! The sign-in flows and account changes, one file per journey. Each takes the state, the cookie
//! session and the request's facts, and returns what the page needs next.

pub mod account;
pub mod enrollment;
pub mod login;
pub mod sessions;
pub mod setup;

use chrono::Utc;
use sqlx::PgConnection;
use uuid::Uuid;

use super::{repo, session};
use crate::{
    audit::server::{record, NewAuditEntry},
    error::{AppError, FieldError},
    request_meta::RequestMeta,
    state::AppState,
};

/// One audit row about a user account, written in the caller's transaction.
pub(super) async fn audit(
    conn: &mut PgConnection,
    meta: &RequestMeta,
    actor: (Option<Uuid>, &str),
    action: &str,
    subject: Uuid,
    detail: serde_json::Value,
) -> Result<(), AppError> {
    let entry = NewAuditEntry {
        actor_id: actor.0,
        actor_label: actor.1.to_owned(),
        action: action.to_owned(),
        object_type: "user".into(),
        object_id: Some(subject.to_string()),
        detail,
    };
    record(conn, entry, meta).await.map_err(AppError::internal)?;
    Ok(())
}

/// An audit row in a transaction of its own.
pub(super) async fn audit_alone(
    state: &AppState,
    meta: &RequestMeta,
    actor: (Option<Uuid>, &str),
    action: &str,
    subject: Uuid,
    detail: serde_json::Value,
) -> Result<(), AppError> {
    let mut tx = state.pool.begin().await?;
    audit(&mut tx, meta, actor, action, subject, detail).await?;
    tx.commit().await?;
    Ok(())
}

/// A form error attached to one field.
pub(super) fn field_error(field: &str, message: impl Into<String>) -> AppError {
    let message = message.into();
    AppError::Invalid {
        message: message.clone(),
        fields: vec![FieldError {
            field: field.into(),
            message,
        }],
    }
}

pub(super) fn now_unix() -> u64 {
    Utc::now().timestamp().max(0) as u64
}

/// The data key that seals TOTP seeds.
const TOTP_SCOPE: &str = "system:totp";

/// Seals a TOTP seed under the `system:totp` data key, bound to `aad`.
pub(super) async fn seal_seed(
    state: &AppState,
    conn: &mut sqlx::PgConnection,
    aad: &[u8],
    seed: &[u8],
) -> Result<Vec<u8>, AppError> {
    crate::crypto::envelope::seal(conn, &state.security.keys, TOTP_SCOPE, aad, seed)
        .await
        .map_err(AppError::internal)
}

/// Opens a TOTP seed sealed by [`seal_seed`].
pub(super) async fn open_seed(
    state: &AppState,
    aad: &[u8],
    sealed: &[u8],
) -> Result<secrecy::zeroize::Zeroizing<Vec<u8>>, AppError> {
    let mut conn = state.pool.acquire().await?;
    crate::crypto::envelope::open(&mut conn, &state.security.keys, aad, sealed)
        .await
        .map_err(AppError::internal)
}

/// The associated data that binds a sealed TOTP seed to its user.
pub(super) fn totp_aad(user_id: Uuid) -> Vec<u8> {
    format!("gantry:totp:{user_id}").into_bytes()
}

/// Creates the signed-in session row and marks the cookie session signed in (new id).
pub(super) async fn complete_sign_in(
    state: &AppState,
    cookie: &tower_sessions::Session,
    meta: &RequestMeta,
    user: &repo::UserRow,
    via: &'static str,
) -> Result<Uuid, AppError> {
    let session_id = Uuid::now_v7();
    let mut tx = state.pool.begin().await?;
    repo::create_session(
        &mut tx,
        session_id,
        user.id,
        Utc::now() + state.security.session_lifetime,
        meta,
    )
    .await?;
    audit(
        &mut tx,
        meta,
        (Some(user.id), &user.email),
        "auth.login.succeeded",
        user.id,
        serde_json::json!({ "second_factor": via, "session": session_id.to_string() }),
    )
    .await?;
    tx.commit().await?;
    session::signed_in(cookie, session_id).await?;
    Ok(session_id)
}

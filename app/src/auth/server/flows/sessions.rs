//! The user's signed-in sessions: list, revoke one, revoke all others, sign out; login history.

use tower_sessions::Session;
use uuid::Uuid;

use super::{audit, audit_alone};
use crate::{
    auth::{
        server::{repo, session, AuthUser},
        types::{device_label, AttemptInfo, SecurityOverview, SessionInfo},
    },
    error::AppError,
    request_meta::RequestMeta,
    state::AppState,
};

const HISTORY_ROWS: i64 = 50;

/// The Security page's content for `user`.
pub async fn overview(state: &AppState, user: &AuthUser) -> Result<SecurityOverview, AppError> {
    let sessions = repo::sessions_of(&state.pool, user.id)
        .await?
        .into_iter()
        .map(|row| SessionInfo {
            id: row.id.to_string(),
            device: device_label(row.user_agent.as_deref()),
            ip: row.ip.unwrap_or_else(|| "unknown".into()),
            created_at: row.created_at.format("%Y-%m-%d %H:%M UTC").to_string(),
            last_seen_at: row.last_seen_at.format("%Y-%m-%d %H:%M UTC").to_string(),
            current: row.id == user.session_id,
        })
        .collect();
    let attempts = repo::attempts_of(&state.pool, user.id, HISTORY_ROWS)
        .await?
        .into_iter()
        .map(|row| AttemptInfo {
            at: row.at.format("%Y-%m-%d %H:%M:%S UTC").to_string(),
            step: row.step,
            success: row.success,
            ip: row.ip.unwrap_or_else(|| "unknown".into()),
            device: device_label(row.user_agent.as_deref()),
        })
        .collect();
    Ok(SecurityOverview {
        email: user.email.clone(),
        display_name: user.display_name.clone(),
        recovery_codes_left: repo::unused_recovery_codes(&state.pool, user.id).await?,
        sessions,
        attempts,
    })
}

/// Signs one other browser out.
pub async fn revoke(state: &AppState, meta: &RequestMeta, user: &AuthUser, id: &str) -> Result<(), AppError> {
    let id = Uuid::parse_str(id).map_err(|_| AppError::NotFound {
        what: "That session".into(),
    })?;
    if id == user.session_id {
        return Err(AppError::Conflict {
            message: "This is the session you are using; sign out instead".into(),
        });
    }
    let mut tx = state.pool.begin().await?;
    if !repo::delete_session(&mut tx, user.id, id).await? {
        return Err(AppError::NotFound {
            what: "That session".into(),
        });
    }
    audit(
        &mut tx,
        meta,
        (Some(user.id), &user.email),
        "auth.session.revoked",
        user.id,
        serde_json::json!({ "session": id.to_string() }),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Signs every other browser out; returns how many.
pub async fn revoke_others(state: &AppState, meta: &RequestMeta, user: &AuthUser) -> Result<u64, AppError> {
    let mut tx = state.pool.begin().await?;
    let count = repo::delete_other_sessions(&mut tx, user.id, user.session_id).await?;
    audit(
        &mut tx,
        meta,
        (Some(user.id), &user.email),
        "auth.session.revoked_others",
        user.id,
        serde_json::json!({ "count": count }),
    )
    .await?;
    tx.commit().await?;
    Ok(count)
}

/// Ends this browser's session on the server and forgets the cookie session.
pub async fn sign_out(
    state: &AppState,
    cookie: &Session,
    meta: &RequestMeta,
    user: Option<&AuthUser>,
) -> Result<(), AppError> {
    if let Some(user) = user {
        let mut tx = state.pool.begin().await?;
        repo::delete_session(&mut tx, user.id, user.session_id).await?;
        tx.commit().await?;
        audit_alone(
            state,
            meta,
            (Some(user.id), &user.email),
            "auth.logout",
            user.id,
            serde_json::json!({}),
        )
        .await?;
    }
    session::end(cookie).await
}

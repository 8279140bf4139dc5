//! Account changes: step-up confirmation, display name, password, recovery codes.

use secrecy::{ExposeSecret, SecretString};
use tower_sessions::Session;

use super::{audit, audit_alone, field_error, now_unix, open_seed, totp_aad};
use crate::{
    auth::{
        server::{
            policy, recovery, repo, session,
            throttle::{self, Limit},
            totp, AuthUser,
        },
        types::parse_display_name,
    },
    error::AppError,
    request_meta::RequestMeta,
    state::AppState,
};

/// Confirms a TOTP code for a signed-in user, opening the five-minute step-up window.
pub async fn step_up(state: &AppState, meta: &RequestMeta, user: &AuthUser, code: &str) -> Result<(), AppError> {
    let row = repo::user_by_id(&state.pool, user.id)
        .await?
        .ok_or(AppError::Unauthorized)?;
    let sealed = row.totp_secret.ok_or(AppError::Forbidden)?;
    let limits = [Limit::second_factor(user.id)];
    throttle::check(&state.pool, &limits).await?;
    let secret = open_seed(state, &totp_aad(user.id), &sealed).await?;
    let accepted = match totp::verify(&secret, code, now_unix(), row.totp_last_step) {
        Some(step) => repo::advance_totp_step(&state.pool, user.id, step).await?,
        None => false,
    };
    if !accepted {
        throttle::record_failure(&state.pool, &limits).await?;
        return Err(field_error(
            "code",
            "That code is not valid; enter the current code from your authenticator app",
        ));
    }
    throttle::reset(&state.pool, &limits).await?;
    repo::set_session_mfa(&state.pool, user.session_id).await?;
    audit_alone(
        state,
        meta,
        (Some(user.id), &user.email),
        "auth.step_up",
        user.id,
        serde_json::json!({}),
    )
    .await
}

pub async fn change_display_name(
    state: &AppState,
    meta: &RequestMeta,
    user: &AuthUser,
    name: &str,
) -> Result<(), AppError> {
    let name = parse_display_name(name).map_err(|message| field_error("display_name", message))?;
    let mut tx = state.pool.begin().await?;
    repo::set_display_name(&mut tx, user.id, &name).await?;
    audit(
        &mut tx,
        meta,
        (Some(user.id), &user.email),
        "user.display_name.changed",
        user.id,
        serde_json::json!({ "from": user.display_name, "to": name }),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Changes the password (step-up required by the caller), signs out every other session and
/// rotates this one's id.
pub async fn change_password(
    state: &AppState,
    cookie: &Session,
    meta: &RequestMeta,
    user: &AuthUser,
    current: SecretString,
    new: SecretString,
    confirm: SecretString,
) -> Result<u64, AppError> {
    let row = repo::user_by_id(&state.pool, user.id)
        .await?
        .ok_or(AppError::Unauthorized)?;
    let verified = state
        .security
        .hasher
        .verify(current, &row.password_hash)
        .await
        .map_err(AppError::internal)?;
    if !verified.ok {
        return Err(field_error("current", "Your current password is not right"));
    }
    policy::check_policy(new.expose_secret(), &[&user.email, &user.display_name, "gantry"])
        .map_err(|message| field_error("new", message))?;
    if new.expose_secret() != confirm.expose_secret() {
        return Err(field_error("confirm", "The two passwords differ"));
    }
    let hash = state.security.hasher.hash(new).await.map_err(AppError::internal)?;
    let mut tx = state.pool.begin().await?;
    repo::set_password_hash(&mut tx, user.id, &hash, true).await?;
    let signed_out = repo::delete_other_sessions(&mut tx, user.id, user.session_id).await?;
    audit(
        &mut tx,
        meta,
        (Some(user.id), &user.email),
        "auth.password.changed",
        user.id,
        serde_json::json!({ "other_sessions_ended": signed_out }),
    )
    .await?;
    tx.commit().await?;
    session::rotate(cookie).await?;
    Ok(signed_out)
}

/// Replaces the recovery codes (step-up required by the caller); returns the new ones, once.
pub async fn regenerate_recovery_codes(
    state: &AppState,
    meta: &RequestMeta,
    user: &AuthUser,
) -> Result<Vec<String>, AppError> {
    let codes = recovery::generate();
    let hashes: Vec<Vec<u8>> = codes.iter().map(|code| recovery::hash(code)).collect();
    let mut tx = state.pool.begin().await?;
    repo::replace_recovery_codes(&mut tx, user.id, &hashes).await?;
    audit(
        &mut tx,
        meta,
        (Some(user.id), &user.email),
        "auth.recovery_codes.regenerated",
        user.id,
        serde_json::json!({ "count": codes.len() }),
    )
    .await?;
    tx.commit().await?;
    Ok(codes)
}

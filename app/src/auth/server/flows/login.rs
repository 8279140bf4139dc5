//! Signing in: the password step, then a TOTP code or a recovery code.
//!
//! Failures never say which part was wrong, and an unknown email costs the same argon2 work as a
//! known one. The throttle is checked before any hashing.

use secrecy::SecretString;
use tower_sessions::Session;

use super::{audit_alone, complete_sign_in, now_unix, open_seed, totp_aad};
use crate::{
    audit::server::{record_alone, NewAuditEntry},
    auth::server::{
        password::Verified,
        recovery,
        repo::{self, Attempt},
        session::{self, PendingUser},
        throttle::{self, Limit},
        totp,
    },
    error::AppError,
    request_meta::RequestMeta,
    state::AppState,
};

const WRONG_PASSWORD: &str = "The email or password is incorrect";
const WRONG_CODE: &str =
    "That code is not valid. Enter the current code from your authenticator app, or a recovery code";

fn invalid(message: &str) -> AppError {
    AppError::Invalid {
        message: message.into(),
        fields: Vec::new(),
    }
}

/// The password step. Returns the page to go to next (the code step, or MFA enrollment).
pub async fn password_step(
    state: &AppState,
    cookie: &Session,
    meta: &RequestMeta,
    email: &str,
    password: SecretString,
    next: Option<&str>,
) -> Result<String, AppError> {
    if email.trim().is_empty() {
        return Err(super::field_error("email", "Enter the email address of your account"));
    }
    let limits = [Limit::account(email), Limit::ip(meta.ip.as_deref())];
    throttle::check(&state.pool, &limits).await?;
    let user = repo::user_by_email(&state.pool, email).await?;
    let verified = match &user {
        Some(user) => state
            .security
            .hasher
            .verify(password.clone(), &user.password_hash)
            .await
            .map_err(AppError::internal)?,
        None => {
            state.security.hasher.verify_dummy(password.clone()).await;
            Verified {
                ok: false,
                needs_rehash: false,
            }
        }
    };
    let user = match user {
        Some(user) if verified.ok => user,
        other => {
            throttle::record_failure(&state.pool, &limits).await?;
            let reason = if other.is_some() {
                "wrong password"
            } else {
                "unknown email"
            };
            let user_id = other.as_ref().map(|user| user.id);
            repo::record_attempt(
                &state.pool,
                Attempt {
                    email,
                    user_id,
                    step: "password",
                    success: false,
                    reason,
                },
                meta,
            )
            .await?;
            // Audited for unknown emails too: the same database work either way keeps response
            // times from telling which emails have accounts.
            let entry = NewAuditEntry {
                actor_id: user_id,
                actor_label: email.chars().take(320).collect(),
                action: "auth.login.failed".into(),
                object_type: "user".into(),
                object_id: user_id.map(|id| id.to_string()),
                detail: serde_json::json!({ "step": "password" }),
            };
            record_alone(&state.pool, entry, meta)
                .await
                .map_err(AppError::internal)?;
            return Err(invalid(WRONG_PASSWORD));
        }
    };
    if verified.needs_rehash {
        let hash = state.security.hasher.hash(password).await.map_err(AppError::internal)?;
        let mut conn = state.pool.acquire().await?;
        repo::set_password_hash(&mut conn, user.id, &hash, false).await?;
    }
    throttle::reset(&state.pool, &limits[..1]).await?;
    repo::record_attempt(
        &state.pool,
        Attempt {
            email,
            user_id: Some(user.id),
            step: "password",
            success: true,
            reason: "password accepted",
        },
        meta,
    )
    .await?;
    session::password_ok(cookie, user.id).await?;
    session::set_next(cookie, next).await?;
    Ok(if user.totp_secret.is_some() {
        "/login/verify".into()
    } else {
        "/mfa/enroll".into()
    })
}

/// The second step: a 6-digit TOTP code, or a recovery code. Returns the page to open.
pub async fn second_factor_step(
    state: &AppState,
    cookie: &Session,
    meta: &RequestMeta,
    pending: &PendingUser,
    code: &str,
) -> Result<String, AppError> {
    let user = repo::user_by_id(&state.pool, pending.user_id)
        .await?
        .ok_or(AppError::Unauthorized)?;
    let Some(sealed) = &user.totp_secret else {
        return Err(AppError::Conflict {
            message: "Set up your authenticator app first".into(),
        });
    };
    let limits = [Limit::second_factor(user.id), Limit::ip(meta.ip.as_deref())];
    throttle::check(&state.pool, &limits).await?;
    let digits: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    let via = if digits.len() == 6 && digits.chars().all(|c| c.is_ascii_digit()) {
        let secret = open_seed(state, &totp_aad(user.id), sealed).await?;
        let accepted = match totp::verify(&secret, &digits, now_unix(), user.totp_last_step) {
            Some(step) => repo::advance_totp_step(&state.pool, user.id, step).await?,
            None => false,
        };
        accepted.then_some("totp")
    } else {
        let used = repo::use_recovery_code(&state.pool, user.id, &recovery::hash(code)).await?;
        used.then_some("recovery")
    };
    let Some(via) = via else {
        throttle::record_failure(&state.pool, &limits).await?;
        let attempt = Attempt {
            email: &user.email,
            user_id: Some(user.id),
            step: if digits.len() == 6 { "totp" } else { "recovery" },
            success: false,
            reason: "wrong second-factor code",
        };
        repo::record_attempt(&state.pool, attempt, meta).await?;
        audit_alone(
            state,
            meta,
            (Some(user.id), &user.email),
            "auth.login.failed",
            user.id,
            serde_json::json!({ "step": "second_factor" }),
        )
        .await?;
        return Err(invalid(WRONG_CODE));
    };
    throttle::reset(&state.pool, &limits[..1]).await?;
    let attempt = Attempt {
        email: &user.email,
        user_id: Some(user.id),
        step: via,
        success: true,
        reason: "second factor accepted",
    };
    repo::record_attempt(&state.pool, attempt, meta).await?;
    complete_sign_in(state, cookie, meta, &user, via).await?;
    if via == "recovery" {
        let left = repo::unused_recovery_codes(&state.pool, user.id).await?;
        audit_alone(
            state,
            meta,
            (Some(user.id), &user.email),
            "auth.recovery_code.used",
            user.id,
            serde_json::json!({ "recovery_left": left }),
        )
        .await?;
        session::set_notice(
            cookie,
            format!("You signed in with a recovery code; {left} left. Regenerate them on the Security page if you lost your authenticator."),
        )
        .await?;
    } else if let Some(at) = repo::take_recovery_notice(&state.pool, user.id).await? {
        session::set_notice(
            cookie,
            format!(
                "A recovery code was used to sign in to your account on {} UTC. If that was not you, change your password now.",
                at.format("%Y-%m-%d %H:%M")
            ),
        )
        .await?;
    }
    session::take_next(cookie).await
}

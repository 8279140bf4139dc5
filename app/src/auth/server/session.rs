//! What the cookie session remembers about signing in, and how a request's sign-in state is
//! resolved from it.
//!
//! The tower-sessions cookie session holds only a small [`SessionAuth`] value. A full sign-in
//! also has a row in `user_sessions`, which carries the absolute expiry, the last step-up and
//! what the Security page lists; deleting that row signs the browser out.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use tower_sessions::Session;
use uuid::Uuid;

use super::{repo, AuthUser};
use crate::{error::AppError, request_meta::RequestMeta, state::AppState};

const AUTH_KEY: &str = "gantry.auth";
const NEXT_KEY: &str = "gantry.next";
const NOTICE_KEY: &str = "gantry.notice";
pub(super) const ENROLL_KEY: &str = "gantry.enroll";

/// How long the password step stays valid while the second factor is entered.
const PASSWORD_STEP_VALID: Duration = Duration::minutes(10);
/// `last_seen_at` is written at most this often.
const TOUCH_EVERY: Duration = Duration::seconds(60);

/// The sign-in stage stored in the cookie session.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum SessionAuth {
    /// The password was right; the second factor (or enrollment) is still due.
    PasswordOk { user_id: Uuid, at: DateTime<Utc> },
    /// Fully signed in, as the `user_sessions` row with this id.
    SignedIn { session_id: Uuid },
}

/// Someone who passed the password step and must now enter a code or enroll.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PendingUser {
    pub user_id: Uuid,
    pub enrolled: bool,
}

/// The sign-in state of one request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SignInState {
    Anonymous,
    Pending(PendingUser),
    SignedIn(AuthUser),
}

fn store_error(err: tower_sessions::session::Error) -> AppError {
    AppError::internal(format!("session store: {err}"))
}

/// Resolves the request's state, ending sessions that expired (idle or absolute) on the way.
pub async fn resolve(state: &AppState, session: &Session, meta: &RequestMeta) -> Result<SignInState, AppError> {
    let Some(auth) = session.get::<SessionAuth>(AUTH_KEY).await.map_err(store_error)? else {
        return Ok(SignInState::Anonymous);
    };
    match auth {
        SessionAuth::PasswordOk { user_id, at } => {
            if Utc::now() - at > PASSWORD_STEP_VALID {
                session.flush().await.map_err(store_error)?;
                return Ok(SignInState::Anonymous);
            }
            let Some(user) = repo::user_by_id(&state.pool, user_id).await? else {
                session.flush().await.map_err(store_error)?;
                return Ok(SignInState::Anonymous);
            };
            Ok(SignInState::Pending(PendingUser {
                user_id,
                enrolled: user.totp_secret.is_some(),
            }))
        }
        SessionAuth::SignedIn { session_id } => {
            let Some(row) = repo::session(&state.pool, session_id).await? else {
                session.flush().await.map_err(store_error)?;
                return Ok(SignInState::Anonymous);
            };
            let now = Utc::now();
            if now > row.expires_at || now - row.last_seen_at > state.security.session_idle {
                repo::delete_expired_session(&state.pool, session_id).await?;
                session.flush().await.map_err(store_error)?;
                return Ok(SignInState::Anonymous);
            }
            if now - row.last_seen_at > TOUCH_EVERY {
                repo::touch_session(&state.pool, session_id, meta).await?;
            }
            Ok(SignInState::SignedIn(AuthUser {
                id: row.user_id,
                email: row.email,
                display_name: row.display_name,
                session_id,
                mfa_at: row.mfa_at,
            }))
        }
    }
}

/// Marks the password step done, under a new session id.
pub async fn password_ok(session: &Session, user_id: Uuid) -> Result<(), AppError> {
    session.cycle_id().await.map_err(store_error)?;
    session
        .insert(
            AUTH_KEY,
            SessionAuth::PasswordOk {
                user_id,
                at: Utc::now(),
            },
        )
        .await
        .map_err(store_error)
}

/// Marks the session fully signed in as `session_id`, under a new session id.
pub async fn signed_in(session: &Session, session_id: Uuid) -> Result<(), AppError> {
    session.cycle_id().await.map_err(store_error)?;
    session
        .insert(AUTH_KEY, SessionAuth::SignedIn { session_id })
        .await
        .map_err(store_error)
}

/// Issues a new session id for the same sign-in (after a privilege change).
pub async fn rotate(session: &Session) -> Result<(), AppError> {
    session.cycle_id().await.map_err(store_error)
}

/// Forgets everything: the server-side record and the cookie.
pub async fn end(session: &Session) -> Result<(), AppError> {
    session.flush().await.map_err(store_error)
}

/// The local page to return to after signing in; only paths on this site are kept.
pub async fn set_next(session: &Session, next: Option<&str>) -> Result<(), AppError> {
    match next.filter(|next| is_local_path(next)) {
        Some(next) => session.insert(NEXT_KEY, next.to_owned()).await.map_err(store_error),
        None => Ok(()),
    }
}

pub async fn take_next(session: &Session) -> Result<String, AppError> {
    Ok(session
        .remove::<String>(NEXT_KEY)
        .await
        .map_err(store_error)?
        .unwrap_or_else(|| "/".into()))
}

/// A message to show once, on the next page.
pub async fn set_notice(session: &Session, notice: String) -> Result<(), AppError> {
    session.insert(NOTICE_KEY, notice).await.map_err(store_error)
}

pub async fn take_notice(session: &Session) -> Result<Option<String>, AppError> {
    session.remove::<String>(NOTICE_KEY).await.map_err(store_error)
}

pub(super) async fn put<T: Serialize>(session: &Session, key: &str, value: T) -> Result<(), AppError> {
    session.insert(key, value).await.map_err(store_error)
}

pub(super) async fn take<T: serde::de::DeserializeOwned>(session: &Session, key: &str) -> Result<Option<T>, AppError> {
    session.remove::<T>(key).await.map_err(store_error)
}

pub(super) async fn peek<T: serde::de::DeserializeOwned>(session: &Session, key: &str) -> Result<Option<T>, AppError> {
    session.get::<T>(key).await.map_err(store_error)
}

/// `/x/y?z` yes; `//evil.example`, `https://…` and `/\evil` no.
pub fn is_local_path(path: &str) -> bool {
    path.starts_with('/') && !path.starts_with("//") && !path.starts_with("/\\") && !path.contains("://")
}

#[cfg(test)]
mod tests {
    use super::is_local_path;

    #[test]
    fn only_local_paths_are_followed_after_sign_in() {
        assert!(is_local_path("/services?page=2"));
        assert!(!is_local_path("//evil.example/"));
        assert!(!is_local_path("/\\evil.example"));
        assert!(!is_local_path("https://evil.example/"));
        assert!(!is_local_path("services"));
    }
}

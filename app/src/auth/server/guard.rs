//! The one authorization guard every server function calls.
//!
//! The server's auth middleware resolves the session before any page or server function runs
//! and leaves an [`AuthUser`] in the request's extensions when the user is fully signed in
//! (password and second factor). Server functions ask for it here; roles arrive later and will be
//! checked in this same place.

use chrono::{DateTime, Duration, Utc};
use leptos::prelude::use_context;
use uuid::Uuid;

use crate::error::AppError;

/// How long a second-factor code counts as "recent" for sensitive actions (step-up).
pub const STEP_UP_WINDOW: Duration = Duration::minutes(5);

/// A fully signed-in user, as the middleware found them for this request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuthUser {
    pub id: Uuid,
    pub email: String,
    pub display_name: String,
    /// This sign-in's row in `user_sessions`.
    pub session_id: Uuid,
    /// When this session last entered a TOTP code (sign-in or step-up).
    pub mfa_at: DateTime<Utc>,
}

/// The signed-in user of the current request, if any.
pub fn current_user() -> Option<AuthUser> {
    use_context::<http::request::Parts>().and_then(|parts| parts.extensions.get::<AuthUser>().cloned())
}

/// The signed-in user, or `Unauthorized`.
pub fn require_user() -> Result<AuthUser, AppError> {
    current_user().ok_or(AppError::Unauthorized)
}

/// The signed-in user, provided they entered a TOTP code in the last five minutes.
pub fn require_step_up() -> Result<AuthUser, AppError> {
    let user = require_user()?;
    if Utc::now() - user.mfa_at > STEP_UP_WINDOW {
        return Err(AppError::StepUpRequired);
    }
    Ok(user)
}

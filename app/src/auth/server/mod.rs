//! Server half of authentication.

pub mod flows;
mod guard;
pub mod middleware;
pub mod password;
pub mod policy;
pub mod recovery;
pub mod repo;
pub mod session;
pub mod throttle;
pub mod totp;

pub use guard::{current_user, require_step_up, require_user, AuthUser, STEP_UP_WINDOW};

use leptos::prelude::use_context;
use tower_sessions::Session;

use crate::{error::AppError, request_meta::RequestMeta, state::AppState};
use flows::enrollment::Enrollee;
use session::PendingUser;

/// What every auth server function needs: the state, the cookie session and the request's facts.
pub async fn request_context() -> Result<(AppState, Session, RequestMeta), AppError> {
    let state = AppState::current()?;
    let cookie = leptos_axum::extract::<Session>().await.map_err(AppError::internal)?;
    Ok((state, cookie, RequestMeta::current()))
}

/// Someone between the password step and the second factor.
pub fn require_pending() -> Result<PendingUser, AppError> {
    use_context::<http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<PendingUser>().cloned())
        .ok_or(AppError::Unauthorized)
}

/// Who may enroll now: a first-timer mid-sign-in, or a signed-in user after step-up.
pub fn enrollee() -> Result<Enrollee, AppError> {
    if let Ok(pending) = require_pending() {
        return Ok(Enrollee::FirstTime(pending));
    }
    require_step_up().map(Enrollee::Reenroll)
}

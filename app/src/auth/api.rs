//! Server functions of sign-in and the Security page: thin wrappers over `server::flows`.

use leptos::prelude::*;

use super::types::{EnrollmentDone, EnrollmentStart, SecurityOverview};
use crate::error::AppError;

/// First run: creates the first admin. Returns the next page (MFA enrollment).
#[server(endpoint = "auth/setup")]
pub async fn setup_admin(
    email: String,
    display_name: String,
    password: String,
    confirm: String,
) -> Result<String, AppError> {
    use super::server::flows::setup::{create_first_admin, SetupForm};
    let (state, cookie, meta) = super::server::request_context().await?;
    let form = SetupForm {
        email,
        display_name,
        password: password.into(),
        confirm: confirm.into(),
    };
    create_first_admin(&state, &cookie, &meta, form).await
}

/// The password step of signing in. Returns the next page.
#[server(endpoint = "auth/login")]
pub async fn login(email: String, password: String, next: Option<String>) -> Result<String, AppError> {
    let (state, cookie, meta) = super::server::request_context().await?;
    super::server::flows::login::password_step(&state, &cookie, &meta, &email, password.into(), next.as_deref()).await
}

/// The second step: a TOTP code or a recovery code. Returns the page to open.
#[server(endpoint = "auth/verify")]
pub async fn verify_code(code: String) -> Result<String, AppError> {
    let (state, cookie, meta) = super::server::request_context().await?;
    let pending = super::server::require_pending()?;
    super::server::flows::login::second_factor_step(&state, &cookie, &meta, &pending, &code).await
}

/// Starts (re-)enrollment: a new seed shown as a QR code and a key.
#[server(endpoint = "auth/enroll/start")]
pub async fn start_enrollment() -> Result<EnrollmentStart, AppError> {
    let (state, cookie, _) = super::server::request_context().await?;
    let who = super::server::enrollee()?;
    super::server::flows::enrollment::start(&state, &cookie, &who).await
}

/// Confirms enrollment with a code from the app; returns the recovery codes, shown once.
#[server(endpoint = "auth/enroll/confirm")]
pub async fn confirm_enrollment(code: String) -> Result<EnrollmentDone, AppError> {
    let (state, cookie, meta) = super::server::request_context().await?;
    let who = super::server::enrollee()?;
    super::server::flows::enrollment::confirm(&state, &cookie, &meta, &who, &code).await
}

/// Signs this browser out. Works as a plain form post too (redirects to the sign-in page).
#[server(endpoint = "auth/logout")]
pub async fn logout() -> Result<String, AppError> {
    let (state, cookie, meta) = super::server::request_context().await?;
    let user = super::server::current_user();
    super::server::flows::sessions::sign_out(&state, &cookie, &meta, user.as_ref()).await?;
    leptos_axum::redirect("/login");
    Ok("/login".into())
}

/// Confirms a TOTP code to allow sensitive actions for the next five minutes.
#[server(endpoint = "auth/step-up")]
pub async fn step_up(code: String) -> Result<(), AppError> {
    let (state, _, meta) = super::server::request_context().await?;
    let user = super::server::require_user()?;
    super::server::flows::account::step_up(&state, &meta, &user, &code).await
}

/// The signed-in user's sessions, login history and recovery-code count.
#[server(endpoint = "account/security")]
pub async fn get_security_overview() -> Result<SecurityOverview, AppError> {
    let (state, _, _) = super::server::request_context().await?;
    let user = super::server::require_user()?;
    super::server::flows::sessions::overview(&state, &user).await
}

/// Signs another browser out.
#[server(endpoint = "account/sessions/revoke")]
pub async fn revoke_session(id: String) -> Result<(), AppError> {
    let (state, _, meta) = super::server::request_context().await?;
    let user = super::server::require_user()?;
    super::server::flows::sessions::revoke(&state, &meta, &user, &id).await
}

/// Signs every other browser out; returns how many.
#[server(endpoint = "account/sessions/revoke-others")]
pub async fn revoke_other_sessions() -> Result<u64, AppError> {
    let (state, _, meta) = super::server::request_context().await?;
    let user = super::server::require_user()?;
    super::server::flows::sessions::revoke_others(&state, &meta, &user).await
}

/// Changes the name shown for this account.
#[server(endpoint = "account/display-name")]
pub async fn change_display_name(display_name: String) -> Result<(), AppError> {
    let (state, _, meta) = super::server::request_context().await?;
    let user = super::server::require_user()?;
    super::server::flows::account::change_display_name(&state, &meta, &user, &display_name).await
}

/// Changes the password (needs a recent TOTP code); returns how many other sessions ended.
#[server(endpoint = "account/password")]
pub async fn change_password(current: String, new: String, confirm: String) -> Result<u64, AppError> {
    let (state, cookie, meta) = super::server::request_context().await?;
    let user = super::server::require_step_up()?;
    super::server::flows::account::change_password(
        &state,
        &cookie,
        &meta,
        &user,
        current.into(),
        new.into(),
        confirm.into(),
    )
    .await
}

/// Replaces the recovery codes (needs a recent TOTP code); returns the new ones, once.
#[server(endpoint = "account/recovery-codes")]
pub async fn regenerate_recovery_codes() -> Result<Vec<String>, AppError> {
    let (state, _, meta) = super::server::request_context().await?;
    let user = super::server::require_step_up()?;
    super::server::flows::account::regenerate_recovery_codes(&state, &meta, &user).await
}

//! Server functions of remote mirrors.

use leptos::prelude::*;

use super::types::{Mirror, MirrorForm};
use crate::error::AppError;

#[cfg(feature = "ssr")]
fn context() -> Result<
    (
        crate::state::AppState,
        crate::request_meta::RequestMeta,
        crate::auth::server::AuthUser,
    ),
    AppError,
> {
    let user = crate::auth::server::require_user()?;
    Ok((
        crate::state::AppState::current()?,
        crate::request_meta::RequestMeta::current(),
        user,
    ))
}

/// Sets the mirror and pushes to it.
#[server(endpoint = "services/mirror/save")]
pub async fn save_mirror(form: MirrorForm) -> Result<Mirror, AppError> {
    let (state, meta, user) = context()?;
    super::server::save(&state, &meta, &user, form).await
}

/// Pushes the repository to its mirror now.
#[server(endpoint = "services/mirror/push")]
pub async fn push_mirror(slug: String) -> Result<Mirror, AppError> {
    let (state, meta, user) = context()?;
    super::server::push_now(&state, &meta, &user, &slug).await
}

/// Stops mirroring.
#[server(endpoint = "services/mirror/remove")]
pub async fn remove_mirror(slug: String) -> Result<(), AppError> {
    let (state, meta, user) = context()?;
    super::server::remove(&state, &meta, &user, &slug).await
}

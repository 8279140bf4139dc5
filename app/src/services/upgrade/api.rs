//! Server functions of template upgrades.

use leptos::prelude::*;

use super::types::UpgradePreview;
use crate::error::AppError;

/// What upgrading a service to its template's latest version changes.
#[server(endpoint = "services/upgrade/preview")]
pub async fn preview_upgrade(slug: String) -> Result<UpgradePreview, AppError> {
    crate::auth::server::require_user()?;
    let state = crate::state::AppState::current()?;
    super::server::preview(&state, &slug).await
}

/// Applies the upgrade; returns the service's page.
#[server(endpoint = "services/upgrade/apply")]
pub async fn apply_upgrade(slug: String, version: i64) -> Result<String, AppError> {
    let user = crate::auth::server::require_user()?;
    let state = crate::state::AppState::current()?;
    let meta = crate::request_meta::RequestMeta::current();
    super::server::apply(&state, &meta, &user, &slug, version).await?;
    Ok(format!("/services/{slug}?tab=history"))
}

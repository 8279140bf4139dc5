//! Server functions of the secrets module: authorize, then call the server half.

use leptos::prelude::*;

use super::types::{
    ImportPlan, ImportRequest, KeysOverview, NewSecret, SecretChanges, SecretDetail, SecretFilter, SecretList,
    SecretText, ServiceOption,
};
use crate::error::AppError;

#[cfg(feature = "ssr")]
fn context() -> Result<(crate::state::AppState, crate::request_meta::RequestMeta), AppError> {
    Ok((
        crate::state::AppState::current()?,
        crate::request_meta::RequestMeta::current(),
    ))
}

/// Secrets matching the filters (never their values).
#[server(endpoint = "secrets/list")]
pub async fn list_secrets(filter: SecretFilter) -> Result<SecretList, AppError> {
    crate::auth::server::require_user()?;
    let (state, _) = context()?;
    super::server::read::list(&state, filter).await
}

/// Services a secret can be scoped to.
#[server(endpoint = "secrets/services")]
pub async fn secret_services() -> Result<Vec<ServiceOption>, AppError> {
    crate::auth::server::require_user()?;
    let (state, _) = context()?;
    super::server::read::services(&state).await
}

/// One secret's settings, versions and audit trail.
#[server(endpoint = "secrets/get")]
pub async fn get_secret(id: String) -> Result<SecretDetail, AppError> {
    crate::auth::server::require_user()?;
    let (state, _) = context()?;
    super::server::read::detail(&state, &id).await
}

/// Creates a secret; returns its page.
#[server(endpoint = "secrets/create")]
pub async fn create_secret(form: NewSecret) -> Result<String, AppError> {
    let user = crate::auth::server::require_user()?;
    let (state, meta) = context()?;
    let id = super::server::write::create(&state, &meta, &user, form).await?;
    Ok(format!("/secrets/{id}"))
}

/// Saves settings and, when given, a new value; returns the secret's page.
#[server(endpoint = "secrets/update")]
pub async fn update_secret(form: SecretChanges) -> Result<String, AppError> {
    let user = crate::auth::server::require_user()?;
    let (state, meta) = context()?;
    let next = format!("/secrets/{}", form.id.trim());
    super::server::write::update(&state, &meta, &user, form).await?;
    Ok(next)
}

/// Makes a new version equal to `version`; returns the new version number.
#[server(endpoint = "secrets/rollback")]
pub async fn rollback_secret(id: String, version: i32) -> Result<i32, AppError> {
    let user = crate::auth::server::require_user()?;
    let (state, meta) = context()?;
    super::server::write::rollback(&state, &meta, &user, &id, version).await
}

/// Generates a new value for a generated secret; returns the new version number.
#[server(endpoint = "secrets/rotate")]
pub async fn rotate_secret(id: String) -> Result<i32, AppError> {
    let user = crate::auth::server::require_user()?;
    let (state, meta) = context()?;
    super::server::write::rotate(&state, &meta, &user, &id).await
}

/// Deletes a secret and all its versions (recent second factor and its name typed).
#[server(endpoint = "secrets/delete")]
pub async fn delete_secret(id: String, confirm_name: String) -> Result<String, AppError> {
    let user = crate::auth::server::require_step_up()?;
    let (state, meta) = context()?;
    super::server::write::delete(&state, &meta, &user, &id, &confirm_name).await?;
    Ok("/secrets".into())
}

/// One version's value (current when `version` is empty), after a recent second factor.
/// `copy` says the value goes to the clipboard without being shown; both are audited.
#[server(endpoint = "secrets/reveal")]
pub async fn reveal_secret(
    id: String,
    version: Option<i32>,
    copy: bool,
    reason: String,
) -> Result<SecretText, AppError> {
    use super::server::Purpose;
    let user = crate::auth::server::require_step_up()?;
    let (state, meta) = context()?;
    let purpose = if copy { Purpose::Copy } else { Purpose::Reveal };
    super::server::read::reveal(&state, &meta, &user, &id, version, purpose, &reason).await
}

/// What importing a `.env` file would do; changes nothing.
#[server(endpoint = "secrets/import/preview")]
pub async fn preview_import(request: ImportRequest) -> Result<ImportPlan, AppError> {
    crate::auth::server::require_user()?;
    let (state, _) = context()?;
    super::server::import::preview(&state, request).await
}

/// Imports a `.env` file, all of it or nothing; returns how many secrets were written.
#[server(endpoint = "secrets/import/apply")]
pub async fn apply_import(request: ImportRequest) -> Result<usize, AppError> {
    let user = crate::auth::server::require_user()?;
    let (state, meta) = context()?;
    super::server::import::apply(&state, &meta, &user, request).await
}

/// Root keys and data keys, for the encryption-keys page.
#[server(endpoint = "keys/overview")]
pub async fn get_keys_overview() -> Result<KeysOverview, AppError> {
    crate::auth::server::require_user()?;
    let (state, _) = context()?;
    Ok(super::server::keys::overview(&state.pool, &state.security.keys).await?)
}

/// Replaces the root key (recent second factor); returns the new overview.
#[server(endpoint = "keys/rotate")]
pub async fn rotate_root_key() -> Result<KeysOverview, AppError> {
    use super::server::keys::{self, Rotator};
    use crate::crypto::keyring::KeyringError;
    let user = crate::auth::server::require_step_up()?;
    let (state, meta) = context()?;
    let rotator = Rotator {
        actor_id: Some(user.id),
        actor_label: &user.email,
    };
    keys::rotate_root_key(&state.pool, &state.security.keys, rotator, &meta)
        .await
        .map_err(|err| match err {
            KeyringError::NotRotatable => AppError::Conflict {
                message: err.to_string(),
            },
            other => AppError::internal(other),
        })?;
    Ok(keys::overview(&state.pool, &state.security.keys).await?)
}

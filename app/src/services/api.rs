//! Server functions of the service registry: authorize, then call the server half.

use leptos::prelude::*;

use super::types::{EnvironmentChanges, NewService, ServiceChanges, ServiceDetail, ServiceFilter, ServicePage};
use crate::error::AppError;

#[cfg(feature = "ssr")]
fn context() -> Result<(crate::state::AppState, crate::request_meta::RequestMeta), AppError> {
    Ok((
        crate::state::AppState::current()?,
        crate::request_meta::RequestMeta::current(),
    ))
}

/// One page of services matching the filters.
#[server(endpoint = "services/list")]
pub async fn list_services(filter: ServiceFilter) -> Result<ServicePage, AppError> {
    crate::auth::server::require_user()?;
    let (state, _) = context()?;
    super::server::list(&state, filter).await
}

/// One service with its environments and history.
#[server(endpoint = "services/get")]
pub async fn get_service(slug: String) -> Result<ServiceDetail, AppError> {
    crate::auth::server::require_user()?;
    let (state, _) = context()?;
    super::server::detail(&state, &slug).await
}

/// Registers a service; returns its page.
#[server(endpoint = "services/create")]
pub async fn register_service(form: NewService) -> Result<String, AppError> {
    let user = crate::auth::server::require_user()?;
    let (state, meta) = context()?;
    let slug = super::server::create(&state, &meta, &user, form).await?;
    Ok(format!("/services/{slug}"))
}

/// Saves a service's general settings; returns its page.
#[server(endpoint = "services/update")]
pub async fn update_service(form: ServiceChanges) -> Result<String, AppError> {
    let user = crate::auth::server::require_user()?;
    let (state, meta) = context()?;
    let slug = super::server::update_general(&state, &meta, &user, form).await?;
    Ok(format!("/services/{slug}?tab=overview"))
}

/// Saves one environment's configuration; returns its tab.
#[server(endpoint = "services/environment")]
pub async fn update_environment(form: EnvironmentChanges) -> Result<String, AppError> {
    let user = crate::auth::server::require_user()?;
    let (state, meta) = context()?;
    let slug = super::server::update_environment(&state, &meta, &user, form).await?;
    Ok(format!("/services/{slug}?tab=configuration"))
}

/// Archives or restores a service; returns the page to open.
#[server(endpoint = "services/archive")]
pub async fn archive_service(id: String, archived: bool) -> Result<String, AppError> {
    let user = crate::auth::server::require_user()?;
    let (state, meta) = context()?;
    let slug = super::server::archive(&state, &meta, &user, &id, archived).await?;
    Ok(if archived {
        "/services".into()
    } else {
        format!("/services/{slug}")
    })
}

/// Deletes a service for good (recent second factor, slug typed).
#[server(endpoint = "services/delete")]
pub async fn delete_service(id: String, confirm: String) -> Result<String, AppError> {
    let user = crate::auth::server::require_step_up()?;
    let (state, meta) = context()?;
    super::server::delete(&state, &meta, &user, &id, &confirm).await?;
    Ok("/services".into())
}

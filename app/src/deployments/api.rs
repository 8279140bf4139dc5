//! Server functions of deployments.

use leptos::prelude::*;

use super::types::{DeployProgress, DeploymentDetail, ServiceDeployments};
use crate::error::AppError;

#[cfg(feature = "ssr")]
fn parse_id(id: &str) -> Result<uuid::Uuid, AppError> {
    id.parse().map_err(|_| AppError::NotFound {
        what: "The deployment".into(),
    })
}

/// A service's deployments, events and environments.
#[server(endpoint = "deployments/list")]
pub async fn list_service_deployments(slug: String) -> Result<ServiceDeployments, AppError> {
    crate::auth::server::require_user()?;
    let state = crate::state::AppState::current()?;
    super::server::overview(&state, &slug).await
}

/// Deploys an environment; returns the deployment's page.
#[server(endpoint = "deployments/start")]
pub async fn deploy(slug: String, environment: String) -> Result<String, AppError> {
    let user = crate::auth::server::require_user()?;
    let state = crate::state::AppState::current()?;
    let meta = crate::request_meta::RequestMeta::current();
    let id = super::server::start(&state, &meta, &user, &slug, &environment).await?;
    Ok(format!("/services/{slug}/deployments/{id}"))
}

/// Rolls back to an earlier deployment; returns the new deployment's page.
#[server(endpoint = "deployments/rollback")]
pub async fn roll_back(slug: String, deployment: String) -> Result<String, AppError> {
    let user = crate::auth::server::require_user()?;
    let state = crate::state::AppState::current()?;
    let meta = crate::request_meta::RequestMeta::current();
    let id = super::server::rollback(&state, &meta, &user, parse_id(&deployment)?).await?;
    Ok(format!("/services/{slug}/deployments/{id}"))
}

/// One deployment.
#[server(endpoint = "deployments/get")]
pub async fn get_deployment(id: String) -> Result<DeploymentDetail, AppError> {
    crate::auth::server::require_user()?;
    let state = crate::state::AppState::current()?;
    super::server::detail(&state, parse_id(&id)?).await
}

/// The status and the log from `offset` on (the live view polls it when streaming is not
/// available).
#[server(endpoint = "deployments/progress")]
pub async fn deployment_progress(id: String, offset: usize) -> Result<DeployProgress, AppError> {
    crate::auth::server::require_user()?;
    let state = crate::state::AppState::current()?;
    super::server::progress(&state, parse_id(&id)?, offset).await
}

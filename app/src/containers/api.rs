//! Server functions of containers and the engine.

use leptos::prelude::*;

use super::types::{
    ActionOutcome, ContainerAction, ContainerDetail, ContainerFilter, ContainersView, EngineInfo, LogLine, LogQuery,
};
use crate::error::AppError;

/// The containers page: every container on the engine, filtered and grouped.
#[server(endpoint = "containers/list")]
pub async fn list_containers(filter: ContainerFilter) -> Result<ContainersView, AppError> {
    crate::auth::server::require_user()?;
    let state = crate::state::AppState::current()?;
    let docker = state.engine.docker()?;
    let all = super::server::list::all(&docker, state.engine.host()).await?;
    Ok(super::server::list::view(all, &filter))
}

/// One container's page.
#[server(endpoint = "containers/get")]
pub async fn get_container(id: String) -> Result<ContainerDetail, AppError> {
    crate::auth::server::require_user()?;
    let state = crate::state::AppState::current()?;
    super::server::info::container(&state, &id).await
}

/// Start, stop, restart, kill or remove containers (one or a group); each outcome is reported.
#[server(endpoint = "containers/action")]
pub async fn run_container_action(ids: Vec<String>, action: ContainerAction) -> Result<Vec<ActionOutcome>, AppError> {
    let user = crate::auth::server::require_user()?;
    let state = crate::state::AppState::current()?;
    let meta = crate::request_meta::RequestMeta::current();
    super::server::actions::apply(&state, &meta, &user, ids, action).await
}

/// Whether this session may open a shell in the container now: `StepUpRequired` unless an
/// authenticator code was entered in the last five minutes, then whether the container runs.
#[server(endpoint = "containers/exec-check")]
pub async fn exec_check(id: String) -> Result<(), AppError> {
    crate::auth::server::require_step_up()?;
    let state = crate::state::AppState::current()?;
    super::server::exec::check(&state, &id).await
}

/// The engine page.
#[server(endpoint = "containers/engine")]
pub async fn get_engine_info() -> Result<EngineInfo, AppError> {
    crate::auth::server::require_user()?;
    let state = crate::state::AppState::current()?;
    Ok(super::server::info::engine(&state).await)
}

/// A window of one container's log history, oldest first.
#[server(endpoint = "containers/logs")]
pub async fn container_logs(id: String, query: LogQuery) -> Result<Vec<LogLine>, AppError> {
    use super::server::{log_window::LogWindow, logs};
    crate::auth::server::require_user()?;
    let state = crate::state::AppState::current()?;
    if !logs::valid_reference(&id) {
        return Err(AppError::NotFound {
            what: "The container".into(),
        });
    }
    let window = LogWindow::parse(&query, chrono::Utc::now())?;
    let docker = state.engine.docker()?;
    Ok(logs::history(&docker, state.engine.host(), &id, &window).await?)
}

/// A window of a service's log history (all its containers, or one environment's), merged by time.
#[server(endpoint = "containers/service_logs")]
pub async fn service_logs(
    slug: String,
    environment: Option<String>,
    query: LogQuery,
) -> Result<Vec<LogLine>, AppError> {
    use super::server::{log_window::LogWindow, logs};
    crate::auth::server::require_user()?;
    let state = crate::state::AppState::current()?;
    let window = LogWindow::parse(&query, chrono::Utc::now())?;
    let members = logs::service_members(&state, &slug, environment.as_deref()).await?;
    let docker = state.engine.docker()?;
    Ok(logs::service_history(&docker, state.engine.host(), &members, &window).await?)
}

//! Start, stop, restart, kill and remove, on one container or a group, each audited.

use bollard::query_parameters::{
    KillContainerOptionsBuilder, RemoveContainerOptionsBuilder, RestartContainerOptionsBuilder,
    StopContainerOptionsBuilder,
};
use futures_util::{stream, StreamExt};
use serde_json::json;

use super::errors::EngineError;
use crate::audit::server::{record_alone, NewAuditEntry};
use crate::auth::server::AuthUser;
use crate::containers::types::{ActionOutcome, ContainerAction};
use crate::error::AppError;
use crate::request_meta::RequestMeta;
use crate::state::AppState;

/// Seconds a stopped container gets before it is killed.
const STOP_GRACE_SECS: i32 = 10;
/// The most containers one bulk action touches.
pub const MAX_BULK: usize = 200;

/// Applies `action` to each container (concurrently, four at a time); reports each outcome.
pub async fn apply(
    state: &AppState,
    meta: &RequestMeta,
    user: &AuthUser,
    ids: Vec<String>,
    action: ContainerAction,
) -> Result<Vec<ActionOutcome>, AppError> {
    if ids.is_empty() || ids.len() > MAX_BULK {
        return Err(AppError::Invalid {
            message: format!("Choose between 1 and {MAX_BULK} containers"),
            fields: Vec::new(),
        });
    }
    let docker = state.engine.docker()?;
    let host = state.engine.host().to_owned();
    let outcomes: Vec<ActionOutcome> = stream::iter(ids)
        .map(|id| {
            let (docker, host) = (docker.clone(), host.clone());
            async move {
                let name = docker
                    .inspect_container(&id, None)
                    .await
                    .ok()
                    .and_then(|c| c.name)
                    .map(|name| name.trim_start_matches('/').to_owned())
                    .unwrap_or_else(|| id.chars().take(12).collect());
                if matches!(
                    action,
                    ContainerAction::Stop | ContainerAction::Kill | ContainerAction::Remove | ContainerAction::Restart
                ) {
                    state.engine.expect_stop(&id);
                }
                let result = match action {
                    ContainerAction::Start => docker.start_container(&id, None).await,
                    ContainerAction::Stop => {
                        docker
                            .stop_container(&id, Some(StopContainerOptionsBuilder::new().t(STOP_GRACE_SECS).build()))
                            .await
                    }
                    ContainerAction::Restart => {
                        docker
                            .restart_container(
                                &id,
                                Some(RestartContainerOptionsBuilder::new().t(STOP_GRACE_SECS).build()),
                            )
                            .await
                    }
                    ContainerAction::Kill => {
                        docker
                            .kill_container(&id, Some(KillContainerOptionsBuilder::new().signal("SIGKILL").build()))
                            .await
                    }
                    ContainerAction::Remove => {
                        docker
                            .remove_container(&id, Some(RemoveContainerOptionsBuilder::new().force(true).build()))
                            .await
                    }
                };
                if result.is_err() {
                    state.engine.was_expected(&id);
                }
                ActionOutcome {
                    error: result
                        .err()
                        .map(|err| EngineError::from_bollard(&err, &host).to_string()),
                    id,
                    name,
                }
            }
        })
        .buffer_unordered(4)
        .collect()
        .await;
    for outcome in &outcomes {
        let entry = NewAuditEntry {
            actor_id: Some(user.id),
            actor_label: user.email.clone(),
            action: format!("container.{}", action.as_str()),
            object_type: "container".into(),
            object_id: Some(outcome.id.clone()),
            detail: json!({ "name": outcome.name, "error": outcome.error }),
        };
        record_alone(&state.pool, entry, meta).await?;
    }
    Ok(outcomes)
}

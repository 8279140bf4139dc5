//! Running a deployment in the background: image (build, configured or rolled back to), new
//! containers, health gate, then the old containers go. A failure at any step removes what it
//! made and leaves the containers that ran before as they were, and says why.

use std::time::Duration;

use bollard::query_parameters::{
    CreateContainerOptionsBuilder, ListContainersOptionsBuilder, RemoveContainerOptionsBuilder,
    StopContainerOptionsBuilder,
};
use bollard::Docker;
use secrecy::ExposeSecret;
use uuid::Uuid;

use super::build;
use super::health::wait_until_ready;
use super::repo::{self, DeploymentRecord};
use super::spec::{container, Owner, Snapshot, LABEL_DEPLOYMENT, LABEL_ENV, LABEL_SERVICE_ID};
use crate::audit::server::{record as audit, NewAuditEntry};
use crate::containers::server::engine::Engine;
use crate::containers::server::errors::EngineError;
use crate::deployments::types::DeployStatus;
use crate::request_meta::RequestMeta;
use crate::secrets::server::references::resolve;
use crate::state::AppState;

/// What the runner knows about who started the deployment (for audit rows).
#[derive(Clone)]
pub struct Starter {
    pub user_id: Option<Uuid>,
    pub label: String,
    pub meta: RequestMeta,
}

/// Runs deployment `id` to its end; never panics, every outcome lands on the deployment row.
pub async fn run(state: AppState, id: Uuid, starter: Starter) {
    let Ok(Some(record)) = repo::get(&state.pool, id).await else {
        tracing::error!(%id, "a deployment to run is missing");
        return;
    };
    let slug: String = match sqlx::query_scalar("select slug from services where id = $1")
        .bind(record.service_id)
        .fetch_one(&state.pool)
        .await
    {
        Ok(slug) => slug,
        Err(err) => {
            tracing::error!(%id, error = %err, "the deployed service is missing");
            return;
        }
    };
    let mut made = Vec::new();
    let mut paused = Vec::new();
    let outcome = steps(&state, &record, &slug, &starter, &mut made, &mut paused).await;
    let docker = state.engine.docker().ok();
    match outcome {
        Ok(old) => {
            if let Some(docker) = &docker {
                say(&state, id, &format!("Healthy. Removing {} old container(s)", old.len())).await;
                for old in old.iter().chain(&paused) {
                    stop_and_remove(&state.engine, docker, old).await;
                }
            }
            conclude(&state, &record, &slug, &starter, None).await;
        }
        Err(reason) => {
            say(&state, id, &format!("FAILED: {reason}")).await;
            if let Some(docker) = &docker {
                for new in &made {
                    stop_and_remove(&state.engine, docker, new).await;
                }
                for old in &paused {
                    if docker.start_container(old, None).await.is_ok() {
                        say(&state, id, &format!("Restarted the previous container {}", short(old))).await;
                    }
                }
            }
            conclude(&state, &record, &slug, &starter, Some(&reason)).await;
        }
    }
}

/// The steps; returns the old containers to remove once the new ones are healthy.
async fn steps(
    state: &AppState,
    record: &DeploymentRecord,
    slug: &str,
    starter: &Starter,
    made: &mut Vec<String>,
    paused: &mut Vec<String>,
) -> Result<Vec<String>, String> {
    let id = record.id;
    let engine = &state.engine;
    let docker = engine.docker().map_err(|err| err.to_string())?;
    let snapshot: Snapshot = serde_json::from_value(record.config.clone())
        .map_err(|err| format!("the configuration snapshot is unreadable: {err}"))?;
    set_status(state, id, DeployStatus::Building).await;
    let image = image(state, &docker, record, slug, &snapshot).await?;

    set_status(state, id, DeployStatus::Starting).await;
    let env = environment(state, record, &snapshot, starter).await?;
    let old = running(&docker, record).await?;
    if snapshot.publishes_ports(engine.network()) && !old.is_empty() {
        say(
            state,
            id,
            "The containers publish host ports: stopping the old ones first (they restart if this fails)",
        )
        .await;
        for container in &old {
            engine.expect_stop(container);
            docker
                .stop_container(container, Some(StopContainerOptionsBuilder::new().t(10).build()))
                .await
                .map_err(|err| explain(engine, &err))?;
            paused.push(container.clone());
        }
    }
    let owner = Owner {
        service_slug: slug,
        service_id: &record.service_id.to_string(),
        environment: &record.environment,
        deployment: &id.to_string(),
    };
    for replica in 1..=snapshot.replicas {
        let name = format!("gantry-{slug}-{}-{}-{replica}", record.environment, suffix(id));
        let body = container(&snapshot, &image, &owner, env.clone(), engine.network());
        let created = docker
            .create_container(Some(CreateContainerOptionsBuilder::new().name(&name).build()), body)
            .await
            .map_err(|err| explain(engine, &err))?;
        made.push(created.id.clone());
        docker
            .start_container(&created.id, None)
            .await
            .map_err(|err| explain(engine, &err))?;
        say(state, id, &format!("Started {name} ({})", short(&created.id))).await;
    }
    let _ = repo::set_containers(&state.pool, id, made).await;

    set_status(state, id, DeployStatus::Checking).await;
    for container in made.iter() {
        let note = wait_until_ready(&docker, container, engine.host()).await?;
        say(state, id, &format!("{}: {note}", short(container))).await;
    }
    Ok(old.into_iter().filter(|c| !paused.contains(c)).collect())
}

/// The image to run: the rolled-back one, the configured one, or a fresh build.
async fn image(
    state: &AppState,
    docker: &Docker,
    record: &DeploymentRecord,
    slug: &str,
    snapshot: &Snapshot,
) -> Result<String, String> {
    let id = record.id;
    let host = state.engine.host();
    if let Some(image_id) = record.image_id.clone().filter(|_| record.source == "rollback") {
        say(state, id, &format!("Rolling back to image {}", short(&image_id))).await;
        docker.inspect_image(&image_id).await.map_err(|err| {
            format!(
                "The image of that deployment is gone: {}",
                EngineError::from_bollard(&err, host)
            )
        })?;
        return Ok(image_id);
    }
    if let Some(image) = &snapshot.image {
        say(state, id, &format!("Using the configured image {image}")).await;
        let found = docker
            .inspect_image(image)
            .await
            .map_err(|err| EngineError::from_bollard(&err, host).to_string())?;
        let image_id = found.id.unwrap_or_else(|| image.clone());
        let _ = repo::set_image(&state.pool, id, image, &image_id).await;
        return Ok(image_id);
    }
    let tag = format!("gantry/{slug}:{}", suffix(id));
    say(state, id, &format!("Building {tag} from the service's repository")).await;
    let context = build::context(&state.pool, record.service_id).await?;
    let image_id = build::build(docker, host, &state.pool, id, &tag, context).await?;
    let _ = repo::set_image(&state.pool, id, &tag, &image_id).await;
    say(state, id, &format!("Built {}", short(&image_id))).await;
    Ok(image_id)
}

/// `NAME=value` for every variable, secret references resolved (each read audited).
async fn environment(
    state: &AppState,
    record: &DeploymentRecord,
    snapshot: &Snapshot,
    starter: &Starter,
) -> Result<Vec<String>, String> {
    let mut tx = state.pool.begin().await.map_err(|err| err.to_string())?;
    let mut env = Vec::new();
    let templates = snapshot
        .env_vars
        .iter()
        .map(|(name, value)| (name.clone(), value.clone()))
        .chain(
            snapshot
                .secret_refs
                .iter()
                .map(|(var, secret)| (var.clone(), format!("${{secret:{secret}}}"))),
        );
    for (name, template) in templates {
        let value = resolve(
            &mut tx,
            &state.security.keys,
            record.service_id,
            &record.environment,
            &template,
            &starter.meta,
        )
        .await
        .map_err(|err| format!("{name}: {err}"))?;
        env.push(format!("{name}={}", value.expose_secret()));
    }
    tx.commit().await.map_err(|err| err.to_string())?;
    Ok(env)
}

/// The environment's containers from earlier deployments (running or not).
async fn running(docker: &Docker, record: &DeploymentRecord) -> Result<Vec<String>, String> {
    let filters = std::collections::HashMap::from([(
        "label",
        vec![
            format!("{LABEL_SERVICE_ID}={}", record.service_id),
            format!("{LABEL_ENV}={}", record.environment),
        ],
    )]);
    let options = ListContainersOptionsBuilder::new().all(true).filters(&filters).build();
    let found = docker
        .list_containers(Some(options))
        .await
        .map_err(|err| err.to_string())?;
    let this = record.id.to_string();
    Ok(found
        .into_iter()
        .filter(|c| c.labels.as_ref().and_then(|l| l.get(LABEL_DEPLOYMENT)) != Some(&this))
        .filter_map(|c| c.id)
        .collect())
}

async fn stop_and_remove(engine: &Engine, docker: &Docker, container: &str) {
    engine.expect_stop(container);
    let _ = docker
        .stop_container(container, Some(StopContainerOptionsBuilder::new().t(10).build()))
        .await;
    if let Err(err) = docker
        .remove_container(
            container,
            Some(RemoveContainerOptionsBuilder::new().force(true).build()),
        )
        .await
    {
        tracing::warn!(container, error = %err, "could not remove a replaced container");
    }
}

/// Ends the deployment: its row, the environment's status, a service event and the audit entry,
/// in one transaction.
async fn conclude(state: &AppState, record: &DeploymentRecord, slug: &str, starter: &Starter, failure: Option<&str>) {
    let result: Result<(), sqlx::Error> = async {
        let mut tx = state.pool.begin().await?;
        let status = if failure.is_some() {
            DeployStatus::Failed
        } else {
            DeployStatus::Succeeded
        };
        repo::finish(&mut tx, record.id, status, failure).await?;
        let (kind, action) = match (failure, record.source.as_str()) {
            (Some(_), _) => ("deploy_failed", "deployment.failed"),
            (None, "rollback") => ("rolled_back", "deployment.rolled_back"),
            (None, _) => ("deployed", "deployment.succeeded"),
        };
        let message = failure
            .map(str::to_owned)
            .unwrap_or_else(|| format!("Deployment {} is live", short(&record.id.to_string())));
        repo::add_event(
            &mut tx,
            record.service_id,
            Some(&record.environment),
            kind,
            None,
            None,
            &message,
        )
        .await?;
        if failure.is_none() {
            super::status::set_environment(&mut tx, record.service_id, &record.environment, "running", &message)
                .await?;
        } else {
            super::status::fail_if_not_running(&mut tx, record.service_id, &record.environment, &message).await?;
        }
        let entry = NewAuditEntry {
            actor_id: starter.user_id,
            actor_label: starter.label.clone(),
            action: action.into(),
            object_type: "deployment".into(),
            object_id: Some(record.id.to_string()),
            detail: serde_json::json!({ "service": slug, "environment": record.environment, "error": failure }),
        };
        audit(&mut tx, entry, &starter.meta).await?;
        tx.commit().await
    }
    .await;
    if let Err(err) = result {
        tracing::error!(deployment = %record.id, error = %err, "could not record the end of a deployment");
    }
}

async fn set_status(state: &AppState, id: Uuid, status: DeployStatus) {
    let _ = repo::set_status(&state.pool, id, status).await;
    say(state, id, status.label()).await;
}

/// A progress line in the deployment's log.
async fn say(state: &AppState, id: Uuid, text: &str) {
    let _ = repo::append_log(&state.pool, id, &format!("==> {text}\n")).await;
}

fn explain(engine: &Engine, err: &bollard::errors::Error) -> String {
    EngineError::from_bollard(err, engine.host()).to_string()
}

/// The random tail of a deployment id (a UUID v7 starts with its timestamp, so two deployments
/// in the same second share their first characters).
fn suffix(id: Uuid) -> String {
    let text = id.simple().to_string();
    text[text.len() - 12..].to_owned()
}

/// The first 12 characters of an id (`sha256:` dropped), as `docker ps` shows it.
pub fn short(id: &str) -> String {
    id.trim_start_matches("sha256:").chars().take(12).collect()
}

/// How long a deployment's containers get to become ready.
pub const READY_TIMEOUT: Duration = Duration::from_secs(90);

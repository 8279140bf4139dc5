//! Server half of deployments: starting one (or a rollback), the background runner, and the
//! queries of the service's deployments tab and a deployment's page.

pub mod build;
pub mod health;
pub mod repo;
pub mod run;
pub mod spec;
pub mod status;

use serde_json::json;
use uuid::Uuid;

use crate::audit::server::record_by_user;
use crate::auth::server::AuthUser;
use crate::billing::server::standing::Resource;
use crate::containers::server::engine::EngineStatus;
use crate::deployments::types::{DeployProgress, DeployStatus, DeploymentDetail, DeploymentRow, ServiceDeployments};
use crate::error::AppError;
use crate::request_meta::RequestMeta;
use crate::services::server::repo as services;
use crate::state::AppState;
use repo::{DeploymentRecord, NewDeployment};
use run::{short, Starter};
use spec::Snapshot;

fn not_found(what: &str) -> AppError {
    AppError::NotFound { what: what.into() }
}

/// Starts deploying one environment of a service; returns the new deployment's id. The work
/// runs in the background; its page follows it live.
pub async fn start(
    state: &AppState,
    meta: &RequestMeta,
    user: &AuthUser,
    slug: &str,
    environment: &str,
) -> Result<Uuid, AppError> {
    state.engine.docker()?;
    let service = services::get_by_slug(&state.pool, slug)
        .await?
        .ok_or_else(|| not_found("The service"))?;
    if service.archived_at.is_some() {
        return Err(AppError::Conflict {
            message: "The service is archived; restore it before deploying".into(),
        });
    }
    let env = services::environments(&state.pool, service.id)
        .await?
        .into_iter()
        .find(|env| env.name == environment)
        .ok_or_else(|| not_found("The environment"))?;
    let snapshot = Snapshot::of(&env);
    let source = if snapshot.image.is_some() { "image" } else { "build" };
    let config = serde_json::to_value(&snapshot).map_err(AppError::internal)?;
    let id = Uuid::now_v7();
    let new = NewDeployment {
        id,
        service_id: service.id,
        environment,
        source,
        rollback_of: None,
        image_ref: snapshot.image.as_deref(),
        image_id: None,
        config: &config,
        started_by: Some(user.id),
        started_by_label: &user.email,
    };
    begin(state, meta, user, new, slug).await
}

/// Deploys again exactly what an earlier successful deployment ran (its image and configuration).
pub async fn rollback(state: &AppState, meta: &RequestMeta, user: &AuthUser, target: Uuid) -> Result<Uuid, AppError> {
    state.engine.docker()?;
    let earlier = repo::get(&state.pool, target)
        .await?
        .ok_or_else(|| not_found("The deployment"))?;
    if earlier.status() != DeployStatus::Succeeded || earlier.image_id.is_none() {
        return Err(AppError::Conflict {
            message: "Only a deployment that succeeded can be rolled back to".into(),
        });
    }
    let slug: String = sqlx::query_scalar("select slug from services where id = $1")
        .bind(earlier.service_id)
        .fetch_one(&state.pool)
        .await?;
    let id = Uuid::now_v7();
    let new = NewDeployment {
        id,
        service_id: earlier.service_id,
        environment: &earlier.environment,
        source: "rollback",
        rollback_of: Some(earlier.id),
        image_ref: earlier.image_ref.as_deref(),
        image_id: earlier.image_id.as_deref(),
        config: &earlier.config,
        started_by: Some(user.id),
        started_by_label: &user.email,
    };
    begin(state, meta, user, new, &slug).await
}

async fn begin(
    state: &AppState,
    meta: &RequestMeta,
    user: &AuthUser,
    new: NewDeployment<'_>,
    slug: &str,
) -> Result<Uuid, AppError> {
    let id = new.id;
    let detail = json!({ "service": slug, "environment": new.environment, "source": new.source, "rollback_of": new.rollback_of });
    let environment = new.environment.to_owned();
    let replicas = new
        .config
        .get("replicas")
        .and_then(serde_json::Value::as_i64)
        .unwrap_or(1);
    let mut tx = state.pool.begin().await?;
    let env_id: Uuid = sqlx::query_scalar("select id from service_environments where service_id = $1 and name = $2")
        .bind(new.service_id)
        .bind(new.environment)
        .fetch_one(&mut *tx)
        .await?;
    let containers = Resource::Containers {
        adding: replicas,
        environment: env_id,
    };
    crate::billing::server::standing::ensure_room(&mut tx, containers).await?;
    if let Err(err) = repo::insert(&mut tx, new).await {
        let busy = matches!(&err, sqlx::Error::Database(db) if db.constraint() == Some("deployments_one_active_idx"));
        return Err(if busy {
            AppError::Conflict {
                message: format!("A deployment of {environment} is already running; wait for it to finish"),
            }
        } else {
            err.into()
        });
    }
    record_by_user(&mut tx, meta, user, "deployment.started", ("deployment", id), detail).await?;
    tx.commit().await?;
    let starter = Starter {
        user_id: Some(user.id),
        label: user.email.clone(),
        meta: meta.clone(),
    };
    tokio::spawn(run::run(state.clone(), id, starter));
    Ok(id)
}

fn row(record: &DeploymentRecord, current: Option<Uuid>) -> DeploymentRow {
    DeploymentRow {
        id: record.id.to_string(),
        environment: record.environment.clone(),
        status: record.status(),
        source: record.source.clone(),
        image_ref: record.image_ref.clone(),
        image_id: record.image_id.as_deref().map(short),
        error: record.error.clone(),
        started_by: record.started_by_label.clone(),
        created_at: record.created_at.to_rfc3339(),
        finished_at: record.finished_at.map(|at| at.to_rfc3339()),
        rollback_of: record.rollback_of.map(|id| id.to_string()),
        can_roll_back: record.status() == DeployStatus::Succeeded
            && record.image_id.is_some()
            && current != Some(record.id),
        current: current == Some(record.id),
    }
}

/// The service page's deployments tab.
pub async fn overview(state: &AppState, slug: &str) -> Result<ServiceDeployments, AppError> {
    let service = services::get_by_slug(&state.pool, slug)
        .await?
        .ok_or_else(|| not_found("The service"))?;
    let environments = services::environments(&state.pool, service.id).await?;
    let records = repo::for_service(&state.pool, service.id, 50).await?;
    let current = |env: &str| {
        records
            .iter()
            .find(|r| r.environment == env && r.status() == DeployStatus::Succeeded)
            .map(|r| r.id)
    };
    let deployments = records.iter().map(|r| row(r, current(&r.environment))).collect();
    let engine_problem = match state.engine.status() {
        EngineStatus::Down { error, .. } => Some(error),
        _ => None,
    };
    Ok(ServiceDeployments {
        slug: service.slug,
        environments: environments.into_iter().map(|env| env.name).collect(),
        deployments,
        events: repo::events(&state.pool, service.id, 30).await?,
        engine_problem,
    })
}

/// A deployment's page.
pub async fn detail(state: &AppState, id: Uuid) -> Result<DeploymentDetail, AppError> {
    let record = repo::get(&state.pool, id)
        .await?
        .ok_or_else(|| not_found("The deployment"))?;
    let (slug, name): (String, String) = sqlx::query_as("select slug, name from services where id = $1")
        .bind(record.service_id)
        .fetch_one(&state.pool)
        .await?;
    let log: String = sqlx::query_scalar("select log from deployments where id = $1")
        .bind(id)
        .fetch_one(&state.pool)
        .await?;
    let current: Option<Uuid> = sqlx::query_scalar(
        "select id from deployments where service_id = $1 and environment = $2 and status = 'succeeded' order by created_at desc limit 1",
    )
    .bind(record.service_id)
    .bind(&record.environment)
    .fetch_optional(&state.pool)
    .await?;
    Ok(DeploymentDetail {
        row: row(&record, current),
        service_slug: slug,
        service_name: name,
        log,
        config: serde_json::to_string_pretty(&record.config).unwrap_or_default(),
        container_ids: record.container_ids.iter().map(|id| short(id)).collect(),
    })
}

/// The status and the log from character `offset` on (what the live view appends).
pub async fn progress(state: &AppState, id: Uuid, offset: usize) -> Result<DeployProgress, AppError> {
    let offset_sql = i32::try_from(offset).unwrap_or(i32::MAX);
    let (status, log, error) = repo::progress(&state.pool, id, offset_sql)
        .await?
        .ok_or_else(|| not_found("The deployment"))?;
    Ok(DeployProgress {
        status: DeployStatus::parse(&status).unwrap_or(DeployStatus::Failed),
        offset: offset + log.chars().count(),
        log,
        error,
    })
}

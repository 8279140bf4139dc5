//! SQL of deployments and service events.

use serde_json::Value;
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use crate::deployments::types::{DeployStatus, ServiceEvent};

/// A deployment row as stored.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct DeploymentRecord {
    pub id: Uuid,
    pub service_id: Uuid,
    pub environment: String,
    pub status: String,
    pub source: String,
    pub rollback_of: Option<Uuid>,
    pub image_ref: Option<String>,
    pub image_id: Option<String>,
    pub config: Value,
    pub error: Option<String>,
    pub container_ids: Vec<String>,
    pub started_by_label: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub finished_at: Option<chrono::DateTime<chrono::Utc>>,
}

impl DeploymentRecord {
    pub fn status(&self) -> DeployStatus {
        DeployStatus::parse(&self.status).unwrap_or(DeployStatus::Failed)
    }
}

const COLUMNS: &str = "id, service_id, environment, status, source, rollback_of, image_ref, image_id, config, error, \
     container_ids, started_by_label, created_at, finished_at";

/// A new deployment, queued.
pub struct NewDeployment<'a> {
    pub id: Uuid,
    pub service_id: Uuid,
    pub environment: &'a str,
    pub source: &'a str,
    pub rollback_of: Option<Uuid>,
    pub image_ref: Option<&'a str>,
    pub image_id: Option<&'a str>,
    pub config: &'a Value,
    pub started_by: Option<Uuid>,
    pub started_by_label: &'a str,
}

pub async fn insert(conn: &mut PgConnection, new: NewDeployment<'_>) -> Result<(), sqlx::Error> {
    sqlx::query(
        "insert into deployments (id, service_id, environment, source, rollback_of, image_ref, image_id, config, \
         started_by, started_by_label) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(new.id)
    .bind(new.service_id)
    .bind(new.environment)
    .bind(new.source)
    .bind(new.rollback_of)
    .bind(new.image_ref)
    .bind(new.image_id)
    .bind(new.config)
    .bind(new.started_by)
    .bind(new.started_by_label)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn get(pool: &PgPool, id: Uuid) -> Result<Option<DeploymentRecord>, sqlx::Error> {
    sqlx::query_as(&format!("select {COLUMNS} from deployments where id = $1"))
        .bind(id)
        .fetch_optional(pool)
        .await
}

/// A service's deployments, newest first.
pub async fn for_service(pool: &PgPool, service: Uuid, limit: i64) -> Result<Vec<DeploymentRecord>, sqlx::Error> {
    sqlx::query_as(&format!(
        "select {COLUMNS} from deployments where service_id = $1 order by created_at desc limit $2"
    ))
    .bind(service)
    .bind(limit)
    .fetch_all(pool)
    .await
}

/// The log from byte `offset` on, with the status and error.
pub async fn progress(
    pool: &PgPool,
    id: Uuid,
    offset: i32,
) -> Result<Option<(String, String, Option<String>)>, sqlx::Error> {
    sqlx::query_as("select status, substr(log, $2 + 1), error from deployments where id = $1")
        .bind(id)
        .bind(offset)
        .fetch_optional(pool)
        .await
}

pub async fn append_log(pool: &PgPool, id: Uuid, text: &str) -> Result<(), sqlx::Error> {
    sqlx::query("update deployments set log = log || $2 where id = $1")
        .bind(id)
        .bind(text)
        .execute(pool)
        .await?;
    Ok(())
}

pub async fn set_status(pool: &PgPool, id: Uuid, status: DeployStatus) -> Result<(), sqlx::Error> {
    sqlx::query("update deployments set status = $2 where id = $1")
        .bind(id)
        .bind(status.as_str())
        .execute(pool)
        .await?;
    Ok(())
}

pub async fn set_image(pool: &PgPool, id: Uuid, image_ref: &str, image_id: &str) -> Result<(), sqlx::Error> {
    sqlx::query("update deployments set image_ref = $2, image_id = $3 where id = $1")
        .bind(id)
        .bind(image_ref)
        .bind(image_id)
        .execute(pool)
        .await?;
    Ok(())
}

pub async fn set_containers(pool: &PgPool, id: Uuid, containers: &[String]) -> Result<(), sqlx::Error> {
    sqlx::query("update deployments set container_ids = $2 where id = $1")
        .bind(id)
        .bind(containers)
        .execute(pool)
        .await?;
    Ok(())
}

/// Ends a deployment, on the caller's transaction.
pub async fn finish(
    conn: &mut PgConnection,
    id: Uuid,
    status: DeployStatus,
    error: Option<&str>,
) -> Result<(), sqlx::Error> {
    sqlx::query("update deployments set status = $2, error = $3, finished_at = now() where id = $1")
        .bind(id)
        .bind(status.as_str())
        .bind(error)
        .execute(conn)
        .await?;
    Ok(())
}

/// Deployments a stopped Gantry left unfinished: they failed, and say so.
pub async fn fail_interrupted(pool: &PgPool) -> Result<u64, sqlx::Error> {
    Ok(sqlx::query(
        "update deployments set status = 'failed', finished_at = now(), \
         error = 'Gantry stopped while this deployment ran; the containers that ran before it were left as they were', \
         log = log || E'\\n--- Gantry stopped during this deployment ---\\n' \
         where status in ('queued', 'building', 'starting', 'checking')",
    )
    .execute(pool)
    .await?
    .rows_affected())
}

/// Records something that happened to a service's containers.
pub async fn add_event(
    conn: &mut PgConnection,
    service: Uuid,
    environment: Option<&str>,
    kind: &str,
    container: Option<&str>,
    exit_code: Option<i32>,
    message: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "insert into service_events (service_id, environment, kind, container_id, exit_code, message) \
         values ($1, $2, $3, $4, $5, $6)",
    )
    .bind(service)
    .bind(environment)
    .bind(kind)
    .bind(container)
    .bind(exit_code)
    .bind(message)
    .execute(conn)
    .await?;
    Ok(())
}

type EventRow = (
    String,
    Option<String>,
    Option<String>,
    Option<i32>,
    String,
    chrono::DateTime<chrono::Utc>,
);

pub async fn events(pool: &PgPool, service: Uuid, limit: i64) -> Result<Vec<ServiceEvent>, sqlx::Error> {
    let rows: Vec<EventRow> = sqlx::query_as(
        "select kind, environment, container_id, exit_code, message, at from service_events \
         where service_id = $1 order by id desc limit $2",
    )
    .bind(service)
    .bind(limit)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(
            |(kind, environment, container_id, exit_code, message, at)| ServiceEvent {
                kind,
                environment,
                container_id,
                exit_code,
                message,
                at: at.to_rfc3339(),
            },
        )
        .collect())
}

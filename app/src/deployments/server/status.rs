//! Keeping a service's environment status (and its history) in step with its containers.

use sqlx::PgConnection;
use uuid::Uuid;

/// Sets an environment's status and notes the change in the service's history, unless it is
/// already that status. The service's own status follows its production environment, or the
/// environment just changed when it has no production.
pub async fn set_environment(
    conn: &mut PgConnection,
    service: Uuid,
    environment: &str,
    status: &str,
    note: &str,
) -> Result<(), sqlx::Error> {
    let changed = sqlx::query(
        "update service_environments set status = $3, updated_at = now() where service_id = $1 and name = $2 and status <> $3",
    )
    .bind(service)
    .bind(environment)
    .bind(status)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    if changed == 0 {
        return Ok(());
    }
    sqlx::query(
        "update services set status = $3, updated_at = now() where id = $1 and \
         ($2 = 'production' or not exists (select 1 from service_environments where service_id = $1 and name = 'production'))",
    )
    .bind(service)
    .bind(environment)
    .bind(status)
    .execute(&mut *conn)
    .await?;
    crate::services::server::repo::add_history(conn, service, Some(environment), status, note).await
}

/// After a failed deployment: the environment is `failed` unless its earlier containers still
/// run it.
pub async fn fail_if_not_running(
    conn: &mut PgConnection,
    service: Uuid,
    environment: &str,
    note: &str,
) -> Result<(), sqlx::Error> {
    let current: Option<String> =
        sqlx::query_scalar("select status from service_environments where service_id = $1 and name = $2")
            .bind(service)
            .bind(environment)
            .fetch_optional(&mut *conn)
            .await?;
    if matches!(current.as_deref(), Some("running" | "degraded")) {
        return Ok(());
    }
    set_environment(conn, service, environment, "failed", note).await
}

//! SQL of the dashboard.

use sqlx::PgPool;

use crate::dashboard::types::ServiceCounts;

#[derive(sqlx::FromRow)]
pub struct DatabaseFacts {
    pub version: String,
    pub bytes: i64,
    pub migrations: i64,
}

#[derive(sqlx::FromRow)]
struct CountsRow {
    total: i64,
    running: i64,
    attention: i64,
    drafts: i64,
}

pub async fn service_counts(pool: &PgPool) -> sqlx::Result<ServiceCounts> {
    let row: CountsRow = sqlx::query_as(
        "select
           count(*) as total,
           count(*) filter (where status = 'running') as running,
           count(*) filter (where status in ('degraded', 'failed')) as attention,
           count(*) filter (where status = 'draft') as drafts
         from services
         where archived_at is null",
    )
    .fetch_one(pool)
    .await?;
    Ok(ServiceCounts {
        total: row.total,
        running: row.running,
        attention: row.attention,
        drafts: row.drafts,
    })
}

pub async fn database_facts(pool: &PgPool) -> sqlx::Result<DatabaseFacts> {
    sqlx::query_as(
        "select
           split_part(current_setting('server_version'), ' ', 1) as version,
           pg_database_size(current_database()) as bytes,
           (select count(*) from _sqlx_migrations where success) as migrations",
    )
    .fetch_one(pool)
    .await
}

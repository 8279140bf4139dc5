//! SQL of the service registry.

use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgPool, Postgres, QueryBuilder};
use uuid::Uuid;

use crate::audit::server::DEFAULT_ORG_ID;
use crate::services::types::SERVICES_PAGE_SIZE;

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ServiceRecord {
    pub id: Uuid,
    pub slug: String,
    pub name: String,
    pub description: String,
    pub owner: String,
    pub tags: Vec<String>,
    pub status: String,
    pub template_id: Option<String>,
    pub template_version: Option<String>,
    pub links: serde_json::Value,
    pub version: i64,
    pub archived_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub environments: Vec<String>,
}

const COLUMNS: &str = "s.id, s.slug, s.name, s.description, s.owner, s.tags, s.status, s.template_id, \
     s.template_version, s.links, s.version, s.archived_at, s.created_at, s.updated_at, \
     coalesce((select array_agg(e.name order by e.name) from service_environments e where e.service_id = s.id), '{}') as environments";

/// The filters of the list, already checked.
#[derive(Clone, Debug, Default)]
pub struct ListQuery<'a> {
    pub q: Option<&'a str>,
    pub status: Option<&'a str>,
    pub environment: Option<&'a str>,
    pub tag: Option<&'a str>,
    pub template: Option<&'a str>,
    pub order: Order,
    pub page: u32,
}

/// The orders the list offers; each has an index-friendly ORDER BY.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Order {
    #[default]
    Name,
    NameDesc,
    Updated,
    UpdatedOldest,
    Status,
}

impl Order {
    pub fn parse(value: &str) -> Option<Self> {
        Some(match value {
            "name" => Order::Name,
            "-name" => Order::NameDesc,
            "updated" => Order::Updated,
            "-updated" => Order::UpdatedOldest,
            "status" => Order::Status,
            _ => return None,
        })
    }

    fn sql(self) -> &'static str {
        match self {
            Order::Name => "lower(s.name), s.id",
            Order::NameDesc => "lower(s.name) desc, s.id desc",
            Order::Updated => "s.updated_at desc, s.id",
            Order::UpdatedOldest => "s.updated_at, s.id",
            Order::Status => "s.status, lower(s.name), s.id",
        }
    }
}

fn push_filters<'q>(builder: &mut QueryBuilder<'q, Postgres>, query: &ListQuery<'q>) {
    builder.push(" from services s where s.org_id = ");
    builder.push_bind(DEFAULT_ORG_ID);
    builder.push(" and s.archived_at is null");
    if let Some(q) = query.q {
        let pattern = format!("%{}%", q.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_"));
        builder.push(" and (s.name ilike ");
        builder.push_bind(pattern.clone());
        builder.push(" or s.slug ilike ");
        builder.push_bind(pattern.clone());
        builder.push(" or s.description ilike ");
        builder.push_bind(pattern);
        builder.push(")");
    }
    if let Some(status) = query.status {
        builder.push(" and s.status = ").push_bind(status);
    }
    if let Some(environment) = query.environment {
        builder.push(" and exists (select 1 from service_environments e where e.service_id = s.id and e.name = ");
        builder.push_bind(environment).push(")");
    }
    if let Some(tag) = query.tag {
        builder.push(" and s.tags @> array[").push_bind(tag).push("]::text[]");
    }
    if let Some(template) = query.template {
        builder.push(" and s.template_id = ").push_bind(template);
    }
}

/// The list query, as SQL and binds (tests EXPLAIN it).
pub fn list_query<'q>(query: &ListQuery<'q>) -> QueryBuilder<'q, Postgres> {
    let mut builder = QueryBuilder::new(format!("select {COLUMNS}"));
    push_filters(&mut builder, query);
    builder.push(format!(" order by {} limit ", query.order.sql()));
    builder.push_bind(i64::from(SERVICES_PAGE_SIZE) + 1);
    builder.push(" offset ");
    builder.push_bind(i64::from(query.page.saturating_sub(1)) * i64::from(SERVICES_PAGE_SIZE));
    builder
}

/// One page (plus one row, to know whether more follow) and the total.
pub async fn list(pool: &PgPool, query: &ListQuery<'_>) -> Result<(Vec<ServiceRecord>, i64), sqlx::Error> {
    let rows = list_query(query).build_query_as().fetch_all(pool).await?;
    let mut count = QueryBuilder::new("select count(*)");
    push_filters(&mut count, query);
    let total: i64 = count.build_query_scalar().fetch_one(pool).await?;
    Ok((rows, total))
}

/// The choices the filters offer.
pub async fn filter_choices(pool: &PgPool) -> Result<(Vec<String>, Vec<String>, Vec<(String, String)>), sqlx::Error> {
    let tags: Vec<String> = sqlx::query_scalar(
        "select distinct unnest(tags) as tag from services where org_id = $1 and archived_at is null order by tag",
    )
    .bind(DEFAULT_ORG_ID)
    .fetch_all(pool)
    .await?;
    let environments: Vec<String> = sqlx::query_scalar("select distinct name from service_environments order by name")
        .fetch_all(pool)
        .await?;
    let templates: Vec<(String, String)> = sqlx::query_as("select id, name from templates order by name")
        .fetch_all(pool)
        .await?;
    Ok((tags, environments, templates))
}

pub async fn get(conn: &mut PgConnection, id: Uuid) -> Result<Option<ServiceRecord>, sqlx::Error> {
    sqlx::query_as(&format!(
        "select {COLUMNS} from services s where s.id = $1 and s.org_id = $2"
    ))
    .bind(id)
    .bind(DEFAULT_ORG_ID)
    .fetch_optional(conn)
    .await
}

pub async fn get_by_slug(pool: &PgPool, slug: &str) -> Result<Option<ServiceRecord>, sqlx::Error> {
    sqlx::query_as(&format!(
        "select {COLUMNS} from services s where s.slug = $1 and s.org_id = $2"
    ))
    .bind(slug)
    .bind(DEFAULT_ORG_ID)
    .fetch_optional(pool)
    .await
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct EnvironmentRecord {
    pub id: Uuid,
    pub name: String,
    pub image: Option<String>,
    pub build_context: Option<String>,
    pub ports: serde_json::Value,
    pub env_vars: serde_json::Value,
    pub secret_refs: serde_json::Value,
    pub cpu_millis: i32,
    pub memory_mb: i32,
    pub replicas: i32,
    pub health_path: String,
    pub health_interval_secs: i32,
    pub status: String,
}

pub async fn environments(pool: &PgPool, service: Uuid) -> Result<Vec<EnvironmentRecord>, sqlx::Error> {
    sqlx::query_as(
        "select id, name, image, build_context, ports, env_vars, secret_refs, cpu_millis, memory_mb, replicas, \
         health_path, health_interval_secs, status from service_environments where service_id = $1 \
         order by case name when 'production' then 0 when 'staging' then 1 when 'development' then 2 else 3 end, name",
    )
    .bind(service)
    .fetch_all(pool)
    .await
}

#[derive(sqlx::FromRow)]
pub struct HistoryRecord {
    pub at: DateTime<Utc>,
    pub environment: Option<String>,
    pub status: String,
    pub note: String,
}

pub async fn history(pool: &PgPool, service: Uuid) -> Result<Vec<HistoryRecord>, sqlx::Error> {
    sqlx::query_as(
        "select at, environment, status, note from service_status_history where service_id = $1 order by id desc limit 100",
    )
    .bind(service)
    .fetch_all(pool)
    .await
}

pub async fn file_paths(pool: &PgPool, service: Uuid) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar("select path from service_files where service_id = $1 order by path")
        .bind(service)
        .fetch_all(pool)
        .await
}

/// A new service row.
pub struct NewRecord<'a> {
    pub id: Uuid,
    pub slug: &'a str,
    pub name: &'a str,
    pub description: &'a str,
    pub owner: &'a str,
    pub tags: &'a [String],
    pub template: Option<(&'a str, &'a str)>,
    pub parameters: serde_json::Value,
}

pub async fn insert(conn: &mut PgConnection, record: NewRecord<'_>) -> Result<(), sqlx::Error> {
    sqlx::query(
        "insert into services (id, org_id, slug, name, description, owner, tags, template_id, template_version, parameters) \
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(record.id)
    .bind(DEFAULT_ORG_ID)
    .bind(record.slug)
    .bind(record.name)
    .bind(record.description)
    .bind(record.owner)
    .bind(record.tags)
    .bind(record.template.map(|(id, _)| id))
    .bind(record.template.map(|(_, version)| version))
    .bind(record.parameters)
    .execute(&mut *conn)
    .await?;
    add_history(conn, record.id, None, "draft", "Registered").await
}

/// One environment's settings.
pub struct EnvironmentValues<'a> {
    pub image: Option<&'a str>,
    pub build_context: Option<&'a str>,
    pub ports: &'a [u16],
    pub env_vars: &'a [(String, String)],
    pub secret_refs: &'a [(String, String)],
    pub cpu_millis: i32,
    pub memory_mb: i32,
    pub replicas: i32,
    pub health_path: &'a str,
}

pub async fn insert_environment(
    conn: &mut PgConnection,
    service: Uuid,
    name: &str,
    values: &EnvironmentValues<'_>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "insert into service_environments (id, service_id, name, image, build_context, ports, env_vars, secret_refs, \
         cpu_millis, memory_mb, replicas, health_path) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
    )
    .bind(Uuid::now_v7())
    .bind(service)
    .bind(name)
    .bind(values.image)
    .bind(values.build_context)
    .bind(serde_json::json!(values.ports))
    .bind(pairs(values.env_vars))
    .bind(pairs(values.secret_refs))
    .bind(values.cpu_millis)
    .bind(values.memory_mb)
    .bind(values.replicas)
    .bind(values.health_path)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn update_environment(
    conn: &mut PgConnection,
    service: Uuid,
    name: &str,
    values: &EnvironmentValues<'_>,
) -> Result<bool, sqlx::Error> {
    let updated = sqlx::query(
        "update service_environments set image = $3, ports = $4, env_vars = $5, secret_refs = $6, cpu_millis = $7, \
         memory_mb = $8, replicas = $9, health_path = $10, updated_at = now() where service_id = $1 and name = $2",
    )
    .bind(service)
    .bind(name)
    .bind(values.image)
    .bind(serde_json::json!(values.ports))
    .bind(pairs(values.env_vars))
    .bind(pairs(values.secret_refs))
    .bind(values.cpu_millis)
    .bind(values.memory_mb)
    .bind(values.replicas)
    .bind(values.health_path)
    .execute(conn)
    .await?;
    Ok(updated.rows_affected() == 1)
}

fn pairs(values: &[(String, String)]) -> serde_json::Value {
    serde_json::Value::Object(
        values
            .iter()
            .map(|(k, v)| (k.clone(), serde_json::Value::String(v.clone())))
            .collect(),
    )
}

/// Bumps the version if it is still `expected`; false when another edit came first.
pub async fn claim_version(conn: &mut PgConnection, id: Uuid, expected: i64) -> Result<bool, sqlx::Error> {
    let updated =
        sqlx::query("update services set version = version + 1, updated_at = now() where id = $1 and version = $2")
            .bind(id)
            .bind(expected)
            .execute(conn)
            .await?;
    Ok(updated.rows_affected() == 1)
}

pub async fn update_general(
    conn: &mut PgConnection,
    id: Uuid,
    name: &str,
    description: &str,
    owner: &str,
    tags: &[String],
    links: serde_json::Value,
) -> Result<(), sqlx::Error> {
    sqlx::query("update services set name = $2, description = $3, owner = $4, tags = $5, links = $6 where id = $1")
        .bind(id)
        .bind(name)
        .bind(description)
        .bind(owner)
        .bind(tags)
        .bind(links)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn set_archived(conn: &mut PgConnection, id: Uuid, archived: bool) -> Result<(), sqlx::Error> {
    sqlx::query("update services set archived_at = case when $2 then now() end, version = version + 1, updated_at = now() where id = $1")
        .bind(id)
        .bind(archived)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn delete(conn: &mut PgConnection, id: Uuid) -> Result<(), sqlx::Error> {
    sqlx::query("delete from services where id = $1")
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn add_history(
    conn: &mut PgConnection,
    service: Uuid,
    environment: Option<&str>,
    status: &str,
    note: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("insert into service_status_history (service_id, environment, status, note) values ($1, $2, $3, $4)")
        .bind(service)
        .bind(environment)
        .bind(status)
        .bind(note)
        .execute(conn)
        .await?;
    Ok(())
}

/// Environments whose containers may be running (anything but draft, stopped and failed).
pub async fn live_environments(conn: &mut PgConnection, service: Uuid) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar(
        "select name from service_environments where service_id = $1 and status in ('provisioning', 'running', 'degraded') order by name",
    )
    .bind(service)
    .fetch_all(conn)
    .await
}

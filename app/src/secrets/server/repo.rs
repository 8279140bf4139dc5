//! SQL of the secrets module. Values only ever pass through here sealed.

use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use super::scope::Scope;
use crate::audit::server::DEFAULT_ORG_ID;

/// A secret's row, with its service's name for display.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct SecretRow {
    pub id: Uuid,
    pub name: String,
    pub service_id: Option<Uuid>,
    pub service_name: Option<String>,
    pub environment: Option<String>,
    pub description: String,
    pub generator: Option<String>,
    pub rotation_days: Option<i32>,
    pub current_version: i32,
    pub value_changed_at: DateTime<Utc>,
    pub created_by_label: String,
    pub created_at: DateTime<Utc>,
    pub updated_by_label: String,
    pub updated_at: DateTime<Utc>,
}

impl SecretRow {
    pub fn scope(&self) -> Scope {
        Scope::from_row(self.service_id, self.environment.clone())
    }
}

const SELECT: &str = "select s.id, s.name, s.service_id, sv.name as service_name, s.environment, s.description, \
     s.generator, s.rotation_days, s.current_version, s.value_changed_at, s.created_by_label, s.created_at, \
     s.updated_by_label, s.updated_at from secrets s left join services sv on sv.id = s.service_id";

/// Every secret matching the text and scope filters, by name.
pub async fn list(pool: &PgPool, q: Option<&str>, scope: Option<&str>) -> Result<Vec<SecretRow>, sqlx::Error> {
    let pattern = q.map(|q| format!("%{}%", q.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")));
    let service = scope.and_then(|scope| Uuid::parse_str(scope).ok());
    let global_only = scope == Some("global");
    sqlx::query_as(&format!(
        "{SELECT} where s.org_id = $1 \
         and ($2::text is null or s.name ilike $2 or s.description ilike $2) \
         and ($3::uuid is null or s.service_id = $3) and (not $4 or s.service_id is null) \
         order by s.name, sv.name nulls first, s.environment"
    ))
    .bind(DEFAULT_ORG_ID)
    .bind(pattern)
    .bind(service)
    .bind(global_only)
    .fetch_all(pool)
    .await
}

pub async fn count(pool: &PgPool) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("select count(*) from secrets where org_id = $1")
        .bind(DEFAULT_ORG_ID)
        .fetch_one(pool)
        .await
}

pub async fn get(conn: &mut PgConnection, id: Uuid) -> Result<Option<SecretRow>, sqlx::Error> {
    sqlx::query_as(&format!("{SELECT} where s.id = $1 and s.org_id = $2"))
        .bind(id)
        .bind(DEFAULT_ORG_ID)
        .fetch_optional(conn)
        .await
}

/// The row, locked until the transaction ends, so concurrent changes get consecutive versions.
pub async fn lock(conn: &mut PgConnection, id: Uuid) -> Result<Option<SecretRow>, sqlx::Error> {
    let locked: Option<Uuid> = sqlx::query_scalar("select id from secrets where id = $1 and org_id = $2 for update")
        .bind(id)
        .bind(DEFAULT_ORG_ID)
        .fetch_optional(&mut *conn)
        .await?;
    match locked {
        Some(id) => get(conn, id).await,
        None => Ok(None),
    }
}

/// The secret called `name` in exactly `scope`, locked.
pub async fn find_in_scope(
    conn: &mut PgConnection,
    scope: &Scope,
    name: &str,
) -> Result<Option<SecretRow>, sqlx::Error> {
    let id: Option<Uuid> = sqlx::query_scalar(
        "select id from secrets where org_id = $1 and name = $2 \
         and service_id is not distinct from $3 and environment is not distinct from $4 for update",
    )
    .bind(DEFAULT_ORG_ID)
    .bind(name)
    .bind(scope.service_id())
    .bind(scope.environment())
    .fetch_optional(&mut *conn)
    .await?;
    match id {
        Some(id) => get(conn, id).await,
        None => Ok(None),
    }
}

/// The secret a service's deploy means by `name`: its own scope first, then global.
pub async fn find_for_service(
    conn: &mut PgConnection,
    service_id: Uuid,
    environment: &str,
    name: &str,
) -> Result<Option<(Uuid, i32)>, sqlx::Error> {
    sqlx::query_as(
        "select id, current_version from secrets where org_id = $1 and name = $2 \
         and ((service_id = $3 and environment = $4) or service_id is null) \
         order by service_id nulls last limit 1",
    )
    .bind(DEFAULT_ORG_ID)
    .bind(name)
    .bind(service_id)
    .bind(environment)
    .fetch_optional(conn)
    .await
}

pub async fn service_exists(conn: &mut PgConnection, id: Uuid) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar("select exists (select 1 from services where id = $1 and org_id = $2 and archived_at is null)")
        .bind(id)
        .bind(DEFAULT_ORG_ID)
        .fetch_one(conn)
        .await
}

/// Services a secret can be scoped to, by name.
pub async fn services(pool: &PgPool) -> Result<Vec<(Uuid, String)>, sqlx::Error> {
    sqlx::query_as("select id, name from services where org_id = $1 and archived_at is null order by name")
        .bind(DEFAULT_ORG_ID)
        .fetch_all(pool)
        .await
}

/// What a new secret row holds besides its first version.
pub struct NewRow<'a> {
    pub id: Uuid,
    pub name: &'a str,
    pub scope: &'a Scope,
    pub description: &'a str,
    pub generator: Option<&'a str>,
    pub rotation_days: Option<i32>,
    pub actor_id: Uuid,
    pub actor_label: &'a str,
}

pub async fn insert(conn: &mut PgConnection, row: NewRow<'_>) -> Result<(), sqlx::Error> {
    sqlx::query(
        "insert into secrets (id, org_id, name, service_id, environment, description, generator, rotation_days, \
         current_version, created_by, created_by_label, updated_by_label) \
         values ($1, $2, $3, $4, $5, $6, $7, $8, 1, $9, $10, $10)",
    )
    .bind(row.id)
    .bind(DEFAULT_ORG_ID)
    .bind(row.name)
    .bind(row.scope.service_id())
    .bind(row.scope.environment())
    .bind(row.description)
    .bind(row.generator)
    .bind(row.rotation_days)
    .bind(row.actor_id)
    .bind(row.actor_label)
    .execute(conn)
    .await?;
    Ok(())
}

/// One new version's facts.
pub struct NewVersion<'a> {
    pub secret_id: Uuid,
    pub version: i32,
    pub sealed: &'a [u8],
    pub origin: &'a str,
    pub rolled_back_from: Option<i32>,
    pub actor_id: Uuid,
    pub actor_label: &'a str,
}

/// Stores a version, makes it current, and prunes versions beyond `keep`.
pub async fn add_version(conn: &mut PgConnection, version: NewVersion<'_>, keep: i32) -> Result<(), sqlx::Error> {
    sqlx::query(
        "insert into secret_versions (secret_id, version, sealed, origin, rolled_back_from, created_by, created_by_label) \
         values ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(version.secret_id)
    .bind(version.version)
    .bind(version.sealed)
    .bind(version.origin)
    .bind(version.rolled_back_from)
    .bind(version.actor_id)
    .bind(version.actor_label)
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "update secrets set current_version = $2, value_changed_at = now(), updated_by_label = $3, updated_at = now() \
         where id = $1",
    )
    .bind(version.secret_id)
    .bind(version.version)
    .bind(version.actor_label)
    .execute(&mut *conn)
    .await?;
    sqlx::query("delete from secret_versions where secret_id = $1 and version <= $2")
        .bind(version.secret_id)
        .bind(version.version - keep)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn update_settings(
    conn: &mut PgConnection,
    id: Uuid,
    description: &str,
    rotation_days: Option<i32>,
    actor_label: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "update secrets set description = $2, rotation_days = $3, updated_by_label = $4, updated_at = now() where id = $1",
    )
    .bind(id)
    .bind(description)
    .bind(rotation_days)
    .bind(actor_label)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn delete(conn: &mut PgConnection, id: Uuid) -> Result<(), sqlx::Error> {
    sqlx::query("delete from secrets where id = $1")
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn sealed_version(conn: &mut PgConnection, id: Uuid, version: i32) -> Result<Option<Vec<u8>>, sqlx::Error> {
    sqlx::query_scalar("select sealed from secret_versions where secret_id = $1 and version = $2")
        .bind(id)
        .bind(version)
        .fetch_optional(conn)
        .await
}

#[derive(sqlx::FromRow)]
pub struct VersionRow {
    pub version: i32,
    pub origin: String,
    pub rolled_back_from: Option<i32>,
    pub created_by_label: String,
    pub created_at: DateTime<Utc>,
}

pub async fn versions(pool: &PgPool, id: Uuid) -> Result<Vec<VersionRow>, sqlx::Error> {
    sqlx::query_as(
        "select version, origin, rolled_back_from, created_by_label, created_at from secret_versions \
         where secret_id = $1 order by version desc",
    )
    .bind(id)
    .fetch_all(pool)
    .await
}

#[derive(sqlx::FromRow)]
pub struct TrailRow {
    pub at: DateTime<Utc>,
    pub actor_label: String,
    pub action: String,
    pub detail: serde_json::Value,
}

/// The latest audit entries about one secret: reads and writes.
pub async fn trail(pool: &PgPool, id: Uuid) -> Result<Vec<TrailRow>, sqlx::Error> {
    sqlx::query_as(
        "select at, actor_label, action, detail from audit_log where object_type = 'secret' and object_id = $1 \
         order by id desc limit 100",
    )
    .bind(id.to_string())
    .fetch_all(pool)
    .await
}

/// Records an event for other modules, and wakes listeners.
pub async fn emit_event(
    conn: &mut PgConnection,
    topic: &str,
    subject_id: Uuid,
    payload: serde_json::Value,
) -> Result<i64, sqlx::Error> {
    let id: i64 = sqlx::query_scalar(
        "insert into events (org_id, topic, subject_id, payload) values ($1, $2, $3, $4) returning id",
    )
    .bind(DEFAULT_ORG_ID)
    .bind(topic)
    .bind(subject_id.to_string())
    .bind(payload)
    .fetch_one(&mut *conn)
    .await?;
    sqlx::query("select pg_notify('gantry_events', $1)")
        .bind(id.to_string())
        .execute(conn)
        .await?;
    Ok(id)
}

//! SQL of authentication: users, recovery codes, signed-in sessions and login history.

use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use crate::request_meta::RequestMeta;

/// The default organisation, until organisations arrive.
pub const DEFAULT_ORG: Uuid = Uuid::from_u128(1);

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct UserRow {
    pub id: Uuid,
    pub email: String,
    pub display_name: String,
    pub password_hash: String,
    pub totp_secret: Option<Vec<u8>>,
    pub totp_last_step: Option<i64>,
    pub recovery_used_at: Option<DateTime<Utc>>,
}

const USER_COLUMNS: &str = "id, email, display_name, password_hash, totp_secret, totp_last_step, recovery_used_at";

pub async fn any_user_exists(pool: &PgPool) -> sqlx::Result<bool> {
    sqlx::query_scalar("select exists (select 1 from users)")
        .fetch_one(pool)
        .await
}

/// Inserts the first admin unless a user exists. Two racing calls create exactly one: the
/// advisory lock serializes them and the second sees the first's row.
pub async fn create_first_admin(
    conn: &mut PgConnection,
    id: Uuid,
    email: &str,
    display_name: &str,
    password_hash: &str,
) -> sqlx::Result<bool> {
    sqlx::query("select pg_advisory_xact_lock(hashtext('gantry.setup'))")
        .execute(&mut *conn)
        .await?;
    let exists: bool = sqlx::query_scalar("select exists (select 1 from users)")
        .fetch_one(&mut *conn)
        .await?;
    if exists {
        return Ok(false);
    }
    sqlx::query("insert into users (id, org_id, email, display_name, password_hash) values ($1, $2, $3, $4, $5)")
        .bind(id)
        .bind(DEFAULT_ORG)
        .bind(email)
        .bind(display_name)
        .bind(password_hash)
        .execute(&mut *conn)
        .await?;
    Ok(true)
}

pub async fn user_by_email(pool: &PgPool, email: &str) -> sqlx::Result<Option<UserRow>> {
    sqlx::query_as(&format!(
        "select {USER_COLUMNS} from users where lower(email) = lower($1)"
    ))
    .bind(email.trim())
    .fetch_optional(pool)
    .await
}

pub async fn user_by_id(pool: &PgPool, id: Uuid) -> sqlx::Result<Option<UserRow>> {
    sqlx::query_as(&format!("select {USER_COLUMNS} from users where id = $1"))
        .bind(id)
        .fetch_optional(pool)
        .await
}

pub async fn set_password_hash(conn: &mut PgConnection, id: Uuid, hash: &str, changed: bool) -> sqlx::Result<()> {
    sqlx::query(
        "update users set password_hash = $2, updated_at = now(),
           password_changed_at = case when $3 then now() else password_changed_at end
         where id = $1",
    )
    .bind(id)
    .bind(hash)
    .bind(changed)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn set_display_name(conn: &mut PgConnection, id: Uuid, name: &str) -> sqlx::Result<()> {
    sqlx::query("update users set display_name = $2, updated_at = now() where id = $1")
        .bind(id)
        .bind(name)
        .execute(conn)
        .await?;
    Ok(())
}

/// Stores a newly confirmed TOTP seed and the step of the code that confirmed it.
pub async fn set_totp(conn: &mut PgConnection, id: Uuid, sealed: &[u8], step: i64) -> sqlx::Result<()> {
    sqlx::query(
        "update users set totp_secret = $2, totp_last_step = $3, totp_enabled_at = now(), updated_at = now()
         where id = $1",
    )
    .bind(id)
    .bind(sealed)
    .bind(step)
    .execute(conn)
    .await?;
    Ok(())
}

/// Records `step` as used, only if it is newer than the last one: of two concurrent uses of the
/// same code, exactly one wins.
pub async fn advance_totp_step(pool: &PgPool, id: Uuid, step: i64) -> sqlx::Result<bool> {
    let updated = sqlx::query(
        "update users set totp_last_step = $2 where id = $1 and (totp_last_step is null or totp_last_step < $2)",
    )
    .bind(id)
    .bind(step)
    .execute(pool)
    .await?;
    Ok(updated.rows_affected() == 1)
}

pub async fn replace_recovery_codes(conn: &mut PgConnection, user_id: Uuid, hashes: &[Vec<u8>]) -> sqlx::Result<()> {
    sqlx::query("delete from recovery_codes where user_id = $1")
        .bind(user_id)
        .execute(&mut *conn)
        .await?;
    sqlx::query("insert into recovery_codes (user_id, code_hash) select $1, unnest($2::bytea[])")
        .bind(user_id)
        .bind(hashes)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Marks a recovery code used; false when it does not exist or was used already.
pub async fn use_recovery_code(pool: &PgPool, user_id: Uuid, hash: &[u8]) -> sqlx::Result<bool> {
    let used = sqlx::query(
        "update recovery_codes set used_at = now() where user_id = $1 and code_hash = $2 and used_at is null",
    )
    .bind(user_id)
    .bind(hash)
    .execute(pool)
    .await?;
    if used.rows_affected() == 1 {
        sqlx::query("update users set recovery_used_at = now() where id = $1")
            .bind(user_id)
            .execute(pool)
            .await?;
    }
    Ok(used.rows_affected() == 1)
}

pub async fn unused_recovery_codes(pool: &PgPool, user_id: Uuid) -> sqlx::Result<i64> {
    sqlx::query_scalar("select count(*) from recovery_codes where user_id = $1 and used_at is null")
        .bind(user_id)
        .fetch_one(pool)
        .await
}

/// Takes (and clears) the time a recovery code was last used, to tell the user at this sign-in.
pub async fn take_recovery_notice(pool: &PgPool, user_id: Uuid) -> sqlx::Result<Option<DateTime<Utc>>> {
    sqlx::query_scalar(
        "update users u set recovery_used_at = null from (select recovery_used_at from users where id = $1) old
         where u.id = $1 returning old.recovery_used_at",
    )
    .bind(user_id)
    .fetch_one(pool)
    .await
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct SessionRow {
    pub id: Uuid,
    pub user_id: Uuid,
    pub email: String,
    pub display_name: String,
    pub created_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub mfa_at: DateTime<Utc>,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
}

const SESSION_COLUMNS: &str = "s.id, s.user_id, u.email, u.display_name, s.created_at, s.last_seen_at, s.expires_at, \
                               s.mfa_at, s.ip, s.user_agent";

pub async fn create_session(
    conn: &mut PgConnection,
    id: Uuid,
    user_id: Uuid,
    expires_at: DateTime<Utc>,
    meta: &RequestMeta,
) -> sqlx::Result<()> {
    sqlx::query(
        "insert into user_sessions (id, user_id, expires_at, mfa_at, ip, user_agent) values ($1, $2, $3, now(), $4, $5)",
    )
    .bind(id)
    .bind(user_id)
    .bind(expires_at)
    .bind(&meta.ip)
    .bind(&meta.user_agent)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn session(pool: &PgPool, id: Uuid) -> sqlx::Result<Option<SessionRow>> {
    sqlx::query_as(&format!(
        "select {SESSION_COLUMNS} from user_sessions s join users u on u.id = s.user_id where s.id = $1"
    ))
    .bind(id)
    .fetch_optional(pool)
    .await
}

pub async fn sessions_of(pool: &PgPool, user_id: Uuid) -> sqlx::Result<Vec<SessionRow>> {
    sqlx::query_as(&format!(
        "select {SESSION_COLUMNS} from user_sessions s join users u on u.id = s.user_id
         where s.user_id = $1 order by s.last_seen_at desc"
    ))
    .bind(user_id)
    .fetch_all(pool)
    .await
}

pub async fn touch_session(pool: &PgPool, id: Uuid, meta: &RequestMeta) -> sqlx::Result<()> {
    sqlx::query("update user_sessions set last_seen_at = now(), ip = coalesce($2, ip) where id = $1")
        .bind(id)
        .bind(&meta.ip)
        .execute(pool)
        .await?;
    Ok(())
}

pub async fn set_session_mfa(pool: &PgPool, id: Uuid) -> sqlx::Result<()> {
    sqlx::query("update user_sessions set mfa_at = now() where id = $1")
        .bind(id)
        .execute(pool)
        .await?;
    Ok(())
}

/// Deletes one of the user's sessions; false if it was not theirs or is gone.
pub async fn delete_session(conn: &mut PgConnection, user_id: Uuid, id: Uuid) -> sqlx::Result<bool> {
    let deleted = sqlx::query("delete from user_sessions where id = $1 and user_id = $2")
        .bind(id)
        .bind(user_id)
        .execute(conn)
        .await?;
    Ok(deleted.rows_affected() == 1)
}

pub async fn delete_other_sessions(conn: &mut PgConnection, user_id: Uuid, keep: Uuid) -> sqlx::Result<u64> {
    let deleted = sqlx::query("delete from user_sessions where user_id = $1 and id <> $2")
        .bind(user_id)
        .bind(keep)
        .execute(conn)
        .await?;
    Ok(deleted.rows_affected())
}

pub async fn delete_expired_session(pool: &PgPool, id: Uuid) -> sqlx::Result<()> {
    sqlx::query("delete from user_sessions where id = $1")
        .bind(id)
        .execute(pool)
        .await?;
    Ok(())
}

/// One sign-in attempt, for the login history.
pub struct Attempt<'a> {
    pub email: &'a str,
    pub user_id: Option<Uuid>,
    pub step: &'static str,
    pub success: bool,
    pub reason: &'static str,
}

pub async fn record_attempt(pool: &PgPool, attempt: Attempt<'_>, meta: &RequestMeta) -> sqlx::Result<()> {
    sqlx::query(
        "insert into login_attempts (email, user_id, step, success, reason, ip, user_agent)
         values ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(attempt.email.chars().take(320).collect::<String>())
    .bind(attempt.user_id)
    .bind(attempt.step)
    .bind(attempt.success)
    .bind(attempt.reason)
    .bind(&meta.ip)
    .bind(&meta.user_agent)
    .execute(pool)
    .await?;
    Ok(())
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct AttemptRow {
    pub at: DateTime<Utc>,
    pub step: String,
    pub success: bool,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
}

pub async fn attempts_of(pool: &PgPool, user_id: Uuid, limit: i64) -> sqlx::Result<Vec<AttemptRow>> {
    sqlx::query_as(
        "select at, step, success, ip, user_agent from login_attempts where user_id = $1 order by at desc limit $2",
    )
    .bind(user_id)
    .bind(limit)
    .fetch_all(pool)
    .await
}

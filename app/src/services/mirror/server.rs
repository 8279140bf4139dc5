//! Storing a service's mirror and pushing its repository there. A failed push never undoes the
//! commit it follows: it is recorded on the mirror (shown on the service page) and audited.

use base64::Engine;
use secrecy::ExposeSecret;
use serde_json::json;
use sqlx::PgPool;
use uuid::Uuid;

use super::types::{check_url, Mirror, MirrorForm};
use crate::audit::server::record_by_user;
use crate::auth::server::AuthUser;
use crate::error::{AppError, FieldError};
use crate::request_meta::RequestMeta;
use crate::secrets::server::references::resolve;
use crate::secrets::types::check_name;
use crate::services::server::repo as services;
use crate::services::wizard::server::git::{push_main, repository_path};
use crate::state::AppState;

/// The environment whose secrets (besides the global ones) a mirror's token may come from.
const TOKEN_ENVIRONMENT: &str = "production";

type MirrorRow = (
    String,
    String,
    Option<String>,
    Option<chrono::DateTime<chrono::Utc>>,
    Option<bool>,
    Option<String>,
);

/// A service's mirror, if it has one.
pub async fn get(pool: &PgPool, service_id: Uuid) -> Result<Option<Mirror>, sqlx::Error> {
    let row: Option<MirrorRow> = sqlx::query_as(
        "select url, username, token_secret, last_push_at, last_push_ok, last_error from service_mirrors where service_id = $1",
    )
    .bind(service_id)
    .fetch_optional(pool)
    .await?;
    Ok(row.map(
        |(url, username, token_secret, last_push_at, last_push_ok, last_error)| Mirror {
            url,
            username,
            token_secret,
            last_push_at,
            last_push_ok,
            last_error,
        },
    ))
}

async fn service_id(state: &AppState, slug: &str) -> Result<Uuid, AppError> {
    services::get_by_slug(&state.pool, slug)
        .await?
        .map(|record| record.id)
        .ok_or_else(|| AppError::NotFound {
            what: "The service".into(),
        })
}

/// Sets (or replaces) a service's mirror, then pushes to it; the push's outcome is on the mirror.
pub async fn save(state: &AppState, meta: &RequestMeta, user: &AuthUser, form: MirrorForm) -> Result<Mirror, AppError> {
    let mut fields = Vec::new();
    let url = check_url(&form.url).map_err(|message| fields.push(FieldError::new("url", message)));
    let username = form.username.trim().to_owned();
    if username.len() > 100 || username.contains(char::is_whitespace) {
        fields.push(FieldError::new("username", "Use at most 100 characters, no spaces"));
    }
    let token_secret = Some(form.token_secret.trim().to_owned()).filter(|name| !name.is_empty());
    if let Some(name) = &token_secret {
        if let Err(message) = check_name(name) {
            fields.push(FieldError::new("token_secret", message));
        }
    }
    let (Ok(url), true) = (url, fields.is_empty()) else {
        return Err(AppError::Invalid {
            message: "The mirror was not saved".into(),
            fields,
        });
    };
    let id = service_id(state, &form.slug).await?;
    let mut tx = state.pool.begin().await?;
    sqlx::query(
        "insert into service_mirrors (service_id, url, username, token_secret) values ($1, $2, $3, $4) \
         on conflict (service_id) do update set url = $2, username = $3, token_secret = $4, \
         last_push_at = null, last_push_ok = null, last_error = null, updated_at = now()",
    )
    .bind(id)
    .bind(&url)
    .bind(&username)
    .bind(&token_secret)
    .execute(&mut *tx)
    .await?;
    let detail = json!({ "slug": form.slug, "url": url, "credentials_from": token_secret });
    record_by_user(&mut tx, meta, user, "service.mirror.set", ("service", id), detail).await?;
    tx.commit().await?;
    push(state, meta, user, id, &form.slug).await
}

/// Stops mirroring (the remote keeps what it has).
pub async fn remove(state: &AppState, meta: &RequestMeta, user: &AuthUser, slug: &str) -> Result<(), AppError> {
    let id = service_id(state, slug).await?;
    let mut tx = state.pool.begin().await?;
    sqlx::query("delete from service_mirrors where service_id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    record_by_user(
        &mut tx,
        meta,
        user,
        "service.mirror.removed",
        ("service", id),
        json!({ "slug": slug }),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Pushes now (the "Push now" button).
pub async fn push_now(state: &AppState, meta: &RequestMeta, user: &AuthUser, slug: &str) -> Result<Mirror, AppError> {
    let id = service_id(state, slug).await?;
    push(state, meta, user, id, slug).await
}

/// Pushes `main` to the service's mirror, if it has one, and records how it went. Called after
/// every commit Gantry makes to the repository.
pub async fn push(
    state: &AppState,
    meta: &RequestMeta,
    user: &AuthUser,
    id: Uuid,
    slug: &str,
) -> Result<Mirror, AppError> {
    let Some(mirror) = get(&state.pool, id).await? else {
        return Err(AppError::NotFound {
            what: "The mirror".into(),
        });
    };
    let mut tx = state.pool.begin().await?;
    let outcome = match authorization(state, &mut tx, meta, id, &mirror).await {
        Ok(header) => push_main(
            &repository_path(&state.info.data_dir, slug),
            &mirror.url,
            header.as_ref().map(|h| h.expose_secret()),
        )
        .await
        .map_err(|err| err.to_string()),
        Err(message) => Err(message),
    };
    sqlx::query(
        "update service_mirrors set last_push_at = now(), last_push_ok = $2, last_error = $3 where service_id = $1",
    )
    .bind(id)
    .bind(outcome.is_ok())
    .bind(outcome.as_ref().err())
    .execute(&mut *tx)
    .await?;
    let detail = json!({ "slug": slug, "url": mirror.url, "ok": outcome.is_ok(), "error": outcome.as_ref().err() });
    record_by_user(&mut tx, meta, user, "service.mirror.pushed", ("service", id), detail).await?;
    tx.commit().await?;
    get(&state.pool, id).await?.ok_or_else(|| AppError::NotFound {
        what: "The mirror".into(),
    })
}

/// `Basic base64(user:token)` from the token secret (read and audited like any deploy-time read).
async fn authorization(
    state: &AppState,
    conn: &mut sqlx::PgConnection,
    meta: &RequestMeta,
    service: Uuid,
    mirror: &Mirror,
) -> Result<Option<secrecy::SecretString>, String> {
    let Some(name) = &mirror.token_secret else {
        return Ok(None);
    };
    let token = resolve(
        conn,
        &state.security.keys,
        service,
        TOKEN_ENVIRONMENT,
        &format!("${{secret:{name}}}"),
        meta,
    )
    .await
    .map_err(|err| format!("The token could not be read: {err}"))?;
    let user = if mirror.username.is_empty() {
        "gantry"
    } else {
        &mirror.username
    };
    let encoded = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{}", token.expose_secret()));
    Ok(Some(format!("Basic {encoded}").into()))
}

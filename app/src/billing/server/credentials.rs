//! The Stripe keys, kept in Secrets (global scope, encrypted, versioned): the secret API key and
//! the webhook signing secret. After the signing secret changes, its previous value is still
//! accepted for a day, as Stripe keeps signing with both while a secret is rolled.

use chrono::{Duration, Utc};
use secrecy::SecretString;
use sqlx::PgConnection;
use uuid::Uuid;

use super::BillingError;
use crate::audit::server::DEFAULT_ORG_ID;
use crate::crypto::keyring::Keyring;
use crate::secrets::server::values::read_version;

/// The secret holding Stripe's secret API key.
pub const API_KEY_NAME: &str = "GANTRY_STRIPE_SECRET_KEY";
/// The secret holding the webhook endpoint's signing secret.
pub const SIGNING_KEY_NAME: &str = "GANTRY_STRIPE_WEBHOOK_SECRET";

/// How long the previous signing secret stays valid after a change.
const ROLL_WINDOW_HOURS: i64 = 24;

#[derive(sqlx::FromRow)]
struct StoredKey {
    id: Uuid,
    current_version: i32,
    value_changed_at: chrono::DateTime<Utc>,
}

async fn stored(conn: &mut PgConnection, name: &str) -> Result<Option<StoredKey>, sqlx::Error> {
    sqlx::query_as(
        "select id, current_version, value_changed_at from secrets \
         where org_id = $1 and name = $2 and service_id is null",
    )
    .bind(DEFAULT_ORG_ID)
    .bind(name)
    .fetch_optional(conn)
    .await
}

/// Whether a key of that name is stored.
pub async fn is_set(conn: &mut PgConnection, name: &str) -> Result<bool, sqlx::Error> {
    Ok(stored(conn, name).await?.is_some())
}

/// The secret API key, if stored.
pub async fn api_key(conn: &mut PgConnection, keyring: &Keyring) -> Result<Option<SecretString>, BillingError> {
    let Some(key) = stored(conn, API_KEY_NAME).await? else {
        return Ok(None);
    };
    Ok(Some(read_version(conn, keyring, key.id, key.current_version).await?))
}

/// The signing secrets a webhook may be signed with: the current one, and the previous one
/// while the last change is less than a day old.
pub async fn signing_keys(conn: &mut PgConnection, keyring: &Keyring) -> Result<Vec<SecretString>, BillingError> {
    let Some(key) = stored(conn, SIGNING_KEY_NAME).await? else {
        return Ok(Vec::new());
    };
    let mut keys = vec![read_version(conn, keyring, key.id, key.current_version).await?];
    let rolling = Utc::now() - key.value_changed_at < Duration::hours(ROLL_WINDOW_HOURS);
    if rolling && key.current_version > 1 {
        if let Ok(previous) = read_version(conn, keyring, key.id, key.current_version - 1).await {
            keys.push(previous);
        }
    }
    Ok(keys)
}

//! Sealing and opening secret values, the rotation clock, and the audit entries of the module.

use chrono::{DateTime, Duration, Utc};
use secrecy::{ExposeSecret, SecretString};
use sqlx::PgConnection;
use uuid::Uuid;

use super::scope::Scope;
use crate::audit::server::record_by_user;
use crate::auth::server::AuthUser;
use crate::crypto::{envelope, keyring::Keyring};
use crate::error::AppError;
use crate::request_meta::RequestMeta;
use crate::secrets::types::RotationStatus;

/// The associated data binding a sealed value to its secret and version: a ciphertext copied to
/// another row or version does not open.
pub fn value_aad(secret_id: Uuid, version: i32) -> Vec<u8> {
    format!("gantry:secret:{secret_id}:v{version}").into_bytes()
}

pub async fn seal_value(
    conn: &mut PgConnection,
    keyring: &Keyring,
    scope: &Scope,
    secret_id: Uuid,
    version: i32,
    value: &SecretString,
) -> Result<Vec<u8>, AppError> {
    envelope::seal(
        conn,
        keyring,
        &scope.data_key_scope(),
        &value_aad(secret_id, version),
        value.expose_secret().as_bytes(),
    )
    .await
    .map_err(AppError::internal)
}

/// The value of one stored version, or `NotFound` when that version was pruned or never existed.
pub async fn read_version(
    conn: &mut PgConnection,
    keyring: &Keyring,
    secret_id: Uuid,
    version: i32,
) -> Result<SecretString, AppError> {
    let sealed = super::repo::sealed_version(conn, secret_id, version)
        .await?
        .ok_or_else(|| AppError::NotFound {
            what: format!("Version {version}"),
        })?;
    open_value(conn, keyring, secret_id, version, &sealed).await
}

/// Refuses a service scope whose service is gone (archived or deleted).
pub async fn ensure_scope_exists(conn: &mut PgConnection, scope: &Scope) -> Result<(), AppError> {
    if let Some(service) = scope.service_id() {
        if !super::repo::service_exists(conn, service).await? {
            return Err(super::scope::field_error(
                "scope",
                "That service no longer exists; choose another scope",
            ));
        }
    }
    Ok(())
}

pub async fn open_value(
    conn: &mut PgConnection,
    keyring: &Keyring,
    secret_id: Uuid,
    version: i32,
    sealed: &[u8],
) -> Result<SecretString, AppError> {
    let plain = envelope::open(conn, keyring, &value_aad(secret_id, version), sealed)
        .await
        .map_err(AppError::internal)?;
    let text =
        String::from_utf8(plain.to_vec()).map_err(|_| AppError::internal("a stored secret value is not UTF-8"))?;
    Ok(SecretString::from(text))
}

/// Where a value stands against its rotation policy at `now`, and when it is due.
pub fn rotation_status(
    changed_at: DateTime<Utc>,
    rotation_days: Option<i32>,
    now: DateTime<Utc>,
) -> (RotationStatus, Option<DateTime<Utc>>) {
    let Some(days) = rotation_days else {
        return (RotationStatus::Unmanaged, None);
    };
    let period = Duration::days(days.into());
    let deadline = changed_at + period;
    let warning = std::cmp::min(Duration::days(7), period / 4);
    let status = if now >= deadline {
        RotationStatus::Overdue
    } else if now >= deadline - warning {
        RotationStatus::Due
    } else {
        RotationStatus::Current
    };
    (status, Some(deadline))
}

/// Appends an audit entry about one secret (never its value).
pub async fn audit(
    conn: &mut PgConnection,
    meta: &RequestMeta,
    user: &AuthUser,
    action: &str,
    secret_id: Uuid,
    detail: serde_json::Value,
) -> Result<(), AppError> {
    record_by_user(conn, meta, user, action, ("secret", secret_id), detail).await?;
    Ok(())
}

/// A secret id from the page, or `NotFound`.
pub fn parse_id(id: &str) -> Result<Uuid, AppError> {
    Uuid::parse_str(id.trim()).map_err(|_| not_found())
}

pub fn not_found() -> AppError {
    AppError::NotFound {
        what: "The secret".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rotation_turns_due_a_week_before_the_deadline_and_overdue_after_it() {
        let changed = Utc::now() - Duration::days(100);
        let at = |days: i64| changed + Duration::days(days);
        assert_eq!(rotation_status(changed, None, at(1000)).0, RotationStatus::Unmanaged);
        assert_eq!(rotation_status(changed, Some(90), at(80)).0, RotationStatus::Current);
        assert_eq!(rotation_status(changed, Some(90), at(84)).0, RotationStatus::Due);
        assert_eq!(rotation_status(changed, Some(90), at(90)).0, RotationStatus::Overdue);
        assert_eq!(rotation_status(changed, Some(90), at(0)).1, Some(at(90)));
    }

    #[test]
    fn short_periods_warn_for_a_quarter_of_the_period() {
        let changed = Utc::now();
        let at = |hours: i64| changed + Duration::hours(hours);
        assert_eq!(rotation_status(changed, Some(4), at(71)).0, RotationStatus::Current);
        assert_eq!(rotation_status(changed, Some(4), at(73)).0, RotationStatus::Due);
    }

    #[test]
    fn the_associated_data_names_the_secret_and_the_version() {
        let id = Uuid::now_v7();
        assert_ne!(value_aad(id, 1), value_aad(id, 2));
        assert_ne!(value_aad(id, 1), value_aad(Uuid::now_v7(), 1));
    }
}

//! Every change to a secret: create, edit, roll back, rotate, delete. Each is one transaction
//! holding the change, the new sealed version, its audit entry and (for new values) an event.

use secrecy::{ExposeSecret, SecretString};
use serde_json::json;
use sqlx::PgConnection;
use uuid::Uuid;

use super::generate::generate;
use super::repo::{self, NewRow, NewVersion};
use super::scope::{field_error, invalid, Scope};
use super::values::{audit, ensure_scope_exists, not_found, parse_id, read_version, seal_value};
use crate::auth::server::AuthUser;
use crate::error::{AppError, FieldError};
use crate::request_meta::RequestMeta;
use crate::secrets::types::{
    check_name, check_value, parse_rotation_days, Generator, NewSecret, SecretChanges, MAX_DESCRIPTION_LEN,
};
use crate::state::AppState;

/// The topic of the event every new value emits.
pub const VALUE_CHANGED: &str = "secret.value_changed";

/// Creates a secret with its first version; returns its id.
pub async fn create(state: &AppState, meta: &RequestMeta, user: &AuthUser, form: NewSecret) -> Result<Uuid, AppError> {
    let mut errors = Vec::new();
    let mut field = |field: &str, result: Result<(), &'static str>| {
        if let Err(message) = result {
            errors.push(FieldError {
                field: field.into(),
                message: message.into(),
            });
        }
    };
    let name = form.name.trim().to_owned();
    field("name", check_name(&name));
    let description = form.description.trim().to_owned();
    field("description", check_description(&description));
    let rotation_days = parse_rotation_days(&form.rotation_days);
    field("rotation_days", rotation_days.map(|_| ()));
    let generator = match form.generator.trim() {
        "" => None,
        other => match Generator::parse(other) {
            Some(generator) => Some(generator),
            None => {
                field("generator", Err("Choose one of the listed generators"));
                None
            }
        },
    };
    let value: SecretString = match generator {
        Some(generator) => generate(generator),
        None => {
            field("value", check_value(&form.value.0));
            SecretString::from(form.value.0)
        }
    };
    let scope = Scope::parse(&form.scope, &form.environment).map_err(|error| errors.push(error));
    let (Ok(scope), true) = (scope, errors.is_empty()) else {
        return Err(invalid(errors));
    };
    let rotation_days = rotation_days.unwrap_or_default();

    let mut tx = state.pool.begin().await?;
    ensure_scope_exists(&mut tx, &scope).await?;
    let secret = NewSecretRow {
        name: &name,
        scope: &scope,
        description: &description,
        generator,
        rotation_days,
    };
    let id = insert_secret(state, &mut tx, meta, user, secret, &value).await?;
    tx.commit().await?;
    Ok(id)
}

/// A checked secret about to be stored.
pub struct NewSecretRow<'a> {
    pub name: &'a str,
    pub scope: &'a Scope,
    pub description: &'a str,
    pub generator: Option<Generator>,
    pub rotation_days: Option<i32>,
}

/// Stores a new secret and its first version on the caller's transaction, with its audit entry.
pub async fn insert_secret(
    state: &AppState,
    conn: &mut PgConnection,
    meta: &RequestMeta,
    user: &AuthUser,
    secret: NewSecretRow<'_>,
    value: &SecretString,
) -> Result<Uuid, AppError> {
    let id = Uuid::now_v7();
    repo::insert(
        conn,
        NewRow {
            id,
            name: secret.name,
            scope: secret.scope,
            description: secret.description,
            generator: secret.generator.map(Generator::as_str),
            rotation_days: secret.rotation_days,
            actor_id: user.id,
            actor_label: &user.email,
        },
    )
    .await
    .map_err(|err| duplicate_name(err, secret.name))?;
    add_value(state, conn, user, secret.scope, id, 1, value, "created", None).await?;
    let detail = json!({
        "name": secret.name,
        "scope": secret.scope.data_key_scope(),
        "version": 1,
        "generated": secret.generator.is_some(),
    });
    audit(conn, meta, user, "secret.created", id, detail).await?;
    Ok(id)
}

/// Creates a generated secret on the caller's transaction (the creation wizard's secrets).
pub async fn create_generated(
    state: &AppState,
    conn: &mut PgConnection,
    meta: &RequestMeta,
    user: &AuthUser,
    secret: NewSecretRow<'_>,
) -> Result<Uuid, AppError> {
    let generator = secret
        .generator
        .ok_or_else(|| AppError::internal("a generated secret needs a generator"))?;
    let value = generate(generator);
    insert_secret(state, conn, meta, user, secret, &value).await
}

/// Saves the description and policy, and a new version when a new value is given.
pub async fn update(
    state: &AppState,
    meta: &RequestMeta,
    user: &AuthUser,
    form: SecretChanges,
) -> Result<(), AppError> {
    let id = parse_id(&form.id)?;
    let description = form.description.trim().to_owned();
    let mut errors = Vec::new();
    if let Err(message) = check_description(&description) {
        errors.push(FieldError::new("description", message));
    }
    let rotation_days = parse_rotation_days(&form.rotation_days).map_err(|message| {
        errors.push(FieldError::new("rotation_days", message));
    });
    let new_value = (!form.value.0.is_empty()).then(|| SecretString::from(form.value.0));
    if let Some(Err(message)) = new_value.as_ref().map(|value| check_value(value.expose_secret())) {
        errors.push(FieldError::new("value", message));
    }
    let (Ok(rotation_days), true) = (rotation_days, errors.is_empty()) else {
        return Err(invalid(errors));
    };

    let mut tx = state.pool.begin().await?;
    let row = repo::lock(&mut tx, id).await?.ok_or_else(not_found)?;
    repo::update_settings(&mut tx, id, &description, rotation_days, &user.email).await?;
    let version = match &new_value {
        Some(value) => {
            let version = row.current_version + 1;
            add_value(state, &mut tx, user, &row.scope(), id, version, value, "updated", None).await?;
            Some(version)
        }
        None => None,
    };
    audit(
        &mut tx,
        meta,
        user,
        "secret.updated",
        id,
        json!({
            "name": row.name,
            "version": version.unwrap_or(row.current_version),
            "value_changed": version.is_some(),
            "description_changed": row.description != description,
            "rotation_days": rotation_days,
        }),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Makes a new version equal to an old one; returns the new version number.
pub async fn rollback(
    state: &AppState,
    meta: &RequestMeta,
    user: &AuthUser,
    id: &str,
    version: i32,
) -> Result<i32, AppError> {
    let id = parse_id(id)?;
    let mut tx = state.pool.begin().await?;
    let row = repo::lock(&mut tx, id).await?.ok_or_else(not_found)?;
    if version == row.current_version {
        return Err(AppError::Conflict {
            message: format!("Version {version} is already the current value"),
        });
    }
    let value = read_version(&mut tx, &state.security.keys, id, version).await?;
    let new_version = row.current_version + 1;
    add_value(
        state,
        &mut tx,
        user,
        &row.scope(),
        id,
        new_version,
        &value,
        "rolled_back",
        Some(version),
    )
    .await?;
    audit(
        &mut tx,
        meta,
        user,
        "secret.rolled_back",
        id,
        json!({ "name": row.name, "version": new_version, "from_version": version }),
    )
    .await?;
    tx.commit().await?;
    Ok(new_version)
}

/// Rotates a generated secret: a fresh value of the same kind. Returns the new version number.
pub async fn rotate(state: &AppState, meta: &RequestMeta, user: &AuthUser, id: &str) -> Result<i32, AppError> {
    let id = parse_id(id)?;
    let mut tx = state.pool.begin().await?;
    let row = repo::lock(&mut tx, id).await?.ok_or_else(not_found)?;
    let Some(generator) = row.generator.as_deref().and_then(Generator::parse) else {
        return Err(AppError::Conflict {
            message: "This value was typed in, so Gantry cannot make a new one: enter the new value with Edit".into(),
        });
    };
    let version = row.current_version + 1;
    add_value(
        state,
        &mut tx,
        user,
        &row.scope(),
        id,
        version,
        &generate(generator),
        "rotated",
        None,
    )
    .await?;
    audit(
        &mut tx,
        meta,
        user,
        "secret.rotated",
        id,
        json!({ "name": row.name, "version": version }),
    )
    .await?;
    tx.commit().await?;
    Ok(version)
}

/// Deletes a secret and every version, once the user typed its name.
pub async fn delete(
    state: &AppState,
    meta: &RequestMeta,
    user: &AuthUser,
    id: &str,
    confirm_name: &str,
) -> Result<(), AppError> {
    let id = parse_id(id)?;
    let mut tx = state.pool.begin().await?;
    let row = repo::lock(&mut tx, id).await?.ok_or_else(not_found)?;
    if confirm_name.trim() != row.name {
        return Err(field_error("confirm_name", format!("Type {} to confirm", row.name)));
    }
    repo::delete(&mut tx, id).await?;
    audit(
        &mut tx,
        meta,
        user,
        "secret.deleted",
        id,
        json!({ "name": row.name, "scope": row.scope().data_key_scope(), "versions": row.current_version }),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Seals `value` as `version` of the secret, makes it current, prunes old versions and emits
/// the value-changed event.
#[allow(clippy::too_many_arguments)]
pub(super) async fn add_value(
    state: &AppState,
    conn: &mut PgConnection,
    user: &AuthUser,
    scope: &Scope,
    id: Uuid,
    version: i32,
    value: &SecretString,
    origin: &str,
    rolled_back_from: Option<i32>,
) -> Result<(), AppError> {
    let sealed = seal_value(conn, &state.security.keys, scope, id, version, value).await?;
    repo::add_version(
        conn,
        NewVersion {
            secret_id: id,
            version,
            sealed: &sealed,
            origin,
            rolled_back_from,
            actor_id: user.id,
            actor_label: &user.email,
        },
        state.security.secret_versions_kept,
    )
    .await?;
    repo::emit_event(conn, VALUE_CHANGED, id, json!({ "version": version, "origin": origin })).await?;
    Ok(())
}

fn check_description(description: &str) -> Result<(), &'static str> {
    if description.chars().count() > MAX_DESCRIPTION_LEN {
        return Err("Keep the description under 500 characters");
    }
    Ok(())
}

/// A unique-name violation as a field error; anything else stays internal.
pub(super) fn duplicate_name(err: sqlx::Error, name: &str) -> AppError {
    match &err {
        sqlx::Error::Database(db) if db.constraint() == Some("secrets_scope_name_key") => {
            field_error("name", format!("A secret named {name} already exists in this scope"))
        }
        _ => AppError::from(err),
    }
}

/// Stores `value` as the global secret `name` on the caller's transaction: a new secret, or a
/// new version of the existing one (other modules keep their credentials here this way).
pub async fn set_global(
    state: &AppState,
    conn: &mut PgConnection,
    meta: &RequestMeta,
    user: &AuthUser,
    name: &str,
    description: &str,
    value: &SecretString,
) -> Result<Uuid, AppError> {
    if let Err(message) = check_value(value.expose_secret()) {
        return Err(field_error("value", message));
    }
    let scope = Scope::Global;
    match repo::find_in_scope(conn, &scope, name).await? {
        Some(row) => {
            let version = row.current_version + 1;
            add_value(state, conn, user, &scope, row.id, version, value, "updated", None).await?;
            let detail = json!({ "name": name, "version": version, "value_changed": true });
            audit(conn, meta, user, "secret.updated", row.id, detail).await?;
            Ok(row.id)
        }
        None => {
            let secret = NewSecretRow {
                name,
                scope: &scope,
                description,
                generator: None,
                rotation_days: None,
            };
            insert_secret(state, conn, meta, user, secret, value).await
        }
    }
}

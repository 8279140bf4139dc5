//! `.env` import: a preview that says what each line would do, then an apply that does all of it
//! in one transaction or nothing. Bad lines are reported by line number, never with their value.

use serde_json::json;
use uuid::Uuid;

use super::dotenv::{self, DotenvEntry};
use super::repo::{self, NewRow};
use super::scope::{field_error, Scope};
use super::values::{audit, ensure_scope_exists};
use super::write::{add_value, duplicate_name};
use crate::auth::server::AuthUser;
use crate::error::AppError;
use crate::request_meta::RequestMeta;
use crate::secrets::types::{ImportItem, ImportLineError, ImportPlan, ImportRequest};
use crate::state::AppState;

/// The largest file accepted (1000 entries of a few KiB fit easily).
const MAX_IMPORT_BYTES: usize = 1024 * 1024;

/// What applying `request` would do; changes nothing.
pub async fn preview(state: &AppState, request: ImportRequest) -> Result<ImportPlan, AppError> {
    let (scope, parsed) = read(&request)?;
    let entries = match parsed {
        Ok(entries) => entries,
        Err(errors) => return Ok(plan_with_errors(errors)),
    };
    let mut tx = state.pool.begin().await?;
    let mut items = Vec::with_capacity(entries.len());
    for entry in &entries {
        let exists = repo::find_in_scope(&mut tx, &scope, &entry.name).await?.is_some();
        items.push(ImportItem {
            line: entry.line,
            name: entry.name.clone(),
            exists,
        });
    }
    tx.rollback().await?;
    Ok(ImportPlan {
        items,
        errors: Vec::new(),
    })
}

/// Creates or adds a version to every secret in the file; returns how many. Any bad line, or
/// any failure on the way, applies nothing.
pub async fn apply(
    state: &AppState,
    meta: &RequestMeta,
    user: &AuthUser,
    request: ImportRequest,
) -> Result<usize, AppError> {
    let (scope, parsed) = read(&request)?;
    let entries = parsed.map_err(|errors| AppError::Invalid {
        message: format!(
            "Nothing was imported: {} line(s) need fixing ({})",
            errors.len(),
            errors
                .iter()
                .take(5)
                .map(|e| e.to_string())
                .collect::<Vec<_>>()
                .join("; ")
        ),
        fields: Vec::new(),
    })?;
    if entries.is_empty() {
        return Err(field_error("content", "The file has no NAME=value lines to import"));
    }
    let mut tx = state.pool.begin().await?;
    ensure_scope_exists(&mut tx, &scope).await?;
    for entry in &entries {
        import_one(state, &mut tx, meta, user, &scope, entry).await?;
    }
    tx.commit().await?;
    Ok(entries.len())
}

async fn import_one(
    state: &AppState,
    tx: &mut sqlx::PgConnection,
    meta: &RequestMeta,
    user: &AuthUser,
    scope: &Scope,
    entry: &DotenvEntry,
) -> Result<(), AppError> {
    let (id, version) = match repo::find_in_scope(tx, scope, &entry.name).await? {
        Some(row) => (row.id, row.current_version + 1),
        None => {
            let id = Uuid::now_v7();
            repo::insert(
                tx,
                NewRow {
                    id,
                    name: &entry.name,
                    scope,
                    description: "",
                    generator: None,
                    rotation_days: None,
                    actor_id: user.id,
                    actor_label: &user.email,
                },
            )
            .await
            .map_err(|err| duplicate_name(err, &entry.name))?;
            (id, 1)
        }
    };
    add_value(state, tx, user, scope, id, version, &entry.value, "imported", None).await?;
    audit(
        tx,
        meta,
        user,
        "secret.imported",
        id,
        json!({ "name": entry.name, "version": version, "line": entry.line }),
    )
    .await
}

/// The parsed file: its entries, or every bad line.
type Parsed = Result<Vec<DotenvEntry>, Vec<dotenv::DotenvError>>;

fn read(request: &ImportRequest) -> Result<(Scope, Parsed), AppError> {
    let scope = Scope::parse(&request.scope, &request.environment).map_err(|e| field_error(&e.field, e.message))?;
    if request.content.0.len() > MAX_IMPORT_BYTES {
        return Err(field_error(
            "content",
            "The file is larger than 1 MiB; split it into smaller imports",
        ));
    }
    Ok((scope, dotenv::parse(&request.content.0)))
}

fn plan_with_errors(errors: Vec<dotenv::DotenvError>) -> ImportPlan {
    ImportPlan {
        items: Vec::new(),
        errors: errors
            .into_iter()
            .map(|error| ImportLineError {
                line: error.line,
                message: error.message,
            })
            .collect(),
    }
}

//! Reading secrets: the list and detail pages (never a value), and revealing one value, which
//! takes a recent second factor and leaves a `secret.read` audit entry.

use chrono::Utc;
use secrecy::ExposeSecret;
use serde_json::json;

use super::repo::{self, SecretRow};
use super::values::{audit, not_found, parse_id, read_version, rotation_status};
use crate::auth::server::AuthUser;
use crate::error::AppError;
use crate::request_meta::RequestMeta;
use crate::secrets::types::{
    Generator, RotationStatus, SecretDetail, SecretFilter, SecretList, SecretSummary, SecretText, ServiceOption,
    TrailEntry, VersionInfo,
};
use crate::state::AppState;

/// Secrets matching the filters, with the services for the scope picker.
pub async fn list(state: &AppState, filter: SecretFilter) -> Result<SecretList, AppError> {
    let q = filter.q.as_deref().map(str::trim).filter(|q| !q.is_empty());
    let scope = filter.scope.as_deref().filter(|scope| !scope.is_empty());
    let rotation = filter.rotation.as_deref().filter(|rotation| !rotation.is_empty());
    let rows = repo::list(&state.pool, q, scope).await?;
    let secrets = rows
        .iter()
        .map(summary)
        .filter(|secret| rotation.is_none_or(|wanted| secret.rotation.as_str() == wanted))
        .collect();
    Ok(SecretList {
        secrets,
        services: services(state).await?,
        total: repo::count(&state.pool).await?,
    })
}

/// Services a secret can be scoped to.
pub async fn services(state: &AppState) -> Result<Vec<ServiceOption>, AppError> {
    Ok(repo::services(&state.pool)
        .await?
        .into_iter()
        .map(|(id, name)| ServiceOption {
            id: id.to_string(),
            name,
        })
        .collect())
}

/// One secret with its versions and its audit trail.
pub async fn detail(state: &AppState, id: &str) -> Result<SecretDetail, AppError> {
    let id = parse_id(id)?;
    let mut conn = state.pool.acquire().await?;
    let row = repo::get(&mut conn, id).await?.ok_or_else(not_found)?;
    drop(conn);
    let versions = repo::versions(&state.pool, id)
        .await?
        .into_iter()
        .map(|version| VersionInfo {
            current: version.version == row.current_version,
            version: version.version,
            origin: version.origin,
            rolled_back_from: version.rolled_back_from,
            created_at: version.created_at.to_rfc3339(),
            created_by: version.created_by_label,
        })
        .collect();
    let trail = repo::trail(&state.pool, id)
        .await?
        .into_iter()
        .map(|entry| TrailEntry {
            at: entry.at.to_rfc3339(),
            actor: entry.actor_label,
            action: entry.action,
            version: entry.detail.get("version").and_then(|v| v.as_i64()),
            note: ["reason", "purpose"]
                .iter()
                .filter_map(|key| entry.detail.get(*key)?.as_str().map(str::to_owned))
                .filter(|text| !text.is_empty())
                .reduce(|a, b| format!("{b}: {a}")),
        })
        .collect();
    Ok(SecretDetail {
        summary: summary(&row),
        rotation_days: row.rotation_days,
        created_at: row.created_at.to_rfc3339(),
        created_by: row.created_by_label,
        versions,
        trail,
        versions_kept: state.security.secret_versions_kept,
    })
}

/// How a value leaves the server.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Purpose {
    /// Shown on screen for 30 seconds.
    Reveal,
    /// Written to the clipboard without being shown.
    Copy,
}

/// One version's value (the current one by default), for a user who passed step-up.
pub async fn reveal(
    state: &AppState,
    meta: &RequestMeta,
    user: &AuthUser,
    id: &str,
    version: Option<i32>,
    purpose: Purpose,
    reason: &str,
) -> Result<SecretText, AppError> {
    let id = parse_id(id)?;
    let reason: String = reason.trim().chars().take(200).collect();
    let mut tx = state.pool.begin().await?;
    let row = repo::get(&mut tx, id).await?.ok_or_else(not_found)?;
    let version = version.unwrap_or(row.current_version);
    let value = read_version(&mut tx, &state.security.keys, id, version).await?;
    let purpose = match purpose {
        Purpose::Reveal => "reveal",
        Purpose::Copy => "copy",
    };
    audit(
        &mut tx,
        meta,
        user,
        "secret.read",
        id,
        json!({ "name": row.name, "version": version, "purpose": purpose, "reason": reason }),
    )
    .await?;
    tx.commit().await?;
    Ok(SecretText(value.expose_secret().to_owned()))
}

/// How many secrets there are, and how many are due and overdue for rotation, for the dashboard.
pub async fn rotation_counts(state: &AppState) -> Result<(i64, i64, i64), AppError> {
    let rows = repo::list(&state.pool, None, None).await?;
    let now = Utc::now();
    let statuses = rows
        .iter()
        .map(|row| rotation_status(row.value_changed_at, row.rotation_days, now).0);
    let (due, overdue) = statuses.fold((0, 0), |(due, overdue), status| match status {
        RotationStatus::Due => (due + 1, overdue),
        RotationStatus::Overdue => (due, overdue + 1),
        _ => (due, overdue),
    });
    Ok((rows.len() as i64, due, overdue))
}

fn summary(row: &SecretRow) -> SecretSummary {
    let (rotation, rotate_by) = rotation_status(row.value_changed_at, row.rotation_days, Utc::now());
    SecretSummary {
        id: row.id.to_string(),
        name: row.name.clone(),
        scope: scope_label(row),
        description: row.description.clone(),
        version: row.current_version,
        generator: row.generator.as_deref().and_then(Generator::parse),
        rotation,
        rotate_by: rotate_by.map(|at| at.to_rfc3339()),
        updated_at: row.updated_at.to_rfc3339(),
        updated_by: row.updated_by_label.clone(),
    }
}

fn scope_label(row: &SecretRow) -> String {
    match (&row.service_name, &row.environment) {
        (Some(service), Some(environment)) => format!("{service} · {environment}"),
        _ => "Global".into(),
    }
}

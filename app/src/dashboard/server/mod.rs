//! Server half of the dashboard: gathers figures from the database.

mod repo;

use chrono::Utc;

use super::types::{DashboardSummary, SecretCounts, SystemFacts};
use crate::error::AppError;
use crate::state::{AppState, DatabaseMode};

/// Reads every figure the dashboard shows.
pub async fn summary(state: &AppState) -> Result<DashboardSummary, AppError> {
    let services = repo::service_counts(&state.pool).await?;
    let database = repo::database_facts(&state.pool).await?;
    let (total, due, overdue) = crate::secrets::server::read::rotation_counts(state).await?;
    Ok(DashboardSummary {
        services,
        secrets: SecretCounts { total, due, overdue },
        system: SystemFacts {
            version: env!("CARGO_PKG_VERSION").to_owned(),
            uptime_secs: (Utc::now() - state.info.started_at).num_seconds(),
            database_embedded: state.info.database == DatabaseMode::Embedded,
            database_version: database.version,
            database_bytes: database.bytes,
            migrations_applied: database.migrations,
        },
    })
}

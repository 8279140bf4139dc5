//! Server functions of the dashboard.

use leptos::prelude::*;

use super::types::DashboardSummary;
use crate::error::AppError;

/// The figures of the dashboard.
#[server(endpoint = "dashboard")]
pub async fn get_dashboard() -> Result<DashboardSummary, AppError> {
    crate::auth::server::require_user()?;
    let state = crate::state::AppState::current()?;
    super::server::summary(&state).await
}

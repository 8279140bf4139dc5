//! `/healthz` (the process answers) and `/readyz` (and it can reach its database).

use std::time::Duration;

use app::state::AppState;
use axum::{extract::State, http::StatusCode, response::IntoResponse, Json};
use serde_json::json;

/// Liveness: always ok while the process serves requests.
pub async fn healthz() -> impl IntoResponse {
    Json(json!({ "status": "ok", "version": env!("CARGO_PKG_VERSION") }))
}

/// Readiness: ok only when a query reaches PostgreSQL within two seconds.
pub async fn readyz(State(state): State<AppState>) -> impl IntoResponse {
    let probe = sqlx::query_scalar::<_, i32>("select 1").fetch_one(&state.pool);
    match tokio::time::timeout(Duration::from_secs(2), probe).await {
        Ok(Ok(_)) => (StatusCode::OK, Json(json!({ "status": "ok", "database": "ok" }))),
        Ok(Err(err)) => {
            tracing::warn!(error = %err, "readiness probe: database unreachable");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(json!({ "status": "unavailable", "database": "unreachable" })),
            )
        }
        Err(_) => {
            tracing::warn!("readiness probe: database did not answer within 2 s");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(json!({ "status": "unavailable", "database": "timeout" })),
            )
        }
    }
}

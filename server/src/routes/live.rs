//! Server-sent event streams for live pages: container stats now (logs follow the same shape).
//! Signed-in users only; each stream ends when the browser goes away.

use std::convert::Infallible;
use std::time::Duration;

use app::auth::server::AuthUser;
use app::state::AppState;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::Extension;
use futures_util::StreamExt;
use serde::Deserialize;

#[derive(Deserialize)]
pub struct StatsQuery {
    /// Comma-separated container ids.
    ids: String,
}

/// `GET /live/stats?ids=…`: a sample per running container about every second.
pub async fn stats(
    State(state): State<AppState>,
    user: Option<Extension<AuthUser>>,
    Query(query): Query<StatsQuery>,
) -> Response {
    if user.is_none() {
        return StatusCode::UNAUTHORIZED.into_response();
    }
    let docker = match state.engine.docker() {
        Ok(docker) => docker,
        Err(err) => return (StatusCode::SERVICE_UNAVAILABLE, err.to_string()).into_response(),
    };
    let ids: Vec<String> = query
        .ids
        .split(',')
        .map(str::trim)
        .filter(|id| !id.is_empty() && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'))
        .map(str::to_owned)
        .collect();
    let events = app::containers::server::stats::watch(&docker, ids)
        .map(|sample| Ok::<_, Infallible>(Event::default().json_data(sample).unwrap_or_default()));
    Sse::new(events)
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
        .into_response()
}

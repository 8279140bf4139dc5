//! Container logs over HTTP: the live follow as server-sent events (one event per line, sent as
//! soon as the engine has it, then an `end` event when the containers stop) and history as a
//! `.log` download, per container and per service. Signed-in users only.

use std::convert::Infallible;
use std::time::Duration;

use app::auth::server::AuthUser;
use app::containers::server::errors::EngineError;
use app::containers::server::log_window::LogWindow;
use app::containers::server::logs;
use app::containers::types::{LogLine, LogQuery};
use app::error::AppError;
use app::state::AppState;
use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::Extension;
use futures_util::stream::{self, Stream, StreamExt};
use serde::Deserialize;

#[derive(Deserialize)]
pub struct FollowQuery {
    /// Unix seconds to start from (the last line the page has); now when absent.
    since: Option<i64>,
    /// One environment of a service; all when absent.
    environment: Option<String>,
}

/// The history filters of a download, as in [`LogQuery`].
#[derive(Deserialize)]
pub struct DownloadQuery {
    tail: Option<u32>,
    since: Option<String>,
    until: Option<String>,
    stream: Option<String>,
    environment: Option<String>,
}

impl DownloadQuery {
    fn log_query(&self) -> LogQuery {
        LogQuery {
            tail: self.tail,
            since: self.since.clone(),
            until: self.until.clone(),
            stream: self.stream.clone(),
        }
    }
}

/// `GET /live/logs/{id}?since=`: one container's new lines.
pub async fn follow(
    State(state): State<AppState>,
    user: Option<Extension<AuthUser>>,
    Path(id): Path<String>,
    Query(query): Query<FollowQuery>,
) -> Response {
    if user.is_none() {
        return StatusCode::UNAUTHORIZED.into_response();
    }
    if !logs::valid_reference(&id) {
        return (StatusCode::NOT_FOUND, "No such container").into_response();
    }
    let docker = match state.engine.docker() {
        Ok(docker) => docker,
        Err(err) => return engine_error(err),
    };
    if let Err(err) = docker.inspect_container(&id, None).await {
        return engine_error(EngineError::from_bollard(&err, state.engine.host()));
    }
    let since = query.since.unwrap_or_else(|| chrono::Utc::now().timestamp());
    events(logs::follow(&docker, &id, since))
}

/// `GET /live/service-logs/{slug}?environment=&since=`: the new lines of a service's containers.
pub async fn follow_service(
    State(state): State<AppState>,
    user: Option<Extension<AuthUser>>,
    Path(slug): Path<String>,
    Query(query): Query<FollowQuery>,
) -> Response {
    if user.is_none() {
        return StatusCode::UNAUTHORIZED.into_response();
    }
    let members = match logs::service_members(&state, &slug, query.environment.as_deref()).await {
        Ok(members) => members,
        Err(err) => return app_error(err),
    };
    let docker = match state.engine.docker() {
        Ok(docker) => docker,
        Err(err) => return engine_error(err),
    };
    let since = query.since.unwrap_or_else(|| chrono::Utc::now().timestamp());
    events(logs::follow_service(&docker, &members, since))
}

/// Each line as its own event (no batching: a line reaches the page as soon as it is written).
fn events(lines: impl Stream<Item = LogLine> + Send + 'static) -> Response {
    let lines = lines
        .map(|line| Event::default().json_data(line).unwrap_or_default())
        .chain(stream::once(async { Event::default().event("end").data("end") }))
        .map(Ok::<_, Infallible>);
    Sse::new(lines)
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
        .into_response()
}

/// `GET /live/logs/{id}/download?tail=&since=&until=&stream=`.
pub async fn download(
    State(state): State<AppState>,
    user: Option<Extension<AuthUser>>,
    Path(id): Path<String>,
    Query(query): Query<DownloadQuery>,
) -> Response {
    if user.is_none() {
        return StatusCode::UNAUTHORIZED.into_response();
    }
    if !logs::valid_reference(&id) {
        return (StatusCode::NOT_FOUND, "No such container").into_response();
    }
    let window = match LogWindow::parse(&query.log_query(), chrono::Utc::now()) {
        Ok(window) => window,
        Err(err) => return app_error(err),
    };
    let docker = match state.engine.docker() {
        Ok(docker) => docker,
        Err(err) => return engine_error(err),
    };
    match logs::history(&docker, state.engine.host(), &id, &window).await {
        Ok(lines) => attachment(&format!("container-{}", id.get(..12).unwrap_or(&id)), &lines),
        Err(err) => engine_error(err),
    }
}

/// `GET /live/service-logs/{slug}/download?environment=&tail=&since=&until=&stream=`.
pub async fn download_service(
    State(state): State<AppState>,
    user: Option<Extension<AuthUser>>,
    Path(slug): Path<String>,
    Query(query): Query<DownloadQuery>,
) -> Response {
    if user.is_none() {
        return StatusCode::UNAUTHORIZED.into_response();
    }
    let window = match LogWindow::parse(&query.log_query(), chrono::Utc::now()) {
        Ok(window) => window,
        Err(err) => return app_error(err),
    };
    let environment = query.environment.as_deref().filter(|env| !env.trim().is_empty());
    let members = match logs::service_members(&state, &slug, environment).await {
        Ok(members) => members,
        Err(err) => return app_error(err),
    };
    let docker = match state.engine.docker() {
        Ok(docker) => docker,
        Err(err) => return engine_error(err),
    };
    let name = match environment {
        Some(env) => format!("{slug}-{env}"),
        None => slug,
    };
    match logs::service_history(&docker, state.engine.host(), &members, &window).await {
        Ok(lines) => attachment(&name, &lines),
        Err(err) => engine_error(err),
    }
}

fn attachment(name: &str, lines: &[LogLine]) -> Response {
    let name: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect();
    (
        [
            (header::CONTENT_TYPE, "text/plain; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}.log\""),
            ),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        logs::as_text(lines),
    )
        .into_response()
}

fn engine_error(err: EngineError) -> Response {
    let status = match &err {
        EngineError::NotFound(_) => StatusCode::NOT_FOUND,
        EngineError::Unreachable { .. } => StatusCode::SERVICE_UNAVAILABLE,
        EngineError::Refused(_) => StatusCode::CONFLICT,
        EngineError::Failed(_) => StatusCode::BAD_GATEWAY,
    };
    (status, err.to_string()).into_response()
}

fn app_error(err: AppError) -> Response {
    let status = match &err {
        AppError::NotFound { .. } => StatusCode::NOT_FOUND,
        AppError::Invalid { .. } => StatusCode::BAD_REQUEST,
        AppError::Conflict { .. } => StatusCode::SERVICE_UNAVAILABLE,
        _ => StatusCode::INTERNAL_SERVER_ERROR,
    };
    let text = match err {
        AppError::Invalid { message, fields } => std::iter::once(message)
            .chain(fields.into_iter().map(|f| format!("{}: {}", f.field, f.message)))
            .collect::<Vec<_>>()
            .join("\n"),
        other => other.to_string(),
    };
    (status, text).into_response()
}

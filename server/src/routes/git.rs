//! `GET /git/<slug>.git/…`: service repositories, read-only, over git's "dumb" HTTP protocol
//! (plain files of the bare repository). Only signed-in users may clone: send the session
//! cookie, e.g. `git -c http.extraHeader="Cookie: gantry=…" clone http://…/git/<slug>.git`.

use axum::{
    body::Body,
    extract::{Path, State},
    http::{header, StatusCode},
    response::{IntoResponse, Response},
    Extension,
};

use app::auth::server::AuthUser;
use app::state::AppState;

pub async fn serve(
    State(state): State<AppState>,
    user: Option<Extension<AuthUser>>,
    Path(path): Path<String>,
) -> Response {
    if user.is_none() {
        return (
            StatusCode::UNAUTHORIZED,
            "Sign in to Gantry first; send the session cookie with git (see the service's page).\n",
        )
            .into_response();
    }
    let Some((repository, inner)) = path.split_once('/') else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let slug = repository.strip_suffix(".git").unwrap_or_default();
    let safe = app::services::types::check_slug(slug).is_ok()
        && !inner.is_empty()
        && inner
            .split('/')
            .all(|part| !part.is_empty() && part != "." && part != ".." && !part.contains('\\'));
    if !safe {
        return StatusCode::NOT_FOUND.into_response();
    }
    let file = state.info.data_dir.join("git").join(repository).join(inner);
    match tokio::fs::read(&file).await {
        Ok(bytes) => (
            [
                (header::CONTENT_TYPE, "application/octet-stream"),
                (header::CACHE_CONTROL, "no-cache"),
            ],
            Body::from(bytes),
        )
            .into_response(),
        Err(_) => StatusCode::NOT_FOUND.into_response(),
    }
}

//! Cache headers for static assets: compiled bundles revalidate cheaply (ETag/Last-Modified from
//! the file server), other assets are cached for a day.

use axum::{extract::Request, http::header, middleware::Next, response::Response};
use http::HeaderValue;

/// Adds `Cache-Control` to successful responses for files under `/pkg/`, `/vendor/`, the terminal
/// script and the favicon.
pub async fn cache_headers(request: Request, next: Next) -> Response {
    let policy = match request.uri().path() {
        path if path.starts_with("/pkg/") => Some("public, max-age=0, must-revalidate"),
        path if path.starts_with("/favicon") => Some("public, max-age=86400"),
        // Vendored scripts (xterm.js) and the terminal glue change only with a new release.
        path if path.starts_with("/vendor/") || path == "/terminal.js" => Some("public, max-age=0, must-revalidate"),
        _ => None,
    };
    let mut response = next.run(request).await;
    if let Some(policy) = policy {
        if response.status().is_success() {
            response
                .headers_mut()
                .insert(header::CACHE_CONTROL, HeaderValue::from_static(policy));
        }
    }
    response
}

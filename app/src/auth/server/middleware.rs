//! The auth middleware: refuses cross-site writes, resolves who is signed in, and sends page
//! requests where the sign-in state allows them to go.

use std::sync::atomic::Ordering;

use axum::{
    extract::{Request, State},
    http::{header, HeaderMap, Method, StatusCode},
    middleware::Next,
    response::{IntoResponse, Redirect, Response},
};
use tower_sessions::Session;

use super::{
    repo,
    session::{self, SignInState},
};
use crate::{error::AppError, request_meta::RequestMeta, state::AppState};

/// A one-time message for the signed-in user, shown on the next page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Notice(pub String);

/// Runs for every request, inside the session layer.
pub async fn auth_gate(State(state): State<AppState>, session: Session, mut request: Request, next: Next) -> Response {
    let path = request.uri().path().to_owned();
    if is_static(&path) {
        return next.run(request).await;
    }
    if !is_safe(request.method()) && !same_origin(request.headers()) {
        tracing::warn!(%path, "refused a cross-site request");
        return (StatusCode::FORBIDDEN, axum::Json(AppError::Forbidden)).into_response();
    }
    let meta = RequestMeta::from_http(request.headers(), request.extensions());
    let resolved = match session::resolve(&state, &session, &meta).await {
        Ok(resolved) => resolved,
        Err(err) => return (StatusCode::INTERNAL_SERVER_ERROR, axum::Json(err)).into_response(),
    };
    // Repositories are fetched by git and live streams by scripts, not browsed: they answer 401
    // instead of a sign-in page.
    let is_page = request.method() == Method::GET
        && !["/api/", "/git/", "/live/", "/ws/"]
            .iter()
            .any(|prefix| path.starts_with(prefix));
    if is_page {
        let setup_done = match setup_done(&state).await {
            Ok(done) => done,
            Err(err) => return (StatusCode::INTERNAL_SERVER_ERROR, axum::Json(err)).into_response(),
        };
        if let Some(to) = page_redirect(
            setup_done,
            &resolved,
            request.uri().path_and_query().map(|p| p.as_str()),
        ) {
            return Redirect::to(&to).into_response();
        }
        if matches!(resolved, SignInState::SignedIn(_)) {
            if let Ok(Some(notice)) = session::take_notice(&session).await {
                request.extensions_mut().insert(Notice(notice));
            }
        }
    }
    match resolved {
        SignInState::SignedIn(user) => {
            request.extensions_mut().insert(user);
        }
        SignInState::Pending(pending) => {
            request.extensions_mut().insert(pending);
        }
        SignInState::Anonymous => {}
    }
    let mut response = next.run(request).await;
    if is_page {
        // Pages show per-user data: never cache them in shared caches or the back-forward cache.
        response
            .headers_mut()
            .insert(header::CACHE_CONTROL, header::HeaderValue::from_static("no-store"));
    }
    response
}

/// True once the first admin exists; remembered, since users are never all removed.
async fn setup_done(state: &AppState) -> Result<bool, AppError> {
    if state.setup_done.load(Ordering::Relaxed) {
        return Ok(true);
    }
    let done = repo::any_user_exists(&state.pool).await?;
    if done {
        state.setup_done.store(true, Ordering::Relaxed);
    }
    Ok(done)
}

fn is_static(path: &str) -> bool {
    path.starts_with("/pkg/")
        || path.starts_with("/vendor/")
        || path.starts_with("/favicon")
        || ["/terminal.js", "/healthz", "/readyz"].contains(&path)
}

fn is_safe(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// A state-changing request must come from the panel's own pages: the browser says so with
/// `Sec-Fetch-Site`, or, for older browsers, an `Origin` naming this host.
pub fn same_origin(headers: &HeaderMap) -> bool {
    let get = |name: &str| headers.get(name).and_then(|value| value.to_str().ok());
    if let Some(site) = get("sec-fetch-site") {
        return site == "same-origin" || site == "none";
    }
    match (get("origin"), get("host")) {
        (Some(origin), Some(host)) => {
            let authority = origin
                .strip_prefix("https://")
                .or_else(|| origin.strip_prefix("http://"));
            authority == Some(host)
        }
        _ => false,
    }
}

/// Where a page request must go instead, given the sign-in state; `None` lets it through.
pub fn page_redirect(setup_done: bool, state: &SignInState, path_and_query: Option<&str>) -> Option<String> {
    let full = path_and_query.unwrap_or("/");
    let path = full.split('?').next().unwrap_or("/");
    if !setup_done {
        return (path != "/setup").then(|| "/setup".into());
    }
    match state {
        SignInState::Anonymous => match path {
            "/login" => None,
            "/" | "/setup" | "/login/verify" | "/mfa/enroll" => Some("/login".into()),
            _ => Some(format!("/login?next={}", encode_query_value(full))),
        },
        SignInState::Pending(pending) if !pending.enrolled => (path != "/mfa/enroll").then(|| "/mfa/enroll".into()),
        SignInState::Pending(_) => (path != "/login/verify").then(|| "/login/verify".into()),
        SignInState::SignedIn(_) => matches!(path, "/login" | "/login/verify" | "/setup").then(|| "/".into()),
    }
}

fn encode_query_value(value: &str) -> String {
    value
        .bytes()
        .map(|byte| match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => (byte as char).to_string(),
            other => format!("%{other:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use chrono::Utc;
    use uuid::Uuid;

    use super::*;
    use crate::auth::server::{session::PendingUser, AuthUser};

    fn signed_in() -> SignInState {
        SignInState::SignedIn(AuthUser {
            id: Uuid::nil(),
            email: "a@example.com".into(),
            display_name: "A".into(),
            session_id: Uuid::nil(),
            mfa_at: Utc::now(),
        })
    }

    #[test]
    fn before_setup_every_page_goes_to_setup() {
        assert_eq!(
            page_redirect(false, &SignInState::Anonymous, Some("/services")),
            Some("/setup".into())
        );
        assert_eq!(page_redirect(false, &SignInState::Anonymous, Some("/setup")), None);
    }

    #[test]
    fn after_setup_the_setup_page_is_gone_and_anonymous_users_sign_in_first() {
        assert_eq!(
            page_redirect(true, &SignInState::Anonymous, Some("/setup")),
            Some("/login".into())
        );
        assert_eq!(page_redirect(true, &SignInState::Anonymous, Some("/login")), None);
        assert_eq!(
            page_redirect(true, &SignInState::Anonymous, Some("/audit?actor=a b")),
            Some("/login?next=/audit%3Factor%3Da%20b".into())
        );
    }

    #[test]
    fn a_user_without_mfa_can_only_reach_enrollment() {
        let pending = SignInState::Pending(PendingUser {
            user_id: Uuid::nil(),
            enrolled: false,
        });
        assert_eq!(page_redirect(true, &pending, Some("/")), Some("/mfa/enroll".into()));
        assert_eq!(
            page_redirect(true, &pending, Some("/account")),
            Some("/mfa/enroll".into())
        );
        assert_eq!(page_redirect(true, &pending, Some("/mfa/enroll")), None);
        let enrolled = SignInState::Pending(PendingUser {
            user_id: Uuid::nil(),
            enrolled: true,
        });
        assert_eq!(
            page_redirect(true, &enrolled, Some("/secrets")),
            Some("/login/verify".into())
        );
    }

    #[test]
    fn signed_in_users_skip_the_sign_in_pages() {
        assert_eq!(page_redirect(true, &signed_in(), Some("/login")), Some("/".into()));
        assert_eq!(page_redirect(true, &signed_in(), Some("/secrets")), None);
        assert_eq!(page_redirect(true, &signed_in(), Some("/mfa/enroll")), None);
    }

    #[test]
    fn writes_are_accepted_only_from_the_panels_own_origin() {
        let headers = |pairs: &[(&'static str, &'static str)]| {
            let mut map = HeaderMap::new();
            for (name, value) in pairs {
                map.insert(*name, value.parse().unwrap());
            }
            map
        };
        assert!(same_origin(&headers(&[("sec-fetch-site", "same-origin")])));
        assert!(!same_origin(&headers(&[
            ("sec-fetch-site", "cross-site"),
            ("origin", "http://panel"),
            ("host", "panel")
        ])));
        assert!(same_origin(&headers(&[
            ("origin", "http://panel:3000"),
            ("host", "panel:3000")
        ])));
        assert!(!same_origin(&headers(&[
            ("origin", "http://evil.example"),
            ("host", "panel:3000")
        ])));
        assert!(!same_origin(&headers(&[("host", "panel:3000")])));
    }
}

//! Who is asking, from where: the facts about the current request that audit rows and login
//! history keep.

use std::net::SocketAddr;

use axum::extract::ConnectInfo;
use leptos::prelude::use_context;

/// The client's address, user agent and the request id of the current request.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RequestMeta {
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    pub request_id: Option<String>,
}

impl RequestMeta {
    /// Reads the request parts a Leptos render or server function runs in.
    pub fn current() -> Self {
        use_context::<http::request::Parts>()
            .map(|parts| Self::from_parts(&parts))
            .unwrap_or_default()
    }

    /// Reads the parts of an axum request.
    pub fn from_parts(parts: &http::request::Parts) -> Self {
        Self::from_http(&parts.headers, &parts.extensions)
    }

    /// Reads a request's headers and extensions (the connection's address is an extension).
    pub fn from_http(headers: &http::HeaderMap, extensions: &http::Extensions) -> Self {
        let header = |name: &str| {
            headers
                .get(name)
                .and_then(|value| value.to_str().ok())
                .map(|value| value.chars().take(512).collect())
        };
        Self {
            ip: extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map(|info| info.0.ip().to_string()),
            user_agent: header("user-agent"),
            request_id: header("x-request-id"),
        }
    }
}

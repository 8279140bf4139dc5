//! A small HTTP API created by Gantry. Everything it needs comes from the environment:
//!
//! - `PORT`: the port to listen on (default 8080)
//! - `HEALTH_PATH`: the path of the health endpoint (default `/healthz`; empty means the
//!   platform checks the port over TCP, and `/healthz` is still served)
//! - `GREETING`: the first word of `/api/hello`'s message (default `Hello`)
//! - `RUST_LOG`: the log filter (default `info`)
//! - `REQUIRE_API_KEY` and `API_KEY`: when `REQUIRE_API_KEY` is `true`, `/api` routes need the key
//!
//! `<binary> healthcheck` checks a running server from inside the container and exits 0 when it
//! is healthy; the compose file uses it, since the runtime image has no curl.

use std::env;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use tokio::net::TcpListener;
use tracing_subscriber::EnvFilter;

#[derive(Clone)]
struct AppState {
    greeting: Arc<str>,
    /// Set when `/api` routes require a key.
    api_key: Option<Arc<str>>,
}

#[derive(Deserialize)]
struct HelloQuery {
    name: Option<String>,
}

#[derive(Serialize)]
struct Hello {
    message: String,
    service: &'static str,
}

fn main() -> ExitCode {
    if env::args().nth(1).as_deref() == Some("healthcheck") {
        return healthcheck();
    }

    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .init();

    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(err) => {
            tracing::error!("could not start the async runtime: {err}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(serve()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            tracing::error!("{message}");
            ExitCode::FAILURE
        }
    }
}

async fn serve() -> Result<(), String> {
    let require_key = env::var("REQUIRE_API_KEY").is_ok_and(|value| value == "true");
    let api_key = env::var("API_KEY").ok().filter(|key| !key.is_empty());
    if require_key && api_key.is_none() {
        return Err("REQUIRE_API_KEY is true but API_KEY is not set".to_owned());
    }
    let state = AppState {
        greeting: Arc::from(env::var("GREETING").unwrap_or_else(|_| "Hello".to_owned())),
        api_key: if require_key {
            api_key.map(Arc::from)
        } else {
            None
        },
    };

    let health = health_route();
    let app = Router::new()
        .route(&health, get(healthz))
        .route("/api/hello", get(hello))
        .with_state(state);

    let addr = SocketAddr::from(([0, 0, 0, 0], port()));
    let listener = TcpListener::bind(addr)
        .await
        .map_err(|err| format!("could not listen on {addr}: {err}"))?;
    tracing::info!(
        "listening on {addr}, health endpoint {health}, API key required: {require_key}"
    );

    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown_signal())
        .await
        .map_err(|err| format!("server error: {err}"))?;
    tracing::info!("stopped");
    Ok(())
}

async fn healthz() -> &'static str {
    "ok\n"
}

async fn hello(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(query): Query<HelloQuery>,
) -> Response {
    if let Some(expected) = &state.api_key {
        if !authorized(&headers, expected) {
            return (StatusCode::UNAUTHORIZED, "missing or wrong API key\n").into_response();
        }
    }
    let name = query.name.as_deref().unwrap_or("world");
    Json(Hello {
        message: format!("{}, {name}!", state.greeting),
        service: env!("CARGO_PKG_NAME"),
    })
    .into_response()
}

/// Accepts the key as `X-Api-Key: <key>` or `Authorization: Bearer <key>`.
fn authorized(headers: &HeaderMap, expected: &str) -> bool {
    let presented = headers
        .get("x-api-key")
        .and_then(|value| value.to_str().ok())
        .or_else(|| {
            headers
                .get(header::AUTHORIZATION)
                .and_then(|value| value.to_str().ok())
                .and_then(|value| value.strip_prefix("Bearer "))
        });
    presented.is_some_and(|key| constant_time_eq(key.as_bytes(), expected.as_bytes()))
}

/// Compares without stopping at the first difference, so timing does not reveal the key.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn port() -> u16 {
    env::var("PORT")
        .ok()
        .and_then(|port| port.parse().ok())
        .unwrap_or(8080)
}

/// The health endpoint's path: `HEALTH_PATH` when it is a path, otherwise `/healthz`.
fn health_route() -> String {
    match env::var("HEALTH_PATH") {
        Ok(path) if path.starts_with('/') && path != "/api/hello" => path,
        _ => "/healthz".to_owned(),
    }
}

/// `<binary> healthcheck`: exits 0 when the server accepts a connection and, unless
/// `HEALTH_PATH` is set to an empty value, answers 200 on the health endpoint.
fn healthcheck() -> ExitCode {
    let addr = SocketAddr::from(([127, 0, 0, 1], port()));
    let Ok(mut stream) = TcpStream::connect_timeout(&addr, Duration::from_secs(3)) else {
        return ExitCode::FAILURE;
    };
    if env::var("HEALTH_PATH").is_ok_and(|path| path.is_empty()) {
        return ExitCode::SUCCESS;
    }
    let _ = stream.set_read_timeout(Some(Duration::from_secs(3)));
    let _ = stream.set_write_timeout(Some(Duration::from_secs(3)));
    let request = format!(
        "GET {} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
        health_route()
    );
    // "HTTP/1.1 200 OK": the status code is bytes 9 to 11.
    let mut head = [0u8; 12];
    if stream.write_all(request.as_bytes()).is_err() || stream.read_exact(&mut head).is_err() {
        return ExitCode::FAILURE;
    }
    if &head[9..12] == b"200" {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// Resolves on Ctrl-C or SIGTERM (what `docker stop` and Kubernetes send), so that requests in
/// flight finish before the process exits.
async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();

    tokio::select! {
        _ = ctrl_c => {}
        _ = terminate => {}
    }
    tracing::info!("shutting down");
}

//! `GET /ws/exec/{id}`: a shell in a container over a WebSocket, for the container page's
//! terminal. Only the panel's own pages may open one, for a signed-in user who entered an
//! authenticator code in the last five minutes. Output goes to the browser as binary frames; the
//! browser sends JSON text frames (`input`, `resize`). When either side ends, both are closed.

use std::time::Duration;

use app::auth::server::middleware::same_origin;
use app::auth::server::{AuthUser, STEP_UP_WINDOW};
use app::containers::server::exec::{self, ClientMessage, EndedBy, Opener, PreparedShell, Shell, ShellInput, ShellIo};
use app::error::AppError;
use app::request_meta::RequestMeta;
use app::state::AppState;
use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::extract::{Path, State};
use axum::http::{Extensions, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use futures_util::{SinkExt, StreamExt};

/// The largest frame the browser may send (a pasted block of text fits easily).
const MAX_FRAME: usize = 64 * 1024;
/// How often an idle session is pinged, so a vanished browser is noticed.
const PING_EVERY: Duration = Duration::from_secs(30);

/// Checks who is asking, creates the shell, then upgrades the connection.
pub async fn open(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    extensions: Extensions,
    upgrade: WebSocketUpgrade,
) -> Response {
    if !same_origin(&headers) {
        tracing::warn!(container = %id, "refused a cross-site terminal");
        return refuse(StatusCode::FORBIDDEN, AppError::Forbidden);
    }
    let Some(user) = extensions.get::<AuthUser>().cloned() else {
        return refuse(StatusCode::UNAUTHORIZED, AppError::Unauthorized);
    };
    if chrono::Utc::now() - user.mfa_at > STEP_UP_WINDOW {
        return refuse(StatusCode::FORBIDDEN, AppError::StepUpRequired);
    }
    let prepared = match exec::prepare(&state, &id).await {
        Ok(prepared) => prepared,
        Err(err @ AppError::NotFound { .. }) => return refuse(StatusCode::NOT_FOUND, err),
        Err(err) => return refuse(StatusCode::CONFLICT, err),
    };
    let opener = Opener {
        user,
        meta: RequestMeta::from_http(&headers, &extensions),
    };
    upgrade
        .max_message_size(MAX_FRAME)
        .on_upgrade(move |socket| session(socket, state, prepared, opener))
}

fn refuse(status: StatusCode, error: AppError) -> Response {
    (status, Json(error)).into_response()
}

/// Runs one shell until the shell or the browser ends it, then closes the other and audits.
async fn session(mut socket: WebSocket, state: AppState, prepared: PreparedShell, opener: Opener) {
    let (shell, io) = match prepared.start(&state, opener).await {
        Ok(started) => started,
        Err(err) => {
            let _ = socket.send(Message::Text(format!("\r\n{err}\r\n").into())).await;
            let _ = socket.send(Message::Close(None)).await;
            return;
        }
    };
    let ShellIo { mut output, mut input } = io;
    let (mut to_browser, mut from_browser) = socket.split();
    let ended_by = {
        let forward_output = async {
            let mut ping = tokio::time::interval_at(tokio::time::Instant::now() + PING_EVERY, PING_EVERY);
            loop {
                let message = tokio::select! {
                    chunk = output.next() => match chunk {
                        Some(chunk) => Message::Binary(chunk),
                        None => return EndedBy::Shell,
                    },
                    _ = ping.tick() => Message::Ping(Default::default()),
                };
                if to_browser.send(message).await.is_err() {
                    return EndedBy::Browser;
                }
            }
        };
        let forward_input = async {
            while let Some(Ok(message)) = from_browser.next().await {
                if !feed(&shell, message, &mut input).await {
                    break;
                }
            }
        };
        tokio::select! {
            ended_by = forward_output => ended_by,
            () = forward_input => EndedBy::Browser,
        }
    };
    drop(output);
    let close = CloseFrame {
        code: axum::extract::ws::close_code::NORMAL,
        reason: "session closed".into(),
    };
    let _ = to_browser.send(Message::Close(Some(close))).await;
    shell.finish(ended_by, input).await;
}

/// Hands one browser frame to the shell; false once the session should end.
async fn feed(shell: &Shell, message: Message, input: &mut ShellInput) -> bool {
    let text = match message {
        Message::Text(text) => text,
        Message::Close(_) => return false,
        _ => return true,
    };
    match serde_json::from_str::<ClientMessage>(&text) {
        Ok(message) => shell.apply(message, input).await.is_ok(),
        Err(err) => {
            tracing::debug!(error = %err, "ignored a malformed terminal frame");
            true
        }
    }
}

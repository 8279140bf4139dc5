//! [`AppError`]: the one error that crosses the wire between server functions and pages.
//!
//! Each feature's server half has its own error enum and converts into this one. Internal causes
//! are logged on the server with the request id and never sent to the browser.

use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

/// One field's validation message, shown next to that field in the form.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }
}

/// What went wrong, in words a user can act on.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum AppError {
    #[error("{what} was not found")]
    NotFound { what: String },
    #[error("{message}")]
    Invalid { message: String, fields: Vec<FieldError> },
    #[error("Please sign in to continue")]
    Unauthorized,
    #[error("You are not allowed to do this")]
    Forbidden,
    #[error("Confirm it is you: enter a code from your authenticator app first")]
    StepUpRequired,
    #[error("{message}")]
    Conflict { message: String },
    /// The organisation's plan does not allow this (a limit is reached, no plan, or a payment is
    /// overdue past its grace period); forms show it with a link to the billing page.
    #[error("{message}")]
    PlanLimit { message: String },
    #[error("Too many attempts, try again in {retry_after_secs} s")]
    RateLimited { retry_after_secs: u64 },
    #[error("Something went wrong on our side (request id {request_id})")]
    Internal { request_id: String },
    #[error("Could not reach the Gantry server; check your connection and try again")]
    Unreachable,
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Request(_) | ServerFnErrorErr::Deserialization(_) => AppError::Unreachable,
            ServerFnErrorErr::Args(_) | ServerFnErrorErr::MissingArg(_) => AppError::Invalid {
                message: "The form was incomplete or malformed; reload the page and try again".into(),
                fields: Vec::new(),
            },
            other => AppError::internal(other),
        }
    }
}

impl AppError {
    /// An internal failure: the cause is logged (server side, with the request id) and only the
    /// request id reaches the user.
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        let request_id = current_request_id();
        tracing::error!(%request_id, error = %cause, "internal error");
        AppError::Internal { request_id }
    }
}

/// The id of the request being served, as set by the server's request-id middleware.
#[cfg(feature = "ssr")]
pub fn current_request_id() -> String {
    use leptos::prelude::use_context;
    use_context::<http::request::Parts>()
        .and_then(|parts| parts.headers.get("x-request-id")?.to_str().ok().map(str::to_owned))
        .unwrap_or_else(|| "unknown".into())
}

/// In the browser there is no request to name.
#[cfg(not(feature = "ssr"))]
pub fn current_request_id() -> String {
    "unknown".into()
}

#[cfg(feature = "ssr")]
impl From<sqlx::Error> for AppError {
    fn from(err: sqlx::Error) -> Self {
        AppError::internal(err)
    }
}

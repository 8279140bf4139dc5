//! `POST /webhooks/stripe`: Stripe's event deliveries. The body is checked against the
//! `Stripe-Signature` header byte for byte, stored once in the inbox and answered at once (2xx);
//! the billing worker processes it. A bad signature answers 400, which Stripe retries and shows.

use app::billing::server::inbox::{self, Received, WebhookError};
use app::state::AppState;
use axum::{
    body::Bytes,
    extract::State,
    http::{HeaderMap, StatusCode},
    response::IntoResponse,
    Json,
};
use serde_json::json;

pub async fn webhook(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> impl IntoResponse {
    let signature = headers.get("stripe-signature").and_then(|value| value.to_str().ok());
    match inbox::receive(&state, signature, &body).await {
        Ok(received) => (
            StatusCode::OK,
            Json(json!({ "received": true, "duplicate": received == Received::Duplicate })),
        ),
        Err(WebhookError::Storage(cause)) => {
            tracing::error!(error = %cause, "stripe webhook could not be stored");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(json!({ "error": "the event could not be stored; Stripe will deliver it again" })),
            )
        }
        Err(refused) => {
            tracing::warn!(reason = %refused, "stripe webhook refused");
            (StatusCode::BAD_REQUEST, Json(json!({ "error": refused.to_string() })))
        }
    }
}

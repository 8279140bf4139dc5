//! The webhook inbox. `receive` checks the signature, stores the event once (its id is the key;
//! a repeated delivery only counts), wakes the worker and answers at once; the worker processes
//! events in their own transactions (see `worker`). The events page lists the inbox.

use chrono::{DateTime, Utc};
use sqlx::PgPool;

use super::events::Event;
use super::signature::{self, SignatureError};
use super::{credentials, rfc3339};
use crate::audit::server::DEFAULT_ORG_ID;
use crate::billing::types::{EventFilter, EventList, EventRow};
use crate::error::AppError;
use crate::state::AppState;

/// Why a delivery was refused (answered 400, so Stripe shows the reason and retries).
#[derive(Debug, thiserror::Error)]
pub enum WebhookError {
    #[error("signature: {0}")]
    Signature(#[from] SignatureError),
    #[error("the body is not a Stripe event: {0}")]
    NotAnEvent(String),
    #[error("could not store the event")]
    Storage(String),
}

/// What happened to a delivery.
#[derive(Debug, PartialEq, Eq)]
pub enum Received {
    Stored,
    Duplicate,
}

/// Verifies, parses and stores one delivery.
pub async fn receive(state: &AppState, signature_header: Option<&str>, body: &[u8]) -> Result<Received, WebhookError> {
    let storage = |err: &dyn std::fmt::Display| WebhookError::Storage(err.to_string());
    let mut conn = state.pool.acquire().await.map_err(|e| storage(&e))?;
    let secrets = credentials::signing_keys(&mut conn, &state.security.keys)
        .await
        .map_err(|e| storage(&e))?;
    signature::verify(body, signature_header, &secrets, Utc::now().timestamp())?;
    let event: Event = serde_json::from_slice(body).map_err(|err| WebhookError::NotAnEvent(err.to_string()))?;
    let payload: serde_json::Value =
        serde_json::from_slice(body).map_err(|err| WebhookError::NotAnEvent(err.to_string()))?;
    let created = DateTime::from_timestamp(event.created, 0).ok_or(WebhookError::NotAnEvent("bad created".into()))?;
    let inserted: bool = sqlx::query_scalar(
        "insert into stripe_events (id, org_id, type, stripe_created, livemode, payload) values ($1, $2, $3, $4, $5, $6) \
         on conflict (id) do update set deliveries = stripe_events.deliveries + 1 returning (xmax = 0)",
    )
    .bind(&event.id)
    .bind(DEFAULT_ORG_ID)
    .bind(&event.event_type)
    .bind(created)
    .bind(event.livemode)
    .bind(&payload)
    .fetch_one(&mut *conn)
    .await
    .map_err(|e| storage(&e))?;
    if inserted {
        state.billing.wake.notify_one();
        tracing::info!(event = %event.id, kind = %event.event_type, "stripe event stored");
        Ok(Received::Stored)
    } else {
        tracing::info!(event = %event.id, "stripe event delivered again; ignored");
        Ok(Received::Duplicate)
    }
}

#[derive(sqlx::FromRow)]
struct Row {
    id: String,
    r#type: String,
    status: String,
    attempts: i32,
    deliveries: i32,
    next_attempt_at: DateTime<Utc>,
    last_error: Option<String>,
    stripe_created: DateTime<Utc>,
    received_at: DateTime<Utc>,
    processed_at: Option<DateTime<Utc>>,
}

const STATUSES: [&str; 4] = ["pending", "processed", "ignored", "failed"];

/// The newest 200 events (of one status, when filtered), with the counts that need attention.
pub async fn list(state: &AppState, filter: EventFilter) -> Result<EventList, AppError> {
    let status = filter.status.filter(|s| STATUSES.contains(&s.as_str()));
    let rows: Vec<Row> = sqlx::query_as(
        "select id, type, status, attempts, deliveries, next_attempt_at, last_error, stripe_created, received_at, \
         processed_at from stripe_events where org_id = $1 and ($2::text is null or status = $2) \
         order by received_at desc, id limit 200",
    )
    .bind(DEFAULT_ORG_ID)
    .bind(status.as_deref())
    .fetch_all(&state.pool)
    .await?;
    let (pending, failed) = counts(&state.pool).await?;
    Ok(EventList {
        events: rows
            .into_iter()
            .map(|row| EventRow {
                next_attempt_at: (row.status == "pending").then(|| rfc3339(row.next_attempt_at)),
                id: row.id,
                event_type: row.r#type,
                status: row.status,
                attempts: row.attempts,
                deliveries: row.deliveries,
                last_error: row.last_error,
                stripe_created: rfc3339(row.stripe_created),
                received_at: rfc3339(row.received_at),
                processed_at: row.processed_at.map(rfc3339),
            })
            .collect(),
        pending,
        failed,
        endpoint: format!("{}/webhooks/stripe", super::settings::public_base()),
    })
}

/// How many events wait to be processed and how many were given up on.
pub async fn counts(pool: &PgPool) -> Result<(i64, i64), sqlx::Error> {
    sqlx::query_as(
        "select count(*) filter (where status = 'pending'), count(*) filter (where status = 'failed') \
         from stripe_events where org_id = $1",
    )
    .bind(DEFAULT_ORG_ID)
    .fetch_one(pool)
    .await
}

//! The worker that processes the inbox: the oldest due event first, each in its own transaction
//! with the event row locked (`for update skip locked`, so several Gantry replicas never process
//! one event twice). A failure rolls the work back and schedules a retry with exponential
//! back-off; after `MAX_ATTEMPTS` the event is `failed` and waits for a replay from the events page.

use chrono::Duration;
use serde_json::json;

use super::events::Event;
use super::sync::{apply, Outcome};
use super::BillingError;
use crate::audit::server::{record, NewAuditEntry};
use crate::auth::server::AuthUser;
use crate::error::AppError;
use crate::request_meta::RequestMeta;
use crate::state::AppState;

/// Tries before an event is given up on (about 40 minutes of back-off in all).
pub const MAX_ATTEMPTS: i32 = 8;

/// The wait before attempt `attempts + 1`: 10 s, 20 s, 40 s, ... at most an hour.
pub fn backoff(attempts: i32) -> Duration {
    let exponent = attempts.clamp(1, 16) - 1;
    Duration::seconds((10_i64 << exponent).min(3600))
}

#[derive(sqlx::FromRow)]
struct Due {
    id: String,
    payload: serde_json::Value,
    attempts: i32,
}

/// Processes every due event; returns how many were handled (whatever the outcome).
pub async fn process_due(state: &AppState) -> Result<usize, sqlx::Error> {
    let mut handled = 0;
    while process_next(state, None).await? {
        handled += 1;
    }
    Ok(handled)
}

/// Processes the next due event (or exactly `only`, if due); false when there was none.
async fn process_next(state: &AppState, only: Option<&str>) -> Result<bool, sqlx::Error> {
    let mut tx = state.pool.begin().await?;
    let due: Option<Due> = sqlx::query_as(
        "select id, payload, attempts from stripe_events where status = 'pending' and next_attempt_at <= now() \
         and ($1::text is null or id = $1) order by stripe_created, received_at limit 1 for update skip locked",
    )
    .bind(only)
    .fetch_optional(&mut *tx)
    .await?;
    let Some(due) = due else {
        return Ok(false);
    };
    let result = match serde_json::from_value::<Event>(due.payload) {
        Ok(event) => apply(state, &mut tx, &event).await,
        Err(err) => Ok(Outcome::Ignored(format!("not a Stripe event: {err}"))),
    };
    match result {
        Ok(outcome) => {
            let (status, note) = match outcome {
                Outcome::Applied => ("processed", None),
                Outcome::Ignored(reason) => ("ignored", Some(reason)),
            };
            sqlx::query(
                "update stripe_events set status = $2, last_error = $3, attempts = attempts + 1, processed_at = now() \
                 where id = $1",
            )
            .bind(&due.id)
            .bind(status)
            .bind(note)
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
        }
        Err(err) => {
            tx.rollback().await?;
            let attempts = due.attempts + 1;
            let message = match &err {
                BillingError::Database(_) | BillingError::Internal(_) => {
                    tracing::error!(event = %due.id, error = %err, "stripe event processing failed");
                    "Gantry could not store the change (see the server log)".to_owned()
                }
                other => other.to_string(),
            };
            let status = if attempts >= MAX_ATTEMPTS { "failed" } else { "pending" };
            tracing::warn!(event = %due.id, attempts, %status, reason = %message, "stripe event will be retried");
            sqlx::query(
                "update stripe_events set status = $2, attempts = $3, last_error = $4, \
                 next_attempt_at = now() + make_interval(secs => $5) where id = $1",
            )
            .bind(&due.id)
            .bind(status)
            .bind(attempts)
            .bind(&message)
            .bind(backoff(attempts).num_seconds() as f64)
            .execute(&state.pool)
            .await?;
        }
    }
    Ok(true)
}

/// Processes a stored event again now, whatever its status; returns the status it ends in.
pub async fn replay(state: &AppState, meta: &RequestMeta, user: &AuthUser, id: &str) -> Result<String, AppError> {
    let mut tx = state.pool.begin().await?;
    let previous: Option<String> = sqlx::query_scalar("select status from stripe_events where id = $1 for update")
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?;
    let previous = previous.ok_or(BillingError::NotFound("The event"))?;
    sqlx::query("update stripe_events set status = 'pending', next_attempt_at = now() where id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    let entry = NewAuditEntry {
        actor_id: Some(user.id),
        actor_label: user.email.clone(),
        action: "billing.event.replayed".into(),
        object_type: "stripe_event".into(),
        object_id: Some(id.to_owned()),
        detail: json!({ "previous_status": previous }),
    };
    record(&mut tx, entry, meta).await?;
    tx.commit().await?;
    process_next(state, Some(id)).await?;
    let status: String = sqlx::query_scalar("select status from stripe_events where id = $1")
        .bind(id)
        .fetch_one(&state.pool)
        .await?;
    Ok(status)
}

/// Runs until the process stops (its database pool closes): processes due events when woken by a
/// new delivery, and every few seconds for retries.
pub async fn run(state: AppState) {
    while !state.pool.is_closed() {
        if let Err(err) = process_due(&state).await {
            if state.pool.is_closed() {
                break;
            }
            tracing::warn!(error = %err, "stripe event worker failed; will retry");
        }
        tokio::select! {
            () = state.billing.wake.notified() => {}
            () = tokio::time::sleep(std::time::Duration::from_secs(5)) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn back_off_doubles_from_ten_seconds_up_to_an_hour() {
        let waits: Vec<i64> = (1..=10).map(|n| backoff(n).num_seconds()).collect();
        assert_eq!(waits, [10, 20, 40, 80, 160, 320, 640, 1280, 2560, 3600]);
        assert_eq!(backoff(0).num_seconds(), 10);
    }
}

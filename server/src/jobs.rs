//! Background jobs: periodic clean-up of expired sessions.

use std::time::Duration;

use app::state::AppState;

const EVERY: Duration = Duration::from_secs(300);

/// Deletes expired cookie sessions and signed-in sessions past their idle or absolute limits,
/// every five minutes, until the process stops.
pub fn spawn_session_cleanup(state: AppState) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(EVERY);
        loop {
            tick.tick().await;
            if let Err(err) = purge_expired_sessions(&state).await {
                tracing::warn!(error = %err, "session clean-up failed; will retry");
            }
        }
    })
}

/// One clean-up pass; returns how many rows went.
pub async fn purge_expired_sessions(state: &AppState) -> sqlx::Result<u64> {
    let cookies = sqlx::query("delete from tower_sessions.session where expiry_date < now()")
        .execute(&state.pool)
        .await?
        .rows_affected();
    let signed_in = sqlx::query(
        "delete from user_sessions where expires_at < now() or last_seen_at < now() - make_interval(secs => $1)",
    )
    .bind(state.security.session_idle.num_seconds() as f64)
    .execute(&state.pool)
    .await?
    .rows_affected();
    Ok(cookies + signed_in)
}

/// Keeps the engine status current: pings it every few seconds while it is down (or unknown),
/// and follows its event stream while it is up (see `containers::server::events`), so the panel
/// learns of crashes as they happen and notices the engine going away at once.
pub fn spawn_engine_watch(state: AppState) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            if let app::containers::server::engine::EngineStatus::Up { .. } = state.engine.check().await {
                let reason = app::containers::server::events::follow(&state).await;
                state.engine.mark_down(reason);
            }
            tokio::time::sleep(ENGINE_RETRY).await;
        }
    })
}

/// How often an unreachable engine is tried again.
const ENGINE_RETRY: Duration = Duration::from_secs(2);

//! Waits for SIGINT (Ctrl-C) or SIGTERM, whichever comes first.

use tokio::signal::unix::{signal, SignalKind};

/// Resolves when the process is asked to stop.
pub async fn signal_received() {
    let mut term = match signal(SignalKind::terminate()) {
        Ok(term) => term,
        Err(err) => {
            tracing::warn!("cannot listen for SIGTERM ({err}); only Ctrl-C stops the server");
            let _ = tokio::signal::ctrl_c().await;
            return;
        }
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => tracing::info!("SIGINT received, shutting down"),
        _ = term.recv() => tracing::info!("SIGTERM received, shutting down"),
    }
}

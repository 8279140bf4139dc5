//! The health gate: a new container must report healthy (when it has a health check) or keep
//! running for a few seconds (when it has none) before the old ones go.

use std::time::{Duration, Instant};

use bollard::models::HealthStatusEnum;
use bollard::query_parameters::LogsOptionsBuilder;
use bollard::Docker;
use futures_util::StreamExt;

use super::run::READY_TIMEOUT;
use crate::containers::server::errors::EngineError;

/// How long a container without a health check must stay up.
pub const STABLE_FOR: Duration = Duration::from_secs(2);

/// Waits until the container is ready; says how it proved it, or why it failed.
pub async fn wait_until_ready(docker: &Docker, container: &str, host: &str) -> Result<String, String> {
    let started = Instant::now();
    loop {
        let inspected = docker
            .inspect_container(container, None)
            .await
            .map_err(|err| EngineError::from_bollard(&err, host).to_string())?;
        let state = inspected.state.unwrap_or_default();
        let status = state.status.map(|s| s.to_string()).unwrap_or_default();
        if matches!(status.as_str(), "exited" | "dead") || state.restarting == Some(true) {
            let code = state.exit_code.unwrap_or_default();
            let oom = if state.oom_killed == Some(true) {
                " (killed: out of memory)"
            } else {
                ""
            };
            return Err(format!(
                "the container stopped with exit code {code}{oom} before it was ready. Its last output:\n{}",
                tail(docker, container).await
            ));
        }
        match state.health.and_then(|health| health.status) {
            Some(HealthStatusEnum::HEALTHY) => return Ok("healthy".into()),
            Some(HealthStatusEnum::UNHEALTHY) => {
                return Err("the health check failed: the service did not answer on its health path".into());
            }
            Some(HealthStatusEnum::STARTING) => {}
            _ if status == "running" && started.elapsed() >= STABLE_FOR => {
                return Ok(format!(
                    "running for {} s (no health check configured)",
                    STABLE_FOR.as_secs()
                ));
            }
            _ => {}
        }
        if started.elapsed() > READY_TIMEOUT {
            return Err(format!(
                "the container was not ready after {} s",
                READY_TIMEOUT.as_secs()
            ));
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

/// The container's last lines of output, for a failure message.
async fn tail(docker: &Docker, container: &str) -> String {
    let options = LogsOptionsBuilder::new().stdout(true).stderr(true).tail("20").build();
    let mut logs = docker.logs(container, Some(options));
    let mut text = String::new();
    while let Some(Ok(frame)) = logs.next().await {
        text.push_str(&String::from_utf8_lossy(&frame.into_bytes()));
    }
    if text.trim().is_empty() {
        "(no output)".into()
    } else {
        text
    }
}

//! The health gate: a new container must report healthy (when it has a health check) or keep
//! running for a few seconds (when it has none) before the old ones go.

use std::time::{Duration, Instant};

use bollard::exec::{CreateExecOptions, StartExecOptions};
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
    let mut probed: Option<Instant> = None;
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
            Some(HealthStatusEnum::STARTING) => {
                // Engines before API 1.44 ignore the health check's start interval and wait a
                // whole interval before the first probe: run the same probe now instead.
                let probe = inspected.config.and_then(|c| c.healthcheck).and_then(|h| h.test);
                let due = probed.is_none_or(|at| at.elapsed() >= Duration::from_secs(1));
                if let Some(command) = probe.and_then(|test| shell_command(&test)).filter(|_| due) {
                    probed = Some(Instant::now());
                    if probe_passes(docker, container, &command).await {
                        return Ok("healthy (its health check passed)".into());
                    }
                }
            }
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

/// The shell command of a `CMD-SHELL` health check, or the words of a `CMD` one.
fn shell_command(test: &[String]) -> Option<Vec<String>> {
    match test.split_first()? {
        (kind, rest) if kind == "CMD-SHELL" => Some(vec!["sh".into(), "-c".into(), rest.join(" ")]),
        (kind, rest) if kind == "CMD" && !rest.is_empty() => Some(rest.to_vec()),
        _ => None,
    }
}

/// Runs the probe once inside the container; true when it exits 0.
async fn probe_passes(docker: &Docker, container: &str, command: &[String]) -> bool {
    let options = CreateExecOptions {
        cmd: Some(command.to_vec()),
        attach_stdout: Some(false),
        attach_stderr: Some(false),
        ..Default::default()
    };
    let Ok(exec) = docker.create_exec(container, options).await else {
        return false;
    };
    let detached = StartExecOptions {
        detach: true,
        ..Default::default()
    };
    if docker.start_exec(&exec.id, Some(detached)).await.is_err() {
        return false;
    }
    for _ in 0..20 {
        match docker.inspect_exec(&exec.id).await {
            Ok(state) if state.running == Some(false) => return state.exit_code == Some(0),
            Ok(_) => tokio::time::sleep(Duration::from_millis(100)).await,
            Err(_) => return false,
        }
    }
    false
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

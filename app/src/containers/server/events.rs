//! Following the engine's event stream: a Gantry container that dies on its own is a crash (or
//! an OOM kill, or part of a restart loop), recorded as a service event and reflected in the
//! environment's status as it happens, without polling.

use std::collections::{HashMap, HashSet, VecDeque};
use std::time::{Duration, Instant};

use bollard::models::EventMessage;
use bollard::query_parameters::{EventsOptionsBuilder, ListContainersOptionsBuilder};
use futures_util::StreamExt;
use uuid::Uuid;

use super::errors::EngineError;
use crate::deployments::server::repo::add_event;
use crate::deployments::server::spec::{LABEL_ENV, LABEL_SERVICE_ID};
use crate::deployments::server::status::set_environment;
use crate::state::AppState;

/// Crashes within this window that make a restart loop.
const LOOP_WINDOW: Duration = Duration::from_secs(120);
const LOOP_CRASHES: usize = 3;

/// Follows container events until the stream breaks; returns why it ended.
pub async fn follow(state: &AppState) -> String {
    let docker = match state.engine.docker() {
        Ok(docker) => docker,
        Err(err) => return err.to_string(),
    };
    let filters = HashMap::from([("type", vec!["container"])]);
    let mut events = docker.events(Some(EventsOptionsBuilder::new().filters(&filters).build()));
    let mut tracker = Tracker::default();
    while let Some(item) = events.next().await {
        match item {
            Ok(message) => {
                if let Err(err) = handle(state, &mut tracker, message).await {
                    tracing::warn!(error = %err, "could not record a container event");
                }
            }
            Err(err) => return EngineError::from_bollard(&err, state.engine.host()).to_string(),
        }
    }
    "the engine closed its event stream".into()
}

/// What the stream has shown so far: containers killed by someone (their exit is a stop, not a
/// crash) and recent crashes per container (restart loops).
#[derive(Default)]
struct Tracker {
    killed: HashSet<String>,
    crashes: HashMap<String, VecDeque<Instant>>,
}

impl Tracker {
    /// Notes a crash; true when it completes a restart loop.
    fn crashed(&mut self, container: &str) -> bool {
        let now = Instant::now();
        let recent = self.crashes.entry(container.to_owned()).or_default();
        recent.push_back(now);
        while recent.front().is_some_and(|at| now.duration_since(*at) > LOOP_WINDOW) {
            recent.pop_front();
        }
        if recent.len() >= LOOP_CRASHES {
            recent.clear();
            return true;
        }
        false
    }
}

async fn handle(state: &AppState, tracker: &mut Tracker, message: EventMessage) -> Result<(), sqlx::Error> {
    let action = message.action.unwrap_or_default();
    let Some(actor) = message.actor else {
        return Ok(());
    };
    let container = actor.id.unwrap_or_default();
    let attributes = actor.attributes.unwrap_or_default();
    let Some(service) = attributes.get(LABEL_SERVICE_ID).and_then(|id| id.parse::<Uuid>().ok()) else {
        return Ok(());
    };
    let environment = attributes.get(LABEL_ENV).cloned();
    let name = attributes
        .get("name")
        .cloned()
        .unwrap_or_else(|| container.chars().take(12).collect());
    match action.as_str() {
        "kill" => {
            tracker.killed.insert(container);
        }
        "oom" => {
            let mut tx = state.pool.begin().await?;
            let text = format!("{name} ran out of memory and was killed; raise its memory limit");
            add_event(
                &mut tx,
                service,
                environment.as_deref(),
                "oom",
                Some(&container),
                None,
                &text,
            )
            .await?;
            tx.commit().await?;
        }
        "die" => {
            let expected = state.engine.was_expected(&container);
            let killed = tracker.killed.remove(&container);
            if expected {
                return Ok(());
            }
            let code = attributes.get("exitCode").and_then(|code| code.parse::<i32>().ok());
            let mut tx = state.pool.begin().await?;
            let (kind, text) = if killed || code == Some(0) {
                ("stopped", format!("{name} stopped outside Gantry"))
            } else {
                ("crash", format!("{name} exited with code {}", code.unwrap_or(-1)))
            };
            add_event(
                &mut tx,
                service,
                environment.as_deref(),
                kind,
                Some(&container),
                code,
                &text,
            )
            .await?;
            if kind == "crash" && tracker.crashed(&container) {
                let text = format!(
                    "{name} crashed {LOOP_CRASHES} times within {} s: it is in a restart loop",
                    LOOP_WINDOW.as_secs()
                );
                add_event(
                    &mut tx,
                    service,
                    environment.as_deref(),
                    "restart_loop",
                    Some(&container),
                    code,
                    &text,
                )
                .await?;
            }
            if let Some(environment) = &environment {
                let others = running_siblings(state, service, environment, &container).await;
                let status = match (others, kind) {
                    (true, _) => "degraded",
                    (false, "crash") => "failed",
                    (false, _) => "stopped",
                };
                set_environment(&mut tx, service, environment, status, &text).await?;
            }
            tx.commit().await?;
        }
        "start" => {
            if let Some(environment) = &environment {
                let mut tx = state.pool.begin().await?;
                let current: Option<String> =
                    sqlx::query_scalar("select status from service_environments where service_id = $1 and name = $2")
                        .bind(service)
                        .bind(environment)
                        .fetch_optional(&mut *tx)
                        .await?;
                if matches!(current.as_deref(), Some("failed" | "degraded" | "stopped")) {
                    set_environment(&mut tx, service, environment, "running", &format!("{name} started")).await?;
                }
                tx.commit().await?;
            }
        }
        _ => {}
    }
    Ok(())
}

/// Whether another container of the same environment still runs.
async fn running_siblings(state: &AppState, service: Uuid, environment: &str, except: &str) -> bool {
    let Ok(docker) = state.engine.docker() else {
        return false;
    };
    let filters = HashMap::from([
        (
            "label",
            vec![
                format!("{LABEL_SERVICE_ID}={service}"),
                format!("{LABEL_ENV}={environment}"),
            ],
        ),
        ("status", vec!["running".to_owned()]),
    ]);
    let options = ListContainersOptionsBuilder::new().filters(&filters).build();
    docker
        .list_containers(Some(options))
        .await
        .map(|found| found.iter().any(|c| c.id.as_deref() != Some(except)))
        .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn three_crashes_in_the_window_make_a_loop_once() {
        let mut tracker = Tracker::default();
        assert!(!tracker.crashed("a"));
        assert!(!tracker.crashed("a"));
        assert!(!tracker.crashed("b"), "crashes are counted per container");
        assert!(tracker.crashed("a"));
        assert!(!tracker.crashed("a"), "the count starts again after a loop is reported");
    }
}

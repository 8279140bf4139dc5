//! Container logs from the engine: history (a [`LogWindow`]) and the live follow, for one
//! container or merged across a service's containers, and the text form of a download.

use std::collections::HashMap;

use bollard::container::LogOutput;
use bollard::query_parameters::{ListContainersOptionsBuilder, LogsOptionsBuilder};
use bollard::Docker;
use futures_util::future;
use futures_util::stream::{self, BoxStream, Stream, StreamExt};
use uuid::Uuid;

use super::errors::EngineError;
use super::log_window::LogWindow;
use crate::containers::types::LogLine;
use crate::deployments::server::spec::{LABEL_ENV, LABEL_SERVICE_ID};
use crate::error::AppError;
use crate::state::AppState;

/// How many containers' histories are read at once for a service.
const READS_AT_ONCE: usize = 8;

/// A container of a service, as its logs name it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Member {
    pub id: String,
    pub name: String,
}

/// Whether `reference` can be a container id or name (so nothing else reaches the engine's URL).
pub fn valid_reference(reference: &str) -> bool {
    let mut chars = reference.chars();
    reference.len() <= 128
        && chars.next().is_some_and(|c| c.is_ascii_alphanumeric())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
}

/// One container's history, oldest first.
pub async fn history(docker: &Docker, host: &str, id: &str, window: &LogWindow) -> Result<Vec<LogLine>, EngineError> {
    let mut lines = read(docker, host, id, window, None).await?;
    by_time(&mut lines);
    Ok(lines)
}

/// A service's history: each container's window, merged by time, at most `window.tail` lines.
/// Containers that vanish while being read are skipped.
pub async fn service_history(
    docker: &Docker,
    host: &str,
    members: &[Member],
    window: &LogWindow,
) -> Result<Vec<LogLine>, EngineError> {
    // Each read owns what it uses: futures borrowing from the closure are not provably `Send`.
    let reads: Vec<Result<Vec<LogLine>, EngineError>> = stream::iter(members.to_vec())
        .map(|member| {
            let (docker, host, window) = (docker.clone(), host.to_owned(), window.clone());
            async move { read(&docker, &host, &member.id, &window, Some(member.name)).await }
        })
        .buffer_unordered(READS_AT_ONCE)
        .collect()
        .await;
    let mut lines = Vec::new();
    for read in reads {
        match read {
            Ok(found) => lines.extend(found),
            Err(EngineError::NotFound(_)) => {}
            Err(err) => return Err(err),
        }
    }
    by_time(&mut lines);
    keep_last(&mut lines, window.tail);
    Ok(lines)
}

/// Puts lines in time order. The engine copies stdout and stderr separately, so its own order
/// can swap lines written microseconds apart; its stamps are fixed-width UTC RFC 3339 with
/// nanoseconds, so text order is time order.
fn by_time(lines: &mut [LogLine]) {
    lines.sort_by(|a, b| a.ts.cmp(&b.ts));
}

async fn read(
    docker: &Docker,
    host: &str,
    id: &str,
    window: &LogWindow,
    name: Option<String>,
) -> Result<Vec<LogLine>, EngineError> {
    let options = LogsOptionsBuilder::new()
        .stdout(window.stdout)
        .stderr(window.stderr)
        .timestamps(true)
        .tail(&window.tail.to_string())
        .since(window.since.unwrap_or(0))
        .until(window.until.unwrap_or(0))
        .build();
    let mut frames = docker.logs(id, Some(options));
    let mut lines = Vec::new();
    while let Some(frame) = frames.next().await {
        let frame = frame.map_err(|err| EngineError::from_bollard(&err, host))?;
        lines.extend(lines_of(frame, name.as_deref()));
    }
    keep_last(&mut lines, window.tail);
    Ok(lines)
}

fn keep_last(lines: &mut Vec<LogLine>, tail: u32) {
    let extra = lines.len().saturating_sub(tail as usize);
    lines.drain(..extra);
}

/// One container's new lines from `since_unix` on, each as soon as the engine has it; ends when
/// the container stops or the engine connection breaks.
pub fn follow(docker: &Docker, id: &str, since_unix: i64) -> impl Stream<Item = LogLine> + Send + 'static {
    follow_one(docker, id, since_unix, None)
}

/// A service's containers followed together; ends when all of them have ended.
pub fn follow_service(
    docker: &Docker,
    members: &[Member],
    since_unix: i64,
) -> impl Stream<Item = LogLine> + Send + 'static {
    stream::select_all(
        members
            .iter()
            .map(|member| follow_one(docker, &member.id, since_unix, Some(member.name.clone()))),
    )
}

fn follow_one(docker: &Docker, id: &str, since_unix: i64, name: Option<String>) -> BoxStream<'static, LogLine> {
    let since = i32::try_from(since_unix.max(1)).unwrap_or(i32::MAX);
    let options = LogsOptionsBuilder::new()
        .follow(true)
        .stdout(true)
        .stderr(true)
        .timestamps(true)
        .since(since)
        .build();
    docker
        .logs(id, Some(options))
        .take_while(|frame| future::ready(frame.is_ok()))
        .flat_map(move |frame| stream::iter(frame.map(|frame| lines_of(frame, name.as_deref())).unwrap_or_default()))
        .boxed()
}

/// The lines of one engine frame. With timestamps on, the engine starts each line with an
/// RFC 3339 time and a space; a piece without one (a long line split by the engine) keeps the
/// time of the line before it.
pub fn lines_of(frame: LogOutput, container: Option<&str>) -> Vec<LogLine> {
    let (stream, bytes) = match frame {
        LogOutput::StdErr { message } => ("stderr", message),
        LogOutput::StdOut { message } | LogOutput::Console { message } => ("stdout", message),
        LogOutput::StdIn { .. } => return Vec::new(),
    };
    let mut last_ts = String::new();
    String::from_utf8_lossy(&bytes)
        .split('\n')
        .filter(|piece| !piece.is_empty())
        .map(|piece| {
            let piece = piece.strip_suffix('\r').unwrap_or(piece);
            let (ts, text) = match piece.split_once(' ') {
                Some((ts, text)) if chrono::DateTime::parse_from_rfc3339(ts).is_ok() => (ts.to_owned(), text),
                _ => (last_ts.clone(), piece),
            };
            last_ts.clone_from(&ts);
            LogLine {
                ts,
                stream: stream.into(),
                text: text.to_owned(),
                container: container.map(str::to_owned),
            }
        })
        .collect()
}

/// The containers (all states) of the service `slug`, or of one of its environments.
pub async fn service_members(state: &AppState, slug: &str, environment: Option<&str>) -> Result<Vec<Member>, AppError> {
    let service = crate::services::server::repo::get_by_slug(&state.pool, slug)
        .await?
        .ok_or_else(crate::services::server::not_found)?;
    let environment = environment.map(str::trim).filter(|env| !env.is_empty());
    if let Some(env) = environment {
        if !service.environments.iter().any(|known| known == env) {
            return Err(crate::services::server::invalid(
                "environment",
                "The service has no such environment",
            ));
        }
    }
    let docker = state.engine.docker()?;
    Ok(members(&docker, state.engine.host(), service.id, environment).await?)
}

async fn members(
    docker: &Docker,
    host: &str,
    service: Uuid,
    environment: Option<&str>,
) -> Result<Vec<Member>, EngineError> {
    let mut labels = vec![format!("{LABEL_SERVICE_ID}={service}")];
    labels.extend(environment.map(|env| format!("{LABEL_ENV}={env}")));
    let filters = HashMap::from([("label", labels)]);
    let options = ListContainersOptionsBuilder::new().all(true).filters(&filters).build();
    let found = docker
        .list_containers(Some(options))
        .await
        .map_err(|err| EngineError::from_bollard(&err, host))?;
    Ok(found
        .into_iter()
        .filter_map(|summary| {
            let name = summary
                .names
                .and_then(|names| names.into_iter().next())
                .map(|name| name.trim_start_matches('/').to_owned())
                .unwrap_or_default();
            Some(Member { id: summary.id?, name })
        })
        .collect())
}

/// Lines as a `.log` file: `ts [container] stream text`.
pub fn as_text(lines: &[LogLine]) -> String {
    lines
        .iter()
        .map(|line| match &line.container {
            Some(container) => format!("{} {container} {} {}\n", line.ts, line.stream, line.text),
            None => format!("{} {} {}\n", line.ts, line.stream, line.text),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_frame_becomes_stamped_lines_of_its_stream() {
        let frame = LogOutput::StdErr {
            message: "2025-06-01T12:00:00.000000001Z first\r\n2025-06-01T12:00:00.000000002Z \nunstamped tail\n".into(),
        };
        let lines = lines_of(frame, Some("web-1"));
        let seen: Vec<(&str, &str, &str)> = lines
            .iter()
            .map(|l| (l.ts.as_str(), l.stream.as_str(), l.text.as_str()))
            .collect();
        assert_eq!(
            seen,
            [
                ("2025-06-01T12:00:00.000000001Z", "stderr", "first"),
                ("2025-06-01T12:00:00.000000002Z", "stderr", ""),
                ("2025-06-01T12:00:00.000000002Z", "stderr", "unstamped tail"),
            ]
        );
        assert!(lines.iter().all(|l| l.container.as_deref() == Some("web-1")));
    }

    #[test]
    fn only_id_and_name_characters_are_references() {
        assert!(valid_reference("4f2a9c"));
        assert!(valid_reference("shop-api_production.1"));
        for bad in ["", "../images/json", "a b", "-rf", "x?all=1", &"a".repeat(129)] {
            assert!(!valid_reference(bad), "{bad} refused");
        }
    }

    #[test]
    fn downloads_name_the_container_when_merged() {
        let line = |container: Option<&str>| LogLine {
            ts: "2025-06-01T12:00:00.000000001Z".into(),
            stream: "stdout".into(),
            text: "ready".into(),
            container: container.map(Into::into),
        };
        assert_eq!(
            as_text(&[line(None), line(Some("web-1"))]),
            "2025-06-01T12:00:00.000000001Z stdout ready\n2025-06-01T12:00:00.000000001Z web-1 stdout ready\n"
        );
    }
}

//! Shells in containers: `/bin/sh` with a TTY through the engine's exec API, for the container
//! page's terminal. Each shell is audited when it opens and when it closes (with how long it
//! lasted and how the shell exited), whichever side ends it.
//!
//! The engine does not end a TTY shell whose client went away: it would linger in the container.
//! So a shell the browser left is hung up on: Ctrl-C and Ctrl-D on its terminal, and if it still
//! runs, SIGHUP to every process carrying the session's marker variable.

use std::pin::Pin;
use std::time::{Duration, Instant};

use axum::body::Bytes;
use bollard::exec::{CreateExecOptions, ResizeExecOptions, StartExecOptions, StartExecResults};
use bollard::Docker;
use futures_util::{future, Stream, StreamExt};
use serde::Deserialize;
use serde_json::json;
use sqlx::PgPool;
use tokio::io::{AsyncWrite, AsyncWriteExt};

use super::errors::EngineError;
use crate::audit::server::{record_alone, NewAuditEntry};
use crate::auth::server::AuthUser;
use crate::error::AppError;
use crate::request_meta::RequestMeta;
use crate::state::AppState;

/// The largest terminal accepted, in columns or rows.
const MAX_TERMINAL_SIDE: u16 = 1000;
/// How long a closed session waits for the engine to report the shell's exit.
const EXIT_WAIT: Duration = Duration::from_secs(2);
/// The variable marking a session's processes, so a hang-up can find them.
const MARKER: &str = "GANTRY_EXEC_SESSION";

/// What the browser's terminal sends: keystrokes, and its size in characters.
#[derive(Debug, Deserialize, PartialEq, Eq)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ClientMessage {
    Input { data: String },
    Resize { cols: u16, rows: u16 },
}

/// Which side ended a session.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EndedBy {
    /// The shell exited (or the engine dropped it).
    Shell,
    /// The browser closed the socket: the Close button, the tab, or the connection.
    Browser,
}

impl EndedBy {
    fn as_str(self) -> &'static str {
        match self {
            EndedBy::Shell => "shell",
            EndedBy::Browser => "browser",
        }
    }
}

/// A container reference from a URL: an id or a name, in the characters Docker allows.
pub fn valid_container_ref(reference: &str) -> bool {
    let mut chars = reference.chars();
    reference.len() <= 128
        && chars.next().is_some_and(|c| c.is_ascii_alphanumeric())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
}

/// Succeeds when `container` exists and runs, so a shell can be opened in it.
pub async fn check(state: &AppState, container: &str) -> Result<(), AppError> {
    if !valid_container_ref(container) {
        return Err(not_found());
    }
    let docker = state.engine.docker()?;
    let inspected = docker
        .inspect_container(container, None)
        .await
        .map_err(|err| EngineError::from_bollard(&err, state.engine.host()))?;
    if inspected.state.and_then(|s| s.running) != Some(true) {
        return Err(AppError::Conflict {
            message: "The container is not running: start it to open a terminal".into(),
        });
    }
    Ok(())
}

/// Who is opening a shell, and from where; kept for both audit entries.
#[derive(Clone, Debug)]
pub struct Opener {
    pub user: AuthUser,
    pub meta: RequestMeta,
}

/// An exec instance created in a running container, not started yet.
pub struct PreparedShell {
    docker: Docker,
    container: String,
    exec_id: String,
    marker: String,
}

/// Creates `/bin/sh` with a TTY in `container` (fails while it is not running).
pub async fn prepare(state: &AppState, container: &str) -> Result<PreparedShell, AppError> {
    if !valid_container_ref(container) {
        return Err(not_found());
    }
    let docker = state.engine.docker()?;
    let marker = uuid::Uuid::new_v4().simple().to_string();
    let options = CreateExecOptions {
        attach_stdin: Some(true),
        attach_stdout: Some(true),
        attach_stderr: Some(true),
        tty: Some(true),
        cmd: Some(vec!["/bin/sh".to_owned()]),
        env: Some(vec!["TERM=xterm-256color".to_owned(), format!("{MARKER}={marker}")]),
        ..Default::default()
    };
    let created = docker
        .create_exec(container, options)
        .await
        .map_err(|err| EngineError::from_bollard(&err, state.engine.host()))?;
    Ok(PreparedShell {
        docker,
        container: container.to_owned(),
        exec_id: created.id,
        marker,
    })
}

/// The shell's standard input (its terminal's keyboard side).
pub type ShellInput = Pin<Box<dyn AsyncWrite + Send>>;

/// The shell's output (raw TTY bytes) and its input.
pub struct ShellIo {
    pub output: Pin<Box<dyn Stream<Item = Bytes> + Send>>,
    pub input: ShellInput,
}

/// A running shell: fed and resized by the browser, finished (and audited) once either side ends.
pub struct Shell {
    docker: Docker,
    pool: PgPool,
    container: String,
    exec_id: String,
    marker: String,
    opener: Opener,
    opened_at: Instant,
}

impl PreparedShell {
    /// Starts the shell attached and records `container.exec.opened`.
    pub async fn start(self, state: &AppState, opener: Opener) -> Result<(Shell, ShellIo), AppError> {
        let started = self
            .docker
            .start_exec(
                &self.exec_id,
                Some(StartExecOptions {
                    tty: true,
                    ..Default::default()
                }),
            )
            .await
            .map_err(|err| EngineError::from_bollard(&err, state.engine.host()))?;
        let StartExecResults::Attached { output, input } = started else {
            return Err(AppError::internal("exec started detached"));
        };
        let output = output
            .take_while(|chunk| future::ready(chunk.is_ok()))
            .filter_map(|chunk| future::ready(chunk.ok().map(|chunk| chunk.into_bytes())))
            .boxed();
        let shell = Shell {
            docker: self.docker,
            pool: state.pool.clone(),
            container: self.container,
            exec_id: self.exec_id,
            marker: self.marker,
            opener,
            opened_at: Instant::now(),
        };
        shell
            .audit(
                "container.exec.opened",
                json!({ "exec_id": shell.exec_id, "command": "/bin/sh" }),
            )
            .await?;
        Ok((shell, ShellIo { output, input }))
    }
}

impl Shell {
    /// Applies one message from the browser; an error means the shell's input is gone.
    pub async fn apply(&self, message: ClientMessage, input: &mut ShellInput) -> std::io::Result<()> {
        match message {
            ClientMessage::Input { data } => {
                input.write_all(data.as_bytes()).await?;
                input.flush().await
            }
            ClientMessage::Resize { cols, rows } => {
                let size = ResizeExecOptions {
                    width: cols.clamp(1, MAX_TERMINAL_SIDE),
                    height: rows.clamp(1, MAX_TERMINAL_SIDE),
                };
                if let Err(err) = self.docker.resize_exec(&self.exec_id, size).await {
                    tracing::debug!(error = %err, exec_id = %self.exec_id, "resize refused");
                }
                Ok(())
            }
        }
    }

    /// Ends the shell if the browser left it, then records `container.exec.closed` with the
    /// session's length and the shell's exit status (`null` if it could not be ended).
    pub async fn finish(self, ended_by: EndedBy, mut input: ShellInput) {
        let duration_secs = self.opened_at.elapsed().as_secs();
        let exit_status = match ended_by {
            EndedBy::Shell => self.exit_status().await,
            EndedBy::Browser => self.hang_up(&mut input).await,
        };
        drop(input);
        let detail = json!({
            "exec_id": self.exec_id,
            "duration_secs": duration_secs,
            "exit_status": exit_status,
            "ended_by": ended_by.as_str(),
        });
        if let Err(err) = self.audit("container.exec.closed", detail).await {
            tracing::error!(error = %err, exec_id = %self.exec_id, "could not audit the end of a shell");
        }
    }

    /// Ends a shell nobody is attached to any more; returns its exit code.
    async fn hang_up(&self, input: &mut ShellInput) -> Option<i64> {
        // Ctrl-C stops the foreground program; Ctrl-D then ends the shell at its prompt.
        if input.write_all(b"\x03\x04").await.is_ok() && input.flush().await.is_ok() {
            if let Some(code) = self.exit_status().await {
                return Some(code);
            }
        }
        let script = format!(
            "for e in /proc/[0-9]*/environ; do grep -q '{MARKER}={marker}' \"$e\" 2>/dev/null && p=${{e#/proc/}} && kill -HUP ${{p%/environ}}; done",
            marker = self.marker
        );
        let killer = CreateExecOptions {
            cmd: Some(vec!["/bin/sh".to_owned(), "-c".to_owned(), script]),
            ..Default::default()
        };
        match self.docker.create_exec(&self.container, killer).await {
            Ok(created) => {
                let detached = StartExecOptions {
                    detach: true,
                    ..Default::default()
                };
                if let Err(err) = self.docker.start_exec(&created.id, Some(detached)).await {
                    tracing::warn!(error = %err, exec_id = %self.exec_id, "could not hang up a shell");
                }
            }
            Err(err) => tracing::warn!(error = %err, exec_id = %self.exec_id, "could not hang up a shell"),
        }
        self.exit_status().await
    }

    /// The shell's exit code once the engine reports it stopped; polled briefly, since the
    /// engine may still call it running just after the stream ends.
    async fn exit_status(&self) -> Option<i64> {
        let deadline = Instant::now() + EXIT_WAIT;
        loop {
            let inspected = self.docker.inspect_exec(&self.exec_id).await.ok()?;
            if inspected.running != Some(true) {
                return inspected.exit_code;
            }
            if Instant::now() >= deadline {
                return None;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    async fn audit(&self, action: &str, detail: serde_json::Value) -> Result<(), AppError> {
        let entry = NewAuditEntry {
            actor_id: Some(self.opener.user.id),
            actor_label: self.opener.user.email.clone(),
            action: action.into(),
            object_type: "container".into(),
            object_id: Some(self.container.clone()),
            detail,
        };
        record_alone(&self.pool, entry, &self.opener.meta).await?;
        Ok(())
    }
}

fn not_found() -> AppError {
    AppError::NotFound {
        what: "The container".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn container_references_are_ids_or_names() {
        assert!(valid_container_ref("4f2a9c0d1e3b"));
        assert!(valid_container_ref("acme-api_production.1"));
        assert!(!valid_container_ref(""));
        assert!(!valid_container_ref("-rf"));
        assert!(!valid_container_ref("../images/json"));
        assert!(!valid_container_ref("web?x=1"));
        assert!(!valid_container_ref(&"a".repeat(129)));
    }

    #[test]
    fn the_terminal_sends_input_and_sizes() {
        let input: ClientMessage = serde_json::from_str(r#"{"type":"input","data":"ls\r"}"#).unwrap();
        assert_eq!(input, ClientMessage::Input { data: "ls\r".into() });
        let resize: ClientMessage = serde_json::from_str(r#"{"type":"resize","cols":100,"rows":30}"#).unwrap();
        assert_eq!(resize, ClientMessage::Resize { cols: 100, rows: 30 });
        assert!(serde_json::from_str::<ClientMessage>(r#"{"type":"resize","cols":-1,"rows":30}"#).is_err());
    }
}

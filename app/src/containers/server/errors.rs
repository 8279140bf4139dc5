//! Docker's errors in words an operator can act on: which object, what went wrong, what to try.

use bollard::errors::Error as DockerError;

use crate::error::AppError;

/// What went wrong talking to the engine.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EngineError {
    #[error("The Docker engine at {host} cannot be reached ({detail}). Check that it runs and that Gantry may use its socket.")]
    Unreachable { host: String, detail: String },
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Refused(String),
    #[error("The Docker engine failed: {0}")]
    Failed(String),
}

impl EngineError {
    /// Translates a bollard error; `host` names the engine in connection errors.
    pub fn from_bollard(err: &DockerError, host: &str) -> Self {
        match err {
            DockerError::DockerResponseServerError { status_code, message } => {
                Self::from_response(*status_code, message)
            }
            DockerError::SocketNotFoundError(path) => Self::Unreachable {
                host: host.to_owned(),
                detail: format!("no socket at {path}"),
            },
            DockerError::HyperLegacyError { err } => Self::Unreachable {
                host: host.to_owned(),
                detail: root_cause(err),
            },
            DockerError::RequestTimeoutError => Self::Unreachable {
                host: host.to_owned(),
                detail: "it did not answer in time".into(),
            },
            DockerError::IOError { err } => Self::Unreachable {
                host: host.to_owned(),
                detail: err.to_string(),
            },
            DockerError::DockerStreamError { error } => Self::Failed(explain(error)),
            other => Self::Failed(other.to_string()),
        }
    }

    fn from_response(status: u16, message: &str) -> Self {
        let text = explain(message);
        let recognised = text != message.trim();
        match status {
            404 => Self::NotFound(text),
            _ if message.contains("No such image") || message.contains("pull access denied") => Self::NotFound(text),
            400 | 409 => Self::Refused(text),
            _ if recognised => Self::Refused(text),
            _ => Self::Failed(text),
        }
    }
}

/// The innermost cause of a connection error (`Connection refused`, `Permission denied`).
fn root_cause(err: &dyn std::error::Error) -> String {
    let mut cause = err;
    while let Some(next) = cause.source() {
        cause = next;
    }
    cause.to_string()
}

/// Known engine messages, said plainly; anything else is passed through.
pub fn explain(message: &str) -> String {
    let message = message.trim();
    let lower = message.to_ascii_lowercase();
    if lower.contains("port is already allocated") || lower.contains("address already in use") {
        return format!("A host port is already in use by another container or program: {message}");
    }
    if lower.contains("no such image") || lower.contains("pull access denied") || lower.contains("manifest unknown") {
        return format!("The image was not found on the engine and could not be pulled; build it first or check its name ({message})");
    }
    if lower.contains("no such container") {
        return "The container no longer exists; it may have been removed outside Gantry".into();
    }
    if lower.contains("oom") || lower.contains("out of memory") || lower.contains("cannot allocate memory") {
        return format!("Out of memory: raise the memory limit or lower the service's usage ({message})");
    }
    if lower.contains("is already in use by container") {
        return format!("A container with that name exists already: {message}");
    }
    if lower.contains("minimum memory limit") {
        return format!("The memory limit is too low for Docker: {message}");
    }
    if lower.contains("is not running") {
        return "The container is not running".into();
    }
    message.to_owned()
}

impl From<EngineError> for AppError {
    fn from(err: EngineError) -> Self {
        match err {
            EngineError::NotFound(what) => AppError::Conflict { message: what },
            other => AppError::Conflict {
                message: other.to_string(),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn engine_messages_become_advice() {
        let taken = EngineError::from_response(
            500,
            "driver failed programming external connectivity: Bind for 0.0.0.0:8080 failed: port is already allocated",
        );
        assert!(taken.to_string().starts_with("A host port is already in use"));
        let missing = EngineError::from_response(404, "No such image: acme/api:1");
        assert!(matches!(&missing, EngineError::NotFound(text) if text.contains("build it first")));
        let gone = EngineError::from_response(404, "No such container: 4f2a");
        assert_eq!(
            gone.to_string(),
            "The container no longer exists; it may have been removed outside Gantry"
        );
        let other = EngineError::from_response(500, "something odd");
        assert_eq!(other.to_string(), "The Docker engine failed: something odd");
    }
}

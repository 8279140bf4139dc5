//! Containers and the engine as pages see them.

use serde::{Deserialize, Serialize};

/// One container on the engine.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContainerInfo {
    /// The full id (actions and links use it).
    pub id: String,
    pub name: String,
    pub image: String,
    /// `running`, `exited`, `restarting`, `paused`, `created`, `dead`.
    pub state: String,
    /// The engine's own summary ("Up 5 minutes", "Exited (1) 2 hours ago").
    pub status: String,
    /// RFC 3339, when running.
    pub started_at: Option<String>,
    pub restart_count: i64,
    /// The Gantry service (slug) and environment it belongs to, for Gantry containers.
    pub service: Option<String>,
    pub environment: Option<String>,
    pub deployment: Option<String>,
    /// `com.docker.compose.project`, for containers started by Compose.
    pub compose_project: Option<String>,
    pub ports: Vec<String>,
}

impl ContainerInfo {
    pub fn short_id(&self) -> &str {
        self.id.get(..12).unwrap_or(&self.id)
    }

    pub fn is_running(&self) -> bool {
        self.state == "running"
    }
}

/// Containers shown together: one service, one Compose project, or the rest.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContainerGroup {
    /// `service`, `compose` or `other`.
    pub kind: String,
    pub title: String,
    /// Where the group's own page is (the service page), if it has one.
    pub link: Option<String>,
    pub containers: Vec<ContainerInfo>,
}

/// The containers page's filter (from its query string).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContainerFilter {
    /// Text in the name, image or service.
    pub q: Option<String>,
    /// `gantry` (managed by Gantry), `other`, or all.
    pub managed: Option<String>,
    /// `running` or all.
    pub state: Option<String>,
}

/// The containers page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContainersView {
    pub groups: Vec<ContainerGroup>,
    pub total: usize,
    pub running: usize,
}

/// What can be done to a container.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ContainerAction {
    Start,
    Stop,
    Restart,
    Kill,
    Remove,
}

impl ContainerAction {
    pub const ALL: [ContainerAction; 5] = [
        ContainerAction::Start,
        ContainerAction::Stop,
        ContainerAction::Restart,
        ContainerAction::Kill,
        ContainerAction::Remove,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ContainerAction::Start => "start",
            ContainerAction::Stop => "stop",
            ContainerAction::Restart => "restart",
            ContainerAction::Kill => "kill",
            ContainerAction::Remove => "remove",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ContainerAction::Start => "Start",
            ContainerAction::Stop => "Stop",
            ContainerAction::Restart => "Restart",
            ContainerAction::Kill => "Kill",
            ContainerAction::Remove => "Remove",
        }
    }

    /// Destructive actions ask for confirmation first.
    pub fn is_destructive(self) -> bool {
        matches!(self, ContainerAction::Kill | ContainerAction::Remove)
    }
}

/// What happened to each container of a (bulk) action.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActionOutcome {
    pub id: String,
    pub name: String,
    /// `None` when it worked.
    pub error: Option<String>,
}

/// The engine page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EngineInfo {
    pub host: String,
    pub reachable: bool,
    /// Why it is unreachable.
    pub problem: Option<String>,
    pub version: String,
    pub api_version: String,
    pub os: String,
    pub kernel: String,
    pub cpus: i64,
    pub memory_bytes: i64,
    pub containers: i64,
    pub running: i64,
    pub images: i64,
    pub images_bytes: i64,
    pub containers_bytes: i64,
    pub storage_driver: String,
}

/// A container's page: its facts, and whether it belongs to a service.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContainerDetail {
    pub info: ContainerInfo,
    pub command: String,
    pub env_names: Vec<String>,
    pub memory_limit: i64,
    pub nano_cpus: i64,
    pub exit_code: Option<i64>,
    pub oom_killed: bool,
    pub health: Option<String>,
    pub created: String,
}

/// One log line.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogLine {
    /// RFC 3339 with nanoseconds, as the engine stamped it.
    pub ts: String,
    /// `stdout` or `stderr`.
    pub stream: String,
    pub text: String,
    /// The container's name, in merged (per-service) views.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub container: Option<String>,
}

/// Which lines of history to show.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogQuery {
    /// Last N lines (default 200, at most 5,000).
    pub tail: Option<u32>,
    /// RFC 3339 or a duration back from now (`15m`, `2h`, `1d`).
    pub since: Option<String>,
    pub until: Option<String>,
    /// `stdout`, `stderr` or both.
    pub stream: Option<String>,
}

/// One stats sample, pushed to the containers page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StatsSample {
    pub id: String,
    pub cpu_percent: f64,
    pub memory_bytes: u64,
    pub memory_limit: u64,
}

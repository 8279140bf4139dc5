//! Deployments as pages see them: status, who and when, the image, the log; and the service
//! events (crashes, OOM kills, restart loops) the engine reports.

use serde::{Deserialize, Serialize};

/// Where a deployment is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeployStatus {
    Queued,
    Building,
    Starting,
    Checking,
    Succeeded,
    Failed,
}

impl DeployStatus {
    pub const ALL: [DeployStatus; 6] = [
        DeployStatus::Queued,
        DeployStatus::Building,
        DeployStatus::Starting,
        DeployStatus::Checking,
        DeployStatus::Succeeded,
        DeployStatus::Failed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            DeployStatus::Queued => "queued",
            DeployStatus::Building => "building",
            DeployStatus::Starting => "starting",
            DeployStatus::Checking => "checking",
            DeployStatus::Succeeded => "succeeded",
            DeployStatus::Failed => "failed",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|status| status.as_str() == text)
    }

    pub fn is_finished(self) -> bool {
        matches!(self, DeployStatus::Succeeded | DeployStatus::Failed)
    }

    /// The step a progress bar shows: 1 of 4 .. 4 of 4.
    pub fn step(self) -> u8 {
        match self {
            DeployStatus::Queued => 0,
            DeployStatus::Building => 1,
            DeployStatus::Starting => 2,
            DeployStatus::Checking => 3,
            DeployStatus::Succeeded | DeployStatus::Failed => 4,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            DeployStatus::Queued => "Queued",
            DeployStatus::Building => "Building the image",
            DeployStatus::Starting => "Starting containers",
            DeployStatus::Checking => "Checking health",
            DeployStatus::Succeeded => "Succeeded",
            DeployStatus::Failed => "Failed",
        }
    }
}

/// One deployment in a list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeploymentRow {
    pub id: String,
    pub environment: String,
    pub status: DeployStatus,
    /// `build`, `image` or `rollback`.
    pub source: String,
    pub image_ref: Option<String>,
    pub image_id: Option<String>,
    pub error: Option<String>,
    pub started_by: String,
    pub created_at: String,
    pub finished_at: Option<String>,
    /// The deployment this one rolled back to.
    pub rollback_of: Option<String>,
    /// Whether it can be rolled back to (it succeeded and its image still exists).
    pub can_roll_back: bool,
    /// Whether its containers are the ones running now.
    pub current: bool,
}

/// A deployment's page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeploymentDetail {
    pub row: DeploymentRow,
    pub service_slug: String,
    pub service_name: String,
    pub log: String,
    /// The configuration snapshot, pretty-printed (secret references by name only).
    pub config: String,
    pub container_ids: Vec<String>,
}

/// What a deployment page polls for: the status and the log from `offset` on.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeployProgress {
    pub status: DeployStatus,
    pub log: String,
    /// Where the next poll continues the log.
    pub offset: usize,
    pub error: Option<String>,
}

/// Something that happened to a service's containers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceEvent {
    pub kind: String,
    pub environment: Option<String>,
    pub container_id: Option<String>,
    pub exit_code: Option<i32>,
    pub message: String,
    pub at: String,
}

/// The deployments tab of a service page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceDeployments {
    pub slug: String,
    pub environments: Vec<String>,
    pub deployments: Vec<DeploymentRow>,
    pub events: Vec<ServiceEvent>,
    /// Why deploying is impossible right now (engine down), if it is.
    pub engine_problem: Option<String>,
}

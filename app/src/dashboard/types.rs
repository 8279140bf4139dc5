//! What the dashboard shows, as it travels from server to page.

use serde::{Deserialize, Serialize};

/// Services by state.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceCounts {
    pub total: i64,
    pub running: i64,
    pub attention: i64,
    pub drafts: i64,
}

/// Facts about this installation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SystemFacts {
    pub version: String,
    pub uptime_secs: i64,
    pub database_embedded: bool,
    pub database_version: String,
    pub database_bytes: i64,
    pub migrations_applied: i64,
}

/// Secrets and where their rotation stands.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecretCounts {
    pub total: i64,
    pub due: i64,
    pub overdue: i64,
}

/// Everything on the dashboard.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DashboardSummary {
    pub services: ServiceCounts,
    pub secrets: SecretCounts,
    pub system: SystemFacts,
}

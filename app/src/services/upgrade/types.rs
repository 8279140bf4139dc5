//! What a template upgrade would change in a service's files.

use serde::{Deserialize, Serialize};

/// How one file changes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Change {
    Added,
    Removed,
    Changed,
    Unchanged,
}

/// One file of the upgrade, with its unified diff (empty when unchanged).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileChange {
    pub path: String,
    pub change: Change,
    pub diff: String,
}

/// The upgrade page's data.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpgradePreview {
    pub service_id: String,
    pub slug: String,
    pub name: String,
    /// The service's optimistic-lock version, sent back when applying.
    pub version: i64,
    pub template: String,
    pub from: String,
    pub to: String,
    pub files: Vec<FileChange>,
}

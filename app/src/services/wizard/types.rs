//! What the creation wizard saves in a draft and shows on its steps.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::templates::types::{Manifest, ParamValue, RenderedFile};

/// The wizard's steps, in order.
pub const STEPS: [&str; 4] = ["Template", "Parameters", "Name and resources", "Review"];

/// Step 3's answers: the service's name and where and how it runs.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Naming {
    pub name: String,
    pub slug: String,
    pub description: String,
    pub environments: Vec<String>,
    pub port: u16,
    pub cpu_millis: u32,
    pub memory_mb: u32,
    pub replicas: u32,
    pub health_path: String,
}

/// A draft as saved after each step.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Draft {
    pub id: String,
    /// The last step completed (1–3); the review is step 4.
    pub step: u8,
    pub template_id: String,
    pub template_name: String,
    pub manifest: Manifest,
    pub params: BTreeMap<String, ParamValue>,
    pub naming: Option<Naming>,
    pub updated_at: String,
}

/// A draft in the Services page's list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DraftSummary {
    pub id: String,
    pub template_name: String,
    pub name: Option<String>,
    pub step: u8,
    pub updated_at: String,
}

/// Step 4: what will be created.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Review {
    pub draft: Draft,
    pub files: Vec<RenderedFile>,
    /// Secrets generated at creation, one per environment each.
    pub secrets: Vec<String>,
}

/// Step 3's form.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NamingForm {
    pub draft: String,
    pub name: String,
    #[serde(default)]
    pub slug: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub production: bool,
    #[serde(default)]
    pub staging: bool,
    #[serde(default)]
    pub development: bool,
    #[serde(default)]
    pub custom_environment: String,
    pub port: String,
    pub cpu_millis: String,
    pub memory_mb: String,
    pub replicas: String,
    #[serde(default)]
    pub health_path: String,
}

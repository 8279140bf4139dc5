//! Deployments: a service environment turned into running containers (built from its
//! repository or from a configured image), health-gated, replacing the previous containers only
//! once the new ones are ready, and rolled back in one click.

mod api;
#[cfg(feature = "ssr")]
pub mod server;
pub mod types;
mod views;

pub use api::*;
pub use views::{DeploymentPage, DeploymentsTab};

//! Containers: the Docker engine Gantry drives through bollard, the containers on it (grouped by
//! service and Compose project), their live stats, logs and shells, and the engine's own page.

mod api;
#[cfg(feature = "ssr")]
pub mod server;
pub mod types;
mod views;

pub use api::*;
pub use views::{ContainerPage, ContainersPage, EngineBanner, EnginePage, LogSource, LogViewer};

//! Template upgrades: when a service's template has a newer version, show the diff of the
//! rendered files (same answers, both versions) and apply it as a new commit.

mod api;
#[cfg(feature = "ssr")]
pub mod server;
pub mod types;
mod views;

pub use api::*;
pub use views::UpgradePage;

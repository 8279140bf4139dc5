//! Remote mirrors: a service's repository pushed to a git host (GitHub, GitLab, Gitea…) after
//! every commit Gantry makes, with the access token kept in Secrets.

mod api;
#[cfg(feature = "ssr")]
pub mod server;
pub mod types;
mod views;

pub use api::*;
pub use views::MirrorCard;

//! Templates: typed manifests and minijinja files that the creation wizard turns into services.
//!
//! Built-ins live in `app/templates/<id>/` (see docs/TEMPLATES.md), are compiled into the binary
//! and stored with their version at start-up; every version is kept so services can be upgraded.

mod api;
#[cfg(feature = "ssr")]
pub mod server;
pub mod types;
mod views;

pub use api::*;
pub use views::{TemplateDetailPage, TemplatesPage, UploadTemplatePage};

//! The creation wizard (`/services/new`): choose a template, answer its parameters, name the
//! service and size it, review the rendered files, create. Saved as a draft after every step.

mod api;
#[cfg(feature = "ssr")]
pub mod server;
pub mod types;
mod views;

pub use api::*;
pub use views::{DraftsList, WizardPage, WizardStartPage};

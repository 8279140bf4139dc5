//! Secrets: the one place the credentials of the business's services live.
//!
//! Values are encrypted at rest with envelope encryption ([`crate::crypto`]), kept in versions,
//! never listed or rendered in HTML; revealing one takes a recent second factor and is audited.
//! Pages: the list (`/secrets`), create (`/secrets/new`), detail with versions and audit trail
//! (`/secrets/:id`), edit, `.env` import, and the encryption-keys page (`/settings/keys`).

mod api;
#[cfg(feature = "ssr")]
pub mod server;
pub mod types;
mod views;

pub use api::*;
pub use views::{EditSecretPage, ImportPage, KeysPage, NewSecretPage, SecretDetailPage, SecretsPage};

//! [`AppState`]: what the server hands to every page render and server function.

use std::sync::{atomic::AtomicBool, Arc};

use axum::extract::FromRef;
use chrono::{DateTime, Utc};
use leptos::prelude::{use_context, LeptosOptions};
use sqlx::PgPool;

use crate::error::AppError;

/// Where the panel's database lives, for display.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DatabaseMode {
    /// Gantry's own PostgreSQL cluster in its data directory.
    Embedded,
    /// A server named by `DATABASE_URL`.
    External,
}

/// Facts about this running process.
#[derive(Clone, Debug)]
pub struct ServerInfo {
    pub started_at: DateTime<Utc>,
    pub database: DatabaseMode,
    /// Gantry's own files: the embedded database, the key file, service repositories (`git/`).
    pub data_dir: std::path::PathBuf,
}

/// What sign-in and secrets need: the key ring, the password hasher, session lifetimes.
pub struct Security {
    /// The root keys that wrap the data keys of TOTP seeds and secrets.
    pub keys: crate::crypto::keyring::Keyring,
    /// How many versions of each secret are kept.
    pub secret_versions_kept: i32,
    pub hasher: crate::auth::server::password::PasswordHasher,
    /// A session unused this long is signed out.
    pub session_idle: chrono::Duration,
    /// A session is signed out this long after sign-in, however active.
    pub session_lifetime: chrono::Duration,
}

/// Built once at start-up; cheap to clone.
#[derive(Clone, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub pool: PgPool,
    pub info: Arc<ServerInfo>,
    pub security: Arc<Security>,
    /// Set once the first admin exists; `/setup` is gone for good from then on.
    pub setup_done: Arc<AtomicBool>,
    /// The Docker engine services are deployed on.
    pub engine: crate::containers::server::engine::Engine,
    /// The billing worker's wake-up (new Stripe events).
    pub billing: Arc<crate::billing::server::BillingRuntime>,
}

impl AppState {
    /// The state provided by the server to the current render or server function.
    pub fn current() -> Result<Self, AppError> {
        use_context::<AppState>().ok_or_else(|| AppError::internal("AppState missing from context"))
    }
}

//! Builds what sign-in and secrets need at start-up: the root key (proven against the database),
//! the password hasher, the session lifetimes and how many secret versions to keep.

use app::{
    auth::server::password::PasswordHasher,
    crypto::keyring::{Keyring, KeyringError},
    state::Security,
};
use sqlx::PgPool;

use crate::config::Config;

/// Why the security settings could not be prepared.
#[derive(Debug, thiserror::Error)]
pub enum SecurityError {
    #[error("{0}")]
    Keys(#[from] KeyringError),
    #[error("cannot create the data directory {0}: {1}")]
    DataDir(String, std::io::Error),
}

/// Loads (or on first start creates) the root key and proves it opens this database's data.
pub async fn prepare(config: &Config, pool: &PgPool) -> Result<Security, SecurityError> {
    std::fs::create_dir_all(&config.data_dir)
        .map_err(|err| SecurityError::DataDir(config.data_dir.display().to_string(), err))?;
    let keys = Keyring::open(config.root_key_source(), pool).await?;
    if let Some(path) = keys.generated_file() {
        tracing::warn!(
            "GENERATED A NEW MASTER KEY in {}. Back this file up now: without it, encrypted data (TOTP seeds, secrets) cannot be read. Set GANTRY_MASTER_KEY_FILE to manage the key yourself.",
            path.display()
        );
    }
    tracing::info!(root_key = %keys.active_id(), source = %keys.source().describe(), "root key loaded");
    Ok(Security {
        keys,
        secret_versions_kept: config.secret_versions.into(),
        hasher: PasswordHasher::new(),
        session_idle: chrono::Duration::minutes(config.session_idle_minutes.into()),
        session_lifetime: chrono::Duration::hours(config.session_lifetime_hours.into()),
    })
}

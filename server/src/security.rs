//! Builds what sign-in needs at start-up: the master key (checked against the database), the
//! cipher, the password hasher and the session lifetimes.

use app::{
    auth::server::password::PasswordHasher,
    crypto::{load_or_create_master_key, Cipher, CryptoError, KeySource},
    state::Security,
};
use secrecy::ExposeSecret;
use sqlx::PgPool;

use crate::config::Config;

const CHECK_AAD: &[u8] = b"gantry:master-key-check";
const CHECK_PLAINTEXT: &[u8] = b"gantry master key check";

/// Why the security settings could not be prepared.
#[derive(Debug, thiserror::Error)]
pub enum SecurityError {
    #[error("{0}")]
    Key(#[from] CryptoError),
    #[error("the master key does not match the one this database was set up with; start Gantry with the original GANTRY_MASTER_KEY (or {0}/master.key)")]
    WrongKey(String),
    #[error("cannot check the master key against the database: {0}")]
    Database(#[from] sqlx::Error),
    #[error("cannot create the data directory {0}: {1}")]
    DataDir(String, std::io::Error),
}

/// Loads (or on first start creates) the master key and proves it opens this database's data.
pub async fn prepare(config: &Config, pool: &PgPool) -> Result<Security, SecurityError> {
    std::fs::create_dir_all(&config.data_dir)
        .map_err(|err| SecurityError::DataDir(config.data_dir.display().to_string(), err))?;
    let configured = config.master_key().map(|key| key.expose_secret().to_owned());
    let (key, source) = load_or_create_master_key(configured.as_deref(), &config.data_dir)?;
    if let KeySource::GeneratedFile(path) = &source {
        tracing::warn!(
            "GENERATED A NEW MASTER KEY in {}. Back this file up now: without it, encrypted data (TOTP seeds, secrets) cannot be read. Set GANTRY_MASTER_KEY or GANTRY_MASTER_KEY_FILE to manage the key yourself.",
            path.display()
        );
    }
    let cipher = Cipher::new(&key);
    check_key(&cipher, pool).await.map_err(|err| match err {
        CheckError::Wrong => SecurityError::WrongKey(config.data_dir.display().to_string()),
        CheckError::Db(err) => SecurityError::Database(err),
    })?;
    Ok(Security {
        cipher,
        hasher: PasswordHasher::new(),
        session_idle: chrono::Duration::minutes(config.session_idle_minutes.into()),
        session_lifetime: chrono::Duration::hours(config.session_lifetime_hours.into()),
    })
}

enum CheckError {
    Wrong,
    Db(sqlx::Error),
}

async fn check_key(cipher: &Cipher, pool: &PgPool) -> Result<(), CheckError> {
    let sealed: Option<Vec<u8>> = sqlx::query_scalar("select sealed from master_key_check")
        .fetch_optional(pool)
        .await
        .map_err(CheckError::Db)?;
    match sealed {
        Some(sealed) => match cipher.open(CHECK_AAD, &sealed) {
            Ok(plain) if plain == CHECK_PLAINTEXT => Ok(()),
            _ => Err(CheckError::Wrong),
        },
        None => {
            sqlx::query("insert into master_key_check (sealed) values ($1) on conflict do nothing")
                .bind(cipher.seal(CHECK_AAD, CHECK_PLAINTEXT))
                .execute(pool)
                .await
                .map_err(CheckError::Db)?;
            Ok(())
        }
    }
}

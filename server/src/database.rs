//! Opens the panel's database (external or embedded) and brings its schema up to date.

use std::time::Duration;

use secrecy::ExposeSecret;
use sqlx::{
    postgres::{PgConnectOptions, PgPoolOptions},
    PgPool,
};

use crate::{
    config::Config,
    embedded_pg::{EmbeddedError, EmbeddedPostgres, DATABASE},
};

/// The migrations in `migrations/`, compiled into the binary.
pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../migrations");

/// Why the database could not be made ready.
#[derive(Debug, thiserror::Error)]
pub enum DatabaseError {
    #[error("{0}")]
    Embedded(#[from] EmbeddedError),
    #[error("DATABASE_URL is not a valid PostgreSQL URL: {0}")]
    BadUrl(sqlx::Error),
    #[error("cannot connect to the database: {0}")]
    Connect(sqlx::Error),
    #[error("database migration failed, nothing was changed by it: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

/// The open pool, and the embedded cluster behind it when there is one.
pub struct Database {
    pub pool: PgPool,
    pub embedded: Option<EmbeddedPostgres>,
}

impl Database {
    /// Connects (starting the embedded cluster when no DATABASE_URL is set) and migrates.
    pub async fn open(config: &Config) -> Result<Self, DatabaseError> {
        let (options, embedded) = match config.database_url() {
            Some(url) => {
                let options: PgConnectOptions = url.expose_secret().parse().map_err(DatabaseError::BadUrl)?;
                (options, None)
            }
            None => {
                let cluster = EmbeddedPostgres::start(&config.data_dir, config.pg_bin_dir.as_deref()).await?;
                (cluster.connect_options(DATABASE), Some(cluster))
            }
        };
        let pool = pool_options(config.db_max_connections)
            .connect_with(options)
            .await
            .map_err(DatabaseError::Connect)?;
        migrate(&pool).await?;
        Ok(Self { pool, embedded })
    }

    /// Opens the database for a command-line tool: like [`Database::open`], except that when a
    /// running Gantry holds the embedded cluster, it connects to that cluster instead.
    pub async fn open_for_tool(config: &Config) -> Result<Self, DatabaseError> {
        match Self::open(config).await {
            Err(DatabaseError::Embedded(EmbeddedError::AlreadyRunning { .. })) => {
                let options = crate::embedded_pg::running_cluster(&config.data_dir)?;
                let pool = pool_options(2)
                    .connect_with(options)
                    .await
                    .map_err(DatabaseError::Connect)?;
                Ok(Self { pool, embedded: None })
            }
            other => other,
        }
    }

    /// Closes the pool, then stops the embedded cluster if there is one.
    pub async fn close(self) {
        self.pool.close().await;
        if let Some(cluster) = self.embedded {
            if let Err(err) = cluster.stop().await {
                tracing::error!("{err}");
            }
        }
    }
}

/// Pool settings shared by the server and the tests.
pub fn pool_options(max_connections: u32) -> PgPoolOptions {
    PgPoolOptions::new()
        .max_connections(max_connections)
        .acquire_timeout(Duration::from_secs(5))
}

/// Applies pending migrations; each runs in its own transaction, so a failure changes nothing.
pub async fn migrate(pool: &PgPool) -> Result<(), sqlx::migrate::MigrateError> {
    MIGRATOR.run(pool).await
}

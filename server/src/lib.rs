//! The Gantry server: the composition root around the `app` crate.
//!
//! [`config`] reads options, [`telemetry`] sets up logs, [`database`] opens the pool (an external
//! PostgreSQL or the [`embedded_pg`] cluster) and runs migrations, and [`startup`] builds the
//! axum router and serves it until a shutdown signal.

pub mod config;
pub mod database;
pub mod embedded_pg;
pub mod jobs;
pub mod routes;
pub mod security;
pub mod shutdown;
pub mod startup;
pub mod telemetry;
pub mod tools;

//! Logging: readable lines by default, JSON with `--log-format json`; every line written while
//! serving a request carries that request's id (the span opened in [`crate::startup`]).

use tracing_subscriber::{fmt, EnvFilter};

use crate::config::{Config, LogFormat};

/// Installs the global subscriber. Called once, before anything logs.
pub fn init(config: &Config) {
    let filter = EnvFilter::try_new(&config.log).unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = fmt().with_env_filter(filter).with_target(false);
    let result = match config.log_format {
        LogFormat::Human => builder.try_init(),
        LogFormat::Json => builder.json().with_current_span(true).with_span_list(false).try_init(),
    };
    if let Err(err) = result {
        eprintln!("gantry: logging was already set up: {err}");
    }
}

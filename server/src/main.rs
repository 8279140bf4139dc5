//! `gantry`: reads the configuration, sets up logging and runs the server.

use std::process::ExitCode;

use server::{config::Config, startup, telemetry, tools};

fn main() -> ExitCode {
    let config = match Config::load() {
        Ok(config) => config,
        Err(exit) => return exit.report(),
    };
    telemetry::init(&config);
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("gantry: cannot start the async runtime: {err}");
            return ExitCode::FAILURE;
        }
    };
    if let Some(tool) = config.tool {
        return runtime.block_on(tools::run(tool, &config));
    }
    match runtime.block_on(startup::run(config)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            tracing::error!("{err}");
            eprintln!("gantry: {err}");
            ExitCode::FAILURE
        }
    }
}

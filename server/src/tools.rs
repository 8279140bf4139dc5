//! Command-line tools that run instead of the server: `gantry audit verify`.

use std::process::ExitCode;

use crate::{
    config::{AuditTool, Config, Tool},
    database::Database,
};

/// Runs `tool` and gives the process exit code: 0 done, 1 found a problem or failed.
pub async fn run(tool: Tool, config: &Config) -> ExitCode {
    let database = match Database::open_for_tool(config).await {
        Ok(database) => database,
        Err(err) => {
            eprintln!("gantry: {err}");
            return ExitCode::FAILURE;
        }
    };
    let code = match tool {
        Tool::Audit(AuditTool::Verify) => audit_verify(&database).await,
    };
    database.close().await;
    code
}

async fn audit_verify(database: &Database) -> ExitCode {
    match app::audit::server::verify_chain(&database.pool).await {
        Ok(report) => match report.first_broken {
            None => {
                println!("audit log intact: {} entries checked", report.rows_checked);
                ExitCode::SUCCESS
            }
            Some(id) => {
                println!(
                    "audit log BROKEN at entry #{id}: it or the entry before it was altered or removed ({} entries checked)",
                    report.rows_checked
                );
                ExitCode::FAILURE
            }
        },
        Err(err) => {
            eprintln!("gantry: cannot read the audit log: {err}");
            ExitCode::FAILURE
        }
    }
}

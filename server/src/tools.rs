//! Command-line tools that run instead of the server: `gantry audit verify`, `gantry keys rotate`.

use std::process::ExitCode;

use crate::{
    config::{AuditTool, Config, KeysTool, Tool},
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
        Tool::Keys(KeysTool::Rotate) => keys_rotate(config, &database).await,
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

async fn keys_rotate(config: &Config, database: &Database) -> ExitCode {
    use app::crypto::keyring::Keyring;
    use app::secrets::server::keys::{rotate_root_key, Rotator};
    let keyring = match Keyring::open(config.root_key_source(), &database.pool).await {
        Ok(keyring) => keyring,
        Err(err) => {
            eprintln!("gantry: {err}");
            return ExitCode::FAILURE;
        }
    };
    let rotator = Rotator {
        actor_id: None,
        actor_label: "gantry keys rotate",
    };
    match rotate_root_key(&database.pool, &keyring, rotator, &Default::default()).await {
        Ok(rotation) => {
            println!(
                "root key rotated: {} retired, {} active, {} data key(s) re-wrapped",
                rotation.retired, rotation.active, rotation.data_keys
            );
            if let Some(path) = keyring.source().path() {
                println!(
                    "back up {} now; backups taken before need the retired key",
                    path.display()
                );
            }
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("gantry: cannot rotate the root key: {err}");
            ExitCode::FAILURE
        }
    }
}

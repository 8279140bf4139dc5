//! Running PostgreSQL's own programs. PostgreSQL refuses to run as root, so when Gantry runs as
//! root they run as the `postgres` system user through `runuser`.

use std::{
    os::unix::fs::MetadataExt,
    path::{Path, PathBuf},
    process::Output,
};

use tokio::process::Command;

use super::EmbeddedError;

/// The user PostgreSQL's programs run as, when it is not the current user.
#[derive(Clone, Debug)]
pub struct RunAs {
    pub user: String,
    pub uid: u32,
    pub gid: u32,
}

/// Who runs PostgreSQL: ourselves, or `postgres` when we are root.
pub async fn run_as() -> Result<Option<RunAs>, EmbeddedError> {
    let euid = std::fs::metadata("/proc/self")
        .map(|meta| meta.uid())
        .map_err(|source| EmbeddedError::Io {
            action: "read /proc/self".into(),
            source,
        })?;
    if euid != 0 {
        return Ok(None);
    }
    let id = |flag: &'static str| async move {
        let out = Command::new("id").args([flag, "postgres"]).output().await.ok()?;
        String::from_utf8(out.stdout).ok()?.trim().parse::<u32>().ok()
    };
    match (id("-u").await, id("-g").await) {
        (Some(uid), Some(gid)) => Ok(Some(RunAs {
            user: "postgres".into(),
            uid,
            gid,
        })),
        _ => Err(EmbeddedError::NoPostgresUser),
    }
}

/// The directory of `initdb` and `pg_ctl`: the configured one, else the newest installed.
pub fn find_bin_dir(configured: Option<&Path>) -> Result<PathBuf, EmbeddedError> {
    if let Some(dir) = configured {
        return if dir.join("pg_ctl").is_file() {
            Ok(dir.to_path_buf())
        } else {
            Err(EmbeddedError::BinariesMissing {
                looked_in: dir.display().to_string(),
            })
        };
    }
    let root = Path::new("/usr/lib/postgresql");
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir(root)
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| {
            let major = entry.file_name().to_str()?.parse::<u32>().ok()?;
            let bin = entry.path().join("bin");
            bin.join("pg_ctl").is_file().then_some((major, bin))
        })
        .collect();
    versions.sort();
    versions
        .pop()
        .map(|(_, bin)| bin)
        .ok_or_else(|| EmbeddedError::BinariesMissing {
            looked_in: "/usr/lib/postgresql/*/bin".into(),
        })
}

/// Runs one of PostgreSQL's programs, as the right user, and returns its output.
pub async fn pg_program(
    bin_dir: &Path,
    run_as: Option<&RunAs>,
    program: &str,
    args: &[&str],
) -> Result<Output, EmbeddedError> {
    let exe = bin_dir.join(program);
    let mut command = match run_as {
        Some(user) => {
            let mut command = Command::new("runuser");
            command.args(["-u", &user.user, "--"]).arg(&exe);
            command
        }
        None => Command::new(&exe),
    };
    command.args(args).env("LC_ALL", "C.UTF-8").kill_on_drop(true);
    command.output().await.map_err(|source| EmbeddedError::Io {
        action: format!("run {}", exe.display()),
        source,
    })
}

/// Makes `path` belong to the PostgreSQL user when that is not us.
pub fn give_to(path: &Path, run_as: Option<&RunAs>) -> Result<(), EmbeddedError> {
    if let Some(user) = run_as {
        std::os::unix::fs::chown(path, Some(user.uid), Some(user.gid)).map_err(|source| EmbeddedError::Io {
            action: format!("chown {}", path.display()),
            source,
        })?;
    }
    Ok(())
}

//! The embedded default: Gantry's own PostgreSQL cluster in its data directory.
//!
//! Built from the system's PostgreSQL binaries, created on first start (`initdb` into a temporary
//! folder, renamed into place only when complete), reused after, listening on a private Unix
//! socket only (no TCP), stopped with `pg_ctl -m fast` on shutdown, and guarded by
//! [`lock::DataDirLock`] so two Gantry processes never share one data directory.

mod command;
mod lock;

use std::{
    os::unix::fs::PermissionsExt,
    path::{Path, PathBuf},
};

use sqlx::{postgres::PgConnectOptions, ConnectOptions, Connection};

use command::{find_bin_dir, give_to, pg_program, run_as, RunAs};
pub use lock::DataDirLock;

/// The port number names the socket file (`.s.PGSQL.5432`); nothing listens on TCP.
const PORT: u16 = 5432;
/// The superuser `initdb` creates, whoever runs it.
const SUPERUSER: &str = "postgres";
/// The panel's database inside the cluster.
pub const DATABASE: &str = "gantry";
/// Unix socket paths are limited to 107 bytes; keep a margin.
const MAX_SOCKET_PATH: usize = 100;

/// Why the embedded database could not be started or stopped.
#[derive(Debug, thiserror::Error)]
pub enum EmbeddedError {
    #[error("another Gantry (pid {pid}) is already using the data directory {data_dir}; stop it first or choose another GANTRY_DATA_DIR")]
    AlreadyRunning { data_dir: PathBuf, pid: String },
    #[error("PostgreSQL server binaries not found in {looked_in}; install the `postgresql` package, set GANTRY_PG_BIN_DIR, or set DATABASE_URL to use an existing server")]
    BinariesMissing { looked_in: String },
    #[error("running as root, but there is no `postgres` system user to run the embedded PostgreSQL; install the `postgresql` package")]
    NoPostgresUser,
    #[error("the `postgres` system user cannot reach the data directory {0}; choose a GANTRY_DATA_DIR outside private folders such as /root")]
    NotReachable(PathBuf),
    #[error("the data directory path {0} contains a quote character; choose a simpler GANTRY_DATA_DIR")]
    UnsafePath(PathBuf),
    #[error("cannot {action}: {source}")]
    Io { action: String, source: std::io::Error },
    #[error("{action} failed: {detail}")]
    Program { action: &'static str, detail: String },
    #[error("the embedded PostgreSQL started but refused a connection: {0}")]
    Connect(#[from] sqlx::Error),
}

/// A running embedded cluster. Stop it with [`EmbeddedPostgres::stop`]; if it is dropped
/// without, the cluster is stopped synchronously as a last resort.
#[derive(Debug)]
pub struct EmbeddedPostgres {
    cluster_dir: PathBuf,
    socket_dir: PathBuf,
    bin_dir: PathBuf,
    run_as: Option<RunAs>,
    created: bool,
    stopped: bool,
    _lock: DataDirLock,
}

impl EmbeddedPostgres {
    /// Starts the cluster in `data_dir`, creating it first when absent.
    pub async fn start(data_dir: &Path, bin_dir: Option<&Path>) -> Result<Self, EmbeddedError> {
        let io = |action: String| move |source| EmbeddedError::Io { action, source };
        std::fs::create_dir_all(data_dir).map_err(io(format!("create {}", data_dir.display())))?;
        let data_dir = data_dir
            .canonicalize()
            .map_err(io(format!("resolve {}", data_dir.display())))?;
        if data_dir.to_string_lossy().contains(['\'', '"']) {
            return Err(EmbeddedError::UnsafePath(data_dir));
        }
        let lock = DataDirLock::acquire(&data_dir).await?;
        let bin_dir = find_bin_dir(bin_dir)?;
        let run_as = run_as().await?;
        if run_as.is_some() {
            open_for_traversal(&data_dir)?;
            let probe = std::process::Command::new("runuser")
                .args(["-u", SUPERUSER, "--", "test", "-x"])
                .arg(&data_dir)
                .status()
                .map_err(io("run runuser".into()))?;
            if !probe.success() {
                return Err(EmbeddedError::NotReachable(data_dir));
            }
        }

        let cluster_dir = data_dir.join("postgres");
        let created = !cluster_dir.join("PG_VERSION").is_file();
        if created {
            init_cluster(&data_dir, &cluster_dir, &bin_dir, run_as.as_ref()).await?;
        }
        let socket_dir = socket_dir_for(&data_dir);
        if !socket_dir.is_dir() {
            std::fs::create_dir_all(&socket_dir).map_err(io(format!("create {}", socket_dir.display())))?;
        }
        std::fs::set_permissions(&socket_dir, std::fs::Permissions::from_mode(0o700))
            .map_err(io(format!("chmod {}", socket_dir.display())))?;
        give_to(&socket_dir, run_as.as_ref())?;

        let mut cluster = Self {
            cluster_dir,
            socket_dir,
            bin_dir,
            run_as,
            created,
            stopped: true,
            _lock: lock,
        };
        cluster.launch().await?;
        cluster.stopped = false;
        cluster.create_database().await?;
        Ok(cluster)
    }

    /// Connection options for `database` in this cluster, over its private socket.
    pub fn connect_options(&self, database: &str) -> PgConnectOptions {
        PgConnectOptions::new()
            .socket(&self.socket_dir)
            .port(PORT)
            .username(SUPERUSER)
            .database(database)
    }

    /// True when this start created the cluster (first run).
    pub fn created(&self) -> bool {
        self.created
    }

    /// Where the cluster's files live.
    pub fn cluster_dir(&self) -> &Path {
        &self.cluster_dir
    }

    /// Stops the cluster (fast mode: open connections are closed, data is safe).
    pub async fn stop(mut self) -> Result<(), EmbeddedError> {
        self.stopped = true;
        let cluster = self.cluster_dir.to_string_lossy().into_owned();
        let out = pg_program(
            &self.bin_dir,
            self.run_as.as_ref(),
            "pg_ctl",
            &["stop", "-D", &cluster, "-m", "fast", "-w", "-t", "60"],
        )
        .await?;
        if !out.status.success() {
            return Err(EmbeddedError::Program {
                action: "stopping the embedded PostgreSQL",
                detail: output_text(&out),
            });
        }
        tracing::info!("embedded PostgreSQL stopped");
        Ok(())
    }

    async fn launch(&self) -> Result<(), EmbeddedError> {
        let cluster = self.cluster_dir.to_string_lossy().into_owned();
        let status = pg_program(
            &self.bin_dir,
            self.run_as.as_ref(),
            "pg_ctl",
            &["status", "-D", &cluster],
        )
        .await?;
        if status.status.success() {
            // Left running by a Gantry that was killed: restart it with this process's settings.
            tracing::warn!("embedded PostgreSQL was still running from an earlier process; restarting it");
            pg_program(
                &self.bin_dir,
                self.run_as.as_ref(),
                "pg_ctl",
                &["stop", "-D", &cluster, "-m", "fast", "-w"],
            )
            .await?;
        }
        let log = self.cluster_dir.join("server.log");
        let options = format!(
            "-c listen_addresses='' -c unix_socket_permissions=0700 -k '{}' -p {PORT}",
            self.socket_dir.display()
        );
        let log_arg = log.to_string_lossy().into_owned();
        let out = pg_program(
            &self.bin_dir,
            self.run_as.as_ref(),
            "pg_ctl",
            &[
                "start", "-D", &cluster, "-l", &log_arg, "-w", "-t", "60", "-o", &options,
            ],
        )
        .await?;
        if !out.status.success() {
            let tail = std::fs::read_to_string(&log)
                .map(|text| {
                    text.lines()
                        .rev()
                        .take(5)
                        .collect::<Vec<_>>()
                        .into_iter()
                        .rev()
                        .collect::<Vec<_>>()
                        .join(" | ")
                })
                .unwrap_or_default();
            return Err(EmbeddedError::Program {
                action: "starting the embedded PostgreSQL",
                detail: format!("{} {tail}", output_text(&out)),
            });
        }
        tracing::info!(cluster = %self.cluster_dir.display(), "embedded PostgreSQL started");
        Ok(())
    }

    async fn create_database(&self) -> Result<(), EmbeddedError> {
        let mut conn = self.connect_options("postgres").connect().await?;
        let exists: bool = sqlx::query_scalar("select exists (select 1 from pg_database where datname = $1)")
            .bind(DATABASE)
            .fetch_one(&mut conn)
            .await?;
        if !exists {
            sqlx::query(&format!("create database {DATABASE}"))
                .execute(&mut conn)
                .await?;
            tracing::info!("created database {DATABASE} in the embedded PostgreSQL");
        }
        conn.close().await?;
        Ok(())
    }
}

impl Drop for EmbeddedPostgres {
    fn drop(&mut self) {
        if self.stopped {
            return;
        }
        let exe = self.bin_dir.join("pg_ctl");
        let mut command = match &self.run_as {
            Some(user) => {
                let mut command = std::process::Command::new("runuser");
                command.args(["-u", &user.user, "--"]).arg(&exe);
                command
            }
            None => std::process::Command::new(&exe),
        };
        let _ = command
            .arg("stop")
            .arg("-D")
            .arg(&self.cluster_dir)
            .args(["-m", "fast", "-w"])
            .output();
    }
}

/// Connection options for the cluster of `data_dir` while another Gantry process runs it (for
/// command-line tools such as `gantry audit verify`).
pub fn running_cluster(data_dir: &Path) -> Result<PgConnectOptions, EmbeddedError> {
    let data_dir = data_dir.canonicalize().map_err(|source| EmbeddedError::Io {
        action: format!("resolve {}", data_dir.display()),
        source,
    })?;
    Ok(PgConnectOptions::new()
        .socket(socket_dir_for(&data_dir))
        .port(PORT)
        .username(SUPERUSER)
        .database(DATABASE))
}

/// Runs `initdb` into `<data>/postgres.init` and renames it into place only once complete, so a
/// crash during first start never leaves a half-made cluster behind.
async fn init_cluster(
    data_dir: &Path,
    cluster_dir: &Path,
    bin_dir: &Path,
    run_as: Option<&RunAs>,
) -> Result<(), EmbeddedError> {
    let io = |action: String| move |source| EmbeddedError::Io { action, source };
    let staging = data_dir.join("postgres.init");
    if staging.exists() {
        std::fs::remove_dir_all(&staging).map_err(io(format!("remove {}", staging.display())))?;
    }
    std::fs::create_dir(&staging).map_err(io(format!("create {}", staging.display())))?;
    std::fs::set_permissions(&staging, std::fs::Permissions::from_mode(0o700))
        .map_err(io(format!("chmod {}", staging.display())))?;
    give_to(&staging, run_as)?;
    tracing::info!(dir = %cluster_dir.display(), "creating the embedded PostgreSQL cluster (first start)");
    let target = staging.to_string_lossy().into_owned();
    let out = pg_program(
        bin_dir,
        run_as,
        "initdb",
        &[
            "-D",
            &target,
            "-U",
            SUPERUSER,
            "--auth=trust",
            "--encoding=UTF8",
            "--no-locale",
        ],
    )
    .await?;
    if !out.status.success() {
        return Err(EmbeddedError::Program {
            action: "creating the embedded PostgreSQL cluster (initdb)",
            detail: output_text(&out),
        });
    }
    std::fs::rename(&staging, cluster_dir).map_err(io(format!("rename {} into place", staging.display())))
}

/// `<data>/run`, or a short folder under the temp dir when that path would be too long for a socket.
fn socket_dir_for(data_dir: &Path) -> PathBuf {
    let preferred = data_dir.join("run");
    if preferred.join(format!(".s.PGSQL.{PORT}.lock")).as_os_str().len() <= MAX_SOCKET_PATH {
        return preferred;
    }
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    data_dir.hash(&mut hasher);
    std::env::temp_dir().join(format!("gantry-pg-{:016x}", hasher.finish()))
}

/// Lets other users (the `postgres` user) pass through the data directory without reading it.
fn open_for_traversal(dir: &Path) -> Result<(), EmbeddedError> {
    let io = |source| EmbeddedError::Io {
        action: format!("chmod {}", dir.display()),
        source,
    };
    let mode = std::fs::metadata(dir).map_err(io)?.permissions().mode();
    if mode & 0o011 != 0o011 {
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(mode | 0o011)).map_err(io)?;
    }
    Ok(())
}

fn output_text(out: &std::process::Output) -> String {
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stderr),
        String::from_utf8_lossy(&out.stdout)
    );
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

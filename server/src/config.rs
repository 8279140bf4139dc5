//! Every option of the server, read from flags and `GANTRY_*` environment variables.
//!
//! `gantry --help` prints this list; README.md repeats it. Bad values stop start-up with one line
//! naming the option and exit code 2.

use std::{net::SocketAddr, path::PathBuf, process::ExitCode};

use clap::{error::ErrorKind, CommandFactory, Parser, Subcommand, ValueEnum};
use secrecy::SecretString;
use tracing_subscriber::EnvFilter;

/// How log lines are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// Readable lines for a terminal.
    Human,
    /// One JSON object per line, for log collectors.
    Json,
}

/// Tools run instead of the server.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Subcommand)]
pub enum Tool {
    /// The audit log.
    #[command(subcommand)]
    Audit(AuditTool),
    /// The encryption keys.
    #[command(subcommand)]
    Keys(KeysTool),
}

/// What to do with the encryption keys.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Subcommand)]
pub enum KeysTool {
    /// Generates a new root key in the key file, re-wraps every data key with it and retires the
    /// old one. Safe while Gantry runs: the server picks up the new key by itself.
    Rotate,
}

/// What to do with the audit log.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Subcommand)]
pub enum AuditTool {
    /// Re-checks the hash chain of the whole audit log; exits 1 if an entry was altered or removed.
    Verify,
}

/// Gantry: a self-hosted control panel for the services a small business runs.
#[derive(Debug, Parser)]
#[command(name = "gantry", version, about, long_about = None)]
pub struct Config {
    /// Run a tool instead of the server.
    #[command(subcommand)]
    pub tool: Option<Tool>,

    /// Address and port the panel listens on. Port 0 picks a free port.
    #[arg(
        long,
        env = "GANTRY_LISTEN",
        default_value = "127.0.0.1:3000",
        value_name = "ADDR:PORT"
    )]
    pub listen: SocketAddr,

    /// Directory for Gantry's own files: the embedded PostgreSQL cluster and its lock.
    #[arg(long, env = "GANTRY_DATA_DIR", default_value = "./.gantry", value_name = "DIR")]
    pub data_dir: PathBuf,

    /// PostgreSQL URL of the panel's database. Unset: Gantry runs its own PostgreSQL in the data directory.
    #[arg(long, env = "DATABASE_URL", hide_env_values = true, value_name = "URL")]
    database_url: Option<String>,

    /// File holding the PostgreSQL URL, instead of DATABASE_URL.
    #[arg(
        long,
        env = "DATABASE_URL_FILE",
        value_name = "PATH",
        conflicts_with = "database_url"
    )]
    database_url_file: Option<PathBuf>,

    /// Most connections the panel opens to PostgreSQL.
    #[arg(long, env = "GANTRY_DB_MAX_CONNECTIONS", default_value_t = 10, value_name = "N",
          value_parser = clap::value_parser!(u32).range(1..=500))]
    pub db_max_connections: u32,

    /// PostgreSQL server binaries for the embedded database (default: the newest under /usr/lib/postgresql).
    #[arg(long, env = "GANTRY_PG_BIN_DIR", value_name = "DIR")]
    pub pg_bin_dir: Option<PathBuf>,

    /// Directory of the compiled site: WASM, CSS and static files.
    #[arg(long, env = "GANTRY_SITE_ROOT", default_value = "target/site", value_name = "DIR")]
    pub site_root: PathBuf,

    /// Base64 (or 64 hex digits) of the 32-byte master key that encrypts secrets at rest.
    /// Unset: read `<data dir>/master.key`, created on first start (back it up!).
    #[arg(long, env = "GANTRY_MASTER_KEY", hide_env_values = true, value_name = "KEY")]
    master_key: Option<String>,

    /// File holding the master key, instead of GANTRY_MASTER_KEY.
    #[arg(
        long,
        env = "GANTRY_MASTER_KEY_FILE",
        value_name = "PATH",
        conflicts_with = "master_key"
    )]
    master_key_file: Option<PathBuf>,

    /// How many versions of each secret are kept (older ones are deleted).
    #[arg(long, env = "GANTRY_SECRET_VERSIONS", default_value_t = 10, value_name = "N",
          value_parser = clap::value_parser!(u16).range(1..=1000))]
    pub secret_versions: u16,

    /// Minutes without activity after which a session is signed out.
    #[arg(long, env = "GANTRY_SESSION_IDLE_MINUTES", default_value_t = 30, value_name = "MINUTES",
          value_parser = clap::value_parser!(u32).range(1..=1440))]
    pub session_idle_minutes: u32,

    /// Hours after sign-in at which a session ends, however active.
    #[arg(long, env = "GANTRY_SESSION_LIFETIME_HOURS", default_value_t = 12, value_name = "HOURS",
          value_parser = clap::value_parser!(u32).range(1..=720))]
    pub session_lifetime_hours: u32,

    /// Mark the session cookie `Secure`; set it when the panel is served over HTTPS.
    #[arg(long, env = "GANTRY_SECURE_COOKIES", default_value_t = false, value_name = "BOOL",
          action = clap::ArgAction::Set)]
    pub secure_cookies: bool,

    /// The Docker engine services are deployed on (`unix:///path/docker.sock`, `tcp://host:2375`);
    /// DOCKER_HOST when unset, else the default socket.
    #[arg(long, env = "GANTRY_DOCKER_HOST", value_name = "URL")]
    pub docker_host: Option<String>,

    /// The Docker network new containers join (`none` on hosts without a bridge network);
    /// the engine's default when unset.
    #[arg(long, env = "GANTRY_DOCKER_NETWORK", value_name = "NAME")]
    pub docker_network: Option<String>,

    /// Log format.
    #[arg(long, env = "GANTRY_LOG_FORMAT", value_enum, default_value_t = LogFormat::Human)]
    pub log_format: LogFormat,

    /// Which log lines to write, in tracing's filter syntax (e.g. `info,server=debug`).
    #[arg(long, env = "GANTRY_LOG", default_value = "info", value_name = "FILTER")]
    pub log: String,

    /// The database URL once read from DATABASE_URL or DATABASE_URL_FILE.
    #[arg(skip)]
    database: Option<SecretString>,

    /// The master key once read from GANTRY_MASTER_KEY or GANTRY_MASTER_KEY_FILE.
    #[arg(skip)]
    master: Option<SecretString>,
}

/// Why the configuration was refused; printed as one line before exiting.
#[derive(Debug)]
pub enum ConfigExit {
    /// `--help` or `--version`: print and exit 0.
    Info(clap::Error),
    /// A bad option: print one line and exit 2.
    Invalid(String),
}

impl ConfigExit {
    /// Prints the message and gives the process exit code.
    pub fn report(self) -> ExitCode {
        match self {
            ConfigExit::Info(err) => {
                let _ = err.print();
                ExitCode::SUCCESS
            }
            ConfigExit::Invalid(line) => {
                eprintln!("gantry: {line}");
                ExitCode::from(2)
            }
        }
    }
}

impl Config {
    /// Reads the process's flags and environment.
    pub fn load() -> Result<Self, ConfigExit> {
        Self::load_from(std::env::args_os())
    }

    /// Reads the given flags plus the process environment.
    pub fn load_from<I, T>(args: I) -> Result<Self, ConfigExit>
    where
        I: IntoIterator<Item = T>,
        T: Into<std::ffi::OsString> + Clone,
    {
        let mut config = Config::try_parse_from(args).map_err(one_line)?;
        config.database = config.read_database_url()?;
        config.master = config.read_master_key()?;
        if let Err(err) = EnvFilter::try_new(&config.log) {
            return Err(ConfigExit::Invalid(format!(
                "invalid value for --log (GANTRY_LOG): {err}"
            )));
        }
        Ok(config)
    }

    /// The external database URL, or `None` for the embedded cluster.
    pub fn database_url(&self) -> Option<&SecretString> {
        self.database.as_ref()
    }

    /// Where the root key is: given directly, a named file, or the data directory's key file.
    /// The engine address: GANTRY_DOCKER_HOST, else DOCKER_HOST, else the default socket.
    pub fn docker_host(&self) -> String {
        self.docker_host
            .clone()
            .or_else(|| std::env::var("DOCKER_HOST").ok().filter(|host| !host.is_empty()))
            .unwrap_or_else(|| app::containers::server::engine::DEFAULT_HOST.to_owned())
    }

    pub fn root_key_source(&self) -> app::crypto::keyring::RootKeySource {
        use app::crypto::keyring::RootKeySource;
        match (&self.master_key_file, &self.master) {
            (Some(path), _) => RootKeySource::File(path.clone()),
            (None, Some(key)) => RootKeySource::Given(secrecy::ExposeSecret::expose_secret(key).to_owned().into()),
            (None, None) => RootKeySource::DataDir(self.data_dir.clone()),
        }
    }

    fn read_master_key(&self) -> Result<Option<SecretString>, ConfigExit> {
        let Some(raw) = read_value_or_file(
            &self.master_key,
            &self.master_key_file,
            "master-key",
            "GANTRY_MASTER_KEY",
        )?
        else {
            return Ok(None);
        };
        if let Err(err) = app::crypto::MasterKey::from_base64(&raw) {
            return Err(ConfigExit::Invalid(format!(
                "invalid value for --master-key (GANTRY_MASTER_KEY): {err}"
            )));
        }
        Ok(Some(SecretString::from(raw)))
    }

    fn read_database_url(&self) -> Result<Option<SecretString>, ConfigExit> {
        let Some(raw) = read_value_or_file(
            &self.database_url,
            &self.database_url_file,
            "database-url",
            "DATABASE_URL",
        )?
        else {
            return Ok(None);
        };
        if !(raw.starts_with("postgres://") || raw.starts_with("postgresql://")) {
            return Err(ConfigExit::Invalid(
                "invalid value for --database-url (DATABASE_URL): expected a postgres:// or postgresql:// URL".into(),
            ));
        }
        Ok(Some(SecretString::from(raw)))
    }
}

/// A secret given directly, or read (and trimmed) from the file its `*_FILE` variant names.
fn read_value_or_file(
    value: &Option<String>,
    file: &Option<PathBuf>,
    flag: &str,
    env: &str,
) -> Result<Option<String>, ConfigExit> {
    match (value, file) {
        (Some(value), _) => Ok(Some(value.trim().to_owned())),
        (None, Some(path)) => std::fs::read_to_string(path)
            .map(|text| Some(text.trim().to_owned()))
            .map_err(|err| {
                ConfigExit::Invalid(format!(
                    "cannot read --{flag}-file ({env}_FILE) {}: {err}",
                    path.display()
                ))
            }),
        (None, None) => Ok(None),
    }
}

/// Turns clap's multi-line report into one line that names the option and its variable.
fn one_line(err: clap::Error) -> ConfigExit {
    if matches!(err.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) {
        return ConfigExit::Info(err);
    }
    let rendered = err.render().to_string();
    let first = rendered.lines().next().unwrap_or("invalid configuration");
    let first = first.trim_start_matches("error: ").to_owned();
    let env = Config::command()
        .get_arguments()
        .filter(|arg| {
            arg.get_long()
                .is_some_and(|long| first.contains(&format!("'--{long} ")) || first.contains(&format!("'--{long}'")))
        })
        .find_map(|arg| arg.get_env().map(|env| env.to_string_lossy().into_owned()));
    ConfigExit::Invalid(match env {
        Some(env) => format!("{first} (set by flag or {env})"),
        None => first,
    })
}

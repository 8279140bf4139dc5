//! Shared test helpers: the real router on port 0 against a per-test database.

#![allow(dead_code)] // each test binary uses its own subset of these helpers

pub mod billing;
pub mod docker;
pub mod stripe;
pub mod wizard;

use std::{net::SocketAddr, path::Path, process::Command, sync::Arc};

use app::{
    auth::server::password::PasswordHasher,
    crypto::{
        keyring::{Keyring, RootKeySource},
        MasterKey,
    },
    state::{DatabaseMode, Security},
};
use reqwest::cookie::{CookieStore, Jar};
use server::startup::{app_state, router};
use sqlx::PgPool;

/// A running Gantry router and a client for it.
pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pub state: app::state::AppState,
}

impl TestApp {
    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(format!("{}{path}", self.address))
            .send()
            .await
            .expect("request reaches the test server")
    }
}

/// Serves the real router for `pool` on a free loopback port.
pub async fn spawn_app(pool: PgPool) -> TestApp {
    spawn_app_with_cookies(pool, false).await
}

/// Like [`spawn_app`], choosing whether cookies are marked for HTTPS.
pub async fn spawn_app_with_cookies(pool: PgPool, secure_cookies: bool) -> TestApp {
    let security = test_security(&pool).await;
    serve(pool, security, secure_cookies).await
}

/// Serves the real router for `pool` with the given keys and settings.
pub async fn serve(pool: PgPool, security: Security, secure_cookies: bool) -> TestApp {
    serve_with_engine(pool, security, secure_cookies, test_engine()).await
}

/// Like [`serve`], on a given Docker engine.
pub async fn serve_with_engine(
    pool: PgPool,
    security: Security,
    secure_cookies: bool,
    engine: app::containers::server::engine::Engine,
) -> TestApp {
    init_logs();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind port 0");
    let addr = listener.local_addr().expect("bound address");
    let data_dir = std::env::temp_dir().join(format!("gantry-test-{}", uuid::Uuid::new_v4()));
    let state = app_state(
        pool,
        Path::new("target/site"),
        addr,
        DatabaseMode::External,
        security,
        &data_dir,
        engine,
    );
    let app = router(state.clone(), secure_cookies);
    tokio::spawn(async move {
        axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>())
            .await
            .expect("test server runs");
    });
    TestApp {
        state,
        address: format!("http://{addr}"),
        client: reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client"),
    }
}

/// The engine the test setup started (`GANTRY_TEST_DOCKER_HOST`, on the `none` network as the
/// test engine has no bridge); without it, a socket that does not exist, so Docker calls fail
/// the way they do when an operator's engine is down.
pub fn test_engine() -> app::containers::server::engine::Engine {
    let host =
        std::env::var("GANTRY_TEST_DOCKER_HOST").unwrap_or_else(|_| "unix:///nonexistent/gantry-docker.sock".into());
    app::containers::server::engine::Engine::new(&host, Some("none".into()))
}

/// The URL of the database behind `pool` (a per-test database made by `#[sqlx::test]`).
pub async fn url_of(pool: &PgPool) -> String {
    let name: String = sqlx::query_scalar("select current_database()")
        .fetch_one(pool)
        .await
        .expect("database name");
    let base = std::env::var("DATABASE_URL").expect("DATABASE_URL is set for tests");
    let (server, _) = base.rsplit_once('/').expect("DATABASE_URL has a database part");
    format!("{server}/{name}")
}

/// A free loopback port (bound and released; good enough for a child process to take).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind port 0")
        .local_addr()
        .expect("address")
        .port()
}

/// The built `gantry` binary, with none of the test environment's Gantry settings leaking in.
pub fn gantry_command() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_gantry"));
    for var in [
        "DATABASE_URL",
        "DATABASE_URL_FILE",
        "GANTRY_LISTEN",
        "GANTRY_DATA_DIR",
        "GANTRY_LOG",
        "GANTRY_LOG_FORMAT",
        "GANTRY_MASTER_KEY",
        "GANTRY_MASTER_KEY_FILE",
    ] {
        command.env_remove(var);
    }
    command
}

/// Test logs go to the file named by GANTRY_TEST_LOG (scripts/test sets it and then checks that no
/// secret the tests handled appears in it), else to the test harness's captured output.
fn init_logs() {
    let builder = tracing_subscriber::fmt().with_env_filter("info,sqlx=warn,tower_sessions=warn");
    let _ = match std::env::var_os("GANTRY_TEST_LOG") {
        Some(path) => match std::fs::OpenOptions::new().create(true).append(true).open(path) {
            Ok(file) => builder
                .with_ansi(false)
                .with_writer(std::sync::Mutex::new(file))
                .try_init(),
            Err(_) => builder.with_test_writer().try_init(),
        },
        None => builder.with_test_writer().try_init(),
    };
}

/// Notes secret values a test handled, for the log check of scripts/test.
pub fn remember_secrets<'a>(values: impl IntoIterator<Item = &'a str>) {
    let Some(log) = std::env::var_os("GANTRY_TEST_LOG") else {
        return;
    };
    let mut path = std::path::PathBuf::from(log);
    path.set_extension("secrets");
    let lines: String = values.into_iter().map(|value| format!("{value}\n")).collect();
    if let Ok(mut file) = std::fs::OpenOptions::new().create(true).append(true).open(path) {
        let _ = std::io::Write::write_all(&mut file, lines.as_bytes());
    }
}

/// The root key every test app of this test process uses, so one database can be served twice.
pub fn test_root_key() -> String {
    static KEY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    KEY.get_or_init(|| MasterKey::generate().to_base64()).clone()
}

/// Sign-in and secrets settings as in production, with this process's random root key.
pub async fn test_security(pool: &PgPool) -> Security {
    let keys = Keyring::open(RootKeySource::Given(test_root_key().into()), pool)
        .await
        .expect("the test root key opens the test database");
    Security {
        keys,
        secret_versions_kept: 10,
        hasher: PasswordHasher::new(),
        session_idle: chrono::Duration::minutes(30),
        session_lifetime: chrono::Duration::hours(12),
    }
}

/// A browser-like client: keeps cookies, sends the panel's own Origin on writes.
pub struct Browser {
    pub client: reqwest::Client,
    jar: Arc<Jar>,
    pub base: String,
}

impl Browser {
    pub fn new(app: &TestApp) -> Self {
        let jar = Arc::new(Jar::default());
        let client = reqwest::Client::builder()
            .cookie_provider(jar.clone())
            .redirect(reqwest::redirect::Policy::none())
            .user_agent("Mozilla/5.0 (X11; Linux x86_64) Chrome/156.0 Safari/537.36")
            .build()
            .expect("client");
        Self {
            client,
            jar,
            base: app.address.clone(),
        }
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .expect("GET reaches the server")
    }

    /// Calls a server function the way a form on the panel's pages does.
    pub async fn call(&self, path: &str, form: &[(&str, &str)]) -> reqwest::Response {
        self.client
            .post(format!("{}{path}", self.base))
            .header("origin", &self.base)
            .form(form)
            .send()
            .await
            .expect("POST reaches the server")
    }

    /// The session cookie's value, if any.
    pub fn session_cookie(&self) -> Option<String> {
        let url = self.base.parse().expect("base URL");
        let header = self.jar.cookies(&url)?;
        header
            .to_str()
            .ok()?
            .split("; ")
            .find_map(|pair| pair.strip_prefix("gantry=").map(str::to_owned))
    }
}

/// The TOTP code for `key` (base32) at `unix` seconds, from oathtool: an implementation
/// independent of Gantry's.
pub fn totp_at(key: &str, unix: i64) -> String {
    let out = Command::new("oathtool")
        .args(["--totp", "-b", "--now", &format!("@{unix}"), key])
        .output()
        .expect("oathtool is installed (scripts/test installs it)");
    assert!(
        out.status.success(),
        "oathtool failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8").trim().to_owned()
}

pub fn totp_now(key: &str) -> String {
    totp_at(key, chrono::Utc::now().timestamp())
}

/// The first admin, as the tests know them.
pub struct Admin {
    pub email: String,
    pub password: String,
    pub key: String,
    pub recovery_codes: Vec<String>,
}

pub const ADMIN_PASSWORD: &str = "quartz lantern orbit meadow 42";

/// Runs first-run setup and MFA enrollment; returns the signed-in browser and the admin.
pub async fn setup_admin(app: &TestApp) -> (Browser, Admin) {
    let browser = Browser::new(app);
    let email = "ada@example.com";
    let created = browser
        .call(
            "/api/auth/setup",
            &[
                ("email", email),
                ("display_name", "Ada"),
                ("password", ADMIN_PASSWORD),
                ("confirm", ADMIN_PASSWORD),
            ],
        )
        .await;
    assert_eq!(
        created.status(),
        200,
        "setup: {}",
        created.text().await.unwrap_or_default()
    );
    let started: serde_json::Value = browser
        .call("/api/auth/enroll/start", &[])
        .await
        .json()
        .await
        .expect("json");
    let key = started["secret_base32"]
        .as_str()
        .expect("a key to enter by hand")
        .to_owned();
    let done = browser
        .call("/api/auth/enroll/confirm", &[("code", &totp_now(&key))])
        .await;
    assert_eq!(done.status(), 200, "enroll: {}", done.text().await.unwrap_or_default());
    let done: serde_json::Value = done.json().await.expect("json");
    let recovery_codes = done["recovery_codes"]
        .as_array()
        .expect("recovery codes")
        .iter()
        .map(|code| code.as_str().expect("string").to_owned())
        .collect();
    let admin = Admin {
        email: email.into(),
        password: ADMIN_PASSWORD.into(),
        key,
        recovery_codes,
    };
    remember_secrets(
        [admin.password.as_str(), admin.key.as_str()]
            .into_iter()
            .chain(admin.recovery_codes.iter().map(String::as_str)),
    );
    (browser, admin)
}

/// Signs `admin` in from a new browser with password and a fresh TOTP code.
pub async fn sign_in(app: &TestApp, pool: &PgPool, admin: &Admin) -> Browser {
    let browser = Browser::new(app);
    let login = browser
        .call(
            "/api/auth/login",
            &[("email", &admin.email), ("password", &admin.password)],
        )
        .await;
    assert_eq!(login.status(), 200, "login: {}", login.text().await.unwrap_or_default());
    // Each code works once; let this sign-in reuse the current time step.
    sqlx::query("update users set totp_last_step = null")
        .execute(pool)
        .await
        .expect("reset step");
    let verify = browser
        .call("/api/auth/verify", &[("code", &totp_now(&admin.key))])
        .await;
    assert_eq!(
        verify.status(),
        200,
        "verify: {}",
        verify.text().await.unwrap_or_default()
    );
    browser
}

/// Makes every session's last TOTP entry older than the five-minute step-up window.
pub async fn expire_step_up(pool: &PgPool) {
    sqlx::query("update user_sessions set mfa_at = now() - interval '6 minutes'")
        .execute(pool)
        .await
        .expect("expire");
}

/// Enters a fresh TOTP code in `browser` to open the step-up window.
pub async fn step_up(browser: &Browser, pool: &PgPool, key: &str) {
    sqlx::query("update users set totp_last_step = null")
        .execute(pool)
        .await
        .expect("reset step");
    let response = browser.call("/api/auth/step-up", &[("code", &totp_now(key))]).await;
    assert_eq!(
        response.status(),
        200,
        "step-up: {}",
        response.text().await.unwrap_or_default()
    );
}

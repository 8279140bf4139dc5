//! Remote mirrors: a service's repository is pushed to a git host speaking git's smart HTTP
//! protocol (the real `git http-backend`, as CGI behind a local server) with the token read from
//! Secrets; a refused push is recorded on the mirror without leaking the token.

mod common;

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use app::templates::server::builtin::sync;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use common::wizard::{create_billing_db, git};
use common::{remember_secrets, setup_admin, spawn_app, Browser};
use serde_json::Value;
use sqlx::PgPool;
use tokio::io::AsyncWriteExt;

const TOKEN: &str = "ghp_test_token_0123456789abcdef";

#[derive(Clone)]
struct Host {
    root: PathBuf,
    expected: String,
    seen: Arc<Mutex<Vec<Option<String>>>>,
}

/// A git host on port 0 that serves bare repositories under `root` and wants `expected` as the
/// Authorization header of every request; records the headers it saw.
async fn git_host(root: PathBuf, expected: String) -> (String, Host) {
    let host = Host {
        root,
        expected,
        seen: Arc::default(),
    };
    let app = axum::Router::new().fallback(cgi).with_state(host.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (address, host)
}

async fn cgi(State(host): State<Host>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let header = |headers: &HeaderMap, name: &str| headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
    let authorization = header(&parts.headers, "authorization");
    host.seen.lock().unwrap().push(authorization.clone());
    if authorization.as_deref() != Some(host.expected.as_str()) {
        return Response::builder()
            .status(StatusCode::UNAUTHORIZED)
            .header("www-authenticate", "Basic realm=\"test\"")
            .body(Body::empty())
            .unwrap();
    }
    let body: Bytes = axum::body::to_bytes(body, 64 << 20).await.unwrap();
    let mut child = tokio::process::Command::new("git")
        .arg("http-backend")
        .env("GIT_PROJECT_ROOT", &host.root)
        .env("GIT_HTTP_EXPORT_ALL", "1")
        .env("REMOTE_USER", "tester")
        .env("REMOTE_ADDR", "127.0.0.1")
        .env("REQUEST_METHOD", parts.method.as_str())
        .env("PATH_INFO", parts.uri.path())
        .env("QUERY_STRING", parts.uri.query().unwrap_or_default())
        .env(
            "CONTENT_TYPE",
            header(&parts.headers, "content-type").unwrap_or_default(),
        )
        .env(
            "HTTP_CONTENT_ENCODING",
            header(&parts.headers, "content-encoding").unwrap_or_default(),
        )
        .env("CONTENT_LENGTH", body.len().to_string())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(&body).await.unwrap();
    drop(stdin);
    let out = child.wait_with_output().await.unwrap();
    let split = out.stdout.windows(4).position(|w| w == b"\r\n\r\n").map(|at| (at, 4));
    let split = split.or_else(|| out.stdout.windows(2).position(|w| w == b"\n\n").map(|at| (at, 2)));
    let (at, gap) = split.expect("CGI headers end");
    let mut response = Response::builder();
    for line in String::from_utf8_lossy(&out.stdout[..at]).lines() {
        let (name, value) = line.split_once(':').unwrap();
        if name.eq_ignore_ascii_case("status") {
            let code: u16 = value.trim()[..3].parse().unwrap();
            response = response.status(code);
        } else {
            response = response.header(name.trim(), value.trim());
        }
    }
    response.body(Body::from(out.stdout[at + gap..].to_vec())).unwrap()
}

async fn save(browser: &Browser, url: &str, token_secret: &str) -> Value {
    browser
        .call(
            "/api/services/mirror/save",
            &[
                ("form[slug]", "billing-db"),
                ("form[url]", url),
                ("form[username]", "acme-bot"),
                ("form[token_secret]", token_secret),
            ],
        )
        .await
        .json()
        .await
        .unwrap()
}

#[sqlx::test(migrations = "../migrations")]
async fn the_repository_is_pushed_with_the_token_from_secrets(pool: PgPool) {
    remember_secrets([TOKEN]);
    sync(&pool).await.unwrap();
    let app = spawn_app(pool.clone()).await;
    let (browser, _) = setup_admin(&app).await;
    create_billing_db(&browser).await;
    let secret = browser
        .call(
            "/api/secrets/create",
            &[
                ("form[name]", "GIT_PUSH_TOKEN"),
                ("form[scope]", "global"),
                ("form[environment]", "production"),
                ("form[description]", "push token"),
                ("form[generator]", ""),
                ("form[value]", TOKEN),
                ("form[rotation_days]", ""),
            ],
        )
        .await;
    assert_eq!(secret.status(), 200);

    let root = tempfile::tempdir().unwrap();
    let remote = root.path().join("billing.git");
    let made = git(vec![
        "init".into(),
        "--bare".into(),
        "--quiet".into(),
        remote.display().to_string(),
    ])
    .await;
    assert!(made.status.success());
    use base64::Engine;
    let expected = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("acme-bot:{TOKEN}"))
    );
    let (address, host) = git_host(root.path().to_owned(), expected.clone()).await;

    let mirror = save(&browser, &format!("{address}/billing.git"), "GIT_PUSH_TOKEN").await;
    assert_eq!(mirror["last_push_ok"], true, "{mirror}");
    let log = git(vec![
        format!("--git-dir={}", remote.display()),
        "log".into(),
        "--format=%s".into(),
        "main".into(),
    ])
    .await;
    let log = String::from_utf8_lossy(&log.stdout).into_owned();
    assert!(
        log.contains("Create Billing DB"),
        "the remote holds Gantry's commit: {log}"
    );
    assert!(
        host.seen
            .lock()
            .unwrap()
            .iter()
            .all(|seen| seen.as_deref() == Some(expected.as_str())),
        "every request carried the token"
    );

    let refused = save(&browser, &format!("{address}/billing.git"), "").await;
    assert_eq!(refused["last_push_ok"], false, "without the token the host refuses");
    let error = refused["last_error"].as_str().unwrap();
    assert!(!error.is_empty() && !error.contains(TOKEN));

    let pushes: Vec<Value> =
        sqlx::query_scalar("select detail from audit_log where action = 'service.mirror.pushed' order by id")
            .fetch_all(&pool)
            .await
            .unwrap();
    assert_eq!(pushes.len(), 2);
    assert_eq!(pushes[0]["ok"], true);
    assert_eq!(pushes[1]["ok"], false);
    let page = browser
        .get("/services/billing-db?tab=configuration")
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("Last push failed"));
}

#[sqlx::test(migrations = "../migrations")]
async fn a_mirror_url_with_credentials_in_it_is_refused(pool: PgPool) {
    sync(&pool).await.unwrap();
    let app = spawn_app(pool.clone()).await;
    let (browser, _) = setup_admin(&app).await;
    create_billing_db(&browser).await;
    let refused = save(
        &browser,
        "https://bot:secret@git.example.com/acme/billing.git",
        "not a name",
    )
    .await;
    assert_eq!(refused["kind"], "invalid");
    let fields: Vec<&str> = refused["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["url", "token_secret"]);
    let stored: i64 = sqlx::query_scalar("select count(*) from service_mirrors")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(stored, 0);
}

//! The exec terminal's WebSocket on a real engine: it opens only for a signed-in user who
//! stepped up, from the panel's own origin; keystrokes and sizes reach a TTY shell; and the end of
//! a session, from either side, is audited with its duration.

mod common;

use std::time::{Duration, Instant};

use bollard::models::{ContainerCreateBody, HostConfig};
use bollard::query_parameters::{CreateContainerOptionsBuilder, RemoveContainerOptionsBuilder};
use common::{expire_step_up, setup_admin, spawn_app, step_up, Browser};
use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use sqlx::PgPool;
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::{Error as WsError, Message};
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// A busybox container that idles until dropped, on no network.
struct Container {
    id: String,
}

impl Drop for Container {
    /// Removed even when the test fails (tests share one engine).
    fn drop(&mut self) {
        let id = self.id.clone();
        let _ = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            let options = RemoveContainerOptionsBuilder::new().force(true).build();
            let _ = runtime.block_on(common::docker::client().remove_container(&id, Some(options)));
        })
        .join();
    }
}

async fn idle_container(name: &str) -> Container {
    let docker = common::docker::client();
    let body = ContainerCreateBody {
        image: Some(common::docker::base_image()),
        cmd: Some(vec!["sh".into(), "-c".into(), "while true; do sleep 1; done".into()]),
        host_config: Some(HostConfig {
            network_mode: Some("none".into()),
            ..Default::default()
        }),
        ..Default::default()
    };
    let name = format!("{name}-{}", uuid::Uuid::new_v4().simple());
    let options = CreateContainerOptionsBuilder::new().name(&name).build();
    let created = docker.create_container(Some(options), body).await.unwrap();
    let container = Container { id: created.id };
    docker.start_container(&container.id, None).await.unwrap();
    container
}

/// The command lines running in the container.
async fn processes(container: &Container) -> Vec<String> {
    let top = common::docker::client()
        .top_processes(&container.id, None)
        .await
        .unwrap();
    top.processes
        .unwrap_or_default()
        .into_iter()
        .map(|row| row.join(" "))
        .collect()
}

/// Opens `/ws/exec/{id}` with the browser's cookie and the given `Origin`.
async fn connect(browser: &Browser, id: &str, origin: &str) -> Result<Socket, WsError> {
    let url = format!("{}/ws/exec/{id}", browser.base.replacen("http://", "ws://", 1));
    let mut request = url.into_client_request().unwrap();
    let headers = request.headers_mut();
    headers.insert("origin", origin.parse().unwrap());
    if let Some(session) = browser.session_cookie() {
        headers.insert("cookie", format!("gantry={session}").parse().unwrap());
    }
    tokio_tungstenite::connect_async(request)
        .await
        .map(|(socket, _)| socket)
}

/// The refusal's HTTP status and JSON body.
fn refusal(result: Result<Socket, WsError>) -> (u16, Value) {
    match result {
        Err(WsError::Http(response)) => {
            let body = response.body().clone().unwrap_or_default();
            (
                response.status().as_u16(),
                serde_json::from_slice(&body).unwrap_or(Value::Null),
            )
        }
        Err(other) => panic!("expected an HTTP refusal, got {other}"),
        Ok(_) => panic!("the upgrade was accepted"),
    }
}

async fn send(socket: &mut Socket, message: Value) {
    socket.send(Message::text(message.to_string())).await.unwrap();
}

/// Reads output until it holds every one of `wanted` (10 s at most); returns all of it.
async fn read_until(socket: &mut Socket, wanted: &[&str]) -> String {
    let mut seen = String::new();
    let deadline = Instant::now() + Duration::from_secs(10);
    while !wanted.iter().all(|w| seen.contains(w)) {
        let left = deadline.saturating_duration_since(Instant::now());
        let frame = tokio::time::timeout(left, socket.next())
            .await
            .unwrap_or_else(|_| panic!("no {wanted:?} within 10 s; got {seen:?}"));
        match frame {
            Some(Ok(Message::Binary(bytes))) => seen.push_str(&String::from_utf8_lossy(&bytes)),
            Some(Ok(Message::Text(text))) => seen.push_str(&text),
            Some(Ok(_)) => {}
            other => panic!("the socket ended before {wanted:?}: {other:?}; got {seen:?}"),
        }
    }
    seen
}

/// The detail of the latest audit entry `action`, waiting up to 5 s for it.
async fn audited(pool: &PgPool, action: &str) -> Value {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let detail: Option<String> =
            sqlx::query_scalar("select detail::text from audit_log where action = $1 order by id desc limit 1")
                .bind(action)
                .fetch_optional(pool)
                .await
                .unwrap();
        if let Some(detail) = detail {
            return serde_json::from_str(&detail).unwrap();
        }
        assert!(Instant::now() < deadline, "no {action} audit entry");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn a_shell_needs_a_fresh_code_takes_keystrokes_and_sizes_and_its_end_is_audited(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let (browser, admin) = setup_admin(&app).await;
    let container = idle_container("exec-shell").await;

    expire_step_up(&pool).await;
    let checked = browser
        .call("/api/containers/exec-check", &[("id", &container.id)])
        .await;
    let checked: Value = checked.json().await.unwrap();
    assert_eq!(checked["kind"], "step_up_required", "{checked}");
    let (status, body) = refusal(connect(&browser, &container.id, &browser.base).await);
    assert_eq!((status, body["kind"].as_str()), (403, Some("step_up_required")));

    step_up(&browser, &pool, &admin.key).await;
    let checked = browser
        .call("/api/containers/exec-check", &[("id", &container.id)])
        .await;
    assert_eq!(checked.status(), 200, "{}", checked.text().await.unwrap_or_default());
    let mut socket = connect(&browser, &container.id, &browser.base)
        .await
        .expect("the shell opens after step-up");
    send(&mut socket, json!({ "type": "resize", "cols": 100, "rows": 30 })).await;
    send(
        &mut socket,
        json!({ "type": "input", "data": "stty size; echo hel\"\"lo\n" }),
    )
    .await;
    read_until(&mut socket, &["30 100", "hello"]).await;
    let opened = audited(&pool, "container.exec.opened").await;
    assert!(opened["exec_id"].is_string(), "{opened}");

    socket.close(None).await.unwrap();
    let closed = audited(&pool, "container.exec.closed").await;
    assert!(closed["duration_secs"].is_u64(), "{closed}");
    assert_eq!(closed["ended_by"], "browser", "{closed}");
    assert_eq!(closed["exec_id"], opened["exec_id"]);
    assert!(
        closed["exit_status"].is_i64(),
        "the shell ends with its terminal: {closed}"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn closing_the_tab_ends_the_shell_even_while_a_program_ignores_ctrl_c(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let (browser, _) = setup_admin(&app).await;
    let container = idle_container("exec-hangup").await;

    let mut socket = connect(&browser, &container.id, &browser.base)
        .await
        .expect("the shell opens");
    send(
        &mut socket,
        json!({ "type": "input", "data": "trap '' INT; echo rea\"\"dy; sleep 1000\n" }),
    )
    .await;
    read_until(&mut socket, &["ready"]).await;
    assert!(processes(&container).await.iter().any(|p| p.contains("sleep 1000")));
    drop(socket);

    let closed = audited(&pool, "container.exec.closed").await;
    assert!(closed["exit_status"].is_i64(), "the shell was hung up on: {closed}");
    let left = processes(&container).await;
    assert!(
        !left.iter().any(|p| p.contains("sleep 1000") || p.ends_with("/bin/sh")),
        "{left:?}"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn a_shell_that_exits_closes_the_socket_with_its_exit_status(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let (browser, _) = setup_admin(&app).await;
    let container = idle_container("exec-exit").await;

    let mut socket = connect(&browser, &container.id, &browser.base)
        .await
        .expect("a fresh sign-in counts as step-up");
    send(&mut socket, json!({ "type": "input", "data": "exit 3\n" })).await;
    let ended = tokio::time::timeout(Duration::from_secs(10), async {
        while let Some(Ok(frame)) = socket.next().await {
            if frame.is_close() {
                break;
            }
        }
    })
    .await;
    assert!(ended.is_ok(), "the socket closes when the shell exits");
    let closed = audited(&pool, "container.exec.closed").await;
    assert_eq!(
        (closed["ended_by"].as_str(), closed["exit_status"].as_i64()),
        (Some("shell"), Some(3)),
        "{closed}"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn other_sites_and_anonymous_visitors_cannot_open_a_shell(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let (browser, _) = setup_admin(&app).await;
    let container = idle_container("exec-origin").await;

    let (status, body) = refusal(connect(&browser, &container.id, "http://evil.example").await);
    assert_eq!((status, body["kind"].as_str()), (403, Some("forbidden")));
    let anonymous = Browser::new(&app);
    let (status, _) = refusal(connect(&anonymous, &container.id, &anonymous.base).await);
    assert_eq!(status, 401);
    let (status, _) = refusal(connect(&browser, "..%2Fimages", &browser.base).await);
    assert_eq!(status, 404);
}

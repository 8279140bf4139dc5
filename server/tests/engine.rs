//! The engine connection: the panel notices the engine going away (banner, deploys refused with a
//! clear message) and recovers on its own when it comes back; container actions reach the engine
//! and are audited.

mod common;

use std::path::Path;
use std::time::{Duration, Instant};

use app::containers::server::engine::{Engine, EngineStatus};
use common::docker::{deploy, docker_host, finished, httpd_dockerfile, remove_containers, web_service};
use common::{serve_with_engine, setup_admin, spawn_app, test_security};
use serde_json::Value;
use sqlx::PgPool;
use tokio::net::{UnixListener, UnixStream};
use tokio::task::JoinSet;

/// A stand-in socket in front of the test engine: while it runs the engine is reachable through
/// it; aborting it (and its connections) is the engine going away.
fn proxy(path: &Path) -> tokio::task::JoinHandle<()> {
    let listener = UnixListener::bind(path).expect("bind the stand-in socket");
    let upstream = docker_host().trim_start_matches("unix://").to_owned();
    tokio::spawn(async move {
        let mut connections = JoinSet::new();
        while let Ok((mut client, _)) = listener.accept().await {
            let upstream = upstream.clone();
            connections.spawn(async move {
                if let Ok(mut engine) = UnixStream::connect(&upstream).await {
                    let _ = tokio::io::copy_bidirectional(&mut client, &mut engine).await;
                }
            });
        }
    })
}

async fn wait_for(engine: &Engine, up: bool) {
    let started = Instant::now();
    while matches!(engine.status(), EngineStatus::Up { .. }) != up {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "the engine status stayed {:?}",
            engine.status()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn the_panel_notices_the_engine_going_away_and_recovers_when_it_returns(pool: PgPool) {
    let dir = tempfile::tempdir().unwrap();
    let socket = dir.path().join("engine.sock");
    let engine = Engine::new(&format!("unix://{}", socket.display()), Some("none".into()));
    let security = test_security(&pool).await;
    let app = serve_with_engine(pool.clone(), security, false, engine.clone()).await;
    server::jobs::spawn_engine_watch(app.state.clone());
    let (browser, _) = setup_admin(&app).await;

    wait_for(&engine, false).await;
    let page = browser.get("/services").await.text().await.unwrap();
    assert!(
        page.contains("The Docker engine is unreachable"),
        "every page shows the banner"
    );
    let containers: Value = browser
        .call("/api/containers/list", &[("filter[q]", "")])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(containers["kind"], "conflict");
    assert!(containers["message"].as_str().unwrap().contains("cannot be reached"));

    let running = proxy(&socket);
    wait_for(&engine, true).await;
    let page = browser.get("/services").await.text().await.unwrap();
    assert!(
        !page.contains("The Docker engine is unreachable"),
        "the banner goes by itself"
    );
    let info = browser
        .call("/api/containers/engine", &[])
        .await
        .json::<Value>()
        .await
        .unwrap();
    assert_eq!(info["reachable"], true, "{info}");
    assert!(!info["version"].as_str().unwrap().is_empty());

    running.abort();
    let _ = std::fs::remove_file(&socket);
    wait_for(&engine, false).await;
}

#[sqlx::test(migrations = "../migrations")]
async fn container_actions_reach_the_engine_and_are_audited(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let (browser, _) = setup_admin(&app).await;
    let service = web_service(&browser, &pool, "acted-on", &httpd_dockerfile()).await;
    let id = deploy(&browser, "acted-on").await;
    assert_eq!(finished(&browser, &id).await["status"], "succeeded");
    let container: String = sqlx::query_scalar("select container_ids[1] from deployments where id = $1::uuid")
        .bind(&id)
        .fetch_one(&pool)
        .await
        .unwrap();
    let state = |expected: &'static str| {
        let container = container.clone();
        async move {
            let inspected = common::docker::client()
                .inspect_container(&container, None)
                .await
                .unwrap();
            let status = inspected
                .state
                .and_then(|s| s.status)
                .map(|s| s.to_string())
                .unwrap_or_default();
            assert_eq!(status, expected);
        }
    };
    for (action, expected) in [
        ("stop", "exited"),
        ("start", "running"),
        ("restart", "running"),
        ("kill", "exited"),
    ] {
        let outcome: Value = browser
            .call("/api/containers/action", &[("ids[0]", &container), ("action", action)])
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(outcome[0]["error"], Value::Null, "{action}: {outcome}");
        state(expected).await;
    }
    let missing: Value = browser
        .call(
            "/api/containers/action",
            &[("ids[0]", "no-such-container"), ("action", "start")],
        )
        .await
        .json()
        .await
        .unwrap();
    assert!(
        missing[0]["error"].as_str().unwrap().contains("no longer exists"),
        "{missing}"
    );
    let audited: Vec<String> =
        sqlx::query_scalar("select action from audit_log where object_type = 'container' order by id")
            .fetch_all(&pool)
            .await
            .unwrap();
    assert_eq!(
        audited,
        [
            "container.stop",
            "container.start",
            "container.restart",
            "container.kill",
            "container.start"
        ]
    );
    let listed = browser.get("/containers?managed=gantry").await.text().await.unwrap();
    assert!(listed.contains("acted-on") && listed.contains("exited"));
    remove_containers(service).await;
}

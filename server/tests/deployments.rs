//! Deployments on a real Docker engine: build with streamed output, health gate, a failed
//! deploy that leaves the running container alone, rollback, and crash detection from the
//! engine's event stream.

mod common;

use std::time::{Duration, Instant};

use common::docker::{
    containers_labelled, deploy, finished, httpd_dockerfile, remove_containers, set_files, web_service,
};
use common::{setup_admin, spawn_app};
use sqlx::PgPool;

async fn environment_status(pool: &PgPool, service: uuid::Uuid) -> String {
    sqlx::query_scalar("select status from service_environments where service_id = $1 and name = 'production'")
        .bind(service)
        .fetch_one(pool)
        .await
        .unwrap()
}

fn running_ids(found: &[bollard::models::ContainerSummary]) -> Vec<String> {
    found
        .iter()
        .filter(|c| c.state.as_ref().map(ToString::to_string).as_deref() == Some("running"))
        .filter_map(|c| c.id.clone())
        .collect()
}

#[sqlx::test(migrations = "../migrations")]
async fn a_deploy_builds_passes_the_health_gate_and_a_bad_one_leaves_it_running(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let (browser, _) = setup_admin(&app).await;
    let service = web_service(&browser, &pool, "hello-web", &httpd_dockerfile()).await;
    let label = format!("gantry.service_id={service}");

    let first = deploy(&browser, "hello-web").await;
    let done = finished(&browser, &first).await;
    assert_eq!(done["status"], "succeeded", "{done}");
    let log = done["log"].as_str().unwrap();
    assert!(
        log.contains("Step 1/3 : FROM"),
        "the build's own output is in the log: {log}"
    );
    assert!(log.contains("healthy"), "the health check passed: {log}");
    let live = running_ids(&containers_labelled(&label).await);
    assert_eq!(live.len(), 1);
    assert_eq!(environment_status(&pool, service).await, "running");

    // A version that crashes at start: the deploy fails, says why, and the first container stays.
    set_files(
        &pool,
        service,
        &[(
            "Dockerfile",
            &format!(
                "FROM {}\nCMD [\"sh\", \"-c\", \"echo boom >&2; exit 3\"]\n",
                common::docker::base_image()
            ),
        )],
    )
    .await;
    let second = deploy(&browser, "hello-web").await;
    let failed = finished(&browser, &second).await;
    assert_eq!(failed["status"], "failed");
    let error = failed["error"].as_str().unwrap();
    assert!(error.contains("exit code 3") && error.contains("boom"), "{error}");
    assert_eq!(
        running_ids(&containers_labelled(&label).await),
        live,
        "the old container still runs, alone"
    );
    assert_eq!(environment_status(&pool, service).await, "running");

    // Roll back to the first deployment: its image runs again in a new container.
    set_files(&pool, service, &[("Dockerfile", "FROM scratch\n")]).await;
    let back: serde_json::Value = browser
        .call(
            "/api/deployments/rollback",
            &[("slug", "hello-web"), ("deployment", &first)],
        )
        .await
        .json()
        .await
        .unwrap();
    let third = back.as_str().unwrap().rsplit('/').next().unwrap().to_owned();
    let rolled = finished(&browser, &third).await;
    assert_eq!(rolled["status"], "succeeded", "{rolled}");
    let now = running_ids(&containers_labelled(&label).await);
    assert_eq!(now.len(), 1);
    assert_ne!(now, live, "a new container replaced the old one");
    let images: Vec<Option<String>> =
        sqlx::query_scalar("select image_id from deployments where id = any($1::uuid[]) order by created_at")
            .bind(vec![first.clone(), third.clone()])
            .fetch_all(&pool)
            .await
            .unwrap();
    assert_eq!(images[0], images[1], "the rollback ran the first deployment's image");

    let actions: Vec<String> =
        sqlx::query_scalar("select action from audit_log where object_type = 'deployment' order by id")
            .fetch_all(&pool)
            .await
            .unwrap();
    for expected in [
        "deployment.started",
        "deployment.succeeded",
        "deployment.failed",
        "deployment.rolled_back",
    ] {
        assert!(actions.iter().any(|a| a == expected), "{expected} in {actions:?}");
    }
    let page = browser
        .get("/services/hello-web?tab=deployments")
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("Roll back to this") && page.contains("deploy failed"));
    remove_containers(service).await;
}

#[sqlx::test(migrations = "../migrations")]
async fn a_second_deploy_of_the_same_environment_waits_its_turn(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let (browser, _) = setup_admin(&app).await;
    let service = web_service(&browser, &pool, "busy-web", &httpd_dockerfile()).await;
    let first = deploy(&browser, "busy-web").await;
    let refused: serde_json::Value = browser
        .call(
            "/api/deployments/start",
            &[("slug", "busy-web"), ("environment", "production")],
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(refused["kind"], "conflict", "{refused}");
    assert!(refused["message"].as_str().unwrap().contains("already running"));
    finished(&browser, &first).await;
    remove_containers(service).await;
}

#[sqlx::test(migrations = "../migrations")]
async fn crashes_are_recorded_from_the_engine_events_and_a_loop_is_named(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    server::jobs::spawn_engine_watch(app.state.clone());
    let (browser, _) = setup_admin(&app).await;
    let dockerfile = format!(
        "FROM {}\nCMD [\"sh\", \"-c\", \"sleep 3; echo dying >&2; exit 7\"]\n",
        common::docker::base_image()
    );
    let service = web_service(&browser, &pool, "crashy", &dockerfile).await;
    sqlx::query("update service_environments set health_path = '' where service_id = $1")
        .bind(service)
        .execute(&pool)
        .await
        .unwrap();
    let id = deploy(&browser, "crashy").await;
    assert_eq!(
        finished(&browser, &id).await["status"],
        "succeeded",
        "it runs long enough to pass the gate"
    );

    let started = Instant::now();
    loop {
        let kinds: Vec<(String, Option<i32>)> =
            sqlx::query_as("select kind, exit_code from service_events where service_id = $1 order by id")
                .bind(service)
                .fetch_all(&pool)
                .await
                .unwrap();
        if kinds.iter().any(|(kind, _)| kind == "restart_loop") {
            assert!(
                kinds.iter().any(|(kind, code)| kind == "crash" && *code == Some(7)),
                "{kinds:?}"
            );
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(90),
            "no restart loop was reported: {kinds:?}"
        );
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    let page = browser
        .get("/services/crashy?tab=deployments")
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("restart loop"));
    remove_containers(service).await;
}

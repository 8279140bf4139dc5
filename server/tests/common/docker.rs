//! The container tests' Docker engine (started by the test setup, see scripts/lib/test_env.sh)
//! and a service that builds on it without a registry: busybox's httpd serving a health file.

use std::time::{Duration, Instant};

use serde_json::Value;
use sqlx::PgPool;
use uuid::Uuid;

use super::Browser;

/// The engine's address; the container tests need a real engine and say so plainly.
pub fn docker_host() -> String {
    std::env::var("GANTRY_TEST_DOCKER_HOST")
        .expect("GANTRY_TEST_DOCKER_HOST names the test Docker engine: run ./scripts/test, which starts one")
}

/// The local base image (FROM scratch + static busybox) the test setup builds.
pub fn base_image() -> String {
    std::env::var("GANTRY_TEST_BASE_IMAGE").unwrap_or_else(|_| "gantry-test/busybox:1".into())
}

/// A Dockerfile serving `www/` with busybox httpd on port 8080.
pub fn httpd_dockerfile() -> String {
    format!(
        "FROM {}\nCOPY www /www\nCMD [\"httpd\", \"-f\", \"-v\", \"-p\", \"8080\", \"-h\", \"/www\"]\n",
        base_image()
    )
}

/// Registers `slug` (production only) and gives it a repository holding `dockerfile` and a
/// `www/healthz`; production serves port 8080 with health path `/healthz`.
pub async fn web_service(browser: &Browser, pool: &PgPool, slug: &str, dockerfile: &str) -> Uuid {
    let created = browser
        .call(
            "/api/services/create",
            &[
                ("form[name]", slug),
                ("form[slug]", slug),
                ("form[environments]", "production"),
                ("form[owner]", "Tests"),
                ("form[port]", "8080"),
            ],
        )
        .await;
    assert_eq!(created.status(), 200, "{}", created.text().await.unwrap_or_default());
    let id: Uuid = sqlx::query_scalar("select id from services where slug = $1")
        .bind(slug)
        .fetch_one(pool)
        .await
        .unwrap();
    sqlx::query(
        "update service_environments set health_path = '/healthz', health_interval_secs = 5, memory_mb = 64, cpu_millis = 250 \
         where service_id = $1",
    )
    .bind(id)
    .execute(pool)
    .await
    .unwrap();
    set_files(
        pool,
        id,
        &[
            ("Dockerfile", dockerfile),
            ("www/healthz", "ok\n"),
            ("www/index.html", "hello\n"),
        ],
    )
    .await;
    id
}

/// Replaces the service's repository files (what the next build uses).
pub async fn set_files(pool: &PgPool, service: Uuid, files: &[(&str, &str)]) {
    sqlx::query("delete from service_files where service_id = $1")
        .bind(service)
        .execute(pool)
        .await
        .unwrap();
    for (path, content) in files {
        sqlx::query("insert into service_files (service_id, path, content) values ($1, $2, $3)")
            .bind(service)
            .bind(path)
            .bind(content)
            .execute(pool)
            .await
            .unwrap();
    }
}

/// Starts a deployment and returns its id.
pub async fn deploy(browser: &Browser, slug: &str) -> String {
    let started = browser
        .call(
            "/api/deployments/start",
            &[("slug", slug), ("environment", "production")],
        )
        .await;
    let page: Value = started.json().await.unwrap();
    let page = page.as_str().unwrap_or_else(|| panic!("deploy refused: {page}"));
    page.rsplit('/').next().unwrap().to_owned()
}

/// Polls the deployment until it finishes; returns its progress (status, whole log, error).
pub async fn finished(browser: &Browser, id: &str) -> Value {
    let started = Instant::now();
    loop {
        let progress: Value = browser
            .call("/api/deployments/progress", &[("id", id), ("offset", "0")])
            .await
            .json()
            .await
            .unwrap();
        if matches!(progress["status"].as_str(), Some("succeeded" | "failed")) {
            return progress;
        }
        assert!(
            started.elapsed() < Duration::from_secs(180),
            "deployment {id} did not finish: {progress}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// The engine's containers carrying a label (`key=value`), all states.
pub async fn containers_labelled(label: &str) -> Vec<bollard::models::ContainerSummary> {
    let docker = client();
    let filters = std::collections::HashMap::from([("label", vec![label.to_owned()])]);
    let options = bollard::query_parameters::ListContainersOptionsBuilder::new()
        .all(true)
        .filters(&filters)
        .build();
    docker.list_containers(Some(options)).await.unwrap()
}

/// A bollard client on the test engine.
pub fn client() -> bollard::Docker {
    let host = docker_host();
    let path = host.trim_start_matches("unix://");
    bollard::Docker::connect_with_unix(path, 60, bollard::API_DEFAULT_VERSION).unwrap()
}

/// Removes every container of a service (tests share one engine).
pub async fn remove_containers(service: Uuid) {
    let docker = client();
    for container in containers_labelled(&format!("gantry.service_id={service}")).await {
        if let Some(id) = container.id {
            let options = bollard::query_parameters::RemoveContainerOptionsBuilder::new()
                .force(true)
                .build();
            let _ = docker.remove_container(&id, Some(options)).await;
        }
    }
}

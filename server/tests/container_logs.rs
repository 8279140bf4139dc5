//! Container logs on a real Docker engine: history with its stream filter and tail, the live
//! follow over server-sent events (per container and per service), downloads, a service's
//! containers merged by time, and no logs for anyone signed out.

mod common;

use std::collections::HashMap;
use std::time::{Duration, Instant};

use bollard::exec::{CreateExecOptions, StartExecResults};
use bollard::models::{ContainerCreateBody, HostConfig};
use common::docker::{base_image, client, httpd_dockerfile, remove_containers, web_service};
use common::{setup_admin, spawn_app, Browser};
use futures_util::StreamExt;
use serde_json::Value;
use sqlx::PgPool;
use uuid::Uuid;

const CHATTY: &str = "echo start; sleep 0.2; echo warn-line >&2; while true; do sleep 1; done";

/// Starts a container of `service` (production) running `script`; returns its id.
async fn start(service: Uuid, slug: &str, script: &str) -> String {
    let docker = client();
    let labels = HashMap::from([
        ("gantry.service_id".to_owned(), service.to_string()),
        ("gantry.env".to_owned(), "production".to_owned()),
        ("gantry.service".to_owned(), slug.to_owned()),
    ]);
    let body = ContainerCreateBody {
        image: Some(base_image()),
        cmd: Some(vec!["sh".into(), "-c".into(), script.into()]),
        labels: Some(labels),
        host_config: Some(HostConfig {
            network_mode: Some("none".into()),
            ..Default::default()
        }),
        ..Default::default()
    };
    let created = docker.create_container(None, body).await.unwrap();
    docker.start_container(&created.id, None).await.unwrap();
    created.id
}

/// Runs `echo <text>` as the container's main process would (onto its stdout).
async fn write_stdout(id: &str, text: &str) {
    let docker = client();
    let exec = docker
        .create_exec(
            id,
            CreateExecOptions {
                cmd: Some(vec![
                    "sh".to_owned(),
                    "-c".to_owned(),
                    format!("echo {text} > /proc/1/fd/1"),
                ]),
                attach_stdout: Some(true),
                attach_stderr: Some(true),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    if let StartExecResults::Attached { mut output, .. } = docker.start_exec(&exec.id, None).await.unwrap() {
        while output.next().await.is_some() {}
    }
}

async fn call(browser: &Browser, path: &str, form: &[(&str, &str)]) -> Value {
    browser.call(path, form).await.json().await.expect("JSON")
}

/// Asks for history until `done` holds (the engine writes logs asynchronously).
async fn history_until(
    browser: &Browser,
    path: &str,
    form: &[(&str, &str)],
    done: impl Fn(&[Value]) -> bool,
) -> Vec<Value> {
    let started = Instant::now();
    loop {
        let lines = call(browser, path, form).await;
        let lines = lines.as_array().cloned().unwrap_or_else(|| panic!("lines: {lines}"));
        if done(&lines) {
            return lines;
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "history never got there: {lines:?}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

fn texts(lines: &[Value]) -> Vec<&str> {
    lines.iter().filter_map(|line| line["text"].as_str()).collect()
}

/// Reads server-sent events until a line whose text is `marker` arrives (10 s at most).
async fn event_with(response: &mut reqwest::Response, marker: &str) -> Value {
    let mut buffer = String::new();
    let found = tokio::time::timeout(Duration::from_secs(10), async {
        while let Some(chunk) = response.chunk().await.expect("the stream stays open") {
            buffer.push_str(&String::from_utf8_lossy(&chunk));
            let found = buffer
                .lines()
                .filter_map(|line| line.strip_prefix("data:"))
                .filter_map(|data| serde_json::from_str::<Value>(data.trim()).ok())
                .find(|line| line["text"] == marker);
            if found.is_some() {
                return found;
            }
        }
        None
    })
    .await;
    match found {
        Ok(Some(line)) => line,
        Ok(None) => panic!("the stream ended before {marker}: {buffer}"),
        Err(_) => panic!("{marker} did not arrive within 10 s: {buffer}"),
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn history_has_each_line_with_its_stream_and_time_and_obeys_the_filters(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let (browser, _) = setup_admin(&app).await;
    let service = web_service(&browser, &pool, "logs-history", &httpd_dockerfile()).await;
    let id = start(service, "logs-history", CHATTY).await;

    let lines = history_until(
        &browser,
        "/api/containers/logs",
        &[("id", &id), ("query[tail]", "200")],
        |lines| lines.len() >= 2,
    )
    .await;
    assert_eq!(texts(&lines), ["start", "warn-line"]);
    assert_eq!(lines[0]["stream"], "stdout");
    assert_eq!(lines[1]["stream"], "stderr");
    for line in &lines {
        let ts = line["ts"].as_str().unwrap_or_default();
        assert!(
            chrono::DateTime::parse_from_rfc3339(ts).is_ok(),
            "an RFC 3339 time: {line}"
        );
    }

    let stderr = call(
        &browser,
        "/api/containers/logs",
        &[("id", &id), ("query[stream]", "stderr")],
    )
    .await;
    assert_eq!(texts(stderr.as_array().unwrap()), ["warn-line"]);
    let last = call(&browser, "/api/containers/logs", &[("id", &id), ("query[tail]", "1")]).await;
    assert_eq!(texts(last.as_array().unwrap()), ["warn-line"]);
    let recent = call(
        &browser,
        "/api/containers/logs",
        &[("id", &id), ("query[since]", "15m")],
    )
    .await;
    assert_eq!(texts(recent.as_array().unwrap()), ["start", "warn-line"]);

    let refused = call(
        &browser,
        "/api/containers/logs",
        &[("id", &id), ("query[since]", "yesterday-ish")],
    )
    .await;
    assert_eq!(refused["kind"], "invalid", "{refused}");
    assert_eq!(refused["fields"][0]["field"], "since");
    let missing = call(
        &browser,
        "/api/containers/logs",
        &[("id", "../info"), ("query[tail]", "5")],
    )
    .await;
    assert_eq!(missing["kind"], "not_found", "{missing}");

    let download = browser
        .get(&format!("/live/logs/{id}/download?tail=10&stream=stdout"))
        .await;
    assert_eq!(download.status(), 200);
    let disposition = download.headers()["content-disposition"].to_str().unwrap().to_owned();
    assert!(
        disposition.starts_with("attachment;") && disposition.contains(".log"),
        "{disposition}"
    );
    assert!(download.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/plain"));
    let text = download.text().await.unwrap();
    let only: Vec<&str> = text.lines().collect();
    assert_eq!(only.len(), 1, "{text}");
    assert!(only[0].ends_with(" stdout start"), "ts stream text: {text}");
    let bad = browser.get(&format!("/live/logs/{id}/download?until=soon")).await;
    assert_eq!(bad.status(), 400);

    remove_containers(service).await;
}

#[sqlx::test(migrations = "../migrations")]
async fn following_streams_lines_written_after_the_page_connected(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let (browser, _) = setup_admin(&app).await;
    let service = web_service(&browser, &pool, "logs-follow", &httpd_dockerfile()).await;
    let id = start(service, "logs-follow", CHATTY).await;

    let mut live = browser.get(&format!("/live/logs/{id}")).await;
    assert_eq!(live.status(), 200);
    assert_eq!(live.headers()["content-type"], "text/event-stream");
    write_stdout(&id, "marker-XYZ").await;
    let line = event_with(&mut live, "marker-XYZ").await;
    assert_eq!(line["stream"], "stdout");
    assert!(line["ts"].as_str().is_some_and(|ts| !ts.is_empty()));

    let mut merged = browser
        .get("/live/service-logs/logs-follow?environment=production")
        .await;
    assert_eq!(merged.status(), 200);
    write_stdout(&id, "marker-merged").await;
    let line = event_with(&mut merged, "marker-merged").await;
    assert!(
        line["container"].as_str().is_some_and(|name| !name.is_empty()),
        "{line}"
    );

    // Once the container stops, the stream says so and ends.
    let options = bollard::query_parameters::StopContainerOptionsBuilder::new()
        .t(1)
        .build();
    client().stop_container(&id, Some(options)).await.unwrap();
    let ended = tokio::time::timeout(Duration::from_secs(10), async {
        let mut rest = String::new();
        while let Ok(Some(chunk)) = live.chunk().await {
            rest.push_str(&String::from_utf8_lossy(&chunk));
            if rest.contains("event: end") {
                return true;
            }
        }
        false
    })
    .await;
    assert_eq!(ended, Ok(true), "an end event follows the last line");

    let gone = browser.get("/live/logs/0123456789ab0123456789ab").await;
    assert_eq!(gone.status(), 404);
    let odd = browser.get("/live/service-logs/logs-follow?environment=nowhere").await;
    assert_eq!(odd.status(), 400);

    remove_containers(service).await;
}

#[sqlx::test(migrations = "../migrations")]
async fn a_services_containers_are_merged_by_time(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let (browser, _) = setup_admin(&app).await;
    let service = web_service(&browser, &pool, "logs-merged", &httpd_dockerfile()).await;
    let script = |name: &str| format!("echo {name}-1; sleep 1; echo {name}-2; while true; do sleep 1; done");
    let first = start(service, "logs-merged", &script("a")).await;
    let second = start(service, "logs-merged", &script("b")).await;

    let form = [
        ("slug", "logs-merged"),
        ("environment", "production"),
        ("query[tail]", "100"),
    ];
    let merged = history_until(&browser, "/api/containers/service_logs", &form, |lines| {
        lines.len() >= 4
    })
    .await;
    let stamps: Vec<&str> = merged.iter().filter_map(|line| line["ts"].as_str()).collect();
    assert!(
        stamps.windows(2).all(|pair| pair[0] <= pair[1]),
        "in time order: {merged:?}"
    );
    let mut expected = Vec::new();
    for id in [&first, &second] {
        let own = call(&browser, "/api/containers/logs", &[("id", id), ("query[tail]", "100")]).await;
        expected.extend(
            own.as_array()
                .unwrap()
                .iter()
                .map(|line| line["ts"].as_str().unwrap_or_default().to_owned()),
        );
    }
    expected.sort();
    assert_eq!(stamps, expected, "every line of both containers, once");
    let names: std::collections::BTreeSet<&str> = merged.iter().filter_map(|line| line["container"].as_str()).collect();
    assert_eq!(names.len(), 2, "each line names its container: {merged:?}");

    let tail = call(
        &browser,
        "/api/containers/service_logs",
        &[("slug", "logs-merged"), ("query[tail]", "2")],
    )
    .await;
    assert_eq!(
        tail.as_array().map(Vec::len),
        Some(2),
        "the tail applies to the merged lines"
    );
    let unknown = call(
        &browser,
        "/api/containers/service_logs",
        &[("slug", "no-such-service"), ("query[tail]", "2")],
    )
    .await;
    assert_eq!(unknown["kind"], "not_found");

    let download = browser
        .get("/live/service-logs/logs-merged/download?environment=production")
        .await;
    assert_eq!(download.status(), 200);
    let disposition = download.headers()["content-disposition"].to_str().unwrap().to_owned();
    assert!(disposition.contains("logs-merged-production.log"), "{disposition}");
    assert_eq!(download.text().await.unwrap().lines().count(), 4);

    remove_containers(service).await;
}

#[sqlx::test(migrations = "../migrations")]
async fn nobody_signed_out_reads_logs(pool: PgPool) {
    let app = spawn_app(pool).await;
    for path in [
        "/live/logs/4f2a9c",
        "/live/logs/4f2a9c/download",
        "/live/service-logs/shop",
        "/live/service-logs/shop/download",
    ] {
        assert_eq!(app.get(path).await.status(), 401, "{path}");
    }
}

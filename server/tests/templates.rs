//! The built-in templates: each parses, renders for its defaults and for edge answers, and its
//! output passes the real validators (kubernetes-validate against the Kubernetes schemas,
//! docker compose config); the catalog is stored at start-up and shown on its pages.

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use app::templates::server::builtin::{builtins, sync};
use app::templates::server::render::{render, Resources, ServiceNaming};
use app::templates::server::source::TemplateSource;
use app::templates::types::{ParamKind, ParamValue, RenderedFile};
use common::{setup_admin, spawn_app};
use sqlx::PgPool;

const EDGE_TEXT: &str = "It's \"quoted\": a #hash, {braces}, ünïcode & <tags>";

/// Answers at the edges of every parameter's rules.
fn edge_answers(source: &TemplateSource) -> BTreeMap<String, ParamValue> {
    source
        .manifest
        .parameters
        .iter()
        .filter_map(|param| {
            let value = match param.kind {
                ParamKind::String if param.pattern.is_some() => param.default.clone()?,
                ParamKind::String => {
                    let max = param.max_length.unwrap_or(200) as usize;
                    ParamValue::Text(EDGE_TEXT.chars().cycle().take(max.min(120)).collect())
                }
                ParamKind::Integer => ParamValue::Int(param.max.unwrap_or(1_000_000)),
                ParamKind::Port => ParamValue::Int(param.max.unwrap_or(65535).min(65535)),
                ParamKind::Boolean => match param.default {
                    Some(ParamValue::Bool(value)) => ParamValue::Bool(!value),
                    _ => ParamValue::Bool(true),
                },
                ParamKind::Enum => ParamValue::Text(param.choices.last()?.clone()),
                ParamKind::Secret => return None,
            };
            Some((param.name.clone(), value))
        })
        .collect()
}

fn write_all(dir: &Path, files: &[RenderedFile]) {
    for file in files {
        let path = dir.join(&file.path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, &file.content).unwrap();
    }
}

fn run(command: &mut Command) -> (bool, String) {
    let out = command
        .output()
        .unwrap_or_else(|err| panic!("{command:?} could not run: {err}"));
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

/// `docker compose`, or the standalone `docker-compose` that Debian packages.
fn compose() -> Command {
    let plugin = Command::new("docker").args(["compose", "version"]).output();
    if plugin.is_ok_and(|out| out.status.success()) {
        let mut command = Command::new("docker");
        command.arg("compose");
        command
    } else {
        Command::new("docker-compose")
    }
}

fn check_output(source: &TemplateSource, files: &[RenderedFile], case: &str) {
    let id = &source.manifest.id;
    let paths: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
    for required in [
        "compose.yaml",
        "k8s/deployment.yaml",
        "k8s/service.yaml",
        "k8s/configmap.yaml",
        "README.md",
    ] {
        assert!(paths.contains(&required), "{id} ({case}) renders {required}: {paths:?}");
    }
    assert_eq!(
        paths.contains(&"Dockerfile"),
        source.manifest.defaults.image.is_none(),
        "{id} ({case}) has a Dockerfile exactly when it builds its image"
    );
    let dir = tempfile::tempdir().unwrap();
    write_all(dir.path(), files);
    let manifests: Vec<_> = files
        .iter()
        .filter(|f| f.path.starts_with("k8s/"))
        .map(|f| dir.path().join(&f.path))
        .collect();
    let (ok, report) = run(Command::new("kubernetes-validate").arg("--strict").args(&manifests));
    assert!(ok, "{id} ({case}): Kubernetes manifests are valid:\n{report}");
    let (ok, report) = run(compose()
        .current_dir(dir.path())
        .args(["-f", "compose.yaml", "config", "-q"]));
    assert!(ok, "{id} ({case}): compose.yaml is valid:\n{report}");
}

#[test]
fn every_builtin_template_renders_valid_files_for_defaults_and_edge_answers() {
    let templates = builtins().expect("the built-in templates parse");
    let ids: Vec<&str> = templates.iter().map(|t| t.manifest.id.as_str()).collect();
    assert!(ids.len() >= 6, "at least six built-ins: {ids:?}");
    let naming = ServiceNaming {
        name: "Edge \"case\" service".into(),
        slug: "edge-case-service-with-a-rather-long-name".into(),
        description: EDGE_TEXT.into(),
    };
    for source in &templates {
        let manifest = &source.manifest;
        let defaults = render(
            manifest,
            &source.files,
            &naming,
            &manifest.default_answers(),
            &Resources::defaults(manifest),
        )
        .unwrap_or_else(|err| panic!("{} renders its defaults: {err}", manifest.id));
        check_output(source, &defaults, "defaults");
        let edge_resources = Resources {
            port: 65535,
            cpu_millis: 64000,
            memory_mb: 16,
            replicas: 20,
            health_path: manifest.defaults.health_path.clone(),
        };
        let edges = render(manifest, &source.files, &naming, &edge_answers(source), &edge_resources)
            .unwrap_or_else(|err| panic!("{} renders edge answers: {err}", manifest.id));
        check_output(source, &edges, "edge answers");
        for file in &defaults {
            assert!(
                !file.content.contains("{{") && !file.content.contains("{%"),
                "{}: {} is fully rendered",
                manifest.id,
                file.path
            );
        }
    }
}

#[test]
fn secret_parameters_render_as_references_never_as_values() {
    for source in builtins().unwrap() {
        let manifest = &source.manifest;
        let secrets: Vec<_> = manifest
            .parameters
            .iter()
            .filter(|p| p.kind == ParamKind::Secret)
            .collect();
        let naming = ServiceNaming {
            name: "S".into(),
            slug: "s".into(),
            description: String::new(),
        };
        let files = render(
            manifest,
            &source.files,
            &naming,
            &manifest.default_answers(),
            &Resources::defaults(manifest),
        )
        .unwrap();
        for secret in secrets {
            let name = app::templates::types::secret_name(&secret.name);
            let mentioned = files.iter().any(|f| f.content.contains(&name));
            assert!(mentioned, "{}: the secret {name} is wired into the output", manifest.id);
        }
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn the_catalog_is_stored_at_start_and_shown_with_a_preview(pool: PgPool) {
    let stored = sync(&pool).await.expect("sync");
    assert_eq!(sync(&pool).await.expect("a second sync is harmless"), stored);
    let versions: i64 = sqlx::query_scalar("select count(*) from template_versions")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(versions as usize, stored, "one version per built-in");

    let app = spawn_app(pool.clone()).await;
    let (browser, _) = setup_admin(&app).await;
    let catalog = browser.get("/templates").await.text().await.unwrap();
    assert_eq!(catalog.matches(r#"data-testid="template-card""#).count(), stored);
    let filtered = browser.get("/templates?category=database").await.text().await.unwrap();
    let databases = builtins()
        .unwrap()
        .iter()
        .filter(|t| t.manifest.category == app::templates::types::Category::Database)
        .count();
    assert!(databases >= 1);
    assert_eq!(
        filtered.matches(r#"data-testid="template-card""#).count(),
        databases,
        "the category filter narrows the catalog"
    );
    assert!(filtered.contains("/templates/postgres"));
    let detail = browser.get("/templates/static-site").await.text().await.unwrap();
    assert!(
        detail.contains("Dockerfile") && detail.contains("k8s/deployment.yaml"),
        "the preview lists the files"
    );
    assert!(
        detail.contains("example-service"),
        "the preview is rendered for an example service"
    );
    let missing = browser.get("/templates/no-such-template").await.text().await.unwrap();
    assert!(missing.contains("was not found"));
}

const CUSTOM_MANIFEST: &str = r#"
id = "hello-box"
name = "Hello box"
description = "A busybox that says hello."
version = "VERSION"
category = "worker"

[defaults]
port = 8080
cpu_millis = 100
memory_mb = 32
replicas = 1
health_path = "/"

[[steps]]
id = "main"
title = "Main"

[[parameters]]
name = "greeting"
label = "Greeting"
type = "string"
step = "main"
default = "hello"
required = true
"#;

/// A `.tar.gz` of a folder `hello-box/` holding the given files.
fn template_archive(files: &[(&str, &str)]) -> Vec<u8> {
    let encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    let mut builder = tar::Builder::new(encoder);
    for (path, content) in files {
        let mut header = tar::Header::new_gnu();
        header.set_size(content.len() as u64);
        header.set_mode(0o644);
        builder
            .append_data(&mut header, format!("hello-box/{path}"), content.as_bytes())
            .unwrap();
    }
    builder.into_inner().unwrap().finish().unwrap()
}

async fn upload(browser: &common::Browser, archive: Vec<u8>) -> (u16, serde_json::Value) {
    let part = reqwest::multipart::Part::bytes(archive).file_name("hello-box.tgz");
    let response = browser
        .client
        .post(format!("{}/api/templates/upload", browser.base))
        .header("origin", &browser.base)
        .header("accept", "application/json")
        .multipart(reqwest::multipart::Form::new().part("archive", part))
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap())
}

fn fields(body: &serde_json::Value) -> Vec<(String, String)> {
    body["fields"]
        .as_array()
        .map(|fields| {
            fields
                .iter()
                .map(|f| {
                    (
                        f["field"].as_str().unwrap().to_owned(),
                        f["message"].as_str().unwrap().to_owned(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

#[sqlx::test(migrations = "../migrations")]
async fn an_uploaded_template_joins_the_catalog_once_per_version(pool: PgPool) {
    sync(&pool).await.expect("sync");
    let app = spawn_app(pool.clone()).await;
    let (browser, _) = setup_admin(&app).await;
    let good = |version: &str| {
        template_archive(&[
            ("template.toml", &CUSTOM_MANIFEST.replace("VERSION", version)),
            (
                "files/Dockerfile",
                "FROM scratch\nCMD [\"echo\", \"{{ params.greeting }}\"]\n",
            ),
            ("files/README.md", "# {{ service.name }}\n"),
        ])
    };
    let (status, body) = upload(&browser, good("1.0.0")).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["id"], "hello-box");
    assert_eq!(body["files"], 2);

    let page = browser.get("/templates/hello-box").await.text().await.unwrap();
    assert!(
        page.contains("echo") && page.contains("hello"),
        "the preview renders the upload"
    );
    let catalog = browser.get("/templates").await.text().await.unwrap();
    assert!(catalog.contains("Hello box") && catalog.contains("Custom"));

    let (_, body) = upload(&browser, good("1.0.0")).await;
    assert_eq!(body["kind"], "invalid", "{body}");
    assert!(fields(&body)
        .iter()
        .any(|(field, message)| field == "version" && message.contains("exists already")));

    let (status, _) = upload(&browser, good("1.1.0")).await;
    assert_eq!(status, 200, "a higher version is a new version");
    let latest: String = sqlx::query_scalar("select latest_version from templates where id = 'hello-box'")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(latest, "1.1.0");
    let audited: i64 = sqlx::query_scalar("select count(*) from audit_log where action = 'template.uploaded'")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(audited, 2);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_bad_upload_lists_every_problem_and_stores_nothing(pool: PgPool) {
    sync(&pool).await.expect("sync");
    let app = spawn_app(pool.clone()).await;
    let (browser, _) = setup_admin(&app).await;
    let before: i64 = sqlx::query_scalar("select count(*) from template_versions")
        .fetch_one(&pool)
        .await
        .unwrap();

    let broken_manifest = CUSTOM_MANIFEST
        .replace("VERSION", "one")
        .replace("step = \"main\"", "step = \"nowhere\"");
    let (status, body) = upload(
        &browser,
        template_archive(&[("template.toml", &broken_manifest), ("files/a.txt", "x")]),
    )
    .await;
    assert_ne!(status, 200);
    assert_eq!(body["kind"], "invalid");
    let found = fields(&body);
    assert!(found.iter().any(|(field, _)| field == "version"), "{found:?}");
    assert!(
        found.iter().any(|(field, _)| field == "parameters[0].step"),
        "{found:?}"
    );

    let manifest = CUSTOM_MANIFEST.replace("VERSION", "1.0.0");
    let (_, body) = upload(
        &browser,
        template_archive(&[("template.toml", &manifest), ("files/run.sh", "echo {{ params.nope }}")]),
    )
    .await;
    assert!(
        fields(&body)
            .iter()
            .any(|(field, message)| field == "files/run.sh" && message.contains("line 1")),
        "a file that does not render is named: {body}"
    );

    let builtin = CUSTOM_MANIFEST
        .replace("VERSION", "9.0.0")
        .replace("hello-box", "static-site");
    let (_, body) = upload(
        &browser,
        template_archive(&[("template.toml", &builtin), ("files/a.txt", "x")]),
    )
    .await;
    assert!(fields(&body)
        .iter()
        .any(|(field, message)| field == "id" && message.contains("built-in")));

    let (_, body) = upload(&browser, b"PK\x03\x04 not really a zip".to_vec()).await;
    assert!(fields(&body)
        .iter()
        .any(|(field, message)| field == "archive" && message.contains("cannot be read")));

    let after: i64 = sqlx::query_scalar("select count(*) from template_versions")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(before, after, "nothing was stored");
}

//! Building a service's image from the files in its repository: a tar context made in memory,
//! sent to the engine's classic builder, its output streamed into the deployment log.

use bollard::query_parameters::BuildImageOptionsBuilder;
use bollard::Docker;
use futures_util::StreamExt;
use sqlx::PgPool;
use uuid::Uuid;

use super::repo;
use crate::containers::server::errors::EngineError;

/// The context: every file of the service's repository, as a tar archive.
pub async fn context(pool: &PgPool, service: Uuid) -> Result<Vec<u8>, String> {
    let files: Vec<(String, String)> = sqlx::query_as("select path, content from service_files where service_id = $1")
        .bind(service)
        .fetch_all(pool)
        .await
        .map_err(|err| format!("could not read the service's files: {err}"))?;
    if !files.iter().any(|(path, _)| path == "Dockerfile") {
        return Err("The service has no Dockerfile to build: give the environment an image to run instead".into());
    }
    let mut archive = tar::Builder::new(Vec::new());
    for (path, content) in &files {
        let mut header = tar::Header::new_gnu();
        header.set_size(content.len() as u64);
        header.set_mode(if path.ends_with(".sh") { 0o755 } else { 0o644 });
        header.set_mtime(0);
        archive
            .append_data(&mut header, path, content.as_bytes())
            .map_err(|err| format!("could not pack {path}: {err}"))?;
    }
    archive
        .into_inner()
        .map_err(|err| format!("could not pack the context: {err}"))
}

/// Builds `tag` from `context`, appending the builder's output to the deployment's log; returns
/// the image id.
pub async fn build(
    docker: &Docker,
    host: &str,
    pool: &PgPool,
    deployment: Uuid,
    tag: &str,
    context: Vec<u8>,
) -> Result<String, String> {
    let options = BuildImageOptionsBuilder::new()
        .dockerfile("Dockerfile")
        .t(tag)
        .rm(true)
        .forcerm(true)
        .build();
    let mut stream = docker.build_image(options, None, Some(bollard::body_full(context.into())));
    let mut image_id = None;
    while let Some(item) = stream.next().await {
        match item {
            Ok(info) => {
                if let Some(line) = info.stream.filter(|line| !line.is_empty()) {
                    let _ = repo::append_log(pool, deployment, &line).await;
                }
                if let Some(id) = info.aux.and_then(|aux| aux.id) {
                    image_id = Some(id);
                }
            }
            // bollard 0.21 can report a split final chunk as an error after a finished build.
            Err(bollard::errors::Error::IOError { .. }) if image_id.is_some() => break,
            Err(err) => return Err(format!("The build failed: {}", EngineError::from_bollard(&err, host))),
        }
    }
    match image_id {
        Some(id) => Ok(id),
        None => docker
            .inspect_image(tag)
            .await
            .ok()
            .and_then(|image| image.id)
            .ok_or_else(|| "The build finished without producing an image".to_owned()),
    }
}

//! The engine page's facts and one container's details.

use bollard::query_parameters::ListImagesOptions;

use super::engine::EngineStatus;
use super::errors::EngineError;
use super::list;
use crate::containers::types::{ContainerDetail, EngineInfo};
use crate::error::AppError;
use crate::state::AppState;

/// Version, resources, counts and disk use; an unreachable engine is a fact, not an error.
pub async fn engine(state: &AppState) -> EngineInfo {
    let engine = &state.engine;
    let mut info = EngineInfo {
        host: engine.host().to_owned(),
        reachable: false,
        problem: None,
        version: String::new(),
        api_version: String::new(),
        os: String::new(),
        kernel: String::new(),
        cpus: 0,
        memory_bytes: 0,
        containers: 0,
        running: 0,
        images: 0,
        images_bytes: 0,
        containers_bytes: 0,
        storage_driver: String::new(),
    };
    if let EngineStatus::Down { error, .. } = engine.check().await {
        info.problem = Some(error);
        return info;
    }
    let result: Result<(), EngineError> = async {
        let docker = engine.docker()?;
        let explain = |err: bollard::errors::Error| EngineError::from_bollard(&err, engine.host());
        let version = docker.version().await.map_err(explain)?;
        let system = docker.info().await.map_err(explain)?;
        let images = docker.list_images(None::<ListImagesOptions>).await.map_err(explain)?;
        let sizes = docker
            .list_containers(Some(
                bollard::query_parameters::ListContainersOptionsBuilder::new()
                    .all(true)
                    .size(true)
                    .build(),
            ))
            .await
            .map_err(explain)?;
        info.reachable = true;
        info.version = version.version.unwrap_or_default();
        info.api_version = version.api_version.unwrap_or_default();
        info.os = system.operating_system.unwrap_or_default();
        info.kernel = version.kernel_version.unwrap_or_default();
        info.cpus = system.ncpu.unwrap_or_default();
        info.memory_bytes = system.mem_total.unwrap_or_default();
        info.containers = system.containers.unwrap_or_default();
        info.running = system.containers_running.unwrap_or_default();
        info.images = images.len() as i64;
        info.images_bytes = images.iter().map(|image| image.size).sum();
        info.containers_bytes = sizes.iter().filter_map(|c| c.size_rw).sum();
        info.storage_driver = system.driver.unwrap_or_default();
        Ok(())
    }
    .await;
    if let Err(err) = result {
        info.problem = Some(err.to_string());
    }
    info
}

/// One container, for its page.
pub async fn container(state: &AppState, id: &str) -> Result<ContainerDetail, AppError> {
    let docker = state.engine.docker()?;
    let host = state.engine.host();
    let inspected = docker
        .inspect_container(id, None)
        .await
        .map_err(|err| EngineError::from_bollard(&err, host))?;
    let filters = std::collections::HashMap::from([("id", vec![inspected.id.clone().unwrap_or_default()])]);
    let summary = docker
        .list_containers(Some(
            bollard::query_parameters::ListContainersOptionsBuilder::new()
                .all(true)
                .filters(&filters)
                .build(),
        ))
        .await
        .map_err(|err| EngineError::from_bollard(&err, host))?
        .into_iter()
        .next()
        .ok_or_else(|| AppError::NotFound {
            what: "The container".into(),
        })?;
    let state_info = inspected.state.clone().unwrap_or_default();
    let config = inspected.config.clone().unwrap_or_default();
    let host_config = inspected.host_config.clone().unwrap_or_default();
    let started_at = state_info.started_at.clone().filter(|at| !at.starts_with("0001"));
    Ok(ContainerDetail {
        info: list::info(summary, inspected.restart_count.unwrap_or_default(), started_at),
        command: config
            .entrypoint
            .unwrap_or_default()
            .into_iter()
            .chain(config.cmd.unwrap_or_default())
            .collect::<Vec<_>>()
            .join(" "),
        env_names: config
            .env
            .unwrap_or_default()
            .iter()
            .map(|pair| pair.split('=').next().unwrap_or_default().to_owned())
            .collect(),
        memory_limit: host_config.memory.unwrap_or_default(),
        nano_cpus: host_config.nano_cpus.unwrap_or_default(),
        exit_code: state_info.exit_code,
        oom_killed: state_info.oom_killed.unwrap_or(false),
        health: state_info.health.and_then(|h| h.status).map(|s| s.to_string()),
        created: inspected.created.map(|c| c.to_string()).unwrap_or_default(),
    })
}

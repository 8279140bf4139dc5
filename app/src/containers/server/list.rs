//! Listing the engine's containers, grouped by Gantry service, then Compose project, then the
//! rest; restart counts come from concurrent inspects.

use std::collections::BTreeMap;

use bollard::models::ContainerSummary;
use bollard::query_parameters::ListContainersOptionsBuilder;
use bollard::Docker;
use futures_util::{stream, StreamExt};

use super::errors::EngineError;
use crate::containers::types::{ContainerFilter, ContainerGroup, ContainerInfo, ContainersView};
use crate::deployments::server::spec::{LABEL_DEPLOYMENT, LABEL_ENV, LABEL_SERVICE};

const COMPOSE_PROJECT: &str = "com.docker.compose.project";
/// How many inspects run at once.
const INSPECTS_AT_ONCE: usize = 16;

/// Every container on the engine, as a summary.
pub async fn all(docker: &Docker, host: &str) -> Result<Vec<ContainerInfo>, EngineError> {
    let options = ListContainersOptionsBuilder::new().all(true).build();
    let found = docker
        .list_containers(Some(options))
        .await
        .map_err(|err| EngineError::from_bollard(&err, host))?;
    let ids: Vec<String> = found.iter().filter_map(|c| c.id.clone()).collect();
    let restarts: Vec<(String, i64, Option<String>)> = stream::iter(ids)
        .map(|id| {
            let docker = docker.clone();
            async move {
                let inspected = docker.inspect_container(&id, None).await.ok();
                let count = inspected.as_ref().and_then(|i| i.restart_count).unwrap_or(0);
                let started = inspected
                    .and_then(|i| i.state)
                    .and_then(|s| s.started_at)
                    .filter(|at| !at.starts_with("0001"));
                (id, count, started)
            }
        })
        .buffer_unordered(INSPECTS_AT_ONCE)
        .collect()
        .await;
    let extra: BTreeMap<String, (i64, Option<String>)> = restarts.into_iter().map(|(id, n, s)| (id, (n, s))).collect();
    Ok(found
        .into_iter()
        .map(|summary| {
            let (restart_count, started_at) = summary
                .id
                .as_ref()
                .and_then(|id| extra.get(id).cloned())
                .unwrap_or_default();
            info(summary, restart_count, started_at)
        })
        .collect())
}

/// A summary as the UI shows it.
pub fn info(summary: ContainerSummary, restart_count: i64, started_at: Option<String>) -> ContainerInfo {
    let labels = summary.labels.unwrap_or_default();
    let state = summary.state.map(|s| s.to_string()).unwrap_or_default();
    ContainerInfo {
        id: summary.id.unwrap_or_default(),
        name: summary
            .names
            .and_then(|names| names.into_iter().next())
            .map(|name| name.trim_start_matches('/').to_owned())
            .unwrap_or_default(),
        image: summary.image.unwrap_or_default(),
        started_at: started_at.filter(|_| state == "running"),
        state,
        status: summary.status.unwrap_or_default(),
        restart_count,
        service: labels.get(LABEL_SERVICE).cloned(),
        environment: labels.get(LABEL_ENV).cloned(),
        deployment: labels.get(LABEL_DEPLOYMENT).cloned(),
        compose_project: labels.get(COMPOSE_PROJECT).cloned(),
        ports: summary
            .ports
            .unwrap_or_default()
            .into_iter()
            .map(|port| match port.public_port {
                Some(public) => format!("{public}→{}", port.private_port),
                None => port.private_port.to_string(),
            })
            .collect(),
    }
}

/// Applies the filter and groups what is left.
pub fn view(containers: Vec<ContainerInfo>, filter: &ContainerFilter) -> ContainersView {
    let q = filter
        .q
        .as_deref()
        .map(str::trim)
        .filter(|q| !q.is_empty())
        .map(str::to_lowercase);
    let kept: Vec<ContainerInfo> = containers
        .into_iter()
        .filter(|c| match filter.managed.as_deref() {
            Some("gantry") => c.service.is_some(),
            Some("other") => c.service.is_none(),
            _ => true,
        })
        .filter(|c| filter.state.as_deref() != Some("running") || c.is_running())
        .filter(|c| {
            q.as_ref().is_none_or(|q| {
                [
                    Some(&c.name),
                    Some(&c.image),
                    c.service.as_ref(),
                    c.compose_project.as_ref(),
                ]
                .into_iter()
                .flatten()
                .any(|text| text.to_lowercase().contains(q))
            })
        })
        .collect();
    let (total, running) = (kept.len(), kept.iter().filter(|c| c.is_running()).count());
    let mut groups: BTreeMap<(u8, String), ContainerGroup> = BTreeMap::new();
    for container in kept {
        let (order, kind, title, link) = match (&container.service, &container.compose_project) {
            (Some(service), _) => (0, "service", service.clone(), Some(format!("/services/{service}"))),
            (None, Some(project)) => (1, "compose", project.clone(), None),
            (None, None) => (2, "other", "Other containers".to_owned(), None),
        };
        groups
            .entry((order, title.clone()))
            .or_insert_with(|| ContainerGroup {
                kind: kind.into(),
                title,
                link,
                containers: Vec::new(),
            })
            .containers
            .push(container);
    }
    let mut groups: Vec<ContainerGroup> = groups.into_values().collect();
    for group in &mut groups {
        group.containers.sort_by(|a, b| a.name.cmp(&b.name));
    }
    ContainersView { groups, total, running }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn container(name: &str, service: Option<&str>, project: Option<&str>, running: bool) -> ContainerInfo {
        ContainerInfo {
            id: format!("{name}-id"),
            name: name.into(),
            image: "busybox".into(),
            state: if running { "running" } else { "exited" }.into(),
            status: String::new(),
            started_at: None,
            restart_count: 0,
            service: service.map(Into::into),
            environment: None,
            deployment: None,
            compose_project: project.map(Into::into),
            ports: vec![],
        }
    }

    #[test]
    fn groups_are_services_then_compose_projects_then_the_rest() {
        let all = vec![
            container("z", None, None, true),
            container("b", Some("api"), None, true),
            container("c", None, Some("shop"), false),
            container("a", Some("api"), None, false),
        ];
        let view = view(all.clone(), &ContainerFilter::default());
        let titles: Vec<&str> = view.groups.iter().map(|g| g.title.as_str()).collect();
        assert_eq!(titles, ["api", "shop", "Other containers"]);
        assert_eq!(view.groups[0].containers[0].name, "a");
        assert_eq!((view.total, view.running), (4, 2));

        let managed = super::view(
            all.clone(),
            &ContainerFilter {
                managed: Some("other".into()),
                ..Default::default()
            },
        );
        assert_eq!(managed.total, 2);
        let running = super::view(
            all.clone(),
            &ContainerFilter {
                state: Some("running".into()),
                q: Some("API".into()),
                ..Default::default()
            },
        );
        assert_eq!(running.total, 1, "filters combine and search ignores case");
    }
}

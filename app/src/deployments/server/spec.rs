//! What a deployment runs: the configuration snapshot taken when it starts (so a rollback runs
//! exactly the same thing) and the container it turns into.

use std::collections::{BTreeMap, HashMap};

use bollard::models::{
    ContainerCreateBody, HealthConfig, HostConfig, PortBinding, RestartPolicy, RestartPolicyNameEnum,
};
use serde::{Deserialize, Serialize};

use crate::services::server::repo::EnvironmentRecord;

/// Labels every Gantry container carries.
pub const LABEL_SERVICE: &str = "gantry.service";
pub const LABEL_SERVICE_ID: &str = "gantry.service_id";
pub const LABEL_ENV: &str = "gantry.env";
pub const LABEL_DEPLOYMENT: &str = "gantry.deployment";

/// An environment's settings as they were when a deployment started. Secret references are
/// names; values are resolved at container creation and never stored.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Snapshot {
    pub image: Option<String>,
    pub ports: Vec<u16>,
    pub env_vars: BTreeMap<String, String>,
    /// Variable -> secret name.
    pub secret_refs: BTreeMap<String, String>,
    pub cpu_millis: i32,
    pub memory_mb: i32,
    pub replicas: i32,
    pub health_path: String,
    pub health_interval_secs: i32,
}

impl Snapshot {
    pub fn of(env: &EnvironmentRecord) -> Self {
        let map = |value: &serde_json::Value| -> BTreeMap<String, String> {
            value
                .as_object()
                .map(|object| {
                    object
                        .iter()
                        .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_owned())))
                        .collect()
                })
                .unwrap_or_default()
        };
        Self {
            image: env.image.clone().filter(|image| !image.trim().is_empty()),
            ports: serde_json::from_value(env.ports.clone()).unwrap_or_default(),
            env_vars: map(&env.env_vars),
            secret_refs: map(&env.secret_refs),
            cpu_millis: env.cpu_millis,
            memory_mb: env.memory_mb,
            replicas: env.replicas.max(1),
            health_path: env.health_path.clone(),
            health_interval_secs: env.health_interval_secs,
        }
    }

    /// Whether the containers publish ports on the host (then old and new cannot run side by
    /// side, and the old ones are stopped just before the new ones start).
    pub fn publishes_ports(&self, network: Option<&str>) -> bool {
        !self.ports.is_empty() && network != Some("none")
    }
}

/// Who a container belongs to.
pub struct Owner<'a> {
    pub service_slug: &'a str,
    pub service_id: &'a str,
    pub environment: &'a str,
    pub deployment: &'a str,
}

/// The container for one replica; `env` holds the resolved variables (`NAME=value`).
pub fn container(
    snapshot: &Snapshot,
    image: &str,
    owner: &Owner<'_>,
    env: Vec<String>,
    network: Option<&str>,
) -> ContainerCreateBody {
    let labels = HashMap::from([
        (LABEL_SERVICE.to_owned(), owner.service_slug.to_owned()),
        (LABEL_SERVICE_ID.to_owned(), owner.service_id.to_owned()),
        (LABEL_ENV.to_owned(), owner.environment.to_owned()),
        (LABEL_DEPLOYMENT.to_owned(), owner.deployment.to_owned()),
    ]);
    let publish = snapshot.publishes_ports(network);
    let port_bindings = publish.then(|| {
        snapshot
            .ports
            .iter()
            .map(|port| {
                let binding = PortBinding {
                    host_ip: None,
                    host_port: Some(port.to_string()),
                };
                (format!("{port}/tcp"), Some(vec![binding]))
            })
            .collect()
    });
    ContainerCreateBody {
        image: Some(image.to_owned()),
        env: Some(env),
        labels: Some(labels),
        exposed_ports: (!snapshot.ports.is_empty())
            .then(|| snapshot.ports.iter().map(|p| format!("{p}/tcp")).collect()),
        healthcheck: health_check(snapshot),
        host_config: Some(HostConfig {
            nano_cpus: Some(i64::from(snapshot.cpu_millis) * 1_000_000),
            memory: Some(i64::from(snapshot.memory_mb) * 1024 * 1024),
            restart_policy: Some(RestartPolicy {
                name: Some(RestartPolicyNameEnum::UNLESS_STOPPED),
                maximum_retry_count: None,
            }),
            port_bindings,
            network_mode: network.map(str::to_owned),
            ..Default::default()
        }),
        ..Default::default()
    }
}

/// An HTTP probe of the health path on the first port, from inside the container (with
/// busybox or any image that has `wget`); none when the environment has no health path.
fn health_check(snapshot: &Snapshot) -> Option<HealthConfig> {
    let port = snapshot.ports.first()?;
    let path = snapshot.health_path.trim();
    if path.is_empty() {
        return None;
    }
    let second = 1_000_000_000_i64;
    Some(HealthConfig {
        test: Some(vec![
            "CMD-SHELL".into(),
            format!("wget -q -O /dev/null http://127.0.0.1:{port}{path} || exit 1"),
        ]),
        interval: Some(i64::from(snapshot.health_interval_secs.clamp(1, 3600)) * second),
        timeout: Some(5 * second),
        start_period: Some(30 * second),
        start_interval: Some(second),
        retries: Some(3),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn snapshot() -> Snapshot {
        Snapshot {
            image: None,
            ports: vec![8080],
            env_vars: BTreeMap::new(),
            secret_refs: BTreeMap::new(),
            cpu_millis: 500,
            memory_mb: 256,
            replicas: 1,
            health_path: "/healthz".into(),
            health_interval_secs: 10,
        }
    }

    fn owner() -> Owner<'static> {
        Owner {
            service_slug: "api",
            service_id: "id-1",
            environment: "production",
            deployment: "d-1",
        }
    }

    #[test]
    fn limits_labels_and_probe_follow_the_snapshot() {
        let body = container(&snapshot(), "gantry/api:1", &owner(), vec!["A=1".into()], None);
        let host = body.host_config.unwrap();
        assert_eq!(host.nano_cpus, Some(500_000_000));
        assert_eq!(host.memory, Some(256 * 1024 * 1024));
        assert_eq!(body.labels.unwrap()[LABEL_DEPLOYMENT], "d-1");
        let probe = body.healthcheck.unwrap().test.unwrap();
        assert!(probe[1].contains("http://127.0.0.1:8080/healthz"));
        assert!(host.port_bindings.unwrap().contains_key("8080/tcp"));
    }

    #[test]
    fn without_a_network_nothing_is_published() {
        let body = container(&snapshot(), "i", &owner(), vec![], Some("none"));
        assert!(body.host_config.unwrap().port_bindings.is_none());
        let mut quiet = snapshot();
        quiet.health_path.clear();
        assert!(container(&quiet, "i", &owner(), vec![], None).healthcheck.is_none());
    }
}

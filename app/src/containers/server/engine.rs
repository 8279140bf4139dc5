//! The Docker engine connection: one bollard client for the whole panel, whose reachability is
//! watched (a background job pings it while it is down and follows its events while it is up),
//! so pages can show a banner instead of failing, and recover on their own.

use std::collections::HashSet;
use std::sync::{Arc, Mutex, RwLock};

use bollard::Docker;
use chrono::{DateTime, Utc};
use tokio::sync::watch;

use super::errors::EngineError;

/// Whether the engine answers, as last seen.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EngineStatus {
    /// Not checked yet (start-up).
    Unknown,
    Up {
        version: String,
        api_version: String,
    },
    Down {
        error: String,
        since: DateTime<Utc>,
    },
}

/// A handle on the engine; cheap to clone.
#[derive(Clone)]
pub struct Engine {
    inner: Arc<Inner>,
}

struct Inner {
    host: String,
    network: Option<String>,
    client: RwLock<Option<Docker>>,
    status: watch::Sender<EngineStatus>,
    /// Containers Gantry itself is stopping: their `die` events are not crashes.
    expected_stops: Mutex<HashSet<String>>,
}

/// The default engine address when neither `GANTRY_DOCKER_HOST` nor `DOCKER_HOST` is set.
pub const DEFAULT_HOST: &str = "unix:///var/run/docker.sock";

impl Engine {
    /// An engine at `host` (`unix://…`, `tcp://…` or `http://…`). Nothing is contacted yet:
    /// [`Engine::check`] does that. `network` is the network new containers join (`none` on
    /// machines without a bridge); `None` keeps the engine's default.
    pub fn new(host: &str, network: Option<String>) -> Self {
        let (status, _) = watch::channel(EngineStatus::Unknown);
        Self {
            inner: Arc::new(Inner {
                host: host.to_owned(),
                network,
                client: RwLock::new(None),
                status,
                expected_stops: Mutex::new(HashSet::new()),
            }),
        }
    }

    pub fn host(&self) -> &str {
        &self.inner.host
    }

    pub fn network(&self) -> Option<&str> {
        self.inner.network.as_deref()
    }

    pub fn status(&self) -> EngineStatus {
        self.inner.status.borrow().clone()
    }

    /// Changes of status, for the background job and live pages.
    pub fn subscribe(&self) -> watch::Receiver<EngineStatus> {
        self.inner.status.subscribe()
    }

    /// The client, connecting first if needed. Fails fast while the engine is known to be down,
    /// so a page does not wait for a timeout on every call.
    pub fn docker(&self) -> Result<Docker, EngineError> {
        if let EngineStatus::Down { error, .. } = self.status() {
            return Err(EngineError::Unreachable {
                host: self.inner.host.clone(),
                detail: error,
            });
        }
        self.client()
    }

    fn client(&self) -> Result<Docker, EngineError> {
        if let Some(client) = self.inner.client.read().ok().and_then(|c| c.clone()) {
            return Ok(client);
        }
        let host = &self.inner.host;
        let client = match host.strip_prefix("unix://") {
            Some(path) => Docker::connect_with_unix(path, 120, bollard::API_DEFAULT_VERSION),
            None => Docker::connect_with_host(host),
        }
        .map_err(|err| EngineError::from_bollard(&err, host))?;
        if let Ok(mut slot) = self.inner.client.write() {
            *slot = Some(client.clone());
        }
        Ok(client)
    }

    /// Notes that Gantry is about to stop `container` (so its exit is not reported as a crash).
    pub fn expect_stop(&self, container: &str) {
        if let Ok(mut expected) = self.inner.expected_stops.lock() {
            expected.insert(container.to_owned());
        }
    }

    /// Whether Gantry stopped `container` itself; forgets it.
    pub fn was_expected(&self, container: &str) -> bool {
        self.inner
            .expected_stops
            .lock()
            .map(|mut expected| expected.remove(container))
            .unwrap_or(false)
    }

    /// Pings the engine and records the outcome; returns the new status.
    pub async fn check(&self) -> EngineStatus {
        let status = match self.probe().await {
            Ok((version, api_version)) => EngineStatus::Up { version, api_version },
            Err(err) => {
                if let Ok(mut slot) = self.inner.client.write() {
                    *slot = None;
                }
                let since = match self.status() {
                    EngineStatus::Down { since, .. } => since,
                    _ => Utc::now(),
                };
                EngineStatus::Down {
                    error: err.to_string(),
                    since,
                }
            }
        };
        self.set_status(status.clone());
        status
    }

    /// Marks the engine down (its event stream broke) until the next successful check.
    pub fn mark_down(&self, error: String) {
        if let Ok(mut slot) = self.inner.client.write() {
            *slot = None;
        }
        self.set_status(EngineStatus::Down {
            error,
            since: Utc::now(),
        });
    }

    fn set_status(&self, status: EngineStatus) {
        self.inner.status.send_if_modified(|current| {
            let changed = match (&*current, &status) {
                (EngineStatus::Down { .. }, EngineStatus::Down { .. }) => false,
                (a, b) => a != b,
            };
            if changed {
                *current = status;
            }
            changed
        });
    }

    async fn probe(&self) -> Result<(String, String), EngineError> {
        let client = self.client()?;
        let host = &self.inner.host;
        let version = tokio::time::timeout(std::time::Duration::from_secs(5), client.version())
            .await
            .map_err(|_| EngineError::Unreachable {
                host: host.clone(),
                detail: "no answer within 5 s".into(),
            })?
            .map_err(|err| EngineError::from_bollard(&err, host))?;
        Ok((
            version.version.unwrap_or_default(),
            version.api_version.unwrap_or_default(),
        ))
    }
}

//! The Stripe stand-in (scripts/lib/stripe_standin.py) as a child process, and the calls tests
//! make to it: its API speaks Stripe's shapes, its control API (`/_standin/...`) signs payloads
//! with the official `stripe` Python library, changes subscriptions and delivers events.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use serde_json::{json, Value};

/// A running stand-in; killed when dropped.
pub struct StripeStandIn {
    pub base: String,
    child: Child,
    http: reqwest::Client,
}

impl Drop for StripeStandIn {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The Python that has the `stripe` package: `GANTRY_TEST_PYTHON`, else the tests' venv.
fn python() -> String {
    if let Ok(python) = std::env::var("GANTRY_TEST_PYTHON") {
        return python;
    }
    let venv =
        std::path::PathBuf::from(std::env::var("HOME").unwrap_or_default()).join(".cache/gantry/venv/bin/python");
    if venv.exists() {
        venv.to_string_lossy().into_owned()
    } else {
        "python3".into()
    }
}

impl StripeStandIn {
    /// Starts a stand-in that stores events without delivering them (tests deliver in the order
    /// they choose).
    pub fn start() -> Self {
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../scripts/lib/stripe_standin.py");
        let mut child = Command::new(python())
            .args([script, "--port", "0", "--no-deliver"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("the Stripe stand-in starts (python with the stripe package; scripts/test installs it)");
        let stdout = child.stdout.take().expect("stdout is piped");
        let mut line = String::new();
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("the stand-in prints its address");
        let base = line
            .trim()
            .strip_prefix("listening on ")
            .unwrap_or_else(|| panic!("unexpected first line from the stand-in: {line:?}"))
            .to_owned();
        Self {
            base,
            child,
            http: reqwest::Client::new(),
        }
    }

    async fn control(&self, path: &str, body: Value) -> Value {
        let response = self
            .http
            .post(format!("{}{path}", self.base))
            .json(&body)
            .send()
            .await
            .expect("the stand-in answers");
        assert!(response.status().is_success(), "{path}: {}", response.status());
        response.json().await.expect("json")
    }

    /// Points deliveries at Gantry's webhook with these signing secrets.
    pub async fn configure(&self, webhook_url: &str, secrets: &[&str], deliver: bool) {
        self.control(
            "/_standin/config",
            json!({ "webhook_url": webhook_url, "webhook_secrets": secrets, "deliver": deliver }),
        )
        .await;
    }

    /// A `Stripe-Signature` header for `payload`, made by the official library.
    pub async fn sign(&self, payload: &str, secrets: &[&str], timestamp: Option<i64>) -> String {
        let mut body = json!({ "payload": payload, "secrets": secrets });
        if let Some(t) = timestamp {
            body["timestamp"] = json!(t);
        }
        self.control("/_standin/sign", body).await["header"]
            .as_str()
            .expect("a header")
            .to_owned()
    }

    /// Every event the stand-in made, oldest first.
    pub async fn events(&self) -> Vec<Value> {
        let list: Value = self
            .http
            .get(format!("{}/_standin/events", self.base))
            .send()
            .await
            .expect("events")
            .json()
            .await
            .expect("json");
        list["data"].as_array().cloned().unwrap_or_default()
    }

    /// Delivers a stored event to the configured webhook now; returns Gantry's status code.
    pub async fn deliver(&self, event_id: &str) -> u16 {
        let answer = self
            .control(&format!("/_standin/events/{event_id}/deliver"), json!({}))
            .await;
        answer["status"].as_u64().expect("a status") as u16
    }

    /// Moves a subscription to `status` as Stripe would (with its invoice events); returns the
    /// ids of the events it made.
    pub async fn set_subscription_status(&self, subscription: &str, status: &str) -> Vec<String> {
        let answer = self
            .control(
                &format!("/_standin/subscriptions/{subscription}/status"),
                json!({ "status": status }),
            )
            .await;
        answer["events"]
            .as_array()
            .expect("events")
            .iter()
            .map(|id| id.as_str().expect("id").to_owned())
            .collect()
    }

    /// Makes the next `times` requests under `path_prefix` fail with `status`.
    pub async fn fail_next(&self, path_prefix: &str, times: u32, status: u16) {
        self.control(
            "/_standin/fail",
            json!({ "path_prefix": path_prefix, "times": times, "status": status }),
        )
        .await;
    }

    /// The Stripe API requests the stand-in received, oldest first.
    pub async fn requests(&self) -> Vec<Value> {
        let list: Value = self
            .http
            .get(format!("{}/_standin/requests", self.base))
            .send()
            .await
            .expect("requests")
            .json()
            .await
            .expect("json");
        list["data"].as_array().cloned().unwrap_or_default()
    }

    /// Pays an open checkout the way a customer does on the hosted page.
    pub async fn pay(&self, checkout_url: &str) -> reqwest::Response {
        reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client")
            .post(format!("{checkout_url}/pay"))
            .send()
            .await
            .expect("the hosted checkout answers")
    }
}

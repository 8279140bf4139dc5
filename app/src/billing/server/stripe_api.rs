//! The Stripe client (async-stripe) built from the organisation's settings: the API base from
//! `billing_settings` (Stripe's by default; tests point it at a local stand-in) and the secret key
//! from Secrets. Errors become sentences a person can act on, never a raw dump.

use secrecy::ExposeSecret;
use sqlx::PgConnection;
use stripe::{Client, RequestStrategy, StripeError};

use super::credentials;
use super::BillingError;
use crate::audit::server::DEFAULT_ORG_ID;
use crate::crypto::keyring::Keyring;

/// A client for the organisation's Stripe account.
#[derive(Clone)]
pub struct Stripe {
    client: Client,
}

impl Stripe {
    /// Reads the API base and the secret key; `NotConnected` when no key is stored.
    pub async fn connect(conn: &mut PgConnection, keyring: &Keyring) -> Result<Self, BillingError> {
        let api_base: String = sqlx::query_scalar("select api_base from billing_settings where org_id = $1")
            .bind(DEFAULT_ORG_ID)
            .fetch_one(&mut *conn)
            .await?;
        let key = credentials::api_key(conn, keyring)
            .await?
            .ok_or(BillingError::NotConnected)?;
        let base = format!("{}/", api_base.trim_end_matches('/'));
        Ok(Self {
            client: Client::from_url(base.as_str(), key.expose_secret()).with_strategy(RequestStrategy::Once),
        })
    }

    /// The client for one request that may be retried safely: Stripe answers a repeated
    /// idempotency key with the first answer, so a retry after a crash never creates twice.
    pub fn idempotent(&self, key: String) -> Client {
        self.client.clone().with_strategy(RequestStrategy::Idempotent(key))
    }

    /// The client for reads and updates that are safe to repeat: one attempt each, since the
    /// inbox retries events with its own back-off and pages show the error at once.
    pub fn reader(&self) -> Client {
        self.client.clone()
    }
}

/// What went wrong talking to Stripe, in words.
pub fn explain(err: StripeError) -> BillingError {
    BillingError::Stripe(describe(&err))
}

pub fn describe(err: &StripeError) -> String {
    match err {
        StripeError::Stripe(request) => {
            let message = request.message.clone().unwrap_or_else(|| "no message".into());
            match request.http_status {
                401 => format!("the API key was refused ({message})"),
                404 => format!("not found ({message})"),
                status => format!("refused the request ({status}: {message})"),
            }
        }
        StripeError::ClientError(cause) => format!("could not be reached ({cause})"),
        StripeError::Timeout => "did not answer in time".into(),
        StripeError::JSONSerialize(cause) => format!("sent an answer Gantry could not read ({cause})"),
        other => format!("request failed ({other})"),
    }
}

/// Whether Stripe said the object does not exist.
pub fn is_missing(err: &StripeError) -> bool {
    matches!(err, StripeError::Stripe(request) if request.http_status == 404)
}

//! Server half of billing: the Stripe client, the webhook inbox and its worker, plans, customers,
//! checkout and the plan limits other modules call before they create something.

pub mod checkout;
pub mod credentials;
pub mod customers;
mod error;
pub mod events;
pub mod inbox;
mod invoices;
mod plan_repo;
mod plan_sync;
pub mod plans;
pub mod refresh;
pub mod settings;
pub mod signature;
pub mod standing;
pub mod stripe_api;
pub mod sync;
pub mod worker;

pub use error::BillingError;

/// What the billing worker shares with the rest of the server: a wake-up for new events.
#[derive(Default)]
pub struct BillingRuntime {
    /// Notified when the webhook stores a new event, so the worker processes it at once.
    pub wake: tokio::sync::Notify,
}

/// The actor label of changes made because Stripe said so.
pub const STRIPE_ACTOR: &str = "stripe";

/// Formats a time for the wire (RFC 3339, seconds).
pub(crate) fn rfc3339(at: chrono::DateTime<chrono::Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

//! Types shared by the billing pages and the server: plans, prices, customers, subscriptions,
//! invoices, the webhook inbox, and the money and limit rules both sides apply.

use serde::{Deserialize, Serialize};

pub use super::money::{format_money, minor_units_to_input, parse_amount, Currency, CURRENCIES};
pub use super::plan_limits::{label_of, parse_limits, LimitKey, LIMIT_KEYS};
use crate::secrets::types::SecretText;

/// A price of a plan, as shown.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PriceView {
    pub id: String,
    /// `month` or `year`.
    pub interval: String,
    pub currency: String,
    pub unit_amount: i64,
    pub active: bool,
    pub stripe_price_id: Option<String>,
    pub created_at: String,
}

/// One limit of a plan: what it caps and how many.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanLimit {
    pub key: String,
    pub label: String,
    pub value: i64,
}

/// A plan with its current prices and limits.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanView {
    pub id: String,
    pub slug: String,
    pub name: String,
    pub description: String,
    pub trial_days: i32,
    pub limits: Vec<PlanLimit>,
    /// Active prices first (monthly, then yearly), then archived ones, newest first.
    pub prices: Vec<PriceView>,
    pub archived: bool,
    /// `pending`, `synced` or `failed`.
    pub sync_status: String,
    pub sync_error: Option<String>,
    pub stripe_product_id: Option<String>,
    pub subscribers: i64,
    pub version: i32,
}

impl PlanView {
    /// The active price for `interval`, if any.
    pub fn price(&self, interval: &str) -> Option<&PriceView> {
        self.prices
            .iter()
            .find(|price| price.active && price.interval == interval)
    }
}

/// The plans page: every plan, and whether Stripe is connected.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanList {
    pub plans: Vec<PlanView>,
    pub connected: bool,
}

/// The plan form (create when `id` is empty). Amounts are typed in major units ("12.50") and
/// stored in minor units; an empty amount means no price for that interval.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanForm {
    #[serde(default)]
    pub id: String,
    #[serde(default)]
    pub version: String,
    pub name: String,
    #[serde(default)]
    pub slug: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub trial_days: String,
    pub currency: String,
    #[serde(default)]
    pub monthly: String,
    #[serde(default)]
    pub yearly: String,
    #[serde(default)]
    pub limit_services: String,
    #[serde(default)]
    pub limit_containers: String,
    #[serde(default)]
    pub limit_monitors: String,
    #[serde(default)]
    pub limit_seats: String,
    /// More limits, one `key = number` per line.
    #[serde(default)]
    pub limit_other: String,
}

/// A customer in lists.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerSummary {
    pub id: String,
    pub name: String,
    pub email: String,
    pub company: String,
    pub stripe_customer_id: Option<String>,
    /// The plan of the customer's live subscription, if any.
    pub plan: Option<String>,
    pub status: Option<String>,
    /// Whether this customer's plan limits the organisation.
    pub owns_org: bool,
    pub created_at: String,
}

/// The new-customer form.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerForm {
    pub name: String,
    pub email: String,
    #[serde(default)]
    pub company: String,
    /// `true` when this customer's plan should limit the organisation.
    #[serde(default)]
    pub owns_org: bool,
}

/// A subscription, as Gantry last read it from Stripe.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubscriptionView {
    pub stripe_subscription_id: String,
    pub plan: Option<String>,
    pub status: String,
    pub current_period_end: Option<String>,
    pub cancel_at_period_end: bool,
    pub trial_end: Option<String>,
    pub past_due_since: Option<String>,
    pub canceled_at: Option<String>,
    pub synced_at: String,
}

impl SubscriptionView {
    /// Whether the subscription still gives its plan (trialing, active, or in payment trouble).
    pub fn is_live(&self) -> bool {
        is_live_status(&self.status)
    }
}

/// Statuses under which a subscription's plan still applies.
pub fn is_live_status(status: &str) -> bool {
    matches!(status, "trialing" | "active" | "past_due" | "unpaid")
}

/// An invoice, from Stripe.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvoiceView {
    pub id: String,
    pub number: Option<String>,
    pub status: String,
    pub amount_due: i64,
    pub amount_paid: i64,
    pub currency: String,
    pub hosted_url: Option<String>,
    pub created: String,
}

/// The invoices of a customer: read from Stripe, or Gantry's copy with the reason Stripe could
/// not be asked.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Invoices {
    pub items: Vec<InvoiceView>,
    /// Set when the list is Gantry's copy because Stripe did not answer.
    pub stale_because: Option<String>,
}

/// A checkout Gantry started for a customer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckoutView {
    pub session_id: String,
    pub plan: String,
    pub status: String,
    pub created_at: String,
    pub created_by: String,
}

/// A customer's page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerDetail {
    pub customer: CustomerSummary,
    pub subscriptions: Vec<SubscriptionView>,
    pub invoices: Invoices,
    pub checkouts: Vec<CheckoutView>,
    /// Plans that can be sold now (synced, not archived, with a Stripe price).
    pub plans: Vec<PlanView>,
    pub connected: bool,
}

/// What the success and cancel pages show: the checkout as the webhooks left it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckoutState {
    pub session_id: String,
    /// `open`, `complete` or `expired`.
    pub status: String,
    pub plan: String,
    pub customer_id: String,
    pub customer_name: String,
    pub subscription: Option<SubscriptionView>,
}

/// One event of the webhook inbox.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventRow {
    pub id: String,
    pub event_type: String,
    /// `pending`, `processed`, `ignored` or `failed`.
    pub status: String,
    pub attempts: i32,
    pub deliveries: i32,
    pub next_attempt_at: Option<String>,
    pub last_error: Option<String>,
    pub stripe_created: String,
    pub received_at: String,
    pub processed_at: Option<String>,
}

/// The events page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventList {
    pub events: Vec<EventRow>,
    pub pending: i64,
    pub failed: i64,
    /// Where Stripe should send events.
    pub endpoint: String,
}

/// The events page's filter (`status`, empty for all).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventFilter {
    pub status: Option<String>,
}

/// The Stripe connection, as the settings page shows it (never a key).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SettingsView {
    pub api_base: String,
    pub grace_days: i32,
    pub has_api_key: bool,
    pub has_signing_key: bool,
    pub account_id: Option<String>,
    pub account_name: Option<String>,
    pub checked_at: Option<String>,
    /// The URL to give Stripe for webhooks.
    pub endpoint: String,
}

/// The settings form; an empty key keeps the stored one.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SettingsForm {
    pub api_base: String,
    pub grace_days: String,
    #[serde(default)]
    pub api_key: SecretText,
    #[serde(default)]
    pub signing_key: SecretText,
}

/// The account Stripe says the key belongs to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConnectionCheck {
    pub account_id: String,
    pub account_name: String,
}

/// How many of one limited thing are in use.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Usage {
    pub key: String,
    pub label: String,
    /// `None` where Gantry does not count this yet (its module is still to come).
    pub used: Option<i64>,
    pub limit: Option<i64>,
}

/// Where the organisation stands with its plan.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Standing {
    /// No customer owns the organisation: nothing is limited.
    Unmetered,
    /// The owning customer has no live subscription: creations are blocked.
    NoPlan,
    /// Trialing or active.
    Good,
    /// A payment failed; creations stay allowed until `blocks_at`.
    PastDue {
        since: String,
        blocks_at: String,
        blocked: bool,
    },
}

/// The organisation's billing: who owns it, on which plan, how much is used.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Overview {
    pub customer: Option<CustomerSummary>,
    pub subscription: Option<SubscriptionView>,
    pub standing: Standing,
    pub usage: Vec<Usage>,
    pub connected: bool,
    pub plans: i64,
    pub customers: i64,
    pub failed_events: i64,
}

/// What the banner on every page says about payment trouble, if anything.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BannerState {
    pub customer_id: String,
    pub since: String,
    pub blocks_at: String,
    pub blocked: bool,
}

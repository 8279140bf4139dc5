//! The parts of a Stripe event Gantry reads. Parsed leniently (only these fields), because a
//! webhook is rendered in the endpoint's API version, which may differ from the client's.

use serde::Deserialize;

#[derive(Debug, Deserialize)]
pub struct Event {
    pub id: String,
    #[serde(rename = "type")]
    pub event_type: String,
    pub created: i64,
    #[serde(default)]
    pub livemode: bool,
    pub data: EventData,
}

#[derive(Debug, Deserialize)]
pub struct EventData {
    pub object: serde_json::Value,
}

/// The event types Gantry acts on; others are stored and marked ignored.
pub const HANDLED: [&str; 9] = [
    "checkout.session.completed",
    "checkout.session.expired",
    "customer.subscription.created",
    "customer.subscription.updated",
    "customer.subscription.deleted",
    "customer.subscription.paused",
    "customer.subscription.resumed",
    "invoice.paid",
    "invoice.payment_failed",
];

/// A string field of the event's object (an expanded object's `id` counts too).
pub fn object_id(object: &serde_json::Value, field: &str) -> Option<String> {
    match object.get(field)? {
        serde_json::Value::String(id) => Some(id.clone()),
        serde_json::Value::Object(expanded) => expanded.get("id")?.as_str().map(str::to_owned),
        _ => None,
    }
}

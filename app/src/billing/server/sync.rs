//! Applying one Stripe event: Gantry re-reads the subscription or invoice it names from Stripe
//! and stores what Stripe says now. Because every event leads to the object's current state (not
//! the state inside the event), duplicates are harmless and out-of-order deliveries converge: an
//! old `customer.subscription.created` arriving after `...deleted` re-reads a canceled
//! subscription. A per-subscription advisory lock keeps two workers from interleaving.

use std::str::FromStr;

use chrono::{DateTime, Utc};
use serde_json::json;
use sqlx::PgConnection;
use stripe::{Invoice, InvoiceId, Subscription, SubscriptionId};
use uuid::Uuid;

use super::events::{object_id, Event};
use super::stripe_api::{describe, is_missing, Stripe};
use super::{BillingError, STRIPE_ACTOR};
use crate::audit::server::{record, NewAuditEntry};
use crate::request_meta::RequestMeta;
use crate::state::AppState;

/// What processing an event did.
#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    Applied,
    /// Nothing to do, with the reason shown on the events page.
    Ignored(String),
}

/// Applies `event` on the caller's transaction.
pub async fn apply(state: &AppState, conn: &mut PgConnection, event: &Event) -> Result<Outcome, BillingError> {
    let object = &event.data.object;
    let Some(id) = object_id(object, "id") else {
        return Ok(Outcome::Ignored("the event's object has no id".into()));
    };
    let kind = event.event_type.as_str();
    if !super::events::HANDLED.contains(&kind) {
        return Ok(Outcome::Ignored(format!("{kind} is not an event Gantry acts on")));
    }
    let stripe = Stripe::connect(conn, &state.security.keys).await?;
    let at = DateTime::from_timestamp(event.created, 0).unwrap_or_else(Utc::now);
    let meta = RequestMeta {
        request_id: Some(event.id.clone()),
        ..RequestMeta::default()
    };
    let sync = Sync::new(&stripe, &meta, at);
    match kind {
        "checkout.session.completed" | "checkout.session.expired" => {
            let status = if kind.ends_with("completed") {
                "complete"
            } else {
                "expired"
            };
            let subscription = object_id(object, "subscription");
            let updated = sync.settle_checkout(conn, &id, status, subscription.as_deref()).await?;
            let synced = match subscription {
                Some(subscription) => sync.subscription(conn, &subscription).await?,
                None => Outcome::Ignored("the session has no subscription".into()),
            };
            Ok(if updated > 0 { Outcome::Applied } else { synced })
        }
        "invoice.paid" | "invoice.payment_failed" => {
            let invoice = sync.invoice(conn, &id).await?;
            match object_id(object, "subscription") {
                Some(subscription) => sync.subscription(conn, &subscription).await,
                None => Ok(invoice),
            }
        }
        _ => sync.subscription(conn, &id).await,
    }
}

/// Stores what Stripe says now; `event_at` is when Stripe noticed (the event's time, or now).
pub(super) struct Sync<'a> {
    stripe: &'a Stripe,
    meta: &'a RequestMeta,
    event_at: DateTime<Utc>,
}

fn timestamp(at: i64) -> Option<DateTime<Utc>> {
    DateTime::from_timestamp(at, 0)
}

async fn customer_for(conn: &mut PgConnection, stripe_customer: &str) -> Result<Option<Uuid>, sqlx::Error> {
    sqlx::query_scalar("select id from billing_customers where stripe_customer_id = $1")
        .bind(stripe_customer)
        .fetch_optional(conn)
        .await
}

#[derive(sqlx::FromRow)]
struct Stored {
    status: String,
    past_due_since: Option<DateTime<Utc>>,
}

impl<'a> Sync<'a> {
    pub(super) fn new(stripe: &'a Stripe, meta: &'a RequestMeta, event_at: DateTime<Utc>) -> Self {
        Self { stripe, meta, event_at }
    }

    /// Marks an open checkout complete or expired; returns how many rows changed (0 or 1).
    pub(super) async fn settle_checkout(
        &self,
        conn: &mut PgConnection,
        session: &str,
        status: &str,
        subscription: Option<&str>,
    ) -> Result<u64, sqlx::Error> {
        Ok(sqlx::query(
            "update billing_checkouts set status = $2, completed_at = now(), \
             stripe_subscription_id = coalesce($3, stripe_subscription_id) \
             where stripe_session_id = $1 and status = 'open'",
        )
        .bind(session)
        .bind(status)
        .bind(subscription)
        .execute(conn)
        .await?
        .rows_affected())
    }
    async fn audit(
        &self,
        conn: &mut PgConnection,
        action: &str,
        object: (&str, &str),
        detail: serde_json::Value,
    ) -> Result<(), sqlx::Error> {
        let entry = NewAuditEntry {
            actor_id: None,
            actor_label: STRIPE_ACTOR.into(),
            action: action.into(),
            object_type: object.0.into(),
            object_id: Some(object.1.to_owned()),
            detail,
        };
        record(conn, entry, self.meta).await?;
        Ok(())
    }

    /// Re-reads the subscription from Stripe and stores it.
    pub(super) async fn subscription(&self, conn: &mut PgConnection, id: &str) -> Result<Outcome, BillingError> {
        sqlx::query("select pg_advisory_xact_lock(hashtext('stripe-subscription:' || $1))")
            .bind(id)
            .execute(&mut *conn)
            .await?;
        let subscription_id = SubscriptionId::from_str(id).map_err(|err| BillingError::Internal(err.to_string()))?;
        let sub = match Subscription::retrieve(&self.stripe.reader(), &subscription_id, &[]).await {
            Ok(sub) => sub,
            Err(err) if is_missing(&err) => return Ok(Outcome::Ignored(format!("Stripe has no subscription {id}"))),
            Err(err) => return Err(BillingError::Stripe(describe(&err))),
        };
        let stripe_customer = sub.customer.id().to_string();
        let Some(customer) = customer_for(conn, &stripe_customer).await? else {
            return Ok(Outcome::Ignored(format!(
                "{stripe_customer} is not a customer Gantry created"
            )));
        };
        let price = sub
            .items
            .data
            .first()
            .and_then(|item| item.price.as_ref())
            .map(|price| price.id.to_string());
        let plan_id: Option<Uuid> = sqlx::query_scalar(
            "select coalesce((select plan_id from billing_prices where stripe_price_id = $1), \
             (select id from billing_plans where id::text = $2))",
        )
        .bind(&price)
        .bind(sub.metadata.get("gantry_plan_id"))
        .fetch_one(&mut *conn)
        .await?;
        let status = sub.status.as_str();
        let stored: Option<Stored> = sqlx::query_as(
            "select status, past_due_since from billing_subscriptions where stripe_subscription_id = $1 for update",
        )
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?;
        let in_trouble = matches!(status, "past_due" | "unpaid");
        let past_due_since = match (&stored, in_trouble) {
            (_, false) => None,
            (
                Some(Stored {
                    past_due_since: Some(since),
                    ..
                }),
                true,
            ) => Some(*since),
            (_, true) => Some(self.event_at),
        };
        sqlx::query(
            "insert into billing_subscriptions (stripe_subscription_id, customer_id, plan_id, stripe_price_id, status, \
             current_period_end, cancel_at_period_end, trial_end, past_due_since, canceled_at, stripe_created, synced_at) \
             values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, now()) \
             on conflict (stripe_subscription_id) do update set customer_id = $2, plan_id = $3, stripe_price_id = $4, \
             status = $5, current_period_end = $6, cancel_at_period_end = $7, trial_end = $8, past_due_since = $9, \
             canceled_at = $10, synced_at = now()",
        )
        .bind(id)
        .bind(customer)
        .bind(plan_id)
        .bind(&price)
        .bind(status)
        .bind(timestamp(sub.current_period_end))
        .bind(sub.cancel_at_period_end)
        .bind(sub.trial_end.and_then(timestamp))
        .bind(past_due_since)
        .bind(sub.canceled_at.and_then(timestamp))
        .bind(timestamp(sub.created))
        .execute(&mut *conn)
        .await?;
        let before = stored.map(|s| s.status);
        if before.as_deref() != Some(status) {
            let action = if before.is_none() {
                "billing.subscription.created"
            } else {
                "billing.subscription.status_changed"
            };
            let detail = json!({ "subscription": id, "from": before, "to": status, "customer": customer.to_string() });
            self.audit(conn, action, ("billing_customer", &customer.to_string()), detail)
                .await?;
        }
        Ok(Outcome::Applied)
    }

    /// Re-reads the invoice from Stripe and keeps Gantry's copy.
    async fn invoice(&self, conn: &mut PgConnection, id: &str) -> Result<Outcome, BillingError> {
        let invoice_id = InvoiceId::from_str(id).map_err(|err| BillingError::Internal(err.to_string()))?;
        let invoice = match Invoice::retrieve(&self.stripe.reader(), &invoice_id, &[]).await {
            Ok(invoice) => invoice,
            Err(err) if is_missing(&err) => return Ok(Outcome::Ignored(format!("Stripe has no invoice {id}"))),
            Err(err) => return Err(BillingError::Stripe(describe(&err))),
        };
        let Some(stripe_customer) = invoice.customer.as_ref().map(|c| c.id().to_string()) else {
            return Ok(Outcome::Ignored("the invoice has no customer".into()));
        };
        let Some(customer) = customer_for(conn, &stripe_customer).await? else {
            return Ok(Outcome::Ignored(format!(
                "{stripe_customer} is not a customer Gantry created"
            )));
        };
        let status = invoice
            .status
            .map(|s| s.as_str().to_owned())
            .unwrap_or_else(|| "draft".into());
        let before: Option<String> =
            sqlx::query_scalar("select status from billing_invoices where stripe_invoice_id = $1 for update")
                .bind(id)
                .fetch_optional(&mut *conn)
                .await?;
        sqlx::query(
            "insert into billing_invoices (stripe_invoice_id, customer_id, stripe_subscription_id, number, status, \
             amount_due, amount_paid, currency, hosted_invoice_url, stripe_created, synced_at) \
             values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, now()) \
             on conflict (stripe_invoice_id) do update set status = $5, amount_due = $6, amount_paid = $7, \
             number = $4, hosted_invoice_url = $9, synced_at = now()",
        )
        .bind(id)
        .bind(customer)
        .bind(invoice.subscription.as_ref().map(|s| s.id().to_string()))
        .bind(&invoice.number)
        .bind(&status)
        .bind(invoice.amount_due.unwrap_or_default())
        .bind(invoice.amount_paid.unwrap_or_default())
        .bind(invoice.currency.map(|c| c.to_string()).unwrap_or_default())
        .bind(&invoice.hosted_invoice_url)
        .bind(invoice.created.and_then(timestamp).unwrap_or(self.event_at))
        .execute(&mut *conn)
        .await?;
        if before.as_deref() != Some(status.as_str()) {
            let detail = json!({ "invoice": id, "from": before, "to": status, "number": invoice.number });
            self.audit(
                conn,
                "billing.invoice.status_changed",
                ("billing_customer", &customer.to_string()),
                detail,
            )
            .await?;
        }
        Ok(Outcome::Applied)
    }
}

//! Asking Stripe directly instead of waiting for a webhook: re-reads every subscription Stripe
//! has for a customer (also ones whose events never arrived) and every checkout still open. The
//! repair for a webhook endpoint that was misconfigured or down for longer than Stripe retries.

use std::str::FromStr;

use serde_json::json;
use stripe::{
    CheckoutSession, CheckoutSessionId, CheckoutSessionStatus, CustomerId, ListSubscriptions, Subscription,
    SubscriptionStatusFilter,
};

use super::customers;
use super::stripe_api::{describe, Stripe};
use super::sync::Sync;
use super::BillingError;
use crate::audit::server::record_by_user;
use crate::auth::server::AuthUser;
use crate::error::AppError;
use crate::request_meta::RequestMeta;
use crate::state::AppState;

/// Re-reads the customer's subscriptions and open checkouts; returns how many subscriptions.
pub async fn customer(state: &AppState, meta: &RequestMeta, user: &AuthUser, id: &str) -> Result<usize, AppError> {
    let customer_id = customers::parse_id(id)?;
    let mut tx = state.pool.begin().await?;
    let summary = customers::one(&mut tx, customer_id).await?;
    let stripe_customer = summary.stripe_customer_id.ok_or_else(|| {
        BillingError::Conflict("This customer is not in Stripe yet: there is nothing to refresh".into())
    })?;
    let stripe = Stripe::connect(&mut tx, &state.security.keys).await?;
    let mut params = ListSubscriptions::new();
    params.customer = Some(CustomerId::from_str(&stripe_customer).map_err(AppError::internal)?);
    params.status = Some(SubscriptionStatusFilter::All);
    params.limit = Some(100);
    let found = Subscription::list(&stripe.reader(), &params)
        .await
        .map_err(|err| BillingError::Stripe(describe(&err)))?;
    let sync = Sync::new(&stripe, meta, chrono::Utc::now());
    for subscription in &found.data {
        sync.subscription(&mut tx, subscription.id.as_str()).await?;
    }
    let open: Vec<String> = sqlx::query_scalar(
        "select stripe_session_id from billing_checkouts where customer_id = $1 and status = 'open'",
    )
    .bind(customer_id)
    .fetch_all(&mut *tx)
    .await?;
    let mut settled = 0;
    for session in open {
        let session_id = CheckoutSessionId::from_str(&session).map_err(AppError::internal)?;
        let found = CheckoutSession::retrieve(&stripe.reader(), &session_id, &[])
            .await
            .map_err(|err| BillingError::Stripe(describe(&err)))?;
        let status = match found.status {
            Some(CheckoutSessionStatus::Complete) => "complete",
            Some(CheckoutSessionStatus::Expired) => "expired",
            _ => continue,
        };
        let subscription = found.subscription.as_ref().map(|s| s.id().to_string());
        settled += sync
            .settle_checkout(&mut tx, &session, status, subscription.as_deref())
            .await?;
    }
    let detail = json!({ "subscriptions": found.data.len(), "checkouts_settled": settled });
    record_by_user(
        &mut tx,
        meta,
        user,
        "billing.customer.refreshed",
        ("billing_customer", customer_id),
        detail,
    )
    .await?;
    tx.commit().await?;
    Ok(found.data.len())
}

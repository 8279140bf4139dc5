//! Stripe Checkout (subscription mode) and the billing portal. Gantry only creates the sessions
//! and sends people to Stripe's pages; what happened is learnt from the webhooks, never from the
//! redirect back.

use std::collections::HashMap;
use std::str::FromStr;

use serde_json::json;
use stripe::{
    BillingPortalSession, CheckoutSession, CheckoutSessionMode, CreateBillingPortalSession, CreateCheckoutSession,
    CreateCheckoutSessionLineItems, CreateCheckoutSessionSubscriptionData, CustomerId,
};
use uuid::Uuid;

use super::customers::{self, ensure_in_stripe, subscription_view, SubscriptionRow, SUBSCRIPTION_COLUMNS};
use super::settings::public_base;
use super::stripe_api::{describe, Stripe};
use super::BillingError;
use crate::audit::server::record_by_user;
use crate::auth::server::AuthUser;
use crate::billing::types::{is_live_status, CheckoutState};
use crate::error::AppError;
use crate::request_meta::RequestMeta;
use crate::state::AppState;

#[derive(sqlx::FromRow)]
struct SellablePrice {
    plan_id: Uuid,
    plan_name: String,
    trial_days: i32,
    stripe_price_id: Option<String>,
    active: bool,
    archived: bool,
}

/// Creates a Checkout Session for the customer and the price; returns the URL to send them to.
pub async fn start(
    state: &AppState,
    meta: &RequestMeta,
    user: &AuthUser,
    customer: &str,
    price: &str,
) -> Result<String, AppError> {
    let customer_id = customers::parse_id(customer)?;
    let price_id = Uuid::parse_str(price.trim()).map_err(|_| BillingError::NotFound("The price"))?;
    let mut conn = state.pool.acquire().await?;
    let sellable: SellablePrice = sqlx::query_as(
        "select p.id as plan_id, p.name as plan_name, p.trial_days, r.stripe_price_id, r.active, \
         p.archived_at is not null as archived from billing_prices r join billing_plans p on p.id = r.plan_id where r.id = $1",
    )
    .bind(price_id)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(BillingError::NotFound("The price"))?;
    let stripe_price = match (&sellable.stripe_price_id, sellable.active && !sellable.archived) {
        (Some(id), true) => id.clone(),
        (_, false) => {
            return Err(BillingError::Conflict("This price is no longer sold; choose a current one".into()).into())
        }
        (None, true) => {
            return Err(BillingError::Conflict(
                "This plan is not in Stripe yet: open Plans and retry its sync first".into(),
            )
            .into())
        }
    };
    let live = customers::subscriptions(&mut conn, customer_id)
        .await?
        .into_iter()
        .any(|subscription| is_live_status(&subscription.status));
    if live {
        return Err(BillingError::Conflict(
            "This customer already has a subscription: change plans with Manage subscription".into(),
        )
        .into());
    }
    let stripe_customer = ensure_in_stripe(state, &mut conn, meta, user, customer_id).await?;
    let stripe = Stripe::connect(&mut conn, &state.security.keys).await?;
    let base = public_base();
    let success = format!("{base}/billing/checkout/success?session_id={{CHECKOUT_SESSION_ID}}");
    let cancel = format!("{base}/billing/checkout/cancel?session_id={{CHECKOUT_SESSION_ID}}");
    let reference = customer_id.to_string();
    let tags = HashMap::from([
        ("gantry_customer_id".to_owned(), customer_id.to_string()),
        ("gantry_plan_id".to_owned(), sellable.plan_id.to_string()),
    ]);
    let mut params = CreateCheckoutSession::new();
    params.mode = Some(CheckoutSessionMode::Subscription);
    params.customer = Some(CustomerId::from_str(&stripe_customer).map_err(AppError::internal)?);
    params.client_reference_id = Some(&reference);
    params.success_url = Some(&success);
    params.cancel_url = Some(&cancel);
    params.line_items = Some(vec![CreateCheckoutSessionLineItems {
        price: Some(stripe_price),
        quantity: Some(1),
        ..Default::default()
    }]);
    params.subscription_data = Some(CreateCheckoutSessionSubscriptionData {
        trial_period_days: (sellable.trial_days > 0).then_some(sellable.trial_days as u32),
        metadata: Some(tags.clone()),
        ..Default::default()
    });
    params.metadata = Some(tags);
    let session = CheckoutSession::create(&stripe.reader(), params)
        .await
        .map_err(|err| BillingError::Stripe(describe(&err)))?;
    let url = session
        .url
        .clone()
        .ok_or_else(|| BillingError::Stripe("gave no checkout URL".into()))?;
    let mut tx = state.pool.begin().await?;
    sqlx::query(
        "insert into billing_checkouts (stripe_session_id, customer_id, plan_id, price_id, created_by_label) \
         values ($1, $2, $3, $4, $5)",
    )
    .bind(session.id.as_str())
    .bind(customer_id)
    .bind(sellable.plan_id)
    .bind(price_id)
    .bind(&user.email)
    .execute(&mut *tx)
    .await?;
    let detail = json!({ "session": session.id.as_str(), "plan": sellable.plan_name, "price": price_id.to_string() });
    record_by_user(
        &mut tx,
        meta,
        user,
        "billing.checkout.started",
        ("billing_customer", customer_id),
        detail,
    )
    .await?;
    tx.commit().await?;
    Ok(url)
}

#[derive(sqlx::FromRow)]
struct CheckoutRow {
    status: String,
    plan: String,
    customer_id: Uuid,
    customer_name: String,
    stripe_subscription_id: Option<String>,
}

/// A checkout as the webhooks have left it.
pub async fn state(state: &AppState, session: &str) -> Result<CheckoutState, AppError> {
    let mut conn = state.pool.acquire().await?;
    let row: CheckoutRow = sqlx::query_as(
        "select k.status, p.name as plan, k.customer_id, c.name as customer_name, k.stripe_subscription_id \
         from billing_checkouts k join billing_plans p on p.id = k.plan_id \
         join billing_customers c on c.id = k.customer_id where k.stripe_session_id = $1",
    )
    .bind(session.trim())
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(BillingError::NotFound("The checkout"))?;
    let subscription = match &row.stripe_subscription_id {
        Some(id) => {
            let found: Option<SubscriptionRow> =
                sqlx::query_as(&format!("{SUBSCRIPTION_COLUMNS} where s.stripe_subscription_id = $1"))
                    .bind(id)
                    .fetch_optional(&mut *conn)
                    .await?;
            found.map(subscription_view)
        }
        None => None,
    };
    Ok(CheckoutState {
        session_id: session.trim().to_owned(),
        status: row.status,
        plan: row.plan,
        customer_id: row.customer_id.to_string(),
        customer_name: row.customer_name,
        subscription,
    })
}

/// Creates a billing portal session for the customer; returns its URL.
pub async fn portal(state: &AppState, meta: &RequestMeta, user: &AuthUser, customer: &str) -> Result<String, AppError> {
    let customer_id = customers::parse_id(customer)?;
    let mut conn = state.pool.acquire().await?;
    let summary = customers::one(&mut conn, customer_id).await?;
    let stripe_customer = summary.stripe_customer_id.ok_or_else(|| {
        BillingError::Conflict("This customer has no Stripe account yet: start a checkout first".into())
    })?;
    let stripe = Stripe::connect(&mut conn, &state.security.keys).await?;
    let return_url = format!("{}/billing/customers/{customer_id}", public_base());
    let mut params =
        CreateBillingPortalSession::new(CustomerId::from_str(&stripe_customer).map_err(AppError::internal)?);
    params.return_url = Some(&return_url);
    let session = BillingPortalSession::create(&stripe.reader(), params)
        .await
        .map_err(|err| BillingError::Stripe(describe(&err)))?;
    let mut tx = state.pool.begin().await?;
    let detail = json!({ "portal_session": session.id.as_str() });
    record_by_user(
        &mut tx,
        meta,
        user,
        "billing.portal.opened",
        ("billing_customer", customer_id),
        detail,
    )
    .await?;
    tx.commit().await?;
    Ok(session.url)
}

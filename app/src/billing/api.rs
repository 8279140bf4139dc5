//! Server functions of the billing module: authorize, then call the server half.

use leptos::prelude::*;

use super::types::{
    BannerState, CheckoutState, ConnectionCheck, CustomerDetail, CustomerForm, CustomerSummary, EventFilter, EventList,
    Overview, PlanForm, PlanList, PlanView, SettingsForm, SettingsView,
};
use crate::error::AppError;

#[cfg(feature = "ssr")]
fn context() -> Result<(crate::state::AppState, crate::request_meta::RequestMeta), AppError> {
    Ok((
        crate::state::AppState::current()?,
        crate::request_meta::RequestMeta::current(),
    ))
}

/// The organisation's plan, standing and usage.
#[server(endpoint = "billing/overview")]
pub async fn get_billing_overview() -> Result<Overview, AppError> {
    crate::auth::server::require_user()?;
    let (state, _) = context()?;
    super::server::standing::overview(&state).await
}

/// The payment-trouble banner's state, when there is trouble.
#[server(endpoint = "billing/banner")]
pub async fn get_billing_banner() -> Result<Option<BannerState>, AppError> {
    crate::auth::server::require_user()?;
    let (state, _) = context()?;
    super::server::standing::banner(&state).await
}

/// The Stripe connection settings (never a key).
#[server(endpoint = "billing/settings")]
pub async fn get_billing_settings() -> Result<SettingsView, AppError> {
    crate::auth::server::require_user()?;
    let (state, _) = context()?;
    super::server::settings::view(&state).await
}

/// Saves the API base, grace period and (when given) the keys; returns the settings page.
#[server(endpoint = "billing/settings/save")]
pub async fn save_billing_settings(form: SettingsForm) -> Result<String, AppError> {
    let user = crate::auth::server::require_step_up()?;
    let (state, meta) = context()?;
    super::server::settings::save(&state, &meta, &user, form).await?;
    Ok("/billing/settings?saved=1".into())
}

/// Asks Stripe which account the stored key belongs to.
#[server(endpoint = "billing/settings/test")]
pub async fn test_stripe_connection() -> Result<ConnectionCheck, AppError> {
    let user = crate::auth::server::require_user()?;
    let (state, meta) = context()?;
    super::server::settings::test_connection(&state, &meta, &user).await
}

/// Every plan with its prices and limits.
#[server(endpoint = "billing/plans")]
pub async fn list_plans() -> Result<PlanList, AppError> {
    crate::auth::server::require_user()?;
    let (state, _) = context()?;
    super::server::plans::list(&state).await
}

/// One plan, for its edit page.
#[server(endpoint = "billing/plans/get")]
pub async fn get_plan(id: String) -> Result<PlanView, AppError> {
    crate::auth::server::require_user()?;
    let (state, _) = context()?;
    super::server::plans::get(&state, &id).await
}

/// Creates or updates a plan and pushes it to Stripe; returns the plans page.
#[server(endpoint = "billing/plans/save")]
pub async fn save_plan(form: PlanForm) -> Result<String, AppError> {
    let user = crate::auth::server::require_user()?;
    let (state, meta) = context()?;
    let id = super::server::plans::save(&state, &meta, &user, form).await?;
    Ok(format!("/billing/plans#plan-{id}"))
}

/// Pushes a plan to Stripe again (after a failed sync); returns the plan as it is now.
#[server(endpoint = "billing/plans/sync")]
pub async fn sync_plan(id: String) -> Result<PlanView, AppError> {
    let user = crate::auth::server::require_user()?;
    let (state, meta) = context()?;
    super::server::plans::resync(&state, &meta, &user, &id).await
}

/// Archives a plan: no new checkouts; existing subscriptions carry on in Stripe.
#[server(endpoint = "billing/plans/archive")]
pub async fn archive_plan(id: String) -> Result<String, AppError> {
    let user = crate::auth::server::require_user()?;
    let (state, meta) = context()?;
    super::server::plans::archive(&state, &meta, &user, &id).await?;
    Ok("/billing/plans".into())
}

/// Every customer with their plan and status.
#[server(endpoint = "billing/customers")]
pub async fn list_customers() -> Result<Vec<CustomerSummary>, AppError> {
    crate::auth::server::require_user()?;
    let (state, _) = context()?;
    super::server::customers::list(&state).await
}

/// Creates a customer (and its Stripe customer, when connected); returns its page.
#[server(endpoint = "billing/customers/create")]
pub async fn create_customer(form: CustomerForm) -> Result<String, AppError> {
    let user = crate::auth::server::require_user()?;
    let (state, meta) = context()?;
    let id = super::server::customers::create(&state, &meta, &user, form).await?;
    Ok(format!("/billing/customers/{id}"))
}

/// A customer with subscriptions, invoices (from Stripe) and checkouts.
#[server(endpoint = "billing/customers/get")]
pub async fn get_customer(id: String) -> Result<CustomerDetail, AppError> {
    crate::auth::server::require_user()?;
    let (state, _) = context()?;
    super::server::customers::detail(&state, &id).await
}

/// Makes this customer's plan limit the organisation (or, with `owns` false, stops it).
#[server(endpoint = "billing/customers/link")]
pub async fn link_customer(id: String, owns: bool) -> Result<String, AppError> {
    let user = crate::auth::server::require_user()?;
    let (state, meta) = context()?;
    super::server::customers::link(&state, &meta, &user, &id, owns).await?;
    Ok(format!("/billing/customers/{id}"))
}

/// Re-reads the customer's subscriptions and open checkouts from Stripe; returns their page.
#[server(endpoint = "billing/customers/refresh")]
pub async fn refresh_customer(id: String) -> Result<String, AppError> {
    let user = crate::auth::server::require_user()?;
    let (state, meta) = context()?;
    super::server::refresh::customer(&state, &meta, &user, &id).await?;
    Ok(format!("/billing/customers/{}", id.trim()))
}

/// Starts a Stripe Checkout for `price` of a plan; returns Stripe's checkout URL.
#[server(endpoint = "billing/checkout")]
pub async fn start_checkout(customer: String, price: String) -> Result<String, AppError> {
    let user = crate::auth::server::require_user()?;
    let (state, meta) = context()?;
    super::server::checkout::start(&state, &meta, &user, &customer, &price).await
}

/// A checkout as the webhooks left it.
#[server(endpoint = "billing/checkout/state")]
pub async fn get_checkout_state(session: String) -> Result<CheckoutState, AppError> {
    crate::auth::server::require_user()?;
    let (state, _) = context()?;
    super::server::checkout::state(&state, &session).await
}

/// Opens Stripe's billing portal for a customer; returns its URL.
#[server(endpoint = "billing/portal")]
pub async fn open_billing_portal(customer: String) -> Result<String, AppError> {
    let user = crate::auth::server::require_user()?;
    let (state, meta) = context()?;
    super::server::checkout::portal(&state, &meta, &user, &customer).await
}

/// The webhook inbox, newest first.
#[server(endpoint = "billing/events")]
pub async fn list_stripe_events(filter: EventFilter) -> Result<EventList, AppError> {
    crate::auth::server::require_user()?;
    let (state, _) = context()?;
    super::server::inbox::list(&state, filter).await
}

/// Processes one stored event again now; returns its new status.
#[server(endpoint = "billing/events/replay")]
pub async fn replay_stripe_event(id: String) -> Result<String, AppError> {
    let user = crate::auth::server::require_user()?;
    let (state, meta) = context()?;
    super::server::worker::replay(&state, &meta, &user, &id).await
}

//! Billing set-ups the billing tests share: Stripe connected to the stand-in, a plan, a customer
//! that owns the organisation, and a paid checkout.

use serde_json::Value;
use sqlx::PgPool;

use super::stripe::StripeStandIn;
use super::{Browser, TestApp};

pub const API_KEY: &str = "sk_test_gantry_4eC39HqLyjWDarjtT1zdp7dc";
pub const SIGNING_KEY: &str = "whsec_gantry_test_signing_secret_1";

/// A server function's JSON answer, asserting it succeeded.
pub async fn call_ok(browser: &Browser, path: &str, form: &[(&str, &str)]) -> Value {
    let response = browser.call(path, form).await;
    let status = response.status();
    let body = response.text().await.unwrap_or_default();
    assert_eq!(status, 200, "{path}: {body}");
    serde_json::from_str(&body).unwrap_or(Value::String(body))
}

/// Saves the stand-in's address and the keys (the browser must have a fresh second factor).
pub async fn connect(browser: &Browser, stripe: &StripeStandIn, grace_days: &str) {
    call_ok(
        browser,
        "/api/billing/settings/save",
        &[
            ("form[api_base]", &stripe.base),
            ("form[grace_days]", grace_days),
            ("form[api_key]", API_KEY),
            ("form[signing_key]", SIGNING_KEY),
        ],
    )
    .await;
    super::remember_secrets([API_KEY, SIGNING_KEY]);
}

/// Creates a plan; returns its id.
pub async fn create_plan(
    browser: &Browser,
    pool: &PgPool,
    name: &str,
    monthly: &str,
    extra: &[(&str, &str)],
) -> String {
    let mut form = vec![
        ("form[name]", name),
        ("form[currency]", "gbp"),
        ("form[monthly]", monthly),
    ];
    form.extend_from_slice(extra);
    call_ok(browser, "/api/billing/plans/save", &form).await;
    sqlx::query_scalar::<_, uuid::Uuid>("select id from billing_plans where name = $1")
        .bind(name)
        .fetch_one(pool)
        .await
        .expect("the plan is stored")
        .to_string()
}

/// Creates a customer that owns the organisation; returns its id.
pub async fn create_owner(browser: &Browser, pool: &PgPool) -> String {
    call_ok(
        browser,
        "/api/billing/customers/create",
        &[
            ("form[name]", "Grace Hopper"),
            ("form[email]", "grace@example.com"),
            ("form[company]", "Cobol Ltd"),
            ("form[owns_org]", "true"),
        ],
    )
    .await;
    sqlx::query_scalar::<_, uuid::Uuid>("select id from billing_customers where email = 'grace@example.com'")
        .fetch_one(pool)
        .await
        .expect("the customer is stored")
        .to_string()
}

/// The active monthly price of a plan.
pub async fn monthly_price(pool: &PgPool, plan: &str) -> String {
    sqlx::query_scalar::<_, uuid::Uuid>(
        "select id from billing_prices where plan_id = $1::uuid and interval = 'month' and active",
    )
    .bind(plan)
    .fetch_one(pool)
    .await
    .expect("an active monthly price")
    .to_string()
}

/// Starts a checkout and pays it on the stand-in's page; returns the checkout session id.
pub async fn subscribe(browser: &Browser, stripe: &StripeStandIn, pool: &PgPool, customer: &str, plan: &str) -> String {
    let price = monthly_price(pool, plan).await;
    let url = call_ok(
        browser,
        "/api/billing/checkout",
        &[("customer", customer), ("price", &price)],
    )
    .await;
    let url = url.as_str().expect("a checkout URL").to_owned();
    assert!(url.starts_with(&stripe.base), "checkout goes to the stand-in: {url}");
    let paid = stripe.pay(&url).await;
    assert_eq!(paid.status(), 303, "paying redirects to the success page");
    url.rsplit('/').next().expect("session id").to_owned()
}

/// Delivers every event the stand-in made, in order; asserts each was accepted.
pub async fn deliver_all(stripe: &StripeStandIn) -> Vec<String> {
    let mut ids = Vec::new();
    for event in stripe.events().await {
        let id = event["id"].as_str().expect("event id").to_owned();
        assert_eq!(stripe.deliver(&id).await, 200, "event {id} is accepted");
        ids.push(id);
    }
    ids
}

/// A signed-in admin with Stripe connected to a fresh stand-in whose webhooks go to `app`.
pub async fn connected(app: &TestApp, grace_days: &str) -> (Browser, super::Admin, StripeStandIn) {
    let (browser, admin) = super::setup_admin(app).await;
    let stripe = StripeStandIn::start();
    stripe
        .configure(&format!("{}/webhooks/stripe", app.address), &[SIGNING_KEY], false)
        .await;
    connect(&browser, &stripe, grace_days).await;
    (browser, admin, stripe)
}

/// Processes every due event the way the background worker does.
pub async fn process(app: &TestApp) -> usize {
    app::billing::server::worker::process_due(&app.state)
        .await
        .expect("the worker runs")
}

/// The subscription's status as Gantry stored it.
pub async fn stored_status(pool: &PgPool) -> String {
    sqlx::query_scalar("select status from billing_subscriptions order by stripe_created desc limit 1")
        .fetch_one(pool)
        .await
        .expect("a subscription is stored")
}

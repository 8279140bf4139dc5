//! The billing pages as the server renders them (complete HTML before any script runs): empty
//! states, what a customer's page and the checkout pages show, and the payment banner.

mod common;

use common::{setup_admin, spawn_app, Browser};
use sqlx::PgPool;

async fn page(browser: &Browser, path: &str) -> String {
    let response = browser.get(path).await;
    assert_eq!(response.status(), 200, "{path} answers");
    response.text().await.expect("html")
}

#[sqlx::test(migrations = "../migrations")]
async fn each_billing_page_explains_itself_before_anything_exists(pool: PgPool) {
    let app = spawn_app(pool).await;
    let (browser, _) = setup_admin(&app).await;
    for (path, title, says) in [
        ("/billing", "Billing", "Nothing to bill yet"),
        ("/billing/plans", "Plans", "No plans yet"),
        ("/billing/customers", "Customers", "No customers yet"),
        ("/billing/events", "Stripe events", "No events yet"),
        ("/billing/settings", "Billing settings", "/webhooks/stripe"),
        ("/billing/plans/new", "New plan", "Save plan"),
        ("/billing/customers/new", "New customer", "Create customer"),
    ] {
        let html = page(&browser, path).await;
        assert!(html.contains(&format!(">{title}</h1>")), "{path} is titled {title}");
        assert!(html.contains(says), "{path} says {says:?}");
        if ["/billing", "/billing/plans"].contains(&path) {
            assert!(
                html.contains(r#"data-testid="not-connected""#),
                "{path} says Stripe is not connected yet"
            );
        }
    }
    let missing = page(&browser, "/billing/customers/00000000-0000-0000-0000-000000000009").await;
    assert!(
        missing.contains("The customer was not found"),
        "an unknown customer is explained"
    );
    let unknown = page(&browser, "/billing/checkout/success?session_id=cs_test_nope").await;
    assert!(unknown.contains("The checkout was not found"));
}

#[sqlx::test(migrations = "../migrations")]
async fn a_past_due_payment_shows_a_banner_on_every_page_with_the_way_to_fix_it(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let (browser, _) = setup_admin(&app).await;
    assert!(
        !page(&browser, "/").await.contains("billing-banner"),
        "no banner while nothing is owed"
    );
    let customer = uuid::Uuid::now_v7();
    sqlx::query("insert into billing_customers (id, org_id, name, email) values ($1, '00000000-0000-0000-0000-000000000001', 'Owner', 'owner@example.com')")
        .bind(customer)
        .execute(&pool)
        .await
        .expect("customer");
    sqlx::query("update organizations set customer_id = $1")
        .bind(customer)
        .execute(&pool)
        .await
        .expect("owner");
    sqlx::query(
        "insert into billing_subscriptions (stripe_subscription_id, customer_id, status, past_due_since, stripe_created) \
         values ('sub_banner', $1, 'past_due', now() - interval '2 days', now() - interval '40 days')",
    )
    .bind(customer)
    .execute(&pool)
    .await
    .expect("subscription");
    for path in ["/", "/services", "/billing"] {
        let html = page(&browser, path).await;
        assert!(
            html.contains(r#"data-testid="billing-banner" data-blocked="false""#),
            "{path} shows the banner"
        );
        assert!(
            html.contains(&format!(r#"href="/billing/customers/{customer}""#)),
            "{path} links to the fix"
        );
    }
    sqlx::query("update billing_subscriptions set past_due_since = now() - interval '8 days'")
        .execute(&pool)
        .await
        .expect("age");
    let html = page(&browser, "/").await;
    assert!(
        html.contains(r#"data-blocked="true""#),
        "after the 7-day grace the banner says creations are blocked"
    );
    assert!(html.contains("running services keep running"));
}

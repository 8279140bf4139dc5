//! Billing against the Stripe stand-in: the connection check, plans synced to Products and
//! Prices (a new amount is a new Price), customers and their invoices, the billing portal, and
//! plan limits with the past-due grace period.

mod common;

use common::billing::{call_ok, connected, create_owner, create_plan, deliver_all, monthly_price, process, subscribe};
use common::{spawn_app, Browser};
use serde_json::Value;
use sqlx::PgPool;

async fn register_service(browser: &Browser, name: &str) -> (u16, Value) {
    let response = browser
        .call(
            "/api/services/create",
            &[("form[name]", name), ("form[environments]", "production")],
        )
        .await;
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

#[sqlx::test(migrations = "../migrations")]
async fn the_connection_check_names_the_account_and_a_wrong_key_says_so(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let (browser, _admin, stripe) = connected(&app, "7").await;
    let check = call_ok(&browser, "/api/billing/settings/test", &[]).await;
    assert_eq!(check["account_name"], "Stand-in Business");
    assert!(check["account_id"].as_str().unwrap_or_default().starts_with("acct_"));
    let settings = call_ok(&browser, "/api/billing/settings", &[]).await;
    assert_eq!(settings["has_api_key"], true);
    assert_eq!(settings["api_base"], stripe.base.as_str());
    assert!(
        settings.to_string().find("sk_test").is_none(),
        "the key never comes back"
    );

    let refused = browser
        .call(
            "/api/billing/settings/save",
            &[
                ("form[api_base]", "ftp://x"),
                ("form[grace_days]", "500"),
                ("form[api_key]", "pk_live_1"),
            ],
        )
        .await;
    let refused: Value = refused.json().await.expect("json");
    assert_eq!(refused["kind"], "invalid");
    let fields: Vec<&str> = refused["fields"]
        .as_array()
        .expect("fields")
        .iter()
        .filter_map(|f| f["field"].as_str())
        .collect();
    assert_eq!(fields, ["api_base", "grace_days", "api_key"]);

    common::billing::connect(&browser, &stripe, "7").await;
    let wrong = "sk_live_not_a_stand_in_key";
    common::remember_secrets([wrong]);
    call_ok(
        &browser,
        "/api/billing/settings/save",
        &[
            ("form[api_base]", &stripe.base),
            ("form[grace_days]", "7"),
            ("form[api_key]", wrong),
        ],
    )
    .await;
    let failed = browser.call("/api/billing/settings/test", &[]).await;
    let failed: Value = failed.json().await.expect("json");
    assert_eq!(failed["kind"], "conflict");
    assert!(
        failed["message"]
            .as_str()
            .unwrap_or_default()
            .contains("API key was refused"),
        "{failed}"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn plans_become_products_and_prices_and_a_new_amount_is_a_new_price(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let (browser, _admin, stripe) = connected(&app, "7").await;
    let plan = create_plan(
        &browser,
        &pool,
        "Team",
        "12.50",
        &[
            ("form[yearly]", "120"),
            ("form[trial_days]", "14"),
            ("form[limit_services]", "5"),
            ("form[limit_other]", "build_minutes = 300"),
        ],
    )
    .await;
    let listed = call_ok(&browser, "/api/billing/plans", &[]).await;
    let team = &listed["plans"][0];
    assert_eq!(team["sync_status"], "synced", "{team}");
    assert!(team["stripe_product_id"]
        .as_str()
        .unwrap_or_default()
        .starts_with("prod_"));
    let amounts: Vec<i64> = team["prices"]
        .as_array()
        .expect("prices")
        .iter()
        .filter_map(|p| p["unit_amount"].as_i64())
        .collect();
    assert_eq!(amounts, [1250, 12000], "stored in minor units");
    let limits: Vec<(String, i64)> = team["limits"]
        .as_array()
        .expect("limits")
        .iter()
        .map(|l| {
            (
                l["key"].as_str().unwrap_or_default().to_owned(),
                l["value"].as_i64().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(limits, [("build_minutes".to_owned(), 300), ("services".to_owned(), 5)]);

    let old_price: String = sqlx::query_scalar("select stripe_price_id from billing_prices where interval = 'month'")
        .fetch_one(&pool)
        .await
        .expect("price");
    let version = team["version"].as_i64().expect("version").to_string();
    call_ok(
        &browser,
        "/api/billing/plans/save",
        &[
            ("form[id]", &plan),
            ("form[version]", &version),
            ("form[name]", "Team"),
            ("form[currency]", "gbp"),
            ("form[monthly]", "15"),
            ("form[yearly]", "120"),
            ("form[trial_days]", "14"),
        ],
    )
    .await;
    let requests = stripe.requests().await;
    let price_updates: Vec<&Value> = requests
        .iter()
        .filter(|r| r["method"] == "POST" && r["path"].as_str().unwrap_or_default().starts_with("/v1/prices/"))
        .collect();
    assert_eq!(
        price_updates.len(),
        1,
        "only the replaced price is touched: {price_updates:?}"
    );
    assert_eq!(price_updates[0]["path"], format!("/v1/prices/{old_price}"));
    assert_eq!(price_updates[0]["params"]["active"], false);
    assert!(
        price_updates[0]["params"].get("unit_amount").is_none(),
        "a Stripe price is never edited"
    );
    let created: Vec<i64> = requests
        .iter()
        .filter(|r| r["method"] == "POST" && r["path"] == "/v1/prices")
        .filter_map(|r| r["params"]["unit_amount"].as_i64())
        .collect();
    assert_eq!(created, [1250, 12000, 1500]);
    let rows: Vec<(i64, bool)> =
        sqlx::query_as("select unit_amount, active from billing_prices where interval = 'month' order by created_at")
            .fetch_all(&pool)
            .await
            .expect("prices");
    assert_eq!(rows, [(1250, false), (1500, true)]);

    let stale = browser
        .call(
            "/api/billing/plans/save",
            &[
                ("form[id]", &plan),
                ("form[version]", &version),
                ("form[name]", "Team"),
                ("form[currency]", "gbp"),
                ("form[monthly]", "16"),
            ],
        )
        .await;
    let stale: Value = stale.json().await.expect("json");
    assert_eq!(stale["kind"], "conflict", "an edit from an old page is refused");

    let bad = browser
        .call(
            "/api/billing/plans/save",
            &[
                ("form[name]", ""),
                ("form[currency]", "gbp"),
                ("form[monthly]", "12.345"),
                ("form[limit_seats]", "-2"),
            ],
        )
        .await;
    let bad: Value = bad.json().await.expect("json");
    assert_eq!(bad["kind"], "invalid");
    let fields: Vec<&str> = bad["fields"]
        .as_array()
        .expect("fields")
        .iter()
        .filter_map(|f| f["field"].as_str())
        .collect();
    assert_eq!(fields, ["name", "slug", "monthly", "limit_seats"]);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_plan_saved_while_stripe_fails_shows_why_and_syncs_on_retry(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let (browser, _admin, stripe) = connected(&app, "7").await;
    stripe.fail_next("/v1/products", 1, 500).await;
    let plan = create_plan(&browser, &pool, "Solo", "5", &[]).await;
    let (status, error): (String, Option<String>) = sqlx::query_as("select sync_status, sync_error from billing_plans")
        .fetch_one(&pool)
        .await
        .expect("plan");
    assert_eq!(status, "failed");
    assert!(error.unwrap_or_default().contains("500"));
    let synced = call_ok(&browser, "/api/billing/plans/sync", &[("id", &plan)]).await;
    assert_eq!(synced["sync_status"], "synced");
    let products = stripe
        .requests()
        .await
        .iter()
        .filter(|r| r["path"] == "/v1/products")
        .count();
    assert_eq!(products, 2, "one failed attempt, one that worked");
}

#[sqlx::test(migrations = "../migrations")]
async fn a_customer_sees_invoices_from_stripe_and_gets_a_billing_portal_link(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let (browser, _admin, stripe) = connected(&app, "7").await;
    let plan = create_plan(&browser, &pool, "Starter", "9.99", &[]).await;
    let customer = create_owner(&browser, &pool).await;
    subscribe(&browser, &stripe, &pool, &customer, &plan).await;
    deliver_all(&stripe).await;
    process(&app).await;
    let detail = call_ok(&browser, "/api/billing/customers/get", &[("id", &customer)]).await;
    assert!(detail["customer"]["stripe_customer_id"]
        .as_str()
        .unwrap_or_default()
        .starts_with("cus_"));
    assert_eq!(detail["customer"]["owns_org"], true);
    assert_eq!(detail["subscriptions"][0]["status"], "active");
    assert_eq!(detail["invoices"]["stale_because"], Value::Null);
    assert_eq!(detail["invoices"]["items"][0]["amount_paid"], 999);
    assert_eq!(detail["invoices"]["items"][0]["status"], "paid");

    let again = browser
        .call(
            "/api/billing/checkout",
            &[("customer", &customer), ("price", &monthly_price(&pool, &plan).await)],
        )
        .await;
    let again: Value = again.json().await.expect("json");
    assert_eq!(
        again["kind"], "conflict",
        "a subscribed customer changes plans in the portal"
    );

    let portal = call_ok(&browser, "/api/billing/portal", &[("customer", &customer)]).await;
    let portal = portal.as_str().expect("url");
    assert!(
        portal.starts_with(&format!("{}/billing_portal/", stripe.base)),
        "{portal}"
    );
    let return_url = stripe
        .requests()
        .await
        .into_iter()
        .rev()
        .find(|r| r["path"] == "/v1/billing_portal/sessions")
        .expect("a portal session request")["params"]["return_url"]
        .clone();
    assert_eq!(return_url, format!("{}/billing/customers/{customer}", app.address));
    let audited: i64 = sqlx::query_scalar("select count(*) from audit_log where action = 'billing.portal.opened'")
        .fetch_one(&pool)
        .await
        .expect("audit");
    assert_eq!(audited, 1);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_plan_limit_stops_the_next_service_and_says_how_to_upgrade(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let (browser, _admin, stripe) = connected(&app, "7").await;
    let (status, _) = register_service(&browser, "Before billing").await;
    assert_eq!(status, 200, "an organisation nobody owns is not limited");

    let plan = create_plan(&browser, &pool, "Tiny", "3", &[("form[limit_services]", "2")]).await;
    let customer = create_owner(&browser, &pool).await;
    let (status, refused) = register_service(&browser, "No plan yet").await;
    assert_ne!(status, 200);
    assert_eq!(refused["kind"], "plan_limit", "{refused}");

    subscribe(&browser, &stripe, &pool, &customer, &plan).await;
    deliver_all(&stripe).await;
    process(&app).await;
    let (status, _) = register_service(&browser, "Second").await;
    assert_eq!(status, 200, "one of two places was free");
    let (status, refused) = register_service(&browser, "Third").await;
    assert_ne!(status, 200);
    assert_eq!(refused["kind"], "plan_limit");
    assert_eq!(
        refused["message"],
        "The Tiny plan allows 2 services; 2 in use. Upgrade the plan to add more"
    );
    let services: i64 = sqlx::query_scalar("select count(*) from services")
        .fetch_one(&pool)
        .await
        .expect("count");
    assert_eq!(services, 2, "the refused service was not stored");
}

#[sqlx::test(migrations = "../migrations")]
async fn containers_count_replicas_of_running_environments(pool: PgPool) {
    use app::billing::server::standing::{ensure_room, Resource};
    let app = spawn_app(pool.clone()).await;
    let (browser, _admin, stripe) = connected(&app, "7").await;
    let plan = create_plan(&browser, &pool, "Pods", "3", &[("form[limit_containers]", "3")]).await;
    let customer = create_owner(&browser, &pool).await;
    subscribe(&browser, &stripe, &pool, &customer, &plan).await;
    deliver_all(&stripe).await;
    process(&app).await;
    register_service(&browser, "api").await;
    register_service(&browser, "web").await;
    let envs: Vec<uuid::Uuid> = sqlx::query_scalar("select id from service_environments order by id")
        .fetch_all(&pool)
        .await
        .expect("environments");
    sqlx::query("update service_environments set status = 'running', replicas = 2 where id = $1")
        .bind(envs[0])
        .execute(&pool)
        .await
        .expect("one running with 2 containers");
    let mut conn = pool.acquire().await.expect("conn");
    let one_more = Resource::Containers {
        adding: 1,
        environment: envs[1],
    };
    assert!(ensure_room(&mut conn, one_more).await.is_ok(), "2 + 1 fits in 3");
    let two_more = Resource::Containers {
        adding: 2,
        environment: envs[1],
    };
    assert!(matches!(
        ensure_room(&mut conn, two_more).await,
        Err(app::error::AppError::PlanLimit { .. })
    ));
    let redeploy = Resource::Containers {
        adding: 3,
        environment: envs[0],
    };
    assert!(
        ensure_room(&mut conn, redeploy).await.is_ok(),
        "a redeploy does not count its own containers twice"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn a_past_due_plan_keeps_working_through_the_grace_period_then_blocks_creations(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let (browser, _admin, stripe) = connected(&app, "3").await;
    let plan = create_plan(&browser, &pool, "Starter", "12", &[]).await;
    let customer = create_owner(&browser, &pool).await;
    subscribe(&browser, &stripe, &pool, &customer, &plan).await;
    deliver_all(&stripe).await;
    process(&app).await;
    assert_eq!(
        call_ok(&browser, "/api/billing/banner", &[]).await,
        Value::Null,
        "no banner while paid"
    );

    let subscription: String = sqlx::query_scalar("select stripe_subscription_id from billing_subscriptions")
        .fetch_one(&pool)
        .await
        .expect("subscription");
    for id in stripe.set_subscription_status(&subscription, "past_due").await {
        stripe.deliver(&id).await;
    }
    process(&app).await;
    let banner = call_ok(&browser, "/api/billing/banner", &[]).await;
    assert_eq!(banner["blocked"], false);
    assert_eq!(banner["customer_id"], customer.as_str());
    assert_eq!(register_service(&browser, "During grace").await.0, 200);

    sqlx::query("update billing_subscriptions set past_due_since = now() - interval '3 days 1 minute'")
        .execute(&pool)
        .await
        .expect("age");
    let banner = call_ok(&browser, "/api/billing/banner", &[]).await;
    assert_eq!(banner["blocked"], true);
    let (status, refused) = register_service(&browser, "After grace").await;
    assert_ne!(status, 200);
    assert_eq!(refused["kind"], "plan_limit");
    assert!(refused["message"]
        .as_str()
        .unwrap_or_default()
        .contains("running services keep running"));
    let kept: Option<chrono::DateTime<chrono::Utc>> =
        sqlx::query_scalar("select archived_at from services where name = 'During grace'")
            .fetch_one(&pool)
            .await
            .expect("service");
    assert_eq!(kept, None, "nothing running is touched");

    for id in stripe.set_subscription_status(&subscription, "active").await {
        stripe.deliver(&id).await;
    }
    process(&app).await;
    assert_eq!(call_ok(&browser, "/api/billing/banner", &[]).await, Value::Null);
    assert_eq!(register_service(&browser, "Paid again").await.0, 200);
}

#[sqlx::test(migrations = "../migrations")]
async fn the_wizard_is_limited_too_and_keeps_the_draft_when_refused(pool: PgPool) {
    app::templates::server::builtin::sync(&pool)
        .await
        .expect("built-in templates");
    let app = spawn_app(pool.clone()).await;
    let (browser, _admin, stripe) = connected(&app, "7").await;
    let plan = create_plan(&browser, &pool, "None", "1", &[("form[limit_services]", "0")]).await;
    let customer = create_owner(&browser, &pool).await;
    subscribe(&browser, &stripe, &pool, &customer, &plan).await;
    deliver_all(&stripe).await;
    process(&app).await;
    let draft = common::wizard::start(&browser, "postgres").await;
    common::wizard::answer_billing_db(&browser, &draft).await;
    common::wizard::naming(&browser, &draft, "Billing DB", "billing-db").await;
    let refused: Value = browser
        .call("/api/wizard/create", &[("id", &draft)])
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(refused["kind"], "plan_limit", "{refused}");
    let (services, drafts): (i64, i64) =
        sqlx::query_as("select (select count(*) from services), (select count(*) from wizard_drafts)")
            .fetch_one(&pool)
            .await
            .expect("counts");
    assert_eq!(
        (services, drafts),
        (0, 1),
        "nothing created, the draft kept for after the upgrade"
    );
}

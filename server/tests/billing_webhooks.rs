//! The Stripe webhook: signatures made by the official library, the inbox (duplicates ignored),
//! convergence whatever order events arrive in, and retries with back-off and replay.

mod common;

use common::billing::{
    call_ok, connected, create_owner, create_plan, deliver_all, process, stored_status, subscribe, SIGNING_KEY,
};
use common::{spawn_app, step_up};
use sqlx::PgPool;

async fn post_webhook(app: &common::TestApp, payload: &str, header: Option<&str>) -> u16 {
    let mut request = reqwest::Client::new()
        .post(format!("{}/webhooks/stripe", app.address))
        .header("content-type", "application/json")
        .body(payload.to_owned());
    if let Some(header) = header {
        request = request.header("stripe-signature", header);
    }
    request.send().await.expect("webhook answers").status().as_u16()
}

fn event(id: &str) -> String {
    format!(
        r#"{{"id":"{id}","object":"event","type":"product.created","created":{},"livemode":false,"data":{{"object":{{"id":"prod_x","object":"product"}}}}}}"#,
        chrono::Utc::now().timestamp()
    )
}

#[sqlx::test(migrations = "../migrations")]
async fn signatures_from_the_official_library_pass_and_tampered_old_or_unsigned_ones_do_not(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let (_browser, _admin, stripe) = connected(&app, "7").await;
    let payload = event("evt_sig_1");
    let header = stripe.sign(&payload, &[SIGNING_KEY], None).await;
    assert_eq!(post_webhook(&app, &payload, Some(&header)).await, 200);

    let tampered = payload.replace("prod_x", "prod_y");
    assert_eq!(
        post_webhook(&app, &tampered, Some(&header)).await,
        400,
        "a changed body fails"
    );
    let old = chrono::Utc::now().timestamp() - 301;
    let expired = stripe.sign(&payload, &[SIGNING_KEY], Some(old)).await;
    assert_eq!(
        post_webhook(&app, &payload, Some(&expired)).await,
        400,
        "older than 300 s fails"
    );
    assert_eq!(post_webhook(&app, &payload, None).await, 400, "no header fails");
    let other = stripe.sign(&payload, &["whsec_someone_else"], None).await;
    assert_eq!(
        post_webhook(&app, &payload, Some(&other)).await,
        400,
        "another secret fails"
    );

    let second = event("evt_sig_2");
    let several = stripe.sign(&second, &["whsec_someone_else", SIGNING_KEY], None).await;
    assert_eq!(several.matches("v1=").count(), 2);
    assert_eq!(
        post_webhook(&app, &second, Some(&several)).await,
        200,
        "one matching v1 of several passes"
    );

    let stored: Vec<String> = sqlx::query_scalar("select id from stripe_events order by id")
        .fetch_all(&pool)
        .await
        .expect("events");
    assert_eq!(stored, ["evt_sig_1", "evt_sig_2"], "refused deliveries store nothing");
}

#[sqlx::test(migrations = "../migrations")]
async fn after_the_signing_secret_changes_the_old_one_works_for_a_day_only(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let (browser, admin, stripe) = connected(&app, "7").await;
    step_up(&browser, &pool, &admin.key).await;
    let new_key = "whsec_gantry_rolled_secret_2";
    common::remember_secrets([new_key]);
    call_ok(
        &browser,
        "/api/billing/settings/save",
        &[
            ("form[api_base]", &stripe.base),
            ("form[grace_days]", "7"),
            ("form[signing_key]", new_key),
        ],
    )
    .await;
    let payload = event("evt_roll_1");
    let signed_old = stripe.sign(&payload, &[SIGNING_KEY], None).await;
    assert_eq!(
        post_webhook(&app, &payload, Some(&signed_old)).await,
        200,
        "the old secret still works"
    );
    sqlx::query(
        "update secrets set value_changed_at = now() - interval '25 hours' where name = 'GANTRY_STRIPE_WEBHOOK_SECRET'",
    )
    .execute(&pool)
    .await
    .expect("age the change");
    let payload = event("evt_roll_2");
    let signed_old = stripe.sign(&payload, &[SIGNING_KEY], None).await;
    assert_eq!(
        post_webhook(&app, &payload, Some(&signed_old)).await,
        400,
        "a day later it does not"
    );
    let signed_new = stripe.sign(&payload, &[new_key], None).await;
    assert_eq!(post_webhook(&app, &payload, Some(&signed_new)).await, 200);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_paid_checkout_becomes_an_active_subscription_and_repeated_deliveries_change_nothing(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let (browser, _admin, stripe) = connected(&app, "7").await;
    let plan = create_plan(&browser, &pool, "Starter", "12.00", &[]).await;
    let customer = create_owner(&browser, &pool).await;
    let session = subscribe(&browser, &stripe, &pool, &customer, &plan).await;

    let before = call_ok(&browser, "/api/billing/checkout/state", &[("session", &session)]).await;
    assert_eq!(before["status"], "open", "the redirect alone proves nothing");

    let delivered = deliver_all(&stripe).await;
    let types: Vec<String> = stripe
        .events()
        .await
        .iter()
        .map(|e| e["type"].as_str().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(
        types,
        [
            "checkout.session.completed",
            "customer.subscription.created",
            "invoice.paid"
        ]
    );
    for id in &delivered {
        assert_eq!(stripe.deliver(id).await, 200, "a repeated delivery is accepted");
    }
    assert_eq!(process(&app).await, 3, "each event is processed once");
    assert_eq!(process(&app).await, 0);

    let deliveries: Vec<i32> = sqlx::query_scalar("select deliveries from stripe_events order by stripe_created, id")
        .fetch_all(&pool)
        .await
        .expect("deliveries");
    assert_eq!(deliveries, [2, 2, 2]);
    assert_eq!(stored_status(&pool).await, "active");
    let after = call_ok(&browser, "/api/billing/checkout/state", &[("session", &session)]).await;
    assert_eq!(after["status"], "complete");
    assert_eq!(after["subscription"]["status"], "active");
    assert_eq!(after["plan"], "Starter");
    let created: i64 =
        sqlx::query_scalar("select count(*) from audit_log where action = 'billing.subscription.created'")
            .fetch_one(&pool)
            .await
            .expect("audit");
    assert_eq!(
        created, 1,
        "one audit entry for one subscription, whatever the deliveries"
    );
    let paid: String = sqlx::query_scalar("select status from billing_invoices")
        .fetch_one(&pool)
        .await
        .expect("the invoice copy");
    assert_eq!(paid, "paid");
}

#[sqlx::test(migrations = "../migrations")]
async fn events_delivered_in_reverse_or_shuffled_order_converge_to_stripes_state(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let (browser, _admin, stripe) = connected(&app, "7").await;
    let plan = create_plan(&browser, &pool, "Starter", "12.00", &[]).await;
    let customer = create_owner(&browser, &pool).await;
    subscribe(&browser, &stripe, &pool, &customer, &plan).await;
    let subscription = stripe.events().await[1]["data"]["object"]["id"]
        .as_str()
        .expect("sub id")
        .to_owned();
    stripe.set_subscription_status(&subscription, "past_due").await;
    stripe.set_subscription_status(&subscription, "canceled").await;

    let mut ids: Vec<String> = stripe
        .events()
        .await
        .iter()
        .map(|e| e["id"].as_str().unwrap_or_default().to_owned())
        .collect();
    ids.reverse();
    for id in &ids {
        assert_eq!(stripe.deliver(id).await, 200);
        process(&app).await;
    }
    assert_eq!(
        stored_status(&pool).await,
        "canceled",
        "the deleted event first, the created one last: still canceled"
    );

    let interleaved = [
        ids[3].clone(),
        ids[0].clone(),
        ids[3].clone(),
        ids[5].clone(),
        ids[1].clone(),
    ];
    for id in &interleaved {
        stripe.deliver(id).await;
    }
    process(&app).await;
    assert_eq!(stored_status(&pool).await, "canceled");
    let unprocessed: i64 =
        sqlx::query_scalar("select count(*) from stripe_events where status not in ('processed', 'ignored')")
            .fetch_one(&pool)
            .await
            .expect("count");
    assert_eq!(unprocessed, 0);
    let past_due_since: Option<chrono::DateTime<chrono::Utc>> =
        sqlx::query_scalar("select past_due_since from billing_subscriptions")
            .fetch_one(&pool)
            .await
            .expect("row");
    assert_eq!(past_due_since, None, "a canceled subscription is not past due");
}

#[sqlx::test(migrations = "../migrations")]
async fn a_recovered_payment_wins_over_a_late_failure_event(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let (browser, _admin, stripe) = connected(&app, "7").await;
    let plan = create_plan(&browser, &pool, "Starter", "12.00", &[]).await;
    let customer = create_owner(&browser, &pool).await;
    subscribe(&browser, &stripe, &pool, &customer, &plan).await;
    deliver_all(&stripe).await;
    process(&app).await;
    let subscription = stripe.events().await[1]["data"]["object"]["id"]
        .as_str()
        .expect("sub id")
        .to_owned();
    let failed = stripe.set_subscription_status(&subscription, "past_due").await;
    let recovered = stripe.set_subscription_status(&subscription, "active").await;
    for id in recovered.iter().chain(failed.iter()) {
        stripe.deliver(id).await;
    }
    process(&app).await;
    assert_eq!(
        stored_status(&pool).await,
        "active",
        "Stripe says active now, so Gantry does"
    );
    let invoices: Vec<String> =
        sqlx::query_scalar("select status from billing_invoices order by stripe_created, stripe_invoice_id")
            .fetch_all(&pool)
            .await
            .expect("invoices");
    assert!(
        invoices.iter().all(|s| s == "paid"),
        "the failed invoice was paid later: {invoices:?}"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn failed_processing_is_retried_with_back_off_then_given_up_and_replayed(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let (browser, _admin, stripe) = connected(&app, "7").await;
    let plan = create_plan(&browser, &pool, "Starter", "12.00", &[]).await;
    let customer = create_owner(&browser, &pool).await;
    subscribe(&browser, &stripe, &pool, &customer, &plan).await;
    let created = stripe.events().await[1]["id"].as_str().expect("id").to_owned();
    assert_eq!(stripe.deliver(&created).await, 200);
    stripe.fail_next("/v1/subscriptions", 100, 500).await;

    process(&app).await;
    let (status, attempts, wait, error): (String, i32, f64, Option<String>) = sqlx::query_as(
        "select status, attempts, extract(epoch from next_attempt_at - now())::float8, last_error from stripe_events where id = $1",
    )
    .bind(&created)
    .fetch_one(&pool)
    .await
    .expect("event");
    assert_eq!((status.as_str(), attempts), ("pending", 1));
    assert!((5.0..=10.5).contains(&wait), "first retry in about 10 s, got {wait}");
    assert!(error.unwrap_or_default().contains("500"), "the reason is kept");
    assert_eq!(process(&app).await, 0, "not due before its time");

    for _ in 1..app::billing::server::worker::MAX_ATTEMPTS {
        sqlx::query("update stripe_events set next_attempt_at = now() where id = $1")
            .bind(&created)
            .execute(&pool)
            .await
            .expect("make due");
        process(&app).await;
    }
    let (status, attempts): (String, i32) = sqlx::query_as("select status, attempts from stripe_events where id = $1")
        .bind(&created)
        .fetch_one(&pool)
        .await
        .expect("event");
    assert_eq!(
        (status.as_str(), attempts),
        ("failed", app::billing::server::worker::MAX_ATTEMPTS)
    );
    let subscriptions: i64 = sqlx::query_scalar("select count(*) from billing_subscriptions")
        .fetch_one(&pool)
        .await
        .expect("count");
    assert_eq!(subscriptions, 0, "failed attempts leave no partial state");

    let listed = call_ok(&browser, "/api/billing/events", &[("filter[status]", "failed")]).await;
    assert_eq!(listed["failed"], 1);
    assert_eq!(listed["events"][0]["id"], created.as_str());

    stripe.fail_next("/v1/subscriptions", 0, 500).await;
    let replayed = call_ok(&browser, "/api/billing/events/replay", &[("id", &created)]).await;
    assert_eq!(replayed, "processed");
    assert_eq!(stored_status(&pool).await, "active");
}

#[sqlx::test(migrations = "../migrations")]
async fn when_no_webhook_arrives_refreshing_the_customer_reads_the_state_from_stripe(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let (browser, _admin, stripe) = connected(&app, "7").await;
    let plan = create_plan(&browser, &pool, "Starter", "12.00", &[]).await;
    let customer = create_owner(&browser, &pool).await;
    let session = subscribe(&browser, &stripe, &pool, &customer, &plan).await;
    let subscription = stripe.events().await[1]["data"]["object"]["id"]
        .as_str()
        .expect("sub id")
        .to_owned();
    stripe.set_subscription_status(&subscription, "past_due").await;

    let before = call_ok(&browser, "/api/billing/checkout/state", &[("session", &session)]).await;
    assert_eq!(before["status"], "open", "no event was delivered");
    call_ok(&browser, "/api/billing/customers/refresh", &[("id", &customer)]).await;
    assert_eq!(
        stored_status(&pool).await,
        "past_due",
        "what Stripe says now, read directly"
    );
    let after = call_ok(&browser, "/api/billing/checkout/state", &[("session", &session)]).await;
    assert_eq!(after["status"], "complete");
    assert_eq!(after["subscription"]["status"], "past_due");
    let events: i64 = sqlx::query_scalar("select count(*) from stripe_events")
        .fetch_one(&pool)
        .await
        .expect("count");
    assert_eq!(events, 0);
    let audited: i64 = sqlx::query_scalar("select count(*) from audit_log where action = 'billing.customer.refreshed'")
        .fetch_one(&pool)
        .await
        .expect("audit");
    assert_eq!(audited, 1);
}

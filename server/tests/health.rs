//! `/healthz`, `/readyz` and the request id.

mod common;

use common::spawn_app;
use sqlx::{postgres::PgPoolOptions, PgPool};

#[sqlx::test(migrations = "../migrations")]
async fn healthz_and_readyz_are_ok_with_a_reachable_database(pool: PgPool) {
    let app = spawn_app(pool).await;
    let health = app.get("/healthz").await;
    assert_eq!(health.status(), 200);
    assert_eq!(health.json::<serde_json::Value>().await.unwrap()["status"], "ok");
    let ready = app.get("/readyz").await;
    assert_eq!(ready.status(), 200);
    assert_eq!(ready.json::<serde_json::Value>().await.unwrap()["database"], "ok");
}

#[sqlx::test(migrations = "../migrations")]
async fn readyz_fails_while_the_database_is_unreachable(reachable: PgPool) {
    // The keys are opened on a real database at start-up; the server then loses its database.
    let security = common::test_security(&reachable).await;
    // Port 1 on loopback: nothing listens, connections are refused at once.
    let pool = PgPoolOptions::new()
        .acquire_timeout(std::time::Duration::from_secs(1))
        .connect_lazy("postgres://postgres@127.0.0.1:1/gantry")
        .unwrap();
    let app = common::serve(pool, security, false).await;
    let ready = app.get("/readyz").await;
    assert_eq!(ready.status(), 503);
    assert_eq!(
        ready.json::<serde_json::Value>().await.unwrap()["status"],
        "unavailable"
    );
    assert_eq!(
        app.get("/healthz").await.status(),
        200,
        "liveness does not depend on the database"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn every_response_carries_a_request_id_and_keeps_a_given_one(pool: PgPool) {
    let app = spawn_app(pool).await;
    let first = app.get("/healthz").await.headers()["x-request-id"]
        .to_str()
        .unwrap()
        .to_owned();
    let second = app.get("/healthz").await.headers()["x-request-id"]
        .to_str()
        .unwrap()
        .to_owned();
    assert_eq!(first.len(), 36, "a UUID");
    assert_ne!(first, second);
    let given = app
        .client
        .get(format!("{}/healthz", app.address))
        .header("x-request-id", "trace-me-123")
        .send()
        .await
        .unwrap();
    assert_eq!(given.headers()["x-request-id"], "trace-me-123");
}

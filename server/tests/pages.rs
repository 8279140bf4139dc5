//! The panel's pages as the server renders them, against a real per-test database.

mod common;

use common::{setup_admin, spawn_app};
use sqlx::PgPool;

#[sqlx::test(migrations = "../migrations")]
async fn dashboard_renders_counts_read_from_the_database(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let (app, _) = setup_admin(&app).await;

    let empty = app.get("/").await;
    assert_eq!(empty.status(), 200);
    let html = empty.text().await.unwrap();
    assert!(html.contains("<h1"), "dashboard has a heading");
    assert!(html.contains(">Dashboard</h1>"));
    assert!(html.contains(r#"data-testid="stat-services" class="mt-2 text-3xl font-semibold tabular-nums">0<"#));
    assert!(html.contains("No services yet"));

    for (slug, status) in [("web", "running"), ("api", "failed"), ("jobs", "draft")] {
        sqlx::query("insert into services (id, org_id, slug, name, status) values (gen_random_uuid(), '00000000-0000-0000-0000-000000000001', $1, $1, $2)")
            .bind(slug)
            .bind(status)
            .execute(&pool)
            .await
            .unwrap();
    }
    let html = app.get("/").await.text().await.unwrap();
    assert!(html.contains(r#"data-testid="stat-services" class="mt-2 text-3xl font-semibold tabular-nums">3<"#));
    assert!(html.contains(r#"data-testid="stat-running" class="mt-2 text-3xl font-semibold tabular-nums">1<"#));
    assert!(html.contains(r#"data-testid="stat-attention" class="mt-2 text-3xl font-semibold tabular-nums">1<"#));
    assert!(!html.contains("No services yet"));
}

#[sqlx::test(migrations = "../migrations")]
async fn every_module_has_a_page_linked_from_the_navigation(pool: PgPool) {
    let app = spawn_app(pool).await;
    let (app, _) = setup_admin(&app).await;
    let html = app.get("/").await.text().await.unwrap();
    for (label, path) in [
        ("Services", "/services"),
        ("Templates", "/templates"),
        ("Containers", "/containers"),
        ("Secrets", "/secrets"),
        ("Integrations", "/integrations"),
        ("Monitoring", "/monitoring"),
        ("Billing", "/billing"),
        ("Settings", "/settings"),
    ] {
        assert!(
            html.contains(&format!(r#"href="{path}""#)),
            "navigation links to {path}"
        );
        let page = app.get(path).await;
        assert_eq!(page.status(), 200, "{path} answers");
        let body = page.text().await.unwrap();
        assert!(body.contains(&format!(">{label}</h1>")), "{path} is titled {label}");
        let built = ["/secrets", "/templates", "/services", "/containers", "/billing"].contains(&path);
        assert_eq!(
            body.contains("Coming soon"),
            !built,
            "{path} says honestly whether it is built yet"
        );
        assert!(
            body.contains(&format!(r#"<a href="{path}" aria-current="page""#)),
            "{path} is marked as the current page in the navigation"
        );
        assert_eq!(
            body.matches(r#"aria-current="page""#).count(),
            1,
            "only one current page"
        );
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn unknown_pages_answer_404_with_a_page_for_people(pool: PgPool) {
    let app = spawn_app(pool).await;
    let (app, _) = setup_admin(&app).await;
    let response = app.get("/no/such/page").await;
    assert_eq!(response.status(), 404);
    let body = response.text().await.unwrap();
    assert!(body.contains("Page not found"));
    assert!(
        body.contains(r#"nav aria-label="Main""#),
        "the 404 page keeps the navigation"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn pages_are_compressed_when_the_browser_accepts_it(pool: PgPool) {
    let app = spawn_app(pool).await;
    let (browser, _) = setup_admin(&app).await;
    let response = browser
        .client
        .get(format!("{}/", app.address))
        .header("accept-encoding", "br")
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["content-encoding"], "br");
}

#[sqlx::test(migrations = "../migrations")]
async fn dashboard_server_function_answers_json(pool: PgPool) {
    let app = spawn_app(pool).await;
    let anonymous = app
        .client
        .post(format!("{}/api/dashboard", app.address))
        .header("origin", &app.address)
        .send()
        .await
        .unwrap();
    assert_eq!(
        anonymous.json::<serde_json::Value>().await.unwrap()["kind"],
        "unauthorized"
    );
    let (browser, _) = setup_admin(&app).await;
    let response = browser.call("/api/dashboard", &[]).await;
    assert_eq!(response.status(), 200);
    let json: serde_json::Value = response.json().await.unwrap();
    assert_eq!(json["services"]["total"], 0);
    assert!(json["system"]["migrations_applied"].as_i64().unwrap() >= 2);
}

//! The service registry through the real router and PostgreSQL: register, list with filters,
//! sort and paging, optimistic locking, validation, archive and delete rules, and the list
//! query's plan at 1,000 services.

mod common;

use app::audit::server::DEFAULT_ORG_ID;
use app::services::server::repo::{list_query, ListQuery};
use common::{expire_step_up, setup_admin, spawn_app, step_up, Browser};
use serde_json::Value;
use sqlx::PgPool;

async fn register(browser: &Browser, name: &str, tags: &str, environments: &str) -> reqwest::Response {
    browser
        .call(
            "/api/services/create",
            &[
                ("form[name]", name),
                ("form[tags]", tags),
                ("form[environments]", environments),
                ("form[owner]", "Team Rocket"),
                ("form[port]", "8080"),
            ],
        )
        .await
}

async fn list(browser: &Browser, query: &[(&str, &str)]) -> Value {
    let form: Vec<(String, &str)> = query.iter().map(|(k, v)| (format!("filter[{k}]"), *v)).collect();
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), *v)).collect();
    let form = if form.is_empty() { vec![("filter[q]", "")] } else { form };
    browser.call("/api/services/list", &form).await.json().await.unwrap()
}

fn slugs(page: &Value) -> Vec<String> {
    page["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["slug"].as_str().unwrap().to_owned())
        .collect()
}

#[sqlx::test(migrations = "../migrations")]
async fn registered_services_are_listed_filtered_sorted_and_paged(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let (browser, _) = setup_admin(&app).await;
    let created = register(&browser, "Billing API", "payments, eu", "production, staging").await;
    assert_eq!(created.json::<String>().await.unwrap(), "/services/billing-api");
    register(&browser, "Web shop", "shop", "production").await;
    register(&browser, "Analytics worker", "", "development").await;

    assert_eq!(
        slugs(&list(&browser, &[]).await),
        vec!["analytics-worker", "billing-api", "web-shop"]
    );
    assert_eq!(
        slugs(&list(&browser, &[("sort", "-name")]).await),
        vec!["web-shop", "billing-api", "analytics-worker"]
    );
    assert_eq!(
        slugs(&list(&browser, &[("tag", "payments")]).await),
        vec!["billing-api"]
    );
    assert_eq!(
        slugs(&list(&browser, &[("environment", "staging")]).await),
        vec!["billing-api"]
    );
    assert_eq!(slugs(&list(&browser, &[("q", "SHOP")]).await), vec!["web-shop"]);
    assert_eq!(
        slugs(&list(&browser, &[("status", "running")]).await),
        Vec::<String>::new()
    );
    let bad = list(&browser, &[("status", "sleeping")]).await;
    assert_eq!(bad["kind"], "invalid");

    for n in 0..30 {
        register(&browser, &format!("Service {n:02}"), "bulk", "production").await;
    }
    let first = list(&browser, &[("tag", "bulk")]).await;
    assert_eq!(first["total"], 30);
    assert_eq!(first["rows"].as_array().unwrap().len(), 25);
    assert_eq!(first["has_more"], true);
    let second = list(&browser, &[("tag", "bulk"), ("page", "2")]).await;
    assert_eq!(slugs(&second).len(), 5);
    assert_eq!(second["has_more"], false);

    let page = browser.get("/services?tag=payments").await.text().await.unwrap();
    assert!(
        page.contains("Billing API") && !page.contains("Web shop"),
        "the page filters like the API"
    );
    let detail = browser
        .get("/services/billing-api?tab=environments")
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(detail.matches(r#"data-testid="environment-card""#).count(), 2);
}

#[sqlx::test(migrations = "../migrations")]
async fn bad_input_and_taken_slugs_are_field_errors_and_create_nothing(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let (browser, _) = setup_admin(&app).await;
    let bad: Value = browser
        .call(
            "/api/services/create",
            &[
                ("form[name]", ""),
                ("form[slug]", "Bad Slug"),
                ("form[environments]", "Prod"),
                ("form[port]", "99999"),
            ],
        )
        .await
        .json()
        .await
        .unwrap();
    let fields: Vec<&str> = bad["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, vec!["name", "slug", "environments", "port"]);
    register(&browser, "Billing API", "", "").await;
    let taken: Value = register(&browser, "Billing API", "", "").await.json().await.unwrap();
    assert_eq!(taken["fields"][0]["field"], "slug");
    let count: i64 = sqlx::query_scalar("select count(*) from services")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(count, 1);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_stale_edit_is_a_conflict_and_never_overwrites(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let (browser, _) = setup_admin(&app).await;
    register(&browser, "Billing API", "", "production").await;
    let detail: Value = browser
        .call("/api/services/get", &[("slug", "billing-api")])
        .await
        .json()
        .await
        .unwrap();
    let (id, version) = (
        detail["row"]["id"].as_str().unwrap().to_owned(),
        detail["version"].as_i64().unwrap().to_string(),
    );
    let edit = |name: &'static str| {
        let (id, version) = (id.clone(), version.clone());
        let browser = &browser;
        async move {
            browser
                .call(
                    "/api/services/update",
                    &[
                        ("form[id]", id.as_str()),
                        ("form[version]", version.as_str()),
                        ("form[name]", name),
                        ("form[links]", "Runbook https://wiki.example.com/billing"),
                    ],
                )
                .await
        }
    };
    assert_eq!(edit("Billing API v2").await.status(), 200);
    let stale: Value = edit("Billing API (stale)").await.json().await.unwrap();
    assert_eq!(stale["kind"], "conflict");
    assert!(stale["message"]
        .as_str()
        .unwrap()
        .contains("Someone changed this service"));
    let name: String = sqlx::query_scalar("select name from services")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(name, "Billing API v2");

    let env = browser
        .call(
            "/api/services/environment",
            &[
                ("form[service_id]", id.as_str()),
                ("form[version]", "2"),
                ("form[environment]", "production"),
                ("form[image]", "ghcr.io/acme/billing:1.4"),
                ("form[ports]", "8080"),
                ("form[env_vars]", "RUST_LOG=info"),
                ("form[secret_refs]", "DATABASE_URL=${secret:BILLING_DB_URL}"),
                ("form[cpu_millis]", "750"),
                ("form[memory_mb]", "512"),
                ("form[replicas]", "3"),
                ("form[health_path]", "/healthz"),
            ],
        )
        .await;
    assert_eq!(env.status(), 200, "{}", env.text().await.unwrap_or_default());
    let stored: (i32, Value) = sqlx::query_as("select replicas, secret_refs from service_environments")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(stored, (3, serde_json::json!({ "DATABASE_URL": "BILLING_DB_URL" })));
}

#[sqlx::test(migrations = "../migrations")]
async fn running_services_cannot_be_archived_or_deleted_and_deleting_needs_step_up(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let (browser, admin) = setup_admin(&app).await;
    register(&browser, "Billing API", "", "production").await;
    let id: String = sqlx::query_scalar("select id::text from services")
        .fetch_one(&pool)
        .await
        .unwrap();
    sqlx::query("update service_environments set status = 'running'")
        .execute(&pool)
        .await
        .unwrap();
    let archive: Value = browser
        .call("/api/services/archive", &[("id", &id), ("archived", "true")])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(archive["kind"], "conflict");
    let delete: Value = browser
        .call("/api/services/delete", &[("id", &id), ("confirm", "billing-api")])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(delete["kind"], "conflict", "{delete}");

    sqlx::query("update service_environments set status = 'stopped'")
        .execute(&pool)
        .await
        .unwrap();
    expire_step_up(&pool).await;
    let refused: Value = browser
        .call("/api/services/delete", &[("id", &id), ("confirm", "billing-api")])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(refused["kind"], "step_up_required");
    step_up(&browser, &pool, &admin.key).await;
    let wrong: Value = browser
        .call("/api/services/delete", &[("id", &id), ("confirm", "billing")])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(wrong["fields"][0]["field"], "confirm");
    assert_eq!(
        browser
            .call("/api/services/delete", &[("id", &id), ("confirm", "billing-api")])
            .await
            .status(),
        200
    );
    let actions: Vec<String> =
        sqlx::query_scalar("select action from audit_log where object_type = 'service' order by id")
            .fetch_all(&pool)
            .await
            .unwrap();
    assert_eq!(actions, vec!["service.created", "service.deleted"]);
}

#[sqlx::test(migrations = "../migrations")]
async fn the_list_query_uses_the_name_index_at_a_thousand_services(pool: PgPool) {
    sqlx::query(
        "insert into services (id, org_id, slug, name) select gen_random_uuid(), $1, 'svc-' || n, 'Service ' || n \
         from generate_series(1, 1000) as n",
    )
    .bind(DEFAULT_ORG_ID)
    .execute(&pool)
    .await
    .unwrap();
    sqlx::query("analyze services").execute(&pool).await.unwrap();
    let query = ListQuery::default();
    let sql = list_query(&query).sql().to_owned();
    let plan: Vec<String> = sqlx::query_scalar(&format!("explain {sql}"))
        .bind(DEFAULT_ORG_ID)
        .bind(26_i64)
        .bind(0_i64)
        .fetch_all(&pool)
        .await
        .unwrap();
    let plan = plan.join("\n");
    assert!(
        plan.contains("services_org_name_idx"),
        "the first page reads the name index:\n{plan}"
    );
    assert!(
        !plan.contains("Seq Scan on services"),
        "no full scan of services:\n{plan}"
    );
}

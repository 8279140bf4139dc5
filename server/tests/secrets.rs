//! Secrets through the real router and PostgreSQL: sealing at rest, reveal with step-up and
//! audit, versions and roll back, rotation, validation, `.env` import and scope rules.

mod common;

use common::{expire_step_up, remember_secrets, setup_admin, spawn_app, step_up, Browser};
use serde_json::Value;
use sqlx::PgPool;
use uuid::Uuid;

/// Creates a secret with a typed value in `scope`; returns its id.
async fn create(browser: &Browser, name: &str, value: &str, scope: &str) -> Uuid {
    remember_secrets([value]);
    let response = browser
        .call(
            "/api/secrets/create",
            &[
                ("form[name]", name),
                ("form[scope]", scope),
                ("form[environment]", "production"),
                ("form[description]", "test secret"),
                ("form[generator]", ""),
                ("form[value]", value),
                ("form[rotation_days]", ""),
            ],
        )
        .await;
    assert_eq!(
        response.status(),
        200,
        "create: {}",
        response.text().await.unwrap_or_default()
    );
    let next: String = response.json().await.expect("the new secret's page");
    next.trim_start_matches("/secrets/").parse().expect("a secret id")
}

async fn reveal(browser: &Browser, id: Uuid, version: Option<i32>) -> reqwest::Response {
    let id = id.to_string();
    let version = version.map(|v| v.to_string());
    let mut form = vec![("id", id.as_str()), ("copy", "false"), ("reason", "test")];
    if let Some(version) = &version {
        form.push(("version", version));
    }
    browser.call("/api/secrets/reveal", &form).await
}

async fn revealed(browser: &Browser, id: Uuid, version: Option<i32>) -> String {
    let response = reveal(browser, id, version).await;
    assert_eq!(
        response.status(),
        200,
        "reveal: {}",
        response.text().await.unwrap_or_default()
    );
    response.json().await.expect("the value")
}

async fn audit_actions(pool: &PgPool, id: Uuid) -> Vec<String> {
    sqlx::query_scalar("select action from audit_log where object_type = 'secret' and object_id = $1 order by id")
        .bind(id.to_string())
        .fetch_all(pool)
        .await
        .expect("audit rows")
}

#[sqlx::test(migrations = "../migrations")]
async fn a_value_is_stored_only_as_an_envelope_and_revealed_only_after_step_up(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let (browser, admin) = setup_admin(&app).await;
    let value = "pg-password-9f3b7c1e-never-in-html";
    let id = create(&browser, "DATABASE_PASSWORD", value, "global").await;

    let sealed: Vec<u8> = sqlx::query_scalar("select sealed from secret_versions where secret_id = $1")
        .bind(id)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(sealed[0], 1, "an envelope of format 1");
    assert!(
        !sealed.windows(value.len()).any(|w| w == value.as_bytes()),
        "the value is encrypted at rest"
    );

    for page in ["/secrets", &format!("/secrets/{id}"), &format!("/secrets/{id}/edit")] {
        let html = browser.get(page).await.text().await.unwrap();
        assert!(html.contains("DATABASE_PASSWORD"), "{page} names the secret");
        assert!(!html.contains(value), "{page} never renders the value");
    }
    let list = browser
        .call("/api/secrets/list", &[("filter[q]", "")])
        .await
        .text()
        .await
        .unwrap();
    assert!(list.contains("DATABASE_PASSWORD") && !list.contains(value));

    expire_step_up(&pool).await;
    let refused = reveal(&browser, id, None).await;
    let kind: Value = refused.json().await.unwrap();
    assert_eq!(kind["kind"], "step_up_required");
    assert!(!audit_actions(&pool, id).await.contains(&"secret.read".to_owned()));

    step_up(&browser, &pool, &admin.key).await;
    assert_eq!(revealed(&browser, id, None).await, value);
    let read: Value =
        sqlx::query_scalar("select detail from audit_log where action = 'secret.read' and object_id = $1")
            .bind(id.to_string())
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(read["purpose"], "reveal");
    assert_eq!(read["version"], 1);
    assert_eq!(read["reason"], "test");
}

#[sqlx::test(migrations = "../migrations")]
async fn a_ciphertext_copied_to_another_secret_does_not_open(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let (browser, _) = setup_admin(&app).await;
    let a = create(&browser, "FIRST_KEY", "first-value-31c0", "global").await;
    let b = create(&browser, "SECOND_KEY", "second-value-77d2", "global").await;
    sqlx::query(
        "update secret_versions set sealed = (select sealed from secret_versions where secret_id = $1) where secret_id = $2",
    )
    .bind(a)
    .bind(b)
    .execute(&pool)
    .await
    .unwrap();
    let response = reveal(&browser, b, None).await;
    let error: Value = response.json().await.unwrap();
    assert_eq!(
        error["kind"], "internal",
        "the copied ciphertext fails its associated data"
    );
    assert_eq!(revealed(&browser, a, None).await, "first-value-31c0");
}

#[sqlx::test(migrations = "../migrations")]
async fn every_change_is_a_version_and_rolling_back_makes_a_new_equal_one(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let (browser, _) = setup_admin(&app).await;
    let id = create(&browser, "API_TOKEN", "token-one-aaaa", "global").await;
    remember_secrets(["token-two-bbbb"]);
    let update = browser
        .call(
            "/api/secrets/update",
            &[
                ("form[id]", &id.to_string()),
                ("form[description]", "rotated by hand"),
                ("form[rotation_days]", "30"),
                ("form[value]", "token-two-bbbb"),
            ],
        )
        .await;
    assert_eq!(update.status(), 200, "{}", update.text().await.unwrap_or_default());
    assert_eq!(revealed(&browser, id, None).await, "token-two-bbbb");
    assert_eq!(revealed(&browser, id, Some(1)).await, "token-one-aaaa");

    let rollback = browser
        .call("/api/secrets/rollback", &[("id", &id.to_string()), ("version", "1")])
        .await;
    assert_eq!(rollback.json::<i32>().await.unwrap(), 3);
    assert_eq!(revealed(&browser, id, None).await, "token-one-aaaa");

    let origins: Vec<(i32, String, Option<i32>)> = sqlx::query_as(
        "select version, origin, rolled_back_from from secret_versions where secret_id = $1 order by version",
    )
    .bind(id)
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(
        origins,
        vec![
            (1, "created".to_owned(), None),
            (2, "updated".to_owned(), None),
            (3, "rolled_back".to_owned(), Some(1))
        ]
    );
    let actions = audit_actions(&pool, id).await;
    for action in ["secret.created", "secret.updated", "secret.rolled_back", "secret.read"] {
        assert!(actions.contains(&action.to_owned()), "{action} in {actions:?}");
    }
    let events: i64 =
        sqlx::query_scalar("select count(*) from events where topic = 'secret.value_changed' and subject_id = $1")
            .bind(id.to_string())
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(events, 3, "each new value emits an event");

    let current = browser
        .call("/api/secrets/rollback", &[("id", &id.to_string()), ("version", "3")])
        .await;
    assert_eq!(current.json::<Value>().await.unwrap()["kind"], "conflict");
}

#[sqlx::test(migrations = "../migrations")]
async fn only_the_configured_number_of_versions_is_kept(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let (browser, _) = setup_admin(&app).await;
    let id = create(&browser, "CHURNING", "value-0", "global").await;
    for n in 1..=11 {
        let value = format!("value-{n}");
        let response = browser
            .call(
                "/api/secrets/update",
                &[("form[id]", &id.to_string()), ("form[value]", &value)],
            )
            .await;
        assert_eq!(response.status(), 200);
    }
    let (count, oldest): (i64, i32) =
        sqlx::query_as("select count(*), min(version) from secret_versions where secret_id = $1")
            .bind(id)
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!((count, oldest), (10, 3), "12 versions made, the newest 10 kept");
    assert_eq!(revealed(&browser, id, None).await, "value-11");
}

#[sqlx::test(migrations = "../migrations")]
async fn a_generated_secret_rotates_to_a_new_value_and_a_typed_one_cannot(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let (browser, _) = setup_admin(&app).await;
    let created = browser
        .call(
            "/api/secrets/create",
            &[
                ("form[name]", "SESSION_KEY"),
                ("form[scope]", "global"),
                ("form[generator]", "hex64"),
                ("form[rotation_days]", "90"),
            ],
        )
        .await;
    let next: String = created.json().await.unwrap();
    let id: Uuid = next.trim_start_matches("/secrets/").parse().unwrap();
    let first = revealed(&browser, id, None).await;
    remember_secrets([first.as_str()]);
    assert_eq!(first.len(), 64);
    assert!(first.bytes().all(|b| b.is_ascii_hexdigit()));

    let rotated = browser.call("/api/secrets/rotate", &[("id", &id.to_string())]).await;
    assert_eq!(rotated.json::<i32>().await.unwrap(), 2);
    let second = revealed(&browser, id, None).await;
    remember_secrets([second.as_str()]);
    assert_eq!(second.len(), 64);
    assert_ne!(first, second);
    assert!(audit_actions(&pool, id).await.contains(&"secret.rotated".to_owned()));

    let typed = create(&browser, "TYPED_KEY", "typed-value-5e5e", "global").await;
    let refused = browser.call("/api/secrets/rotate", &[("id", &typed.to_string())]).await;
    assert_eq!(refused.json::<Value>().await.unwrap()["kind"], "conflict");
}

#[sqlx::test(migrations = "../migrations")]
async fn bad_input_names_each_field_and_stores_nothing(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let (browser, _) = setup_admin(&app).await;
    let response = browser
        .call(
            "/api/secrets/create",
            &[
                ("form[name]", "database_url"),
                ("form[scope]", "global"),
                ("form[generator]", ""),
                ("form[value]", ""),
                ("form[rotation_days]", "0"),
            ],
        )
        .await;
    let error: Value = response.json().await.unwrap();
    assert_eq!(error["kind"], "invalid");
    let fields: Vec<&str> = error["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, vec!["name", "rotation_days", "value"]);
    let too_big = "x".repeat(64 * 1024 + 1);
    let response = browser
        .call(
            "/api/secrets/create",
            &[
                ("form[name]", "BIG"),
                ("form[scope]", "global"),
                ("form[value]", &too_big),
            ],
        )
        .await;
    assert_eq!(response.json::<Value>().await.unwrap()["fields"][0]["field"], "value");
    let count: i64 = sqlx::query_scalar("select count(*) from secrets")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(count, 0);

    create(&browser, "SHARED_NAME", "shared-one-1111", "global").await;
    let duplicate = browser
        .call(
            "/api/secrets/create",
            &[
                ("form[name]", "SHARED_NAME"),
                ("form[scope]", "global"),
                ("form[value]", "x"),
            ],
        )
        .await;
    let error: Value = duplicate.json().await.unwrap();
    assert_eq!(error["fields"][0]["field"], "name");
    assert!(error["fields"][0]["message"]
        .as_str()
        .unwrap()
        .contains("already exists"));

    let service = insert_service(&pool, "billing-api").await;
    create(&browser, "SHARED_NAME", "shared-two-2222", &service.to_string()).await;
    let count: i64 = sqlx::query_scalar("select count(*) from secrets")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(count, 2, "the same name is fine in another scope");
}

#[sqlx::test(migrations = "../migrations")]
async fn deleting_needs_step_up_and_the_name_typed(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let (browser, admin) = setup_admin(&app).await;
    let id = create(&browser, "DOOMED", "doomed-value-4040", "global").await;
    expire_step_up(&pool).await;
    let refused = browser
        .call(
            "/api/secrets/delete",
            &[("id", &id.to_string()), ("confirm_name", "DOOMED")],
        )
        .await;
    assert_eq!(refused.json::<Value>().await.unwrap()["kind"], "step_up_required");
    step_up(&browser, &pool, &admin.key).await;
    let wrong = browser
        .call(
            "/api/secrets/delete",
            &[("id", &id.to_string()), ("confirm_name", "doomed")],
        )
        .await;
    assert_eq!(
        wrong.json::<Value>().await.unwrap()["fields"][0]["field"],
        "confirm_name"
    );
    let deleted = browser
        .call(
            "/api/secrets/delete",
            &[("id", &id.to_string()), ("confirm_name", "DOOMED")],
        )
        .await;
    assert_eq!(deleted.status(), 200);
    let left: i64 = sqlx::query_scalar("select count(*) from secret_versions")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(left, 0);
    assert!(audit_actions(&pool, id).await.contains(&"secret.deleted".to_owned()));
}

#[sqlx::test(migrations = "../migrations")]
async fn an_env_import_with_a_bad_line_applies_nothing_and_a_good_one_applies_all(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let (browser, _) = setup_admin(&app).await;
    create(&browser, "EXISTING", "old-existing-value", "global").await;
    remember_secrets(["import-one-value", "import-two-value", "new-existing-value"]);
    let bad = "# comment\nIMPORT_ONE=import-one-value\nnot a line\nlower=import-two-value\n";
    let preview = browser
        .call(
            "/api/secrets/import/preview",
            &[("request[scope]", "global"), ("request[content]", bad)],
        )
        .await;
    let plan: Value = preview.json().await.unwrap();
    let lines: Vec<i64> = plan["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["line"].as_i64().unwrap())
        .collect();
    assert_eq!(lines, vec![3, 4]);
    assert!(
        !plan.to_string().contains("import-two-value"),
        "errors never quote values"
    );
    let applied = browser
        .call(
            "/api/secrets/import/apply",
            &[("request[scope]", "global"), ("request[content]", bad)],
        )
        .await;
    assert_eq!(applied.json::<Value>().await.unwrap()["kind"], "invalid");
    let count: i64 = sqlx::query_scalar("select count(*) from secrets")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(count, 1, "nothing from the bad file was applied");

    let good = "export IMPORT_ONE=import-one-value\nIMPORT_TWO=\"import-two-value\"\nEXISTING='new-existing-value'\n";
    let plan: Value = browser
        .call(
            "/api/secrets/import/preview",
            &[("request[scope]", "global"), ("request[content]", good)],
        )
        .await
        .json()
        .await
        .unwrap();
    let exists: Vec<bool> = plan["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["exists"].as_bool().unwrap())
        .collect();
    assert_eq!(exists, vec![false, false, true]);
    let applied = browser
        .call(
            "/api/secrets/import/apply",
            &[("request[scope]", "global"), ("request[content]", good)],
        )
        .await;
    assert_eq!(applied.json::<usize>().await.unwrap(), 3);
    let existing: (Uuid, i32) = sqlx::query_as("select id, current_version from secrets where name = 'EXISTING'")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(existing.1, 2);
    assert_eq!(revealed(&browser, existing.0, None).await, "new-existing-value");
}

async fn insert_service(pool: &PgPool, slug: &str) -> Uuid {
    let id = Uuid::now_v7();
    sqlx::query(
        "insert into services (id, org_id, slug, name) values ($1, '00000000-0000-0000-0000-000000000001', $2, $2)",
    )
    .bind(id)
    .bind(slug)
    .execute(pool)
    .await
    .unwrap();
    id
}

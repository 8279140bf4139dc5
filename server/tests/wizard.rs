//! The creation wizard through the real router, PostgreSQL and git: drafts survive every step,
//! bad answers are field errors, creating makes the service, its environments, its generated
//! secrets, its files and a repository that `git clone` reads over HTTP.

mod common;

use app::templates::server::builtin::sync;
use common::wizard::{answer_billing_db, create_billing_db, git, naming, start};
use common::{setup_admin, spawn_app, Browser};
use serde_json::Value;
use sqlx::PgPool;

#[sqlx::test(migrations = "../migrations")]
async fn a_draft_keeps_its_answers_and_bad_answers_are_named(pool: PgPool) {
    sync(&pool).await.unwrap();
    let app = spawn_app(pool.clone()).await;
    let (browser, _) = setup_admin(&app).await;
    let draft = start(&browser, "postgres").await;

    let bad: Value = browser
        .call(
            "/api/wizard/parameters",
            &[
                ("draft", &draft),
                ("answers[database_name]", "Bad Name"),
                ("answers[db_user]", "app"),
                ("answers[storage_gb]", "0"),
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
    assert_eq!(fields, vec!["database_name", "storage_gb"], "{bad}");

    let saved = browser
        .call(
            "/api/wizard/parameters",
            &[
                ("draft", &draft),
                ("answers[database_name]", "billing"),
                ("answers[db_user]", "billing"),
                ("answers[storage_gb]", "20"),
            ],
        )
        .await;
    assert_eq!(
        saved.json::<String>().await.unwrap(),
        format!("/services/new/{draft}?step=3")
    );
    let reloaded: Value = browser
        .call("/api/wizard/draft", &[("id", &draft)])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(reloaded["step"], 2);
    assert_eq!(reloaded["params"]["database_name"], "billing");
    assert_eq!(reloaded["params"]["storage_gb"], 20);

    let page = browser
        .get(&format!("/services/new/{draft}?step=2"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains(r#"value="billing""#),
        "the form shows the saved answer after a reload"
    );
    let chooser = browser.get("/services/new?q=redis").await.text().await.unwrap();
    assert_eq!(
        chooser.matches(r#"data-testid="choose-template""#).count(),
        1,
        "step 1 searches the catalog"
    );
    let nothing = browser.get("/services/new?q=cobol").await.text().await.unwrap();
    assert!(nothing.contains(r#"data-testid="no-template-matches""#));
    let services = browser.get("/services").await.text().await.unwrap();
    assert!(
        services.contains(r#"data-testid="drafts""#),
        "the Services page lists the draft"
    );

    let early: Value = browser
        .call("/api/wizard/create", &[("id", &draft)])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(early["kind"], "conflict", "creating before naming is refused");
    let other = Browser::new(&app);
    let foreign = other.call("/api/wizard/draft", &[("id", &draft)]).await;
    assert_ne!(
        foreign.status(),
        200,
        "a draft is not readable without its owner's session"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn creating_makes_the_service_its_secrets_files_and_a_clonable_repository(pool: PgPool) {
    sync(&pool).await.unwrap();
    let app = spawn_app(pool.clone()).await;
    let (browser, _) = setup_admin(&app).await;
    let draft = start(&browser, "postgres").await;
    answer_billing_db(&browser, &draft).await;
    let named = naming(&browser, &draft, "Billing DB", "billing-db").await;
    assert_eq!(
        named.json::<String>().await.unwrap(),
        format!("/services/new/{draft}?step=4")
    );

    let review: Value = browser
        .call("/api/wizard/review", &[("id", &draft)])
        .await
        .json()
        .await
        .unwrap();
    let paths: Vec<&str> = review["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert!(
        paths.contains(&"compose.yaml") && paths.contains(&"k8s/deployment.yaml"),
        "{paths:?}"
    );
    assert_eq!(review["secrets"], serde_json::json!(["DB_PASSWORD"]));

    let created = browser.call("/api/wizard/create", &[("id", &draft)]).await;
    assert_eq!(created.status(), 200, "{}", created.text().await.unwrap_or_default());
    assert_eq!(created.json::<String>().await.unwrap(), "/services/billing-db");

    let (template, version): (String, String) =
        sqlx::query_as("select template_id, template_version from services where slug = 'billing-db'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(template, "postgres");
    assert_eq!(version.split('.').count(), 3, "a semantic version: {version}");
    let environments: Vec<String> = sqlx::query_scalar("select name from service_environments order by name")
        .fetch_all(&pool)
        .await
        .unwrap();
    assert_eq!(environments, vec!["production", "staging"]);
    let secrets: i64 =
        sqlx::query_scalar("select count(*) from secrets where name = 'DB_PASSWORD' and service_id is not null")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(secrets, 2, "one generated secret per environment");
    let page = browser.get("/services/billing-db").await.text().await.unwrap();
    assert!(
        page.contains("/git/billing-db.git"),
        "the service page says how to clone its repository"
    );
    let drafts: i64 = sqlx::query_scalar("select count(*) from wizard_drafts")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(drafts, 0, "the draft is gone once created");

    let again = start(&browser, "postgres").await;
    let taken: Value = naming(&browser, &again, "Billing DB", "billing-db")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        taken["fields"][0]["field"], "slug",
        "a taken short name is refused at step 3"
    );

    let anonymous_dir = tempfile::tempdir().unwrap();
    let anonymous = git(vec![
        "clone".into(),
        "--quiet".into(),
        format!("{}/git/billing-db.git", app.address),
        anonymous_dir.path().join("anon").display().to_string(),
    ])
    .await;
    assert!(!anonymous.status.success(), "cloning needs a session");
    let cookie = browser.session_cookie().expect("a session cookie");
    let checkout = tempfile::tempdir().unwrap();
    let clone = git(vec![
        "-c".into(),
        format!("http.extraHeader=Cookie: gantry={cookie}"),
        "clone".into(),
        "--quiet".into(),
        format!("{}/git/billing-db.git", app.address),
        checkout.path().join("billing-db").display().to_string(),
    ])
    .await;
    assert!(
        clone.status.success(),
        "git clone: {}",
        String::from_utf8_lossy(&clone.stderr)
    );
    let compose = std::fs::read_to_string(checkout.path().join("billing-db/compose.yaml")).unwrap();
    assert!(
        compose.contains("billing-db"),
        "the repository holds the rendered files"
    );
    let log = std::process::Command::new("git")
        .args(["log", "--oneline"])
        .current_dir(checkout.path().join("billing-db"))
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&log.stdout).lines().count(),
        1,
        "one initial commit"
    );
}

/// Runs the wizard for the PostgreSQL template with fixed answers.
#[sqlx::test(migrations = "../migrations")]
async fn a_newer_template_version_shows_its_diff_and_applies_as_a_commit(pool: PgPool) {
    sync(&pool).await.unwrap();
    let app = spawn_app(pool.clone()).await;
    let (browser, _) = setup_admin(&app).await;
    create_billing_db(&browser).await;
    let none: Value = browser
        .call("/api/services/upgrade/preview", &[("slug", "billing-db")])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        none["kind"], "conflict",
        "nothing to upgrade while the template is current"
    );

    // Publish a newer version of the template: one file changes, one is added.
    sqlx::query(
        "insert into template_versions (template_id, version, manifest, files) \
         select template_id, '9.9.9', jsonb_set(manifest, '{version}', '\"9.9.9\"'), \
         jsonb_set(files || '{\"CHANGELOG.md\": \"# {{ service.name }} changes\\n\"}', '{README.md}', to_jsonb((files->>'README.md') || E'\\nUpgraded.\\n')) \
         from template_versions where template_id = 'postgres'",
    )
    .execute(&pool)
    .await
    .unwrap();
    sqlx::query("update templates set latest_version = '9.9.9' where id = 'postgres'")
        .execute(&pool)
        .await
        .unwrap();

    let page = browser.get("/services/billing-db").await.text().await.unwrap();
    assert!(
        page.contains(r#"data-testid="upgrade-available""#),
        "the service page says an upgrade exists"
    );
    let preview: Value = browser
        .call("/api/services/upgrade/preview", &[("slug", "billing-db")])
        .await
        .json()
        .await
        .unwrap();
    let change = |path: &str| {
        preview["files"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["path"] == path)
            .map(|f| f["change"].as_str().unwrap().to_owned())
    };
    assert_eq!(change("CHANGELOG.md").as_deref(), Some("Added"));
    assert_eq!(change("README.md").as_deref(), Some("Changed"));
    assert_eq!(change("compose.yaml").as_deref(), Some("Unchanged"));
    let readme = preview["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"] == "README.md")
        .unwrap();
    assert!(readme["diff"].as_str().unwrap().contains("+Upgraded."), "{readme}");

    let version = preview["version"].as_i64().unwrap().to_string();
    let stale = (preview["version"].as_i64().unwrap() - 1).to_string();
    let refused: Value = browser
        .call(
            "/api/services/upgrade/apply",
            &[("slug", "billing-db"), ("version", &stale)],
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(refused["kind"], "conflict", "a stale page cannot apply");
    let applied = browser
        .call(
            "/api/services/upgrade/apply",
            &[("slug", "billing-db"), ("version", &version)],
        )
        .await;
    assert_eq!(applied.status(), 200, "{}", applied.text().await.unwrap_or_default());
    let now: String = sqlx::query_scalar("select template_version from services")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(now, "9.9.9");

    let cookie = browser.session_cookie().unwrap();
    let checkout = tempfile::tempdir().unwrap();
    let clone = git(vec![
        "-c".into(),
        format!("http.extraHeader=Cookie: gantry={cookie}"),
        "clone".into(),
        "--quiet".into(),
        format!("{}/git/billing-db.git", app.address),
        checkout.path().join("repo").display().to_string(),
    ])
    .await;
    assert!(clone.status.success(), "{}", String::from_utf8_lossy(&clone.stderr));
    let changelog = std::fs::read_to_string(checkout.path().join("repo/CHANGELOG.md")).unwrap();
    assert_eq!(changelog, "# Billing DB changes\n");
    let log = std::process::Command::new("git")
        .args(["log", "--oneline"])
        .current_dir(checkout.path().join("repo"))
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&log.stdout).lines().count(),
        2,
        "the upgrade is a second commit"
    );
}

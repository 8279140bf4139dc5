//! Driving the creation wizard from tests: start a draft, answer each step, create.

use super::Browser;

/// Runs git off the test's runtime thread, which also serves the app git talks to.
pub async fn git(args: Vec<String>) -> std::process::Output {
    tokio::task::spawn_blocking(move || {
        std::process::Command::new("git")
            .args(&args)
            .env("GIT_TERMINAL_PROMPT", "0")
            .output()
            .expect("git runs")
    })
    .await
    .expect("git finishes")
}

pub async fn start(browser: &Browser, template: &str) -> String {
    let next: String = browser
        .call("/api/wizard/start", &[("template", template)])
        .await
        .json()
        .await
        .expect("the parameters step");
    next.trim_start_matches("/services/new/")
        .trim_end_matches("?step=2")
        .to_owned()
}

pub async fn naming(browser: &Browser, draft: &str, name: &str, slug: &str) -> reqwest::Response {
    browser
        .call(
            "/api/wizard/naming",
            &[
                ("form[draft]", draft),
                ("form[name]", name),
                ("form[slug]", slug),
                ("form[description]", "Made by the test"),
                ("form[production]", "true"),
                ("form[staging]", "true"),
                ("form[port]", "5432"),
                ("form[cpu_millis]", "500"),
                ("form[memory_mb]", "512"),
                ("form[replicas]", "1"),
                ("form[health_path]", ""),
            ],
        )
        .await
}

/// Answers the postgres template's parameters step for a billing database.
pub async fn answer_billing_db(browser: &Browser, draft: &str) {
    browser
        .call(
            "/api/wizard/parameters",
            &[
                ("draft", draft),
                ("answers[database_name]", "billing"),
                ("answers[db_user]", "billing"),
                ("answers[storage_gb]", "20"),
            ],
        )
        .await;
}

pub async fn create_billing_db(browser: &Browser) {
    let draft = start(browser, "postgres").await;
    answer_billing_db(browser, &draft).await;
    naming(browser, &draft, "Billing DB", "billing-db").await;
    let created = browser.call("/api/wizard/create", &[("id", &draft)]).await;
    assert_eq!(created.status(), 200, "{}", created.text().await.unwrap_or_default());
}

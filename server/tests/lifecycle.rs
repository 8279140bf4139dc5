//! The `gantry` binary end to end: embedded default, readiness, graceful shutdown, bad migrations.

mod common;

use std::{
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use common::{free_port, gantry_command, url_of};
use sqlx::PgPool;

fn gantry() -> Command {
    let mut command = gantry_command();
    command.stdout(Stdio::piped()).stderr(Stdio::piped());
    command
}

async fn wait_ready(child: &mut Child, url: &str) {
    let deadline = Instant::now() + Duration::from_secs(90);
    while Instant::now() < deadline {
        if let Ok(Some(status)) = child.try_wait() {
            panic!("gantry exited early with {status}");
        }
        if let Ok(response) = reqwest::get(url).await {
            if response.status() == 200 {
                return;
            }
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    panic!("gantry was not ready within 90 s");
}

fn terminate(child: &mut Child) -> std::process::ExitStatus {
    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        assert!(Instant::now() < deadline, "gantry did not stop within 30 s of SIGTERM");
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[tokio::test]
async fn without_database_url_gantry_runs_its_own_postgres_and_stops_it_on_sigterm() {
    let data = tempfile::tempdir().unwrap();
    let port = free_port();
    let mut child = gantry()
        .env("GANTRY_DATA_DIR", data.path())
        .env("GANTRY_LISTEN", format!("127.0.0.1:{port}"))
        .env("GANTRY_LOG_FORMAT", "json")
        .spawn()
        .unwrap();
    wait_ready(&mut child, &format!("http://127.0.0.1:{port}/readyz")).await;
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let first_visit = client.get(format!("http://127.0.0.1:{port}/")).send().await.unwrap();
    assert_eq!(
        first_visit.headers()["location"],
        "/setup",
        "the first visit creates the admin"
    );
    let key_file = data.path().join("master.key");
    let mode = std::os::unix::fs::PermissionsExt::mode(&std::fs::metadata(&key_file).unwrap().permissions());
    assert_eq!(mode & 0o777, 0o600, "the generated master key is private");
    let pid_file = data.path().join("postgres/postmaster.pid");
    assert!(pid_file.exists(), "the embedded cluster runs");

    let status = terminate(&mut child);
    assert!(status.success(), "clean exit on SIGTERM, got {status}");
    assert!(!pid_file.exists(), "the embedded cluster was stopped with Gantry");
    let mut logs = String::new();
    std::io::Read::read_to_string(child.stdout.as_mut().unwrap(), &mut logs).unwrap();
    let first_request_line = logs
        .lines()
        .find(|line| line.contains("\"request_id\""))
        .expect("request logs carry a request id");
    assert!(
        serde_json::from_str::<serde_json::Value>(first_request_line).is_ok(),
        "JSON logs are JSON"
    );
    assert!(
        logs.contains("GENERATED A NEW MASTER KEY"),
        "a loud warning names the new key file"
    );
    let key = std::fs::read_to_string(&key_file).unwrap();
    assert!(!logs.contains(key.trim()), "the key itself is never logged");
}

#[tokio::test]
async fn a_second_gantry_on_the_same_data_dir_is_refused_with_a_clear_message() {
    let data = tempfile::tempdir().unwrap();
    let port = free_port();
    let mut first = gantry()
        .env("GANTRY_DATA_DIR", data.path())
        .env("GANTRY_LISTEN", format!("127.0.0.1:{port}"))
        .spawn()
        .unwrap();
    wait_ready(&mut first, &format!("http://127.0.0.1:{port}/readyz")).await;

    let second = gantry()
        .env("GANTRY_DATA_DIR", data.path())
        .env("GANTRY_LISTEN", format!("127.0.0.1:{}", free_port()))
        .output()
        .unwrap();
    assert!(!second.status.success());
    let err = String::from_utf8_lossy(&second.stderr);
    assert!(err.contains("already using the data directory"), "{err}");
    assert_eq!(
        reqwest::get(format!("http://127.0.0.1:{port}/readyz"))
            .await
            .unwrap()
            .status(),
        200,
        "the first keeps running"
    );

    assert!(terminate(&mut first).success());
}

#[sqlx::test(migrations = false)]
async fn a_failing_migration_stops_start_up_and_changes_nothing(pool: PgPool) {
    // A relation named like the second migration's index makes that migration fail at its last
    // statement, after it created its table.
    sqlx::query("create table services_org_status_idx (id int)")
        .execute(&pool)
        .await
        .unwrap();
    let out = gantry()
        .env("DATABASE_URL", url_of(&pool).await)
        .env("GANTRY_LISTEN", format!("127.0.0.1:{}", free_port()))
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("migration failed"), "{err}");

    let applied: Vec<i64> = sqlx::query_scalar("select version from _sqlx_migrations order by version")
        .fetch_all(&pool)
        .await
        .unwrap();
    assert_eq!(
        applied,
        vec![20261122000001],
        "only the migration before the failing one is recorded"
    );
    let table: Option<String> = sqlx::query_scalar("select to_regclass('services')::text")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(
        table, None,
        "the table the failed migration created was rolled back with it"
    );
}

#[tokio::test]
async fn starting_with_another_master_key_fails_clearly() {
    let data = tempfile::tempdir().unwrap();
    let port = free_port();
    let mut first = gantry()
        .env("GANTRY_DATA_DIR", data.path())
        .env("GANTRY_LISTEN", format!("127.0.0.1:{port}"))
        .spawn()
        .unwrap();
    wait_ready(&mut first, &format!("http://127.0.0.1:{port}/readyz")).await;
    assert!(terminate(&mut first).success());

    let other_key = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
    let out = gantry()
        .env("GANTRY_DATA_DIR", data.path())
        .env("GANTRY_LISTEN", format!("127.0.0.1:{}", free_port()))
        .env("GANTRY_MASTER_KEY", other_key)
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("master key does not match"), "{err}");
    assert!(!err.contains(other_key), "the key is not echoed");
}

#[sqlx::test(migrations = "../migrations")]
async fn gantry_audit_verify_reports_an_intact_and_a_tampered_log(pool: PgPool) {
    use app::audit::server::{record_alone, NewAuditEntry};
    for n in 0..3 {
        let entry = NewAuditEntry {
            actor_id: None,
            actor_label: "system".into(),
            action: "test.entry".into(),
            object_type: "test".into(),
            object_id: Some(n.to_string()),
            detail: serde_json::json!({ "n": n }),
        };
        record_alone(&pool, entry, &Default::default()).await.unwrap();
    }
    let url = url_of(&pool).await;
    let intact = gantry()
        .env("DATABASE_URL", &url)
        .args(["audit", "verify"])
        .output()
        .unwrap();
    assert!(intact.status.success());
    assert!(String::from_utf8_lossy(&intact.stdout).contains("intact: 3 entries checked"));

    sqlx::query("alter table audit_log disable trigger audit_log_append_only")
        .execute(&pool)
        .await
        .unwrap();
    sqlx::query("update audit_log set detail = '{\"n\": 7}' where object_id = '1'")
        .execute(&pool)
        .await
        .unwrap();
    let broken = gantry()
        .env("DATABASE_URL", &url)
        .args(["audit", "verify"])
        .output()
        .unwrap();
    assert_eq!(broken.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&broken.stdout).contains("BROKEN at entry #"),
        "{}",
        String::from_utf8_lossy(&broken.stdout)
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn gantry_keys_rotate_replaces_the_key_file_and_retires_the_old_key(pool: PgPool) {
    let dir = tempfile::tempdir().unwrap();
    let key_file = dir.path().join("root.key");
    let old_key = app::crypto::MasterKey::generate().to_base64();
    std::fs::write(&key_file, &old_key).unwrap();
    common::remember_secrets([old_key.as_str()]);
    let url = url_of(&pool).await;

    let rotated = gantry()
        .env("DATABASE_URL", &url)
        .env("GANTRY_MASTER_KEY_FILE", &key_file)
        .args(["keys", "rotate"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&rotated.stdout);
    assert!(
        rotated.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&rotated.stderr)
    );
    assert!(stdout.contains("root key rotated"), "{stdout}");
    let new_key = std::fs::read_to_string(&key_file).unwrap();
    common::remember_secrets([new_key.trim()]);
    assert_ne!(new_key.trim(), old_key, "the key file holds a new key");
    assert!(
        !stdout.contains(new_key.trim()) && !stdout.contains(&old_key),
        "no key is printed"
    );

    let statuses: Vec<String> = sqlx::query_scalar("select status from root_keys order by created_at")
        .fetch_all(&pool)
        .await
        .unwrap();
    assert_eq!(statuses, vec!["retired", "active"]);

    let with_old = gantry()
        .env("DATABASE_URL", &url)
        .env("GANTRY_MASTER_KEY", &old_key)
        .args(["keys", "rotate"])
        .output()
        .unwrap();
    assert!(!with_old.status.success());
    let stderr = String::from_utf8_lossy(&with_old.stderr);
    assert!(stderr.contains("does not match"), "{stderr}");
}

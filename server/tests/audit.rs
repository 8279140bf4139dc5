//! The audit log against a real per-test database: the hash chain, append-only storage, secrets
//! kept out of details, and the filters and paging of the audit page's query.

use app::audit::server::{list, record, record_alone, verify_chain, ChainReport, NewAuditEntry, SecretInDetail};
use app::audit::AuditFilter;
use app::error::AppError;
use app::request_meta::RequestMeta;
use chrono::{DateTime, Duration, Utc};
use serde_json::{json, Value};
use sqlx::PgPool;
use uuid::Uuid;

fn entry(actor: &str, action: &str, object_type: &str, object_id: Option<&str>, detail: Value) -> NewAuditEntry {
    NewAuditEntry {
        actor_id: (actor != "system").then(Uuid::now_v7),
        actor_label: actor.to_owned(),
        action: action.to_owned(),
        object_type: object_type.to_owned(),
        object_id: object_id.map(str::to_owned),
        detail,
    }
}

fn meta() -> RequestMeta {
    RequestMeta {
        ip: Some("203.0.113.7".into()),
        user_agent: Some("Mozilla/5.0 (audit test)".into()),
        request_id: Some("req-test".into()),
    }
}

async fn append(pool: &PgPool, n: usize) -> Vec<i64> {
    let mut ids = Vec::new();
    for i in 0..n {
        let id = record_alone(
            pool,
            entry(
                "ann@example.com",
                "service.updated",
                "service",
                Some("web"),
                json!({"step": i, "reason": "test"}),
            ),
            &meta(),
        )
        .await
        .expect("entry is recorded");
        ids.push(id);
    }
    ids
}

async fn count(pool: &PgPool) -> i64 {
    sqlx::query_scalar("select count(*) from audit_log")
        .fetch_one(pool)
        .await
        .expect("count")
}

/// Runs `sql` with the append-only trigger switched off, as someone with table rights could.
async fn tamper(pool: &PgPool, sql: &str, id: i64) {
    let mut tx = pool.begin().await.expect("begin");
    sqlx::query("alter table audit_log disable trigger audit_log_append_only")
        .execute(&mut *tx)
        .await
        .expect("disable trigger");
    sqlx::query(sql).bind(id).execute(&mut *tx).await.expect("tamper");
    sqlx::query("alter table audit_log enable trigger audit_log_append_only")
        .execute(&mut *tx)
        .await
        .expect("enable trigger");
    tx.commit().await.expect("commit");
}

fn filter() -> AuditFilter {
    AuditFilter {
        page: 1,
        ..AuditFilter::default()
    }
}

async fn total(pool: &PgPool, filter: AuditFilter) -> u64 {
    list(pool, filter).await.expect("filters are valid").total
}

#[sqlx::test(migrations = "../migrations")]
async fn an_empty_log_verifies(pool: PgPool) {
    assert_eq!(
        verify_chain(&pool).await.unwrap(),
        ChainReport {
            rows_checked: 0,
            first_broken: None
        }
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn appended_entries_form_a_chain_that_verifies(pool: PgPool) {
    let ids = append(&pool, 5).await;
    assert!(ids.windows(2).all(|pair| pair[0] < pair[1]), "ids grow");

    assert_eq!(
        verify_chain(&pool).await.unwrap(),
        ChainReport {
            rows_checked: 5,
            first_broken: None
        }
    );

    let links: Vec<(Vec<u8>, Vec<u8>)> = sqlx::query_as("select prev_hash, hash from audit_log order by id")
        .fetch_all(&pool)
        .await
        .unwrap();
    assert_eq!(links[0].0, vec![0u8; 32], "the first row links to the genesis hash");
    for pair in links.windows(2) {
        assert_eq!(pair[1].0, pair[0].1, "each row links to the one before it");
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn recorded_entries_keep_the_request_facts_and_exact_times(pool: PgPool) {
    let before = Utc::now() - Duration::seconds(1);
    let id = record_alone(
        &pool,
        entry(
            "ann@example.com",
            "auth.login.succeeded",
            "user",
            Some("u-1"),
            json!({"method": "totp"}),
        ),
        &meta(),
    )
    .await
    .unwrap();

    let page = list(&pool, filter()).await.unwrap();
    let row = &page.rows[0];
    assert_eq!(row.id, id);
    assert_eq!(row.ip.as_deref(), Some("203.0.113.7"));
    assert_eq!(row.user_agent.as_deref(), Some("Mozilla/5.0 (audit test)"));
    assert_eq!(row.request_id.as_deref(), Some("req-test"));
    assert!(
        row.detail.contains("\"method\": \"totp\""),
        "detail is pretty JSON: {}",
        row.detail
    );
    let at = DateTime::parse_from_rfc3339(&row.at).expect("RFC 3339 time");
    assert!(at > before && at <= Utc::now());
    assert!(
        row.at.ends_with('Z') && row.at.len() == "2026-11-22T10:00:00.000000Z".len(),
        "UTC to the µs: {}",
        row.at
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn details_that_jsonb_rewrites_still_verify(pool: PgPool) {
    // jsonb turns 1e19 into an integer, -0.0 into 0.0, drops duplicate keys and reorders keys;
    // the hash is taken over the detail as the database gives it back.
    record_alone(
        &pool,
        entry(
            "system",
            "test.normalized",
            "test",
            None,
            json!({"zeta": 1e19, "alpha": -0.0, "mid": [1.50, "ü", null]}),
        ),
        &RequestMeta::default(),
    )
    .await
    .unwrap();
    assert_eq!(
        verify_chain(&pool).await.unwrap(),
        ChainReport {
            rows_checked: 1,
            first_broken: None
        }
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn an_edited_detail_is_detected_at_that_row(pool: PgPool) {
    let ids = append(&pool, 4).await;
    tamper(
        &pool,
        "update audit_log set detail = '{\"reason\": \"nothing to see\"}' where id = $1",
        ids[1],
    )
    .await;

    let report = verify_chain(&pool).await.unwrap();
    assert_eq!(
        report,
        ChainReport {
            rows_checked: 4,
            first_broken: Some(ids[1])
        }
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn an_edited_time_or_actor_is_detected_too(pool: PgPool) {
    let ids = append(&pool, 3).await;
    tamper(
        &pool,
        "update audit_log set at = at - interval '1 microsecond' where id = $1",
        ids[2],
    )
    .await;
    assert_eq!(verify_chain(&pool).await.unwrap().first_broken, Some(ids[2]));

    tamper(
        &pool,
        "update audit_log set actor_label = 'someone@else' where id = $1",
        ids[0],
    )
    .await;
    let report = verify_chain(&pool).await.unwrap();
    assert_eq!(
        report,
        ChainReport {
            rows_checked: 3,
            first_broken: Some(ids[0])
        },
        "the earliest break is reported"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn a_deleted_middle_row_is_detected_at_the_row_after_it(pool: PgPool) {
    let ids = append(&pool, 5).await;
    tamper(&pool, "delete from audit_log where id = $1", ids[2]).await;

    let report = verify_chain(&pool).await.unwrap();
    assert_eq!(
        report,
        ChainReport {
            rows_checked: 4,
            first_broken: Some(ids[3])
        }
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn the_database_refuses_updates_deletes_and_truncation(pool: PgPool) {
    let ids = append(&pool, 2).await;
    for sql in [
        "update audit_log set detail = '{}' where id = $1",
        "delete from audit_log where id = $1",
    ] {
        let err = sqlx::query(sql).bind(ids[0]).execute(&pool).await.expect_err("refused");
        assert!(err.to_string().contains("append-only"), "{sql}: {err}");
    }
    let err = sqlx::query("truncate audit_log")
        .execute(&pool)
        .await
        .expect_err("refused");
    assert!(err.to_string().contains("append-only"), "truncate: {err}");

    assert_eq!(count(&pool).await, 2);
    assert_eq!(verify_chain(&pool).await.unwrap().first_broken, None);
}

#[sqlx::test(migrations = "../migrations")]
async fn an_entry_recorded_in_a_rolled_back_transaction_leaves_no_row(pool: PgPool) {
    append(&pool, 1).await;

    let mut tx = pool.begin().await.unwrap();
    sqlx::query("insert into services (id, org_id, slug, name) values (gen_random_uuid(), '00000000-0000-0000-0000-000000000001', 'web', 'Web')")
        .execute(&mut *tx)
        .await
        .unwrap();
    let id = record(
        &mut tx,
        entry("ann@example.com", "service.created", "service", Some("web"), json!({})),
        &meta(),
    )
    .await
    .unwrap();
    assert!(id > 0);
    tx.rollback().await.unwrap();

    assert_eq!(count(&pool).await, 1, "the entry went with the change it described");
    let services: i64 = sqlx::query_scalar("select count(*) from services")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(services, 0);

    append(&pool, 1).await;
    assert_eq!(
        verify_chain(&pool).await.unwrap(),
        ChainReport {
            rows_checked: 2,
            first_broken: None
        }
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn an_entry_recorded_with_its_change_commits_with_it(pool: PgPool) {
    let mut tx = pool.begin().await.unwrap();
    record(
        &mut tx,
        entry("ann@example.com", "service.created", "service", Some("a"), json!({})),
        &meta(),
    )
    .await
    .unwrap();
    record(
        &mut tx,
        entry("ann@example.com", "service.created", "service", Some("b"), json!({})),
        &meta(),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();

    assert_eq!(
        verify_chain(&pool).await.unwrap(),
        ChainReport {
            rows_checked: 2,
            first_broken: None
        }
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn concurrent_appends_still_form_one_chain(pool: PgPool) {
    let tasks: Vec<_> = (0..20)
        .map(|i| {
            let pool = pool.clone();
            tokio::spawn(async move {
                let mut tx = pool.begin().await.expect("begin");
                let id = record(
                    &mut tx,
                    entry("system", "job.ran", "job", Some(&format!("job-{i}")), json!({"n": i})),
                    &RequestMeta::default(),
                )
                .await
                .expect("recorded");
                // Hold the transaction a little so the appends really overlap.
                tokio::time::sleep(std::time::Duration::from_millis(5)).await;
                tx.commit().await.expect("commit");
                id
            })
        })
        .collect();
    for task in tasks {
        task.await.expect("task finishes");
    }

    assert_eq!(
        verify_chain(&pool).await.unwrap(),
        ChainReport {
            rows_checked: 20,
            first_broken: None
        }
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn a_detail_naming_a_secret_is_refused(pool: PgPool) {
    for detail in [
        json!({"password": "hunter2"}),
        json!({"user": {"newPassword": "hunter2"}}),
        json!({"changes": [{"totp_code": "123456"}]}),
        json!({"Recovery-Codes": ["a", "b"]}),
    ] {
        let err = record_alone(
            &pool,
            entry("ann@example.com", "auth.password.changed", "user", None, detail),
            &meta(),
        )
        .await
        .expect_err("refused");
        match err {
            sqlx::Error::Encode(cause) => assert!(cause.downcast_ref::<SecretInDetail>().is_some(), "{cause}"),
            other => panic!("expected a refusal, got {other}"),
        }
    }
    assert_eq!(count(&pool).await, 0, "nothing was written");
}

#[sqlx::test(migrations = "../migrations")]
async fn malformed_actions_are_refused_by_the_database(pool: PgPool) {
    for action in ["login", "Auth.Login", "auth..login", ""] {
        let result = record_alone(&pool, entry("system", action, "user", None, json!({})), &meta()).await;
        assert!(result.is_err(), "{action:?} is refused");
    }
    assert_eq!(count(&pool).await, 0);
}

#[sqlx::test(migrations = "../migrations")]
async fn the_list_filters_by_actor_action_prefix_and_object(pool: PgPool) {
    for (actor, action, object_type, object_id) in [
        ("ann@example.com", "auth.login.succeeded", "user", Some("ann-id")),
        ("ann@example.com", "secret.read", "secret", Some("stripe_key")),
        ("bob@example.com", "auth.login.failed", "user", Some("bob-id")),
        ("system", "service.created", "service", Some("web")),
        ("anonymous", "auth.login.failed", "session", None),
    ] {
        record_alone(&pool, entry(actor, action, object_type, object_id, json!({})), &meta())
            .await
            .unwrap();
    }
    let by = |actor: Option<&str>, action: Option<&str>, object: Option<&str>| AuditFilter {
        actor: actor.map(str::to_owned),
        action: action.map(str::to_owned),
        object: object.map(str::to_owned),
        ..filter()
    };

    assert_eq!(total(&pool, filter()).await, 5);
    assert_eq!(
        total(&pool, by(Some("ANN@"), None, None)).await,
        2,
        "actor: any part, any case"
    );
    assert_eq!(total(&pool, by(Some("example.com"), None, None)).await, 3);
    assert_eq!(
        total(&pool, by(Some("%"), None, None)).await,
        0,
        "% is a plain character"
    );
    assert_eq!(
        total(&pool, by(None, Some("auth.login"), None)).await,
        3,
        "action: a prefix"
    );
    assert_eq!(total(&pool, by(None, Some("auth.login.f"), None)).await, 2);
    assert_eq!(
        total(&pool, by(None, Some("Secret."), None)).await,
        1,
        "action prefixes ignore case"
    );
    assert_eq!(total(&pool, by(None, Some("login"), None)).await, 0, "not a substring");
    assert_eq!(
        total(&pool, by(None, None, Some("SECRET"))).await,
        1,
        "object: its type"
    );
    assert_eq!(total(&pool, by(None, None, Some("web"))).await, 1, "object: its id");
    assert_eq!(
        total(&pool, by(None, None, Some("_"))).await,
        1,
        "_ is a plain character"
    );
    assert_eq!(total(&pool, by(None, None, Some("user"))).await, 2);
    assert_eq!(
        total(&pool, by(Some("ann"), Some("secret."), None)).await,
        1,
        "filters combine"
    );
    assert_eq!(total(&pool, by(Some("   "), None, None)).await, 5, "blank means any");

    let page = list(&pool, by(None, Some("auth.login.failed"), None)).await.unwrap();
    let actors: Vec<&str> = page.rows.iter().map(|row| row.actor_label.as_str()).collect();
    assert_eq!(actors, ["anonymous", "bob@example.com"], "newest first");
}

/// Stores a row with a chosen time directly (the chain does not matter to the list).
async fn insert_at(pool: &PgPool, at: &str) {
    sqlx::query(
        "insert into audit_log (at, org_id, actor_label, action, object_type, prev_hash, hash)
         values ($1::timestamptz, '00000000-0000-0000-0000-000000000001', 'system', 'test.dated', 'test',
                 sha256(gen_random_uuid()::text::bytea), sha256(gen_random_uuid()::text::bytea))",
    )
    .bind(at)
    .execute(pool)
    .await
    .expect("insert");
}

#[sqlx::test(migrations = "../migrations")]
async fn the_list_filters_by_whole_utc_days_both_ends_included(pool: PgPool) {
    for at in [
        "2026-10-31T23:59:59.999999Z",
        "2026-11-01T00:00:00Z",
        "2026-11-15T12:00:00+05:00",
        "2026-11-30T23:59:59.999999Z",
        "2026-12-01T00:00:00Z",
    ] {
        insert_at(&pool, at).await;
    }
    let days = |from: Option<&str>, to: Option<&str>| AuditFilter {
        from: from.map(str::to_owned),
        to: to.map(str::to_owned),
        ..filter()
    };
    assert_eq!(total(&pool, days(Some("2026-11-01"), Some("2026-11-30"))).await, 3);
    assert_eq!(total(&pool, days(Some("2026-11-01"), None)).await, 4);
    assert_eq!(total(&pool, days(None, Some("2026-10-31"))).await, 1);
    assert_eq!(
        total(&pool, days(Some("2026-11-15"), Some("2026-11-15"))).await,
        1,
        "one day"
    );
    assert_eq!(total(&pool, days(Some("2026-12-02"), None)).await, 0);
}

#[sqlx::test(migrations = "../migrations")]
async fn bad_filters_come_back_as_field_errors(pool: PgPool) {
    let cases = [
        (
            AuditFilter {
                from: Some("2026-13-01".into()),
                ..filter()
            },
            "from",
        ),
        (
            AuditFilter {
                to: Some("30/11/2026".into()),
                ..filter()
            },
            "to",
        ),
        (
            AuditFilter {
                from: Some("2026-11-30".into()),
                to: Some("2026-11-01".into()),
                ..filter()
            },
            "to",
        ),
        (
            AuditFilter {
                actor: Some("a".repeat(500)),
                ..filter()
            },
            "actor",
        ),
    ];
    for (filter, field) in cases {
        match list(&pool, filter).await {
            Err(AppError::Invalid { fields, .. }) => {
                assert_eq!(fields.len(), 1);
                assert_eq!(fields[0].field, field);
            }
            other => panic!("expected a field error on {field}, got {other:?}"),
        }
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn the_list_pages_fifty_entries_newest_first(pool: PgPool) {
    let ids = append(&pool, 120).await;

    let first = list(&pool, AuditFilter { page: 0, ..filter() }).await.unwrap();
    assert_eq!(
        (first.page, first.total, first.has_more, first.rows.len()),
        (1, 120, true, 50)
    );
    assert_eq!(first.rows[0].id, ids[119], "newest first");
    assert!(first.rows.windows(2).all(|pair| pair[0].id > pair[1].id));

    let second = list(&pool, AuditFilter { page: 2, ..filter() }).await.unwrap();
    assert_eq!(second.rows[0].id, ids[69]);
    assert!(second.has_more);

    let third = list(&pool, AuditFilter { page: 3, ..filter() }).await.unwrap();
    assert_eq!((third.total, third.has_more, third.rows.len()), (120, false, 20));
    assert_eq!(third.rows.last().map(|row| row.id), Some(ids[0]));

    let past = list(&pool, AuditFilter { page: 9, ..filter() }).await.unwrap();
    assert!(past.rows.is_empty() && !past.has_more);
    assert_eq!(past.total, 120);

    assert_eq!(
        verify_chain(&pool).await.unwrap(),
        ChainReport {
            rows_checked: 120,
            first_broken: None
        }
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn verification_reads_the_whole_log_past_its_first_batch(pool: PgPool) {
    let mut tx = pool.begin().await.unwrap();
    let mut ids = Vec::new();
    for i in 0..1005 {
        let detail = json!({"n": i});
        ids.push(
            record(
                &mut tx,
                entry("system", "test.bulk", "test", None, detail),
                &RequestMeta::default(),
            )
            .await
            .unwrap(),
        );
    }
    tx.commit().await.unwrap();
    assert_eq!(
        verify_chain(&pool).await.unwrap(),
        ChainReport {
            rows_checked: 1005,
            first_broken: None
        }
    );

    tamper(
        &pool,
        "update audit_log set detail = '{\"n\": 0}' where id = $1",
        ids[1002],
    )
    .await;
    assert_eq!(
        verify_chain(&pool).await.unwrap(),
        ChainReport {
            rows_checked: 1005,
            first_broken: Some(ids[1002])
        }
    );
}

//! Sign-in, sessions and brute-force protection through the real router and PostgreSQL.

mod common;

use common::{setup_admin, sign_in, spawn_app, totp_at, totp_now, Browser, ADMIN_PASSWORD};
use sqlx::PgPool;

fn location(response: &reqwest::Response) -> String {
    response
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

async fn error_kind(response: reqwest::Response) -> serde_json::Value {
    response.json().await.expect("an AppError as JSON")
}

#[sqlx::test(migrations = "../migrations")]
async fn before_setup_every_page_redirects_to_setup_and_after_it_setup_is_gone(pool: PgPool) {
    let app = spawn_app(pool).await;
    let anonymous = Browser::new(&app);
    for path in ["/", "/services", "/login", "/account"] {
        let response = anonymous.get(path).await;
        assert!(response.status().is_redirection(), "{path}");
        assert_eq!(location(&response), "/setup", "{path}");
    }
    assert_eq!(anonymous.get("/setup").await.status(), 200);

    let (_, admin) = setup_admin(&app).await;
    let again = Browser::new(&app);
    assert_eq!(location(&again.get("/setup").await), "/login");
    let refused = again
        .call(
            "/api/auth/setup",
            &[
                ("email", "eve@example.com"),
                ("display_name", "Eve"),
                ("password", ADMIN_PASSWORD),
                ("confirm", ADMIN_PASSWORD),
            ],
        )
        .await;
    assert_eq!(error_kind(refused).await["kind"], "conflict");
    assert_eq!(admin.recovery_codes.len(), 10);
}

#[sqlx::test(migrations = "../migrations")]
async fn two_racing_setup_requests_create_exactly_one_admin(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let (a, b) = (Browser::new(&app), Browser::new(&app));
    let form = |email: &'static str| {
        [
            ("email", email),
            ("display_name", "Admin"),
            ("password", ADMIN_PASSWORD),
            ("confirm", ADMIN_PASSWORD),
        ]
    };
    let (form_a, form_b) = (form("a@example.com"), form("b@example.com"));
    let (first, second) = tokio::join!(a.call("/api/auth/setup", &form_a), b.call("/api/auth/setup", &form_b));
    let statuses = [first.status().as_u16(), second.status().as_u16()];
    assert_eq!(
        statuses.iter().filter(|s| **s == 200).count(),
        1,
        "exactly one setup succeeds: {statuses:?}"
    );
    let users: i64 = sqlx::query_scalar("select count(*) from users")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(users, 1);
}

#[sqlx::test(migrations = "../migrations")]
async fn weak_and_common_passwords_are_refused_at_setup_with_field_errors(pool: PgPool) {
    let app = spawn_app(pool).await;
    let browser = Browser::new(&app);
    for (password, expected) in [("short pass", "at least 12"), ("password1234", "common")] {
        let response = browser
            .call(
                "/api/auth/setup",
                &[
                    ("email", "ada@example.com"),
                    ("display_name", "Ada"),
                    ("password", password),
                    ("confirm", password),
                ],
            )
            .await;
        let error = error_kind(response).await;
        assert_eq!(error["kind"], "invalid");
        let field = &error["fields"][0];
        assert_eq!(field["field"], "password");
        assert!(field["message"].as_str().unwrap().contains(expected), "{field}");
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn a_user_without_mfa_can_only_reach_enrollment(pool: PgPool) {
    let app = spawn_app(pool).await;
    let browser = Browser::new(&app);
    browser
        .call(
            "/api/auth/setup",
            &[
                ("email", "ada@example.com"),
                ("display_name", "Ada"),
                ("password", ADMIN_PASSWORD),
                ("confirm", ADMIN_PASSWORD),
            ],
        )
        .await;
    for path in ["/", "/account", "/secrets"] {
        assert_eq!(location(&browser.get(path).await), "/mfa/enroll", "{path}");
    }
    assert_eq!(browser.get("/mfa/enroll").await.status(), 200);
    let dashboard = browser.call("/api/dashboard", &[]).await;
    assert_eq!(error_kind(dashboard).await["kind"], "unauthorized");
}

#[sqlx::test(migrations = "../migrations")]
async fn login_errors_never_say_which_part_was_wrong(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let (_, admin) = setup_admin(&app).await;
    let browser = Browser::new(&app);
    let wrong_password = browser
        .call(
            "/api/auth/login",
            &[("email", &admin.email), ("password", "not the password at all")],
        )
        .await;
    let unknown_email = browser
        .call(
            "/api/auth/login",
            &[("email", "nobody@example.com"), ("password", &admin.password)],
        )
        .await;
    assert_eq!(error_kind(wrong_password).await, error_kind(unknown_email).await);
    let audited: Vec<Option<String>> =
        sqlx::query_scalar("select object_id from audit_log where action = 'auth.login.failed' order by id")
            .fetch_all(&pool)
            .await
            .unwrap();
    assert_eq!(audited.len(), 2, "both failures are audited, known account or not");
    assert!(audited[0].is_some() && audited[1].is_none());
    let empty = Browser::new(&app)
        .call("/api/auth/login", &[("email", " "), ("password", "x")])
        .await;
    assert_eq!(error_kind(empty).await["fields"][0]["field"], "email");
}

#[sqlx::test(migrations = "../migrations")]
async fn the_session_id_changes_at_each_sign_in_step(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let (_, admin) = setup_admin(&app).await;
    let browser = Browser::new(&app);
    browser.get("/login").await;
    browser
        .call(
            "/api/auth/login",
            &[("email", "nobody@example.com"), ("password", "wrong wrong wrong")],
        )
        .await;
    let before = browser.session_cookie();
    browser
        .call(
            "/api/auth/login",
            &[("email", &admin.email), ("password", &admin.password)],
        )
        .await;
    let after_password = browser.session_cookie().expect("a session after the password step");
    assert_ne!(before.as_deref(), Some(after_password.as_str()));
    sqlx::query("update users set totp_last_step = null")
        .execute(&pool)
        .await
        .unwrap();
    let verify = browser
        .call("/api/auth/verify", &[("code", &totp_now(&admin.key))])
        .await;
    assert_eq!(verify.status(), 200);
    let signed_in = browser.session_cookie().expect("a session after sign-in");
    assert_ne!(
        after_password, signed_in,
        "the id rotates again at the privilege change"
    );
    assert_eq!(browser.get("/").await.status(), 200);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_totp_code_is_accepted_once_and_only_within_one_step_of_skew(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let (_, admin) = setup_admin(&app).await;
    // Codes are computed for steps relative to now: keep clear of a step boundary so "two steps
    // ahead" cannot become "one step ahead" while the request travels.
    while chrono::Utc::now().timestamp() % 30 > 25 {
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    }
    let now = chrono::Utc::now().timestamp();

    let browser = Browser::new(&app);
    browser
        .call(
            "/api/auth/login",
            &[("email", &admin.email), ("password", &admin.password)],
        )
        .await;
    sqlx::query("update users set totp_last_step = null")
        .execute(&pool)
        .await
        .unwrap();
    let two_steps_ahead = totp_at(&admin.key, now + 60);
    let refused = browser.call("/api/auth/verify", &[("code", &two_steps_ahead)]).await;
    assert_eq!(
        error_kind(refused).await["kind"],
        "invalid",
        "two steps of skew are refused"
    );
    let one_step_ahead = totp_at(&admin.key, now + 30);
    assert_eq!(
        browser
            .call("/api/auth/verify", &[("code", &one_step_ahead)])
            .await
            .status(),
        200
    );

    let again = Browser::new(&app);
    again
        .call(
            "/api/auth/login",
            &[("email", &admin.email), ("password", &admin.password)],
        )
        .await;
    let replay = again.call("/api/auth/verify", &[("code", &one_step_ahead)]).await;
    assert_eq!(error_kind(replay).await["kind"], "invalid", "a used code is refused");
    let older = again
        .call("/api/auth/verify", &[("code", &totp_at(&admin.key, now))])
        .await;
    assert_eq!(
        error_kind(older).await["kind"],
        "invalid",
        "an older code than the last used is refused"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn a_recovery_code_signs_in_once_and_is_reported_at_the_next_sign_in(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let (_, admin) = setup_admin(&app).await;
    let code = admin.recovery_codes[3].to_uppercase();

    let first = Browser::new(&app);
    first
        .call(
            "/api/auth/login",
            &[("email", &admin.email), ("password", &admin.password)],
        )
        .await;
    assert_eq!(first.call("/api/auth/verify", &[("code", &code)]).await.status(), 200);
    let page = first.get("/").await.text().await.unwrap();
    assert!(
        page.contains("You signed in with a recovery code; 9 left"),
        "the user is told"
    );

    let second = Browser::new(&app);
    second
        .call(
            "/api/auth/login",
            &[("email", &admin.email), ("password", &admin.password)],
        )
        .await;
    assert_eq!(
        error_kind(second.call("/api/auth/verify", &[("code", &code)]).await).await["kind"],
        "invalid"
    );

    let third = sign_in(&app, &pool, &admin).await;
    let page = third.get("/").await.text().await.unwrap();
    assert!(
        page.contains("A recovery code was used to sign in"),
        "shown at the next sign-in"
    );
    let used: i64 = sqlx::query_scalar("select count(*) from audit_log where action = 'auth.recovery_code.used'")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(used, 1, "audited");
}

#[sqlx::test(migrations = "../migrations")]
async fn failed_logins_back_off_per_account_and_the_limit_survives_a_restart(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let (_, admin) = setup_admin(&app).await;
    let browser = Browser::new(&app);
    for _ in 0..5 {
        let response = browser
            .call(
                "/api/auth/login",
                &[("email", &admin.email), ("password", "wrong password here")],
            )
            .await;
        assert_eq!(error_kind(response).await["kind"], "invalid");
    }
    let limited = error_kind(
        browser
            .call(
                "/api/auth/login",
                &[("email", &admin.email), ("password", &admin.password)],
            )
            .await,
    )
    .await;
    assert_eq!(
        limited["kind"], "rate_limited",
        "even the right password waits: {limited}"
    );
    let wait = limited["retry_after_secs"].as_u64().unwrap();
    assert!((1..=30).contains(&wait), "{wait}");

    let restarted = spawn_app(pool.clone()).await;
    let after_restart = Browser::new(&restarted)
        .call(
            "/api/auth/login",
            &[("email", &admin.email), ("password", &admin.password)],
        )
        .await;
    assert_eq!(error_kind(after_restart).await["kind"], "rate_limited");

    sqlx::query("update auth_throttle set blocked_until = now() - interval '1 second'")
        .execute(&pool)
        .await
        .unwrap();
    let after_wait = Browser::new(&restarted)
        .call(
            "/api/auth/login",
            &[("email", &admin.email), ("password", &admin.password)],
        )
        .await;
    assert_eq!(
        after_wait.status(),
        200,
        "the block ends: the last admin is never locked out for good"
    );
    let attempts: i64 = sqlx::query_scalar("select count(*) from login_attempts where not success")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(attempts, 5, "every failure is in the login history");
}

#[sqlx::test(migrations = "../migrations")]
async fn writes_from_another_origin_are_refused(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let browser = Browser::new(&app);
    let form = [
        ("email", "ada@example.com"),
        ("display_name", "Ada"),
        ("password", ADMIN_PASSWORD),
        ("confirm", ADMIN_PASSWORD),
    ];
    let cross_site = browser
        .client
        .post(format!("{}/api/auth/setup", app.address))
        .header("origin", "https://evil.example")
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(cross_site.status(), 403);
    let fetch_metadata = browser
        .client
        .post(format!("{}/api/auth/setup", app.address))
        .header("sec-fetch-site", "cross-site")
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(fetch_metadata.status(), 403);
    let users: i64 = sqlx::query_scalar("select count(*) from users")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(users, 0, "nothing was created");
}

#[sqlx::test(migrations = "../migrations")]
async fn idle_and_absolute_expiry_sign_the_browser_out(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let (browser, admin) = setup_admin(&app).await;
    assert_eq!(browser.get("/").await.status(), 200);
    sqlx::query("update user_sessions set last_seen_at = now() - interval '31 minutes'")
        .execute(&pool)
        .await
        .unwrap();
    assert_eq!(
        location(&browser.get("/").await),
        "/login",
        "idle for longer than 30 minutes"
    );

    let other = sign_in(&app, &pool, &admin).await;
    assert_eq!(other.get("/").await.status(), 200);
    sqlx::query("update user_sessions set expires_at = now() - interval '1 second'")
        .execute(&pool)
        .await
        .unwrap();
    assert_eq!(location(&other.get("/").await), "/login", "past the absolute lifetime");
    let left: i64 = sqlx::query_scalar("select count(*) from user_sessions")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(left, 0, "expired sessions are deleted");
}

#[sqlx::test(migrations = "../migrations")]
async fn revoking_another_session_signs_that_browser_out(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let (first, admin) = setup_admin(&app).await;
    let second = sign_in(&app, &pool, &admin).await;
    let overview: serde_json::Value = first.call("/api/account/security", &[]).await.json().await.unwrap();
    let sessions = overview["sessions"].as_array().unwrap();
    assert_eq!(sessions.len(), 2);
    assert_eq!(sessions.iter().filter(|s| s["current"] == true).count(), 1);
    assert_eq!(sessions[0]["device"], "Chrome on Linux");
    let other = sessions.iter().find(|s| s["current"] == false).unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();

    let current = sessions.iter().find(|s| s["current"] == true).unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let self_revoke = first.call("/api/account/sessions/revoke", &[("id", &current)]).await;
    assert_eq!(error_kind(self_revoke).await["kind"], "conflict");

    assert_eq!(
        first
            .call("/api/account/sessions/revoke", &[("id", &other)])
            .await
            .status(),
        200
    );
    assert_eq!(location(&second.get("/").await), "/login");
    assert_eq!(
        first.get("/").await.status(),
        200,
        "the revoking browser stays signed in"
    );

    let third = sign_in(&app, &pool, &admin).await;
    let ended: u64 = first
        .call("/api/account/sessions/revoke-others", &[])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(ended, 1);
    assert_eq!(location(&third.get("/").await), "/login");
}

#[sqlx::test(migrations = "../migrations")]
async fn changing_the_password_needs_a_recent_code_and_ends_other_sessions(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let (browser, admin) = setup_admin(&app).await;
    let other = sign_in(&app, &pool, &admin).await;
    common::expire_step_up(&pool).await;
    let new_password = "violet harbor compass 1987 tide";
    common::remember_secrets([new_password]);
    let form = [
        ("current", ADMIN_PASSWORD),
        ("new", new_password),
        ("confirm", new_password),
    ];
    let refused = browser.call("/api/account/password", &form).await;
    assert_eq!(error_kind(refused).await["kind"], "step_up_required");

    common::step_up(&browser, &pool, &admin.key).await;
    let changed = browser.call("/api/account/password", &form).await;
    assert_eq!(changed.status(), 200, "{}", changed.text().await.unwrap());
    assert_eq!(
        location(&other.get("/").await),
        "/login",
        "other sessions end with a password change"
    );
    assert_eq!(browser.get("/").await.status(), 200);

    let old = Browser::new(&app)
        .call(
            "/api/auth/login",
            &[("email", &admin.email), ("password", ADMIN_PASSWORD)],
        )
        .await;
    assert_eq!(error_kind(old).await["kind"], "invalid");
    let new = Browser::new(&app)
        .call(
            "/api/auth/login",
            &[("email", &admin.email), ("password", new_password)],
        )
        .await;
    assert_eq!(new.status(), 200);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_hash_with_old_parameters_is_upgraded_at_sign_in(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let (_, admin) = setup_admin(&app).await;
    let weak = {
        use app::auth::server::password::PasswordHasher;
        let params = argon2_params(8192, 1);
        PasswordHasher::with_params(params)
            .hash(admin.password.clone().into())
            .await
            .unwrap()
    };
    sqlx::query("update users set password_hash = $1")
        .bind(&weak)
        .execute(&pool)
        .await
        .unwrap();
    let login = Browser::new(&app)
        .call(
            "/api/auth/login",
            &[("email", &admin.email), ("password", &admin.password)],
        )
        .await;
    assert_eq!(login.status(), 200);
    let stored: String = sqlx::query_scalar("select password_hash from users")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert!(stored.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{stored}");
}

fn argon2_params(m: u32, t: u32) -> argon2::Params {
    argon2::Params::new(m, t, 1, None).unwrap()
}

#[sqlx::test(migrations = "../migrations")]
async fn sign_in_and_account_changes_are_in_the_audit_log_without_secrets(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let (browser, admin) = setup_admin(&app).await;
    browser
        .call("/api/account/display-name", &[("display_name", "Ada L.")])
        .await;
    let actions: Vec<String> = sqlx::query_scalar("select action from audit_log order by id")
        .fetch_all(&pool)
        .await
        .unwrap();
    assert_eq!(
        actions,
        [
            "auth.setup",
            "auth.mfa.enrolled",
            "auth.login.succeeded",
            "user.display_name.changed"
        ]
    );
    let details: Vec<String> = sqlx::query_scalar("select detail::text from audit_log")
        .fetch_all(&pool)
        .await
        .unwrap();
    for detail in details {
        assert!(
            !detail.contains(&admin.password) && !detail.contains(&admin.key),
            "{detail}"
        );
        assert!(
            admin.recovery_codes.iter().all(|code| !detail.contains(code.as_str())),
            "{detail}"
        );
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn the_clean_up_job_deletes_only_expired_sessions(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let (browser, admin) = setup_admin(&app).await;
    let _stale = sign_in(&app, &pool, &admin).await;
    sqlx::query("update user_sessions set last_seen_at = now() - interval '2 hours' where id = (select id from user_sessions order by created_at desc limit 1)")
        .execute(&pool)
        .await
        .unwrap();
    let purged = server::jobs::purge_expired_sessions(&app.state).await.unwrap();
    assert!(purged >= 1);
    let left: i64 = sqlx::query_scalar("select count(*) from user_sessions")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(left, 1, "the active session stays");
    assert_eq!(browser.get("/").await.status(), 200);
}

#[sqlx::test(migrations = "../migrations")]
async fn regenerating_recovery_codes_needs_step_up_and_voids_the_old_ones(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let (browser, admin) = setup_admin(&app).await;
    common::expire_step_up(&pool).await;
    let refused = browser.call("/api/account/recovery-codes", &[]).await;
    assert_eq!(error_kind(refused).await["kind"], "step_up_required");

    common::step_up(&browser, &pool, &admin.key).await;
    let fresh: Vec<String> = browser
        .call("/api/account/recovery-codes", &[])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(fresh.len(), 10);
    common::remember_secrets(fresh.iter().map(String::as_str));

    let old = Browser::new(&app);
    old.call(
        "/api/auth/login",
        &[("email", &admin.email), ("password", &admin.password)],
    )
    .await;
    assert_eq!(
        error_kind(
            old.call("/api/auth/verify", &[("code", &admin.recovery_codes[0])])
                .await
        )
        .await["kind"],
        "invalid"
    );
    assert_eq!(
        old.call("/api/auth/verify", &[("code", &fresh[0])]).await.status(),
        200,
        "a new code works"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn re_enrolling_mfa_needs_step_up_and_replaces_the_key(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let (browser, admin) = setup_admin(&app).await;
    common::expire_step_up(&pool).await;
    let refused = browser.call("/api/auth/enroll/start", &[]).await;
    assert_eq!(error_kind(refused).await["kind"], "step_up_required");

    let before = browser.session_cookie();
    common::step_up(&browser, &pool, &admin.key).await;
    let started: serde_json::Value = browser.call("/api/auth/enroll/start", &[]).await.json().await.unwrap();
    let new_key = started["secret_base32"].as_str().unwrap().to_owned();
    assert_ne!(new_key, admin.key);
    common::remember_secrets([new_key.as_str()]);
    let done = browser
        .call("/api/auth/enroll/confirm", &[("code", &totp_now(&new_key))])
        .await;
    assert_eq!(done.status(), 200);
    assert_ne!(
        browser.session_cookie(),
        before,
        "the session id rotates at the privilege change"
    );
    assert_eq!(browser.get("/").await.status(), 200, "still signed in");

    let later = Browser::new(&app);
    later
        .call(
            "/api/auth/login",
            &[("email", &admin.email), ("password", &admin.password)],
        )
        .await;
    sqlx::query("update users set totp_last_step = null")
        .execute(&pool)
        .await
        .unwrap();
    let old_key = later.call("/api/auth/verify", &[("code", &totp_now(&admin.key))]).await;
    assert_eq!(
        error_kind(old_key).await["kind"],
        "invalid",
        "the old key no longer works"
    );
    assert_eq!(
        later
            .call("/api/auth/verify", &[("code", &totp_now(&new_key))])
            .await
            .status(),
        200
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn session_cookies_are_http_only_same_site_and_host_prefixed_over_https(pool: PgPool) {
    // Set up over plain HTTP, then sign in on a router configured for HTTPS.
    let plain = spawn_app(pool.clone()).await;
    let app = common::spawn_app_with_cookies(pool.clone(), true).await;
    let (_, admin) = setup_admin(&plain).await;
    let browser = Browser::new(&app);
    let login = browser
        .call(
            "/api/auth/login",
            &[("email", &admin.email), ("password", &admin.password)],
        )
        .await;
    let cookie = login.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(cookie.starts_with("__Host-gantry="), "{cookie}");
    for attribute in ["HttpOnly", "SameSite=Lax", "Secure", "Path=/"] {
        assert!(cookie.contains(attribute), "{attribute} in {cookie}");
    }
    assert!(!cookie.contains("Domain="), "{cookie}");
}

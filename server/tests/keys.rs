//! The key hierarchy against real PostgreSQL and real key files: envelopes under per-scope data
//! keys, root-key rotation, crash recovery of a rotation, wrong keys, and scoped references.

mod common;

use app::crypto::envelope;
use app::crypto::keyring::{root_key_id, Keyring, KeyringError, RootKeySource};
use app::crypto::MasterKey;
use app::secrets::server::keys::{rotate_root_key, Rotator};
use app::secrets::server::references::{resolve, ReferenceError};
use secrecy::ExposeSecret;
use sqlx::PgPool;
use uuid::Uuid;

const SCOPES: [&str; 3] = ["global", "service:a:production", "system:totp"];

async fn seal(pool: &PgPool, keyring: &Keyring, scope: &str, aad: &str, value: &str) -> Vec<u8> {
    seal_raw(pool, keyring, scope, aad.as_bytes(), value).await
}

async fn open(pool: &PgPool, keyring: &Keyring, aad: &str, sealed: &[u8]) -> Result<String, KeyringError> {
    let mut conn = pool.acquire().await.unwrap();
    let plain = envelope::open(&mut conn, keyring, aad.as_bytes(), sealed).await?;
    Ok(String::from_utf8(plain.to_vec()).unwrap())
}

fn key_file_id(dir: &std::path::Path) -> String {
    let text = std::fs::read_to_string(dir.join("master.key")).unwrap();
    root_key_id(&MasterKey::from_base64(&text).unwrap())
}

#[sqlx::test(migrations = "../migrations")]
async fn each_scope_gets_one_data_key_and_values_open_only_with_their_own_aad(pool: PgPool) {
    let dir = tempfile::tempdir().unwrap();
    let keyring = Keyring::open(RootKeySource::DataDir(dir.path().into()), &pool)
        .await
        .unwrap();
    assert!(
        keyring.generated_file().is_some(),
        "the first start generates the key file"
    );
    let a = seal(&pool, &keyring, "global", "gantry:secret:a:v1", "alpha").await;
    let b = seal(&pool, &keyring, "global", "gantry:secret:b:v1", "beta").await;
    seal(&pool, &keyring, "service:a:production", "gantry:secret:c:v1", "gamma").await;
    let keys: i64 = sqlx::query_scalar("select count(*) from data_keys")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(keys, 2, "one data key per scope");
    assert_eq!(open(&pool, &keyring, "gantry:secret:a:v1", &a).await.unwrap(), "alpha");
    assert!(
        open(&pool, &keyring, "gantry:secret:b:v1", &a).await.is_err(),
        "wrong AAD"
    );
    let mut tampered = b.clone();
    let last = tampered.len() - 1;
    tampered[last] ^= 1;
    assert!(
        open(&pool, &keyring, "gantry:secret:b:v1", &tampered).await.is_err(),
        "tampered"
    );

    let other = MasterKey::generate().to_base64();
    let wrong = Keyring::open(RootKeySource::Given(other.into()), &pool)
        .await
        .unwrap_err();
    assert!(matches!(wrong, KeyringError::WrongRootKey { .. }), "{wrong}");
}

#[sqlx::test(migrations = "../migrations")]
async fn rotating_the_root_key_rewraps_every_data_key_and_retires_the_old_key(pool: PgPool) {
    let dir = tempfile::tempdir().unwrap();
    let keyring = Keyring::open(RootKeySource::DataDir(dir.path().into()), &pool)
        .await
        .unwrap();
    let old_key = std::fs::read_to_string(dir.path().join("master.key")).unwrap();
    let old_id = keyring.active_id();
    let mut sealed = Vec::new();
    for (n, scope) in SCOPES.iter().enumerate() {
        let aad = format!("value:{n}");
        sealed.push((
            aad.clone(),
            seal(&pool, &keyring, scope, &aad, &format!("plain-{n}")).await,
        ));
    }
    let wrapped_before: Vec<Vec<u8>> = sqlx::query_scalar("select wrapped from data_keys order by id")
        .fetch_all(&pool)
        .await
        .unwrap();

    let rotator = Rotator {
        actor_id: None,
        actor_label: "test",
    };
    let rotation = rotate_root_key(&pool, &keyring, rotator, &Default::default())
        .await
        .unwrap();
    assert_eq!(rotation.retired, old_id);
    assert_eq!(rotation.data_keys, 3);
    assert_eq!(keyring.active_id(), rotation.active);
    assert_eq!(
        key_file_id(dir.path()),
        rotation.active,
        "the key file holds the new key"
    );
    assert!(!dir.path().join("master.key.next").exists());

    let statuses: Vec<(String, String)> = sqlx::query_as("select id, status from root_keys order by created_at")
        .fetch_all(&pool)
        .await
        .unwrap();
    assert_eq!(
        statuses,
        vec![(old_id, "retired".into()), (rotation.active.clone(), "active".into())]
    );
    let wrapped_after: Vec<Vec<u8>> = sqlx::query_scalar("select wrapped from data_keys order by id")
        .fetch_all(&pool)
        .await
        .unwrap();
    assert!(
        wrapped_before.iter().zip(&wrapped_after).all(|(a, b)| a != b),
        "every data key re-wrapped"
    );

    let restarted = Keyring::open(RootKeySource::DataDir(dir.path().into()), &pool)
        .await
        .unwrap();
    for (n, (aad, value)) in sealed.iter().enumerate() {
        assert_eq!(open(&pool, &restarted, aad, value).await.unwrap(), format!("plain-{n}"));
    }
    let retired = Keyring::open(RootKeySource::Given(old_key.trim().to_owned().into()), &pool).await;
    assert!(
        matches!(retired, Err(KeyringError::WrongRootKey { .. })),
        "the old key no longer opens the database"
    );
    let audited: i64 = sqlx::query_scalar("select count(*) from audit_log where action = 'keys.root.rotated'")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(audited, 1);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_rotation_interrupted_after_commit_is_finished_at_the_next_start(pool: PgPool) {
    let dir = tempfile::tempdir().unwrap();
    let keyring = Keyring::open(RootKeySource::DataDir(dir.path().into()), &pool)
        .await
        .unwrap();
    let sealed = seal(&pool, &keyring, "global", "aad", "survives").await;
    let old_key = std::fs::read_to_string(dir.path().join("master.key")).unwrap();
    let rotator = Rotator {
        actor_id: None,
        actor_label: "test",
    };
    rotate_root_key(&pool, &keyring, rotator, &Default::default())
        .await
        .unwrap();
    // Put the files back as a crash between the commit and the rename would leave them.
    std::fs::rename(dir.path().join("master.key"), dir.path().join("master.key.next")).unwrap();
    std::fs::write(dir.path().join("master.key"), old_key).unwrap();

    let restarted = Keyring::open(RootKeySource::DataDir(dir.path().into()), &pool)
        .await
        .unwrap();
    assert_eq!(
        key_file_id(dir.path()),
        restarted.active_id(),
        "the staged key was moved into place"
    );
    assert!(!dir.path().join("master.key.next").exists());
    assert_eq!(open(&pool, &restarted, "aad", &sealed).await.unwrap(), "survives");
}

#[sqlx::test(migrations = "../migrations")]
async fn a_rotation_that_never_committed_leaves_the_old_key_in_charge(pool: PgPool) {
    let dir = tempfile::tempdir().unwrap();
    let keyring = Keyring::open(RootKeySource::DataDir(dir.path().into()), &pool)
        .await
        .unwrap();
    let sealed = seal(&pool, &keyring, "global", "aad", "still-readable").await;
    let active = keyring.active_id();
    keyring.stage_next().unwrap();
    assert!(dir.path().join("master.key.next").exists());

    let restarted = Keyring::open(RootKeySource::DataDir(dir.path().into()), &pool)
        .await
        .unwrap();
    assert_eq!(restarted.active_id(), active);
    assert!(
        !dir.path().join("master.key.next").exists(),
        "the uncommitted key is removed"
    );
    assert_eq!(open(&pool, &restarted, "aad", &sealed).await.unwrap(), "still-readable");
}

#[sqlx::test(migrations = "../migrations")]
async fn another_process_picks_up_a_rotation_from_the_key_file(pool: PgPool) {
    let dir = tempfile::tempdir().unwrap();
    let server = Keyring::open(RootKeySource::DataDir(dir.path().into()), &pool)
        .await
        .unwrap();
    let cli = Keyring::open(RootKeySource::DataDir(dir.path().into()), &pool)
        .await
        .unwrap();
    let rotator = Rotator {
        actor_id: None,
        actor_label: "gantry keys rotate",
    };
    rotate_root_key(&pool, &cli, rotator, &Default::default())
        .await
        .unwrap();
    let sealed = seal(&pool, &server, "service:new:production", "aad", "after-rotation").await;
    assert_eq!(server.active_id(), cli.active_id(), "the server found the new key");
    assert_eq!(open(&pool, &server, "aad", &sealed).await.unwrap(), "after-rotation");
}

#[sqlx::test(migrations = "../migrations")]
async fn a_lost_key_file_is_an_error_and_no_new_key_is_generated(pool: PgPool) {
    let dir = tempfile::tempdir().unwrap();
    Keyring::open(RootKeySource::DataDir(dir.path().into()), &pool)
        .await
        .unwrap();
    std::fs::remove_file(dir.path().join("master.key")).unwrap();
    let lost = Keyring::open(RootKeySource::DataDir(dir.path().into()), &pool)
        .await
        .unwrap_err();
    assert!(matches!(lost, KeyringError::MissingKeyFile { .. }), "{lost}");
    assert!(lost.to_string().contains("restore the file"));
    assert!(
        !dir.path().join("master.key").exists(),
        "no replacement key was written"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn a_key_given_in_the_environment_cannot_be_rotated(pool: PgPool) {
    let key = MasterKey::generate().to_base64();
    let keyring = Keyring::open(RootKeySource::Given(key.into()), &pool).await.unwrap();
    let rotator = Rotator {
        actor_id: None,
        actor_label: "test",
    };
    let refused = rotate_root_key(&pool, &keyring, rotator, &Default::default())
        .await
        .unwrap_err();
    assert!(matches!(refused, KeyringError::NotRotatable));
}

#[sqlx::test(migrations = "../migrations")]
async fn a_service_resolves_its_own_and_global_secrets_but_never_another_services(pool: PgPool) {
    use app::secrets::server::value_aad;
    let keyring = Keyring::open(RootKeySource::Given(common::test_root_key().into()), &pool)
        .await
        .unwrap();
    let (a, b) = (Uuid::now_v7(), Uuid::now_v7());
    for (id, slug) in [(a, "api"), (b, "billing")] {
        sqlx::query(
            "insert into services (id, org_id, slug, name) values ($1, '00000000-0000-0000-0000-000000000001', $2, $2)",
        )
        .bind(id)
        .bind(slug)
        .execute(&pool)
        .await
        .unwrap();
    }
    let secrets = [
        ("SHARED", None, "shared-value"),
        ("DB_PASSWORD", Some(a), "a-db-password"),
        ("DB_PASSWORD", None, "global-db-password"),
        ("BILLING_ONLY", Some(b), "b-only-value"),
    ];
    for (name, service, value) in secrets {
        let id = Uuid::now_v7();
        sqlx::query(
            "insert into secrets (id, org_id, name, service_id, environment, current_version, created_by_label, updated_by_label) \
             values ($1, '00000000-0000-0000-0000-000000000001', $2, $3, $4, 1, 'test', 'test')",
        )
        .bind(id)
        .bind(name)
        .bind(service)
        .bind(service.map(|_| "production"))
        .execute(&pool)
        .await
        .unwrap();
        let scope = match service {
            Some(service) => format!("service:{service}:production"),
            None => "global".into(),
        };
        let sealed = seal_raw(&pool, &keyring, &scope, &value_aad(id, 1), value).await;
        sqlx::query("insert into secret_versions (secret_id, version, sealed, origin, created_by_label) values ($1, 1, $2, 'created', 'test')")
            .bind(id)
            .bind(sealed)
            .execute(&pool)
            .await
            .unwrap();
    }
    let mut tx = pool.begin().await.unwrap();
    let env = resolve(
        &mut tx,
        &keyring,
        a,
        "production",
        "db=${secret:DB_PASSWORD};s=${secret:SHARED};$${kept}",
        &Default::default(),
    )
    .await
    .unwrap();
    assert_eq!(
        env.expose_secret(),
        "db=a-db-password;s=shared-value;${kept}",
        "own scope wins over global"
    );
    let refused = resolve(
        &mut tx,
        &keyring,
        a,
        "production",
        "${secret:BILLING_ONLY}",
        &Default::default(),
    )
    .await;
    assert_eq!(refused.unwrap_err(), ReferenceError::Unknown("BILLING_ONLY".into()));
    let staging = resolve(
        &mut tx,
        &keyring,
        a,
        "staging",
        "${secret:DB_PASSWORD}",
        &Default::default(),
    )
    .await
    .unwrap();
    assert_eq!(
        staging.expose_secret(),
        "global-db-password",
        "another environment sees only global"
    );
    tx.commit().await.unwrap();
    let reads: i64 = sqlx::query_scalar(
        "select count(*) from audit_log where action = 'secret.read' and detail->>'purpose' = 'deploy'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(reads, 3, "every secret a deploy reads is audited");
}

async fn seal_raw(pool: &PgPool, keyring: &Keyring, scope: &str, aad: &[u8], value: &str) -> Vec<u8> {
    let mut tx = pool.begin().await.unwrap();
    let sealed = envelope::seal(&mut tx, keyring, scope, aad, value.as_bytes())
        .await
        .unwrap();
    tx.commit().await.unwrap();
    sealed
}

//! Root-key rotation and the encryption-keys page: every data key is re-wrapped by a new root
//! key in one transaction (no value is re-encrypted), then the old root key is retired.

use chrono::{DateTime, Utc};
use serde_json::json;
use sqlx::PgPool;
use uuid::Uuid;

use crate::audit::server::{record, NewAuditEntry};
use crate::crypto::envelope::{rewrap, KEYS_LOCK};
use crate::crypto::keyring::{Keyring, KeyringError, RootKeySource};
use crate::request_meta::RequestMeta;
use crate::secrets::types::{KeysOverview, RootKeyInfo};

/// What a rotation did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rotation {
    pub retired: String,
    pub active: String,
    pub data_keys: usize,
}

/// Who asked for a rotation, for the audit log.
pub struct Rotator<'a> {
    pub actor_id: Option<Uuid>,
    pub actor_label: &'a str,
}

/// Rotates the root key while Gantry keeps serving. Readers holding the old key in memory keep
/// working; other Gantry processes find the new key in the key file when they meet its id.
pub async fn rotate_root_key(
    pool: &PgPool,
    keyring: &Keyring,
    rotator: Rotator<'_>,
    meta: &RequestMeta,
) -> Result<Rotation, KeyringError> {
    if matches!(keyring.source(), RootKeySource::Given(_)) {
        return Err(KeyringError::NotRotatable);
    }
    let mut tx = pool.begin().await?;
    sqlx::query("select pg_advisory_xact_lock($1)")
        .bind(KEYS_LOCK)
        .execute(&mut *tx)
        .await?;
    let retired: String = sqlx::query_scalar("select id from root_keys where status = 'active' for update")
        .fetch_one(&mut *tx)
        .await?;
    let staged = keyring.stage_next()?;
    let result = async {
        let rows: Vec<(Uuid, String, String, Vec<u8>)> =
            sqlx::query_as("select id, scope, root_key_id, wrapped from data_keys order by id for update")
                .fetch_all(&mut *tx)
                .await?;
        sqlx::query("update root_keys set status = 'retired', retired_at = now() where id = $1")
            .bind(&retired)
            .execute(&mut *tx)
            .await?;
        sqlx::query("insert into root_keys (id, status, check_sealed) values ($1, 'active', $2)")
            .bind(&staged.id)
            .bind(&staged.check_sealed)
            .execute(&mut *tx)
            .await?;
        for (id, scope, root_key_id, wrapped) in &rows {
            let old = keyring.cipher(root_key_id)?;
            let rewrapped = rewrap(&old, &staged.cipher, *id, scope, wrapped)?;
            sqlx::query("update data_keys set root_key_id = $2, wrapped = $3, rewrapped_at = now() where id = $1")
                .bind(id)
                .bind(&staged.id)
                .bind(&rewrapped)
                .execute(&mut *tx)
                .await?;
        }
        let entry = NewAuditEntry {
            actor_id: rotator.actor_id,
            actor_label: rotator.actor_label.to_owned(),
            action: "keys.root.rotated".into(),
            object_type: "root_key".into(),
            object_id: Some(staged.id.clone()),
            detail: json!({ "retired": retired, "active": staged.id, "data_keys": rows.len() }),
        };
        record(&mut tx, entry, meta).await?;
        tx.commit().await?;
        Ok::<usize, KeyringError>(rows.len())
    }
    .await;
    match result {
        Ok(data_keys) => {
            keyring.finish_next(&staged)?;
            Ok(Rotation {
                retired,
                active: staged.id,
                data_keys,
            })
        }
        Err(err) => {
            keyring.discard_next();
            Err(err)
        }
    }
}

type RootKeyRow = (String, String, DateTime<Utc>, Option<DateTime<Utc>>);

/// The keys page: root keys, where the active one is kept, and data keys per root key.
pub async fn overview(pool: &PgPool, keyring: &Keyring) -> Result<KeysOverview, sqlx::Error> {
    let roots: Vec<RootKeyRow> =
        sqlx::query_as("select id, status, created_at, retired_at from root_keys order by created_at desc")
            .fetch_all(pool)
            .await?;
    let (data_keys, stale): (i64, i64) = sqlx::query_as(
        "select count(*), count(*) filter (where root_key_id <> (select id from root_keys where status = 'active')) \
         from data_keys",
    )
    .fetch_one(pool)
    .await?;
    Ok(KeysOverview {
        active_id: keyring.active_id(),
        source: keyring.source().describe(),
        rotatable: !matches!(keyring.source(), RootKeySource::Given(_)),
        root_keys: roots
            .into_iter()
            .map(|(id, status, created_at, retired_at)| RootKeyInfo {
                id,
                status,
                created_at: created_at.to_rfc3339(),
                retired_at: retired_at.map(|at| at.to_rfc3339()),
            })
            .collect(),
        data_keys,
        stale_data_keys: stale,
    })
}

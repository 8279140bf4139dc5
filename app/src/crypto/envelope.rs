//! Envelope encryption: values are sealed with their scope's data key; data keys are stored in
//! `data_keys` wrapped by the active root key.
//!
//! A sealed value is an [`Envelope`]: `0x01 || data key id (16 bytes) || nonce || ciphertext ||
//! tag`. It names the data key that sealed it, so a value keeps opening after its scope's key is
//! re-wrapped, and a value pasted into another row fails on its associated data.
//!
//! Root-key rotation holds an exclusive advisory lock while it re-wraps every data key; creating
//! a data key holds the same lock shared, so no data key can be wrapped by a retiring root key.

use secrecy::zeroize::Zeroizing;
use sqlx::{Connection, PgConnection};
use uuid::Uuid;

use super::keyring::{Keyring, KeyringError};
use super::{Cipher, CryptoError, MasterKey, NONCE_LEN, TAG_LEN};

/// The first byte of every envelope this version writes.
pub const ENVELOPE_V1: u8 = 1;
const ID_LEN: usize = 16;
/// The advisory lock shared by data-key creation and taken exclusively by root-key rotation.
pub const KEYS_LOCK: i64 = 0x6761_6e74_6b65_7973;

/// The parts of a sealed value.
#[derive(Debug, PartialEq, Eq)]
pub struct Envelope<'a> {
    pub data_key_id: Uuid,
    /// `nonce || ciphertext || tag`, as [`Cipher::seal`] makes it.
    pub body: &'a [u8],
}

impl<'a> Envelope<'a> {
    /// Reads an envelope; a wrong version or a short input is a typed error, never a panic.
    pub fn decode(bytes: &'a [u8]) -> Result<Self, CryptoError> {
        let (&version, rest) = bytes.split_first().ok_or(CryptoError::Malformed)?;
        if version != ENVELOPE_V1 {
            return Err(CryptoError::UnknownFormat(version));
        }
        if rest.len() < ID_LEN + NONCE_LEN + TAG_LEN {
            return Err(CryptoError::Malformed);
        }
        let (id, body) = rest.split_at(ID_LEN);
        let data_key_id = Uuid::from_slice(id).map_err(|_| CryptoError::Malformed)?;
        Ok(Self { data_key_id, body })
    }

    /// Writes an envelope.
    pub fn encode(data_key_id: Uuid, body: &[u8]) -> Vec<u8> {
        let mut bytes = Vec::with_capacity(1 + ID_LEN + body.len());
        bytes.push(ENVELOPE_V1);
        bytes.extend_from_slice(data_key_id.as_bytes());
        bytes.extend_from_slice(body);
        bytes
    }
}

/// The associated data that binds a wrapped data key to its id and scope.
pub fn wrap_aad(data_key_id: Uuid, scope: &str) -> Vec<u8> {
    format!("gantry:data-key:{data_key_id}:{scope}").into_bytes()
}

/// Opens a wrapped data key with `old` and wraps it again with `new` (root-key rotation).
pub fn rewrap(
    old: &Cipher,
    new: &Cipher,
    data_key_id: Uuid,
    scope: &str,
    wrapped: &[u8],
) -> Result<Vec<u8>, CryptoError> {
    let aad = wrap_aad(data_key_id, scope);
    let key = Zeroizing::new(old.open(&aad, wrapped)?);
    Ok(new.seal(&aad, &key))
}

/// Seals `plaintext` with the data key of `scope` (created on first use), bound to `aad`.
///
/// Call it on a transaction: a data key created here is committed with the caller's change.
pub async fn seal(
    conn: &mut PgConnection,
    keyring: &Keyring,
    scope: &str,
    aad: &[u8],
    plaintext: &[u8],
) -> Result<Vec<u8>, KeyringError> {
    let (id, cipher) = data_key_for_scope(conn, keyring, scope).await?;
    Ok(Envelope::encode(id, &cipher.seal(aad, plaintext)))
}

/// Opens a value made by [`seal`] with the same `aad`.
pub async fn open(
    conn: &mut PgConnection,
    keyring: &Keyring,
    aad: &[u8],
    sealed: &[u8],
) -> Result<Zeroizing<Vec<u8>>, KeyringError> {
    let envelope = Envelope::decode(sealed)?;
    let row: Option<(String, String, Vec<u8>)> =
        sqlx::query_as("select scope, root_key_id, wrapped from data_keys where id = $1")
            .bind(envelope.data_key_id)
            .fetch_optional(&mut *conn)
            .await?;
    let (scope, root_key_id, wrapped) = row.ok_or(CryptoError::Decrypt)?;
    let cipher = unwrap(keyring, envelope.data_key_id, &scope, &root_key_id, &wrapped)?;
    Ok(Zeroizing::new(cipher.open(aad, envelope.body)?))
}

fn unwrap(keyring: &Keyring, id: Uuid, scope: &str, root_key_id: &str, wrapped: &[u8]) -> Result<Cipher, KeyringError> {
    let root = keyring.cipher(root_key_id)?;
    let key = Zeroizing::new(root.open(&wrap_aad(id, scope), wrapped)?);
    Ok(Cipher::new(&MasterKey::from_bytes(&key)?))
}

async fn data_key_for_scope(
    conn: &mut PgConnection,
    keyring: &Keyring,
    scope: &str,
) -> Result<(Uuid, Cipher), KeyringError> {
    let mut tx = conn.begin().await?;
    sqlx::query("select pg_advisory_xact_lock_shared($1)")
        .bind(KEYS_LOCK)
        .execute(&mut *tx)
        .await?;
    let existing: Option<(Uuid, String, Vec<u8>)> =
        sqlx::query_as("select id, root_key_id, wrapped from data_keys where scope = $1")
            .bind(scope)
            .fetch_optional(&mut *tx)
            .await?;
    if let Some((id, root_key_id, wrapped)) = existing {
        let cipher = unwrap(keyring, id, scope, &root_key_id, &wrapped)?;
        tx.commit().await?;
        return Ok((id, cipher));
    }
    let root_key_id: String = sqlx::query_scalar("select id from root_keys where status = 'active'")
        .fetch_one(&mut *tx)
        .await?;
    let root = keyring.cipher(&root_key_id)?;
    let key = MasterKey::generate();
    let id = Uuid::now_v7();
    let wrapped = root.seal(&wrap_aad(id, scope), key.expose_bytes());
    sqlx::query("insert into data_keys (id, scope, root_key_id, wrapped) values ($1, $2, $3, $4)")
        .bind(id)
        .bind(scope)
        .bind(&root_key_id)
        .bind(&wrapped)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok((id, Cipher::new(&key)))
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn an_envelope_round_trips() {
        let id = Uuid::now_v7();
        let body = [7u8; NONCE_LEN + TAG_LEN + 3];
        let bytes = Envelope::encode(id, &body);
        let envelope = Envelope::decode(&bytes).expect("decodes");
        assert_eq!(envelope.data_key_id, id);
        assert_eq!(envelope.body, &body);
    }

    #[test]
    fn an_unknown_version_or_a_short_input_is_refused() {
        assert!(matches!(Envelope::decode(&[]), Err(CryptoError::Malformed)));
        let mut bytes = Envelope::encode(Uuid::now_v7(), &[0u8; NONCE_LEN + TAG_LEN]);
        bytes[0] = 2;
        assert!(matches!(Envelope::decode(&bytes), Err(CryptoError::UnknownFormat(2))));
        let short = Envelope::encode(Uuid::now_v7(), &[0u8; NONCE_LEN + TAG_LEN - 1]);
        assert!(matches!(Envelope::decode(&short), Err(CryptoError::Malformed)));
    }

    #[test]
    fn rewrapping_keeps_the_data_key_and_binds_it_to_its_scope() {
        let (old, new) = (Cipher::new(&MasterKey::generate()), Cipher::new(&MasterKey::generate()));
        let id = Uuid::now_v7();
        let wrapped = old.seal(&wrap_aad(id, "global"), b"0123456789abcdef0123456789abcdef");
        let rewrapped = rewrap(&old, &new, id, "global", &wrapped).expect("rewraps");
        assert_eq!(
            new.open(&wrap_aad(id, "global"), &rewrapped).expect("opens"),
            b"0123456789abcdef0123456789abcdef"
        );
        assert!(
            old.open(&wrap_aad(id, "global"), &rewrapped).is_err(),
            "the old key no longer opens it"
        );
        assert!(
            rewrap(&old, &new, id, "service:other", &wrapped).is_err(),
            "another scope's AAD fails"
        );
    }

    proptest! {
        #[test]
        fn decoding_arbitrary_bytes_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..128)) {
            if let Ok(envelope) = Envelope::decode(&bytes) {
                prop_assert_eq!(Envelope::encode(envelope.data_key_id, envelope.body), bytes);
            }
        }

        #[test]
        fn any_encoded_envelope_decodes_to_its_parts(id in any::<u128>(), body in proptest::collection::vec(any::<u8>(), NONCE_LEN + TAG_LEN..256)) {
            let id = Uuid::from_u128(id);
            let bytes = Envelope::encode(id, &body);
            let envelope = Envelope::decode(&bytes).expect("decodes");
            prop_assert_eq!(envelope.data_key_id, id);
            prop_assert_eq!(envelope.body, &body[..]);
        }
    }
}

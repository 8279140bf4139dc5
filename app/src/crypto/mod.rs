//! Encryption at rest: the master (root) key, AES-256-GCM sealing, and the key hierarchy.
//!
//! Every secret Gantry keeps in the database (TOTP seeds, secret values, integration tokens) is
//! sealed with a per-scope data key ([`envelope`]); data keys are stored wrapped by the root key
//! ([`keyring`]), which never enters the database, so a leaked dump or backup alone reveals
//! nothing, and rotating the root key only re-wraps data keys. The root key comes from
//! configuration, or from `<data dir>/master.key`, generated on first start when neither exists.
//! Callers pass associated data (AAD) naming what a value is and whom it belongs to (e.g.
//! `gantry:totp:<user id>`), so a sealed value copied into another row fails to open.

pub mod envelope;
pub mod keyring;

use std::fmt;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Key, Nonce};
use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;
use rand::rngs::OsRng;
use rand::RngCore;
use secrecy::zeroize::Zeroizing;
use secrecy::{ExposeSecret, SecretBox};

/// Length of an AES-256 key.
const KEY_LEN: usize = 32;
/// Length of a GCM nonce (96 bits, the size GCM is designed for).
const NONCE_LEN: usize = 12;
/// Length of the GCM authentication tag appended to the ciphertext.
const TAG_LEN: usize = 16;
/// Name of the generated key file inside the data directory.
pub const KEY_FILE_NAME: &str = "master.key";

/// What can go wrong loading keys or opening sealed values. Messages never include key material.
#[derive(Debug, thiserror::Error)]
pub enum CryptoError {
    #[error("invalid master key: {0}")]
    InvalidKey(&'static str),
    #[error("the master key file {path} is invalid: {reason}")]
    InvalidKeyFile { path: PathBuf, reason: &'static str },
    #[error("could not {action} the master key file {path}: {source}")]
    KeyFileIo {
        action: &'static str,
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error("sealed value is too short to be valid")]
    Malformed,
    #[error("sealed value could not be decrypted (wrong key, wrong context or tampered data)")]
    Decrypt,
    #[error("sealed value has an unknown format version {0}")]
    UnknownFormat(u8),
}

/// The 32-byte key every sealed value depends on. Zeroed on drop; `Debug` shows nothing of it.
pub struct MasterKey(SecretBox<[u8; KEY_LEN]>);

impl MasterKey {
    /// Parses a key given as standard base64 (44 characters) or as 64 hex characters.
    pub fn from_base64(encoded: &str) -> Result<Self, CryptoError> {
        let encoded = encoded.trim();
        // 64 hex characters can never be base64 of 32 bytes (that is 44 characters), so the
        // length alone tells the two forms apart without guessing.
        let bytes = if encoded.len() == 2 * KEY_LEN {
            Zeroizing::new(hex::decode(encoded).map_err(|_| CryptoError::InvalidKey(NOT_ENCODED))?)
        } else {
            Zeroizing::new(
                BASE64
                    .decode(encoded)
                    .map_err(|_| CryptoError::InvalidKey(NOT_ENCODED))?,
            )
        };
        if bytes.len() != KEY_LEN {
            return Err(CryptoError::InvalidKey("it must decode to exactly 32 bytes"));
        }
        // Filled in place so no stray copy of the key is left on the stack.
        Ok(Self(SecretBox::init_with_mut(|key: &mut [u8; KEY_LEN]| {
            key.copy_from_slice(&bytes)
        })))
    }

    /// A fresh key from the operating system's CSPRNG.
    pub fn generate() -> Self {
        Self(SecretBox::init_with_mut(|key: &mut [u8; KEY_LEN]| {
            OsRng.fill_bytes(key)
        }))
    }

    /// The raw key bytes: only for hashing into an id or wrapping a data key.
    pub(crate) fn expose_bytes(&self) -> &[u8; KEY_LEN] {
        self.0.expose_secret()
    }

    /// A key from exactly 32 raw bytes (an unwrapped data key).
    pub(crate) fn from_bytes(bytes: &[u8]) -> Result<Self, CryptoError> {
        if bytes.len() != KEY_LEN {
            return Err(CryptoError::Malformed);
        }
        Ok(Self(SecretBox::init_with_mut(|key: &mut [u8; KEY_LEN]| {
            key.copy_from_slice(bytes)
        })))
    }

    /// The key as standard base64: only for writing the key file once.
    pub fn to_base64(&self) -> String {
        BASE64.encode(self.0.expose_secret())
    }
}

const NOT_ENCODED: &str = "it is neither standard base64 nor 64 hex characters";

impl fmt::Debug for MasterKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("MasterKey([redacted])")
    }
}

/// Seals and opens values with AES-256-GCM under the master key.
#[derive(Clone)]
pub struct Cipher(Aes256Gcm);

impl Cipher {
    pub fn new(key: &MasterKey) -> Self {
        Self(Aes256Gcm::new(Key::<Aes256Gcm>::from_slice(key.0.expose_secret())))
    }

    /// Encrypts `plaintext` bound to `aad`; returns `nonce || ciphertext || tag`.
    ///
    /// The nonce is random per call: with 96 bits, collisions stay negligible for far more values
    /// than Gantry will ever seal under one key, and no counter has to survive restarts.
    pub fn seal(&self, aad: &[u8], plaintext: &[u8]) -> Vec<u8> {
        let mut nonce = [0u8; NONCE_LEN];
        OsRng.fill_bytes(&mut nonce);
        let ciphertext = self
            .0
            .encrypt(Nonce::from_slice(&nonce), Payload { msg: plaintext, aad })
            // Encryption only fails for inputs beyond GCM's limit (~64 GiB), far above any value
            // stored in a database row.
            .expect("AES-GCM encryption of an in-memory value cannot fail");
        let mut sealed = Vec::with_capacity(NONCE_LEN + ciphertext.len());
        sealed.extend_from_slice(&nonce);
        sealed.extend_from_slice(&ciphertext);
        sealed
    }

    /// Decrypts a value made by [`Cipher::seal`] with the same key and `aad`.
    pub fn open(&self, aad: &[u8], sealed: &[u8]) -> Result<Vec<u8>, CryptoError> {
        if sealed.len() < NONCE_LEN + TAG_LEN {
            return Err(CryptoError::Malformed);
        }
        let (nonce, ciphertext) = sealed.split_at(NONCE_LEN);
        self.0
            .decrypt(Nonce::from_slice(nonce), Payload { msg: ciphertext, aad })
            .map_err(|_| CryptoError::Decrypt)
    }
}

impl fmt::Debug for Cipher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Cipher(AES-256-GCM, [redacted])")
    }
}

/// Where the master key came from, so startup can log it (and warn loudly about a new file).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KeySource {
    /// Given in configuration (`GANTRY_MASTER_KEY` or its `_FILE` variant).
    Configured,
    /// Read from an existing key file.
    File(PathBuf),
    /// Generated now and written to this file: it must be backed up, or sealed data is lost.
    GeneratedFile(PathBuf),
}

/// The configured key if any; else `<data_dir>/master.key`, created (mode 0600) when absent.
pub fn load_or_create_master_key(
    configured: Option<&str>,
    data_dir: &Path,
) -> Result<(MasterKey, KeySource), CryptoError> {
    if let Some(encoded) = configured {
        return Ok((MasterKey::from_base64(encoded)?, KeySource::Configured));
    }
    let path = data_dir.join(KEY_FILE_NAME);
    match read_key_file(&path) {
        Ok(key) => return Ok((key, KeySource::File(path))),
        Err(CryptoError::KeyFileIo { source, .. }) if source.kind() == io::ErrorKind::NotFound => {}
        Err(e) => return Err(e),
    }
    let key = MasterKey::generate();
    if publish_key_file(&key, data_dir, &path)? {
        Ok((key, KeySource::GeneratedFile(path)))
    } else {
        // Another process created the file between our read and our write: use its key.
        Ok((read_key_file(&path)?, KeySource::File(path)))
    }
}

pub(crate) fn read_key_file(path: &Path) -> Result<MasterKey, CryptoError> {
    let contents = Zeroizing::new(fs::read_to_string(path).map_err(key_file_io("read", path))?);
    MasterKey::from_base64(&contents).map_err(|e| match e {
        CryptoError::InvalidKey(reason) => CryptoError::InvalidKeyFile {
            path: path.to_path_buf(),
            reason,
        },
        other => other,
    })
}

/// Writes the key to `path` without ever overwriting an existing file; `false` if one exists.
///
/// The key is written and synced to a private temporary file first, then hard-linked into place:
/// linking fails if the target exists, so two processes never overwrite each other, and no reader
/// can see a half-written key file (as it could with `create_new` followed by a write).
fn publish_key_file(key: &MasterKey, data_dir: &Path, path: &Path) -> Result<bool, CryptoError> {
    fs::create_dir_all(data_dir).map_err(key_file_io("create the directory for", path))?;
    let tmp = data_dir.join(format!(".{KEY_FILE_NAME}.{}.tmp", uuid::Uuid::new_v4()));
    let written = write_private_file(&tmp, key.to_base64().as_bytes()).map_err(key_file_io("write", &tmp));
    let linked = written.and_then(|()| match fs::hard_link(&tmp, path) {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Ok(false),
        Err(e) => Err(key_file_io("create", path)(e)),
    });
    // Best effort: a leftover temporary file is harmless, and the link result is what matters.
    let _ = fs::remove_file(&tmp);
    if linked? {
        // Sync the directory so the new name survives a crash: losing the key loses every secret.
        File::open(data_dir)
            .and_then(|dir| dir.sync_all())
            .map_err(key_file_io("sync the directory of", path))?;
        return Ok(true);
    }
    Ok(false)
}

pub(crate) fn write_private_file(path: &Path, contents: &[u8]) -> io::Result<()> {
    let mut file = OpenOptions::new().write(true).create_new(true).mode(0o600).open(path)?;
    file.write_all(contents)?;
    file.write_all(b"\n")?;
    file.sync_all()
}

fn key_file_io(action: &'static str, path: &Path) -> impl FnOnce(io::Error) -> CryptoError {
    let path = path.to_path_buf();
    move |source| CryptoError::KeyFileIo { action, path, source }
}

#[cfg(test)]
mod tests;

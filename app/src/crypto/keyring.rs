//! The root-key ring: which root key wraps the data keys, where that key is kept, and how a new
//! one replaces it without downtime.
//!
//! Root keys never enter the database. The database only knows each root key's id (a truncated,
//! domain-separated SHA-256 of the key) and a check value sealed with it, so starting with the
//! wrong key fails clearly instead of producing garbage later.
//!
//! Rotation stages the new key in `<key file>.next`, re-wraps every data key in one transaction,
//! then renames `.next` over the key file. A crash anywhere in between leaves a state that the
//! next start (or the next reload) resolves by asking the database which key is active.

use std::collections::HashMap;
use std::fs::{self, File};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::RwLock;

use secrecy::{ExposeSecret, SecretString};
use sha2::{Digest, Sha256};
use sqlx::PgPool;

use super::{load_or_create_master_key, write_private_file, Cipher, CryptoError, MasterKey, KEY_FILE_NAME};

const CHECK_PLAINTEXT: &[u8] = b"gantry root key check";

/// Where the root key comes from.
pub enum RootKeySource {
    /// Given directly (`GANTRY_MASTER_KEY`): Gantry cannot rewrite it, so it cannot rotate it.
    Given(SecretString),
    /// A file the operator named (`GANTRY_MASTER_KEY_FILE`); it must exist.
    File(PathBuf),
    /// `<data dir>/master.key`, created on first start.
    DataDir(PathBuf),
}

impl RootKeySource {
    /// The file holding the key, if the key lives in one.
    pub fn path(&self) -> Option<PathBuf> {
        match self {
            RootKeySource::Given(_) => None,
            RootKeySource::File(path) => Some(path.clone()),
            RootKeySource::DataDir(dir) => Some(dir.join(KEY_FILE_NAME)),
        }
    }

    /// Where the key is, in words for the keys page and the logs.
    pub fn describe(&self) -> String {
        match self {
            RootKeySource::Given(_) => "GANTRY_MASTER_KEY (environment)".into(),
            RootKeySource::File(path) => format!("{} (GANTRY_MASTER_KEY_FILE)", path.display()),
            RootKeySource::DataDir(dir) => format!("{} (generated)", dir.join(KEY_FILE_NAME).display()),
        }
    }
}

impl std::fmt::Debug for RootKeySource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.describe())
    }
}

/// What can go wrong with root keys. Messages never include key material.
#[derive(Debug, thiserror::Error)]
pub enum KeyringError {
    #[error(transparent)]
    Crypto(#[from] CryptoError),
    #[error("the master key does not match the one this database's data is encrypted with (the database expects root key {expected}, this key is {found}); start Gantry with that key (GANTRY_MASTER_KEY, GANTRY_MASTER_KEY_FILE or the data directory's master.key)")]
    WrongRootKey { expected: String, found: String },
    #[error("the master key file {path} is missing, but this database's data is encrypted with root key {expected}; restore the file from your backup (a new key cannot open existing data)")]
    MissingKeyFile { path: PathBuf, expected: String },
    #[error("data is encrypted with root key {0}, which this process does not have")]
    UnknownRootKey(String),
    #[error("the master key is given in GANTRY_MASTER_KEY, which Gantry cannot rewrite; keep it in a file named by GANTRY_MASTER_KEY_FILE to rotate it")]
    NotRotatable,
    #[error("could not {action} {path}: {source}")]
    Io {
        action: &'static str,
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
}

/// The id the database knows a root key by: 16 hex digits of a domain-separated SHA-256.
pub fn root_key_id(key: &MasterKey) -> String {
    let mut hash = Sha256::new();
    hash.update(b"gantry root key id v1\0");
    hash.update(key.expose_bytes());
    hex::encode(&hash.finalize()[..8])
}

fn check_aad(id: &str) -> Vec<u8> {
    format!("gantry:root-key-check:{id}").into_bytes()
}

/// A root key that is about to replace the active one.
pub struct StagedKey {
    pub id: String,
    pub cipher: Cipher,
    /// The check value to store with the key's row.
    pub check_sealed: Vec<u8>,
}

/// The root keys this process holds, and which one is active.
pub struct Keyring {
    source: RootKeySource,
    keys: RwLock<HashMap<String, Cipher>>,
    active: RwLock<String>,
    generated: Option<PathBuf>,
}

impl std::fmt::Debug for Keyring {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Keyring({}, active {})", self.source.describe(), self.active_id())
    }
}

impl Keyring {
    /// Loads the root key from `source` and proves it is the database's active root key, finishing
    /// or undoing a rotation a crash interrupted. On a new database the key becomes the first one.
    pub async fn open(source: RootKeySource, pool: &PgPool) -> Result<Self, KeyringError> {
        let active: Option<(String, Vec<u8>)> =
            sqlx::query_as("select id, check_sealed from root_keys where status = 'active'")
                .fetch_optional(pool)
                .await?;
        // A key file is generated only for a database that has no data yet: for one that has,
        // a missing file is lost data to restore, not a reason to start over with a new key.
        let (candidates, generated) = load_candidates(&source, active.is_none())?;
        if let (Some((expected, _)), true) = (&active, candidates.is_empty()) {
            return Err(KeyringError::MissingKeyFile {
                path: source.path().unwrap_or_default(),
                expected: expected.clone(),
            });
        }
        let (active_id, check) = match active {
            Some(row) => row,
            None => {
                let (id, cipher) = candidates.first().ok_or(KeyringError::UnknownRootKey("none".into()))?;
                sqlx::query(
                    "insert into root_keys (id, status, check_sealed) values ($1, 'active', $2) on conflict do nothing",
                )
                .bind(id)
                .bind(cipher.seal(&check_aad(id), CHECK_PLAINTEXT))
                .execute(pool)
                .await?;
                sqlx::query_as("select id, check_sealed from root_keys where status = 'active'")
                    .fetch_one(pool)
                    .await?
            }
        };
        let Some(position) = candidates.iter().position(|(id, _)| *id == active_id) else {
            let found = candidates
                .iter()
                .map(|(id, _)| id.as_str())
                .collect::<Vec<_>>()
                .join(", ");
            return Err(KeyringError::WrongRootKey {
                expected: active_id,
                found,
            });
        };
        let cipher = candidates[position].1.clone();
        match cipher.open(&check_aad(&active_id), &check) {
            Ok(plain) if plain == CHECK_PLAINTEXT => {}
            _ => {
                return Err(KeyringError::WrongRootKey {
                    expected: active_id.clone(),
                    found: active_id,
                })
            }
        }
        if let Some(path) = source.path() {
            let next = next_path(&path);
            if position == 0 && next.exists() {
                // A rotation staged a key but never committed: that key protects nothing.
                remove_file(&next)?;
            } else if position > 0 {
                // A rotation committed but crashed before the rename: finish it.
                replace_with(&next, &path)?;
            }
        }
        Ok(Self {
            source,
            keys: RwLock::new(HashMap::from([(active_id.clone(), cipher)])),
            active: RwLock::new(active_id),
            generated,
        })
    }

    /// The key file created by this start, if the key was generated now (it must be backed up).
    pub fn generated_file(&self) -> Option<&Path> {
        self.generated.as_deref()
    }

    /// Where the root key is kept.
    pub fn source(&self) -> &RootKeySource {
        &self.source
    }

    /// The id of the root key that wraps new data keys.
    pub fn active_id(&self) -> String {
        self.active.read().map(|id| id.clone()).unwrap_or_default()
    }

    /// The root key with `id`. A key this process lacks is looked for again in the key file, so a
    /// rotation done by `gantry keys rotate` in another process is picked up without a restart.
    pub fn cipher(&self, id: &str) -> Result<Cipher, KeyringError> {
        if let Some(cipher) = self.keys.read().ok().and_then(|keys| keys.get(id).cloned()) {
            return Ok(cipher);
        }
        let (candidates, _) = load_candidates(&self.source, false)?;
        let (_, cipher) = candidates
            .into_iter()
            .find(|(candidate, _)| candidate == id)
            .ok_or_else(|| KeyringError::UnknownRootKey(id.to_owned()))?;
        self.remember(id, cipher.clone(), true);
        Ok(cipher)
    }

    /// Generates the next root key and writes it to `<key file>.next`.
    pub fn stage_next(&self) -> Result<StagedKey, KeyringError> {
        let path = self.source.path().ok_or(KeyringError::NotRotatable)?;
        let key = MasterKey::generate();
        let id = root_key_id(&key);
        let next = next_path(&path);
        let dir = path.parent().unwrap_or(Path::new("."));
        let tmp = dir.join(format!(".{}.{}.tmp", file_name(&path), uuid::Uuid::new_v4()));
        write_private_file(&tmp, key.to_base64().as_bytes()).map_err(io_error("write", &tmp))?;
        replace_with(&tmp, &next)?;
        let cipher = Cipher::new(&key);
        let check_sealed = cipher.seal(&check_aad(&id), CHECK_PLAINTEXT);
        Ok(StagedKey {
            id,
            cipher,
            check_sealed,
        })
    }

    /// After the database committed the staged key: it becomes the key file and the active key.
    /// The retired key stays in memory so reads that started before the switch still open.
    pub fn finish_next(&self, staged: &StagedKey) -> Result<(), KeyringError> {
        self.remember(&staged.id, staged.cipher.clone(), true);
        let path = self.source.path().ok_or(KeyringError::NotRotatable)?;
        replace_with(&next_path(&path), &path)
    }

    /// After the database refused the staged key: forget it.
    pub fn discard_next(&self) {
        if let Some(path) = self.source.path() {
            let _ = fs::remove_file(next_path(&path));
        }
    }

    fn remember(&self, id: &str, cipher: Cipher, activate: bool) {
        if let Ok(mut keys) = self.keys.write() {
            keys.insert(id.to_owned(), cipher);
        }
        if activate {
            if let Ok(mut active) = self.active.write() {
                *active = id.to_owned();
            }
        }
    }
}

/// Root keys by id, in the order they were found.
type Candidates = Vec<(String, Cipher)>;

/// The keys the source offers: the key file first, then a staged `.next` key if there is one;
/// and the key file generated now, if any.
fn load_candidates(source: &RootKeySource, may_create: bool) -> Result<(Candidates, Option<PathBuf>), KeyringError> {
    let mut candidates = Vec::new();
    let mut generated = None;
    match source {
        RootKeySource::Given(encoded) => {
            let key = MasterKey::from_base64(encoded.expose_secret())?;
            candidates.push((root_key_id(&key), Cipher::new(&key)));
        }
        RootKeySource::File(path) => {
            candidates.push(read_candidate(path)?);
        }
        RootKeySource::DataDir(dir) => {
            let path = dir.join(KEY_FILE_NAME);
            if path.exists() || !may_create || next_path(&path).exists() {
                if path.exists() {
                    candidates.push(read_candidate(&path)?);
                }
            } else {
                let (key, key_source) = load_or_create_master_key(None, dir)?;
                if let super::KeySource::GeneratedFile(path) = key_source {
                    generated = Some(path);
                }
                candidates.push((root_key_id(&key), Cipher::new(&key)));
            }
        }
    }
    if let Some(path) = source.path() {
        let next = next_path(&path);
        if next.exists() {
            candidates.push(read_candidate(&next)?);
        }
    }
    Ok((candidates, generated))
}

fn read_candidate(path: &Path) -> Result<(String, Cipher), KeyringError> {
    let key = super::read_key_file(path)?;
    Ok((root_key_id(&key), Cipher::new(&key)))
}

fn next_path(path: &Path) -> PathBuf {
    path.with_file_name(format!("{}.next", file_name(path)))
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_else(|| KEY_FILE_NAME.to_owned())
}

/// Atomically puts `from` in place of `to`, and syncs the directory so the change survives a crash.
fn replace_with(from: &Path, to: &Path) -> Result<(), KeyringError> {
    fs::rename(from, to).map_err(io_error("rename a key file to", to))?;
    let dir = to.parent().unwrap_or(Path::new("."));
    File::open(dir)
        .and_then(|dir| dir.sync_all())
        .map_err(io_error("sync the directory of", to))
}

fn remove_file(path: &Path) -> Result<(), KeyringError> {
    fs::remove_file(path).map_err(io_error("remove", path))
}

fn io_error(action: &'static str, path: &Path) -> impl FnOnce(io::Error) -> KeyringError {
    let path = path.to_path_buf();
    move |source| KeyringError::Io { action, path, source }
}

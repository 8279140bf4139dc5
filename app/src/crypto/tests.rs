//! Tests of the master key and AES-256-GCM sealing.

use std::os::unix::fs::PermissionsExt;

use super::*;

fn cipher() -> Cipher {
    Cipher::new(&MasterKey::generate())
}

/// A fresh directory under the system temp dir, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> Self {
        let dir = std::env::temp_dir().join(format!("gantry-crypto-test-{}", uuid::Uuid::new_v4()));
        fs::create_dir_all(&dir).expect("create temp dir");
        Self(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

#[test]
fn a_sealed_value_opens_to_the_same_plaintext() {
    let cipher = cipher();
    let sealed = cipher.seal(b"totp:1", b"top secret");
    assert_eq!(sealed.len(), NONCE_LEN + b"top secret".len() + TAG_LEN);
    assert_eq!(cipher.open(b"totp:1", &sealed).expect("opens"), b"top secret");
}

#[test]
fn sealing_twice_uses_a_fresh_nonce() {
    let cipher = cipher();
    assert_ne!(cipher.seal(b"", b"same"), cipher.seal(b"", b"same"));
}

#[test]
fn tampered_ciphertext_fails_to_decrypt() {
    let cipher = cipher();
    let mut sealed = cipher.seal(b"aad", b"plaintext");
    let last = sealed.len() - 1;
    sealed[NONCE_LEN] ^= 1;
    assert!(matches!(cipher.open(b"aad", &sealed), Err(CryptoError::Decrypt)));
    sealed[NONCE_LEN] ^= 1;
    sealed[last] ^= 0x80;
    assert!(matches!(cipher.open(b"aad", &sealed), Err(CryptoError::Decrypt)));
}

#[test]
fn the_wrong_aad_fails_to_decrypt() {
    let cipher = cipher();
    let sealed = cipher.seal(b"totp:1", b"plaintext");
    assert!(matches!(cipher.open(b"totp:2", &sealed), Err(CryptoError::Decrypt)));
}

#[test]
fn the_wrong_key_fails_to_decrypt() {
    let sealed = cipher().seal(b"aad", b"plaintext");
    assert!(matches!(cipher().open(b"aad", &sealed), Err(CryptoError::Decrypt)));
}

#[test]
fn input_shorter_than_nonce_and_tag_is_malformed() {
    let cipher = cipher();
    assert!(matches!(cipher.open(b"", &[]), Err(CryptoError::Malformed)));
    assert!(matches!(
        cipher.open(b"", &[0u8; NONCE_LEN + TAG_LEN - 1]),
        Err(CryptoError::Malformed)
    ));
    // Exactly nonce + tag is an empty plaintext's shape: it gets as far as the tag check.
    assert!(matches!(
        cipher.open(b"", &[0u8; NONCE_LEN + TAG_LEN]),
        Err(CryptoError::Decrypt)
    ));
}

#[test]
fn a_key_round_trips_through_base64_and_hex() {
    let key = MasterKey::generate();
    let encoded = key.to_base64();
    let sealed = Cipher::new(&key).seal(b"", b"x");
    let from_base64 = MasterKey::from_base64(&encoded).expect("base64 key");
    assert_eq!(Cipher::new(&from_base64).open(b"", &sealed).expect("opens"), b"x");
    let hex = hex::encode(BASE64.decode(&encoded).expect("decodes"));
    let from_hex = MasterKey::from_base64(&hex).expect("hex key");
    assert_eq!(Cipher::new(&from_hex).open(b"", &sealed).expect("opens"), b"x");
}

#[test]
fn bad_keys_are_refused_without_echoing_them() {
    let short = BASE64.encode([7u8; 16]);
    let long_hex = "ab".repeat(33);
    for bad in [
        "not base64 at all!",
        short.as_str(),
        long_hex.as_str(),
        "zz".repeat(32).as_str(),
        "",
    ] {
        let error = MasterKey::from_base64(bad).expect_err("refused");
        assert!(matches!(error, CryptoError::InvalidKey(_)));
        let message = error.to_string();
        assert!(bad.is_empty() || !message.contains(bad), "{message} leaks the key");
    }
}

#[test]
fn debug_output_hides_the_key() {
    let key = MasterKey::generate();
    let encoded = key.to_base64();
    assert!(!format!("{key:?}").contains(&encoded));
    assert_eq!(format!("{:?}", Cipher::new(&key)), "Cipher(AES-256-GCM, [redacted])");
}

#[test]
fn a_configured_key_wins_over_the_key_file() {
    let dir = TempDir::new();
    let configured = MasterKey::generate().to_base64();
    let (key, source) = load_or_create_master_key(Some(&configured), &dir.0).expect("configured key");
    assert_eq!(source, KeySource::Configured);
    assert_eq!(key.to_base64(), configured);
    assert!(!dir.0.join(KEY_FILE_NAME).exists());
}

#[test]
fn the_key_file_is_created_private_then_reused() {
    let dir = TempDir::new();
    let path = dir.0.join(KEY_FILE_NAME);
    let (first, source) = load_or_create_master_key(None, &dir.0).expect("generated key");
    assert_eq!(source, KeySource::GeneratedFile(path.clone()));
    let mode = fs::metadata(&path).expect("key file").permissions().mode();
    assert_eq!(mode & 0o777, 0o600);

    let (second, source) = load_or_create_master_key(None, &dir.0).expect("reused key");
    assert_eq!(source, KeySource::File(path));
    assert_eq!(first.to_base64(), second.to_base64());
    let leftovers = fs::read_dir(&dir.0).expect("list dir").count();
    assert_eq!(leftovers, 1, "no temporary file is left behind");
}

#[test]
fn a_corrupt_key_file_is_an_error_not_a_new_key() {
    let dir = TempDir::new();
    fs::write(dir.0.join(KEY_FILE_NAME), "garbage").expect("write");
    let error = load_or_create_master_key(None, &dir.0).expect_err("refused");
    assert!(matches!(error, CryptoError::InvalidKeyFile { .. }));
}

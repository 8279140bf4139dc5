//! Argon2id password hashing on dedicated threads, off the async executor.

use std::cell::RefCell;
use std::num::NonZeroUsize;
use std::sync::{mpsc, Arc, Mutex};
use std::thread::available_parallelism;

use argon2::password_hash::{
    self,
    phc::{Output, ParamsString, Salt},
};
use argon2::{Algorithm, Argon2, Block, Params, PasswordHash, Version, ARGON2ID_IDENT};
use rand::distributions::{Alphanumeric, DistString};
use rand::rngs::OsRng;
use rand::RngCore;
use secrecy::{ExposeSecret, SecretString};
use subtle::ConstantTimeEq;
use tokio::sync::{oneshot, OnceCell};

/// What can go wrong hashing or verifying (never "wrong password": that is `Verified::ok`).
#[derive(Debug, thiserror::Error)]
pub enum PasswordError {
    #[error("stored password hash is not a valid PHC string: {0}")]
    InvalidHash(password_hash::phc::Error),
    #[error("argon2 failed: {0}")]
    Argon2(password_hash::Error),
    #[error("stored password hash lacks its salt or hash")]
    Incomplete,
    #[error("the password hashing threads stopped")]
    Closed,
}

/// The outcome of checking a password against a stored hash.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Verified {
    /// The password matches.
    pub ok: bool,
    /// The stored hash uses other parameters than today's: store a fresh hash after sign-in.
    pub needs_rehash: bool,
}

type Job = Box<dyn FnOnce() + Send>;

thread_local! {
    /// Each hashing thread keeps one argon2 work area (19 MiB at today's cost) for its whole
    /// life, so a sign-in allocates nothing big and memory stays flat under load.
    static WORK_AREA: RefCell<Vec<Block>> = const { RefCell::new(Vec::new()) };
}

/// Runs argon2 in this thread's reusable work area.
fn hash_in_work_area(
    argon2: &Argon2<'_>,
    params: &Params,
    password: &[u8],
    salt: &[u8],
    out: &mut [u8],
) -> Result<(), PasswordError> {
    WORK_AREA.with(|area| {
        let mut area = area.borrow_mut();
        let blocks = params.block_count();
        if area.len() < blocks {
            area.resize(blocks, Block::default());
        }
        argon2
            .hash_password_into_with_memory(password, salt, out, &mut area[..blocks])
            .map_err(|err| PasswordError::Argon2(err.into()))
    })
}

/// Hashes and verifies passwords with argon2id on a few dedicated threads (one per core), never
/// on the async executor. Each hash takes ~19 MiB and a core for tens of milliseconds; keeping
/// the work on the same few threads keeps that memory in a few allocator arenas instead of one
/// per blocking-pool thread (measured: RSS stayed near 880 MiB after 200 logins otherwise).
#[derive(Debug)]
pub struct PasswordHasher {
    jobs: Mutex<mpsc::Sender<Job>>,
    params: Params,
    /// Hash of a random password, for sign-ins with an unknown email (see `verify_dummy`).
    dummy: OnceCell<String>,
}

impl Default for PasswordHasher {
    fn default() -> Self {
        Self::new()
    }
}

impl PasswordHasher {
    /// Argon2id with OWASP's first recommended setting: m = 19 MiB, t = 2, p = 1.
    pub fn new() -> Self {
        Self::with_params(Params::DEFAULT)
    }

    /// A hasher with other argon2id parameters (tests use cheap ones).
    pub fn with_params(params: Params) -> Self {
        let cores = available_parallelism().map_or(1, NonZeroUsize::get);
        let (sender, receiver) = mpsc::channel::<Job>();
        let receiver = Arc::new(Mutex::new(receiver));
        for n in 0..cores {
            let receiver = Arc::clone(&receiver);
            let spawned = std::thread::Builder::new()
                .name(format!("argon2-{n}"))
                .spawn(move || loop {
                    // The lock is held only while waiting for the next job, not while hashing.
                    let job = match receiver.lock() {
                        Ok(queue) => queue.recv(),
                        Err(_) => return,
                    };
                    match job {
                        Ok(job) => job(),
                        // Every sender is gone: the hasher was dropped.
                        Err(_) => return,
                    }
                });
            if let Err(err) = spawned {
                tracing::error!(error = %err, "cannot start a password hashing thread");
            }
        }
        Self {
            jobs: Mutex::new(sender),
            params,
            dummy: OnceCell::new(),
        }
    }

    /// A PHC string (`$argon2id$v=19$m=...`) for `password`, with a fresh random salt.
    #[tracing::instrument(skip_all)]
    pub async fn hash(&self, password: SecretString) -> Result<String, PasswordError> {
        let params = self.params.clone();
        self.run_blocking(move || {
            let mut salt = [0u8; 16];
            OsRng.fill_bytes(&mut salt);
            let mut out = vec![0u8; params.output_len().unwrap_or(Params::DEFAULT_OUTPUT_LEN)];
            let argon2 = Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone());
            hash_in_work_area(&argon2, &params, password.expose_secret().as_bytes(), &salt, &mut out)?;
            let phc = PasswordHash {
                algorithm: ARGON2ID_IDENT,
                version: Some(Version::V0x13.into()),
                params: ParamsString::try_from(&params).map_err(PasswordError::Argon2)?,
                salt: Some(Salt::new(&salt).map_err(PasswordError::InvalidHash)?),
                hash: Some(Output::new(&out).map_err(PasswordError::InvalidHash)?),
            };
            Ok(phc.to_string())
        })
        .await
    }

    /// Checks `password` against a stored PHC string, using the parameters recorded in it.
    #[tracing::instrument(skip_all)]
    pub async fn verify(&self, password: SecretString, phc: &str) -> Result<Verified, PasswordError> {
        let stored = PasswordHash::new(phc).map_err(PasswordError::InvalidHash)?;
        let needs_rehash = self.needs_rehash(&stored);
        let ok = self
            .run_blocking(move || {
                let params = Params::try_from(&stored).map_err(PasswordError::Argon2)?;
                let algorithm = Algorithm::try_from(stored.algorithm.as_str()).map_err(PasswordError::Argon2)?;
                let version = match stored.version {
                    Some(version) => Version::try_from(version).map_err(|err| PasswordError::Argon2(err.into()))?,
                    None => Version::default(),
                };
                let (Some(salt), Some(expected)) = (stored.salt, stored.hash) else {
                    return Err(PasswordError::Incomplete);
                };
                let argon2 = Argon2::new(algorithm, version, params.clone());
                let mut out = vec![0u8; expected.len()];
                hash_in_work_area(
                    &argon2,
                    &params,
                    password.expose_secret().as_bytes(),
                    salt.as_ref(),
                    &mut out,
                )?;
                Ok(bool::from(out.as_slice().ct_eq(expected.as_bytes())))
            })
            .await?;
        Ok(Verified { ok, needs_rehash })
    }

    /// Spends the same time as [`PasswordHasher::verify`] for a sign-in whose email matches no
    /// account, so response times do not reveal which emails exist.
    ///
    /// The dummy hash is made on first use, so only that first call costs one hash more.
    #[tracing::instrument(skip_all)]
    pub async fn verify_dummy(&self, password: SecretString) {
        let dummy = self
            .dummy
            .get_or_try_init(|| self.hash(SecretString::from(Alphanumeric.sample_string(&mut OsRng, 32))))
            .await;
        let outcome = match dummy {
            Ok(dummy) => self.verify(password, dummy).await.map(|_| ()),
            Err(e) => Err(e),
        };
        if let Err(e) = outcome {
            tracing::warn!(error = %e, "dummy password verification failed");
        }
    }

    /// Whether `stored` was made with another algorithm, version or cost than today's.
    fn needs_rehash(&self, stored: &PasswordHash) -> bool {
        let Ok(params) = Params::try_from(stored) else {
            return true;
        };
        let current_output_len = self.params.output_len().unwrap_or(Params::DEFAULT_OUTPUT_LEN);
        stored.algorithm != ARGON2ID_IDENT
            || stored.version != Some(Version::V0x13.into())
            || params.m_cost() != self.params.m_cost()
            || params.t_cost() != self.params.t_cost()
            || params.p_cost() != self.params.p_cost()
            || params.output_len() != Some(current_output_len)
    }

    /// Queues CPU-heavy `work` for the hashing threads and waits for its result. Queued work
    /// runs even if the caller stops waiting, so the threads are never oversubscribed.
    async fn run_blocking<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> Result<T, PasswordError> + Send + 'static,
    ) -> Result<T, PasswordError> {
        let (reply, result) = oneshot::channel();
        let job: Job = Box::new(move || {
            let _ = reply.send(work());
        });
        self.jobs
            .lock()
            .map_err(|_| PasswordError::Closed)?
            .send(job)
            .map_err(|_| PasswordError::Closed)?;
        result.await.map_err(|_| PasswordError::Closed)?
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use argon2::PasswordHasher as _;

    /// Cheap parameters so tests run fast; the real ones are checked where they matter.
    fn cheap() -> PasswordHasher {
        PasswordHasher::with_params(Params::new(64, 1, 1, None).expect("valid params"))
    }

    fn secret(password: &str) -> SecretString {
        SecretString::from(password.to_owned())
    }

    #[tokio::test]
    async fn a_hashed_password_verifies() {
        let hasher = cheap();
        let phc = hasher.hash(secret("correct horse battery")).await.expect("hash");
        let verified = hasher
            .verify(secret("correct horse battery"), &phc)
            .await
            .expect("verify");
        assert_eq!(
            verified,
            Verified {
                ok: true,
                needs_rehash: false
            }
        );
    }

    #[tokio::test]
    async fn a_wrong_password_does_not_verify() {
        let hasher = cheap();
        let phc = hasher.hash(secret("correct horse battery")).await.expect("hash");
        let verified = hasher
            .verify(secret("correct horse battery!"), &phc)
            .await
            .expect("verify");
        assert!(!verified.ok);
    }

    #[tokio::test]
    async fn the_default_hash_is_argon2id_with_owasp_parameters() {
        let hasher = PasswordHasher::new();
        let phc = hasher.hash(secret("correct horse battery")).await.expect("hash");
        assert!(phc.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{phc}");
        let verified = hasher
            .verify(secret("correct horse battery"), &phc)
            .await
            .expect("verify");
        assert_eq!(
            verified,
            Verified {
                ok: true,
                needs_rehash: false
            }
        );
    }

    #[tokio::test]
    async fn a_hash_with_other_parameters_needs_rehash() {
        let phc = cheap().hash(secret("correct horse battery")).await.expect("hash");
        let other = PasswordHasher::with_params(Params::new(64, 2, 1, None).expect("valid params"));
        let verified = other
            .verify(secret("correct horse battery"), &phc)
            .await
            .expect("verify");
        assert_eq!(
            verified,
            Verified {
                ok: true,
                needs_rehash: true
            }
        );
    }

    #[tokio::test]
    async fn an_argon2i_hash_needs_rehash() {
        let params = Params::new(64, 1, 1, None).expect("valid params");
        let argon2i = Argon2::new(Algorithm::Argon2i, Version::V0x13, params);
        let phc = argon2i
            .hash_password(b"correct horse battery")
            .expect("hash")
            .to_string();
        let verified = cheap()
            .verify(secret("correct horse battery"), &phc)
            .await
            .expect("verify");
        assert_eq!(
            verified,
            Verified {
                ok: true,
                needs_rehash: true
            }
        );
    }

    #[tokio::test]
    async fn a_malformed_stored_hash_is_an_error() {
        let outcome = cheap().verify(secret("anything at all"), "not a phc string").await;
        assert!(matches!(outcome, Err(PasswordError::InvalidHash(_))));
    }

    #[tokio::test]
    async fn the_dummy_verification_reuses_one_hash() {
        let hasher = cheap();
        hasher.verify_dummy(secret("whatever")).await;
        let first = hasher.dummy.get().cloned().expect("dummy hash made");
        hasher.verify_dummy(secret("whatever else")).await;
        assert_eq!(hasher.dummy.get(), Some(&first));
    }
}

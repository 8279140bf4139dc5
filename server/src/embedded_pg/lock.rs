//! One Gantry per data directory: an exclusive lock on `<data dir>/gantry.lock`, released by the
//! kernel when the process exits, however it exits.
//!
//! A process forked by another thread holds a copy of the lock's descriptor until it execs (the
//! descriptor is close-on-exec), so a lock that was just released can look held for a few
//! milliseconds. Acquiring retries for [`SETTLE`] before it names the holder.

use std::{
    fs::{File, OpenOptions, TryLockError},
    io::{Read, Seek, SeekFrom, Write},
    path::{Path, PathBuf},
    time::Duration,
};

use super::EmbeddedError;

/// How long a held lock is retried before it counts as held by another Gantry.
const SETTLE: Duration = Duration::from_millis(750);
const RETRY_EVERY: Duration = Duration::from_millis(25);

/// Held for as long as this process uses the data directory.
#[derive(Debug)]
pub struct DataDirLock {
    _file: File,
    path: PathBuf,
}

impl DataDirLock {
    /// Takes the lock, or says which process holds it.
    pub async fn acquire(data_dir: &Path) -> Result<Self, EmbeddedError> {
        let path = data_dir.join("gantry.lock");
        let io = |source| EmbeddedError::Io {
            action: format!("open {}", path.display()),
            source,
        };
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(io)?;
        let deadline = tokio::time::Instant::now() + SETTLE;
        loop {
            match file.try_lock() {
                Ok(()) => break,
                Err(TryLockError::WouldBlock) if tokio::time::Instant::now() < deadline => {
                    tokio::time::sleep(RETRY_EVERY).await;
                }
                Err(TryLockError::WouldBlock) => {
                    let mut holder = String::new();
                    let _ = file.read_to_string(&mut holder);
                    return Err(EmbeddedError::AlreadyRunning {
                        data_dir: data_dir.to_path_buf(),
                        pid: holder.trim().to_owned(),
                    });
                }
                Err(TryLockError::Error(source)) => {
                    return Err(EmbeddedError::Io {
                        action: format!("lock {}", path.display()),
                        source,
                    })
                }
            }
        }
        let write = |file: &mut File| -> std::io::Result<()> {
            file.set_len(0)?;
            file.seek(SeekFrom::Start(0))?;
            writeln!(file, "{}", std::process::id())?;
            file.sync_all()
        };
        write(&mut file).map_err(|source| EmbeddedError::Io {
            action: format!("write {}", path.display()),
            source,
        })?;
        Ok(Self { _file: file, path })
    }

    /// Where the lock lives.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

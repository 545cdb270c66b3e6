//! Owner locks: each process that opens a library holds an exclusive lock on its own file in
//! `tmp/`. A lock file that can be locked by someone else belongs to a process that is gone.

use super::{Result, io_at};
use std::fs::{self, File, TryLockError};
use std::path::{Path, PathBuf};

#[derive(Debug)]
pub(super) struct Owner {
    token: String,
    temp_dir: PathBuf,
    /// Holding the file holds the lock; dropping it releases the lock.
    _lock: File,
}

impl Owner {
    pub(super) fn acquire(tmp: &Path) -> Result<Self> {
        let token = new_token();
        // Lock under a name recovery ignores, then rename: a lock file under its final name is
        // always already locked while its owner lives.
        let pending = tmp.join(format!("{token}.lock.new"));
        let file = super::modes::create_private_file(&pending).map_err(io_at(&pending))?;
        file.lock().map_err(io_at(&pending))?;
        let path = tmp.join(format!("{token}.lock"));
        fs::rename(&pending, &path).map_err(io_at(&path))?;
        let temp_dir = tmp.join(&token);
        super::modes::create_private_dir_all(&temp_dir).map_err(io_at(&temp_dir))?;
        Ok(Self {
            token,
            temp_dir,
            _lock: file,
        })
    }

    pub(super) fn token(&self) -> &str {
        &self.token
    }

    pub(super) fn temp_dir(&self) -> &Path {
        &self.temp_dir
    }
}

impl Drop for Owner {
    fn drop(&mut self) {
        // A clean exit leaves nothing for recovery to do.
        let _ = fs::remove_dir_all(&self.temp_dir);
        let _ = fs::remove_file(self.temp_dir.with_extension("lock"));
    }
}

/// Whether the owner of `lock_path` is gone. Returns the locked file when it is, so the caller
/// can clean up while nobody can take the token over.
pub(super) fn lock_if_dead(lock_path: &Path) -> Option<File> {
    let file = File::options()
        .read(true)
        .write(true)
        .open(lock_path)
        .ok()?;
    match file.try_lock() {
        Ok(()) => Some(file),
        Err(TryLockError::WouldBlock | TryLockError::Error(_)) => None,
    }
}

/// A random-enough token: process id, time and an address, hashed.
fn new_token() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let local = 0u8;
    let seed = format!(
        "{}-{nanos}-{:p}-{:?}",
        std::process::id(),
        &raw const local,
        std::thread::current().id()
    );
    blake3::hash(seed.as_bytes()).to_hex()[..16].to_owned()
}

//! Owner locks: each process that opens a library holds an exclusive lock on its own file in
//! `tmp/`. A lock file that can be locked by someone else belongs to a process that is gone.
//!
//! A clinic library's `tmp/` is on a share that several workstations use, and `flock` there
//! does not reliably reach other machines (SMB and NFS clients may keep it to themselves):
//! another workstation could take a live process for dead and roll back its import. So a
//! clinic's owner lock is held in the clinic's database instead (`catalogue::owners`), on a
//! connection of the process's own; the lock file only names the token and the workstation.
//! No lock is exclusive to the library: every workstation imports and edits at once.

use super::{Result, io_at};
use crate::catalogue::Catalogue;
use std::fs::{self, File, TryLockError};
use std::path::{Path, PathBuf};

#[derive(Debug)]
pub(super) struct Owner {
    token: String,
    temp_dir: PathBuf,
    /// Holding it holds the lock; dropping it releases the lock.
    _lock: Hold,
}

/// What holds an owner lock: kept, never read.
#[derive(Debug)]
#[allow(dead_code)]
enum Hold {
    /// An exclusive `flock` on the lock file (a personal library).
    File(File),
    /// A session lock in the clinic's database, on this connection (a clinic library),
    /// which nothing else uses (the mutex only makes the library shareable between threads).
    Database(std::sync::Mutex<Catalogue>),
}

impl Owner {
    pub(super) fn acquire(tmp: &Path) -> Result<Self> {
        let token = new_token();
        // Lock under a name recovery ignores, then rename: a lock file under its final name is
        // always already locked while its owner lives.
        let pending = pending_path(tmp, &token);
        let file = super::modes::create_private_file(&pending).map_err(io_at(&pending))?;
        file.lock().map_err(io_at(&pending))?;
        Self::publish(tmp, token, Hold::File(file))
    }

    /// The owner lock of a process opening a clinic library: held in the clinic's database
    /// on `held` (a connection of its own, kept open and unused), taken before the lock file
    /// (which names this workstation, for recovery's clean-up of files outside the library)
    /// and the temporary folder appear.
    pub(super) fn acquire_clinic(tmp: &Path, mut held: Catalogue) -> Result<Self> {
        let token = new_token();
        held.hold_owner_lock(&token)?;
        let pending = pending_path(tmp, &token);
        fs::write(&pending, workstation()).map_err(io_at(&pending))?;
        Self::publish(tmp, token, Hold::Database(std::sync::Mutex::new(held)))
    }

    /// Renames the lock file under its final name, then makes the temporary folder.
    fn publish(tmp: &Path, token: String, lock: Hold) -> Result<Self> {
        let pending = pending_path(tmp, &token);
        let path = tmp.join(format!("{token}.lock"));
        fs::rename(&pending, &path).map_err(io_at(&path))?;
        let temp_dir = tmp.join(&token);
        super::modes::create_private_dir_all(&temp_dir).map_err(io_at(&temp_dir))?;
        Ok(Self {
            token,
            temp_dir,
            _lock: lock,
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

/// A lock file before it is published, under a name recovery ignores for a while.
fn pending_path(tmp: &Path, token: &str) -> PathBuf {
    tmp.join(format!("{token}.lock.new"))
}

/// This workstation, as a clinic's lock files name it.
pub(super) fn workstation() -> String {
    crate::catalogue::clinic::workstation()
}

/// Whether the lock file at `lock_path` was written by this workstation (a clinic's; a
/// personal library's lock files are empty and always local).
pub(super) fn written_here(lock_path: &Path) -> bool {
    fs::read_to_string(lock_path).is_ok_and(|host| host.is_empty() || host == workstation())
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

//! Rolling back what dead processes left unfinished: their claimed-but-uncommitted originals
//! and caches, their temporary files, their lock files.

use super::owner::lock_if_dead;
use super::{Library, Result, io_at};
use crate::model::ContentHash;
use std::fs;
use std::io;
use std::time::{Duration, SystemTime};

/// What recovery undid.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct RecoveryReport {
    /// Originals of imports that never committed, removed with their caches.
    pub rolled_back: Vec<ContentHash>,
    /// Processes that had died holding the library.
    pub dead_owners: usize,
}

fn remove_if_present(result: io::Result<()>) -> io::Result<()> {
    match result {
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        other => other,
    }
}

impl Library {
    /// Rolls back the unfinished work of every process that is gone. Safe to run while other
    /// live processes use the library: their locks keep their work out of reach.
    pub fn recover(&self) -> Result<RecoveryReport> {
        let tmp = self.root.join("tmp");
        let mut catalogue = self.catalogue()?;
        // Whether the process `token` named is gone. Its lock file can be locked (a personal
        // library), or its lock in the clinic's database is free, and then taken on
        // `catalogue` until recovery is done, so that no other workstation cleans up the same
        // process at once. `flock` on a clinic's share is never asked: it may not reach other
        // machines.
        let clinic = self.is_clinic();
        let mut dead = Vec::new();
        for entry in fs::read_dir(&tmp).map_err(io_at(&tmp))? {
            let entry = entry.map_err(io_at(&tmp))?;
            let name = entry.file_name().to_string_lossy().into_owned();
            if let Some(token) = name.strip_suffix(".lock") {
                if token == self.owner() {
                    continue;
                }
                if clinic {
                    if catalogue.take_dead_owner_lock(token)? {
                        dead.push((token.to_owned(), None));
                    }
                } else if let Some(lock) = lock_if_dead(&entry.path()) {
                    dead.push((token.to_owned(), Some(lock)));
                }
            } else if name.ends_with(".lock.new") {
                // A process died between creating and publishing its lock; give a live one
                // ample time to finish that step before calling it debris.
                let old = entry.metadata().and_then(|m| m.modified()).is_ok_and(|t| {
                    SystemTime::now().duration_since(t).unwrap_or_default() > Duration::from_mins(1)
                });
                if old {
                    remove_if_present(fs::remove_file(entry.path()))
                        .map_err(io_at(&entry.path()))?;
                }
            }
        }
        for owner in catalogue.claim_owners()? {
            if owner == self.owner() || dead.iter().any(|(t, _)| *t == owner) {
                continue;
            }
            let gone = if clinic {
                catalogue.take_dead_owner_lock(&owner)?
            } else {
                !tmp.join(format!("{owner}.lock")).exists()
            };
            if gone {
                dead.push((owner, None));
            }
        }
        let mut report = RecoveryReport {
            dead_owners: dead.len(),
            ..RecoveryReport::default()
        };
        for (owner, lock) in dead {
            let claims = if clinic {
                // Forget the claims first, in one transaction: an import of a process taken
                // for dead that is in fact alive (out of the database's reach a while) then
                // fails to commit (`ClaimLost`) rather than committing a photo whose file
                // is about to go.
                catalogue.take_claims_of(&owner)?
            } else {
                catalogue.claims_of(&owner)?
            };
            for (hash, extension, has_row) in &claims {
                if !has_row {
                    self.remove_photo_files(hash, extension)?;
                    report.rolled_back.push(hash.clone());
                }
            }
            // Only a write when there is something to forget: opening must not queue behind
            // another process's write for nothing.
            if !clinic && !claims.is_empty() {
                catalogue.drop_claims_of(&owner)?;
            }
            let dir = tmp.join(&owner);
            let lock_path = tmp.join(format!("{owner}.lock"));
            // Files outside the library are on the machine that wrote them.
            if !clinic || super::owner::written_here(&lock_path) {
                super::outside::remove_leftovers(&dir);
            }
            remove_if_present(fs::remove_dir_all(&dir)).map_err(io_at(&dir))?;
            remove_if_present(fs::remove_file(&lock_path)).map_err(io_at(&lock_path))?;
            drop(lock);
            if clinic {
                catalogue.release_owner_lock(&owner)?;
            }
        }
        // Finish any purge of the trash a crash interrupted (its rows are already gone).
        let purges = catalogue.pending_purges()?;
        for (hash, extension) in &purges {
            self.remove_photo_files(hash, extension)?;
        }
        let hashes: Vec<ContentHash> = purges.into_iter().map(|(h, _)| h).collect();
        catalogue.finish_purge(&hashes)?;
        // Temporary folders whose lock file is gone belong to nobody (a live process publishes
        // its lock before it creates its folder).
        for entry in fs::read_dir(&tmp).map_err(io_at(&tmp))? {
            let entry = entry.map_err(io_at(&tmp))?;
            let name = entry.file_name().to_string_lossy().into_owned();
            if entry.path().is_dir()
                && name != self.owner()
                && !tmp.join(format!("{name}.lock")).exists()
                && (!clinic || catalogue.take_dead_owner_lock(&name)?)
            {
                super::outside::remove_leftovers(&entry.path());
                remove_if_present(fs::remove_dir_all(entry.path()))
                    .map_err(io_at(&entry.path()))?;
            }
        }
        Ok(report)
    }
}

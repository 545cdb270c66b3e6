//! The import journal (`pending_import`): the catalogue half of crash-safe import.
//!
//! An importer claims a hash before it writes anything into the library; the claim and the
//! photo row are swapped in one transaction when the import finishes. A claim whose owner
//! process is gone marks work that recovery must undo.

use super::db::Conn;
use super::{Catalogue, Result};
use crate::model::{ContentHash, PhotoId};
use rusqlite::{OptionalExtension, params};

/// What claiming a hash found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Claim {
    /// The hash is ours to import.
    Claimed,
    /// The same bytes are in the library already.
    Duplicate(PhotoId),
    /// Another importer (this or another process) is importing the same bytes right now.
    InProgress,
}

impl Catalogue {
    /// Claims `hash` for `owner` unless the photo exists or someone else is importing it.
    pub fn claim_import(
        &mut self,
        hash: &ContentHash,
        owner: &str,
        extension: &str,
    ) -> Result<Claim> {
        self.write(|tx| {
            // The photo holding these bytes, as its own original or as a companion.
            let existing: Option<PhotoId> = tx
                .prepare_cached(
                    "SELECT id FROM photo WHERE hash = ?1
                     UNION ALL SELECT photo_id FROM photo_companion WHERE hash = ?1",
                )?
                .query_row([hash], |r| r.get(0))
                .optional()?;
            if let Some(id) = existing {
                return Ok(Claim::Duplicate(id));
            }
            // Bytes whose files are being purged from the trash: wait until that is done.
            let purging: bool = tx
                .prepare_cached("SELECT EXISTS (SELECT 1 FROM pending_purge WHERE hash = ?1)")?
                .query_row([hash], |r| r.get(0))?;
            if purging {
                return Ok(Claim::InProgress);
            }
            let inserted = tx.prepare_cached(
                "INSERT INTO pending_import (hash, owner, extension, started_at) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (hash) DO NOTHING",
            )?
            .execute(params![hash, owner, extension, chrono::Utc::now()])?;
            Ok(if inserted == 1 { Claim::Claimed } else { Claim::InProgress })
        })
    }

    /// Gives a claim up after a failed import whose files have been removed.
    pub fn release_claim(&mut self, hash: &ContentHash, owner: &str) -> Result<()> {
        self.write(|tx| {
            tx.prepare_cached("DELETE FROM pending_import WHERE hash = ?1 AND owner = ?2")?
                .execute(params![hash, owner])?;
            Ok(())
        })
    }

    /// The owners that have claims open.
    pub fn claim_owners(&mut self) -> Result<Vec<String>> {
        self.read(|tx| {
            let mut stmt = tx.prepare("SELECT DISTINCT owner FROM pending_import")?;
            let rows = stmt.query_map([], |r| r.get(0))?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
    }

    /// The claims of one owner: hash, extension, and whether the row holding it (a photo's
    /// or a companion's) exists.
    pub fn claims_of(&mut self, owner: &str) -> Result<Vec<(ContentHash, String, bool)>> {
        self.read(|tx| claims_of(tx, owner))
    }

    /// The claims of a dead owner (as [`Catalogue::claims_of`]), forgotten in the same
    /// transaction: on a clinic, before recovery removes their files, so that an import of
    /// that owner cannot commit any more.
    pub fn take_claims_of(&mut self, owner: &str) -> Result<Vec<(ContentHash, String, bool)>> {
        self.write(|tx| {
            let claims = claims_of(tx, owner)?;
            if !claims.is_empty() {
                tx.execute("DELETE FROM pending_import WHERE owner = ?1", [owner])?;
            }
            Ok(claims)
        })
    }

    /// Forgets all claims of a dead owner once recovery has removed their files.
    pub fn drop_claims_of(&mut self, owner: &str) -> Result<()> {
        self.write(|tx| {
            tx.execute("DELETE FROM pending_import WHERE owner = ?1", [owner])?;
            Ok(())
        })
    }
}

fn claims_of(tx: &Conn, owner: &str) -> Result<Vec<(ContentHash, String, bool)>> {
    let mut stmt = tx.prepare(
        "SELECT p.hash, p.extension,
             EXISTS (SELECT 1 FROM photo WHERE photo.hash = p.hash)
             OR EXISTS (SELECT 1 FROM photo_companion c WHERE c.hash = p.hash)
         FROM pending_import p WHERE p.owner = ?1",
    )?;
    let rows = stmt.query_map([owner], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_is_claimed_once() {
        let mut cat = crate::testing::catalogue();
        let h = ContentHash::of(b"x");
        assert_eq!(cat.claim_import(&h, "a", "jpg").unwrap(), Claim::Claimed);
        assert_eq!(cat.claim_import(&h, "b", "jpg").unwrap(), Claim::InProgress);
        assert_eq!(cat.claim_owners().unwrap(), vec!["a".to_string()]);
        cat.release_claim(&h, "b").unwrap();
        assert_eq!(cat.claims_of("a").unwrap().len(), 1);
        cat.release_claim(&h, "a").unwrap();
        assert_eq!(cat.claim_import(&h, "b", "jpg").unwrap(), Claim::Claimed);
        cat.drop_claims_of("b").unwrap();
        assert!(cat.claim_owners().unwrap().is_empty());
    }
}

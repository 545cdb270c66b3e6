//! The trash: soft delete and restore, and emptying it (rows and files) crash-safely.

use super::browse::require_photos;
use super::{Catalogue, Result};
use crate::model::{ContentHash, PhotoId};
use rusqlite::params;

pub(super) const TRASH_COUNT_SQL: &str = "SELECT count(*) FROM photo WHERE trashed_at IS NOT NULL";

impl Catalogue {
    /// Moves photos to the trash; returns how many were not there already.
    pub fn trash(&mut self, ids: &[PhotoId]) -> Result<usize> {
        self.write(|tx| {
            require_photos(tx, ids)?;
            let mut stmt = tx.prepare_cached(
                "UPDATE photo SET trashed_at = ?2 WHERE id = ?1 AND trashed_at IS NULL",
            )?;
            let now = chrono::Utc::now();
            let mut n = 0;
            for id in ids {
                n += stmt.execute(params![id, now])?;
            }
            Ok(n)
        })
    }

    /// Takes photos back out of the trash.
    pub fn restore(&mut self, ids: &[PhotoId]) -> Result<usize> {
        self.write(|tx| {
            require_photos(tx, ids)?;
            let mut stmt = tx.prepare_cached(
                "UPDATE photo SET trashed_at = NULL WHERE id = ?1 AND trashed_at IS NOT NULL",
            )?;
            let mut n = 0;
            for id in ids {
                n += stmt.execute([id])?;
            }
            Ok(n)
        })
    }

    pub fn trash_count(&mut self) -> Result<usize> {
        self.read(|tx| {
            Ok(tx.query_row(
                "SELECT count(*) FROM photo WHERE trashed_at IS NOT NULL",
                [],
                |r| r.get(0),
            )?)
        })
    }

    /// First half of emptying the trash: deletes the trashed rows and records their files
    /// (the photos' own originals and their companions) in the purge journal, in one
    /// transaction. Returns how many photos were removed and the files to delete.
    pub fn begin_purge(&mut self) -> Result<(usize, Vec<(ContentHash, String)>)> {
        self.write(|tx| {
            tx.execute(
                "INSERT INTO pending_purge (hash, extension)
                 SELECT hash, CASE format WHEN 'jpeg' THEN 'jpg' WHEN 'tiff' THEN 'tif'
                     WHEN 'heif' THEN 'heic' ELSE format END
                 FROM (SELECT hash, format FROM photo WHERE trashed_at IS NOT NULL
                       UNION ALL
                       SELECT c.hash, c.format FROM photo_companion c
                       JOIN photo ON photo.id = c.photo_id WHERE photo.trashed_at IS NOT NULL) AS purged
                 WHERE true ON CONFLICT DO NOTHING",
                [],
            )?;
            let photos = tx.execute("DELETE FROM photo WHERE trashed_at IS NOT NULL", [])?;
            Ok((photos, pending_purges(tx)?))
        })
    }

    /// Files whose rows are gone but which may still be on disk.
    pub fn pending_purges(&mut self) -> Result<Vec<(ContentHash, String)>> {
        self.read(pending_purges)
    }

    /// Last half of emptying the trash: forgets files that have been deleted.
    pub fn finish_purge(&mut self, hashes: &[ContentHash]) -> Result<()> {
        // Opening a library runs this: with nothing to forget it must not wait for the lock.
        if hashes.is_empty() {
            return Ok(());
        }
        self.write(|tx| {
            let mut stmt = tx.prepare_cached("DELETE FROM pending_purge WHERE hash = ?1")?;
            for hash in hashes {
                stmt.execute([hash])?;
            }
            Ok(())
        })
    }
}

fn pending_purges(conn: &super::db::Conn) -> Result<Vec<(ContentHash, String)>> {
    let mut stmt =
        conn.prepare_cached("SELECT hash, extension FROM pending_purge ORDER BY hash")?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

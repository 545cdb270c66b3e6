//! Companion originals: a camera RAW kept byte for byte beside the photo that shows its JPEG
//! (or HEIF) twin. A companion is one of the library's originals, without previews of its own:
//! [`Catalogue::stored_originals`] lists it with the photos' own, so verify, backup and the
//! purge of the trash keep each companion with its photo without knowing about pairs.

use super::db::{Conn, Row};
use super::{Catalogue, Result, all_rows};
use crate::model::{ContentHash, PhotoFormat, PhotoId};
use rusqlite::params;

/// A companion original of a photo, as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Companion {
    pub hash: ContentHash,
    pub format: PhotoFormat,
    /// The file's name, printable (see `model::printable`).
    pub original_name: String,
    pub file_size: u64,
}

/// One original file the library stores: a photo's own (shown, with previews) or a companion.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredOriginal {
    pub photo: PhotoId,
    pub hash: ContentHash,
    pub format: PhotoFormat,
    /// The photo's own original (its previews and thumbnail are made from it); false for a
    /// companion, which has none.
    pub shown: bool,
}

/// Every stored original, photos' own and companions, trashed or not, by photo.
const STORED_ORIGINALS_SQL: &str = "SELECT id, hash, format, 1 FROM photo
     UNION ALL SELECT photo_id, hash, format, 0 FROM photo_companion
     ORDER BY 1, 4 DESC, 2";

pub(super) fn insert_companion(conn: &Conn, photo: PhotoId, c: &Companion) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO photo_companion (photo_id, hash, format, original_name, file_size)
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![
        photo,
        c.hash,
        c.format,
        c.original_name,
        c.file_size
    ])?;
    Ok(())
}

fn companion_from_row(r: &Row<'_>) -> rusqlite::Result<(PhotoId, Companion)> {
    Ok((
        r.get(0)?,
        Companion {
            hash: r.get(1)?,
            format: r.get(2)?,
            original_name: r.get(3)?,
            file_size: r.get(4)?,
        },
    ))
}

impl Catalogue {
    /// Stores a companion of a photo already in the library (its RAW, imported after its JPEG)
    /// and removes the companion's journal claim, in one transaction.
    pub fn attach_companion(
        &mut self,
        photo: PhotoId,
        companion: &Companion,
        owner: &str,
        before_commit: impl FnOnce(),
    ) -> Result<()> {
        // Called once, on the attempt that commits (a PostgreSQL write may run again).
        let mut before_commit = Some(before_commit);
        self.write(|tx| {
            super::photos::get_photo(tx, photo)?;
            insert_companion(tx, photo, companion)?;
            let unclaimed = tx
                .prepare_cached("DELETE FROM pending_import WHERE hash = ?1 AND owner = ?2")?
                .execute(params![companion.hash, owner])?;
            if unclaimed == 0 {
                // Rolled back by recovery elsewhere, which took this process for dead.
                return Err(super::CatalogueError::ClaimLost {
                    hash: companion.hash.to_string(),
                });
            }
            if let Some(hook) = before_commit.take() {
                hook();
            }
            Ok(())
        })
    }

    /// A photo's companion originals, by name.
    pub fn companions(&mut self, photo: PhotoId) -> Result<Vec<Companion>> {
        self.read(|tx| {
            let rows = all_rows(
                tx,
                "SELECT photo_id, hash, format, original_name, file_size FROM photo_companion
                 WHERE photo_id = ?1 ORDER BY original_name, hash",
                [photo],
                companion_from_row,
            )?;
            Ok(rows.into_iter().map(|(_, c)| c).collect())
        })
    }

    /// The companions of every photo not in the trash, by photo (for listings).
    pub fn all_companions(&mut self) -> Result<Vec<(PhotoId, Companion)>> {
        self.read(|tx| {
            all_rows(
                tx,
                "SELECT c.photo_id, c.hash, c.format, c.original_name, c.file_size
                 FROM photo_companion c JOIN photo ON photo.id = c.photo_id
                 WHERE photo.trashed_at IS NULL ORDER BY c.photo_id, c.original_name, c.hash",
                [],
                companion_from_row,
            )
        })
    }

    /// Every original the library stores (each photo's own, then its companions), trashed
    /// or not: what verify checks, backup copies and recovery accounts for.
    pub fn stored_originals(&mut self) -> Result<Vec<StoredOriginal>> {
        self.read(|tx| {
            all_rows(tx, STORED_ORIGINALS_SQL, [], |r| {
                Ok(StoredOriginal {
                    photo: r.get(0)?,
                    hash: r.get(1)?,
                    format: r.get(2)?,
                    shown: r.get(3)?,
                })
            })
        })
    }
}

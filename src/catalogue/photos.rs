//! Photos: inserting an imported photo with its tags, and reading them back.

use super::db::{Conn, Row};
use super::series::Assignment;
use super::{Catalogue, CatalogueError, Result};
use crate::model::{
    ContentHash, PersonId, Photo, PhotoFormat, PhotoId, TakenAt, TermId, VocabKind,
};
use chrono::NaiveDate;
use rusqlite::{OptionalExtension, params};
use std::collections::HashMap;

pub(super) const PHOTO_COLUMNS: &str = "photo.id, photo.hash, photo.format, photo.original_name, photo.file_size, \
     photo.width, photo.height, photo.taken_at, photo.taken_at_offset_min, photo.taken_at_estimated, \
     photo.camera, photo.view, photo.lighting, photo.person_id, photo.series_id, photo.session_id, \
     photo.notes, photo.imported_at, photo.trashed_at, photo.taken_at_source, photo.colour_profile";

/// How many columns [`PHOTO_COLUMNS`] selects: joined columns follow from here.
pub(super) const PHOTO_COLUMN_COUNT: usize = 21;

impl Photo {
    pub(super) fn from_row(row: &Row<'_>) -> rusqlite::Result<Self> {
        let local_text: String = row.get(7)?;
        let local = TakenAt::parse_local_text(&local_text).ok_or_else(|| {
            rusqlite::Error::FromSqlConversionFailure(
                7,
                rusqlite::types::Type::Text,
                format!("bad taken_at {local_text:?}").into(),
            )
        })?;
        let offset = row
            .get::<_, Option<i32>>(8)?
            .and_then(TakenAt::offset_from_minutes);
        Ok(Self {
            id: row.get(0)?,
            hash: row.get(1)?,
            format: row.get(2)?,
            original_name: row.get(3)?,
            file_size: row.get(4)?,
            width: row.get(5)?,
            height: row.get(6)?,
            taken_at: TakenAt {
                local,
                offset,
                estimated: row.get(9)?,
                source: row.get(19)?,
            },
            camera: row.get(10)?,
            view: row.get(11)?,
            lighting: row.get(12)?,
            person: row.get(13)?,
            series: row.get(14)?,
            session: row.get(15)?,
            notes: row.get(16)?,
            imported_at: row.get(17)?,
            trashed_at: row.get(18)?,
            colour_profile: row.get(20)?,
        })
    }
}

/// Photos not in the trash: all minus trashed, both counts an index answers.
pub(super) const COUNT_NOT_TRASHED_SQL: &str = "SELECT (SELECT count(*) FROM photo) - \
     (SELECT count(*) FROM photo WHERE trashed_at IS NOT NULL)";
/// People, and photos not in the trash.
pub(super) const COUNTS_SQL: &str = "SELECT (SELECT count(*) FROM person), \
     (SELECT count(*) FROM photo) - (SELECT count(*) FROM photo WHERE trashed_at IS NOT NULL)";

/// What the import pipeline learned about a new photo.
#[derive(Clone, Debug, PartialEq)]
pub struct NewPhoto {
    pub hash: ContentHash,
    pub format: PhotoFormat,
    /// The file's name, printable (see `model::printable`).
    pub original_name: String,
    /// The name's exact bytes when they differ from `original_name` (not UTF-8, say).
    pub original_name_raw: Option<Vec<u8>>,
    pub file_size: u64,
    pub width: u32,
    pub height: u32,
    pub taken_at: TakenAt,
    pub camera: Option<String>,
    /// The embedded colour profile the previews were converted from (None: sRGB assumed).
    pub colour_profile: Option<String>,
    /// What went wrong reading the file, though it was imported (shown by the inspector).
    pub warnings: Vec<String>,
}

/// A photo with the names of what it belongs to and its tags, as listed.
#[derive(Clone, Debug, PartialEq)]
pub struct PhotoListing {
    pub photo: Photo,
    pub person_name: Option<String>,
    pub series_title: Option<String>,
    pub session_date: Option<NaiveDate>,
    /// Area keys, in vocabulary order.
    pub areas: Vec<String>,
    /// Concern keys, in vocabulary order.
    pub concerns: Vec<String>,
}

fn insert_photo(conn: &Conn, new: &NewPhoto, a: &Assignment) -> Result<PhotoId> {
    let id = conn.insert_id(
        "INSERT INTO photo (hash, format, original_name, file_size, width, height, taken_at,
             taken_at_offset_min, taken_at_estimated, camera, view, lighting, person_id, series_id,
             session_id, imported_at, taken_at_source, colour_profile, original_name_raw)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18,
                 ?19) RETURNING id",
        params![
            new.hash,
            new.format,
            new.original_name,
            new.file_size,
            new.width,
            new.height,
            new.taken_at.local_text(),
            new.taken_at.offset_minutes(),
            new.taken_at.estimated,
            new.camera,
            a.view,
            a.lighting,
            a.person,
            a.series,
            a.session,
            chrono::Utc::now(),
            new.taken_at.source,
            new.colour_profile,
            new.original_name_raw,
        ],
    )?;
    let id = PhotoId(id);
    add_terms(conn, id, &a.terms)?;
    add_warnings(conn, id, &new.warnings)?;
    Ok(id)
}

fn add_warnings(conn: &Conn, photo: PhotoId, warnings: &[String]) -> Result<()> {
    let mut stmt =
        conn.prepare_cached("INSERT INTO photo_warning (photo_id, n, text) VALUES (?1, ?2, ?3)")?;
    for (n, text) in warnings.iter().enumerate() {
        stmt.execute(params![photo, n as i64, text])?;
    }
    Ok(())
}

fn add_terms(conn: &Conn, photo: PhotoId, terms: &[TermId]) -> Result<()> {
    let mut stmt = conn.prepare_cached(
        "INSERT INTO photo_term (photo_id, term_id) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
    )?;
    for term in terms {
        stmt.execute(params![photo, term])?;
    }
    Ok(())
}

pub(super) fn get_photo(conn: &Conn, id: PhotoId) -> Result<Photo> {
    let sql = format!("SELECT {PHOTO_COLUMNS} FROM photo WHERE id = ?1");
    conn.query_row(&sql, [id], Photo::from_row)
        .optional()?
        .ok_or(CatalogueError::NotFound {
            what: "photo",
            id: id.0,
        })
}

/// Area and concern keys of every photo matching `filter` (an SQL condition on `photo`).
/// Area keys and concern keys of each photo.
type TagKeys = HashMap<PhotoId, (Vec<String>, Vec<String>)>;

fn term_keys(conn: &Conn, filter: &str, person: Option<PersonId>) -> Result<TagKeys> {
    let sql = format!(
        "SELECT pt.photo_id, term.kind, term.key FROM photo_term pt
         JOIN term ON term.id = pt.term_id
         JOIN photo ON photo.id = pt.photo_id
         WHERE {filter}
         ORDER BY pt.photo_id, term.builtin DESC, CASE term.builtin WHEN 1 THEN term.id END, term.name"
    );
    let mut stmt = conn.prepare(&sql)?;
    let mut rows = stmt.query(params![person])?;
    let mut map = TagKeys::new();
    while let Some(row) = rows.next()? {
        let entry = map.entry(row.get(0)?).or_default();
        let key: String = row.get(2)?;
        if row.get_ref(1)?.as_str().map_err(rusqlite::Error::from)? == "area" {
            entry.0.push(key);
        } else {
            entry.1.push(key);
        }
    }
    Ok(map)
}

impl Catalogue {
    /// Inserts an imported photo with its assignment and tags and removes its journal claim,
    /// all in one transaction. `before_commit` runs inside the transaction (a crash test hook).
    pub fn finish_import(
        &mut self,
        new: &NewPhoto,
        assignment: &Assignment,
        owner: &str,
        before_commit: impl FnOnce(),
    ) -> Result<PhotoId> {
        self.finish_import_with(new, &[], assignment, owner, before_commit)
    }

    /// [`Self::finish_import`] with companion originals (a RAW beside its JPEG), whose files
    /// are in place and whose hashes `owner` has claimed: the photo, its companions and the
    /// removal of every claim are one transaction.
    pub fn finish_import_with(
        &mut self,
        new: &NewPhoto,
        companions: &[super::Companion],
        assignment: &Assignment,
        owner: &str,
        before_commit: impl FnOnce(),
    ) -> Result<PhotoId> {
        // Called once, on the attempt that commits (a PostgreSQL write may run again).
        let mut before_commit = Some(before_commit);
        self.write(|tx| {
            super::audit::importing(tx)?;
            let id = insert_photo(tx, new, assignment)?;
            let mut unclaim =
                tx.prepare_cached("DELETE FROM pending_import WHERE hash = ?1 AND owner = ?2")?;
            // The claims must still be ours: recovery elsewhere may have rolled them back (and
            // removed the files) when it took this process for dead.
            let mut claimed = |hash: &ContentHash| -> Result<()> {
                match unclaim.execute(params![hash, owner])? {
                    0 => Err(CatalogueError::ClaimLost {
                        hash: hash.to_string(),
                    }),
                    _ => Ok(()),
                }
            };
            claimed(&new.hash)?;
            for companion in companions {
                super::companion::insert_companion(tx, id, companion)?;
                claimed(&companion.hash)?;
            }
            if let Some(hook) = before_commit.take() {
                hook();
            }
            Ok(id)
        })
    }

    /// Inserts many photos whose files are already in place, in one transaction. For
    /// generated benchmark libraries: real imports go through the journal instead.
    pub fn insert_photos_bulk(&mut self, photos: &[(NewPhoto, Assignment)]) -> Result<()> {
        self.write(|tx| {
            for (new, assignment) in photos {
                insert_photo(tx, new, assignment)?;
            }
            Ok(())
        })
    }

    /// The exact bytes of a photo's original file name.
    pub fn original_name_bytes(&mut self, id: PhotoId) -> Result<Vec<u8>> {
        self.read(|tx| {
            let (name, raw): (String, Option<Vec<u8>>) = tx
                .query_row(
                    "SELECT original_name, original_name_raw FROM photo WHERE id = ?1",
                    [id],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?
                .ok_or(CatalogueError::NotFound {
                    what: "photo",
                    id: id.0,
                })?;
            Ok(raw.unwrap_or_else(|| name.into_bytes()))
        })
    }

    pub fn photo(&mut self, id: PhotoId) -> Result<Photo> {
        self.read(|tx| get_photo(tx, id))
    }

    pub fn photo_by_hash(&mut self, hash: &ContentHash) -> Result<Option<Photo>> {
        self.read(|tx| {
            let sql = format!("SELECT {PHOTO_COLUMNS} FROM photo WHERE hash = ?1");
            Ok(tx.query_row(&sql, [hash], Photo::from_row).optional()?)
        })
    }

    /// What went wrong reading a photo's file when it was imported, in order.
    pub fn photo_warnings(&mut self, id: PhotoId) -> Result<Vec<String>> {
        Ok(self.photo_details(id)?.warnings)
    }

    /// The ids of a photo's areas or concerns.
    pub fn photo_terms(&mut self, id: PhotoId, kind: VocabKind) -> Result<Vec<TermId>> {
        self.read(|tx| {
            let mut stmt = tx.prepare_cached(
                "SELECT term.id FROM photo_term pt JOIN term ON term.id = pt.term_id
                 WHERE pt.photo_id = ?1 AND term.kind = ?2 ORDER BY term.id",
            )?;
            let kind = if kind == VocabKind::Area {
                "area"
            } else {
                "concern"
            };
            let rows = stmt.query_map(params![id, kind], |r| r.get(0))?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
    }

    /// Photos not in the trash, of one person or everyone, oldest first, with names and tags.
    pub fn list_photos(&mut self, person: Option<PersonId>) -> Result<Vec<PhotoListing>> {
        self.audited_read(|tx| {
            if let Some(person) = person {
                super::audit::view_person(tx, "photos", person)?;
            }
            let filter =
                "photo.trashed_at IS NULL AND (CAST(?1 AS BIGINT) IS NULL OR photo.person_id = ?1)";
            let mut tags = term_keys(tx, filter, person)?;
            let sql = format!(
                "SELECT {PHOTO_COLUMNS}, person.name, series.title, session.date FROM photo
                 LEFT JOIN person ON person.id = photo.person_id
                 LEFT JOIN series ON series.id = photo.series_id
                 LEFT JOIN session ON session.id = photo.session_id
                 WHERE {filter} ORDER BY photo.taken_at, photo.id"
            );
            let mut stmt = tx.prepare(&sql)?;
            let rows = stmt.query_map(params![person], |row| {
                Ok((
                    Photo::from_row(row)?,
                    row.get(PHOTO_COLUMN_COUNT)?,
                    row.get(PHOTO_COLUMN_COUNT + 1)?,
                    row.get(PHOTO_COLUMN_COUNT + 2)?,
                ))
            })?;
            let mut out = Vec::new();
            for row in rows {
                let (photo, person_name, series_title, session_date) = row?;
                let (areas, concerns) = tags.remove(&photo.id).unwrap_or_default();
                out.push(PhotoListing {
                    photo,
                    person_name,
                    series_title,
                    session_date,
                    areas,
                    concerns,
                });
            }
            Ok(out)
        })
    }

    /// Every photo's id, hash and format, trashed or not: what `verify` checks on disk.
    pub fn photo_files(&mut self) -> Result<Vec<(PhotoId, ContentHash, PhotoFormat)>> {
        self.read(|tx| {
            let mut stmt = tx.prepare("SELECT id, hash, format FROM photo ORDER BY id")?;
            let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
    }

    /// How many people and photos (not trashed) the catalogue holds.
    pub fn counts(&mut self) -> Result<(usize, usize)> {
        self.read(|tx| {
            let people = tx.query_row("SELECT count(*) FROM person", [], |r| r.get(0))?;
            let photos = tx.query_row(
                "SELECT count(*) FROM photo WHERE trashed_at IS NULL",
                [],
                |r| r.get(0),
            )?;
            Ok((people, photos))
        })
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::catalogue::{AssignmentSpec, Claim};
    use chrono::NaiveDateTime;

    /// A photo row with no person, for tests of tables that hang off photos.
    pub(crate) fn insert_photo(cat: &mut Catalogue, seed: &str) -> PhotoId {
        let new = new_photo(seed.as_bytes());
        let a = cat.resolve_assignment(&AssignmentSpec::default()).unwrap();
        cat.claim_import(&new.hash, "test", "jpg").unwrap();
        cat.finish_import(&new, &a, "test", || {}).unwrap()
    }

    pub(crate) fn new_photo(bytes: &[u8]) -> NewPhoto {
        NewPhoto {
            hash: ContentHash::of(bytes),
            format: PhotoFormat::Jpeg,
            original_name: "IMG_1.jpg".into(),
            original_name_raw: None,
            file_size: 10,
            width: 4,
            height: 3,
            taken_at: TakenAt::exact(
                NaiveDateTime::parse_from_str("2025-01-02T03:04:05", "%Y-%m-%dT%H:%M:%S").unwrap(),
                chrono::FixedOffset::east_opt(-3600),
            ),
            camera: Some("Phone".into()),
            colour_profile: Some("Display P3".into()),
            warnings: vec!["damaged data skipped".into()],
        }
    }

    #[test]
    fn finish_import_stores_row_tags_and_clears_claim() {
        let mut cat = crate::testing::catalogue();
        let spec = AssignmentSpec {
            person: Some("Me".into()),
            areas: vec!["forehead".into(), "nose".into()],
            concerns: vec!["sun-spots".into()],
            view: Some(crate::model::View::Frontal),
            ..AssignmentSpec::default()
        };
        let a = cat.resolve_assignment(&spec).unwrap();
        let new = new_photo(b"one");
        assert_eq!(
            cat.claim_import(&new.hash, "me", "jpg").unwrap(),
            Claim::Claimed
        );
        let id = cat.finish_import(&new, &a, "me", || {}).unwrap();
        assert!(cat.claim_owners().unwrap().is_empty());
        assert_eq!(
            cat.claim_import(&new.hash, "x", "jpg").unwrap(),
            Claim::Duplicate(id)
        );
        let listing = cat.list_photos(a.person).unwrap();
        assert_eq!(listing.len(), 1);
        assert_eq!(listing[0].areas, vec!["forehead", "nose"]);
        assert_eq!(listing[0].concerns, vec!["sun-spots"]);
        assert_eq!(listing[0].person_name.as_deref(), Some("Me"));
        let photo = cat.photo(id).unwrap();
        assert_eq!(photo.taken_at, new.taken_at);
        assert_eq!(photo.view, Some(crate::model::View::Frontal));
        assert!(cat.list_photos(Some(PersonId(999))).unwrap().is_empty());
        assert_eq!(photo.colour_profile.as_deref(), Some("Display P3"));
        assert_eq!(
            cat.photo_warnings(id).unwrap(),
            vec!["damaged data skipped"]
        );
    }
}

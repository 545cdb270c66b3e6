//! Reading what a comparison needs: a photo with its areas and person, and a whole series
//! with its sessions and photos.

use super::db::Conn;
use super::photos::{PHOTO_COLUMNS, get_photo};
use super::series::{SERIES_COLUMNS, SESSIONS_OF_SQL};
use super::{Catalogue, CatalogueError, Result};
use crate::model::{ComparedPhoto, Pair, Photo, PhotoId, Series, SeriesId, SeriesPhotos, Session};
use rusqlite::OptionalExtension;
use std::collections::HashMap;

/// Photos of a series not in the trash, by time taken (uses the `(series_id, taken_at)` index).
pub(super) const SERIES_PHOTOS_SQL: &str = "WHERE photo.series_id = ?1 AND photo.trashed_at IS NULL \
     ORDER BY photo.taken_at, photo.id";
pub(super) const SERIES_AREAS_SQL: &str = "SELECT pt.photo_id, pt.term_id FROM photo_term pt \
     JOIN term ON term.id = pt.term_id AND term.kind = 'area' \
     WHERE pt.photo_id IN (SELECT id FROM photo WHERE series_id = ?1) ORDER BY pt.term_id";

fn areas_of(conn: &Conn, id: PhotoId) -> Result<Vec<crate::model::TermId>> {
    let mut stmt = conn.prepare_cached(
        "SELECT pt.term_id FROM photo_term pt JOIN term ON term.id = pt.term_id \
         WHERE pt.photo_id = ?1 AND term.kind = 'area' ORDER BY pt.term_id",
    )?;
    let rows = stmt.query_map([id], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn person_name(conn: &Conn, photo: &Photo) -> Result<Option<String>> {
    let Some(person) = photo.person else {
        return Ok(None);
    };
    Ok(conn
        .query_row("SELECT name FROM person WHERE id = ?1", [person], |r| {
            r.get(0)
        })
        .optional()?)
}

impl Catalogue {
    /// A photo with its areas and its person's name.
    pub fn compared_photo(&mut self, id: PhotoId) -> Result<ComparedPhoto> {
        self.audited_read(|tx| {
            super::audit::view_photo(tx, id)?;
            compared_photo(tx, id)
        })
    }

    /// Two photos and the series they belong to, ready to compare, read in one snapshot.
    pub fn compare_pair(&mut self, a: PhotoId, b: PhotoId) -> Result<Pair> {
        self.audited_read(|tx| {
            super::audit::view_photo(tx, a)?;
            super::audit::view_photo(tx, b)?;
            let (a, b) = (compared_photo(tx, a)?, compared_photo(tx, b)?);
            let mut series = Vec::new();
            for id in [a.photo.series, b.photo.series].into_iter().flatten() {
                if !series.iter().any(|s: &SeriesPhotos| s.series.id == id) {
                    series.push(series_photos(tx, id)?);
                }
            }
            Ok(Pair { a, b, series })
        })
    }

    /// A series with its sessions (by date) and its photos not in the trash (by time taken).
    pub fn series_photos(&mut self, id: SeriesId) -> Result<SeriesPhotos> {
        self.audited_read(|tx| {
            super::audit::view_series(tx, "series", id)?;
            series_photos(tx, id)
        })
    }
}

fn compared_photo(conn: &Conn, id: PhotoId) -> Result<ComparedPhoto> {
    let photo = get_photo(conn, id)?;
    Ok(ComparedPhoto {
        areas: areas_of(conn, id)?,
        person_name: person_name(conn, &photo)?,
        face: super::face::landmarks_of(conn, id)?,
        card_corrected: conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM card_correction WHERE photo_id = ?1)",
            [id],
            |r| r.get(0),
        )?,
        photo,
    })
}

fn series_photos(tx: &Conn, id: SeriesId) -> Result<SeriesPhotos> {
    let series = tx
        .query_row(
            &format!("SELECT {SERIES_COLUMNS} FROM series WHERE id = ?1"),
            [id],
            Series::from_row,
        )
        .optional()?
        .ok_or(CatalogueError::NotFound {
            what: "series",
            id: id.0,
        })?;
    let person_name: String = tx.query_row(
        "SELECT name FROM person WHERE id = ?1",
        [series.person],
        |r| r.get(0),
    )?;
    let sessions = tx
        .prepare_cached(SESSIONS_OF_SQL)?
        .query_map([id], Session::from_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut areas: HashMap<PhotoId, Vec<crate::model::TermId>> = HashMap::new();
    let mut stmt = tx.prepare_cached(SERIES_AREAS_SQL)?;
    let mut rows = stmt.query([id])?;
    while let Some(row) = rows.next()? {
        areas.entry(row.get(0)?).or_default().push(row.get(1)?);
    }
    let mut faces = super::face::series_landmarks(tx, id)?;
    let corrected: std::collections::HashSet<PhotoId> = tx
        .prepare_cached(
            "SELECT photo_id FROM card_correction WHERE photo_id IN \
             (SELECT id FROM photo WHERE series_id = ?1)",
        )?
        .query_map([id], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let photos = tx
        .prepare_cached(&format!(
            "SELECT {PHOTO_COLUMNS} FROM photo {SERIES_PHOTOS_SQL}"
        ))?
        .query_map([id], Photo::from_row)?
        .map(|photo| {
            let photo = photo?;
            Ok(ComparedPhoto {
                areas: areas.remove(&photo.id).unwrap_or_default(),
                person_name: Some(person_name.clone()),
                face: faces.remove(&photo.id),
                card_corrected: corrected.contains(&photo.id),
                photo,
            })
        })
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(SeriesPhotos {
        series,
        person_name,
        sessions,
        photos,
    })
}

#[cfg(test)]
mod tests {
    use crate::catalogue::{AssignmentSpec, NewPhoto};
    use crate::model::{ContentHash, PhotoFormat, TakenAt, View};

    #[test]
    fn a_series_reads_back_with_sessions_photos_and_areas_in_order() {
        let mut cat = crate::testing::catalogue();
        let mut add = |day: u32, view: View, area: &str| {
            let assignment = cat
                .resolve_assignment(&AssignmentSpec {
                    person: Some("Me".into()),
                    series: Some("Microneedling".into()),
                    session: chrono::NaiveDate::from_ymd_opt(2026, 1, day),
                    areas: vec![area.into()],
                    view: Some(view),
                    ..AssignmentSpec::default()
                })
                .unwrap();
            let new = NewPhoto {
                hash: ContentHash::of(&[day as u8, view as u8]),
                format: PhotoFormat::Jpeg,
                original_name: format!("{day}.jpg"),
                original_name_raw: None,
                file_size: 1,
                width: 4,
                height: 3,
                taken_at: TakenAt::exact(
                    chrono::NaiveDate::from_ymd_opt(2026, 1, day)
                        .unwrap()
                        .and_hms_opt(9, 0, 0)
                        .unwrap(),
                    None,
                ),
                camera: None,
                colour_profile: None,
                warnings: Vec::new(),
            };
            cat.insert_photos_bulk(&[(new, assignment.clone())])
                .unwrap();
            assignment
        };
        let first = add(20, View::Frontal, "chin");
        add(5, View::Frontal, "chin");
        add(5, View::LeftProfile, "forehead");
        let series = cat.series_photos(first.series.unwrap()).unwrap();
        assert_eq!(series.person_name, "Me");
        let days: Vec<u32> = series
            .sessions
            .iter()
            .map(|s| chrono::Datelike::day(&s.date))
            .collect();
        assert_eq!(days, [5, 20]);
        assert_eq!(series.photos.len(), 3);
        assert_eq!(series.photos[2].photo.original_name, "20.jpg");
        assert_eq!(series.photos[0].areas.len(), 1);
        assert_ne!(series.photos[0].areas, series.photos[1].areas);
        let one = cat.compared_photo(series.photos[2].id()).unwrap();
        assert_eq!(one, series.photos[2]);
        assert!(cat.series_photos(crate::model::SeriesId(99)).is_err());
    }
}

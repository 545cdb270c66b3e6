//! Faces found on photos: landmarks, pose and expression, and the view they suggest.

use super::db::{Conn, Row};
use super::{Catalogue, Result, all_rows};
use crate::model::face::{Face, FaceLandmarks};
use crate::model::{PhotoId, View};
use rusqlite::{OptionalExtension, params};
use std::collections::HashMap;

/// What the face finder recorded for one photo.
#[derive(Clone, Debug, PartialEq)]
pub struct FaceRecord {
    pub photo: PhotoId,
    /// `None`: looked, and there is no face on this photo.
    pub face: Option<Face>,
    /// The view the head pose suggests, for the user to confirm.
    pub suggested_view: Option<View>,
    /// Which models found it.
    pub model: String,
}

/// How far the face finder has got through the library.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FaceScan {
    pub with_face: usize,
    pub without_face: usize,
    /// Photos not looked at yet (imported before faces were found at import).
    pub pending: usize,
}

fn record_from_row(r: &Row<'_>) -> rusqlite::Result<FaceRecord> {
    let blob: Option<Vec<u8>> = r.get(2)?;
    let face = match blob {
        Some(bytes) => Some(Face {
            landmarks: landmarks_from_blob(&bytes)?,
            score: r.get::<_, Option<f64>>(1)?.unwrap_or(0.0),
        }),
        None => None,
    };
    Ok(FaceRecord {
        photo: r.get(0)?,
        face,
        suggested_view: r.get(3)?,
        model: r.get(4)?,
    })
}

const COLUMNS: &str = "photo_id, score, landmarks, suggested_view, model FROM face";

fn read_face(conn: &Conn, photo: PhotoId) -> Result<Option<FaceRecord>> {
    Ok(conn
        .query_row(
            &format!("SELECT {COLUMNS} WHERE photo_id = ?1"),
            [photo],
            record_from_row,
        )
        .optional()?)
}

/// Records what the face finder found on `photo` (replacing an earlier record).
pub(super) fn write_face(
    conn: &Conn,
    photo: PhotoId,
    face: Option<&Face>,
    model: &str,
) -> Result<()> {
    let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let pose = face.map(Face::pose);
    let expression = face.map(Face::expression);
    conn.execute(
        "INSERT INTO face (photo_id, found, score, landmarks, yaw, pitch, roll, \
         mouth_open, eye_open, suggested_view, model, computed_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12) \
         ON CONFLICT (photo_id) DO UPDATE SET found = excluded.found, score = excluded.score, landmarks = excluded.landmarks, yaw = excluded.yaw, pitch = excluded.pitch, roll = excluded.roll, mouth_open = excluded.mouth_open, eye_open = excluded.eye_open, suggested_view = excluded.suggested_view, model = excluded.model, computed_at = excluded.computed_at",
        params![
            photo,
            face.is_some(),
            face.map(|f| f.score.clamp(0.0, 1.0)),
            face.map(|f| f.landmarks.to_bytes()),
            pose.map(|p| p.yaw),
            pose.map(|p| p.pitch),
            pose.map(|p| p.roll),
            expression.map(|e| e.mouth_open),
            expression.map(|e| e.eye_open_right.max(e.eye_open_left)),
            pose.map(|p| p.suggested_view()),
            model,
            now
        ],
    )?;
    Ok(())
}

fn landmarks_from_blob(bytes: &[u8]) -> rusqlite::Result<FaceLandmarks> {
    FaceLandmarks::from_bytes(bytes).ok_or_else(|| {
        rusqlite::Error::FromSqlConversionFailure(
            0,
            rusqlite::types::Type::Blob,
            "face landmarks are not 468 finite points".into(),
        )
    })
}

/// The landmarks of the face on `photo`, when one was found.
pub(super) fn landmarks_of(conn: &Conn, photo: PhotoId) -> Result<Option<FaceLandmarks>> {
    let blob: Option<Option<Vec<u8>>> = conn
        .query_row(
            "SELECT landmarks FROM face WHERE photo_id = ?1",
            [photo],
            |r| r.get(0),
        )
        .optional()?;
    Ok(blob
        .flatten()
        .map(|b| landmarks_from_blob(&b))
        .transpose()?)
}

/// The landmarks of every face found on the photos of a series.
pub(super) fn series_landmarks(
    conn: &Conn,
    series: crate::model::SeriesId,
) -> Result<HashMap<PhotoId, FaceLandmarks>> {
    let rows: Vec<(PhotoId, Vec<u8>)> = all_rows(
        conn,
        "SELECT f.photo_id, f.landmarks FROM face f JOIN photo p ON p.id = f.photo_id \
         WHERE p.series_id = ?1 AND f.found = 1",
        [series],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    rows.into_iter()
        .map(|(id, blob)| Ok((id, landmarks_from_blob(&blob)?)))
        .collect()
}

impl Catalogue {
    /// What the face finder recorded for a photo; `None` when it has not looked yet.
    pub fn face(&mut self, photo: PhotoId) -> Result<Option<FaceRecord>> {
        self.read(|tx| read_face(tx, photo))
    }

    /// Records what the face finder found on a photo (`None`: no face).
    pub fn save_face(&mut self, photo: PhotoId, face: Option<&Face>, model: &str) -> Result<()> {
        self.write(|tx| write_face(tx, photo, face, model))
    }

    /// Photos (not in the trash) the face finder has not looked at, oldest import first.
    pub fn photos_without_face_scan(&mut self) -> Result<Vec<PhotoId>> {
        self.read(|tx| {
            all_rows(
                tx,
                "SELECT p.id FROM photo p LEFT JOIN face f ON f.photo_id = p.id \
                 WHERE f.photo_id IS NULL AND p.trashed_at IS NULL ORDER BY p.id",
                [],
                |r| r.get(0),
            )
        })
    }

    /// How many photos have a face, have none, or wait to be looked at.
    pub fn face_scan(&mut self) -> Result<FaceScan> {
        self.read(|tx| {
            let (with_face, without_face, pending): (i64, i64, i64) = tx.query_row(
                "SELECT \
                   COALESCE(SUM(CASE WHEN f.found = 1 THEN 1 ELSE 0 END), 0), \
                   COALESCE(SUM(CASE WHEN f.found = 0 THEN 1 ELSE 0 END), 0), \
                   COALESCE(SUM(CASE WHEN f.photo_id IS NULL THEN 1 ELSE 0 END), 0) \
                 FROM photo p LEFT JOIN face f ON f.photo_id = p.id WHERE p.trashed_at IS NULL",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )?;
            Ok(FaceScan {
                with_face: with_face as usize,
                without_face: without_face as usize,
                pending: pending as usize,
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::face::LANDMARK_COUNT;

    #[test]
    fn a_face_and_a_no_face_are_both_remembered() {
        let mut cat = crate::testing::catalogue();
        let photo = crate::catalogue::photos::tests::insert_photo(&mut cat, "a");
        let other = crate::catalogue::photos::tests::insert_photo(&mut cat, "b");
        assert_eq!(cat.face(photo).expect("read"), None);
        assert_eq!(
            cat.photos_without_face_scan().expect("scan"),
            [photo, other]
        );
        let points = (0..LANDMARK_COUNT)
            .map(|i| [i as f64 / 1000.0, -(i as f64) / 2000.0, 0.01])
            .collect();
        let face = Face {
            landmarks: FaceLandmarks::new(points).expect("finite"),
            score: 0.93,
        };
        cat.save_face(photo, Some(&face), "test").expect("save");
        cat.save_face(other, None, "test").expect("save none");
        let back = cat.face(photo).expect("read").expect("recorded");
        let landmarks = &back.face.as_ref().expect("a face").landmarks;
        assert!((landmarks.points[400][0] - 0.4).abs() < 1e-6);
        assert_eq!(cat.face(other).expect("read").expect("recorded").face, None);
        assert!(cat.photos_without_face_scan().expect("scan").is_empty());
        assert_eq!(
            cat.face_scan().expect("scan"),
            FaceScan {
                with_face: 1,
                without_face: 1,
                pending: 0
            }
        );
    }
}

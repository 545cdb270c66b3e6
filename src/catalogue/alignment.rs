//! Alignments and landmarks. Every aligned photo points at one reference photo (never a
//! chain): saving re-expresses transforms so that stays true.

use super::db::{Conn, Row};
use super::{Catalogue, Result, all_rows};
use crate::model::transform::pair_transform;
use crate::model::{AlignMethod, Alignment, PhotoId, Similarity};
use rusqlite::{OptionalExtension, params};

/// A pair of matching points in normalised coordinates: on the photo aligned against (A)
/// and on the photo being aligned (B).
pub type LandmarkPair = crate::model::transform::PointPair;

pub(super) const ALIGNMENT_COLUMNS: &str =
    "photo_id, reference_id, scale, angle, tx, ty, method, confidence FROM alignment";

pub(super) fn alignment_from_row(r: &Row<'_>) -> rusqlite::Result<Alignment> {
    Ok(Alignment {
        photo: r.get(0)?,
        reference: r.get(1)?,
        transform: Similarity {
            scale: r.get(2)?,
            angle: r.get(3)?,
            tx: r.get(4)?,
            ty: r.get(5)?,
        },
        method: r.get(6)?,
        confidence: r.get(7)?,
    })
}

pub(super) fn read_alignment(conn: &Conn, photo: PhotoId) -> Result<Option<Alignment>> {
    Ok(conn
        .query_row(
            &format!("SELECT {ALIGNMENT_COLUMNS} WHERE photo_id = ?1"),
            [photo],
            alignment_from_row,
        )
        .optional()?)
}

pub(super) fn write_alignment(conn: &Conn, al: &Alignment) -> Result<()> {
    conn.execute(
        "INSERT INTO alignment \
         (photo_id, reference_id, scale, angle, tx, ty, method, confidence, updated_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) \
         ON CONFLICT (photo_id) DO UPDATE SET reference_id = excluded.reference_id, scale = excluded.scale, angle = excluded.angle, tx = excluded.tx, ty = excluded.ty, method = excluded.method, confidence = excluded.confidence, updated_at = excluded.updated_at",
        params![
            al.photo,
            al.reference,
            al.transform.scale,
            al.transform.angle,
            al.transform.tx,
            al.transform.ty,
            al.method,
            al.confidence,
            chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
        ],
    )?;
    Ok(())
}

impl Catalogue {
    /// Where a photo sits on its reference, if it is aligned.
    pub fn alignment(&mut self, photo: PhotoId) -> Result<Option<Alignment>> {
        self.read(|tx| read_alignment(tx, photo))
    }

    /// B → A for two photos, when they are aligned to each other (through a reference).
    pub fn pair_transform(&mut self, a: PhotoId, b: PhotoId) -> Result<Option<Similarity>> {
        self.read(|tx| {
            let (al_a, al_b) = (read_alignment(tx, a)?, read_alignment(tx, b)?);
            Ok(pair_transform(a, b, al_a.as_ref(), al_b.as_ref()))
        })
    }

    /// The landmarks placed on `photo` against `against`, in order.
    pub fn landmarks(&mut self, photo: PhotoId, against: PhotoId) -> Result<Vec<LandmarkPair>> {
        self.read(|tx| {
            all_rows(
                tx,
                "SELECT against_x, against_y, x, y FROM landmark \
                 WHERE photo_id = ?1 AND against_id = ?2 ORDER BY n",
                [photo, against],
                |r| Ok(([r.get(0)?, r.get(1)?], [r.get(2)?, r.get(3)?])),
            )
        })
    }

    /// Aligns `photo` onto `against` (`transform`: photo's normalised coordinates to
    /// against's), in one transaction. The alignment is stored relative to `against`'s own
    /// reference, and photos that used `photo` as their reference follow it there, so every
    /// photo is one step from its reference. With `landmarks`, they replace the photo's
    /// landmarks.
    pub fn save_alignment(
        &mut self,
        photo: PhotoId,
        against: PhotoId,
        transform: Similarity,
        method: AlignMethod,
        confidence: Option<f64>,
        landmarks: Option<&[LandmarkPair]>,
    ) -> Result<Alignment> {
        if photo == against {
            return Err(super::CatalogueError::Invalid {
                field: "alignment",
                reason: "a photo cannot be aligned to itself".into(),
            });
        }
        self.write(|tx| {
            let mut to_reference = transform;
            let mut reference = against;
            match read_alignment(tx, against)? {
                // `against` was aligned to `photo`: `against` becomes the reference instead.
                Some(al) if al.reference == photo => {
                    tx.execute("DELETE FROM alignment WHERE photo_id = ?1", [against])?;
                }
                Some(al) => {
                    to_reference = transform.then(&al.transform);
                    reference = al.reference;
                }
                None => {}
            }
            let saved = Alignment {
                photo,
                reference,
                transform: to_reference,
                method,
                confidence,
            };
            write_alignment(tx, &saved)?;
            // Photos that pointed at `photo` now point at its reference.
            let followers = all_rows(
                tx,
                &format!("SELECT {ALIGNMENT_COLUMNS} WHERE reference_id = ?1"),
                [photo],
                alignment_from_row,
            )?;
            for follower in followers {
                if follower.photo == reference {
                    tx.execute(
                        "DELETE FROM alignment WHERE photo_id = ?1",
                        [follower.photo],
                    )?;
                    continue;
                }
                write_alignment(
                    tx,
                    &Alignment {
                        reference,
                        transform: follower.transform.then(&to_reference),
                        ..follower
                    },
                )?;
            }
            if let Some(points) = landmarks {
                tx.execute("DELETE FROM landmark WHERE photo_id = ?1", [photo])?;
                let mut stmt = tx.prepare_cached(
                    "INSERT INTO landmark (photo_id, against_id, n, x, y, against_x, against_y) \
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                )?;
                for (n, (on_against, on_photo)) in points.iter().enumerate() {
                    stmt.execute(params![
                        photo,
                        against,
                        n as i64,
                        on_photo[0],
                        on_photo[1],
                        on_against[0],
                        on_against[1]
                    ])?;
                }
            }
            Ok(saved)
        })
    }

    /// Forgets a photo's alignment and landmarks (back to identity).
    pub fn reset_alignment(&mut self, photo: PhotoId) -> Result<()> {
        self.write(|tx| {
            tx.execute("DELETE FROM alignment WHERE photo_id = ?1", [photo])?;
            tx.execute("DELETE FROM landmark WHERE photo_id = ?1", [photo])?;
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue::{AssignmentSpec, NewPhoto};
    use crate::model::{ContentHash, PhotoFormat, TakenAt};

    fn photos(cat: &mut Catalogue, n: u8) -> Vec<PhotoId> {
        let assignment = cat.resolve_assignment(&AssignmentSpec::default()).unwrap();
        let news: Vec<_> = (0..n)
            .map(|i| {
                (
                    NewPhoto {
                        hash: ContentHash::of(&[i]),
                        format: PhotoFormat::Jpeg,
                        original_name: format!("{i}.jpg"),
                        original_name_raw: None,
                        file_size: 1,
                        width: 40,
                        height: 30,
                        taken_at: TakenAt::exact(
                            chrono::NaiveDate::from_ymd_opt(2026, 1, 1 + u32::from(i))
                                .unwrap()
                                .and_hms_opt(9, 0, 0)
                                .unwrap(),
                            None,
                        ),
                        camera: None,
                        colour_profile: None,
                        warnings: Vec::new(),
                    },
                    assignment.clone(),
                )
            })
            .collect();
        cat.insert_photos_bulk(&news).unwrap();
        cat.list_photos(None)
            .unwrap()
            .into_iter()
            .map(|l| l.photo.id)
            .collect()
    }

    fn close(a: &Similarity, b: &Similarity) -> bool {
        (a.scale - b.scale).abs() < 1e-9
            && (a.angle - b.angle).abs() < 1e-9
            && (a.tx - b.tx).abs() < 1e-9
            && (a.ty - b.ty).abs() < 1e-9
    }

    #[test]
    fn alignments_round_trip_chain_to_one_reference_and_reset() {
        let mut cat = crate::testing::catalogue();
        let ids = photos(&mut cat, 4);
        let (base, p1, p2, p3) = (ids[0], ids[1], ids[2], ids[3]);
        let t1 = Similarity {
            scale: 1.05,
            angle: 0.02,
            tx: 0.01,
            ty: -0.01,
        };
        let t2 = Similarity {
            scale: 0.97,
            angle: -0.03,
            tx: -0.02,
            ty: 0.005,
        };
        let points = [([0.1, 0.1], [0.12, 0.09]), ([-0.2, 0.0], [-0.19, 0.02])];
        let saved = cat
            .save_alignment(p1, base, t1, AlignMethod::Landmarks, None, Some(&points))
            .unwrap();
        assert_eq!(saved.reference, base);
        assert_eq!(cat.alignment(p1).unwrap(), Some(saved));
        assert_eq!(cat.landmarks(p1, base).unwrap(), points.to_vec());
        // p2 aligned against p1 is stored against p1's reference, composed.
        let saved = cat
            .save_alignment(p2, p1, t2, AlignMethod::Auto, Some(0.9), None)
            .unwrap();
        assert_eq!(saved.reference, base);
        assert!(close(&saved.transform, &t2.then(&t1)));
        // Any pair of the three goes through the reference.
        let pair = cat.pair_transform(p1, p2).unwrap().unwrap();
        assert!(close(&pair, &t2));
        assert!(close(&cat.pair_transform(base, p1).unwrap().unwrap(), &t1));
        assert_eq!(
            cat.pair_transform(base, p3).unwrap(),
            None,
            "p3 is not aligned"
        );
        // The baseline aligned onto p3: its followers move to p3 with it.
        let t3 = Similarity {
            scale: 1.0,
            angle: 0.0,
            tx: 0.03,
            ty: 0.0,
        };
        cat.save_alignment(base, p3, t3, AlignMethod::Auto, Some(0.8), None)
            .unwrap();
        let moved = cat.alignment(p1).unwrap().unwrap();
        assert_eq!(moved.reference, p3);
        assert!(close(&moved.transform, &t1.then(&t3)));
        assert!(close(&cat.pair_transform(p1, p2).unwrap().unwrap(), &t2));
        // Aligning a reference back onto its follower swaps their roles, no cycle.
        cat.save_alignment(p3, base, t3.inverse(), AlignMethod::Auto, None, None)
            .unwrap();
        assert_eq!(cat.alignment(base).unwrap(), None);
        assert_eq!(cat.alignment(p3).unwrap().unwrap().reference, base);
        assert_eq!(cat.alignment(p1).unwrap().unwrap().reference, base);
        assert!(close(&cat.pair_transform(base, p1).unwrap().unwrap(), &t1));
        cat.reset_alignment(p1).unwrap();
        assert_eq!(cat.alignment(p1).unwrap(), None);
        assert!(cat.landmarks(p1, base).unwrap().is_empty());
        assert!(
            cat.save_alignment(p1, p1, t1, AlignMethod::Auto, None, None)
                .is_err()
        );
    }
}

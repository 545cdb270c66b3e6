//! Undoing alignment changes. Saving an alignment can move other photos' alignments too
//! (everything stays one step from its reference), so an undo takes a snapshot of every
//! alignment that could change: the whole groups (a reference and the photos aligned to it)
//! of the photos involved, and their landmarks.

use super::alignment::{ALIGNMENT_COLUMNS, alignment_from_row, read_alignment, write_alignment};
use super::db::Conn;
use super::{Catalogue, LandmarkPair, Result, all_rows};
use crate::model::{Alignment, PhotoId};
use rusqlite::params;
use std::collections::BTreeSet;

/// The alignments of a set of photos and the landmarks of some, as they were.
#[derive(Clone, Debug, PartialEq)]
pub struct AlignmentSnapshot {
    /// Every photo whose alignment the snapshot covers (aligned or not).
    pub photos: Vec<PhotoId>,
    pub alignments: Vec<Alignment>,
    /// Photos whose landmarks the snapshot covers, with the photo they were placed against
    /// and the points.
    pub landmarked: Vec<PhotoId>,
    pub landmarks: Vec<(PhotoId, PhotoId, Vec<LandmarkPair>)>,
}

impl AlignmentSnapshot {
    /// How many photos' alignments it covers.
    pub fn len(&self) -> usize {
        self.photos.len()
    }

    pub fn is_empty(&self) -> bool {
        self.photos.is_empty()
    }
}

/// A photo's group: its reference (or itself) and every photo aligned to that.
fn group_of(conn: &Conn, photo: PhotoId, into: &mut BTreeSet<PhotoId>) -> Result<()> {
    let root = read_alignment(conn, photo)?.map_or(photo, |a| a.reference);
    into.insert(photo);
    into.insert(root);
    let members: Vec<PhotoId> = all_rows(
        conn,
        "SELECT photo_id FROM alignment WHERE reference_id = ?1",
        [root],
        |r| r.get(0),
    )?;
    into.extend(members);
    Ok(())
}

fn snapshot(conn: &Conn, photos: &[PhotoId], landmarked: &[PhotoId]) -> Result<AlignmentSnapshot> {
    let mut alignments = Vec::new();
    for photo in photos {
        alignments.extend(read_alignment(conn, *photo)?);
    }
    let mut landmarks = Vec::new();
    for photo in landmarked {
        let rows: Vec<(PhotoId, LandmarkPair)> = all_rows(
            conn,
            "SELECT against_id, against_x, against_y, x, y FROM landmark WHERE photo_id = ?1 ORDER BY n",
            [photo],
            |r| Ok((r.get(0)?, ([r.get(1)?, r.get(2)?], [r.get(3)?, r.get(4)?]))),
        )?;
        if let Some((against, _)) = rows.first() {
            landmarks.push((*photo, *against, rows.iter().map(|(_, p)| *p).collect()));
        }
    }
    Ok(AlignmentSnapshot {
        photos: photos.to_vec(),
        alignments,
        landmarked: landmarked.to_vec(),
        landmarks,
    })
}

impl Catalogue {
    /// What changing the alignment of `involved` (photos aligned, and the photos they are
    /// aligned against) could change, and the landmarks of `landmarked`.
    pub fn alignment_snapshot(
        &mut self,
        involved: &[PhotoId],
        landmarked: &[PhotoId],
    ) -> Result<AlignmentSnapshot> {
        self.read(|tx| {
            let mut photos = BTreeSet::new();
            for photo in involved {
                group_of(tx, *photo, &mut photos)?;
            }
            let photos: Vec<PhotoId> = photos.into_iter().collect();
            snapshot(tx, &photos, landmarked)
        })
    }

    /// Puts a snapshot back; returns the snapshot of the same photos before, which redoes.
    pub fn restore_alignments(&mut self, s: &AlignmentSnapshot) -> Result<AlignmentSnapshot> {
        self.write(|tx| {
            let before = snapshot(tx, &s.photos, &s.landmarked)?;
            for photo in &s.photos {
                tx.execute("DELETE FROM alignment WHERE photo_id = ?1", [photo])?;
            }
            for al in &s.alignments {
                write_alignment(tx, al)?;
            }
            for photo in &s.landmarked {
                tx.execute("DELETE FROM landmark WHERE photo_id = ?1", [photo])?;
            }
            let mut stmt = tx.prepare_cached(
                "INSERT INTO landmark (photo_id, against_id, n, x, y, against_x, against_y) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?;
            for (photo, against, points) in &s.landmarks {
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
            Ok(before)
        })
    }

    /// Every alignment row, for tests that check an undo put everything back.
    pub fn all_alignments(&mut self) -> Result<Vec<Alignment>> {
        self.read(|tx| {
            all_rows(
                tx,
                &format!("SELECT {ALIGNMENT_COLUMNS} ORDER BY photo_id"),
                [],
                alignment_from_row,
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue::AssignmentSpec;
    use crate::model::{AlignMethod, Similarity};

    #[test]
    fn a_snapshot_undoes_alignments_that_moved_other_photos_too() {
        let mut cat = crate::testing::catalogue();
        let spec = AssignmentSpec::default();
        let ids: Vec<PhotoId> = ["a", "b", "c", "d"]
            .iter()
            .map(|s| crate::catalogue::edit::tests::add_photo(&mut cat, s, &spec))
            .collect();
        let t = |tx| Similarity {
            scale: 1.0,
            angle: 0.0,
            tx,
            ty: 0.0,
        };
        let points = [([0.1, 0.1], [0.12, 0.09])];
        cat.save_alignment(
            ids[1],
            ids[0],
            t(0.1),
            AlignMethod::Landmarks,
            None,
            Some(&points),
        )
        .unwrap();
        cat.save_alignment(ids[2], ids[0], t(0.2), AlignMethod::Auto, Some(0.9), None)
            .unwrap();
        let before = cat.all_alignments().unwrap();
        // Aligning the reference onto d moves b and c with it.
        let snap = cat
            .alignment_snapshot(&[ids[0], ids[3]], &[ids[0]])
            .unwrap();
        cat.save_alignment(ids[0], ids[3], t(0.3), AlignMethod::Auto, Some(0.8), None)
            .unwrap();
        assert_ne!(cat.all_alignments().unwrap(), before);
        let redo = cat.restore_alignments(&snap).unwrap();
        assert_eq!(cat.all_alignments().unwrap(), before);
        // The reset of b (landmarks too) and its undo.
        let snap_b = cat.alignment_snapshot(&[ids[1]], &[ids[1]]).unwrap();
        cat.reset_alignment(ids[1]).unwrap();
        cat.restore_alignments(&snap_b).unwrap();
        assert_eq!(cat.landmarks(ids[1], ids[0]).unwrap(), points.to_vec());
        // Redo puts the moved state back.
        cat.restore_alignments(&redo).unwrap();
        assert_eq!(cat.alignment(ids[0]).unwrap().unwrap().reference, ids[3]);
    }
}

//! Edits of alignments: one photo onto another (by landmarks or accepted automatic
//! alignment), a whole series onto its baseline, a reset; each undone by a snapshot of
//! everything it could move.

use super::{Applied, Made, photos};
use crate::app::cx::Stale;
use crate::catalogue::{AlignmentSnapshot, Catalogue, LandmarkPair, Result};
use crate::model::{AlignMethod, PhotoId, Similarity};

/// B aligned onto A by a transform (with the landmarks it was fitted to, if any).
#[derive(Clone, Debug, PartialEq)]
pub struct AlignTo {
    pub photo: PhotoId,
    pub reference: PhotoId,
    pub transform: Similarity,
    pub method: AlignMethod,
    pub confidence: Option<f64>,
    pub landmarks: Option<Vec<LandmarkPair>>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum AlignEdit {
    Align(AlignTo),
    /// Several photos at once, one step: a series aligned to its baseline.
    Series(Vec<AlignTo>),
    Reset(PhotoId),
    /// Alignments as they were (the undo of the others).
    Restore(AlignmentSnapshot),
}

fn save(cat: &mut Catalogue, a: &AlignTo) -> Result<()> {
    cat.save_alignment(
        a.photo,
        a.reference,
        a.transform,
        a.method,
        a.confidence,
        a.landmarks.as_deref(),
    )?;
    Ok(())
}

impl AlignEdit {
    pub(super) fn apply(&self, cat: &mut Catalogue) -> Result<Applied> {
        let done =
            |snapshot: AlignmentSnapshot| Applied::new(Made::Nothing, Self::Restore(snapshot));
        Ok(match self {
            Self::Align(a) => cat.atomically(|cat| {
                let landmarked: &[PhotoId] = if a.landmarks.is_some() {
                    &[a.photo]
                } else {
                    &[]
                };
                let before = cat.alignment_snapshot(&[a.photo, a.reference], landmarked)?;
                save(cat, a)?;
                Ok(done(before))
            })?,
            Self::Series(all) => cat.atomically(|cat| {
                let involved: Vec<PhotoId> =
                    all.iter().flat_map(|a| [a.photo, a.reference]).collect();
                let landmarked: Vec<PhotoId> = all
                    .iter()
                    .filter(|a| a.landmarks.is_some())
                    .map(|a| a.photo)
                    .collect();
                let before = cat.alignment_snapshot(&involved, &landmarked)?;
                for a in all {
                    save(cat, a)?;
                }
                Ok(done(before))
            })?,
            Self::Reset(photo) => cat.atomically(|cat| {
                let before = cat.alignment_snapshot(&[*photo], &[*photo])?;
                cat.reset_alignment(*photo)?;
                Ok(done(before))
            })?,
            Self::Restore(snapshot) => done(cat.restore_alignments(snapshot)?),
        })
    }

    pub(super) fn failure(&self) -> &'static str {
        match self {
            Self::Align(_) | Self::Restore(_) => "Align",
            Self::Series(_) => "Align series",
            Self::Reset(_) => "Reset alignment",
        }
    }

    pub(super) fn describe(&self) -> String {
        match self {
            Self::Align(a) if a.method == AlignMethod::Landmarks => "align by landmarks".into(),
            Self::Align(_) => "accept the automatic alignment".into(),
            Self::Series(all) => format!("align {} to the series' baseline", photos(all.len())),
            Self::Reset(_) => "reset the alignment".into(),
            Self::Restore(s) => format!("change the alignment of {}", photos(s.len())),
        }
    }

    pub(super) fn stale(&self) -> Stale {
        match self {
            // Landmarks being placed are the comparison's own until they are stored; only
            // an undo or redo puts other stored ones in their place.
            Self::Restore(_) => Stale::PAGES | Stale::LANDMARKS,
            _ => Stale::PAGES,
        }
    }
}

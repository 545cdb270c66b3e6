//! Proposing the fairest before/after pair of a series and view: reads the series and each
//! candidate photo's pixels (colour and sharpness on the face), then ranks with
//! `model::fairest`.

use super::export::{ExportError, load_pixels};
use crate::catalogue::CatalogueError;
use crate::imaging::quality::photo_traits;
use crate::library::Library;
use crate::model::fairest::{FairestPair, PairAlignment, PhotoTraits, fairest_pair, view_line};
use crate::model::{AlignMethod, PhotoId, SeriesId, View};
use std::collections::HashMap;

/// The fairest pair of `view` in a series, with its reason; `Ok(None)` when the view has
/// fewer than two photos.
pub fn propose_fairest(
    library: &Library,
    series: SeriesId,
    view: View,
) -> Result<Option<FairestPair>, ExportError> {
    let mut cat = library.catalogue()?;
    let photos = cat.series_photos(series)?;
    let mut traits: HashMap<PhotoId, PhotoTraits> = HashMap::new();
    let mut alignments: HashMap<(PhotoId, PhotoId), PairAlignment> = HashMap::new();
    let line = view_line(&photos, view);
    for p in &line {
        // Thumbnail-sized pixels are enough for mean colour and relative sharpness.
        let pixels = load_pixels(library, &p.photo, 512)?;
        let outline = p
            .face
            .as_ref()
            .map(crate::model::face::FaceLandmarks::outline);
        traits.insert(p.id(), photo_traits(&pixels, outline.as_deref()));
    }
    for a in &line {
        for b in &line {
            if a.date() < b.date() {
                let how = pair_alignment(&mut cat, a.id(), b.id())?;
                alignments.insert((a.id(), b.id()), how);
            }
        }
    }
    Ok(fairest_pair(
        &photos,
        view,
        &|id| traits.get(&id).copied().unwrap_or_default(),
        &|a, b| {
            alignments
                .get(&(a, b))
                .copied()
                .unwrap_or(PairAlignment::NotAligned)
        },
    ))
}

fn pair_alignment(
    cat: &mut crate::catalogue::Catalogue,
    a: PhotoId,
    b: PhotoId,
) -> Result<PairAlignment, CatalogueError> {
    if cat.pair_transform(a, b)?.is_none() {
        return Ok(PairAlignment::NotAligned);
    }
    // The weaker of the two photos' own alignments to their shared reference.
    let mut worst = PairAlignment::Manual;
    for id in [a, b] {
        if let Some(al) = cat.alignment(id)? {
            match (al.method, al.confidence) {
                (AlignMethod::Landmarks, _) => {}
                (_, c) => {
                    let c = c.unwrap_or(0.0);
                    if let PairAlignment::Auto(w) = worst {
                        worst = PairAlignment::Auto(w.min(c));
                    } else {
                        worst = PairAlignment::Auto(c);
                    }
                }
            }
        }
    }
    Ok(worst)
}

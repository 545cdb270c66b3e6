//! Finding faces: once per photo at import, and for photos imported before that by a
//! background job with progress and cancel (the app's button and `skinlapse faces scan`).

use super::export::{ExportError, load_pixels};
use crate::catalogue::{Catalogue, CatalogueError};
use crate::imaging::derive::PREVIEW_EDGE;
use crate::imaging::face::find_face;
use crate::library::{Library, LibraryError};
use crate::model::PhotoId;
use image::RgbImage;
use std::sync::atomic::{AtomicBool, Ordering};

/// Which models find faces: stored with each result, so a better model can redo old ones.
pub const FACE_MODEL: &str = "mediapipe-0.10.14 blazeface-short+facemesh";

/// Looks for a face on a freshly imported photo (its upright preview) and records what it
/// found. The photo is imported either way: a problem here comes back as a warning, and the
/// background scan will look again.
pub fn record_face(cat: &mut Catalogue, photo: PhotoId, preview: &RgbImage) -> Option<String> {
    let found = match find_face(preview) {
        Ok(found) => found,
        Err(e) => return Some(format!("faces were not looked for: {e}")),
    };
    cat.save_face(photo, found.as_ref(), FACE_MODEL)
        .err()
        .map(|e| format!("the face found could not be recorded: {e}"))
}

#[derive(Debug, thiserror::Error)]
pub enum FaceScanError {
    #[error(transparent)]
    Catalogue(#[from] CatalogueError),
    #[error(transparent)]
    Library(#[from] LibraryError),
    #[error(transparent)]
    Model(#[from] crate::imaging::face::FaceModelError),
}

/// What a scan did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FaceScanSummary {
    /// Photos looked at.
    pub scanned: usize,
    pub with_face: usize,
    /// Photos that could not be read (named, with the reason); the scan went on.
    pub failed: Vec<(PhotoId, String)>,
    /// Photos left for next time because the scan was cancelled.
    pub not_started: usize,
    pub cancelled: bool,
}

/// Looks for faces on every photo not looked at yet. `progress(done, total)` is called after
/// each photo; `cancel` is checked between photos. Each photo's result is saved as it comes,
/// so a cancelled or interrupted scan keeps what it found and resumes where it stopped.
pub fn scan_faces(
    library: &Library,
    cancel: &AtomicBool,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<FaceScanSummary, FaceScanError> {
    let mut cat = library.catalogue()?;
    let todo = cat.photos_without_face_scan()?;
    let total = todo.len();
    let mut summary = FaceScanSummary::default();
    progress(0, total);
    for (done, id) in todo.iter().enumerate() {
        if cancel.load(Ordering::Relaxed) {
            summary.cancelled = true;
            summary.not_started = total - done;
            break;
        }
        let photo = cat.photo(*id)?;
        match load_pixels(library, &photo, PREVIEW_EDGE) {
            Ok(pixels) => {
                let found = find_face(&pixels)?;
                summary.with_face += usize::from(found.is_some());
                cat.save_face(*id, found.as_ref(), FACE_MODEL)?;
                summary.scanned += 1;
            }
            Err(ExportError::Read { path, reason }) => summary
                .failed
                .push((*id, format!("{}: {reason}", path.display()))),
            Err(other) => summary.failed.push((*id, other.to_string())),
        }
        progress(done + 1, total);
    }
    Ok(summary)
}

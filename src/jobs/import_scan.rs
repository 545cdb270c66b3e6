//! Looking at files before importing them, for the import dialog: each file's capture time,
//! whether the library holds it already, and (when asked) a small upright thumbnail; and the
//! session date the photos propose. Nothing is written.

use super::import::{Collected, ImportError, collect_files};
use super::import_pair::{is_one_shot, pair_files};
use super::source::read_source;
use crate::catalogue::Catalogue;
use crate::imaging::derive::decode_upright;
use crate::imaging::metadata::read_metadata_of;
use crate::imaging::sniff;
use crate::library::Library;
use crate::model::filing::propose_session_date;
use crate::model::printable::stored_name;
use crate::model::{ContentHash, PhotoId, TakenAt};
use chrono::NaiveDate;
use image::RgbImage;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};

/// What a file would be, were it imported.
#[derive(Debug)]
pub struct ScannedFile {
    pub path: PathBuf,
    /// The capture time (or, estimated, the time the file says it was changed), as the import
    /// would record it; None when the file cannot be read as a photo.
    pub taken_at: Option<TakenAt>,
    /// The photo already holding these bytes.
    pub duplicate_of: Option<PhotoId>,
    /// Upright, long edge at most the size asked for.
    pub thumbnail: Option<RgbImage>,
    /// Why the file would fail, as the import would say it.
    pub error: Option<String>,
    /// The camera RAW of the same shot the import will keep with this photo.
    pub companion: Option<String>,
}

/// Scans `paths` (files and folders, as an import takes them). `thumbnail_edge` 0 skips the
/// thumbnails (the duplicate check and dates alone are fast).
pub fn scan_files(library: &Library, paths: &[PathBuf], thumbnail_edge: u32) -> Vec<ScannedFile> {
    let mut out = Vec::new();
    scan_each(
        library,
        paths,
        thumbnail_edge,
        &AtomicBool::new(false),
        |_, _, file| out.push(file),
    );
    out
}

/// Scans `paths` one file after another, handing each to `found` with how many are done and
/// how many there are in all (files that cannot even be listed come first), until `cancel`
/// is set. For the import dialog, which shows each photo as soon as it is read.
pub fn scan_each(
    library: &Library,
    paths: &[PathBuf],
    thumbnail_edge: u32,
    cancel: &AtomicBool,
    mut found: impl FnMut(usize, usize, ScannedFile),
) {
    let Collected {
        files, failures, ..
    } = collect_files(paths, Some(library));
    let total = files.len() + failures.len();
    let mut done = 0;
    for (path, e) in failures {
        done += 1;
        found(
            done,
            total,
            ScannedFile {
                path,
                taken_at: None,
                duplicate_of: None,
                thumbnail: None,
                error: Some(e.to_string()),
                companion: None,
            },
        );
    }
    let mut catalogue = library.catalogue().ok();
    for job in pair_files(files, 0) {
        if cancel.load(Ordering::Relaxed) {
            return;
        }
        let mut scanned = scan_one(catalogue.as_mut(), job.path, thumbnail_edge);
        done += 1;
        // A RAW of the same shot goes with its JPEG, as the import will keep it.
        let mut alone = None;
        if let Some((_, raw)) = job.companion {
            if scanned.error.is_none() && is_one_shot(&scanned.path, &raw) {
                scanned.companion = raw.file_name().map(|n| stored_name(n).0);
                done += 1;
            } else {
                alone = Some(raw);
            }
        }
        found(done, total, scanned);
        if let Some(raw) = alone {
            done += 1;
            found(
                done,
                total,
                scan_one(catalogue.as_mut(), raw, thumbnail_edge),
            );
        }
    }
}

fn scan_one(catalogue: Option<&mut Catalogue>, path: PathBuf, thumbnail_edge: u32) -> ScannedFile {
    let mut scanned = ScannedFile {
        path,
        taken_at: None,
        duplicate_of: None,
        thumbnail: None,
        error: None,
        companion: None,
    };
    let bytes = match read_bounded(&scanned.path) {
        Ok(bytes) => bytes,
        Err(e) => {
            scanned.error = Some(e.to_string());
            return scanned;
        }
    };
    let hash = ContentHash::of(&bytes);
    scanned.duplicate_of = catalogue
        .and_then(|c| c.photo_by_hash(&hash).ok().flatten())
        .map(|p| p.id);
    match sniff(&bytes) {
        Ok(format) => {
            let meta = read_metadata_of(&bytes, format);
            scanned.taken_at = meta
                .taken_at
                .or(meta.modified_at)
                .map(|t| TakenAt::from_source(t.local, t.offset, t.source));
            if thumbnail_edge > 0 {
                match decode_upright(&bytes, format, thumbnail_edge) {
                    Ok(image) => scanned.thumbnail = Some(image),
                    Err(e) => scanned.error = Some(e.to_string()),
                }
            }
        }
        Err(e) => scanned.error = Some(e.to_string()),
    }
    scanned
}

fn read_bounded(path: &std::path::Path) -> Result<Vec<u8>, ImportError> {
    read_source(path).map(|source| source.bytes)
}

/// The session date the scanned photos propose (see [`propose_session_date`]).
pub fn proposed_session_date(scanned: &[ScannedFile]) -> Option<NaiveDate> {
    propose_session_date(scanned.iter().filter_map(|s| s.taken_at.as_ref()))
}

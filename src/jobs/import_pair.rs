//! RAW+JPEG pairs: a camera that shoots both writes `IMG_0001.CR2` and `IMG_0001.JPG` for
//! one shot. They are imported as one photo that shows the JPEG (or HEIF), with the RAW kept
//! byte for byte as its companion original, in the same crash-safe steps and the same
//! transaction as the photo.
//!
//! Files pair when they are in the same folder with the same name but for the extension
//! (case ignored), one a camera RAW and the other a JPEG or HEIF, and are confirmed by their
//! content: both record a capture time and a camera, the times are equal to the second and
//! the cameras the same. Otherwise each is imported as a photo of its own, as before.
//! Importing the pair again is a duplicate; importing the folder again after its JPEGs were
//! imported alone gives each photo its RAW.

use super::failpoint::failpoint;
use super::import::{
    FileResult, ImportRequest, Outcome, PendingCompanion, StageTimes, import_one, import_source,
    store_companion_file,
};
use super::source::{Source, read_source};
use crate::catalogue::{Catalogue, Claim, Companion};
use crate::imaging::metadata::{PhotoMetadata, read_metadata_of};
use crate::library::Library;
use crate::model::printable::stored_name;
use crate::model::{ContentHash, PhotoFormat, PhotoId};
use chrono::Timelike;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// How the import's note on a photo kept with its RAW begins.
pub const PAIRED_WITH: &str = "paired with ";

/// What the import says of a photo kept with its RAW: `paired with IMG_0001.CR2`.
pub fn paired_with(raw_name: &str) -> String {
    format!(
        "{PAIRED_WITH}{}",
        crate::model::printable::printable(raw_name)
    )
}

/// One unit of work for an import worker: a file, with the RAW that may be its companion.
#[derive(Debug)]
pub struct Job {
    /// The file's position in the list of files found.
    pub index: usize,
    pub path: PathBuf,
    /// A RAW in the same folder with the same name, and its position.
    pub companion: Option<(usize, PathBuf)>,
}

/// Extensions of the files a pair shows.
const SHOWN_EXTENSIONS: &[&str] = &["jpg", "jpeg", "jpe", "heic", "heif", "hif"];

fn lower_extension(path: &Path) -> Option<String> {
    Some(path.extension()?.to_string_lossy().to_ascii_lowercase())
}

fn is_shown_name(path: &Path) -> bool {
    lower_extension(path).is_some_and(|e| SHOWN_EXTENSIONS.contains(&e.as_str()))
}

fn is_raw_name(path: &Path) -> bool {
    lower_extension(path)
        .and_then(|e| PhotoFormat::from_extension(&e))
        .is_some_and(PhotoFormat::is_raw)
}

/// The files as jobs, in order (`first_index` is the first file's position), each RAW that
/// has exactly one JPEG/HEIF of its name in its folder (and is the only RAW of that name)
/// going with it as a candidate companion.
pub fn pair_files(files: Vec<PathBuf>, first_index: usize) -> Vec<Job> {
    let mut groups: HashMap<(Option<&Path>, String), Vec<usize>> = HashMap::new();
    for (i, path) in files.iter().enumerate() {
        let Some(stem) = path.file_stem() else {
            continue;
        };
        let stem = stem.to_string_lossy().to_lowercase();
        groups.entry((path.parent(), stem)).or_default().push(i);
    }
    let mut companion_of = HashMap::new();
    for members in groups.values() {
        let shown: Vec<usize> = members
            .iter()
            .copied()
            .filter(|&i| is_shown_name(&files[i]))
            .collect();
        let raws: Vec<usize> = members
            .iter()
            .copied()
            .filter(|&i| is_raw_name(&files[i]))
            .collect();
        if let ([shown], [raw]) = (shown.as_slice(), raws.as_slice()) {
            companion_of.insert(*shown, *raw);
        }
    }
    let taken: std::collections::HashSet<usize> = companion_of.values().copied().collect();
    let mut slots: Vec<Option<PathBuf>> = files.into_iter().map(Some).collect();
    let mut jobs = Vec::with_capacity(slots.len() - companion_of.len());
    for i in 0..slots.len() {
        if taken.contains(&i) {
            continue; // a RAW going with its JPEG
        }
        let Some(path) = slots[i].take() else {
            continue;
        };
        let companion = companion_of
            .get(&i)
            .and_then(|&raw| Some((first_index + raw, slots[raw].take()?)));
        jobs.push(Job {
            index: first_index + i,
            path,
            companion,
        });
    }
    jobs
}

/// Whether two files' metadata say they are one shot: both record a capture time and a
/// camera, the times are equal to the second and the cameras the same.
pub fn same_shot(a: &PhotoMetadata, b: &PhotoMetadata) -> bool {
    let (Some(ta), Some(tb)) = (&a.taken_at, &b.taken_at) else {
        return false;
    };
    let (Some(ca), Some(cb)) = (&a.camera, &b.camera) else {
        return false;
    };
    let second = |t: chrono::NaiveDateTime| t.with_nanosecond(0);
    let camera = |c: &str| {
        c.split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase()
    };
    second(ta.local) == second(tb.local) && camera(ca) == camera(cb)
}

/// Imports one job: a file alone, or a candidate pair (one result when they pair, one per
/// file when they do not).
pub fn import_job(
    library: &Library,
    cat: &mut Catalogue,
    job: Job,
    request: &ImportRequest,
    st: &mut StageTimes,
) -> Vec<FileResult> {
    let result = |index, path, outcome, paired| FileResult {
        index,
        path,
        outcome,
        paired,
        stages: StageTimes::default(),
    };
    let Some((raw_index, raw_path)) = job.companion else {
        let outcome = import_one(library, cat, &job.path, request, st);
        return vec![result(job.index, job.path, outcome, None)];
    };
    let (outcome, paired) = import_pair(library, cat, &job.path, &raw_path, request, st);
    let mut out = Vec::with_capacity(2);
    let raw_done = paired.is_some();
    out.push(result(job.index, job.path, outcome, paired));
    if !raw_done {
        let outcome = import_one(library, cat, &raw_path, request, st);
        out.push(result(raw_index, raw_path, outcome, None));
    }
    out
}

/// Imports the shown file of a candidate pair, with its RAW when they are one shot. Returns
/// the shown file's outcome and the RAW's name when the RAW was kept with it (or is already);
/// `None` leaves the RAW to be imported on its own.
fn import_pair(
    library: &Library,
    cat: &mut Catalogue,
    shown_path: &Path,
    raw_path: &Path,
    request: &ImportRequest,
    st: &mut StageTimes,
) -> (Outcome, Option<String>) {
    let started = std::time::Instant::now();
    let shown = read_source(shown_path);
    let raw = read_source(raw_path);
    st.read += started.elapsed();
    let shown = match shown {
        Ok(shown) => shown,
        Err(e) => return (Outcome::Failed(e), None),
    };
    let alone = |cat: &mut Catalogue, shown: Source, st: &mut StageTimes| {
        let outcome = import_source(library, cat, shown_path, shown, None, request, st);
        (outcome, None)
    };
    let Ok(raw) = raw else {
        return alone(cat, shown, st);
    };
    if !one_shot(&shown, &raw) {
        return alone(cat, shown, st);
    }
    let name = raw_path.file_name().map(stored_name).unwrap_or_default().0;
    let pending = PendingCompanion {
        companion: Companion {
            hash: ContentHash::of(&raw.bytes),
            format: raw.format,
            original_name: name.clone(),
            file_size: raw.bytes.len() as u64,
        },
        bytes: &raw.bytes,
    };
    let hash = &pending.companion.hash;
    match cat.claim_import(hash, library.owner(), raw.format.extension()) {
        Ok(Claim::Claimed) => {}
        Ok(Claim::Duplicate(holder)) => {
            // The RAW is stored already: with this JPEG (the pair imported again) or not.
            let outcome = import_source(library, cat, shown_path, shown, None, request, st);
            let with_it =
                matches!(outcome, Outcome::Duplicate { existing: Some(id) } if id == holder);
            return (outcome, with_it.then_some(name));
        }
        Ok(Claim::InProgress) | Err(_) => return alone(cat, shown, st),
    }
    failpoint("companion_claimed");
    let outcome = import_source(library, cat, shown_path, shown, Some(&pending), request, st);
    match outcome {
        // The failed import removed the RAW's file and gave its claim up.
        Outcome::Imported { .. } => (outcome, Some(name)),
        Outcome::Failed(_) => (outcome, None),
        Outcome::Duplicate {
            existing: Some(photo),
        } => {
            // The JPEG was imported alone before: its RAW joins it now.
            let joined = attach(library, cat, photo, &pending, st);
            (outcome, joined.then_some(name))
        }
        Outcome::Duplicate { existing: None } => {
            let _ = cat.release_claim(hash, library.owner());
            (outcome, None)
        }
    }
}

/// Whether two files are a JPEG/HEIF and the camera RAW of one shot, read from disk (for the
/// import dialog's look before the import).
pub fn is_one_shot(shown: &Path, raw: &Path) -> bool {
    match (read_source(shown), read_source(raw)) {
        (Ok(shown), Ok(raw)) => one_shot(&shown, &raw),
        _ => false,
    }
}

/// The files are a camera RAW and a JPEG/HEIF of one shot, by their content.
fn one_shot(shown: &Source, raw: &Source) -> bool {
    raw.format.is_raw()
        && matches!(shown.format, PhotoFormat::Jpeg | PhotoFormat::Heif)
        && same_shot(
            &read_metadata_of(&shown.bytes, shown.format),
            &read_metadata_of(&raw.bytes, raw.format),
        )
}

/// Stores a claimed companion for a photo already in the library. On failure its file is
/// removed and its claim given up (the RAW is then imported on its own).
fn attach(
    library: &Library,
    cat: &mut Catalogue,
    photo: PhotoId,
    pending: &PendingCompanion<'_>,
    st: &mut StageTimes,
) -> bool {
    let c = &pending.companion;
    let stored = store_companion_file(library, pending, st)
        .map_err(|e| e.to_string())
        .and_then(|()| {
            cat.attach_companion(photo, c, library.owner(), || {})
                .map_err(|e| e.to_string())
        });
    if stored.is_err() {
        let _ = library.remove_photo_files(&c.hash, c.format.extension());
        let _ = cat.release_claim(&c.hash, library.owner());
    }
    stored.is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::imaging::metadata::FoundTime;
    use crate::model::TimeSource;

    fn paths(names: &[&str]) -> Vec<PathBuf> {
        names.iter().map(PathBuf::from).collect()
    }

    #[test]
    fn a_raw_goes_with_the_jpeg_of_its_name_in_its_folder() {
        let jobs = pair_files(
            paths(&[
                "a/IMG_1.CR2",
                "a/img_1.jpg",
                "a/IMG_2.NEF",
                "b/IMG_2.JPG",
                "c/IMG_3.CR2",
                "c/IMG_3.DNG",
                "c/IMG_3.JPG",
                "d/IMG_4.heic",
                "d/IMG_4.arw",
                "e/IMG_5.png",
                "e/IMG_5.dng",
            ]),
            2,
        );
        let shown: Vec<(usize, &str, Option<usize>)> = jobs
            .iter()
            .map(|j| {
                (
                    j.index,
                    j.path.to_str().unwrap(),
                    j.companion.as_ref().map(|c| c.0),
                )
            })
            .collect();
        assert_eq!(
            shown,
            vec![
                (3, "a/img_1.jpg", Some(2)),
                (4, "a/IMG_2.NEF", None), // its JPEG is in another folder
                (5, "b/IMG_2.JPG", None),
                (6, "c/IMG_3.CR2", None), // two RAWs of one name: no pair
                (7, "c/IMG_3.DNG", None),
                (8, "c/IMG_3.JPG", None),
                (9, "d/IMG_4.heic", Some(10)),
                (11, "e/IMG_5.png", None), // a PNG is no camera's twin
                (12, "e/IMG_5.dng", None),
            ]
        );
    }

    fn meta(time: &str, camera: Option<&str>) -> PhotoMetadata {
        PhotoMetadata {
            taken_at: Some(FoundTime {
                local: chrono::NaiveDateTime::parse_from_str(time, "%Y-%m-%d %H:%M:%S%.f").unwrap(),
                offset: None,
                source: TimeSource::ExifOriginal,
            }),
            camera: camera.map(str::to_owned),
            ..PhotoMetadata::default()
        }
    }

    #[test]
    fn one_shot_needs_the_same_second_and_camera_in_both() {
        let jpeg = meta("2024-05-10 09:00:01.250", Some("Canon EOS 20D"));
        assert!(same_shot(
            &jpeg,
            &meta("2024-05-10 09:00:01", Some("canon  EOS 20D"))
        ));
        assert!(!same_shot(
            &jpeg,
            &meta("2024-05-10 09:00:02", Some("Canon EOS 20D"))
        ));
        assert!(!same_shot(
            &jpeg,
            &meta("2024-05-10 09:00:01", Some("NIKON D1"))
        ));
        assert!(!same_shot(&jpeg, &meta("2024-05-10 09:00:01", None)));
        assert!(!same_shot(&jpeg, &PhotoMetadata::default()));
    }
}

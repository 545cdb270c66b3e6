//! The import pipeline, shared by the command line, the app and the benchmarks:
//! hash → duplicate check (claim) → temp copy → metadata → decode once → previews →
//! original into place → row and tags in one transaction.

use super::failpoint::failpoint;
use super::worker_count;
use crate::catalogue::{Assignment, Catalogue, CatalogueError, Claim, Companion, NewPhoto};
use crate::imaging::decode::DecodeError;
use crate::imaging::metadata::{Orientation, PhotoMetadata, read_metadata_of};
use crate::imaging::{Derived, Picture, decode_picture, derive_previews};
use crate::library::{Library, LibraryError};
use crate::model::filing::{DateMismatch, PhotoTags, date_mismatch};
use crate::model::printable::stored_name;
use crate::model::{ContentHash, PhotoFormat, PhotoId, TakenAt, TimeSource};
use chrono::NaiveDate;
use std::collections::HashMap;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::import_pair::{Job, pair_files};
pub use super::source::MAX_FILE_BYTES;
use super::source::{Source, read_source};

/// Extensions a folder walk picks up, and the file picker offers. Explicitly named files are
/// always tried; in folders, other files (sidecars, videos, documents) are skipped and counted.
pub const IMAGE_EXTENSIONS: &[&str] = &[
    "jpg", "jpeg", "jpe", "png", "webp", "tif", "tiff", "heic", "heif", "hif", "avif", "gif",
    "bmp", "dng", "cr2", "cr3", "nef", "arw",
];

#[derive(Clone, Debug, Default)]
pub struct ImportRequest {
    /// Files and folders (walked recursively).
    pub paths: Vec<PathBuf>,
    /// Where the photos go and how they are tagged, already resolved.
    pub assignment: Assignment,
    /// Worker threads; 0 means one per core.
    pub workers: usize,
    /// View and lighting per file, overriding the assignment's (a session has several views).
    pub per_photo: HashMap<PathBuf, PhotoTags>,
    /// The date of the session the photos are filed under: photos taken more than two days
    /// away from it are flagged.
    pub session_date: Option<NaiveDate>,
}

impl ImportRequest {
    /// The assignment for one file: the common one with its own view and lighting.
    fn assignment_for(&self, path: &Path) -> Assignment {
        let mut assignment = self.assignment.clone();
        if let Some(tags) = self.per_photo.get(path) {
            assignment.view = tags.view.or(assignment.view);
            assignment.lighting = tags.lighting.or(assignment.lighting);
        }
        assignment
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("cannot read: {0}")]
    Read(#[source] io::Error),
    #[error("is a folder that cannot be read: {0}")]
    Walk(#[source] io::Error),
    #[error("is {0}, not a regular file: only files are imported")]
    NotAFile(&'static str),
    #[error("is inside the library folder {}: the library's own files are never imported", .0.display())]
    InsideLibrary(PathBuf),
    #[error("is inside this workstation's cache of the clinic library ({}): previews and thumbnails are never imported", .0.display())]
    InsideCache(PathBuf),
    #[error("file is {size} bytes, more than the {limit} MiB limit")]
    TooBig { size: u64, limit: u64 },
    #[error("{0}")]
    Decode(#[from] DecodeError),
    #[error("{0}")]
    Library(#[from] LibraryError),
    #[error("catalogue: {0}")]
    Catalogue(#[from] CatalogueError),
}

/// How one file ended.
#[derive(Debug)]
pub enum Outcome {
    Imported {
        id: PhotoId,
        warnings: Vec<String>,
        /// Set when the photo was taken more than two days from the session it was filed under.
        date_mismatch: Option<DateMismatch>,
    },
    /// The same bytes are in the library already (or are being imported by another process).
    Duplicate {
        existing: Option<PhotoId>,
    },
    Failed(ImportError),
}

/// Time spent per stage on one file.
#[derive(Clone, Copy, Debug, Default)]
pub struct StageTimes {
    pub read: Duration,
    pub hash: Duration,
    pub exif: Duration,
    pub decode: Duration,
    pub resize: Duration,
    pub encode: Duration,
    pub write: Duration,
    pub face: Duration,
}

impl std::ops::AddAssign for StageTimes {
    fn add_assign(&mut self, o: Self) {
        self.read += o.read;
        self.hash += o.hash;
        self.exif += o.exif;
        self.decode += o.decode;
        self.resize += o.resize;
        self.encode += o.encode;
        self.write += o.write;
        self.face += o.face;
    }
}

#[derive(Debug)]
pub struct FileResult {
    /// Position in the list of files found, from 0.
    pub index: usize,
    pub path: PathBuf,
    pub outcome: Outcome,
    /// The name of the camera RAW kept with this photo as its companion original (shot with
    /// it: same folder, name, capture time and camera); its file is accounted for here.
    pub paired: Option<String>,
    pub stages: StageTimes,
}

/// Events go one at a time through a small bounded channel, so their size does not matter.
#[derive(Debug)]
#[allow(clippy::large_enum_variant)]
pub enum ImportEvent {
    /// The paths were walked: `total` files will be tried, `skipped` were not image files.
    Started {
        total: usize,
        skipped: usize,
    },
    /// A file is being worked on (for "current file" displays).
    Working {
        path: PathBuf,
    },
    File(FileResult),
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ImportSummary {
    pub total: usize,
    pub imported: usize,
    pub duplicates: usize,
    pub failed: usize,
    /// Camera RAW files kept as the companion of the photo shot with them (each is one of
    /// `total`, reported with its photo).
    pub paired: usize,
    pub skipped: usize,
    /// Files never started because the import was cancelled.
    pub not_started: usize,
    /// A folder walked held the library itself, which was left out.
    pub library_skipped: bool,
    pub cancelled: bool,
}

impl ImportSummary {
    /// "1 camera RAW kept with its photo" when RAW+JPEG pairs were imported.
    pub fn paired_text(&self) -> Option<String> {
        (self.paired > 0).then(|| {
            format!(
                "{} kept with {}",
                crate::model::count(self.paired, "camera RAW", "camera RAWs"),
                if self.paired == 1 {
                    "its photo"
                } else {
                    "their photos"
                }
            )
        })
    }
}

/// What walking the paths found.
#[derive(Debug, Default)]
pub struct Collected {
    pub files: Vec<PathBuf>,
    pub failures: Vec<(PathBuf, ImportError)>,
    /// Non-image files in folders.
    pub skipped: usize,
    /// A folder walked held the library itself, which was left out.
    pub library_skipped: bool,
}

/// The identity of a folder, to recognise the library however it is reached.
#[cfg(unix)]
fn folder_id(meta: &fs::Metadata) -> (u64, u64) {
    use std::os::unix::fs::MetadataExt;
    (meta.dev(), meta.ino())
}

#[cfg(not(unix))]
fn folder_id(_meta: &fs::Metadata) -> (u64, u64) {
    (0, 0)
}

/// The files `paths` name: files as given, folders walked recursively in name order (hidden
/// entries and non-image files skipped). Paths that cannot be read come back as failures.
/// Nothing inside `library`'s own folders (the library imported into and, for a clinic
/// library, this workstation's cache of it) is ever collected: a path inside one is a
/// failure, and a folder walked that holds one leaves it out.
pub fn collect_files(paths: &[PathBuf], library: Option<&Library>) -> Collected {
    let own: Vec<(PathBuf, (u64, u64), bool)> = library
        .map(|l| {
            let cache = l.cache_dir();
            let cache_outside = !cache.starts_with(l.root());
            let mut folders = vec![(l.root().to_owned(), false)];
            if cache_outside {
                folders.push((cache.to_owned(), true));
            }
            folders
        })
        .unwrap_or_default()
        .into_iter()
        .filter_map(|(root, is_cache)| {
            let meta = fs::metadata(&root).ok()?;
            Some((root.canonicalize().ok()?, folder_id(&meta), is_cache))
        })
        .collect();
    let ids: Vec<(u64, u64)> = own.iter().map(|o| o.1).collect();
    let mut found = Collected::default();
    for path in paths {
        let inside = own
            .iter()
            .find(|(root, _, _)| path.canonicalize().is_ok_and(|p| p.starts_with(root)));
        if let Some((root, _, is_cache)) = inside {
            let error = if *is_cache {
                ImportError::InsideCache(root.clone())
            } else {
                ImportError::InsideLibrary(root.clone())
            };
            found.failures.push((path.clone(), error));
            continue;
        }
        match fs::metadata(path) {
            Ok(meta) if meta.is_dir() => walk(path, &ids, &mut found),
            Ok(_) => found.files.push(path.clone()),
            Err(e) => found.failures.push((path.clone(), ImportError::Read(e))),
        }
    }
    found
}

fn walk(dir: &Path, own: &[(u64, u64)], found: &mut Collected) {
    let mut entries: Vec<_> = match fs::read_dir(dir) {
        Ok(rd) => rd.filter_map(Result::ok).collect(),
        Err(e) => return found.failures.push((dir.to_owned(), ImportError::Walk(e))),
    };
    entries.sort_by_key(fs::DirEntry::file_name);
    for entry in entries {
        let path = entry.path();
        if entry.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        // Do not follow links to folders: they can loop.
        match entry.file_type() {
            Ok(t) if t.is_dir() => {
                let is_own =
                    !own.is_empty() && entry.metadata().is_ok_and(|m| own.contains(&folder_id(&m)));
                if is_own {
                    found.library_skipped = true;
                } else {
                    walk(&path, own, found);
                }
            }
            Ok(_) => {
                let ext = path
                    .extension()
                    .map(|e| e.to_string_lossy().to_ascii_lowercase());
                if ext.is_some_and(|e| IMAGE_EXTENSIONS.contains(&e.as_str())) {
                    found.files.push(path);
                } else {
                    found.skipped += 1;
                }
            }
            Err(e) => found.failures.push((path, ImportError::Read(e))),
        }
    }
}

/// Imports the files of `request` on worker threads, calling `on_event` on this thread for
/// every file as it finishes. Setting `cancel` stops the import between files.
pub fn run_import(
    library: &Library,
    request: &ImportRequest,
    cancel: &AtomicBool,
    mut on_event: impl FnMut(ImportEvent),
) -> ImportSummary {
    let Collected {
        files,
        failures,
        skipped,
        library_skipped,
    } = collect_files(&request.paths, Some(library));
    let total = files.len() + failures.len();
    let mut summary = ImportSummary {
        total,
        skipped,
        library_skipped,
        ..ImportSummary::default()
    };
    on_event(ImportEvent::Started { total, skipped });
    let record =
        |summary: &mut ImportSummary, result: FileResult, on_event: &mut dyn FnMut(ImportEvent)| {
            match &result.outcome {
                Outcome::Imported { .. } => summary.imported += 1,
                Outcome::Duplicate { .. } => summary.duplicates += 1,
                Outcome::Failed(_) => summary.failed += 1,
            }
            summary.paired += usize::from(result.paired.is_some());
            on_event(ImportEvent::File(result));
        };
    for (index, (path, error)) in failures.into_iter().enumerate() {
        let result = FileResult {
            index,
            path,
            outcome: Outcome::Failed(error),
            paired: None,
            stages: StageTimes::default(),
        };
        record(&mut summary, result, &mut on_event);
    }
    let first_index = total - files.len();
    let jobs = pair_files(files, first_index);
    let workers = if request.workers == 0 {
        worker_count()
    } else {
        request.workers
    }
    .min(jobs.len().max(1));
    let (job_tx, job_rx) = sync_channel::<Job>(workers * 2);
    let (result_tx, result_rx) = sync_channel::<ImportEvent>(workers * 4);
    let job_rx = Arc::new(Mutex::new(job_rx));
    std::thread::scope(|scope| {
        for n in 0..workers {
            let job_rx = Arc::clone(&job_rx);
            let result_tx = result_tx.clone();
            std::thread::Builder::new()
                .name(format!("import-{n}"))
                .spawn_scoped(scope, move || {
                    worker(library, request, &job_rx, &result_tx, cancel);
                })
                .expect("spawning an import worker");
        }
        drop(result_tx);
        // Only the workers hold the jobs' receiver: when the last one stops (cancelled), a
        // feeder blocked on a full queue gets an error instead of waiting for ever. (Kept
        // here, it deadlocked when the cancel came between the feeder's check and its send.)
        drop(job_rx);
        std::thread::Builder::new()
            .name("import-feed".into())
            .spawn_scoped(scope, move || {
                feed(jobs, &job_tx, cancel);
            })
            .expect("spawning the import feeder");
        for event in result_rx {
            match event {
                ImportEvent::File(result) => record(&mut summary, result, &mut on_event),
                other => on_event(other),
            }
        }
    });
    summary.not_started =
        total - summary.imported - summary.duplicates - summary.failed - summary.paired;
    summary.cancelled = cancel.load(Ordering::Relaxed) && summary.not_started > 0;
    summary
}

fn feed(jobs: Vec<Job>, sender: &SyncSender<Job>, cancel: &AtomicBool) {
    for job in jobs {
        if cancel.load(Ordering::Relaxed) || sender.send(job).is_err() {
            return;
        }
    }
}

fn worker(
    library: &Library,
    request: &ImportRequest,
    jobs: &Mutex<Receiver<Job>>,
    results: &SyncSender<ImportEvent>,
    cancel: &AtomicBool,
) {
    let mut catalogue = library.catalogue();
    loop {
        let job = jobs.lock().map(|rx| rx.recv());
        let Ok(Ok(job)) = job else { return };
        if cancel.load(Ordering::Relaxed) {
            return;
        }
        let _ = results.send(ImportEvent::Working {
            path: job.path.clone(),
        });
        let mut stages = StageTimes::default();
        let finished = match &mut catalogue {
            Ok(cat) => super::import_pair::import_job(library, cat, job, request, &mut stages),
            Err(e) => {
                let failed = |index, path| FileResult {
                    index,
                    path,
                    outcome: Outcome::Failed(ImportError::Catalogue(CatalogueError::Invalid {
                        field: "catalogue",
                        reason: e.to_string(),
                    })),
                    paired: None,
                    stages: StageTimes::default(),
                };
                let mut out = vec![failed(job.index, job.path)];
                out.extend(job.companion.map(|(index, path)| failed(index, path)));
                out
            }
        };
        let count = finished.len();
        for (n, mut result) in finished.into_iter().enumerate() {
            // The time is the job's: it goes with its last file.
            if n + 1 == count {
                result.stages = stages;
            }
            if results.send(ImportEvent::File(result)).is_err() {
                return;
            }
        }
    }
}

/// Runs `f`, adding its duration to `slot`.
fn timed<T>(slot: &mut Duration, f: impl FnOnce() -> T) -> T {
    let start = Instant::now();
    let value = f();
    *slot += start.elapsed();
    value
}

/// Imports one file on its own.
pub(super) fn import_one(
    library: &Library,
    cat: &mut Catalogue,
    path: &Path,
    request: &ImportRequest,
    st: &mut StageTimes,
) -> Outcome {
    match timed(&mut st.read, || read_source(path)) {
        Ok(source) => import_source(library, cat, path, source, None, request, st),
        Err(e) => Outcome::Failed(e),
    }
}

/// A companion original ready to store with its photo: its row, its bytes, and whether
/// its hash is already claimed by this importer.
pub(super) struct PendingCompanion<'a> {
    pub companion: Companion,
    pub bytes: &'a [u8],
}

/// Imports a file already read, with a companion whose hash this importer has claimed
/// (stored in the same steps and the same transaction; removed with the photo's files if
/// the import fails, its claim then released). A duplicate returns before the companion
/// is touched: the caller decides what becomes of it.
pub(super) fn import_source(
    library: &Library,
    cat: &mut Catalogue,
    path: &Path,
    source: Source,
    companion: Option<&PendingCompanion<'_>>,
    request: &ImportRequest,
    st: &mut StageTimes,
) -> Outcome {
    let assignment = &request.assignment_for(path);
    let (bytes, format, file_time) = (source.bytes, source.format, source.modified);
    let hash = timed(&mut st.hash, || ContentHash::of(&bytes));
    failpoint("hashed");
    match cat.claim_import(&hash, library.owner(), format.extension()) {
        Ok(Claim::Claimed) => {}
        Ok(Claim::Duplicate(id)) => return Outcome::Duplicate { existing: Some(id) },
        Ok(Claim::InProgress) => return Outcome::Duplicate { existing: None },
        Err(e) => return Outcome::Failed(e.into()),
    }
    failpoint("claimed");
    let name = path.file_name().map(stored_name).unwrap_or_default();
    match store(
        library, cat, &bytes, &hash, format, name, file_time, companion, assignment, st,
    ) {
        Ok((id, warnings, taken_at)) => Outcome::Imported {
            id,
            warnings,
            date_mismatch: request
                .session_date
                .and_then(|session| date_mismatch(&taken_at, session)),
        },
        Err(e) => {
            // Undo: nothing of a failed file may stay behind.
            let _ = library.remove_photo_files(&hash, format.extension());
            let _ = cat.release_claim(&hash, library.owner());
            if let Some(pending) = companion {
                let c = &pending.companion;
                let _ = library.remove_photo_files(&c.hash, c.format.extension());
                let _ = cat.release_claim(&c.hash, library.owner());
            }
            Outcome::Failed(e)
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn store(
    library: &Library,
    cat: &mut Catalogue,
    bytes: &[u8],
    hash: &ContentHash,
    format: PhotoFormat,
    (original_name, original_name_raw): (String, Option<Vec<u8>>),
    file_time: Option<std::time::SystemTime>,
    companion: Option<&PendingCompanion<'_>>,
    assignment: &Assignment,
    st: &mut StageTimes,
) -> Result<(PhotoId, Vec<String>, TakenAt), ImportError> {
    let temp = timed(&mut st.write, || library.write_temp(bytes))?;
    failpoint("temp_written");
    let meta = timed(&mut st.exif, || read_metadata_of(bytes, format));
    let (picture, derived) = decode_and_derive(bytes, format, &meta, st)?;
    timed(&mut st.write, || {
        library.write_atomic(&library.preview_path(hash), &derived.preview_jpeg)
    })?;
    failpoint("preview_written");
    timed(&mut st.write, || {
        library.write_atomic(&library.thumbnail_path(hash), &derived.thumbnail_jpeg)
    })?;
    failpoint("thumbnail_written");
    timed(&mut st.write, || {
        library.commit_temp(temp, &library.original_path(hash, format))
    })?;
    failpoint("original_stored");
    if let Some(pending) = companion {
        store_companion_file(library, pending, st)?;
    }
    let mut warnings = Vec::new();
    warnings.extend(extension_warning(Path::new(&original_name), format));
    warnings.extend(picture.warnings);
    warnings.extend(meta.warnings);
    let taken_at = capture_time(meta.taken_at, meta.modified_at, file_time, &mut warnings);
    let new = NewPhoto {
        hash: hash.clone(),
        format,
        original_name,
        original_name_raw,
        file_size: bytes.len() as u64,
        width: derived.width,
        height: derived.height,
        taken_at,
        camera: meta.camera,
        colour_profile: picture.colour.profile,
        warnings: warnings.clone(),
    };
    let companions: Vec<Companion> = companion.map(|p| p.companion.clone()).into_iter().collect();
    let id = timed(&mut st.write, || {
        cat.finish_import_with(&new, &companions, assignment, library.owner(), || {
            failpoint("row_inserted");
        })
    })?;
    failpoint("committed");
    warnings.extend(timed(&mut st.face, || {
        super::faces::record_face(cat, id, &derived.preview)
    }));
    Ok((id, warnings, taken_at))
}

/// Writes a companion original byte for byte into place (temp, synced, renamed), under the
/// claim its caller holds.
pub(super) fn store_companion_file(
    library: &Library,
    pending: &PendingCompanion<'_>,
    st: &mut StageTimes,
) -> Result<(), ImportError> {
    let c = &pending.companion;
    let temp = timed(&mut st.write, || library.write_temp(pending.bytes))?;
    timed(&mut st.write, || {
        library.commit_temp(temp, &library.original_path(&c.hash, c.format))
    })?;
    failpoint("companion_stored");
    Ok(())
}

/// Decodes once (to sRGB) and derives the upright preview and thumbnail: the file's own
/// transformations (HEIF) or else its EXIF/XMP orientation.
fn decode_and_derive(
    bytes: &[u8],
    format: PhotoFormat,
    meta: &PhotoMetadata,
    st: &mut StageTimes,
) -> Result<(Picture, Derived), ImportError> {
    let mut picture = timed(&mut st.decode, || decode_picture(bytes, format))?;
    let orientation = if picture.upright {
        Orientation::AS_STORED
    } else {
        meta.orientation.unwrap_or(Orientation::AS_STORED)
    };
    let derived = derive_previews(&picture.image, orientation);
    // Only the previews are kept: free the full-size pixels now.
    picture.image = image::RgbImage::new(0, 0);
    st.resize += derived.resize_time;
    st.encode += derived.encode_time;
    Ok((picture, derived))
}

/// The photo's time by the documented order: a capture time when the file records one, else
/// EXIF `DateTime` or the file's time labelled as what they are (estimated), else now.
fn capture_time(
    captured: Option<crate::imaging::metadata::FoundTime>,
    modified: Option<crate::imaging::metadata::FoundTime>,
    file_time: Option<std::time::SystemTime>,
    warnings: &mut Vec<String>,
) -> TakenAt {
    if let Some(t) = captured {
        return TakenAt::from_source(t.local, t.offset, t.source);
    }
    // A file time beyond the calendar (a damaged or hostile file system) is no time.
    let beyond_calendar = file_time.is_some_and(|t| TakenAt::from_file_time(t).is_none());
    let taken = if let Some(t) = modified {
        TakenAt::from_source(t.local, t.offset, TimeSource::ExifModified)
    } else if let Some(taken) = file_time.and_then(TakenAt::from_file_time) {
        taken
    } else {
        let mut now = TakenAt::estimated_from(chrono::Local::now());
        now.source = TimeSource::Imported;
        now
    };
    let why = if beyond_calendar && taken.source == TimeSource::Imported {
        " (the file's modification time is outside the calendar)"
    } else {
        ""
    };
    warnings.push(format!(
        "no capture date in the file (EXIF DateTimeOriginal, DateTimeDigitized or XMP); filed as {} ({}){why}",
        taken.label(),
        crate::model::Keyed::label(taken.source)
    ));
    taken
}

/// A file whose name says one format but whose content is another is still imported (it is
/// a good photo), stored under its real format, with a warning.
fn extension_warning(path: &Path, format: PhotoFormat) -> Option<String> {
    let ext = path.extension()?.to_string_lossy().into_owned();
    match PhotoFormat::from_extension(&ext) {
        Some(named) if named == format => None,
        _ => Some(format!(
            "named .{ext} but the content is {}; stored as .{}",
            format.name(),
            format.extension()
        )),
    }
}

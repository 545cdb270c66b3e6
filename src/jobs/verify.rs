//! `verify`: every original matches its hash, every row has its file, every file has its row,
//! every cache entry exists (and can be rebuilt with `repair_cache`).

use super::worker_count;
use crate::catalogue::StoredOriginal;
use crate::imaging::metadata::Orientation;
use crate::imaging::metadata::read_metadata_of;
use crate::imaging::{decode_picture, derive_previews};
use crate::library::{Library, LibraryError};
use crate::model::printable::{printable, printable_path};
use crate::model::{ContentHash, PhotoFormat, PhotoId};
use std::collections::{HashMap, HashSet};
use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

#[derive(Clone, Copy, Debug, Default)]
pub struct VerifyOptions {
    /// Regenerate missing or unreadable previews and thumbnails, and delete cache files that
    /// belong to no photo.
    pub repair_cache: bool,
}

/// One thing wrong, with the photo and the file it concerns.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub photo: Option<PhotoId>,
    pub path: PathBuf,
    pub what: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = printable_path(&self.path);
        match self.photo {
            Some(id) => write!(f, "photo {id}: {} ({path})", printable(&self.what)),
            None => write!(f, "{} ({path})", printable(&self.what)),
        }
    }
}

#[derive(Debug, Default)]
pub struct VerifyReport {
    pub photos: usize,
    pub problems: Vec<Problem>,
    /// Cache files regenerated or removed by `repair_cache`.
    pub repaired: Vec<PathBuf>,
}

impl VerifyReport {
    pub fn is_clean(&self) -> bool {
        self.problems.is_empty()
    }
}

/// Checks the whole library, hashing originals on all cores. `progress(done, total)` is
/// called from worker threads as photos are checked.
pub fn verify(
    library: &Library,
    options: VerifyOptions,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<VerifyReport, LibraryError> {
    let mut catalogue = library.catalogue()?;
    let mut report = VerifyReport::default();
    let catalogue_path = library.root().join(crate::library::CATALOGUE_FILE);
    // A clinic's PostgreSQL server keeps its foreign keys at all times and checks its own
    // pages; the stored originals below are checked on both.
    if catalogue.backend() == crate::catalogue::Backend::Sqlite {
        for what in catalogue.check_integrity()? {
            report.problems.push(Problem {
                photo: None,
                path: catalogue_path.clone(),
                what,
            });
        }
    }
    // Every stored original: the photos' own and their companions (a RAW beside its JPEG).
    let rows = catalogue.stored_originals()?;
    report.photos = rows.iter().filter(|r| r.shown).count();
    let next = AtomicUsize::new(0);
    let found = Mutex::new((Vec::new(), Vec::new()));
    std::thread::scope(|scope| {
        for n in 0..worker_count().min(rows.len().max(1)) {
            let (rows, next, found) = (&rows, &next, &found);
            std::thread::Builder::new()
                .name(format!("verify-{n}"))
                .spawn_scoped(scope, move || {
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(row) = rows.get(i) else {
                            return;
                        };
                        let (problems, repaired) = check_original(library, row, options);
                        let mut found = found.lock().expect("verify worker panicked");
                        found.0.extend(problems);
                        found.1.extend(repaired);
                        drop(found);
                        progress(i + 1, rows.len());
                    }
                })
                .expect("spawning a verify worker");
        }
    });
    let (mut problems, repaired) = found.into_inner().expect("verify worker panicked");
    problems.sort_by_key(|p| p.photo);
    report.problems.extend(problems);
    report.repaired = repaired;
    check_orphans(library, &mut catalogue, options, &mut report)?;
    Ok(report)
}

/// The photos the catalogue knows, and the hashes being imported or purged right now (their
/// files may be mid-way).
fn owned_hashes(
    catalogue: &mut crate::catalogue::Catalogue,
) -> Result<(HashMap<ContentHash, PhotoFormat>, HashSet<ContentHash>), LibraryError> {
    let known = catalogue
        .stored_originals()?
        .into_iter()
        .map(|o| (o.hash, o.format))
        .collect();
    let mut in_progress = HashSet::new();
    for owner in catalogue.claim_owners()? {
        in_progress.extend(
            catalogue
                .claims_of(&owner)?
                .into_iter()
                .map(|(hash, _, _)| hash),
        );
    }
    in_progress.extend(
        catalogue
            .pending_purges()?
            .into_iter()
            .map(|(hash, _)| hash),
    );
    Ok((known, in_progress))
}

/// Checks one stored original: its bytes against its hash, and (a photo's own original, not
/// a companion, which has none) its previews.
fn check_original(
    library: &Library,
    row: &StoredOriginal,
    options: VerifyOptions,
) -> (Vec<Problem>, Vec<PathBuf>) {
    let (id, hash, format) = (row.photo, &row.hash, row.format);
    let mut problems = Vec::new();
    let mut repaired = Vec::new();
    let problem = |path: &Path, what: String| Problem {
        photo: Some(id),
        path: path.to_owned(),
        what,
    };
    let original = library.original_path(hash, format);
    let bytes = match library.read_file(&original) {
        Ok(bytes) => bytes,
        Err(e) => {
            problems.push(problem(&original, format!("original cannot be read: {e}")));
            return (problems, repaired);
        }
    };
    if library.key_state() == Some(crate::library::crypto::KeyState::Encrypted) {
        let mut paths = vec![original.clone()];
        if row.shown {
            paths.extend([library.preview_path(hash), library.thumbnail_path(hash)]);
        }
        for path in paths {
            if library.stored_plain(&path) {
                problems.push(problem(
                    &path,
                    "stored unencrypted in an encrypted library (run skinlapse encrypt to seal it)"
                        .into(),
                ));
            }
        }
    }
    let actual = ContentHash::of(&bytes);
    if actual != *hash {
        problems.push(problem(
            &original,
            format!("original is damaged: its content hash is now {actual}"),
        ));
        return (problems, repaired);
    }
    if !row.shown {
        return (problems, repaired);
    }
    let caches = [library.preview_path(hash), library.thumbnail_path(hash)];
    let bad: Vec<&PathBuf> = caches
        .iter()
        .filter(|p| !looks_like_jpeg(library, p))
        .collect();
    if bad.is_empty() {
        return (problems, repaired);
    }
    if options.repair_cache {
        match rebuild_cache(library, hash, format, &bytes) {
            Ok(()) => repaired.extend(bad.into_iter().cloned()),
            Err(e) => problems.push(problem(&original, format!("cache cannot be rebuilt: {e}"))),
        }
    } else {
        for path in bad {
            problems.push(problem(
                path,
                "cache file missing or unreadable (run verify --repair-cache)".into(),
            ));
        }
    }
    (problems, repaired)
}

/// Whether a cache file is there and reads as a JPEG (opened, in an encrypted library,
/// which also checks it was not damaged).
fn looks_like_jpeg(library: &Library, path: &Path) -> bool {
    const SOI: [u8; 3] = [0xFF, 0xD8, 0xFF];
    if !library.is_encrypted() {
        use std::io::Read;
        let mut head = [0u8; 3];
        return fs::File::open(path)
            .and_then(|mut f| f.read_exact(&mut head))
            .is_ok_and(|()| head == SOI);
    }
    library
        .read_file(path)
        .is_ok_and(|bytes| bytes.starts_with(&SOI))
}

/// Regenerates the preview and thumbnail of one original.
pub fn rebuild_cache(
    library: &Library,
    hash: &ContentHash,
    format: PhotoFormat,
    bytes: &[u8],
) -> Result<(), String> {
    let picture = decode_picture(bytes, format).map_err(|e| e.to_string())?;
    let orientation = if picture.upright {
        Orientation::AS_STORED
    } else {
        read_metadata_of(bytes, format)
            .orientation
            .unwrap_or(Orientation::AS_STORED)
    };
    let derived = derive_previews(&picture.image, orientation);
    library
        .write_atomic(&library.preview_path(hash), &derived.preview_jpeg)
        .map_err(|e| e.to_string())?;
    library
        .write_atomic(&library.thumbnail_path(hash), &derived.thumbnail_jpeg)
        .map_err(|e| e.to_string())?;
    Ok(())
}

/// Files under `originals/` and `cache/` that belong to no photo. The files are listed
/// first and the catalogue read after: a file an import wrote was written under a claim made
/// before it, so the claim (or the photo row that replaced it) is seen, and the caches of a
/// photo being imported are never taken for orphans.
fn check_orphans(
    library: &Library,
    catalogue: &mut crate::catalogue::Catalogue,
    options: VerifyOptions,
    report: &mut VerifyReport,
) -> Result<(), LibraryError> {
    let originals = files_below(&library.originals_dir());
    let caches: Vec<PathBuf> = ["cache/previews", "cache/thumbs"]
        .iter()
        .flat_map(|dir| files_below(&library.root().join(dir)))
        .collect();
    let (known, in_progress) = owned_hashes(catalogue)?;
    for path in originals {
        let parsed = parse_library_name(&path);
        let ok = match &parsed {
            Some((hash, ext)) => {
                in_progress.contains(hash)
                    || known.get(hash).is_some_and(|f| {
                        f.extension() == ext && library.original_path(hash, *f) == path
                    })
            }
            None => false,
        };
        if !ok {
            report.problems.push(Problem {
                photo: None,
                path,
                what: "original without a photo row".into(),
            });
        }
    }
    for path in caches {
        let owned = parse_library_name(&path)
            .is_some_and(|(h, _)| known.contains_key(&h) || in_progress.contains(&h));
        if owned {
            continue;
        }
        if options.repair_cache && fs::remove_file(&path).is_ok() {
            report.repaired.push(path);
        } else {
            report.problems.push(Problem {
                photo: None,
                path,
                what: "cache file without a photo".into(),
            });
        }
    }
    Ok(())
}

/// `<shard>/<hash>.<ext>` → hash and extension, when the name is one the library writes.
fn parse_library_name(path: &Path) -> Option<(ContentHash, String)> {
    let stem = path.file_stem()?.to_str()?;
    let ext = path.extension()?.to_str()?;
    let hash = ContentHash::parse(stem)?;
    let shard = path.parent()?.file_name()?.to_str()?;
    (shard == hash.shard()).then(|| (hash, ext.to_owned()))
}

fn files_below(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.filter_map(Result::ok) {
            match entry.file_type() {
                Ok(t) if t.is_dir() => stack.push(entry.path()),
                Ok(_) => out.push(entry.path()),
                Err(_) => {}
            }
        }
    }
    out.sort();
    out
}

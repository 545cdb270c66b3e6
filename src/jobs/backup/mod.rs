//! Backup and restore.
//!
//! A backup is one consistent moment of the library: the catalogue copied through SQLite's
//! online backup API (the app or an import may go on meanwhile), then every original and
//! cached file that copy names, by hash, as stored (an encrypted library's backup stays
//! encrypted, with its wrapped key). A manifest lists every file with its size and BLAKE3,
//! so a backup is verified on its own.
//!
//! Two forms share that manifest: one archive file (a tar, written beside its name and
//! renamed into place when whole), or a backup folder for large libraries, where files are
//! stored once by their hash and each run adds only what is new plus a small manifest (a
//! 50 GB library is not copied whole every night, and every earlier moment stays restorable).

mod archive;
mod folder;

use crate::library::{CATALOGUE_FILE, KEY_FILE, Library, LibraryError};
use crate::model::ContentHash;
use serde::{Deserialize, Serialize};
use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

pub use archive::ARCHIVE_MANIFEST;

pub const FORMAT: &str = "skinlapse-backup-1";

#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error(transparent)]
    Library(#[from] LibraryError),
    #[error(transparent)]
    Catalogue(#[from] crate::catalogue::CatalogueError),
    #[error("{}: {source}", .path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error(
        "{}: the photo's original disappeared during the backup (was the trash emptied?); run the backup again",
        .0.display()
    )]
    Vanished(PathBuf),
    #[error("{}: not a Skinlapse backup ({reason})", .path.display())]
    NotABackup { path: PathBuf, reason: String },
    #[error("{} is not empty: a library is restored only into an empty or new folder", .0.display())]
    TargetNotEmpty(PathBuf),
    #[error("cancelled: nothing was written and nothing was changed")]
    Cancelled,
    #[error("the backup {} failed verification:\n{}", .path.display(), .problems.join("\n"))]
    Damaged {
        path: PathBuf,
        problems: Vec<String>,
    },
}

/// Told how many files are done of how many (0: not known yet) after each file; returning
/// an error (say [`BackupError::Cancelled`]) stops the work there, leaving nothing behind.
pub type Progress<'a> = dyn FnMut(usize, usize) -> Result<(), BackupError> + 'a;

/// A [`Progress`] that reports through `report` and stops once `cancel` is set.
pub fn cancellable<'a>(
    cancel: &'a std::sync::atomic::AtomicBool,
    mut report: impl FnMut(usize, usize) + 'a,
) -> impl FnMut(usize, usize) -> Result<(), BackupError> + 'a {
    move |done, total| {
        if cancel.load(std::sync::atomic::Ordering::Relaxed) {
            return Err(BackupError::Cancelled);
        }
        report(done, total);
        Ok(())
    }
}

pub(crate) fn io_at(path: &Path) -> impl FnOnce(io::Error) -> BackupError + '_ {
    move |source| BackupError::Io {
        path: path.to_owned(),
        source,
    }
}

/// One file of a backup: where it goes in the library, its size and the BLAKE3 of its bytes
/// as stored.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    pub path: String,
    pub size: u64,
    pub blake3: String,
}

/// What a backup holds.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    pub format: String,
    pub created_at: String,
    pub encrypted: bool,
    pub photos: usize,
    pub entries: Vec<Entry>,
}

impl Manifest {
    fn parse(path: &Path, bytes: &[u8]) -> Result<Self, BackupError> {
        let manifest: Self =
            serde_json::from_slice(bytes).map_err(|e| BackupError::NotABackup {
                path: path.to_owned(),
                reason: format!("its manifest does not read: {e}"),
            })?;
        if manifest.format != FORMAT {
            return Err(BackupError::NotABackup {
                path: path.to_owned(),
                reason: format!("unknown format {:?}", manifest.format),
            });
        }
        for entry in &manifest.entries {
            if !allowed_path(&entry.path) {
                return Err(BackupError::NotABackup {
                    path: path.to_owned(),
                    reason: format!("it names a file outside a library: {:?}", entry.path),
                });
            }
        }
        Ok(manifest)
    }

    fn bytes(&self) -> Vec<u8> {
        serde_json::to_vec_pretty(self).expect("serialisable")
    }
}

/// Whether `path` is a file a library holds: nothing else is ever restored (no `..`, no
/// absolute paths, no stray names).
pub fn allowed_path(path: &str) -> bool {
    if path == CATALOGUE_FILE || path == KEY_FILE {
        return true;
    }
    let parts: Vec<&str> = path.split('/').collect();
    let named = |shard: &str, file: &str| {
        file.split_once('.').is_some_and(|(stem, ext)| {
            ContentHash::parse(stem).is_some_and(|h| h.shard() == shard)
                && !ext.is_empty()
                && ext.bytes().all(|b| b.is_ascii_alphanumeric())
        })
    };
    match parts.as_slice() {
        ["originals", shard, file] | ["cache", "previews" | "thumbs", shard, file] => {
            named(shard, file)
        }
        _ => false,
    }
}

/// A file to back up: its place in the library and where it is now.
#[derive(Debug)]
struct Source {
    path: String,
    from: PathBuf,
    /// Caches may be missing (they are regenerable); originals may not.
    required: bool,
}

/// What a backup or restore did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BackupSummary {
    pub photos: usize,
    pub files: usize,
    pub bytes: u64,
    /// Files actually written (a backup folder skips those it holds already).
    pub written: usize,
}

/// Reads through a reader, hashing and counting what passes.
struct Hashing<R> {
    inner: R,
    hasher: blake3::Hasher,
    count: u64,
}

impl<R: Read> Read for Hashing<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hasher.update(&buf[..n]);
        self.count += n as u64;
        Ok(n)
    }
}

impl<R> Hashing<R> {
    fn new(inner: R) -> Self {
        Self {
            inner,
            hasher: blake3::Hasher::new(),
            count: 0,
        }
    }

    fn finish(&self) -> String {
        self.hasher.finalize().to_hex().to_string()
    }
}

/// The catalogue as of now and every file it names, ready to copy.
fn snapshot(library: &Library) -> Result<(tempfile::TempDir, Vec<Source>, usize), BackupError> {
    let scratch = tempfile::Builder::new()
        .prefix("backup-")
        .tempdir_in(library.private_temp_dir()?)
        .map_err(io_at(library.root()))?;
    let copy = scratch.path().join(CATALOGUE_FILE);
    library.snapshot_catalogue(&copy)?;
    // Every stored original: the photos' own and their companions (a RAW beside its JPEG).
    let originals = library.open_catalogue_copy(&copy)?.stored_originals()?;
    let mut sources = vec![Source {
        path: CATALOGUE_FILE.into(),
        from: copy,
        required: true,
    }];
    if library.is_encrypted() {
        sources.push(Source {
            path: KEY_FILE.into(),
            from: library.root().join(KEY_FILE),
            required: true,
        });
    }
    let relative = |p: &Path| {
        p.strip_prefix(library.root())
            .expect("library paths are inside it")
            .to_string_lossy()
            .replace('\\', "/")
    };
    for stored in &originals {
        let (hash, format) = (&stored.hash, stored.format);
        let original = library.original_path(hash, format);
        sources.push(Source {
            path: relative(&original),
            from: original,
            required: true,
        });
        if !stored.shown {
            continue;
        }
        for cache in [library.preview_path(hash), library.thumbnail_path(hash)] {
            sources.push(Source {
                path: relative(&cache),
                from: cache,
                required: false,
            });
        }
    }
    let photos = originals.iter().filter(|o| o.shown).count();
    Ok((scratch, sources, photos))
}

/// Opens a file to back up; `None` for a missing cache file.
fn open_source(source: &Source) -> Result<Option<(File, u64)>, BackupError> {
    match File::open(&source.from) {
        Ok(file) => {
            let len = file.metadata().map_err(io_at(&source.from))?.len();
            Ok(Some((file, len)))
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound && !source.required => Ok(None),
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            Err(BackupError::Vanished(source.from.clone()))
        }
        Err(e) => Err(io_at(&source.from)(e)),
    }
}

/// Where a backup goes: an existing folder (or a name ending in `/`) is a backup folder,
/// anything else one archive file.
pub fn is_folder_target(to: &Path) -> bool {
    to.is_dir() || to.as_os_str().to_string_lossy().ends_with('/')
}

/// Backs the library up to `to` (an archive file, or a backup folder: see
/// [`is_folder_target`]). `progress(done, total)` counts files.
pub fn backup(
    library: &Library,
    to: &Path,
    progress: &mut Progress,
) -> Result<BackupSummary, BackupError> {
    let (_scratch, sources, photos) = snapshot(library)?;
    let created_at = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let mut manifest = Manifest {
        format: FORMAT.into(),
        created_at: created_at.clone(),
        encrypted: library.is_encrypted(),
        photos,
        entries: Vec::with_capacity(sources.len()),
    };
    let mut summary = if is_folder_target(to) {
        folder::write(library, to, &sources, &mut manifest, progress)?
    } else {
        archive::write(library, to, &sources, &mut manifest, progress)?
    };
    summary.photos = photos;
    library.catalogue()?.set_last_backup(&created_at)?;
    Ok(summary)
}

/// Checks a backup on its own: every file there with the size and hash its manifest says,
/// nothing else, and (in a plain backup) every original still hashing to its name. Returns
/// the manifest of the moment checked (the latest, for a folder).
pub fn verify_backup(from: &Path, progress: &mut Progress) -> Result<Manifest, BackupError> {
    if from.is_dir() {
        folder::verify(from, progress)
    } else {
        archive::verify(from, progress)
    }
}

/// Restores the backup `from` into `to`, a new or empty folder; nothing appears at `to`
/// unless every file arrived whole and checked.
pub fn restore(
    from: &Path,
    to: &Path,
    progress: &mut Progress,
) -> Result<BackupSummary, BackupError> {
    if std::fs::read_dir(to).is_ok_and(|mut d| d.next().is_some()) {
        return Err(BackupError::TargetNotEmpty(to.to_owned()));
    }
    let parent = match to.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_owned(),
        _ => PathBuf::from("."),
    };
    crate::library::modes::create_private_dir_all(&parent).map_err(io_at(&parent))?;
    let staging = tempfile::Builder::new()
        .prefix(".skinlapse-restoring-")
        .tempdir_in(&parent)
        .map_err(io_at(&parent))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(staging.path(), std::fs::Permissions::from_mode(0o700))
            .map_err(io_at(staging.path()))?;
    }
    let summary = if from.is_dir() {
        folder::restore(from, staging.path(), progress)?
    } else {
        archive::restore(from, staging.path(), progress)?
    };
    for dir in ["originals", "cache/previews", "cache/thumbs", "tmp"] {
        let path = staging.path().join(dir);
        crate::library::modes::create_private_dir_all(&path).map_err(io_at(&path))?;
    }
    let staged = staging.keep();
    // Renaming onto an empty folder replaces it.
    std::fs::rename(&staged, to).map_err(|e| {
        let _ = std::fs::remove_dir_all(&staged);
        io_at(to)(e)
    })?;
    if let Ok(dir) = File::open(&parent) {
        let _ = dir.sync_all();
    }
    Ok(summary)
}

/// Writes `bytes` read from `reader` into the new private file `dest`, synced; returns
/// their size and BLAKE3.
fn copy_checked(reader: impl Read, dest: &Path) -> Result<(u64, String), BackupError> {
    if let Some(dir) = dest.parent() {
        crate::library::modes::create_private_dir_all(dir).map_err(io_at(dir))?;
    }
    let mut out = crate::library::modes::create_private_file(dest).map_err(io_at(dest))?;
    let mut hashing = Hashing::new(reader);
    io::copy(&mut hashing, &mut out).map_err(io_at(dest))?;
    out.sync_all().map_err(io_at(dest))?;
    Ok((hashing.count, hashing.finish()))
}

/// Reads an entry's bytes only to hash them.
fn hash_entry(path: &str, reader: &mut dyn Read) -> Result<Entry, BackupError> {
    let mut hashing = Hashing::new(reader);
    io::copy(&mut hashing, &mut io::sink()).map_err(io_at(Path::new(path)))?;
    Ok(Entry {
        path: path.to_owned(),
        size: hashing.count,
        blake3: hashing.finish(),
    })
}

/// Writes an entry into the library being restored in `staging`, counting it.
fn restore_entry(
    staging: &Path,
    path: &str,
    reader: &mut dyn Read,
    summary: &mut BackupSummary,
) -> Result<Entry, BackupError> {
    let (size, blake3) = copy_checked(reader, &staging.join(path))?;
    summary.files += 1;
    summary.written += 1;
    summary.bytes += size;
    Ok(Entry {
        path: path.to_owned(),
        size,
        blake3,
    })
}

/// Fails naming every problem when the files found do not match the manifest.
fn check(manifest: &Manifest, found: &[Entry], backup: &Path) -> Result<(), BackupError> {
    let problems = compare(manifest, found);
    if problems.is_empty() {
        Ok(())
    } else {
        Err(BackupError::Damaged {
            path: backup.to_owned(),
            problems,
        })
    }
}

/// Problems of a set of files against a manifest: missing, extra, wrong size or hash, and
/// plain originals whose bytes no longer hash to their name.
fn compare(manifest: &Manifest, found: &[Entry]) -> Vec<String> {
    let mut problems = Vec::new();
    let expected: std::collections::HashMap<&str, &Entry> = manifest
        .entries
        .iter()
        .map(|e| (e.path.as_str(), e))
        .collect();
    let mut seen = std::collections::HashSet::new();
    for entry in found {
        match expected.get(entry.path.as_str()) {
            None => problems.push(format!("{}: not in the manifest", entry.path)),
            Some(want) if want.size != entry.size || want.blake3 != entry.blake3 => {
                problems.push(format!(
                    "{}: damaged ({} bytes, BLAKE3 {}; the manifest says {} bytes, {})",
                    entry.path, entry.size, entry.blake3, want.size, want.blake3
                ));
            }
            Some(_) => {}
        }
        seen.insert(entry.path.as_str());
        if !manifest.encrypted
            && let Some(stem) = entry
                .path
                .strip_prefix("originals/")
                .and_then(|p| p.rsplit('/').next())
                .and_then(|f| f.split('.').next())
            && stem != entry.blake3
        {
            problems.push(format!(
                "{}: the original's bytes no longer hash to its name",
                entry.path
            ));
        }
    }
    for entry in &manifest.entries {
        if !seen.contains(entry.path.as_str()) {
            problems.push(format!("{}: missing", entry.path));
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_library_files_are_allowed_paths() {
        let h = "ab".to_owned() + &"0".repeat(62);
        assert!(allowed_path("catalog.sqlite"));
        assert!(allowed_path(&format!("originals/ab/{h}.jpg")));
        assert!(allowed_path(&format!("cache/thumbs/ab/{h}.jpg")));
        assert!(!allowed_path(&format!("originals/cd/{h}.jpg")));
        assert!(!allowed_path(&format!("originals/ab/../../{h}.jpg")));
        assert!(!allowed_path("/etc/passwd"));
        assert!(!allowed_path("../catalog.sqlite"));
        assert!(!allowed_path(&format!("originals/ab/{h}.j/g")));
    }
}

//! What a folder is before it is opened as a library: new (or empty), a library, or
//! something that must not be turned into one. A catalogue that went missing next to the
//! photos is an error that says how to recover, never a fresh empty catalogue.

use super::{CATALOGUE_FILE, KEY_FILE, LibraryError, Result, io_at};
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// Entries a library folder holds; a folder with only these (and no photo files) is empty.
const LIBRARY_ENTRIES: &[&str] = &["originals", "cache", "tmp", KEY_FILE];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Found {
    /// No folder yet, or an empty one: a new library may be made here.
    New,
    /// A library with its catalogue.
    Library,
}

/// The files below `dirs` (none for a missing folder), at most `limit` of them, sorted.
pub(super) fn files_below(dirs: &[PathBuf], limit: usize) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = dirs.to_vec();
    while let Some(dir) = stack.pop() {
        let Ok(entries) = fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.filter_map(std::result::Result::ok) {
            match entry.file_type() {
                Ok(t) if t.is_dir() => stack.push(entry.path()),
                Ok(t) if t.is_file() => out.push(entry.path()),
                _ => {}
            }
            if out.len() >= limit {
                return out;
            }
        }
    }
    out.sort();
    out
}

fn count_files(dir: &Path, limit: usize) -> usize {
    files_below(&[dir.to_owned()], limit).len()
}

fn is_catalogue_entry(name: &str) -> bool {
    name.strip_prefix(CATALOGUE_FILE)
        .is_some_and(|rest| ["", "-wal", "-shm", "-journal"].contains(&rest))
}

/// Looks at `root` without changing anything.
pub(super) fn inspect(root: &Path) -> Result<Found> {
    let meta = match fs::metadata(root) {
        Ok(meta) => meta,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Found::New),
        Err(e) => return Err(io_at(root)(e)),
    };
    if !meta.is_dir() {
        return Err(LibraryError::NotAFolder {
            path: root.to_owned(),
        });
    }
    if let Some(settings) = super::clinic::read(root).ok().flatten() {
        return Err(LibraryError::ClinicLibrary {
            root: root.to_owned(),
            database: settings.database,
        });
    }
    let catalogue = root.join(CATALOGUE_FILE);
    let size = match fs::metadata(&catalogue) {
        Ok(m) => Some(m.len()),
        Err(e) if e.kind() == io::ErrorKind::NotFound => None,
        Err(e) => return Err(io_at(&catalogue)(e)),
    };
    // A catalogue whose pages are all still in its WAL is empty on disk but not lost.
    let wal_len = fs::metadata(root.join(format!("{CATALOGUE_FILE}-wal"))).map_or(0, |m| m.len());
    if size.is_some_and(|s| s > 0) || wal_len > 0 {
        return Ok(Found::Library);
    }
    let photo_files =
        count_files(&root.join("originals"), usize::MAX) + count_files(&root.join("cache"), 1);
    if photo_files > 0 {
        return Err(LibraryError::CatalogueMissing {
            root: root.to_owned(),
            empty: size.is_some(),
            originals: count_files(&root.join("originals"), usize::MAX),
        });
    }
    let entries = fs::read_dir(root).map_err(io_at(root))?;
    for entry in entries {
        let entry = entry.map_err(io_at(root))?;
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if !(LIBRARY_ENTRIES.contains(&name.as_ref()) || is_catalogue_entry(&name)) {
            return Err(LibraryError::NotALibrary {
                path: root.to_owned(),
            });
        }
    }
    Ok(Found::New)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_empty_library_and_foreign_folders_are_told_apart() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("lib");
        assert_eq!(inspect(&root).unwrap(), Found::New);
        fs::create_dir_all(root.join("originals/ab")).unwrap();
        assert_eq!(inspect(&root).unwrap(), Found::New);
        fs::write(root.join(CATALOGUE_FILE), b"").unwrap();
        assert_eq!(inspect(&root).unwrap(), Found::New);
        fs::write(root.join("originals/ab/ab12.jpg"), b"x").unwrap();
        let err = inspect(&root).unwrap_err();
        assert!(
            matches!(
                err,
                LibraryError::CatalogueMissing {
                    empty: true,
                    originals: 1,
                    ..
                }
            ),
            "{err}"
        );
        fs::remove_file(root.join(CATALOGUE_FILE)).unwrap();
        assert!(matches!(
            inspect(&root).unwrap_err(),
            LibraryError::CatalogueMissing { empty: false, .. }
        ));
        let photos = dir.path().join("photos");
        fs::create_dir_all(&photos).unwrap();
        fs::write(photos.join("holiday.jpg"), b"x").unwrap();
        assert!(matches!(
            inspect(&photos).unwrap_err(),
            LibraryError::NotALibrary { .. }
        ));
        assert!(matches!(
            inspect(&photos.join("holiday.jpg")).unwrap_err(),
            LibraryError::NotAFolder { .. }
        ));
    }
}

//! Keeping a copy of a library in another folder: the temporary demo library, kept as a
//! library of one's own before it is deleted.

use super::{CATALOGUE_FILE, Library, Result, io_at};
use std::fs;
use std::io;
use std::path::Path;

/// Copies every file below `from` to the same place below `to`.
fn copy_tree(from: &Path, to: &Path) -> Result<()> {
    super::modes::create_private_dir_all(to).map_err(io_at(to))?;
    for entry in fs::read_dir(from).map_err(io_at(from))? {
        let entry = entry.map_err(io_at(from))?;
        let (src, dest) = (entry.path(), to.join(entry.file_name()));
        if entry.file_type().map_err(io_at(&src))?.is_dir() {
            copy_tree(&src, &dest)?;
        } else {
            fs::copy(&src, &dest).map_err(io_at(&dest))?;
        }
    }
    Ok(())
}

impl Library {
    /// Copies the library (catalogue, originals and caches) into `dest`, a new or empty
    /// folder. The copy is made beside it and renamed into place, so a failure or a crash
    /// leaves no half library at `dest`.
    pub fn save_copy(&self, dest: &Path) -> Result<()> {
        if dest.exists() {
            let mut entries = fs::read_dir(dest).map_err(io_at(dest))?;
            if entries.next().is_some() {
                return Err(io_at(dest)(io::Error::new(
                    io::ErrorKind::AlreadyExists,
                    "the folder is not empty: choose a new or empty folder",
                )));
            }
        }
        let parent = dest
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        fs::create_dir_all(parent).map_err(io_at(parent))?;
        let staging = tempfile::Builder::new()
            .prefix(".skinlapse-copy-")
            .tempdir_in(parent)
            .map_err(io_at(parent))?;
        self.catalogue()?
            .copy_into(&staging.path().join(CATALOGUE_FILE))?;
        for dir in ["originals", "cache"] {
            copy_tree(&self.root.join(dir), &staging.path().join(dir))?;
        }
        // The working folder a library is opened with (its in-use lock lives there).
        let tmp = staging.path().join("tmp");
        super::modes::create_private_dir_all(&tmp).map_err(io_at(&tmp))?;
        if dest.exists() {
            fs::remove_dir(dest).map_err(io_at(dest))?;
        }
        let staged = staging.keep();
        fs::rename(&staged, dest).map_err(io_at(dest))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_copy_opens_with_everything_and_a_full_folder_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let library = Library::open(&dir.path().join("lib")).unwrap();
        let me = library.catalogue().unwrap().add_person("Me").unwrap();
        let original = library.originals_dir().join("ab/x.jpg");
        fs::create_dir_all(original.parent().unwrap()).unwrap();
        fs::write(&original, b"bytes").unwrap();
        let kept = dir.path().join("kept/library");
        library.save_copy(&kept).unwrap();
        let copy = Library::open(&kept).unwrap();
        assert_eq!(copy.catalogue().unwrap().person(me).unwrap().name, "Me");
        assert_eq!(fs::read(kept.join("originals/ab/x.jpg")).unwrap(), b"bytes");
        let err = library.save_copy(&kept).unwrap_err().to_string();
        assert!(err.contains("not empty"), "{err}");
        let leftovers: Vec<_> = fs::read_dir(dir.path().join("kept"))
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(leftovers.len(), 1, "no staging folder left: {leftovers:?}");
    }
}

//! The library folder: the catalogue file, content-addressed originals, regenerable caches,
//! and the temporary area that makes writes atomic and imports recoverable.
//!
//! ```text
//! <library>/catalog.sqlite
//! <library>/originals/ab/<hash>.<ext>     imported bytes, never modified
//! <library>/cache/previews/ab/<hash>.jpg  long edge 2048
//! <library>/cache/thumbs/ab/<hash>.jpg    long edge 256
//! <library>/tmp/<owner>.lock              held by each process using the library
//! <library>/tmp/<owner>/                  that process's files being written
//! ```

mod copy;
mod owner;
mod recovery;

pub use recovery::RecoveryReport;

use crate::catalogue::{Catalogue, CatalogueError};
use crate::model::{ContentHash, PhotoFormat};
use owner::Owner;
use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

pub const CATALOGUE_FILE: &str = "catalog.sqlite";

#[derive(Debug, thiserror::Error)]
pub enum LibraryError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error("{path} is a file, not a library folder")]
    NotAFolder { path: PathBuf },
    #[error(transparent)]
    Catalogue(#[from] CatalogueError),
}

pub type Result<T, E = LibraryError> = std::result::Result<T, E>;

/// Attaches the path to an I/O error.
pub(crate) fn io_at(path: &Path) -> impl FnOnce(io::Error) -> LibraryError + '_ {
    move |source| LibraryError::Io {
        path: path.to_owned(),
        source,
    }
}

/// An open library. Holding it holds this process's owner lock, which tells other processes
/// that our unfinished imports are alive and not debris.
#[derive(Debug)]
pub struct Library {
    root: PathBuf,
    owner: Owner,
    temp_counter: AtomicU64,
}

/// A file written and synced in this process's temporary folder, not yet in place.
#[derive(Debug)]
pub struct TempFile {
    path: PathBuf,
}

impl TempFile {
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        // Gone already once it was renamed into place.
        let _ = fs::remove_file(&self.path);
    }
}

impl Library {
    /// The library in the platform data folder (e.g. `~/.local/share/skinlapse`).
    pub fn default_root() -> Option<PathBuf> {
        directories::ProjectDirs::from("", "", "Skinlapse").map(|d| d.data_dir().to_owned())
    }

    /// Opens the library at `root`, creating the folder and catalogue when missing, and rolls
    /// back any import a dead process left unfinished.
    pub fn open(root: &Path) -> Result<Self> {
        if root.is_file() {
            return Err(LibraryError::NotAFolder {
                path: root.to_owned(),
            });
        }
        for dir in ["originals", "cache/previews", "cache/thumbs", "tmp"] {
            let path = root.join(dir);
            fs::create_dir_all(&path).map_err(io_at(&path))?;
        }
        let root = root.canonicalize().map_err(io_at(root))?;
        // Create (or migrate) the catalogue before anything else touches it.
        Catalogue::open(&root.join(CATALOGUE_FILE))?;
        let owner = Owner::acquire(&root.join("tmp"))?;
        let library = Self {
            root,
            owner,
            temp_counter: AtomicU64::new(0),
        };
        library.recover()?;
        Ok(library)
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// This process's owner token, which import claims are made under.
    pub fn owner(&self) -> &str {
        self.owner.token()
    }

    /// A new connection to the catalogue (one per thread).
    pub fn catalogue(&self) -> Result<Catalogue> {
        Ok(Catalogue::open(&self.root.join(CATALOGUE_FILE))?)
    }

    pub fn originals_dir(&self) -> PathBuf {
        self.root.join("originals")
    }

    pub fn original_path(&self, hash: &ContentHash, format: PhotoFormat) -> PathBuf {
        self.original_path_ext(hash, format.extension())
    }

    fn original_path_ext(&self, hash: &ContentHash, extension: &str) -> PathBuf {
        self.root
            .join("originals")
            .join(hash.shard())
            .join(format!("{hash}.{extension}"))
    }

    pub fn preview_path(&self, hash: &ContentHash) -> PathBuf {
        self.root
            .join("cache/previews")
            .join(hash.shard())
            .join(format!("{hash}.jpg"))
    }

    pub fn thumbnail_path(&self, hash: &ContentHash) -> PathBuf {
        self.root
            .join("cache/thumbs")
            .join(hash.shard())
            .join(format!("{hash}.jpg"))
    }

    /// Writes `bytes` to a synced temporary file in this process's temporary folder.
    pub fn write_temp(&self, bytes: &[u8]) -> Result<TempFile> {
        let n = self.temp_counter.fetch_add(1, Ordering::Relaxed);
        let path = self.owner.temp_dir().join(format!("{n}.part"));
        let temp = TempFile { path };
        let mut file = File::create(&temp.path).map_err(io_at(&temp.path))?;
        file.write_all(bytes).map_err(io_at(&temp.path))?;
        file.sync_all().map_err(io_at(&temp.path))?;
        Ok(temp)
    }

    /// Moves a temporary file into place atomically: readers see the old state or the whole
    /// new file, never a part.
    pub fn commit_temp(&self, temp: TempFile, dest: &Path) -> Result<()> {
        let dir = dest.parent().expect("library paths have a parent");
        fs::create_dir_all(dir).map_err(io_at(dir))?;
        fs::rename(&temp.path, dest).map_err(io_at(dest))?;
        sync_dir(dir);
        drop(temp);
        Ok(())
    }

    /// `write_temp` then `commit_temp`.
    pub fn write_atomic(&self, dest: &Path, bytes: &[u8]) -> Result<()> {
        let temp = self.write_temp(bytes)?;
        self.commit_temp(temp, dest)
    }

    /// Removes an original and its cached derivatives (those that exist).
    pub fn remove_photo_files(&self, hash: &ContentHash, extension: &str) -> Result<()> {
        for path in [
            self.original_path_ext(hash, extension),
            self.preview_path(hash),
            self.thumbnail_path(hash),
        ] {
            match fs::remove_file(&path) {
                Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(io_at(&path)(e)),
                _ => {}
            }
        }
        Ok(())
    }
}

impl Library {
    /// Empties the trash: rows and files go together (a crash in between is finished by
    /// recovery). Returns how many photos were removed.
    pub fn empty_trash(&self) -> Result<usize> {
        let mut catalogue = self.catalogue()?;
        let files = catalogue.begin_purge()?;
        for (hash, extension) in &files {
            self.remove_photo_files(hash, extension)?;
        }
        let hashes: Vec<ContentHash> = files.into_iter().map(|(h, _)| h).collect();
        catalogue.finish_purge(&hashes)?;
        Ok(hashes.len())
    }
}

/// Writes a file outside the library atomically: a synced temporary file beside it, renamed
/// over it. Readers see the old file or the whole new one; a failure leaves no debris.
pub fn write_file_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let mut temp = tempfile::Builder::new()
        .prefix(".skinlapse-")
        .suffix(".part")
        .tempfile_in(dir)?;
    temp.write_all(bytes)?;
    temp.as_file().sync_all()?;
    temp.persist(path).map_err(|e| e.error)?;
    sync_dir(dir);
    Ok(())
}

/// Makes a rename durable. Best effort: not every platform can sync a directory.
fn sync_dir(dir: &Path) {
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
}

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

pub mod clinic;
pub mod clinic_store;
mod convert;
mod copy;
pub mod crypto;
mod folder;
pub mod modes;
mod outside;
mod owner;
mod recovery;

pub use convert::Conversion;
pub use outside::Outside;
pub use recovery::RecoveryReport;

use crate::catalogue::{Access, Catalogue, CatalogueError};
use crate::model::{ContentHash, PhotoFormat};
use crypto::{CryptoError, KeyFile, KeyState, Keys};
use folder::Found;
use modes::{create_private_dir_all, create_private_file};
use owner::Owner;
use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use zeroize::Zeroizing;

pub const CATALOGUE_FILE: &str = "catalog.sqlite";
/// The wrapped key of an encrypted library.
pub const KEY_FILE: &str = "library.key";

/// The folders every library has.
const FOLDERS: &[&str] = &["originals", "cache/previews", "cache/thumbs", "tmp"];

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
    #[error(
        "{} is a clinic library on {database}: open it in the app, which asks you to sign in, or with `skinlapse --library DIR --user NAME clinic …` (users, audit)",
        .root.display()
    )]
    ClinicLibrary { root: PathBuf, database: String },
    #[error(
        "{path} is not empty and holds no Skinlapse catalogue: a new library is made only in an empty or new folder"
    )]
    NotALibrary { path: PathBuf },
    #[error(
        "the catalogue {}/catalog.sqlite is {} but the library holds {originals} photo files in originals/: the people, series, sessions and grades were in that file. Nothing was changed. To recover, put catalog.sqlite back from a copy, or restore your last backup into a new folder (skinlapse restore BACKUP --library NEWDIR); to keep only the photos, import them into a new library (skinlapse --library NEWDIR import {}/originals)",
        .root.display(),
        if *.empty { "empty (0 bytes)" } else { "missing" },
        .root.display()
    )]
    CatalogueMissing {
        root: PathBuf,
        /// The file is there but holds nothing (else it is gone).
        empty: bool,
        originals: usize,
    },
    #[error(
        "the disk holding the library {} is full: free some space and try again (nothing was half-written; the library can still be listed)",
        .root.display()
    )]
    DiskFull { root: PathBuf },
    #[error("the library {} is open read-only: it can be listed and exported from, not changed", .root.display())]
    ReadOnly { root: PathBuf },
    #[error(
        "the library {} is encrypted: give its passphrase (you are asked for it, or use --passphrase-file FILE or SKINLAPSE_PASSPHRASE)",
        .root.display()
    )]
    Locked { root: PathBuf },
    #[error("wrong passphrase for the library {}: nothing was opened or changed", .root.display())]
    WrongPassphrase { root: PathBuf },
    #[error("{path}: {source}")]
    Crypto {
        path: PathBuf,
        #[source]
        source: CryptoError,
    },
    #[error(
        "the library {} is in use by another Skinlapse window or command; close it and try again",
        .root.display()
    )]
    InUse { root: PathBuf },
    #[error("{} is a library already", .root.display())]
    AlreadyALibrary { root: PathBuf },
    #[error("the library {} is not encrypted", .root.display())]
    NotEncrypted { root: PathBuf },
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

/// How to open a library.
#[derive(Clone, Debug, Default)]
pub struct OpenOptions {
    /// Never write: no recovery, no lock file, a read-only catalogue. Works on a read-only
    /// or full disk, and never waits behind another process's write.
    pub read_only: bool,
    /// The passphrase of an encrypted library.
    pub passphrase: Option<Zeroizing<String>>,
}

/// An open library. Holding it (read-write) holds this process's owner lock, which tells
/// other processes that our unfinished imports are alive and not debris.
#[derive(Debug)]
pub struct Library {
    root: PathBuf,
    /// None when opened read-only.
    owner: Option<Owner>,
    temp_counter: AtomicU64,
    /// Things the user should be told about opening (modes tightened, say).
    notices: Vec<String>,
    /// The keys of an encrypted library, unlocked.
    keys: Option<Arc<Keys>>,
    /// Where an encrypted library's conversion stands.
    key_state: Option<KeyState>,
    /// Held shared while the library is open; a conversion needs it exclusively.
    in_use: Option<File>,
    /// Where previews and thumbnails are kept: `cache/` in the library, or this
    /// workstation's own cache folder for a clinic library.
    cache: PathBuf,
    /// The signed-in user of a clinic library: each thread's catalogue connection is opened
    /// with it.
    clinic: Option<Arc<clinic::ClinicLogin>>,
}

/// Reads the library's files, opening sealed ones: a cheap handle for loader threads.
#[derive(Clone, Debug, Default)]
pub struct Files {
    keys: Option<Arc<Keys>>,
}

impl Files {
    /// The plaintext of a library file (an original, a preview, a thumbnail).
    pub fn read(&self, path: &Path) -> Result<Vec<u8>> {
        let bytes = fs::read(path).map_err(io_at(path))?;
        self.open(path, bytes)
    }

    fn open(&self, path: &Path, bytes: Vec<u8>) -> Result<Vec<u8>> {
        if !crypto::is_sealed(&bytes) {
            return Ok(bytes);
        }
        let crypto_err = |source| LibraryError::Crypto {
            path: path.to_owned(),
            source,
        };
        let keys = self.keys.as_ref().ok_or(crypto_err(CryptoError::Damaged))?;
        keys.open(&bytes).map_err(crypto_err)
    }
}

/// What every plaintext SQLite file starts with.
pub const SQLITE_HEADER: &[u8; 16] = b"SQLite format 3\0";

/// Reads an encrypted library's key file and unwraps its keys.
fn unlock(root: &Path, passphrase: Option<&str>) -> Result<Option<(Arc<Keys>, KeyState)>> {
    let path = root.join(KEY_FILE);
    let bytes = match fs::read(&path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(io_at(&path)(e)),
    };
    let file = KeyFile::parse(&bytes).map_err(|source| LibraryError::Crypto {
        path: path.clone(),
        source,
    })?;
    let passphrase = passphrase.ok_or_else(|| LibraryError::Locked {
        root: root.to_owned(),
    })?;
    match file.unwrap_keys(passphrase) {
        Ok(keys) => Ok(Some((Arc::new(keys), file.state))),
        Err(CryptoError::WrongPassphrase) => Err(LibraryError::WrongPassphrase {
            root: root.to_owned(),
        }),
        Err(source) => Err(LibraryError::Crypto { path, source }),
    }
}

/// Takes the library's in-use lock shared: many users at once, none while it is converted.
/// Read-only (where the lock file may not be creatable) it is best effort.
fn hold_in_use(root: &Path, read_only: bool) -> Result<Option<File>> {
    let path = root.join("tmp/in-use");
    let file = if read_only {
        match File::open(&path) {
            Ok(f) => f,
            Err(_) => return Ok(None),
        }
    } else {
        modes::private_options()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(io_at(&path))?
    };
    match file.try_lock_shared() {
        Ok(()) => Ok(Some(file)),
        Err(fs::TryLockError::WouldBlock) => Err(LibraryError::InUse {
            root: root.to_owned(),
        }),
        Err(fs::TryLockError::Error(e)) if read_only => {
            let _ = e;
            Ok(None)
        }
        Err(fs::TryLockError::Error(e)) => Err(io_at(&path)(e)),
    }
}

/// Whether the catalogue file is (still) plain SQLite.
fn catalogue_is_plain(path: &Path) -> bool {
    use std::io::Read;
    let mut head = [0u8; 16];
    File::open(path)
        .and_then(|mut f| f.read_exact(&mut head))
        .is_ok_and(|()| &head == SQLITE_HEADER)
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

/// Makes a new library's folders and its empty catalogue file, all private.
fn create_skeleton(root: &Path) -> io::Result<()> {
    create_private_dir_all(root)?;
    for dir in FOLDERS {
        create_private_dir_all(&root.join(dir))?;
    }
    // SQLite gives the WAL and shared-memory files the catalogue's own mode.
    let catalogue = root.join(CATALOGUE_FILE);
    if !catalogue.exists() {
        create_private_file(&catalogue)?;
    }
    sync_dir(root);
    Ok(())
}

impl Library {
    /// The library in the platform data folder (e.g. `~/.local/share/skinlapse`).
    pub fn default_root() -> Option<PathBuf> {
        directories::ProjectDirs::from("", "", "Skinlapse").map(|d| d.data_dir().to_owned())
    }

    /// Opens the library at `root` for reading and writing, making a new one when the folder
    /// is new or empty, and rolls back any import a dead process left unfinished.
    pub fn open(root: &Path) -> Result<Self> {
        Self::open_with(root, &OpenOptions::default())
    }

    /// Opens an existing library without writing anything when it can (falling back to a
    /// writing open for a new library or a catalogue that needs upgrading): for listing.
    pub fn open_for_reading(root: &Path, options: &OpenOptions) -> Result<Self> {
        if folder::inspect(root)? == Found::Library {
            let read_only = OpenOptions {
                read_only: true,
                ..options.clone()
            };
            match Self::open_with(root, &read_only) {
                Err(LibraryError::Catalogue(CatalogueError::NeedsUpgrade { .. })) => {}
                other => return other,
            }
        }
        Self::open_with(
            root,
            &OpenOptions {
                read_only: false,
                ..options.clone()
            },
        )
    }

    pub fn open_with(root: &Path, options: &OpenOptions) -> Result<Self> {
        let found = folder::inspect(root)?;
        let full = |e: io::Error, path: &Path| {
            if is_disk_full(&e) {
                LibraryError::DiskFull {
                    root: root.to_owned(),
                }
            } else {
                io_at(path)(e)
            }
        };
        let mut notices = Vec::new();
        // Unlock before anything is touched: a wrong passphrase changes nothing.
        let unlocked = unlock(root, options.passphrase.as_deref().map(String::as_str))?;
        let (keys, key_state) = match unlocked {
            Some((keys, state)) => (Some(keys), Some(state)),
            None => (None, None),
        };
        if found == Found::New {
            if options.read_only {
                return Err(io_at(&root.join(CATALOGUE_FILE))(io::Error::new(
                    io::ErrorKind::NotFound,
                    "no library here yet",
                )));
            }
            create_skeleton(root).map_err(|e| full(e, root))?;
        }
        let root = root.canonicalize().map_err(io_at(root))?;
        let mut library = Self {
            cache: root.join("cache"),
            root,
            owner: None,
            temp_counter: AtomicU64::new(0),
            notices: Vec::new(),
            keys,
            key_state,
            in_use: None,
            clinic: None,
        };
        library.in_use = hold_in_use(&library.root, options.read_only)?;
        if options.read_only {
            library.catalogue_as(Access::ReadOnly)?;
            outside::remove_dead_leftovers(&library.root.join("tmp"));
            return Ok(library);
        }
        let root = library.root.clone();
        if let Some(n) = tighten_if_loose(&root).map_err(|e| full(e, &root))? {
            notices.push(format!(
                "the library {} was readable by other users: {n} files and folders are now private to you (0700 folders, 0600 files)",
                root.display()
            ));
        }
        for dir in FOLDERS {
            let path = root.join(dir);
            create_private_dir_all(&path).map_err(|e| full(e, &path))?;
        }
        // Create (or migrate) the catalogue before anything else touches it.
        let access = if found == Found::New {
            Access::Create
        } else {
            Access::ReadWrite
        };
        library.catalogue_as(access)?;
        let owner = Owner::acquire(&root.join("tmp")).map_err(|e| match e {
            LibraryError::Io { source, path } => full(source, &path),
            e => e,
        })?;
        library.owner = Some(owner);
        library.notices = notices;
        library.recover()?;
        Ok(library)
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Whether this library was opened read-only.
    pub fn is_read_only(&self) -> bool {
        self.owner.is_none()
    }

    /// What the user should be told about opening the library.
    pub fn notices(&self) -> &[String] {
        &self.notices
    }

    /// This process's owner token, which import claims are made under (empty read-only).
    pub fn owner(&self) -> &str {
        self.owner.as_ref().map_or("", Owner::token)
    }

    /// A new connection to the catalogue (one per thread).
    pub fn catalogue(&self) -> Result<Catalogue> {
        let access = if self.is_read_only() {
            Access::ReadOnly
        } else {
            Access::ReadWrite
        };
        self.catalogue_as(access)
    }

    fn catalogue_as(&self, access: Access) -> Result<Catalogue> {
        if let Some(login) = &self.clinic {
            return clinic::open_catalogue(login);
        }
        let path = self.root.join(CATALOGUE_FILE);
        let key = self.catalogue_key(&path);
        Catalogue::open_keyed(&path, access, key.as_deref().map(String::as_str)).map_err(
            |e| match e {
                CatalogueError::DiskFull => LibraryError::DiskFull {
                    root: self.root.clone(),
                },
                e => e.into(),
            },
        )
    }

    /// The catalogue's key when it is encrypted (in a library being encrypted it may still
    /// be plain until its turn comes).
    fn catalogue_key(&self, path: &Path) -> Option<Zeroizing<String>> {
        let keys = self.keys.as_ref()?;
        (!catalogue_is_plain(path)).then(|| keys.catalogue_pragma())
    }

    /// A consistent copy of the catalogue as of now, in the new private file `dest` (still
    /// encrypted in an encrypted library), while others go on using the library.
    pub fn snapshot_catalogue(&self, dest: &Path) -> Result<()> {
        create_private_file(dest).map_err(self.write_error(dest))?;
        let key = self.catalogue_key(&self.root.join(CATALOGUE_FILE));
        self.catalogue()?
            .snapshot_to(dest, key.as_deref().map(String::as_str))
            .map_err(|e| match e {
                CatalogueError::DiskFull => LibraryError::DiskFull {
                    root: self.root.clone(),
                },
                e => e.into(),
            })?;
        File::open(dest)
            .and_then(|f| f.sync_all())
            .map_err(io_at(dest))
    }

    /// Opens a copy of the catalogue (a snapshot) read-only, with this library's key when
    /// the copy is encrypted.
    pub fn open_catalogue_copy(&self, path: &Path) -> Result<Catalogue> {
        let key = self.catalogue_key(path);
        Ok(Catalogue::open_keyed(
            path,
            Access::ReadOnly,
            key.as_deref().map(String::as_str),
        )?)
    }

    /// This process's private temporary folder inside the library.
    pub fn private_temp_dir(&self) -> Result<&Path> {
        self.temp_dir()
    }

    /// Whether the library is encrypted (or being encrypted or decrypted).
    pub fn is_encrypted(&self) -> bool {
        self.keys.is_some()
    }

    /// Where an encrypted library's conversion stands.
    pub fn key_state(&self) -> Option<KeyState> {
        self.key_state
    }

    /// A handle that reads (and opens sealed) library files, for loader threads.
    pub fn files(&self) -> Files {
        Files {
            keys: self.keys.clone(),
        }
    }

    /// Whether a library file exists and is not sealed.
    pub fn stored_plain(&self, path: &Path) -> bool {
        use std::io::Read;
        let mut head = [0u8; 8];
        File::open(path)
            .and_then(|mut f| f.read_exact(&mut head))
            .is_ok_and(|()| !crypto::is_sealed(&head))
    }

    /// The plaintext of a library file.
    pub fn read_file(&self, path: &Path) -> Result<Vec<u8>> {
        self.files().read(path)
    }

    /// What is written for `plain`: sealed in an encrypted library (not while it is being
    /// decrypted).
    fn stored_form<'a>(&self, plain: &'a [u8]) -> std::borrow::Cow<'a, [u8]> {
        match &self.keys {
            Some(keys) if self.key_state != Some(KeyState::Decrypting) => {
                std::borrow::Cow::Owned(keys.seal(plain))
            }
            _ => std::borrow::Cow::Borrowed(plain),
        }
    }

    /// An I/O error met writing into the library, naming the disk when it is full (not the
    /// temporary file that happened to be written).
    fn write_error(&self, path: &Path) -> impl FnOnce(io::Error) -> LibraryError + '_ {
        let path = path.to_owned();
        move |source| {
            if is_disk_full(&source) {
                LibraryError::DiskFull {
                    root: self.root.clone(),
                }
            } else {
                LibraryError::Io { path, source }
            }
        }
    }

    fn temp_dir(&self) -> Result<&Path> {
        self.owner
            .as_ref()
            .map(Owner::temp_dir)
            .ok_or_else(|| LibraryError::ReadOnly {
                root: self.root.clone(),
            })
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

    /// Where previews and thumbnails are kept: `cache/` inside a personal library, this
    /// workstation's own cache folder (outside the library) for a clinic library.
    pub fn cache_dir(&self) -> &Path {
        &self.cache
    }

    pub fn preview_path(&self, hash: &ContentHash) -> PathBuf {
        self.cache
            .join("previews")
            .join(hash.shard())
            .join(format!("{hash}.jpg"))
    }

    pub fn thumbnail_path(&self, hash: &ContentHash) -> PathBuf {
        self.cache
            .join("thumbs")
            .join(hash.shard())
            .join(format!("{hash}.jpg"))
    }

    /// Writes `bytes` to a synced, private temporary file in this process's temporary folder.
    pub fn write_temp(&self, bytes: &[u8]) -> Result<TempFile> {
        self.write_temp_in(self.temp_dir()?, "", bytes)
    }

    /// A temporary file in `dir`, its name starting with `prefix` (a folder shared by
    /// several processes needs the owner's token).
    fn write_temp_in(&self, dir: &Path, prefix: &str, bytes: &[u8]) -> Result<TempFile> {
        let n = self.temp_counter.fetch_add(1, Ordering::Relaxed);
        let path = dir.join(format!("{prefix}{n}.part"));
        let temp = TempFile { path };
        let mut file = create_private_file(&temp.path).map_err(self.write_error(&temp.path))?;
        file.write_all(&self.stored_form(bytes))
            .map_err(self.write_error(&temp.path))?;
        file.sync_all().map_err(self.write_error(&temp.path))?;
        Ok(temp)
    }

    /// Moves a temporary file into place atomically: readers see the old state or the whole
    /// new file, never a part. The rename is synced, and so is a folder it had to create.
    pub fn commit_temp(&self, temp: TempFile, dest: &Path) -> Result<()> {
        let dir = dest.parent().expect("library paths have a parent");
        if !dir.is_dir() {
            create_private_dir_all(dir).map_err(self.write_error(dir))?;
            if let Some(parent) = dir.parent() {
                sync_dir(parent);
            }
        }
        fs::rename(&temp.path, dest).map_err(self.write_error(dest))?;
        sync_dir(dir);
        drop(temp);
        Ok(())
    }

    /// Writes a file in place without syncing: for generated benchmark libraries only.
    pub fn write_unsynced(&self, dest: &Path, bytes: &[u8]) -> Result<()> {
        let dir = dest.parent().expect("library paths have a parent");
        create_private_dir_all(dir).map_err(self.write_error(dir))?;
        let mut file = create_private_file(dest).map_err(self.write_error(dest))?;
        file.write_all(&self.stored_form(bytes))
            .map_err(self.write_error(dest))
    }

    /// `write_temp` then `commit_temp`.
    pub fn write_atomic(&self, dest: &Path, bytes: &[u8]) -> Result<()> {
        // A clinic's cache is on this workstation, the temporary folder on the share: a
        // rename between two disks is no rename, so cache files are written beside it.
        let temp = if self.clinic.is_some() && dest.starts_with(&self.cache) {
            self.write_temp_in(
                &self.cache.join("tmp"),
                &format!("{}-", self.owner()),
                bytes,
            )?
        } else {
            self.write_temp(bytes)?
        };
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

/// Whether an I/O error means the disk (or the user's quota) is full.
fn is_disk_full(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::StorageFull | io::ErrorKind::QuotaExceeded
    )
}

/// Tightens a library that others can read: checked on the folder, the catalogue and the
/// top folders at every open (cheap); the whole tree is walked only when one of them is
/// loose, as it is in a library made before modes were private, copied or restored loosely.
fn tighten_if_loose(root: &Path) -> io::Result<Option<usize>> {
    let mut probes = vec![root.to_owned(), root.join(CATALOGUE_FILE)];
    probes.extend(["originals", "cache", "tmp"].map(|d| root.join(d)));
    if !probes.iter().any(|p| modes::is_loose(p)) {
        return Ok(None);
    }
    modes::tighten_below(root).map(Some)
}

impl Library {
    /// Empties the trash: rows and files go together (a crash in between is finished by
    /// recovery). Returns how many photos were removed.
    pub fn empty_trash(&self) -> Result<usize> {
        let mut catalogue = self.catalogue()?;
        let (photos, files) = catalogue.begin_purge()?;
        for (hash, extension) in &files {
            self.remove_photo_files(hash, extension)?;
        }
        let hashes: Vec<ContentHash> = files.into_iter().map(|(h, _)| h).collect();
        catalogue.finish_purge(&hashes)?;
        Ok(photos)
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

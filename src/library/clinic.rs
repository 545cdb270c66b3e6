//! A clinic library: a folder on the clinic's shared drive holding the originals and a small
//! settings file naming the clinic's PostgreSQL database. Every workstation opens it with
//! the same `--library DIR`.

use super::modes::create_private_dir_all;
use super::owner::Owner;
use super::{Library, LibraryError};
use crate::catalogue::Catalogue;
use std::fs;
use std::io::{self, Write as _};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::AtomicU64;
use zeroize::Zeroizing;

/// The settings file that makes a folder a clinic library.
pub const CLINIC_FILE: &str = "skinlapse-clinic.json";

/// What the settings file says.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ClinicSettings {
    /// The file's format (1).
    pub format: u32,
    /// `postgresql://HOST[:PORT]/DB`.
    pub database: String,
    /// A random id telling clinics apart (each workstation's local caches are kept under it).
    pub clinic_id: String,
}

#[derive(Debug, thiserror::Error)]
pub enum ClinicFileError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error("{path} is not a clinic settings file Skinlapse can read: {reason}")]
    Unreadable { path: PathBuf, reason: String },
    #[error("{path} is not empty: a clinic library is made only in an empty or new folder")]
    NotEmpty { path: PathBuf },
}

fn io_at(path: &Path) -> impl Fn(io::Error) -> ClinicFileError + '_ {
    move |source| ClinicFileError::Io {
        path: path.to_owned(),
        source,
    }
}

/// The clinic settings of the library at `root`, or `None` when it is not a clinic library.
///
/// # Errors
/// The file exists but cannot be read or understood.
pub fn read(root: &Path) -> Result<Option<ClinicSettings>, ClinicFileError> {
    let path = root.join(CLINIC_FILE);
    let text = match fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(io_at(&path)(e)),
    };
    let settings: ClinicSettings =
        serde_json::from_str(&text).map_err(|e| ClinicFileError::Unreadable {
            path: path.clone(),
            reason: e.to_string(),
        })?;
    if settings.format != 1 {
        return Err(ClinicFileError::Unreadable {
            path,
            reason: format!(
                "format {} is newer than this Skinlapse understands (1); update Skinlapse",
                settings.format
            ),
        });
    }
    Ok(Some(settings))
}

/// Makes the clinic library folder: `originals/` and `tmp/`, then the settings file,
/// written whole (a temporary file renamed into place) so a half-written file never names a
/// database.
///
/// # Errors
/// The folder is not empty, or cannot be written.
pub fn create(root: &Path, settings: &ClinicSettings) -> Result<(), ClinicFileError> {
    match fs::read_dir(root) {
        Ok(mut entries) => {
            if entries.next().is_some() {
                return Err(ClinicFileError::NotEmpty {
                    path: root.to_owned(),
                });
            }
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
        Err(e) => return Err(io_at(root)(e)),
    }
    for dir in ["originals", "tmp"] {
        let path = root.join(dir);
        fs::create_dir_all(&path).map_err(io_at(&path))?;
    }
    let text = serde_json::to_string_pretty(settings).expect("settings serialise");
    let temp = root.join("tmp").join(format!("{CLINIC_FILE}.new"));
    let mut file = fs::File::create(&temp).map_err(io_at(&temp))?;
    file.write_all(text.as_bytes()).map_err(io_at(&temp))?;
    file.sync_all().map_err(io_at(&temp))?;
    let path = root.join(CLINIC_FILE);
    fs::rename(&temp, &path).map_err(io_at(&path))?;
    fs::File::open(root)
        .and_then(|d| d.sync_all())
        .map_err(io_at(root))
}

/// The clinic's database server as the settings name it (`postgresql://HOST[:PORT]/DB`),
/// with a connect timeout so an unreachable server is said so within seconds.
///
/// # Errors
/// The address is not a PostgreSQL URL with a host and a database.
pub fn server_config(settings: &ClinicSettings) -> Result<postgres::Config, String> {
    let url = &settings.database;
    let bad = |why: &str| {
        format!("the clinic database {url}: {why} (expected postgresql://HOST[:PORT]/DB)")
    };
    if !(url.starts_with("postgresql://") || url.starts_with("postgres://")) {
        return Err(bad("not a postgresql:// address"));
    }
    let mut config: postgres::Config = url.parse().map_err(|e| bad(&format!("{e}")))?;
    if config.get_hosts().is_empty() {
        return Err(bad("no host"));
    }
    if config.get_dbname().is_none_or(str::is_empty) {
        return Err(bad("no database name"));
    }
    config.connect_timeout(std::time::Duration::from_secs(10));
    Ok(config)
}

/// "skin on db.clinic.lan": the database and its host, as the sign-in window names them.
pub fn place(settings: &ClinicSettings) -> String {
    let Ok(config) = settings.database.parse::<postgres::Config>() else {
        return settings.database.clone();
    };
    let db = config.get_dbname().unwrap_or_default();
    let host = match config.get_hosts().first() {
        Some(postgres::config::Host::Tcp(h)) => h.clone(),
        Some(postgres::config::Host::Unix(p)) => p.display().to_string(),
        None => String::new(),
    };
    format!("{db} on {host}")
}

/// The platform's cache folder for clinic libraries (e.g. `~/.cache/skinlapse/clinics`):
/// each clinic's previews and thumbnails are kept below it under the clinic's id.
pub fn default_cache_root() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "Skinlapse").map(|d| d.cache_dir().join("clinics"))
}

/// A user signed in to a clinic: what each thread's catalogue connection is opened with.
/// The password stays in memory only while signed in, and is wiped when this is dropped.
pub struct ClinicLogin {
    pub settings: ClinicSettings,
    pub server: postgres::Config,
    pub user: String,
    pub password: Zeroizing<String>,
    /// Where this workstation keeps the clinic's previews and thumbnails (below it, under the
    /// clinic's id).
    pub cache_root: PathBuf,
}

impl std::fmt::Debug for ClinicLogin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClinicLogin")
            .field("database", &self.settings.database)
            .field("user", &self.user)
            .finish_non_exhaustive()
    }
}

/// A new connection to the clinic's catalogue as the signed-in user.
pub(super) fn open_catalogue(login: &ClinicLogin) -> super::Result<Catalogue> {
    Ok(Catalogue::open_clinic(
        &login.server,
        &login.user,
        &login.password,
    )?)
}

impl Library {
    /// Opens the clinic library at `root` for `login`: the originals and the temporary area
    /// on the share (so renames into place stay atomic), previews and thumbnails in this
    /// workstation's cache, the catalogue on the clinic's database. Imports a dead process
    /// left unfinished are rolled back, as in a personal library.
    ///
    /// # Errors
    /// The folder is not a clinic library, the share or the cache cannot be written, or the
    /// database cannot be reached.
    pub fn open_clinic(root: &Path, login: Arc<ClinicLogin>) -> super::Result<Self> {
        Self::open_clinic_with(root, login, false)
    }

    /// Opens the clinic library at `root` for `login` to read: nothing is written to the
    /// share (no lock file, no recovery; only dead processes' leftovers outside the library,
    /// half-written exports, are removed), so a workstation with a read-only share, or a full
    /// one, can still list and verify. The catalogue on the server keeps its own rights.
    ///
    /// # Errors
    /// As [`Library::open_clinic`].
    pub fn open_clinic_for_reading(root: &Path, login: Arc<ClinicLogin>) -> super::Result<Self> {
        Self::open_clinic_with(root, login, true)
    }

    fn open_clinic_with(
        root: &Path,
        login: Arc<ClinicLogin>,
        read_only: bool,
    ) -> super::Result<Self> {
        let io = super::io_at;
        let settings = read(root)
            .map_err(|e| match e {
                ClinicFileError::Io { path, source } => LibraryError::Io { path, source },
                other => LibraryError::Io {
                    path: root.join(CLINIC_FILE),
                    source: io::Error::new(io::ErrorKind::InvalidData, other.to_string()),
                },
            })?
            .ok_or_else(|| LibraryError::Io {
                path: root.join(CLINIC_FILE),
                source: io::Error::new(io::ErrorKind::NotFound, "not a clinic library"),
            })?;
        let root = root.canonicalize().map_err(io(root))?;
        if !read_only {
            for dir in ["originals", "tmp"] {
                let path = root.join(dir);
                fs::create_dir_all(&path).map_err(io(&path))?;
            }
        }
        let cache = login.cache_root.join(&settings.clinic_id);
        for dir in ["previews", "thumbs", "tmp"] {
            let path = cache.join(dir);
            create_private_dir_all(&path).map_err(io(&path))?;
        }
        let mut library = Self {
            cache,
            root,
            owner: None,
            temp_counter: AtomicU64::new(0),
            notices: Vec::new(),
            keys: None,
            key_state: None,
            in_use: None,
            clinic: Some(login),
        };
        // Signing in once checks the database is there; a writing open keeps that connection
        // to hold its owner lock on.
        let first = library.catalogue()?;
        if read_only {
            drop(first);
            super::outside::remove_dead_leftovers(&library.root.join("tmp"));
            return Ok(library);
        }
        // A full share is said so, as for a personal library (not the lock file's name).
        let owner =
            Owner::acquire_clinic(&library.root.join("tmp"), first).map_err(|e| match e {
                LibraryError::Io { source, .. } if super::is_disk_full(&source) => {
                    LibraryError::DiskFull {
                        root: library.root.clone(),
                    }
                }
                e => e,
            })?;
        library.owner = Some(owner);
        library.recover()?;
        Ok(library)
    }

    /// The signed-in user of a clinic library (`None` for a personal library).
    pub fn clinic_login(&self) -> Option<&Arc<ClinicLogin>> {
        self.clinic.as_ref()
    }

    /// Whether this is a clinic library (catalogue on the clinic's database).
    pub fn is_clinic(&self) -> bool {
        self.clinic.is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_clinic_folder_is_made_only_empty_and_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("clinic");
        assert_eq!(read(&root).unwrap(), None);
        let settings = ClinicSettings {
            format: 1,
            database: "postgresql://db.clinic.lan/skin".into(),
            clinic_id: "00ff".into(),
        };
        create(&root, &settings).unwrap();
        assert_eq!(read(&root).unwrap(), Some(settings.clone()));
        assert!(root.join("originals").is_dir());
        let e = create(&root, &settings).unwrap_err();
        assert!(e.to_string().contains("is not empty"), "{e}");
        fs::write(root.join(CLINIC_FILE), "{\"format\": 2}").unwrap();
        let e = read(&root).unwrap_err().to_string();
        assert!(e.contains(CLINIC_FILE), "{e}");
    }
}

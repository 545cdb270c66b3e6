//! A clinic library: a folder on the clinic's shared drive holding the originals and a small
//! settings file naming the clinic's PostgreSQL database. Every workstation opens it with
//! the same `--library DIR`.

use std::fs;
use std::io::{self, Write as _};
use std::path::{Path, PathBuf};

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

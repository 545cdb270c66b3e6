//! A clinic library's originals: the same content-addressed layout as a personal library's
//! (`originals/ab/<hash>.<ext>`), stored plain and byte for byte, each written atomically
//! (a synced temporary file on the same share, renamed into place), so several workstations
//! may write at once and a crash never leaves half a file where an original belongs.

use super::{io_at, sync_dir};
use crate::model::ContentHash;
use std::fs::{self, File};
use std::io::{self, Write as _};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// Where the clinic library at `root` keeps the original with this hash and extension.
pub fn original_path(root: &Path, hash: &ContentHash, extension: &str) -> PathBuf {
    root.join("originals")
        .join(hash.shard())
        .join(format!("{hash}.{extension}"))
}

/// What storing an original did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stored {
    /// It was written.
    Written,
    /// The clinic had it already, intact.
    Present,
}

static TEMP_COUNTER: AtomicU64 = AtomicU64::new(0);

/// The prefix of this process's temporary files in a clinic's `tmp/`: the workstation and
/// the process, so a later run can tell a dead process's leftovers from a live one's.
fn temp_prefix() -> String {
    format!(
        "import-{}-{}-",
        crate::catalogue::clinic::workstation().replace(['/', '@'], "_"),
        std::process::id()
    )
}

/// Stores `bytes`, whose content hash must be `hash`, as an original of the clinic library at
/// `root`. A file already there with the right content is kept; a damaged one is replaced.
///
/// # Errors
/// The bytes are not what `hash` says, or the share cannot be written.
pub fn store_original(
    root: &Path,
    hash: &ContentHash,
    extension: &str,
    bytes: &[u8],
) -> super::Result<Stored> {
    let actual = ContentHash::of(bytes);
    if actual != *hash {
        return Err(io_at(root)(io::Error::new(
            io::ErrorKind::InvalidData,
            format!(
                "the original {hash}.{extension} read {actual}: it is damaged in the personal library (run skinlapse verify there)"
            ),
        )));
    }
    let dest = original_path(root, hash, extension);
    if holds(&dest, hash)? {
        return Ok(Stored::Present);
    }
    let dir = dest.parent().expect("originals have a folder");
    if !dir.is_dir() {
        fs::create_dir_all(dir).map_err(io_at(dir))?;
        sync_dir(&root.join("originals"));
    }
    let tmp = root.join("tmp");
    fs::create_dir_all(&tmp).map_err(io_at(&tmp))?;
    let n = TEMP_COUNTER.fetch_add(1, Ordering::Relaxed);
    let temp = tmp.join(format!("{}{n}.part", temp_prefix()));
    let written = (|| {
        let mut file = File::create(&temp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        fs::rename(&temp, &dest)
    })();
    if let Err(e) = written {
        let _ = fs::remove_file(&temp);
        return Err(io_at(&dest)(e));
    }
    sync_dir(dir);
    Ok(Stored::Written)
}

/// Whether the file at `path` exists and holds the content `hash` names.
///
/// # Errors
/// It exists but cannot be read.
pub fn holds(path: &Path, hash: &ContentHash) -> super::Result<bool> {
    match fs::read(path) {
        Ok(bytes) => Ok(ContentHash::of(&bytes) == *hash),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(io_at(path)(e)),
    }
}

/// Removes the temporary files an import on this workstation left when it was killed (a
/// process that no longer runs); returns how many.
pub fn remove_dead_temps(root: &Path) -> usize {
    let host = format!(
        "import-{}-",
        crate::catalogue::clinic::workstation().replace(['/', '@'], "_")
    );
    let Ok(entries) = fs::read_dir(root.join("tmp")) else {
        return 0;
    };
    let mut removed = 0;
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(rest) = name.strip_prefix(&host) else {
            continue;
        };
        let pid = rest.split('-').next().unwrap_or("");
        let alive = !pid.is_empty() && Path::new("/proc").join(pid).exists();
        if !alive && fs::remove_file(entry.path()).is_ok() {
            removed += 1;
        }
    }
    removed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_original_is_stored_once_checked_and_a_damaged_copy_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let bytes = b"an original".to_vec();
        let hash = ContentHash::of(&bytes);
        assert_eq!(
            store_original(dir.path(), &hash, "jpg", &bytes).unwrap(),
            Stored::Written
        );
        assert_eq!(
            store_original(dir.path(), &hash, "jpg", &bytes).unwrap(),
            Stored::Present
        );
        let path = original_path(dir.path(), &hash, "jpg");
        assert_eq!(fs::read(&path).unwrap(), bytes);
        fs::write(&path, b"damaged").unwrap();
        assert_eq!(
            store_original(dir.path(), &hash, "jpg", &bytes).unwrap(),
            Stored::Written
        );
        assert!(holds(&path, &hash).unwrap());
        let e = store_original(dir.path(), &hash, "jpg", b"other")
            .unwrap_err()
            .to_string();
        assert!(e.contains("damaged in the personal library"), "{e}");
        fs::write(dir.path().join("tmp/import-x-1-0.part"), b"").unwrap();
        let left = format!("{}0.part", temp_prefix())
            .replace(&format!("-{}-", std::process::id()), "-999999999-");
        fs::write(dir.path().join("tmp").join(&left), b"").unwrap();
        assert_eq!(remove_dead_temps(dir.path()), 1);
        assert!(dir.path().join("tmp/import-x-1-0.part").exists());
    }
}

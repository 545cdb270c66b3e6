//! Files written outside the library on the user's behalf (exports, backups). The user
//! chose the folder, so the file is written there: into a hidden temporary file, synced, and
//! renamed over the name chosen. A crash in between would leave that hidden file — a whole
//! patient image — behind, so its name is first noted in this process's journal inside the
//! library, and whoever next opens the library deletes the leftovers of processes that died.

use super::crypto::{hex, parse_hex as unhex};
use super::modes::{create_private_file, private_options};
use super::owner::lock_if_dead;
use super::{Library, LibraryError, Result, io_at, sync_dir};
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// The journal of temporary files outside the library, in each process's temporary folder.
const JOURNAL: &str = "outside.journal";

#[cfg(unix)]
fn path_bytes(path: &Path) -> Vec<u8> {
    use std::os::unix::ffi::OsStrExt;
    path.as_os_str().as_bytes().to_vec()
}

#[cfg(unix)]
fn path_from(bytes: Vec<u8>) -> PathBuf {
    use std::os::unix::ffi::OsStringExt;
    PathBuf::from(std::ffi::OsString::from_vec(bytes))
}

#[cfg(not(unix))]
fn path_bytes(path: &Path) -> Vec<u8> {
    path.to_string_lossy().as_bytes().to_vec()
}

#[cfg(not(unix))]
fn path_from(bytes: Vec<u8>) -> PathBuf {
    PathBuf::from(String::from_utf8_lossy(&bytes).into_owned())
}

/// An open file being written outside the library; [`Outside::finish`] puts it in place.
#[derive(Debug)]
pub struct Outside {
    temp: PathBuf,
    dest: PathBuf,
    file: Option<fs::File>,
}

impl Outside {
    pub fn file(&mut self) -> &mut fs::File {
        self.file.as_mut().expect("open until finished")
    }

    /// Syncs the file and renames it over the destination.
    pub fn finish(mut self) -> io::Result<()> {
        let file = self.file.take().expect("open until finished");
        file.sync_all()?;
        drop(file);
        fs::rename(&self.temp, &self.dest)?;
        sync_dir(self.dest.parent().unwrap_or(Path::new(".")));
        Ok(())
    }
}

impl Drop for Outside {
    fn drop(&mut self) {
        // Not finished (an error, a cancel): nothing is left behind.
        if self.file.take().is_some() {
            let _ = fs::remove_file(&self.temp);
        }
    }
}

impl Library {
    /// Starts writing `dest` (outside the library) through a journaled hidden temporary file
    /// beside it.
    pub fn create_outside(&self, dest: &Path) -> Result<Outside> {
        let dir = match dest.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => Path::new("."),
        };
        let name = dest
            .file_name()
            .map_or_else(|| "export".into(), |n| n.to_string_lossy().into_owned());
        let n = self
            .temp_counter
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let temp = dir.join(format!(".{name}.skinlapse-{}-{n}.part", self.owner()));
        let journal = self.temp_dir()?.join(JOURNAL);
        let mut entry = private_options()
            .create(true)
            .append(true)
            .open(&journal)
            .map_err(io_at(&journal))?;
        writeln!(entry, "{}", hex(&path_bytes(&temp))).map_err(io_at(&journal))?;
        entry.sync_all().map_err(io_at(&journal))?;
        let file = create_private_file(&temp).map_err(|source| LibraryError::Io {
            path: dest.to_owned(),
            source,
        })?;
        Ok(Outside {
            temp,
            dest: dest.to_owned(),
            file: Some(file),
        })
    }

    /// Writes `bytes` to `dest` outside the library, atomically: the old file or the whole
    /// new one, and no hidden leftovers even after a crash.
    pub fn write_outside(&self, dest: &Path, bytes: &[u8]) -> Result<()> {
        let mut out = self.create_outside(dest)?;
        let io = |source| LibraryError::Io {
            path: dest.to_owned(),
            source,
        };
        out.file().write_all(bytes).map_err(io)?;
        out.finish().map_err(io)
    }
}

/// Deletes the temporary files outside the library that the process `token` journaled.
pub(super) fn remove_leftovers(owner_dir: &Path) {
    let Ok(text) = fs::read_to_string(owner_dir.join(JOURNAL)) else {
        return;
    };
    for path in text.lines().filter_map(unhex).map(path_from) {
        let _ = fs::remove_file(path);
    }
}

/// For a library opened read-only (recovery does not run): deletes the leftovers outside
/// the library of processes that died, which changes nothing inside it.
pub(super) fn remove_dead_leftovers(tmp: &Path) {
    let Ok(entries) = fs::read_dir(tmp) else {
        return;
    };
    for entry in entries.filter_map(std::result::Result::ok) {
        let name = entry.file_name().to_string_lossy().into_owned();
        if let Some(token) = name.strip_suffix(".lock")
            && let Some(_held) = lock_if_dead(&entry.path())
        {
            remove_leftovers(&tmp.join(token));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn journal_entries_round_trip_any_path() {
        let path = Path::new("/tmp/odd\nname/.x.part");
        assert_eq!(
            path_from(unhex(&hex(&path_bytes(path))).unwrap()),
            path.to_owned()
        );
        assert_eq!(unhex("zz"), None);
    }
}

//! The one-file backup: a tar archive holding the library's files under their library paths,
//! then `manifest.json`. Written beside its name (journaled, so a crash leaves nothing) and
//! renamed into place when whole.

use super::{
    BackupError, BackupSummary, Entry, Hashing, Manifest, Progress, Source, allowed_path, check,
    hash_entry, io_at, open_source, restore_entry,
};
use crate::library::Library;
use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Write};
use std::path::Path;

/// The manifest's name inside an archive (always its last entry).
pub const ARCHIVE_MANIFEST: &str = "manifest.json";

fn header(size: u64, mtime: u64) -> tar::Header {
    let mut header = tar::Header::new_gnu();
    header.set_size(size);
    header.set_mode(0o600);
    header.set_mtime(mtime);
    header.set_entry_type(tar::EntryType::Regular);
    header
}

pub(super) fn write(
    library: &Library,
    to: &Path,
    sources: &[Source],
    manifest: &mut Manifest,
    progress: &mut Progress,
) -> Result<BackupSummary, BackupError> {
    let mtime = chrono::Utc::now().timestamp().max(0) as u64;
    let mut out = library.create_outside(to)?;
    let mut summary = BackupSummary::default();
    {
        let mut builder = tar::Builder::new(BufWriter::with_capacity(1 << 20, out.file()));
        for (i, source) in sources.iter().enumerate() {
            if let Some((file, size)) = open_source(source)? {
                let mut reader = Hashing::new(BufReader::with_capacity(1 << 20, file).take(size));
                builder
                    .append_data(&mut header(size, mtime), &source.path, &mut reader)
                    .map_err(io_at(to))?;
                manifest.entries.push(Entry {
                    path: source.path.clone(),
                    size,
                    blake3: reader.finish(),
                });
                summary.files += 1;
                summary.written += 1;
                summary.bytes += size;
            }
            progress(i + 1, sources.len())?;
        }
        let bytes = manifest.bytes();
        builder
            .append_data(
                &mut header(bytes.len() as u64, mtime),
                ARCHIVE_MANIFEST,
                bytes.as_slice(),
            )
            .map_err(io_at(to))?;
        builder
            .into_inner()
            .and_then(|mut w| w.flush())
            .map_err(io_at(to))?;
    }
    out.finish().map_err(io_at(to))?;
    Ok(summary)
}

/// Walks an archive: `each(path, reader)` for every library file, then the manifest.
fn walk(
    from: &Path,
    mut each: impl FnMut(&str, &mut dyn Read) -> Result<Entry, BackupError>,
) -> Result<(Manifest, Vec<Entry>), BackupError> {
    let file = File::open(from).map_err(io_at(from))?;
    let mut archive = tar::Archive::new(BufReader::with_capacity(1 << 20, file));
    let mut found = Vec::new();
    let mut manifest = None;
    let not_a_backup = |reason: String| BackupError::NotABackup {
        path: from.to_owned(),
        reason,
    };
    for entry in archive
        .entries()
        .map_err(|e| not_a_backup(format!("not a tar archive: {e}")))?
    {
        let mut entry = entry.map_err(|e| not_a_backup(format!("damaged archive: {e}")))?;
        let path = entry
            .path()
            .map_err(|e| not_a_backup(e.to_string()))?
            .to_string_lossy()
            .into_owned();
        if entry.header().entry_type() != tar::EntryType::Regular {
            return Err(not_a_backup(format!("{path:?} is not a regular file")));
        }
        if path == ARCHIVE_MANIFEST {
            let mut bytes = Vec::new();
            entry.read_to_end(&mut bytes).map_err(io_at(from))?;
            manifest = Some(Manifest::parse(from, &bytes)?);
        } else if allowed_path(&path) {
            found.push(each(&path, &mut entry)?);
        } else {
            return Err(not_a_backup(format!(
                "it holds {path:?}, which no library has"
            )));
        }
    }
    let manifest =
        manifest.ok_or_else(|| not_a_backup("it has no manifest (cut short?)".into()))?;
    Ok((manifest, found))
}

pub(super) fn verify(from: &Path, progress: &mut Progress) -> Result<Manifest, BackupError> {
    let mut n = 0;
    let (manifest, found) = walk(from, |path, reader| {
        n += 1;
        progress(n, 0)?;
        hash_entry(path, reader)
    })?;
    check(&manifest, &found, from)?;
    Ok(manifest)
}

pub(super) fn restore(
    from: &Path,
    staging: &Path,
    progress: &mut Progress,
) -> Result<BackupSummary, BackupError> {
    let mut summary = BackupSummary::default();
    let (manifest, found) = walk(from, |path, reader| {
        let entry = restore_entry(staging, path, reader, &mut summary)?;
        progress(summary.files, 0)?;
        Ok(entry)
    })?;
    check(&manifest, &found, from)?;
    summary.photos = manifest.photos;
    Ok(summary)
}

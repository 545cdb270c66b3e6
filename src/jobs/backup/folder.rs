//! The backup folder, for libraries too large to copy whole each time:
//!
//! ```text
//! <folder>/skinlapse-backup.json       what this folder is
//! <folder>/objects/ab/<blake3>          each file's stored bytes, once, named by their hash
//! <folder>/snapshots/<time>.json        one manifest per backup: the moment to restore
//! <folder>/index.json                   library file → hash, so unchanged files are not reread
//! ```
//!
//! Objects are written (synced, renamed into place) before the manifest that names them, so
//! a backup interrupted half-way leaves only unreferenced objects the next run reuses.
//! Nothing is ever overwritten: every snapshot stays restorable.

use super::{
    BackupError, BackupSummary, Entry, Manifest, Progress, Source, check, copy_checked, hash_entry,
    io_at, open_source, restore_entry,
};
use crate::library::Library;
use crate::library::modes::{create_private_dir_all, create_private_file};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::fs::{self, File};
use std::io::{self, BufReader, Read, Write};
use std::path::{Path, PathBuf};

const MARKER: &str = "skinlapse-backup.json";
const FOLDER_FORMAT: &str = "skinlapse-backup-folder-1";

#[derive(Serialize, Deserialize)]
struct Marker {
    format: String,
}

/// What was hashed last time: a library file unchanged since (same size and modification
/// time; library files are only ever replaced whole) keeps its hash.
#[derive(Default, Serialize, Deserialize)]
struct Index {
    files: HashMap<String, (u64, i128, String)>,
}

fn object_path(folder: &Path, blake3: &str) -> PathBuf {
    folder.join("objects").join(&blake3[..2]).join(blake3)
}

fn mtime_ns(meta: &fs::Metadata) -> i128 {
    meta.modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos() as i128)
}

/// Writes `bytes` to `path` atomically and durably (a temporary name, synced, renamed).
fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), BackupError> {
    let temp = path.with_extension("part");
    let mut out = create_private_file(&temp).map_err(io_at(&temp))?;
    out.write_all(bytes).map_err(io_at(&temp))?;
    out.sync_all().map_err(io_at(&temp))?;
    fs::rename(&temp, path).map_err(io_at(path))?;
    if let Some(dir) = path.parent().and_then(|d| File::open(d).ok()) {
        let _ = dir.sync_all();
    }
    Ok(())
}

/// Opens (or starts) a backup folder.
fn prepare(folder: &Path) -> Result<(), BackupError> {
    let marker = folder.join(MARKER);
    match fs::read(&marker) {
        Ok(bytes) => {
            let ok =
                serde_json::from_slice::<Marker>(&bytes).is_ok_and(|m| m.format == FOLDER_FORMAT);
            if ok {
                return Ok(());
            }
            Err(BackupError::NotABackup {
                path: folder.to_owned(),
                reason: format!("{MARKER} is not a Skinlapse backup folder's"),
            })
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            if fs::read_dir(folder).is_ok_and(|mut d| d.next().is_some()) {
                return Err(BackupError::NotABackup {
                    path: folder.to_owned(),
                    reason: "the folder holds other files; back up into a new or empty folder"
                        .into(),
                });
            }
            for dir in [
                folder.to_owned(),
                folder.join("objects"),
                folder.join("snapshots"),
            ] {
                create_private_dir_all(&dir).map_err(io_at(&dir))?;
            }
            let bytes = serde_json::to_vec(&Marker {
                format: FOLDER_FORMAT.into(),
            })
            .expect("serialisable");
            write_atomically(&marker, &bytes)
        }
        Err(e) => Err(io_at(&marker)(e)),
    }
}

/// Stores one source as an object unless the folder holds it already; returns its entry.
fn store(
    folder: &Path,
    source: &Source,
    index: &mut Index,
    summary: &mut BackupSummary,
) -> Result<Option<Entry>, BackupError> {
    let Some((file, size)) = open_source(source)? else {
        return Ok(None);
    };
    let meta = file.metadata().map_err(io_at(&source.from))?;
    let stamp = mtime_ns(&meta);
    let known = index
        .files
        .get(&source.path)
        .filter(|(s, t, h)| *s == size && *t == stamp && object_path(folder, h).exists())
        .map(|(_, _, h)| h.clone());
    let blake3 = if let Some(hash) = known {
        hash
    } else {
        // Copy into a temporary object while hashing, then name it by its hash.
        let temp = folder.join("objects").join(format!(
            ".incoming-{}",
            crate::library::crypto::hex(&crate::library::crypto::random::<8>())
        ));
        let (copied, hash) = copy_checked(BufReader::new(file).take(size), &temp)?;
        if copied != size {
            let _ = fs::remove_file(&temp);
            return Err(BackupError::Vanished(source.from.clone()));
        }
        let dest = object_path(folder, &hash);
        if dest.exists() {
            fs::remove_file(&temp).map_err(io_at(&temp))?;
        } else {
            let dir = dest.parent().expect("objects have a folder");
            create_private_dir_all(dir).map_err(io_at(dir))?;
            fs::rename(&temp, &dest).map_err(io_at(&dest))?;
            summary.written += 1;
        }
        index
            .files
            .insert(source.path.clone(), (size, stamp, hash.clone()));
        hash
    };
    summary.files += 1;
    summary.bytes += size;
    Ok(Some(Entry {
        path: source.path.clone(),
        size,
        blake3,
    }))
}

pub(super) fn write(
    _library: &Library,
    folder: &Path,
    sources: &[Source],
    manifest: &mut Manifest,
    progress: &mut Progress,
) -> Result<BackupSummary, BackupError> {
    prepare(folder)?;
    let index_path = folder.join("index.json");
    let mut index: Index = fs::read(&index_path)
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or_default();
    let mut summary = BackupSummary::default();
    for (i, source) in sources.iter().enumerate() {
        if let Some(entry) = store(folder, source, &mut index, &mut summary)? {
            manifest.entries.push(entry);
        }
        progress(i + 1, sources.len())?;
    }
    // The objects are durable; their folders' entries too, before a manifest names them.
    for entry in &manifest.entries {
        if let Some(dir) = object_path(folder, &entry.blake3).parent()
            && let Ok(d) = File::open(dir)
        {
            let _ = d.sync_all();
        }
    }
    let stamp = manifest.created_at.replace(':', "");
    let mut name = folder.join("snapshots").join(format!("{stamp}.json"));
    let mut n = 1;
    while name.exists() {
        n += 1;
        name = folder.join("snapshots").join(format!("{stamp}-{n}.json"));
    }
    write_atomically(&name, &manifest.bytes())?;
    write_atomically(
        &index_path,
        &serde_json::to_vec(&index).expect("serialisable"),
    )?;
    Ok(summary)
}

/// The newest snapshot's manifest.
fn latest(folder: &Path) -> Result<Manifest, BackupError> {
    prepare_existing(folder)?;
    let dir = folder.join("snapshots");
    let mut names: Vec<PathBuf> = fs::read_dir(&dir)
        .map_err(io_at(&dir))?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    names.sort();
    let newest = names.pop().ok_or_else(|| BackupError::NotABackup {
        path: folder.to_owned(),
        reason: "it holds no finished backup yet".into(),
    })?;
    let bytes = fs::read(&newest).map_err(io_at(&newest))?;
    Manifest::parse(&newest, &bytes)
}

fn prepare_existing(folder: &Path) -> Result<(), BackupError> {
    let marker = folder.join(MARKER);
    let ok = fs::read(&marker)
        .ok()
        .and_then(|b| serde_json::from_slice::<Marker>(&b).ok())
        .is_some_and(|m| m.format == FOLDER_FORMAT);
    if ok {
        Ok(())
    } else {
        Err(BackupError::NotABackup {
            path: folder.to_owned(),
            reason: format!("it has no {MARKER}"),
        })
    }
}

/// Reads each object of `manifest` through `each(entry, reader)`, checking it.
fn read_objects(
    folder: &Path,
    manifest: &Manifest,
    progress: &mut Progress,
    mut each: impl FnMut(&Entry, &mut dyn Read) -> Result<Entry, BackupError>,
) -> Result<Vec<Entry>, BackupError> {
    let mut found = Vec::new();
    for (i, entry) in manifest.entries.iter().enumerate() {
        let path = object_path(folder, &entry.blake3);
        match File::open(&path) {
            Ok(file) => found.push(each(entry, &mut BufReader::new(file))?),
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(io_at(&path)(e)),
        }
        progress(i + 1, manifest.entries.len())?;
    }
    Ok(found)
}

pub(super) fn verify(folder: &Path, progress: &mut Progress) -> Result<Manifest, BackupError> {
    let manifest = latest(folder)?;
    let found = read_objects(folder, &manifest, progress, |entry, reader| {
        hash_entry(&entry.path, reader)
    })?;
    check(&manifest, &found, folder)?;
    Ok(manifest)
}

pub(super) fn restore(
    folder: &Path,
    staging: &Path,
    progress: &mut Progress,
) -> Result<BackupSummary, BackupError> {
    let manifest = latest(folder)?;
    let mut summary = BackupSummary {
        photos: manifest.photos,
        ..BackupSummary::default()
    };
    let found = read_objects(folder, &manifest, progress, |entry, reader| {
        restore_entry(staging, &entry.path, reader, &mut summary)
    })?;
    check(&manifest, &found, folder)?;
    Ok(summary)
}

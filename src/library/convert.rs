//! Creating an encrypted library, and encrypting, decrypting or re-keying one in place.
//!
//! A conversion is crash-safe because every piece says what it is: each file is sealed or
//! plain by its header, the catalogue is plain SQLite or SQLCipher by its first bytes, and
//! `library.key` (written first when encrypting, removed last when decrypting) records which
//! way the conversion goes. Each file is replaced atomically; a crash leaves a library that
//! opens (with the passphrase) and reads every file, and running the command again finishes
//! the job. Nobody else may use the library meanwhile: the conversion holds it exclusively.

use super::crypto::{KeyFile, KeyState, Keys};
use super::modes::create_private_file;
use super::{
    CATALOGUE_FILE, KEY_FILE, Library, LibraryError, OpenOptions, Result, io_at, sync_dir,
};
use crate::catalogue::{Access, Catalogue};
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Which way a conversion goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Conversion {
    Encrypt,
    Decrypt,
}

/// Writes `library.key` atomically and durably.
fn write_key_file(root: &Path, file: &KeyFile) -> Result<()> {
    let temp = root.join(format!("{KEY_FILE}.new"));
    let mut out = create_private_file(&temp).map_err(io_at(&temp))?;
    out.write_all(&file.to_bytes()).map_err(io_at(&temp))?;
    out.sync_all().map_err(io_at(&temp))?;
    let dest = root.join(KEY_FILE);
    fs::rename(&temp, &dest).map_err(io_at(&dest))?;
    sync_dir(root);
    Ok(())
}

/// Every file below the originals and caches.
fn photo_files(root: &Path) -> Vec<PathBuf> {
    super::folder::files_below(&[root.join("originals"), root.join("cache")], usize::MAX)
}

impl Library {
    /// Makes a new library in an empty or new folder, encrypted when a passphrase is given.
    pub fn create(root: &Path, passphrase: Option<&str>) -> Result<Self> {
        if super::folder::inspect(root)? == super::folder::Found::Library {
            return Err(LibraryError::AlreadyALibrary {
                root: root.to_owned(),
            });
        }
        if let Some(passphrase) = passphrase {
            super::create_skeleton(root).map_err(io_at(root))?;
            let keys = Keys::generate();
            write_key_file(root, &KeyFile::wrap(&keys, passphrase, KeyState::Encrypted))?;
        }
        Self::open_with(
            root,
            &OpenOptions {
                read_only: false,
                passphrase: passphrase.map(|p| zeroize::Zeroizing::new(p.to_owned())),
            },
        )
    }

    /// Holds the library exclusively for a conversion, or says who else has it open.
    fn hold_exclusively(&self) -> Result<()> {
        let in_use = self.in_use.as_ref().ok_or_else(|| LibraryError::ReadOnly {
            root: self.root.clone(),
        })?;
        in_use.try_lock().map_err(|_| LibraryError::InUse {
            root: self.root.clone(),
        })
    }

    /// Encrypts a plain library in place under `passphrase` (or finishes an interrupted
    /// encryption: then `passphrase` must be the one it was started with), or decrypts an
    /// encrypted one. `progress(done, total)` follows the files.
    pub fn convert(
        mut self,
        to: Conversion,
        passphrase: &str,
        progress: &mut dyn FnMut(usize, usize),
    ) -> Result<()> {
        self.hold_exclusively()?;
        let root = self.root.clone();
        let keys = match (&self.keys, to) {
            (Some(keys), _) => Arc::clone(keys),
            (None, Conversion::Encrypt) => {
                let keys = Arc::new(Keys::generate());
                write_key_file(
                    &root,
                    &KeyFile::wrap(&keys, passphrase, KeyState::Encrypting),
                )?;
                keys
            }
            (None, Conversion::Decrypt) => return Err(LibraryError::NotEncrypted { root }),
        };
        let state = match to {
            Conversion::Encrypt => KeyState::Encrypting,
            Conversion::Decrypt => KeyState::Decrypting,
        };
        if self.key_state != Some(state) {
            write_key_file(&root, &KeyFile::wrap(&keys, passphrase, state))?;
        }
        self.keys = Some(Arc::clone(&keys));
        self.key_state = Some(state);
        let files = photo_files(&root);
        for (i, path) in files.iter().enumerate() {
            let bytes = fs::read(path).map_err(io_at(path))?;
            let sealed = super::crypto::is_sealed(&bytes);
            if sealed != (to == Conversion::Encrypt) {
                let plain = self.files().open(path, bytes)?;
                // write_temp seals while encrypting and writes plain while decrypting.
                let temp = self.write_temp(&plain)?;
                self.commit_temp(temp, path)?;
            }
            progress(i + 1, files.len());
        }
        self.convert_catalogue(to, &keys)?;
        match to {
            Conversion::Encrypt => {
                write_key_file(
                    &root,
                    &KeyFile::wrap(&keys, passphrase, KeyState::Encrypted),
                )?;
            }
            Conversion::Decrypt => {
                let key_file = root.join(KEY_FILE);
                fs::remove_file(&key_file).map_err(io_at(&key_file))?;
                sync_dir(&root);
            }
        }
        Ok(())
    }

    /// Rewrites the catalogue encrypted (or plain) beside itself, then renames it over the
    /// old one once every connection is closed and its WAL is folded in.
    fn convert_catalogue(&self, to: Conversion, keys: &Keys) -> Result<()> {
        let path = self.root.join(CATALOGUE_FILE);
        let plain = super::catalogue_is_plain(&path);
        if plain == (to == Conversion::Decrypt) {
            return Ok(());
        }
        let new = self.temp_dir()?.join("catalog.converted");
        let _ = fs::remove_file(&new);
        create_private_file(&new).map_err(io_at(&new))?;
        let target_key = match to {
            Conversion::Encrypt => keys.catalogue_pragma().to_string(),
            Conversion::Decrypt => String::new(),
        };
        let source_key = self.catalogue_key(&path);
        {
            let catalogue = Catalogue::open_keyed(
                &path,
                Access::ReadWrite,
                source_key.as_deref().map(String::as_str),
            )?;
            catalogue.export_to(&new, &target_key)?;
        }
        let temp_dir = self.temp_dir()?.to_owned();
        for suffix in ["-wal", "-shm"] {
            let stale = self.root.join(format!("{CATALOGUE_FILE}{suffix}"));
            match fs::metadata(&stale) {
                Ok(m) if suffix == "-wal" && m.len() > 0 => {
                    return Err(LibraryError::InUse {
                        root: self.root.clone(),
                    });
                }
                Ok(_) => fs::remove_file(&stale).map_err(io_at(&stale))?,
                Err(_) => {}
            }
        }
        fs::File::open(&new)
            .and_then(|f| f.sync_all())
            .map_err(io_at(&new))?;
        fs::rename(&new, &path).map_err(io_at(&path))?;
        sync_dir(&self.root);
        sync_dir(&temp_dir);
        Ok(())
    }

    /// Whether `passphrase` is this library's current one (its key file unwraps with it);
    /// reads only.
    pub fn check_passphrase(&self, passphrase: &str) -> Result<()> {
        match super::unlock(&self.root, Some(passphrase))? {
            Some(_) => Ok(()),
            None => Err(LibraryError::NotEncrypted {
                root: self.root.clone(),
            }),
        }
    }

    /// Rewraps the data key under a new passphrase; nothing else changes.
    pub fn change_passphrase(&self, new: &str) -> Result<()> {
        let keys = self
            .keys
            .as_ref()
            .ok_or_else(|| LibraryError::NotEncrypted {
                root: self.root.clone(),
            })?;
        let state = self.key_state.unwrap_or(KeyState::Encrypted);
        write_key_file(&self.root, &KeyFile::wrap(keys, new, state))
    }
}

//! An encrypted library in the app: the unlock window's state, locking (by hand, or after the
//! chosen time without input), and changing the passphrase. Locking drops everything read
//! from the library (the catalogue connection and keys, the grid, the inspector, every screen
//! and window, the messages) and the shell drops the photo textures, so nothing of the
//! library is shown until the passphrase is given again.

use super::AppState;
use super::nav::Modal;
use crate::library::LibraryError;
use crate::library::crypto::MIN_PASSPHRASE_CHARS;
use std::path::PathBuf;
use std::time::{Duration, Instant};
use zeroize::Zeroizing;

/// A passphrase typed into the app: wiped from memory when dropped, never printed.
#[derive(Clone, PartialEq, Eq)]
pub struct Passphrase(Zeroizing<String>);

impl Passphrase {
    pub fn new(text: impl Into<String>) -> Self {
        Self(Zeroizing::new(text.into()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Passphrase {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Passphrase(…)")
    }
}

/// An encrypted library waiting for its passphrase.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Locked {
    pub root: PathBuf,
    /// Why the last attempt failed.
    pub error: Option<String>,
    /// Counts attempts, so the window can clear its field after each.
    pub attempts: u64,
}

/// Everything the encrypted library can be asked to do.
#[derive(Clone, Debug, PartialEq)]
pub enum SecureCommand {
    Unlock(Passphrase),
    Lock,
    /// Opens the change-passphrase form.
    ShowChangePassphrase,
    ChangePassphrase {
        old: Passphrase,
        new: Passphrase,
        repeat: Passphrase,
    },
    /// Lock an encrypted library after this long without input (`None`: never).
    SetIdleLock(Option<Duration>),
}

/// The lock's state.
#[derive(Debug)]
pub struct SecureState {
    /// An encrypted library is waiting for its passphrase: the unlock window is shown.
    pub locked: Option<Locked>,
    /// Why the last change of passphrase was refused (shown in its form).
    pub change_error: Option<String>,
    last_input: Instant,
}

impl SecureState {
    /// How long since the last input.
    pub fn idle_for(&self) -> Duration {
        self.last_input.elapsed()
    }
}

impl Default for SecureState {
    fn default() -> Self {
        Self {
            locked: None,
            change_error: None,
            last_input: Instant::now(),
        }
    }
}

impl AppState {
    pub(super) fn run_secure(&mut self, command: SecureCommand) {
        match command {
            SecureCommand::Unlock(passphrase) => self.unlock(&passphrase),
            SecureCommand::Lock => {
                if let Some(busy) = self.work_holding_the_library() {
                    self.notices.error(format!(
                        "The library stays unlocked while {busy} runs: wait for it or cancel it, then lock."
                    ));
                } else {
                    self.lock();
                }
            }
            SecureCommand::ShowChangePassphrase => {
                if self.library.library().is_some_and(|l| l.is_encrypted()) {
                    self.protection.secure.change_error = None;
                    self.nav.show(Modal::ChangePassphrase);
                }
            }
            SecureCommand::ChangePassphrase { old, new, repeat } => {
                match self.change_passphrase(&old, &new, &repeat) {
                    Ok(()) => {
                        self.protection.secure.change_error = None;
                        self.nav.dismiss(|m| *m == Modal::ChangePassphrase);
                        self.notices.info(
                            "The passphrase was changed. Backups made before keep the old one.",
                        );
                    }
                    Err(e) => self.protection.secure.change_error = Some(e),
                }
            }
            SecureCommand::SetIdleLock(after) => {
                self.prefs.lock_after_secs = after.map(|d| d.as_secs());
                self.protection.secure.last_input = Instant::now();
            }
        }
    }

    /// The library at `root` turned out to be encrypted: close what is open and ask for the
    /// passphrase.
    pub(super) fn ask_passphrase(&mut self, root: PathBuf) {
        self.close_library();
        self.protection.secure.locked = Some(Locked {
            root,
            error: None,
            attempts: 0,
        });
    }

    fn unlock(&mut self, passphrase: &Passphrase) {
        let Some(locked) = self.protection.secure.locked.clone() else {
            return;
        };
        match self
            .library
            .open(&locked.root, None, Some(passphrase), &self.env.ctx)
        {
            Ok(()) => {
                self.protection.secure.locked = None;
                self.protection.secure.last_input = Instant::now();
                self.library_opened(false);
            }
            Err(e) => {
                let error = match e {
                    LibraryError::WrongPassphrase { .. } => {
                        "Wrong passphrase: nothing was opened or changed. Try again.".to_owned()
                    }
                    e => format!("Could not open the library: {e}"),
                };
                self.protection.secure.locked = Some(Locked {
                    error: Some(error),
                    attempts: locked.attempts + 1,
                    ..locked
                });
            }
        }
    }

    /// Locks the open encrypted library: everything read from it is dropped, and the unlock
    /// window takes its place.
    pub fn lock(&mut self) {
        let Some(root) = self
            .library
            .library()
            .filter(|l| l.is_encrypted())
            .map(|l| l.root().to_owned())
        else {
            return;
        };
        self.close_library();
        self.protection.secure.locked = Some(Locked {
            root,
            error: None,
            attempts: 0,
        });
    }

    /// Drops the open library and everything shown of it.
    pub(super) fn close_library(&mut self) {
        self.library.loaded = None;
        // The shell drops the textures when this changes.
        self.library.opened += 1;
        self.nav.reset();
        self.history.clear();
        self.browse.reset();
        self.inspector.clear();
        self.overview = super::overview::Overview::default();
        self.compare = super::compare::CompareFeature::default();
        self.notices = super::notices::Notices::default();
        self.protection.backup.reminder = None;
    }

    /// What still runs with the library's keys, in words (locking waits for it).
    pub(super) fn work_holding_the_library(&self) -> Option<&'static str> {
        if self.import.is_busy() {
            Some("an import")
        } else if self.protection.backup.job.is_some() {
            Some("a backup")
        } else if self.compare.is_busy(&self.nav) {
            Some("a comparison's work")
        } else {
            None
        }
    }

    fn change_passphrase(
        &self,
        old: &Passphrase,
        new: &Passphrase,
        repeat: &Passphrase,
    ) -> Result<(), String> {
        let library = self
            .library
            .library()
            .filter(|l| l.is_encrypted())
            .ok_or("This library is not encrypted.")?;
        if new != repeat {
            return Err(
                "The new passphrase and its repetition differ; nothing was changed.".into(),
            );
        }
        if new.as_str().chars().count() < MIN_PASSPHRASE_CHARS {
            return Err(format!(
                "The new passphrase is shorter than {MIN_PASSPHRASE_CHARS} characters; nothing was changed."
            ));
        }
        match library.check_passphrase(old.as_str()) {
            Ok(()) => {}
            Err(LibraryError::WrongPassphrase { .. }) => {
                return Err("The current passphrase is wrong; nothing was changed.".into());
            }
            Err(e) => return Err(format!("Could not read the library's key: {e}")),
        }
        library
            .change_passphrase(new.as_str())
            .map_err(|e| format!("Could not change the passphrase: {e}"))
    }

    /// The user touched the window: the idle timer starts over.
    pub fn note_input(&mut self) {
        self.protection.secure.last_input = Instant::now();
    }

    /// Locks an encrypted library after the chosen time without input (never while work
    /// that holds its keys runs). Call every frame.
    pub(super) fn lock_when_idle(&mut self) {
        let Some(after) = self.prefs.lock_after_secs.map(Duration::from_secs) else {
            return;
        };
        if !self.library.library().is_some_and(|l| l.is_encrypted()) {
            return;
        }
        let idle = self.protection.secure.last_input.elapsed();
        if let Some(left) = after.checked_sub(idle).filter(|d| !d.is_zero()) {
            self.env.ctx.request_repaint_after(left);
        } else if self.work_holding_the_library().is_some() {
            self.env.ctx.request_repaint_after(Duration::from_secs(1));
        } else {
            self.lock();
            self.notices
                .info(format!("Locked after {} without use.", idle_words(after)));
        }
    }
}

/// "5 minutes", "1 minute", "30 seconds".
pub fn idle_words(after: Duration) -> String {
    let secs = after.as_secs();
    let (n, unit) = if secs >= 60 && secs.is_multiple_of(60) {
        (secs / 60, "minute")
    } else {
        (secs, "second")
    };
    format!("{n} {unit}{}", if n == 1 { "" } else { "s" })
}

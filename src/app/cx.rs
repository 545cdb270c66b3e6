//! What a feature's command handler may use besides its own state: the open library, the
//! navigation, the messages, the undo history and the runtime handles. A handler that changes
//! what another feature shows says so with [`Stale`] (or a follow-up command); the dispatcher
//! then reloads it, once, after the command.

use super::command::Command;
use super::dialogs::MainThreadToken;
use super::edit::{Edit, History, Made, Step};
use super::library::LibraryState;
use super::nav::Navigation;
use super::notices::Notices;
use crate::catalogue::Catalogue;

/// What has to be read from the catalogue again.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Stale(u8);

impl Stale {
    pub const NONE: Self = Self(0);
    /// People and their photo counts, the vocabulary, the trash count and the total.
    pub const PEOPLE: Self = Self(1);
    /// The selected person's series and their sessions.
    pub const SERIES: Self = Self(2);
    pub const GRID: Self = Self(4);
    /// What the inspector shows of the selected photos.
    pub const DETAILS: Self = Self(8);
    /// The open series page, person record and comparison.
    pub const PAGES: Self = Self(16);
    /// The library's own settings (personal or clinic mode).
    pub const LIBRARY: Self = Self(32);
    /// The landmarks of the pair being compared (an undo put others back).
    pub const LANDMARKS: Self = Self(64);
    /// The faces of the photos compared (a face scan found new ones).
    pub const FACES: Self = Self(128);

    pub fn contains(self, other: Self) -> bool {
        self.0 & other.0 == other.0
    }
}

impl std::ops::BitOr for Stale {
    type Output = Self;
    fn bitor(self, other: Self) -> Self {
        Self(self.0 | other.0)
    }
}

impl std::ops::BitOrAssign for Stale {
    fn bitor_assign(&mut self, other: Self) {
        self.0 |= other.0;
    }
}

/// Runtime handles: never saved, never drawn.
#[derive(Debug)]
pub struct Env {
    pub ctx: egui::Context,
    pub main_thread: MainThreadToken,
    pub options: super::AppOptions,
}

/// Lent to a feature while it runs one command.
#[derive(Debug)]
pub struct Cx<'a> {
    pub library: &'a mut LibraryState,
    pub nav: &'a mut Navigation,
    pub notices: &'a mut Notices,
    pub history: &'a mut History,
    pub env: &'a Env,
    pub(super) stale: Stale,
    pub(super) then: Vec<Command>,
}

impl Cx<'_> {
    /// Runs a catalogue read on the app's connection; an error becomes a notice starting
    /// with `what`.
    pub fn catalogue<T>(
        &mut self,
        what: &str,
        f: impl FnOnce(&mut Catalogue) -> crate::catalogue::Result<T>,
    ) -> Option<T> {
        let loaded = self.library.loaded.as_mut()?;
        match f(&mut loaded.catalogue) {
            Ok(value) => Some(value),
            Err(e) => {
                if matches!(e, crate::catalogue::CatalogueError::Conflict { .. }) {
                    // Someone else's change won: show it.
                    self.stale |=
                        Stale::PEOPLE | Stale::SERIES | Stale::GRID | Stale::DETAILS | Stale::PAGES;
                }
                self.notices.error(format!("{what}: {e}"));
                None
            }
        }
    }

    /// Applies an edit: the one place the app changes the catalogue. On success what it
    /// made stale is reloaded after the command, and its undo is kept.
    pub fn edit(&mut self, edit: impl Into<Edit>) -> Option<Made> {
        self.checked_edit(&[], edit)
    }

    /// [`Cx::edit`], but only if every row in `seen` still has the version read: otherwise
    /// nothing changes, the user is told who changed it and when, and all is read again.
    pub fn checked_edit(
        &mut self,
        seen: &[(crate::catalogue::Versioned, i64)],
        edit: impl Into<Edit>,
    ) -> Option<Made> {
        let edit = edit.into();
        let applied = self.catalogue(edit.failure(), |cat| {
            if seen.is_empty() {
                edit.apply(cat)
            } else {
                cat.checked_edit(seen, |cat| edit.apply(cat))
            }
        })?;
        self.stale |= edit.stale();
        self.library.demo_changed |= self.library.is_demo();
        if let Some(undo) = applied.undo {
            self.history.record(&edit, undo);
        }
        Some(applied.made)
    }

    /// Undoes the newest step, and keeps how to redo it.
    pub fn undo(&mut self) {
        if let Some(step) = self.history.take_undo() {
            match self.apply_step(&step, "Undo") {
                Some(redo) => {
                    self.notices.forget_step(step.serial);
                    self.notices.info(format!("Undone: {}.", step.what));
                    self.history.push_redo(Step {
                        edits: redo,
                        ..step
                    });
                }
                None => self.history.push_undo(step),
            }
        }
    }

    /// Redoes the newest undone step.
    pub fn redo(&mut self) {
        if let Some(step) = self.history.take_redo() {
            match self.apply_step(&step, "Redo") {
                Some(undo) => {
                    self.notices.info(format!("Redone: {}.", step.what));
                    self.history.push_undo(Step {
                        edits: undo,
                        ..step
                    });
                }
                None => self.history.push_redo(step),
            }
        }
    }

    /// Applies a step's edits in one transaction; returns the edits that take it back, or
    /// `None` (nothing changed) when the catalogue refused.
    fn apply_step(&mut self, step: &Step, what: &str) -> Option<Vec<Edit>> {
        let failure = format!("{what} \u{201c}{}\u{201d}", step.what);
        let applied = self.catalogue(&failure, |cat| {
            cat.atomically(|cat| {
                step.edits
                    .iter()
                    .map(|e| e.apply(cat))
                    .collect::<Result<Vec<_>, _>>()
            })
        })?;
        for edit in &step.edits {
            self.stale |= edit.stale();
        }
        // The last edit applied is the first to take back.
        Some(applied.into_iter().rev().filter_map(|a| a.undo).collect())
    }

    /// Marks what has to be read again after this command.
    pub fn stale(&mut self, stale: Stale) {
        self.stale |= stale;
    }

    /// Runs `command` after this one.
    pub fn then(&mut self, command: impl Into<Command>) {
        self.then.push(command.into());
    }

    pub fn ctx(&self) -> &egui::Context {
        &self.env.ctx
    }
}

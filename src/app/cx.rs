//! What a feature's command handler may use besides its own state: the open library, the
//! navigation, the messages, the undo history and the runtime handles. A handler that changes
//! what another feature shows says so with [`Stale`] (or a follow-up command); the dispatcher
//! then reloads it, once, after the command.

use super::command::Command;
use super::dialogs::MainThreadToken;
use super::edit::{Edit, History, Made};
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
                self.notices.error(format!("{what}: {e}"));
                None
            }
        }
    }

    /// Applies an edit: the one place the app changes the catalogue. On success what it
    /// made stale is reloaded after the command, and its undo is kept.
    pub fn edit(&mut self, edit: Edit) -> Option<Made> {
        let applied = self.catalogue(edit.failure(), |cat| edit.apply(cat))?;
        self.stale |= edit.stale();
        if let Some(undo) = applied.undo {
            self.history.push(&edit, undo);
        }
        Some(applied.made)
    }

    /// Undoes the newest undoable edit.
    pub fn undo(&mut self) {
        let Some(edit) = self.history.pop_undo() else {
            return;
        };
        match (self.edit(edit.clone()), edit) {
            (Some(Made::Photos(n)), Edit::Restore(_)) => {
                self.notices.info(format!("Restored {n} photos."));
            }
            (Some(_), edit) => self.notices.info(format!("Undone: {}.", edit.describe())),
            (None, _) => {}
        }
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

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
use crate::catalogue::{Catalogue, CatalogueError, Versioned};

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
                self.refused(what, &e, "");
                None
            }
        }
    }

    /// Says why the catalogue refused; when someone else's change won, everything shown is
    /// read again so the user sees it.
    fn refused(&mut self, what: &str, e: &CatalogueError, then: &str) {
        if matches!(e, CatalogueError::Conflict { .. }) {
            self.stale |=
                Stale::PEOPLE | Stale::SERIES | Stale::GRID | Stale::DETAILS | Stale::PAGES;
        }
        self.notices.error(format!("{what}: {e}{then}"));
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
        seen: &[(Versioned, i64)],
        edit: impl Into<Edit>,
    ) -> Option<Made> {
        let edit = edit.into();
        let (mut applied, moved) = self.catalogue(edit.failure(), |cat| {
            cat.checked_edit(seen, |cat| {
                let edits = [edit.clone()];
                let (mut applied, moved) = apply_tracked(cat, &edits)?;
                Ok((applied.remove(0), moved))
            })
        })?;
        self.stale |= edit.stale();
        self.library.demo_changed |= self.library.is_demo();
        self.history.moved(&moved.before, &moved.after);
        if let Some(undo) = applied.undo.take() {
            let left = moved.left_for(&undo.rows());
            self.history.record(&edit, undo, &left);
        }
        Some(applied.made)
    }

    /// Undoes the newest step, and keeps how to redo it.
    pub fn undo(&mut self) {
        if let Some(step) = self.history.take_undo() {
            match self.apply_step(&step, "Undo") {
                Ok(redo) => {
                    self.notices.forget_step(step.serial);
                    self.notices.info(format!("Undone: {}.", step.what));
                    self.history.push_redo(redo.into_step(step));
                }
                Err(Kept::Yes) => self.history.push_undo(step),
                Err(Kept::No) => {}
            }
        }
    }

    /// Redoes the newest undone step.
    pub fn redo(&mut self) {
        if let Some(step) = self.history.take_redo() {
            match self.apply_step(&step, "Redo") {
                Ok(undo) => {
                    self.notices.info(format!("Redone: {}.", step.what));
                    self.history.push_undo(undo.into_step(step));
                }
                Err(Kept::Yes) => self.history.push_redo(step),
                Err(Kept::No) => {}
            }
        }
    }

    /// Applies a step's edits in one transaction, checked against the versions the step
    /// expects; returns the edits that take it back. When the catalogue refuses, nothing
    /// changed; a step refused because someone else changed its rows since is dropped (undoing
    /// it would overwrite their change), any other stays to be tried again.
    fn apply_step(&mut self, step: &Step, what: &str) -> Result<Reverse, Kept> {
        let failure = format!("{what} \u{201c}{}\u{201d}", step.what);
        let loaded = self.library.loaded.as_mut().ok_or(Kept::Yes)?;
        let outcome = loaded
            .catalogue
            .checked_edit(&step.seen, |cat| apply_tracked(cat, &step.edits));
        let (applied, moved) = match outcome {
            Ok(done) => done,
            Err(e) => {
                let conflict = matches!(e, CatalogueError::Conflict { .. });
                let then = if conflict {
                    ". That step can no longer be undone or redone."
                } else {
                    ""
                };
                self.refused(&failure, &e, then);
                return Err(if conflict { Kept::No } else { Kept::Yes });
            }
        };
        for edit in &step.edits {
            self.stale |= edit.stale();
        }
        self.history.moved(&moved.before, &moved.after);
        // The last edit applied is the first to take back.
        let edits: Vec<Edit> = applied.into_iter().rev().filter_map(|a| a.undo).collect();
        let rows: Vec<Versioned> = edits.iter().flat_map(Edit::rows).collect();
        Ok(Reverse {
            seen: moved.left_for(&rows),
            edits,
        })
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

/// Whether a refused undo or redo step stays in the history.
enum Kept {
    Yes,
    No,
}

/// The edits that reverse an applied step, with the versions the step left their rows at.
struct Reverse {
    edits: Vec<Edit>,
    seen: Vec<(Versioned, i64)>,
}

impl Reverse {
    fn into_step(self, step: Step) -> Step {
        Step {
            edits: self.edits,
            seen: self.seen,
            ..step
        }
    }
}

/// The versions of the rows edits changed, just before and just after (one transaction).
struct Moved {
    before: Vec<(Versioned, i64)>,
    after: Vec<(Versioned, i64)>,
}

impl Moved {
    /// The versions `rows` were left at.
    fn left_for(&self, rows: &[Versioned]) -> Vec<(Versioned, i64)> {
        self.after
            .iter()
            .copied()
            .filter(|(row, _)| rows.contains(row))
            .collect()
    }
}

/// Applies `edits` in order (inside the caller's transaction), reading the versions of the
/// rows they change before, and of those and the rows their undos change after.
fn apply_tracked(
    cat: &mut Catalogue,
    edits: &[Edit],
) -> crate::catalogue::Result<(Vec<super::edit::Applied>, Moved)> {
    let rows: Vec<Versioned> = edits.iter().flat_map(Edit::rows).collect();
    let before = cat.versions_now(&rows)?;
    let applied = edits
        .iter()
        .map(|e| e.apply(cat))
        .collect::<crate::catalogue::Result<Vec<_>>>()?;
    let mut touched = rows;
    touched.extend(
        applied
            .iter()
            .filter_map(|a| a.undo.as_ref())
            .flat_map(Edit::rows),
    );
    let mut once = std::collections::HashSet::new();
    touched.retain(|row| once.insert(*row));
    let after = cat.versions_now(&touched)?;
    Ok((applied, Moved { before, after }))
}

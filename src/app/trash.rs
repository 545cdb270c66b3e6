//! The trash: moving the selected photos to it (undoable), restoring them, and emptying it
//! for good after a confirmation.

use super::browse::BrowseState;
use super::cx::{Cx, Stale};
use super::edit::{Made, PhotoEdit};
use super::nav::{Modal, ScreenKind};

/// Everything the trash can be asked to do (besides its actions: move, undo, show, empty).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TrashCommand {
    /// Take the selected photos out of the trash.
    RestoreSelected,
    /// Delete the photos in the trash for good (after "Empty trash…").
    ConfirmEmpty,
    CancelEmpty,
}

impl BrowseState {
    pub(super) fn run_trash(&mut self, command: TrashCommand, cx: &mut Cx) {
        match command {
            TrashCommand::RestoreSelected => {
                if let Some(Made::Photos(n)) = cx.edit(PhotoEdit::Restore(self.selection.ids())) {
                    cx.notices.undoable(
                        format!("Restored {}. Undo with Ctrl+Z.", super::edit::photos(n)),
                        cx.history.current(),
                    );
                    self.selection.clear();
                }
            }
            TrashCommand::ConfirmEmpty => {
                cx.nav.dismiss(|m| *m == Modal::ConfirmEmptyTrash);
                let Some(library) = cx.library.library().cloned() else {
                    return;
                };
                match library.empty_trash() {
                    Ok(n) => cx
                        .notices
                        .info(format!("Deleted {} for good.", super::edit::photos(n))),
                    Err(e) => cx.notices.error(format!("Emptying the trash failed: {e}")),
                }
                self.selection.clear();
                // Photos deleted for good cannot come back.
                cx.history.clear();
                cx.stale(Stale::PEOPLE | Stale::SERIES | Stale::GRID | Stale::DETAILS);
            }
            TrashCommand::CancelEmpty => cx.nav.dismiss(|m| *m == Modal::ConfirmEmptyTrash),
        }
    }

    /// Moves the selected photos to the trash (not from the trash itself).
    pub(super) fn move_to_trash(&mut self, cx: &mut Cx) {
        let ids = self.selection.ids();
        if ids.is_empty() || self.filter.trashed {
            return;
        }
        if let Some(Made::Photos(n)) = cx.edit(PhotoEdit::Trash(ids)) {
            cx.notices.undoable(
                format!(
                    "Moved {} to the trash. Undo with Ctrl+Z.",
                    super::edit::photos(n)
                ),
                cx.history.current(),
            );
            self.selection.clear();
            cx.nav.close(ScreenKind::Viewer);
        }
    }
}

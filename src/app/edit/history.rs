//! The undo and redo history: steps, each what one user action changed.

use super::Edit;
use crate::catalogue::Versioned;

/// One undoable step: what the user did, in words, and the edits that take it back (or, on
/// the redo side, forward again), in the order to apply them.
#[derive(Clone, Debug, PartialEq)]
pub struct Step {
    pub what: String,
    pub edits: Vec<Edit>,
    /// The versions our own edits left the rows the step changes at: undoing (or redoing) it
    /// is a checked edit, refused when someone else changed one of them since.
    pub seen: Vec<(Versioned, i64)>,
    /// Names the step, so a message that offered its undo can go when it is undone.
    pub serial: u64,
}

/// The steps that can be undone and redone, newest last.
#[derive(Clone, Debug, Default)]
pub struct History {
    undo: Vec<Step>,
    redo: Vec<Step>,
    /// The step being collected while a user action runs.
    open: Option<Step>,
    serial: u64,
}

impl History {
    /// Starts collecting the edits of one user action into one step.
    pub fn begin(&mut self) {
        self.serial += 1;
        self.open = Some(Step {
            what: String::new(),
            edits: Vec::new(),
            seen: Vec::new(),
            serial: self.serial,
        });
    }

    /// Ends the user action: its edits become the newest step (and what was undone can no
    /// longer be redone).
    pub fn end(&mut self) {
        if let Some(step) = self.open.take()
            && !step.edits.is_empty()
        {
            self.undo.push(step);
            self.redo.clear();
        }
    }

    /// The step being collected (for a message that offers its undo).
    pub fn current(&self) -> Option<u64> {
        self.open.as_ref().map(|s| s.serial)
    }

    /// Keeps how to undo `done`, and the versions `done` left the rows `undo` changes at:
    /// in the open step, or as a step of its own.
    pub fn record(&mut self, done: &Edit, undo: Edit, left: &[(Versioned, i64)]) {
        let what = done.describe();
        if let Some(step) = &mut self.open {
            if step.what.is_empty() {
                step.what = what;
            } else {
                step.what = format!("{} and {what}", step.what);
            }
            // The last change is undone first.
            step.edits.insert(0, undo);
            merge(&mut step.seen, left);
        } else {
            self.serial += 1;
            self.undo.push(Step {
                what,
                edits: vec![undo],
                seen: left.to_vec(),
                serial: self.serial,
            });
            self.redo.clear();
        }
    }

    /// Our own edit (or undo, or redo) moved rows from the versions in `before` to those in
    /// `after`: steps that expected a row at its old version now expect the new one, so
    /// undoing an earlier step of ours is not taken for someone else's change. A row someone
    /// else changed in between keeps the version the step expects, and its undo is refused.
    pub fn moved(&mut self, before: &[(Versioned, i64)], after: &[(Versioned, i64)]) {
        let moves: Vec<(Versioned, i64, i64)> = before
            .iter()
            .filter_map(|&(row, old)| {
                let new = after.iter().find(|(r, _)| *r == row)?.1;
                (new != old).then_some((row, old, new))
            })
            .collect();
        if moves.is_empty() {
            return;
        }
        let steps = self
            .undo
            .iter_mut()
            .chain(&mut self.redo)
            .chain(&mut self.open);
        for step in steps {
            for (row, version) in &mut step.seen {
                if let Some(&(_, _, new)) =
                    moves.iter().find(|(r, old, _)| r == row && old == version)
                {
                    *version = new;
                }
            }
        }
    }

    /// The next step to undo, in words.
    pub fn next_undo(&self) -> Option<&str> {
        self.undo.last().map(|s| s.what.as_str())
    }

    /// The next step to redo, in words.
    pub fn next_redo(&self) -> Option<&str> {
        self.redo.last().map(|s| s.what.as_str())
    }

    pub fn can_undo(&self) -> bool {
        !self.undo.is_empty()
    }

    pub fn can_redo(&self) -> bool {
        !self.redo.is_empty()
    }

    pub fn take_undo(&mut self) -> Option<Step> {
        self.undo.pop()
    }

    pub fn take_redo(&mut self) -> Option<Step> {
        self.redo.pop()
    }

    /// Puts a step (back) on the undo side, keeping the redo side.
    pub fn push_undo(&mut self, step: Step) {
        self.undo.push(step);
    }

    pub fn push_redo(&mut self, step: Step) {
        self.redo.push(step);
    }

    /// Forgets everything (the photos are gone for good, or another library was opened).
    pub fn clear(&mut self) {
        self.undo.clear();
        self.redo.clear();
    }
}

/// Adds `left` to `seen`, a row's newer version replacing its older one.
fn merge(seen: &mut Vec<(Versioned, i64)>, left: &[(Versioned, i64)]) {
    for &(row, version) in left {
        match seen.iter_mut().find(|(r, _)| *r == row) {
            Some(entry) => entry.1 = version,
            None => seen.push((row, version)),
        }
    }
}

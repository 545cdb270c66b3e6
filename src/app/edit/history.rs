//! The undo and redo history: steps, each what one user action changed.

use super::Edit;

/// One undoable step: what the user did, in words, and the edits that take it back (or, on
/// the redo side, forward again), in the order to apply them.
#[derive(Clone, Debug, PartialEq)]
pub struct Step {
    pub what: String,
    pub edits: Vec<Edit>,
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

    /// Keeps how to undo `done`: in the open step, or as a step of its own.
    pub fn record(&mut self, done: &Edit, undo: Edit) {
        let what = done.describe();
        if let Some(step) = &mut self.open {
            if step.what.is_empty() {
                step.what = what;
            } else {
                step.what = format!("{} and {what}", step.what);
            }
            // The last change is undone first.
            step.edits.insert(0, undo);
        } else {
            self.serial += 1;
            self.undo.push(Step {
                what,
                edits: vec![undo],
                serial: self.serial,
            });
            self.redo.clear();
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

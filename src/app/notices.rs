//! Messages at the bottom of the window: what finished, what failed and why.

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NoticeLevel {
    Info,
    Error,
}

/// A message at the bottom of the window until dismissed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Notice {
    pub level: NoticeLevel,
    pub text: String,
    /// The undo step the message offers to undo ("Undo with Ctrl+Z"): it goes when that step
    /// is undone.
    pub step: Option<u64>,
}

impl<'a> IntoIterator for &'a Notices {
    type Item = &'a Notice;
    type IntoIter = std::slice::Iter<'a, Notice>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

/// The messages, oldest first.
#[derive(Clone, Debug, Default)]
pub struct Notices(Vec<Notice>);

/// How the catalogue words a refusal of the clinic database (its `Forbidden` error).
const REFUSED: &str = "your role may not do this";

impl Notices {
    /// Names who is signed in and their role in the clinic database's refusals
    /// ("…: maria signs in as assistant, which may not do this: …").
    pub fn name_the_role(&mut self, user: &str, role: &str) {
        for notice in &mut self.0 {
            if notice.text.contains(REFUSED) {
                notice.text = notice.text.replace(
                    REFUSED,
                    &format!("{user} signs in as {role}, which may not do this"),
                );
            }
        }
    }

    pub fn error(&mut self, text: impl Into<String>) {
        self.0.push(Notice {
            level: NoticeLevel::Error,
            text: text.into(),
            step: None,
        });
    }

    pub fn info(&mut self, text: impl Into<String>) {
        self.0.push(Notice {
            level: NoticeLevel::Info,
            text: text.into(),
            step: None,
        });
    }

    /// A message about what an undo step did, offering its undo; it goes when the step is
    /// undone.
    pub fn undoable(&mut self, text: impl Into<String>, step: Option<u64>) {
        self.0.push(Notice {
            level: NoticeLevel::Info,
            text: text.into(),
            step,
        });
    }

    /// Drops the messages that offered to undo `step` (it has been undone).
    pub fn forget_step(&mut self, step: u64) {
        self.0.retain(|n| n.step != Some(step));
    }

    pub fn dismiss(&mut self, index: usize) {
        if index < self.0.len() {
            self.0.remove(index);
        }
    }

    pub fn iter(&self) -> std::slice::Iter<'_, Notice> {
        self.0.iter()
    }

    pub fn last(&self) -> Option<&Notice> {
        self.0.last()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

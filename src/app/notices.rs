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

impl Notices {
    pub fn error(&mut self, text: impl Into<String>) {
        self.0.push(Notice {
            level: NoticeLevel::Error,
            text: text.into(),
        });
    }

    pub fn info(&mut self, text: impl Into<String>) {
        self.0.push(Notice {
            level: NoticeLevel::Info,
            text: text.into(),
        });
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

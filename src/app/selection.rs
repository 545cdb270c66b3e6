//! Which photos are selected in the grid: click, ctrl-click and shift-click semantics.

use crate::model::PhotoId;
use std::collections::BTreeSet;

/// How a click on a photo changes the selection.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SelectMode {
    /// Plain click: only this photo.
    Only,
    /// Ctrl/Cmd-click: add or remove this photo.
    Toggle,
    /// Shift-click: everything from the anchor to this photo.
    Range,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Selection {
    ids: BTreeSet<PhotoId>,
    /// The photo a shift-click range starts from, and the one the inspector shows first.
    anchor: Option<PhotoId>,
}

impl Selection {
    /// Applies a click on `id`; `order` is the grid's order (for ranges).
    pub fn click(&mut self, id: PhotoId, mode: SelectMode, order: &[PhotoId]) {
        match mode {
            SelectMode::Only => {
                self.ids.clear();
                self.ids.insert(id);
                self.anchor = Some(id);
            }
            SelectMode::Toggle => {
                if !self.ids.remove(&id) {
                    self.ids.insert(id);
                    self.anchor = Some(id);
                } else if self.anchor == Some(id) {
                    self.anchor = self.ids.iter().next().copied();
                }
            }
            SelectMode::Range => {
                let from = self.anchor.and_then(|a| order.iter().position(|&p| p == a));
                let to = order.iter().position(|&p| p == id);
                match (from, to) {
                    (Some(a), Some(b)) => {
                        let (lo, hi) = (a.min(b), a.max(b));
                        self.ids.extend(&order[lo..=hi]);
                    }
                    _ => self.click(id, SelectMode::Only, order),
                }
            }
        }
    }

    pub fn select_all(&mut self, order: &[PhotoId]) {
        self.ids = order.iter().copied().collect();
        if self.anchor.is_none_or(|a| !self.ids.contains(&a)) {
            self.anchor = order.first().copied();
        }
    }

    pub fn set_only(&mut self, id: PhotoId) {
        self.click(id, SelectMode::Only, &[]);
    }

    pub fn clear(&mut self) {
        self.ids.clear();
        self.anchor = None;
    }

    /// Drops ids no longer in the grid.
    pub fn retain(&mut self, present: &std::collections::HashSet<PhotoId>) {
        self.ids.retain(|id| present.contains(id));
        if self.anchor.is_some_and(|a| !self.ids.contains(&a)) {
            self.anchor = self.ids.iter().next().copied();
        }
    }

    pub fn contains(&self, id: PhotoId) -> bool {
        self.ids.contains(&id)
    }

    pub fn ids(&self) -> Vec<PhotoId> {
        self.ids.iter().copied().collect()
    }

    pub fn len(&self) -> usize {
        self.ids.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// The selected ids, the primary photo first.
    pub fn ids_primary_first(&self) -> Vec<PhotoId> {
        let primary = self.primary();
        primary
            .into_iter()
            .chain(self.ids.iter().copied().filter(|id| Some(*id) != primary))
            .collect()
    }

    /// The photo the inspector and viewer start from.
    pub fn primary(&self) -> Option<PhotoId> {
        self.anchor
            .filter(|a| self.ids.contains(a))
            .or_else(|| self.ids.iter().next().copied())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(n: i64) -> Vec<PhotoId> {
        (1..=n).map(PhotoId).collect()
    }

    #[test]
    fn click_ctrl_and_shift_behave_like_a_file_manager() {
        let order = ids(6);
        let mut s = Selection::default();
        s.click(PhotoId(2), SelectMode::Only, &order);
        s.click(PhotoId(5), SelectMode::Range, &order);
        assert_eq!(s.ids(), ids(5)[1..].to_vec());
        s.click(PhotoId(3), SelectMode::Toggle, &order);
        assert!(!s.contains(PhotoId(3)));
        assert_eq!(s.len(), 3);
        s.click(PhotoId(1), SelectMode::Only, &order);
        assert_eq!(s.ids(), vec![PhotoId(1)]);
        assert_eq!(s.primary(), Some(PhotoId(1)));
        s.select_all(&order);
        assert_eq!(s.len(), 6);
        s.retain(&[PhotoId(4)].into_iter().collect());
        assert_eq!(s.primary(), Some(PhotoId(4)));
    }
}

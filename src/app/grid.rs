//! The photos in the grid, read a page at a time: the first page of a view on the grid's
//! query thread (drawn as soon as it is there), the next pages as the user scrolls or steps
//! towards the end, and the view's count on a thread of its own. What needs photos not read
//! yet (the last photo, select all, a step past the end) waits for them as a [`Reach`].

use super::background::{Answer, WorkError};
use crate::catalogue::{GridCursor, GridItem, GridPage, PhotoFilter, SessionFacts, SortOrder};
use crate::model::{PersonId, PhotoId, SessionId};
use std::collections::HashMap;
use std::time::Duration;

/// Photos a page holds: more than a screen of the smallest thumbnails, a few milliseconds of
/// query on either backend.
pub const GRID_PAGE: usize = 500;

/// A grid query for the query thread: a page of a view.
#[derive(Clone, Debug)]
pub struct GridQuery {
    pub filter: PhotoFilter,
    pub order: SortOrder,
    /// Where the page starts (`None`: at the first photo).
    pub after: Option<GridCursor>,
    /// `None`: every photo from `after` on.
    pub limit: Option<usize>,
}

/// What the user asked for that needs photos not read yet: done when they arrive.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reach {
    /// Next or previous photo (the viewer, the arrow keys) past the last one read.
    Step(isize),
    /// A row down past the last one read.
    Rows(isize),
    /// The last photo of the view (End).
    Last,
    SelectAll,
}

/// What the grid's query thread is reading.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Loading {
    #[default]
    Idle,
    /// The view's first page (or, read again, as many photos as were shown).
    First,
    /// The next page.
    More,
    /// Every photo left (for the last photo or select all).
    Rest,
}

/// The photos in the grid, in display order.
#[derive(Debug)]
pub struct Grid {
    pub items: Vec<GridItem>,
    /// What the grid says about the sessions of its photos (number, days, protocol).
    pub sessions: HashMap<SessionId, SessionFacts>,
    /// Changes whenever the items change (panels cache their layout by it).
    pub serial: u64,
    /// How long the last query took on its thread.
    pub last_query: Duration,
    /// Photos a page holds (tests make it small).
    pub page_size: usize,
    loading: Loading,
    /// Where the next page starts; `None` once the view's last photo is read.
    next: Option<GridCursor>,
    /// The view (filter and order) the items are of.
    shown: Option<(PhotoFilter, SortOrder)>,
    /// The view's count, once the count thread has answered.
    counted: Option<usize>,
    /// What waits for more photos.
    pub(super) pending: Option<Reach>,
}

impl Default for Grid {
    fn default() -> Self {
        Self {
            items: Vec::new(),
            sessions: HashMap::new(),
            serial: 0,
            last_query: Duration::ZERO,
            page_size: GRID_PAGE,
            loading: Loading::Idle,
            next: None,
            shown: None,
            counted: None,
            pending: None,
        }
    }
}

impl Grid {
    /// A query is being read (any page).
    pub fn is_loading(&self) -> bool {
        self.loading != Loading::Idle
    }

    pub fn loading(&self) -> Loading {
        self.loading
    }

    /// Every photo of the view is read.
    pub fn is_complete(&self) -> bool {
        self.next.is_none()
    }

    /// How many photos the view has: known once every photo is read or counted.
    pub fn total(&self) -> Option<usize> {
        if self.is_complete() {
            Some(self.items.len())
        } else {
            self.counted
        }
    }

    /// The photos' ids in display order.
    pub fn order(&self) -> Vec<PhotoId> {
        self.items.iter().map(|i| i.id).collect()
    }

    pub fn position(&self, id: PhotoId) -> Option<usize> {
        self.items.iter().position(|i| i.id == id)
    }

    /// The grid's rows for `columns` photos a row: a heading over each group (the photos of
    /// one date, person and session), then its photos.
    pub fn rows(&self, columns: usize) -> Vec<GridRow> {
        let columns = columns.max(1);
        let items = &self.items;
        let mut rows = Vec::new();
        let mut i = 0;
        while i < items.len() {
            let key = group_key(&items[i]);
            let end = i + items[i..]
                .iter()
                .take_while(|g| group_key(g) == key)
                .count();
            rows.push(GridRow::Heading { start: i, end });
            let mut start = i;
            while start < end {
                let stop = (start + columns).min(end);
                rows.push(GridRow::Photos { start, end: stop });
                start = stop;
            }
            i = end;
        }
        rows
    }

    /// The query for the first page of `view`. Read again (the same view after an edit or
    /// another workstation's change), it covers the photos shown and a page more, so the
    /// selection and the scroll position keep their photos.
    pub(super) fn first_query(&mut self, filter: &PhotoFilter, order: SortOrder) -> GridQuery {
        let view = (filter.clone(), order);
        let again = self.shown.as_ref() == Some(&view);
        if !again {
            self.counted = None;
            self.pending = None;
            self.shown = Some(view);
        }
        self.loading = Loading::First;
        GridQuery {
            filter: filter.clone(),
            order,
            after: None,
            limit: Some(if again {
                self.items.len() + self.page_size
            } else {
                self.page_size
            }),
        }
    }

    /// The query for the photos after those read (a page, or all that are left), unless
    /// they are all read or a query is under way.
    pub(super) fn more_query(&mut self, rest: bool) -> Option<GridQuery> {
        let (filter, order) = self.shown.clone()?;
        let after = self.next.clone()?;
        match self.loading {
            Loading::First | Loading::Rest => return None,
            Loading::More if !rest => return None,
            Loading::Idle | Loading::More => {}
        }
        self.loading = if rest { Loading::Rest } else { Loading::More };
        Some(GridQuery {
            filter,
            order,
            after: Some(after),
            limit: (!rest).then_some(self.page_size),
        })
    }

    /// Takes in a page: the first replaces the photos, a later one adds to them. Returns
    /// whether it was a first page (the selection and the viewer then check their photos).
    pub(super) fn take(&mut self, answer: Answer<GridPage>) -> Result<bool, WorkError> {
        let loading = std::mem::take(&mut self.loading);
        self.last_query = answer.elapsed;
        let page = answer.result.inspect_err(|_| self.pending = None)?;
        let first = match loading {
            // Nothing was asked of this thread (another library since).
            Loading::Idle => return Ok(false),
            Loading::First => {
                self.items = page.items;
                self.sessions = page.sessions;
                self.next = page.next;
                true
            }
            Loading::More | Loading::Rest => {
                let order = self.shown.as_ref().map_or_else(SortOrder::default, |v| v.1);
                let mut all = GridPage {
                    items: std::mem::take(&mut self.items),
                    sessions: std::mem::take(&mut self.sessions),
                    next: None,
                };
                all.append(page, order);
                self.items = all.items;
                self.sessions = all.sessions;
                self.next = all.next;
                false
            }
        };
        self.serial += 1;
        Ok(first)
    }

    /// Takes in the view's count.
    pub(super) fn take_count(&mut self, count: usize) {
        self.counted = Some(count);
    }

    /// Drops the grid's photos (the filter and the selection stay).
    pub(super) fn forget(&mut self) {
        self.items.clear();
        self.sessions.clear();
        self.serial += 1;
        self.loading = Loading::Idle;
        self.next = None;
        self.shown = None;
        self.counted = None;
        self.pending = None;
    }
}

/// Photos under one heading share this.
fn group_key(item: &GridItem) -> (chrono::NaiveDate, Option<PersonId>, Option<SessionId>) {
    (item.group_date, item.person, item.session)
}

/// One row of the grid: a heading over the photos `start..end`, or those photos.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GridRow {
    Heading { start: usize, end: usize },
    Photos { start: usize, end: usize },
}

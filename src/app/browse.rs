//! Browsing: which photos the grid shows (person, series, filters, sort, or the trash), the
//! grid itself as the query thread answered it, and the selection.

use super::background::Answer;
use super::cx::{Cx, Stale};
use super::library::LibraryState;
use super::nav::{Requests, Screen, ScreenKind};
use super::selection::{SelectMode, Selection};
use crate::catalogue::{GridItem, GridPage, PhotoFilter, SessionFacts, SortOrder};
use crate::model::{PersonId, PhotoId, SeriesId, SessionId};
use std::collections::HashMap;
use std::time::Duration;

/// A grid query for the query thread.
#[derive(Clone, Debug)]
pub struct GridQuery {
    pub filter: PhotoFilter,
    pub order: SortOrder,
}

/// The photos in the grid, in display order.
#[derive(Debug, Default)]
pub struct Grid {
    pub items: Vec<GridItem>,
    /// What the grid says about the sessions of its photos (number, days, protocol).
    pub sessions: HashMap<SessionId, SessionFacts>,
    /// Changes whenever the items are replaced (panels cache their layout by it).
    pub serial: u64,
    /// How long the last query took on its thread.
    pub last_query: Duration,
    loading: bool,
}

impl Grid {
    pub fn is_loading(&self) -> bool {
        self.loading
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

/// What the grid shows and what is selected in it.
#[derive(Debug, Default)]
pub struct BrowseState {
    pub filter: PhotoFilter,
    pub sort: SortOrder,
    pub grid: Grid,
    pub selection: Selection,
    /// Photos the grid should scroll into view (the keyboard moved to them).
    pub scroll_to: Requests<PhotoId>,
    /// How many photos a row of the grid holds, as last drawn (Up and Down move by rows).
    pub columns: usize,
}

/// Everything browsing can be asked to do.
#[derive(Clone, Debug, PartialEq)]
pub enum BrowseCommand {
    /// `None`: everyone's photos.
    SelectPerson(Option<PersonId>),
    /// `None`: all of the person's series.
    SelectSeries(Option<SeriesId>),
    SetFilter(PhotoFilter),
    SetSort(SortOrder),
    /// Back from the trash to the library.
    ShowLibrary,
    ClickPhoto(PhotoId, SelectMode),
    /// Select a photo and open it in the viewer.
    OpenPhoto(PhotoId),
    /// The grid was drawn this many photos wide.
    Columns(usize),
}

impl BrowseState {
    pub(super) fn run(&mut self, command: BrowseCommand, cx: &mut Cx) {
        match command {
            BrowseCommand::SelectPerson(person) => {
                self.filter.person = person;
                self.filter.series = None;
                self.filter.trashed = false;
                self.selection.clear();
                cx.nav.close(ScreenKind::Viewer);
                cx.stale(Stale::SERIES | Stale::GRID | Stale::DETAILS);
            }
            BrowseCommand::SelectSeries(series) => {
                self.filter.series = series;
                cx.stale(Stale::GRID);
            }
            BrowseCommand::SetFilter(filter) => {
                if filter.person != self.filter.person {
                    cx.stale(Stale::SERIES);
                }
                self.filter = filter;
                cx.stale(Stale::GRID);
            }
            BrowseCommand::SetSort(order) => {
                self.sort = order;
                cx.stale(Stale::GRID);
            }
            BrowseCommand::ShowLibrary => {
                self.filter.trashed = false;
                self.selection.clear();
                cx.stale(Stale::GRID | Stale::DETAILS);
            }
            BrowseCommand::ClickPhoto(id, mode) => {
                self.selection.click(id, mode, &self.grid.order());
                cx.stale(Stale::DETAILS);
            }
            BrowseCommand::OpenPhoto(id) => {
                self.selection.set_only(id);
                cx.stale(Stale::DETAILS);
                cx.nav.open_viewer(id);
            }
            BrowseCommand::Columns(n) => self.columns = n.max(1),
        }
    }

    pub(super) fn select_all(&mut self, cx: &mut Cx) {
        self.selection.select_all(&self.grid.order());
        cx.stale(Stale::DETAILS);
    }

    pub(super) fn show_trash(&mut self, cx: &mut Cx) {
        self.filter.trashed = true;
        self.selection.clear();
        cx.nav.close(ScreenKind::Viewer);
        cx.stale(Stale::GRID | Stale::DETAILS);
    }

    pub(super) fn toggled_sort(&self) -> SortOrder {
        match self.sort {
            SortOrder::NewestFirst => SortOrder::OldestFirst,
            SortOrder::OldestFirst => SortOrder::NewestFirst,
        }
    }

    /// Moves the selection (and the viewer, when it is in front) to the next or previous
    /// photo in the grid.
    pub(super) fn step(&mut self, delta: isize, cx: &mut Cx) {
        let order = self.grid.order();
        if order.is_empty() {
            return;
        }
        let current = self.selection.primary().and_then(|p| self.grid.position(p));
        let next = match current {
            Some(i) => i.saturating_add_signed(delta).min(order.len() - 1),
            None => 0,
        };
        self.go_to(order[next], cx);
    }

    /// Moves the selection a row up or down the grid as drawn, keeping the column where the
    /// row is long enough (headings are skipped).
    pub(super) fn step_rows(&mut self, delta: isize, cx: &mut Cx) {
        if self.grid.items.is_empty() {
            return;
        }
        let rows: Vec<(usize, usize)> = self
            .grid
            .rows(self.columns)
            .into_iter()
            .filter_map(|r| match r {
                GridRow::Photos { start, end } => Some((start, end)),
                GridRow::Heading { .. } => None,
            })
            .collect();
        let current = self.selection.primary().and_then(|p| self.grid.position(p));
        let index = match current {
            Some(i) => {
                let row = rows
                    .iter()
                    .position(|(s, e)| (*s..*e).contains(&i))
                    .unwrap_or(0);
                let column = i - rows[row].0;
                let (start, end) = rows[row.saturating_add_signed(delta).min(rows.len() - 1)];
                (start + column).min(end - 1)
            }
            None => 0,
        };
        self.go_to(self.grid.items[index].id, cx);
    }

    /// Selects `id` only, follows it in the viewer and scrolls the grid to it.
    fn go_to(&mut self, id: PhotoId, cx: &mut Cx) {
        self.selection.set_only(id);
        if let Screen::Viewer(_) = cx.nav.screen() {
            cx.nav.open_viewer(id);
        }
        self.scroll_to.push(id);
        cx.stale(Stale::DETAILS);
    }

    /// Asks the query thread for the grid of the current filter.
    pub(super) fn request_grid(&mut self, library: &mut LibraryState) {
        let Some(loaded) = library.loaded.as_mut() else {
            return;
        };
        loaded.grid.request(GridQuery {
            filter: self.filter.clone(),
            order: self.sort,
        });
        self.grid.loading = true;
    }

    /// Takes in the query thread's answer: the photos no longer there leave the selection
    /// and the viewer.
    pub(super) fn take_grid(&mut self, answer: Answer<GridPage>, cx: &mut Cx) {
        self.grid.loading = false;
        self.grid.last_query = answer.elapsed;
        match answer.result {
            Ok(page) => {
                self.grid.items = page.items;
                self.grid.sessions = page.sessions;
                self.grid.serial += 1;
                let present = self.grid.items.iter().map(|i| i.id).collect();
                self.selection.retain(&present);
                if cx.nav.viewer().is_some_and(|v| !present.contains(&v)) {
                    cx.nav.close(ScreenKind::Viewer);
                }
                cx.stale(Stale::DETAILS);
            }
            Err(e) => cx.notices.error(format!("Could not list photos: {e}")),
        }
    }

    /// Starts over for another library.
    pub(super) fn reset(&mut self) {
        self.filter = PhotoFilter::default();
        self.selection.clear();
        self.forget_grid();
    }

    /// Drops the grid's photos (the filter and the selection stay).
    pub(super) fn forget_grid(&mut self) {
        self.grid.items.clear();
        self.grid.sessions.clear();
        self.grid.serial += 1;
        self.grid.loading = false;
    }
}

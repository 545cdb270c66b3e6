//! Browsing: which photos the grid shows (person, series, filters, sort, or the trash), the
//! grid itself as the query thread answered it, and the selection.

use super::background::Answer;
use super::cx::{Cx, Stale};
use super::library::LibraryState;
use super::nav::{Requests, Screen, ScreenKind};
use super::selection::{SelectMode, Selection};
use crate::catalogue::{GridPage, PhotoFilter, SortOrder};
use crate::model::{PersonId, PhotoId, SeriesId};

pub use super::grid::{Grid, GridQuery, GridRow, Loading, Reach};

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
    /// The grid was scrolled near the end of the photos read: read the next page.
    LoadMore,
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
            BrowseCommand::LoadMore => self.load_more(None, cx.library),
        }
    }

    pub(super) fn select_all(&mut self, cx: &mut Cx) {
        if !self.grid.is_complete() {
            self.load_rest(Reach::SelectAll, cx.library);
            return;
        }
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
    /// photo in the grid; past the photos read, once the next page is there.
    pub(super) fn step(&mut self, delta: isize, cx: &mut Cx) {
        let len = self.grid.items.len();
        if len == 0 {
            return;
        }
        let current = self.selection.primary().and_then(|p| self.grid.position(p));
        let next = match current {
            Some(i) => i.saturating_add_signed(delta),
            None => 0,
        };
        if next >= len && !self.grid.is_complete() {
            self.load_more(Some(Reach::Step(delta)), cx.library);
            return;
        }
        let next = next.min(len - 1);
        self.go_to(self.grid.items[next].id, cx);
        if next + 1 == len {
            // At the last photo read: the next page before it is asked for.
            self.load_more(None, cx.library);
        }
    }

    /// Home and End: the first photo, or the last (once every photo is read).
    pub(super) fn go_to_end(&mut self, last: bool, cx: &mut Cx) {
        if last && !self.grid.is_complete() {
            self.load_rest(Reach::Last, cx.library);
            return;
        }
        let item = if last {
            self.grid.items.last()
        } else {
            self.grid.items.first()
        };
        if let Some(id) = item.map(|i| i.id) {
            self.go_to(id, cx);
        }
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
                let wanted = row.saturating_add_signed(delta);
                if wanted >= rows.len() && !self.grid.is_complete() {
                    self.load_more(Some(Reach::Rows(delta)), cx.library);
                    return;
                }
                let (start, end) = rows[wanted.min(rows.len() - 1)];
                (start + column).min(end - 1)
            }
            None => 0,
        };
        self.go_to(self.grid.items[index].id, cx);
        if rows.last().is_some_and(|(start, _)| index >= *start) {
            self.load_more(None, cx.library);
        }
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

    /// Asks the query threads for the first page of the grid of the current filter, and
    /// its count.
    pub(super) fn request_grid(&mut self, library: &mut LibraryState) {
        let Some(loaded) = library.loaded.as_mut() else {
            return;
        };
        loaded
            .grid
            .request(self.grid.first_query(&self.filter, self.sort));
        loaded.count.request(self.filter.clone());
    }

    /// Asks for the next page (unless every photo is read or a page is on its way); `then`
    /// is done when it is there.
    fn load_more(&mut self, then: Option<Reach>, library: &mut LibraryState) {
        if then.is_some() {
            self.grid.pending = then;
        }
        if let Some(loaded) = library.loaded.as_mut()
            && let Some(query) = self.grid.more_query(false)
        {
            loaded.grid.request(query);
        }
    }

    /// Asks for every photo not read yet, in one query; `then` is done when they are there.
    fn load_rest(&mut self, then: Reach, library: &mut LibraryState) {
        self.grid.pending = Some(then);
        if let Some(loaded) = library.loaded.as_mut()
            && let Some(query) = self.grid.more_query(true)
        {
            loaded.grid.request(query);
        }
    }

    /// Takes in the query thread's answer. A first page replaces the photos (those no longer
    /// there leave the selection and the viewer), a later page adds to them; then what
    /// waited for photos is done.
    pub(super) fn take_grid(&mut self, answer: Answer<GridPage>, cx: &mut Cx) {
        match self.grid.take(answer) {
            Ok(true) => {
                let present = self.grid.items.iter().map(|i| i.id).collect();
                self.selection.retain(&present);
                if cx.nav.viewer().is_some_and(|v| !present.contains(&v)) {
                    cx.nav.close(ScreenKind::Viewer);
                }
                cx.stale(Stale::DETAILS);
            }
            Ok(false) => {}
            Err(e) => {
                cx.notices.error(format!("Could not list photos: {e}"));
                return;
            }
        }
        match self.grid.pending.take() {
            Some(Reach::Step(delta)) => self.step(delta, cx),
            Some(Reach::Rows(delta)) => self.step_rows(delta, cx),
            Some(Reach::Last) => self.go_to_end(true, cx),
            Some(Reach::SelectAll) => self.select_all(cx),
            None => {}
        }
    }

    /// Takes in the count thread's answer.
    pub(super) fn take_count(&mut self, answer: Answer<usize>, cx: &mut Cx) {
        match answer.result {
            Ok(n) => self.grid.take_count(n),
            Err(e) => cx.notices.error(format!("Could not count photos: {e}")),
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
        self.grid.forget();
    }
}

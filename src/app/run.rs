//! Running commands and polling background work: the one place the world changes.

use super::App;
use super::background::{DemoJob, GridLoader, ImportJob};
use super::command::{Action, Command, SelectMode};
use super::compare::{CompareCommand, CompareMode, SPLIT_NUDGE};
use super::dialogs;
use super::state::LoadedLibrary;
use crate::jobs::ImportRequest;
use crate::library::Library;
use crate::model::PhotoId;
use std::path::Path;
use std::sync::Arc;

/// The app's edits wait this long for another process's write before saying the library is
/// busy: long enough for an import's transaction, short enough not to freeze the window.
const UI_BUSY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(2);

impl App {
    /// Opens the library at `root` (creating it when missing), replacing the current one.
    pub(super) fn open_library(&mut self, root: &Path, demo_dir: Option<tempfile::TempDir>) {
        let opened = Library::open(root).and_then(|library| {
            let mut catalogue = library.catalogue()?;
            catalogue.set_busy_timeout(UI_BUSY_TIMEOUT)?;
            Ok((library, catalogue))
        });
        match opened {
            Ok((library, catalogue)) => {
                let library = Arc::new(library);
                let grid_loader = GridLoader::new(Arc::clone(&library), self.ctx.clone());
                if demo_dir.is_none() {
                    self.state.prefs.last_library = Some(library.root().to_owned());
                }
                self.ctx
                    .send_viewport_cmd(egui::ViewportCommand::Title(format!(
                        "Skinlapse — {}{}",
                        library.root().display(),
                        if demo_dir.is_some() { " (demo)" } else { "" }
                    )));
                self.state.loaded = Some(LoadedLibrary {
                    library,
                    catalogue,
                    grid_loader,
                    demo_dir,
                });
                self.state.library_error = None;
                self.images.clear();
                self.state.filter = crate::catalogue::PhotoFilter::default();
                self.state.selection.clear();
                self.state.viewer = None;
                self.state.undo_trash.clear();
                self.state.grid.clear();
                self.state.reload_people();
                self.state.mode = self
                    .state
                    .with_catalogue("Read the mode", crate::catalogue::Catalogue::mode)
                    .unwrap_or(crate::model::clinical::Mode::Personal);
                self.state.apply_filter_prefs();
                self.state.reload_series();
                self.state.request_grid();
                self.state.reload_details();
            }
            Err(e) => {
                let message = format!("Could not open the library {}: {e}", root.display());
                if self.state.loaded.is_some() {
                    self.state.error(message);
                } else {
                    self.state.library_error = Some(message);
                }
            }
        }
    }

    /// Takes in what background threads finished.
    pub(super) fn poll_background(&mut self, ctx: &egui::Context) {
        self.images.begin_frame(ctx);
        self.poll_compare();
        self.poll_align();
        let answer = self
            .state
            .loaded
            .as_ref()
            .and_then(|l| l.grid_loader.poll());
        if let Some(answer) = answer
            && answer.generation == self.state.grid_generation
        {
            self.state.grid_loaded_generation = answer.generation;
            self.state.last_grid_query = answer.elapsed;
            match answer.items {
                Ok(items) => {
                    self.state.grid = items;
                    let present = self.state.grid.iter().map(|i| i.id).collect();
                    self.state.selection.retain(&present);
                    if self.state.viewer.is_some_and(|v| !present.contains(&v)) {
                        self.state.viewer = None;
                    }
                    self.state.reload_details();
                }
                Err(e) => self.state.error(format!("Could not list photos: {e}")),
            }
        }
        if let Some(job) = &mut self.state.import
            && job.poll_finished()
        {
            let progress = job.snapshot();
            // A clean import needs no window; one with failures or duplicates keeps it open
            // to list them with their reasons.
            let problems = progress
                .results
                .iter()
                .any(|(_, status, _)| *status != super::FileStatus::Imported);
            if !problems {
                self.state.import = None;
            }
            let warned = progress
                .results
                .iter()
                .filter(|(_, status, _)| *status == super::FileStatus::Imported)
                .count();
            if let Some(s) = progress.summary {
                self.state.info(format!(
                    "Import finished: {} imported{}, {} duplicates, {} failed{}",
                    s.imported,
                    if warned > 0 {
                        format!(" ({warned} with warnings, e.g. an estimated date)")
                    } else {
                        String::new()
                    },
                    s.duplicates,
                    s.failed,
                    if s.cancelled { " (cancelled)" } else { "" }
                ));
            }
            self.refresh_all();
        }
        if let Some(result) = self.state.demo.as_ref().and_then(DemoJob::poll) {
            self.state.demo = None;
            match result {
                Ok((dir, root)) => {
                    self.open_library(&root, Some(dir));
                    self.state.info("Demo library opened. It lives in a temporary folder and is deleted when you quit.");
                }
                Err(e) => self
                    .state
                    .error(format!("Could not generate the demo library: {e}")),
            }
        }
    }

    fn refresh_all(&mut self) {
        self.state.reload_people();
        self.state.reload_series();
        self.state.request_grid();
    }

    /// After an edit of the selected photos: the grid may change (filters), the inspector will.
    fn after_edit(&mut self) {
        self.state.request_grid();
        self.state.reload_details();
    }

    pub(super) fn run(&mut self, command: Command) {
        let selected = self.state.selection.ids();
        match command {
            Command::Action(action) => self.run_action(action),
            Command::Compare(c) => self.run_compare(c),
            Command::Record(c) => self.run_record(c),
            Command::Person(c) => self.run_person(c),
            Command::SetMode(mode) => {
                if self
                    .state
                    .with_catalogue("Mode", |cat| cat.set_mode(mode))
                    .is_some()
                {
                    self.state.mode = mode;
                }
            }
            Command::PrepareImport(paths) => {
                if self.state.library().is_none() {
                    self.state.error("Open a library before importing.");
                } else if !paths.is_empty() {
                    self.state.import_paths = Some(paths);
                }
            }
            Command::StartImport { paths, spec } => {
                self.state.import_paths = None;
                if self.state.import.as_ref().is_some_and(ImportJob::is_running) {
                    self.state.error("An import is already running; wait for it or cancel it first.");
                    return;
                }
                let Some(assignment) = self.state.with_catalogue("Import", |cat| cat.resolve_assignment(&spec)) else {
                    return;
                };
                let library = Arc::clone(self.state.library().expect("checked when preparing"));
                let request = ImportRequest {
                    paths,
                    assignment,
                    ..ImportRequest::default()
                };
                self.state.import = Some(ImportJob::start(library, request, self.ctx.clone()));
                self.refresh_all();
            }
            Command::CancelImport => {
                if let Some(job) = &self.state.import {
                    job.cancel();
                }
                self.state.import_paths = None;
            }
            Command::DismissImport => {
                if !self.state.import.as_ref().is_some_and(ImportJob::is_running) {
                    self.state.import = None;
                }
            }
            Command::OpenLibraryAt(path) => self.open_library(&path, None),
            Command::AddPersonNamed(name) => {
                if let Some(id) = self.state.with_catalogue("Add person", |cat| cat.add_person(&name)) {
                    self.state.reload_people();
                    self.run(Command::SelectPerson(Some(id)));
                }
            }
            Command::RenamePerson(id, name) => {
                if self.state.with_catalogue("Rename", |cat| cat.rename_person(id, &name)).is_some() {
                    self.state.reload_people();
                    self.state.reload_details();
                }
            }
            Command::SetArchived(id, archived) => {
                if self.state.with_catalogue("Archive", |cat| cat.set_person_archived(id, archived)).is_some() {
                    self.state.reload_people();
                }
            }
            Command::SelectPerson(person) => {
                self.state.filter.person = person;
                self.state.filter.series = None;
                self.state.filter.trashed = false;
                self.state.selection.clear();
                self.state.viewer = None;
                self.state.reload_series();
                self.state.request_grid();
                self.state.reload_details();
            }
            Command::AddSeries(person, title) => {
                if let Some(id) = self.state.with_catalogue("Add series", |cat| cat.add_series(person, &title)) {
                    self.state.reload_series();
                    self.state.filter.series = Some(id);
                    self.state.request_grid();
                }
            }
            Command::SetFilter(filter) => {
                if filter.person != self.state.filter.person {
                    self.state.filter.person = filter.person;
                    self.state.reload_series();
                }
                self.state.filter = filter;
                self.state.store_filter_prefs();
                self.state.request_grid();
            }
            Command::SetSort(order) => {
                self.state.sort = order;
                self.state.prefs.sort = order;
                self.state.request_grid();
            }
            Command::ShowLibrary => {
                self.state.filter.trashed = false;
                self.state.selection.clear();
                self.state.request_grid();
            }
            Command::ClickPhoto(id, mode) => {
                let order = self.state.grid_order();
                self.state.selection.click(id, mode, &order);
                self.state.reload_details();
            }
            Command::OpenPhoto(id) => {
                self.state.selection.click(id, SelectMode::Only, &[]);
                self.state.reload_details();
                self.state.viewer = Some(id);
                self.panels.viewer.reset();
            }
            Command::SetTakenAt(text) => match crate::model::TakenAt::parse_iso(&text) {
                Some((local, offset)) => {
                    if self.state.with_catalogue("Change date", |cat| cat.set_taken_at(&selected, local, offset)).is_some() {
                        self.after_edit();
                    }
                }
                None => self.state.error(format!(
                    "Taken at: {text:?} is not a date and time like 2025-03-31 14:05 or 2025-03-31T14:05:00+01:00"
                )),
            },
            Command::SetView(view) => {
                if self.state.with_catalogue("Change view", |cat| cat.set_view(&selected, view)).is_some() {
                    self.after_edit();
                }
            }
            Command::SetLighting(lighting) => {
                if self.state.with_catalogue("Change lighting", |cat| cat.set_lighting(&selected, lighting)).is_some() {
                    self.after_edit();
                }
            }
            Command::ChangeTerm(change) => {
                if self.state.with_catalogue("Change tags", |cat| cat.change_term(&selected, change)).is_some() {
                    self.after_edit();
                }
            }
            Command::AddTerm(kind, name) => {
                if let Some(id) = self.state.with_catalogue("Add term", |cat| cat.add_term(kind, &name)) {
                    self.state.reload_people();
                    if !selected.is_empty()
                        && self
                            .state
                            .with_catalogue("Tag", |cat| cat.change_term(&selected, crate::catalogue::TermChange::Add(id)))
                            .is_some()
                    {
                        self.after_edit();
                    }
                }
            }
            Command::Assign { person, series, session } => {
                if self.state.with_catalogue("Assign", |cat| cat.assign(&selected, person, series, session)).is_some() {
                    self.state.reload_people();
                    self.after_edit();
                }
            }
            Command::AddSessionOn(series, date) => {
                if let Some(session) = self.state.with_catalogue("Add session", |cat| cat.session_on(series, date)) {
                    self.state.reload_series();
                    let person = self.state.series.iter().find(|s| s.id == series).map(|s| s.person);
                    self.run(Command::Assign { person, series: Some(series), session: Some(session) });
                }
            }
            Command::SetNotes(text) => {
                if let Some(id) = self.state.selection.primary()
                    && self.state.with_catalogue("Notes", |cat| cat.set_notes(id, &text)).is_some()
                {
                    self.state.reload_details();
                }
            }
            Command::RestoreSelected => {
                if let Some(n) = self.state.with_catalogue("Restore", |cat| cat.restore(&selected)) {
                    self.state.info(format!("Restored {n} photos."));
                    self.state.selection.clear();
                    self.refresh_all();
                }
            }
            Command::ConfirmEmptyTrash => {
                self.state.confirm_empty_trash = false;
                let Some(library) = self.state.library().cloned() else { return };
                match library.empty_trash() {
                    Ok(n) => self.state.info(format!("Deleted {n} photos for good.")),
                    Err(e) => self.state.error(format!("Emptying the trash failed: {e}")),
                }
                self.state.selection.clear();
                self.state.undo_trash.clear();
                self.refresh_all();
            }
            Command::CancelEmptyTrash => self.state.confirm_empty_trash = false,
            Command::DismissNotice(i) => {
                if i < self.state.notices.len() {
                    self.state.notices.remove(i);
                }
            }
        }
    }

    fn run_action(&mut self, action: Action) {
        match action {
            Action::ImportFiles => {
                if let Some(paths) = dialogs::pick_photos(&self.main_thread) {
                    self.run(Command::PrepareImport(paths));
                }
            }
            Action::ImportFolder => {
                if let Some(path) =
                    dialogs::pick_folder(&self.main_thread, "Import a folder of photos")
                {
                    self.run(Command::PrepareImport(vec![path]));
                }
            }
            Action::OpenLibrary => {
                if let Some(path) =
                    dialogs::pick_folder(&self.main_thread, "Open or create a library folder")
                {
                    self.open_library(&path, None);
                }
            }
            Action::OpenDemo => {
                if self.state.demo.is_none() {
                    self.state.demo =
                        Some(DemoJob::start(self.options.demo.clone(), self.ctx.clone()));
                }
            }
            Action::AddPerson => self.panels.people.start_adding(),
            Action::SelectAll => {
                let order = self.state.grid_order();
                self.state.selection.select_all(&order);
                self.state.reload_details();
            }
            Action::MoveToTrash => {
                let ids = self.state.selection.ids();
                if ids.is_empty() || self.state.filter.trashed {
                    return;
                }
                if let Some(n) = self
                    .state
                    .with_catalogue("Move to trash", |cat| cat.trash(&ids))
                {
                    self.state
                        .info(format!("Moved {n} photos to the trash. Undo with Ctrl+Z."));
                    self.state.undo_trash = ids;
                    self.state.selection.clear();
                    self.state.viewer = None;
                    self.refresh_all();
                }
            }
            Action::Undo => {
                let ids = std::mem::take(&mut self.state.undo_trash);
                if ids.is_empty() {
                    return;
                }
                if let Some(n) = self.state.with_catalogue("Undo", |cat| cat.restore(&ids)) {
                    self.state.info(format!("Restored {n} photos."));
                    self.refresh_all();
                }
            }
            Action::ShowTrash => {
                self.state.filter.trashed = true;
                self.state.selection.clear();
                self.state.viewer = None;
                self.state.request_grid();
            }
            Action::EmptyTrash => self.state.confirm_empty_trash = self.state.trash_count > 0,
            Action::OpenViewer => {
                if let Some(id) = self.state.selection.primary() {
                    self.run(Command::OpenPhoto(id));
                }
            }
            Action::Back => {
                if self.state.show_help {
                    self.state.show_help = false;
                } else if self.state.show_export {
                    self.state.show_export = false;
                } else if self.state.viewer.is_some() {
                    self.state.viewer = None;
                } else if self.state.record.is_some() {
                    self.state.record = None;
                } else {
                    self.run_compare(CompareCommand::Close);
                }
            }
            Action::NextPhoto | Action::PreviousPhoto if self.state.compare.is_some() => {
                self.step_timeline(if action == Action::NextPhoto { 1 } else { -1 });
            }
            Action::NextPhoto => self.step_photo(1),
            Action::PreviousPhoto => self.step_photo(-1),
            Action::ZoomIn | Action::ZoomOut | Action::ZoomFit | Action::ZoomActual => {
                let zoom = if self.state.compare.is_some() {
                    &mut self.panels.compare.zoom
                } else {
                    &mut self.panels.viewer.zoom
                };
                match action {
                    Action::ZoomIn => zoom.zoom_by(1.25),
                    Action::ZoomOut => zoom.zoom_by(0.8),
                    Action::ZoomFit => zoom.fit(),
                    _ => zoom.actual_pixels(),
                }
            }
            Action::Compare => self.compare_selection(),
            Action::SwapSides => self.run_compare(CompareCommand::Swap),
            Action::ModeSideBySide
            | Action::ModeSlider
            | Action::ModeOverlay
            | Action::ModeDifference
            | Action::ModeFlicker
            | Action::ModeSheet
            | Action::ModeAlign => {
                if let Some(mode) = CompareMode::ALL.into_iter().find(|m| m.action() == action) {
                    self.run_compare(CompareCommand::Mode(mode));
                }
            }
            Action::FlipDivider => {
                let vertical = !self.state.compare_settings.split.vertical;
                self.run_compare(CompareCommand::SplitVertical(vertical));
            }
            Action::DividerBack | Action::DividerForward => {
                let nudge = if action == Action::DividerBack {
                    -SPLIT_NUDGE
                } else {
                    SPLIT_NUDGE
                };
                let at = self.state.compare_settings.split.at + nudge;
                self.run_compare(CompareCommand::Split(at));
            }
            Action::ToggleLink => {
                let linked = !self.state.compare_settings.linked;
                self.run_compare(CompareCommand::Linked(linked));
            }
            Action::ExportComparison => self.run_compare(CompareCommand::ShowExport(true)),
            Action::ToggleSort => {
                let order = match self.state.sort {
                    crate::catalogue::SortOrder::NewestFirst => {
                        crate::catalogue::SortOrder::OldestFirst
                    }
                    crate::catalogue::SortOrder::OldestFirst => {
                        crate::catalogue::SortOrder::NewestFirst
                    }
                };
                self.run(Command::SetSort(order));
            }
            Action::ToggleHelp => self.state.show_help = !self.state.show_help,
        }
    }

    /// Keeps A at the baseline and moves B along the series' timeline.
    fn step_timeline(&mut self, delta: isize) {
        let Some(c) = &self.state.compare else { return };
        if c.timeline.is_empty() {
            return;
        }
        let next = match c.timeline_position() {
            Some(i) => i.saturating_add_signed(delta).min(c.timeline.len() - 1),
            None => c.timeline.len() - 1,
        };
        self.run_compare(CompareCommand::Step(next));
    }

    /// Moves the selection (and the viewer) to the next or previous photo in the grid.
    fn step_photo(&mut self, delta: isize) {
        let order = self.state.grid_order();
        if order.is_empty() {
            return;
        }
        let current = self
            .state
            .selection
            .primary()
            .and_then(|p| order.iter().position(|&id| id == p));
        let next = match current {
            Some(i) => i.saturating_add_signed(delta).min(order.len() - 1),
            None => 0,
        };
        let id: PhotoId = order[next];
        self.state.selection.set_only(id);
        if self.state.viewer.is_some() {
            self.state.viewer = Some(id);
            self.panels.viewer.reset();
        }
        self.panels.grid.scroll_to(id);
        self.state.reload_details();
    }
}

//! Running commands and polling background work: the one place the world changes. A command
//! goes to the feature it belongs to; what the feature made stale is then read again once,
//! and its follow-up commands run.

use super::backup::BackupState;
use super::browse::{BrowseCommand, BrowseState};
use super::command::{Action, Command};
use super::compare::{CompareFeature, align, work};
use super::cx::{Cx, Stale};
use super::document::DocumentFeature;
use super::edit::PeopleEdit;
use super::faces::FacesFeature;
use super::import::{ImportCommand, ImportState};
use super::inspector::InspectorState;
use super::library::LibraryCommand;
use super::measure::MeasureFeature;
use super::nav::{Modal, Screen, ZoomStep};
use super::overview::Overview;
use super::prefs::Prefs;
use super::{AppState, dialogs, record};
use crate::library::LibraryError;
use crate::model::{Keyed, VocabTerm};
use std::path::Path;

/// The features, lent out beside a [`Cx`].
struct Features<'a> {
    overview: &'a mut Overview,
    browse: &'a mut BrowseState,
    inspector: &'a mut InspectorState,
    import: &'a mut ImportState,
    compare: &'a mut CompareFeature,
    measure: &'a mut MeasureFeature,
    documents: &'a mut DocumentFeature,
    faces: &'a mut FacesFeature,
    prefs: &'a mut Prefs,
    backup: &'a mut BackupState,
}

impl AppState {
    fn split(&mut self) -> (Cx<'_>, Features<'_>) {
        (
            Cx {
                library: &mut self.library,
                nav: &mut self.nav,
                notices: &mut self.notices,
                history: &mut self.history,
                env: &self.env,
                stale: Stale::NONE,
                then: Vec::new(),
            },
            Features {
                overview: &mut self.overview,
                browse: &mut self.browse,
                inspector: &mut self.inspector,
                import: &mut self.import,
                compare: &mut self.compare,
                measure: &mut self.measure,
                documents: &mut self.documents,
                faces: &mut self.faces,
                prefs: &mut self.prefs,
                backup: &mut self.protection.backup,
            },
        )
    }

    /// Runs one command, then reloads what it made stale and runs its follow-ups.
    pub(super) fn run(&mut self, command: Command) {
        if let Some(why) = self.clinic.forbids(&command) {
            self.notices.error(why);
            return;
        }
        let command = match command {
            Command::Library(LibraryCommand::OpenAt(path)) => {
                self.open_library(&path, None);
                return;
            }
            Command::Library(LibraryCommand::KeepDemoAt(path)) => {
                self.keep_demo(&path);
                return;
            }
            Command::Secure(c) => {
                self.run_secure(c);
                return;
            }
            Command::Clinic(c) => {
                self.run_clinic(c);
                return;
            }
            other => other,
        };
        let (mut cx, f) = self.split();
        match command {
            Command::Action(action) => f.action(action, &mut cx),
            Command::Library(LibraryCommand::SetMode(mode)) => {
                cx.edit(PeopleEdit::Mode(mode));
            }
            Command::Library(LibraryCommand::OpenAt(_) | LibraryCommand::KeepDemoAt(_))
            | Command::Secure(_)
            | Command::Clinic(_) => {
                unreachable!("run above")
            }
            Command::Library(LibraryCommand::QuitAnyway) => {
                cx.library.quit_confirmed = true;
                cx.ctx().send_viewport_cmd(egui::ViewportCommand::Close);
            }
            Command::Backup(c) => f.backup.run(
                c,
                &mut f.prefs.backup_reminder_days,
                f.overview.total_photos(),
                &mut cx,
            ),
            Command::People(c) => f.overview.run(c, &mut cx),
            Command::Browse(c) => f.browse.run(c, &mut cx),
            Command::Photos(c) => f.inspector.run(c, f.browse.selection.ids(), &mut cx),
            Command::Trash(c) => f.browse.run_trash(c, &mut cx),
            Command::Import(c) => f.import.run(c, &mut cx),
            Command::Compare(c) => f.compare.run(c, &mut cx),
            Command::Record(c) => record::run_record(c, &mut cx),
            Command::Person(c) => {
                if let record::PersonCommand::Consent { staff, .. } = &c {
                    f.prefs.staff_name.clone_from(staff);
                }
                record::run_person(c, &mut cx);
            }
            Command::Measure(c) => f.measure.run(c, f.compare.settings.mode, &mut cx),
            Command::Document(c) => f.documents.run(c, &mut cx),
            Command::Faces(c) => f.faces.run(c, &mut cx),
            Command::DismissNotice(i) => cx.notices.dismiss(i),
            Command::SetTheme(theme) => f.prefs.theme = theme,
        }
        let after = cx_after(&mut cx);
        self.after(after);
    }

    /// Reloads what went stale, then runs the follow-up commands.
    fn after(&mut self, (stale, then): (Stale, Vec<Command>)) {
        self.refresh(stale);
        for command in then {
            self.run(command);
        }
    }

    /// Reads again what `stale` names, in order: people, series, grid, details, pages.
    pub(super) fn refresh(&mut self, stale: Stale) {
        let person = self.browse.filter.person;
        if let Some(loaded) = self.library.loaded.as_mut() {
            let cat = &mut loaded.catalogue;
            if stale.contains(Stale::PEOPLE) {
                if let Err(e) = self.overview.reload(cat) {
                    self.notices
                        .error(format!("Could not read the people list: {e}"));
                }
                loaded.photo_counts.request(());
            }
            if stale.contains(Stale::SERIES)
                && let Err(e) = self.overview.reload_series(cat, person)
            {
                self.notices.error(format!("Could not read series: {e}"));
            }
            if stale.contains(Stale::LIBRARY) {
                match cat.mode() {
                    Ok(mode) => self.library.mode = mode,
                    Err(e) => self.notices.error(format!("Could not read the mode: {e}")),
                }
                // A clinic's idle time, changed here or on another workstation.
                if let Err(e) = self.clinic.reload_idle(cat) {
                    self.notices
                        .error(format!("Could not read the clinic's idle time: {e}"));
                }
            }
        }
        if stale.contains(Stale::PEOPLE)
            && person.is_some_and(|p| self.overview.person(p).is_none())
        {
            // The person shown has gone: show everyone.
            self.browse.filter.person = None;
            self.overview.series.clear();
            self.overview.sessions.clear();
        }
        if stale.contains(Stale::GRID) {
            self.browse.request_grid(&mut self.library);
        }
        if stale.contains(Stale::DETAILS) {
            let ids = self.browse.selection.ids_primary_first();
            self.inspector.request(ids, &mut self.library);
        }
        if stale.contains(Stale::PAGES) {
            let (mut cx, f) = self.split();
            record::reload(&mut cx);
            if stale.contains(Stale::LANDMARKS) {
                super::compare::reload_landmarks(&mut cx);
            }
            if let Some(job) = &mut f.compare.fairest {
                job.stale = true;
            }
            if stale.contains(Stale::FACES) {
                super::compare::reload_pair(&mut cx);
            }
            super::compare::reload_alignment(&mut cx);
            f.measure.reload(&mut cx);
        }
    }

    /// Opens the library at `root` (creating it when missing) in place of the current one:
    /// everything shown starts over.
    pub(super) fn open_library(&mut self, root: &Path, demo_dir: Option<tempfile::TempDir>) {
        let demo = demo_dir.is_some();
        match self.library.open(root, demo_dir, None, &self.env.ctx) {
            Ok(()) => {
                self.clinic = super::clinic::ClinicState::default();
                self.library_opened(demo);
            }
            Err(LibraryError::Locked { .. }) => {
                self.clinic = super::clinic::ClinicState::default();
                self.ask_passphrase(root.to_owned());
            }
            Err(LibraryError::ClinicLibrary { .. }) => self.ask_sign_in(root),
            Err(e) => {
                let message = format!("Could not open the library {}: {e}", root.display());
                if self.library.loaded.is_some() {
                    self.notices.error(message);
                } else {
                    self.library.error = Some(message);
                }
            }
        }
    }

    /// Everything shown starts over on the library just opened.
    pub(super) fn library_opened(&mut self, demo: bool) {
        if !demo {
            self.prefs.last_library = self.library.library().map(|l| l.root().to_owned());
        }
        self.protection.secure.locked = None;
        self.nav.reset();
        self.history.clear();
        self.browse.reset();
        self.inspector.clear();
        self.overview.forget_counts();
        self.refresh(Stale::PEOPLE);
        self.apply_filter_prefs();
        self.refresh(Stale::SERIES | Stale::GRID | Stale::DETAILS);
        // A clinic's backups are the clinic's (pg_dump and the share's backup), not the app's.
        if let Some(loaded) = self.library.loaded.as_mut()
            && !loaded.library.is_clinic()
        {
            self.protection.backup.check_reminder(
                &mut loaded.catalogue,
                self.prefs.backup_reminder_days,
                self.overview.total_photos(),
            );
        }
    }

    /// Copies the demo library to `dest` and goes on there: it is the user's library now.
    fn keep_demo(&mut self, dest: &Path) {
        let Some(library) = self
            .library
            .library()
            .filter(|_| self.library.is_demo())
            .cloned()
        else {
            return;
        };
        match library.save_copy(dest) {
            Ok(()) => {
                self.open_library(dest, None);
                if self.library.loaded.is_some() && !self.library.is_demo() {
                    self.notices.info(format!(
                        "The demo library is kept in {}: it is your library now.",
                        dest.display()
                    ));
                }
            }
            Err(e) => self
                .notices
                .error(format!("Could not keep the demo library: {e}")),
        }
    }

    /// Takes in what background threads finished. Call at the start of every frame. What it
    /// changes (a series' alignment) is one undo step.
    pub fn poll(&mut self) {
        self.history.begin();
        self.poll_work();
        self.history.end();
        self.clinic.explain_refusals(&mut self.notices);
    }

    fn poll_work(&mut self) {
        if let Some(result) = self.library.poll_demo() {
            match result {
                Ok((dir, root)) => {
                    self.open_library(&root, Some(dir));
                    self.notices.info("Demo library opened. It lives in a temporary folder and is deleted when you quit.");
                }
                Err(e) => self
                    .notices
                    .error(format!("Could not generate the demo library: {e}")),
            }
        }
        let (mut cx, f) = self.split();
        let (grid, count, details, counts) =
            cx.library
                .loaded
                .as_mut()
                .map_or((None, None, None, None), |l| {
                    (
                        l.grid.poll(),
                        l.count.poll(),
                        l.details.poll(),
                        l.photo_counts.poll(),
                    )
                });
        if let Some(answer) = counts {
            f.overview.take_counts(answer, &mut cx);
            if let (Some(total), Some(loaded)) =
                (f.overview.total_photos(), cx.library.loaded.as_mut())
            {
                let days = f.prefs.backup_reminder_days;
                f.backup.photos_counted(total, &mut loaded.catalogue, days);
            }
        }
        if let Some(answer) = grid {
            f.browse.take_grid(answer, &mut cx);
        }
        if let Some(answer) = count {
            f.browse.take_count(answer, &mut cx);
        }
        if let Some(answer) = details {
            f.inspector.take(answer, &mut cx);
        }
        f.import.poll(&mut cx);
        f.backup.poll(
            f.prefs.backup_reminder_days,
            f.overview.total_photos(),
            &mut cx,
        );
        f.compare.poll_export(cx.notices);
        f.documents.poll(cx.notices);
        f.faces.poll(&mut cx);
        f.measure.poll(f.compare.settings.mode, &mut cx);
        f.compare.poll_series_alignment(&mut cx);
        if let (Some(library), Some(c)) = (cx.library.library().cloned(), cx.nav.comparison_mut()) {
            let settings = f.compare.settings;
            let wanted = c.wanted_difference(&settings);
            work::poll_difference(c, settings.mode, wanted, &library, &cx.env.ctx, cx.notices);
            align::poll_pair(c, &library, &cx.env.ctx);
        }
        if let Some(library) = cx.library.library().cloned() {
            super::compare::fairest::poll(
                &mut f.compare.fairest,
                cx.nav.comparison(),
                &library,
                &cx.env.ctx,
            );
        }
        let after = cx_after(&mut cx);
        self.after(after);
        let ctx = self.env.ctx.clone();
        if let Some(changed) = self
            .library
            .loaded
            .as_mut()
            .and_then(|l| l.watch.as_mut())
            .map(|w| w.due(&ctx))
            .filter(|s| *s != Stale::NONE)
        {
            let read = self.nav.record().map(|r| (r.series.id, r.seen.clone()));
            self.refresh(changed);
            if let Some((id, read)) = read
                && let Some(open) = self.nav.record_mut().filter(|r| r.series.id == id)
            {
                open.keep_versions_read(&read);
            }
        }
        self.lock_when_idle();
        self.poll_clinic();
        self.poll_admin();
        self.sign_out_when_idle();
    }

    /// Applies filter choices saved in the preferences (by key) to this library's terms.
    fn apply_filter_prefs(&mut self) {
        let term = |list: &[VocabTerm], key: &Option<String>| {
            key.as_ref()
                .and_then(|k| list.iter().find(|t| &t.key == k).map(|t| t.id))
        };
        let filter = &mut self.browse.filter;
        filter.area = term(&self.overview.areas, &self.prefs.filters.filter_area);
        filter.concern = term(&self.overview.concerns, &self.prefs.filters.filter_concern);
        filter.view = self
            .prefs
            .filters
            .filter_view
            .as_deref()
            .and_then(crate::model::View::from_key);
        filter.lighting = self
            .prefs
            .filters
            .filter_lighting
            .as_deref()
            .and_then(crate::model::Lighting::from_key);
    }

    /// Remembers the filter's choices in the preferences.
    pub(super) fn store_filter_prefs(&mut self) {
        let key = |list: &[VocabTerm], id| {
            list.iter()
                .find(|t| Some(t.id) == id)
                .map(|t| t.key.clone())
        };
        let filter = &self.browse.filter;
        self.prefs.filters.filter_area = key(&self.overview.areas, filter.area);
        self.prefs.filters.filter_concern = key(&self.overview.concerns, filter.concern);
        self.prefs.filters.filter_view = filter.view.map(|v| v.key().to_owned());
        self.prefs.filters.filter_lighting = filter.lighting.map(|l| l.key().to_owned());
        self.prefs.sort = self.browse.sort;
    }
}

/// What a handler left to do after it: the reloads and the follow-up commands.
fn cx_after(cx: &mut Cx) -> (Stale, Vec<Command>) {
    (std::mem::take(&mut cx.stale), std::mem::take(&mut cx.then))
}

impl Features<'_> {
    /// An action means what the screen in front makes of it.
    fn action(self, action: Action, cx: &mut Cx) {
        let screen = cx.nav.front();
        match action {
            Action::ImportFiles => {
                if let Some(paths) = dialogs::pick_photos(&cx.env.main_thread) {
                    cx.then(ImportCommand::Prepare(paths));
                }
            }
            Action::ImportFolder => {
                if let Some(path) =
                    dialogs::pick_folder(&cx.env.main_thread, "Import a folder of photos")
                {
                    cx.then(ImportCommand::Prepare(vec![path]));
                }
            }
            Action::OpenLibrary => {
                if let Some(path) =
                    dialogs::pick_folder(&cx.env.main_thread, "Open or create a library folder")
                {
                    cx.then(LibraryCommand::OpenAt(path));
                }
            }
            Action::OpenDemo => cx.library.start_demo(&cx.env.options.demo, &cx.env.ctx),
            Action::KeepDemo => {
                if let Some(path) = dialogs::pick_folder(
                    &cx.env.main_thread,
                    "Keep the demo library in a new or empty folder",
                ) {
                    cx.then(LibraryCommand::KeepDemoAt(path));
                }
            }
            Action::Quit => {
                if cx.library.must_ask_before_quitting() {
                    cx.nav.show(Modal::QuitDemo);
                } else {
                    cx.ctx().send_viewport_cmd(egui::ViewportCommand::Close);
                }
            }
            Action::About => cx.nav.show(Modal::About),
            Action::AddPerson => self.overview.add_person.push(()),
            Action::SelectAll => self.browse.select_all(cx),
            Action::MoveToTrash => self.browse.move_to_trash(cx),
            Action::Undo => cx.undo(),
            Action::Redo => cx.redo(),
            Action::ShowTrash => self.browse.show_trash(cx),
            Action::EmptyTrash => {
                if self.overview.has_trash() {
                    cx.nav.show(Modal::ConfirmEmptyTrash);
                }
            }
            Action::OpenViewer => {
                if let Some(id) = self.browse.selection.primary() {
                    cx.then(BrowseCommand::OpenPhoto(id));
                }
            }
            Action::Back => cx.nav.back(),
            Action::NextPhoto | Action::PreviousPhoto if screen != super::ScreenKind::Compare => {
                self.browse
                    .step(if action == Action::NextPhoto { 1 } else { -1 }, cx);
            }
            Action::FirstPhoto | Action::LastPhoto => {
                self.browse.go_to_end(action == Action::LastPhoto, cx);
            }
            Action::PhotoAbove | Action::PhotoBelow => {
                self.browse
                    .step_rows(if action == Action::PhotoBelow { 1 } else { -1 }, cx);
            }
            Action::ZoomIn | Action::ZoomOut | Action::ZoomFit | Action::ZoomActual => {
                let step = ZoomStep::of(action).expect("a zoom action");
                match cx.nav.screen_mut() {
                    Screen::Viewer(v) => v.zoom.push(step),
                    Screen::Compare(c) => c.zoom.push(step),
                    Screen::Browse | Screen::Record(_) => {}
                }
            }
            Action::ToggleSort => cx.then(BrowseCommand::SetSort(self.browse.toggled_sort())),
            Action::ToggleHelp => {
                if cx.nav.modal() == Some(&Modal::Help) {
                    cx.nav.back();
                } else {
                    cx.nav.show(Modal::Help);
                }
            }
            Action::ToggleFaceRegions => self.faces.show_regions = !self.faces.show_regions,
            Action::ScanFaces => self.faces.start_scan(cx),
            Action::Compare => {
                CompareFeature::compare_selection(&self.browse.selection.ids(), cx);
            }
            comparing => {
                if let Some(command) = self.compare.command_for(comparing, cx) {
                    self.compare.run(command, cx);
                }
            }
        }
    }
}

//! What the app knows about the world: the open library and what is loaded from it. Panels
//! read this; only commands change it.

use super::background::{DemoJob, GridLoader, GridQuery, ImportJob};
use super::images::{ImageRequest, Rendition};
use super::prefs::Prefs;
use super::selection::Selection;
use crate::catalogue::{Catalogue, GridItem, PhotoDetails, PhotoFilter, SortOrder};
use crate::library::Library;
use crate::model::{
    Keyed, Person, PersonId, PhotoId, Series, SeriesId, Session, VocabKind, VocabTerm,
};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

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

/// The open library and everything loaded from it.
pub struct LoadedLibrary {
    pub library: Arc<Library>,
    pub catalogue: Catalogue,
    pub grid_loader: GridLoader,
    /// Keeps a generated demo library alive; it is deleted when the app closes.
    pub demo_dir: Option<tempfile::TempDir>,
}

impl std::fmt::Debug for LoadedLibrary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoadedLibrary")
            .field("root", &self.library.root())
            .finish_non_exhaustive()
    }
}

#[derive(Debug)]
pub struct AppState {
    pub loaded: Option<LoadedLibrary>,
    /// Why the library could not be opened, shown instead of the browser.
    pub library_error: Option<String>,
    pub people: Vec<Person>,
    pub photo_counts: HashMap<PersonId, usize>,
    pub series: Vec<Series>,
    pub sessions: HashMap<SeriesId, Vec<Session>>,
    pub areas: Vec<VocabTerm>,
    pub concerns: Vec<VocabTerm>,
    pub filter: PhotoFilter,
    pub sort: SortOrder,
    pub grid: Vec<GridItem>,
    pub grid_generation: u64,
    pub grid_loaded_generation: u64,
    pub last_grid_query: Duration,
    pub selection: Selection,
    pub details: Option<PhotoDetails>,
    /// What the selected photos have in common (for bulk edits).
    pub selection_summary: Option<crate::catalogue::SelectionSummary>,
    /// Series and sessions of the inspected photo's person (for assignment).
    pub details_series: Vec<(Series, Vec<Session>)>,
    pub trash_count: usize,
    pub total_photos: usize,
    pub import: Option<ImportJob>,
    /// Paths waiting for the import dialog to be confirmed.
    pub import_paths: Option<Vec<PathBuf>>,
    pub demo: Option<DemoJob>,
    pub notices: Vec<Notice>,
    /// The photos the last "move to trash" moved, for undo.
    pub undo_trash: Vec<PhotoId>,
    /// The photo open in the viewer.
    pub viewer: Option<PhotoId>,
    /// The comparison open instead of the grid.
    pub compare: Option<super::compare::CompareState>,
    pub compare_settings: super::compare::CompareSettings,
    /// The export window is open.
    pub show_export: bool,
    pub export: Option<super::compare::ExportJob>,
    /// Personal or clinic (consent recorded and checked on exports).
    pub mode: crate::model::clinical::Mode,
    /// The person record window, when open.
    pub person_record: Option<super::record::PersonRecord>,
    /// The series page, when open.
    pub record: Option<super::record::SeriesRecord>,
    /// A series being aligned to its baseline, or its summary.
    pub series_align: Option<super::align::SeriesAlignJob>,
    pub show_help: bool,
    pub confirm_empty_trash: bool,
    pub prefs: Prefs,
}

impl AppState {
    pub fn new(prefs: Prefs) -> Self {
        Self {
            loaded: None,
            library_error: None,
            people: Vec::new(),
            photo_counts: HashMap::new(),
            series: Vec::new(),
            sessions: HashMap::new(),
            areas: Vec::new(),
            concerns: Vec::new(),
            filter: PhotoFilter::default(),
            sort: prefs.sort,
            grid: Vec::new(),
            grid_generation: 0,
            grid_loaded_generation: 0,
            last_grid_query: Duration::ZERO,
            selection: Selection::default(),
            details: None,
            selection_summary: None,
            details_series: Vec::new(),
            trash_count: 0,
            total_photos: 0,
            import: None,
            import_paths: None,
            demo: None,
            notices: Vec::new(),
            undo_trash: Vec::new(),
            viewer: None,
            compare: None,
            compare_settings: super::compare::CompareSettings::default(),
            show_export: false,
            export: None,
            series_align: None,
            record: None,
            person_record: None,
            mode: crate::model::clinical::Mode::Personal,
            show_help: false,
            confirm_empty_trash: false,
            prefs,
        }
    }

    pub fn library(&self) -> Option<&Arc<Library>> {
        self.loaded.as_ref().map(|l| &l.library)
    }

    pub fn is_demo(&self) -> bool {
        self.loaded.as_ref().is_some_and(|l| l.demo_dir.is_some())
    }

    pub fn error(&mut self, text: impl Into<String>) {
        self.notices.push(Notice {
            level: NoticeLevel::Error,
            text: text.into(),
        });
    }

    pub fn info(&mut self, text: impl Into<String>) {
        self.notices.push(Notice {
            level: NoticeLevel::Info,
            text: text.into(),
        });
    }

    /// Runs a catalogue operation on the app's connection; an error becomes a notice.
    pub fn with_catalogue<T>(
        &mut self,
        what: &str,
        f: impl FnOnce(&mut Catalogue) -> crate::catalogue::Result<T>,
    ) -> Option<T> {
        let loaded = self.loaded.as_mut()?;
        match f(&mut loaded.catalogue) {
            Ok(value) => Some(value),
            Err(e) => {
                self.error(format!("{what}: {e}"));
                None
            }
        }
    }

    pub fn grid_is_loading(&self) -> bool {
        self.grid_loaded_generation != self.grid_generation
    }

    /// Background work that changes the state is still running.
    pub fn is_busy(&self) -> bool {
        self.grid_is_loading()
            || self.import.as_ref().is_some_and(ImportJob::is_running)
            || self.demo.is_some()
            || self.export.as_ref().is_some_and(|j| j.outcome.is_none())
            || self
                .series_align
                .as_ref()
                .is_some_and(super::align::SeriesAlignJob::is_running)
            || self.compare.as_ref().is_some_and(|c| {
                c.difference_task.is_some()
                    || c.quality_task.is_some()
                    || matches!(c.align.auto, Some(super::align::AutoProposal::Running(_)))
            })
    }

    pub fn person(&self, id: PersonId) -> Option<&Person> {
        self.people.iter().find(|p| p.id == id)
    }

    pub fn terms(&self, kind: VocabKind) -> &[VocabTerm] {
        match kind {
            VocabKind::Area => &self.areas,
            VocabKind::Concern => &self.concerns,
        }
    }

    /// Where a photo's rendition is on disk.
    pub fn image_request(
        &self,
        item_id: PhotoId,
        hash: &crate::model::ContentHash,
        format: crate::model::PhotoFormat,
        rendition: Rendition,
    ) -> Option<ImageRequest> {
        let library = self.library()?;
        let path = match rendition {
            Rendition::Thumbnail => library.thumbnail_path(hash),
            Rendition::Preview => library.preview_path(hash),
            Rendition::Full => library.original_path(hash, format),
        };
        Some(ImageRequest {
            key: (item_id, rendition),
            path,
            format,
            files: library.files(),
        })
    }

    /// Reloads people, counts, vocabulary and the trash count.
    pub fn reload_people(&mut self) {
        let Some(loaded) = self.loaded.as_mut() else {
            return;
        };
        let cat = &mut loaded.catalogue;
        let result = (|| {
            let people = cat.people()?;
            let counts = cat.photo_counts_by_person()?;
            let areas = cat.terms(VocabKind::Area)?;
            let concerns = cat.terms(VocabKind::Concern)?;
            let trash = cat.trash_count()?;
            let (_, total) = cat.counts()?;
            Ok::<_, crate::catalogue::CatalogueError>((
                people, counts, areas, concerns, trash, total,
            ))
        })();
        match result {
            Ok((people, counts, areas, concerns, trash, total)) => {
                self.people = people;
                self.photo_counts = counts;
                self.areas = areas;
                self.concerns = concerns;
                self.trash_count = trash;
                self.total_photos = total;
                if self.filter.person.is_some_and(|p| self.person(p).is_none()) {
                    self.filter.person = None;
                }
            }
            Err(e) => self.error(format!("Could not read the people list: {e}")),
        }
    }

    /// Reloads the series (and their sessions) of the selected person.
    pub fn reload_series(&mut self) {
        self.series.clear();
        self.sessions.clear();
        let Some(person) = self.filter.person else {
            return;
        };
        let loaded = self
            .loaded
            .as_mut()
            .expect("a person is selected only with a library open");
        let result = (|| {
            let series = loaded.catalogue.series_of(person)?;
            let mut sessions = HashMap::new();
            for s in &series {
                sessions.insert(s.id, loaded.catalogue.sessions_of(s.id)?);
            }
            Ok::<_, crate::catalogue::CatalogueError>((series, sessions))
        })();
        match result {
            Ok((series, sessions)) => {
                self.series = series;
                self.sessions = sessions;
            }
            Err(e) => self.error(format!("Could not read series: {e}")),
        }
    }

    /// Asks the query thread for the grid of the current filter.
    pub fn request_grid(&mut self) {
        let Some(loaded) = self.loaded.as_ref() else {
            return;
        };
        self.grid_generation += 1;
        loaded.grid_loader.request(GridQuery {
            generation: self.grid_generation,
            filter: self.filter.clone(),
            order: self.sort,
        });
    }

    /// Reloads the inspector's photo.
    pub fn reload_details(&mut self) {
        self.details = None;
        self.selection_summary = None;
        self.details_series.clear();
        let Some(id) = self.selection.primary() else {
            return;
        };
        let ids = self.selection.ids();
        let loaded = self.with_catalogue("Could not read the photo", |cat| {
            let details = cat.photo_details(id)?;
            let summary = cat.selection_summary(&ids)?;
            let mut series = Vec::new();
            if let Some(person) = details.photo.person {
                for s in cat.series_of(person)? {
                    let sessions = cat.sessions_of(s.id)?;
                    series.push((s, sessions));
                }
            }
            Ok((details, summary, series))
        });
        if let Some((details, summary, series)) = loaded {
            self.details = Some(details);
            self.selection_summary = Some(summary);
            self.details_series = series;
        }
    }

    /// Applies filter choices saved in the preferences (by key) to this library's terms.
    pub fn apply_filter_prefs(&mut self) {
        let term = |list: &[VocabTerm], key: &Option<String>| {
            key.as_ref()
                .and_then(|k| list.iter().find(|t| &t.key == k).map(|t| t.id))
        };
        self.filter.area = term(&self.areas, &self.prefs.filter_area);
        self.filter.concern = term(&self.concerns, &self.prefs.filter_concern);
        self.filter.view = self
            .prefs
            .filter_view
            .as_deref()
            .and_then(crate::model::View::from_key);
        self.filter.lighting = self
            .prefs
            .filter_lighting
            .as_deref()
            .and_then(crate::model::Lighting::from_key);
    }

    /// Remembers the filter's choices in the preferences.
    pub fn store_filter_prefs(&mut self) {
        let key = |list: &[VocabTerm], id| {
            list.iter()
                .find(|t| Some(t.id) == id)
                .map(|t| t.key.clone())
        };
        self.prefs.filter_area = key(&self.areas, self.filter.area);
        self.prefs.filter_concern = key(&self.concerns, self.filter.concern);
        self.prefs.filter_view = self.filter.view.map(|v| v.key().to_owned());
        self.prefs.filter_lighting = self.filter.lighting.map(|l| l.key().to_owned());
        self.prefs.sort = self.sort;
    }

    /// The grid's photo ids in display order.
    pub fn grid_order(&self) -> Vec<PhotoId> {
        self.grid.iter().map(|i| i.id).collect()
    }
}

//! The app: what is on screen and everything loaded from the library, and the commands that
//! change it. Nothing here draws or knows a panel: `ui` reads [`AppState`] and sends
//! [`Command`]s, and panels react to what the state says (a new photo in the viewer, a zoom
//! request, a photo to scroll to).
//!
//! - [`nav`]: the screen in front and the window over it, one value read by drawing,
//!   shortcuts and Back.
//! - One module per feature, each a state struct with its own command enum and handler:
//!   [`library`], [`overview`] (people, series, vocabulary), [`browse`] (grid and selection),
//!   [`inspector`] (selected photos' details and edits), [`trash`], [`import`], [`compare`]
//!   (with alignment and export), [`record`] (series page, person record).
//! - [`cx`]: what a handler may use besides its own state; [`edit`]: every catalogue edit as
//!   one value, applied in one place, with undo; `dispatch`: routes a command to its
//!   feature, then reloads what went stale, and polls background work.

pub mod background;
pub mod backup;
pub mod browse;
pub mod clinic;
pub mod clinic_admin;
pub mod command;
pub mod compare;
pub mod cx;
pub mod dialogs;
mod dispatch;
pub mod document;
pub mod edit;
pub mod faces;
pub mod grid;
pub mod images;
pub mod import;
pub mod import_plan;
pub mod inspector;
pub mod library;
pub mod live;
pub mod measure;
pub mod nav;
pub mod notices;
pub mod overview;
pub mod prefs;
pub mod record;
pub mod secure;
pub mod selection;
pub mod trash;

pub use backup::BackupCommand;
pub use browse::BrowseCommand;
pub use clinic::ClinicCommand;
pub use clinic_admin::AdminCommand;
pub use command::{Action, Command, Commands};
pub use compare::{CompareCommand, CompareMode, CompareSettings};
pub use document::DocumentCommand;
pub use faces::FaceCommand;
pub use import::{FileStatus, ImportCommand, ImportProgress};
pub use inspector::PhotoCommand;
pub use library::LibraryCommand;
pub use measure::MeasureCommand;
pub use nav::{Modal, Screen, ScreenKind};
pub use notices::{Notice, NoticeLevel};
pub use overview::PeopleCommand;
pub use prefs::Theme;
pub use record::{PersonCommand, RecordCommand};
pub use secure::{Passphrase, SecureCommand};
pub use selection::SelectMode;
pub use trash::TrashCommand;

use crate::jobs::demo::DemoOptions;
use cx::Env;
use dialogs::MainThreadToken;
use prefs::Prefs;
use std::path::PathBuf;

/// How the app starts: which library, where preferences live.
#[derive(Clone, Debug)]
pub struct AppOptions {
    /// The library to open; `None` opens the last one used, else the default one.
    pub library: Option<PathBuf>,
    /// Where preferences are read and written; `None` keeps them in memory only.
    pub prefs_path: Option<PathBuf>,
    /// Size of the photos the demo library is generated with.
    pub demo: DemoOptions,
    /// GPU memory the photo texture cache may use.
    pub texture_budget_bytes: usize,
    /// Who signs in to a clinic library (`--user`, `SKINLAPSE_USER`): the sign-in window's
    /// user name is filled in with it.
    pub user: Option<String>,
    /// Where a clinic library's previews and thumbnails are cached on this workstation;
    /// `None`: the platform's cache folder.
    pub cache_dir: Option<PathBuf>,
}

impl Default for AppOptions {
    fn default() -> Self {
        Self {
            library: None,
            prefs_path: Prefs::default_path(),
            demo: DemoOptions::default(),
            texture_budget_bytes: 512 * 1024 * 1024,
            user: None,
            cache_dir: None,
        }
    }
}

/// Keeping the library safe: its encryption (locked or not, the passphrase form) and its
/// backups (a running one, the reminder).
#[derive(Debug, Default)]
pub struct Protection {
    pub secure: secure::SecureState,
    pub backup: backup::BackupState,
}

/// Everything the app knows: the screens, each feature's state, the messages and the
/// preferences. Panels read it; only commands change it.
#[derive(Debug)]
pub struct AppState {
    pub nav: nav::Navigation,
    pub library: library::LibraryState,
    pub overview: overview::Overview,
    pub browse: browse::BrowseState,
    pub inspector: inspector::InspectorState,
    pub import: import::ImportState,
    pub compare: compare::CompareFeature,
    pub measure: measure::MeasureFeature,
    pub documents: document::DocumentFeature,
    pub faces: faces::FacesFeature,
    pub history: edit::History,
    pub notices: notices::Notices,
    pub prefs: Prefs,
    pub protection: Protection,
    /// A clinic library's sign-in and who is signed in.
    pub clinic: clinic::ClinicState,
    queue: Commands,
    env: Env,
}

impl AppState {
    /// Reads the preferences and opens the library the options name, the last one used, or
    /// the default one. Call on the main thread (file dialogs need it).
    pub fn new(ctx: &egui::Context, options: AppOptions) -> Self {
        let (prefs, prefs_warning) = match &options.prefs_path {
            Some(path) => Prefs::load(path),
            None => (Prefs::default(), None),
        };
        let mut state = Self {
            nav: nav::Navigation::default(),
            library: library::LibraryState::default(),
            overview: overview::Overview::default(),
            browse: browse::BrowseState {
                sort: prefs.sort,
                ..browse::BrowseState::default()
            },
            inspector: inspector::InspectorState::default(),
            import: import::ImportState::default(),
            compare: compare::CompareFeature::default(),
            measure: measure::MeasureFeature::default(),
            documents: document::DocumentFeature::default(),
            faces: faces::FacesFeature::default(),
            history: edit::History::default(),
            notices: notices::Notices::default(),
            prefs,
            protection: Protection::default(),
            clinic: clinic::ClinicState::default(),
            queue: Vec::new(),
            env: Env {
                ctx: ctx.clone(),
                main_thread: MainThreadToken::new(),
                options,
            },
        };
        if let Some(w) = prefs_warning {
            state.notices.error(w);
        }
        state.open_first_library();
        state
    }

    fn open_first_library(&mut self) {
        let asked = self.env.options.library.clone();
        let last = self.prefs.last_library.clone().filter(|_| asked.is_none());
        let root = asked
            .or(last.clone())
            .or_else(crate::library::Library::default_root);
        match root {
            // The library used last has gone (moved, or on a drive that is not connected):
            // say so rather than quietly starting an empty one in its place.
            Some(root) if last.as_ref() == Some(&root) && !root.exists() => {
                self.library.error = Some(format!(
                    "The library you used last, {}, is missing: it was moved or deleted, or is on a drive that is not connected. Open another library, or reconnect the drive and restart.",
                    root.display()
                ));
            }
            Some(root) => self.open_library(&root, None),
            None => {
                self.library.error = Some(
                    "There is no home folder to keep a library in. Open a library folder.".into(),
                );
            }
        }
    }

    /// Queues a command, as a panel or a test would; it runs at the start of the next frame.
    pub fn send(&mut self, command: impl Into<Command>) {
        self.queue.push(command.into());
        self.env.ctx.request_repaint();
    }

    /// Runs the queued commands now; what each changed (with its follow-ups) is one undo
    /// step.
    pub fn run_queued(&mut self) {
        for command in std::mem::take(&mut self.queue) {
            self.history.begin();
            self.run(command);
            self.history.end();
        }
        self.clinic.explain_refusals(&mut self.notices);
    }

    /// Background work that changes the state is still running, or commands wait.
    pub fn is_busy(&self) -> bool {
        !self.queue.is_empty()
            || self.library.is_busy()
            || self.browse.grid.is_loading()
            || self.inspector.is_loading()
            || self.import.is_busy()
            || self.protection.backup.job.is_some()
            || self.compare.is_busy(&self.nav)
            || self.measure.is_busy()
            || self.documents.is_busy()
            || self.faces.is_busy()
            || self.clinic.is_busy()
    }

    /// Where a photo's rendition is on disk.
    pub fn image_request(
        &self,
        item_id: crate::model::PhotoId,
        hash: &crate::model::ContentHash,
        format: crate::model::PhotoFormat,
        rendition: images::Rendition,
    ) -> Option<images::ImageRequest> {
        let library = self.library.library()?;
        let path = match rendition {
            images::Rendition::Thumbnail => library.thumbnail_path(hash),
            images::Rendition::Preview => library.preview_path(hash),
            images::Rendition::Full => library.original_path(hash, format),
        };
        Some(images::ImageRequest {
            key: (item_id, rendition),
            path,
            format,
            files: library.files(),
            rebuild: library.is_clinic().then(|| images::Rebuild {
                library: std::sync::Arc::clone(library),
                hash: hash.clone(),
            }),
        })
    }

    /// Writes the preferences (filters by key, so they survive across libraries).
    pub fn save_prefs(&mut self) {
        self.store_filter_prefs();
        if let Some(path) = &self.env.options.prefs_path
            && let Err(e) = self.prefs.save(path)
        {
            eprintln!(
                "skinlapse: could not save preferences {}: {e}",
                path.display()
            );
        }
    }

    pub fn options(&self) -> &AppOptions {
        &self.env.options
    }
}

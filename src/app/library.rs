//! The open library: its folder, the app's catalogue connection, the query threads that read
//! it off the UI thread, personal or clinic mode, and the demo library being generated.

use super::background::{Gate, QueryThread, WorkError};
use super::browse::GridQuery;
use super::inspector::Inspected;
use crate::catalogue::{Catalogue, GridPage};
use crate::jobs::demo::{DemoOptions, generate_demo};
use crate::library::Library;
use crate::model::PhotoId;
use crate::model::clinical::Mode;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, TryRecvError, sync_channel};
use std::sync::{Arc, Mutex};

/// The app's edits wait this long for another process's write before saying the library is
/// busy: long enough for an import's transaction, short enough not to freeze the window.
pub(super) const UI_BUSY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(2);

/// Everything about the library in use.
#[derive(Debug)]
pub struct LibraryState {
    pub loaded: Option<LoadedLibrary>,
    /// Why no library is open, shown instead of the browser.
    pub error: Option<String>,
    pub demo: Option<DemoJob>,
    /// Personal or clinic (consent recorded and checked on exports).
    pub mode: Mode,
    /// Changes whenever another library is opened: what is cached by photo id starts over.
    pub opened: u64,
    /// Something was changed in the demo library (quitting would lose it: ask first).
    pub demo_changed: bool,
    /// The user said to quit anyway (the demo library and its changes go).
    pub quit_confirmed: bool,
    /// The gate each library's photo count thread passes after counting and before it
    /// answers: open, unless a test holds it to make an answer late (see [`Gate`]).
    photo_counts_gate: Arc<Gate>,
}

impl Default for LibraryState {
    fn default() -> Self {
        Self {
            loaded: None,
            error: None,
            demo: None,
            mode: Mode::Personal,
            opened: 0,
            demo_changed: false,
            quit_confirmed: false,
            photo_counts_gate: Arc::default(),
        }
    }
}

/// The open library and the connections to its catalogue.
pub struct LoadedLibrary {
    pub library: Arc<Library>,
    pub catalogue: Catalogue,
    pub(super) grid: QueryThread<GridQuery, GridPage>,
    /// Counts the grid's photos while its pages are read.
    pub(super) count: QueryThread<crate::catalogue::PhotoFilter, usize>,
    pub(super) details: QueryThread<Vec<PhotoId>, Inspected>,
    /// Counts the photos of the people list (each person's, all, the trash's).
    pub(super) photo_counts: QueryThread<(), super::overview::PhotoCounts>,
    /// Keeps a generated demo library alive; it is deleted when the app closes.
    pub demo_dir: Option<tempfile::TempDir>,
    /// A clinic library: other workstations' changes, heard as they happen.
    pub(super) watch: Option<super::live::ChangeWatch>,
}

impl LoadedLibrary {
    /// Stops hearing other workstations' changes (a clinic library): the app then shows what
    /// it last read, as a workstation whose change notice is still on its way does. For tests
    /// of a save made from a stale read, which would otherwise race the refresh.
    #[doc(hidden)]
    pub fn stop_watching_changes(&mut self) {
        self.watch = None;
    }
}

impl std::fmt::Debug for LoadedLibrary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoadedLibrary")
            .field("root", &self.library.root())
            .finish_non_exhaustive()
    }
}

/// Everything the library can be asked to do.
#[derive(Clone, Debug, PartialEq)]
pub enum LibraryCommand {
    OpenAt(PathBuf),
    /// Personal or clinic.
    SetMode(Mode),
    /// Copy the demo library into this new or empty folder and go on there.
    KeepDemoAt(PathBuf),
    /// Quit, and let the demo library and its changes go.
    QuitAnyway,
}

impl LibraryState {
    pub fn library(&self) -> Option<&Arc<Library>> {
        self.loaded.as_ref().map(|l| &l.library)
    }

    /// The gate the photo count threads pass before they answer (tests hold it).
    #[doc(hidden)]
    pub fn photo_counts_gate(&self) -> Arc<Gate> {
        Arc::clone(&self.photo_counts_gate)
    }

    pub fn is_demo(&self) -> bool {
        self.loaded.as_ref().is_some_and(|l| l.demo_dir.is_some())
    }

    /// Quitting now would delete changes made in the demo library: ask first.
    pub fn must_ask_before_quitting(&self) -> bool {
        self.is_demo() && self.demo_changed && !self.quit_confirmed
    }

    /// Opens the library at `root` (creating it when missing) in place of the current one;
    /// an encrypted one with `passphrase`.
    pub(super) fn open(
        &mut self,
        root: &Path,
        demo_dir: Option<tempfile::TempDir>,
        passphrase: Option<&super::secure::Passphrase>,
        ctx: &egui::Context,
    ) -> Result<(), crate::library::LibraryError> {
        let options = crate::library::OpenOptions {
            read_only: false,
            passphrase: passphrase.map(|p| zeroize::Zeroizing::new(p.as_str().to_owned())),
        };
        let library = Arc::new(Library::open_with(root, &options)?);
        let mut catalogue = library.catalogue()?;
        catalogue.set_busy_timeout(UI_BUSY_TIMEOUT)?;
        let mode = catalogue.mode()?;
        self.install(library, catalogue, mode, demo_dir, ctx);
        Ok(())
    }

    /// Puts an opened library in place of the current one, with its query threads.
    pub(super) fn install(
        &mut self,
        library: Arc<Library>,
        catalogue: Catalogue,
        mode: Mode,
        demo_dir: Option<tempfile::TempDir>,
        ctx: &egui::Context,
    ) {
        self.mode = mode;
        let grid = QueryThread::spawn(
            "grid-query",
            Arc::clone(&library),
            ctx.clone(),
            |cat, q: GridQuery| cat.grid_page_from(&q.filter, q.order, q.after.as_ref(), q.limit),
        );
        let count = QueryThread::spawn(
            "grid-count",
            Arc::clone(&library),
            ctx.clone(),
            |cat, filter| cat.grid_count(&filter),
        );
        let details = QueryThread::spawn(
            "details-query",
            Arc::clone(&library),
            ctx.clone(),
            super::inspector::inspect,
        );
        let gate = Arc::clone(&self.photo_counts_gate);
        let photo_counts = QueryThread::spawn(
            "photo-counts",
            Arc::clone(&library),
            ctx.clone(),
            move |cat, ()| {
                let counts = super::overview::PhotoCounts::read(cat);
                gate.pass();
                counts
            },
        );
        let watch = library
            .clinic_login()
            .map(|login| super::live::ChangeWatch::start(Arc::clone(login), ctx.clone()));
        self.loaded = Some(LoadedLibrary {
            library,
            catalogue,
            grid,
            count,
            details,
            photo_counts,
            demo_dir,
            watch,
        });
        self.error = None;
        self.opened += 1;
        self.demo_changed = false;
    }

    pub(super) fn start_demo(&mut self, options: &DemoOptions, ctx: &egui::Context) {
        if self.demo.is_none() {
            self.demo = Some(DemoJob::start(options.clone(), ctx.clone()));
        }
    }

    /// The generated demo library, once it is there.
    pub(super) fn poll_demo(&mut self) -> Option<Result<(tempfile::TempDir, PathBuf), WorkError>> {
        let result = self.demo.as_ref()?.poll()?;
        self.demo = None;
        Some(result)
    }

    pub fn is_busy(&self) -> bool {
        self.demo.is_some()
            || self.loaded.as_ref().is_some_and(|l| {
                l.grid.is_waiting()
                    || l.count.is_waiting()
                    || l.details.is_waiting()
                    || l.photo_counts.is_waiting()
            })
    }

    /// The people list's photo counts are being counted.
    pub fn is_counting_photos(&self) -> bool {
        self.loaded
            .as_ref()
            .is_some_and(|l| l.photo_counts.is_waiting())
    }
}

/// The demo library being generated into a temporary folder.
#[derive(Debug)]
pub struct DemoJob {
    pub progress: Arc<Mutex<(usize, usize)>>,
    result: Receiver<Result<(tempfile::TempDir, PathBuf), WorkError>>,
}

impl DemoJob {
    fn start(options: DemoOptions, ctx: egui::Context) -> Self {
        // Each photo is drawn, then imported: two steps each.
        let progress = Arc::new(Mutex::new((0, 2 * crate::jobs::demo::demo_photo_count())));
        let (tx, result) = sync_channel(1);
        let p = Arc::clone(&progress);
        std::thread::Builder::new()
            .name("demo".into())
            .spawn(move || {
                let outcome = (|| {
                    let dir = tempfile::Builder::new()
                        .prefix("skinlapse-demo-")
                        .tempdir()
                        .map_err(WorkError::TempDir)?;
                    let root = dir.path().join("library");
                    generate_demo(&root, &options, &mut |done, total| {
                        *p.lock().expect("demo progress poisoned") = (done, total);
                        ctx.request_repaint();
                    })?;
                    Ok((dir, root))
                })();
                let _ = tx.send(outcome);
                ctx.request_repaint();
            })
            .expect("spawning the demo thread");
        Self { progress, result }
    }

    /// The generated library's folder (kept alive by the `TempDir`), once done.
    fn poll(&self) -> Option<Result<(tempfile::TempDir, PathBuf), WorkError>> {
        match self.result.try_recv() {
            Ok(r) => Some(r),
            Err(TryRecvError::Empty) => None,
            Err(TryRecvError::Disconnected) => Some(Err(WorkError::Stopped("demo".into()))),
        }
    }

    /// Steps done so far (each photo is drawn, then imported), and how many there are.
    pub fn counts(&self) -> (usize, usize) {
        *self.progress.lock().expect("demo progress poisoned")
    }

    /// How far along it is, 0–1.
    pub fn fraction(&self) -> f32 {
        let (done, total) = self.counts();
        done as f32 / total.max(1) as f32
    }

    /// "Demo: drawing photo 12 of 41", then "Demo: importing photo 5 of 41".
    pub fn progress_text(&self) -> String {
        let (done, total) = self.counts();
        demo_progress_text(done, total)
    }
}

/// The demo's progress in words; `total` counts each photo twice (drawn, then imported).
fn demo_progress_text(done: usize, total: usize) -> String {
    format!("Demo: {}", crate::jobs::demo::progress_words(done, total))
}

#[cfg(test)]
mod tests {
    #[test]
    fn demo_progress_counts_photos_not_steps() {
        // It once counted to "82/41".
        assert_eq!(
            super::demo_progress_text(0, 82),
            "Demo: drawing photo 0 of 41"
        );
        assert_eq!(
            super::demo_progress_text(41, 82),
            "Demo: drawing photo 41 of 41"
        );
        assert_eq!(
            super::demo_progress_text(82, 82),
            "Demo: importing photo 41 of 41"
        );
    }
}

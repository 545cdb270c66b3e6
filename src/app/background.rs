//! Work the app hands to threads: grid queries, imports, demo generation. Each finishes by
//! asking egui for a repaint; the app polls them at the start of every frame.

use crate::catalogue::{GridItem, PhotoFilter, SortOrder};
use crate::jobs::demo::{DemoOptions, generate_demo};
use crate::jobs::{ImportEvent, ImportRequest, ImportSummary, Outcome, run_import};
use crate::library::Library;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, TryRecvError, sync_channel};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A grid query and its answer, tagged so stale answers are ignored.
#[derive(Debug)]
pub struct GridQuery {
    pub generation: u64,
    pub filter: PhotoFilter,
    pub order: SortOrder,
}

#[derive(Debug)]
pub struct GridAnswer {
    pub generation: u64,
    pub items: Result<Vec<GridItem>, String>,
    pub elapsed: Duration,
}

/// One thread with its own catalogue connection that answers grid queries, newest first.
pub struct GridLoader {
    requests: SyncSender<GridQuery>,
    answers: Receiver<GridAnswer>,
}

impl GridLoader {
    pub fn new(library: Arc<Library>, ctx: egui::Context) -> Self {
        let (requests, request_rx) = sync_channel::<GridQuery>(16);
        let (answer_tx, answers) = sync_channel(16);
        std::thread::Builder::new()
            .name("grid-query".into())
            .spawn(move || {
                let mut catalogue = library.catalogue();
                while let Ok(mut query) = request_rx.recv() {
                    // Only the newest query matters.
                    while let Ok(newer) = request_rx.try_recv() {
                        query = newer;
                    }
                    let start = Instant::now();
                    let items = match &mut catalogue {
                        Ok(cat) => cat
                            .grid_items(&query.filter, query.order)
                            .map_err(|e| e.to_string()),
                        Err(e) => Err(e.to_string()),
                    };
                    let answer = GridAnswer {
                        generation: query.generation,
                        items,
                        elapsed: start.elapsed(),
                    };
                    if answer_tx.send(answer).is_err() {
                        return;
                    }
                    ctx.request_repaint();
                }
            })
            .expect("spawning the grid query thread");
        Self { requests, answers }
    }

    pub fn request(&self, query: GridQuery) {
        let _ = self.requests.send(query);
    }

    pub fn poll(&self) -> Option<GridAnswer> {
        let mut latest = None;
        while let Ok(answer) = self.answers.try_recv() {
            latest = Some(answer);
        }
        latest
    }
}

impl std::fmt::Debug for GridLoader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("GridLoader")
    }
}

/// How one file of an import ended, as the result list shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FileStatus {
    Imported,
    Duplicate,
    Failed(String),
}

/// What the import window shows, updated by the import thread.
#[derive(Clone, Debug, Default)]
pub struct ImportProgress {
    pub total: usize,
    pub done: usize,
    pub current: Option<PathBuf>,
    pub started: Option<Instant>,
    /// Every file that was not simply imported, and files with warnings.
    pub results: Vec<(PathBuf, FileStatus, Vec<String>)>,
    pub summary: Option<ImportSummary>,
}

impl ImportProgress {
    pub fn rate(&self) -> f64 {
        self.started.map_or(0.0, |s| {
            self.done as f64 / s.elapsed().as_secs_f64().max(1e-3)
        })
    }
}

/// An import running on its own thread.
#[derive(Debug)]
pub struct ImportJob {
    pub progress: Arc<Mutex<ImportProgress>>,
    cancel: Arc<AtomicBool>,
    done: Receiver<()>,
    finished: bool,
}

impl ImportJob {
    pub fn start(library: Arc<Library>, request: ImportRequest, ctx: egui::Context) -> Self {
        let progress = Arc::new(Mutex::new(ImportProgress {
            started: Some(Instant::now()),
            ..Default::default()
        }));
        let cancel = Arc::new(AtomicBool::new(false));
        let (done_tx, done) = sync_channel(1);
        let (p, c) = (Arc::clone(&progress), Arc::clone(&cancel));
        std::thread::Builder::new()
            .name("import".into())
            .spawn(move || {
                let summary = run_import(&library, &request, &c, |event| {
                    let mut p = p.lock().expect("import progress poisoned");
                    match event {
                        ImportEvent::Started { total, .. } => p.total = total,
                        ImportEvent::Working { path } => p.current = Some(path),
                        ImportEvent::File(result) => {
                            p.done += 1;
                            let entry = match result.outcome {
                                Outcome::Imported { warnings, .. } if warnings.is_empty() => None,
                                Outcome::Imported { warnings, .. } => {
                                    Some((FileStatus::Imported, warnings))
                                }
                                Outcome::Duplicate { existing: Some(id) } => Some((
                                    FileStatus::Duplicate,
                                    vec![format!("already in the library as photo {id}")],
                                )),
                                Outcome::Duplicate { existing: None } => Some((
                                    FileStatus::Duplicate,
                                    vec!["being imported by another window or process".into()],
                                )),
                                Outcome::Failed(e) => {
                                    Some((FileStatus::Failed(e.to_string()), vec![]))
                                }
                            };
                            if let Some((status, notes)) = entry {
                                p.results.push((result.path, status, notes));
                            }
                        }
                    }
                    drop(p);
                    ctx.request_repaint();
                });
                p.lock().expect("import progress poisoned").summary = Some(summary);
                let _ = done_tx.send(());
                ctx.request_repaint();
            })
            .expect("spawning the import thread");
        Self {
            progress,
            cancel,
            done,
            finished: false,
        }
    }

    pub fn cancel(&self) {
        self.cancel.store(true, Ordering::Relaxed);
    }

    pub fn is_cancelling(&self) -> bool {
        self.cancel.load(Ordering::Relaxed)
    }

    /// True once, when the import has just finished.
    pub fn poll_finished(&mut self) -> bool {
        if self.finished {
            return false;
        }
        match self.done.try_recv() {
            Ok(()) | Err(TryRecvError::Disconnected) => {
                self.finished = true;
                true
            }
            Err(TryRecvError::Empty) => false,
        }
    }

    pub fn is_running(&self) -> bool {
        !self.finished
    }

    pub fn snapshot(&self) -> ImportProgress {
        self.progress
            .lock()
            .expect("import progress poisoned")
            .clone()
    }
}

/// The demo library being generated into a temporary folder.
#[derive(Debug)]
pub struct DemoJob {
    pub progress: Arc<Mutex<(usize, usize)>>,
    result: Receiver<Result<(tempfile::TempDir, PathBuf), String>>,
}

impl DemoJob {
    pub fn start(options: DemoOptions, ctx: egui::Context) -> Self {
        let progress = Arc::new(Mutex::new((0, crate::jobs::demo::demo_photo_count())));
        let (tx, result) = sync_channel(1);
        let p = Arc::clone(&progress);
        std::thread::Builder::new()
            .name("demo".into())
            .spawn(move || {
                let outcome = (|| {
                    let dir = tempfile::Builder::new()
                        .prefix("skinlapse-demo-")
                        .tempdir()
                        .map_err(|e| e.to_string())?;
                    let root = dir.path().join("library");
                    generate_demo(&root, &options, &mut |done, total| {
                        *p.lock().expect("demo progress poisoned") = (done, total);
                        ctx.request_repaint();
                    })
                    .map_err(|e| e.to_string())?;
                    Ok((dir, root))
                })();
                let _ = tx.send(outcome);
                ctx.request_repaint();
            })
            .expect("spawning the demo thread");
        Self { progress, result }
    }

    /// The generated library's folder (kept alive by the `TempDir`), once done.
    pub fn poll(&self) -> Option<Result<(tempfile::TempDir, PathBuf), String>> {
        match self.result.try_recv() {
            Ok(r) => Some(r),
            Err(TryRecvError::Empty) => None,
            Err(TryRecvError::Disconnected) => {
                Some(Err("the demo generator stopped unexpectedly".into()))
            }
        }
    }
}

/// How far a [`Task`] has got: a fraction and the step it is on.
#[derive(Clone, Debug)]
pub struct TaskProgress {
    state: Arc<Mutex<(f32, String)>>,
    ctx: egui::Context,
}

impl TaskProgress {
    pub fn set(&self, fraction: f32, step: &str) {
        *self.state.lock().expect("task progress poisoned") = (fraction, step.to_owned());
        self.ctx.request_repaint();
    }

    pub fn get(&self) -> (f32, String) {
        self.state.lock().expect("task progress poisoned").clone()
    }
}

/// One piece of work on its own thread, with progress and cancel; asks for a repaint when
/// it is done.
#[derive(Debug)]
pub struct Task<T> {
    result: Receiver<T>,
    cancel: Arc<AtomicBool>,
    pub progress: TaskProgress,
}

impl<T: Send + 'static> Task<T> {
    pub fn spawn(
        name: &str,
        ctx: &egui::Context,
        work: impl FnOnce(&TaskProgress, &AtomicBool) -> T + Send + 'static,
    ) -> Self {
        let (tx, result) = sync_channel(1);
        let cancel = Arc::new(AtomicBool::new(false));
        let progress = TaskProgress {
            state: Arc::new(Mutex::new((0.0, String::new()))),
            ctx: ctx.clone(),
        };
        let (c, p) = (Arc::clone(&cancel), progress.clone());
        std::thread::Builder::new()
            .name(name.to_owned())
            .spawn(move || {
                let _ = tx.send(work(&p, &c));
                p.ctx.request_repaint();
            })
            .expect("spawning a task thread");
        Self {
            result,
            cancel,
            progress,
        }
    }

    /// The result once finished; an error if the thread died without one.
    pub fn poll(&self) -> Option<Result<T, String>> {
        match self.result.try_recv() {
            Ok(value) => Some(Ok(value)),
            Err(TryRecvError::Empty) => None,
            Err(TryRecvError::Disconnected) => Some(Err("the worker stopped unexpectedly".into())),
        }
    }

    pub fn cancel(&self) {
        self.cancel.store(true, Ordering::Relaxed);
    }
}

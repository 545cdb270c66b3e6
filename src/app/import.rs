//! Importing: the files chosen (the import form is a window over the screen), the import
//! running on its own thread with progress and cancel, and the list of what went wrong.

use super::cx::{Cx, Stale};
use super::import_plan::ImportPlan;
use super::nav::Modal;
use super::selection::SelectMode;
use crate::catalogue::AssignmentSpec;
use crate::jobs::import_pair::{PAIRED_WITH, paired_with};
use crate::jobs::{ImportEvent, ImportRequest, ImportSummary, Outcome, run_import};
use crate::library::Library;
use crate::model::{Lighting, View};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, TryRecvError, sync_channel};
use std::sync::{Arc, Mutex};
use std::time::Instant;

/// Everything importing can be asked to do.
#[derive(Clone, Debug, PartialEq)]
pub enum ImportCommand {
    /// Files or folders chosen or dropped: open the import form for them.
    Prepare(Vec<PathBuf>),
    /// The import form was confirmed.
    Start {
        paths: Vec<PathBuf>,
        spec: AssignmentSpec,
    },
    /// A click on photo `index` of the form (plain, Ctrl or Shift).
    Pick { index: usize, mode: SelectMode },
    /// Selects every photo of the form, or none.
    SelectAll(bool),
    /// The view of the form's selected photos (None: the common choice).
    SetView(Option<View>),
    /// The lighting of the form's selected photos (None: the common choice).
    SetLighting(Option<Lighting>),
    /// The first `n` views, in order, to the selected photos (or all new ones) by capture time.
    AssignInOrder(usize),
    /// Close the form, or stop the import running.
    Cancel,
    /// Close the finished import's window.
    Dismiss,
}

/// The import running or finished, when its window is open.
#[derive(Debug, Default)]
pub struct ImportState {
    pub job: Option<ImportJob>,
    /// The photos of the open form, read before the import starts.
    pub plan: Option<ImportPlan>,
}

impl ImportState {
    pub(super) fn run(&mut self, command: ImportCommand, cx: &mut Cx) {
        match command {
            ImportCommand::Prepare(paths) => {
                if cx.library.loaded.is_none() {
                    cx.notices.error("Open a library before importing.");
                } else if !paths.is_empty() {
                    self.plan = cx
                        .library
                        .library()
                        .cloned()
                        .map(|library| ImportPlan::start(library, paths.clone(), cx.ctx()));
                    cx.nav.show(Modal::Import(paths));
                }
            }
            ImportCommand::Start { paths, spec } => {
                cx.nav.dismiss(|m| matches!(m, Modal::Import(_)));
                // The form's own views and lighting, when it is the form of these files.
                let per_photo = self
                    .plan
                    .take()
                    .filter(|plan| plan.paths == paths)
                    .map(|plan| plan.per_photo())
                    .unwrap_or_default();
                if self.job.as_ref().is_some_and(ImportJob::is_running) {
                    cx.notices
                        .error("An import is already running; wait for it or cancel it first.");
                    return;
                }
                let Some(assignment) = cx.catalogue("Import", |cat| cat.resolve_assignment(&spec))
                else {
                    return;
                };
                let Some(library) = cx.library.library().cloned() else {
                    return;
                };
                cx.library.demo_changed |= cx.library.is_demo();
                let request = ImportRequest {
                    paths,
                    assignment,
                    session_date: spec.session,
                    per_photo,
                    ..ImportRequest::default()
                };
                self.job = Some(ImportJob::start(library, request, cx.ctx().clone()));
                cx.stale(Stale::PEOPLE | Stale::SERIES | Stale::GRID);
            }
            ImportCommand::Pick { index, mode } => self.with_plan(|p| p.click(index, mode)),
            ImportCommand::SelectAll(on) => self.with_plan(|p| p.select_all(on)),
            ImportCommand::SetView(view) => self.with_plan(|p| p.set_view(view)),
            ImportCommand::SetLighting(l) => self.with_plan(|p| p.set_lighting(l)),
            ImportCommand::AssignInOrder(n) => self.with_plan(|p| p.assign_in_order(n)),
            ImportCommand::Cancel => {
                if let Some(job) = &self.job {
                    job.cancel();
                }
                self.plan = None;
                cx.nav.dismiss(|m| matches!(m, Modal::Import(_)));
            }
            ImportCommand::Dismiss => {
                if !self.job.as_ref().is_some_and(ImportJob::is_running) {
                    self.job = None;
                }
            }
        }
    }

    fn with_plan(&mut self, f: impl FnOnce(&mut ImportPlan)) {
        if let Some(plan) = &mut self.plan {
            f(plan);
        }
    }

    /// Takes in the form's photos read so far (and forgets them once the form is closed),
    /// and a finished import.
    pub(super) fn poll(&mut self, cx: &mut Cx) {
        let open = |plan: &ImportPlan| matches!(cx.nav.modal(), Some(Modal::Import(paths)) if *paths == plan.paths);
        if self.plan.as_ref().is_some_and(|p| !open(p)) {
            self.plan = None;
        }
        if let Some(plan) = &mut self.plan {
            plan.poll();
        }
        self.poll_job(cx);
    }

    /// Takes in a finished import: says how it went; a clean one needs no window, one with
    /// failures or duplicates keeps it open to list them with their reasons.
    fn poll_job(&mut self, cx: &mut Cx) {
        let Some(job) = &mut self.job else {
            return;
        };
        if !job.poll_finished() {
            return;
        }
        let progress = job.snapshot();
        let problems = progress
            .results
            .iter()
            .any(|(_, status, _)| !matches!(status, FileStatus::Imported));
        if !problems {
            self.job = None;
        }
        // A pair's "paired with" note is news, not a warning.
        let warned = progress
            .results
            .iter()
            .filter(|(_, status, notes)| {
                matches!(status, FileStatus::Imported)
                    && notes.iter().any(|n| !n.starts_with(PAIRED_WITH))
            })
            .count();
        if let Some(s) = progress.summary {
            cx.notices.info(format!(
                "Import finished: {} imported{}{}, {} duplicates, {} failed{}",
                s.imported,
                if warned > 0 {
                    format!(" ({warned} with warnings, e.g. an estimated date)")
                } else {
                    String::new()
                },
                s.paired_text()
                    .map_or_else(String::new, |t| format!(", {t}")),
                s.duplicates,
                s.failed,
                if s.cancelled { " (cancelled)" } else { "" }
            ));
        }
        cx.stale(Stale::PEOPLE | Stale::SERIES | Stale::GRID);
    }

    pub fn is_busy(&self) -> bool {
        self.job.as_ref().is_some_and(ImportJob::is_running)
            || self.plan.as_ref().is_some_and(ImportPlan::is_scanning)
    }
}

/// How one file of an import ended, as the result list shows it.
#[derive(Clone, Debug)]
pub enum FileStatus {
    Imported,
    Duplicate,
    Failed(Arc<crate::jobs::ImportError>),
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
                            let paired = result.paired.as_deref().map(paired_with);
                            // A pair is two of the files counted.
                            p.done += 1 + usize::from(paired.is_some());
                            let entry = match result.outcome {
                                Outcome::Imported {
                                    warnings,
                                    date_mismatch: None,
                                    ..
                                } if warnings.is_empty() && paired.is_none() => None,
                                Outcome::Imported {
                                    mut warnings,
                                    date_mismatch,
                                    ..
                                } => {
                                    // A photo filed under the wrong session comes first.
                                    if let Some(m) = date_mismatch {
                                        warnings.insert(0, m.warning());
                                    }
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
                                    Some((FileStatus::Failed(Arc::new(e)), vec![]))
                                }
                            };
                            if let Some((status, mut notes)) = entry {
                                notes.extend(paired);
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

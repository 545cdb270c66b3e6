//! Work the app hands to threads: one-off [`Task`]s (difference images, alignment, exports)
//! and [`QueryThread`]s that answer catalogue queries (the grid, the inspector) off the UI
//! thread. Each finishes by asking egui for a repaint; the app polls them every frame.
//! Failures come back typed, as [`WorkError`], and are put into words once, where shown.

use crate::catalogue::{Catalogue, CatalogueError};
use crate::jobs::export::ExportError;
use crate::library::{Library, LibraryError};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, TryRecvError, sync_channel};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

/// Why background work did not deliver.
#[derive(Debug, thiserror::Error)]
pub enum WorkError {
    #[error("the {0} worker stopped unexpectedly")]
    Stopped(String),
    #[error(transparent)]
    Catalogue(#[from] CatalogueError),
    #[error(transparent)]
    Library(#[from] LibraryError),
    /// Reading or writing photos' pixels (previews, originals, exports).
    #[error(transparent)]
    Pixels(#[from] ExportError),
    /// A photo's file could not be read or decoded.
    #[error(transparent)]
    Read(#[from] crate::jobs::ReadError),
    /// Measuring, the report and the time-lapse (boxed: their errors are large).
    #[error(transparent)]
    Measure(Box<crate::jobs::measure::MeasureError>),
    #[error(transparent)]
    Report(Box<crate::jobs::report::ReportError>),
    #[error(transparent)]
    Timelapse(Box<crate::jobs::timelapse::TimelapseError>),
    /// Boxed: it is the largest, and every task's error would grow with it.
    #[error(transparent)]
    Backup(Box<crate::jobs::backup::BackupError>),
    #[error(transparent)]
    Faces(Box<crate::jobs::faces::FaceScanError>),
    #[error("could not make a temporary folder for the demo library: {0}")]
    TempDir(#[source] std::io::Error),
}

macro_rules! boxed_from {
    ($($variant:ident($error:ty)),+) => {$(
        impl From<$error> for WorkError {
            fn from(e: $error) -> Self {
                Self::$variant(Box::new(e))
            }
        }
    )+};
}

boxed_from!(
    Measure(crate::jobs::measure::MeasureError),
    Report(crate::jobs::report::ReportError),
    Timelapse(crate::jobs::timelapse::TimelapseError),
    Backup(crate::jobs::backup::BackupError),
    Faces(crate::jobs::faces::FaceScanError)
);

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

/// One piece of work on its own named thread, with progress and cancel; asks for a repaint
/// when it is done.
#[derive(Debug)]
pub struct Task<T> {
    name: String,
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
            name: name.to_owned(),
            result,
            cancel,
            progress,
        }
    }

    /// The result once finished; an error if the thread died without one.
    pub fn poll(&self) -> Option<Result<T, WorkError>> {
        match self.result.try_recv() {
            Ok(value) => Some(Ok(value)),
            Err(TryRecvError::Empty) => None,
            Err(TryRecvError::Disconnected) => Some(Err(WorkError::Stopped(self.name.clone()))),
        }
    }

    pub fn cancel(&self) {
        self.cancel.store(true, Ordering::Relaxed);
    }

    pub fn is_cancelling(&self) -> bool {
        self.cancel.load(Ordering::Relaxed)
    }
}

impl<T: Send + 'static, E: Into<WorkError> + Send + 'static> Task<Result<T, E>> {
    /// The result of work that can fail, its own failure and the thread's as one error.
    pub fn poll_result(&self) -> Option<Result<T, WorkError>> {
        self.poll()
            .map(|r| r.and_then(|inner| inner.map_err(Into::into)))
    }
}

/// Takes in a job's result once it is there: stored in `outcome` and returned the first
/// time only (the caller says what came of it); `None` while it runs or once taken.
pub fn take_outcome<'a, T: Send + 'static, E: Into<WorkError> + Send + 'static>(
    task: &Task<Result<T, E>>,
    outcome: &'a mut Option<Result<T, WorkError>>,
) -> Option<&'a Result<T, WorkError>> {
    if outcome.is_some() {
        return None;
    }
    *outcome = Some(task.poll_result()?);
    outcome.as_ref()
}

fn thread_name() -> String {
    std::thread::current().name().unwrap_or("query").to_owned()
}

/// A query's answer, numbered like the request it answers.
#[derive(Debug)]
pub struct Answer<A> {
    pub serial: u64,
    pub result: Result<A, WorkError>,
    pub elapsed: Duration,
}

/// One named thread with its own catalogue connection that answers queries, newest first
/// (queries that were overtaken are skipped), so the UI thread never waits for SQL.
pub struct QueryThread<Q, A> {
    requests: SyncSender<(u64, Q)>,
    answers: Receiver<Answer<A>>,
    /// The newest request's number, and the newest answered.
    wanted: u64,
    answered: u64,
}

impl<Q, A> std::fmt::Debug for QueryThread<Q, A> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("QueryThread")
            .field("wanted", &self.wanted)
            .field("answered", &self.answered)
            .finish_non_exhaustive()
    }
}

impl<Q: Send + 'static, A: Send + 'static> QueryThread<Q, A> {
    pub fn spawn(
        name: &str,
        library: Arc<Library>,
        ctx: egui::Context,
        mut answer: impl FnMut(&mut Catalogue, Q) -> Result<A, CatalogueError> + Send + 'static,
    ) -> Self {
        let (requests, request_rx) = sync_channel::<(u64, Q)>(16);
        let (answer_tx, answers) = sync_channel(16);
        std::thread::Builder::new()
            .name(name.to_owned())
            .spawn(move || {
                // When the connection cannot be opened, the first answer says why.
                let mut catalogue = library.catalogue().map_err(Some);
                while let Ok(mut query) = request_rx.recv() {
                    while let Ok(newer) = request_rx.try_recv() {
                        query = newer;
                    }
                    let start = Instant::now();
                    let (serial, query) = query;
                    let result = match &mut catalogue {
                        Ok(cat) => answer(cat, query).map_err(WorkError::from),
                        Err(e) => Err(e
                            .take()
                            .map_or_else(|| WorkError::Stopped(thread_name()), WorkError::Library)),
                    };
                    let elapsed = start.elapsed();
                    if answer_tx
                        .send(Answer {
                            serial,
                            result,
                            elapsed,
                        })
                        .is_err()
                    {
                        return;
                    }
                    ctx.request_repaint();
                }
            })
            .expect("spawning a query thread");
        Self {
            requests,
            answers,
            wanted: 0,
            answered: 0,
        }
    }

    /// Asks for `query`; earlier questions' answers will be ignored.
    pub fn request(&mut self, query: Q) {
        self.wanted += 1;
        let _ = self.requests.send((self.wanted, query));
    }

    /// Forgets what was asked (the answer is known already).
    pub fn forget(&mut self) {
        self.wanted += 1;
        self.answered = self.wanted;
    }

    /// The answer to the newest request, once it is there.
    pub fn poll(&mut self) -> Option<Answer<A>> {
        let mut latest = None;
        while let Ok(answer) = self.answers.try_recv() {
            if answer.serial == self.wanted {
                self.answered = answer.serial;
                latest = Some(answer);
            }
        }
        latest
    }

    /// A request is waiting for its answer.
    pub fn is_waiting(&self) -> bool {
        self.answered != self.wanted
    }
}

/// Holds a worker between its work and its answer while held: a test hook that makes an
/// answer late on purpose (an answer overtaken by a newer request must be dropped), so tests
/// need not race the worker. Open unless a test holds it.
#[doc(hidden)]
#[derive(Debug, Default)]
pub struct Gate {
    state: Mutex<GateState>,
    changed: Condvar,
}

#[derive(Debug, Default)]
struct GateState {
    held: bool,
    /// Workers that may pass while held.
    passes: usize,
    /// How many times a worker has come to the gate.
    arrivals: usize,
}

impl Gate {
    /// Workers wait at the gate from now on.
    pub fn hold(&self) {
        self.lock().held = true;
    }

    /// Lets one waiting (or the next) worker through; the gate stays held.
    pub fn let_one_through(&self) {
        self.lock().passes += 1;
        self.changed.notify_all();
    }

    /// Opens the gate for good.
    pub fn release(&self) {
        self.lock().held = false;
        self.changed.notify_all();
    }

    /// How many times a worker has come to the gate (passed or waiting).
    pub fn arrivals(&self) -> usize {
        self.lock().arrivals
    }

    /// Waits (up to `patience`) until workers have come to the gate `n` times; whether they
    /// have.
    pub fn wait_for_arrivals(&self, n: usize, patience: Duration) -> bool {
        let state = self.lock();
        let (state, _) = self
            .changed
            .wait_timeout_while(state, patience, |s| s.arrivals < n)
            .expect("gate poisoned");
        state.arrivals >= n
    }

    /// Called by the worker: waits while the gate is held and no pass is left.
    pub(super) fn pass(&self) {
        let mut state = self.lock();
        state.arrivals += 1;
        self.changed.notify_all();
        while state.held && state.passes == 0 {
            state = self.changed.wait(state).expect("gate poisoned");
        }
        if state.held {
            state.passes -= 1;
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, GateState> {
        self.state.lock().expect("gate poisoned")
    }
}

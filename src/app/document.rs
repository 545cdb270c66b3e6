//! Files made of a whole series: the PDF report (from the series page) and the aligned
//! time-lapse (from the comparison). Each has a form (a window over the screen), asks where
//! to save with the native dialog, then runs on a worker with progress and Cancel.

use super::background::{Task, WorkError, take_outcome};
use super::cx::Cx;
use super::nav::Modal;
use crate::jobs::report::{ReportRequest, ReportSummary, run_report};
use crate::jobs::timelapse::{TimelapseRequest, TimelapseSummary, run_timelapse};
use crate::model::{SeriesId, View};
use std::path::PathBuf;

/// Everything the report and time-lapse windows can be asked to do.
#[derive(Clone, Debug, PartialEq)]
pub enum DocumentCommand {
    /// Open the report form for a series.
    ShowReport(SeriesId),
    /// Open the time-lapse form for a series' view.
    ShowTimelapse(SeriesId, Option<View>),
    /// Close the form.
    CloseForm,
    /// Ask where to save (offering `out`'s file name), then make the report.
    ChooseReportFile(ReportRequest),
    Report(ReportRequest),
    /// Ask where to save (offering `out`'s file name), then make the time-lapse.
    ChooseTimelapseFile(TimelapseRequest),
    Timelapse(TimelapseRequest),
    Cancel,
    Dismiss,
}

/// What a finished job wrote.
#[derive(Clone, Debug, PartialEq)]
pub enum Made {
    Report(ReportSummary),
    Timelapse(TimelapseSummary),
}

impl Made {
    /// What was written, in words.
    pub fn describe(&self) -> String {
        match self {
            Self::Report(s) => format!(
                "{} pages, {} photos, {} KiB; originals verified: {} of {}.",
                s.pages,
                s.images,
                s.bytes.div_ceil(1024),
                s.verified,
                s.verified + s.altered.len()
            ),
            Self::Timelapse(s) => format!(
                "{} photos, {} frames, {}×{} px, {} KiB.",
                s.photos,
                s.frames,
                s.width,
                s.height,
                s.bytes.div_ceil(1024)
            ),
        }
    }

    pub fn notes(&self) -> &[String] {
        match self {
            Self::Report(s) => &s.notes,
            Self::Timelapse(s) => &s.notes,
        }
    }
}

/// A report or time-lapse being made, or its outcome.
#[derive(Debug)]
pub struct DocumentJob {
    /// "Report" or "Time-lapse".
    pub what: &'static str,
    pub out: PathBuf,
    pub task: Task<Result<Made, WorkError>>,
    pub outcome: Option<Result<Made, WorkError>>,
}

impl DocumentJob {
    pub fn is_running(&self) -> bool {
        self.outcome.is_none()
    }
}

#[derive(Debug, Default)]
pub struct DocumentFeature {
    pub job: Option<DocumentJob>,
}

/// `request.out` with the folder the user chose, or `None` when the dialog was cancelled.
fn ask(
    cx: &Cx,
    title: &str,
    proposed: &std::path::Path,
    filter: (&str, &[&str]),
) -> Option<PathBuf> {
    let name = proposed
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    let mut chosen = super::dialogs::save_as(&cx.env.main_thread, title, &name, filter)?;
    // A name typed without the extension gets the one offered.
    if chosen.extension().is_none()
        && let Some(ext) = proposed.extension()
    {
        chosen.set_extension(ext);
    }
    Some(chosen)
}

impl DocumentFeature {
    pub(in crate::app) fn run(&mut self, command: DocumentCommand, cx: &mut Cx) {
        match command {
            DocumentCommand::ShowReport(series) => cx.nav.show(Modal::Report(series)),
            DocumentCommand::ShowTimelapse(series, view) => {
                cx.nav.show(Modal::Timelapse(series, view));
            }
            DocumentCommand::CloseForm => cx
                .nav
                .dismiss(|m| matches!(m, Modal::Report(_) | Modal::Timelapse(..))),
            DocumentCommand::ChooseReportFile(mut request) => {
                if let Some(out) = ask(cx, "Save the report", &request.out, ("PDF", &["pdf"])) {
                    request.out = out;
                    self.start_report(request, cx);
                }
            }
            DocumentCommand::Report(request) => self.start_report(request, cx),
            DocumentCommand::ChooseTimelapseFile(mut request) => {
                let ext = request
                    .out
                    .extension()
                    .map_or_else(String::new, |e| e.to_string_lossy().into_owned());
                let filter = (ext.to_uppercase(), [ext.as_str()]);
                if let Some(out) = ask(
                    cx,
                    "Save the time-lapse",
                    &request.out,
                    (&filter.0, &filter.1),
                ) {
                    request.out = out;
                    self.start_timelapse(request, cx);
                }
            }
            DocumentCommand::Timelapse(request) => self.start_timelapse(request, cx),
            DocumentCommand::Cancel => {
                if let Some(job) = &self.job {
                    job.task.cancel();
                }
            }
            DocumentCommand::Dismiss => {
                if self.job.as_ref().is_some_and(|j| j.outcome.is_some()) {
                    self.job = None;
                }
            }
        }
    }

    fn start(
        &mut self,
        what: &'static str,
        out: PathBuf,
        cx: &mut Cx,
        work: impl FnOnce(
            &crate::library::Library,
            &super::background::TaskProgress,
            &std::sync::atomic::AtomicBool,
        ) -> Result<Made, WorkError>
        + Send
        + 'static,
    ) {
        if self.job.as_ref().is_some_and(DocumentJob::is_running) {
            cx.notices
                .error("A report or time-lapse is being made already; wait for it or cancel it.");
            return;
        }
        let Some(library) = cx.library.library().cloned() else {
            return;
        };
        cx.nav
            .dismiss(|m| matches!(m, Modal::Report(_) | Modal::Timelapse(..)));
        let task = Task::spawn(what, cx.ctx(), move |progress, cancel| {
            work(&library, progress, cancel)
        });
        self.job = Some(DocumentJob {
            what,
            out,
            task,
            outcome: None,
        });
    }

    fn start_report(&mut self, request: ReportRequest, cx: &mut Cx) {
        let out = request.out.clone();
        self.start("Report", out, cx, move |library, progress, cancel| {
            run_report(library, &request, cancel, &mut |f, step| {
                progress.set(f, step);
            })
            .map(Made::Report)
            .map_err(WorkError::from)
        });
    }

    fn start_timelapse(&mut self, request: TimelapseRequest, cx: &mut Cx) {
        let out = request.out.clone();
        self.start("Time-lapse", out, cx, move |library, progress, cancel| {
            run_timelapse(library, &request, cancel, &mut |f, step| {
                progress.set(f, step);
            })
            .map(Made::Timelapse)
            .map_err(WorkError::from)
        });
    }

    /// Takes in a finished job.
    pub(in crate::app) fn poll(&mut self, notices: &mut super::notices::Notices) {
        let Some(job) = &mut self.job else {
            return;
        };
        match take_outcome(&job.task, &mut job.outcome) {
            Some(Ok(_)) => notices.info(format!("{} saved: {}.", job.what, job.out.display())),
            Some(Err(e)) => notices.error(format!("{} failed: {e}", job.what)),
            None => {}
        }
    }

    pub fn is_busy(&self) -> bool {
        self.job.as_ref().is_some_and(DocumentJob::is_running)
    }
}

//! Faces in the app: whether the facial regions are drawn (viewer and comparison), what is
//! known of a photo's face (found, none, not looked at yet), and the background scan that
//! looks for faces on photos imported before faces were found at import.

use super::background::{Task, WorkError, take_outcome};
use super::cx::{Cx, Stale};
use crate::catalogue::FaceRecord;
use crate::jobs::faces::{FaceScanError, FaceScanSummary, scan_faces};
use crate::model::count;
use std::fmt::Write as _;

/// What is known of one photo's face.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FaceState {
    Found,
    /// Looked, and there is no face on it.
    NoFace,
    /// Not looked at yet (imported before faces were found at import).
    NotScanned,
}

impl FaceState {
    /// From the stored record: `None` when the photo was never looked at.
    pub fn of(record: Option<&FaceRecord>) -> Self {
        match record {
            Some(r) if r.face.is_some() => Self::Found,
            Some(_) => Self::NoFace,
            None => Self::NotScanned,
        }
    }

    /// Why no regions can be drawn on the photo, in words; `None` when they can.
    pub fn why_no_regions(self) -> Option<&'static str> {
        match self {
            Self::Found => None,
            Self::NoFace => Some("no face found on this photo"),
            Self::NotScanned => Some("not scanned for faces yet (File menu: Find faces…)"),
        }
    }
}

/// The face-scan's commands (besides the action that starts it).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FaceCommand {
    CancelScan,
    /// Close the finished scan's window.
    DismissScan,
}

/// A scan running in the background, or its outcome.
#[derive(Debug)]
pub struct ScanJob {
    pub task: Task<Result<FaceScanSummary, FaceScanError>>,
    pub outcome: Option<Result<FaceScanSummary, WorkError>>,
}

impl ScanJob {
    pub fn is_running(&self) -> bool {
        self.outcome.is_none()
    }
}

/// The summary of a finished scan, in words.
pub fn scan_text(summary: &FaceScanSummary) -> String {
    let mut text = if summary.scanned == 0 && !summary.cancelled && summary.failed.is_empty() {
        "Every photo has been looked at for a face already.".to_owned()
    } else {
        format!(
            "Looked at {}: {} with a face.",
            count(summary.scanned, "photo", "photos"),
            summary.with_face
        )
    };
    if summary.cancelled {
        let _ = write!(
            text,
            " Cancelled: {} left for the next scan.",
            count(summary.not_started, "photo", "photos")
        );
    }
    if !summary.failed.is_empty() {
        let _ = write!(
            text,
            " {} could not be read.",
            count(summary.failed.len(), "photo", "photos")
        );
    }
    text
}

/// Faces: the regions' switch and the scan.
#[derive(Debug, Default)]
pub struct FacesFeature {
    /// The ten facial regions are drawn over the photos (viewer and comparison).
    pub show_regions: bool,
    pub scan: Option<ScanJob>,
}

impl FacesFeature {
    pub(in crate::app) fn run(&mut self, command: FaceCommand, _cx: &mut Cx) {
        match command {
            FaceCommand::CancelScan => {
                if let Some(job) = &self.scan {
                    job.task.cancel();
                }
            }
            FaceCommand::DismissScan => {
                if self.scan.as_ref().is_some_and(|j| !j.is_running()) {
                    self.scan = None;
                }
            }
        }
    }

    /// Starts looking for faces on every photo not looked at yet, on a worker thread.
    pub(in crate::app) fn start_scan(&mut self, cx: &mut Cx) {
        if self.scan.as_ref().is_some_and(ScanJob::is_running) {
            cx.notices
                .error("Finding faces: a scan is already running; wait for it or cancel it.");
            return;
        }
        let Some(library) = cx.library.library().cloned() else {
            return;
        };
        let task = Task::spawn("face-scan", cx.ctx(), move |progress, cancel| {
            scan_faces(&library, cancel, &mut |done, total| {
                let fraction = if total == 0 {
                    1.0
                } else {
                    done as f32 / total as f32
                };
                progress.set(fraction, &format!("{done} of {total} photos"));
            })
        });
        self.scan = Some(ScanJob {
            task,
            outcome: None,
        });
    }

    /// Takes in a finished scan: what it found shows in the inspector, the viewer and the
    /// comparison.
    pub(in crate::app) fn poll(&mut self, cx: &mut Cx) {
        let Some(job) = &mut self.scan else {
            return;
        };
        let Some(outcome) = take_outcome(&job.task, &mut job.outcome) else {
            return;
        };
        match outcome {
            Ok(summary) => cx
                .notices
                .info(format!("Finding faces: {}", scan_text(summary))),
            Err(e) => cx.notices.error(format!("Finding faces failed: {e}")),
        }
        cx.stale |= Stale::DETAILS | Stale::PAGES | Stale::FACES;
    }

    pub fn is_busy(&self) -> bool {
        self.scan.as_ref().is_some_and(ScanJob::is_running)
    }
}

//! The fairest pair of the compared series and view: proposed on a worker thread whenever
//! the comparison shows another series or view, shown with its reason above the photos.

use super::Comparison;
use crate::app::background::{Task, WorkError};
use crate::jobs::export::ExportError;
use crate::jobs::fairest::propose_fairest;
use crate::library::Library;
use crate::model::fairest::FairestPair;
use crate::model::{SeriesId, View};
use std::sync::Arc;

/// What a proposal is for: one series, one view.
pub type FairestKey = (SeriesId, View);

/// The proposal for one series and view, running or done (`Ok(None)`: the view has fewer
/// than two photos).
#[derive(Debug)]
pub struct FairestJob {
    pub key: FairestKey,
    pub task: Option<Task<Result<Option<FairestPair>, ExportError>>>,
    pub result: Option<Result<Option<FairestPair>, WorkError>>,
    /// The catalogue changed (alignments, sessions): propose again, showing this one
    /// meanwhile.
    pub stale: bool,
}

impl FairestJob {
    pub fn is_running(&self) -> bool {
        self.task.is_some()
    }
}

/// The series and view a comparison's proposal is for: A's series and view.
pub fn key(c: &Comparison) -> Option<FairestKey> {
    Some((c.pair.main_series()?.series.id, c.pair.a.photo.view?))
}

/// Takes in a finished proposal, and starts one when the comparison shows a series and view
/// the last proposal was not for.
pub(in crate::app) fn poll(
    job: &mut Option<FairestJob>,
    c: Option<&Comparison>,
    library: &Arc<Library>,
    ctx: &egui::Context,
) {
    if let Some(j) = job
        && let Some(task) = &j.task
        && let Some(result) = task.poll_result()
    {
        j.task = None;
        j.result = Some(result);
    }
    let Some(wanted) = c.and_then(key) else {
        return;
    };
    if job
        .as_ref()
        .is_some_and(|j| j.key == wanted && (!j.stale || j.is_running()))
    {
        return;
    }
    // The same series and view asked again: the last answer shows until the new one is in.
    let shown = job
        .take()
        .filter(|j| j.key == wanted)
        .and_then(|j| j.result);
    let library = Arc::clone(library);
    let (series, view) = wanted;
    let task = Task::spawn("fairest-pair", ctx, move |_, _| {
        propose_fairest(&library, series, view)
    });
    *job = Some(FairestJob {
        key: wanted,
        task: Some(task),
        result: shown,
        stale: false,
    });
}

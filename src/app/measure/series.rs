//! A saved region measured in every photo of its series' timeline, on a worker with
//! progress and Cancel; what it measured is stored as one undoable step.

use super::{MeasureEdit, MeasureFeature};
use crate::app::background::{Task, WorkError};
use crate::app::cx::Cx;
use crate::jobs::measure::{MeasureError, SeriesOutcome, measure_series, measured};
use crate::model::RegionId;
use crate::model::measure::SpotThreshold;

/// What a finished run did.
#[derive(Clone, Debug, PartialEq)]
pub struct SeriesSummary {
    pub measured: usize,
    pub total: usize,
    /// Each photo that was not measured, and why.
    pub skipped: Vec<String>,
}

/// A region being measured across its series, or its outcome.
#[derive(Debug)]
pub struct SeriesJob {
    pub region: RegionId,
    pub name: String,
    pub task: Task<Result<Vec<SeriesOutcome>, MeasureError>>,
    pub outcome: Option<Result<SeriesSummary, WorkError>>,
}

impl SeriesJob {
    pub fn is_running(&self) -> bool {
        self.outcome.is_none()
    }
}

impl MeasureFeature {
    pub(super) fn start_series(&mut self, region: RegionId, cx: &mut Cx) {
        if self.series_job.as_ref().is_some_and(SeriesJob::is_running) {
            cx.notices.error(
                "A region is being measured across its series already; wait for it or cancel it.",
            );
            return;
        }
        let Some(library) = cx.library.library().cloned() else {
            return;
        };
        let name = self
            .regions
            .get(region)
            .map_or_else(|| format!("region {region}"), |r| r.name.clone());
        let task = Task::spawn("measure-series", cx.ctx(), move |progress, cancel| {
            measure_series(
                &library,
                region,
                SpotThreshold::default(),
                cancel,
                &mut |done, total| {
                    progress.set(
                        done as f32 / total.max(1) as f32,
                        &format!("Photo {done} of {total}"),
                    );
                },
            )
        });
        self.series_job = Some(SeriesJob {
            region,
            name,
            task,
            outcome: None,
        });
    }

    /// Stores what a finished run measured (one step to undo) and says what it did.
    pub(super) fn poll_series(&mut self, cx: &mut Cx) {
        let Some(job) = &mut self.series_job else {
            return;
        };
        if job.outcome.is_some() {
            return;
        }
        let Some(result) = job.task.poll_result() else {
            return;
        };
        let outcome = result.map(|outcomes| {
            let changes = measured(&outcomes);
            let summary = SeriesSummary {
                measured: changes.len(),
                total: outcomes.len(),
                skipped: outcomes
                    .iter()
                    .filter_map(|o| o.result.as_ref().err().map(ToString::to_string))
                    .collect(),
            };
            (changes, summary)
        });
        job.outcome = Some(match outcome {
            Ok((changes, summary)) => {
                if !changes.is_empty() {
                    let edit = MeasureEdit::Measurements {
                        region: job.region,
                        name: job.name.clone(),
                        changes,
                    };
                    cx.edit(edit.into());
                }
                cx.notices.info(format!(
                    "Measured region \"{}\" in {} of {} photos of the series.",
                    job.name, summary.measured, summary.total
                ));
                Ok(summary)
            }
            Err(e) => {
                cx.notices.error(format!(
                    "Measuring region \"{}\" across the series: {e}",
                    job.name
                ));
                Err(e)
            }
        });
    }
}

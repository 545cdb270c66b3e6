//! Aligning the pair being compared: landmarks the user places (fitted live), automatic
//! alignment proposed in the background (accept or reject), reset, aligning a whole series
//! to its baseline, and the pixel checks (colour, sharpness) of the aligned pair.

use super::{CompareFeature, Comparison, reload_alignment};
use crate::app::background::{Task, TaskProgress, WorkError};
use crate::app::cx::Cx;
use crate::app::edit::{AlignEdit, AlignTo};
use crate::catalogue::LandmarkPair;
use crate::imaging::align::{AutoAlignment, align};
use crate::imaging::derive::PREVIEW_EDGE;
use crate::jobs::export::load_pixels;
use crate::library::Library;
use crate::model::compare::PairQuality;
use crate::model::face::FaceLandmarks;
use crate::model::transform::{Fit, FitError, fit_similarity};
use crate::model::{AlignMethod, Photo, PhotoId, Side, Similarity};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// Automatic alignment of the pair: running, or its proposal awaiting accept or reject.
#[derive(Debug)]
pub enum AutoProposal {
    Running(Task<Result<AutoAlignment, WorkError>>),
    Done(Result<AutoAlignment, WorkError>),
}

/// The alignment work on the pair being compared.
#[derive(Debug, Default)]
pub struct AlignWork {
    /// Matching points (on A, on B), normalised coordinates of each photo.
    pub landmarks: Vec<LandmarkPair>,
    /// A point placed on one side, waiting for its match on the other.
    pub pending: Option<(Side, [f64; 2])>,
    /// The fit of the landmarks (with residuals), once there are any.
    pub fit: Option<Result<Fit, FitError>>,
    pub auto: Option<AutoProposal>,
}

/// Everything alignment can be asked to do.
#[derive(Clone, Debug, PartialEq)]
pub enum AlignCommand {
    /// A point on one side (normalised coordinates of that photo).
    AddPoint(Side, [f64; 2]),
    MovePoint(usize, Side, [f64; 2]),
    DeletePoint(usize),
    ClearPoints,
    Auto,
    AcceptAuto,
    RejectAuto,
    /// Forget B's alignment.
    Reset,
    /// Auto-align every photo of the timeline to its first (the baseline).
    Series,
    CancelSeries,
    DismissSeries,
}

/// Why one photo of a series was not aligned.
#[derive(Debug, thiserror::Error)]
pub enum NotAligned {
    /// Automatic alignment found no trustworthy match (the reason says why).
    #[error("{0}")]
    Declined(String),
    #[error(transparent)]
    Failed(#[from] WorkError),
}

/// One photo's outcome in a series alignment: its confidence, or why it was not aligned.
pub type SeriesAlignRow = (PhotoId, chrono::NaiveDate, Result<f64, NotAligned>);

/// What aligning a series found: a row per photo, and the alignments to store (the trusted
/// ones), stored together as one undoable step when the job is taken in.
#[derive(Debug)]
pub struct SeriesAligned {
    pub rows: Vec<SeriesAlignRow>,
    pub found: Vec<AlignTo>,
}

/// Aligning a series to its baseline in the background.
#[derive(Debug)]
pub struct SeriesAlignJob {
    pub task: Task<Result<SeriesAligned, WorkError>>,
    pub total: usize,
    pub outcome: Option<Result<Vec<SeriesAlignRow>, WorkError>>,
}

impl SeriesAlignJob {
    pub fn is_running(&self) -> bool {
        self.outcome.is_none()
    }
}

/// The quality checks of a pair, and the transform they were measured through.
pub type QualityTask = (Similarity, Task<Result<PairQuality, WorkError>>);

/// Both photos' previews, as pixels.
pub(super) fn previews(
    library: &Library,
    a: &Photo,
    b: &Photo,
) -> Result<(image::RgbImage, image::RgbImage), WorkError> {
    let load = |p: &Photo| load_pixels(library, p, PREVIEW_EDGE);
    Ok((load(a)?, load(b)?))
}

impl CompareFeature {
    pub(super) fn run_align(&mut self, command: AlignCommand, cx: &mut Cx) {
        match command {
            AlignCommand::DismissSeries => {
                if self.series_align.as_ref().is_some_and(|j| !j.is_running()) {
                    self.series_align = None;
                }
            }
            AlignCommand::CancelSeries => {
                if let Some(job) = &self.series_align {
                    job.task.cancel();
                }
            }
            AlignCommand::Series => self.start_series_alignment(cx),
            command => edit_pair(command, cx),
        }
    }

    fn start_series_alignment(&mut self, cx: &mut Cx) {
        if self
            .series_align
            .as_ref()
            .is_some_and(SeriesAlignJob::is_running)
        {
            cx.notices
                .error("A series is already being aligned; wait for it or cancel it.");
            return;
        }
        let (Some(library), Some(c)) = (cx.library.library().cloned(), cx.nav.comparison()) else {
            return;
        };
        let Some(series) = c.pair.main_series() else {
            cx.notices
                .error("Align series: these photos are not in a series.");
            return;
        };
        let photos: Vec<(Photo, Option<FaceLandmarks>)> = c
            .timeline
            .iter()
            .filter_map(|id| series.photo(*id).map(|p| (p.photo.clone(), p.face.clone())))
            .collect();
        if photos.len() < 2 {
            cx.notices
                .error("Align series: the series has no other photo of this view to align.");
            return;
        }
        let total = photos.len() - 1;
        let task = Task::spawn("align-series", cx.ctx(), move |progress, cancel| {
            align_series(&library, &photos, progress, cancel)
        });
        self.series_align = Some(SeriesAlignJob {
            task,
            total,
            outcome: None,
        });
    }

    /// Takes in a finished series alignment and stores what it found, as one undoable step.
    pub(in crate::app) fn poll_series_alignment(&mut self, cx: &mut Cx) {
        let Some(job) = &mut self.series_align else {
            return;
        };
        if job.outcome.is_some() {
            return;
        }
        let Some(outcome) = job.task.poll_result() else {
            return;
        };
        job.outcome = Some(match outcome {
            Ok(SeriesAligned { rows, found }) => {
                let aligned = found.len();
                if !found.is_empty() && cx.edit(AlignEdit::Series(found)).is_some() {
                    reload_alignment(cx);
                }
                cx.notices.undoable(
                    format!(
                        "Series aligned to its baseline: {aligned} aligned, {} declined. Undo with Ctrl+Z.",
                        rows.len() - aligned
                    ),
                    cx.history.current(),
                );
                Ok(rows)
            }
            Err(e) => {
                cx.notices.error(format!("Aligning the series failed: {e}"));
                Err(e)
            }
        });
    }
}

/// Auto-aligns every photo after the first onto it (by the faces when both show one); the
/// trusted alignments are stored by the UI thread when it takes the result in.
fn align_series(
    library: &Library,
    photos: &[(Photo, Option<FaceLandmarks>)],
    progress: &TaskProgress,
    cancel: &AtomicBool,
) -> Result<SeriesAligned, WorkError> {
    let (base, base_face) = &photos[0];
    let base_pixels = load_pixels(library, base, PREVIEW_EDGE)?;
    let total = photos.len() - 1;
    let mut rows = Vec::new();
    let mut found_all = Vec::new();
    for (i, (photo, face)) in photos[1..].iter().enumerate() {
        if cancel.load(Ordering::Relaxed) {
            break;
        }
        progress.set(
            i as f32 / total as f32,
            &format!("Aligning {} of {total}", i + 1),
        );
        let date = photo.taken_at.local.date();
        let outcome = (|| {
            let pixels = load_pixels(library, photo, PREVIEW_EDGE).map_err(WorkError::from)?;
            let found = align(&base_pixels, &pixels, base_face.as_ref(), face.as_ref());
            found.verdict.clone().map_err(NotAligned::Declined)?;
            found_all.push(AlignTo {
                photo: photo.id,
                reference: base.id,
                transform: found.transform,
                method: found.method,
                confidence: Some(found.confidence),
                landmarks: None,
            });
            Ok(found.confidence)
        })();
        rows.push((photo.id, date, outcome));
    }
    progress.set(1.0, "Done");
    Ok(SeriesAligned {
        rows,
        found: found_all,
    })
}

/// The commands that change the pair's landmarks or alignment.
fn edit_pair(command: AlignCommand, cx: &mut Cx) {
    let library = cx.library.library().cloned();
    let ctx = cx.ctx().clone();
    let Some(c) = cx.nav.comparison_mut() else {
        return;
    };
    let (on_a, on_b) = (c.pair.a.id(), c.pair.b.id());
    let work = &mut c.align;
    let mut landmarks_changed = false;
    let mut edit = None;
    match command {
        AlignCommand::AddPoint(side, p) => match work.pending.take() {
            Some((other, q)) if other != side => {
                work.landmarks.push(match side {
                    Side::B => (q, p),
                    Side::A => (p, q),
                });
                landmarks_changed = true;
            }
            _ => work.pending = Some((side, p)),
        },
        AlignCommand::MovePoint(i, side, p) => {
            if let Some(pair) = work.landmarks.get_mut(i) {
                match side {
                    Side::A => pair.0 = p,
                    Side::B => pair.1 = p,
                }
                landmarks_changed = true;
            }
        }
        AlignCommand::DeletePoint(i) => {
            if i < work.landmarks.len() {
                work.landmarks.remove(i);
                landmarks_changed = true;
            }
        }
        AlignCommand::ClearPoints => {
            work.landmarks.clear();
            work.pending = None;
            work.fit = None;
        }
        AlignCommand::Auto => {
            let Some(library) = library else { return };
            let (pa, pb) = (c.pair.a.photo.clone(), c.pair.b.photo.clone());
            let (fa, fb) = (c.pair.a.face.clone(), c.pair.b.face.clone());
            let task = Task::spawn("auto-align", &ctx, move |_, _| {
                let (pa, pb) = previews(&library, &pa, &pb)?;
                Ok(align(&pa, &pb, fa.as_ref(), fb.as_ref()))
            });
            work.auto = Some(AutoProposal::Running(task));
        }
        AlignCommand::AcceptAuto => {
            if let Some(AutoProposal::Done(Ok(found))) = &work.auto
                && found.accepted()
            {
                edit = Some(AlignEdit::Align(AlignTo {
                    photo: on_b,
                    reference: on_a,
                    transform: found.transform,
                    method: found.method,
                    confidence: Some(found.confidence),
                    landmarks: None,
                }));
                work.auto = None;
            }
        }
        AlignCommand::RejectAuto => work.auto = None,
        AlignCommand::Reset => {
            *work = AlignWork::default();
            edit = Some(AlignEdit::Reset(on_b));
        }
        AlignCommand::Series | AlignCommand::CancelSeries | AlignCommand::DismissSeries => {}
    }
    if landmarks_changed {
        edit = fit_landmarks(c);
    }
    if let Some(edit) = edit
        && cx.edit(edit).is_some()
    {
        reload_alignment(cx);
    }
}

/// Fits the landmarks; a fit is stored at once, so every view and export uses it.
fn fit_landmarks(c: &mut Comparison) -> Option<AlignEdit> {
    let landmarks = c.align.landmarks.clone();
    if landmarks.is_empty() {
        c.align.fit = None;
        return None;
    }
    let fit = fit_similarity(&landmarks);
    c.align.fit = Some(fit.clone());
    let fit = fit.ok()?;
    Some(AlignEdit::Align(AlignTo {
        photo: c.pair.b.id(),
        reference: c.pair.a.id(),
        transform: fit.transform,
        method: AlignMethod::Landmarks,
        confidence: None,
        landmarks: Some(landmarks),
    }))
}

/// Takes in a finished auto-alignment and pixel checks; starts the checks when the pair's
/// transform changed.
pub(in crate::app) fn poll_pair(c: &mut Comparison, library: &Arc<Library>, ctx: &egui::Context) {
    if let Some(AutoProposal::Running(task)) = &c.align.auto
        && let Some(result) = task.poll_result()
    {
        c.align.auto = Some(AutoProposal::Done(result));
    }
    if let Some((t, task)) = &c.quality_task
        && let Some(result) = task.poll_result()
    {
        let t = *t;
        c.quality_task = None;
        // When the previews cannot be read the comparison says so already.
        c.quality = Some((t, result));
        c.refresh_findings();
    }
    let current = c.quality.as_ref().map(|(t, _)| *t);
    if c.quality_task.is_some() || current == Some(c.transform()) {
        return;
    }
    let (a, b, t) = (
        c.pair.a.photo.clone(),
        c.pair.b.photo.clone(),
        c.transform(),
    );
    let library = Arc::clone(library);
    let task = Task::spawn("pair-quality", ctx, move |_, _| {
        let (pa, pb) = previews(&library, &a, &b)?;
        Ok(crate::imaging::quality::pair_quality(&pa, &pb, &t))
    });
    c.quality_task = Some((t, task));
}

//! Aligning the pair being compared: landmarks the user places (fitted live), automatic
//! alignment proposed in the background (accept or reject), reset, aligning a whole series
//! to its baseline, and the pixel checks (colour, sharpness) of the aligned pair.

use super::App;
use super::background::Task;
use super::compare::CompareState;
use crate::catalogue::LandmarkPair;
use crate::imaging::align::{AutoAlignment, align};
use crate::imaging::derive::PREVIEW_EDGE;
use crate::jobs::export::load_pixels;
use crate::library::Library;
use crate::model::compare::PairQuality;
use crate::model::transform::{Fit, FitError, fit_similarity};
use crate::model::{AlignMethod, Photo, PhotoId, Side, Similarity};
use std::sync::Arc;

/// Automatic alignment of the pair: running, or its proposal awaiting accept or reject.
#[derive(Debug)]
pub enum AutoProposal {
    Running(Task<Result<AutoAlignment, String>>),
    Done(Result<AutoAlignment, String>),
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

/// One photo's outcome in a series alignment: its confidence, or why it was declined.
pub type SeriesAlignRow = (PhotoId, chrono::NaiveDate, Result<f64, String>);

/// Aligning a series to its baseline in the background.
#[derive(Debug)]
pub struct SeriesAlignJob {
    pub task: Task<Result<Vec<SeriesAlignRow>, String>>,
    pub total: usize,
    pub outcome: Option<Result<Vec<SeriesAlignRow>, String>>,
}

impl SeriesAlignJob {
    pub fn is_running(&self) -> bool {
        self.outcome.is_none()
    }
}

/// The quality checks of a pair, and the transform they were measured through.
pub type QualityTask = (Similarity, Task<Result<PairQuality, String>>);

fn previews(
    library: &Library,
    a: &Photo,
    b: &Photo,
) -> Result<(image::RgbImage, image::RgbImage), String> {
    let load = |p: &Photo| load_pixels(library, p, PREVIEW_EDGE).map_err(|e| e.to_string());
    Ok((load(a)?, load(b)?))
}

impl App {
    pub(super) fn run_align(&mut self, command: AlignCommand) {
        if let AlignCommand::DismissSeries = command {
            if self
                .state
                .series_align
                .as_ref()
                .is_some_and(|j| !j.is_running())
            {
                self.state.series_align = None;
            }
            return;
        }
        if let AlignCommand::CancelSeries = command {
            if let Some(job) = &self.state.series_align {
                job.task.cancel();
            }
            return;
        }
        let Some(library) = self.state.library().cloned() else {
            return;
        };
        let Some(c) = &mut self.state.compare else {
            return;
        };
        let work = &mut c.align;
        let mut landmarks_changed = false;
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
                let (a, b) = (c.pair.a.photo.clone(), c.pair.b.photo.clone());
                let faces = (c.pair.a.face.clone(), c.pair.b.face.clone());
                let task = Task::spawn("auto-align", &self.ctx, move |_, _| {
                    let (pa, pb) = previews(&library, &a, &b)?;
                    Ok(align(&pa, &pb, faces.0.as_ref(), faces.1.as_ref()))
                });
                work.auto = Some(AutoProposal::Running(task));
            }
            AlignCommand::AcceptAuto => {
                if let Some(AutoProposal::Done(Ok(found))) = &work.auto
                    && found.accepted()
                {
                    let (a, b) = (c.pair.a.id(), c.pair.b.id());
                    let (t, confidence, method) = (found.transform, found.confidence, found.method);
                    work.auto = None;
                    if self
                        .state
                        .with_catalogue("Align", |cat| {
                            cat.save_alignment(b, a, t, method, Some(confidence), None)
                        })
                        .is_some()
                    {
                        self.reload_alignment();
                    }
                }
            }
            AlignCommand::RejectAuto => work.auto = None,
            AlignCommand::Reset => {
                let b = c.pair.b.id();
                work.landmarks.clear();
                work.pending = None;
                work.fit = None;
                work.auto = None;
                if self
                    .state
                    .with_catalogue("Reset alignment", |cat| cat.reset_alignment(b))
                    .is_some()
                {
                    self.reload_alignment();
                }
            }
            AlignCommand::Series => self.start_series_alignment(library),
            AlignCommand::CancelSeries | AlignCommand::DismissSeries => {}
        }
        if landmarks_changed {
            self.fit_landmarks();
        }
    }

    /// Fits the landmarks; a fit is stored at once, so every view and export uses it.
    fn fit_landmarks(&mut self) {
        let Some(c) = &mut self.state.compare else {
            return;
        };
        let (a, b) = (c.pair.a.id(), c.pair.b.id());
        let landmarks = c.align.landmarks.clone();
        if landmarks.is_empty() {
            c.align.fit = None;
            return;
        }
        let fit = fit_similarity(&landmarks);
        c.align.fit = Some(fit.clone());
        if let Ok(fit) = fit
            && self
                .state
                .with_catalogue("Align", |cat| {
                    cat.save_alignment(
                        b,
                        a,
                        fit.transform,
                        AlignMethod::Landmarks,
                        None,
                        Some(&landmarks),
                    )
                })
                .is_some()
        {
            self.reload_alignment();
        }
    }

    /// Re-reads the pair's transform (and the sheet's) after the catalogue changed.
    pub(super) fn reload_alignment(&mut self) {
        let Some(c) = &self.state.compare else {
            return;
        };
        let (a, b) = (c.pair.a.id(), c.pair.b.id());
        let timeline = c.timeline.clone();
        let read = self.state.with_catalogue("Read alignment", |cat| {
            let pair = cat.pair_transform(a, b)?;
            let mut sheet = std::collections::HashMap::new();
            if let Some(&first) = timeline.first() {
                for &id in &timeline[1..] {
                    if let Some(t) = cat.pair_transform(first, id)? {
                        sheet.insert(id, t);
                    }
                }
            }
            Ok((pair, sheet))
        });
        if let (Some((pair, sheet)), Some(c)) = (read, &mut self.state.compare) {
            c.aligned = pair;
            c.sheet_transforms = sheet;
            c.refresh_findings();
        }
    }

    fn start_series_alignment(&mut self, library: Arc<Library>) {
        if self
            .state
            .series_align
            .as_ref()
            .is_some_and(SeriesAlignJob::is_running)
        {
            self.state
                .error("A series is already being aligned; wait for it or cancel it.");
            return;
        }
        let Some(c) = &self.state.compare else {
            return;
        };
        let Some(series) = c.pair.main_series() else {
            self.state
                .error("Align series: these photos are not in a series.");
            return;
        };
        let photos: Vec<(Photo, Option<crate::model::face::FaceLandmarks>)> = c
            .timeline
            .iter()
            .filter_map(|id| series.photo(*id).map(|p| (p.photo.clone(), p.face.clone())))
            .collect();
        if photos.len() < 2 {
            self.state
                .error("Align series: the series has no other photo of this view to align.");
            return;
        }
        let total = photos.len() - 1;
        let task = Task::spawn("align-series", &self.ctx, move |progress, cancel| {
            let mut catalogue = library.catalogue().map_err(|e| e.to_string())?;
            let (base, base_face) = &photos[0];
            let base_pixels =
                load_pixels(&library, base, PREVIEW_EDGE).map_err(|e| e.to_string())?;
            let mut rows = Vec::new();
            for (i, (photo, face)) in photos[1..].iter().enumerate() {
                if cancel.load(std::sync::atomic::Ordering::Relaxed) {
                    break;
                }
                progress.set(
                    i as f32 / total as f32,
                    &format!("Aligning {} of {total}", i + 1),
                );
                let date = photo.taken_at.local.date();
                let outcome = load_pixels(&library, photo, PREVIEW_EDGE)
                    .map_err(|e| e.to_string())
                    .and_then(|pixels| {
                        let found = align(&base_pixels, &pixels, base_face.as_ref(), face.as_ref());
                        found.verdict.clone()?;
                        catalogue
                            .save_alignment(
                                photo.id,
                                base.id,
                                found.transform,
                                found.method,
                                Some(found.confidence),
                                None,
                            )
                            .map_err(|e| e.to_string())?;
                        Ok(found.confidence)
                    });
                rows.push((photo.id, date, outcome));
            }
            progress.set(1.0, "Done");
            Ok(rows)
        });
        self.state.series_align = Some(SeriesAlignJob {
            task,
            total,
            outcome: None,
        });
    }

    /// Takes in finished alignment work; starts the pair's quality checks when needed.
    pub(super) fn poll_align(&mut self) {
        if let Some(job) = &mut self.state.series_align
            && job.outcome.is_none()
            && let Some(result) = job.task.poll()
        {
            let outcome = result.and_then(|r| r);
            match &outcome {
                Ok(rows) => {
                    let aligned = rows.iter().filter(|r| r.2.is_ok()).count();
                    let text = format!(
                        "Series aligned to its baseline: {aligned} aligned, {} declined.",
                        rows.len() - aligned
                    );
                    self.state.info(text);
                }
                Err(e) => {
                    let text = format!("Aligning the series failed: {e}");
                    self.state.error(text);
                }
            }
            if let Some(job) = &mut self.state.series_align {
                job.outcome = Some(outcome);
            }
            self.reload_alignment();
        }
        let Some(library) = self.state.library().cloned() else {
            return;
        };
        let Some(c) = &mut self.state.compare else {
            return;
        };
        if let Some(AutoProposal::Running(task)) = &c.align.auto
            && let Some(result) = task.poll()
        {
            c.align.auto = Some(AutoProposal::Done(result.and_then(|r| r)));
        }
        if let Some((t, task)) = &c.quality_task
            && let Some(result) = task.poll()
        {
            let t = *t;
            c.quality_task = None;
            // When the previews cannot be read the comparison says so already.
            c.quality = Some((t, result.and_then(|r| r)));
            c.refresh_findings();
        }
        start_quality(c, &library, &self.ctx);
    }
}

/// Measures the pair through its current transform when that has not been done yet.
fn start_quality(c: &mut CompareState, library: &Arc<Library>, ctx: &egui::Context) {
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

//! Comparing two photos: what is compared, how (mode, divider, opacity, gain, flicker), the
//! series it steps through, and the background work behind it (difference image, export).

use super::App;
use super::background::Task;
use crate::imaging::compose::{ExportFormat, Split, difference, heat_map, warp_into};
use crate::jobs::export::{ExportError, ExportKind, ExportRequest, ExportSummary, run_export};
use crate::library::Library;
use crate::model::compare::PairQuality;
use crate::model::{Finding, Pair, PhotoId, SeriesId, Side, Similarity};
use std::sync::Arc;

/// How the two photos are shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CompareMode {
    SideBySide,
    Slider,
    Overlay,
    Difference,
    Flicker,
    /// One photo per session of the series, in a grid.
    Sheet,
    /// Both photos as taken, to place matching landmarks and auto-align.
    Align,
}

impl CompareMode {
    pub const ALL: [Self; 7] = [
        Self::SideBySide,
        Self::Slider,
        Self::Overlay,
        Self::Difference,
        Self::Flicker,
        Self::Sheet,
        Self::Align,
    ];

    pub fn action(self) -> super::Action {
        use super::Action;
        match self {
            Self::SideBySide => Action::ModeSideBySide,
            Self::Slider => Action::ModeSlider,
            Self::Overlay => Action::ModeOverlay,
            Self::Difference => Action::ModeDifference,
            Self::Flicker => Action::ModeFlicker,
            Self::Sheet => Action::ModeSheet,
            Self::Align => Action::ModeAlign,
        }
    }
}

/// How comparisons look; kept from one comparison to the next.
// Each flag is an independent on/off switch of its own mode's toolbar.
#[allow(clippy::struct_excessive_bools)]
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CompareSettings {
    pub mode: CompareMode,
    pub split: Split,
    /// B over A in the overlay, 0–1.
    pub opacity: f32,
    /// Amplification of the difference, 1–32.
    pub gain: f32,
    /// The difference as a heat map rather than colour.
    pub heat: bool,
    pub flicker_ms: u32,
    /// Flicker by itself; otherwise B shows while Space is held.
    pub flicker_auto: bool,
    /// Side by side: zoom and pan both sides together.
    pub linked: bool,
    /// Align mode: B drawn through the current fit over A at half opacity, live.
    pub align_preview: bool,
}

impl Default for CompareSettings {
    fn default() -> Self {
        Self {
            mode: CompareMode::SideBySide,
            split: Split {
                at: 0.5,
                vertical: true,
            },
            opacity: 0.5,
            gain: 4.0,
            heat: false,
            flicker_ms: 700,
            flicker_auto: true,
            linked: true,
            align_preview: true,
        }
    }
}

pub const GAIN_RANGE: std::ops::RangeInclusive<f32> = 1.0..=32.0;
pub const FLICKER_RANGE: std::ops::RangeInclusive<u32> = 150..=3000;
/// How far one press of `[` or `]` moves the divider.
pub const SPLIT_NUDGE: f32 = 0.02;

/// Everything about one difference image: when any of it changes, it is computed again.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct DifferenceKey {
    pub a: PhotoId,
    pub b: PhotoId,
    pub transform: Similarity,
    pub gain: f32,
    pub heat: bool,
}

/// The amplified difference of the two previews, in A's frame.
pub struct DifferenceImage {
    pub key: DifferenceKey,
    pub texture: egui::TextureHandle,
}

impl std::fmt::Debug for DifferenceImage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DifferenceImage")
            .field("key", &self.key)
            .finish_non_exhaustive()
    }
}

/// The comparison on screen.
#[derive(Debug)]
pub struct CompareState {
    pub pair: Pair,
    pub findings: Vec<Finding>,
    /// The photos of the series that line up with A (one per session), for the timeline
    /// and the contact sheet.
    pub timeline: Vec<PhotoId>,
    pub difference: Option<DifferenceImage>,
    pub difference_task: Option<(DifferenceKey, Task<Result<egui::ColorImage, String>>)>,
    /// The stored B → A transform; `None` when the pair is not aligned.
    pub aligned: Option<Similarity>,
    pub align: super::align::AlignWork,
    /// Colour and sharpness of the pair, measured through the transform given.
    pub quality: Option<(Similarity, Result<PairQuality, String>)>,
    pub quality_task: Option<super::align::QualityTask>,
    /// Timeline photos aligned to the first: how each sits on it (for the sheet).
    pub sheet_transforms: std::collections::HashMap<PhotoId, Similarity>,
}

impl CompareState {
    fn new(pair: Pair) -> Self {
        let findings = pair.findings();
        let timeline = pair
            .main_series()
            .map(|s| s.timeline(&pair.a))
            .unwrap_or_default();
        Self {
            pair,
            findings,
            timeline,
            difference: None,
            difference_task: None,
            aligned: None,
            align: super::align::AlignWork::default(),
            quality: None,
            quality_task: None,
            sheet_transforms: std::collections::HashMap::new(),
        }
    }

    /// The pair's findings: its labels, its alignment and what its pixels say, worst first.
    pub fn refresh_findings(&mut self) {
        let mut findings = self.pair.findings();
        findings.extend(crate::model::compare::alignment_findings(
            self.aligned.as_ref(),
        ));
        if let Some((_, Ok(q))) = &self.quality {
            findings.extend(q.findings());
        }
        findings.sort_by_key(|f| std::cmp::Reverse(f.severity));
        self.findings = findings;
    }

    /// Where B sits on A: the stored alignment, or identity when the pair is not aligned.
    pub fn transform(&self) -> Similarity {
        self.aligned.unwrap_or(Similarity::IDENTITY)
    }

    /// Where B is on the timeline, if it is on it.
    pub fn timeline_position(&self) -> Option<usize> {
        self.timeline.iter().position(|&id| id == self.pair.b.id())
    }

    /// The difference image the current settings ask for.
    pub fn wanted_difference(&self, settings: &CompareSettings) -> DifferenceKey {
        DifferenceKey {
            a: self.pair.a.id(),
            b: self.pair.b.id(),
            transform: self.transform(),
            gain: settings.gain,
            heat: settings.heat,
        }
    }
}

/// Everything a comparison can be asked to do.
#[derive(Clone, Debug, PartialEq)]
pub enum CompareCommand {
    /// Compare two photos (the earlier one becomes A).
    Photos(PhotoId, PhotoId),
    /// Compare the baseline and the latest photo of a series' best-covered view.
    Series(SeriesId),
    /// Put a photo on one side.
    Set(Side, PhotoId),
    Swap,
    Mode(CompareMode),
    Split(f32),
    SplitVertical(bool),
    Opacity(f32),
    Gain(f32),
    Heat(bool),
    Flicker {
        interval_ms: u32,
        auto: bool,
    },
    Linked(bool),
    AlignPreview(bool),
    /// Keep A at the baseline and show the timeline's `n`th photo as B.
    Step(usize),
    Close,
    /// Open the export window.
    ShowExport(bool),
    /// Ask where to save, then export (the export window's "Save as…").
    ChooseExportFile {
        kind: ExportKind,
        width: u32,
        format: ExportFormat,
        purpose: Option<crate::model::clinical::ConsentScope>,
    },
    Export(ExportRequest),
    CancelExport,
    DismissExport,
    Align(super::align::AlignCommand),
}

/// An export running in the background, or its outcome.
#[derive(Debug)]
pub struct ExportJob {
    pub request: ExportRequest,
    pub task: Task<Result<ExportSummary, ExportError>>,
    pub outcome: Option<Result<ExportSummary, String>>,
}

impl App {
    pub(super) fn run_compare(&mut self, command: CompareCommand) {
        let settings = &mut self.state.compare_settings;
        match command {
            CompareCommand::Photos(a, b) => self.open_compare(a, b),
            CompareCommand::Series(series) => {
                let picked = self.state.with_catalogue("Compare", |cat| {
                    Ok(cat.series_photos(series)?.baseline_and_latest())
                });
                match picked {
                    Some(Some((a, b))) => self.open_compare(a, b),
                    Some(None) => self.state.error(
                        "Compare: this series has no view with photos from two different sessions yet.",
                    ),
                    None => {}
                }
            }
            CompareCommand::Set(side, id) => {
                if let Some(c) = &self.state.compare {
                    let (a, b) = match side {
                        Side::A => (id, c.pair.b.id()),
                        Side::B => (c.pair.a.id(), id),
                    };
                    self.load_pair(a, b);
                }
            }
            CompareCommand::Swap => {
                if let Some(c) = &self.state.compare {
                    let (a, b) = (c.pair.b.id(), c.pair.a.id());
                    self.load_pair(a, b);
                }
            }
            CompareCommand::Mode(mode) => settings.mode = mode,
            CompareCommand::Split(at) => settings.split.at = at.clamp(0.0, 1.0),
            CompareCommand::SplitVertical(vertical) => settings.split.vertical = vertical,
            CompareCommand::Opacity(o) => settings.opacity = o.clamp(0.0, 1.0),
            CompareCommand::Gain(g) => {
                settings.gain = g.clamp(*GAIN_RANGE.start(), *GAIN_RANGE.end());
            }
            CompareCommand::Heat(heat) => settings.heat = heat,
            CompareCommand::Flicker { interval_ms, auto } => {
                settings.flicker_ms =
                    interval_ms.clamp(*FLICKER_RANGE.start(), *FLICKER_RANGE.end());
                settings.flicker_auto = auto;
            }
            CompareCommand::Linked(linked) => settings.linked = linked,
            CompareCommand::AlignPreview(on) => settings.align_preview = on,
            CompareCommand::Step(n) => {
                if let Some(c) = &self.state.compare
                    && let (Some(&first), Some(&id)) = (c.timeline.first(), c.timeline.get(n))
                {
                    self.load_pair(first, id);
                }
            }
            CompareCommand::Close => {
                self.state.compare = None;
                self.state.show_export = false;
            }
            CompareCommand::ShowExport(show) => {
                self.state.show_export = show && self.state.compare.is_some();
            }
            CompareCommand::ChooseExportFile {
                kind,
                width,
                format,
                purpose,
            } => {
                let name = self.export_file_name(format);
                if let Some(mut out) = super::dialogs::save_image(&self.main_thread, &name) {
                    if ExportFormat::from_path(&out).is_none() {
                        out.set_extension(match format {
                            ExportFormat::Png => "png",
                            ExportFormat::Jpeg => "jpg",
                        });
                    }
                    self.start_export(ExportRequest {
                        kind,
                        width,
                        out,
                        purpose,
                        deidentify: crate::model::deidentify::Deidentify::ByPurpose,
                    });
                }
            }
            CompareCommand::Export(request) => self.start_export(request),
            CompareCommand::CancelExport => {
                if let Some(job) = &self.state.export {
                    job.task.cancel();
                }
            }
            CompareCommand::Align(command) => self.run_align(command),
            CompareCommand::DismissExport => {
                if self
                    .state
                    .export
                    .as_ref()
                    .is_some_and(|j| j.outcome.is_some())
                {
                    self.state.export = None;
                }
            }
        }
    }

    /// Opens a comparison of two photos, the earlier as A.
    fn open_compare(&mut self, a: PhotoId, b: PhotoId) {
        self.state.viewer = None;
        let first = self.state.compare.is_none();
        self.load_pair(a, b);
        if let Some(c) = &self.state.compare
            && first
            && c.pair.a.photo.taken_at.local > c.pair.b.photo.taken_at.local
        {
            self.load_pair(b, a);
        }
        if first {
            self.panels.compare.reset();
        }
    }

    /// Reads a pair from the catalogue and shows it, keeping how it is shown.
    fn load_pair(&mut self, a: PhotoId, b: PhotoId) {
        let loaded = self.state.with_catalogue("Compare", |cat| {
            Ok((cat.compare_pair(a, b)?, cat.landmarks(b, a)?))
        });
        if let Some((pair, landmarks)) = loaded {
            let mut state = CompareState::new(pair);
            if !landmarks.is_empty() {
                state.align.fit = Some(crate::model::transform::fit_similarity(&landmarks));
            }
            state.align.landmarks = landmarks;
            self.state.compare = Some(state);
            self.reload_alignment();
        }
    }

    /// Action "Compare": the two selected photos, or one photo against its series' baseline.
    pub(super) fn compare_selection(&mut self) {
        let ids = self.state.selection.ids();
        match ids.as_slice() {
            [a, b] => self.open_compare(*a, *b),
            [one] => {
                let baseline = self.state.with_catalogue("Compare", |cat| {
                    let photo = cat.compared_photo(*one)?;
                    let Some(series) = photo.photo.series else {
                        return Ok(None);
                    };
                    let series = cat.series_photos(series)?;
                    Ok(series.timeline(&photo).first().copied())
                });
                match baseline {
                    Some(Some(first)) if first != *one => self.open_compare(first, *one),
                    Some(_) => self.state.error(
                        "Compare: select two photos, or a photo in a series that has an earlier photo of the same view.",
                    ),
                    None => {}
                }
            }
            _ => self
                .state
                .error("Compare: select exactly two photos (Ctrl-click the second)."),
        }
    }

    /// "Me_2026-06-17_vs_2026-11-19.png"
    fn export_file_name(&self, format: ExportFormat) -> String {
        let ext = match format {
            ExportFormat::Png => "png",
            ExportFormat::Jpeg => "jpg",
        };
        let Some(c) = &self.state.compare else {
            return format!("comparison.{ext}");
        };
        let name: String = c
            .pair
            .b
            .person_name
            .as_deref()
            .unwrap_or("comparison")
            .chars()
            .map(|ch| if ch.is_alphanumeric() { ch } else { '-' })
            .collect();
        format!(
            "{name}_{}_vs_{}.{ext}",
            c.pair.a.date().format("%Y-%m-%d"),
            c.pair.b.date().format("%Y-%m-%d")
        )
    }

    fn start_export(&mut self, request: ExportRequest) {
        if self
            .state
            .export
            .as_ref()
            .is_some_and(|j| j.outcome.is_none())
        {
            self.state
                .error("An export is already running; wait for it or cancel it.");
            return;
        }
        let Some(library) = self.state.library().cloned() else {
            return;
        };
        self.state.show_export = false;
        let job_request = request.clone();
        let task = Task::spawn("export", &self.ctx, move |progress, cancel| {
            run_export(&library, &job_request, cancel, &mut |fraction, step| {
                progress.set(fraction, step);
            })
        });
        self.state.export = Some(ExportJob {
            request,
            task,
            outcome: None,
        });
    }

    /// Takes in finished comparison work, and starts the difference image when it is wanted.
    pub(super) fn poll_compare(&mut self) {
        if let Some(job) = &mut self.state.export
            && job.outcome.is_none()
            && let Some(result) = job.task.poll()
        {
            let outcome = result.and_then(|r| r.map_err(|e| e.to_string()));
            match &outcome {
                Ok(s) => {
                    let text = format!("Exported {}.", s.path.display());
                    self.state.info(text);
                }
                Err(e) => {
                    let text = format!("Export failed: {e}");
                    self.state.error(text);
                }
            }
            if let Some(job) = &mut self.state.export {
                job.outcome = Some(outcome);
            }
        }
        let settings = self.state.compare_settings;
        let Some(library) = self.state.library().cloned() else {
            return;
        };
        let Some(c) = &mut self.state.compare else {
            return;
        };
        if let Some((key, task)) = &c.difference_task
            && let Some(result) = task.poll()
        {
            let key = *key;
            c.difference_task = None;
            match result.and_then(|r| r) {
                Ok(image) => {
                    let texture =
                        self.ctx
                            .load_texture("difference", image, egui::TextureOptions::LINEAR);
                    c.difference = Some(DifferenceImage { key, texture });
                }
                Err(e) => {
                    self.state
                        .error(format!("Could not compute the difference: {e}"));
                    return;
                }
            }
        }
        let wanted = c.wanted_difference(&settings);
        let current = c.difference.as_ref().map(|d| d.key);
        if settings.mode == CompareMode::Difference
            && current != Some(wanted)
            && c.difference_task.is_none()
        {
            let (a, b) = (c.pair.a.photo.clone(), c.pair.b.photo.clone());
            let task = Task::spawn("difference", &self.ctx, move |_, _| {
                difference_image(&library, &a, &b, &wanted)
            });
            c.difference_task = Some((wanted, task));
        }
    }
}

/// The amplified difference of two photos' previews in A's frame (B through the transform;
/// where B has no pixels, no difference).
fn difference_image(
    library: &Arc<Library>,
    a: &crate::model::Photo,
    b: &crate::model::Photo,
    key: &DifferenceKey,
) -> Result<egui::ColorImage, String> {
    use crate::imaging::derive::PREVIEW_EDGE;
    let load = |p: &crate::model::Photo| {
        crate::jobs::export::load_pixels(library, p, PREVIEW_EDGE).map_err(|e| e.to_string())
    };
    let a = load(a)?;
    let b = warp_into(&load(b)?, &key.transform, a.width(), a.height(), Some(&a));
    let image = if key.heat {
        heat_map(&a, &b, key.gain)
    } else {
        difference(&a, &b, key.gain)
    };
    Ok(egui::ColorImage::from_rgb(
        [image.width() as usize, image.height() as usize],
        image.as_raw(),
    ))
}

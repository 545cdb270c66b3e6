//! Comparing two photos: what is compared ([`Comparison`], the compare screen's state), how
//! ([`CompareSettings`]: mode, divider, opacity, gain, flicker, kept from one comparison to
//! the next), the series it steps through, and its commands. Alignment is in [`align`], the
//! background work (difference image, pixel checks, export) in [`work`].

pub mod align;
pub mod fairest;
pub mod work;

pub use work::{DifferenceImage, DifferenceKey, ExportJob};

use super::background::{Task, WorkError};
use super::command::Action;
use super::cx::Cx;
use super::faces::FaceState;
use super::nav::{Modal, Requests, Screen, ScreenKind, ZoomStep};
use crate::imaging::compose::{ExportFormat, Split};
use crate::jobs::export::{ExportKind, ExportRequest};
use crate::model::compare::PairQuality;
use crate::model::{Finding, Pair, PhotoId, SeriesId, Side, Similarity};

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
    /// A and B side by side in A's frame, to draw a region and measure it in both.
    Measure,
}

impl CompareMode {
    pub const ALL: [Self; 8] = [
        Self::SideBySide,
        Self::Slider,
        Self::Overlay,
        Self::Difference,
        Self::Flicker,
        Self::Sheet,
        Self::Align,
        Self::Measure,
    ];

    pub fn action(self) -> Action {
        match self {
            Self::SideBySide => Action::ModeSideBySide,
            Self::Slider => Action::ModeSlider,
            Self::Overlay => Action::ModeOverlay,
            Self::Difference => Action::ModeDifference,
            Self::Flicker => Action::ModeFlicker,
            Self::Sheet => Action::ModeSheet,
            Self::Align => Action::ModeAlign,
            Self::Measure => Action::ModeMeasure,
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

/// The comparison on screen.
#[derive(Debug)]
pub struct Comparison {
    pub pair: Pair,
    pub findings: Vec<Finding>,
    /// What is known of A's and B's faces (for the facial regions, or why there are none).
    pub faces: [FaceState; 2],
    /// The photos of the series that line up with A (one per session), for the timeline
    /// and the contact sheet.
    pub timeline: Vec<PhotoId>,
    pub difference: Option<DifferenceImage>,
    pub difference_task: Option<(DifferenceKey, Task<Result<egui::ColorImage, WorkError>>)>,
    /// The stored B → A transform; `None` when the pair is not aligned.
    pub aligned: Option<Similarity>,
    pub align: align::AlignWork,
    /// Colour and sharpness of the pair, measured through the transform given.
    pub quality: Option<(Similarity, Result<PairQuality, WorkError>)>,
    pub quality_task: Option<align::QualityTask>,
    /// Timeline photos aligned to the first: how each sits on it (for the sheet).
    pub sheet_transforms: std::collections::HashMap<PhotoId, Similarity>,
    /// Changes when another comparison is opened (not when a side changes): it starts fitted.
    pub opened: u64,
    pub zoom: Requests<ZoomStep>,
}

impl Comparison {
    fn new(pair: Pair, opened: u64) -> Self {
        let findings = pair.findings();
        let timeline = pair
            .main_series()
            .map(|s| s.timeline(&pair.a))
            .unwrap_or_default();
        Self {
            pair,
            findings,
            faces: [FaceState::NotScanned; 2],
            timeline,
            difference: None,
            difference_task: None,
            aligned: None,
            align: align::AlignWork::default(),
            quality: None,
            quality_task: None,
            sheet_transforms: std::collections::HashMap::new(),
            opened,
            zoom: Requests::default(),
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

    /// What is known of one side's face.
    pub fn face_state(&self, side: Side) -> FaceState {
        match side {
            Side::A => self.faces[0],
            Side::B => self.faces[1],
        }
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

    /// The timeline's photo `delta` steps from B (B at the end when it is not on it).
    fn timeline_step(&self, delta: isize) -> Option<usize> {
        if self.timeline.is_empty() {
            return None;
        }
        Some(match self.timeline_position() {
            Some(i) => i.saturating_add_signed(delta).min(self.timeline.len() - 1),
            None => self.timeline.len() - 1,
        })
    }

    /// "Me_2026-06-17_vs_2026-11-19.png"; de-identified (`Some(style)`), the case number or
    /// initials in place of the name: "Case-0017_2026-06-17_vs_2026-11-19.png".
    pub fn export_file_name(
        &self,
        format: ExportFormat,
        deidentified: Option<crate::model::deidentify::NameStyle>,
    ) -> String {
        let b = &self.pair.b;
        let shown = match (deidentified, b.person_name.as_deref(), b.photo.person) {
            (Some(style), Some(name), Some(person)) => {
                crate::model::deidentify::pseudonym(name, person, style)
            }
            (Some(_), _, _) => "comparison".to_owned(),
            (None, name, _) => name.unwrap_or("comparison").to_owned(),
        };
        let mapped: String = shown
            .chars()
            .map(|ch| if ch.is_alphanumeric() { ch } else { '-' })
            .collect();
        // "J. D." → "J-D", not "J--D-".
        let name = mapped
            .split('-')
            .filter(|w| !w.is_empty())
            .collect::<Vec<_>>()
            .join("-");
        format!(
            "{name}_{}_vs_{}.{}",
            self.pair.a.date().format("%Y-%m-%d"),
            self.pair.b.date().format("%Y-%m-%d"),
            format.extension()
        )
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
        deidentify: crate::model::deidentify::Deidentify,
    },
    Export(ExportRequest),
    CancelExport,
    DismissExport,
    Align(align::AlignCommand),
    /// Propose the fairest pair of the compared series and view again.
    ProposeFairest,
}

/// Comparing: how comparisons look, and the background jobs that outlive one.
#[derive(Debug, Default)]
pub struct CompareFeature {
    pub settings: CompareSettings,
    pub export: Option<ExportJob>,
    /// A series being aligned to its baseline, or its summary.
    pub series_align: Option<align::SeriesAlignJob>,
    /// The fairest pair of the compared series and view, proposed in the background.
    pub fairest: Option<fairest::FairestJob>,
}

impl CompareFeature {
    pub(in crate::app) fn run(&mut self, command: CompareCommand, cx: &mut Cx) {
        if self.settings_command(&command) {
            return;
        }
        match command {
            CompareCommand::Photos(a, b) => open(a, b, cx),
            CompareCommand::Series(series) => {
                let picked = cx.catalogue("Compare", |cat| {
                    Ok(cat.series_photos(series)?.baseline_and_latest())
                });
                match picked {
                    Some(Some((a, b))) => open(a, b, cx),
                    Some(None) => cx.notices.error(
                        "Compare: this series has no view with photos from two different sessions yet.",
                    ),
                    None => {}
                }
            }
            CompareCommand::Set(side, id) => {
                if let Some(c) = cx.nav.comparison() {
                    let (a, b) = match side {
                        Side::A => (id, c.pair.b.id()),
                        Side::B => (c.pair.a.id(), id),
                    };
                    show_pair(a, b, cx);
                }
            }
            CompareCommand::Swap => {
                if let Some(c) = cx.nav.comparison() {
                    let (a, b) = (c.pair.b.id(), c.pair.a.id());
                    show_pair(a, b, cx);
                }
            }
            CompareCommand::Step(n) => {
                if let Some(c) = cx.nav.comparison()
                    && let (Some(&first), Some(&id)) = (c.timeline.first(), c.timeline.get(n))
                {
                    show_pair(first, id, cx);
                }
            }
            CompareCommand::Close => {
                cx.nav.close(ScreenKind::Compare);
                cx.nav.dismiss(|m| *m == Modal::Export);
            }
            CompareCommand::ShowExport(true) if cx.nav.comparison().is_some() => {
                cx.nav.show(Modal::Export);
            }
            CompareCommand::ShowExport(_) => cx.nav.dismiss(|m| *m == Modal::Export),
            CompareCommand::Align(command) => self.run_align(command, cx),
            CompareCommand::ProposeFairest => {
                if let Some(job) = &mut self.fairest {
                    job.stale = true;
                }
            }
            command => self.run_export(command, cx),
        }
    }

    /// Runs a command that only changes how comparisons look; false for any other.
    fn settings_command(&mut self, command: &CompareCommand) -> bool {
        let settings = &mut self.settings;
        match *command {
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
            _ => return false,
        }
        true
    }

    /// The comparison's own meaning of an action (its keys and toolbar), if it has one.
    pub(in crate::app) fn command_for(&self, action: Action, cx: &Cx) -> Option<CompareCommand> {
        let settings = &self.settings;
        Some(match action {
            Action::SwapSides => CompareCommand::Swap,
            Action::FlipDivider => CompareCommand::SplitVertical(!settings.split.vertical),
            Action::DividerBack => CompareCommand::Split(settings.split.at - SPLIT_NUDGE),
            Action::DividerForward => CompareCommand::Split(settings.split.at + SPLIT_NUDGE),
            Action::ToggleLink => CompareCommand::Linked(!settings.linked),
            Action::ExportComparison => CompareCommand::ShowExport(true),
            Action::NextPhoto | Action::PreviousPhoto => {
                let delta = if action == Action::NextPhoto { 1 } else { -1 };
                CompareCommand::Step(cx.nav.comparison()?.timeline_step(delta)?)
            }
            _ => CompareCommand::Mode(
                CompareMode::ALL
                    .into_iter()
                    .find(|m| m.action() == action)?,
            ),
        })
    }

    /// Action "Compare": the two selected photos, or one photo against its series' baseline.
    pub(in crate::app) fn compare_selection(ids: &[PhotoId], cx: &mut Cx) {
        match ids {
            [a, b] => open(*a, *b, cx),
            [one] => {
                let baseline = cx.catalogue("Compare", |cat| {
                    let photo = cat.compared_photo(*one)?;
                    let Some(series) = photo.photo.series else {
                        return Ok(None);
                    };
                    let series = cat.series_photos(series)?;
                    Ok(series.timeline(&photo).first().copied())
                });
                match baseline {
                    Some(Some(first)) if first != *one => open(first, *one, cx),
                    Some(_) => cx.notices.error(
                        "Compare: select two photos, or a photo in a series that has an earlier photo of the same view.",
                    ),
                    None => {}
                }
            }
            _ => cx
                .notices
                .error("Compare: select exactly two photos (Ctrl-click the second)."),
        }
    }

    pub fn is_busy(&self, nav: &super::nav::Navigation) -> bool {
        self.export.as_ref().is_some_and(|j| j.outcome.is_none())
            || self
                .series_align
                .as_ref()
                .is_some_and(align::SeriesAlignJob::is_running)
            || self
                .fairest
                .as_ref()
                .is_some_and(fairest::FairestJob::is_running)
            || nav.comparison().is_some_and(|c| {
                c.difference_task.is_some()
                    || c.quality_task.is_some()
                    || matches!(c.align.auto, Some(align::AutoProposal::Running(_)))
            })
    }
}

/// Opens a comparison of two photos, the earlier as A; an open comparison keeps its zoom.
fn open(a: PhotoId, b: PhotoId, cx: &mut Cx) {
    let opened = match cx.nav.comparison() {
        Some(c) => c.opened,
        None => cx.nav.next_serial(),
    };
    let fresh = cx.nav.comparison().is_none();
    let Some(mut c) = load(a, b, opened, cx) else {
        return;
    };
    if fresh && c.pair.a.photo.taken_at.local > c.pair.b.photo.taken_at.local {
        match load(b, a, opened, cx) {
            Some(swapped) => c = swapped,
            None => return,
        }
    }
    if let Some(old) = cx.nav.comparison_mut() {
        c.zoom = std::mem::take(&mut old.zoom);
    }
    cx.nav.open(Screen::Compare(Box::new(c)));
    reload_alignment(cx);
}

/// Shows another pair in the open comparison, keeping how it is shown.
fn show_pair(a: PhotoId, b: PhotoId, cx: &mut Cx) {
    let Some(opened) = cx.nav.comparison().map(|c| c.opened) else {
        return;
    };
    let Some(mut c) = load(a, b, opened, cx) else {
        return;
    };
    if let Some(old) = cx.nav.comparison_mut() {
        c.zoom = std::mem::take(&mut old.zoom);
        *old = c;
    }
    reload_alignment(cx);
}

/// Reads a pair and its landmarks from the catalogue.
fn load(a: PhotoId, b: PhotoId, opened: u64, cx: &mut Cx) -> Option<Comparison> {
    let (pair, landmarks, faces) = cx.catalogue("Compare", |cat| {
        let faces = [
            FaceState::of(cat.face(a)?.as_ref()),
            FaceState::of(cat.face(b)?.as_ref()),
        ];
        Ok((cat.compare_pair(a, b)?, cat.landmarks(b, a)?, faces))
    })?;
    let mut c = Comparison::new(pair, opened);
    c.faces = faces;
    if !landmarks.is_empty() {
        c.align.fit = Some(crate::model::transform::fit_similarity(&landmarks));
    }
    c.align.landmarks = landmarks;
    Some(c)
}

/// Reads the compared pair again (a face scan found its faces).
pub(in crate::app) fn reload_pair(cx: &mut Cx) {
    if let Some((a, b)) = cx.nav.comparison().map(|c| (c.pair.a.id(), c.pair.b.id())) {
        show_pair(a, b, cx);
    }
}

/// Re-reads the pair's landmarks (an undo or redo changed them).
pub(in crate::app) fn reload_landmarks(cx: &mut Cx) {
    let Some((a, b)) = cx.nav.comparison().map(|c| (c.pair.a.id(), c.pair.b.id())) else {
        return;
    };
    let read = cx.catalogue("Read landmarks", |cat| cat.landmarks(b, a));
    if let (Some(landmarks), Some(c)) = (read, cx.nav.comparison_mut()) {
        c.align.fit =
            (!landmarks.is_empty()).then(|| crate::model::transform::fit_similarity(&landmarks));
        c.align.landmarks = landmarks;
        c.align.pending = None;
    }
}

/// Re-reads the pair's transform (and the sheet's) after the catalogue changed.
pub(in crate::app) fn reload_alignment(cx: &mut Cx) {
    let Some(c) = cx.nav.comparison() else {
        return;
    };
    let (a, b) = (c.pair.a.id(), c.pair.b.id());
    let timeline = c.timeline.clone();
    let read = cx.catalogue("Read alignment", |cat| {
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
    if let (Some((pair, sheet)), Some(c)) = (read, cx.nav.comparison_mut()) {
        c.aligned = pair;
        c.sheet_transforms = sheet;
        c.refresh_findings();
    }
}

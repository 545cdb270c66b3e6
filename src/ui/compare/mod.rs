//! The comparison: two photos in one of six modes, each side labelled, the pair's findings
//! above, and below a timeline through the series and a filmstrip to put any of its photos
//! on either side.

mod align;
mod canvas;
mod export;
mod faces;
mod measure;

pub use align::series_window;
pub use export::{ExportForm, export_progress_window};

use super::theme::{self, palette};
use super::zoom::ZoomPan;
use crate::app::compare::{Comparison, FLICKER_RANGE, GAIN_RANGE};
use crate::app::images::{ImageCache, Rendition};
use crate::app::{Action, AppState, Commands, CompareCommand, CompareMode, CompareSettings};
use crate::model::{Severity, Side};
use egui::{Color32, RichText, Sense, Ui, Vec2};

/// The colour that marks A or B everywhere (frames, labels, filmstrip, landmarks).
pub(super) fn side_colour(ui: &Ui, side: Side) -> Color32 {
    match side {
        Side::A => palette(ui).side_a,
        Side::B => palette(ui).side_b,
    }
}

#[derive(Debug, Default)]
pub struct ComparePanel {
    zoom: ZoomPan,
    /// The comparison last drawn (its `opened`) and the zoom requests taken from it.
    opened: u64,
    zoom_seen: u64,
    /// Side by side with the sides unlinked: how far B was panned on its own.
    pan_b: Vec2,
    /// The drag under way moves the slider's divider, not the photos.
    dragging_divider: bool,
    /// The landmark being dragged in the Align mode.
    dragging_point: Option<(usize, Side)>,
    /// The photo the filmstrip last scrolled to (B), so a new B is brought into view.
    strip_shows: Option<crate::model::PhotoId>,
    pub export: ExportForm,
    /// The Measure mode's panel.
    measure: crate::ui::measure::MeasurePanel,
}

impl ComparePanel {
    /// A new comparison starts fitted; zoom keys pressed since are applied.
    fn react(&mut self, c: &Comparison) {
        if self.opened != c.opened {
            self.opened = c.opened;
            self.zoom_seen = 0;
            self.zoom.fit();
            self.pan_b = Vec2::ZERO;
        }
        for step in c.zoom.since(&mut self.zoom_seen) {
            self.zoom.apply(*step);
        }
    }

    pub fn ui(
        &mut self,
        ui: &mut Ui,
        state: &AppState,
        c: &Comparison,
        images: &mut ImageCache,
        commands: &mut Commands,
    ) {
        self.react(c);
        let settings = &state.compare.settings;
        let forbidden = state.clinic.export_forbidden();
        toolbar(ui, c, settings, &self.zoom, forbidden.as_deref(), commands);
        if settings.mode == CompareMode::Align {
            ui.horizontal_wrapped(|ui| align::controls(ui, c, state, commands));
        } else {
            controls(ui, settings, commands);
        }
        findings(ui, c);
        // The regions are drawn where the photos are shown as they compare; the sheet, align
        // and measure modes keep the room for their own panels.
        if !matches!(
            settings.mode,
            CompareMode::Sheet | CompareMode::Align | CompareMode::Measure
        ) {
            faces::faces_row(ui, state, c, commands);
        }
        egui::Panel::bottom("compare-strip")
            .resizable(false)
            .show(ui, |ui| {
                strip(ui, state, c, images, &mut self.strip_shows, commands);
            });
        if settings.mode == CompareMode::Sheet {
            canvas::sheet(ui, state, c, images, commands);
        } else if settings.mode == CompareMode::Align {
            self.align_canvas(ui, state, c, images, commands);
        } else if settings.mode == CompareMode::Measure {
            self.measure_panel(ui, state, c, commands);
            self.measure_canvas(ui, state, c, images, commands);
        } else {
            self.canvas(ui, state, c, images, commands);
        }
    }
}

fn toolbar(
    ui: &mut Ui,
    c: &Comparison,
    settings: &CompareSettings,
    zoom: &ZoomPan,
    export_forbidden: Option<&str>,
    commands: &mut Commands,
) {
    ui.horizontal_wrapped(|ui| {
        super::action_button(ui, Action::Back, true, commands);
        ui.separator();
        for mode in CompareMode::ALL {
            let action = mode.action();
            let shortcut = action
                .shortcut()
                .map(|s| super::shortcut_text(&s))
                .unwrap_or_default();
            if ui
                .selectable_label(settings.mode == mode, action.label())
                .on_hover_text(format!("{} ({shortcut})", action.tooltip()))
                .clicked()
            {
                commands.push(CompareCommand::Mode(mode).into());
            }
        }
        ui.separator();
        super::action_button(ui, Action::SwapSides, true, commands);
        super::gated_action_button(ui, Action::ExportComparison, export_forbidden, commands);
        super::document::timelapse_button(ui, c, export_forbidden, commands);
        ui.separator();
        super::action_button(ui, Action::ZoomFit, true, commands);
        super::action_button(ui, Action::ZoomActual, true, commands);
        ui.label(format!("{:.0} %", zoom.scale() * 100.0))
            .on_hover_text("Screen points per pixel of A");
    });
    // Who and what is compared, on its own row: cut to one line, the whole in a tooltip.
    let title = c.pair.title();
    ui.add(egui::Label::new(RichText::new(&title).strong()).truncate())
        .on_hover_text(title);
}

/// The current mode's own settings.
fn controls(ui: &mut Ui, settings: &CompareSettings, commands: &mut Commands) {
    ui.horizontal_wrapped(|ui| match settings.mode {
        CompareMode::SideBySide => {
            let mut linked = settings.linked;
            if ui
                .checkbox(&mut linked, Action::ToggleLink.label())
                .on_hover_text(format!("{} (L)", Action::ToggleLink.tooltip()))
                .changed()
            {
                commands.push(CompareCommand::Linked(linked).into());
            }
            if !linked {
                ui.label(RichText::new("Drag a side to move it alone.").weak());
            }
        }
        CompareMode::Slider => slider_controls(ui, settings, commands),
        CompareMode::Overlay => {
            let mut opacity = settings.opacity;
            if ui
                .add(
                    egui::Slider::new(&mut opacity, 0.0..=1.0)
                        .text("Opacity of B")
                        .custom_formatter(|v, _| format!("{:.0} %", v * 100.0)),
                )
                .changed()
            {
                commands.push(CompareCommand::Opacity(opacity).into());
            }
        }
        CompareMode::Difference => difference_controls(ui, settings, commands),
        CompareMode::Flicker => flicker_controls(ui, settings, commands),
        CompareMode::Align => {}
        CompareMode::Measure => {
            ui.label(
                RichText::new(
                    "Draw a region on A or B (both show A's frame; B through its alignment): it is read in both. Right-drag pans.",
                )
                .weak(),
            );
        }
        CompareMode::Sheet => {
            ui.label(
                RichText::new(
                    "One photo per session, same view and area. Click a photo to show it as B.",
                )
                .weak(),
            );
        }
    });
}

fn slider_controls(ui: &mut Ui, settings: &CompareSettings, commands: &mut Commands) {
    let mut at = settings.split.at;
    if ui
        .add(
            egui::Slider::new(&mut at, 0.0..=1.0)
                .text("Split")
                .custom_formatter(|v, _| format!("{:.0} %", v * 100.0)),
        )
        .changed()
    {
        commands.push(CompareCommand::Split(at).into());
    }
    super::action_button(ui, Action::FlipDivider, true, commands);
    ui.label(
        RichText::new(if settings.split.vertical {
            "A left, B right. Drag the divider or press [ and ]."
        } else {
            "A above, B below. Drag the divider or press [ and ]."
        })
        .weak(),
    );
}

fn difference_controls(ui: &mut Ui, settings: &CompareSettings, commands: &mut Commands) {
    let mut gain = settings.gain;
    if ui
        .add(
            egui::Slider::new(&mut gain, GAIN_RANGE)
                .logarithmic(true)
                .text("Gain")
                .custom_formatter(|v, _| format!("×{v:.1}")),
        )
        .changed()
    {
        commands.push(CompareCommand::Gain(gain).into());
    }
    let mut heat = settings.heat;
    if ui.checkbox(&mut heat, "Heat map").changed() {
        commands.push(CompareCommand::Heat(heat).into());
    }
    ui.label(
        RichText::new(format!(
            "A change of 10 levels shows as {:.0}. Black: no change.",
            (10.0_f32 * settings.gain).min(255.0)
        ))
        .weak(),
    );
}

fn flicker_controls(ui: &mut Ui, settings: &CompareSettings, commands: &mut Commands) {
    let mut auto = settings.flicker_auto;
    let mut interval = settings.flicker_ms;
    let a = ui.checkbox(&mut auto, "Alternate by itself").changed();
    let b = ui
        .add_enabled(
            auto,
            egui::Slider::new(&mut interval, FLICKER_RANGE)
                .text("Interval")
                .suffix(" ms"),
        )
        .changed();
    if a || b {
        commands.push(
            CompareCommand::Flicker {
                interval_ms: interval,
                auto,
            }
            .into(),
        );
    }
    ui.label(RichText::new("Hold Space to show B.").weak());
}

/// What makes the pair unfair to compare, in plain words.
fn findings(ui: &mut Ui, c: &Comparison) {
    let colours = palette(ui);
    if c.findings.is_empty() {
        ui.label(
            RichText::new(format!(
                "Comparable: {}.",
                crate::model::compare::comparable_text()
            ))
            .color(colours.good),
        );
        return;
    }
    for f in &c.findings {
        let (word, colour) = match f.severity {
            Severity::Warning => ("Warning", colours.warning),
            Severity::Note => ("Note", colours.note),
        };
        ui.horizontal_wrapped(|ui| {
            ui.label(RichText::new(word).strong().color(colour));
            ui.label(RichText::new(&f.text).color(colour));
        });
    }
}

/// The timeline scrubber and the filmstrip of the series.
fn strip(
    ui: &mut Ui,
    state: &AppState,
    c: &Comparison,
    images: &mut ImageCache,
    shows: &mut Option<crate::model::PhotoId>,
    commands: &mut Commands,
) {
    let Some(series) = c.pair.main_series() else {
        ui.label(RichText::new("These photos are not in a series: no timeline.").weak());
        return;
    };
    if c.timeline.len() >= 2 {
        timeline(ui, c, series, commands);
    }
    egui::ScrollArea::horizontal().show(ui, |ui| {
        ui.horizontal(|ui| {
            for p in &series.photos {
                filmstrip_photo(ui, state, c, series, &p.photo, images, shows, commands);
            }
        });
    });
}

/// A stays at the baseline; the scrubber and the arrows step B through the sessions. Two
/// rows at any width: what B is, then the scrubber between its arrows, as wide as there is
/// room (one wrapping row put "Next photo" under the rest in a narrow window).
fn timeline(
    ui: &mut Ui,
    c: &Comparison,
    series: &crate::model::compare::SeriesPhotos,
    commands: &mut Commands,
) {
    let last = c.timeline.len() - 1;
    let mut at = c.timeline_position().unwrap_or(last);
    let label = |i: usize| {
        series.photo(c.timeline[i]).map_or(String::new(), |p| {
            let label = series.label(&p.photo);
            format!(
                "{} of {}: {}{}",
                i + 1,
                c.timeline.len(),
                label.date.format("%Y-%m-%d"),
                label
                    .days_text()
                    .map(|d| format!(" ({d})"))
                    .unwrap_or_default()
            )
        })
    };
    let title = ui
        .horizontal(|ui| {
            let title = ui.label(RichText::new("Timeline").strong());
            ui.label(label(at));
            let hint = "A stays at the baseline; B steps through the sessions.";
            ui.add(egui::Label::new(RichText::new(hint).weak()).truncate())
                .on_hover_text(hint);
            title
        })
        .inner;
    ui.horizontal(|ui| {
        super::action_button(ui, Action::PreviousPhoto, true, commands);
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            super::action_button(ui, Action::NextPhoto, true, commands);
            ui.spacing_mut().slider_width = (ui.available_width() - 8.0).max(40.0);
            let response = ui
                .add(
                    egui::Slider::new(&mut at, 0..=last)
                        .show_value(false)
                        .custom_formatter(|v, _| label(v as usize)),
                )
                .labelled_by(title.id)
                .on_hover_text(label(at));
            if response.changed() {
                commands.push(CompareCommand::Step(at).into());
            }
        });
    });
}

/// One photo of the filmstrip: a click shows it as B, a right-click as A.
#[allow(clippy::too_many_arguments)]
fn filmstrip_photo(
    ui: &mut Ui,
    state: &AppState,
    c: &Comparison,
    series: &crate::model::compare::SeriesPhotos,
    photo: &crate::model::Photo,
    images: &mut ImageCache,
    shows: &mut Option<crate::model::PhotoId>,
    commands: &mut Commands,
) {
    let size =
        Vec2::new(96.0 * photo.width as f32 / photo.height as f32, 96.0).min(Vec2::splat(160.0));
    let (rect, response) = ui.allocate_exact_size(size, Sense::click());
    if ui.is_rect_visible(rect) {
        let texture = state
            .image_request(photo.id, &photo.hash, photo.format, Rendition::Thumbnail)
            .and_then(|r| images.get(&r));
        if let Some(t) = texture {
            ui.painter().image(
                t.id(),
                rect,
                egui::Rect::from_min_max(egui::pos2(0.0, 0.0), egui::pos2(1.0, 1.0)),
                theme::AS_IS,
            );
        } else {
            ui.painter().rect_filled(rect, 2.0, palette(ui).placeholder);
        }
        for side in [Side::A, Side::B] {
            let colour = side_colour(ui, side);
            if c.pair.side(side).id() == photo.id {
                ui.painter().rect_stroke(
                    rect,
                    2.0,
                    egui::Stroke::new(3.0, colour),
                    egui::StrokeKind::Inside,
                );
                ui.painter().text(
                    rect.left_top() + Vec2::splat(4.0),
                    egui::Align2::LEFT_TOP,
                    side.name(),
                    egui::FontId::proportional(14.0),
                    colour,
                );
            }
        }
    }
    if photo.id == c.pair.b.id() && *shows != Some(photo.id) {
        // At once: a strip sliding under the pointer would misplace clicks.
        response.scroll_to_me_animation(None, egui::style::ScrollAnimation::none());
        *shows = Some(photo.id);
    }
    let label = series.label(photo);
    response.widget_info(|| {
        egui::WidgetInfo::labeled(
            egui::Role::Button,
            true,
            format!("Filmstrip photo #{}", photo.id),
        )
    });
    let response = response.on_hover_text(format!(
        "{}\nClick: show as B. Right-click: show as A.",
        label.lines().join("\n")
    ));
    if response.clicked() {
        commands.push(CompareCommand::Set(Side::B, photo.id).into());
    } else if response.secondary_clicked() {
        commands.push(CompareCommand::Set(Side::A, photo.id).into());
    }
}

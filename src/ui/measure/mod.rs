//! The measuring panel (beside the viewer's photo, and beside the comparison in its Measure
//! mode): draw a region, read it, save it, measure it across the series; and the viewer's
//! reference-card tab. The overlay draws regions and card corners over the photo and turns
//! the pointer into regions and corners.

mod card;
pub mod overlay;
mod readings;

use crate::app::measure::{MeasureCommand, Subject, SurroundChoice, Tab, Tool};
use crate::app::{AppState, Command, Commands};
use crate::model::PhotoId;
use crate::model::measure::{StoredRegion, Surround};
use egui::{Color32, Painter, Response, RichText, Ui};
use overlay::{PhotoArea, RegionDrawing};

fn measure(command: MeasureCommand) -> Command {
    command.into()
}

/// A photo on screen as the panel names it.
pub struct OnScreen {
    pub photo: PhotoId,
    pub title: String,
    pub colour: Option<Color32>,
}

/// The measuring panel's own view state: the outline being drawn, the name being typed.
#[derive(Debug, Default)]
pub struct MeasurePanel {
    pub drawing: RegionDrawing,
    name: String,
}

/// "Rectangle with a ring ×2 around it"
fn describe(r: &StoredRegion) -> String {
    let shape = match r.region.shape {
        crate::model::measure::Shape::Rect { .. } => "rectangle",
        crate::model::measure::Shape::Ellipse { .. } => "ellipse",
        crate::model::measure::Shape::Polygon(_) => "outline",
    };
    match &r.region.surround {
        None => shape.to_owned(),
        Some(Surround::Ring { scale }) => format!("{shape}, ring ×{scale:.1}"),
        Some(Surround::Shape(_)) => format!("{shape}, drawn surround"),
    }
}

impl MeasurePanel {
    /// The panel's tab (the viewer's toolbar switches tabs).
    pub fn ui(
        &mut self,
        ui: &mut Ui,
        state: &AppState,
        photos: &[OnScreen],
        tab: Tab,
        commands: &mut Commands,
    ) {
        egui::ScrollArea::vertical()
            .id_salt("measure-panel")
            .show(ui, |ui| match tab {
                Tab::Card => card::tab_ui(ui, &state.measure.card, commands),
                Tab::Measure => self.measure_tab(ui, state, photos, commands),
            });
    }

    fn measure_tab(
        &mut self,
        ui: &mut Ui,
        state: &AppState,
        photos: &[OnScreen],
        commands: &mut Commands,
    ) {
        let m = &state.measure;
        let settings = &m.settings;
        ui.strong("Draw a region");
        ui.horizontal_wrapped(|ui| {
            for tool in Tool::ALL {
                if ui
                    .selectable_label(settings.tool == tool, tool.label())
                    .clicked()
                {
                    commands.push(measure(MeasureCommand::Tool(tool)));
                }
            }
        });
        surround_ui(ui, settings.surround, commands);
        ui.label(RichText::new(self.drawing.hint(settings)).weak());
        ui.separator();
        match &m.subject {
            None => {
                ui.label(
                    RichText::new("Draw a region on the photo, or pick a saved region below.")
                        .weak(),
                );
            }
            Some(subject) => self.subject_ui(ui, state, subject, photos, commands),
        }
        ui.separator();
        regions_ui(ui, state, commands);
    }

    fn subject_ui(
        &mut self,
        ui: &mut Ui,
        state: &AppState,
        subject: &Subject,
        photos: &[OnScreen],
        commands: &mut Commands,
    ) {
        let m = &state.measure;
        let saved = match subject {
            Subject::Draft { .. } => None,
            Subject::Saved(id) => m.regions.get(*id),
        };
        ui.strong(saved.map_or_else(
            || "Drawn region (not saved)".to_owned(),
            |r| format!("Region \"{}\"", r.name),
        ));
        let ready = m.readings.are_of(subject) && !m.readings.is_running();
        if ready {
            let columns: Vec<readings::Column<'_>> = m
                .readings
                .list
                .iter()
                .map(|r| {
                    let named = photos.iter().find(|p| p.photo == r.photo);
                    readings::Column {
                        title: named
                            .map_or_else(|| format!("Photo {}", r.photo), |p| p.title.clone()),
                        colour: named.and_then(|p| p.colour),
                        reading: r,
                    }
                })
                .collect();
            readings::table(ui, &columns);
        } else {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label("Measuring…");
            });
        }
        match saved {
            None => {
                ui.horizontal(|ui| {
                    let label = ui.label("Name");
                    ui.add(
                        egui::TextEdit::singleline(&mut self.name)
                            .hint_text("e.g. left cheek spot")
                            .desired_width(150.0),
                    )
                    .labelled_by(label.id);
                });
                ui.horizontal(|ui| {
                    if ui
                        .add_enabled(
                            ready && !self.name.trim().is_empty(),
                            egui::Button::new("Save region"),
                        )
                        .on_hover_text("Keep the region and what it measured; it can then be measured across the series")
                        .clicked()
                    {
                        commands.push(measure(MeasureCommand::Save(std::mem::take(&mut self.name))));
                    }
                    if ui.button("Discard").clicked() {
                        commands.push(measure(MeasureCommand::Select(None)));
                    }
                });
            }
            Some(r) => saved_ui(ui, state, r, ready, commands),
        }
    }

    /// Draws the regions or the card over the photo drawn in `area` (whose frame is
    /// `frame_photo`'s) and takes the pointer for the active tab.
    #[allow(clippy::too_many_arguments)]
    pub fn overlay(
        &mut self,
        ui: &Ui,
        painter: &Painter,
        state: &AppState,
        area: &PhotoArea,
        frame_photo: PhotoId,
        tab: Tab,
        response: &Response,
        commands: &mut Commands,
    ) {
        let m = &state.measure;
        match tab {
            Tab::Card => card::overlay(ui, painter, area, &m.card, response, commands),
            Tab::Measure => {
                overlay::draw_regions(painter, area, m, frame_photo);
                if let Some(region) =
                    self.drawing
                        .input(ui, area, response, &m.settings, frame_photo)
                {
                    commands.push(measure(MeasureCommand::Draw {
                        on: frame_photo,
                        region,
                    }));
                }
                self.drawing.draw(painter, area, &m.settings);
            }
        }
    }
}

fn surround_ui(ui: &mut Ui, current: SurroundChoice, commands: &mut Commands) {
    ui.label("Compare with the skin around it:");
    let ring = match current {
        SurroundChoice::Ring(scale) => Some(scale),
        _ => None,
    };
    ui.horizontal_wrapped(|ui| {
        let choices = [
            (SurroundChoice::None, "No"),
            (
                SurroundChoice::Ring(ring.unwrap_or(SurroundChoice::DEFAULT_RING)),
                "Ring around it",
            ),
            (SurroundChoice::Drawn, "Outline it"),
        ];
        for (choice, label) in choices {
            let on = std::mem::discriminant(&choice) == std::mem::discriminant(&current);
            if ui.selectable_label(on, label).clicked() && !on {
                commands.push(measure(MeasureCommand::Surround(choice)));
            }
        }
    });
    // On a line of its own: beside the choices it widened the panel and shrank the photo.
    if let Some(mut scale) = ring
        && ui
            .add(
                egui::Slider::new(&mut scale, 1.2..=4.0)
                    .text("× size")
                    .fixed_decimals(1),
            )
            .on_hover_text("The ring's outer edge: the region grown this much about its centre")
            .changed()
    {
        commands.push(measure(MeasureCommand::Surround(SurroundChoice::Ring(
            scale,
        ))));
    }
}

/// A saved region's buttons: store, measure across the series, delete.
fn saved_ui(ui: &mut Ui, state: &AppState, r: &StoredRegion, ready: bool, commands: &mut Commands) {
    let running = state
        .measure
        .series_job
        .as_ref()
        .is_some_and(crate::app::measure::SeriesJob::is_running);
    ui.horizontal_wrapped(|ui| {
        if ui
            .add_enabled(ready, egui::Button::new("Store for these photos"))
            .on_hover_text("Keep these readings with the region (charted on the series page)")
            .clicked()
        {
            commands.push(measure(MeasureCommand::Store));
        }
        if ui
            .add_enabled(!running, egui::Button::new("Measure across the series"))
            .on_hover_text(
                "Read this region in every photo of its view in the series, through each photo's alignment, and keep the readings",
            )
            .clicked()
        {
            commands.push(measure(MeasureCommand::MeasureSeries(r.id)));
        }
        if ui.button("Delete region").clicked() {
            commands.push(measure(MeasureCommand::Delete(r.id)));
        }
    });
}

/// The series' saved regions; a click shows one.
fn regions_ui(ui: &mut Ui, state: &AppState, commands: &mut Commands) {
    let m = &state.measure;
    ui.strong(format!("Saved regions ({})", m.regions.list.len()));
    if m.regions.list.is_empty() {
        ui.label(RichText::new("None yet in this series.").weak());
    }
    for r in &m.regions.list {
        let chosen = m.subject == Some(Subject::Saved(r.id));
        let placed = m.regions.onto_frame(r.photo).is_some();
        let text = format!(
            "{} · {}{}",
            r.name,
            describe(r),
            if placed {
                ""
            } else {
                " (not aligned with this photo)"
            }
        );
        if ui.selectable_label(chosen, text).clicked() {
            commands.push(measure(MeasureCommand::Select((!chosen).then_some(r.id))));
        }
    }
}

/// The viewer's toolbar buttons that open the measuring panel on a tab (or close it).
pub fn viewer_buttons(ui: &mut Ui, state: &AppState, commands: &mut Commands) {
    let tab = state.measure.tab;
    for (t, label, tip) in [
        (
            Tab::Measure,
            "Measure",
            "Draw a region: its CIELAB colour, ITA°, redness and melanin, against the skin around it",
        ),
        (
            Tab::Card,
            "Reference card",
            "Mark a grey card or colour checker in the photo to correct its colours",
        ),
    ] {
        if ui
            .selectable_label(tab == Some(t), label)
            .on_hover_text(tip)
            .clicked()
        {
            let next = if tab == Some(t) { None } else { Some(t) };
            commands.push(measure(MeasureCommand::Open(next)));
        }
    }
}

/// The progress of a region measured across its series, with Cancel; then what it did.
pub fn series_window(ctx: &egui::Context, state: &AppState, commands: &mut Commands) {
    let Some(job) = &state.measure.series_job else {
        return;
    };
    egui::Window::new("Measuring across the series")
        .collapsible(false)
        .resizable(false)
        .anchor(egui::Align2::RIGHT_BOTTOM, egui::vec2(-12.0, -40.0))
        .show(ctx, |ui| {
            ui.label(format!("Region \"{}\"", job.name));
            match &job.outcome {
                None => {
                    let (fraction, step) = job.task.progress.get();
                    ui.add(egui::ProgressBar::new(fraction).text(step));
                    if ui.button("Cancel").clicked() {
                        commands.push(measure(MeasureCommand::CancelSeries));
                    }
                }
                Some(Ok(s)) => {
                    ui.label(format!(
                        "Measured and stored in {} of {} photos.",
                        s.measured, s.total
                    ));
                    for why in s.skipped.iter().take(4) {
                        ui.label(RichText::new(why).weak());
                    }
                    if s.skipped.len() > 4 {
                        ui.label(
                            RichText::new(format!("… and {} more.", s.skipped.len() - 4)).weak(),
                        );
                    }
                    if ui.button("Close").clicked() {
                        commands.push(measure(MeasureCommand::DismissSeries));
                    }
                }
                Some(Err(e)) => {
                    ui.colored_label(crate::ui::theme::palette(ui).error, e.to_string());
                    if ui.button("Close").clicked() {
                        commands.push(measure(MeasureCommand::DismissSeries));
                    }
                }
            }
        });
}

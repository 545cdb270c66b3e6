//! The export window: what to export (side by side, slider at its split, or the series
//! sheet), how wide and as what; then the progress of the export with Cancel.

use crate::app::compare::Comparison;
use crate::app::{AppState, Commands, CompareCommand, CompareMode};
use crate::imaging::compose::{ExportFormat, PairLayout};
use crate::jobs::export::{DEFAULT_WIDTH, ExportKind, MAX_WIDTH, MIN_WIDTH};
use crate::model::Keyed;
use crate::model::clinical::{ConsentScope, Mode};
use crate::model::deidentify::{Deidentify, NameStyle, deidentify_by_default, pseudonym};
use crate::ui::theme::palette;
use egui::RichText;

/// What the export window offers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportChoice {
    SideBySide,
    Slider,
    Sheet,
}

#[derive(Debug)]
pub struct ExportForm {
    pub choice: Option<ExportChoice>,
    pub width: u32,
    pub format: ExportFormat,
    /// What the export is for (clinic mode).
    pub purpose: Option<ConsentScope>,
    /// De-identify, as ticked; `None` until touched: as the purpose has it.
    pub deidentify: Option<bool>,
    /// What stands for the name when de-identified.
    pub name_style: NameStyle,
}

impl Default for ExportForm {
    fn default() -> Self {
        Self {
            choice: None,
            width: DEFAULT_WIDTH,
            format: ExportFormat::Png,
            purpose: None,
            deidentify: None,
            name_style: NameStyle::default(),
        }
    }
}

impl ExportForm {
    /// The window is closed: next time it starts from what is on screen again.
    pub fn forget(&mut self) {
        self.choice = None;
        self.deidentify = None;
    }

    /// Whether the export will be de-identified: as ticked, or as the purpose has it.
    fn deidentified(&self, mode: Mode) -> bool {
        let purpose = self.purpose.filter(|_| mode == Mode::Clinic);
        self.deidentify
            .unwrap_or_else(|| deidentify_by_default(mode, purpose))
    }

    /// What "Save as…" asks for, as the form stands.
    pub fn save_command(&self, state: &AppState, c: &Comparison) -> CompareCommand {
        let clinic = state.library.mode == Mode::Clinic;
        let choice = self.choice.unwrap_or(ExportChoice::SideBySide);
        CompareCommand::ChooseExportFile {
            kind: export_kind(c, &state.compare.settings, choice),
            width: self.width,
            format: self.format,
            purpose: self.purpose.filter(|_| clinic),
            deidentify: if self.deidentified(state.library.mode) {
                Deidentify::Yes(self.name_style)
            } else {
                Deidentify::No
            },
        }
    }

    /// The export form, over the comparison.
    pub fn ui(&mut self, ctx: &egui::Context, state: &AppState, commands: &mut Commands) {
        let Some(c) = state.nav.comparison() else {
            return;
        };
        // Start from what is on screen.
        let mut choice = *self
            .choice
            .get_or_insert(match state.compare.settings.mode {
                CompareMode::Slider => ExportChoice::Slider,
                CompareMode::Sheet => ExportChoice::Sheet,
                _ => ExportChoice::SideBySide,
            });
        let mut open = true;
        egui::Window::new("Export image")
            .pivot(egui::Align2::CENTER_CENTER)
            .default_pos(ctx.content_rect().center())
            .collapsible(false)
            .resizable(false)
            .open(&mut open)
            .show(ctx, |ui| self.form_ui(ui, state, c, &mut choice, commands));
        self.choice = Some(choice);
        if !open {
            commands.push(CompareCommand::ShowExport(false).into());
        }
    }

    fn form_ui(
        &mut self,
        ui: &mut egui::Ui,
        state: &AppState,
        c: &Comparison,
        choice: &mut ExportChoice,
        commands: &mut Commands,
    ) {
        let settings = &state.compare.settings;
        ui.label("Labels and the comparability findings are drawn into the image. The file carries no camera, date or location metadata.");
        ui.add_space(6.0);
        ui.radio_value(choice, ExportChoice::SideBySide, "Side by side");
        ui.radio_value(
            choice,
            ExportChoice::Slider,
            format!(
                "Slider at {:.0} % ({})",
                settings.split.at * 100.0,
                if settings.split.vertical {
                    "A left"
                } else {
                    "A above"
                }
            ),
        );
        ui.add_enabled_ui(!c.timeline.is_empty(), |ui| {
            ui.radio_value(choice, ExportChoice::Sheet, "Series contact sheet");
        });
        ui.add_space(6.0);
        ui.horizontal(|ui| {
            ui.label("Width");
            ui.add(
                egui::DragValue::new(&mut self.width)
                    .range(MIN_WIDTH..=MAX_WIDTH)
                    .suffix(" px"),
            );
            for w in [1600, 2400, 4000] {
                if ui.small_button(format!("{w}")).clicked() {
                    self.width = w;
                }
            }
        });
        ui.horizontal(|ui| {
            ui.label("Format");
            ui.radio_value(&mut self.format, ExportFormat::Png, "PNG (lossless)");
            ui.radio_value(&mut self.format, ExportFormat::Jpeg, "JPEG (smaller)");
        });
        let clinic = state.library.mode == Mode::Clinic;
        if clinic {
            ui.horizontal(|ui| {
                ui.label("Purpose");
                for scope in ConsentScope::ALL {
                    ui.radio_value(&mut self.purpose, Some(*scope), scope.label());
                }
            });
            ui.label(
                RichText::new(
                    "The export is refused unless the patient consented to this purpose.",
                )
                .weak(),
            );
        }
        self.deidentify_ui(ui, state.library.mode, &c.pair.b);
        ui.add_space(6.0);
        let running = state
            .compare
            .export
            .as_ref()
            .is_some_and(|j| j.outcome.is_none());
        if ui
            .add_enabled(
                !running && (!clinic || self.purpose.is_some()),
                egui::Button::new("Save as…"),
            )
            .clicked()
        {
            self.choice = Some(*choice);
            commands.push(self.save_command(state, c).into());
        }
    }

    /// The de-identify box (ticked by default for education and marketing in clinic mode)
    /// and what replaces the name.
    fn deidentify_ui(
        &mut self,
        ui: &mut egui::Ui,
        mode: Mode,
        b: &crate::model::compare::ComparedPhoto,
    ) {
        let mut on = self.deidentified(mode);
        if ui
            .checkbox(&mut on, "De-identify")
            .on_hover_text(
                "Cover the eyes with a band (from each photo's face landmarks) and replace the name, in the image and in the file name",
            )
            .changed()
        {
            self.deidentify = Some(on);
        }
        ui.add_enabled_ui(on, |ui| {
            ui.horizontal(|ui| {
                ui.label("Name as");
                for style in NameStyle::ALL {
                    ui.radio_value(&mut self.name_style, *style, style.label());
                }
            });
        });
        if on && let (Some(name), Some(person)) = (&b.person_name, b.photo.person) {
            ui.label(
                RichText::new(format!(
                    "The eyes are covered with a band; the name shows as \"{}\", in the image and the file name.",
                    pseudonym(name, person, self.name_style)
                ))
                .weak(),
            );
        }
    }
}

/// What the chosen export is of.
fn export_kind(
    c: &Comparison,
    settings: &crate::app::CompareSettings,
    choice: ExportChoice,
) -> ExportKind {
    match choice {
        ExportChoice::Sheet => ExportKind::Sheet {
            series: c
                .pair
                .main_series()
                .expect("a sheet needs a series")
                .series
                .id,
            like: Some(c.pair.a.id()),
        },
        ExportChoice::SideBySide | ExportChoice::Slider => ExportKind::Pair {
            before: c.pair.a.id(),
            after: c.pair.b.id(),
            layout: if choice == ExportChoice::Slider {
                PairLayout::Slider(settings.split)
            } else {
                PairLayout::SideBySide
            },
        },
    }
}

/// The export's progress with Cancel, then what was saved or why not.
pub fn export_progress_window(ctx: &egui::Context, state: &AppState, commands: &mut Commands) {
    let Some(job) = &state.compare.export else {
        return;
    };
    egui::Window::new("Exporting")
        .pivot(egui::Align2::CENTER_CENTER)
        .default_pos(ctx.content_rect().center())
        .collapsible(false)
        .resizable(false)
        .anchor(egui::Align2::RIGHT_BOTTOM, egui::vec2(-12.0, -40.0))
        .show(ctx, |ui| {
            ui.label(job.request.out.display().to_string());
            match &job.outcome {
                None => {
                    let (fraction, step) = job.task.progress.get();
                    ui.add(egui::ProgressBar::new(fraction).text(step));
                    if ui.button("Cancel").clicked() {
                        commands.push(CompareCommand::CancelExport.into());
                    }
                }
                Some(Ok(summary)) => {
                    ui.label(format!(
                        "Saved: {}×{} px, {} KiB, no metadata.",
                        summary.width,
                        summary.height,
                        summary.bytes.div_ceil(1024)
                    ));
                    if ui.button("Close").clicked() {
                        commands.push(CompareCommand::DismissExport.into());
                    }
                }
                Some(Err(e)) => {
                    ui.colored_label(palette(ui).error, e.to_string());
                    if ui.button("Close").clicked() {
                        commands.push(CompareCommand::DismissExport.into());
                    }
                }
            }
        });
}

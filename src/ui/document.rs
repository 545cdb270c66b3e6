//! The report and time-lapse windows: what to make (paper, purpose, de-identified; format,
//! size, speed, fades), "Save as…" (the native dialog), then the job's progress with Cancel
//! and what was written.

use crate::app::compare::Comparison;
use crate::app::document::{DocumentCommand, Made};
use crate::app::{AppState, Command, Commands};
use crate::jobs::report::ReportRequest;
use crate::jobs::report::layout::Paper;
use crate::jobs::timelapse::{MAX_SIZE, MIN_SIZE, TimelapseFormat, TimelapseRequest};
use crate::model::clinical::{ConsentScope, Mode};
use crate::model::{Keyed, SeriesId, View};
use crate::ui::theme::palette;
use egui::{RichText, Ui};
use std::path::PathBuf;

fn document(command: DocumentCommand) -> Command {
    command.into()
}

/// A name safe in any file system: letters and digits kept, the rest a dash.
fn file_safe(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_alphanumeric() { c } else { '-' })
        .collect()
}

/// The forms' choices, kept while the app runs.
#[derive(Debug)]
pub struct DocumentForms {
    paper: Paper,
    report_deidentify: bool,
    purpose: Option<ConsentScope>,
    format: TimelapseFormat,
    size: u32,
    seconds: f32,
    fade: f32,
    fps: u32,
    video_deidentify: bool,
}

impl Default for DocumentForms {
    fn default() -> Self {
        let defaults = TimelapseRequest::new(SeriesId(0), PathBuf::new());
        Self {
            paper: Paper::A4,
            report_deidentify: false,
            purpose: None,
            format: TimelapseFormat::Mp4,
            size: defaults.size,
            seconds: defaults.seconds_per_photo,
            fade: defaults.fade,
            fps: defaults.fps,
            video_deidentify: false,
        }
    }
}

/// In clinic mode: what the file is for (refused without the patient's consent to it).
fn purpose_ui(ui: &mut Ui, state: &AppState, purpose: &mut Option<ConsentScope>) -> bool {
    if state.library.mode != Mode::Clinic {
        return true;
    }
    ui.horizontal(|ui| {
        ui.label("Purpose");
        for scope in ConsentScope::ALL {
            ui.radio_value(purpose, Some(*scope), scope.label());
        }
    });
    ui.label(RichText::new("Refused unless the patient consented to this purpose.").weak());
    purpose.is_some()
}

/// A window over the screen; `true` when the user closed it.
fn form_window(ctx: &egui::Context, title: &str, add: impl FnOnce(&mut Ui)) -> bool {
    let mut open = true;
    // In the middle of the window, as the other forms (left to egui it opened at the top
    // left, over the series page's header).
    egui::Window::new(title)
        .pivot(egui::Align2::CENTER_CENTER)
        .default_pos(ctx.content_rect().center())
        .collapsible(false)
        .resizable(false)
        .open(&mut open)
        .show(ctx, add);
    !open
}

impl DocumentForms {
    /// The report form for a series.
    pub fn report(
        &mut self,
        ctx: &egui::Context,
        state: &AppState,
        series: SeriesId,
        commands: &mut Commands,
    ) {
        let record = state.nav.record().filter(|r| r.series.id == series);
        let closed = form_window(ctx, "Report", |ui| {
            ui.label("A PDF for the patient file: the plan, sessions with their settings, grades and side effects, the grade and measurement charts, the baseline and latest photo of every view side by side (aligned) with the pair's findings, the contact sheet, and whether the originals are unaltered since import.");
            ui.add_space(6.0);
            ui.horizontal(|ui| {
                ui.label("Paper");
                ui.radio_value(&mut self.paper, Paper::A4, "A4");
                ui.radio_value(&mut self.paper, Paper::Letter, "Letter");
            });
            ui.checkbox(
                &mut self.report_deidentify,
                "De-identify: initials and a case number instead of the name, no birth year, the eyes covered",
            );
            let purposed = purpose_ui(ui, state, &mut self.purpose);
            ui.add_space(6.0);
            let busy = state.documents.is_busy();
            if ui
                .add_enabled(!busy && purposed, egui::Button::new("Save as…"))
                .clicked()
            {
                let name = match record {
                    Some(r) if !self.report_deidentify => format!(
                        "{}_{}_report.pdf",
                        file_safe(&r.person.name),
                        file_safe(&r.series.title)
                    ),
                    _ => format!("series-{series}_report.pdf"),
                };
                commands.push(document(DocumentCommand::ChooseReportFile(ReportRequest {
                    series,
                    purpose: self.purpose.filter(|_| state.library.mode == Mode::Clinic),
                    deidentify: self.report_deidentify,
                    paper: self.paper,
                    out: PathBuf::from(name),
                })));
            }
        });
        if closed {
            commands.push(document(DocumentCommand::CloseForm));
        }
    }

    /// The time-lapse form for a series' view.
    pub fn timelapse(
        &mut self,
        ctx: &egui::Context,
        state: &AppState,
        (series, view): (SeriesId, Option<View>),
        commands: &mut Commands,
    ) {
        let closed = form_window(ctx, "Time-lapse", |ui| {
            ui.label(format!(
                "The {} photos of the series in date order, each aligned to the first, with its date, days since the first and session burnt in.",
                view.map_or("longest view's".to_owned(), |v| v.label().to_lowercase())
            ));
            ui.add_space(6.0);
            ui.horizontal(|ui| {
                ui.label("Format");
                for f in TimelapseFormat::ALL {
                    ui.radio_value(&mut self.format, f, f.label());
                }
            });
            self.video_settings(ui);
            ui.checkbox(
                &mut self.video_deidentify,
                "De-identify: cover the eyes (needs face landmarks; said when not possible)",
            );
            let purposed = purpose_ui(ui, state, &mut self.purpose);
            ui.add_space(6.0);
            let busy = state.documents.is_busy();
            if ui
                .add_enabled(!busy && purposed, egui::Button::new("Save as…"))
                .clicked()
            {
                let name = format!(
                    "series-{series}_{}_timelapse.{}",
                    view.map_or("view", View::key),
                    self.format.extension()
                );
                commands.push(document(DocumentCommand::ChooseTimelapseFile(
                    TimelapseRequest {
                        series,
                        view,
                        size: self.size,
                        seconds_per_photo: self.seconds,
                        fade: self.fade,
                        fps: self.fps,
                        deidentify: self.video_deidentify,
                        purpose: self.purpose.filter(|_| state.library.mode == Mode::Clinic),
                        out: PathBuf::from(name),
                    },
                )));
            }
        });
        if closed {
            commands.push(document(DocumentCommand::CloseForm));
        }
    }

    fn video_settings(&mut self, ui: &mut Ui) {
        egui::Grid::new("timelapse-settings")
            .num_columns(2)
            .show(ui, |ui| {
                ui.label("Size (long edge)");
                ui.horizontal(|ui| {
                    ui.add(
                        egui::DragValue::new(&mut self.size)
                            .range(MIN_SIZE..=MAX_SIZE)
                            .suffix(" px"),
                    );
                    for s in [720, 1080, 1920] {
                        if ui.small_button(s.to_string()).clicked() {
                            self.size = s;
                        }
                    }
                });
                ui.end_row();
                ui.label("Each photo");
                ui.add(
                    egui::Slider::new(&mut self.seconds, 0.1..=10.0)
                        .logarithmic(true)
                        .suffix(" s"),
                );
                ui.end_row();
                ui.label("Cross-fade");
                ui.add(egui::Slider::new(&mut self.fade, 0.0..=5.0).suffix(" s"));
                ui.end_row();
                if self.format == TimelapseFormat::Mp4 {
                    ui.label("Frame rate");
                    ui.add(egui::Slider::new(&mut self.fps, 1..=60).suffix(" fps"));
                    ui.end_row();
                }
            });
    }
}

/// The compare toolbar's "Time-lapse…": the series' view of A.
pub fn timelapse_button(
    ui: &mut Ui,
    c: &Comparison,
    forbidden: Option<&str>,
    commands: &mut Commands,
) {
    let series = c.pair.main_series().map(|s| s.series.id);
    if super::gated_button(
        ui,
        "Time-lapse…",
        series.is_some() && c.timeline.len() >= 2,
        "This view of the series as an animation or video, each photo aligned to the first (GIF, WebP or MP4)",
        forbidden,
    ) && let Some(series) = series
    {
        commands.push(document(DocumentCommand::ShowTimelapse(
            series,
            c.pair.a.photo.view,
        )));
    }
}

/// The job's progress with Cancel, then what was written or why not.
pub fn progress_window(ctx: &egui::Context, state: &AppState, commands: &mut Commands) {
    let Some(job) = &state.documents.job else {
        return;
    };
    egui::Window::new(job.what)
        .collapsible(false)
        .resizable(false)
        .anchor(egui::Align2::RIGHT_BOTTOM, egui::vec2(-12.0, -40.0))
        .show(ctx, |ui| {
            ui.label(job.out.display().to_string());
            match &job.outcome {
                None => {
                    let (fraction, step) = job.task.progress.get();
                    ui.add(egui::ProgressBar::new(fraction).text(step));
                    let cancelling = job.task.is_cancelling();
                    if ui
                        .add_enabled(!cancelling, egui::Button::new("Cancel"))
                        .clicked()
                    {
                        commands.push(document(DocumentCommand::Cancel));
                    }
                }
                Some(Ok(made)) => {
                    ui.label(format!("Saved: {}", made.describe()));
                    for note in made.notes() {
                        ui.label(RichText::new(note).color(palette(ui).caution));
                    }
                    if let Made::Report(s) = made
                        && !s.altered.is_empty()
                    {
                        ui.colored_label(
                            palette(ui).warning,
                            "Some originals shown no longer match their import hash: see the report's footer.",
                        );
                    }
                    if ui.button("Close").clicked() {
                        commands.push(document(DocumentCommand::Dismiss));
                    }
                }
                Some(Err(e)) => {
                    ui.colored_label(palette(ui).error, e.to_string());
                    if ui.button("Close").clicked() {
                        commands.push(document(DocumentCommand::Dismiss));
                    }
                }
            }
        });
}

//! The import window: where the photos go and how they are tagged, then progress with a
//! cancel button, then every error and duplicate with its reason.

use super::import_photos::PhotoStrip;
use super::widgets::option_combo;
use crate::app::import::ImportJob;
use crate::app::import_plan::ImportPlan;
use crate::app::{AppState, Commands, FileStatus, ImportCommand, ImportProgress};
use crate::catalogue::AssignmentSpec;
use crate::model::{Keyed, Lighting, TermId, View, VocabKind};
use chrono::NaiveDate;
use egui::{RichText, Ui};
use std::collections::BTreeSet;
use std::path::PathBuf;

#[derive(Debug, Default)]
pub struct ImportDialog {
    /// The paths the form was last filled for.
    paths: Vec<PathBuf>,
    person: String,
    series: String,
    session: String,
    areas: BTreeSet<TermId>,
    concerns: BTreeSet<TermId>,
    view: Option<View>,
    lighting: Option<Lighting>,
    /// The session date was typed (or taken from the photos) and is not proposed again.
    session_chosen: bool,
    photos: PhotoStrip,
}

impl ImportDialog {
    /// The import form for `paths` (a window over the screen).
    pub fn form(
        &mut self,
        ctx: &egui::Context,
        state: &AppState,
        paths: &[PathBuf],
        commands: &mut Commands,
    ) {
        if *paths != self.paths {
            self.paths = paths.to_vec();
            self.session.clear();
            self.session_chosen = false;
            self.photos.forget();
            // Start from the person and series on screen.
            let filter = &state.browse.filter;
            self.person = filter
                .person
                .and_then(|p| state.overview.person(p))
                .map(|p| p.name.clone())
                .unwrap_or_default();
            self.series = filter
                .series
                .and_then(|s| state.overview.series.iter().find(|x| x.id == s))
                .map(|s| s.title.clone())
                .unwrap_or_default();
        }
        egui::Window::new("Import photos")
            .pivot(egui::Align2::CENTER_CENTER)
            .default_pos(ctx.content_rect().center())
            .collapsible(false)
            .default_width(800.0)
            .show(ctx, |ui| self.form_ui(ui, state, commands));
    }

    fn form_ui(&mut self, ui: &mut Ui, state: &AppState, commands: &mut Commands) {
        let count = self.paths.len();
        let first = self
            .paths
            .first()
            .map(|p| p.display().to_string())
            .unwrap_or_default();
        ui.label(if count == 1 {
            first
        } else {
            format!("{count} files and folders, starting with {first}")
        });
        let plan = state.import.plan.as_ref().filter(|p| p.paths == self.paths);
        let proposed = plan
            .filter(|p| !p.is_scanning())
            .and_then(ImportPlan::proposed_session_date);
        // A series on screen or typed: its session date is proposed from the photos.
        if let Some(day) = proposed
            && !self.session_chosen
            && self.session.trim().is_empty()
            && !self.series.trim().is_empty()
        {
            self.session = day.to_string();
            self.session_chosen = true;
        }
        if let Some(plan) = plan {
            ui.separator();
            self.photos.ui(ui, plan, self.session_date(), commands);
        }
        ui.separator();
        egui::Grid::new("import-form")
            .num_columns(2)
            .show(ui, |ui| {
                for (label, text, hint) in [
                    ("Person", &mut self.person, "e.g. Me (created if new)"),
                    ("Series", &mut self.series, "e.g. Microneedling 2025"),
                ] {
                    let l = ui.label(label);
                    ui.add(egui::TextEdit::singleline(text).hint_text(hint))
                        .labelled_by(l.id);
                    ui.end_row();
                }
                let l = ui.label("Session date");
                ui.horizontal(|ui| {
                    let field = ui
                        .add(egui::TextEdit::singleline(&mut self.session).hint_text("YYYY-MM-DD"))
                        .labelled_by(l.id);
                    if field.changed() {
                        self.session_chosen = true;
                    }
                    session_proposal(ui, proposed, &mut self.session);
                });
                ui.end_row();
            });
        if let Some(view) = option_combo(
            ui,
            "import-view",
            "View of all photos",
            "Not set",
            self.view,
            View::ALL.iter().map(|v| (*v, v.label().to_owned())),
        ) {
            self.view = view;
        }
        if let Some(lighting) = option_combo(
            ui,
            "import-lighting",
            "Lighting of all photos",
            "Not set",
            self.lighting,
            Lighting::ALL.iter().map(|l| (*l, l.label().to_owned())),
        ) {
            self.lighting = lighting;
        }
        for kind in [VocabKind::Area, VocabKind::Concern] {
            let chosen = if kind == VocabKind::Area {
                &mut self.areas
            } else {
                &mut self.concerns
            };
            let title = if kind == VocabKind::Area {
                "Areas"
            } else {
                "Concerns"
            };
            egui::CollapsingHeader::new(title)
                .id_salt(("import", title))
                .show(ui, |ui| {
                    ui.horizontal_wrapped(|ui| {
                        for term in state.overview.terms(kind) {
                            let mut on = chosen.contains(&term.id);
                            if ui.checkbox(&mut on, &term.name).changed() {
                                if on {
                                    chosen.insert(term.id)
                                } else {
                                    chosen.remove(&term.id)
                                };
                            }
                        }
                    });
                });
        }
        let problem = self.problem();
        if let Some(problem) = &problem {
            ui.label(RichText::new(problem).color(ui.visuals().error_fg_color));
        }
        ui.horizontal(|ui| {
            if ui
                .add_enabled(problem.is_none(), egui::Button::new("Start import"))
                .clicked()
            {
                commands.push(
                    ImportCommand::Start {
                        paths: self.paths.clone(),
                        spec: self.spec(state),
                    }
                    .into(),
                );
            }
            if ui.button("Cancel").clicked() {
                commands.push(ImportCommand::Cancel.into());
                self.paths.clear();
            }
        });
    }

    /// The session date typed, when it is a date.
    fn session_date(&self) -> Option<NaiveDate> {
        NaiveDate::parse_from_str(self.session.trim(), "%Y-%m-%d").ok()
    }

    /// What is wrong with the form, named by field.
    fn problem(&self) -> Option<String> {
        let session = self.session.trim();
        if !session.is_empty() && NaiveDate::parse_from_str(session, "%Y-%m-%d").is_err() {
            return Some(format!(
                "Session date: {session:?} is not a date like 2025-03-31"
            ));
        }
        if !self.series.trim().is_empty() && self.person.trim().is_empty() {
            return Some("Series: choose the person it belongs to".into());
        }
        if !session.is_empty() && self.series.trim().is_empty() {
            return Some("Session date: choose the series it belongs to".into());
        }
        None
    }

    fn spec(&self, state: &AppState) -> AssignmentSpec {
        let keys = |ids: &BTreeSet<TermId>, kind| {
            state
                .overview
                .terms(kind)
                .iter()
                .filter(|t| ids.contains(&t.id))
                .map(|t| t.key.clone())
                .collect()
        };
        let text = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
        AssignmentSpec {
            person: text(&self.person),
            series: text(&self.series),
            session: self.session_date(),
            areas: keys(&self.areas, VocabKind::Area),
            concerns: keys(&self.concerns, VocabKind::Concern),
            view: self.view,
            lighting: self.lighting,
        }
    }
}

/// What the photos' dates propose for the session date: said when it is in the field, offered
/// when it is not.
fn session_proposal(ui: &mut Ui, proposed: Option<NaiveDate>, session: &mut String) {
    let Some(day) = proposed else {
        return;
    };
    if session.trim() == day.to_string() {
        ui.label(RichText::new("proposed from the photos' dates").weak());
    } else if ui
        .button(format!("Use {day}"))
        .on_hover_text("The day most of the photos were taken")
        .clicked()
    {
        *session = day.to_string();
    }
}

/// The import's progress with Cancel, then its summary and every file that was not simply
/// imported, with the reason.
pub(super) fn progress_window(ctx: &egui::Context, state: &AppState, commands: &mut Commands) {
    let Some(job) = &state.import.job else {
        return;
    };
    let progress = job.snapshot();
    let running = job.is_running();
    egui::Window::new("Importing")
        .pivot(egui::Align2::CENTER_CENTER)
        .default_pos(ctx.content_rect().center())
        .collapsible(false)
        .default_width(480.0)
        .show(ctx, |ui| {
            let fraction = if progress.total == 0 {
                0.0
            } else {
                progress.done as f32 / progress.total as f32
            };
            ui.add(egui::ProgressBar::new(fraction).text(format!(
                "{} of {} · {:.1} per second",
                progress.done,
                crate::model::count(progress.total, "file", "files"),
                progress.rate()
            )));
            if running {
                running_ui(ui, job, &progress, commands);
            } else if let Some(s) = &progress.summary {
                ui.label(
                    RichText::new(format!(
                        "{} imported{} · {} · {} failed{}",
                        s.imported,
                        s.paired_text()
                            .map_or_else(String::new, |t| format!(" · {t}")),
                        crate::model::count(s.duplicates, "duplicate", "duplicates"),
                        s.failed,
                        if s.cancelled {
                            format!(" · cancelled, {} not started", s.not_started)
                        } else {
                            String::new()
                        }
                    ))
                    .strong(),
                );
            }
            if !progress.results.is_empty() {
                ui.separator();
                egui::ScrollArea::vertical()
                    .max_height(240.0)
                    .id_salt("import-results")
                    .show(ui, |ui| results_ui(ui, &progress));
            }
            if !running && ui.button("Close").clicked() {
                commands.push(ImportCommand::Dismiss.into());
            }
        });
}

fn running_ui(ui: &mut Ui, job: &ImportJob, progress: &ImportProgress, commands: &mut Commands) {
    if let Some(current) = &progress.current {
        ui.label(RichText::new(current.display().to_string()).weak());
    }
    let label = if job.is_cancelling() {
        "Cancelling…"
    } else {
        "Cancel"
    };
    if ui
        .add_enabled(!job.is_cancelling(), egui::Button::new(label))
        .clicked()
    {
        commands.push(ImportCommand::Cancel.into());
    }
}

fn results_ui(ui: &mut Ui, progress: &ImportProgress) {
    for (path, status, notes) in &progress.results {
        let name = path.file_name().map_or_else(
            || path.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        );
        let (tag, reason, color) = match status {
            FileStatus::Imported => ("imported", notes.join("; "), ui.visuals().text_color()),
            FileStatus::Duplicate => (
                "duplicate",
                notes.join("; "),
                ui.visuals().weak_text_color(),
            ),
            FileStatus::Failed(e) => ("error", e.to_string(), ui.visuals().error_fg_color),
        };
        ui.label(RichText::new(format!("{tag}: {name}: {reason}")).color(color))
            .on_hover_text(path.display().to_string());
    }
}

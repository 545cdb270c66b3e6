//! The series page: the plan and its protocol (the views each session needs), when the next
//! session is due, grades charted over time with sessions and side effects marked, the
//! sessions with their settings, photos, grades and side effects (each editable where it is
//! and deletable), and forms to add each.

mod chart;
mod forms;
mod measurements;
mod person;
mod sessions;

use forms::{EffectForm, GradeForm, SessionForm};

pub use person::{PersonPanel, RECORD_NOT_SHOWN};

use crate::app::record::{RecordCommand, SeriesRecord};
use crate::app::{Action, AppState, Command, Commands};
use crate::catalogue::SeriesPlan;
use crate::model::clinical::{ConsentScope, Mode, overdue_days};
use crate::model::{Keyed, SeriesStatus, SessionId, View};
use crate::ui::theme::palette;
use crate::ui::widgets::keep_together;
use chrono::NaiveDate;
use egui::{RichText, Ui};

/// What the series page says in place of the grades for a role that may not read them.
pub const CLINICAL_NOT_SHOWN: &str = "Grades, side effects and contraindications are for clinicians: they are not shown when you sign in as an assistant.";

fn record(command: RecordCommand) -> Command {
    command.into()
}

#[derive(Debug, Default)]
struct PlanForm {
    for_series: Option<crate::model::SeriesId>,
    /// The series as the form was filled from it: when the page is read again with other
    /// values (another window's or workstation's change, after a refused save or a live
    /// refresh), the form shows them, so a save never puts back what it was filled with.
    filled_from: Option<crate::model::Series>,
    title: String,
    planned: String,
    interval: String,
    start: String,
    status: Option<SeriesStatus>,
    notes: String,
}

#[derive(Debug, Default)]
pub struct RecordPanel {
    plan: PlanForm,
    /// The form that adds a session (at the bottom of the page).
    session: SessionForm,
    /// A session being edited where it is listed, and its form.
    editing: Option<(SessionId, SessionForm)>,
    /// The edit form has just opened: bring it into view once.
    scroll_to_edit: bool,
    grade: GradeForm,
    effect: EffectForm,
    /// A form's own complaint (a field that is not a number or a date).
    problem: Option<String>,
    /// What a CSV export is for (clinic mode).
    purpose: Option<ConsentScope>,
}

/// Parses an optional number field, naming it when it is not one.
fn optional<T: std::str::FromStr>(text: &str, field: &str) -> Result<Option<T>, String> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(None);
    }
    t.parse()
        .map(Some)
        .map_err(|_| format!("{field}: {t:?} is not a number"))
}

fn optional_date(text: &str, field: &str) -> Result<Option<NaiveDate>, String> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(None);
    }
    t.parse()
        .map(Some)
        .map_err(|_| format!("{field}: {t:?} is not a date like 2026-03-31"))
}

/// A label, then a combo box of every value of a keyed enum (or none).
fn combo<T: Keyed + PartialEq>(ui: &mut Ui, label: &str, value: &mut Option<T>, none: &str) {
    keep_together(ui, label, ui.spacing().combo_width + 24.0);
    let l = ui.label(label);
    egui::ComboBox::from_id_salt(label)
        .selected_text(value.map_or(none, |v| v.label()))
        .show_ui(ui, |ui| {
            ui.selectable_value(value, None, none);
            for v in T::ALL {
                ui.selectable_value(value, Some(*v), v.label());
            }
        })
        .response
        .labelled_by(l.id);
}

/// A label, then its text field.
fn field(ui: &mut Ui, label: &str, text: &mut String, hint: &str, width: f32) {
    keep_together(ui, label, width + 8.0);
    let label = ui.label(label);
    ui.add(
        egui::TextEdit::singleline(text)
            .hint_text(hint)
            .desired_width(width),
    )
    .labelled_by(label.id);
}

impl RecordPanel {
    pub fn ui(
        &mut self,
        ui: &mut Ui,
        state: &AppState,
        r: &SeriesRecord,
        images: &mut crate::app::images::ImageCache,
        commands: &mut Commands,
    ) {
        if self.plan.for_series != Some(r.series.id) {
            self.reset_for(r);
        } else if self.plan.filled_from.as_ref() != Some(&r.series) {
            self.plan = PlanForm::of(&r.series);
        }
        self.header_ui(ui, state, r, commands);
        if let Some(problem) = &self.problem {
            ui.colored_label(ui.visuals().error_fg_color, problem);
        }
        let forbidden = state.clinic.record_forbidden();
        if let Some(why) = &forbidden {
            ui.label(why);
        }
        egui::ScrollArea::vertical()
            .id_salt("series-page")
            .show(ui, |ui| {
                ui.add_enabled_ui(forbidden.is_none(), |ui| {
                    self.plan_ui(ui, state, r, commands);
                    ui.separator();
                    if r.clinical {
                        chart::charts(ui, r);
                    } else {
                        ui.label(RichText::new(CLINICAL_NOT_SHOWN).weak());
                    }
                    measurements::charts(ui, state, r);
                    ui.separator();
                    self.sessions_ui(ui, state, images, r, commands);
                    ui.separator();
                    if self.editing.is_none() {
                        self.session_form(ui, r, commands);
                        ui.separator();
                    }
                    if r.clinical {
                        self.grade_form(ui, r, commands);
                        ui.separator();
                        self.effect_form(ui, r, commands);
                    }
                });
            });
    }

    fn header_ui(
        &mut self,
        ui: &mut Ui,
        state: &AppState,
        r: &SeriesRecord,
        commands: &mut Commands,
    ) {
        ui.horizontal_wrapped(|ui| {
            crate::ui::action_button(ui, Action::Back, true, commands);
            ui.heading(format!("{} · {}", r.person.name, r.series.title));
            if state.library.mode == Mode::Clinic {
                combo(ui, "Purpose", &mut self.purpose, "Choose a purpose");
            }
            let forbidden = state.clinic.export_forbidden();
            if crate::ui::gated_button(
                ui,
                "Export CSV…",
                state.library.mode == Mode::Personal || self.purpose.is_some(),
                "Sessions, grades and side effects as a spreadsheet file (RFC 4180)",
                forbidden.as_deref(),
            ) {
                commands.push(record(RecordCommand::ChooseCsvFile(
                    r.series.id,
                    self.purpose,
                )));
            }
            if crate::ui::gated_button(
                ui,
                "Report…",
                true,
                "A PDF report of the series for the patient file or the patient",
                forbidden.as_deref(),
            ) {
                commands.push(crate::app::DocumentCommand::ShowReport(r.series.id).into());
            }
        });
    }

    fn reset_for(&mut self, r: &SeriesRecord) {
        self.plan = PlanForm::of(&r.series);
        self.session = SessionForm::today();
        self.editing = None;
        self.grade = GradeForm::default();
        self.effect = EffectForm::default();
        self.problem = None;
    }

    fn plan_ui(
        &mut self,
        ui: &mut Ui,
        state: &AppState,
        r: &SeriesRecord,
        commands: &mut Commands,
    ) {
        ui.strong("Plan");
        let p = &mut self.plan;
        ui.horizontal_wrapped(|ui| {
            field(ui, "Title", &mut p.title, "e.g. Microneedling 2026", 200.0);
            field(ui, "Planned sessions", &mut p.planned, "1–100", 60.0);
            field(ui, "Interval (days)", &mut p.interval, "e.g. 28", 60.0);
            field(ui, "Start", &mut p.start, "YYYY-MM-DD", 90.0);
            combo(ui, "Status", &mut p.status, "Active");
        });
        ui.horizontal_wrapped(|ui| {
            field(ui, "Notes", &mut p.notes, "", 360.0);
            if ui.button("Save plan").clicked() {
                match p.plan() {
                    Ok(plan) => {
                        self.problem = None;
                        commands.push(record(RecordCommand::SavePlan(r.series.id, plan)));
                    }
                    Err(e) => self.problem = Some(e),
                }
            }
        });
        protocol_ui(ui, r, commands);
        terms_ui(ui, state, r, commands);
        due_ui(ui, r);
    }
}

impl PlanForm {
    fn of(s: &crate::model::Series) -> Self {
        Self {
            for_series: Some(s.id),
            filled_from: Some(s.clone()),
            title: s.title.clone(),
            planned: s.planned_sessions.map_or(String::new(), |n| n.to_string()),
            interval: s.interval_days.map_or(String::new(), |n| n.to_string()),
            start: s.start_date.map_or(String::new(), |d| d.to_string()),
            status: Some(s.status),
            notes: s.notes.clone(),
        }
    }

    fn plan(&self) -> Result<SeriesPlan, String> {
        Ok(SeriesPlan {
            title: self.title.clone(),
            planned_sessions: optional(&self.planned, "Planned sessions")?,
            interval_days: optional(&self.interval, "Interval")?,
            start_date: optional_date(&self.start, "Start")?,
            status: self.status.unwrap_or(SeriesStatus::Active),
            notes: self.notes.clone(),
        })
    }
}

/// The views each session needs, and how many sessions lack one.
fn protocol_ui(ui: &mut Ui, r: &SeriesRecord, commands: &mut Commands) {
    ui.horizontal_wrapped(|ui| {
        ui.label("Views each session needs");
        for view in View::ALL {
            let mut on = r.views.contains(view);
            if ui.checkbox(&mut on, view.label()).changed() {
                let views = View::ALL
                    .iter()
                    .copied()
                    .filter(|v| if v == view { on } else { r.views.contains(v) })
                    .collect();
                commands.push(record(RecordCommand::SetViews(r.series.id, views)));
            }
        }
    });
    if r.views.is_empty() {
        return;
    }
    let incomplete = r.incomplete_sessions();
    let text = format!(
        "Protocol: {} per session; {}",
        crate::model::count(r.views.len(), "view", "views"),
        if incomplete == 0 {
            "every session has them all.".to_owned()
        } else {
            format!(
                "{} of {} incomplete.",
                incomplete,
                crate::model::count(r.sessions.len(), "session", "sessions")
            )
        }
    );
    let colour = if incomplete == 0 {
        palette(ui).good
    } else {
        palette(ui).caution
    };
    ui.label(RichText::new(text).color(colour));
}

/// The areas and concerns the series is about.
fn terms_ui(ui: &mut Ui, state: &AppState, r: &SeriesRecord, commands: &mut Commands) {
    let o = &state.overview;
    for (kind, terms) in [("Areas", &o.areas), ("Concerns", &o.concerns)] {
        ui.horizontal_wrapped(|ui| {
            ui.label(kind);
            for term in terms {
                let mut on = r.terms.contains(&term.id);
                if ui.checkbox(&mut on, &term.name).changed() {
                    let mut next = r.terms.clone();
                    if on {
                        next.push(term.id);
                    } else {
                        next.retain(|t| *t != term.id);
                    }
                    commands.push(record(RecordCommand::SetTerms(r.series.id, next)));
                }
            }
        });
    }
}

/// When the next session is due, or why there is no date.
fn due_ui(ui: &mut Ui, r: &SeriesRecord) {
    let today = chrono::Local::now().date_naive();
    match r.next_due() {
        Some(due) => match overdue_days(due, today) {
            Some(days) => {
                ui.label(
                    RichText::new(format!(
                        "Next session was due {due}: overdue by {}.",
                        crate::model::count(days as usize, "day", "days")
                    ))
                    .strong()
                    .color(palette(ui).overdue),
                );
            }
            None => {
                ui.label(format!("Next session due {due}."));
            }
        },
        None => {
            ui.label(
                RichText::new(if r.series.interval_days.is_none() {
                    "Set an interval to see when the next session is due."
                } else {
                    "All planned sessions are done."
                })
                .weak(),
            );
        }
    }
}

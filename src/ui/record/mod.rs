//! The series page: the plan and when the next session is due, grades charted over time with
//! sessions and side effects marked, the sessions with their settings, grades and side
//! effects, and forms to add each.

mod chart;
mod forms;
mod person;

use forms::{EffectForm, GradeForm, SessionForm};

pub use person::PersonPanel;

use crate::app::record::{RecordCommand, SeriesRecord};
use crate::app::{Action, AppState, BrowseCommand, Command, Commands};
use crate::catalogue::SeriesPlan;
use crate::model::clinical::{ConsentScope, Mode, overdue_days};
use crate::model::{Keyed, SeriesStatus, SessionId};
use crate::ui::theme::{self, palette};
use chrono::NaiveDate;
use egui::{RichText, Ui};

fn record(command: RecordCommand) -> Command {
    command.into()
}

#[derive(Debug, Default)]
struct PlanForm {
    for_series: Option<crate::model::SeriesId>,
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
    session: SessionForm,
    grade: GradeForm,
    effect: EffectForm,
    /// A form's own complaint (a field that is not a number or a date).
    problem: Option<String>,
    /// What a CSV export is for (clinic mode).
    purpose: Option<ConsentScope>,
    /// A session whose "Edit" was clicked, to load into the form.
    edit_request: Option<SessionId>,
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

fn combo<T: Keyed + PartialEq>(ui: &mut Ui, label: &str, value: &mut Option<T>, none: &str) {
    egui::ComboBox::from_label(label)
        .selected_text(value.map_or(none, |v| v.label()))
        .show_ui(ui, |ui| {
            ui.selectable_value(value, None, none);
            for v in T::ALL {
                ui.selectable_value(value, Some(*v), v.label());
            }
        });
}

fn field(ui: &mut Ui, label: &str, text: &mut String, hint: &str, width: f32) {
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
        }
        ui.horizontal_wrapped(|ui| {
            crate::ui::action_button(ui, Action::Back, true, commands);
            ui.heading(format!("{} · {}", r.person.name, r.series.title));
            if state.library.mode == Mode::Clinic {
                combo(ui, "Purpose", &mut self.purpose, "Choose a purpose");
            }
            if ui
                .add_enabled(
                    state.library.mode == Mode::Personal || self.purpose.is_some(),
                    egui::Button::new("Export CSV…"),
                )
                .on_hover_text("Sessions, grades and side effects as a spreadsheet file (RFC 4180)")
                .clicked()
            {
                commands.push(record(RecordCommand::ChooseCsvFile(
                    r.series.id,
                    self.purpose,
                )));
            }
        });
        if let Some(problem) = &self.problem {
            ui.colored_label(ui.visuals().error_fg_color, problem);
        }
        egui::ScrollArea::vertical()
            .id_salt("series-page")
            .show(ui, |ui| {
                self.plan_ui(ui, state, r, commands);
                ui.separator();
                chart::charts(ui, r);
                ui.separator();
                if let Some(id) = sessions(ui, state, images, r, commands) {
                    self.edit_request = Some(id);
                }
                ui.separator();
                self.session_form(ui, r, commands);
                ui.separator();
                self.grade_form(ui, r, commands);
                ui.separator();
                self.effect_form(ui, r, commands);
            });
    }

    fn reset_for(&mut self, r: &SeriesRecord) {
        let s = &r.series;
        self.plan = PlanForm {
            for_series: Some(s.id),
            title: s.title.clone(),
            planned: s.planned_sessions.map_or(String::new(), |n| n.to_string()),
            interval: s.interval_days.map_or(String::new(), |n| n.to_string()),
            start: s.start_date.map_or(String::new(), |d| d.to_string()),
            status: Some(s.status),
            notes: s.notes.clone(),
        };
        self.session = SessionForm::today();
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
        ui.horizontal(|ui| {
            field(ui, "Notes", &mut p.notes, "", 360.0);
            if ui.button("Save plan").clicked() {
                let plan = (|| {
                    Ok::<_, String>(SeriesPlan {
                        title: p.title.clone(),
                        planned_sessions: optional(&p.planned, "Planned sessions")?,
                        interval_days: optional(&p.interval, "Interval")?,
                        start_date: optional_date(&p.start, "Start")?,
                        status: p.status.unwrap_or(SeriesStatus::Active),
                        notes: p.notes.clone(),
                    })
                })();
                match plan {
                    Ok(plan) => {
                        self.problem = None;
                        commands.push(record(RecordCommand::SavePlan(r.series.id, plan)));
                    }
                    Err(e) => self.problem = Some(e),
                }
            }
        });
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
        let today = chrono::Local::now().date_naive();
        match r.next_due() {
            Some(due) => match overdue_days(due, today) {
                Some(days) => {
                    ui.label(
                        RichText::new(format!(
                            "Next session was due {due}: overdue by {days} days."
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
}

/// The sessions in date order with their settings, photos, grades and side effects.
fn sessions(
    ui: &mut Ui,
    state: &AppState,
    images: &mut crate::app::images::ImageCache,
    r: &SeriesRecord,
    commands: &mut Commands,
) -> Option<SessionId> {
    let mut edit = None;
    ui.strong(format!("Sessions ({})", r.sessions.len()));
    for (i, s) in r.sessions.iter().enumerate() {
        let mut parts = vec![
            (i + 1).to_string(),
            s.date.to_string(),
            s.kind.label().to_owned(),
        ];
        if let Some(kind) = s.device_kind {
            parts.push(format!("{} {}", kind.label(), s.device));
        }
        if let Some(d) = s.needle_depth_mm {
            parts.push(format!("{d} mm"));
        }
        if let Some(p) = s.passes {
            parts.push(format!("{p} passes"));
        }
        if !s.products.is_empty() {
            parts.push(s.products.clone());
        }
        if let Some(c) = s.cost_cents {
            parts.push(format!(
                "{}.{:02} {}",
                c / 100,
                c % 100,
                s.currency.as_deref().unwrap_or("")
            ));
        }
        ui.horizontal(|ui| {
            ui.label(RichText::new(parts.join(" · ")).strong());
            if ui
                .small_button(format!("Edit session {}", i + 1))
                .on_hover_text("Load this session into the form below to change it")
                .clicked()
            {
                edit = Some(s.id);
            }
        });
        let grades: Vec<String> = r
            .grades
            .iter()
            .filter(|g| g.session == Some(s.id))
            .map(|g| {
                format!(
                    "{} {}",
                    g.custom_name
                        .clone()
                        .unwrap_or_else(|| g.scale.key().to_owned()),
                    g.value
                )
            })
            .collect();
        let effects: Vec<String> = r
            .side_effects
            .iter()
            .filter(|e| e.session == s.id)
            .map(|e| format!("{} {}/3 on day {}", e.kind.label(), e.severity, e.day_after))
            .collect();
        ui.indent(("session", s.id), |ui| {
            let photos: Vec<&crate::model::Photo> = r
                .photos
                .iter()
                .filter(|p| p.session == Some(s.id))
                .collect();
            if !photos.is_empty() {
                ui.horizontal_wrapped(|ui| {
                    for photo in photos {
                        thumbnail(ui, state, images, photo, commands);
                    }
                });
            }
            if !grades.is_empty() {
                ui.label(format!("Grades: {}", grades.join(", ")));
            }
            if !effects.is_empty() {
                ui.label(
                    RichText::new(format!("Side effects: {}", effects.join(", ")))
                        .color(palette(ui).side_effect),
                );
            }
            if let Some(ack) = &s.contraindications_acknowledged {
                ui.label(RichText::new(format!("Contraindications: {ack}")).weak());
            }
            if !s.notes.is_empty() {
                ui.label(RichText::new(&s.notes).weak());
            }
        });
    }
    edit
}

/// A photo's thumbnail; a click opens it in the viewer.
fn thumbnail(
    ui: &mut Ui,
    state: &AppState,
    images: &mut crate::app::images::ImageCache,
    photo: &crate::model::Photo,
    commands: &mut Commands,
) {
    use crate::app::images::Rendition;
    let size = egui::vec2(72.0 * photo.width as f32 / photo.height.max(1) as f32, 72.0)
        .min(egui::vec2(120.0, 72.0));
    let (rect, response) = ui.allocate_exact_size(size, egui::Sense::click());
    if ui.is_rect_visible(rect) {
        match state
            .image_request(photo.id, &photo.hash, photo.format, Rendition::Thumbnail)
            .and_then(|r| images.get(&r))
        {
            Some(t) => {
                ui.painter().image(
                    t.id(),
                    rect,
                    egui::Rect::from_min_max(egui::pos2(0.0, 0.0), egui::pos2(1.0, 1.0)),
                    theme::AS_IS,
                );
            }
            None => {
                ui.painter().rect_filled(rect, 2.0, palette(ui).placeholder);
            }
        }
    }
    let label = format!(
        "{} · {}",
        photo.view.map_or("View not recorded", Keyed::label),
        photo.taken_at.local.format("%Y-%m-%d")
    );
    response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Button, true, &label));
    if response.on_hover_text(&label).clicked() {
        commands.push(BrowseCommand::OpenPhoto(photo.id).into());
    }
}

//! The series page: the plan and when the next session is due, grades charted over time with
//! sessions and side effects marked, the sessions with their settings, grades and side
//! effects, and forms to add each.

use crate::app::record::{RecordCommand, SeriesRecord};
use crate::app::{Action, AppState, Command, Commands};
use crate::catalogue::{NewGrade, NewSession, SeriesPlan};
use crate::model::clinical::{
    ConsentScope, DeviceKind, GradeScale, Mode, SideEffectKind, overdue_days,
};
use crate::model::{Keyed, SeriesStatus, SessionId, SessionKind};
use chrono::{Datelike, NaiveDate};
use egui::{Color32, RichText, Ui};

fn record(command: RecordCommand) -> Command {
    Command::Record(command)
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
struct SessionForm {
    date: String,
    kind: Option<SessionKind>,
    device_kind: Option<DeviceKind>,
    model: String,
    depth: String,
    passes: String,
    products: String,
    numbing: String,
    practitioner: String,
    cost: String,
    currency: String,
    notes: String,
    acknowledge: bool,
    /// The session being edited, when the form edits one rather than adding.
    editing: Option<SessionId>,
}

#[derive(Debug, Default)]
struct GradeForm {
    session: Option<SessionId>,
    /// One photo of the session, when the grade is of that photo alone.
    photo: Option<crate::model::PhotoId>,
    scale: Option<GradeScale>,
    value: String,
    regions: String,
    name: String,
}

#[derive(Debug, Default)]
struct EffectForm {
    session: Option<SessionId>,
    kind: Option<SideEffectKind>,
    severity: i64,
    day_after: String,
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

/// Days since the common era, as the charts' x axis.
fn x_of(date: NaiveDate) -> f64 {
    f64::from(date.num_days_from_ce())
}

fn date_of(x: f64) -> Option<NaiveDate> {
    NaiveDate::from_num_days_from_ce_opt(x.round() as i32)
}

impl RecordPanel {
    pub fn ui(
        &mut self,
        ui: &mut Ui,
        state: &AppState,
        images: &mut crate::app::images::ImageCache,
        commands: &mut Commands,
    ) {
        let Some(r) = &state.record else {
            return;
        };
        if self.plan.for_series != Some(r.series.id) {
            self.reset_for(r);
        }
        ui.horizontal_wrapped(|ui| {
            crate::ui::action_button(ui, Action::Back, true, commands);
            ui.heading(format!("{} · {}", r.person.name, r.series.title));
            if state.mode == Mode::Clinic {
                combo(ui, "Purpose", &mut self.purpose, "Choose a purpose");
            }
            if ui
                .add_enabled(
                    state.mode == Mode::Personal || self.purpose.is_some(),
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
                charts(ui, r);
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
        self.session = SessionForm {
            date: chrono::Local::now().date_naive().to_string(),
            ..SessionForm::default()
        };
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
        for (kind, terms) in [("Areas", &state.areas), ("Concerns", &state.concerns)] {
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
                        .color(Color32::from_rgb(240, 110, 80)),
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

    fn session_form(&mut self, ui: &mut Ui, r: &SeriesRecord, commands: &mut Commands) {
        if let Some(id) = self.edit_request.take()
            && let Some(s) = r.sessions.iter().find(|s| s.id == id)
        {
            self.session = SessionForm {
                date: s.date.to_string(),
                kind: Some(s.kind),
                device_kind: s.device_kind,
                model: s.device.clone(),
                depth: s.needle_depth_mm.map_or(String::new(), |d| d.to_string()),
                passes: s.passes.map_or(String::new(), |p| p.to_string()),
                products: s.products.clone(),
                numbing: s.numbing.clone(),
                practitioner: s.practitioner.clone(),
                cost: s
                    .cost_cents
                    .map_or(String::new(), |c| format!("{}.{:02}", c / 100, c % 100)),
                currency: s.currency.clone().unwrap_or_default(),
                notes: s.notes.clone(),
                acknowledge: false,
                editing: Some(id),
            };
        }
        let f = &mut self.session;
        ui.strong(if f.editing.is_some() {
            "Edit the session"
        } else {
            "Add a session"
        });
        ui.horizontal_wrapped(|ui| {
            field(ui, "Date", &mut f.date, "YYYY-MM-DD", 90.0);
            combo(ui, "Kind", &mut f.kind, "Automatic");
            combo(ui, "Device", &mut f.device_kind, "Not recorded");
            field(ui, "Model", &mut f.model, "e.g. Dr. Pen A6", 120.0);
            field(ui, "Needle depth (mm)", &mut f.depth, "0.1–3.0", 50.0);
            field(ui, "Passes", &mut f.passes, "", 40.0);
        });
        ui.horizontal_wrapped(|ui| {
            field(ui, "Products", &mut f.products, "serum…", 140.0);
            field(ui, "Numbing", &mut f.numbing, "", 100.0);
            field(ui, "Practitioner", &mut f.practitioner, "", 110.0);
            field(ui, "Cost", &mut f.cost, "120.00", 60.0);
            field(ui, "Currency", &mut f.currency, "EUR", 40.0);
            field(ui, "Notes", &mut f.notes, "", 160.0);
        });
        let date = f.date.trim().parse::<NaiveDate>().ok();
        let active = date
            .map(|d| r.active_contraindications(d))
            .unwrap_or_default();
        let treatment = f.kind != Some(SessionKind::FollowUp);
        let needs_ack = treatment && !active.is_empty() && f.editing.is_none();
        if needs_ack {
            let names: Vec<String> = active
                .iter()
                .map(|c| format!("{} (noted {})", c.kind.label(), c.noted_on))
                .collect();
            ui.label(
                RichText::new(format!(
                    "Active contraindications: {}. Treat only after weighing them with the person.",
                    names.join(", ")
                ))
                .strong()
                .color(Color32::from_rgb(240, 140, 60)),
            );
            ui.checkbox(
                &mut f.acknowledge,
                "I acknowledge these contraindications (recorded with the session)",
            );
        }
        let mut save = false;
        if f.editing.is_some() {
            ui.horizontal(|ui| {
                save = ui.button("Save session").clicked();
                if ui.button("Cancel").clicked() {
                    f.editing = None;
                }
            });
        }
        if save
            || (f.editing.is_none()
                && ui
                    .add_enabled(
                        !needs_ack || f.acknowledge,
                        egui::Button::new("Add session"),
                    )
                    .clicked())
        {
            let session = (|| {
                Ok::<_, String>(NewSession {
                    series: Some(r.series.id),
                    date: Some(
                        optional_date(&f.date, "Date")?.ok_or("Date: give the session's date")?,
                    ),
                    kind: f.kind,
                    device_kind: f.device_kind,
                    device: f.model.trim().to_owned(),
                    needle_depth_mm: optional(&f.depth, "Needle depth")?,
                    passes: optional(&f.passes, "Passes")?,
                    products: f.products.trim().to_owned(),
                    numbing: f.numbing.trim().to_owned(),
                    practitioner: f.practitioner.trim().to_owned(),
                    cost_cents: optional::<f64>(&f.cost, "Cost")?
                        .map(|c| (c * 100.0).round() as i64),
                    currency: Some(f.currency.trim().to_owned()).filter(|c| !c.is_empty()),
                    notes: f.notes.trim().to_owned(),
                    acknowledge_contraindications: f.acknowledge,
                })
            })();
            match session {
                Ok(s) => {
                    self.problem = None;
                    f.acknowledge = false;
                    match f.editing.take() {
                        Some(id) => commands.push(record(RecordCommand::UpdateSession(id, s))),
                        None => commands.push(record(RecordCommand::AddSession(s))),
                    }
                }
                Err(e) => self.problem = Some(e),
            }
        }
    }

    fn grade_form(&mut self, ui: &mut Ui, r: &SeriesRecord, commands: &mut Commands) {
        ui.strong("Add a grade");
        let f = &mut self.grade;
        ui.horizontal_wrapped(|ui| {
            let before = f.session;
            session_combo(ui, "Grade session", &mut f.session, r);
            if f.session != before {
                f.photo = None;
            }
            let photos: Vec<&crate::model::Photo> = r
                .photos
                .iter()
                .filter(|p| f.session.is_some() && p.session == f.session)
                .collect();
            let name = |p: &crate::model::Photo| {
                format!(
                    "{} · {}",
                    p.view.map_or("View not recorded", Keyed::label),
                    p.taken_at.local.format("%H:%M")
                )
            };
            egui::ComboBox::from_label("Of")
                .selected_text(
                    f.photo
                        .and_then(|id| photos.iter().find(|p| p.id == id))
                        .map_or("The whole session".to_owned(), |p| name(p)),
                )
                .show_ui(ui, |ui| {
                    ui.selectable_value(&mut f.photo, None, "The whole session");
                    for p in &photos {
                        ui.selectable_value(&mut f.photo, Some(p.id), name(p));
                    }
                });
            combo(ui, "Scale", &mut f.scale, "Choose a scale");
            match f.scale {
                Some(GradeScale::Mmasi) => {
                    field(
                        ui,
                        "mMASI regions",
                        &mut f.regions,
                        "forehead, R malar, L malar, chin: 3x2,4x3,4x3,1x1",
                        260.0,
                    );
                }
                Some(scale) => {
                    if scale == GradeScale::Custom {
                        field(ui, "Scale name", &mut f.name, "e.g. Redness score", 120.0);
                    }
                    field(ui, "Value", &mut f.value, &scale.range_text(), 60.0);
                }
                None => {}
            }
        });
        if ui
            .add_enabled(
                f.session.is_some() && f.scale.is_some(),
                egui::Button::new("Add grade"),
            )
            .clicked()
        {
            match optional::<f64>(&f.value, "Value") {
                Ok(value) => {
                    self.problem = None;
                    commands.push(record(RecordCommand::AddGrade(NewGrade {
                        session: f.session,
                        photo: f.photo,
                        scale: f.scale.expect("enabled only with a scale"),
                        custom_name: Some(f.name.clone()).filter(|n| !n.trim().is_empty()),
                        value,
                        mmasi_regions: Some(f.regions.clone()).filter(|t| !t.trim().is_empty()),
                        notes: String::new(),
                    })));
                    f.value.clear();
                }
                Err(e) => self.problem = Some(e),
            }
        }
    }

    fn effect_form(&mut self, ui: &mut Ui, r: &SeriesRecord, commands: &mut Commands) {
        ui.strong("Add a side effect");
        let f = &mut self.effect;
        ui.horizontal_wrapped(|ui| {
            session_combo(ui, "Side effect session", &mut f.session, r);
            combo(ui, "Side effect", &mut f.kind, "Choose");
            ui.add(egui::Slider::new(&mut f.severity, 0..=3).text("Severity"));
            field(ui, "Day after", &mut f.day_after, "0 = same day", 50.0);
            field(ui, "Side effect notes", &mut f.notes, "", 160.0);
        });
        if ui
            .add_enabled(
                f.session.is_some() && f.kind.is_some(),
                egui::Button::new("Add side effect"),
            )
            .clicked()
        {
            match optional::<i64>(&f.day_after, "Day after") {
                Ok(day) => {
                    self.problem = None;
                    commands.push(record(RecordCommand::AddSideEffect {
                        session: f.session.expect("enabled only with a session"),
                        kind: f.kind.expect("enabled only with a kind"),
                        severity: f.severity,
                        day_after: day.unwrap_or(0),
                        notes: f.notes.trim().to_owned(),
                    }));
                }
                Err(e) => self.problem = Some(e),
            }
        }
    }
}

fn session_combo(ui: &mut Ui, label: &str, value: &mut Option<SessionId>, r: &SeriesRecord) {
    let text = |id: SessionId| {
        r.sessions
            .iter()
            .position(|s| s.id == id)
            .map_or(String::new(), |i| {
                format!("{} · {}", i + 1, r.sessions[i].date)
            })
    };
    egui::ComboBox::from_label(label)
        .selected_text(value.map_or("Choose a session".into(), text))
        .show_ui(ui, |ui| {
            for s in &r.sessions {
                ui.selectable_value(value, Some(s.id), text(s.id));
            }
        });
}

/// Every graded scale over time, with the sessions as vertical lines and side effects as
/// red marks along the bottom.
fn charts(ui: &mut Ui, r: &SeriesRecord) {
    let lines = r.charts();
    ui.strong("Grades over time");
    if lines.is_empty() {
        ui.label(RichText::new("No grades yet: add one below to see it charted.").weak());
        return;
    }
    for line in lines {
        ui.label(&line.name);
        let low = line
            .points
            .iter()
            .map(|p| p.1)
            .fold(f64::INFINITY, f64::min);
        egui_plot::Plot::new(("grade-chart", &line.name))
            .height(150.0)
            .allow_scroll(false)
            .x_axis_formatter(|mark, _| {
                date_of(mark.value).map_or(String::new(), |d| d.format("%Y-%m-%d").to_string())
            })
            .label_formatter(|hover| {
                let date = |x: f64| date_of(x).map_or(String::new(), |d| d.to_string());
                Some(match hover {
                    egui_plot::HoverPosition::NearDataPoint {
                        plot_name,
                        position,
                        ..
                    } => format!("{plot_name}\n{}: {:.1}", date(position.x), position.y),
                    egui_plot::HoverPosition::Elsewhere { position } => date(position.x),
                })
            })
            .show(ui, |plot| {
                for s in &r.sessions {
                    plot.vline(
                        egui_plot::VLine::new(format!("Session {}", s.date), x_of(s.date))
                            .color(Color32::from_gray(90)),
                    );
                }
                let points: Vec<[f64; 2]> =
                    line.points.iter().map(|(d, v)| [x_of(*d), *v]).collect();
                plot.line(egui_plot::Line::new(line.name.clone(), points.clone()));
                plot.points(egui_plot::Points::new(line.name.clone(), points).radius(3.5));
                let effects: Vec<[f64; 2]> = r
                    .side_effects
                    .iter()
                    .map(|e| {
                        [
                            x_of(e.session_date) + f64::from(e.day_after),
                            low - 0.1 * (1.0 + f64::from(e.severity)),
                        ]
                    })
                    .collect();
                if !effects.is_empty() {
                    plot.points(
                        egui_plot::Points::new("Side effects", effects)
                            .color(Color32::from_rgb(230, 80, 70))
                            .shape(egui_plot::MarkerShape::Diamond)
                            .radius(4.0),
                    );
                }
            });
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
                        .color(Color32::from_rgb(230, 120, 100)),
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

/// The person record: skin type, the contraindication checklist with the day each was
/// noted, and (clinic mode) consent to each use, given or withdrawn.
pub fn person_window(ctx: &egui::Context, state: &AppState, commands: &mut Commands) {
    use crate::app::record::PersonCommand;
    use crate::model::clinical::{Contraindication, roman};
    let Some(r) = &state.person_record else {
        return;
    };
    let person = |c: PersonCommand| Command::Person(c);
    let mut open = true;
    let title = if state.mode == Mode::Clinic {
        format!("Patient record: {}", r.person.name)
    } else {
        format!("Record: {}", r.person.name)
    };
    egui::Window::new(title)
        .open(&mut open)
        .collapsible(false)
        .show(ctx, |ui| {
            let mut skin = r.person.fitzpatrick;
            egui::ComboBox::from_label("Fitzpatrick skin type")
                .selected_text(
                    skin.map_or("Not recorded".to_owned(), |t| format!("Type {}", roman(t))),
                )
                .show_ui(ui, |ui| {
                    ui.selectable_value(&mut skin, None, "Not recorded");
                    for t in 1..=6u8 {
                        ui.selectable_value(&mut skin, Some(t), format!("Type {}", roman(t)));
                    }
                });
            if skin != r.person.fitzpatrick {
                commands.push(person(PersonCommand::SkinType(skin)));
            }
            ui.separator();
            ui.strong("Contraindications");
            let today = chrono::Local::now().date_naive();
            for kind in Contraindication::ALL {
                let row = r.contraindications.iter().find(|c| c.kind == *kind);
                let mut active = row.is_some_and(|c| c.active_on(today));
                ui.horizontal(|ui| {
                    if ui.checkbox(&mut active, kind.label()).changed() {
                        commands.push(person(PersonCommand::Contraindication(*kind, active)));
                    }
                    if let Some(c) = row {
                        let text = match c.resolved_on {
                            Some(day) => format!("noted {}, resolved {day}", c.noted_on),
                            None => format!("noted {}", c.noted_on),
                        };
                        ui.label(RichText::new(text).weak());
                    }
                });
            }
            if state.mode == Mode::Clinic {
                ui.separator();
                ui.strong("Consent");
                for scope in ConsentScope::ALL {
                    let row = r.consents.iter().find(|c| c.scope == *scope);
                    ui.horizontal(|ui| {
                        ui.label(scope.label());
                        match row {
                            Some(c) if c.withdrawn_on.is_none() => {
                                ui.label(format!("given {}", c.given_on));
                                if ui
                                    .button(format!("Withdraw {}", scope.label().to_lowercase()))
                                    .clicked()
                                {
                                    commands.push(person(PersonCommand::Consent(*scope, false)));
                                }
                            }
                            other => {
                                if let Some(c) = other {
                                    ui.label(
                                        RichText::new(format!(
                                            "withdrawn {}",
                                            c.withdrawn_on.expect("matched above")
                                        ))
                                        .weak(),
                                    );
                                } else {
                                    ui.label(RichText::new("not given").weak());
                                }
                                if ui
                                    .button(format!("Give {}", scope.label().to_lowercase()))
                                    .clicked()
                                {
                                    commands.push(person(PersonCommand::Consent(*scope, true)));
                                }
                            }
                        }
                    });
                }
            }
        });
    if !open {
        commands.push(person(PersonCommand::Close));
    }
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
                    Color32::WHITE,
                );
            }
            None => {
                ui.painter().rect_filled(rect, 2.0, Color32::from_gray(40));
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
        commands.push(Command::OpenPhoto(photo.id));
    }
}

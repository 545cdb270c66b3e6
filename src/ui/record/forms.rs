//! The series page's forms: add or edit a session (with the contraindication
//! acknowledgement), add a grade of a session or one photo, add a side effect.

use super::{RecordPanel, combo, field, optional, optional_date, record};
use crate::app::Commands;
use crate::app::edit::NewSideEffect;
use crate::app::record::{RecordCommand, SeriesRecord};
use crate::catalogue::{NewGrade, NewSession};
use crate::model::clinical::{DeviceKind, GradeScale, SideEffectKind};
use crate::model::{Keyed, SessionId, SessionKind};
use crate::ui::theme::palette;
use crate::ui::widgets::keep_together;
use chrono::NaiveDate;
use egui::{RichText, Ui};

#[derive(Debug, Default)]
pub(super) struct SessionForm {
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
}

#[derive(Debug, Default)]
pub(super) struct GradeForm {
    session: Option<SessionId>,
    /// One photo of the session, when the grade is of that photo alone.
    photo: Option<crate::model::PhotoId>,
    scale: Option<GradeScale>,
    value: String,
    regions: String,
    name: String,
}

#[derive(Debug, Default)]
pub(super) struct EffectForm {
    session: Option<SessionId>,
    kind: Option<SideEffectKind>,
    severity: i64,
    day_after: String,
    notes: String,
}

impl SessionForm {
    /// An empty form dated today.
    pub(super) fn today() -> Self {
        Self {
            date: chrono::Local::now().date_naive().to_string(),
            ..Self::default()
        }
    }

    /// A session's details, to edit it.
    pub(super) fn of(s: &crate::model::Session) -> Self {
        Self {
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
        }
    }

    /// The session the form describes, or what is wrong with a field.
    pub(super) fn session(&self, series: crate::model::SeriesId) -> Result<NewSession, String> {
        Ok(NewSession {
            series: Some(series),
            date: Some(optional_date(&self.date, "Date")?.ok_or("Date: give the session's date")?),
            kind: self.kind,
            device_kind: self.device_kind,
            device: self.model.trim().to_owned(),
            needle_depth_mm: optional(&self.depth, "Needle depth")?,
            passes: optional(&self.passes, "Passes")?,
            products: self.products.trim().to_owned(),
            numbing: self.numbing.trim().to_owned(),
            practitioner: self.practitioner.trim().to_owned(),
            cost_cents: optional::<f64>(&self.cost, "Cost")?.map(|c| (c * 100.0).round() as i64),
            currency: Some(self.currency.trim().to_owned()).filter(|c| !c.is_empty()),
            notes: self.notes.trim().to_owned(),
            acknowledge_contraindications: self.acknowledge,
        })
    }
}

impl SessionForm {
    /// The session's fields; its date only when adding (a session keeps its date).
    pub(super) fn fields(&mut self, ui: &mut Ui, r: &SeriesRecord, adding: bool) {
        let f = self;
        ui.horizontal_wrapped(|ui| {
            if adding {
                field(ui, "Date", &mut f.date, "YYYY-MM-DD", 90.0);
            } else {
                ui.label(format!("Session of {}", f.date));
            }
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
        if !adding {
            return;
        }
        let date = f.date.trim().parse::<NaiveDate>().ok();
        let active = date
            .map(|d| r.active_contraindications(d))
            .unwrap_or_default();
        if f.kind != Some(SessionKind::FollowUp) && !active.is_empty() {
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
                .color(palette(ui).warning),
            );
            ui.checkbox(
                &mut f.acknowledge,
                "I acknowledge these contraindications (recorded with the session)",
            );
        } else {
            f.acknowledge = false;
        }
    }

    /// Contraindications are active on the form's date and not yet acknowledged.
    fn waits_for_acknowledgement(&self, r: &SeriesRecord) -> bool {
        let active = self
            .date
            .trim()
            .parse::<NaiveDate>()
            .is_ok_and(|d| !r.active_contraindications(d).is_empty());
        active && self.kind != Some(SessionKind::FollowUp) && !self.acknowledge
    }
}

impl RecordPanel {
    /// The form that adds a session.
    pub(super) fn session_form(&mut self, ui: &mut Ui, r: &SeriesRecord, commands: &mut Commands) {
        ui.strong("Add a session");
        let f = &mut self.session;
        ui.push_id("add-session", |ui| f.fields(ui, r, true));
        if ui
            .add_enabled(
                !f.waits_for_acknowledgement(r),
                egui::Button::new("Add session"),
            )
            .clicked()
        {
            match f.session(r.series.id) {
                Ok(s) => {
                    self.problem = None;
                    f.acknowledge = false;
                    commands.push(record(RecordCommand::AddSession(s)));
                }
                Err(e) => self.problem = Some(e),
            }
        }
    }

    pub(super) fn grade_form(&mut self, ui: &mut Ui, r: &SeriesRecord, commands: &mut Commands) {
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
            keep_together(ui, "Of", ui.spacing().combo_width + 24.0);
            let of = ui.label("Of");
            egui::ComboBox::from_id_salt("grade-of")
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
                })
                .response
                .labelled_by(of.id);
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

    pub(super) fn effect_form(&mut self, ui: &mut Ui, r: &SeriesRecord, commands: &mut Commands) {
        ui.strong("Add a side effect");
        let f = &mut self.effect;
        ui.horizontal_wrapped(|ui| {
            session_combo(ui, "Side effect session", &mut f.session, r);
            combo(ui, "Side effect", &mut f.kind, "Choose");
            keep_together(ui, "Severity", ui.spacing().slider_width + 40.0);
            let severity = ui.label("Severity");
            ui.add(egui::Slider::new(&mut f.severity, 0..=3))
                .on_hover_text("0 none, 1 mild, 2 moderate, 3 severe")
                .labelled_by(severity.id);
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
                    commands.push(record(RecordCommand::AddSideEffect(NewSideEffect {
                        session: f.session.expect("enabled only with a session"),
                        kind: f.kind.expect("enabled only with a kind"),
                        severity: f.severity,
                        day_after: day.unwrap_or(0),
                        notes: f.notes.trim().to_owned(),
                    })));
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
    keep_together(ui, label, ui.spacing().combo_width + 24.0);
    let l = ui.label(label);
    egui::ComboBox::from_id_salt(label)
        .selected_text(value.map_or("Choose a session".into(), text))
        .show_ui(ui, |ui| {
            for s in &r.sessions {
                ui.selectable_value(value, Some(s.id), text(s.id));
            }
        })
        .response
        .labelled_by(l.id);
}

//! The person record window: skin type, the contraindication checklist, and (clinic mode)
//! consent with its history, given or withdrawn through a form that asks for the day, who
//! records it and a note, and a confirmation.

use crate::app::record::{PersonCommand, PersonRecord};
use crate::app::{AppState, Commands};
use crate::catalogue::ConsentRow;
use crate::model::Keyed;
use crate::model::clinical::{ConsentScope, Contraindication, Mode, roman};
use crate::ui::theme::palette;
use chrono::NaiveDate;
use egui::{RichText, Ui};

/// What the person record says in place of contraindications and consent for a role that
/// may not read them.
pub const RECORD_NOT_SHOWN: &str = "Contraindications and consent are for clinicians: they are not shown when you sign in as an assistant.";

/// The form that gives or withdraws consent to one use.
#[derive(Debug)]
struct ConsentForm {
    person: crate::model::PersonId,
    scope: ConsentScope,
    give: bool,
    date: String,
    staff: String,
    note: String,
    confirmed: bool,
}

/// The person record window's own state: the consent form being filled in.
#[derive(Debug, Default)]
pub struct PersonPanel {
    form: Option<ConsentForm>,
}

fn command(c: PersonCommand) -> crate::app::Command {
    c.into()
}

impl PersonPanel {
    pub fn ui(
        &mut self,
        ctx: &egui::Context,
        state: &AppState,
        r: &PersonRecord,
        commands: &mut Commands,
    ) {
        if self.form.as_ref().is_some_and(|f| f.person != r.person.id) {
            self.form = None;
        }
        let mut open = true;
        let clinic = state.library.mode == Mode::Clinic;
        let title = if clinic {
            format!("Patient record: {}", r.person.name)
        } else {
            format!("Record: {}", r.person.name)
        };
        egui::Window::new(title)
            .pivot(egui::Align2::CENTER_CENTER)
            .default_pos(ctx.content_rect().center())
            .open(&mut open)
            .collapsible(false)
            .default_width(620.0)
            .max_height(ctx.content_rect().height() - 80.0)
            .show(ctx, |ui| {
                let forbidden = state.clinic.record_forbidden();
                if let Some(why) = &forbidden {
                    ui.label(why);
                }
                egui::ScrollArea::vertical().show(ui, |ui| {
                    ui.add_enabled_ui(forbidden.is_none(), |ui| {
                        skin_type_ui(ui, r, commands);
                        ui.separator();
                        if !r.clinical {
                            ui.label(RichText::new(RECORD_NOT_SHOWN).weak());
                            return;
                        }
                        contraindications_ui(ui, r, commands);
                        if clinic {
                            ui.separator();
                            self.consent_ui(ui, state, r, commands);
                        }
                    });
                });
            });
        if !open {
            commands.push(command(PersonCommand::Close));
        }
    }

    fn consent_ui(
        &mut self,
        ui: &mut Ui,
        state: &AppState,
        r: &PersonRecord,
        commands: &mut Commands,
    ) {
        ui.strong("Consent");
        egui::Grid::new("consent").num_columns(3).show(ui, |ui| {
            for scope in ConsentScope::ALL {
                let row = r.consents.iter().find(|c| c.scope == *scope);
                ui.label(scope.label());
                let given = row.is_some_and(|c| c.withdrawn_on.is_none());
                ui.label(consent_state_text(row));
                let text = if given {
                    format!("Withdraw {}…", scope.label().to_lowercase())
                } else {
                    format!("Give {}…", scope.label().to_lowercase())
                };
                if ui.button(text).clicked() {
                    self.form = Some(ConsentForm {
                        person: r.person.id,
                        scope: *scope,
                        give: !given,
                        date: chrono::Local::now().date_naive().to_string(),
                        staff: state.prefs.staff_name.clone(),
                        note: String::new(),
                        confirmed: false,
                    });
                }
                ui.end_row();
            }
        });
        if let Some(form) = &mut self.form
            && form_window(ui.ctx(), &r.person.name, form, commands)
        {
            self.form = None;
        }
        history_ui(ui, r);
    }
}

/// "given 2026-01-05", "withdrawn 2026-02-01", "not given".
fn consent_state_text(row: Option<&ConsentRow>) -> RichText {
    match row {
        Some(c) => match c.withdrawn_on {
            None => RichText::new(format!("given {}", c.given_on)),
            Some(day) => RichText::new(format!("withdrawn {day}")).weak(),
        },
        None => RichText::new("not given").weak(),
    }
}

fn skin_type_ui(ui: &mut Ui, r: &PersonRecord, commands: &mut Commands) {
    let mut skin = r.person.fitzpatrick;
    ui.horizontal(|ui| {
        let label = ui.label("Fitzpatrick skin type");
        egui::ComboBox::from_id_salt("skin-type")
            .selected_text(skin.map_or("Not recorded".to_owned(), |t| format!("Type {}", roman(t))))
            .show_ui(ui, |ui| {
                ui.selectable_value(&mut skin, None, "Not recorded");
                for t in 1..=6u8 {
                    ui.selectable_value(&mut skin, Some(t), format!("Type {}", roman(t)));
                }
            })
            .response
            .labelled_by(label.id);
    });
    if skin != r.person.fitzpatrick {
        commands.push(command(PersonCommand::SkinType(skin)));
    }
}

fn contraindications_ui(ui: &mut Ui, r: &PersonRecord, commands: &mut Commands) {
    ui.strong("Contraindications");
    let today = chrono::Local::now().date_naive();
    // Two columns of (checkbox, when noted): eleven rows would push consent off screen.
    egui::Grid::new("contraindications")
        .num_columns(4)
        .spacing([8.0, 2.0])
        .show(ui, |ui| {
            for (i, kind) in Contraindication::ALL.iter().enumerate() {
                let row = r.contraindications.iter().find(|c| c.kind == *kind);
                let mut active = row.is_some_and(|c| c.active_on(today));
                if ui.checkbox(&mut active, kind.label()).changed() {
                    commands.push(command(PersonCommand::Contraindication(*kind, active)));
                }
                let text = row.map_or(String::new(), |c| match c.resolved_on {
                    Some(day) => format!("noted {}, resolved {day}", c.noted_on),
                    None => format!("noted {}", c.noted_on),
                });
                ui.label(RichText::new(text).weak());
                if i % 2 == 1 {
                    ui.end_row();
                }
            }
        });
}

/// The consent form, a window in the middle over the record; true when it is done
/// (recorded or cancelled).
fn form_window(
    ctx: &egui::Context,
    name: &str,
    f: &mut ConsentForm,
    commands: &mut Commands,
) -> bool {
    let scope = f.scope.label().to_lowercase();
    let mut done = false;
    let title = if f.give {
        format!("Consent to {scope}: {name}")
    } else {
        format!("Withdraw consent to {scope}: {name}")
    };
    egui::Window::new(title)
        .collapsible(false)
        .resizable(false)
        .order(egui::Order::Foreground)
        .anchor(egui::Align2::CENTER_CENTER, [0.0, 0.0])
        // Wide enough for its title with the person's name (it was cut at "Alex More…").
        .min_width(420.0)
        .show(ctx, |ui| {
            egui::Grid::new("consent-form")
                .num_columns(2)
                .show(ui, |ui| {
                    for (label, text, hint) in [
                        ("Date", &mut f.date, "YYYY-MM-DD"),
                        ("Recorded by", &mut f.staff, "your name"),
                        (
                            "Note",
                            &mut f.note,
                            "e.g. signed form kept in the paper file",
                        ),
                    ] {
                        let l = ui.label(label);
                        ui.add(
                            egui::TextEdit::singleline(text)
                                .hint_text(hint)
                                .desired_width(240.0),
                        )
                        .labelled_by(l.id);
                        ui.end_row();
                    }
                });
            let date = f.date.trim().parse::<NaiveDate>();
            if date.is_err() {
                ui.colored_label(
                    palette(ui).error,
                    format!("Date: {:?} is not a date like 2026-03-31", f.date.trim()),
                );
            }
            let confirm = if f.give {
                "The person agreed to this use of their photos"
            } else {
                "The person withdrew their consent to this use"
            };
            ui.checkbox(&mut f.confirmed, confirm);
            ui.horizontal(|ui| {
                let record = if f.give {
                    "Record consent"
                } else {
                    "Record withdrawal"
                };
                if ui
                    .add_enabled(f.confirmed && date.is_ok(), egui::Button::new(record))
                    .clicked()
                    && let Ok(on) = date
                {
                    commands.push(command(PersonCommand::Consent {
                        scope: f.scope,
                        given: f.give,
                        on,
                        staff: f.staff.trim().to_owned(),
                        note: f.note.trim().to_owned(),
                    }));
                    done = true;
                }
                if ui.button("Cancel").clicked() {
                    done = true;
                }
            });
        });
    done
}

/// Every giving and withdrawal, newest first.
fn history_ui(ui: &mut Ui, r: &PersonRecord) {
    egui::CollapsingHeader::new(format!("Consent history ({})", r.consent_history.len()))
        .default_open(true)
        .show(ui, |ui| {
            if r.consent_history.is_empty() {
                ui.label(RichText::new("Nothing recorded yet.").weak());
            }
            for e in r.consent_history.iter().rev() {
                let mut parts = vec![
                    e.on.to_string(),
                    e.scope.label().to_owned(),
                    if e.given { "given" } else { "withdrawn" }.to_owned(),
                ];
                if !e.staff.is_empty() {
                    parts.push(format!("by {}", e.staff));
                }
                if !e.note.is_empty() {
                    parts.push(e.note.clone());
                }
                ui.label(parts.join(" · "));
            }
        });
}

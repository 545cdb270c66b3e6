//! The person record window.

use crate::app::record::PersonRecord;
use crate::app::{AppState, Commands};
use crate::model::Keyed;
use crate::model::clinical::{ConsentScope, Mode};
use egui::RichText;

/// The person record: skin type, the contraindication checklist with the day each was
/// noted, and (clinic mode) consent to each use, given or withdrawn.
pub fn person_window(
    ctx: &egui::Context,
    state: &AppState,
    r: &PersonRecord,
    commands: &mut Commands,
) {
    use crate::app::record::PersonCommand;
    use crate::model::clinical::{Contraindication, roman};
    let person = |c: PersonCommand| c.into();
    let mut open = true;
    let title = if state.library.mode == Mode::Clinic {
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
            if state.library.mode == Mode::Clinic {
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

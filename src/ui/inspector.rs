//! Right panel: what the selected photo(s) are and the edits that apply to all of them.

use super::widgets::common_combo;
use crate::app::{Action, AppState, Command, Commands};
use crate::catalogue::Common;
use crate::catalogue::TermChange;
use crate::model::{Keyed, Lighting, PhotoId, View, VocabKind};
use egui::{RichText, Ui};

#[derive(Debug, Default)]
pub struct InspectorPanel {
    /// Edit buffers, and the photo they were filled from (refilled when it changes).
    for_photo: Option<(PhotoId, String, String)>,
    taken_text: String,
    notes_text: String,
    new_term: [String; 2],
}

impl InspectorPanel {
    pub fn ui(&mut self, ui: &mut Ui, state: &AppState, commands: &mut Commands) {
        let Some(details) = &state.details else {
            ui.label("Loading…");
            return;
        };
        let photo = &details.photo;
        let taken = photo.taken_at.to_iso();
        let stale = self
            .for_photo
            .as_ref()
            .is_none_or(|(id, t, n)| *id != photo.id || *t != taken || *n != photo.notes);
        if stale {
            self.taken_text.clone_from(&taken);
            self.notes_text.clone_from(&photo.notes);
            self.for_photo = Some((photo.id, taken, photo.notes.clone()));
        }
        let n = state.selection.len();
        egui::ScrollArea::vertical()
            .id_salt("inspector")
            .show(ui, |ui| {
                if n <= 2 {
                    super::action_button(ui, Action::Compare, true, commands);
                }
                if n > 1 {
                    ui.heading(format!("{n} photos selected"));
                    ui.label(RichText::new("Changes below apply to all of them.").weak());
                } else {
                    ui.heading(&photo.original_name);
                }
                ui.separator();
                self.taken_ui(ui, state, commands);
                let same = |x| Common::Same(x);
                let summary = state.selection_summary.as_ref();
                let view = common_combo(
                    ui,
                    "inspector-view",
                    "View",
                    "Not set",
                    summary.map_or(same(photo.view), |s| s.view),
                    View::ALL.iter().map(|v| (*v, v.label().to_owned())),
                );
                if let Some(view) = view {
                    commands.push(Command::SetView(view));
                }
                let lighting = common_combo(
                    ui,
                    "inspector-lighting",
                    "Lighting",
                    "Not set",
                    summary.map_or(Common::Same(photo.lighting), |s| s.lighting),
                    Lighting::ALL.iter().map(|l| (*l, l.label().to_owned())),
                );
                if let Some(lighting) = lighting {
                    commands.push(Command::SetLighting(lighting));
                }
                ui.separator();
                Self::assignment_ui(ui, state, commands);
                ui.separator();
                for (i, kind) in [VocabKind::Area, VocabKind::Concern]
                    .into_iter()
                    .enumerate()
                {
                    self.terms_ui(ui, state, kind, i, commands);
                }
                ui.separator();
                ui.label("Notes");
                let notes = ui.add(
                    egui::TextEdit::multiline(&mut self.notes_text)
                        .desired_rows(3)
                        .hint_text("Notes on this photo"),
                );
                if notes.lost_focus() && self.notes_text != photo.notes && n == 1 {
                    commands.push(Command::SetNotes(self.notes_text.clone()));
                }
                ui.separator();
                if n == 1 {
                    egui::Grid::new("file-facts").num_columns(2).show(ui, |ui| {
                        ui.label("Size");
                        ui.label(format!(
                            "{} × {} px · {:.1} MB · {}",
                            photo.width,
                            photo.height,
                            photo.file_size as f64 / 1e6,
                            photo.format.name()
                        ));
                        ui.end_row();
                        if let Some(camera) = &photo.camera {
                            ui.label("Camera");
                            ui.label(camera);
                            ui.end_row();
                        }
                        ui.label("Hash");
                        ui.label(RichText::new(&photo.hash.as_str()[..16]).monospace())
                            .on_hover_text(photo.hash.as_str());
                        ui.end_row();
                    });
                }
                ui.horizontal(|ui| {
                    super::action_button(ui, Action::OpenViewer, true, commands);
                    super::action_button(ui, Action::MoveToTrash, !state.filter.trashed, commands);
                });
            });
    }

    fn taken_ui(&mut self, ui: &mut Ui, state: &AppState, commands: &mut Commands) {
        let Some(details) = &state.details else {
            return;
        };
        let taken = &details.photo.taken_at;
        ui.horizontal(|ui| {
            let label = ui.label("Taken at");
            let response = ui
                .add(egui::TextEdit::singleline(&mut self.taken_text).desired_width(190.0))
                .labelled_by(label.id);
            if response.lost_focus()
                && ui.input(|i| i.key_pressed(egui::Key::Enter))
                && self.taken_text.trim() != taken.to_iso()
            {
                commands.push(Command::SetTakenAt(self.taken_text.trim().to_owned()));
            }
        });
        let mut facts = Vec::new();
        if taken.offset.is_none() {
            facts.push("no time zone recorded".to_owned());
        }
        if taken.estimated {
            facts.push("estimated from the file's time".to_owned());
        }
        if !facts.is_empty() {
            ui.label(RichText::new(facts.join(" · ")).color(egui::Color32::from_rgb(220, 170, 60)));
        }
    }

    fn assignment_ui(ui: &mut Ui, state: &AppState, commands: &mut Commands) {
        let Some(details) = &state.details else {
            return;
        };
        let photo = &details.photo;
        let summary = state.selection_summary.as_ref();
        let person = summary.map_or(Common::Same(photo.person), |s| s.person);
        let series_common = summary.map_or(Common::Same(photo.series), |s| s.series);
        let session_common = summary.map_or(Common::Same(photo.session), |s| s.session);
        let people = state
            .people
            .iter()
            .filter(|p| !p.archived || Some(p.id) == photo.person)
            .map(|p| (p.id, p.name.clone()));
        if let Some(person) =
            common_combo(ui, "inspector-person", "Person", "Nobody", person, people)
        {
            commands.push(Command::Assign {
                person,
                series: None,
                session: None,
            });
        }
        // Series and sessions belong to one person: choose them once the person is common.
        if person != Common::Same(photo.person) || photo.person.is_none() {
            return;
        }
        let series = state
            .details_series
            .iter()
            .map(|(s, _)| (s.id, s.title.clone()));
        if let Some(series) = common_combo(
            ui,
            "inspector-series",
            "Series",
            "No series",
            series_common,
            series,
        ) {
            commands.push(Command::Assign {
                person: photo.person,
                series,
                session: None,
            });
        }
        let (Common::Same(Some(series)), Some(_)) = (series_common, photo.series) else {
            return;
        };
        let sessions = state
            .details_series
            .iter()
            .find(|(s, _)| s.id == series)
            .map(|(_, sessions)| sessions.clone())
            .unwrap_or_default();
        let choices = sessions
            .iter()
            .map(|s| (s.id, format!("{} · {}", s.date, s.kind.label())));
        if let Some(session) = common_combo(
            ui,
            "inspector-session",
            "Session",
            "No session",
            session_common,
            choices,
        ) {
            commands.push(Command::Assign {
                person: photo.person,
                series: Some(series),
                session,
            });
        }
        let day = photo.taken_at.local.date();
        if state.selection.len() == 1 && photo.session.is_none() && !sessions.iter().any(|s| s.date == day) && ui.button(format!("New session on {day}")).on_hover_text("Add a session to this series on the day the photo was taken, and put the photo in it").clicked() {
            commands.push(Command::AddSessionOn(series, day));
        }
    }

    fn terms_ui(
        &mut self,
        ui: &mut Ui,
        state: &AppState,
        kind: VocabKind,
        slot: usize,
        commands: &mut Commands,
    ) {
        let n = state.selection.len();
        let title = if kind == VocabKind::Area {
            "Areas"
        } else {
            "Concerns"
        };
        egui::CollapsingHeader::new(title)
            .default_open(true)
            .show(ui, |ui| {
                ui.horizontal_wrapped(|ui| {
                    for term in state.terms(kind) {
                        let count = state
                            .selection_summary
                            .as_ref()
                            .and_then(|s| s.terms.get(&term.id).copied())
                            .unwrap_or(0);
                        let mut checked = count == n && n > 0;
                        let box_ = egui::Checkbox::new(&mut checked, &term.name)
                            .indeterminate(count > 0 && count < n);
                        if ui.add(box_).clicked() {
                            let change = if count == n {
                                TermChange::Remove(term.id)
                            } else {
                                TermChange::Add(term.id)
                            };
                            commands.push(Command::ChangeTerm(change));
                        }
                    }
                });
                let hint = format!("Add your own {}…", kind.noun());
                let text = &mut self.new_term[slot];
                let response = ui.add(egui::TextEdit::singleline(text).hint_text(hint));
                if response.lost_focus()
                    && ui.input(|i| i.key_pressed(egui::Key::Enter))
                    && !text.trim().is_empty()
                {
                    commands.push(Command::AddTerm(kind, text.trim().to_owned()));
                    text.clear();
                }
            });
    }
}

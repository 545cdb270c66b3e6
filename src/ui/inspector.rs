//! Right panel: what the selected photo(s) are and the edits that apply to all of them.

use super::theme::palette;
use super::widgets::common_combo;
use crate::app::inspector::Inspected;
use crate::app::{Action, AppState, Commands, PhotoCommand};
use crate::catalogue::Common;
use crate::catalogue::TermChange;
use crate::model::{Keyed, Lighting, PhotoId, View, VocabKind};
use egui::{RichText, Ui};

#[derive(Debug, Default)]
pub struct InspectorPanel {
    /// Edit buffers, and what they were filled from (the primary photo, its time or "mixed",
    /// its notes): refilled when that changes.
    for_photo: Option<(PhotoId, String, String)>,
    taken_text: String,
    notes_text: String,
    new_term: [String; 2],
}

impl InspectorPanel {
    pub fn ui(&mut self, ui: &mut Ui, state: &AppState, commands: &mut Commands) {
        let Some(inspected) = state.inspector.shown() else {
            ui.label("Loading…");
            return;
        };
        let photo = &inspected.details.photo;
        let mixed = inspected.summary.taken.is_mixed();
        let taken = if mixed {
            String::new()
        } else {
            photo.taken_at.to_iso()
        };
        let stale = self
            .for_photo
            .as_ref()
            .is_none_or(|(id, t, n)| *id != photo.id || *t != taken || *n != photo.notes);
        if stale {
            self.taken_text.clone_from(&taken);
            self.notes_text.clone_from(&photo.notes);
            self.for_photo = Some((photo.id, taken, photo.notes.clone()));
        }
        let n = state.browse.selection.len();
        // What to do with the selection, first and always in view.
        ui.horizontal_wrapped(|ui| {
            super::action_button(ui, Action::OpenViewer, true, commands);
            if n <= 2 {
                super::action_button(ui, Action::Compare, true, commands);
            }
            super::action_button(
                ui,
                Action::MoveToTrash,
                !state.browse.filter.trashed,
                commands,
            );
        });
        if n > 1 {
            ui.heading(format!("{n} photos selected"));
            ui.label(RichText::new("Changes below apply to all of them.").weak());
        } else {
            ui.add(egui::Label::new(RichText::new(&photo.original_name).heading()).truncate())
                .on_hover_text(&photo.original_name);
        }
        ui.separator();
        egui::ScrollArea::vertical()
            .id_salt("inspector")
            .show(ui, |ui| {
                self.taken_ui(ui, inspected, commands);
                pose_ui(ui, inspected, commands);
                ui.separator();
                assignment_ui(ui, state, inspected, commands);
                ui.separator();
                for (i, kind) in [VocabKind::Area, VocabKind::Concern]
                    .into_iter()
                    .enumerate()
                {
                    self.terms_ui(ui, state, inspected, kind, i, commands);
                }
                ui.separator();
                self.notes_ui(ui, inspected, n, commands);
                if n == 1 {
                    ui.separator();
                    file_facts(ui, inspected);
                }
            });
    }

    fn notes_ui(&mut self, ui: &mut Ui, inspected: &Inspected, n: usize, commands: &mut Commands) {
        let photo = &inspected.details.photo;
        ui.label("Notes");
        let notes = ui.add(
            egui::TextEdit::multiline(&mut self.notes_text)
                .desired_rows(3)
                .hint_text("Notes on this photo"),
        );
        if notes.lost_focus() && self.notes_text != photo.notes && n == 1 {
            commands.push(PhotoCommand::SetNotes(photo.id, self.notes_text.clone()).into());
        }
    }

    fn taken_ui(&mut self, ui: &mut Ui, inspected: &Inspected, commands: &mut Commands) {
        let taken = &inspected.details.photo.taken_at;
        let span = inspected.summary.taken;
        // The label above and the field the panel's whole width: a time with its zone
        // ("2026-11-23T10:05:00+01:00") is wider than what a label leaves beside it.
        let label = ui.label("Taken at");
        let response = ui
            .add(
                egui::TextEdit::singleline(&mut self.taken_text)
                    .hint_text(if span.is_mixed() { "(mixed)" } else { "" })
                    .desired_width(ui.available_width()),
            )
            .labelled_by(label.id);
        let typed = self.taken_text.trim();
        if response.lost_focus()
            && ui.input(|i| i.key_pressed(egui::Key::Enter))
            && !typed.is_empty()
            && (span.is_mixed() || typed != taken.to_iso())
        {
            commands.push(PhotoCommand::SetTakenAt(typed.to_owned()).into());
            if span.is_mixed() {
                // The question window holds the time now; the field stays "(mixed)".
                self.taken_text.clear();
            }
        }
        if span.is_mixed() {
            ui.label(
                RichText::new(format!(
                    "(mixed) taken from {} to {}; type a time to set them all to it or shift them all",
                    span.earliest.format("%Y-%m-%d %H:%M"),
                    span.latest.format("%Y-%m-%d %H:%M")
                ))
                .weak(),
            );
            return;
        }
        let mut facts = Vec::new();
        if taken.source.is_capture_time() {
            if taken.offset.is_none() {
                facts.push("no time zone recorded".to_owned());
            }
            facts.push(format!("from {}", taken.source.label()));
        } else {
            // Never passed off as the capture time: say what the time really is.
            facts.push(format!("{} ({})", taken.label(), taken.source.label()));
        }
        if !facts.is_empty() {
            ui.label(RichText::new(facts.join(" · ")).color(palette(ui).caution));
        }
    }

    fn terms_ui(
        &mut self,
        ui: &mut Ui,
        state: &AppState,
        inspected: &Inspected,
        kind: VocabKind,
        slot: usize,
        commands: &mut Commands,
    ) {
        let n = state.browse.selection.len();
        let title = if kind == VocabKind::Area {
            "Areas"
        } else {
            "Concerns"
        };
        egui::CollapsingHeader::new(title)
            .default_open(true)
            .show(ui, |ui| {
                ui.horizontal_wrapped(|ui| {
                    for term in state.overview.terms(kind) {
                        let count = inspected.summary.terms.get(&term.id).copied().unwrap_or(0);
                        let mut checked = count == n && n > 0;
                        let box_ = egui::Checkbox::new(&mut checked, &term.name)
                            .indeterminate(count > 0 && count < n);
                        if ui.add(box_).clicked() {
                            let change = if count == n {
                                TermChange::Remove(term.id)
                            } else {
                                TermChange::Add(term.id)
                            };
                            commands.push(PhotoCommand::ChangeTerm(change).into());
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
                    commands.push(PhotoCommand::AddTerm(kind, text.trim().to_owned()).into());
                    text.clear();
                }
            });
    }
}

/// View and lighting, "(mixed)" when the selected photos differ.
fn pose_ui(ui: &mut Ui, inspected: &Inspected, commands: &mut Commands) {
    let summary = &inspected.summary;
    let view = common_combo(
        ui,
        "inspector-view",
        "View",
        "Not set",
        summary.view,
        View::ALL.iter().map(|v| (*v, v.label().to_owned())),
    );
    if let Some(view) = view {
        commands.push(PhotoCommand::SetView(view).into());
    }
    if inspected.ids.len() == 1 {
        super::faces::view_suggestion(
            ui,
            inspected.face.as_ref(),
            inspected.details.photo.view,
            commands,
        );
    }
    let lighting = common_combo(
        ui,
        "inspector-lighting",
        "Lighting",
        "Not set",
        summary.lighting,
        Lighting::ALL.iter().map(|l| (*l, l.label().to_owned())),
    );
    if let Some(lighting) = lighting {
        commands.push(PhotoCommand::SetLighting(lighting).into());
    }
}

/// Size, camera and hash of one photo, and its originals when it has more than one.
fn file_facts(ui: &mut Ui, inspected: &Inspected) {
    let photo = &inspected.details.photo;
    egui::Grid::new("file-facts").num_columns(2).show(ui, |ui| {
        if let Some(originals) = inspected.details.originals_text() {
            ui.label("Originals");
            ui.add(egui::Label::new(originals).wrap()).on_hover_text(
                "Every original is kept byte for byte; the photo shows the first (the camera's JPEG or HEIF beside its RAW)",
            );
            ui.end_row();
        }
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
        ui.label("Colour");
        ui.label(
            photo
                .colour_profile
                .as_deref()
                .unwrap_or("no profile (taken as sRGB)"),
        )
        .on_hover_text(
            "The embedded colour profile previews and measurements were converted to sRGB from",
        );
        ui.end_row();
        ui.label("Hash");
        ui.label(RichText::new(&photo.hash.as_str()[..16]).monospace())
            .on_hover_text(photo.hash.as_str());
        ui.end_row();
    });
    for warning in &inspected.details.warnings {
        ui.label(RichText::new(format!("On import: {warning}")).color(palette(ui).warning));
    }
}

/// Person, series and session: series and sessions once the person is common.
fn assignment_ui(ui: &mut Ui, state: &AppState, inspected: &Inspected, commands: &mut Commands) {
    let photo = &inspected.details.photo;
    let summary = &inspected.summary;
    let assign = |person, series, session| PhotoCommand::Assign {
        person,
        series,
        session,
    };
    let people = state
        .overview
        .people
        .iter()
        .filter(|p| !p.archived || Some(p.id) == photo.person)
        .map(|p| (p.id, p.name.clone()));
    if let Some(person) = common_combo(
        ui,
        "inspector-person",
        "Person",
        "Nobody",
        summary.person,
        people,
    ) {
        commands.push(assign(person, None, None).into());
    }
    // Series and sessions belong to one person: choose them once the person is common.
    if summary.person != Common::Same(photo.person) || photo.person.is_none() {
        return;
    }
    let series = inspected
        .series
        .iter()
        .map(|(s, _)| (s.id, s.title.clone()));
    if let Some(series) = common_combo(
        ui,
        "inspector-series",
        "Series",
        "No series",
        summary.series,
        series,
    ) {
        commands.push(assign(photo.person, series, None).into());
    }
    let (Common::Same(Some(series)), Some(_)) = (summary.series, photo.series) else {
        return;
    };
    let sessions = inspected
        .series
        .iter()
        .find(|(s, _)| s.id == series)
        .map(|(_, sessions)| sessions.as_slice())
        .unwrap_or_default();
    let choices = sessions
        .iter()
        .map(|s| (s.id, format!("{} · {}", s.date, s.kind.label())));
    if let Some(session) = common_combo(
        ui,
        "inspector-session",
        "Session",
        "No session",
        summary.session,
        choices,
    ) {
        commands.push(assign(photo.person, Some(series), session).into());
    }
    let day = photo.taken_at.local.date();
    if state.browse.selection.len() == 1
        && photo.session.is_none()
        && !sessions.iter().any(|s| s.date == day)
        && ui
            .button(format!("New session on {day}"))
            .on_hover_text(
                "Add a session to this series on the day the photo was taken, and put the photo in it",
            )
            .clicked()
    {
        commands.push(PhotoCommand::AddSessionOn(series, day).into());
    }
}

/// Photos taken at different times, a time typed: set them all to it, or shift them all?
pub(super) fn taken_at_question(
    ctx: &egui::Context,
    q: &crate::app::inspector::TakenAtQuestion,
    commands: &mut Commands,
) {
    let n = q.photos.len();
    let typed = q.local.format("%Y-%m-%d %H:%M");
    egui::Modal::new(egui::Id::unique("taken-at-question")).show(ctx, |ui| {
        ui.set_max_width(460.0);
        ui.heading(format!("Change when {n} photos were taken"));
        ui.label(format!(
            "They were taken at different times, from {} to {}.",
            q.span.earliest.format("%Y-%m-%d %H:%M"),
            q.span.latest.format("%Y-%m-%d %H:%M")
        ));
        ui.add_space(6.0);
        let change = |c| PhotoCommand::ChangeTakenAt(q.photos.clone(), c).into();
        if ui
            .button(format!("Set all {n} to {typed}"))
            .on_hover_text("Every photo gets this time; each keeps its own time zone unless you typed one")
            .clicked()
        {
            commands.push(change(q.set()));
        }
        ui.label(
            RichText::new("For photos of one moment whose times are wrong.").weak(),
        );
        ui.add_space(4.0);
        if ui
            .button(format!("Shift all by {}", q.shift_text()))
            .on_hover_text("Every photo moves by the same amount, in its own time zone")
            .clicked()
        {
            commands.push(change(q.shift()));
        }
        ui.label(
            RichText::new(format!(
                "The earliest moves to {typed}; the others keep their distance from it (a camera clock that was off)."
            ))
            .weak(),
        );
        ui.add_space(6.0);
        if ui.button("Cancel").clicked() {
            commands.push(Action::Back.into());
        }
    });
}

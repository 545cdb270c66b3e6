//! Left panel: people (search, add, rename, archive), the selected person's series, trash.

use super::widgets::entry_field;
use crate::app::record::{PersonCommand, RecordCommand};
use crate::app::{Action, AppState, BrowseCommand, Commands, CompareCommand, PeopleCommand};
use crate::model::{Person, PersonId};
use egui::{RichText, Ui};

/// The button that opens a series' baseline against its latest photo.
pub const COMPARE_SERIES: &str = "Compare baseline and latest";
/// The menu entry that opens a person's record.
pub const PERSON_RECORD: &str = "Record (skin type, contraindications, consent)…";
/// The button that opens a series' page.
pub const SERIES_RECORD: &str = "Series record";

#[derive(Debug, Default)]
pub struct PeoplePanel {
    search: String,
    show_archived: bool,
    /// Text of a person being added, when the add field is open.
    adding: Option<String>,
    focus_add: bool,
    /// The "add person" requests (Ctrl+N) taken so far.
    add_seen: u64,
    focus_series: bool,
    /// The person being renamed, the name typed, and whether the field takes the focus: once,
    /// when it opens (asked every frame, it would take it back from the Enter that submits).
    renaming: Option<(PersonId, String, bool)>,
    new_series: Option<(PersonId, String)>,
}

impl PeoplePanel {
    /// Opens the "add person" field.
    fn start_adding(&mut self) {
        self.adding = Some(String::new());
        self.focus_add = true;
    }

    pub fn ui(&mut self, ui: &mut Ui, state: &AppState, commands: &mut Commands) {
        if state
            .overview
            .add_person
            .latest(&mut self.add_seen)
            .is_some()
        {
            self.start_adding();
        }
        ui.add_space(4.0);
        ui.horizontal(|ui| {
            ui.heading("People");
            if ui
                .small_button("+")
                .on_hover_text(Action::AddPerson.tooltip())
                .clicked()
            {
                self.start_adding();
            }
        });
        if let Some(text) = &mut self.adding {
            let (response, submitted) = entry_field(
                ui,
                "New person",
                text,
                "Name, e.g. Me or a patient",
                self.focus_add,
            );
            self.focus_add = false;
            if let Some(name) = submitted {
                commands.push(PeopleCommand::Add(name).into());
                self.adding = None;
            } else if response.lost_focus() {
                self.adding = None;
            }
        }
        ui.add(
            egui::TextEdit::singleline(&mut self.search)
                .hint_text("Search people")
                .desired_width(f32::INFINITY),
        );
        ui.checkbox(&mut self.show_archived, "Show archived");
        ui.separator();
        egui::ScrollArea::vertical()
            .id_salt("people-list")
            .show(ui, |ui| self.list_ui(ui, state, commands));
    }

    fn list_ui(&mut self, ui: &mut Ui, state: &AppState, commands: &mut Commands) {
        let filter = &state.browse.filter;
        let all = filter.person.is_none() && !filter.trashed;
        if ui
            .selectable_label(
                all,
                format!("All photos ({})", counted(state.overview.total_photos())),
            )
            .clicked()
        {
            commands.push(BrowseCommand::SelectPerson(None).into());
        }
        let needle = self.search.to_lowercase();
        for person in &state.overview.people {
            if (person.archived && !self.show_archived)
                || !person.name.to_lowercase().contains(&needle)
            {
                continue;
            }
            if let Some((id, text, focus)) = &mut self.renaming
                && *id == person.id
            {
                let (response, submitted) = entry_field(ui, "New name", text, "New name", *focus);
                *focus = false;
                if let Some(name) = submitted {
                    commands.push(PeopleCommand::Rename(person.id, name).into());
                    self.renaming = None;
                } else if response.lost_focus() {
                    self.renaming = None;
                }
                continue;
            }
            let selected = filter.person == Some(person.id) && !filter.trashed;
            self.person_ui(ui, state, person, selected, commands);
            if selected {
                self.series_ui(ui, state, person.id, commands);
            }
        }
        ui.separator();
        let trash = RichText::new(format!("Trash ({})", counted(state.overview.trash_count())));
        if ui
            .selectable_label(filter.trashed, trash)
            .on_hover_text(Action::ShowTrash.tooltip())
            .clicked()
        {
            commands.push(Action::ShowTrash.into());
        }
    }

    /// A person's line, with their context menu.
    fn person_ui(
        &mut self,
        ui: &mut Ui,
        state: &AppState,
        person: &Person,
        selected: bool,
        commands: &mut Commands,
    ) {
        let count = counted(state.overview.photo_count(person.id));
        let mut text = RichText::new(format!("{} ({count})", person.name));
        if person.archived {
            text = text.weak().italics();
        }
        let response = ui.selectable_label(selected, text);
        if response.clicked() {
            commands.push(BrowseCommand::SelectPerson(Some(person.id)).into());
        }
        response.context_menu(|ui| {
            if ui.button(PERSON_RECORD).clicked() {
                commands.push(PersonCommand::Open(person.id).into());
                ui.close();
            }
            if ui.button("Rename…").clicked() {
                self.renaming = Some((person.id, person.name.clone(), true));
                ui.close();
            }
            let label = if person.archived {
                "Unarchive"
            } else {
                "Archive"
            };
            if ui.button(label).clicked() {
                commands.push(PeopleCommand::SetArchived(person.id, !person.archived).into());
                ui.close();
            }
        });
    }

    fn series_ui(
        &mut self,
        ui: &mut Ui,
        state: &AppState,
        person: PersonId,
        commands: &mut Commands,
    ) {
        ui.indent("series", |ui| {
            let pick = |series| BrowseCommand::SelectSeries(series).into();
            let shown = state.browse.filter.series;
            if ui
                .selectable_label(shown.is_none(), "All series")
                .clicked()
            {
                commands.push(pick(None));
            }
            for series in &state.overview.series {
                let sessions = state.overview.sessions.get(&series.id).map_or(0, Vec::len);
                let text = format!(
                    "{} · {}",
                    series.title,
                    crate::model::count(sessions, "session", "sessions")
                );
                let selected = shown == Some(series.id);
                let response = ui.selectable_label(selected, text);
                if response.clicked() {
                    commands.push(pick(Some(series.id)));
                }
                let compare = CompareCommand::Series(series.id);
                let open_record = RecordCommand::Open(series.id);
                response.context_menu(|ui| {
                    if ui.button(COMPARE_SERIES).clicked() {
                        commands.push(compare.clone().into());
                    }
                    if ui.button(SERIES_RECORD).clicked() {
                        commands.push(open_record.clone().into());
                    }
                });
                if selected
                    && ui
                        .small_button(SERIES_RECORD)
                        .on_hover_text(
                            "Plan, sessions with device settings, grades charted over time, side effects",
                        )
                        .clicked()
                {
                    commands.push(open_record.into());
                }
                if selected
                    && ui
                        .small_button(COMPARE_SERIES)
                        .on_hover_text(
                            "Compare the earliest and the latest photo of the same view and area",
                        )
                        .clicked()
                {
                    commands.push(compare.into());
                }
            }
            match &mut self.new_series {
                Some((p, title)) if *p == person => {
                    // Focus once when the field opens: asking every frame would undo the
                    // focus loss that Enter causes, and Enter would never submit.
                    let focus = std::mem::take(&mut self.focus_series);
                    let (response, submitted) =
                        entry_field(ui, "New series", title, "e.g. Microneedling 2025", focus);
                    if let Some(title) = submitted {
                        commands.push(PeopleCommand::AddSeries(person, title).into());
                        self.new_series = None;
                    } else if response.lost_focus() {
                        self.new_series = None;
                    }
                }
                _ => {
                    if ui
                        .small_button("+ New series")
                        .on_hover_text("Start a new treatment series for this person")
                        .clicked()
                    {
                        self.new_series = Some((person, String::new()));
                        self.focus_series = true;
                    }
                }
            }
        });
    }
}

/// A count the people list shows: the number, or "…" until it is counted.
fn counted(n: Option<usize>) -> String {
    n.map_or_else(|| "…".to_owned(), |n| n.to_string())
}

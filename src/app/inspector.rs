//! The inspector: what the selected photos are, read by a query thread (the UI thread never
//! waits for it), and the edits that apply to every selected photo.

use super::background::Answer;
use super::cx::Cx;
use super::edit::{Edit, Made};
use super::library::LibraryState;
use crate::catalogue::{Catalogue, CatalogueError, PhotoDetails, SelectionSummary, TermChange};
use crate::model::{
    Lighting, PersonId, PhotoId, Series, SeriesId, Session, SessionId, View, VocabKind,
};

/// What the inspector shows of a selection.
#[derive(Clone, Debug)]
pub struct Inspected {
    /// The selection it was read for (the primary photo first).
    pub ids: Vec<PhotoId>,
    /// The primary photo.
    pub details: PhotoDetails,
    /// What the selected photos have in common (for bulk edits).
    pub summary: SelectionSummary,
    /// Series and sessions of the primary photo's person (for assignment).
    pub series: Vec<(Series, Vec<Session>)>,
}

/// Reads what the inspector shows of `ids` (the primary photo first): on the query thread.
pub(super) fn inspect(cat: &mut Catalogue, ids: Vec<PhotoId>) -> Result<Inspected, CatalogueError> {
    let details = cat.photo_details(ids[0])?;
    let summary = cat.selection_summary(&ids)?;
    let mut series = Vec::new();
    if let Some(person) = details.photo.person {
        for s in cat.series_of(person)? {
            let sessions = cat.sessions_of(s.id)?;
            series.push((s, sessions));
        }
    }
    Ok(Inspected {
        ids,
        details,
        summary,
        series,
    })
}

/// The inspector's state: the newest details that arrived.
#[derive(Debug, Default)]
pub struct InspectorState {
    shown: Option<Inspected>,
    loading: bool,
}

/// Edits of the selected photos.
#[derive(Clone, Debug, PartialEq)]
pub enum PhotoCommand {
    /// "2025-03-31 14:05" or ISO 8601 with an offset.
    SetTakenAt(String),
    SetView(Option<View>),
    SetLighting(Option<Lighting>),
    ChangeTerm(TermChange),
    /// Add a term of one's own to the vocabulary and tag the selection with it.
    AddTerm(VocabKind, String),
    Assign {
        person: Option<PersonId>,
        series: Option<SeriesId>,
        session: Option<SessionId>,
    },
    /// Add a session to the series on a day and put the selection in it.
    AddSessionOn(SeriesId, chrono::NaiveDate),
    SetNotes(PhotoId, String),
}

impl InspectorState {
    /// What the inspector shows: the newest details read (possibly of the previous selection
    /// for a moment, while the new one is read).
    pub fn shown(&self) -> Option<&Inspected> {
        self.shown.as_ref()
    }

    pub fn is_loading(&self) -> bool {
        self.loading
    }

    /// Asks for the details of `ids` (the primary photo first); none for no selection.
    pub(super) fn request(&mut self, ids: Vec<PhotoId>, library: &mut LibraryState) {
        let Some(loaded) = library.loaded.as_mut() else {
            self.clear();
            return;
        };
        if ids.is_empty() {
            loaded.details.forget();
            self.clear();
        } else {
            loaded.details.request(ids);
            self.loading = true;
        }
    }

    pub(super) fn take(&mut self, answer: Answer<Inspected>, cx: &mut Cx) {
        self.loading = false;
        match answer.result {
            Ok(inspected) => self.shown = Some(inspected),
            Err(e) => cx.notices.error(format!("Could not read the photo: {e}")),
        }
    }

    pub(super) fn clear(&mut self) {
        self.shown = None;
        self.loading = false;
    }

    /// Runs an edit of the selected photos (`selected`).
    pub(super) fn run(&self, command: PhotoCommand, selected: Vec<PhotoId>, cx: &mut Cx) {
        let edit = match command {
            PhotoCommand::SetTakenAt(text) => {
                let Some((local, offset)) = crate::model::TakenAt::parse_iso(&text) else {
                    cx.notices.error(format!(
                        "Taken at: {text:?} is not a date and time like 2025-03-31 14:05 or 2025-03-31T14:05:00+01:00"
                    ));
                    return;
                };
                Edit::TakenAt {
                    photos: selected,
                    local,
                    offset,
                }
            }
            PhotoCommand::SetView(view) => Edit::View(selected, view),
            PhotoCommand::SetLighting(lighting) => Edit::Lighting(selected, lighting),
            PhotoCommand::ChangeTerm(change) => Edit::Terms(selected, change),
            PhotoCommand::AddTerm(kind, name) => {
                if let Some(Made::Term(id)) = cx.edit(Edit::AddTerm(kind, name))
                    && !selected.is_empty()
                {
                    cx.edit(Edit::Terms(selected, TermChange::Add(id)));
                }
                return;
            }
            PhotoCommand::Assign {
                person,
                series,
                session,
            } => Edit::Assign {
                photos: selected,
                person,
                series,
                session,
            },
            PhotoCommand::AddSessionOn(series, day) => {
                let person = self.shown.as_ref().and_then(|s| s.details.photo.person);
                if let Some(Made::Session(session)) = cx.edit(Edit::SessionOn(series, day)) {
                    cx.then(PhotoCommand::Assign {
                        person,
                        series: Some(series),
                        session: Some(session),
                    });
                }
                return;
            }
            PhotoCommand::SetNotes(id, text) => Edit::Notes(id, text),
        };
        cx.edit(edit);
    }
}

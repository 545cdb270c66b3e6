//! The inspector: what the selected photos are, read by a query thread (the UI thread never
//! waits for it), and the edits that apply to every selected photo.

use super::background::Answer;
use super::cx::Cx;
use super::edit::{Made, PeopleEdit, PhotoEdit, RecordEdit};
use super::library::LibraryState;
use super::nav::Modal;
use crate::catalogue::{
    Catalogue, CatalogueError, PhotoDetails, PhotoValue, SelectionSummary, TakenAtChange,
    TakenSpan, TermChange,
};
use crate::model::{
    Lighting, PersonId, PhotoId, Series, SeriesId, Session, SessionId, View, VocabKind,
};
use chrono::{FixedOffset, NaiveDateTime};

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
    /// The primary photo's face as found (`None`: not looked at yet).
    pub face: Option<crate::catalogue::FaceRecord>,
    /// The versions of the photos as read (read first: a change made meanwhile makes the
    /// next edit a conflict, never a lost update); `None` once an edit of ours moved them on.
    pub seen: Option<Vec<(crate::catalogue::Versioned, i64)>>,
}

/// Reads what the inspector shows of `ids` (the primary photo first): on the query thread.
pub(super) fn inspect(cat: &mut Catalogue, ids: Vec<PhotoId>) -> Result<Inspected, CatalogueError> {
    use crate::catalogue::Versioned;
    let rows: Vec<Versioned> = ids.iter().map(|&id| Versioned::Photo(id)).collect();
    let seen = cat.versions_seen(&rows)?;
    let details = cat.photo_details(ids[0])?;
    let summary = cat.selection_summary(&ids)?;
    let face = cat.face(ids[0])?;
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
        face,
        seen: Some(seen),
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
    /// Typed into the taken-at field: "2025-03-31 14:05" or ISO 8601 with an offset. When
    /// the selected photos were taken at different times, first asks whether to set them all
    /// to that time or shift them all by the same amount.
    SetTakenAt(String),
    /// Change when these photos were taken (the answer to that question).
    ChangeTakenAt(Vec<PhotoId>, TakenAtChange),
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

/// The question asked when a time is typed for photos taken at different times: set them
/// all to it, or shift them all so the earliest lands on it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TakenAtQuestion {
    pub photos: Vec<PhotoId>,
    /// The time typed, and its time zone if one was typed.
    pub local: NaiveDateTime,
    pub offset: Option<FixedOffset>,
    pub span: TakenSpan,
}

impl TakenAtQuestion {
    /// Setting every photo to the typed time (each keeps its time zone unless one was typed).
    pub fn set(&self) -> TakenAtChange {
        TakenAtChange::Set {
            local: self.local,
            offset: self.offset,
        }
    }

    /// Shifting every photo by what moves the earliest to the typed time.
    pub fn shift(&self) -> TakenAtChange {
        TakenAtChange::Shift(self.local - self.span.earliest)
    }

    /// The shift in words: "+2 days 3 h 5 min", "−1 h".
    pub fn shift_text(&self) -> String {
        shift_text(self.local - self.span.earliest)
    }
}

/// A shift of time in words: "+2 days 3 h 5 min", "−1 h", "0 min".
pub fn shift_text(delta: chrono::TimeDelta) -> String {
    let sign = if delta < chrono::TimeDelta::zero() {
        "−"
    } else {
        "+"
    };
    let minutes = delta.num_minutes().unsigned_abs();
    let (days, hours, mins) = (minutes / 1440, minutes / 60 % 24, minutes % 60);
    let mut parts = Vec::new();
    if days > 0 {
        parts.push(crate::model::count(days as usize, "day", "days"));
    }
    if hours > 0 {
        parts.push(format!("{hours} h"));
    }
    if mins > 0 || parts.is_empty() {
        parts.push(format!("{mins} min"));
    }
    format!("{sign}{}", parts.join(" "))
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
    pub(super) fn run(&mut self, command: PhotoCommand, selected: Vec<PhotoId>, cx: &mut Cx) {
        let targets = match &command {
            PhotoCommand::ChangeTakenAt(photos, _) => photos.clone(),
            PhotoCommand::SetNotes(id, _) => vec![*id],
            _ => selected.clone(),
        };
        let value = |v| PhotoEdit::Set(selected.clone(), v);
        let edit = match command {
            PhotoCommand::SetTakenAt(text) => {
                self.taken_at_typed(&text, selected, cx);
                return;
            }
            PhotoCommand::ChangeTakenAt(photos, change) => {
                cx.nav.dismiss(|m| matches!(m, Modal::TakenAt(_)));
                PhotoEdit::TakenAt(photos, change)
            }
            PhotoCommand::SetView(view) => value(PhotoValue::View(view)),
            PhotoCommand::SetLighting(lighting) => value(PhotoValue::Lighting(lighting)),
            PhotoCommand::ChangeTerm(change) => PhotoEdit::Terms(selected, change),
            PhotoCommand::AddTerm(kind, name) => {
                if let Some(Made::Term(id)) = cx.edit(PeopleEdit::AddTerm(kind, name))
                    && !selected.is_empty()
                {
                    cx.edit(PhotoEdit::Terms(selected, TermChange::Add(id)));
                }
                return;
            }
            PhotoCommand::Assign {
                person,
                series,
                session,
            } => value(PhotoValue::Assignment {
                person,
                series,
                session,
            }),
            PhotoCommand::AddSessionOn(series, day) => {
                let person = self.shown.as_ref().and_then(|s| s.details.photo.person);
                if let Some(Made::Session(session)) = cx.edit(RecordEdit::SessionOn(series, day)) {
                    cx.then(PhotoCommand::Assign {
                        person,
                        series: Some(series),
                        session: Some(session),
                    });
                }
                return;
            }
            PhotoCommand::SetNotes(id, text) => PhotoEdit::Set(vec![id], PhotoValue::Notes(text)),
        };
        self.checked_edit(edit, &targets, cx);
    }

    /// Applies an edit of `photos`, refused when another workstation changed one of them
    /// since the inspector read them (the app then reloads and says who and when).
    fn checked_edit(&mut self, edit: PhotoEdit, photos: &[PhotoId], cx: &mut Cx) {
        let seen = self
            .shown_for(photos)
            .and_then(|s| s.seen.take())
            .unwrap_or_default();
        cx.checked_edit(&seen, edit);
    }

    /// What is shown, when it was read for exactly `photos`.
    fn shown_for(&mut self, photos: &[PhotoId]) -> Option<&mut Inspected> {
        let mut wanted = photos.to_vec();
        wanted.sort();
        self.shown.as_mut().filter(|s| {
            let mut ids = s.ids.clone();
            ids.sort();
            ids == wanted
        })
    }

    /// A time typed for the selection: set at once, or ask when they were taken at different
    /// times.
    fn taken_at_typed(&mut self, text: &str, selected: Vec<PhotoId>, cx: &mut Cx) {
        let Some((local, offset)) = crate::model::TakenAt::parse_iso(text) else {
            cx.notices.error(format!(
                "Taken at: {text:?} is not a date and time like 2025-03-31 14:05 or 2025-03-31T14:05:00+01:00"
            ));
            return;
        };
        let span = self.shown_for(&selected).map(|s| s.summary.taken);
        match span {
            Some(span) if span.is_mixed() => {
                cx.nav.show(Modal::TakenAt(Box::new(TakenAtQuestion {
                    photos: selected,
                    local,
                    offset,
                    span,
                })));
            }
            _ => {
                let edit =
                    PhotoEdit::TakenAt(selected.clone(), TakenAtChange::Set { local, offset });
                self.checked_edit(edit, &selected, cx);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn shifts_read_like_people_say_them() {
        use chrono::TimeDelta;
        assert_eq!(
            super::shift_text(TimeDelta::minutes(2 * 1440 + 3 * 60 + 5)),
            "+2 days 3 h 5 min"
        );
        assert_eq!(super::shift_text(TimeDelta::hours(-1)), "−1 h");
        assert_eq!(super::shift_text(TimeDelta::days(1)), "+1 day");
        assert_eq!(super::shift_text(TimeDelta::zero()), "+0 min");
    }
}

//! Every change the app makes to the catalogue, as one value: [`Edit`]. Handlers build an
//! edit and hand it to [`super::Cx::edit`], the one place edits are applied, reported,
//! followed by the reloads they make necessary, and kept for undo in [`History`].
//!
//! Undo: an edit that knows its inverse returns it from [`Edit::apply`] (moving photos to the
//! trash and restoring them do now). To make another edit undoable, read what it overwrites
//! in `apply` (in the same catalogue call) and return the edit that puts it back; nothing
//! else has to change.

use super::cx::Stale;
use crate::catalogue::{Catalogue, LandmarkPair, NewGrade, NewSession, SeriesPlan, TermChange};
use crate::model::clinical::{ConsentScope, Contraindication, Mode, SideEffectKind};
use crate::model::{
    AlignMethod, Lighting, PersonId, PhotoId, SeriesId, SessionId, Similarity, TermId, View,
    VocabKind,
};
use chrono::{FixedOffset, NaiveDate, NaiveDateTime};

/// A side effect after a session: what, how bad (0–3), on which day after it.
#[derive(Clone, Debug, PartialEq)]
pub struct NewSideEffect {
    pub session: SessionId,
    pub kind: SideEffectKind,
    pub severity: i64,
    pub day_after: i64,
    pub notes: String,
}

/// One change to the catalogue.
#[derive(Clone, Debug, PartialEq)]
pub enum Edit {
    TakenAt {
        photos: Vec<PhotoId>,
        local: NaiveDateTime,
        offset: Option<FixedOffset>,
    },
    View(Vec<PhotoId>, Option<View>),
    Lighting(Vec<PhotoId>, Option<Lighting>),
    Terms(Vec<PhotoId>, TermChange),
    Assign {
        photos: Vec<PhotoId>,
        person: Option<PersonId>,
        series: Option<SeriesId>,
        session: Option<SessionId>,
    },
    Notes(PhotoId, String),
    Trash(Vec<PhotoId>),
    Restore(Vec<PhotoId>),
    AddPerson(String),
    RenamePerson(PersonId, String),
    ArchivePerson(PersonId, bool),
    AddSeries(PersonId, String),
    AddTerm(VocabKind, String),
    /// The series' session on a day, added when there is none.
    SessionOn(SeriesId, NaiveDate),
    Mode(Mode),
    SeriesPlan(SeriesId, SeriesPlan),
    SeriesTerms(SeriesId, Vec<TermId>),
    AddSession(NewSession),
    UpdateSession(SessionId, NewSession),
    AddGrade(NewGrade),
    AddSideEffect(NewSideEffect),
    SkinType(PersonId, Option<u8>),
    /// Note (true) or resolve (false) a contraindication on a day.
    Contraindication(PersonId, Contraindication, bool, NaiveDate),
    /// Give (true) or withdraw (false) consent on a day.
    Consent(PersonId, ConsentScope, bool, NaiveDate),
    /// B aligned onto A by a transform (with the landmarks it was fitted to, if any).
    Align {
        photo: PhotoId,
        reference: PhotoId,
        transform: Similarity,
        method: AlignMethod,
        confidence: Option<f64>,
        landmarks: Option<Vec<LandmarkPair>>,
    },
    ResetAlignment(PhotoId),
}

/// What an applied edit made, when it made something.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Made {
    Nothing,
    Person(PersonId),
    Series(SeriesId),
    Term(TermId),
    Session(SessionId),
    /// How many photos changed.
    Photos(usize),
}

/// An applied edit: what it made, and the edit that undoes it when that is known.
#[derive(Clone, Debug, PartialEq)]
pub struct Applied {
    pub made: Made,
    pub undo: Option<Edit>,
}

impl Edit {
    /// Applies the edit in one catalogue call (one transaction).
    pub fn apply(&self, cat: &mut Catalogue) -> crate::catalogue::Result<Applied> {
        let made = self.run(cat)?;
        let undo = match self {
            Self::Trash(ids) => Some(Self::Restore(ids.clone())),
            _ => None,
        };
        Ok(Applied { made, undo })
    }

    fn run(&self, cat: &mut Catalogue) -> crate::catalogue::Result<Made> {
        use Made as M;
        Ok(match self {
            Self::TakenAt {
                photos,
                local,
                offset,
            } => cat
                .set_taken_at(photos, *local, *offset)
                .map(|()| M::Nothing)?,
            Self::View(ids, v) => cat.set_view(ids, *v).map(|()| M::Nothing)?,
            Self::Lighting(ids, l) => cat.set_lighting(ids, *l).map(|()| M::Nothing)?,
            Self::Terms(ids, change) => cat.change_term(ids, *change).map(|()| M::Nothing)?,
            Self::Assign {
                photos,
                person,
                series,
                session,
            } => cat
                .assign(photos, *person, *series, *session)
                .map(|()| M::Nothing)?,
            Self::Notes(id, text) => cat.set_notes(*id, text).map(|()| M::Nothing)?,
            Self::Trash(ids) => M::Photos(cat.trash(ids)?),
            Self::Restore(ids) => M::Photos(cat.restore(ids)?),
            Self::AddPerson(name) => M::Person(cat.add_person(name)?),
            Self::RenamePerson(id, name) => cat.rename_person(*id, name).map(|()| M::Nothing)?,
            Self::ArchivePerson(id, on) => {
                cat.set_person_archived(*id, *on).map(|()| M::Nothing)?
            }
            Self::AddSeries(person, title) => M::Series(cat.add_series(*person, title)?),
            Self::AddTerm(kind, name) => M::Term(cat.add_term(*kind, name)?),
            Self::SessionOn(series, day) => M::Session(cat.session_on(*series, *day)?),
            Self::Mode(mode) => cat.set_mode(*mode).map(|()| M::Nothing)?,
            Self::SeriesPlan(id, plan) => cat.update_series(*id, plan).map(|()| M::Nothing)?,
            Self::SeriesTerms(id, terms) => {
                cat.set_series_terms(*id, terms).map(|()| M::Nothing)?
            }
            Self::AddSession(s) => M::Session(cat.add_session(s)?),
            Self::UpdateSession(id, s) => cat.update_session(*id, s).map(|()| M::Nothing)?,
            Self::AddGrade(g) => cat.add_grade(g).map(|_| M::Nothing)?,
            Self::AddSideEffect(e) => cat
                .add_side_effect(e.session, e.kind, e.severity, e.day_after, &e.notes)
                .map(|_| M::Nothing)?,
            Self::SkinType(person, t) => cat.set_skin_type(*person, *t).map(|()| M::Nothing)?,
            Self::Contraindication(person, kind, true, day) => cat
                .note_contraindication(*person, *kind, *day, "")
                .map(|()| M::Nothing)?,
            Self::Contraindication(person, kind, false, day) => cat
                .resolve_contraindication(*person, *kind, *day)
                .map(|()| M::Nothing)?,
            Self::Consent(person, scope, true, day) => cat
                .give_consent(*person, *scope, *day, "")
                .map(|()| M::Nothing)?,
            Self::Consent(person, scope, false, day) => cat
                .withdraw_consent(*person, *scope, *day)
                .map(|()| M::Nothing)?,
            Self::Align {
                photo,
                reference,
                transform,
                method,
                confidence,
                landmarks,
            } => cat
                .save_alignment(
                    *photo,
                    *reference,
                    *transform,
                    *method,
                    *confidence,
                    landmarks.as_deref(),
                )
                .map(|_| M::Nothing)?,
            Self::ResetAlignment(photo) => cat.reset_alignment(*photo).map(|()| M::Nothing)?,
        })
    }

    /// What failed, as the start of the message when the catalogue refuses the edit.
    pub fn failure(&self) -> &'static str {
        match self {
            Self::TakenAt { .. } => "Change date",
            Self::View(..) => "Change view",
            Self::Lighting(..) => "Change lighting",
            Self::Terms(..) => "Change tags",
            Self::Assign { .. } => "Assign",
            Self::Notes(..) => "Notes",
            Self::Trash(_) => "Move to trash",
            Self::Restore(_) => "Restore",
            Self::AddPerson(_) => "Add person",
            Self::RenamePerson(..) => "Rename",
            Self::ArchivePerson(..) => "Archive",
            Self::AddSeries(..) => "Add series",
            Self::AddTerm(..) => "Add term",
            Self::SessionOn(..) | Self::AddSession(_) => "Add session",
            Self::Mode(_) => "Mode",
            Self::SeriesPlan(..) => "Series",
            Self::SeriesTerms(..) => "Series areas and concerns",
            Self::UpdateSession(..) => "Edit session",
            Self::AddGrade(_) => "Add grade",
            Self::AddSideEffect(_) => "Add side effect",
            Self::SkinType(..) => "Skin type",
            Self::Contraindication(..) => "Contraindication",
            Self::Consent(..) => "Consent",
            Self::Align { .. } => "Align",
            Self::ResetAlignment(_) => "Reset alignment",
        }
    }

    /// The edit in words, as an Edit menu names the step to undo ("move 3 photos to the trash").
    pub fn describe(&self) -> String {
        let photos = |n: usize| {
            if n == 1 {
                "1 photo".to_owned()
            } else {
                format!("{n} photos")
            }
        };
        match self {
            Self::TakenAt { photos: ids, .. } => {
                format!("change taken-at of {}", photos(ids.len()))
            }
            Self::View(ids, _) => format!("change the view of {}", photos(ids.len())),
            Self::Lighting(ids, _) => format!("change the lighting of {}", photos(ids.len())),
            Self::Terms(ids, _) => format!("change the tags of {}", photos(ids.len())),
            Self::Assign { photos: ids, .. } => format!("assign {}", photos(ids.len())),
            Self::Trash(ids) => format!("move {} to the trash", photos(ids.len())),
            Self::Restore(ids) => format!("restore {}", photos(ids.len())),
            other => other.failure().to_lowercase(),
        }
    }

    /// What has to be read again once the edit is applied.
    pub fn stale(&self) -> Stale {
        match self {
            Self::TakenAt { .. }
            | Self::View(..)
            | Self::Lighting(..)
            | Self::Terms(..)
            | Self::Notes(..) => Stale::GRID | Stale::DETAILS,
            Self::Assign { .. } => Stale::PEOPLE | Stale::GRID | Stale::DETAILS,
            Self::Trash(_) | Self::Restore(_) => {
                Stale::PEOPLE | Stale::SERIES | Stale::GRID | Stale::DETAILS
            }
            Self::AddPerson(_) | Self::ArchivePerson(..) | Self::AddTerm(..) => Stale::PEOPLE,
            Self::RenamePerson(..) => Stale::PEOPLE | Stale::DETAILS | Stale::PAGES,
            Self::AddSeries(..) | Self::SessionOn(..) => Stale::SERIES | Stale::DETAILS,
            Self::Mode(_) => Stale::NONE,
            Self::SeriesPlan(..)
            | Self::SeriesTerms(..)
            | Self::AddSession(_)
            | Self::UpdateSession(..)
            | Self::AddGrade(_)
            | Self::AddSideEffect(_) => Stale::SERIES | Stale::PAGES,
            Self::SkinType(..) | Self::Contraindication(..) | Self::Consent(..) => {
                Stale::PEOPLE | Stale::PAGES
            }
            Self::Align { .. } | Self::ResetAlignment(_) => Stale::PAGES,
        }
    }
}

/// The edits that can be undone, newest last, with their descriptions.
#[derive(Clone, Debug, Default)]
pub struct History {
    undo: Vec<(String, Edit)>,
}

impl History {
    /// Keeps how to undo `done` (described as it was done).
    pub fn push(&mut self, done: &Edit, undo: Edit) {
        self.undo.push((done.describe(), undo));
    }

    /// The next step to undo, in words.
    pub fn next_undo(&self) -> Option<&str> {
        self.undo.last().map(|(text, _)| text.as_str())
    }

    pub fn pop_undo(&mut self) -> Option<Edit> {
        self.undo.pop().map(|(_, edit)| edit)
    }

    pub fn can_undo(&self) -> bool {
        !self.undo.is_empty()
    }

    /// Forgets everything (the photos are gone for good, or another library was opened).
    pub fn clear(&mut self) {
        self.undo.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trash_is_undone_by_restoring_the_same_photos() {
        let dir = tempfile::tempdir().unwrap();
        let library = crate::library::Library::open(&dir.path().join("lib")).unwrap();
        let mut cat = library.catalogue().unwrap();
        let trash = Edit::Trash(vec![PhotoId(1)]);
        // No such photo: refused, nothing to undo.
        assert!(trash.apply(&mut cat).is_err());
        assert_eq!(trash.describe(), "move 1 photo to the trash");
        let mut history = History::default();
        history.push(&trash, Edit::Restore(vec![PhotoId(1)]));
        assert_eq!(history.next_undo(), Some("move 1 photo to the trash"));
        assert_eq!(history.pop_undo(), Some(Edit::Restore(vec![PhotoId(1)])));
        assert!(!history.can_undo());
    }
}

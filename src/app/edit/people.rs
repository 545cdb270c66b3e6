//! Edits of who and what the library is about: people, their series, the vocabulary of
//! areas and concerns, and the library's mode.

use super::{Applied, Made};
use crate::app::cx::Stale;
use crate::catalogue::{Catalogue, DeletedPerson, DeletedSeries, Result, Versioned};
use crate::model::clinical::Mode;
use crate::model::{Keyed, PersonId, SeriesId, TermId, VocabKind, VocabTerm, vocab_key};

#[derive(Clone, Debug, PartialEq)]
pub enum PeopleEdit {
    AddPerson(String),
    /// Takes out a person nothing refers to (the undo of adding one).
    DeletePerson(PersonId),
    RestorePerson(DeletedPerson),
    Rename(PersonId, String),
    Archive(PersonId, bool),
    AddSeries(PersonId, String),
    /// Takes out an empty series (the undo of adding one).
    DeleteSeries(SeriesId),
    RestoreSeries(DeletedSeries),
    AddTerm(VocabKind, String),
    /// Takes out an unused term of the user's own (the undo of adding one).
    DeleteTerm(TermId),
    RestoreTerm(VocabTerm),
    /// Personal or clinic.
    Mode(Mode),
}

impl PeopleEdit {
    pub(super) fn apply(&self, cat: &mut Catalogue) -> Result<Applied> {
        use PeopleEdit as E;
        Ok(match self {
            E::AddPerson(name) => {
                let id = cat.add_person(name)?;
                Applied::new(Made::Person(id), E::DeletePerson(id))
            }
            E::DeletePerson(id) => {
                Applied::new(Made::Nothing, E::RestorePerson(cat.delete_person(*id)?))
            }
            E::RestorePerson(d) => {
                cat.restore_person(d)?;
                Applied::new(Made::Person(d.person.id), E::DeletePerson(d.person.id))
            }
            E::Rename(id, name) => cat.atomically(|cat| {
                let old = cat.person(*id)?.name;
                cat.rename_person(*id, name)?;
                Ok(Applied::new(Made::Nothing, E::Rename(*id, old)))
            })?,
            E::Archive(id, on) => cat.atomically(|cat| {
                let was = cat.person(*id)?.archived;
                cat.set_person_archived(*id, *on)?;
                Ok(Applied::new(Made::Nothing, E::Archive(*id, was)))
            })?,
            E::AddSeries(person, title) => {
                let id = cat.add_series(*person, title)?;
                Applied::new(Made::Series(id), E::DeleteSeries(id))
            }
            E::DeleteSeries(id) => {
                Applied::new(Made::Nothing, E::RestoreSeries(cat.delete_series(*id)?))
            }
            E::RestoreSeries(d) => {
                cat.restore_series(d)?;
                Applied::new(Made::Series(d.series.id), E::DeleteSeries(d.series.id))
            }
            E::AddTerm(kind, name) => cat.atomically(|cat| {
                let key = vocab_key(name);
                let existed = cat.terms(*kind)?.iter().any(|t| t.key == key);
                let id = cat.add_term(*kind, name)?;
                Ok(if existed {
                    Applied {
                        made: Made::Term(id),
                        undo: None,
                    }
                } else {
                    Applied::new(Made::Term(id), E::DeleteTerm(id))
                })
            })?,
            E::DeleteTerm(id) => Applied::new(Made::Nothing, E::RestoreTerm(cat.delete_term(*id)?)),
            E::RestoreTerm(t) => {
                cat.restore_term(t)?;
                Applied::new(Made::Term(t.id), E::DeleteTerm(t.id))
            }
            E::Mode(mode) => cat.atomically(|cat| {
                let was = cat.mode()?;
                cat.set_mode(*mode)?;
                Ok(Applied::new(Made::Nothing, E::Mode(was)))
            })?,
        })
    }

    pub(super) fn failure(&self) -> &'static str {
        match self {
            Self::AddPerson(_) | Self::RestorePerson(_) => "Add person",
            Self::DeletePerson(_) => "Remove person",
            Self::Rename(..) => "Rename",
            Self::Archive(..) => "Archive",
            Self::AddSeries(..) | Self::RestoreSeries(_) => "Add series",
            Self::DeleteSeries(_) => "Remove series",
            Self::AddTerm(..) | Self::RestoreTerm(_) => "Add term",
            Self::DeleteTerm(_) => "Remove term",
            Self::Mode(_) => "Mode",
        }
    }

    pub(super) fn describe(&self) -> String {
        match self {
            Self::AddPerson(name) => format!("add {name:?}"),
            Self::DeletePerson(_) => "remove a person".into(),
            Self::RestorePerson(d) => format!("bring back {:?}", d.person.name),
            Self::Rename(_, name) => format!("rename to {name:?}"),
            Self::Archive(_, true) => "archive a person".into(),
            Self::Archive(_, false) => "unarchive a person".into(),
            Self::AddSeries(_, title) => format!("add the series {title:?}"),
            Self::DeleteSeries(_) => "remove a series".into(),
            Self::RestoreSeries(d) => format!("bring back the series {:?}", d.series.title),
            Self::AddTerm(kind, name) => format!("add the {} {name:?}", kind.noun()),
            Self::DeleteTerm(_) => "remove a term".into(),
            Self::RestoreTerm(t) => format!("bring back {:?}", t.name),
            Self::Mode(mode) => format!("switch to {} mode", mode.label().to_lowercase()),
        }
    }

    /// The person or series the edit changes or removes (terms and the mode are no one's).
    pub(super) fn rows(&self) -> Vec<Versioned> {
        match self {
            Self::DeletePerson(id) | Self::Rename(id, _) | Self::Archive(id, _) => {
                vec![Versioned::Person(*id)]
            }
            Self::DeleteSeries(id) => vec![Versioned::Series(*id)],
            Self::AddPerson(_)
            | Self::RestorePerson(_)
            | Self::AddSeries(..)
            | Self::RestoreSeries(_)
            | Self::AddTerm(..)
            | Self::DeleteTerm(_)
            | Self::RestoreTerm(_)
            | Self::Mode(_) => Vec::new(),
        }
    }

    pub(super) fn stale(&self) -> Stale {
        match self {
            Self::AddPerson(_)
            | Self::DeletePerson(_)
            | Self::RestorePerson(_)
            | Self::Archive(..)
            | Self::AddTerm(..)
            | Self::DeleteTerm(_)
            | Self::RestoreTerm(_) => Stale::PEOPLE,
            Self::Rename(..) => Stale::PEOPLE | Stale::DETAILS | Stale::PAGES,
            Self::AddSeries(..) | Self::DeleteSeries(_) | Self::RestoreSeries(_) => {
                Stale::SERIES | Stale::DETAILS
            }
            Self::Mode(_) => Stale::LIBRARY,
        }
    }
}

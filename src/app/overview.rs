//! What the side panel lists: people with their photo counts, the selected person's series
//! and sessions, the vocabulary of areas and concerns, and the library's totals; and the
//! commands that add and change people, series and terms.

use super::browse::BrowseCommand;
use super::cx::Cx;
use super::edit::{Made, PeopleEdit};
use super::nav::Requests;
use crate::catalogue::{Catalogue, CatalogueError, Versioned};
use crate::model::{Person, PersonId, Series, SeriesId, Session, VocabKind, VocabTerm};
use std::collections::HashMap;

/// People, series, vocabulary and totals, as last read from the catalogue.
#[derive(Debug, Default)]
pub struct Overview {
    pub people: Vec<Person>,
    /// Each person's version as read (read before the people: a rename or an archive made
    /// from this list is refused when someone changed the person since).
    pub person_versions: HashMap<PersonId, i64>,
    pub photo_counts: HashMap<PersonId, usize>,
    /// The series of the selected person, and their sessions.
    pub series: Vec<Series>,
    pub sessions: HashMap<SeriesId, Vec<Session>>,
    pub areas: Vec<VocabTerm>,
    pub concerns: Vec<VocabTerm>,
    pub trash_count: usize,
    pub total_photos: usize,
    /// The "add person" field should open (Ctrl+N).
    pub add_person: Requests<()>,
}

/// Everything people, series and the vocabulary can be asked to do.
#[derive(Clone, Debug, PartialEq)]
pub enum PeopleCommand {
    /// Add a person and show their photos.
    Add(String),
    Rename(PersonId, String),
    SetArchived(PersonId, bool),
    /// Add a series for a person and show it.
    AddSeries(PersonId, String),
}

impl Overview {
    pub(super) fn run(&self, command: PeopleCommand, cx: &mut Cx) {
        match command {
            PeopleCommand::Add(name) => {
                if let Some(Made::Person(id)) = cx.edit(PeopleEdit::AddPerson(name)) {
                    cx.then(BrowseCommand::SelectPerson(Some(id)));
                }
            }
            PeopleCommand::Rename(id, name) => {
                let seen = self.seen(id);
                cx.checked_edit(&seen, PeopleEdit::Rename(id, name));
            }
            PeopleCommand::SetArchived(id, archived) => {
                let seen = self.seen(id);
                cx.checked_edit(&seen, PeopleEdit::Archive(id, archived));
            }
            PeopleCommand::AddSeries(person, title) => {
                if let Some(Made::Series(id)) = cx.edit(PeopleEdit::AddSeries(person, title)) {
                    cx.then(BrowseCommand::SelectSeries(Some(id)));
                }
            }
        }
    }

    /// The version of `id` as the list read it (none: not listed, so unchecked).
    fn seen(&self, id: PersonId) -> Vec<(Versioned, i64)> {
        self.person_versions
            .get(&id)
            .map(|&v| vec![(Versioned::Person(id), v)])
            .unwrap_or_default()
    }

    pub fn person(&self, id: PersonId) -> Option<&Person> {
        self.people.iter().find(|p| p.id == id)
    }

    pub fn terms(&self, kind: VocabKind) -> &[VocabTerm] {
        match kind {
            VocabKind::Area => &self.areas,
            VocabKind::Concern => &self.concerns,
        }
    }

    /// Reads people, counts, vocabulary and the totals again.
    pub(super) fn reload(&mut self, cat: &mut Catalogue) -> Result<(), CatalogueError> {
        let versions = cat.person_versions()?;
        let people = cat.people()?;
        let counts = cat.photo_counts_by_person()?;
        let areas = cat.terms(VocabKind::Area)?;
        let concerns = cat.terms(VocabKind::Concern)?;
        let trash = cat.trash_count()?;
        let (_, total) = cat.counts()?;
        self.people = people;
        self.person_versions = versions;
        self.photo_counts = counts;
        self.areas = areas;
        self.concerns = concerns;
        self.trash_count = trash;
        self.total_photos = total;
        Ok(())
    }

    /// Reads the series (and their sessions) of `person` again; none without a person.
    pub(super) fn reload_series(
        &mut self,
        cat: &mut Catalogue,
        person: Option<PersonId>,
    ) -> Result<(), CatalogueError> {
        self.series.clear();
        self.sessions.clear();
        let Some(person) = person else {
            return Ok(());
        };
        let series = cat.series_of(person)?;
        let mut sessions = HashMap::new();
        for s in &series {
            sessions.insert(s.id, cat.sessions_of(s.id)?);
        }
        self.series = series;
        self.sessions = sessions;
        Ok(())
    }
}

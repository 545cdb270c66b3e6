//! What the side panel lists: people with their photo counts, the selected person's series
//! and sessions, the vocabulary of areas and concerns, and the library's totals; and the
//! commands that add and change people, series and terms. The people and the vocabulary are
//! read on the UI thread (thousands of rows, an index each); the photo counts (a GROUP BY
//! over every photo: 0.3–3 s at a million) on the photo count thread, shown as "…"
//! until it first answers.

use super::background::Answer;
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
    /// The photo counts, once the count thread has answered for this library (a recount
    /// after an edit keeps the last answer until the new one is there).
    counts: Option<PhotoCounts>,
    /// The series of the selected person, and their sessions.
    pub series: Vec<Series>,
    pub sessions: HashMap<SeriesId, Vec<Session>>,
    pub areas: Vec<VocabTerm>,
    pub concerns: Vec<VocabTerm>,
    /// The "add person" field should open (Ctrl+N).
    pub add_person: Requests<()>,
}

/// How many photos each person has, in all and in the trash: what the people list says
/// beside its names.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PhotoCounts {
    /// Photos not in the trash, by person (a person with none is missing).
    pub by_person: HashMap<PersonId, usize>,
    /// Photos not in the trash.
    pub total: usize,
    pub trash: usize,
}

impl PhotoCounts {
    /// Counts the photos (on the overview's count thread).
    pub(super) fn read(cat: &mut Catalogue) -> Result<Self, CatalogueError> {
        let by_person = cat.photo_counts_by_person()?;
        let (_, total) = cat.counts()?;
        let trash = cat.trash_count()?;
        Ok(Self {
            by_person,
            total,
            trash,
        })
    }
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

    /// The photo counts, once counted.
    pub fn counts(&self) -> Option<&PhotoCounts> {
        self.counts.as_ref()
    }

    /// Photos not in the trash, once counted.
    pub fn total_photos(&self) -> Option<usize> {
        self.counts.as_ref().map(|c| c.total)
    }

    /// Photos in the trash, once counted.
    pub fn trash_count(&self) -> Option<usize> {
        self.counts.as_ref().map(|c| c.trash)
    }

    /// The photos of `id` not in the trash, once counted.
    pub fn photo_count(&self, id: PersonId) -> Option<usize> {
        self.counts
            .as_ref()
            .map(|c| c.by_person.get(&id).copied().unwrap_or(0))
    }

    /// The trash holds photos (as far as counted).
    pub fn has_trash(&self) -> bool {
        self.trash_count().is_some_and(|n| n > 0)
    }

    /// Reads people and the vocabulary again (the photo counts are the count thread's).
    pub(super) fn reload(&mut self, cat: &mut Catalogue) -> Result<(), CatalogueError> {
        let versions = cat.person_versions()?;
        let people = cat.people()?;
        let areas = cat.terms(VocabKind::Area)?;
        let concerns = cat.terms(VocabKind::Concern)?;
        self.people = people;
        self.person_versions = versions;
        self.areas = areas;
        self.concerns = concerns;
        Ok(())
    }

    /// Takes in the count thread's answer to the newest request (the thread drops older
    /// ones: a slow answer never overwrites a newer one).
    pub(super) fn take_counts(&mut self, answer: Answer<PhotoCounts>, cx: &mut Cx) {
        match answer.result {
            Ok(counts) => self.counts = Some(counts),
            Err(e) => cx.notices.error(format!(
                "Could not count the photos of the people list: {e}"
            )),
        }
    }

    /// Forgets the counts (another library: "…" until it is counted).
    pub(super) fn forget_counts(&mut self) {
        self.counts = None;
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

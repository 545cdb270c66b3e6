//! Series (courses of treatment) and their sessions, and resolving where imported photos go.

use super::db::{Conn, Row};
use super::people::{clean_name, find_person, insert_person};
use super::terms::term_ids;
use super::{Catalogue, CatalogueError, Result, all_rows};
use crate::model::{
    Lighting, PersonId, Series, SeriesId, Session, SessionId, SessionKind, TermId, View, VocabKind,
};
use chrono::NaiveDate;
use rusqlite::{OptionalExtension, params};

impl Series {
    pub(super) fn from_row(row: &Row<'_>) -> rusqlite::Result<Self> {
        Ok(Self {
            id: row.get(0)?,
            person: row.get(1)?,
            title: row.get(2)?,
            planned_sessions: row.get(3)?,
            interval_days: row.get(4)?,
            start_date: row.get(5)?,
            status: row.get(6)?,
            notes: row.get(7)?,
        })
    }
}

impl Session {
    pub(super) fn from_row(row: &Row<'_>) -> rusqlite::Result<Self> {
        Ok(Self {
            id: row.get(0)?,
            series: row.get(1)?,
            date: row.get(2)?,
            kind: row.get(3)?,
            device: row.get(4)?,
            needle_depth_mm: row.get(5)?,
            passes: row.get(6)?,
            products: row.get(7)?,
            numbing: row.get(8)?,
            practitioner: row.get(9)?,
            cost_cents: row.get(10)?,
            notes: row.get(11)?,
            device_kind: row.get(12)?,
            currency: row.get(13)?,
            contraindications_acknowledged: row.get(14)?,
        })
    }
}

pub(super) const SERIES_COLUMNS: &str =
    "id, person_id, title, planned_sessions, interval_days, start_date, status, notes";
pub(super) const SERIES_OF_SQL: &str = "SELECT id, person_id, title, planned_sessions, interval_days, \
     start_date, status, notes FROM series WHERE person_id = ?1 ORDER BY id";
pub(super) const SESSIONS_OF_SQL: &str = "SELECT id, series_id, date, kind, device, needle_depth_mm, \
     passes, products, numbing, practitioner, cost_cents, notes, device_kind, currency, \
     contraindications_acknowledged FROM session WHERE series_id = ?1 ORDER BY date";

/// Where imported photos go and how they are tagged, as names from the user.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AssignmentSpec {
    pub person: Option<String>,
    pub series: Option<String>,
    pub session: Option<NaiveDate>,
    pub areas: Vec<String>,
    pub concerns: Vec<String>,
    pub view: Option<View>,
    pub lighting: Option<Lighting>,
}

/// An [`AssignmentSpec`] resolved to ids: people, series and sessions exist.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Assignment {
    pub person: Option<PersonId>,
    pub series: Option<SeriesId>,
    pub session: Option<SessionId>,
    pub terms: Vec<TermId>,
    pub view: Option<View>,
    pub lighting: Option<Lighting>,
}

fn find_series(conn: &Conn, person: PersonId, title: &str) -> Result<Option<SeriesId>> {
    Ok(conn
        .query_row(
            "SELECT id FROM series WHERE person_id = ?1 AND lower(title) = lower(?2)",
            params![person, crate::model::names::name_key(title)],
            |r| r.get(0),
        )
        .optional()?)
}

pub(super) fn insert_series(conn: &Conn, person: PersonId, title: &str) -> Result<SeriesId> {
    let title = clean_name("series title", title)?;
    if find_series(conn, person, &title)?.is_some() {
        return Err(CatalogueError::Invalid {
            field: "series title",
            reason: format!("this person already has a series called {title:?}"),
        });
    }
    let id = conn.insert_id(
        "INSERT INTO series (person_id, title) VALUES (?1, ?2) RETURNING id",
        params![person, title],
    )?;
    Ok(SeriesId(id))
}

fn get_or_insert_session(conn: &Conn, series: SeriesId, date: NaiveDate) -> Result<SessionId> {
    let found = conn
        .query_row(
            "SELECT id FROM session WHERE series_id = ?1 AND date = ?2",
            params![series, date],
            |r| r.get(0),
        )
        .optional()?;
    if let Some(id) = found {
        return Ok(id);
    }
    let first: bool = conn.query_row(
        "SELECT NOT EXISTS (SELECT 1 FROM session WHERE series_id = ?1)",
        [series],
        |r| r.get(0),
    )?;
    let kind = if first {
        SessionKind::Baseline
    } else {
        SessionKind::Treatment
    };
    let id = conn.insert_id(
        "INSERT INTO session (series_id, date, kind) VALUES (?1, ?2, ?3) RETURNING id",
        params![series, date, kind],
    )?;
    Ok(SessionId(id))
}

impl Catalogue {
    pub fn add_series(&mut self, person: PersonId, title: &str) -> Result<SeriesId> {
        self.write(|tx| insert_series(tx, person, title))
    }

    /// The series of one person, oldest first.
    pub fn series_of(&mut self, person: PersonId) -> Result<Vec<Series>> {
        self.read(|tx| all_rows(tx, SERIES_OF_SQL, [person], Series::from_row))
    }

    /// The session of a series on a date, created if there is none.
    pub fn session_on(&mut self, series: SeriesId, date: NaiveDate) -> Result<SessionId> {
        self.write(|tx| get_or_insert_session(tx, series, date))
    }

    /// The sessions of one series, by date.
    pub fn sessions_of(&mut self, series: SeriesId) -> Result<Vec<Session>> {
        self.read(|tx| all_rows(tx, SESSIONS_OF_SQL, [series], Session::from_row))
    }

    /// Resolves names to ids in one transaction, creating the person, series and session
    /// when they do not exist yet. Unknown areas or concerns are an error (nothing created).
    pub fn resolve_assignment(&mut self, spec: &AssignmentSpec) -> Result<Assignment> {
        if spec.series.is_some() && spec.person.is_none() {
            return Err(CatalogueError::Invalid {
                field: "series",
                reason: "needs a person".into(),
            });
        }
        if spec.session.is_some() && spec.series.is_none() {
            return Err(CatalogueError::Invalid {
                field: "session",
                reason: "needs a series".into(),
            });
        }
        self.write(|tx| {
            // What an import is filed under is made by the import (the trail says so).
            super::audit::importing(tx)?;
            let mut terms = term_ids(tx, VocabKind::Area, &spec.areas)?;
            terms.extend(term_ids(tx, VocabKind::Concern, &spec.concerns)?);
            let person = match &spec.person {
                Some(name) => Some(match find_person(tx, name)? {
                    Some(p) => p.id,
                    None => insert_person(tx, name)?,
                }),
                None => None,
            };
            let series = match (&spec.series, person) {
                (Some(title), Some(person)) => Some(match find_series(tx, person, title)? {
                    Some(id) => id,
                    None => insert_series(tx, person, title)?,
                }),
                _ => None,
            };
            let session = match (spec.session, series) {
                (Some(date), Some(series)) => Some(get_or_insert_session(tx, series, date)?),
                _ => None,
            };
            Ok(Assignment {
                person,
                series,
                session,
                terms,
                view: spec.view,
                lighting: spec.lighting,
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(person: &str, series: &str, day: u32) -> AssignmentSpec {
        AssignmentSpec {
            person: Some(person.into()),
            series: Some(series.into()),
            session: NaiveDate::from_ymd_opt(2025, 1, day),
            areas: vec!["left cheek".into()],
            concerns: vec!["acne-scars".into()],
            ..AssignmentSpec::default()
        }
    }

    #[test]
    fn resolve_creates_once_and_reuses() {
        let mut cat = crate::testing::catalogue();
        let a = cat
            .resolve_assignment(&spec("Me", "Microneedling", 1))
            .unwrap();
        let b = cat
            .resolve_assignment(&spec("me", "microneedling", 1))
            .unwrap();
        assert_eq!(a, b);
        assert_eq!(a.terms.len(), 2);
        let c = cat
            .resolve_assignment(&spec("Me", "Microneedling", 29))
            .unwrap();
        assert_eq!(c.series, a.series);
        assert_ne!(c.session, a.session);
        let sessions = cat.sessions_of(a.series.unwrap()).unwrap();
        assert_eq!(sessions.len(), 2);
        assert_eq!(sessions[0].kind, SessionKind::Baseline);
        assert_eq!(sessions[1].kind, SessionKind::Treatment);
    }

    #[test]
    fn unknown_term_creates_nothing() {
        let mut cat = crate::testing::catalogue();
        let mut bad = spec("Zoe", "Peel", 1);
        bad.areas.push("elbow".into());
        assert!(matches!(
            cat.resolve_assignment(&bad),
            Err(CatalogueError::UnknownTerm(_))
        ));
        assert!(cat.people().unwrap().is_empty());
        let orphan = AssignmentSpec {
            series: Some("x".into()),
            ..AssignmentSpec::default()
        };
        assert!(cat.resolve_assignment(&orphan).is_err());
    }
}

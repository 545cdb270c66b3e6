//! A series' protocol (the views each session needs) and what the grid says about the
//! sessions it shows: their number in the series, days since the first, completeness.

use super::db::Conn;
use super::{Catalogue, Result, all_rows};
use crate::model::{Completeness, SeriesId, SessionId, View};
use chrono::NaiveDate;
use rusqlite::params;
use std::collections::HashMap;

/// A session as the grid's headings and captions describe it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SessionFacts {
    pub series: SeriesId,
    pub series_title: String,
    /// 1 for the series' first session.
    pub number: usize,
    pub date: NaiveDate,
    /// The date of the series' first session (the "+days" count from it).
    pub first_date: NaiveDate,
    /// Against the series' protocol, counting the photos not in the trash.
    pub completeness: Completeness,
}

impl SessionFacts {
    /// Days since the series' first session.
    pub fn days_in(&self) -> i64 {
        (self.date - self.first_date).num_days()
    }
}

pub(super) fn required_views(conn: &Conn, series: SeriesId) -> Result<Vec<View>> {
    let mut views: Vec<View> = all_rows(
        conn,
        "SELECT view FROM series_view WHERE series_id = ?1",
        [series],
        |r| r.get(0),
    )?;
    views.sort_by_key(|v| View::rank(Some(*v)));
    Ok(views)
}

const FACTS_SQL: &str = "SELECT s.id, s.series_id, series.title, s.date, \
     (SELECT count(*) FROM session s2 WHERE s2.series_id = s.series_id AND s2.date <= s.date), \
     (SELECT min(s3.date) FROM session s3 WHERE s3.series_id = s.series_id) \
     FROM session s JOIN series ON series.id = s.series_id \
     WHERE s.id IN (SELECT value FROM json_each(?1))";
const PRESENT_SQL: &str = "SELECT session_id, view FROM photo \
     WHERE session_id IN (SELECT value FROM json_each(?1)) AND trashed_at IS NULL";
/// The protocols of the series of a list of sessions: one query for a page of a grid that
/// shows hundreds of patients' sessions (one per series was a round trip each on a clinic).
pub(super) const PROTOCOLS_SQL: &str = "SELECT series_id, view FROM series_view \
     WHERE series_id IN (SELECT series_id FROM session WHERE id IN (SELECT value FROM json_each(?1)))";

/// Facts about each of `sessions` (in one read).
pub(super) fn session_facts(
    conn: &Conn,
    sessions: &[SessionId],
) -> Result<HashMap<SessionId, SessionFacts>> {
    if sessions.is_empty() {
        return Ok(HashMap::new());
    }
    let list = serde_json::to_string(&sessions.iter().map(|s| s.0).collect::<Vec<_>>())
        .expect("a list of integers serialises");
    let rows: Vec<(SessionId, SeriesId, String, NaiveDate, usize, NaiveDate)> =
        all_rows(conn, FACTS_SQL, [&list], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
            ))
        })?;
    let mut present: HashMap<SessionId, Vec<Option<View>>> = HashMap::new();
    for (session, view) in all_rows(conn, PRESENT_SQL, [&list], |r| {
        Ok((r.get::<_, SessionId>(0)?, r.get::<_, Option<View>>(1)?))
    })? {
        present.entry(session).or_default().push(view);
    }
    let mut protocols: HashMap<SeriesId, Vec<View>> = HashMap::new();
    for (series, view) in all_rows(conn, PROTOCOLS_SQL, [&list], |r| {
        Ok((r.get::<_, SeriesId>(0)?, r.get::<_, View>(1)?))
    })? {
        protocols.entry(series).or_default().push(view);
    }
    for views in protocols.values_mut() {
        views.sort_by_key(|v| View::rank(Some(*v)));
    }
    let mut facts = HashMap::new();
    for (id, series, series_title, date, number, first_date) in rows {
        let protocol = protocols.entry(series).or_default();
        let views = present.remove(&id).unwrap_or_default();
        facts.insert(
            id,
            SessionFacts {
                series,
                series_title,
                number,
                date,
                first_date,
                completeness: Completeness::of(protocol, views),
            },
        );
    }
    Ok(facts)
}

impl Catalogue {
    /// The views each session of the series should have, in clinical order.
    pub fn required_views(&mut self, series: SeriesId) -> Result<Vec<View>> {
        self.read(|tx| required_views(tx, series))
    }

    /// Sets the series' protocol; returns the one it had.
    pub fn set_required_views(&mut self, series: SeriesId, views: &[View]) -> Result<Vec<View>> {
        self.write(|tx| {
            let before = required_views(tx, series)?;
            tx.execute("DELETE FROM series_view WHERE series_id = ?1", [series])?;
            let mut stmt = tx.prepare_cached(
                "INSERT INTO series_view (series_id, view) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
            )?;
            for view in views {
                stmt.execute(params![series, view]).map_err(|e| match e {
                    e if super::db::is_constraint(&e) => super::CatalogueError::NotFound {
                        what: "series",
                        id: series.0,
                    },
                    e => e.into(),
                })?;
            }
            Ok(before)
        })
    }

    /// What the grid says about these sessions.
    pub fn session_facts(
        &mut self,
        sessions: &[SessionId],
    ) -> Result<HashMap<SessionId, SessionFacts>> {
        self.read(|tx| session_facts(tx, sessions))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue::{AssignmentSpec, PhotoValue};

    #[test]
    fn sessions_know_their_number_days_and_missing_views() {
        let mut cat = crate::testing::catalogue();
        let spec = |day| AssignmentSpec {
            person: Some("P".into()),
            series: Some("S".into()),
            session: NaiveDate::from_ymd_opt(2025, 1, day),
            ..AssignmentSpec::default()
        };
        let add = crate::catalogue::edit::tests::add_photo;
        let first = add(&mut cat, "a", &spec(1));
        let second = [add(&mut cat, "b", &spec(29)), add(&mut cat, "c", &spec(29))];
        cat.set_photos(&second, &PhotoValue::View(Some(View::Frontal)))
            .unwrap();
        let p = cat.photo(first).unwrap();
        let series = p.series.unwrap();
        assert!(
            cat.set_required_views(series, &[View::CloseUp, View::Frontal])
                .unwrap()
                .is_empty()
        );
        assert_eq!(
            cat.required_views(series).unwrap(),
            [View::Frontal, View::CloseUp]
        );
        let later = cat.photo(second[0]).unwrap().session.unwrap();
        let facts = cat.session_facts(&[p.session.unwrap(), later]).unwrap();
        let f = &facts[&later];
        assert_eq!(
            (f.number, f.days_in(), f.series_title.as_str()),
            (2, 28, "S")
        );
        assert_eq!(
            f.completeness.text().unwrap(),
            "1 of 2 views: close-up missing"
        );
        assert_eq!(facts[&p.session.unwrap()].completeness.missing.len(), 2);
        // Trashed photos do not count.
        cat.trash(&second).unwrap();
        assert_eq!(
            cat.session_facts(&[later]).unwrap()[&later]
                .completeness
                .missing
                .len(),
            2
        );
        assert!(
            cat.set_required_views(SeriesId(99), &[View::Frontal])
                .is_err()
        );
    }
}

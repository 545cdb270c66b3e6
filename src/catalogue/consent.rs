//! Consent with its history: each giving and withdrawal is an event with its day, who
//! recorded it and a note; the `consent` table keeps the state now (exports check it).

use super::db::{Conn, Row};
use super::{Catalogue, CatalogueError, ConsentRow, Result, all_rows};
use crate::model::clinical::{ConsentScope, check_consent_day};
use crate::model::{Keyed, PersonId};
use chrono::NaiveDate;
use rusqlite::{OptionalExtension, params};

/// Giving or withdrawing consent to one use, as the person record's form records it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConsentChange {
    pub person: PersonId,
    pub scope: ConsentScope,
    /// Given (true) or withdrawn (false).
    pub given: bool,
    pub on: NaiveDate,
    /// Who recorded it.
    pub staff: String,
    pub note: String,
}

/// One giving or withdrawal, as recorded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConsentEvent {
    pub id: i64,
    pub scope: ConsentScope,
    pub given: bool,
    pub on: NaiveDate,
    pub staff: String,
    pub note: String,
    pub recorded_at: String,
}

/// Everything stored about one person's consent to one use: to undo a change exactly.
#[derive(Clone, Debug, PartialEq)]
pub struct ConsentState {
    pub person: PersonId,
    pub scope: ConsentScope,
    pub row: Option<ConsentRow>,
    pub events: Vec<ConsentEvent>,
}

const EVENT_COLUMNS: &str =
    "id, scope, given, on_date, staff, note, recorded_at FROM consent_event WHERE person_id = ?1";

fn event_from_row(r: &Row<'_>) -> rusqlite::Result<ConsentEvent> {
    Ok(ConsentEvent {
        id: r.get(0)?,
        scope: r.get(1)?,
        given: r.get(2)?,
        on: r.get(3)?,
        staff: r.get(4)?,
        note: r.get(5)?,
        recorded_at: r.get(6)?,
    })
}

fn state(conn: &Conn, person: PersonId, scope: ConsentScope) -> Result<ConsentState> {
    let row = conn
        .query_row(
            "SELECT scope, given_on, note, withdrawn_on FROM consent WHERE person_id = ?1 AND scope = ?2",
            params![person, scope],
            |r| {
                Ok(ConsentRow {
                    scope: r.get(0)?,
                    given_on: r.get(1)?,
                    note: r.get(2)?,
                    withdrawn_on: r.get(3)?,
                })
            },
        )
        .optional()?;
    let events = all_rows(
        conn,
        &format!("SELECT {EVENT_COLUMNS} AND scope = ?2 ORDER BY id"),
        params![person, scope],
        event_from_row,
    )?;
    Ok(ConsentState {
        person,
        scope,
        row,
        events,
    })
}

fn invalid(reason: String) -> CatalogueError {
    CatalogueError::Invalid {
        field: "consent",
        reason,
    }
}

impl Catalogue {
    /// Every giving and withdrawal of a person's consent, oldest first.
    pub fn consent_history(&mut self, person: PersonId) -> Result<Vec<ConsentEvent>> {
        self.audited_read(|tx| {
            super::audit::view_person(tx, "consent-history", person)?;
            all_rows(
                tx,
                &format!("SELECT {EVENT_COLUMNS} ORDER BY on_date, id"),
                [person],
                event_from_row,
            )
        })
    }

    pub fn consent_state(&mut self, person: PersonId, scope: ConsentScope) -> Result<ConsentState> {
        self.read(|tx| state(tx, person, scope))
    }

    /// Gives or withdraws consent on a day (not in the future; a withdrawal needs consent
    /// given on or before it) and adds it to the history; returns the state before.
    pub fn record_consent(&mut self, c: &ConsentChange, today: NaiveDate) -> Result<ConsentState> {
        self.write(|tx| {
            let before = state(tx, c.person, c.scope)?;
            let given = before
                .row
                .as_ref()
                .filter(|r| r.withdrawn_on.is_none())
                .map(|r| r.given_on);
            if !c.given && given.is_none() {
                return Err(invalid(format!(
                    "there is no consent to {} to withdraw",
                    c.scope.label().to_lowercase()
                )));
            }
            let withdrawing_from = if c.given { None } else { given };
            check_consent_day(c.on, today, withdrawing_from).map_err(invalid)?;
            if c.given {
                tx.execute(
                    "INSERT INTO consent (person_id, scope, given_on, note, withdrawn_on) \
                     VALUES (?1, ?2, ?3, ?4, NULL) \
                     ON CONFLICT (person_id, scope) DO UPDATE SET given_on = excluded.given_on, note = excluded.note, withdrawn_on = excluded.withdrawn_on",
                    params![c.person, c.scope, c.on, c.note.trim()],
                )?;
            } else {
                tx.execute(
                    "UPDATE consent SET withdrawn_on = ?3 WHERE person_id = ?1 AND scope = ?2",
                    params![c.person, c.scope, c.on],
                )?;
            }
            tx.execute(
                "INSERT INTO consent_event (person_id, scope, given, on_date, staff, note, recorded_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![
                    c.person,
                    c.scope,
                    c.given,
                    c.on,
                    c.staff.trim(),
                    c.note.trim(),
                    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
                ],
            )?;
            Ok(before)
        })
    }

    /// Puts one person's consent to one use back as it was (state and history); returns the
    /// state before.
    pub fn restore_consent(&mut self, s: &ConsentState) -> Result<ConsentState> {
        self.write(|tx| {
            let before = state(tx, s.person, s.scope)?;
            tx.execute(
                "DELETE FROM consent WHERE person_id = ?1 AND scope = ?2",
                params![s.person, s.scope],
            )?;
            tx.execute(
                "DELETE FROM consent_event WHERE person_id = ?1 AND scope = ?2",
                params![s.person, s.scope],
            )?;
            if let Some(r) = &s.row {
                tx.execute(
                    "INSERT INTO consent (person_id, scope, given_on, note, withdrawn_on) \
                     VALUES (?1, ?2, ?3, ?4, ?5)",
                    params![s.person, r.scope, r.given_on, r.note, r.withdrawn_on],
                )?;
            }
            for e in &s.events {
                tx.execute(
                    "INSERT INTO consent_event (id, person_id, scope, given, on_date, staff, note, recorded_at) \
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                    params![e.id, s.person, e.scope, e.given, e.on, e.staff, e.note, e.recorded_at],
                )?;
            }
            Ok(before)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn consent_is_given_withdrawn_and_undone_with_its_history() {
        let mut cat = crate::testing::catalogue();
        let p = cat.add_person("P").unwrap();
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        let today = d("2026-03-01");
        let change = |given, on: &str| ConsentChange {
            person: p,
            scope: ConsentScope::Education,
            given,
            on: d(on),
            staff: "Dr. Ito".into(),
            note: "signed form".into(),
        };
        let err = cat
            .record_consent(&change(false, "2026-02-01"), today)
            .unwrap_err();
        assert!(
            err.to_string()
                .contains("no consent to education to withdraw"),
            "{err}"
        );
        let empty = cat
            .record_consent(&change(true, "2026-02-01"), today)
            .unwrap();
        assert!(empty.row.is_none() && empty.events.is_empty());
        assert!(
            cat.record_consent(&change(true, "2026-03-02"), today)
                .is_err(),
            "future"
        );
        assert!(
            cat.record_consent(&change(false, "2026-01-15"), today)
                .is_err(),
            "before given"
        );
        let given = cat
            .record_consent(&change(false, "2026-02-20"), today)
            .unwrap();
        let history = cat.consent_history(p).unwrap();
        assert_eq!(history.len(), 2);
        assert!(history[0].given && !history[1].given);
        assert_eq!(history[1].staff, "Dr. Ito");
        assert_eq!(
            cat.consents(p).unwrap()[0].withdrawn_on,
            Some(d("2026-02-20"))
        );
        // Undo the withdrawal, then the giving: back to nothing, history included.
        let withdrawn = cat.restore_consent(&given).unwrap();
        assert_eq!(cat.consents(p).unwrap()[0].withdrawn_on, None);
        cat.restore_consent(&empty).unwrap();
        assert!(cat.consents(p).unwrap().is_empty());
        assert!(cat.consent_history(p).unwrap().is_empty());
        // Redo both.
        cat.restore_consent(&given).unwrap();
        cat.restore_consent(&withdrawn).unwrap();
        assert_eq!(cat.consent_history(p).unwrap(), history);
    }
}

//! Taking records out and putting them back exactly, for undo: a person, a term, a series,
//! a session (with its grades, side effects and the photos in it), a grade, a side effect.
//! Each `delete_*` returns everything it removed; the matching `restore_*` writes it back
//! with the same ids, so later steps of the undo history that name them still apply.

use super::db::{Conn, Row};
use super::series::SERIES_COLUMNS;
use super::{Catalogue, CatalogueError, ContraindicationRow, Result, SideEffectRow, all_rows};
use crate::model::clinical::{Contraindication, GradeScale};
use crate::model::{
    GradeId, Person, PersonId, PhotoId, Series, SeriesId, Session, SessionId, SideEffectId, TermId,
};
use crate::model::{VocabKind, VocabTerm};
use rusqlite::{OptionalExtension, params};

/// A person as stored, to put back.
#[derive(Clone, Debug, PartialEq)]
pub struct DeletedPerson {
    pub person: Person,
    pub created_at: String,
}

/// A series with nothing in it yet, as stored.
#[derive(Clone, Debug, PartialEq)]
pub struct DeletedSeries {
    pub series: Series,
    pub terms: Vec<TermId>,
}

/// A grade exactly as stored.
#[derive(Clone, Debug, PartialEq)]
pub struct GradeRecord {
    pub id: GradeId,
    pub session: Option<SessionId>,
    pub photo: Option<PhotoId>,
    pub scale: GradeScale,
    pub custom_name: Option<String>,
    pub value: f64,
    pub detail: String,
    pub notes: String,
    pub recorded_at: String,
}

/// A session and everything deleting it removed: its grades and side effects, and which
/// photos were in it.
#[derive(Clone, Debug, PartialEq)]
pub struct DeletedSession {
    pub session: Session,
    pub grades: Vec<GradeRecord>,
    pub side_effects: Vec<SideEffectRow>,
    pub photos: Vec<PhotoId>,
}

fn not_found(what: &'static str, id: i64) -> CatalogueError {
    CatalogueError::NotFound { what, id }
}

fn refuse(field: &'static str, reason: String) -> CatalogueError {
    CatalogueError::Invalid { field, reason }
}

fn count(conn: &Conn, sql: &str, id: i64) -> Result<i64> {
    Ok(conn.query_row(sql, [id], |r| r.get(0))?)
}

const GRADE_COLUMNS: &str =
    "id, session_id, photo_id, scale, custom_name, value, detail, notes, recorded_at FROM grade";

fn grade_from_row(r: &Row<'_>) -> rusqlite::Result<GradeRecord> {
    Ok(GradeRecord {
        id: r.get(0)?,
        session: r.get(1)?,
        photo: r.get(2)?,
        scale: r.get(3)?,
        custom_name: r.get(4)?,
        value: r.get(5)?,
        detail: r.get(6)?,
        notes: r.get(7)?,
        recorded_at: r.get(8)?,
    })
}

fn insert_grade(conn: &Conn, g: &GradeRecord) -> Result<()> {
    conn.execute(
        "INSERT INTO grade (id, session_id, photo_id, scale, custom_name, value, detail, notes, \
         recorded_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![
            g.id,
            g.session,
            g.photo,
            g.scale,
            g.custom_name,
            g.value,
            g.detail,
            g.notes,
            g.recorded_at
        ],
    )?;
    Ok(())
}

const SIDE_EFFECT_SQL: &str = "SELECT side_effect.id, side_effect.session_id, session.date, \
     side_effect.kind, side_effect.severity, side_effect.day_after, side_effect.notes \
     FROM side_effect JOIN session ON session.id = side_effect.session_id";

fn side_effect_from_row(r: &Row<'_>) -> rusqlite::Result<SideEffectRow> {
    Ok(SideEffectRow {
        id: r.get(0)?,
        session: r.get(1)?,
        session_date: r.get(2)?,
        kind: r.get(3)?,
        severity: r.get(4)?,
        day_after: r.get(5)?,
        notes: r.get(6)?,
    })
}

fn insert_side_effect(conn: &Conn, e: &SideEffectRow) -> Result<()> {
    conn.execute(
        "INSERT INTO side_effect (id, session_id, kind, severity, day_after, notes) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![e.id, e.session, e.kind, e.severity, e.day_after, e.notes],
    )?;
    Ok(())
}

fn insert_session(conn: &Conn, s: &Session) -> Result<()> {
    let taken: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM session WHERE series_id = ?1 AND date = ?2)",
        params![s.series, s.date],
        |r| r.get(0),
    )?;
    if taken {
        return Err(refuse(
            "date",
            format!("the series has another session on {} now", s.date),
        ));
    }
    conn.execute(
        "INSERT INTO session (id, series_id, date, kind, device, needle_depth_mm, passes, \
         products, numbing, practitioner, cost_cents, notes, device_kind, currency, \
         contraindications_acknowledged) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
        params![
            s.id,
            s.series,
            s.date,
            s.kind,
            s.device,
            s.needle_depth_mm,
            s.passes,
            s.products,
            s.numbing,
            s.practitioner,
            s.cost_cents,
            s.notes,
            s.device_kind,
            s.currency,
            s.contraindications_acknowledged
        ],
    )?;
    Ok(())
}

impl Catalogue {
    /// One series.
    pub fn series(&mut self, id: SeriesId) -> Result<Series> {
        self.read(|tx| {
            tx.query_row(
                &format!("SELECT {SERIES_COLUMNS} FROM series WHERE id = ?1"),
                [id],
                Series::from_row,
            )
            .optional()?
            .ok_or(not_found("series", id.0))
        })
    }

    /// One session.
    pub fn session(&mut self, id: SessionId) -> Result<Session> {
        self.read(|tx| {
            let sql = super::series::SESSIONS_OF_SQL
                .replace("WHERE series_id = ?1 ORDER BY date", "WHERE id = ?1");
            tx.query_row(&sql, [id], Session::from_row)
                .optional()?
                .ok_or(not_found("session", id.0))
        })
    }

    /// Takes out a person nothing refers to yet (just added).
    pub fn delete_person(&mut self, id: PersonId) -> Result<DeletedPerson> {
        self.write(|tx| {
            let uses = count(
                tx,
                "SELECT (SELECT count(*) FROM photo WHERE person_id = ?1) \
                 + (SELECT count(*) FROM series WHERE person_id = ?1) \
                 + (SELECT count(*) FROM consent WHERE person_id = ?1) \
                 + (SELECT count(*) FROM contraindication WHERE person_id = ?1)",
                id.0,
            )?;
            if uses > 0 {
                return Err(refuse(
                    "person",
                    "has photos, series or a record now; take those away first".into(),
                ));
            }
            let deleted = tx
                .query_row(
                    "SELECT id, name, birth_year, fitzpatrick, notes, archived, created_at \
                     FROM person WHERE id = ?1",
                    [id],
                    |r| {
                        Ok(DeletedPerson {
                            person: Person {
                                id: r.get(0)?,
                                name: r.get(1)?,
                                birth_year: r.get(2)?,
                                fitzpatrick: r.get(3)?,
                                notes: r.get(4)?,
                                archived: r.get(5)?,
                            },
                            created_at: r.get(6)?,
                        })
                    },
                )
                .optional()?
                .ok_or(not_found("person", id.0))?;
            tx.execute("DELETE FROM person WHERE id = ?1", [id])?;
            Ok(deleted)
        })
    }

    pub fn restore_person(&mut self, d: &DeletedPerson) -> Result<()> {
        self.write(|tx| {
            let p = &d.person;
            tx.execute(
                "INSERT INTO person (id, name, birth_year, fitzpatrick, notes, archived, created_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![
                    p.id,
                    p.name,
                    p.birth_year,
                    p.fitzpatrick,
                    p.notes,
                    p.archived,
                    d.created_at
                ],
            )
            .map_err(|e| refuse("person", format!("{:?} cannot come back: {e}", p.name)))?;
            Ok(())
        })
    }

    /// Takes out one of the user's own terms that no photo or series uses.
    pub fn delete_term(&mut self, id: TermId) -> Result<VocabTerm> {
        self.write(|tx| {
            let term = tx
                .query_row(
                    "SELECT id, kind, key, name, builtin FROM term WHERE id = ?1",
                    [id],
                    |r| {
                        Ok(VocabTerm {
                            id: r.get(0)?,
                            kind: if r.get::<_, String>(1)? == "area" {
                                VocabKind::Area
                            } else {
                                VocabKind::Concern
                            },
                            key: r.get(2)?,
                            name: r.get(3)?,
                            builtin: r.get(4)?,
                        })
                    },
                )
                .optional()?
                .ok_or(not_found("term", id.0))?;
            let uses = count(
                tx,
                "SELECT (SELECT count(*) FROM photo_term WHERE term_id = ?1) \
                 + (SELECT count(*) FROM series_term WHERE term_id = ?1)",
                id.0,
            )?;
            if term.builtin || uses > 0 {
                return Err(refuse(
                    "term",
                    format!("{:?} is built in or in use", term.name),
                ));
            }
            tx.execute("DELETE FROM term WHERE id = ?1", [id])?;
            Ok(term)
        })
    }

    pub fn restore_term(&mut self, t: &VocabTerm) -> Result<()> {
        self.write(|tx| {
            let kind = match t.kind {
                VocabKind::Area => "area",
                VocabKind::Concern => "concern",
            };
            tx.execute(
                "INSERT INTO term (id, kind, key, name, builtin) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![t.id, kind, t.key, t.name, t.builtin],
            )
            .map_err(|e| refuse("term", format!("{:?} cannot come back: {e}", t.name)))?;
            Ok(())
        })
    }

    /// Takes out a series with no sessions and no photos yet (just added).
    pub fn delete_series(&mut self, id: SeriesId) -> Result<DeletedSeries> {
        let series = self.series(id)?;
        let terms = self.series_terms(id)?;
        self.write(|tx| {
            let uses = count(
                tx,
                "SELECT (SELECT count(*) FROM session WHERE series_id = ?1) \
                 + (SELECT count(*) FROM photo WHERE series_id = ?1)",
                id.0,
            )?;
            if uses > 0 {
                return Err(refuse(
                    "series",
                    format!("{:?} has sessions or photos now", series.title),
                ));
            }
            tx.execute("DELETE FROM series WHERE id = ?1", [id])?;
            Ok(DeletedSeries {
                series: series.clone(),
                terms: terms.clone(),
            })
        })
    }

    pub fn restore_series(&mut self, d: &DeletedSeries) -> Result<()> {
        self.write(|tx| {
            let s = &d.series;
            tx.execute(
                "INSERT INTO series (id, person_id, title, planned_sessions, interval_days, \
                 start_date, status, notes) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                params![
                    s.id,
                    s.person,
                    s.title,
                    s.planned_sessions,
                    s.interval_days,
                    s.start_date,
                    s.status,
                    s.notes
                ],
            )
            .map_err(|e| refuse("series", format!("{:?} cannot come back: {e}", s.title)))?;
            for term in &d.terms {
                tx.execute(
                    "INSERT INTO series_term (series_id, term_id) VALUES (?1, ?2)",
                    params![s.id, term],
                )?;
            }
            Ok(())
        })
    }

    /// Deletes a session with its grades and side effects; its photos stay in the series.
    pub fn delete_session(&mut self, id: SessionId) -> Result<DeletedSession> {
        let session = self.session(id)?;
        self.write(|tx| {
            let grades = all_rows(
                tx,
                &format!("SELECT {GRADE_COLUMNS} WHERE session_id = ?1 ORDER BY id"),
                [id],
                grade_from_row,
            )?;
            let side_effects = all_rows(
                tx,
                &format!(
                    "{SIDE_EFFECT_SQL} WHERE side_effect.session_id = ?1 ORDER BY side_effect.id"
                ),
                [id],
                side_effect_from_row,
            )?;
            let photos = all_rows(
                tx,
                "SELECT id FROM photo WHERE session_id = ?1 ORDER BY id",
                [id],
                |r| r.get(0),
            )?;
            tx.execute(
                "UPDATE photo SET session_id = NULL WHERE session_id = ?1",
                [id],
            )?;
            tx.execute("DELETE FROM session WHERE id = ?1", [id])?;
            Ok(DeletedSession {
                session: session.clone(),
                grades,
                side_effects,
                photos,
            })
        })
    }

    /// Puts a deleted session back with its grades, side effects and the photos that were in
    /// it (those still in its series).
    pub fn restore_session(&mut self, d: &DeletedSession) -> Result<()> {
        self.write(|tx| {
            insert_session(tx, &d.session)?;
            for g in &d.grades {
                insert_grade(tx, g)?;
            }
            for e in &d.side_effects {
                insert_side_effect(tx, e)?;
            }
            let mut stmt = tx.prepare_cached(
                "UPDATE photo SET session_id = ?2 WHERE id = ?1 AND series_id = ?3",
            )?;
            for photo in &d.photos {
                stmt.execute(params![photo, d.session.id, d.session.series])?;
            }
            Ok(())
        })
    }

    pub fn delete_grade(&mut self, id: GradeId) -> Result<GradeRecord> {
        self.write(|tx| {
            let grade = tx
                .query_row(
                    &format!("SELECT {GRADE_COLUMNS} WHERE id = ?1"),
                    [id],
                    grade_from_row,
                )
                .optional()?
                .ok_or(not_found("grade", id.0))?;
            tx.execute("DELETE FROM grade WHERE id = ?1", [id])?;
            Ok(grade)
        })
    }

    pub fn restore_grade(&mut self, g: &GradeRecord) -> Result<()> {
        self.write(|tx| insert_grade(tx, g))
    }

    pub fn delete_side_effect(&mut self, id: SideEffectId) -> Result<SideEffectRow> {
        self.write(|tx| {
            let effect = tx
                .query_row(
                    &format!("{SIDE_EFFECT_SQL} WHERE side_effect.id = ?1"),
                    [id],
                    side_effect_from_row,
                )
                .optional()?
                .ok_or(not_found("side effect", id.0))?;
            tx.execute("DELETE FROM side_effect WHERE id = ?1", [id])?;
            Ok(effect)
        })
    }

    pub fn restore_side_effect(&mut self, e: &SideEffectRow) -> Result<()> {
        self.write(|tx| insert_side_effect(tx, e))
    }

    /// Puts a person's contraindication of one kind back as it was (`None`: never noted).
    pub fn restore_contraindication(
        &mut self,
        person: PersonId,
        kind: Contraindication,
        row: Option<&ContraindicationRow>,
    ) -> Result<()> {
        self.write(|tx| {
            tx.execute(
                "DELETE FROM contraindication WHERE person_id = ?1 AND kind = ?2",
                params![person, kind],
            )?;
            if let Some(c) = row {
                tx.execute(
                    "INSERT INTO contraindication (person_id, kind, noted_on, resolved_on, notes) \
                     VALUES (?1, ?2, ?3, ?4, ?5)",
                    params![person, kind, c.noted_on, c.resolved_on, c.notes],
                )?;
            }
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue::{AssignmentSpec, NewGrade, NewSession};
    use crate::model::clinical::SideEffectKind;

    #[test]
    fn a_deleted_session_comes_back_with_its_grades_side_effects_and_photos() {
        let mut cat = crate::testing::catalogue();
        let spec = AssignmentSpec {
            person: Some("P".into()),
            series: Some("S".into()),
            session: chrono::NaiveDate::from_ymd_opt(2025, 1, 1),
            ..AssignmentSpec::default()
        };
        let photo = crate::catalogue::edit::tests::add_photo(&mut cat, "a", &spec);
        let session = cat.photo(photo).unwrap().session.unwrap();
        let series = cat.photo(photo).unwrap().series.unwrap();
        cat.update_session(
            session,
            &NewSession {
                device: "Dr. Pen".into(),
                needle_depth_mm: Some(1.0),
                ..NewSession::default()
            },
        )
        .unwrap();
        cat.add_grade(&NewGrade {
            session: Some(session),
            photo: Some(photo),
            scale: GradeScale::Gais,
            custom_name: None,
            value: Some(2.0),
            mmasi_regions: None,
            notes: "n".into(),
        })
        .unwrap();
        cat.add_side_effect(session, SideEffectKind::Redness, 2, 1, "")
            .unwrap();
        let before = (
            cat.sessions_of(series).unwrap(),
            cat.grades_of_series(series).unwrap(),
            cat.side_effects_of_series(series).unwrap(),
        );
        let deleted = cat.delete_session(session).unwrap();
        assert_eq!((deleted.grades.len(), deleted.side_effects.len()), (1, 1));
        assert_eq!(deleted.photos, vec![photo]);
        assert!(cat.sessions_of(series).unwrap().is_empty());
        assert_eq!(cat.photo(photo).unwrap().session, None);
        assert_eq!(cat.photo(photo).unwrap().series, Some(series), "kept");
        cat.restore_session(&deleted).unwrap();
        let after = (
            cat.sessions_of(series).unwrap(),
            cat.grades_of_series(series).unwrap(),
            cat.side_effects_of_series(series).unwrap(),
        );
        assert_eq!(after, before, "exactly as it was, ids included");
        assert_eq!(cat.photo(photo).unwrap().session, Some(session));
        if !crate::testing::sqlite_only("the integrity check") {
            assert!(cat.check_integrity().unwrap().is_empty());
        }
    }

    #[test]
    fn only_unused_people_terms_and_series_are_taken_out() {
        let mut cat = crate::testing::catalogue();
        let p = cat.add_person("P").unwrap();
        let s = cat.add_series(p, "S").unwrap();
        let err = cat.delete_person(p).unwrap_err().to_string();
        assert!(err.contains("has photos, series"), "{err}");
        let gone = cat.delete_series(s).unwrap();
        let person = cat.delete_person(p).unwrap();
        assert!(cat.people().unwrap().is_empty());
        cat.restore_person(&person).unwrap();
        cat.restore_series(&gone).unwrap();
        assert_eq!(cat.series_of(p).unwrap(), vec![gone.series]);
        let t = cat.add_term(VocabKind::Area, "Left ear").unwrap();
        let term = cat.delete_term(t).unwrap();
        cat.restore_term(&term).unwrap();
        assert_eq!(cat.terms(VocabKind::Area).unwrap().last(), Some(&term));
        let builtin = cat.terms(VocabKind::Area).unwrap()[0].id;
        assert!(cat.delete_term(builtin).is_err());
    }
}

//! Edits from the inspector: one photo or many at once, each edit one transaction.

use super::browse::require_photos;
use super::{Catalogue, CatalogueError, Result};
use crate::model::{Lighting, PersonId, PhotoId, SeriesId, SessionId, TermId, View};
use chrono::{FixedOffset, NaiveDateTime};
use rusqlite::types::ToSql;
use rusqlite::{OptionalExtension, params};

/// Adding or removing one area or concern.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TermChange {
    Add(TermId),
    Remove(TermId),
}

impl Catalogue {
    /// Runs `sql` (photo id as `?1`, then `values` as `?2`…) for every photo, after checking
    /// they all exist, in one transaction.
    fn update_photos(&mut self, ids: &[PhotoId], sql: &str, values: &[&dyn ToSql]) -> Result<()> {
        self.write(|tx| {
            require_photos(tx, ids)?;
            let mut stmt = tx.prepare_cached(sql)?;
            for id in ids {
                let mut params: Vec<&dyn ToSql> = vec![id];
                params.extend_from_slice(values);
                stmt.execute(params.as_slice())?;
            }
            Ok(())
        })
    }

    /// Sets the capture time by hand: no longer an estimate.
    pub fn set_taken_at(
        &mut self,
        ids: &[PhotoId],
        local: NaiveDateTime,
        offset: Option<FixedOffset>,
    ) -> Result<()> {
        let taken = crate::model::TakenAt::exact(local, offset);
        self.update_photos(
            ids,
            "UPDATE photo SET taken_at = ?2, taken_at_offset_min = ?3, taken_at_estimated = 0, taken_at_source = ?4 WHERE id = ?1",
            &[&taken.local_text(), &taken.offset_minutes(), &taken.source],
        )
    }

    pub fn set_view(&mut self, ids: &[PhotoId], view: Option<View>) -> Result<()> {
        self.update_photos(ids, "UPDATE photo SET view = ?2 WHERE id = ?1", &[&view])
    }

    pub fn set_lighting(&mut self, ids: &[PhotoId], lighting: Option<Lighting>) -> Result<()> {
        self.update_photos(
            ids,
            "UPDATE photo SET lighting = ?2 WHERE id = ?1",
            &[&lighting],
        )
    }

    pub fn change_term(&mut self, ids: &[PhotoId], change: TermChange) -> Result<()> {
        self.write(|tx| {
            require_photos(tx, ids)?;
            let sql = match change {
                TermChange::Add(_) => {
                    "INSERT OR IGNORE INTO photo_term (photo_id, term_id) VALUES (?1, ?2)"
                }
                TermChange::Remove(_) => {
                    "DELETE FROM photo_term WHERE photo_id = ?1 AND term_id = ?2"
                }
            };
            let (TermChange::Add(term) | TermChange::Remove(term)) = change;
            let known: bool = tx.query_row(
                "SELECT EXISTS (SELECT 1 FROM term WHERE id = ?1)",
                [term],
                |r| r.get(0),
            )?;
            if !known {
                return Err(CatalogueError::NotFound {
                    what: "term",
                    id: term.0,
                });
            }
            let mut stmt = tx.prepare_cached(sql)?;
            for id in ids {
                stmt.execute(params![id, term])?;
            }
            Ok(())
        })
    }

    /// Moves photos to a person, series and session. A session implies its series and a
    /// series its person; the combination must be consistent.
    pub fn assign(
        &mut self,
        ids: &[PhotoId],
        person: Option<PersonId>,
        series: Option<SeriesId>,
        session: Option<SessionId>,
    ) -> Result<()> {
        self.write(|tx| {
            require_photos(tx, ids)?;
            if session.is_some() && series.is_none() {
                return Err(CatalogueError::Invalid {
                    field: "session",
                    reason: "needs a series".into(),
                });
            }
            if series.is_some() && person.is_none() {
                return Err(CatalogueError::Invalid {
                    field: "series",
                    reason: "needs a person".into(),
                });
            }
            // A session must belong to the chosen series, the series to the chosen person.
            let owner_of = |sql: &str, id: i64| -> Result<Option<i64>> {
                Ok(tx.query_row(sql, [id], |r| r.get(0)).optional()?)
            };
            if let Some(session) = session
                && owner_of("SELECT series_id FROM session WHERE id = ?1", session.0)?
                    != series.map(|s| s.0)
            {
                return Err(CatalogueError::Invalid {
                    field: "session",
                    reason: "is not part of the chosen series".into(),
                });
            }
            if let Some(series) = series
                && owner_of("SELECT person_id FROM series WHERE id = ?1", series.0)?
                    != person.map(|p| p.0)
            {
                return Err(CatalogueError::Invalid {
                    field: "series",
                    reason: "belongs to another person".into(),
                });
            }
            if let Some(person) = person {
                let exists: bool = tx.query_row(
                    "SELECT EXISTS (SELECT 1 FROM person WHERE id = ?1)",
                    [person],
                    |r| r.get(0),
                )?;
                if !exists {
                    return Err(CatalogueError::NotFound {
                        what: "person",
                        id: person.0,
                    });
                }
            }
            let mut stmt = tx.prepare_cached(
                "UPDATE photo SET person_id = ?2, series_id = ?3, session_id = ?4 WHERE id = ?1",
            )?;
            for id in ids {
                stmt.execute(params![id, person, series, session])?;
            }
            Ok(())
        })
    }

    pub fn set_notes(&mut self, id: PhotoId, notes: &str) -> Result<()> {
        self.update_photos(
            &[id],
            "UPDATE photo SET notes = ?2 WHERE id = ?1",
            &[&notes],
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue::{AssignmentSpec, NewPhoto};
    use crate::model::{ContentHash, PhotoFormat, TakenAt, VocabKind};

    pub(crate) fn add_photo(cat: &mut Catalogue, seed: &str, spec: &AssignmentSpec) -> PhotoId {
        let a = cat.resolve_assignment(spec).unwrap();
        let new = NewPhoto {
            hash: ContentHash::of(seed.as_bytes()),
            format: PhotoFormat::Jpeg,
            original_name: format!("{seed}.jpg"),
            original_name_raw: None,
            file_size: 1,
            width: 1,
            height: 1,
            taken_at: TakenAt::exact(
                NaiveDateTime::parse_from_str("2025-01-01T10:00:00", "%Y-%m-%dT%H:%M:%S").unwrap(),
                None,
            ),
            camera: None,
            colour_profile: None,
            warnings: Vec::new(),
        };
        cat.claim_import(&new.hash, "t", "jpg").unwrap();
        cat.finish_import(&new, &a, "t", || {}).unwrap()
    }

    #[test]
    fn bulk_edits_change_every_selected_photo() {
        let mut cat = Catalogue::open_in_memory().unwrap();
        let spec = AssignmentSpec {
            person: Some("P".into()),
            series: Some("S".into()),
            ..Default::default()
        };
        let ids = [
            add_photo(&mut cat, "a", &spec),
            add_photo(&mut cat, "b", &spec),
        ];
        let chin = cat
            .terms(VocabKind::Area)
            .unwrap()
            .into_iter()
            .find(|t| t.key == "chin")
            .unwrap()
            .id;
        cat.change_term(&ids, TermChange::Add(chin)).unwrap();
        cat.set_view(&ids, Some(View::Frontal)).unwrap();
        for id in ids {
            let d = cat.photo_details(id).unwrap();
            assert_eq!(d.areas, vec![chin]);
            assert_eq!(d.photo.view, Some(View::Frontal));
        }
        cat.change_term(&ids[..1], TermChange::Remove(chin))
            .unwrap();
        assert!(cat.photo_details(ids[0]).unwrap().areas.is_empty());
        assert!(matches!(
            cat.set_view(&[PhotoId(99)], None),
            Err(CatalogueError::NotFound { .. })
        ));
    }

    #[test]
    fn selection_summary_says_what_is_common_and_what_is_mixed() {
        use crate::catalogue::Common;
        let mut cat = Catalogue::open_in_memory().unwrap();
        let spec = AssignmentSpec {
            person: Some("P".into()),
            ..Default::default()
        };
        let ids = [
            add_photo(&mut cat, "a", &spec),
            add_photo(&mut cat, "b", &spec),
            add_photo(&mut cat, "c", &spec),
        ];
        cat.set_view(&ids[..1], Some(View::Frontal)).unwrap();
        let chin = cat
            .terms(VocabKind::Area)
            .unwrap()
            .into_iter()
            .find(|t| t.key == "chin")
            .unwrap()
            .id;
        cat.change_term(&ids[1..], TermChange::Add(chin)).unwrap();
        let s = cat.selection_summary(&ids).unwrap();
        assert_eq!(s.count, 3);
        assert_eq!(s.view, Common::Mixed, "one frontal, two unset");
        assert_eq!(s.lighting, Common::Same(None));
        assert!(matches!(s.person, Common::Same(Some(_))));
        assert_eq!(s.terms.get(&chin), Some(&2));
        let one = cat.selection_summary(&ids[..1]).unwrap();
        assert_eq!(one.view, Common::Same(Some(View::Frontal)));
    }

    #[test]
    fn assignment_must_be_consistent() {
        let mut cat = Catalogue::open_in_memory().unwrap();
        let a = cat
            .resolve_assignment(&AssignmentSpec {
                person: Some("A".into()),
                series: Some("S".into()),
                session: chrono::NaiveDate::from_ymd_opt(2025, 1, 1),
                ..Default::default()
            })
            .unwrap();
        let b = cat.add_person("B").unwrap();
        let id = add_photo(&mut cat, "x", &AssignmentSpec::default());
        assert!(cat.assign(&[id], Some(b), a.series, None).is_err());
        assert!(cat.assign(&[id], a.person, None, a.session).is_err());
        cat.assign(&[id], a.person, a.series, a.session).unwrap();
        let d = cat.photo_details(id).unwrap();
        assert_eq!(d.person_name.as_deref(), Some("A"));
        assert_eq!(d.series_title.as_deref(), Some("S"));
        assert_eq!(d.session_date, chrono::NaiveDate::from_ymd_opt(2025, 1, 1));
    }
}

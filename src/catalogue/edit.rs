//! Edits from the inspector: one photo or many at once, each edit one transaction that
//! returns what it overwrote, so the app can undo it.

use super::browse::require_photos;
use super::db::Conn;
use super::photos::get_photo;
use super::{Catalogue, CatalogueError, Result};
use crate::model::{Lighting, PersonId, PhotoId, SeriesId, SessionId, TakenAt, TermId, View};
use chrono::{FixedOffset, NaiveDateTime, TimeDelta};
use rusqlite::{OptionalExtension, params};

/// Adding or removing one area or concern.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TermChange {
    Add(TermId),
    Remove(TermId),
}

impl TermChange {
    pub fn term(self) -> TermId {
        let (Self::Add(term) | Self::Remove(term)) = self;
        term
    }

    /// The change that takes this one back.
    #[must_use]
    pub fn reversed(self) -> Self {
        match self {
            Self::Add(t) => Self::Remove(t),
            Self::Remove(t) => Self::Add(t),
        }
    }
}

/// One editable field of a photo with its value: what an edit sets, and what it overwrote.
#[derive(Clone, Debug, PartialEq)]
pub enum PhotoValue {
    TakenAt(TakenAt),
    View(Option<View>),
    Lighting(Option<Lighting>),
    Notes(String),
    /// Person, series and session together (a session implies its series, a series its
    /// person).
    Assignment {
        person: Option<PersonId>,
        series: Option<SeriesId>,
        session: Option<SessionId>,
    },
}

/// Photos and a value of each.
pub type PhotoValues = Vec<(PhotoId, PhotoValue)>;

/// How to change when photos were taken.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TakenAtChange {
    /// Every photo to this local time; with no offset given, each photo keeps its own time
    /// zone. The time is no longer an estimate.
    Set {
        local: NaiveDateTime,
        offset: Option<FixedOffset>,
    },
    /// Every photo by the same amount, each in its own time zone (a camera clock that was
    /// off). An estimate stays an estimate.
    Shift(TimeDelta),
}

impl TakenAtChange {
    /// The time `before` becomes.
    pub fn apply(self, before: TakenAt) -> Option<TakenAt> {
        match self {
            Self::Set { local, offset } => Some(TakenAt::exact(local, offset.or(before.offset))),
            Self::Shift(delta) => Some(TakenAt {
                local: before.local.checked_add_signed(delta)?,
                ..before
            }),
        }
    }
}

/// The value of the same field as `like`, as `photo` has it now.
fn value_of(conn: &Conn, photo: PhotoId, like: &PhotoValue) -> Result<PhotoValue> {
    let p = get_photo(conn, photo)?;
    Ok(match like {
        PhotoValue::TakenAt(_) => PhotoValue::TakenAt(p.taken_at),
        PhotoValue::View(_) => PhotoValue::View(p.view),
        PhotoValue::Lighting(_) => PhotoValue::Lighting(p.lighting),
        PhotoValue::Notes(_) => PhotoValue::Notes(p.notes),
        PhotoValue::Assignment { .. } => PhotoValue::Assignment {
            person: p.person,
            series: p.series,
            session: p.session,
        },
    })
}

fn write_value(conn: &Conn, photo: PhotoId, value: &PhotoValue) -> Result<()> {
    match value {
        PhotoValue::TakenAt(t) => conn.execute(
            "UPDATE photo SET taken_at = ?2, taken_at_offset_min = ?3, taken_at_estimated = ?4, \
             taken_at_source = ?5 WHERE id = ?1",
            params![
                photo,
                t.local_text(),
                t.offset_minutes(),
                t.estimated,
                t.source
            ],
        ),
        PhotoValue::View(v) => conn.execute(
            "UPDATE photo SET view = ?2 WHERE id = ?1",
            params![photo, v],
        ),
        PhotoValue::Lighting(l) => conn.execute(
            "UPDATE photo SET lighting = ?2 WHERE id = ?1",
            params![photo, l],
        ),
        PhotoValue::Notes(n) => conn.execute(
            "UPDATE photo SET notes = ?2 WHERE id = ?1",
            params![photo, n],
        ),
        PhotoValue::Assignment {
            person,
            series,
            session,
        } => {
            check_assignment(conn, *person, *series, *session)?;
            conn.execute(
                "UPDATE photo SET person_id = ?2, series_id = ?3, session_id = ?4 WHERE id = ?1",
                params![photo, person, series, session],
            )
        }
    }?;
    Ok(())
}

/// A session must belong to the chosen series, the series to the chosen person.
fn check_assignment(
    conn: &Conn,
    person: Option<PersonId>,
    series: Option<SeriesId>,
    session: Option<SessionId>,
) -> Result<()> {
    let invalid = |field, reason: &str| CatalogueError::Invalid {
        field,
        reason: reason.into(),
    };
    if session.is_some() && series.is_none() {
        return Err(invalid("session", "needs a series"));
    }
    if series.is_some() && person.is_none() {
        return Err(invalid("series", "needs a person"));
    }
    let owner_of = |sql: &str, id: i64| -> Result<Option<i64>> {
        Ok(conn.query_row(sql, [id], |r| r.get(0)).optional()?)
    };
    if let Some(session) = session
        && owner_of("SELECT series_id FROM session WHERE id = ?1", session.0)?
            != series.map(|s| s.0)
    {
        return Err(invalid("session", "is not part of the chosen series"));
    }
    if let Some(series) = series
        && owner_of("SELECT person_id FROM series WHERE id = ?1", series.0)? != person.map(|p| p.0)
    {
        return Err(invalid("series", "belongs to another person"));
    }
    if let Some(person) = person
        && owner_of("SELECT id FROM person WHERE id = ?1", person.0)?.is_none()
    {
        return Err(CatalogueError::NotFound {
            what: "person",
            id: person.0,
        });
    }
    Ok(())
}

impl Catalogue {
    /// Gives each photo its value, in one transaction; returns the values they had before
    /// (the same fields, in the same order), which undo the change.
    pub fn set_photo_values(&mut self, values: &[(PhotoId, PhotoValue)]) -> Result<PhotoValues> {
        self.write(|tx| {
            let mut before = Vec::with_capacity(values.len());
            for (photo, value) in values {
                before.push((*photo, value_of(tx, *photo, value)?));
                write_value(tx, *photo, value)?;
            }
            Ok(before)
        })
    }

    /// Sets one value on every photo in `ids`; returns what each had before.
    pub fn set_photos(&mut self, ids: &[PhotoId], value: &PhotoValue) -> Result<PhotoValues> {
        let values: PhotoValues = ids.iter().map(|id| (*id, value.clone())).collect();
        self.set_photo_values(&values)
    }

    /// Changes when photos were taken (by hand); returns their times before.
    pub fn change_taken_at(
        &mut self,
        ids: &[PhotoId],
        change: TakenAtChange,
    ) -> Result<PhotoValues> {
        self.write(|tx| {
            let mut before = Vec::with_capacity(ids.len());
            for id in ids {
                let was = get_photo(tx, *id)?.taken_at;
                let now = change.apply(was).ok_or_else(|| CatalogueError::Invalid {
                    field: "taken at",
                    reason: format!("photo {id} would leave the calendar"),
                })?;
                write_value(tx, *id, &PhotoValue::TakenAt(now))?;
                before.push((*id, PhotoValue::TakenAt(was)));
            }
            Ok(before)
        })
    }

    /// Adds or removes a term on every photo; returns the photos it changed (those that did
    /// not have it, or did).
    pub fn change_term(&mut self, ids: &[PhotoId], change: TermChange) -> Result<Vec<PhotoId>> {
        self.write(|tx| {
            require_photos(tx, ids)?;
            let sql = match change {
                TermChange::Add(_) => {
                    "INSERT INTO photo_term (photo_id, term_id) VALUES (?1, ?2) ON CONFLICT DO NOTHING"
                }
                TermChange::Remove(_) => {
                    "DELETE FROM photo_term WHERE photo_id = ?1 AND term_id = ?2"
                }
            };
            let term = change.term();
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
            let mut changed = Vec::new();
            for id in ids {
                if stmt.execute(params![id, term])? > 0 {
                    changed.push(*id);
                }
            }
            Ok(changed)
        })
    }
}

#[cfg(test)]
pub(super) mod tests {
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
        let mut cat = crate::testing::catalogue();
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
        cat.set_photos(&ids, &PhotoValue::View(Some(View::Frontal)))
            .unwrap();
        for id in ids {
            let d = cat.photo_details(id).unwrap();
            assert_eq!(d.areas, vec![chin]);
            assert_eq!(d.photo.view, Some(View::Frontal));
        }
        cat.change_term(&ids[..1], TermChange::Remove(chin))
            .unwrap();
        assert!(cat.photo_details(ids[0]).unwrap().areas.is_empty());
        assert!(matches!(
            cat.set_photos(&[PhotoId(99)], &PhotoValue::View(None)),
            Err(CatalogueError::NotFound { .. })
        ));
    }

    #[test]
    fn selection_summary_says_what_is_common_and_what_is_mixed() {
        use crate::catalogue::Common;
        let mut cat = crate::testing::catalogue();
        let spec = AssignmentSpec {
            person: Some("P".into()),
            ..Default::default()
        };
        let ids = [
            add_photo(&mut cat, "a", &spec),
            add_photo(&mut cat, "b", &spec),
            add_photo(&mut cat, "c", &spec),
        ];
        cat.set_photos(&ids[..1], &PhotoValue::View(Some(View::Frontal)))
            .unwrap();
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
        let mut cat = crate::testing::catalogue();
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
        let assign = |person, series, session| PhotoValue::Assignment {
            person,
            series,
            session,
        };
        assert!(
            cat.set_photos(&[id], &assign(Some(b), a.series, None))
                .is_err()
        );
        assert!(
            cat.set_photos(&[id], &assign(a.person, None, a.session))
                .is_err()
        );
        cat.set_photos(&[id], &assign(a.person, a.series, a.session))
            .unwrap();
        let d = cat.photo_details(id).unwrap();
        assert_eq!(d.person_name.as_deref(), Some("A"));
        assert_eq!(d.series_title.as_deref(), Some("S"));
        assert_eq!(d.session_date, chrono::NaiveDate::from_ymd_opt(2025, 1, 1));
    }

    #[test]
    fn edits_return_what_they_overwrote_so_it_can_be_put_back() {
        let mut cat = crate::testing::catalogue();
        let spec = AssignmentSpec::default();
        let ids = [
            add_photo(&mut cat, "a", &spec),
            add_photo(&mut cat, "b", &spec),
        ];
        let plus_two = FixedOffset::east_opt(7200).unwrap();
        let at = |h| {
            chrono::NaiveDate::from_ymd_opt(2025, 3, 1)
                .unwrap()
                .and_hms_opt(h, 0, 0)
                .unwrap()
        };
        // Two photos at different times, one with a time zone and estimated.
        cat.set_photo_values(&[
            (ids[0], PhotoValue::TakenAt(TakenAt::exact(at(9), None))),
            (
                ids[1],
                PhotoValue::TakenAt(TakenAt {
                    local: at(11),
                    offset: Some(plus_two),
                    estimated: true,
                    source: crate::model::TimeSource::FileModified,
                }),
            ),
        ])
        .unwrap();
        let taken = |cat: &mut Catalogue, id| cat.photo(id).unwrap().taken_at;
        // Shift by an hour: each keeps its zone and the estimate stays one.
        let before = cat
            .change_taken_at(&ids, TakenAtChange::Shift(TimeDelta::hours(1)))
            .unwrap();
        assert_eq!(taken(&mut cat, ids[0]).local, at(10));
        let second = taken(&mut cat, ids[1]);
        assert_eq!(
            (second.local, second.offset, second.estimated),
            (at(12), Some(plus_two), true)
        );
        // Set one time without a zone: the zone of each photo is kept; no longer estimated.
        cat.change_taken_at(
            &ids,
            TakenAtChange::Set {
                local: at(8),
                offset: None,
            },
        )
        .unwrap();
        let second = taken(&mut cat, ids[1]);
        assert_eq!(
            (second.local, second.offset, second.estimated),
            (at(8), Some(plus_two), false)
        );
        assert_eq!(taken(&mut cat, ids[0]).offset, None);
        // Putting back the first change's "before" restores the originals exactly.
        cat.set_photo_values(&before).unwrap();
        assert_eq!(taken(&mut cat, ids[0]), TakenAt::exact(at(9), None));
        assert!(taken(&mut cat, ids[1]).estimated);
        // Tags: only the photos that changed are reported.
        let chin = cat.terms(VocabKind::Area).unwrap()[0].id;
        cat.change_term(&ids[..1], TermChange::Add(chin)).unwrap();
        assert_eq!(
            cat.change_term(&ids, TermChange::Add(chin)).unwrap(),
            vec![ids[1]]
        );
        // A failing edit changes nothing.
        assert!(
            cat.set_photo_values(&[
                (ids[0], PhotoValue::Notes("kept?".into())),
                (PhotoId(99), PhotoValue::Notes("x".into())),
            ])
            .is_err()
        );
        assert_eq!(cat.photo(ids[0]).unwrap().notes, "");
    }
}

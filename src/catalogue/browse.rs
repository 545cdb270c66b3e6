//! What the app's browser reads: filtered photo lists for the grid, and one photo's details.

use super::db::Conn;
use super::{Catalogue, CatalogueError, Result};
use crate::model::{
    Lighting, PersonId, Photo, PhotoId, SeriesId, SessionId, TakenAt, TermId, View,
};
use chrono::NaiveDate;
use rusqlite::ToSql;
use rusqlite::types::Value;

/// Which photos the grid shows. Every field narrows; the default is every photo not in the
/// trash.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PhotoFilter {
    pub person: Option<PersonId>,
    pub series: Option<SeriesId>,
    pub area: Option<TermId>,
    pub concern: Option<TermId>,
    pub view: Option<View>,
    pub lighting: Option<Lighting>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    /// Show the trash instead of the library.
    pub trashed: bool,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum SortOrder {
    #[default]
    NewestFirst,
    OldestFirst,
}

/// `Same(value)` when a field has at most one distinct value over a set of photos.
fn common<T>(distinct: usize, value: T) -> Common<T> {
    if distinct > 1 {
        Common::Mixed
    } else {
        Common::Same(value)
    }
}

/// One field over a set of photos: the same for all, or mixed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Common<T> {
    Same(T),
    Mixed,
}

impl<T: PartialEq> Common<T> {
    /// The value all of `values` share, or Mixed (Mixed too when there are none).
    pub fn of(values: impl IntoIterator<Item = T>) -> Self {
        let mut values = values.into_iter();
        let Some(first) = values.next() else {
            return Self::Mixed;
        };
        if values.all(|v| v == first) {
            Self::Same(first)
        } else {
            Self::Mixed
        }
    }
}

/// What a multi-selection has in common, for bulk editing in the inspector.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SelectionSummary {
    pub count: usize,
    pub view: Common<Option<View>>,
    pub lighting: Common<Option<Lighting>>,
    pub person: Common<Option<PersonId>>,
    pub series: Common<Option<SeriesId>>,
    pub session: Common<Option<SessionId>>,
    /// How many of the photos carry each area or concern.
    pub terms: std::collections::HashMap<TermId, usize>,
    pub taken: TakenSpan,
}

/// When a set of photos was taken: how many different times (with their time zones), the
/// earliest and the latest (local times).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TakenSpan {
    pub distinct: usize,
    pub earliest: chrono::NaiveDateTime,
    pub latest: chrono::NaiveDateTime,
}

impl TakenSpan {
    /// The photos were taken at different times.
    pub fn is_mixed(&self) -> bool {
        self.distinct > 1
    }
}

/// A photo with its tags and the names of what it belongs to, for the inspector.
#[derive(Clone, Debug, PartialEq)]
pub struct PhotoDetails {
    pub photo: Photo,
    pub areas: Vec<TermId>,
    pub concerns: Vec<TermId>,
    pub person_name: Option<String>,
    pub series_title: Option<String>,
    pub session_date: Option<NaiveDate>,
    /// What went wrong reading the file when it was imported (damaged data, broken EXIF).
    pub warnings: Vec<String>,
    /// Originals kept beside the shown one (the RAW of a RAW+JPEG pair).
    pub companions: Vec<super::Companion>,
}

impl PhotoDetails {
    /// The photo's original files by name, the shown one first: `IMG_0001.JPG (shown),
    /// IMG_0001.CR2` (None for a photo with one original).
    pub fn originals_text(&self) -> Option<String> {
        if self.companions.is_empty() {
            return None;
        }
        let mut names = vec![format!("{} (shown)", self.photo.original_name)];
        names.extend(self.companions.iter().map(|c| c.original_name.clone()));
        Some(names.join(", "))
    }
}

const COUNTS_BY_PERSON_SQL: &str = "SELECT person_id, count(*) FROM photo WHERE trashed_at IS NULL AND person_id IS NOT NULL GROUP BY person_id";
const SELECTION_TERMS_SQL: &str = "SELECT term_id, count(*) FROM photo_term \
     WHERE photo_id IN (SELECT value FROM json_each(?1)) GROUP BY term_id";
/// For each field: how many distinct values (NULL counting as one) and the value if only one.
const SELECTION_COMMON_SQL: &str = "SELECT count(*), \
     count(DISTINCT coalesce(view, '')), max(view), \
     count(DISTINCT coalesce(lighting, '')), max(lighting), \
     count(DISTINCT coalesce(person_id, 0)), max(person_id), \
     count(DISTINCT coalesce(series_id, 0)), max(series_id), \
     count(DISTINCT coalesce(session_id, 0)), max(session_id), \
     count(DISTINCT taken_at || '|' || coalesce(CAST(taken_at_offset_min AS TEXT), '')), min(taken_at), max(taken_at) \
     FROM photo WHERE id IN (SELECT value FROM json_each(?1))";

/// The `WHERE` clause and parameters of a filter. Every condition can use an index:
/// person and series by their `(…, taken_at)` indexes, tags through `photo_term_by_term`.
pub(super) fn filter_sql(filter: &PhotoFilter) -> (String, Vec<Value>) {
    let mut conditions = vec![
        if filter.trashed {
            "photo.trashed_at IS NOT NULL"
        } else {
            "photo.trashed_at IS NULL"
        }
        .to_owned(),
    ];
    let mut values = Vec::new();
    let mut add = |condition: &str, value: Value| {
        conditions.push(condition.replace('?', &format!("?{}", values.len() + 1)));
        values.push(value);
    };
    if let Some(p) = filter.person {
        add("photo.person_id = ?", Value::Integer(p.0));
    }
    if let Some(s) = filter.series {
        add("photo.series_id = ?", Value::Integer(s.0));
    }
    for term in [filter.area, filter.concern].into_iter().flatten() {
        add(
            "photo.id IN (SELECT photo_id FROM photo_term WHERE term_id = ?)",
            Value::Integer(term.0),
        );
    }
    if let Some(v) = filter.view {
        add(
            "photo.view = ?",
            Value::Text(crate::model::Keyed::key(v).into()),
        );
    }
    if let Some(l) = filter.lighting {
        add(
            "photo.lighting = ?",
            Value::Text(crate::model::Keyed::key(l).into()),
        );
    }
    if let Some(from) = filter.from {
        add(
            "photo.taken_at >= ?",
            Value::Text(format!("{from}T00:00:00")),
        );
    }
    if let Some(to) = filter.to {
        add("photo.taken_at <= ?", Value::Text(format!("{to}T23:59:59")));
    }
    (conditions.join(" AND "), values)
}

/// Values as the parameter list of one statement.
pub(super) fn as_params(values: &[Value]) -> Vec<&dyn ToSql> {
    values.iter().map(|v| v as &dyn ToSql).collect()
}

impl Catalogue {
    /// `EXPLAIN QUERY PLAN` of every query the app's browser runs (the grid under each kind
    /// of filter, and the lists and counts around it), by name, so a test can check that each
    /// is served by an index.
    pub fn ui_query_plans(&self) -> Result<Vec<(String, Vec<String>)>> {
        use crate::model::{PersonId as P, SeriesId as S};
        let some_date = NaiveDate::from_ymd_opt(2025, 1, 1);
        let filters = [
            ("all photos", PhotoFilter::default()),
            (
                "person",
                PhotoFilter {
                    person: Some(P(1)),
                    ..PhotoFilter::default()
                },
            ),
            (
                "series",
                PhotoFilter {
                    series: Some(S(1)),
                    ..PhotoFilter::default()
                },
            ),
            (
                "area",
                PhotoFilter {
                    area: Some(TermId(1)),
                    ..PhotoFilter::default()
                },
            ),
            (
                "concern",
                PhotoFilter {
                    concern: Some(TermId(1)),
                    ..PhotoFilter::default()
                },
            ),
            (
                "person + area + concern",
                PhotoFilter {
                    person: Some(P(1)),
                    area: Some(TermId(1)),
                    concern: Some(TermId(2)),
                    ..PhotoFilter::default()
                },
            ),
            (
                "view + lighting",
                PhotoFilter {
                    view: Some(View::Frontal),
                    lighting: Some(Lighting::Uv),
                    ..PhotoFilter::default()
                },
            ),
            (
                "date range",
                PhotoFilter {
                    from: some_date,
                    to: some_date,
                    ..PhotoFilter::default()
                },
            ),
            (
                "trash",
                PhotoFilter {
                    trashed: true,
                    ..PhotoFilter::default()
                },
            ),
        ];
        let mut plans = Vec::new();
        for (name, filter) in filters {
            plans.push((format!("grid: {name}"), self.explain_grid(&filter)?));
            plans.push((format!("count: {name}"), self.explain_grid_count(&filter)?));
        }
        for (name, sql) in [
            ("photo counts by person", COUNTS_BY_PERSON_SQL),
            ("tags of a selection", SELECTION_TERMS_SQL),
            ("what a selection has in common", SELECTION_COMMON_SQL),
            ("people", super::people::PEOPLE_SQL),
            ("counts", super::photos::COUNTS_SQL),
            ("trash count", super::trash::TRASH_COUNT_SQL),
            (
                "protocols of a page's sessions",
                super::protocol::PROTOCOLS_SQL,
            ),
            ("series of a person", super::series::SERIES_OF_SQL),
            ("sessions of a series", super::series::SESSIONS_OF_SQL),
            (
                "areas of a series' photos",
                super::compare::SERIES_AREAS_SQL,
            ),
        ] {
            plans.push((name.to_owned(), self.explain(&sql.replace("?1", "1"))?));
        }
        let series_photos = format!("SELECT id FROM photo {}", super::compare::SERIES_PHOTOS_SQL);
        plans.push((
            "photos of a series".to_owned(),
            self.explain(&series_photos.replace("?1", "1"))?,
        ));
        Ok(plans)
    }

    /// Everything the inspector shows about one photo.
    pub fn photo_details(&mut self, id: PhotoId) -> Result<PhotoDetails> {
        let photo = self.photo(id)?;
        self.audited_read(|tx| {
            super::audit::view_photo(tx, id)?;
            let mut stmt = tx.prepare_cached(
                "SELECT term.id, term.kind FROM photo_term JOIN term ON term.id = photo_term.term_id
                 WHERE photo_term.photo_id = ?1 ORDER BY term.builtin DESC, term.id",
            )?;
            let mut rows = stmt.query([id])?;
            let (mut areas, mut concerns) = (Vec::new(), Vec::new());
            while let Some(row) = rows.next()? {
                let term: TermId = row.get(0)?;
                if row.get_ref(1)?.as_str().map_err(rusqlite::Error::from)? == "area" {
                    areas.push(term);
                } else {
                    concerns.push(term);
                }
            }
            let name = |sql: &str, id: Option<i64>| -> Result<Option<String>> {
                let Some(id) = id else { return Ok(None) };
                Ok(Some(tx.query_row(sql, [id], |r| r.get(0))?))
            };
            let person_name = name(
                "SELECT name FROM person WHERE id = ?1",
                photo.person.map(|p| p.0),
            )?;
            let series_title = name(
                "SELECT title FROM series WHERE id = ?1",
                photo.series.map(|s| s.0),
            )?;
            let session_date = match photo.session {
                Some(s) => {
                    Some(tx.query_row("SELECT date FROM session WHERE id = ?1", [s], |r| r.get(0))?)
                }
                None => None,
            };
            let warnings = super::all_rows(
                tx,
                "SELECT text FROM photo_warning WHERE photo_id = ?1 ORDER BY n",
                [id],
                |r| r.get(0),
            )?;
            Ok(PhotoDetails {
                photo,
                areas,
                concerns,
                person_name,
                series_title,
                session_date,
                warnings,
                companions: Vec::new(),
            })
        })
        .and_then(|mut details| {
            details.companions = self.companions(id)?;
            Ok(details)
        })
    }

    /// What a set of photos has in common, in two queries however many there are.
    pub fn selection_summary(&mut self, ids: &[PhotoId]) -> Result<SelectionSummary> {
        let list = serde_json::to_string(&ids.iter().map(|id| id.0).collect::<Vec<_>>())
            .expect("a list of integers serialises");
        self.read(|tx| {
            let mut stmt = tx.prepare_cached(SELECTION_TERMS_SQL)?;
            let terms = stmt
                .query_map([&list], |r| {
                    Ok((r.get::<_, TermId>(0)?, r.get::<_, usize>(1)?))
                })?
                .collect::<rusqlite::Result<_>>()?;
            let summary = tx.query_row(SELECTION_COMMON_SQL, [&list], |r| {
                let time = |i: usize| -> rusqlite::Result<chrono::NaiveDateTime> {
                    let text: String = r.get(i)?;
                    TakenAt::parse_local_text(&text).ok_or_else(|| {
                        rusqlite::Error::FromSqlConversionFailure(
                            i,
                            rusqlite::types::Type::Text,
                            format!("bad taken_at {text:?}").into(),
                        )
                    })
                };
                Ok(SelectionSummary {
                    taken: TakenSpan {
                        distinct: r.get(11)?,
                        earliest: time(12)?,
                        latest: time(13)?,
                    },
                    count: r.get(0)?,
                    view: common(r.get(1)?, r.get(2)?),
                    lighting: common(r.get(3)?, r.get(4)?),
                    person: common(r.get(5)?, r.get(6)?),
                    series: common(r.get(7)?, r.get(8)?),
                    session: common(r.get(9)?, r.get(10)?),
                    terms,
                })
            })?;
            Ok(summary)
        })
    }

    /// How many photos each person has (not trashed), for the people list.
    pub fn photo_counts_by_person(&mut self) -> Result<std::collections::HashMap<PersonId, usize>> {
        self.read(|tx| {
            let mut stmt = tx.prepare_cached(COUNTS_BY_PERSON_SQL)?;
            let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
    }
}

/// Checks that every id exists (and is a photo), so an edit of a stale selection fails loudly.
pub(super) fn require_photos(conn: &Conn, ids: &[PhotoId]) -> Result<()> {
    let mut stmt = conn.prepare_cached("SELECT 1 FROM photo WHERE id = ?1")?;
    for id in ids {
        if !stmt.exists([id])? {
            return Err(CatalogueError::NotFound {
                what: "photo",
                id: id.0,
            });
        }
    }
    Ok(())
}

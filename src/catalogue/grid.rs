//! The grid's photos, read a page at a time: keyset pages in capture order (`taken_at`, then
//! id: the order of the time indexes), so the first page of a million photos costs what a
//! page of a hundred does, and every later page starts where the previous one stopped.

use super::browse::{PhotoFilter, SortOrder, as_params, filter_sql};
use super::db::Conn;
use super::{Catalogue, Result};
use crate::model::{ContentHash, PersonId, PhotoId, SeriesId, SessionId, TakenAt, View};
use chrono::NaiveDate;
use rusqlite::types::Value;
use std::cmp::Ordering;

/// One grid cell: just what drawing and grouping need.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GridItem {
    pub id: PhotoId,
    pub hash: ContentHash,
    pub taken_at: TakenAt,
    /// The date heading the photo is grouped under: its session's date when it has one,
    /// else the day it was taken.
    pub group_date: NaiveDate,
    pub person: Option<PersonId>,
    pub series: Option<SeriesId>,
    pub session: Option<SessionId>,
    pub view: Option<View>,
    pub width: u32,
    pub height: u32,
}

impl GridItem {
    /// The grid's display order: under date headings (a session's date, else the day taken)
    /// in `order`, then by person and session; within a session the views in clinical order
    /// (frontal, left 45°, right 45°, profiles, close-up). A stable sort by this of photos read
    /// in capture order (newest first for "newest first") is the grid.
    pub fn display_cmp(a: &Self, b: &Self, order: SortOrder) -> Ordering {
        let date = match order {
            SortOrder::NewestFirst => b.group_date.cmp(&a.group_date),
            SortOrder::OldestFirst => a.group_date.cmp(&b.group_date),
        };
        date.then(a.person.cmp(&b.person))
            .then(a.session.cmp(&b.session))
            .then(View::rank(a.view).cmp(&View::rank(b.view)))
    }
}

/// Where the next page of a grid starts: just after this photo in capture order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GridCursor {
    /// As stored (local time text): compared as the index compares it.
    taken_at: String,
    id: PhotoId,
}

/// What the grid shows: its photos in order, and what it says about their sessions.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct GridPage {
    pub items: Vec<GridItem>,
    pub sessions: std::collections::HashMap<SessionId, super::SessionFacts>,
    /// Where the next page starts; `None` when this page reached the last photo.
    pub next: Option<GridCursor>,
}

impl GridPage {
    /// Adds the page that follows (read with this page's `next`): the photos in the order
    /// they would have had had both pages been read as one.
    pub fn append(&mut self, page: Self, order: SortOrder) {
        let fits_after = match (self.items.last(), page.items.first()) {
            (Some(last), Some(first)) => GridItem::display_cmp(last, first, order).is_le(),
            _ => true,
        };
        self.items.extend(page.items);
        if !fits_after {
            // A photo of the new page belongs among those shown (its session is dated
            // after the day it was taken): one merge of two sorted runs.
            self.items
                .sort_by(|a, b| GridItem::display_cmp(a, b, order));
        }
        self.sessions.extend(page.sessions);
        self.next = page.next;
    }
}

/// The grid query for a filter in `order`, starting after `after`, at most `limit` rows
/// (exposed so a test can check its plan uses indexes). Rows come in capture order, newest
/// first for "newest first".
pub(super) fn grid_sql(
    filter: &PhotoFilter,
    order: SortOrder,
    after: Option<&GridCursor>,
    limit: Option<usize>,
) -> (String, Vec<Value>) {
    let (mut condition, mut values) = filter_sql(filter);
    let (direction, beyond) = match order {
        SortOrder::NewestFirst => (" DESC", "<"),
        SortOrder::OldestFirst => ("", ">"),
    };
    if let Some(cursor) = after {
        // Row-value comparison spelled out, so any index on `taken_at` serves it.
        let (time, id) = (values.len() + 1, values.len() + 2);
        condition = format!(
            "{condition} AND photo.taken_at {beyond}= ?{time} \
             AND (photo.taken_at {beyond} ?{time} OR photo.id {beyond} ?{id})"
        );
        values.push(Value::Text(cursor.taken_at.clone()));
        values.push(Value::Integer(cursor.id.0));
    }
    let limit = limit.map_or(String::new(), |n| format!(" LIMIT {n}"));
    let sql = format!(
        "SELECT photo.id, photo.hash, photo.taken_at, photo.taken_at_offset_min, photo.taken_at_estimated,
                photo.person_id, photo.session_id, photo.width, photo.height, session.date,
                photo.series_id, photo.view, photo.taken_at_source
         FROM photo LEFT JOIN session ON session.id = photo.session_id
         WHERE {condition} ORDER BY {plus}photo.taken_at{direction}, photo.id{direction}{limit}",
        // The trash is small: find it by its partial index and sort it, rather than walking
        // the whole library in time order.
        plus = if filter.trashed { "+" } else { "" }
    );
    (sql, values)
}

/// How many photos a filter matches. "All photos" is every photo less the trash: two counts
/// an index answers, where counting the rows not in the trash would read the whole table.
pub(super) fn count_sql(filter: &PhotoFilter) -> (String, Vec<Value>) {
    if *filter == PhotoFilter::default() {
        return (super::photos::COUNT_NOT_TRASHED_SQL.to_owned(), Vec::new());
    }
    let (condition, values) = filter_sql(filter);
    (
        format!("SELECT count(*) FROM photo WHERE {condition}"),
        values,
    )
}

/// One grid row, and its `taken_at` as stored.
fn grid_row(row: &super::db::Row<'_>) -> rusqlite::Result<(GridItem, String)> {
    let text: String = row.get(2)?;
    let local = TakenAt::parse_local_text(&text).ok_or_else(|| {
        rusqlite::Error::FromSqlConversionFailure(
            2,
            rusqlite::types::Type::Text,
            format!("bad taken_at {text:?}").into(),
        )
    })?;
    let offset = row
        .get::<_, Option<i32>>(3)?
        .and_then(TakenAt::offset_from_minutes);
    let taken_at = TakenAt {
        local,
        offset,
        estimated: row.get(4)?,
        source: row.get(12)?,
    };
    let session_date: Option<NaiveDate> = row.get(9)?;
    let item = GridItem {
        id: row.get(0)?,
        hash: row.get(1)?,
        group_date: session_date.unwrap_or(local.date()),
        taken_at,
        person: row.get(5)?,
        session: row.get(6)?,
        width: row.get(7)?,
        height: row.get(8)?,
        series: row.get(10)?,
        view: row.get(11)?,
    };
    Ok((item, text))
}

/// Up to `limit` photos after `after` in display order, and where the next page starts.
fn grid_items(
    conn: &Conn,
    filter: &PhotoFilter,
    order: SortOrder,
    after: Option<&GridCursor>,
    limit: Option<usize>,
) -> Result<(Vec<GridItem>, Option<GridCursor>)> {
    // One row more than asked says whether there is a next page.
    let (sql, values) = grid_sql(filter, order, after, limit.map(|n| n + 1));
    let mut stmt = conn.prepare_cached(&sql)?;
    let mut items = Vec::with_capacity(limit.unwrap_or(0).min(100_000));
    let mut last_time = String::new();
    let mut more = false;
    let mut rows = stmt.query(as_params(&values).as_slice())?;
    while let Some(row) = rows.next()? {
        if limit.is_some_and(|n| items.len() == n) {
            more = true;
            break;
        }
        let (item, text) = grid_row(&row)?;
        items.push(item);
        last_time = text;
    }
    let next = match items.last() {
        Some(last) if more => Some(GridCursor {
            taken_at: last_time,
            id: last.id,
        }),
        _ => None,
    };
    // Rows come in capture order straight from the index; the stable sort groups them.
    items.sort_by(|a, b| GridItem::display_cmp(a, b, order));
    Ok((items, next))
}

impl Catalogue {
    /// The photos matching `filter`, grouped by date heading in `order`.
    pub fn grid_items(&mut self, filter: &PhotoFilter, order: SortOrder) -> Result<Vec<GridItem>> {
        self.read(|tx| Ok(grid_items(tx, filter, order, None, None)?.0))
    }

    /// The grid's photos, all of them, and what it says about their sessions, in one snapshot.
    pub fn grid_page(&mut self, filter: &PhotoFilter, order: SortOrder) -> Result<GridPage> {
        self.grid_page_from(filter, order, None, None)
    }

    /// A page of the grid: at most `limit` photos (all when `None`) after `after` (from the
    /// first when `None`), what the grid says about their sessions, and where the next page
    /// starts. Opening a person's or a series' timeline (its first page) is audited.
    pub fn grid_page_from(
        &mut self,
        filter: &PhotoFilter,
        order: SortOrder,
        after: Option<&GridCursor>,
        limit: Option<usize>,
    ) -> Result<GridPage> {
        self.audited_read(|tx| {
            if after.is_none() {
                if let Some(series) = filter.series {
                    super::audit::view_series(tx, "timeline", series)?;
                } else if let Some(person) = filter.person {
                    super::audit::view_person(tx, "timeline", person)?;
                }
            }
            let (items, next) = grid_items(tx, filter, order, after, limit)?;
            let mut sessions: Vec<SessionId> = items.iter().filter_map(|i| i.session).collect();
            sessions.sort_unstable();
            sessions.dedup();
            let sessions = super::protocol::session_facts(tx, &sessions)?;
            Ok(GridPage {
                items,
                sessions,
                next,
            })
        })
    }

    /// How many photos the grid of `filter` has.
    pub fn grid_count(&mut self, filter: &PhotoFilter) -> Result<usize> {
        let (sql, values) = count_sql(filter);
        self.read(|tx| Ok(tx.query_row(&sql, as_params(&values).as_slice(), |r| r.get(0))?))
    }

    /// `EXPLAIN QUERY PLAN` of the grid's first page for `filter` and of a next page.
    pub fn explain_grid(&self, filter: &PhotoFilter) -> Result<Vec<String>> {
        let cursor = GridCursor {
            taken_at: "2025-01-01T00:00:00".into(),
            id: PhotoId(1),
        };
        let mut plans = Vec::new();
        for (sql, values) in [
            grid_sql(filter, SortOrder::NewestFirst, None, Some(200)),
            grid_sql(filter, SortOrder::NewestFirst, Some(&cursor), Some(200)),
        ] {
            plans.extend(self.explain_with(&sql, values)?);
        }
        Ok(plans)
    }

    /// `EXPLAIN QUERY PLAN` of the grid's count for `filter`.
    pub fn explain_grid_count(&self, filter: &PhotoFilter) -> Result<Vec<String>> {
        let (sql, values) = count_sql(filter);
        self.explain_with(&sql, values)
    }

    fn explain_with(&self, sql: &str, values: Vec<Value>) -> Result<Vec<String>> {
        let conn = self.sqlite("EXPLAIN QUERY PLAN")?;
        let mut stmt = conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}"))?;
        let rows = stmt.query_map(rusqlite::params_from_iter(values), |r| {
            r.get::<_, String>(3)
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue::photos::tests::new_photo;
    use crate::catalogue::{AssignmentSpec, Claim};

    /// `n` photos of one person, taken a day apart from 1 March 2026, none in a session;
    /// some share a time (the id breaks the tie).
    fn catalogue_of(n: usize) -> Catalogue {
        let mut cat = crate::testing::catalogue();
        let spec = AssignmentSpec {
            person: Some("Ada".into()),
            ..AssignmentSpec::default()
        };
        let a = cat.resolve_assignment(&spec).unwrap();
        for i in 0..n {
            let mut new = new_photo(format!("photo {i}").as_bytes());
            let day = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap()
                + chrono::Days::new(u64::try_from(i / 2).unwrap());
            new.taken_at.local = day.and_hms_opt(9, 0, 0).unwrap();
            assert_eq!(
                cat.claim_import(&new.hash, "station", "jpg").unwrap(),
                Claim::Claimed
            );
            cat.finish_import(&new, &a, "station", || {}).unwrap();
        }
        cat
    }

    fn ids(items: &[GridItem]) -> Vec<PhotoId> {
        items.iter().map(|i| i.id).collect()
    }

    #[test]
    fn pages_read_one_after_another_are_the_whole_grid_in_order() {
        let mut cat = catalogue_of(23);
        let filter = PhotoFilter::default();
        for order in [SortOrder::NewestFirst, SortOrder::OldestFirst] {
            let whole = cat.grid_page(&filter, order).unwrap();
            assert_eq!(whole.items.len(), 23);
            assert_eq!(whole.next, None);
            let mut paged = cat.grid_page_from(&filter, order, None, Some(5)).unwrap();
            assert_eq!(paged.items.len(), 5, "the first page alone");
            let mut pages = 1;
            while let Some(next) = paged.next.clone() {
                let page = cat
                    .grid_page_from(&filter, order, Some(&next), Some(5))
                    .unwrap();
                assert!(page.items.len() <= 5 && !page.items.is_empty());
                paged.append(page, order);
                pages += 1;
            }
            assert_eq!(pages, 5, "23 photos in pages of 5");
            assert_eq!(ids(&paged.items), ids(&whole.items), "{order:?}");
            // Two photos share each time: a page boundary between them loses neither.
            let mut seen = ids(&paged.items);
            seen.sort_unstable();
            seen.dedup();
            assert_eq!(seen.len(), 23);
        }
        // A page that ends exactly at the last photo says there is no next page.
        let exact = cat
            .grid_page_from(&filter, SortOrder::NewestFirst, None, Some(23))
            .unwrap();
        assert_eq!((exact.items.len(), exact.next), (23, None));
        assert_eq!(cat.grid_count(&filter).unwrap(), 23);
    }

    #[test]
    fn counts_and_pages_follow_the_filter_and_leave_the_trash_out() {
        let mut cat = catalogue_of(12);
        let newest = cat
            .grid_page_from(
                &PhotoFilter::default(),
                SortOrder::NewestFirst,
                None,
                Some(3),
            )
            .unwrap();
        cat.trash(&[newest.items[0].id]).unwrap();
        assert_eq!(cat.grid_count(&PhotoFilter::default()).unwrap(), 11);
        let trash = PhotoFilter {
            trashed: true,
            ..PhotoFilter::default()
        };
        assert_eq!(cat.grid_count(&trash).unwrap(), 1);
        let person = newest.items[1].person;
        let mine = PhotoFilter {
            person,
            ..PhotoFilter::default()
        };
        assert_eq!(cat.grid_count(&mine).unwrap(), 11);
        let first = cat
            .grid_page_from(&mine, SortOrder::NewestFirst, None, Some(3))
            .unwrap();
        let whole = cat.grid_page(&mine, SortOrder::NewestFirst).unwrap();
        assert_eq!(ids(&first.items), ids(&whole.items[..3]));
        assert_eq!(
            whole.items[0].id, newest.items[1].id,
            "the trashed photo is left out"
        );
        let trashed = cat
            .grid_page_from(&trash, SortOrder::NewestFirst, None, Some(3))
            .unwrap();
        assert_eq!(
            (ids(&trashed.items), trashed.next),
            (vec![newest.items[0].id], None)
        );
    }

    #[test]
    fn a_photo_whose_session_is_dated_later_moves_up_when_its_page_arrives() {
        let late = NaiveDate::from_ymd_opt(2026, 4, 1).unwrap();
        let early = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
        let item = |id: i64, group_date: NaiveDate| GridItem {
            id: PhotoId(id),
            hash: crate::catalogue::bench_data::bench_hash(id),
            taken_at: TakenAt::exact(early.and_hms_opt(9, 0, 0).unwrap(), None),
            group_date,
            person: None,
            series: None,
            session: None,
            view: None,
            width: 1,
            height: 1,
        };
        let mut first = GridPage {
            items: vec![item(3, early), item(2, early)],
            ..GridPage::default()
        };
        let second = GridPage {
            items: vec![item(1, late)],
            ..GridPage::default()
        };
        first.append(second, SortOrder::NewestFirst);
        assert_eq!(ids(&first.items), [PhotoId(1), PhotoId(3), PhotoId(2)]);
    }
}

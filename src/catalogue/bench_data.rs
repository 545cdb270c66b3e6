//! A clinic-sized catalogue for `skinlapse bench clinic`, made by bulk SQL in one
//! transaction (a million photo rows in seconds, not through the import pipeline: there are
//! no files, only rows to query), and the end-of-run checks of the workstation mix.
//!
//! The shape, on both backends alike: patient `p` (1-based) has one series of six sessions
//! 35 days apart, starting on a day spread over 2019–2025; photo `j` belongs to patient
//! `(j - 1) % people + 1` (a patient's photos are scattered through the table, as visits
//! over years leave them), to one of their sessions, with a view, an area and a concern.
//! Photo `j`'s content hash is `j` in 64 hex digits, so every hash is unique.

use super::{Catalogue, PhotoFilter, Result, SortOrder};
use crate::model::{ContentHash, PhotoId};

/// Sessions in each generated series.
pub const BENCH_SESSIONS: i64 = 6;

/// How big a generated catalogue is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BenchShape {
    pub people: i64,
    pub photos: i64,
}

/// The content hash generated photo `j` has.
pub fn bench_hash(j: i64) -> ContentHash {
    ContentHash::parse(&format!("{j:064x}")).expect("64 hex digits")
}

/// The functions whose spelling differs between the backends.
struct Dialect {
    /// `{d}` days after 2019-01-07, as `YYYY-MM-DD`.
    date: &'static str,
    /// `{d}` days and `{m}` minutes after 2019-01-07 00:00, as the catalogue's local time.
    time: &'static str,
    /// `{j}` as 64 hex digits.
    hash: &'static str,
}

const SQLITE: Dialect = Dialect {
    date: "date('2019-01-07', '+' || ({d}) || ' days')",
    time: "strftime('%Y-%m-%dT%H:%M:%S', '2019-01-07', '+' || ({d}) || ' days', '+' || ({m}) || ' minutes')",
    hash: "printf('%064x', {j})",
};

const POSTGRES: Dialect = Dialect {
    date: "to_char(DATE '2019-01-07' + CAST({d} AS INTEGER), 'YYYY-MM-DD')",
    time: "to_char(TIMESTAMP '2019-01-07 00:00:00' + ({d}) * INTERVAL '1 day' + ({m}) * INTERVAL '1 minute', 'YYYY-MM-DD\"T\"HH24:MI:SS')",
    hash: "lpad(to_hex({j}), 64, '0')",
};

/// Numbers 1..=`count` as `n(i)`.
fn numbers(count: i64) -> String {
    format!(
        "WITH RECURSIVE n(i) AS (SELECT CAST(1 AS BIGINT) UNION ALL SELECT i + 1 FROM n WHERE i < {count})"
    )
}

/// The day (after 2019-01-07) patient `{p}`'s first session falls on: spread over ~6 years.
const FIRST_DAY: &str = "(({p}) * 7919 % 2200)";

/// The statements that fill an empty catalogue (its built-in terms in place) with `shape`.
fn fill_sql(d: &Dialect, shape: BenchShape) -> Vec<String> {
    let BenchShape { people, photos } = shape;
    let first_day = |p: &str| FIRST_DAY.replace("{p}", p);
    let session_date = d
        .date
        .replace("{d}", &format!("{} + 35 * k.s", first_day("n.i")));
    let photo_person = "((n.i - 1) % {people} + 1)".replace("{people}", &people.to_string());
    let photo_index = format!("((n.i - 1) / {people})");
    let photo_session = format!("({photo_index} % {BENCH_SESSIONS})");
    let taken = d
        .time
        .replace(
            "{d}",
            &format!("{} + 35 * {photo_session}", first_day(&photo_person)),
        )
        .replace("{m}", &format!("9 * 60 + {photo_index} % 480"));
    let sessions: Vec<String> = (0..BENCH_SESSIONS)
        .map(|s| format!("SELECT {s} AS s"))
        .collect();
    let term = |kind: &str, of: &str| {
        format!(
            "INSERT INTO photo_term (photo_id, term_id)
             SELECT photo.id, t.id FROM photo JOIN (
                 SELECT id, row_number() OVER (ORDER BY id) - 1 AS k FROM term WHERE kind = '{kind}'
             ) t ON t.k = {of} % (SELECT count(*) FROM term WHERE kind = '{kind}')"
        )
    };
    vec![
        format!(
            "INSERT INTO person (id, name, created_at) {}
             SELECT i, 'Bench patient ' || i, '2019-01-01 09:00:00+00:00' FROM n",
            numbers(people)
        ),
        format!(
            "INSERT INTO series (id, person_id, title, planned_sessions, interval_days, start_date) {}
             SELECT i, i, CASE i % 3 WHEN 0 THEN 'Microneedling' WHEN 1 THEN 'Chemical peel'
                 ELSE 'Laser resurfacing' END, {BENCH_SESSIONS}, 35, {} FROM n",
            numbers(people),
            d.date.replace("{d}", &first_day("i")),
        ),
        format!(
            "INSERT INTO session (id, series_id, date, kind) {}
             SELECT (n.i - 1) * {BENCH_SESSIONS} + k.s + 1, n.i, {session_date},
                 CASE k.s WHEN 0 THEN 'baseline' ELSE 'treatment' END
             FROM n, ({}) k",
            numbers(people),
            sessions.join(" UNION ALL "),
        ),
        format!(
            "INSERT INTO photo (id, hash, format, original_name, file_size, width, height, taken_at,
                 taken_at_offset_min, taken_at_estimated, view, person_id, series_id, session_id,
                 imported_at, taken_at_source) {numbers}
             SELECT n.i, {hash}, 'jpeg', 'IMG_' || n.i || '.jpg', 3000000 + n.i % 1000000, 4032, 3024,
                 {taken}, 60, 0,
                 CASE {photo_index} % 6 WHEN 0 THEN 'frontal' WHEN 1 THEN 'left-oblique'
                     WHEN 2 THEN 'right-oblique' WHEN 3 THEN 'left-profile'
                     WHEN 4 THEN 'right-profile' ELSE 'close-up' END,
                 {photo_person}, {photo_person},
                 ({photo_person} - 1) * {BENCH_SESSIONS} + {photo_session} + 1,
                 '2026-11-30 09:00:00+00:00', 'exif-original'
             FROM n",
            numbers = numbers(photos),
            hash = d.hash.replace("{j}", "n.i"),
        ),
        term("area", "photo.id"),
        term("concern", "photo.person_id"),
    ]
}

/// Fills the clinic database `client` is connected to (as its superuser, in the clinic's
/// database) with `shape`, in one transaction. The clinic's triggers (audit trail, change
/// notices, row versions) are set aside while it does: the rows are made, not edited by
/// anyone. The built-in terms must be there (signing in once makes them).
///
/// # Errors
/// What the server said.
pub fn fill_postgres(
    client: &mut postgres::Client,
    shape: BenchShape,
) -> std::result::Result<(), postgres::Error> {
    let mut tx = client.transaction()?;
    tx.batch_execute(
        "SET LOCAL search_path = skinlapse; SET LOCAL session_replication_role = replica",
    )?;
    for sql in fill_sql(&POSTGRES, shape) {
        tx.batch_execute(&sql)?;
    }
    for table in ["person", "series", "session", "photo"] {
        tx.batch_execute(&format!(
            "SELECT setval(pg_get_serial_sequence('skinlapse.{table}', 'id'), (SELECT max(id) FROM {table}))"
        ))?;
    }
    tx.commit()?;
    client.batch_execute("ANALYZE skinlapse.person, skinlapse.series, skinlapse.session, skinlapse.photo, skinlapse.photo_term")
}

/// The checks at the end of a run of the workstation mix.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BenchCheck {
    /// Content hashes held by more than one photo.
    pub duplicate_hashes: i64,
    /// Import claims still open.
    pub open_claims: i64,
}

impl Catalogue {
    /// Fills this empty SQLite catalogue with `shape` in one transaction, then `ANALYZE`.
    ///
    /// # Errors
    /// `Unsupported` on PostgreSQL (use [`fill_postgres`]); what SQLite said.
    pub fn fill_for_bench(&mut self, shape: BenchShape) -> Result<()> {
        let conn = self.sqlite("generating a benchmark catalogue")?;
        let tx = conn.unchecked_transaction()?;
        for sql in fill_sql(&SQLITE, shape) {
            tx.execute_batch(&sql)?;
        }
        tx.commit()?;
        conn.execute_batch("ANALYZE")?;
        Ok(())
    }

    /// The first `limit` photos of the all-photos grid in `order`: the grid's first page, as
    /// the app reads it.
    ///
    /// # Errors
    /// What the database said.
    pub fn grid_first_page(&mut self, order: SortOrder, limit: usize) -> Result<Vec<PhotoId>> {
        let page = self.grid_page_from(&PhotoFilter::default(), order, None, Some(limit))?;
        Ok(page.items.iter().map(|i| i.id).collect())
    }

    /// Duplicate content hashes and open import claims.
    ///
    /// # Errors
    /// What the database said.
    pub fn bench_check(&mut self) -> Result<BenchCheck> {
        self.read(|tx| {
            Ok(BenchCheck {
                duplicate_hashes: tx.query_row(
                    "SELECT count(*) FROM (SELECT hash FROM photo GROUP BY hash HAVING count(*) > 1) d",
                    [],
                    |r| r.get(0),
                )?,
                open_claims: tx.query_row("SELECT count(*) FROM pending_import", [], |r| {
                    r.get(0)
                })?,
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_generated_catalogue_has_its_shape_and_unique_hashes() {
        let mut cat = Catalogue::open_in_memory().unwrap();
        let shape = BenchShape {
            people: 10,
            photos: 250,
        };
        cat.fill_for_bench(shape).unwrap();
        assert_eq!(cat.people().unwrap().len(), 10);
        let photo = cat.photo(PhotoId(17)).unwrap();
        assert_eq!(photo.hash, bench_hash(17));
        assert_eq!(photo.person.map(|p| p.0), Some(7));
        let series = cat.series_of(crate::model::PersonId(7)).unwrap();
        assert_eq!(series.len(), 1);
        let sessions = cat.sessions_of(series[0].id).unwrap();
        assert_eq!(sessions.len(), BENCH_SESSIONS as usize);
        assert_eq!(Some(sessions[1].id), photo.session);
        assert_eq!(photo.taken_at.local.date(), sessions[1].date);
        let details = cat.photo_details(PhotoId(17)).unwrap();
        assert_eq!((details.areas.len(), details.concerns.len()), (1, 1));
        let page = cat.grid_first_page(SortOrder::NewestFirst, 20).unwrap();
        assert_eq!(page.len(), 20);
        let all = cat
            .grid_page(&PhotoFilter::default(), SortOrder::NewestFirst)
            .unwrap();
        assert_eq!(all.items.len(), 250);
        let newest = all.items.iter().map(|i| i.taken_at.local).max().unwrap();
        assert_eq!(cat.photo(page[0]).unwrap().taken_at.local, newest);
        assert_eq!(
            cat.bench_check().unwrap(),
            BenchCheck {
                duplicate_hashes: 0,
                open_claims: 0
            }
        );
    }
}

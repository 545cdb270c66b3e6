//! The catalogue: the only module that speaks SQL.
//!
//! Every public operation owns its transaction; the SQL of each lives in a function taking
//! a `&Connection` (the transaction it runs in) so operations compose, and
//! [`Catalogue::atomically`] joins several public operations into one transaction.

mod align_undo;
mod alignment;
mod browse;
mod clinical;
mod compare;
mod consent;
mod edit;
mod journal;
mod people;
mod photos;
mod protocol;
mod series;
mod terms;
mod trash;
mod types;
mod undo;

pub use align_undo::AlignmentSnapshot;
pub use alignment::LandmarkPair;
pub use browse::{
    Common, GridItem, GridPage, PhotoDetails, PhotoFilter, SelectionSummary, SortOrder, TakenSpan,
};
pub use clinical::{
    ConsentRow, ContraindicationRow, GradeRow, NewGrade, NewSession, SeriesPlan, SideEffectRow,
};
pub use consent::{ConsentChange, ConsentEvent, ConsentState};
pub use edit::{PhotoValue, PhotoValues, TakenAtChange, TermChange};
pub use journal::Claim;
pub use photos::{NewPhoto, PhotoListing};
pub use protocol::SessionFacts;
pub use series::{Assignment, AssignmentSpec};
pub use undo::{DeletedPerson, DeletedSeries, DeletedSession, GradeRecord};

use rusqlite::{Connection, OpenFlags, TransactionBehavior};
use rusqlite_migration::{M, Migrations};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// How long a connection waits for another writer (another process importing, say)
/// before it gives up with "database is locked".
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(30);

const MIGRATION_SQL: &[&str] = &[
    include_str!("migrations/001_initial.sql"),
    include_str!("migrations/002_trash_purge.sql"),
    include_str!("migrations/003_alignment.sql"),
    include_str!("migrations/004_clinical_record.sql"),
    include_str!("migrations/009_protocol_consent.sql"),
];

/// The numbered schema migrations, applied in order on open.
pub fn migrations() -> Migrations<'static> {
    Migrations::new(MIGRATION_SQL.iter().map(|sql| M::up(sql)).collect())
}

/// The schema version a fully migrated catalogue has.
pub fn latest_schema_version() -> usize {
    MIGRATION_SQL.len()
}

#[derive(Debug, thiserror::Error)]
pub enum CatalogueError {
    #[error("catalogue {path}: {source}")]
    Open {
        path: PathBuf,
        #[source]
        source: rusqlite::Error,
    },
    #[error("catalogue {path} could not be migrated: {source}")]
    Migrate {
        path: PathBuf,
        #[source]
        source: rusqlite_migration::Error,
    },
    #[error(
        "catalogue {path} has schema version {found}, newer than this Skinlapse understands ({latest}); update Skinlapse"
    )]
    TooNew {
        path: PathBuf,
        found: usize,
        latest: usize,
    },
    #[error("database error: {0}")]
    Sql(rusqlite::Error),
    #[error(
        "the library is busy: another Skinlapse window or command is writing to it; try again in a moment"
    )]
    Busy,
    #[error("{what} {id} does not exist")]
    NotFound { what: &'static str, id: i64 },
    #[error("{field}: {reason}")]
    Invalid { field: &'static str, reason: String },
    #[error("{0}")]
    UnknownTerm(String),
}

impl From<rusqlite::Error> for CatalogueError {
    fn from(e: rusqlite::Error) -> Self {
        match e.sqlite_error_code() {
            Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked) => {
                Self::Busy
            }
            _ => Self::Sql(e),
        }
    }
}

pub type Result<T, E = CatalogueError> = std::result::Result<T, E>;

/// One connection to a library's catalogue.
#[derive(Debug)]
pub struct Catalogue {
    conn: Connection,
}

/// Every row of a (cached) query, each mapped by `f`.
fn all_rows<T, P: rusqlite::Params>(
    conn: &Connection,
    sql: &str,
    params: P,
    f: impl FnMut(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
) -> Result<Vec<T>> {
    let mut stmt = conn.prepare_cached(sql)?;
    let rows = stmt.query_map(params, f)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

impl Catalogue {
    /// Opens (creating if needed) and migrates the catalogue at `path`.
    pub fn open(path: &Path) -> Result<Self> {
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX
            | OpenFlags::SQLITE_OPEN_URI;
        let conn =
            Connection::open_with_flags(path, flags).map_err(|source| CatalogueError::Open {
                path: path.to_owned(),
                source,
            })?;
        Self::setup(conn, path)
    }

    /// A private in-memory catalogue, for tests and benchmarks of the SQL alone.
    pub fn open_in_memory() -> Result<Self> {
        Self::setup(Connection::open_in_memory()?, Path::new(":memory:"))
    }

    fn setup(mut conn: Connection, path: &Path) -> Result<Self> {
        let open_err = |source| CatalogueError::Open {
            path: path.to_owned(),
            source,
        };
        configure(&mut conn).map_err(open_err)?;
        migrate(&mut conn, path)?;
        let mut catalogue = Self { conn };
        catalogue.ensure_builtin_terms()?;
        Ok(catalogue)
    }

    /// Runs `f` in a write transaction that takes the write lock up front, so two writers
    /// queue on the busy timeout instead of failing on a lock upgrade. Inside
    /// [`Catalogue::atomically`] it runs in that transaction.
    fn write<T>(&mut self, f: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
        if !self.conn.is_autocommit() {
            return f(&self.conn);
        }
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let value = f(&tx)?;
        tx.commit()?;
        Ok(value)
    }

    /// Runs `f` in a read transaction: one consistent snapshot even while others write.
    fn read<T>(&mut self, f: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
        if !self.conn.is_autocommit() {
            return f(&self.conn);
        }
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Deferred)?;
        let value = f(&tx)?;
        tx.finish()?;
        Ok(value)
    }

    /// Runs several operations as one transaction: all of them happen, or none (an edit that
    /// reads what it overwrites, to undo it; an undo step of several edits). Nested calls
    /// join the outer transaction.
    pub fn atomically<T>(&mut self, f: impl FnOnce(&mut Self) -> Result<T>) -> Result<T> {
        if !self.conn.is_autocommit() {
            return f(self);
        }
        self.conn.execute_batch("BEGIN IMMEDIATE")?;
        let outcome = f(self).and_then(|value| {
            self.conn.execute_batch("COMMIT")?;
            Ok(value)
        });
        if outcome.is_err() && !self.conn.is_autocommit() {
            // Nothing of it stays; a failed rollback leaves SQLite to roll back itself.
            let _ = self.conn.execute_batch("ROLLBACK");
        }
        outcome
    }

    /// How long this connection waits for another writer. The app's own connection waits
    /// briefly so the window never freezes behind a long write elsewhere.
    pub fn set_busy_timeout(&mut self, timeout: Duration) -> Result<()> {
        Ok(self.conn.busy_timeout(timeout)?)
    }

    /// `PRAGMA integrity_check` and `foreign_key_check`: the problems found, empty when sound.
    pub fn check_integrity(&mut self) -> Result<Vec<String>> {
        self.read(|tx| {
            let mut problems = Vec::new();
            let mut stmt = tx.prepare("PRAGMA integrity_check")?;
            for row in stmt.query_map([], |r| r.get::<_, String>(0))? {
                let row = row?;
                if row != "ok" {
                    problems.push(format!("catalogue integrity: {row}"));
                }
            }
            let mut stmt = tx.prepare("PRAGMA foreign_key_check")?;
            let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?;
            for row in rows {
                let (table, rowid) = row?;
                problems.push(format!(
                    "catalogue: {table} row {rowid} points at a missing row"
                ));
            }
            Ok(problems)
        })
    }

    /// The schema version of this catalogue.
    pub fn schema_version(&self) -> Result<i64> {
        Ok(self
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))?)
    }

    /// Writes a consistent copy of the catalogue to `path` (a new file), while it stays open.
    pub fn copy_into(&self, path: &Path) -> Result<()> {
        let path = path.to_str().ok_or_else(|| CatalogueError::Invalid {
            field: "copy",
            reason: format!("{} is not a path SQLite can write to", path.display()),
        })?;
        self.conn.execute("VACUUM INTO ?1", [path])?;
        Ok(())
    }

    /// `EXPLAIN QUERY PLAN` of a statement, one line per step, for tests that check indexes.
    pub fn explain(&self, sql: &str) -> Result<Vec<String>> {
        let mut stmt = self.conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}"))?;
        let rows = stmt.query_map([], |r| r.get::<_, String>(3))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

/// Pragmas are per connection, so every connection gets them, outside the migrations.
fn configure(conn: &mut Connection) -> rusqlite::Result<()> {
    conn.busy_timeout(BUSY_TIMEOUT)?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    conn.pragma_update(None, "foreign_keys", true)?;
    Ok(())
}

fn migrate(conn: &mut Connection, path: &Path) -> Result<()> {
    let found: usize = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    let latest = latest_schema_version();
    if found > latest {
        return Err(CatalogueError::TooNew {
            path: path.to_owned(),
            found,
            latest,
        });
    }
    if found == latest {
        return Ok(());
    }
    conn.set_transaction_behavior(TransactionBehavior::Immediate);
    let result = migrations().to_latest(conn);
    conn.set_transaction_behavior(TransactionBehavior::Deferred);
    if let Err(source) = result {
        // Another process may have migrated between our version check and our write lock.
        let now: usize = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if now != latest {
            return Err(CatalogueError::Migrate {
                path: path.to_owned(),
                source,
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_are_valid() {
        migrations().validate().unwrap();
    }

    #[test]
    fn open_sets_pragmas_and_latest_version() {
        let cat = Catalogue::open_in_memory().unwrap();
        assert_eq!(
            cat.schema_version().unwrap(),
            latest_schema_version() as i64
        );
        let fk: bool = cat
            .conn
            .query_row("PRAGMA foreign_keys", [], |r| r.get(0))
            .unwrap();
        assert!(fk);
    }
}

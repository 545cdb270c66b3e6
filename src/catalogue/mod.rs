//! The catalogue: the only module that speaks SQL.
//!
//! Every public operation owns its transaction; the SQL of each lives in a function taking
//! a `&Connection` (the transaction it runs in) so operations compose, and
//! [`Catalogue::atomically`] joins several public operations into one transaction.

mod align_undo;
mod alignment;
mod audit;
pub mod bench_data;
mod browse;
pub mod clinic;
mod clinic_audit;
pub mod clinic_import;
mod clinic_watch;
mod clinical;
mod companion;
mod compare;
mod consent;
mod db;
mod edit;
mod error;
mod face;
mod grid;
mod journal;
mod measure;
mod open_clinic;
mod owners;
mod people;
mod pg_value;
mod photos;
#[cfg(test)]
mod portable_tests;
mod protocol;
mod series;
mod settings;
mod snapshot;
mod terms;
mod trash;
mod types;
mod undo;
mod versions;

pub use align_undo::AlignmentSnapshot;
pub use alignment::LandmarkPair;
pub use browse::{Common, PhotoDetails, PhotoFilter, SelectionSummary, SortOrder, TakenSpan};
pub use clinical::{
    ConsentRow, ContraindicationRow, GradeRow, NewGrade, NewSession, SeriesPlan, SideEffectRow,
};
pub use companion::{Companion, StoredOriginal};
pub use consent::{ConsentChange, ConsentEvent, ConsentState};
pub use db::Backend;
pub use edit::{PhotoValue, PhotoValues, TakenAtChange, TermChange};
pub use error::{CatalogueError, Result};
pub use face::{FaceRecord, FaceScan};
pub use grid::{GridCursor, GridItem, GridPage};
pub use journal::Claim;
pub use measure::{MeasurementChange, RegionBackup};
pub use photos::{NewPhoto, PhotoListing};
pub use protocol::SessionFacts;
pub use series::{Assignment, AssignmentSpec};
pub use settings::{CLINIC_LOGO, CLINIC_NAME};
pub use undo::{DeletedPerson, DeletedSeries, DeletedSession, GradeRecord};
pub use versions::{RowStamp, Versioned};

use db::{Begin, Conn};
use rusqlite::{Connection, OpenFlags, Transaction, TransactionBehavior};
use rusqlite_migration::{M, Migrations};
use std::fmt::Write as _;
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
    NAMES_MIGRATION,
    include_str!("migrations/006_formats.sql"),
    include_str!("migrations/009_protocol_consent.sql"),
    include_str!("migrations/007_face.sql"),
    include_str!("migrations/008_measurement.sql"),
    include_str!("migrations/010_raw_companion.sql"),
    include_str!("migrations/011_row_version.sql"),
    include_str!("migrations/012_parent_versions.sql"),
];

const NAMES_MIGRATION: &str = include_str!("migrations/005_names.sql");

/// The numbered schema migrations, applied in order on open. A migration that drops a table
/// (to rebuild it: foreign keys are off while migrations run) ends with a foreign-key check,
/// so a rebuild can never leave a dangling reference behind.
pub fn migrations() -> Migrations<'static> {
    Migrations::new(
        MIGRATION_SQL
            .iter()
            .map(|sql| {
                if *sql == NAMES_MIGRATION {
                    M::up_with_hook(sql, respell_names)
                } else if sql.contains("DROP TABLE") {
                    M::up(sql).foreign_key_check()
                } else {
                    M::up(sql)
                }
            })
            .collect(),
    )
}

/// Names stored before they were normalised get their one spelling (NFC), unless that would
/// collide with another row (two people the user told apart stay apart).
fn respell_names(tx: &Transaction<'_>) -> rusqlite_migration::HookResult {
    for (table, column) in [("person", "name"), ("series", "title"), ("term", "name")] {
        let rows: Vec<(i64, String)> = {
            let mut stmt = tx.prepare(&format!("SELECT id, {column} FROM {table}"))?;
            stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<rusqlite::Result<_>>()?
        };
        for (id, name) in rows {
            let key = crate::model::names::name_key(&name);
            if key != name {
                tx.execute(
                    &format!("UPDATE OR IGNORE {table} SET {column} = ?2 WHERE id = ?1"),
                    rusqlite::params![id, key],
                )?;
            }
        }
    }
    Ok(())
}

/// The schema version a fully migrated catalogue has.
pub fn latest_schema_version() -> usize {
    MIGRATION_SQL.len()
}

/// How often a PostgreSQL write transaction is run again after losing a race with another
/// workstation (a serialization failure or a deadlock, both `Busy`). One that gave up waiting
/// for another's lock (also `Busy`) already waited as long as it may, and is not.
const WRITE_RETRIES: u32 = 5;

/// One connection to a library's catalogue.
#[derive(Debug)]
pub struct Catalogue {
    conn: Conn,
}

/// Every row of a (cached) query, each mapped by `f`.
fn all_rows<T, P: db::Params>(
    conn: &Conn,
    sql: &str,
    params: P,
    f: impl FnMut(&db::Row<'_>) -> rusqlite::Result<T>,
) -> Result<Vec<T>> {
    let mut stmt = conn.prepare_cached(sql)?;
    let rows = stmt.query_map(params, f)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// How a catalogue file is opened.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// Created when missing, migrated, written.
    Create,
    /// It must exist; migrated, written.
    ReadWrite,
    /// It must exist and be at the latest schema; nothing is ever written, so this works on
    /// a read-only or full disk and never waits behind another process's write.
    ReadOnly,
}

fn is_unwritable(e: &rusqlite::Error) -> bool {
    matches!(
        e.sqlite_error_code(),
        Some(
            rusqlite::ErrorCode::CannotOpen
                | rusqlite::ErrorCode::ReadOnly
                | rusqlite::ErrorCode::DiskFull
                | rusqlite::ErrorCode::SystemIoFailure
        )
    )
}

impl Catalogue {
    /// Opens (creating if needed) and migrates the catalogue at `path`.
    pub fn open(path: &Path) -> Result<Self> {
        Self::open_with(path, Access::Create)
    }

    /// Opens the catalogue at `path` as `access` says.
    pub fn open_with(path: &Path, access: Access) -> Result<Self> {
        Self::open_keyed(path, access, None)
    }

    /// Opens an encrypted (SQLCipher) catalogue with its raw key (`x'…'`), or a plain one
    /// with `None`. A wrong key is `WrongKey`, found before anything is written.
    pub fn open_keyed(path: &Path, access: Access, key: Option<&str>) -> Result<Self> {
        let open_err = open_error(path);
        let base = OpenFlags::SQLITE_OPEN_NO_MUTEX | OpenFlags::SQLITE_OPEN_URI;
        let flags = match access {
            Access::Create => {
                base | OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE
            }
            Access::ReadWrite => base | OpenFlags::SQLITE_OPEN_READ_WRITE,
            Access::ReadOnly => base | OpenFlags::SQLITE_OPEN_READ_ONLY,
        };
        let connect = |target: &Path| -> rusqlite::Result<Connection> {
            let conn = Connection::open_with_flags(target, flags)?;
            if let Some(key) = key {
                apply_key(&conn, key)?;
            }
            Ok(conn)
        };
        let key_err = |e: rusqlite::Error| match e.sqlite_error_code() {
            Some(rusqlite::ErrorCode::NotADatabase) if key.is_some() => CatalogueError::WrongKey {
                path: path.to_owned(),
            },
            _ => open_err(e),
        };
        if access != Access::ReadOnly {
            let conn = connect(path).map_err(key_err)?;
            return Self::setup(conn, path);
        }
        let opened =
            connect(path).and_then(|mut conn| configure_read_only(&mut conn).map(|()| conn));
        let conn = match opened {
            Ok(conn) => conn,
            // A WAL catalogue is read through its shared-memory file, which a read-only or
            // full disk may not let us create: read the file as it is, then.
            Err(e) if is_unwritable(&e) => {
                let mut conn = connect(Path::new(&immutable_uri(path))).map_err(key_err)?;
                configure_read_only(&mut conn).map_err(key_err)?;
                conn
            }
            Err(e) => return Err(key_err(e)),
        };
        let found: usize = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if found != latest_schema_version() {
            return Err(CatalogueError::NeedsUpgrade {
                path: path.to_owned(),
                found,
                latest: latest_schema_version(),
            });
        }
        Ok(Self {
            conn: Conn::Sqlite(conn),
        })
    }

    /// A private in-memory catalogue, for tests and benchmarks of the SQL alone.
    pub fn open_in_memory() -> Result<Self> {
        Self::setup(Connection::open_in_memory()?, Path::new(":memory:"))
    }

    fn setup(mut conn: Connection, path: &Path) -> Result<Self> {
        let open_err = open_error(path);
        configure(&mut conn).map_err(open_err)?;
        migrate(&mut conn, path).map_err(|e| explain_io_error(e, Some(path)))?;
        let mut catalogue = Self {
            conn: Conn::Sqlite(conn),
        };
        catalogue.ensure_builtin_terms()?;
        Ok(catalogue)
    }

    /// Runs `f` in a write transaction that takes the write lock up front, so two writers
    /// queue on the busy timeout instead of failing on a lock upgrade (on PostgreSQL: a
    /// serializable transaction, run again when another workstation's won a race). Inside
    /// [`Catalogue::atomically`] it runs in that transaction. A full disk or an I/O error
    /// is explained in words.
    fn write<T>(&mut self, mut f: impl FnMut(&Conn) -> Result<T>) -> Result<T> {
        if !self.conn.is_autocommit() {
            return f(&self.conn);
        }
        let mut attempt = 0;
        loop {
            let result = (|| {
                self.conn.begin(Begin::Write)?;
                let value = f(&self.conn)?;
                self.conn.commit()?;
                Ok(value)
            })();
            if result.is_err() {
                self.conn.rollback();
            }
            match result {
                Err(CatalogueError::Busy)
                    if attempt < WRITE_RETRIES
                        && self.backend() == Backend::Postgres
                        && !self.conn.gave_up_waiting() =>
                {
                    attempt += 1;
                    std::thread::sleep(Duration::from_millis(10 << attempt));
                }
                result => {
                    return result.map_err(|e| explain_io_error(e, self.path().as_deref()));
                }
            }
        }
    }

    /// The catalogue file, when it is one (SQLite on disk).
    fn path(&self) -> Option<PathBuf> {
        self.conn
            .sqlite()
            .and_then(Connection::path)
            .map(PathBuf::from)
    }

    /// Runs `f` in a read transaction: one consistent snapshot even while others write.
    fn read<T>(&mut self, f: impl FnOnce(&Conn) -> Result<T>) -> Result<T> {
        self.read_as(Begin::Read, f)
    }

    /// A read of a patient's photos or record: on a clinic's database `f` records the view
    /// (`audit::view_*`), and the view's row commits with the read or nothing is shown.
    fn audited_read<T>(&mut self, f: impl FnOnce(&Conn) -> Result<T>) -> Result<T> {
        self.read_as(Begin::AuditedRead, f)
    }

    fn read_as<T>(&mut self, how: Begin, f: impl FnOnce(&Conn) -> Result<T>) -> Result<T> {
        if !self.conn.is_autocommit() {
            return f(&self.conn);
        }
        self.conn.begin(how)?;
        let value = f(&self.conn);
        match (&value, how) {
            (Ok(_), Begin::AuditedRead) => {
                if let Err(e) = self.conn.commit() {
                    self.conn.rollback();
                    return Err(e.into());
                }
            }
            _ => self.conn.rollback(),
        }
        value
    }

    /// Runs several operations as one transaction: all of them happen, or none (an edit that
    /// reads what it overwrites, to undo it; an undo step of several edits). Nested calls
    /// join the outer transaction. On PostgreSQL a lost race with another workstation is
    /// `Busy` (try again), as a long write elsewhere is on SQLite.
    pub fn atomically<T>(&mut self, f: impl FnOnce(&mut Self) -> Result<T>) -> Result<T> {
        if !self.conn.is_autocommit() {
            return f(self);
        }
        self.conn.begin(Begin::Write)?;
        let outcome = f(self).and_then(|value| {
            self.conn.commit()?;
            Ok(value)
        });
        if outcome.is_err() {
            // Nothing of it stays; a failed rollback leaves SQLite to roll back itself.
            self.conn.rollback();
        }
        outcome
    }

    /// Whether the signed-in user may read the clinical record (grades, side effects,
    /// contraindications, consent): everyone on a personal library; on a clinic, not an
    /// assistant (the database refuses them the reads).
    pub fn may_read_clinical_record(&self) -> bool {
        self.role() != Some(clinic::Role::Assistant)
    }

    /// Which engine holds this catalogue.
    pub fn backend(&self) -> Backend {
        self.conn.backend()
    }

    /// The signed-in user's role on a clinic database (`None` on a personal library, and
    /// for a user who has not yet changed their first password).
    pub fn role(&self) -> Option<clinic::Role> {
        match &self.conn {
            Conn::Pg(pg) => pg.role,
            Conn::Sqlite(_) => None,
        }
    }

    /// The SQLite connection, or `Unsupported` naming `what` on PostgreSQL.
    fn sqlite(&self, what: &'static str) -> Result<&Connection> {
        self.conn
            .sqlite()
            .ok_or(CatalogueError::Unsupported { what })
    }

    /// How long this connection waits for another writer. The app's own connection waits
    /// briefly so the window never freezes behind a long write elsewhere.
    /// On PostgreSQL this is how long a statement waits for another transaction's row lock.
    pub fn set_busy_timeout(&mut self, timeout: Duration) -> Result<()> {
        match &self.conn {
            Conn::Sqlite(c) => Ok(c.busy_timeout(timeout)?),
            Conn::Pg(c) => Ok(c.batch(&format!("SET lock_timeout = {}", timeout.as_millis()))?),
        }
    }

    /// `PRAGMA integrity_check` and `foreign_key_check`: the problems found, empty when sound.
    /// On PostgreSQL the server keeps foreign keys at all times and checks its own pages
    /// (`amcheck`, the DBA's tools): `Unsupported`.
    pub fn check_integrity(&mut self) -> Result<Vec<String>> {
        self.sqlite("the integrity check (the clinic's PostgreSQL server checks its own data)")?;
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

    /// Copies the whole catalogue into the new file at `path`, encrypted with the raw key
    /// `key` (`x'…'`) or plain with `""`, with its schema version: SQLCipher's export. The WAL
    /// is folded into the catalogue first, so the file left behind holds everything too.
    pub fn export_to(&self, path: &Path, key: &str) -> Result<()> {
        let conn = self.sqlite("encrypting or decrypting the catalogue file")?;
        conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        conn.execute(
            "ATTACH DATABASE ?1 AS converted KEY ?2",
            rusqlite::params![path.to_string_lossy(), key],
        )?;
        let result = (|| {
            conn.query_row("SELECT sqlcipher_export('converted')", [], |_| Ok(()))?;
            let version: i64 = conn.query_row("PRAGMA main.user_version", [], |r| r.get(0))?;
            conn.execute_batch(&format!("PRAGMA converted.user_version = {version};"))
        })();
        conn.execute_batch("DETACH DATABASE converted")?;
        Ok(result?)
    }

    /// The schema version of this catalogue.
    pub fn schema_version(&self) -> Result<i64> {
        Ok(match &self.conn {
            Conn::Sqlite(c) => c.query_row("PRAGMA user_version", [], |r| r.get(0))?,
            Conn::Pg(_) => self
                .conn
                .query_row(clinic::SCHEMA_VERSION_SQL, [], |r| r.get(0))?,
        })
    }

    /// Writes a consistent copy of the catalogue to `path` (a new file), while it stays open.
    pub fn copy_into(&self, path: &Path) -> Result<()> {
        let path = path.to_str().ok_or_else(|| CatalogueError::Invalid {
            field: "copy",
            reason: format!("{} is not a path SQLite can write to", path.display()),
        })?;
        self.sqlite(
            "copying the catalogue into a file (a clinic's database is backed up with pg_dump)",
        )?
        .execute("VACUUM INTO ?1", [path])?;
        Ok(())
    }

    /// `EXPLAIN QUERY PLAN` of a statement, one line per step, for tests that check indexes.
    pub fn explain(&self, sql: &str) -> Result<Vec<String>> {
        let conn = self.sqlite("EXPLAIN QUERY PLAN")?;
        let mut stmt = conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}"))?;
        let rows = stmt.query_map([], |r| r.get::<_, String>(3))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

/// An error opening the catalogue at `path`, naming a full disk as such.
fn open_error(path: &Path) -> impl Fn(rusqlite::Error) -> CatalogueError + '_ {
    move |source| {
        explain_io_error(
            CatalogueError::Open {
                path: path.to_owned(),
                source,
            },
            Some(path),
        )
    }
}

/// `SQLite` reports a full disk as a plain I/O error when it is met writing the WAL index:
/// say what it is when the disk holding the catalogue is (all but) full.
fn explain_io_error(e: CatalogueError, path: Option<&Path>) -> CatalogueError {
    let io = match &e {
        CatalogueError::Sql(source) | CatalogueError::Open { source, .. } => matches!(
            source.sqlite_error_code(),
            Some(rusqlite::ErrorCode::SystemIoFailure | rusqlite::ErrorCode::DiskFull)
        ),
        _ => false,
    };
    match path.filter(|p| !p.as_os_str().is_empty()) {
        Some(path) if io && disk_nearly_full(path) => CatalogueError::DiskFull,
        _ => e,
    }
}

/// Whether the file system holding `path` has (almost) no room left.
#[cfg(unix)]
pub fn disk_nearly_full(path: &Path) -> bool {
    let dir = path.parent().unwrap_or(path);
    rustix::fs::statvfs(dir).is_ok_and(|s| s.f_bavail.saturating_mul(s.f_frsize) < 4 << 20)
}

#[cfg(not(unix))]
pub fn disk_nearly_full(_path: &Path) -> bool {
    false
}

/// Keys a SQLCipher connection and checks the key by reading the schema.
pub(crate) fn apply_key(conn: &Connection, key: &str) -> rusqlite::Result<()> {
    conn.execute_batch(&format!("PRAGMA key = \"{key}\";"))?;
    conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| {
        r.get::<_, i64>(0)
    })?;
    Ok(())
}

/// `path` as a URI that opens it immutable: read as it is, no locks, no shared memory.
fn immutable_uri(path: &Path) -> String {
    let mut uri = String::from("file:");
    for &b in path.as_os_str().as_encoded_bytes() {
        if b.is_ascii_graphic() && !matches!(b, b'?' | b'#' | b'%') || b == b' ' {
            uri.push(char::from(b));
        } else {
            let _ = write!(uri, "%{b:02X}");
        }
    }
    uri.push_str("?immutable=1");
    uri
}

/// A read-only connection: nothing that writes (not even the journal mode).
fn configure_read_only(conn: &mut Connection) -> rusqlite::Result<()> {
    conn.busy_timeout(BUSY_TIMEOUT)?;
    conn.pragma_update(None, "foreign_keys", true)?;
    conn.pragma_update(None, "temp_store", "MEMORY")?;
    // Reading the schema fails here, not at the first query, when the file cannot be read.
    conn.query_row("PRAGMA user_version", [], |r| r.get::<_, i64>(0))?;
    Ok(())
}

/// Set only by `bench import --unsynced`, to measure what durable commits cost.
static UNSYNCED_FOR_BENCHMARKS: std::sync::atomic::AtomicBool =
    std::sync::atomic::AtomicBool::new(false);

/// Makes this process's catalogue commits unsynced (`synchronous=NORMAL`, as before imports
/// were made durable). For benchmarks only: a power cut can then lose reported imports.
pub fn relax_durability_for_benchmarks() {
    UNSYNCED_FOR_BENCHMARKS.store(true, std::sync::atomic::Ordering::Relaxed);
}

/// Pragmas are per connection, so every connection gets them, outside the migrations.
fn configure(conn: &mut Connection) -> rusqlite::Result<()> {
    conn.busy_timeout(BUSY_TIMEOUT)?;
    // Sorts and temporary tables stay in memory: nothing of the catalogue in /tmp.
    conn.pragma_update(None, "temp_store", "MEMORY")?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    // FULL: in WAL mode every commit is synced to disk before it returns, so what is
    // reported saved (an `imported` line) survives a power cut, not only a crash.
    let relaxed = UNSYNCED_FOR_BENCHMARKS.load(std::sync::atomic::Ordering::Relaxed);
    conn.pragma_update(None, "synchronous", if relaxed { "NORMAL" } else { "FULL" })?;
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
    // A table rebuild drops the old table; with foreign keys on that would cascade into every
    // table pointing at it. The pragma only works outside a transaction, hence here.
    conn.pragma_update(None, "foreign_keys", false)?;
    let result = migrations().to_latest(conn);
    conn.pragma_update(None, "foreign_keys", true)?;
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

    /// Two workstations write the same row: the one whose snapshot went stale loses the
    /// serializable race, and its write runs again on a fresh snapshot instead of failing.
    #[test]
    fn a_write_that_loses_a_race_on_postgresql_runs_again() {
        let (config, database) = crate::testing::clinic_database();
        let admin = crate::testing::admin_name(&database);
        let open = || Catalogue::open_clinic(&config, &admin, crate::testing::ADMIN_PASSWORD);
        let (mut ours, mut theirs) = (open().unwrap(), open().unwrap());
        ours.set_setting("counter", Some("0")).unwrap();
        let mut attempts = 0;
        let seen = ours
            .write(|tx| {
                attempts += 1;
                let seen: String =
                    tx.query_row("SELECT value FROM setting WHERE key = 'counter'", [], |r| {
                        r.get(0)
                    })?;
                if attempts == 1 {
                    // Another workstation commits meanwhile.
                    theirs.set_setting("counter", Some("1"))?;
                }
                let next = (seen.parse::<i64>().unwrap_or(0) + 10).to_string();
                tx.execute(
                    "UPDATE setting SET value = ?1 WHERE key = 'counter'",
                    [next],
                )?;
                Ok(seen)
            })
            .unwrap();
        assert_eq!(attempts, 2, "lost once, then won");
        assert_eq!(seen, "1", "the second run saw their commit");
        assert_eq!(ours.setting("counter").unwrap().as_deref(), Some("11"));
        assert_eq!(theirs.setting("counter").unwrap().as_deref(), Some("11"));
    }
}

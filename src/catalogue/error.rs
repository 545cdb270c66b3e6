//! What can go wrong in the catalogue, in words for a person, on either backend.

use super::db;
use std::path::PathBuf;

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
    #[error(
        "catalogue {path} has schema version {found} and needs upgrading to {latest}: open it once to change something (import, or the app)"
    )]
    NeedsUpgrade {
        path: PathBuf,
        found: usize,
        latest: usize,
    },
    #[error(
        "catalogue {path} cannot be read with this library's key (damaged, or not this library's catalogue)"
    )]
    WrongKey { path: PathBuf },
    #[error("database error: {0}")]
    Sql(rusqlite::Error),
    #[error(
        "the disk holding the library is full: free some space and try again (nothing was half-written)"
    )]
    DiskFull,
    #[error("the library is read-only here: it can be listed and exported from, not changed")]
    ReadOnly,
    #[error(
        "the library is busy: another Skinlapse window or command is writing to it; try again in a moment"
    )]
    Busy,
    #[error("{what} {id} does not exist")]
    NotFound { what: &'static str, id: i64 },
    #[error("{field}: {reason}")]
    Invalid { field: &'static str, reason: String },
    /// A rule of the record refused the command (see `model::rules`).
    #[error(transparent)]
    Refused(#[from] crate::model::rules::Refusal),
    #[error("{0}")]
    UnknownTerm(String),
    /// The clinic's database server (or the network to it) is gone; the transaction was
    /// rolled back as a whole.
    #[error("the clinic database {database} cannot be reached: nothing was half-saved; try again")]
    Offline { database: String },
    /// The signed-in user's role does not allow it (the database refused: SQLSTATE 42501).
    #[error("your role may not do this: {action}")]
    Forbidden { action: String },
    /// The clinic database refused the sign-in.
    #[error(
        "the clinic database {database} refused the sign-in: the user name or the password is wrong, or the user is disabled"
    )]
    SignIn { database: String },
    /// Someone else saved the row since it was read (optimistic concurrency). The row is
    /// named as a person knows it now (`name`: "“Ada King”", "of 2026-03-01"), after the
    /// other's change.
    #[error("{what} {name} was changed by {by} at {at}; it was reloaded — make your change again")]
    Conflict {
        what: &'static str,
        id: i64,
        name: String,
        by: String,
        at: String,
    },
    /// An import's claim on its bytes was gone when it came to commit: another workstation's
    /// recovery took this process for dead (it was out of the database's reach) and rolled
    /// the import back. Nothing of it was saved.
    #[error(
        "the import of {hash} was rolled back meanwhile by another workstation (this one was out of reach of the clinic database): nothing of it was saved; import it again"
    )]
    ClaimLost { hash: String },
    /// A SQLite-only operation asked of a clinic's PostgreSQL catalogue.
    #[error("not available on a clinic's PostgreSQL catalogue: {what}")]
    Unsupported { what: &'static str },
    #[error(
        "the clinic database {database} has schema version {found}, older than this Skinlapse needs ({latest}): the clinic's database administrator upgrades it first (skinlapse --library DIR clinic upgrade, with PGUSER and PGPASSWORD of the account that made the clinic)"
    )]
    ClinicNeedsUpgrade {
        database: String,
        found: usize,
        latest: usize,
    },
    #[error(
        "the clinic database {database} has schema version {found}, newer than this Skinlapse understands ({latest}); update Skinlapse"
    )]
    ClinicTooNew {
        database: String,
        found: usize,
        latest: usize,
    },
    /// A rule of the clinic's database refused (a definer function's SQLSTATE SL001).
    #[error("{0}")]
    ClinicRefused(String),
    /// A PostgreSQL error the catalogue has no better words for.
    #[error("clinic database: {0}")]
    Server(String),
}

impl From<rusqlite::Error> for CatalogueError {
    fn from(e: rusqlite::Error) -> Self {
        if let Some(pg) = db::pg_failure(&e) {
            return Self::from_pg(pg);
        }
        match e.sqlite_error_code() {
            Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked) => {
                Self::Busy
            }
            Some(rusqlite::ErrorCode::DiskFull) => Self::DiskFull,
            Some(rusqlite::ErrorCode::ReadOnly) => Self::ReadOnly,
            _ => Self::Sql(e),
        }
    }
}

impl CatalogueError {
    fn from_pg(pg: &db::PgFailure) -> Self {
        let message = pg.to_string();
        if pg.is_offline() {
            return Self::Offline {
                database: pg.database.clone(),
            };
        }
        // A lost race, or this connection's `lock_timeout` ran out behind another
        // workstation's write: busy, as SQLite's busy timeout is.
        if pg.is_retryable() || pg.is_lock_timeout() {
            return Self::Busy;
        }
        match pg.code() {
            Some("42501") => Self::Forbidden { action: message },
            Some("SL001") => Self::ClinicRefused(message),
            Some("25006") => Self::ReadOnly,
            Some("53100") => Self::DiskFull,
            _ => Self::Server(message),
        }
    }
}

pub type Result<T, E = CatalogueError> = std::result::Result<T, E>;

//! One connection of either backend, with the rusqlite-shaped methods the catalogue calls.
//!
//! The catalogue's SQL is written once, in the subset SQLite and PostgreSQL share, with
//! SQLite's `?N` placeholders. rusqlite's `ToSql`/`FromSql` stay the one conversion layer for
//! both backends: on PostgreSQL a parameter is what `ToSql::to_sql()` gives, sent as the type
//! the prepared statement asks for, and a column is read by building a rusqlite `ValueRef`
//! from it and calling `FromSql::column_result` — so ids, keyed enums and chrono text read
//! and write the same bytes on both. PostgreSQL errors travel boxed inside a
//! `rusqlite::Error` (as [`PgFailure`]), so `?` and `.optional()` work unchanged; the
//! catalogue's error conversion unwraps them.
//!
//! This is the only file that names both drivers.

use super::clinic::Role;
use super::pg_value::{PgParam, from_sql_error, owned, pg_value};
use rusqlite::types::{FromSql, ToSql, ValueRef};
use std::cell::{Cell, RefCell};
use std::collections::HashMap;

/// Which engine holds a catalogue.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    /// The embedded default: one file in the library folder.
    Sqlite,
    /// A clinic's database server.
    Postgres,
}

/// A connection of either backend.
pub(crate) enum Conn {
    Sqlite(rusqlite::Connection),
    Pg(Box<PgConn>),
}

impl std::fmt::Debug for Conn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Sqlite(c) => f.debug_tuple("Sqlite").field(c).finish(),
            Self::Pg(c) => f
                .debug_struct("Pg")
                .field("database", &c.database)
                .field("user", &c.user)
                .finish_non_exhaustive(),
        }
    }
}

/// A signed-in connection to a clinic's PostgreSQL database.
pub(crate) struct PgConn {
    client: RefCell<postgres::Client>,
    in_tx: Cell<bool>,
    /// The last statement gave up waiting for another transaction's lock (`lock_timeout`).
    gave_up_waiting: Cell<bool>,
    statements: RefCell<HashMap<String, postgres::Statement>>,
    /// `HOST/DB`, for messages.
    pub(crate) database: String,
    pub(crate) user: String,
    pub(crate) role: Option<Role>,
    /// How to sign in again (the signed-in user's, password included) after the connection
    /// was lost: the next operation outside a transaction reconnects, so "try again" works
    /// once the network is back.
    again: postgres::Config,
    /// The last failure said the connection is gone (the server ended it, or the network),
    /// although the client may not have noticed its socket closing yet.
    lost: Cell<bool>,
}

/// A PostgreSQL error, with the database it came from (carried inside a `rusqlite::Error`).
#[derive(Debug)]
pub(crate) struct PgFailure {
    pub(crate) database: String,
    pub(crate) source: postgres::Error,
}

impl std::fmt::Display for PgFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.source.as_db_error() {
            Some(db) => {
                write!(f, "{}", db.message())?;
                if let Some(detail) = db.detail() {
                    write!(f, " ({detail})")?;
                }
                Ok(())
            }
            None => write!(f, "{}: {}", self.database, self.source),
        }
    }
}

impl std::error::Error for PgFailure {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.source)
    }
}

impl PgFailure {
    /// The SQLSTATE the server sent, if it sent one.
    pub(crate) fn code(&self) -> Option<&str> {
        self.source.code().map(postgres::error::SqlState::code)
    }

    /// The connection is gone or the server is shutting down: nothing of the transaction
    /// was kept.
    pub(crate) fn is_offline(&self) -> bool {
        self.source.is_closed()
            || self
                .code()
                .is_some_and(|c| c.starts_with("08") || c.starts_with("57P0"))
            || (self.source.as_db_error().is_none() && self.code().is_none())
    }

    /// Another transaction won a race; running the whole transaction again may succeed.
    pub(crate) fn is_retryable(&self) -> bool {
        matches!(self.code(), Some("40001" | "40P01"))
    }

    /// A statement waited `lock_timeout` for another transaction's row lock and gave up
    /// (`lock_not_available`): waiting again would only wait as long again.
    pub(crate) fn is_lock_timeout(&self) -> bool {
        self.code() == Some("55P03")
    }
}

/// The PostgreSQL failure inside `e`, if it is one.
pub(crate) fn pg_failure(e: &rusqlite::Error) -> Option<&PgFailure> {
    match e {
        rusqlite::Error::ToSqlConversionFailure(inner) => inner.downcast_ref::<PgFailure>(),
        _ => None,
    }
}

/// Whether `e` is a constraint violation (a unique key, a foreign key, a check) on either
/// backend.
pub(crate) fn is_constraint(e: &rusqlite::Error) -> bool {
    match e {
        rusqlite::Error::SqliteFailure(f, _) => f.code == rusqlite::ErrorCode::ConstraintViolation,
        _ => pg_failure(e)
            .and_then(PgFailure::code)
            .is_some_and(|c| c.starts_with("23")),
    }
}

/// The parameters of one statement, in the shapes the catalogue passes them (`[]`, `[x]`,
/// `params![…]`).
pub(crate) trait Params {
    fn with<R>(self, f: impl FnOnce(&[&dyn ToSql]) -> R) -> R;
}

impl Params for [&(dyn ToSql + Send + Sync); 0] {
    fn with<R>(self, f: impl FnOnce(&[&dyn ToSql]) -> R) -> R {
        f(&[])
    }
}

impl Params for &[&dyn ToSql] {
    fn with<R>(self, f: impl FnOnce(&[&dyn ToSql]) -> R) -> R {
        f(self)
    }
}

macro_rules! array_params {
    ($($n:literal)+) => {$(
        impl<T: ToSql> Params for [T; $n] {
            fn with<R>(self, f: impl FnOnce(&[&dyn ToSql]) -> R) -> R {
                let refs: Vec<&dyn ToSql> = self.iter().map(|v| v as &dyn ToSql).collect();
                f(&refs)
            }
        }
    )+};
}
array_params!(1 2 3 4 5 6 7 8);

/// A column index (rusqlite's calls spell `r.get::<_, T>(i)`).
pub(crate) trait RowIdx {
    fn index(&self) -> usize;
}

impl RowIdx for usize {
    fn index(&self) -> usize {
        *self
    }
}

/// One result row of either backend.
pub(crate) enum Row<'a> {
    Sqlite(&'a rusqlite::Row<'a>),
    Pg(&'a postgres::Row),
}

impl Row<'_> {
    /// The column as SQLite would give it.
    pub(crate) fn get_ref(&self, idx: usize) -> rusqlite::Result<ValueRef<'_>> {
        match self {
            Self::Sqlite(r) => r.get_ref(idx),
            Self::Pg(r) => pg_value(r, idx),
        }
    }

    pub(crate) fn get<I: RowIdx, T: FromSql>(&self, idx: I) -> rusqlite::Result<T> {
        let idx = idx.index();
        match self {
            Self::Sqlite(r) => r.get(idx),
            Self::Pg(r) => {
                let value = pg_value(r, idx)?;
                T::column_result(value).map_err(|e| from_sql_error(idx, value, e))
            }
        }
    }
}

/// SQLite-only spellings and their PostgreSQL counterparts, applied once per SQL text: an id
/// list passed as JSON text, and the unary `+` that keeps SQLite's planner off an index.
const DIALECT: &[(&str, &str)] = &[
    (
        "SELECT value FROM json_each(?1)",
        "SELECT CAST(value AS BIGINT) FROM jsonb_array_elements_text(CAST(CAST(?1 AS TEXT) AS JSONB))",
    ),
    ("ORDER BY +photo.", "ORDER BY photo."),
];

/// The PostgreSQL spelling of a catalogue statement: `?N` becomes `$N` (outside quoted text),
/// and the few SQLite-only fragments their counterparts.
pub(crate) fn pg_sql(sql: &str) -> String {
    let mut sql = sql.to_owned();
    for (sqlite, pg) in DIALECT {
        if sql.contains(sqlite) {
            sql = sql.replace(sqlite, pg);
        }
    }
    let mut out = String::with_capacity(sql.len() + 8);
    let mut quote: Option<char> = None;
    let mut next_anonymous = 1;
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        match quote {
            Some(q) => {
                out.push(c);
                if c == q {
                    quote = None;
                }
            }
            None if c == '\'' || c == '"' => {
                quote = Some(c);
                out.push(c);
            }
            None if c == '?' => {
                out.push('$');
                let mut digits = String::new();
                while let Some(d) = chars.peek().filter(|d| d.is_ascii_digit()) {
                    digits.push(*d);
                    chars.next();
                }
                if digits.is_empty() {
                    digits = next_anonymous.to_string();
                    next_anonymous += 1;
                }
                out.push_str(&digits);
            }
            None => out.push(c),
        }
    }
    out
}

impl PgConn {
    pub(crate) fn new(
        client: postgres::Client,
        database: String,
        user: String,
        role: Option<Role>,
        again: postgres::Config,
    ) -> Self {
        Self {
            client: RefCell::new(client),
            in_tx: Cell::new(false),
            gave_up_waiting: Cell::new(false),
            lost: Cell::new(false),
            statements: RefCell::new(HashMap::new()),
            database,
            user,
            role,
            again,
        }
    }

    /// A connection lost between transactions (the network or the server went away) is made
    /// again before the next one starts; inside a transaction a lost connection stays an
    /// error, because what the transaction did is gone with it.
    fn reconnect_if_lost(&self) -> rusqlite::Result<()> {
        // A server that ended the session says so (57P01) before the client sees the socket
        // close: going by the error, not only by the socket, "try again" never races it.
        if self.in_tx.get() || !(self.lost.get() || self.client.borrow().is_closed()) {
            return Ok(());
        }
        let mut client = self
            .again
            .connect(postgres::NoTls)
            .map_err(|e| self.fail(e))?;
        client
            .batch_execute("SET search_path = skinlapse, pg_temp")
            .map_err(|e| self.fail(e))?;
        *self.client.borrow_mut() = client;
        self.statements.borrow_mut().clear();
        self.lost.set(false);
        Ok(())
    }

    fn fail(&self, source: postgres::Error) -> rusqlite::Error {
        let failure = PgFailure {
            database: self.database.clone(),
            source,
        };
        self.gave_up_waiting.set(failure.is_lock_timeout());
        if failure.is_offline() {
            self.lost.set(true);
        }
        rusqlite::Error::ToSqlConversionFailure(Box::new(failure))
    }

    fn statement(&self, sql: &str) -> rusqlite::Result<postgres::Statement> {
        self.reconnect_if_lost()?;
        if let Some(s) = self.statements.borrow().get(sql) {
            return Ok(s.clone());
        }
        let stmt = self
            .client
            .borrow_mut()
            .prepare(&pg_sql(sql))
            .map_err(|e| self.fail(e))?;
        self.statements
            .borrow_mut()
            .insert(sql.to_owned(), stmt.clone());
        Ok(stmt)
    }

    fn values(params: &[&dyn ToSql]) -> rusqlite::Result<Vec<PgParam>> {
        params.iter().map(|p| owned(*p).map(PgParam)).collect()
    }

    /// Runs `run` with the prepared statement for `sql` and its parameters as PostgreSQL
    /// takes them.
    fn run<T>(
        &self,
        sql: &str,
        params: &[&dyn ToSql],
        run: impl FnOnce(
            &mut postgres::Client,
            &postgres::Statement,
            &[&(dyn postgres::types::ToSql + Sync)],
        ) -> Result<T, postgres::Error>,
    ) -> rusqlite::Result<T> {
        let stmt = self.statement(sql)?;
        let values = Self::values(params)?;
        let refs: Vec<&(dyn postgres::types::ToSql + Sync)> = values
            .iter()
            .map(|v| v as &(dyn postgres::types::ToSql + Sync))
            .collect();
        run(&mut self.client.borrow_mut(), &stmt, &refs).map_err(|e| self.fail(e))
    }

    fn query(&self, sql: &str, params: &[&dyn ToSql]) -> rusqlite::Result<Vec<postgres::Row>> {
        self.run(sql, params, |c, stmt, p| c.query(stmt, p))
    }

    fn execute(&self, sql: &str, params: &[&dyn ToSql]) -> rusqlite::Result<usize> {
        let n = self.run(sql, params, |c, stmt, p| c.execute(stmt, p))?;
        Ok(usize::try_from(n).unwrap_or(usize::MAX))
    }

    pub(crate) fn batch(&self, sql: &str) -> rusqlite::Result<()> {
        self.reconnect_if_lost()?;
        self.client
            .borrow_mut()
            .batch_execute(sql)
            .map_err(|e| self.fail(e))
    }
}

/// How a transaction starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Begin {
    /// Writes: SQLite takes the write lock up front; PostgreSQL runs serializable, so every
    /// check-then-act is as safe as under SQLite's single writer.
    Write,
    /// One consistent snapshot, nothing written.
    Read,
    /// One consistent snapshot of a patient's photos or record, whose view the clinic's
    /// audit trail records in the same transaction (PostgreSQL: read-write; SQLite: a read).
    AuditedRead,
}

impl Conn {
    pub(crate) fn backend(&self) -> Backend {
        match self {
            Self::Sqlite(_) => Backend::Sqlite,
            Self::Pg(_) => Backend::Postgres,
        }
    }

    /// The SQLite connection, for SQLite-only operations.
    pub(crate) fn sqlite(&self) -> Option<&rusqlite::Connection> {
        match self {
            Self::Sqlite(c) => Some(c),
            Self::Pg(_) => None,
        }
    }

    /// The last failure on PostgreSQL was a statement giving up waiting for another
    /// transaction's lock, after waiting all the time it was allowed: not worth running again.
    pub(crate) fn gave_up_waiting(&self) -> bool {
        match self {
            Self::Sqlite(_) => false,
            Self::Pg(c) => c.gave_up_waiting.get(),
        }
    }

    pub(crate) fn is_autocommit(&self) -> bool {
        match self {
            Self::Sqlite(c) => c.is_autocommit(),
            Self::Pg(c) => !c.in_tx.get(),
        }
    }

    pub(crate) fn begin(&self, how: Begin) -> rusqlite::Result<()> {
        match (self, how) {
            (Self::Sqlite(c), Begin::Write) => c.execute_batch("BEGIN IMMEDIATE"),
            (Self::Sqlite(c), Begin::Read | Begin::AuditedRead) => {
                c.execute_batch("BEGIN DEFERRED")
            }
            (Self::Pg(c), how) => {
                c.batch(match how {
                    Begin::Write => "BEGIN ISOLATION LEVEL SERIALIZABLE",
                    Begin::Read => "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
                    Begin::AuditedRead => "BEGIN ISOLATION LEVEL REPEATABLE READ",
                })?;
                c.in_tx.set(true);
                Ok(())
            }
        }
    }

    pub(crate) fn commit(&self) -> rusqlite::Result<()> {
        match self {
            Self::Sqlite(c) => c.execute_batch("COMMIT"),
            Self::Pg(c) => {
                let result = c.batch("COMMIT");
                c.in_tx.set(false);
                result
            }
        }
    }

    /// Ends the transaction without keeping anything; a failure leaves the engine to roll
    /// back by itself (SQLite) or with the session (PostgreSQL).
    pub(crate) fn rollback(&self) {
        match self {
            Self::Sqlite(c) => {
                if !c.is_autocommit() {
                    let _ = c.execute_batch("ROLLBACK");
                }
            }
            Self::Pg(c) => {
                if c.in_tx.get() {
                    let _ = c.batch("ROLLBACK");
                }
                c.in_tx.set(false);
            }
        }
    }

    pub(crate) fn execute<P: Params>(&self, sql: &str, params: P) -> rusqlite::Result<usize> {
        params.with(|p| match self {
            Self::Sqlite(c) => c.prepare_cached(sql)?.execute(p),
            Self::Pg(c) => c.execute(sql, p),
        })
    }

    pub(crate) fn query_row<T, P: Params>(
        &self,
        sql: &str,
        params: P,
        f: impl FnOnce(&Row<'_>) -> rusqlite::Result<T>,
    ) -> rusqlite::Result<T> {
        params.with(|p| match self {
            Self::Sqlite(c) => c.prepare_cached(sql)?.query_row(p, |r| f(&Row::Sqlite(r))),
            Self::Pg(c) => {
                let rows = c.query(sql, p)?;
                let row = rows.first().ok_or(rusqlite::Error::QueryReturnedNoRows)?;
                f(&Row::Pg(row))
            }
        })
    }

    /// Runs an `INSERT … RETURNING id` and gives the new row's id.
    pub(crate) fn insert_id<P: Params>(&self, sql: &str, params: P) -> rusqlite::Result<i64> {
        self.query_row(sql, params, |r| r.get(0))
    }

    pub(crate) fn prepare_cached(&self, sql: &str) -> rusqlite::Result<Stmt<'_>> {
        Ok(match self {
            Self::Sqlite(c) => Stmt::Cached(c.prepare_cached(sql)?),
            Self::Pg(c) => Stmt::Pg(c, sql.to_owned()),
        })
    }

    pub(crate) fn prepare(&self, sql: &str) -> rusqlite::Result<Stmt<'_>> {
        Ok(match self {
            Self::Sqlite(c) => Stmt::Plain(c.prepare(sql)?),
            Self::Pg(c) => Stmt::Pg(c, sql.to_owned()),
        })
    }
}

/// A prepared statement of either backend.
pub(crate) enum Stmt<'c> {
    Cached(rusqlite::CachedStatement<'c>),
    Plain(rusqlite::Statement<'c>),
    Pg(&'c PgConn, String),
}

impl<'c> Stmt<'c> {
    fn sqlite(&mut self) -> Option<&mut rusqlite::Statement<'c>> {
        match self {
            Self::Cached(s) => Some(s),
            Self::Plain(s) => Some(s),
            Self::Pg(..) => None,
        }
    }

    /// Every row, each mapped by `f` (read whole before `f` runs on PostgreSQL).
    pub(crate) fn query_map<T, P: Params>(
        &mut self,
        params: P,
        mut f: impl FnMut(&Row<'_>) -> rusqlite::Result<T>,
    ) -> rusqlite::Result<std::vec::IntoIter<rusqlite::Result<T>>> {
        params.with(|p| {
            let mapped: Vec<rusqlite::Result<T>> = match self {
                Self::Pg(c, sql) => c.query(sql, p)?.iter().map(|r| f(&Row::Pg(r))).collect(),
                s => {
                    let stmt = s.sqlite().expect("a SQLite statement");
                    stmt.query_map(p, |r| f(&Row::Sqlite(r)))?.collect()
                }
            };
            Ok(mapped.into_iter())
        })
    }

    pub(crate) fn query_row<T, P: Params>(
        &mut self,
        params: P,
        f: impl FnOnce(&Row<'_>) -> rusqlite::Result<T>,
    ) -> rusqlite::Result<T> {
        params.with(|p| match self {
            Self::Pg(c, sql) => {
                let rows = c.query(sql, p)?;
                let row = rows.first().ok_or(rusqlite::Error::QueryReturnedNoRows)?;
                f(&Row::Pg(row))
            }
            s => s
                .sqlite()
                .expect("a SQLite statement")
                .query_row(p, |r| f(&Row::Sqlite(r))),
        })
    }

    pub(crate) fn execute<P: Params>(&mut self, params: P) -> rusqlite::Result<usize> {
        params.with(|p| match self {
            Self::Pg(c, sql) => c.execute(sql, p),
            s => s.sqlite().expect("a SQLite statement").execute(p),
        })
    }

    pub(crate) fn exists<P: Params>(&mut self, params: P) -> rusqlite::Result<bool> {
        params.with(|p| match self {
            Self::Pg(c, sql) => Ok(!c.query(sql, p)?.is_empty()),
            s => s.sqlite().expect("a SQLite statement").exists(p),
        })
    }

    /// The rows, to step through with [`Rows::next`].
    pub(crate) fn query<P: Params>(&mut self, params: P) -> rusqlite::Result<Rows<'_>> {
        params.with(|p| match self {
            Self::Pg(c, sql) => Ok(Rows::Pg(c.query(sql, p)?.into_iter(), None)),
            s => Ok(Rows::Sqlite(
                s.sqlite().expect("a SQLite statement").query(p)?,
            )),
        })
    }
}

/// Rows being stepped through.
pub(crate) enum Rows<'s> {
    Sqlite(rusqlite::Rows<'s>),
    Pg(std::vec::IntoIter<postgres::Row>, Option<postgres::Row>),
}

impl Rows<'_> {
    #[allow(clippy::should_implement_trait)]
    pub(crate) fn next(&mut self) -> rusqlite::Result<Option<Row<'_>>> {
        match self {
            Self::Sqlite(rows) => Ok(rows.next()?.map(Row::Sqlite)),
            Self::Pg(rows, current) => {
                *current = rows.next();
                Ok(current.as_ref().map(Row::Pg))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_become_dollar_numbers_outside_literals() {
        assert_eq!(
            pg_sql("SELECT '?1', \"a?\" FROM t WHERE a = ?1 AND b = ?12 AND c = ?"),
            "SELECT '?1', \"a?\" FROM t WHERE a = $1 AND b = $12 AND c = $1"
        );
        assert_eq!(
            pg_sql("DELETE FROM x WHERE id IN (SELECT value FROM json_each(?1))"),
            "DELETE FROM x WHERE id IN (SELECT CAST(value AS BIGINT) FROM \
             jsonb_array_elements_text(CAST(CAST($1 AS TEXT) AS JSONB)))"
        );
    }
}

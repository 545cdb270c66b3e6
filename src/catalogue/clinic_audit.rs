//! A clinic's audit trail read back — a page at a time, newest first, by time and id (keyset
//! paging in the database, with the filters applied there), or the whole of it as a stream,
//! oldest first — and what a person's session adds to it: signing in and out. Only admins
//! read the trail; the database refuses anyone else.

use super::clinic::{ClinicError, ClinicSession};
use crate::model::idle;
use chrono::{DateTime, Utc};
use postgres::fallible_iterator::FallibleIterator as _;
use postgres::types::ToSql;

/// Which audit rows to show.
#[derive(Clone, Debug, Default)]
pub struct AuditFilter {
    /// The patient's name (ASCII case folded).
    pub patient: Option<String>,
    /// The user's name.
    pub user: Option<String>,
    /// From this moment on.
    pub since: Option<DateTime<Utc>>,
}

/// One recorded action.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditRow {
    /// The row's place in the trail (with `at`, where a page starts).
    pub id: i64,
    pub at: DateTime<Utc>,
    pub user: String,
    pub workstation: String,
    /// view, create, edit, import, export, consent, delete, sign-in, sign-out, user or
    /// settings.
    pub action: String,
    /// The table or kind of thing acted on (photo, person, consent…; for a sign-in, app or
    /// command).
    pub target_kind: String,
    pub target_id: Option<i64>,
    /// The patient's name when the action concerned one.
    pub patient: Option<String>,
    /// An export's or an edit's purpose.
    pub purpose: Option<String>,
    /// What changed, as JSON text.
    pub detail: Option<String>,
}

impl AuditRow {
    /// Where the page of rows older than this one starts.
    pub fn cursor(&self) -> AuditCursor {
        AuditCursor {
            at: self.at,
            id: self.id,
        }
    }
}

/// A place in the trail: a page starts just older than it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AuditCursor {
    pub at: DateTime<Utc>,
    pub id: i64,
}

/// One page of the trail, newest first.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AuditPage {
    pub rows: Vec<AuditRow>,
    /// Older rows follow.
    pub more: bool,
}

/// How a person got in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SignInVia {
    /// The app's sign-in window.
    App,
    /// A command's `--user`.
    Command,
}

impl SignInVia {
    pub fn key(self) -> &'static str {
        match self {
            Self::App => "app",
            Self::Command => "command",
        }
    }
}

/// Why the app signed out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SignOut {
    /// The Sign out button.
    ByHand,
    /// After this many minutes without input.
    Idle { minutes: u32 },
    /// The app was closed while signed in.
    Quit,
}

impl SignOut {
    fn reason(self) -> &'static str {
        match self {
            Self::ByHand => "signed out",
            Self::Idle { .. } => "idle",
            Self::Quit => "quit",
        }
    }
}

/// The first clinic schema with `record_sign_in` (pg/006).
const SIGN_IN_SCHEMA: usize = 6;

const COLUMNS: &str = "SELECT id, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.USZ'),
        user_name, workstation, action, target_kind, target_id, person_name, purpose,
        detail::TEXT
   FROM skinlapse.audit_event
  WHERE ($1::TEXT IS NULL OR lower(person_name) = lower($1))
    AND ($2::TEXT IS NULL OR user_name = $2)
    AND ($3::TEXT IS NULL OR at >= $3::TIMESTAMPTZ)";

fn row(r: &postgres::Row) -> Result<AuditRow, ClinicError> {
    let at: &str = r.get(1);
    Ok(AuditRow {
        id: r.get(0),
        at: DateTime::parse_from_rfc3339(at)
            .map(|t| t.with_timezone(&Utc))
            .map_err(|e| ClinicError::Refused(format!("a stored time {at}: {e}")))?,
        user: r.get(2),
        workstation: r.get(3),
        action: r.get(4),
        target_kind: r.get(5),
        target_id: r.get(6),
        patient: r.get(7),
        purpose: r.get(8),
        detail: r.get(9),
    })
}

impl ClinicSession {
    /// One page of the trail, newest first: at most `limit` rows older than `before` (from
    /// the newest when `None`) that `filter` lets through. The database filters, orders and
    /// stops at the page's end (by time and id, along an index), so a page costs the same
    /// however long the trail is.
    ///
    /// # Errors
    /// Not an admin, or the server is gone.
    pub fn audit_page(
        &mut self,
        filter: &AuditFilter,
        before: Option<AuditCursor>,
        limit: usize,
    ) -> Result<AuditPage, ClinicError> {
        let since = filter.since.map(|t| t.to_rfc3339());
        let before_at = before.map(|c| c.at.to_rfc3339());
        let before_id = before.map(|c| c.id);
        let take = i64::try_from(limit).unwrap_or(i64::MAX - 1) + 1;
        let err = self.err_for();
        let rows = self
            .client()
            .query(
                &format!(
                    "{COLUMNS}
                    AND ($4::TEXT IS NULL OR (at, id) < ($4::TIMESTAMPTZ, $5::BIGINT))
                  ORDER BY at DESC, id DESC
                  LIMIT $6"
                ),
                &[
                    &filter.patient,
                    &filter.user,
                    &since,
                    &before_at,
                    &before_id,
                    &take,
                ],
            )
            .map_err(&err)?;
        let more = rows.len() > limit;
        let rows = rows.iter().take(limit).map(row).collect::<Result<_, _>>()?;
        Ok(AuditPage { rows, more })
    }

    /// Every row of the trail `filter` lets through, oldest first, handed to `each` as it
    /// arrives from the server (never all of it in memory at once).
    ///
    /// # Errors
    /// Not an admin, or the server is gone.
    pub fn audit_each(
        &mut self,
        filter: &AuditFilter,
        mut each: impl FnMut(AuditRow),
    ) -> Result<(), ClinicError> {
        let since = filter.since.map(|t| t.to_rfc3339());
        let params: [&(dyn ToSql + Sync); 3] = [&filter.patient, &filter.user, &since];
        let err = self.err_for();
        let mut rows = self
            .client()
            .query_raw(&format!("{COLUMNS} ORDER BY at, id"), params)
            .map_err(&err)?;
        while let Some(r) = rows.next().map_err(&err)? {
            each(row(&r)?);
        }
        Ok(())
    }

    /// The whole trail `filter` lets through, oldest first.
    ///
    /// # Errors
    /// Not an admin, or the server is gone.
    pub fn audit(&mut self, filter: &AuditFilter) -> Result<Vec<AuditRow>, ClinicError> {
        let mut all = Vec::new();
        self.audit_each(filter, |r| all.push(r))?;
        Ok(all)
    }

    /// Records that the signed-in person signed in (once per sign-in, not per connection):
    /// who, when and from which workstation come from this connection. A clinic older than
    /// sign-in records (before schema 6, until `clinic upgrade`) records nothing; what it
    /// still allows works as before.
    ///
    /// # Errors
    /// The server is gone.
    pub fn record_sign_in(&mut self, via: SignInVia) -> Result<(), ClinicError> {
        let err = self.err_for();
        if super::clinic::schema_version(self.client()).map_err(&err)? < SIGN_IN_SCHEMA {
            return Ok(());
        }
        self.client()
            .execute("SELECT skinlapse.record_sign_in($1)", &[&via.key()])
            .map(drop)
            .map_err(err)
    }

    /// Records that the app signed this person out, and why.
    ///
    /// # Errors
    /// The server is gone.
    pub fn record_sign_out(&mut self, why: SignOut) -> Result<(), ClinicError> {
        let minutes = match why {
            SignOut::Idle { minutes } => Some(i32::try_from(minutes).unwrap_or(i32::MAX)),
            SignOut::ByHand | SignOut::Quit => None,
        };
        let err = self.err_for();
        self.client()
            .execute(
                "SELECT skinlapse.record_sign_out($1, $2)",
                &[&why.reason(), &minutes],
            )
            .map(drop)
            .map_err(err)
    }

    /// The clinic's idle time in minutes (the default when unset or unusable).
    ///
    /// # Errors
    /// The server is gone.
    pub fn idle_minutes(&mut self) -> Result<u32, ClinicError> {
        let err = self.err_for();
        let value: Option<String> = self
            .client()
            .query_opt(
                "SELECT value FROM skinlapse.setting WHERE key = $1",
                &[&idle::SETTING],
            )
            .map_err(err)?
            .map(|r| r.get(0));
        Ok(idle::from_setting(value.as_deref()))
    }

    /// Sets the clinic's idle time (admins only; the trail records the change, and every
    /// signed-in workstation applies it within seconds).
    ///
    /// # Errors
    /// Out of range (checked here and by the database), not an admin, or the server is gone.
    pub fn set_idle_minutes(&mut self, minutes: u32) -> Result<(), ClinicError> {
        let text = idle::check(minutes).map_err(ClinicError::Refused)?;
        let err = self.err_for();
        self.client()
            .execute(
                "INSERT INTO skinlapse.setting (key, value) VALUES ($1, $2)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                &[&idle::SETTING, &text],
            )
            .map(drop)
            .map_err(err)
    }
}

//! A clinic's PostgreSQL database: its roles, its schema, its users and its audit trail.
//!
//! Every Skinlapse user of a clinic is a PostgreSQL login role in one of the clinic's group
//! roles (admin ⊃ clinician ⊃ assistant), so the database itself enforces what each may
//! do, also for someone who connects with psql. Role names are cluster-wide, so they carry
//! the database's name as a prefix: two clinics on one server stay apart.

use chrono::{DateTime, Utc};
use postgres::{Client, Config, NoTls};

/// The PostgreSQL migrations, in order: file N brings a clinic database to version N. The
/// SQLite migrations are not replayed here: file 1 is the whole catalogue as they leave it.
const MIGRATIONS: &[&str] = &[
    include_str!("migrations/pg/001_catalogue.sql"),
    include_str!("migrations/pg/002_clinic.sql"),
    include_str!("migrations/pg/003_schema_version.sql"),
    include_str!("migrations/pg/004_import.sql"),
    include_str!("migrations/pg/005_record_export.sql"),
    include_str!("migrations/pg/006_sign_in_audit.sql"),
    include_str!("migrations/pg/007_parent_versions.sql"),
];

/// The schema version of a fully migrated clinic database.
pub fn latest_schema_version() -> usize {
    MIGRATIONS.len()
}

/// The schema version a signed-in catalogue reads (its search path is the clinic's schema).
pub(crate) const SCHEMA_VERSION_SQL: &str = "SELECT max(version) FROM schema_migration";

/// The version of the clinic schema in the database `client` is connected to: 0 without a
/// clinic, 2 for a clinic made before versions were recorded.
///
/// # Errors
/// The server is gone.
pub fn schema_version(client: &mut impl postgres::GenericClient) -> Result<usize, postgres::Error> {
    let row = client.query_one(
        "SELECT to_regnamespace('skinlapse') IS NOT NULL,
                to_regclass('skinlapse.schema_migration') IS NOT NULL",
        &[],
    )?;
    Ok(match (row.get::<_, bool>(0), row.get::<_, bool>(1)) {
        (false, _) => 0,
        (true, false) => 2,
        (true, true) => {
            let found: Option<i32> = client
                .query_one("SELECT max(version) FROM skinlapse.schema_migration", &[])?
                .get(0);
            found.map_or(0, |v| v as usize)
        }
    })
}

/// Applies the migrations after version `from` up to `to` in `tx` (as the clinic's owner) and
/// records every version up to `to`.
fn migrate(
    tx: &mut postgres::Transaction<'_>,
    prefix: &str,
    from: usize,
    to: usize,
) -> Result<(), postgres::Error> {
    tx.batch_execute(&format!(
        "SET LOCAL ROLE {}",
        ident(&role_name(prefix, "owner"))
    ))?;
    for (i, sql) in MIGRATIONS.iter().enumerate().take(to).skip(from) {
        tx.batch_execute(&with_roles(sql, prefix))?;
        if i == 0 {
            builtin_terms(tx)?;
        }
    }
    for version in 1..=to.min(MIGRATIONS.len()) {
        tx.execute(
            "INSERT INTO skinlapse.schema_migration (version) VALUES ($1) ON CONFLICT DO NOTHING",
            &[&(version as i32)],
        )?;
    }
    tx.batch_execute("RESET ROLE")
}

/// The built-in areas and concerns, made with the catalogue (before the audit triggers
/// exist: they are part of the schema, not anyone's action), so whoever signs in first (an
/// assistant, say, who may add terms but not change them) finds them.
fn builtin_terms(tx: &mut postgres::Transaction<'_>) -> Result<(), postgres::Error> {
    for (kind, list) in [
        ("area", crate::model::BUILTIN_AREAS),
        ("concern", crate::model::BUILTIN_CONCERNS),
    ] {
        for (key, name) in list {
            tx.execute(
                "INSERT INTO skinlapse.term (kind, key, name, builtin) VALUES ($1, $2, $3, 1)
                 ON CONFLICT (kind, key) DO UPDATE SET builtin = 1",
                &[&kind, key, name],
            )?;
        }
    }
    Ok(())
}

/// Brings the clinic in `database` to the latest schema, as the server account `bootstrap`
/// names (one that is a member of the clinic's owner role, as `create`'s account is). Safe
/// when several run at once: one waits for the other and then finds nothing to do.
/// Returns the version the database had.
///
/// # Errors
/// The server cannot be reached, the database holds no clinic, or a migration fails (then
/// nothing of it is kept).
pub fn upgrade(bootstrap: &Config, database: &str) -> Result<usize, ClinicError> {
    let mut config = bootstrap.clone();
    config.dbname(database);
    let mut db = config
        .connect(NoTls)
        .map_err(|source| ClinicError::Connect {
            database: database.to_owned(),
            source,
        })?;
    let user = bootstrap.get_user().unwrap_or("postgres").to_owned();
    let pg_err = |e| ClinicError::from_pg(e, &user);
    let mut tx = db.transaction().map_err(pg_err)?;
    tx.batch_execute("SELECT pg_advisory_xact_lock(hashtext('skinlapse-migrate'))")
        .map_err(pg_err)?;
    let found = schema_version(&mut tx).map_err(pg_err)?;
    if found == 0 {
        return Err(ClinicError::Refused(format!(
            "{database} holds no Skinlapse clinic: create one with `skinlapse clinic create`"
        )));
    }
    if found < MIGRATIONS.len() {
        migrate(&mut tx, &role_prefix(database), found, MIGRATIONS.len()).map_err(pg_err)?;
    }
    tx.commit().map_err(pg_err)?;
    Ok(found)
}

/// The clinic's group roles, in the order they are created.
const ROLE_KINDS: [&str; 5] = ["owner", "assistant", "clinician", "admin", "pending"];

/// What a user may do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// Users and settings, and everything a clinician does.
    Admin,
    /// Everything clinical; exports within the patient's consent.
    Clinician,
    /// Import, tag, compare; no export, no clinical record.
    Assistant,
}

impl Role {
    pub fn key(self) -> &'static str {
        match self {
            Self::Admin => "admin",
            Self::Clinician => "clinician",
            Self::Assistant => "assistant",
        }
    }

    /// # Errors
    /// A word that names no role, in a sentence.
    pub fn from_key(key: &str) -> Result<Self, ClinicError> {
        match key {
            "admin" => Ok(Self::Admin),
            "clinician" => Ok(Self::Clinician),
            "assistant" => Ok(Self::Assistant),
            other => Err(ClinicError::Refused(format!(
                "the role is admin, clinician or assistant, not \"{other}\""
            ))),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ClinicError {
    #[error("the clinic database {database} cannot be reached: {}", pg_message(.source))]
    Connect {
        database: String,
        #[source]
        source: postgres::Error,
    },
    #[error(
        "the server already has a user named {0}: user names are shared by every database on a server; choose another name"
    )]
    NameTaken(String),
    #[error("{database} already holds a Skinlapse clinic")]
    AlreadyClinic { database: String },
    /// A rule of the clinic refused (a definer function's SQLSTATE SL001).
    #[error("{0}")]
    Refused(String),
    /// The signed-in user's role does not allow it (SQLSTATE 42501).
    #[error("not allowed for {user}: {message}")]
    Forbidden { user: String, message: String },
    #[error("the audit trail is append-only: its rows cannot be changed or removed")]
    AuditImmutable,
    #[error("clinic database: {}", pg_message(.0))]
    Sql(postgres::Error),
}

/// What the server said, in its words (the driver's own text is only "db error").
fn pg_message(e: &postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => db.message().to_owned(),
        None => std::error::Error::source(e).map_or_else(|| e.to_string(), ToString::to_string),
    }
}

impl ClinicError {
    pub fn from_pg(e: postgres::Error, user: &str) -> Self {
        let Some(db) = e.as_db_error() else {
            return Self::Sql(e);
        };
        match db.code().code() {
            "SL001" => Self::Refused(db.message().to_owned()),
            "SL002" => Self::AuditImmutable,
            "42501" => Self::Forbidden {
                user: user.to_owned(),
                message: db.message().to_owned(),
            },
            _ => Self::Sql(e),
        }
    }
}

/// The prefix of a clinic's role names: the database's name in lower-case letters, digits
/// and underscores.
pub fn role_prefix(database: &str) -> String {
    let mut prefix: String = database
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .take(40)
        .collect();
    if prefix.is_empty() {
        prefix.push_str("clinic");
    }
    prefix
}

pub(super) fn role_name(prefix: &str, kind: &str) -> String {
    format!("{prefix}_{kind}")
}

/// A quoted SQL identifier.
pub(super) fn ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// A quoted SQL string literal.
fn literal(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

/// The clinic SQL with its role tokens replaced: `@@kind` by the plain name (inside string
/// literals), `@kind` by the quoted identifier.
pub(super) fn with_roles(sql: &str, prefix: &str) -> String {
    let mut out = sql.to_owned();
    for kind in ROLE_KINDS {
        out = out.replace(&format!("@@{kind}"), &role_name(prefix, kind));
        out = out.replace(&format!("@{kind}"), &ident(&role_name(prefix, kind)));
    }
    out
}

/// The server-side form of a password (SCRAM-SHA-256): clear text never reaches the server
/// or its logs.
pub fn password_verifier(password: &str) -> String {
    postgres_protocol::password::scram_sha_256(password.as_bytes())
}

/// Creates a clinic in `database` on the server `bootstrap` reaches (an account that may
/// create databases and roles): the database when it is missing, the clinic's roles, its
/// schema and the first admin, `admin`, whose password is `admin_password`.
///
/// # Errors
/// The server cannot be reached, the database already holds a clinic, or the admin's name
/// is not a valid user name.
pub fn create(
    bootstrap: &Config,
    database: &str,
    admin: &str,
    admin_password: &str,
) -> Result<(), ClinicError> {
    create_at_version(bootstrap, database, admin, admin_password, MIGRATIONS.len())
}

/// [`create`] as an older Skinlapse did: the clinic's schema only up to `version` (at least
/// 3, the first that records versions). For tests of `clinic upgrade`.
///
/// # Errors
/// As [`create`].
#[doc(hidden)]
pub fn create_at_version(
    bootstrap: &Config,
    database: &str,
    admin: &str,
    admin_password: &str,
    version: usize,
) -> Result<(), ClinicError> {
    check_user_name(admin)?;
    let connect_err = |source| ClinicError::Connect {
        database: database.to_owned(),
        source,
    };
    let bootstrap_user = bootstrap.get_user().unwrap_or("postgres").to_owned();
    let pg_err = |e| ClinicError::from_pg(e, &bootstrap_user);
    let prefix = role_prefix(database);
    {
        let mut server = bootstrap.connect(NoTls).map_err(connect_err)?;
        let exists = server
            .query_opt("SELECT 1 FROM pg_database WHERE datname = $1", &[&database])
            .map_err(pg_err)?
            .is_some();
        if !exists {
            server
                .batch_execute(&format!(
                    "CREATE DATABASE {} TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'",
                    ident(database)
                ))
                .map_err(pg_err)?;
        }
        for kind in ROLE_KINDS {
            let name = role_name(&prefix, kind);
            let found = server
                .query_opt("SELECT 1 FROM pg_roles WHERE rolname = $1", &[&name])
                .map_err(pg_err)?
                .is_some();
            if found {
                continue;
            }
            let member_of = match kind {
                "clinician" => format!(" IN ROLE {}", ident(&role_name(&prefix, "assistant"))),
                "admin" => format!(" IN ROLE {}", ident(&role_name(&prefix, "clinician"))),
                "owner" => " CREATEROLE".to_owned(),
                _ => String::new(),
            };
            server
                .batch_execute(&format!("CREATE ROLE {} NOLOGIN{member_of}", ident(&name)))
                .map_err(pg_err)?;
        }
    }
    let mut config = bootstrap.clone();
    config.dbname(database);
    let mut db = config.connect(NoTls).map_err(connect_err)?;
    let has_schema = db
        .query_opt(
            "SELECT 1 FROM pg_namespace WHERE nspname = 'skinlapse'",
            &[],
        )
        .map_err(pg_err)?
        .is_some();
    if has_schema {
        return Err(ClinicError::AlreadyClinic {
            database: database.to_owned(),
        });
    }
    let admin_exists = db
        .query_opt("SELECT 1 FROM pg_roles WHERE rolname = $1", &[&admin])
        .map_err(pg_err)?
        .is_some();
    if admin_exists {
        return Err(ClinicError::NameTaken(admin.to_owned()));
    }
    let owner = ident(&role_name(&prefix, "owner"));
    let mut tx = db.transaction().map_err(pg_err)?;
    tx.batch_execute(&format!(
        "GRANT pg_signal_backend TO {owner};
         GRANT CREATE ON DATABASE {db} TO {owner};
         REVOKE ALL ON DATABASE {db} FROM PUBLIC;
         GRANT CONNECT ON DATABASE {db} TO {assistant}, {pending};",
        db = ident(database),
        assistant = ident(&role_name(&prefix, "assistant")),
        pending = ident(&role_name(&prefix, "pending")),
    ))
    .map_err(pg_err)?;
    migrate(&mut tx, &prefix, 0, version.clamp(3, MIGRATIONS.len())).map_err(pg_err)?;
    tx.batch_execute(&format!(
        "CREATE ROLE {admin} LOGIN PASSWORD {verifier} IN ROLE {admins};
         INSERT INTO skinlapse.app_user (name, role, must_change_password, created_by)
             VALUES ({admin_text}, 'admin', false, 'clinic create');
         INSERT INTO skinlapse.setting (key, value) VALUES ('mode', 'clinic');",
        admin = ident(admin),
        verifier = literal(&password_verifier(admin_password)),
        admins = ident(&role_name(&prefix, "admin")),
        admin_text = literal(admin),
    ))
    .map_err(pg_err)?;
    tx.commit().map_err(pg_err)
}

fn check_user_name(name: &str) -> Result<(), ClinicError> {
    let ok = name.len() <= 63
        && name
            .bytes()
            .next()
            .is_some_and(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b));
    if ok {
        Ok(())
    } else {
        Err(ClinicError::Refused(format!(
            "a user name is lower-case letters, digits, \".\", \"_\" or \"-\": \"{name}\" is not"
        )))
    }
}

/// A user as an admin sees them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UserRow {
    pub name: String,
    pub role: Role,
    pub must_change_password: bool,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    pub disabled_at: Option<DateTime<Utc>>,
}

pub use super::clinic_audit::{AuditCursor, AuditFilter, AuditPage, AuditRow, SignInVia, SignOut};

/// One signed-in user's connection to the clinic database.
pub struct ClinicSession {
    user: String,
    client: Client,
}

impl std::fmt::Debug for ClinicSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClinicSession")
            .field("user", &self.user)
            .finish_non_exhaustive()
    }
}

impl ClinicSession {
    /// Signs `user` in with `password`; the server checks both.
    ///
    /// # Errors
    /// The server cannot be reached, or it refuses the user or the password (it does not say
    /// which, and neither do we).
    pub fn sign_in(server: &Config, user: &str, password: &str) -> Result<Self, ClinicError> {
        let mut config = server.clone();
        config
            .user(user)
            .password(password)
            .application_name(&workstation());
        let database = config.get_dbname().unwrap_or_default().to_owned();
        let client = config
            .connect(NoTls)
            .map_err(|source| ClinicError::Connect {
                database: database.clone(),
                source,
            })?;
        Ok(Self {
            user: user.to_owned(),
            client,
        })
    }

    fn err(&self) -> impl Fn(postgres::Error) -> ClinicError + '_ {
        |e| ClinicError::from_pg(e, &self.user)
    }

    /// [`Self::err`] that does not borrow the session (so the client can be borrowed).
    pub(super) fn err_for(&self) -> impl Fn(postgres::Error) -> ClinicError + use<> {
        let user = self.user.clone();
        move |e| ClinicError::from_pg(e, &user)
    }

    /// Adds a user who must change `first_password` at their first sign-in (admins only).
    ///
    /// # Errors
    /// Not an admin, a bad name, or the name is taken.
    pub fn add_user(
        &mut self,
        name: &str,
        role: Role,
        first_password: &str,
    ) -> Result<(), ClinicError> {
        check_user_name(name)?;
        let verifier = password_verifier(first_password);
        self.client
            .execute(
                "SELECT skinlapse.user_add($1, $2, $3)",
                &[&name, &role.key(), &verifier],
            )
            .map(drop)
            .map_err(self.err())
    }

    /// Changes the signed-in user's password; the first change also gives them their role.
    ///
    /// # Errors
    /// The user is disabled or the server is gone.
    pub fn change_password(&mut self, new_password: &str) -> Result<(), ClinicError> {
        let verifier = password_verifier(new_password);
        self.client
            .execute("SELECT skinlapse.change_password($1)", &[&verifier])
            .map(drop)
            .map_err(self.err())
    }

    /// Disables a user: no more sign-ins, their open sessions end (admins only).
    ///
    /// # Errors
    /// Not an admin, no such user, yourself, or the last admin.
    pub fn disable_user(&mut self, name: &str) -> Result<(), ClinicError> {
        self.client
            .execute("SELECT skinlapse.user_disable($1)", &[&name])
            .map(drop)
            .map_err(self.err())
    }

    /// Every user (an admin), or only oneself (anyone else: row security).
    ///
    /// # Errors
    /// The server is gone.
    pub fn users(&mut self) -> Result<Vec<UserRow>, ClinicError> {
        let rows = self
            .client
            .query(
                "SELECT name, role, must_change_password, created_by,
                        to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.USZ'),
                        to_char(disabled_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.USZ')
                   FROM skinlapse.app_user ORDER BY name",
                &[],
            )
            .map_err(self.err())?;
        rows.iter()
            .map(|r| {
                let parse = |s: &str| {
                    DateTime::parse_from_rfc3339(s)
                        .map(|t| t.with_timezone(&Utc))
                        .map_err(|e| ClinicError::Refused(format!("a stored time {s}: {e}")))
                };
                Ok(UserRow {
                    name: r.get(0),
                    role: Role::from_key(r.get(1))?,
                    must_change_password: r.get(2),
                    created_by: r.get(3),
                    created_at: parse(r.get(4))?,
                    disabled_at: r.get::<_, Option<&str>>(5).map(parse).transpose()?,
                })
            })
            .collect()
    }

    /// The signed-in user's role, or `None` until their first password change.
    ///
    /// # Errors
    /// The server is gone.
    pub fn role(&mut self) -> Result<Option<Role>, ClinicError> {
        let row = self
            .client
            .query_one(
                "SELECT pg_has_role(session_user, skinlapse.role_of('admin'), 'MEMBER'),
                        pg_has_role(session_user, skinlapse.role_of('clinician'), 'MEMBER'),
                        pg_has_role(session_user, skinlapse.role_of('assistant'), 'MEMBER')",
                &[],
            )
            .map_err(self.err())?;
        Ok(if row.get(0) {
            Some(Role::Admin)
        } else if row.get(1) {
            Some(Role::Clinician)
        } else if row.get::<_, bool>(2) {
            Some(Role::Assistant)
        } else {
            None
        })
    }

    /// The connection, for the catalogue on PostgreSQL.
    pub(crate) fn into_client(self) -> Client {
        self.client
    }

    /// The raw connection, for the catalogue on PostgreSQL and for tests.
    pub fn client(&mut self) -> &mut Client {
        &mut self.client
    }
}

/// This machine's name, which the audit trail records for each connection.
pub fn workstation() -> String {
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .or_else(|_| std::fs::read_to_string("/etc/hostname"))
        .unwrap_or_default();
    let host = host.trim();
    format!(
        "skinlapse@{}",
        if host.is_empty() { "unknown" } else { host }
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_tokens_become_prefixed_names() {
        let sql = with_roles("GRANT x TO @admin; SELECT '@@pending'", "c_1");
        assert_eq!(sql, "GRANT x TO \"c_1_admin\"; SELECT 'c_1_pending'");
        assert_eq!(role_prefix("Clinic-North 2"), "clinic_north_2");
    }

    #[test]
    fn user_names_are_checked_before_the_server_sees_them() {
        assert!(check_user_name("maria.k").is_ok());
        let e = check_user_name("Maria K").unwrap_err().to_string();
        assert!(e.contains("\"Maria K\" is not"), "{e}");
        assert!(check_user_name("").is_err());
    }

    #[test]
    fn passwords_leave_as_scram_verifiers() {
        let v = password_verifier("secret");
        assert!(v.starts_with("SCRAM-SHA-256$4096:"), "{v}");
        assert!(!v.contains("secret"));
    }
}

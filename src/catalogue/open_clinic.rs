//! Opening a clinic's catalogue on PostgreSQL: sign in, check the schema, and from then on
//! the same `Catalogue` operations as on a personal library.

use super::clinic::{self, ClinicError, ClinicSession};
use super::db::{Conn, PgConn};
use super::{Catalogue, CatalogueError, Result};

/// `HOST/DB` of a server configuration, for messages.
pub(crate) fn describe(server: &postgres::Config) -> String {
    let host = server.get_hosts().first().map_or_else(
        || "localhost".to_owned(),
        |h| match h {
            postgres::config::Host::Tcp(name) => name.clone(),
            postgres::config::Host::Unix(path) => path.display().to_string(),
        },
    );
    format!("{host}/{}", server.get_dbname().unwrap_or("postgres"))
}

impl Catalogue {
    /// Signs `user` in to the clinic database `server` names and opens its catalogue: the
    /// connection carries this workstation's name (the audit trail records it), works in the
    /// clinic's schema, and the database's role rules apply to everything it does.
    ///
    /// # Errors
    /// `SignIn` when the server refuses the user or the password, `Offline` when it cannot be
    /// reached, `ClinicNeedsUpgrade`/`ClinicTooNew` when its schema is not this release's.
    pub fn open_clinic(server: &postgres::Config, user: &str, password: &str) -> Result<Self> {
        let database = describe(server);
        let mut session = ClinicSession::sign_in(server, user, password)
            .map_err(|e| sign_in_error(e, &database))?;
        let role = session.role().map_err(|e| sign_in_error(e, &database))?;
        let mut client = session.into_client();
        let pg_err = |source| {
            CatalogueError::from(rusqlite::Error::ToSqlConversionFailure(Box::new(
                super::db::PgFailure {
                    database: database.clone(),
                    source,
                },
            )))
        };
        let found = clinic::schema_version(&mut client).map_err(pg_err)?;
        let latest = clinic::latest_schema_version();
        if found < latest {
            return Err(CatalogueError::ClinicNeedsUpgrade {
                database,
                found,
                latest,
            });
        }
        if found > latest {
            return Err(CatalogueError::ClinicTooNew {
                database,
                found,
                latest,
            });
        }
        client
            .batch_execute("SET search_path = skinlapse, pg_temp")
            .map_err(pg_err)?;
        let mut catalogue = Self {
            conn: Conn::Pg(Box::new(PgConn::new(
                client,
                database,
                user.to_owned(),
                role,
            ))),
        };
        if role.is_some() {
            catalogue.ensure_builtin_terms()?;
        }
        Ok(catalogue)
    }
}

fn sign_in_error(e: ClinicError, database: &str) -> CatalogueError {
    match e {
        ClinicError::Connect { source, .. } => {
            match source.code().map(postgres::error::SqlState::code) {
                Some("28P01" | "28000") => CatalogueError::SignIn {
                    database: database.to_owned(),
                },
                _ => CatalogueError::Offline {
                    database: database.to_owned(),
                },
            }
        }
        ClinicError::Forbidden { message, .. } => CatalogueError::Forbidden { action: message },
        other => CatalogueError::Server(other.to_string()),
    }
}

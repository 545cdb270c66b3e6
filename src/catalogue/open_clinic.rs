//! Opening a clinic's catalogue on PostgreSQL: sign in, check the schema, and from then on
//! the same `Catalogue` operations as on a personal library.

use super::clinic::{self, ClinicError, ClinicSession};
use super::db::{Conn, PgConn};
use super::{Catalogue, CatalogueError, Result};

/// How long signing in waits for a server that does not answer.
const CONNECT_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

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
        let mut server = server.clone();
        // A server that is gone is said so in seconds, not after the system's TCP timeout.
        if server.get_connect_timeout().is_none() {
            server.connect_timeout(CONNECT_TIMEOUT);
        }
        server.keepalives(true);
        let mut again = server.clone();
        again
            .user(user)
            .password(password)
            .application_name(&clinic::workstation());
        let mut session = ClinicSession::sign_in(&server, user, password)
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
                again,
            ))),
        };
        // A clinic has its built-in terms from `clinic::create`; one a newer Skinlapse adds
        // is added at a clinician's or an admin's sign-in (an assistant may not change terms).
        if matches!(role, Some(clinic::Role::Clinician | clinic::Role::Admin)) {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue::{Backend, NewGrade};
    use crate::model::clinical::GradeScale;
    use crate::testing::{self, ADMIN_PASSWORD, admin_name, clinic_database, pg};

    fn superuser(database: &str) -> postgres::Client {
        pg::cluster()
            .superuser(database)
            .connect(postgres::NoTls)
            .expect("the superuser connects")
    }

    #[test]
    fn open_clinic_signs_in_with_the_role_and_refuses_a_wrong_password() {
        let (config, database) = clinic_database();
        let admin = admin_name(&database);
        let cat = Catalogue::open_clinic(&config, &admin, ADMIN_PASSWORD).unwrap();
        assert_eq!(cat.backend(), Backend::Postgres);
        assert_eq!(cat.role(), Some(clinic::Role::Admin));
        assert_eq!(
            cat.schema_version().unwrap(),
            clinic::latest_schema_version() as i64
        );
        let e = Catalogue::open_clinic(&config, &admin, "not the password").unwrap_err();
        assert!(matches!(e, CatalogueError::SignIn { .. }), "{e:?}");
        let text = e.to_string();
        assert!(text.contains(&format!("127.0.0.1/{database}")), "{text}");
        // The app's workstation name reaches the server (the audit trail records it).
        let names: Vec<String> = superuser(&database)
            .query(
                "SELECT application_name FROM pg_stat_activity WHERE usename = $1",
                &[&admin],
            )
            .unwrap()
            .iter()
            .map(|r| r.get(0))
            .collect();
        assert_eq!(names, vec![clinic::workstation()]);
        let on_sqlite = Catalogue::open_in_memory().unwrap();
        assert_eq!(
            (on_sqlite.backend(), on_sqlite.role()),
            (Backend::Sqlite, None)
        );
    }

    #[test]
    fn an_assistant_is_forbidden_what_the_role_forbids_and_told_so() {
        let (config, database) = clinic_database();
        let mut admin =
            Catalogue::open_clinic(&config, &admin_name(&database), ADMIN_PASSWORD).unwrap();
        let (person, series, session) = testing::person_with_session(&mut admin, "Ada Lovelace");
        let mut assistant = testing::clinic_user(
            &config,
            &database,
            "assistant",
            clinic::Role::Assistant,
            "assistant-password",
        );
        assert_eq!(assistant.role(), Some(clinic::Role::Assistant));
        // Reading people to file photos is allowed; the clinical record is not.
        assert_eq!(assistant.people().unwrap().len(), 1);
        let e = assistant
            .add_grade(&NewGrade {
                session: Some(session),
                photo: None,
                scale: GradeScale::Gais,
                custom_name: None,
                value: Some(2.0),
                mmasi_regions: None,
                notes: String::new(),
            })
            .unwrap_err();
        assert!(matches!(e, CatalogueError::Forbidden { .. }), "{e:?}");
        assert!(e.to_string().contains("permission denied"), "{e}");
        let e = assistant.rename_person(person, "Ada King").unwrap_err();
        assert!(matches!(e, CatalogueError::Forbidden { .. }), "{e:?}");
        // Nothing of the refused edits stayed, and the connection goes on working.
        assert_eq!(admin.person(person).unwrap().name, "Ada Lovelace");
        assert!(admin.grades_of_series(series).unwrap().is_empty());
        assert_eq!(assistant.people().unwrap().len(), 1);
    }

    #[test]
    fn a_lost_connection_is_offline_and_nothing_is_half_saved() {
        let (config, database) = clinic_database();
        let admin = admin_name(&database);
        let mut cat = Catalogue::open_clinic(&config, &admin, ADMIN_PASSWORD).unwrap();
        let person = cat.add_person("Grace Hopper").unwrap();
        superuser(&database)
            .execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = $1",
                &[&admin],
            )
            .unwrap();
        let e = cat.rename_person(person, "Grace Murray").unwrap_err();
        assert!(matches!(e, CatalogueError::Offline { .. }), "{e:?}");
        assert_eq!(
            e.to_string(),
            format!(
                "the clinic database 127.0.0.1/{database} cannot be reached: nothing was half-saved; try again"
            )
        );
        let mut again = Catalogue::open_clinic(&config, &admin, ADMIN_PASSWORD).unwrap();
        assert_eq!(again.person(person).unwrap().name, "Grace Hopper");
        // Trying again on the same catalogue signs in again: the edit is made once.
        cat.rename_person(person, "Grace Murray").unwrap();
        assert_eq!(again.person(person).unwrap().name, "Grace Murray");
        // While the server stays away, trying again says so again.
        superuser(&database)
            .execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = $1",
                &[&admin],
            )
            .unwrap();
        superuser(&database)
            .execute(&format!("ALTER ROLE \"{admin}\" NOLOGIN"), &[])
            .unwrap();
        let e = cat.person(person).unwrap_err();
        assert!(
            matches!(
                e,
                CatalogueError::Offline { .. } | CatalogueError::SignIn { .. }
            ),
            "{e:?}"
        );
    }

    #[test]
    fn an_older_clinic_needs_upgrading_and_upgrade_brings_it_up() {
        let (config, database) = clinic_database();
        let admin = admin_name(&database);
        // A clinic made before schema versions were recorded (stop 18) is version 2.
        superuser(&database)
            .batch_execute("DROP TABLE skinlapse.schema_migration")
            .unwrap();
        let e = Catalogue::open_clinic(&config, &admin, ADMIN_PASSWORD).unwrap_err();
        assert!(
            matches!(e, CatalogueError::ClinicNeedsUpgrade { found: 2, .. }),
            "{e:?}"
        );
        assert!(e.to_string().contains(&database), "{e}");
        let bootstrap = pg::cluster().superuser("postgres");
        assert_eq!(clinic::upgrade(&bootstrap, &database).unwrap(), 2);
        assert_eq!(
            clinic::upgrade(&bootstrap, &database).unwrap(),
            clinic::latest_schema_version()
        );
        let cat = Catalogue::open_clinic(&config, &admin, ADMIN_PASSWORD).unwrap();
        assert_eq!(
            cat.schema_version().unwrap(),
            clinic::latest_schema_version() as i64
        );
        // SQLite-only operations say so on PostgreSQL.
        let e = cat
            .copy_into(std::path::Path::new("/tmp/x.db"))
            .unwrap_err();
        assert!(matches!(e, CatalogueError::Unsupported { .. }), "{e:?}");
        assert!(e.to_string().contains("pg_dump"), "{e}");
    }
}

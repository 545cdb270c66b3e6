//! Helpers for tests (unit and `tests/it`), not part of the product's interface.

pub mod pg;

use crate::catalogue::{Backend, Catalogue, clinic};
use crate::library::Library;
use crate::library::clinic::{self as clinic_folder, ClinicLogin, ClinicSettings};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The backend the catalogue tests run on: `SKINLAPSE_TEST_BACKEND=sqlite|postgres`
/// (default sqlite), read when a test runs, so one build serves both runs.
///
/// # Panics
/// On any other value, naming it.
pub fn backend() -> Backend {
    match std::env::var("SKINLAPSE_TEST_BACKEND").as_deref() {
        Err(_) | Ok("" | "sqlite") => Backend::Sqlite,
        Ok("postgres" | "postgresql") => Backend::Postgres,
        Ok(other) => panic!("SKINLAPSE_TEST_BACKEND is sqlite or postgres, not {other:?}"),
    }
}

/// The stem of every test clinic's admin's name.
const ADMIN: &str = "admin";
/// Their password.
pub const ADMIN_PASSWORD: &str = "admin-password-for-tests";

/// A fresh, empty catalogue on the backend [`backend`] chooses: SQLite in memory, or a new
/// clinic database on the throwaway cluster (made by `clinic::create`, signed in as its admin
/// with `Catalogue::open_clinic`, so the clinic's grants, row security and triggers apply).
///
/// # Panics
/// When the catalogue cannot be made; the message says why.
pub fn catalogue() -> Catalogue {
    match backend() {
        Backend::Sqlite => Catalogue::open_in_memory().expect("an in-memory catalogue"),
        Backend::Postgres => {
            let (config, database) = clinic_database();
            Catalogue::open_clinic(&config, &admin_name(&database), ADMIN_PASSWORD)
                .expect("signing in to a test clinic")
        }
    }
}

/// A new clinic database on the throwaway cluster, with its admin ([`admin_name`]): its configuration (no
/// user set) and its name. It is dropped once the calling thread (the test's) has ended.
///
/// # Panics
/// When the cluster cannot start or the clinic cannot be made.
pub fn clinic_database() -> (postgres::Config, String) {
    new_clinic_database(pg::FinishedWhen::ThreadEnds)
}

/// A new clinic database, dropped `when` its test is finished with it.
fn new_clinic_database(when: pg::FinishedWhen) -> (postgres::Config, String) {
    let cluster = pg::cluster();
    let database = cluster.fresh_name("catalogue");
    clinic::create(
        &cluster.superuser("postgres"),
        &database,
        &admin_name(&database),
        ADMIN_PASSWORD,
    )
    .expect("a test clinic");
    pg::drop_when_finished(&database, when);
    let config: postgres::Config = cluster.url(&database).parse().expect("a valid url");
    (config, database)
}

/// The admin of the test clinic in `database` (user names are server-wide, so each test
/// clinic has its own).
pub fn admin_name(database: &str) -> String {
    format!("{ADMIN}_{database}")
}

/// True (after saying why) when the running backend is not SQLite: for tests of what only a
/// SQLite file has (pragmas, encryption, the backup API, query plans).
pub fn sqlite_only(what: &str) -> bool {
    if backend() == Backend::Sqlite {
        false
    } else {
        eprintln!("skipped on PostgreSQL: {what} (only a SQLite personal library has it)");
        true
    }
}

/// Adds a user to the test clinic in `database` (named `stem_database`) with `role`, who has
/// made their first password change to `password`, and signs them in.
///
/// # Panics
/// When the server refuses any step.
pub fn clinic_user(
    config: &postgres::Config,
    database: &str,
    stem: &str,
    role: clinic::Role,
    password: &str,
) -> Catalogue {
    let name = format!("{stem}_{database}");
    clinic::ClinicSession::sign_in(config, &admin_name(database), ADMIN_PASSWORD)
        .and_then(|mut admin| admin.add_user(&name, role, "first-password"))
        .and_then(|()| clinic::ClinicSession::sign_in(config, &name, "first-password"))
        .and_then(|mut user| user.change_password(password))
        .expect("a test clinic user");
    Catalogue::open_clinic(config, &name, password).expect("the new user signs in")
}

/// A person with a series and its first session (on 1 March 2026).
///
/// # Panics
/// When the catalogue refuses.
pub fn person_with_session(
    cat: &mut Catalogue,
    name: &str,
) -> (
    crate::model::PersonId,
    crate::model::SeriesId,
    crate::model::SessionId,
) {
    let person = cat.add_person(name).expect("a person");
    let series = cat.add_series(person, "Peel").expect("a series");
    let session = cat
        .add_session(&crate::catalogue::NewSession {
            series: Some(series),
            date: chrono::NaiveDate::from_ymd_opt(2026, 3, 1),
            ..crate::catalogue::NewSession::default()
        })
        .expect("a session");
    (person, series, session)
}

/// The library an integration test uses at `root`, on the backend [`backend`] chooses: on
/// SQLite a personal library (made when missing, as `Library::open` does); on PostgreSQL a
/// clinic library (made when missing: a fresh clinic database on the throwaway cluster and
/// the folder naming it), signed in as the clinic's admin ([`library_login`]).
///
/// # Panics
/// When the library cannot be made or opened; the message says why.
pub fn library_at(root: &Path) -> Library {
    match backend() {
        Backend::Sqlite => Library::open(root)
            .unwrap_or_else(|e| panic!("opening the test library {}: {e}", root.display())),
        Backend::Postgres => {
            let login = library_login(root);
            Library::open_clinic(root, login)
                .unwrap_or_else(|e| panic!("opening the test clinic {}: {e}", root.display()))
        }
    }
}

/// On PostgreSQL, makes `root` a clinic library on a fresh test clinic when it is not one
/// yet (it must then be missing or empty); on SQLite does nothing. For tests that open the
/// library some other way (the binary, the app) after this.
///
/// # Panics
/// When the clinic cannot be made.
pub fn make_library(root: &Path) {
    if backend() == Backend::Postgres {
        library_login(root);
    }
}

/// The admin's sign-in for the test clinic library at `root`, making it (a fresh clinic
/// database, then the folder) when `root` is not a clinic library yet; the database is dropped
/// once `root` is gone (the test's temporary folder removed). Its previews and
/// thumbnails are cached beside `root` ([`library_cache_root`]), so every opening of the
/// same folder in a test shares one workstation cache.
///
/// # Panics
/// When the clinic cannot be made or `root` holds something else.
pub fn library_login(root: &Path) -> Arc<ClinicLogin> {
    let settings = match clinic_folder::read(root) {
        Ok(Some(settings)) => settings,
        Ok(None) => {
            let (_, database) =
                new_clinic_database(pg::FinishedWhen::FolderGone(root.to_path_buf()));
            let settings = ClinicSettings {
                format: 1,
                database: pg::cluster().url(&database),
                clinic_id: format!("test-{database}"),
            };
            clinic_folder::create(root, &settings).unwrap_or_else(|e| {
                panic!("making the test clinic folder {}: {e}", root.display())
            });
            settings
        }
        Err(e) => panic!("reading the test clinic folder {}: {e}", root.display()),
    };
    let server = clinic_folder::server_config(&settings).expect("a test clinic's address");
    let database = server.get_dbname().expect("a database name").to_owned();
    Arc::new(ClinicLogin {
        settings,
        server,
        user: admin_name(&database),
        password: ADMIN_PASSWORD.to_owned().into(),
        cache_root: library_cache_root(root),
    })
}

/// Where the test clinic library at `root` keeps this "workstation's" previews and
/// thumbnails: below [`workstation_cache_home`], where the binary run with that as its
/// `XDG_CACHE_HOME` keeps them too (`clinic::default_cache_root`), so the test and the
/// binary share one workstation cache, and it goes with the test's temporary folder.
pub fn library_cache_root(root: &Path) -> PathBuf {
    workstation_cache_home(root)
        .join("skinlapse")
        .join("clinics")
}

/// The `XDG_CACHE_HOME` to run the binary with on the test library at `root`: a folder
/// beside `root`, so nothing lands in the user's own cache.
pub fn workstation_cache_home(root: &Path) -> PathBuf {
    let name = root
        .file_name()
        .map_or_else(|| "library".into(), |n| n.to_string_lossy().into_owned());
    root.with_file_name(format!("{name}-workstation-cache"))
}

/// The folder holding the previews and thumbnails of the test library at `root`: `cache/`
/// in a personal library, this workstation's cache of the clinic in a clinic library.
pub fn library_cache_dir(root: &Path) -> PathBuf {
    match clinic_folder::read(root).ok().flatten() {
        Some(settings) => library_cache_root(root).join(settings.clinic_id),
        None => root.join("cache"),
    }
}

/// The user and password that sign in to the test library at `root` when it is a clinic
/// library (`None` for a personal one): for running the binary (`--user`,
/// `SKINLAPSE_PASSWORD`) or the app against it.
pub fn library_user(root: &Path) -> Option<(String, String)> {
    let database = library_database(root)?;
    Some((admin_name(&database), ADMIN_PASSWORD.to_owned()))
}

/// Runs `sql` (statements, no results) on the catalogue of the test library at `root` behind
/// the app's back, as the database's owner: the SQLite file of a personal library, or the
/// clinic's database as the cluster's superuser. For tests that set up a state the app cannot
/// make (as an older release left it).
///
/// # Panics
/// When the catalogue cannot be reached or refuses the statements.
pub fn execute_sql(root: &Path, sql: &str) {
    if let Some(mut client) = superuser_client(root) {
        client
            .batch_execute(sql)
            .unwrap_or_else(|e| panic!("{sql} on the test clinic {}: {e}", root.display()));
        return;
    }
    let path = root.join(crate::library::CATALOGUE_FILE);
    rusqlite::Connection::open(&path)
        .and_then(|conn| conn.execute_batch(sql))
        .unwrap_or_else(|e| panic!("{sql} on {}: {e}", path.display()));
}

/// A connection of its own to the catalogue of the test clinic library at `root`, signed in
/// as its admin from "another workstation" (so what it changes is attributed to that user),
/// the catalogue's schema on its search path (`None` for a personal library).
///
/// # Panics
/// When the server cannot be reached or refuses the admin.
pub fn admin_client(root: &Path) -> Option<postgres::Client> {
    let (user, password) = library_user(root)?;
    let settings = clinic_folder::read(root).ok().flatten()?;
    let mut client = clinic_folder::server_config(&settings)
        .expect("a test clinic's address")
        .user(&user)
        .password(&password)
        .connect(postgres::NoTls)
        .unwrap_or_else(|e| panic!("signing in to the test clinic {}: {e}", root.display()));
    client
        .batch_execute("SET search_path = skinlapse")
        .expect("setting the search path");
    Some(client)
}

/// A connection as the cluster's superuser to the clinic database of the test library at
/// `root`, with the catalogue's schema on its search path (`None` for a personal library).
///
/// # Panics
/// When the server cannot be reached.
pub fn superuser_client(root: &Path) -> Option<postgres::Client> {
    let database = library_database(root)?;
    let mut client = pg::cluster()
        .superuser(&database)
        .connect(postgres::NoTls)
        .unwrap_or_else(|e| panic!("connecting to the test clinic {database}: {e}"));
    client
        .batch_execute("SET search_path = skinlapse, public")
        .expect("setting the search path");
    Some(client)
}

/// The name of the clinic database of the test library at `root` (`None` for a personal
/// library).
pub fn library_database(root: &Path) -> Option<String> {
    let settings = clinic_folder::read(root).ok().flatten()?;
    let server = clinic_folder::server_config(&settings).ok()?;
    server.get_dbname().map(str::to_owned)
}

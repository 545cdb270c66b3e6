//! Helpers for tests (unit and `tests/it`), not part of the product's interface.

pub mod pg;

use crate::catalogue::{Backend, Catalogue, clinic};

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
/// user set) and its name.
///
/// # Panics
/// When the cluster cannot start or the clinic cannot be made.
pub fn clinic_database() -> (postgres::Config, String) {
    let cluster = pg::cluster();
    let database = cluster.fresh_name("catalogue");
    clinic::create(
        &cluster.superuser("postgres"),
        &database,
        &admin_name(&database),
        ADMIN_PASSWORD,
    )
    .expect("a test clinic");
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
        eprintln!("skipped on PostgreSQL: {what} is SQLite's");
        true
    }
}

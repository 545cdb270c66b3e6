//! A clinic on PostgreSQL: the database, not only the app, decides what each role may do,
//! and keeps an audit trail nobody can change. Runs on a throwaway cluster the test starts.

use skinlapse::catalogue::clinic::{self, ClinicError, ClinicSession, Role};
use skinlapse::testing::pg;
use std::process::{Command, Output};

pub(crate) struct Clinic {
    pub server: postgres::Config,
    /// Users are server-wide: each test's users carry its clinic's number.
    n: String,
}

impl Clinic {
    pub fn new() -> Self {
        Self::at_version(clinic::latest_schema_version())
    }

    /// A clinic as the Skinlapse of schema `version` made it (for `clinic upgrade`).
    pub fn at_version(version: usize) -> Self {
        let cluster = pg::cluster();
        let database = cluster.fresh_name("clinic");
        let n = database.trim_start_matches("clinic_").to_owned();
        clinic::create_at_version(
            &cluster.superuser("postgres"),
            &database,
            &format!("ann.{n}"),
            "ann-secret",
            version,
        )
        .expect("clinic create");
        let mut server: postgres::Config = cluster.url(&database).parse().unwrap();
        server.connect_timeout(std::time::Duration::from_secs(10));
        Self { server, n }
    }

    /// The clinic's shared folder, made in `dir` (its settings file naming the database),
    /// and the database's name.
    pub fn folder(&self, dir: &std::path::Path) -> (std::path::PathBuf, String) {
        let lib = dir.join("clinic");
        let database = self.server.get_dbname().unwrap().to_owned();
        skinlapse::library::clinic::create(
            &lib,
            &skinlapse::library::clinic::ClinicSettings {
                format: 1,
                database: pg::cluster().url(&database),
                clinic_id: format!("test-{database}"),
            },
        )
        .unwrap();
        (lib, database)
    }

    /// A user's name in this clinic.
    pub fn name(&self, user: &str) -> String {
        format!("{user}.{}", self.n)
    }

    pub fn sign_in(&self, user: &str, password: &str) -> ClinicSession {
        ClinicSession::sign_in(&self.server, &self.name(user), password)
            .unwrap_or_else(|e| panic!("{user} signs in: {e}"))
    }

    /// Admin `ann` adds `name`, who then signs in and sets their own password.
    pub fn user(&self, name: &str, role: Role) -> ClinicSession {
        let mut ann = self.sign_in("ann", "ann-secret");
        ann.add_user(&self.name(name), role, "first-password")
            .unwrap();
        let mut session = self.sign_in(name, "first-password");
        session.change_password(&format!("{name}-secret")).unwrap();
        self.sign_in(name, &format!("{name}-secret"))
    }
}

fn sql(session: &mut ClinicSession, statement: &str) -> Result<u64, String> {
    session.client().execute(statement, &[]).map_err(|e| {
        e.as_db_error()
            .map_or(e.to_string(), |d| d.message().to_owned())
    })
}

fn count(session: &mut ClinicSession, statement: &str) -> Result<i64, String> {
    session
        .client()
        .query_one(statement, &[])
        .map(|r| r.get(0))
        .map_err(|e| {
            e.as_db_error()
                .map_or(e.to_string(), |d| d.message().to_owned())
        })
}

/// user, action, target kind, patient, purpose
type TrailRow = (String, String, String, Option<String>, Option<String>);

const PERSON: &str = "INSERT INTO skinlapse.person (name, created_at) VALUES ('Pat Doe', '2026-11-30 10:00:00+00:00')";
const SERIES: &str = "INSERT INTO skinlapse.series (person_id, title) SELECT id, 'Microneedling' FROM skinlapse.person";
const SESSION: &str =
    "INSERT INTO skinlapse.session (series_id, date) SELECT id, '2026-11-01' FROM skinlapse.series";
const PHOTO: &str = "INSERT INTO skinlapse.photo (hash, format, original_name, file_size, width, height, taken_at, taken_at_estimated, person_id, series_id, session_id, imported_at) SELECT repeat('a', 64), 'jpeg', 'a.jpg', 10, 10, 10, '2026-11-01 10:00:00+00:00', 0, s.person_id, x.series_id, x.id, '2026-11-30 10:00:00+00:00' FROM skinlapse.session x JOIN skinlapse.series s ON s.id = x.series_id";

#[test]
fn a_new_user_can_only_change_their_password_until_they_do() {
    let clinic = Clinic::new();
    let mut ann = clinic.sign_in("ann", "ann-secret");
    assert_eq!(ann.role().unwrap(), Some(Role::Admin));
    ann.add_user(&clinic.name("bob"), Role::Clinician, "first-password")
        .unwrap();

    let mut bob = clinic.sign_in("bob", "first-password");
    assert_eq!(bob.role().unwrap(), None);
    let refused = count(&mut bob, "SELECT count(*) FROM skinlapse.person").unwrap_err();
    assert!(refused.contains("permission denied"), "{refused}");
    bob.change_password("bob-secret").unwrap();
    assert_eq!(bob.role().unwrap(), Some(Role::Clinician));
    assert_eq!(
        count(&mut bob, "SELECT count(*) FROM skinlapse.person"),
        Ok(0)
    );
    // The old password is gone; the server does not say whether the name or the password
    // was wrong.
    let old =
        ClinicSession::sign_in(&clinic.server, &clinic.name("bob"), "first-password").unwrap_err();
    assert!(matches!(old, ClinicError::Connect { .. }), "{old}");

    let users = ann.users().unwrap();
    let names: Vec<(String, Role, bool)> = users
        .into_iter()
        .map(|u| (u.name, u.role, u.must_change_password))
        .collect();
    assert_eq!(
        names,
        [
            (clinic.name("ann"), Role::Admin, false),
            (clinic.name("bob"), Role::Clinician, false)
        ]
    );
    // Anyone else sees only themselves.
    let own: Vec<String> = bob.users().unwrap().into_iter().map(|u| u.name).collect();
    assert_eq!(own, [clinic.name("bob")]);
    let e = ann.add_user("Bad Name", Role::Assistant, "x").unwrap_err();
    assert!(e.to_string().contains("\"Bad Name\" is not"), "{e}");
    let e = bob
        .add_user(&clinic.name("eve"), Role::Admin, "x")
        .unwrap_err();
    assert!(matches!(e, ClinicError::Forbidden { .. }), "{e}");
}

#[test]
fn an_assistant_in_psql_cannot_read_the_record_export_or_touch_the_audit_trail() {
    let clinic = Clinic::new();
    let mut bob = clinic.user("bob", Role::Clinician);
    for statement in [PERSON, SERIES, SESSION, PHOTO] {
        assert_eq!(sql(&mut bob, statement), Ok(1), "{statement}");
    }
    sql(&mut bob, "INSERT INTO skinlapse.grade (session_id, scale, value, recorded_at) SELECT id, 'goodman-baron', 3, 'x' FROM skinlapse.session").unwrap();

    let mut cat = clinic.user("cat", Role::Assistant);
    assert_eq!(cat.role().unwrap(), Some(Role::Assistant));
    // Filing and tagging photos is allowed.
    assert_eq!(
        sql(&mut cat, "UPDATE skinlapse.photo SET view = 'frontal'"),
        Ok(1)
    );
    // The clinical record is not: neither read nor written.
    for statement in [
        "SELECT count(*) FROM skinlapse.grade",
        "SELECT count(*) FROM skinlapse.consent",
        "SELECT count(*) FROM skinlapse.contraindication",
        "SELECT count(*) FROM skinlapse.audit_event",
    ] {
        let e = count(&mut cat, statement).unwrap_err();
        assert!(e.contains("permission denied"), "{statement}: {e}");
    }
    for statement in [
        "UPDATE skinlapse.person SET notes = 'x'",
        "DELETE FROM skinlapse.photo",
        "DELETE FROM skinlapse.audit_event",
        "INSERT INTO skinlapse.grade (session_id, scale, value, recorded_at) SELECT id, 'gais', 1, 'x' FROM skinlapse.session",
        "SELECT skinlapse.record_export(1, 'education', ARRAY[1::bigint])",
        "SELECT skinlapse.audit_write('view', 'photo', 1, 1, NULL, NULL)",
    ] {
        let e = sql(&mut cat, statement).unwrap_err();
        assert!(e.contains("permission denied"), "{statement}: {e}");
    }
}

#[test]
fn exports_need_a_clinician_and_consent_and_everything_is_in_an_append_only_trail() {
    let clinic = Clinic::new();
    let mut bob = clinic.user("bob", Role::Clinician);
    for statement in [PERSON, SERIES, SESSION, PHOTO] {
        sql(&mut bob, statement).unwrap();
    }
    let export = "SELECT skinlapse.record_export(p.id, 'education', ARRAY[f.id]) FROM skinlapse.person p JOIN skinlapse.photo f ON f.person_id = p.id";
    let e = sql(&mut bob, export).unwrap_err();
    assert_eq!(e, "Pat Doe has not consented to education");
    sql(&mut bob, "INSERT INTO skinlapse.consent (person_id, scope, given_on) SELECT id, 'education', '2026-11-01' FROM skinlapse.person").unwrap();
    sql(&mut bob, export).unwrap();
    let e = sql(&mut bob, "UPDATE skinlapse.audit_event SET user_name = 'x'").unwrap_err();
    assert!(e.contains("permission denied"), "{e}");

    let mut ann = clinic.sign_in("ann", "ann-secret");
    let trail: Vec<TrailRow> = ann
        .client()
        .query(
            "SELECT user_name, action, target_kind, person_name, purpose
               FROM skinlapse.audit_event ORDER BY id",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2), r.get(3), r.get(4)))
        .collect();
    let actions: Vec<(&str, &str, &str)> = trail
        .iter()
        .map(|(u, a, k, _, _)| (u.as_str(), a.as_str(), k.as_str()))
        .collect();
    let (ann_name, bob_name) = (clinic.name("ann"), clinic.name("bob"));
    let (ann_, bob_) = (ann_name.as_str(), bob_name.as_str());
    assert_eq!(
        actions,
        [
            ("postgres", "settings", "setting"),
            (ann_, "user", "user"),
            (bob_, "user", "user"),
            (bob_, "create", "person"),
            (bob_, "create", "series"),
            (bob_, "create", "session"),
            (bob_, "import", "photo"),
            (bob_, "consent", "consent"),
            (bob_, "export", "photo"),
        ]
    );
    let export_row = trail.last().unwrap();
    assert_eq!(export_row.3.as_deref(), Some("Pat Doe"));
    assert_eq!(export_row.4.as_deref(), Some("education"));

    // Not even an admin, nor the owner of the table, can change or remove a row.
    let e = sql(&mut ann, "DELETE FROM skinlapse.audit_event").unwrap_err();
    assert!(e.contains("permission denied"), "{e}");
    let mut owner = pg::cluster()
        .superuser(clinic.server.get_dbname().unwrap())
        .connect(postgres::NoTls)
        .unwrap();
    let prefix = clinic::role_prefix(clinic.server.get_dbname().unwrap());
    for statement in [
        "DELETE FROM skinlapse.audit_event",
        "TRUNCATE skinlapse.audit_event",
    ] {
        let e = owner
            .batch_execute(&format!("SET ROLE \"{prefix}_owner\"; {statement}"))
            .unwrap_err();
        let message = e.as_db_error().unwrap().message().to_owned();
        assert!(message.contains("append-only"), "{statement}: {message}");
        owner.batch_execute("RESET ROLE").unwrap();
    }
}

#[test]
fn a_disabled_user_is_signed_out_and_cannot_sign_in() {
    let clinic = Clinic::new();
    let mut cat = clinic.user("cat", Role::Assistant);
    let mut ann = clinic.sign_in("ann", "ann-secret");
    let e = ann.disable_user(&clinic.name("ann")).unwrap_err();
    assert_eq!(e.to_string(), "you cannot disable yourself");
    ann.disable_user(&clinic.name("cat")).unwrap();
    assert!(
        count(&mut cat, "SELECT 1").is_err(),
        "the open session ended"
    );
    let e = ClinicSession::sign_in(&clinic.server, &clinic.name("cat"), "cat-secret").unwrap_err();
    assert!(e.to_string().contains("not permitted to log in"), "{e}");
    let cat_row = ann
        .users()
        .unwrap()
        .into_iter()
        .find(|u| u.name == clinic.name("cat"));
    assert!(cat_row.unwrap().disabled_at.is_some());
}

#[test]
fn a_database_that_already_holds_a_clinic_is_refused() {
    let cluster = pg::cluster();
    let database = cluster.fresh_name("twice");
    clinic::create(&cluster.superuser("postgres"), &database, "zed", "pw").unwrap();
    let e = clinic::create(&cluster.superuser("postgres"), &database, "zoe", "pw").unwrap_err();
    assert!(matches!(e, ClinicError::AlreadyClinic { .. }), "{e}");
    // User names are server-wide: a second clinic cannot reuse one.
    let other = cluster.fresh_name("other");
    let e = clinic::create(&cluster.superuser("postgres"), &other, "zed", "pw").unwrap_err();
    assert!(
        e.to_string().contains("already has a user named zed"),
        "{e}"
    );
}

/// `skinlapse` with a clean environment of its own for the clinic variables.
pub(crate) fn skinlapse(library: &std::path::Path, env: &[(&str, &str)], args: &[&str]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_skinlapse"));
    cmd.arg("--library").arg(library).args(args);
    for var in [
        "SKINLAPSE_USER",
        "SKINLAPSE_PASSWORD",
        "SKINLAPSE_NEW_PASSWORD",
        "PGUSER",
        "PGPASSWORD",
        "SKINLAPSE_LIBRARY",
    ] {
        cmd.env_remove(var);
    }
    cmd.envs(env.iter().copied())
        .stdin(std::process::Stdio::null());
    cmd.output().unwrap()
}

pub(crate) fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

#[test]
fn the_clinic_commands_create_a_clinic_manage_users_and_show_the_audit() {
    let cluster = pg::cluster();
    let database = cluster.fresh_name("cli");
    let url = cluster.url(&database);
    let dir = tempfile::tempdir().unwrap();
    let lib = dir.path().join("clinic");
    let admin = format!("ann.{database}");
    let bob = format!("bob.{database}");

    let create = |admin_password: &str| {
        skinlapse(
            &lib,
            &[
                ("PGUSER", "postgres"),
                ("PGPASSWORD", pg::SUPERUSER_PASSWORD),
                ("SKINLAPSE_NEW_PASSWORD", admin_password),
            ],
            &["clinic", "create", "--database", &url, "--admin", &admin],
        )
    };
    let short = create("short");
    assert_eq!(short.status.code(), Some(2), "{}", text(&short));
    assert!(text(&short).contains("shorter than 8"), "{}", text(&short));
    let out = create("ann-secret-1");
    assert!(out.status.success(), "{}", text(&out));
    assert!(lib.join("skinlapse-clinic.json").is_file());

    let as_ann = [
        ("SKINLAPSE_USER", admin.as_str()),
        ("SKINLAPSE_PASSWORD", "ann-secret-1"),
    ];
    let mut env = as_ann.to_vec();
    env.push(("SKINLAPSE_NEW_PASSWORD", "bob-first-1"));
    let out = skinlapse(
        &lib,
        &env,
        &["clinic", "user", "add", &bob, "--role", "clinician"],
    );
    assert!(out.status.success(), "{}", text(&out));
    let out = skinlapse(
        &lib,
        &as_ann,
        &["clinic", "user", "add", "x", "--role", "nurse"],
    );
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(text(&out).contains("--role: the role is admin, clinician or assistant"));

    let out = skinlapse(&lib, &as_ann, &["clinic", "user", "list", "--json"]);
    assert!(out.status.success(), "{}", text(&out));
    let users: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(users[1]["name"], bob.as_str());
    assert_eq!(users[1]["role"], "clinician");
    assert_eq!(users[1]["must_change_password"], true);

    // bob, not an admin yet (still pending), may not read the trail; a wrong password is
    // refused without saying which part was wrong.
    let as_bob = [
        ("SKINLAPSE_USER", bob.as_str()),
        ("SKINLAPSE_PASSWORD", "bob-first-1"),
    ];
    let out = skinlapse(&lib, &as_bob, &["clinic", "audit"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(text(&out).contains("permission denied"), "{}", text(&out));
    let wrong = [
        ("SKINLAPSE_USER", bob.as_str()),
        ("SKINLAPSE_PASSWORD", "nope"),
    ];
    let out = skinlapse(&lib, &wrong, &["clinic", "audit"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(text(&out).contains("cannot sign in"), "{}", text(&out));

    let out = skinlapse(
        &lib,
        &as_ann,
        &["clinic", "audit", "--json", "--since", "2000-01-01"],
    );
    assert!(out.status.success(), "{}", text(&out));
    let trail: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let added = trail
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["action"] == "user" && r["detail"]["added"] == bob.as_str())
        .unwrap_or_else(|| panic!("{trail}"));
    assert_eq!(added["user"], admin.as_str());
    // Every user's actions, not only those of who signs in; --by narrows it.
    assert!(
        trail
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["user"] == "postgres" && r["action"] == "settings"),
        "{trail}"
    );
    let out = skinlapse(
        &lib,
        &as_ann,
        &["clinic", "audit", "--json", "--by", "postgres"],
    );
    let by: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(by.as_array().unwrap().len(), 1, "{by}");
    assert!(
        added["workstation"]
            .as_str()
            .unwrap()
            .starts_with("skinlapse@")
    );
    let out = skinlapse(&lib, &as_ann, &["clinic", "audit", "--since", "30.11.2026"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out).contains("--since 30.11.2026: not a date"),
        "{}",
        text(&out)
    );
    let out = skinlapse(&lib, &as_ann, &["clinic", "audit", "--patient", "Nobody"]);
    assert!(
        text(&out).contains("no recorded actions match"),
        "{}",
        text(&out)
    );

    let out = skinlapse(&lib, &as_ann, &["clinic", "user", "disable", &bob]);
    assert!(out.status.success(), "{}", text(&out));
    let out = skinlapse(&lib, &as_ann, &["clinic", "user", "list"]);
    assert!(text(&out).contains("disabled since"), "{}", text(&out));

    // The other commands open it too, signed in (an empty clinic lists nothing); without a
    // user they say what the folder is instead of treating it as a personal library.
    let out = skinlapse(&lib, &as_ann, &["list"]);
    assert!(out.status.success(), "{}", text(&out));
    let out = skinlapse(&lib, &[], &["list"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out).contains("is a clinic library: sign in with --user NAME"),
        "{}",
        text(&out)
    );
    // And the clinic commands say what a personal library is.
    let personal = dir.path().join("personal");
    assert!(skinlapse(&personal, &[], &["create"]).status.success());
    let out = skinlapse(&personal, &as_ann, &["clinic", "audit"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out).contains("is a personal library"),
        "{}",
        text(&out)
    );
}

/// Two workstations (two processes, each with its own local cache) share one clinic
/// library: both import the same card into one patient at once and every photo is there
/// exactly once; the assistant may not export, the clinician may, and the trail names who
/// imported and who exported what, for which purpose.
#[test]
fn two_workstations_share_a_clinic_library_through_the_commands() {
    let clinic = Clinic::new();
    let dir = tempfile::tempdir().unwrap();
    let (lib, _) = clinic.folder(dir.path());
    let mut ann = clinic.sign_in("ann", "ann-secret");
    drop(clinic.user("bob", Role::Clinician));
    drop(clinic.user("tom", Role::Assistant));
    let card = dir.path().join("card");
    std::fs::create_dir_all(&card).unwrap();
    for seed in 1..=4 {
        crate::support::write(
            &card,
            &format!("IMG_{seed}.jpg"),
            &crate::support::jpeg(seed),
        );
    }

    let spawn = |user: &str, args: &[&str]| {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_skinlapse"));
        cmd.arg("--library")
            .arg(&lib)
            .args(args)
            .env_remove("SKINLAPSE_LIBRARY")
            .env("SKINLAPSE_USER", clinic.name(user))
            .env("SKINLAPSE_PASSWORD", format!("{user}-secret"))
            .env("XDG_CACHE_HOME", dir.path().join(format!("cache-{user}")))
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped());
        cmd.spawn().unwrap()
    };
    let card_arg = card.to_str().unwrap();
    let import = [
        "import",
        card_arg,
        "--person",
        "Pat Doe",
        "--series",
        "Peel",
        "--session",
        "2026-11-01",
    ];
    let (bob, tom) = (spawn("bob", &import), spawn("tom", &import));
    for (who, child) in [("bob", bob), ("tom", tom)] {
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "{who}: {}", text(&out));
    }
    assert_eq!(
        count(&mut ann, "SELECT count(*) FROM skinlapse.photo"),
        Ok(4)
    );
    assert_eq!(
        count(&mut ann, "SELECT count(DISTINCT hash) FROM skinlapse.photo"),
        Ok(4)
    );
    assert_eq!(
        count(&mut ann, "SELECT count(*) FROM skinlapse.person"),
        Ok(1)
    );
    // The previews are each workstation's own: none on the share.
    assert!(!lib.join("cache").exists());
    let cached: usize = ["bob", "tom"]
        .iter()
        .map(|u| crate::support::files_below(&dir.path().join(format!("cache-{u}"))).len())
        .sum();
    assert!(cached >= 8, "thumbnails and previews of 4 photos: {cached}");

    let ids: Vec<i64> = ann
        .client()
        .query("SELECT id FROM skinlapse.photo ORDER BY id", &[])
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    let (a, b) = (ids[0].to_string(), ids[1].to_string());
    // A clinic runs in clinic mode: exports need the patient's consent to their purpose.
    let mut bob = clinic.sign_in("bob", "bob-secret");
    sql(
        &mut bob,
        "INSERT INTO skinlapse.consent (person_id, scope, given_on) SELECT id, 'clinical-record', '2026-01-01' FROM skinlapse.person",
    )
    .unwrap();
    let export = |user: &str, out: &std::path::Path| {
        spawn(
            user,
            &[
                "export",
                "compare",
                "--before",
                &a,
                "--after",
                &b,
                "--purpose",
                "clinical-record",
                "--out",
                out.to_str().unwrap(),
            ],
        )
        .wait_with_output()
        .unwrap()
    };
    let toms = dir.path().join("tom.png");
    let out = export("tom", &toms);
    assert!(!out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("may not"), "{}", text(&out));
    assert!(!toms.exists(), "nothing is written for a refused export");
    let bobs = dir.path().join("bob.png");
    let out = export("bob", &bobs);
    assert!(out.status.success(), "{}", text(&out));
    assert!(bobs.is_file());

    let trail: Vec<(String, String, Option<String>)> = ann
        .client()
        .query(
            "SELECT user_name, action, purpose FROM skinlapse.audit_event WHERE target_kind = 'photo' ORDER BY id",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2)))
        .collect();
    let imports: Vec<&String> = trail
        .iter()
        .filter(|(_, action, _)| action == "import")
        .map(|(user, ..)| user)
        .collect();
    assert_eq!(imports.len(), 4, "{trail:?}");
    assert!(
        imports
            .iter()
            .all(|u| **u == clinic.name("bob") || **u == clinic.name("tom"))
    );
    let exports: Vec<_> = trail
        .iter()
        .filter(|(_, action, _)| action == "export")
        .collect();
    assert_eq!(exports.len(), 2, "{trail:?}");
    assert!(
        exports
            .iter()
            .all(|(user, _, purpose)| *user == clinic.name("bob")
                && purpose.as_deref() == Some("clinical-record"))
    );
}

/// A clinic made by an older Skinlapse: workstations are told to have it upgraded, and
/// `clinic upgrade` as the server account that made it brings it up to date, once.
#[test]
fn an_older_clinic_is_refused_until_clinic_upgrade_brings_it_up_to_date() {
    let clinic = Clinic::new();
    let dir = tempfile::tempdir().unwrap();
    let (lib, database) = clinic.folder(dir.path());
    let latest = clinic::latest_schema_version();
    let mut db = pg::cluster()
        .superuser(&database)
        .connect(postgres::NoTls)
        .unwrap();
    db.execute(
        "DELETE FROM skinlapse.schema_migration WHERE version = $1",
        &[&i32::try_from(latest).unwrap()],
    )
    .unwrap();
    let ann = clinic.name("ann");
    let as_ann = [
        ("SKINLAPSE_USER", ann.as_str()),
        ("SKINLAPSE_PASSWORD", "ann-secret"),
    ];
    let out = skinlapse(&lib, &as_ann, &["list"]);
    assert!(!out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("clinic upgrade"), "{}", text(&out));

    let out = skinlapse(&lib, &[], &["clinic", "upgrade"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(
        text(&out).contains("set PGUSER and PGPASSWORD"),
        "{}",
        text(&out)
    );
    let server = [
        ("PGUSER", "postgres"),
        ("PGPASSWORD", pg::SUPERUSER_PASSWORD),
    ];
    let out = skinlapse(&lib, &server, &["clinic", "upgrade"]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains(&format!("from schema version {} to {latest}", latest - 1)),
        "{}",
        text(&out)
    );
    let out = skinlapse(&lib, &server, &["clinic", "upgrade"]);
    assert!(text(&out).contains("is up to date"), "{}", text(&out));
    let out = skinlapse(&lib, &as_ann, &["list"]);
    assert!(out.status.success(), "{}", text(&out));
}

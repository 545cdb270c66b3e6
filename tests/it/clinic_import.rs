//! `clinic import-library`: a personal library, built through the real import path, moves into
//! a clinic on the throwaway PostgreSQL cluster — every row and original checked on the
//! clinic's side; into a clinic with patients already; refused on a name clash and for an
//! assistant; killed mid-run and run again; from an encrypted library.

use crate::formats::bytes;
use crate::support::{import_into, jpeg, jpeg_exif, write};
use chrono::NaiveDate;
use skinlapse::catalogue::clinic::{ClinicSession, Role};
use skinlapse::catalogue::{AssignmentSpec, ConsentChange, NewGrade};
use skinlapse::imaging::synth::ExifSpec;
use skinlapse::library::Library;
use skinlapse::model::clinical::{ConsentScope, Contraindication, GradeScale, SideEffectKind};
use skinlapse::model::{AlignMethod, ContentHash, PhotoFormat, PhotoId, Similarity, View};
use skinlapse::testing::pg;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// A clinic library made with `clinic create`, with an admin, a clinician and an assistant.
struct Clinic {
    dir: PathBuf,
    server: postgres::Config,
    database: String,
}

impl Clinic {
    fn new(parent: &Path) -> Self {
        let cluster = pg::cluster();
        let database = cluster.fresh_name("move");
        let url = cluster.url(&database);
        let dir = parent.join("clinic");
        let admin = format!("ann.{database}");
        let out = run(
            &dir,
            &[
                ("PGUSER", "postgres"),
                ("PGPASSWORD", pg::SUPERUSER_PASSWORD),
                ("SKINLAPSE_NEW_PASSWORD", "ann-secret"),
            ],
            &["clinic", "create", "--database", &url, "--admin", &admin],
        );
        assert!(out.status.success(), "{}", text(&out));
        let mut server: postgres::Config = url.parse().unwrap();
        server.connect_timeout(std::time::Duration::from_secs(10));
        let clinic = Self {
            dir,
            server,
            database,
        };
        let mut ann = clinic.session("ann", "ann-secret");
        for (user, role) in [("bob", Role::Clinician), ("cat", Role::Assistant)] {
            ann.add_user(&clinic.name(user), role, "first-password")
                .unwrap();
            let mut first = clinic.session(user, "first-password");
            first.change_password(&format!("{user}-secret")).unwrap();
        }
        clinic
    }

    fn name(&self, user: &str) -> String {
        format!("{user}.{}", self.database)
    }

    fn session(&self, user: &str, password: &str) -> ClinicSession {
        ClinicSession::sign_in(&self.server, &self.name(user), password).unwrap()
    }

    /// The superuser's connection to the clinic database, reading the clinic's schema.
    fn superuser(&self) -> postgres::Client {
        let mut client = pg::cluster()
            .superuser(&self.database)
            .connect(postgres::NoTls)
            .unwrap();
        client.batch_execute("SET search_path = skinlapse").unwrap();
        client
    }

    /// `import-library --from` as `user`, with more environment (a failpoint, a passphrase).
    fn import(&self, from: &Path, user: &str, env: &[(&str, &str)], json: bool) -> Output {
        let name = self.name(user);
        let password = format!("{user}-secret");
        let mut all = vec![
            ("SKINLAPSE_USER", name.as_str()),
            ("SKINLAPSE_PASSWORD", password.as_str()),
        ];
        all.extend_from_slice(env);
        let from = from.to_str().unwrap();
        let mut args = vec!["clinic", "import-library", "--from", from];
        if json {
            args.push("--json");
        }
        run(&self.dir, &all, &args)
    }
}

fn run(library: &Path, env: &[(&str, &str)], args: &[&str]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_skinlapse"));
    command
        .env_remove("SKINLAPSE_FAILPOINT")
        .env_remove("SKINLAPSE_USER")
        .env_remove("SKINLAPSE_PASSWORD")
        .env_remove("SKINLAPSE_PASSPHRASE")
        .env_remove("PGUSER")
        .env_remove("PGPASSWORD")
        .arg("--library")
        .arg(library);
    for (k, v) in env {
        command.env(k, v);
    }
    command.args(args).output().unwrap()
}

fn import(library: &Library, paths: &[PathBuf], spec: &AssignmentSpec) {
    let (summary, _) = import_into(library, paths, spec);
    assert_eq!(summary.failed, 0, "{summary:?}");
}

fn date(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
}

/// A personal library of `person` (and a second patient), built through the real import:
/// two sessions of JPEGs, a Canon RAW with its JPEG, a HEIC; grades, a side effect, consent
/// given and withdrawn, a contraindication, protocol views, an alignment with landmarks and
/// a measured region (through the `measure` command), a setting.
fn personal_library(dir: &Path, person: &str, seed: u64) -> PathBuf {
    let root = dir.join(format!("personal-{seed}"));
    let inbox = dir.join(format!("inbox-{seed}"));
    std::fs::create_dir_all(&inbox).unwrap();
    let library = Library::open(&root).unwrap();
    let spec = |session: &str| AssignmentSpec {
        person: Some(person.to_owned()),
        series: Some("Microneedling".into()),
        session: Some(date(session)),
        areas: vec!["forehead".into()],
        concerns: vec!["acne-scars".into()],
        view: Some(View::Frontal),
        lighting: None,
    };
    let first = [
        write(&inbox, "before-1.jpg", &jpeg(seed)),
        write(&inbox, "before-2.jpg", &jpeg(seed + 1)),
    ];
    import(&library, &first, &spec("2026-09-01"));
    let raw_pair = [
        // The JPEG a Canon wrote beside its CR2: the same capture time and camera.
        write(
            &inbox,
            "IMG_0001.JPG",
            &jpeg_exif(
                seed + 4,
                &ExifSpec {
                    date_time_original: Some("2005:08:03 18:59:18".into()),
                    make: Some("Canon".into()),
                    model: Some("Canon EOS 350D DIGITAL".into()),
                    ..ExifSpec::default()
                },
            ),
        ),
        write(&inbox, "IMG_0001.CR2", &bytes("raw/CanonRaw.cr2")),
    ];
    let heic = write(&inbox, "phone.heic", &bytes("heic/RGB_10__128x128.heif"));
    let later = [
        write(&inbox, "after-1.jpg", &jpeg(seed + 2)),
        heic,
        raw_pair[0].clone(),
        raw_pair[1].clone(),
    ];
    import(&library, &later, &spec("2026-10-13"));
    import(
        &library,
        &[write(&inbox, "other.jpg", &jpeg(seed + 3))],
        &AssignmentSpec {
            person: Some(format!("{person} Junior")),
            ..AssignmentSpec::default()
        },
    );

    let mut cat = library.catalogue().unwrap();
    let photos: Vec<(PhotoId, Option<i64>)> = cat
        .list_photos(None)
        .unwrap()
        .into_iter()
        .map(|l| (l.photo.id, l.photo.session.map(|s| s.0)))
        .collect();
    let sessions: Vec<i64> = {
        let mut s: Vec<i64> = photos.iter().filter_map(|p| p.1).collect();
        s.sort_unstable();
        s.dedup();
        s
    };
    assert_eq!(sessions.len(), 2, "{photos:?}");
    let session = |n: usize| skinlapse::model::SessionId(sessions[n]);
    let person_id = cat
        .people()
        .unwrap()
        .into_iter()
        .find(|p| p.name == person)
        .unwrap()
        .id;
    for (n, value) in [(0, 3.0), (1, 2.0)] {
        cat.add_grade(&NewGrade {
            session: Some(session(n)),
            photo: None,
            scale: GradeScale::GoodmanBaron,
            custom_name: None,
            value: Some(value),
            mmasi_regions: None,
            notes: format!("visit {n}"),
        })
        .unwrap();
    }
    let (a, b) = (photos[0].0, photos[1].0);
    cat.add_grade(&NewGrade {
        session: None,
        photo: Some(b),
        scale: GradeScale::Satisfaction,
        custom_name: None,
        value: Some(8.0),
        mmasi_regions: None,
        notes: String::new(),
    })
    .unwrap();
    cat.add_side_effect(
        session(1),
        SideEffectKind::Redness,
        2,
        1,
        "settled by day 3",
    )
    .unwrap();
    cat.note_contraindication(
        person_id,
        Contraindication::HerpesSimplex,
        date("2026-08-01"),
        "prophylaxis",
    )
    .unwrap();
    for (given, on) in [(true, "2026-08-20"), (false, "2026-11-02")] {
        cat.record_consent(
            &ConsentChange {
                person: person_id,
                scope: ConsentScope::Education,
                given,
                on: date(on),
                staff: "Dr Lee".into(),
                note: String::new(),
            },
            date("2026-11-30"),
        )
        .unwrap();
    }
    let series = cat
        .list_photos(None)
        .unwrap()
        .into_iter()
        .find_map(|l| l.photo.series)
        .unwrap();
    cat.set_required_views(series, &[View::Frontal, View::LeftOblique])
        .unwrap();
    let landmarks = [
        ([10.0, 10.0], [11.0, 10.5]),
        ([50.0, 12.0], [51.5, 12.0]),
        ([30.0, 60.0], [30.5, 61.0]),
    ];
    cat.save_alignment(
        b,
        a,
        Similarity {
            scale: 1.01,
            angle: 0.02,
            tx: 1.5,
            ty: -0.25,
        },
        AlignMethod::Landmarks,
        None,
        Some(&landmarks[..]),
    )
    .unwrap();
    cat.set_setting(skinlapse::catalogue::CLINIC_NAME, Some("Home"))
        .unwrap();
    drop(cat);
    drop(library);
    let out = run(
        &root,
        &[],
        &[
            "measure",
            "--photo",
            &a.0.to_string(),
            "--rect",
            "10,10,40,30",
            "--save",
            "cheek",
        ],
    );
    assert!(out.status.success(), "{}", text(&out));
    root
}

/// Rows of a query, each value as text (floats exactly), sorted: the same SQL runs on both
/// catalogues, which have the same shapes.
fn sqlite_rows(conn: &rusqlite::Connection, sql: &str) -> Vec<Vec<String>> {
    let mut stmt = conn.prepare(sql).unwrap();
    let n = stmt.column_count();
    let mut rows: Vec<Vec<String>> = stmt
        .query_map([], |r| {
            (0..n)
                .map(|i| {
                    Ok(match r.get::<_, rusqlite::types::Value>(i)? {
                        rusqlite::types::Value::Null => "NULL".to_owned(),
                        rusqlite::types::Value::Integer(v) => v.to_string(),
                        rusqlite::types::Value::Real(v) => format!("{v:?}"),
                        rusqlite::types::Value::Text(v) => v,
                        rusqlite::types::Value::Blob(v) => format!("{v:?}"),
                    })
                })
                .collect()
        })
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    rows.sort();
    rows
}

fn pg_rows(client: &mut postgres::Client, sql: &str) -> Vec<Vec<String>> {
    use postgres::types::Type;
    let mut rows: Vec<Vec<String>> = client
        .query(sql, &[])
        .unwrap()
        .iter()
        .map(|r| {
            (0..r.len())
                .map(|i| {
                    let ty = r.columns()[i].type_().clone();
                    let shown = if ty == Type::INT4 {
                        r.get::<_, Option<i32>>(i).map(|v| v.to_string())
                    } else if ty == Type::INT8 {
                        r.get::<_, Option<i64>>(i).map(|v| v.to_string())
                    } else if ty == Type::FLOAT8 {
                        r.get::<_, Option<f64>>(i).map(|v| format!("{v:?}"))
                    } else if ty == Type::BYTEA {
                        r.get::<_, Option<Vec<u8>>>(i).map(|v| format!("{v:?}"))
                    } else {
                        r.get::<_, Option<String>>(i)
                    };
                    shown.unwrap_or_else(|| "NULL".to_owned())
                })
                .collect()
        })
        .collect();
    rows.sort();
    rows
}

/// Every table, by what identifies its rows in both catalogues (names, dates, hashes), never
/// by ids, which the import remaps.
const SAME_IN_BOTH: &[&str] = &[
    "SELECT name, birth_year, fitzpatrick, notes, archived, created_at FROM person",
    "SELECT p.name, s.title, s.planned_sessions, s.interval_days, s.start_date, s.status, s.notes
       FROM series s JOIN person p ON p.id = s.person_id",
    "SELECT s.title, x.date, x.kind, x.device, x.needle_depth_mm, x.passes, x.products, x.numbing,
            x.practitioner, x.cost_cents, x.notes, x.device_kind, x.currency,
            x.contraindications_acknowledged
       FROM session x JOIN series s ON s.id = x.series_id",
    "SELECT s.title, t.kind, t.key FROM series_term st JOIN series s ON s.id = st.series_id
       JOIN term t ON t.id = st.term_id",
    "SELECT s.title, v.view FROM series_view v JOIN series s ON s.id = v.series_id",
    "SELECT f.hash, f.format, f.original_name, f.file_size, f.width, f.height, f.taken_at,
            f.taken_at_offset_min, f.taken_at_estimated, f.camera, f.view, f.lighting, p.name,
            s.title, x.date, f.notes, f.imported_at, f.trashed_at, f.taken_at_source,
            f.colour_profile, f.original_name_raw
       FROM photo f LEFT JOIN person p ON p.id = f.person_id
       LEFT JOIN series s ON s.id = f.series_id LEFT JOIN session x ON x.id = f.session_id",
    "SELECT f.hash, t.kind, t.key FROM photo_term pt JOIN photo f ON f.id = pt.photo_id
       JOIN term t ON t.id = pt.term_id",
    "SELECT f.hash, w.n, w.text FROM photo_warning w JOIN photo f ON f.id = w.photo_id",
    "SELECT f.hash, c.hash, c.format, c.original_name, c.file_size
       FROM photo_companion c JOIN photo f ON f.id = c.photo_id",
    "SELECT x.date, f.hash, g.scale, g.custom_name, g.value, g.detail, g.notes, g.recorded_at
       FROM grade g LEFT JOIN session x ON x.id = g.session_id LEFT JOIN photo f ON f.id = g.photo_id",
    "SELECT x.date, e.kind, e.severity, e.day_after, e.notes
       FROM side_effect e JOIN session x ON x.id = e.session_id",
    "SELECT p.name, c.kind, c.noted_on, c.resolved_on, c.notes
       FROM contraindication c JOIN person p ON p.id = c.person_id",
    "SELECT p.name, c.scope, c.given_on, c.note, c.withdrawn_on
       FROM consent c JOIN person p ON p.id = c.person_id",
    "SELECT p.name, e.scope, e.given, e.on_date, e.staff, e.note, e.recorded_at
       FROM consent_event e JOIN person p ON p.id = e.person_id",
    "SELECT f.hash, r.hash, a.scale, a.angle, a.tx, a.ty, a.method, a.confidence, a.updated_at
       FROM alignment a JOIN photo f ON f.id = a.photo_id JOIN photo r ON r.id = a.reference_id",
    "SELECT f.hash, g.hash, l.n, l.x, l.y, l.against_x, l.against_y
       FROM landmark l JOIN photo f ON f.id = l.photo_id JOIN photo g ON g.id = l.against_id",
    "SELECT f.hash, c.found, c.score, c.landmarks, c.yaw, c.pitch, c.roll, c.suggested_view,
            c.model, c.computed_at
       FROM face c JOIN photo f ON f.id = c.photo_id",
    "SELECT f.hash, r.name, r.shape, r.surround, r.created_at
       FROM region r JOIN photo f ON f.id = r.photo_id",
    "SELECT r.name, f.hash, m.method_version, m.corrected, m.l_mean, m.a_mean, m.b_mean, m.l_sd,
            m.ita_deg, m.erythema_index, m.melanin_index, m.pixels, m.surround_l,
            m.delta_e2000, m.measured_at
       FROM measurement m JOIN region r ON r.id = m.region_id JOIN photo f ON f.id = m.photo_id",
    "SELECT f.hash, c.kind, c.corners, c.matrix, c.residuals, c.fitted_at
       FROM card_correction c JOIN photo f ON f.id = c.photo_id",
    "SELECT kind, key, name, builtin FROM term",
];

fn source(root: &Path) -> rusqlite::Connection {
    rusqlite::Connection::open_with_flags(
        root.join("catalog.sqlite"),
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
    )
    .unwrap()
}

/// Every original of the personal library (photos' own and companions), with its extension.
fn originals(src: &rusqlite::Connection) -> Vec<(String, &'static str)> {
    let rows = sqlite_rows(
        src,
        "SELECT hash, format FROM photo UNION SELECT hash, format FROM photo_companion",
    );
    rows.into_iter()
        .map(|r| {
            (
                r[0].clone(),
                PhotoFormat::from_key(&r[1]).unwrap().extension(),
            )
        })
        .collect()
}

fn clinic_original(clinic: &Path, hash: &str, extension: &str) -> PathBuf {
    clinic
        .join("originals")
        .join(&hash[..2])
        .join(format!("{hash}.{extension}"))
}

fn count(client: &mut postgres::Client, sql: &str) -> i64 {
    client.query_one(sql, &[]).unwrap().get(0)
}

#[test]
fn a_personal_library_moves_into_an_empty_clinic_with_everything_and_verifies() {
    let dir = tempfile::tempdir().unwrap();
    let clinic = Clinic::new(dir.path());
    let personal = personal_library(dir.path(), "Pat Doe", 10);

    let out = clinic.import(&personal, "ann", &[], false);
    assert!(out.status.success(), "{}", text(&out));
    let said = text(&out);
    assert!(said.contains("photo 6 of 6"), "{said}");
    assert!(
        said.contains("verified: 2 people, 6 photos, 1 series, 2 sessions"),
        "{said}"
    );
    assert!(
        said.contains("and 7 originals by their content hash"),
        "{said}"
    );

    let src = source(&personal);
    let mut db = clinic.superuser();
    for sql in SAME_IN_BOTH {
        assert_eq!(sqlite_rows(&src, sql), pg_rows(&mut db, sql), "{sql}");
    }
    // Not vacuous: the record and the analysis are there.
    for (sql, at_least) in [
        ("SELECT count(*) FROM photo_companion", 1),
        ("SELECT count(*) FROM grade", 3),
        ("SELECT count(*) FROM consent_event", 2),
        ("SELECT count(*) FROM landmark", 3),
        ("SELECT count(*) FROM measurement", 1),
        ("SELECT count(*) FROM series_view", 2),
        ("SELECT count(*) FROM photo WHERE format = 'heif'", 1),
    ] {
        assert!(count(&mut db, sql) >= at_least, "{sql}");
    }
    // The library's settings where the clinic had none; the clinic stays a clinic.
    assert_eq!(
        pg_rows(&mut db, "SELECT key, value FROM setting ORDER BY key"),
        [["clinic_name", "Home"], ["mode", "clinic"]]
    );
    // Every original, byte for byte, under its content hash.
    let library =
        Library::open_for_reading(&personal, &skinlapse::library::OpenOptions::default()).unwrap();
    for (hash, extension) in originals(&src) {
        let stored = std::fs::read(clinic_original(&clinic.dir, &hash, extension)).unwrap();
        assert_eq!(ContentHash::of(&stored).to_string(), hash);
        let parsed = ContentHash::parse(&hash).unwrap();
        let format = PhotoFormat::ALL
            .into_iter()
            .find(|f| f.extension() == extension)
            .unwrap();
        assert_eq!(
            stored,
            library
                .read_file(&library.original_path(&parsed, format))
                .unwrap()
        );
    }
    // The trail names the admin as importer of every photo, with the purpose; every row
    // the import made says "import" (none "create").
    assert_eq!(
        count(
            &mut db,
            &format!(
                "SELECT count(*) FROM audit_event WHERE action = 'import' AND user_name = '{}'
                    AND purpose = 'import-library' AND target_kind = 'photo'",
                clinic.name("ann")
            )
        ),
        6
    );
    assert_eq!(
        count(
            &mut db,
            "SELECT count(*) FROM audit_event WHERE action = 'create'
                AND purpose = 'import-library'"
        ),
        0
    );
    assert_eq!(
        count(
            &mut db,
            "SELECT count(*) FROM audit_event WHERE action = 'import' AND target_kind = 'person'
                AND person_name = 'Pat Doe'"
        ),
        1
    );

    // Run again: nothing twice, verified again.
    let again = clinic.import(&personal, "ann", &[], true);
    assert!(again.status.success(), "{}", text(&again));
    let summary: serde_json::Value = serde_json::from_slice(&again.stdout).unwrap();
    assert_eq!(summary["verified"], true, "{summary}");
    assert_eq!(summary["photos"], 6);
    assert_eq!(summary["counts"]["grades"]["clinic"], 3);
    assert!(
        text(&again).contains("6 of 6 photos were moved in by an earlier run"),
        "{}",
        text(&again)
    );
    assert_eq!(count(&mut db, "SELECT count(*) FROM photo"), 6);
    assert_eq!(count(&mut db, "SELECT count(*) FROM grade"), 3);
}

#[test]
fn into_a_clinic_with_patients_ids_are_remapped_same_content_is_not_duplicated_and_a_clash_is_refused()
 {
    let dir = tempfile::tempdir().unwrap();
    let clinic = Clinic::new(dir.path());
    let first = personal_library(dir.path(), "Pat Doe", 20);
    let out = clinic.import(&first, "bob", &[], false);
    assert!(out.status.success(), "{}", text(&out));
    // A clinician may not change the clinic's settings: said, not copied.
    assert!(
        text(&out).contains("settings: not copied"),
        "{}",
        text(&out)
    );

    // A second library: its ids collide with the first's, and it holds one of its photos.
    let second = personal_library(dir.path(), "Sam Roe", 30);
    let shared = dir.path().join("inbox-20/before-1.jpg");
    let library = Library::open(&second).unwrap();
    import(&library, &[shared], &AssignmentSpec::default());
    drop(library);
    let out = clinic.import(&second, "bob", &[], true);
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains("before-1.jpg is in the clinic already"),
        "{}",
        text(&out)
    );
    let summary: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(summary["verified"], true, "{summary}");
    // The HEIC is the same file in both libraries, and so is the copied JPEG.
    let mut already: Vec<&str> = summary["already_in_clinic"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    already.sort_unstable();
    assert_eq!(already, ["before-1.jpg", "phone.heic"]);

    let mut db = clinic.superuser();
    assert_eq!(count(&mut db, "SELECT count(*) FROM person"), 4);
    // 6 photos, then 7 of which the clinic had two.
    assert_eq!(count(&mut db, "SELECT count(*) FROM photo"), 11);
    // The same CR2 is in both libraries: the clinic keeps it once, with the first's photo.
    assert_eq!(count(&mut db, "SELECT count(*) FROM photo_companion"), 1);
    // Both libraries' records, each on its own patient.
    let src = source(&second);
    let sql = "SELECT p.name, s.title, x.date FROM session x JOIN series s ON s.id = x.series_id
                 JOIN person p ON p.id = s.person_id WHERE p.name LIKE 'Sam%'";
    assert_eq!(sqlite_rows(&src, sql), pg_rows(&mut db, sql));
    let grades = "SELECT p.name, x.date, g.value FROM grade g JOIN session x ON x.id = g.session_id
                    JOIN series s ON s.id = x.series_id JOIN person p ON p.id = s.person_id";
    assert_eq!(pg_rows(&mut db, grades).len(), 4);

    // A third library with a patient the clinic has (the case differs): refused, nothing
    // written.
    let sizes = |db: &mut postgres::Client| -> Vec<i64> {
        [
            "person",
            "photo",
            "grade",
            "import_run",
            "import_map",
            "audit_event",
        ]
        .iter()
        .map(|t| count(db, &format!("SELECT count(*) FROM {t}")))
        .collect()
    };
    let third = personal_library(dir.path(), "PAT DOE", 40);
    let before = sizes(&mut db);
    let out = clinic.import(&third, "bob", &[], false);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(
        text(&out)
            .contains("the clinic already has patients named \"Pat Doe\" and \"Pat Doe Junior\""),
        "{}",
        text(&out)
    );
    assert!(text(&out).contains("nothing was written"), "{}", text(&out));
    let mut after = sizes(&mut db);
    // Only bob's sign-in was recorded.
    let signed_in = format!(
        "SELECT count(*) FROM audit_event WHERE action = 'sign-in' AND user_name = '{}'",
        clinic.name("bob")
    );
    assert!(count(&mut db, &signed_in) >= 1);
    *after.last_mut().unwrap() -= 1;
    assert_eq!(before, after);
}

#[test]
fn an_import_killed_mid_run_finishes_when_run_again_without_duplicates() {
    let dir = tempfile::tempdir().unwrap();
    let clinic = Clinic::new(dir.path());
    let personal = personal_library(dir.path(), "Pat Doe", 50);

    // Killed after the third photo's originals were stored, before its rows.
    let out = clinic.import(
        &personal,
        "bob",
        &[("SKINLAPSE_FAILPOINT", "clinic_original_stored:3")],
        false,
    );
    assert!(!out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("photo 2 of 6"), "{}", text(&out));
    let mut db = clinic.superuser();
    assert_eq!(count(&mut db, "SELECT count(*) FROM photo"), 2);
    // Killed again, after two more photos' rows were committed.
    let out = clinic.import(
        &personal,
        "bob",
        &[("SKINLAPSE_FAILPOINT", "clinic_photo_imported:2")],
        false,
    );
    assert!(!out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains("2 of 6 photos were moved in by an earlier run"),
        "{}",
        text(&out)
    );
    assert_eq!(count(&mut db, "SELECT count(*) FROM photo"), 4);

    let out = clinic.import(&personal, "bob", &[], false);
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains("verified: 2 people, 6 photos"),
        "{}",
        text(&out)
    );
    let src = source(&personal);
    for sql in SAME_IN_BOTH {
        assert_eq!(sqlite_rows(&src, sql), pg_rows(&mut db, sql), "{sql}");
    }
    // No temporary file is left in the clinic's share.
    let leftovers: Vec<_> = std::fs::read_dir(clinic.dir.join("tmp"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .filter(|n| n.to_string_lossy().ends_with(".part"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn an_assistant_is_refused_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let clinic = Clinic::new(dir.path());
    let personal = personal_library(dir.path(), "Pat Doe", 60);
    let out = clinic.import(&personal, "cat", &[], false);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(
        text(&out).contains("needs a clinician or an admin; nothing was written"),
        "{}",
        text(&out)
    );
    let mut db = clinic.superuser();
    assert_eq!(count(&mut db, "SELECT count(*) FROM person"), 0);
    assert_eq!(count(&mut db, "SELECT count(*) FROM import_run"), 0);
    // A personal library as --library, or a clinic as --from, is named for what it is.
    let out = clinic.import(&clinic.dir, "bob", &[], false);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(text(&out).contains("is a clinic library"), "{}", text(&out));
}

#[test]
fn an_encrypted_library_moves_in_with_plain_originals_byte_for_byte() {
    let dir = tempfile::tempdir().unwrap();
    let clinic = Clinic::new(dir.path());
    let personal = dir.path().join("sealed");
    let passphrase = [("SKINLAPSE_PASSPHRASE", "correct horse battery")];
    let out = run(&personal, &passphrase, &["create", "--encrypted"]);
    assert!(out.status.success(), "{}", text(&out));
    let inbox = dir.path().join("inbox");
    std::fs::create_dir_all(&inbox).unwrap();
    let files = [
        write(&inbox, "a.jpg", &jpeg(70)),
        write(&inbox, "b.heic", &bytes("heic/RGB_12__128x128.heif")),
    ];
    let out = run(
        &personal,
        &passphrase,
        &[
            "import",
            "--person",
            "Kim Poe",
            files[0].to_str().unwrap(),
            files[1].to_str().unwrap(),
        ],
    );
    assert!(out.status.success(), "{}", text(&out));
    // Without the passphrase: refused before anything is read or written.
    let out = clinic.import(&personal, "bob", &[], false);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));

    let out = clinic.import(&personal, "bob", &passphrase, false);
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains("verified: 1 person, 2 photos"),
        "{}",
        text(&out)
    );
    let mut db = clinic.superuser();
    let stored = pg_rows(&mut db, "SELECT hash, format, original_name FROM photo");
    assert_eq!(stored.len(), 2);
    for file in &files {
        let plain = std::fs::read(file).unwrap();
        let hash = ContentHash::of(&plain).to_string();
        let row = stored.iter().find(|r| r[0] == hash).unwrap();
        let extension = PhotoFormat::from_key(&row[1]).unwrap().extension();
        assert_eq!(
            std::fs::read(clinic_original(&clinic.dir, &hash, extension)).unwrap(),
            plain
        );
    }
    assert_eq!(
        pg_rows(&mut db, "SELECT name FROM person"),
        [["Kim Poe".to_owned()]]
    );
}

#[test]
fn a_clinic_made_before_import_library_gets_its_tables_through_the_server_account() {
    let dir = tempfile::tempdir().unwrap();
    let clinic = Clinic::new(dir.path());
    let mut db = clinic.superuser();
    db.batch_execute(
        "DROP TABLE import_map; DROP TABLE import_run; DELETE FROM schema_migration WHERE version >= 4",
    )
    .unwrap();
    let personal = personal_library(dir.path(), "Pat Doe", 80);
    let out = clinic.import(&personal, "bob", &[], false);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(
        text(&out).contains("set PGUSER and PGPASSWORD naming the server account that made the clinic (was made before import-library"),
        "{}",
        text(&out)
    );
    assert_eq!(count(&mut db, "SELECT count(*) FROM person"), 0);
    let server = [
        ("PGUSER", "postgres"),
        ("PGPASSWORD", pg::SUPERUSER_PASSWORD),
    ];
    let out = clinic.import(&personal, "bob", &server, false);
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains("verified: 2 people, 6 photos"),
        "{}",
        text(&out)
    );
    // The tables belong to the clinic's owner role, like the rest of its schema.
    let owner: String = db
        .query_one(
            "SELECT tableowner::TEXT FROM pg_tables WHERE tablename = 'import_map'",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(owner, format!("{}_owner", clinic.database));
}

#[test]
fn a_damaged_original_stops_the_import_naming_it_and_the_rest_follows_once_repaired() {
    let dir = tempfile::tempdir().unwrap();
    let clinic = Clinic::new(dir.path());
    let personal = personal_library(dir.path(), "Pat Doe", 90);
    let src = source(&personal);
    let third = &sqlite_rows(&src, "SELECT hash, format FROM photo WHERE id = 3")[0];
    let extension = PhotoFormat::from_key(&third[1]).unwrap().extension();
    let stored = clinic_original(&personal, &third[0], extension);
    let good = std::fs::read(&stored).unwrap();
    let mut bad = good.clone();
    let last = bad.len() - 1;
    bad[last] ^= 0x55;
    std::fs::write(&stored, &bad).unwrap();

    let out = clinic.import(&personal, "bob", &[], false);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let said = text(&out);
    assert!(said.contains(&third[0]), "{said}");
    assert!(
        said.contains(
            "no longer matches its content hash (it is damaged); nothing of photo 3 of 6"
        ),
        "{said}"
    );
    let mut db = clinic.superuser();
    assert_eq!(count(&mut db, "SELECT count(*) FROM photo"), 2);
    assert!(!clinic_original(&clinic.dir, &third[0], extension).exists());

    std::fs::write(&stored, &good).unwrap();
    let out = clinic.import(&personal, "bob", &[], false);
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains("verified: 2 people, 6 photos"),
        "{}",
        text(&out)
    );
}

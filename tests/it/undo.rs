//! Undo and redo of every edit, through the real app: Ctrl+Z puts the catalogue back exactly
//! as it was, Ctrl+Shift+Z forward again, and the Edit menu names the step.

use crate::app::{changed_elsewhere, click_photo, grid_ids, harness, photos, send, settle};
use crate::compare::demo_with_me;
use crate::support::{jpeg_exif, write};
use egui::accesskit::Role;
use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use skinlapse::app::edit::NewSideEffect;
use skinlapse::app::record::{PersonCommand, RecordCommand};
use skinlapse::app::{
    Action, Command, ImportCommand, LibraryCommand, Modal, PeopleCommand, PhotoCommand,
};
use skinlapse::catalogue::{
    AssignmentSpec, NewGrade, NewSession, SeriesPlan, TakenAtChange, TermChange,
};
use skinlapse::imaging::synth::ExifSpec;
use skinlapse::model::clinical::{
    ConsentScope, Contraindication, GradeScale, Mode, SideEffectKind,
};
use skinlapse::model::{Lighting, PhotoId, SeriesStatus, View, VocabKind};
use skinlapse::ui::App;
use std::fmt::Write as _;
use std::path::Path;

/// Every row of every table an edit can touch, as text (timestamps that an undo may
/// legitimately renew are left out: when a photo went to the trash, when an alignment was
/// saved).
fn dump(root: &Path) -> String {
    let mut catalogue = Dump::open(root);
    let mut out = String::new();
    for (table, columns) in [
        ("person", "*"),
        ("series", "*"),
        ("series_term", "*"),
        ("series_view", "*"),
        ("session", "*"),
        ("term", "*"),
        (
            "photo",
            "id, taken_at, taken_at_offset_min, taken_at_estimated, view, lighting, person_id, \
             series_id, session_id, notes, trashed_at IS NULL",
        ),
        ("photo_term", "*"),
        ("grade", "*"),
        ("side_effect", "*"),
        ("contraindication", "*"),
        ("consent", "*"),
        ("consent_event", "*"),
        (
            "alignment",
            "photo_id, reference_id, scale, angle, tx, ty, method, confidence",
        ),
        ("landmark", "*"),
        // Personal is what an unset mode means.
        (
            "(SELECT * FROM setting WHERE NOT (key = 'mode' AND value = 'personal'))",
            "*",
        ),
    ] {
        for row in catalogue.rows(table, columns) {
            writeln!(out, "{table}: {row}").unwrap();
        }
    }
    out
}

/// The catalogue of the test library, read behind the app's back: its SQLite file, or the
/// clinic's database (as its admin, from "another workstation").
enum Dump {
    Sqlite(rusqlite::Connection),
    Clinic(postgres::Client),
}

/// Row versions only ever move forward (an undo is a change other workstations must see):
/// the content is what undo puts back.
const NOT_CONTENT: &str = "('row_version', 'changed_by', 'changed_at')";

impl Dump {
    /// The one text column `sql` reads, row by row.
    fn texts(&mut self, sql: &str) -> Vec<Option<String>> {
        match self {
            Self::Sqlite(conn) => {
                let mut stmt = conn.prepare(sql).unwrap();
                stmt.query_map([], |r| r.get(0))
                    .unwrap()
                    .map(Result::unwrap)
                    .collect()
            }
            Self::Clinic(client) => client
                .query(sql, &[])
                .unwrap()
                .iter()
                .map(|row| row.get(0))
                .collect(),
        }
    }

    fn open(root: &Path) -> Self {
        match skinlapse::testing::admin_client(root) {
            Some(client) => Self::Clinic(client),
            None => Self::Sqlite(rusqlite::Connection::open(root.join("catalog.sqlite")).unwrap()),
        }
    }

    /// Each row of `table` (a table or a parenthesised query), its `columns` ("*": all but
    /// the row versions) as text, in a stable order.
    fn rows(&mut self, table: &str, columns: &str) -> Vec<String> {
        match self {
            Self::Sqlite(conn) => {
                let columns = if columns == "*" && !table.starts_with('(') {
                    conn.query_row(
                        &format!(
                            "SELECT group_concat(name, ', ') FROM pragma_table_info(?1)
                             WHERE name NOT IN {NOT_CONTENT}"
                        ),
                        [table],
                        |r| r.get::<_, String>(0),
                    )
                    .unwrap()
                } else {
                    columns.to_owned()
                };
                let mut stmt = conn
                    .prepare(&format!("SELECT {columns} FROM {table} ORDER BY 1, 2"))
                    .unwrap();
                let n = stmt.column_count();
                stmt.query_map([], |r| {
                    (0..n)
                        .map(|i| {
                            r.get::<_, rusqlite::types::Value>(i)
                                .map(|v| format!("{v:?}"))
                        })
                        .collect::<rusqlite::Result<Vec<_>>>()
                        .map(|row| row.join(" | "))
                })
                .unwrap()
                .collect::<rusqlite::Result<_>>()
                .unwrap()
            }
            Self::Clinic(client) => {
                let columns = if columns == "*" && !table.starts_with('(') {
                    client
                        .query_one(
                            &format!(
                                "SELECT string_agg(column_name::text, ', ' ORDER BY ordinal_position)
                                 FROM information_schema.columns
                                 WHERE table_schema = 'skinlapse' AND table_name::text = $1
                                   AND column_name::text NOT IN {NOT_CONTENT}"
                            ),
                            &[&table],
                        )
                        .unwrap()
                        .get::<_, String>(0)
                } else {
                    columns.to_owned()
                };
                // Each row as PostgreSQL writes a record: every type has a text form.
                client
                    .query(
                        &format!(
                            "SELECT CAST(ROW(r.*) AS text) FROM (SELECT {columns} FROM {table} AS t) AS r
                             ORDER BY 1"
                        ),
                        &[],
                    )
                    .unwrap()
                    .iter()
                    .map(|row| row.get::<_, String>(0))
                    .collect()
            }
        }
    }
}

fn undo(h: &mut Harness<'static, App>) {
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    settle(h);
}

fn redo(h: &mut Harness<'static, App>) {
    h.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::Z);
    settle(h);
}

/// Two dumps are the same; if not, the lines only one of them has.
#[track_caller]
fn assert_same(got: &str, want: &str, what: &str) {
    if got != want {
        let only = |a: &str, b: &str| -> Vec<String> {
            a.lines()
                .filter(|l| !b.lines().any(|m| m == *l))
                .map(str::to_owned)
                .collect()
        };
        panic!(
            "{what}\nonly now: {:#?}\nonly wanted: {:#?}",
            only(got, want),
            only(want, got)
        );
    }
}

/// Runs `commands` as one user action each (most are one), then checks: something changed;
/// the Edit menu names the step; Ctrl+Z puts everything back; Ctrl+Shift+Z forward again.
fn round_trip(h: &mut Harness<'static, App>, root: &Path, what: &str, commands: Vec<Command>) {
    let before = dump(root);
    for c in commands {
        send(h, c);
    }
    let notices = format!("{:?}", h.state().state.notices);
    let after = dump(root);
    assert!(before != after, "{what}: nothing changed; {notices}");
    assert_eq!(
        h.state().state.history.next_undo(),
        Some(what),
        "the step is named; {notices}"
    );
    undo(h);
    assert_same(&dump(root), &before, &format!("{what}: undo puts it back"));
    assert_eq!(h.state().state.history.next_redo(), Some(what));
    redo(h);
    assert_same(&dump(root), &after, &format!("{what}: redo does it again"));
}

/// The demo's first series of Me, its sessions, and two of Me's photos selected.
fn me_selected(h: &mut Harness<'static, App>) -> Vec<PhotoId> {
    let ids = grid_ids(h);
    click_photo(h, ids[0], Modifiers::NONE);
    click_photo(h, ids[1], Modifiers::COMMAND);
    ids
}

#[test]
fn every_photo_edit_is_undone_and_redone() {
    let (dir, mut h) = demo_with_me();
    let root = dir.path().join("lib");
    let ids = me_selected(&mut h);
    let chin = crate::app::area(&h, "forehead");
    let alex = h
        .state()
        .state
        .overview
        .people
        .iter()
        .find(|p| p.name == "Alex Moreau")
        .unwrap()
        .id;
    let steps: Vec<(&str, Vec<Command>)> = vec![
        (
            "change the view of 2 photos",
            vec![PhotoCommand::SetView(Some(View::CloseUp)).into()],
        ),
        (
            "change the lighting of 2 photos",
            vec![PhotoCommand::SetLighting(Some(Lighting::Uv)).into()],
        ),
        (
            "tag 2 photos",
            vec![PhotoCommand::ChangeTerm(TermChange::Add(chin)).into()],
        ),
        (
            "add the area \"Left ear\" and tag 2 photos",
            vec![PhotoCommand::AddTerm(VocabKind::Area, "Left ear".into()).into()],
        ),
        (
            "change the notes of 1 photo",
            vec![PhotoCommand::SetNotes(ids[0], "flash was on".into()).into()],
        ),
        (
            "change taken-at of 2 photos",
            vec![
                PhotoCommand::ChangeTakenAt(
                    ids[..2].to_vec(),
                    TakenAtChange::Shift(chrono::TimeDelta::hours(-3)),
                )
                .into(),
            ],
        ),
        (
            "assign 2 photos",
            vec![
                PhotoCommand::Assign {
                    person: Some(alex),
                    series: None,
                    session: None,
                }
                .into(),
            ],
        ),
        (
            "move 2 photos to the trash",
            vec![Action::MoveToTrash.into()],
        ),
    ];
    for (what, commands) in steps {
        // Every step starts from the same two photos selected.
        me_selected(&mut h);
        round_trip(&mut h, &root, what, commands);
    }
    // Undo walks back through all of them, then redo forward again.
    let end = dump(&root);
    while h.state().state.history.can_undo() {
        undo(&mut h);
    }
    assert_eq!(
        h.state().state.history.next_redo(),
        Some("change the view of 2 photos")
    );
    while h.state().state.history.can_redo() {
        redo(&mut h);
    }
    assert_same(&dump(&root), &end, "all redone");
}

#[test]
fn every_record_and_people_edit_is_undone_and_redone() {
    let (dir, mut h) = demo_with_me();
    let root = dir.path().join("lib");
    let state = &h.state().state;
    let me = state.browse.filter.person.unwrap();
    let series = state.overview.series[0].id;
    let session = state.overview.sessions[&series][1].id;
    let chin = crate::app::area(&h, "chin");
    let day = |s: &str| s.parse::<chrono::NaiveDate>().unwrap();
    let record = |c: RecordCommand| -> Command { c.into() };
    let steps: Vec<(&str, Vec<Command>)> = vec![
        (
            "add \"Dana K\"",
            vec![PeopleCommand::Add("Dana K".into()).into()],
        ),
        (
            "rename to \"Me, at home\"",
            vec![PeopleCommand::Rename(me, "Me, at home".into()).into()],
        ),
        (
            "archive a person",
            vec![PeopleCommand::SetArchived(me, true).into()],
        ),
        (
            "add the series \"Peel\"",
            vec![PeopleCommand::AddSeries(me, "Peel".into()).into()],
        ),
        (
            "change the series' plan",
            vec![record(RecordCommand::SavePlan(
                series,
                SeriesPlan {
                    title: "Home needling".into(),
                    planned_sessions: Some(8),
                    interval_days: Some(30),
                    start_date: Some(day("2025-01-01")),
                    status: SeriesStatus::Completed,
                    notes: "n".into(),
                },
            ))],
        ),
        (
            "change the series' areas and concerns",
            vec![record(RecordCommand::SetTerms(series, vec![chin]))],
        ),
        (
            "change the views each session needs",
            vec![record(RecordCommand::SetViews(
                series,
                vec![View::Frontal, View::LeftOblique],
            ))],
        ),
        (
            "add a session on 2030-01-01",
            vec![record(RecordCommand::AddSession(NewSession {
                series: Some(series),
                date: Some(day("2030-01-01")),
                acknowledge_contraindications: true,
                ..NewSession::default()
            }))],
        ),
        (
            "edit a session",
            vec![record(RecordCommand::UpdateSession(
                session,
                NewSession {
                    device: "Dr. Pen A6".into(),
                    needle_depth_mm: Some(0.5),
                    notes: "numbed".into(),
                    ..NewSession::default()
                },
            ))],
        ),
        (
            "add a grade",
            vec![record(RecordCommand::AddGrade(NewGrade {
                session: Some(session),
                photo: None,
                scale: GradeScale::Satisfaction,
                custom_name: None,
                value: Some(7.0),
                mmasi_regions: None,
                notes: String::new(),
            }))],
        ),
        (
            "add a side effect",
            vec![record(RecordCommand::AddSideEffect(NewSideEffect {
                session,
                kind: SideEffectKind::Flaking,
                severity: 1,
                day_after: 3,
                notes: String::new(),
            }))],
        ),
        (
            "delete a session",
            vec![record(RecordCommand::DeleteSession(session))],
        ),
        // A clinic library starts in clinic mode.
        if h.state().state.library.mode == Mode::Clinic {
            (
                "switch to personal mode",
                vec![LibraryCommand::SetMode(Mode::Personal).into()],
            )
        } else {
            (
                "switch to clinic mode",
                vec![LibraryCommand::SetMode(Mode::Clinic).into()],
            )
        },
    ];
    for (what, commands) in steps {
        round_trip(&mut h, &root, what, commands);
    }
    // Grades and side effects deleted one by one (the demo's own), from the series page.
    send(&mut h, RecordCommand::Open(series));
    let r = h.state().state.nav.record().unwrap();
    let (grade, effect) = (r.grades[0].id, r.side_effects[0].id);
    round_trip(
        &mut h,
        &root,
        "delete a grade",
        vec![record(RecordCommand::DeleteGrade(grade))],
    );
    round_trip(
        &mut h,
        &root,
        "delete a side effect",
        vec![record(RecordCommand::DeleteSideEffect(effect))],
    );
    // The person record: skin type, a contraindication, consent.
    send(&mut h, PersonCommand::Open(me));
    let person = |c: PersonCommand| -> Command { c.into() };
    round_trip(
        &mut h,
        &root,
        "change the skin type",
        vec![person(PersonCommand::SkinType(Some(5)))],
    );
    round_trip(
        &mut h,
        &root,
        "note pregnancy",
        vec![person(PersonCommand::Contraindication(
            Contraindication::Pregnancy,
            true,
        ))],
    );
    round_trip(
        &mut h,
        &root,
        "record consent to education",
        vec![person(PersonCommand::Consent {
            scope: ConsentScope::Education,
            given: true,
            on: day("2025-06-01"),
            staff: "Dr. Ito".into(),
            note: "signed".into(),
        })],
    );
    let r = h.state().state.nav.person_record().unwrap();
    assert_eq!(
        r.consent_history.last().unwrap().staff,
        "Dr. Ito",
        "the window shows it again"
    );
}

/// Found in use 1: editing "Taken at" with 18 photos selected rewrote every photo to the
/// first one's time, dropped their time zones, and could not be undone.
#[test]
fn taken_at_of_photos_taken_at_different_times_is_set_or_shifted_and_undone() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("lib");
    let inbox = dir.path().join("inbox");
    std::fs::create_dir_all(&inbox).unwrap();
    let shots = [
        ("2025:03:01 09:00:00", "+01:00"),
        ("2025:03:01 09:20:00", "+01:00"),
        ("2025:03:03 11:00:00", "-05:00"),
    ];
    let paths: Vec<_> = shots
        .iter()
        .enumerate()
        .map(|(i, (at, zone))| {
            let exif = ExifSpec {
                date_time_original: Some((*at).into()),
                offset_time_original: Some((*zone).into()),
                ..ExifSpec::default()
            };
            write(
                &inbox,
                &format!("IMG_{i}.jpg"),
                &jpeg_exif(40 + i as u64, &exif),
            )
        })
        .collect();
    let mut h = harness(&root);
    send(
        &mut h,
        ImportCommand::Start {
            paths,
            spec: AssignmentSpec {
                person: Some("Me".into()),
                ..AssignmentSpec::default()
            },
        },
    );
    let ids = grid_ids(&h);
    click_photo(&mut h, ids[0], Modifiers::NONE);
    click_photo(&mut h, ids[2], Modifiers::SHIFT);
    assert!(h.query_by_label("3 photos selected").is_some());
    let field = h.get_by_role_and_label(Role::TextInput, "Taken at");
    assert_eq!(
        field.value().as_deref(),
        Some(""),
        "not the first photo's time"
    );
    assert!(
        h.query_by_label_contains("(mixed) taken from 2025-03-01 09:00 to 2025-03-03 11:00")
            .is_some()
    );
    let before = dump(&root);
    let zones = |root: &Path| -> Vec<Option<i64>> {
        // Set to one time, the photos tie on it: their names (IMG_0…2) keep the order stable
        // whatever order the import finished them in.
        Dump::open(root)
            .texts(
                "SELECT CAST(taken_at_offset_min AS TEXT) FROM photo
                 ORDER BY taken_at, original_name",
            )
            .into_iter()
            .map(|z| z.map(|z| z.parse().unwrap()))
            .collect()
    };
    let times = |root: &Path| -> Vec<String> {
        Dump::open(root)
            .texts("SELECT taken_at FROM photo ORDER BY taken_at")
            .into_iter()
            .map(Option::unwrap)
            .collect()
    };
    // Type a time: the app asks, set or shift.
    let type_time = |h: &mut Harness<'static, App>, text: &str| {
        crate::app::type_into_field(h, "Taken at", text);
        h.key_press(Key::Enter);
        settle(h);
    };
    type_time(&mut h, "2025-03-02 09:00");
    assert!(matches!(
        h.state().state.nav.modal(),
        Some(Modal::TakenAt(_))
    ));
    assert_same(&dump(&root), &before, "nothing changes before the answer");
    h.get_by_label("Shift all by +1 day").click();
    settle(&mut h);
    assert_eq!(
        times(&root),
        [
            "2025-03-02T09:00:00",
            "2025-03-02T09:20:00",
            "2025-03-04T11:00:00"
        ],
        "each moved by the same day"
    );
    assert_eq!(
        zones(&root),
        [Some(60), Some(60), Some(-300)],
        "time zones kept"
    );
    h.get_by_label("Edit").click();
    h.run_steps(2);
    let undo_items: Vec<String> = h
        .query_all_by_label_contains("Undo")
        .map(|n| format!("{n:?}"))
        .collect();
    assert!(
        h.query_by_label_contains("Undo: change taken-at of 3 photos")
            .is_some(),
        "the Edit menu names the step: {undo_items:?}"
    );
    h.key_press(Key::Escape);
    undo(&mut h);
    assert_same(
        &dump(&root),
        &before,
        "Ctrl+Z restores every photo's own time",
    );
    // Set all to one time: each keeps its own time zone.
    type_time(&mut h, "2025-03-05 10:00");
    h.get_by_label("Set all 3 to 2025-03-05 10:00").click();
    settle(&mut h);
    assert_eq!(times(&root), ["2025-03-05T10:00:00"; 3]);
    assert_eq!(zones(&root), [Some(60), Some(60), Some(-300)]);
    undo(&mut h);
    assert_same(&dump(&root), &before, "set all, undone");
    // One photo (the newest, first in the grid): no question, its zone kept.
    click_photo(&mut h, ids[0], Modifiers::NONE);
    type_time(&mut h, "2025-03-03 12:30");
    assert!(h.state().state.nav.modal().is_none());
    assert_eq!(
        h.state().state.browse.selection.len(),
        1,
        "Ctrl+A selected text, not photos"
    );
    let photo = &h.state().state.inspector.shown().unwrap().details.photo;
    assert_eq!(photo.taken_at.to_iso(), "2025-03-03T12:30:00-05:00");
}

#[test]
fn the_trash_notice_goes_when_its_step_is_undone() {
    let dir = tempfile::tempdir().unwrap();
    let all = photos(dir.path(), 2);
    let mut h = harness(&dir.path().join("lib"));
    crate::app::import_tagged(&mut h, all, &[], &[]);
    let ids = grid_ids(&h);
    click_photo(&mut h, ids[0], Modifiers::NONE);
    h.key_press(Key::Delete);
    settle(&mut h);
    assert!(
        h.query_by_label("Moved 1 photo to the trash. Undo with Ctrl+Z.")
            .is_some(),
        "one photo, not \"1 photos\""
    );
    undo(&mut h);
    assert!(
        h.query_by_label_contains("Undo with Ctrl+Z").is_none(),
        "the offer to undo goes with the undo"
    );
    assert!(
        h.query_by_label("Undone: move 1 photo to the trash.")
            .is_some()
    );
}

/// The person record's skin type, saved over another window's newer change of the person,
/// is refused with who and when and the record is read again; saved again, it goes through.
#[test]
fn a_skin_type_saved_over_another_windows_change_is_refused_and_reloaded() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("lib");
    let mut h = harness(&root);
    send(&mut h, PeopleCommand::Add("Ann".into()));
    let ann = h.state().state.overview.people[0].id;
    send(&mut h, PersonCommand::Open(ann));
    let library = skinlapse::testing::library_at(&root);
    let mut other = library.catalogue().unwrap();
    other.set_skin_type(ann, Some(2)).unwrap();

    send(&mut h, PersonCommand::SkinType(Some(5)));
    let said = h.state().state.notices.last().unwrap().text.clone();
    assert!(
        said.contains(&format!(
            "person \u{201c}Ann\u{201d} {}",
            changed_elsewhere(&root)
        )),
        "{said}"
    );
    assert_eq!(other.person(ann).unwrap().fitzpatrick, Some(2));
    let shown = h.state().state.nav.person_record().unwrap();
    assert_eq!(
        shown.person.fitzpatrick,
        Some(2),
        "the record shows their change"
    );

    send(&mut h, PersonCommand::SkinType(Some(5)));
    assert_eq!(other.person(ann).unwrap().fitzpatrick, Some(5));
}

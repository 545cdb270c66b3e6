//! The import dialog files photos correctly, driven through the real `App`: thumbnails with
//! capture dates read off the UI thread, per-photo views by click, keys and "assign in
//! order", the session date proposed from the photos, dates far from it and duplicates
//! flagged before the import, and the photos imported with their own views.

use crate::app::{harness, import_tagged, send, settle, type_into_field};
use crate::support::*;
use egui::Key;
use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use skinlapse::app::ImportCommand;
use skinlapse::imaging::synth::ExifSpec;
use skinlapse::model::View;
use skinlapse::ui::App;
use std::path::PathBuf;

fn taken(seed: u64, when: &str) -> Vec<u8> {
    jpeg_exif(
        seed,
        &ExifSpec {
            date_time_original: Some(when.into()),
            ..ExifSpec::default()
        },
    )
}

fn cell_label(h: &Harness<'static, App>, name: &str) -> String {
    h.get_by_label_contains(&format!("{name} ·"))
        .accesskit_node()
        .label()
        .unwrap_or_default()
}

/// Five photos of one session shot out of name order, one months earlier, and one the
/// library holds already.
fn session_files(dir: &std::path::Path) -> (Vec<PathBuf>, PathBuf) {
    let inbox = dir.join("inbox");
    std::fs::create_dir_all(&inbox).unwrap();
    let held = write(dir, "held.jpg", &taken(9, "2024:05:10 08:00:00"));
    let files = vec![
        write(&inbox, "p1.jpg", &taken(1, "2024:05:10 09:02:00")),
        write(&inbox, "p2.jpg", &taken(2, "2024:05:10 09:00:00")),
        write(&inbox, "p3.jpg", &taken(3, "2024:05:10 09:01:00")),
        write(&inbox, "far.jpg", &taken(4, "2024:01:02 10:00:00")),
        write(&inbox, "again.jpg", &std::fs::read(&held).unwrap()),
    ];
    (files, held)
}

#[test]
fn the_dialog_sets_views_per_photo_proposes_the_session_and_flags_dates_and_duplicates() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("lib");
    let (files, held) = session_files(dir.path());
    let mut h = harness(&root);
    import_tagged(&mut h, vec![held], &[], &[]);
    send(&mut h, ImportCommand::Dismiss);

    send(&mut h, ImportCommand::Prepare(files.clone()));
    let plan = h
        .state()
        .state
        .import
        .plan
        .as_ref()
        .expect("the form's photos");
    assert_eq!(plan.photos.len(), 5, "every photo was read");
    assert!(plan.photos.iter().all(|p| p.thumbnail.is_some()));
    assert!(
        cell_label(&h, "p2.jpg").contains("taken 2024-05-10 09:00"),
        "{}",
        cell_label(&h, "p2.jpg")
    );
    assert!(
        cell_label(&h, "again.jpg").contains("duplicate: already photo #1"),
        "{}",
        cell_label(&h, "again.jpg")
    );
    assert!(
        h.query_by_label_contains("1 already in the library")
            .is_some()
    );

    // p1…p3 selected by click and Shift-click, then given their views in capture order.
    h.get_by_label_contains("p1.jpg ·").click();
    settle(&mut h);
    h.get_by_label_contains("p3.jpg ·")
        .click_modifiers(egui::Modifiers::SHIFT);
    settle(&mut h);
    assert_eq!(
        h.state()
            .state
            .import
            .plan
            .as_ref()
            .unwrap()
            .selected_count(),
        3
    );
    h.get_by_label("Assign in order").click();
    settle(&mut h);
    assert!(cell_label(&h, "p2.jpg").contains("Frontal"));
    assert!(cell_label(&h, "p3.jpg").contains("Left oblique 45°"));
    assert!(cell_label(&h, "p1.jpg").contains("Right oblique 45°"));
    // The stray photo alone, key 5: right profile; the others keep theirs.
    h.get_by_label_contains("far.jpg ·").click();
    settle(&mut h);
    h.key_press(Key::Num5);
    settle(&mut h);
    assert!(cell_label(&h, "far.jpg").contains("Right profile"));
    assert!(
        cell_label(&h, "p1.jpg").contains("Right oblique 45°"),
        "not selected"
    );

    // A series typed: the session date the photos propose fills in, and the stray is flagged.
    type_into_field(&mut h, "Person", "Me");
    type_into_field(&mut h, "Series", "Peel");
    settle(&mut h);
    let session = h.get_by_role_and_label(Role::TextInput, "Session date");
    assert_eq!(session.value().as_deref(), Some("2024-05-10"));
    assert!(
        h.query_by_label("proposed from the photos' dates")
            .is_some()
    );
    assert!(
        cell_label(&h, "far.jpg").contains("129 days before the session"),
        "{}",
        cell_label(&h, "far.jpg")
    );
    assert!(!cell_label(&h, "p1.jpg").contains("the session"));
    assert!(
        h.query_by_label_contains("1 taken more than 2 days from the session date")
            .is_some()
    );

    h.get_by_label("Start import").click();
    settle(&mut h);
    assert!(
        h.query_by_label_contains(
            "imported: far.jpg: taken 2024-01-02 — 129 days before the session of 2024-05-10: \
             check it belongs to this session"
        )
        .is_some(),
        "the result list flags it too"
    );
    assert!(h.query_by_label_contains("duplicate: again.jpg").is_some());
    let library = skinlapse::testing::library_at(&root);
    let mut cat = library.catalogue().unwrap();
    let listed = cat.list_photos(None).unwrap();
    let view_of = |day_time: &str| {
        listed
            .iter()
            .find(|l| l.photo.taken_at.to_iso().starts_with(day_time))
            .unwrap_or_else(|| panic!("no photo taken {day_time}"))
            .photo
            .view
    };
    assert_eq!(view_of("2024-05-10T09:00"), Some(View::Frontal));
    assert_eq!(view_of("2024-05-10T09:01"), Some(View::LeftOblique));
    assert_eq!(view_of("2024-05-10T09:02"), Some(View::RightOblique));
    assert_eq!(view_of("2024-01-02T10:00"), Some(View::RightProfile));
    assert_eq!(
        view_of("2024-05-10T08:00"),
        None,
        "the held photo kept its own"
    );
    let sessions: std::collections::BTreeSet<_> = listed
        .iter()
        .filter(|l| l.photo.view.is_some())
        .map(|l| l.session_date)
        .collect();
    assert_eq!(
        sessions.into_iter().collect::<Vec<_>>(),
        vec![Some(chrono::NaiveDate::from_ymd_opt(2024, 5, 10).unwrap())],
        "all four filed under the proposed session"
    );
}

#[test]
fn without_a_series_the_proposed_date_is_offered_and_closing_the_form_stops_reading() {
    let dir = tempfile::tempdir().unwrap();
    let (files, _) = session_files(dir.path());
    let mut h = harness(&dir.path().join("lib"));
    send(&mut h, ImportCommand::Prepare(files[..3].to_vec()));
    let session = h.get_by_role_and_label(Role::TextInput, "Session date");
    assert_eq!(
        session.value().as_deref(),
        Some(""),
        "no series, no session yet"
    );
    h.get_by_label("Use 2024-05-10").click();
    settle(&mut h);
    assert!(
        h.query_by_label_contains("Session date: choose the series it belongs to")
            .is_some(),
        "a session date needs its series, and the form says so"
    );
    // Keys 1–6 do nothing with no photo selected; the grid behind never sees them.
    h.key_press(Key::Num1);
    settle(&mut h);
    assert!(cell_label(&h, "p1.jpg").contains("view as for all"));
    h.get_by_label("Cancel").click();
    settle(&mut h);
    assert!(
        h.state().state.import.plan.is_none(),
        "the form's photos are let go"
    );
    assert_eq!(h.state().state.nav.modal(), None);
}

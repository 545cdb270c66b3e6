//! No lost updates on the screens that were last-writer-wins: the people list (rename,
//! archive), the series page's areas, concerns and required views, the person record's
//! contraindications and consent, and undo. Each test has two "windows": the app, and a
//! second connection to the same catalogue that changes the row first. The app's save is
//! then refused with who and when, nothing of it is stored, the other change is shown, and
//! the next save (from what is shown now) goes through.

use crate::app::{changed_elsewhere, harness, send, settle, type_into_field};
use egui::accesskit::Role;
use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use skinlapse::app::record::{PersonCommand, RecordCommand};
use skinlapse::catalogue::{Catalogue, SeriesPlan};
use skinlapse::model::clinical::Contraindication;
use skinlapse::model::{PersonId, SeriesId, View, VocabKind};
use skinlapse::ui::App;
use std::path::Path;

/// A library with Ann and her series "Peel", the app open on it, and a second connection.
fn ann_and_peel(root: &Path) -> (Harness<'static, App>, Catalogue, PersonId, SeriesId) {
    let library = skinlapse::testing::library_at(root);
    let mut other = library.catalogue().unwrap();
    let ann = other.add_person("Ann").unwrap();
    let peel = other.add_series(ann, "Peel").unwrap();
    drop(library);
    let mut h = harness(root);
    // On a clinic the app re-reads within a second of another workstation's change; these
    // tests are about a save made before that (a read the other change has overtaken).
    if let Some(loaded) = h.state_mut().state.library.loaded.as_mut() {
        loaded.stop_watching_changes();
    }
    (h, other, ann, peel)
}

fn said(h: &Harness<'static, App>) -> String {
    h.state().state.notices.last().unwrap().text.clone()
}

/// The refusal names the row (as it is now, after the other change) and says it was changed elsewhere (by another window of a
/// personal library, by the user of the other connection on a clinic) and read again.
fn assert_refused(said: &str, what: &str, row: &str, root: &Path) {
    assert!(said.starts_with(what), "{said}");
    let elsewhere = changed_elsewhere(root);
    assert!(
        said.contains(&format!("{row} {elsewhere}")) && said.contains("it was reloaded"),
        "{said}"
    );
}

/// Renames a person through the people list's context menu.
fn rename_in_list(h: &mut Harness<'static, App>, shown: &str, name: &str) {
    h.get_by_label_contains(shown).click_secondary();
    h.run_steps(2);
    h.get_by_label("Rename…").click();
    h.run_steps(2);
    type_into_field(h, "New name", name);
    h.key_press(Key::Enter);
    settle(h);
}

#[test]
fn a_rename_in_the_people_list_over_another_windows_change_is_refused_and_reloaded() {
    let dir = tempfile::tempdir().unwrap();
    let (mut h, mut other, ann, _) = ann_and_peel(&dir.path().join("lib"));
    other.rename_person(ann, "Ann Other").unwrap();

    rename_in_list(&mut h, "Ann (", "Anna");
    assert_refused(
        &said(&h),
        "Rename: ",
        &format!("person \u{201c}{}\u{201d}", other.person(ann).unwrap().name),
        &dir.path().join("lib"),
    );
    assert_eq!(other.person(ann).unwrap().name, "Ann Other", "theirs stays");
    assert!(
        h.query_by_label_contains("Ann Other (").is_some(),
        "the list shows their change"
    );

    rename_in_list(&mut h, "Ann Other (", "Anna");
    assert_eq!(other.person(ann).unwrap().name, "Anna");
    assert!(h.query_by_label_contains("Anna (").is_some());
}

#[test]
fn archiving_from_the_people_list_over_another_windows_change_is_refused_and_reloaded() {
    let dir = tempfile::tempdir().unwrap();
    let (mut h, mut other, ann, _) = ann_and_peel(&dir.path().join("lib"));
    other.rename_person(ann, "Ann B").unwrap();
    let archive = |h: &mut Harness<'static, App>, shown: &str| {
        h.get_by_label_contains(shown).click_secondary();
        h.run_steps(2);
        h.get_by_label("Archive").click();
        settle(h);
    };

    archive(&mut h, "Ann (");
    assert_refused(
        &said(&h),
        "Archive: ",
        &format!("person \u{201c}{}\u{201d}", other.person(ann).unwrap().name),
        &dir.path().join("lib"),
    );
    assert!(!other.person(ann).unwrap().archived, "nothing of it stored");
    assert!(h.query_by_label_contains("Ann B (").is_some());

    archive(&mut h, "Ann B (");
    assert!(other.person(ann).unwrap().archived);
}

#[test]
fn a_series_areas_and_views_saved_over_another_windows_change_are_refused_and_reloaded() {
    let dir = tempfile::tempdir().unwrap();
    let (mut h, mut other, _, peel) = ann_and_peel(&dir.path().join("lib"));
    send(&mut h, RecordCommand::Open(peel));
    let forehead = other
        .terms(VocabKind::Area)
        .unwrap()
        .into_iter()
        .find(|t| t.name == "Forehead")
        .unwrap();
    // The other window renames the series while the page is open.
    let s = other.series(peel).unwrap();
    other
        .update_series(
            peel,
            &SeriesPlan {
                title: "Chemical peel".into(),
                planned_sessions: s.planned_sessions,
                interval_days: s.interval_days,
                start_date: s.start_date,
                status: s.status,
                notes: s.notes,
            },
        )
        .unwrap();

    h.get_by_role_and_label(Role::CheckBox, "Forehead").click();
    settle(&mut h);
    assert_refused(
        &said(&h),
        "Series areas and concerns: ",
        &format!(
            "series \u{201c}{}\u{201d}",
            other.series(peel).unwrap().title
        ),
        &dir.path().join("lib"),
    );
    assert!(
        other.series_terms(peel).unwrap().is_empty(),
        "nothing stored"
    );
    let shown = h.state().state.nav.record().unwrap();
    assert_eq!(shown.series.title, "Chemical peel", "the page shows theirs");
    assert_eq!(
        h.get_by_role_and_label(Role::TextInput, "Title").value(),
        Some("Chemical peel".to_owned()),
        "the plan's form too: saving it would not put the old title back"
    );

    h.get_by_role_and_label(Role::CheckBox, "Forehead").click();
    settle(&mut h);
    assert_eq!(other.series_terms(peel).unwrap(), vec![forehead.id]);

    // The other window's change of the areas moves the series on too: a required view
    // ticked from the page read before it is refused.
    other.set_series_terms(peel, &[]).unwrap();
    h.get_by_role_and_label(Role::CheckBox, "Frontal").click();
    settle(&mut h);
    assert_refused(
        &said(&h),
        "Views each session needs: ",
        &format!(
            "series \u{201c}{}\u{201d}",
            other.series(peel).unwrap().title
        ),
        &dir.path().join("lib"),
    );
    assert!(other.required_views(peel).unwrap().is_empty());
    assert!(h.state().state.nav.record().unwrap().terms.is_empty());
    h.get_by_role_and_label(Role::CheckBox, "Frontal").click();
    settle(&mut h);
    assert_eq!(other.required_views(peel).unwrap(), vec![View::Frontal]);
}

#[test]
fn a_contraindication_noted_over_another_windows_change_is_refused_and_reloaded() {
    let dir = tempfile::tempdir().unwrap();
    let (mut h, mut other, ann, _) = ann_and_peel(&dir.path().join("lib"));
    send(&mut h, PersonCommand::Open(ann));
    let today = chrono::Local::now().date_naive();
    other
        .note_contraindication(ann, Contraindication::Keloid, today, "")
        .unwrap();

    h.get_by_label("Pregnancy").click();
    settle(&mut h);
    assert_refused(
        &said(&h),
        "Contraindication: ",
        &format!("person \u{201c}{}\u{201d}", other.person(ann).unwrap().name),
        &dir.path().join("lib"),
    );
    let kinds = |cat: &mut Catalogue| -> Vec<Contraindication> {
        cat.contraindications(ann)
            .unwrap()
            .iter()
            .map(|c| c.kind)
            .collect()
    };
    assert_eq!(kinds(&mut other), [Contraindication::Keloid]);
    let shown = h.state().state.nav.person_record().unwrap();
    assert_eq!(shown.contraindications.len(), 1, "the record shows theirs");

    h.get_by_label("Pregnancy").click();
    settle(&mut h);
    assert_eq!(kinds(&mut other).len(), 2);
}

fn undo(h: &mut Harness<'static, App>) {
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    settle(h);
}

/// An undo is a checked edit too: our own later edits of the row do not stop it, another
/// window's does (the undo would overwrite it), and that step is then gone from the history.
#[test]
fn an_undo_over_another_windows_change_is_refused_and_the_step_dropped() {
    let dir = tempfile::tempdir().unwrap();
    let (mut h, mut other, ann, _) = ann_and_peel(&dir.path().join("lib"));
    rename_in_list(&mut h, "Ann (", "Anna");
    rename_in_list(&mut h, "Anna (", "Anna K");
    undo(&mut h);
    undo(&mut h);
    assert_eq!(
        other.person(ann).unwrap().name,
        "Ann",
        "two steps of ours on one row undo"
    );

    rename_in_list(&mut h, "Ann (", "Anna");
    other.rename_person(ann, "Ann B").unwrap();
    undo(&mut h);
    let text = said(&h);
    assert_refused(
        &text,
        "Undo \u{201c}rename to ",
        &format!("person \u{201c}{}\u{201d}", other.person(ann).unwrap().name),
        &dir.path().join("lib"),
    );
    assert!(
        text.ends_with("That step can no longer be undone or redone."),
        "{text}"
    );
    assert_eq!(other.person(ann).unwrap().name, "Ann B", "theirs stays");
    assert!(h.query_by_label_contains("Ann B (").is_some());
    assert_eq!(
        h.state().state.history.next_undo(),
        None,
        "the refused step is gone"
    );
}

//! The series page as a user found it (issue 12, found in use 4) and its protocol checklist:
//! labels before their widgets, editing a session where it is, grades by their scales' names,
//! a legend for the side-effect marks, deleting sessions, grades and side effects (Ctrl+Z
//! brings them back), and the views each session needs.

use crate::app::{settle, type_into_field};
use crate::compare::demo_with_me;
use egui::accesskit::Role;
use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use skinlapse::ui::App;

/// The demo, with Me's series page open.
fn me_series_page() -> (tempfile::TempDir, Harness<'static, App>) {
    let (dir, mut h) = demo_with_me();
    h.get_by_label_contains("Home microneedling ·").click();
    settle(&mut h);
    h.get_by_label("Series record").click();
    settle(&mut h);
    assert!(h.state().state.nav.record().is_some());
    (dir, h)
}

fn undo(h: &mut Harness<'static, App>) {
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    settle(h);
}

#[test]
fn labels_come_before_their_widgets() {
    let (_dir, mut h) = me_series_page();
    for (name, role) in [
        ("Status", Role::ComboBox),
        ("Kind", Role::ComboBox),
        ("Device", Role::ComboBox),
        ("Grade session", Role::ComboBox),
        ("Of", Role::ComboBox),
        ("Scale", Role::ComboBox),
        ("Side effect session", Role::ComboBox),
        ("Side effect", Role::ComboBox),
        ("Severity", Role::Slider),
        ("Needle depth (mm)", Role::TextInput),
    ] {
        h.get_by_role_and_label(role, name).scroll_to_me();
        settle(&mut h);
        let widget = h.get_by_role_and_label(role, name).rect();
        let label = h.get_by_role_and_label(Role::Label, name).rect();
        assert!(
            label.max.x <= widget.min.x && (label.center().y - widget.center().y).abs() < 12.0,
            "{name}: the label {label:?} is before its widget {widget:?}, not after"
        );
    }
}

#[test]
fn editing_a_session_opens_its_form_where_it_is() {
    let (dir, mut h) = me_series_page();
    h.get_by_label("Edit session 2").click();
    settle(&mut h);
    let save = h.get_by_label("Save session").rect();
    let below = h.get_by_label("Delete session 2").rect();
    let next = h.get_by_label("Delete session 3").rect();
    assert!(
        save.min.y > below.max.y && save.max.y < next.min.y,
        "the form is under session 2, not at the end of the page: {save:?} {below:?} {next:?}"
    );
    let screen = h.ctx.content_rect();
    assert!(screen.contains_rect(save), "and in view: {save:?}");
    assert!(
        h.query_by_label("Add session").is_none(),
        "one session form at a time"
    );
    type_into_field(&mut h, "Needle depth (mm)", "0.75");
    h.get_by_label("Save session").click();
    settle(&mut h);
    let r = h.state().state.nav.record().unwrap();
    assert_eq!(r.sessions[1].needle_depth_mm, Some(0.75));
    assert!(
        h.query_by_label("Save session").is_none(),
        "the form closes"
    );
    assert!(h.query_by_label_contains("0.75 mm").is_some());
    let library = skinlapse::testing::library_at(&dir.path().join("lib"));
    let stored = library
        .catalogue()
        .unwrap()
        .session(r.sessions[1].id)
        .unwrap();
    assert_eq!(stored.needle_depth_mm, Some(0.75));
}

#[test]
fn grades_read_by_their_scales_names_and_side_effects_have_a_legend() {
    let (_dir, h) = me_series_page();
    let r = h.state().state.nav.record().unwrap();
    let first = &r.grades[0];
    let shown = format!("Grade: {}", first.scale.show(first.value));
    assert!(shown.starts_with("Grade: Satisfaction "), "{shown}");
    assert!(h.query_by_label(&shown).is_some(), "{shown}");
    assert!(
        h.query_by_label_contains("satisfaction 5").is_none(),
        "not the raw key"
    );
    assert!(h.query_by_label("a session").is_some());
    assert!(
        h.query_by_label_contains("a side effect, on its day after the session")
            .is_some(),
        "the red marks are explained"
    );
}

#[test]
fn sessions_grades_and_side_effects_are_deleted_and_ctrl_z_brings_them_back() {
    let (_dir, mut h) = me_series_page();
    let r = h.state().state.nav.record().unwrap().clone();
    let counts = |h: &Harness<'static, App>| {
        let r = h.state().state.nav.record().unwrap();
        (r.sessions.len(), r.grades.len(), r.side_effects.len())
    };
    let start = counts(&h);
    h.get_all_by_label("Delete grade").next().unwrap().click();
    settle(&mut h);
    assert_eq!(counts(&h), (start.0, start.1 - 1, start.2));
    assert!(
        h.query_by_label("Deleted the grade. Undo with Ctrl+Z.")
            .is_some()
    );
    undo(&mut h);
    assert_eq!(counts(&h), start);
    assert_eq!(h.state().state.nav.record().unwrap().grades, r.grades);
    h.get_all_by_label("Delete side effect")
        .next()
        .unwrap()
        .scroll_to_me();
    settle(&mut h);
    h.get_all_by_label("Delete side effect")
        .next()
        .unwrap()
        .click();
    settle(&mut h);
    assert_eq!(counts(&h), (start.0, start.1, start.2 - 1));
    undo(&mut h);
    assert_eq!(
        h.state().state.nav.record().unwrap().side_effects,
        r.side_effects
    );
    // Session 2 goes with its grade and side effect; its photos stay in the series.
    h.get_by_label("Delete session 2").scroll_to_me();
    settle(&mut h);
    h.get_by_label("Delete session 2").click();
    settle(&mut h);
    let after = h.state().state.nav.record().unwrap();
    assert_eq!(after.sessions.len(), start.0 - 1);
    assert_eq!(after.photos.len(), r.photos.len(), "the photos stay");
    assert!(after.grades.len() < start.1 && after.side_effects.len() < start.2);
    undo(&mut h);
    assert_eq!(
        *h.state().state.nav.record().unwrap(),
        r,
        "exactly as it was"
    );
}

#[test]
fn the_protocol_says_which_views_each_session_lacks() {
    let (_dir, mut h) = me_series_page();
    for view in [
        "Frontal",
        "Left oblique 45°",
        "Right oblique 45°",
        "Close-up",
    ] {
        h.get_by_role_and_label(Role::CheckBox, view).click();
        settle(&mut h);
    }
    let r = h.state().state.nav.record().unwrap();
    assert_eq!(r.views.len(), 4);
    // Me's sessions have a frontal and a left profile photo.
    let lacking = "1 of 4 views: left 45°, right 45°, close-up missing";
    assert_eq!(
        h.query_all_by_label(lacking).count(),
        r.sessions.len(),
        "each session says what it lacks"
    );
    assert!(
        h.query_by_label_contains(&format!(
            "Protocol: 4 views per session; {} of {} sessions incomplete.",
            r.sessions.len(),
            r.sessions.len()
        ))
        .is_some()
    );
    // Ctrl+Z, once per tick: one view less, then none, and no checklist.
    undo(&mut h);
    assert!(
        h.query_all_by_label("1 of 3 views: left 45°, right 45° missing")
            .next()
            .is_some()
    );
    for _ in 0..3 {
        undo(&mut h);
    }
    assert!(h.state().state.nav.record().unwrap().views.is_empty());
    assert!(h.query_all_by_label_contains("views: ").next().is_none());
}

/// The demo's clinic series have a protocol, so its checklist shows in the demo; Me, at home,
/// has none.
#[test]
fn the_demos_clinic_series_show_their_protocol() {
    let (_dir, mut h) = demo_with_me();
    h.get_by_label_contains("Alex Moreau (").click();
    settle(&mut h);
    h.get_by_label_contains("Microneedling, acne scars ·")
        .click();
    settle(&mut h);
    h.get_by_label("Series record").click();
    settle(&mut h);
    let r = h
        .state()
        .state
        .nav
        .record()
        .expect("the series page is open");
    assert_eq!(r.views.len(), 3, "frontal, left 45° and right 45°");
    assert!(
        h.query_by_label_contains("Protocol: 3 views per session; every session has them all.")
            .is_some()
    );
}

/// A session saved from a page read before another window changed it is refused whole, with
/// who and when, and the page shows the other change (no lost update); saved again from the
/// reloaded page, it goes through.
#[test]
fn a_session_saved_over_another_windows_change_is_refused_and_reloaded() {
    let (dir, mut h) = me_series_page();
    let id = h.state().state.nav.record().unwrap().sessions[1].id;
    h.get_by_label("Edit session 2").click();
    settle(&mut h);
    let library = skinlapse::testing::library_at(&dir.path().join("lib"));
    let mut other = library.catalogue().unwrap();
    let theirs = skinlapse::catalogue::NewSession {
        notes: "changed in the other window".into(),
        ..Default::default()
    };
    other.update_session(id, &theirs).unwrap();
    if skinlapse::testing::library_user(&dir.path().join("lib")).is_some() {
        // A clinic's page shows the other workstation's change by itself, while the form
        // opened before it stays open with what it was filled from.
        let start = std::time::Instant::now();
        while h.state().state.nav.record().unwrap().sessions[1].notes != theirs.notes {
            assert!(
                start.elapsed() < std::time::Duration::from_mins(1),
                "the page never showed the other workstation's change"
            );
            h.step();
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        settle(&mut h);
        assert!(
            h.query_by_label("Save session").is_some(),
            "the form stays open"
        );
    }

    type_into_field(&mut h, "Needle depth (mm)", "0.75");
    h.get_by_label("Save session").click();
    settle(&mut h);
    let said = h.state().state.notices.last().unwrap().text.clone();
    assert!(
        said.contains(&format!(
            "session of {} {}",
            other.session(id).unwrap().date,
            crate::app::changed_elsewhere(&dir.path().join("lib"))
        )) && said.contains("it was reloaded"),
        "{said}"
    );
    let stored = other.session(id).unwrap();
    assert_eq!(stored.notes, "changed in the other window");
    assert_eq!(stored.needle_depth_mm, None, "nothing of the refused save");
    let shown = h.state().state.nav.record().unwrap();
    assert_eq!(shown.sessions[1].notes, "changed in the other window");

    if h.query_by_label("Save session").is_none() {
        h.get_by_label("Edit session 2").click();
        settle(&mut h);
    }
    type_into_field(&mut h, "Needle depth (mm)", "0.5");
    h.get_by_label("Save session").click();
    settle(&mut h);
    assert_eq!(other.session(id).unwrap().needle_depth_mm, Some(0.5));
}

//! What a new user noticed around the edges (issue 12, found in use 2, 6 and 7): the demo
//! library is temporary and can be kept, clinic mode shows, consent is recorded with a date,
//! a name, a note and its history, and the small things (plurals, both people named in a
//! comparison, the align-mode title, Quit, About, a centred import dialog).

use crate::app::{harness, import_tagged, photos, send, settle, type_into_field};
use crate::compare::demo_with_me;
use egui::accesskit::Role;
use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use skinlapse::app::record::PersonCommand;
use skinlapse::app::{Action, CompareCommand, ImportCommand, LibraryCommand, Modal, PeopleCommand};
use skinlapse::model::clinical::Mode;
use skinlapse::ui::App;

fn menu(h: &mut Harness<'static, App>, name: &str) {
    h.get_by_label(name).click();
    h.run_steps(2);
}

#[test]
fn the_demo_is_apart_from_import_warns_that_it_is_temporary_and_can_be_kept() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness(&dir.path().join("empty"));
    let import = h.get_by_label_contains("Import folder…").rect();
    let demo = h.get_by_label("Look around a demo library…").rect();
    assert!(
        demo.min.y > import.max.y + 60.0,
        "apart from Import, below a rule, not an equal choice beside it: {demo:?} {import:?}"
    );
    h.get_by_label("Look around a demo library…").click();
    settle(&mut h);
    assert!(h.state().state.library.is_demo());
    assert!(
        h.query_by_label_contains("This demo library is temporary")
            .is_some(),
        "said before any change"
    );
    // A change, then Ctrl+Q: the app asks instead of deleting it silently.
    send(&mut h, PeopleCommand::Add("Dana K".into()));
    h.key_press_modifiers(Modifiers::COMMAND, Key::Q);
    settle(&mut h);
    assert_eq!(h.state().state.nav.modal(), Some(&Modal::QuitDemo));
    assert!(h.query_by_label("Quit and delete it").is_some());
    h.get_by_label("Cancel").click();
    settle(&mut h);
    assert_eq!(h.state().state.nav.modal(), None);
    // Keep it (the folder the dialog would give).
    let kept = dir.path().join("my library");
    send(&mut h, LibraryCommand::KeepDemoAt(kept.clone()));
    let state = &h.state().state;
    assert!(!state.library.is_demo(), "{:?}", state.notices);
    assert_eq!(
        state.library.library().unwrap().root(),
        kept.canonicalize().unwrap()
    );
    assert!(
        state.overview.people.iter().any(|p| p.name == "Dana K"),
        "with the change"
    );
    assert_eq!(
        state.overview.total_photos(),
        Some(skinlapse::jobs::demo::demo_photo_count())
    );
    assert!(
        h.query_by_label_contains("This demo library is temporary")
            .is_none()
    );
    assert!(!h.state().state.library.must_ask_before_quitting());
}

#[test]
fn clinic_mode_shows_in_the_main_window() {
    let (_dir, mut h) = demo_with_me();
    if h.state().state.library.mode == Mode::Clinic {
        // A clinic library starts in clinic mode: shown from the first frame; its admin
        // switches it off here to see it come back.
        assert!(h.query_by_label("CLINIC MODE").is_some());
        send(&mut h, LibraryCommand::SetMode(Mode::Personal));
    }
    assert!(h.query_by_label("CLINIC MODE").is_none());
    send(&mut h, LibraryCommand::SetMode(Mode::Clinic));
    assert!(h.query_by_label("CLINIC MODE").is_some(), "always in sight");
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    settle(&mut h);
    assert_eq!(h.state().state.library.mode, Mode::Personal, "undone");
    assert!(h.query_by_label("CLINIC MODE").is_none());
}

#[test]
fn consent_is_confirmed_dated_signed_noted_and_kept_in_a_history() {
    let (dir, mut h) = demo_with_me();
    send(&mut h, LibraryCommand::SetMode(Mode::Clinic));
    let me = h.state().state.browse.filter.person.unwrap();
    send(&mut h, PersonCommand::Open(me));
    h.get_by_label("Give education…").click();
    settle(&mut h);
    assert!(
        h.query_by_label("Record consent").is_some(),
        "a form, not one click"
    );
    type_into_field(&mut h, "Date", "2026-01-05");
    type_into_field(&mut h, "Recorded by", "Dr. Ito");
    type_into_field(&mut h, "Note", "signed form in the paper file");
    h.get_by_label("Record consent").click();
    settle(&mut h);
    assert!(
        h.state()
            .state
            .nav
            .person_record()
            .unwrap()
            .consents
            .is_empty(),
        "not before the confirmation"
    );
    h.get_by_label("The person agreed to this use of their photos")
        .click();
    h.run_steps(2);
    h.get_by_label("Record consent").click();
    settle(&mut h);
    let r = h.state().state.nav.person_record().unwrap();
    assert_eq!(r.consents.len(), 1);
    assert_eq!(r.consents[0].given_on.to_string(), "2026-01-05");
    assert!(
        h.query_by_label(
            "2026-01-05 · Education · given · by Dr. Ito · signed form in the paper file"
        )
        .is_some(),
        "the history"
    );
    assert_eq!(
        h.state().state.prefs.staff_name,
        "Dr. Ito",
        "remembered for next time"
    );
    // A withdrawal in the future is refused with the reason.
    h.get_by_label("Withdraw education…").click();
    settle(&mut h);
    assert_eq!(
        h.get_by_role_and_label(Role::TextInput, "Recorded by")
            .value()
            .as_deref(),
        Some("Dr. Ito")
    );
    type_into_field(&mut h, "Date", "2999-01-01");
    h.get_by_label("The person withdrew their consent to this use")
        .click();
    h.run_steps(2);
    h.get_by_label("Record withdrawal").click();
    settle(&mut h);
    assert!(
        h.state()
            .state
            .notices
            .iter()
            .any(|n| n.text.contains("2999-01-01 is in the future")),
        "{:?}",
        h.state().state.notices
    );
    let library = skinlapse::testing::library_at(&dir.path().join("lib"));
    let history = library.catalogue().unwrap().consent_history(me).unwrap();
    assert_eq!(history.len(), 1, "the refused withdrawal left nothing");
}

#[test]
fn counts_read_as_words_and_the_import_dialog_opens_in_the_middle() {
    let dir = tempfile::tempdir().unwrap();
    let all = photos(dir.path(), 2);
    let mut h = harness(&dir.path().join("lib"));
    import_tagged(&mut h, all[..1].to_vec(), &[], &[]);
    assert!(
        h.query_by_label("1 photo · 1 person").is_some(),
        "not \"1 photos · 1 people\""
    );
    assert!(h.query_by_label("1 photo").is_some(), "the grid's count");
    send(&mut h, ImportCommand::Prepare(all[1..].to_vec()));
    // The form is as wide as its photo strip: its title is centred, its buttons well down.
    let title = h.get_by_label("Import photos").rect();
    let start = h.get_by_label("Start import").rect();
    let screen = h.ctx.content_rect();
    assert!(
        (title.center().x - screen.center().x).abs() < 250.0 && start.min.y > 100.0,
        "the import dialog opens in the middle, not top-left: {title:?}, {start:?}"
    );
}

#[test]
fn quit_and_about_are_in_the_menus() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness(&dir.path().join("lib"));
    menu(&mut h, "File");
    assert!(h.query_by_label_contains("Quit").is_some());
    h.key_press(Key::Escape);
    menu(&mut h, "Help");
    h.get_by_label("About Skinlapse").click();
    settle(&mut h);
    assert_eq!(h.state().state.nav.modal(), Some(&Modal::About));
    assert!(
        h.query_by_label_contains(&format!("Skinlapse {}", env!("CARGO_PKG_VERSION")))
            .is_some()
    );
    h.key_press(Key::Escape);
    settle(&mut h);
    assert_eq!(h.state().state.nav.modal(), None);
    // Quit with nothing to lose: no question.
    send(&mut h, Action::Quit);
    assert_eq!(h.state().state.nav.modal(), None);
}

#[test]
fn a_comparison_of_two_people_names_both_and_align_mode_says_what_is_drawn() {
    let (_dir, mut h) = demo_with_me();
    let state = &h.state().state;
    let name = |n: &str| {
        state
            .overview
            .people
            .iter()
            .find(|p| p.name == n)
            .unwrap()
            .id
    };
    let (alex, priya) = (name("Alex Moreau"), name("Priya Nair"));
    let first_of = |h: &mut Harness<'static, App>, person| {
        send(h, skinlapse::app::BrowseCommand::SelectPerson(Some(person)));
        crate::app::grid_ids(h)[0]
    };
    let a = first_of(&mut h, alex);
    let b = first_of(&mut h, priya);
    send(&mut h, CompareCommand::Photos(a, b));
    assert!(
        h.query_by_label_contains("Alex Moreau (A) vs Priya Nair (B)")
            .is_some(),
        "both people, not only B's"
    );
    // Align mode: once B is aligned, A's half shows B over it, and says so.
    h.key_press(Key::M);
    settle(&mut h);
    assert!(h.query_by_label("Photo A as taken").is_some());
    for (side, at) in [
        (skinlapse::model::Side::A, [0.1, 0.1]),
        (skinlapse::model::Side::B, [0.1, 0.1]),
        (skinlapse::model::Side::A, [-0.2, 0.05]),
        (skinlapse::model::Side::B, [-0.2, 0.05]),
    ] {
        send(
            &mut h,
            skinlapse::app::compare::align::AlignCommand::AddPoint(side, at),
        );
    }
    assert!(h.state().state.nav.comparison().unwrap().aligned.is_some());
    assert!(
        h.query_by_label("Photo A as taken, B aligned over it at half opacity")
            .is_some(),
        "not \"A as taken\" while B is drawn over it"
    );
}

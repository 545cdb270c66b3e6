//! The desktop app, driven through `egui_kittest` like a user would: the real `App`, real
//! background threads, a temporary library.

use crate::support::*;
use egui::accesskit::Role;
use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use skinlapse::app::{
    Action, AppOptions, BrowseCommand, Command, ImportCommand, Modal, PeopleCommand, PhotoCommand,
};
use skinlapse::catalogue::{AssignmentSpec, PhotoFilter};
use skinlapse::jobs::demo::DemoOptions;
use skinlapse::model::{PhotoId, VocabKind};
use skinlapse::ui::App;
use std::path::{Path, PathBuf};

/// How a test starts the app on `library`. When it is a test clinic library (under
/// `SKINLAPSE_TEST_BACKEND=postgres`), its admin is named as `--user` would, and its previews
/// are cached beside it ([`as_test_clinic_admin`]).
pub(crate) fn options(library: &Path) -> AppOptions {
    let mut options = AppOptions {
        library: Some(library.to_owned()),
        prefs_path: None,
        demo: DemoOptions {
            width: 160,
            height: 120,
            ..DemoOptions::default()
        },
        texture_budget_bytes: 64 * 1024 * 1024,
        user: None,
        cache_dir: None,
    };
    as_test_clinic_admin(&mut options, library);
    options
}

/// When `root` is a test clinic library, names its admin as `--user` would and caches its
/// previews where `testing::library_at(root)` does (one workstation cache per test).
fn as_test_clinic_admin(options: &mut AppOptions, root: &Path) {
    if let Some((user, _)) = skinlapse::testing::library_user(root) {
        options.user = Some(user);
        options.cache_dir = Some(skinlapse::testing::library_cache_root(root));
    }
}

pub(crate) fn harness_with(options: AppOptions) -> Harness<'static, App> {
    harness_sized(options, [1280.0, 800.0])
}

/// The app in a window `size` points wide and high, on the test's backend: under
/// `SKINLAPSE_TEST_BACKEND=postgres` a library the test has not made yet is made a test
/// clinic library, and the app is signed in to a test clinic as its admin through the
/// sign-in window, as a user would. A test that names its own user or cache (`clinic_app.rs`)
/// signs in by itself.
pub(crate) fn harness_sized(mut options: AppOptions, size: [f32; 2]) -> Harness<'static, App> {
    if options.user.is_none() && options.cache_dir.is_none() {
        // A file is no library on any backend: the app says so (not made into a clinic).
        if let Some(root) = options.library.clone().filter(|root| !root.is_file()) {
            skinlapse::testing::make_library(&root);
            as_test_clinic_admin(&mut options, &root);
        }
    }
    let mut harness = Harness::builder()
        .with_size(size)
        .build_eframe(move |cc| App::new(cc, options));
    settle(&mut harness);
    sign_in_as_test_admin(&mut harness);
    harness
}

/// When the app asks to sign in to a test clinic as its admin (named as `--user` would by
/// [`options`]), types the admin's password, signs in and waits until the library is open.
fn sign_in_as_test_admin(h: &mut Harness<'static, App>) {
    let Some(form) = &h.state().state.clinic.sign_in else {
        return;
    };
    let Some((user, password)) = skinlapse::testing::library_user(&form.root) else {
        return;
    };
    if form.user != user {
        return;
    }
    crate::clinic_app::sign_in(h, &password);
    let state = &h.state().state;
    assert!(
        state.clinic.signed_in.is_some() && state.library.loaded.is_some(),
        "signed in to the test clinic and its library open: {:?}",
        state.clinic.sign_in.as_ref().and_then(|f| f.error.as_ref())
    );
}

pub(crate) fn harness(library: &Path) -> Harness<'static, App> {
    harness_with(options(library))
}

/// Steps frames until background work is done (grid queries, imports, textures). Waits up
/// to two minutes: a machine shared with other builds runs debug-built alignment slowly.
pub(crate) fn settle(harness: &mut Harness<'static, App>) {
    let start = std::time::Instant::now();
    while start.elapsed() < std::time::Duration::from_mins(2) {
        harness.step();
        if !harness.state().is_busy() {
            harness.run_steps(3);
            if !harness.state().is_busy() {
                return;
            }
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    panic!("the app never settled: {:?}", harness.state().state);
}

pub(crate) fn send(harness: &mut Harness<'static, App>, command: impl Into<Command>) {
    harness.state_mut().send(command);
    settle(harness);
}

/// A library folder with `n` generated photos in an inbox next to it.
pub(crate) fn photos(dir: &Path, n: u64) -> Vec<PathBuf> {
    let inbox = dir.join("inbox");
    std::fs::create_dir_all(&inbox).unwrap();
    (0..n)
        .map(|i| write(&inbox, &format!("IMG_{i:03}.jpg"), &jpeg(300 + i)))
        .collect()
}

pub(crate) fn grid_ids(harness: &Harness<'static, App>) -> Vec<PhotoId> {
    harness
        .state()
        .state
        .browse
        .grid
        .items
        .iter()
        .map(|g| g.id)
        .collect()
}

/// The id of the area with this key in the open library.
pub(crate) fn area(h: &Harness<'static, App>, key: &str) -> skinlapse::model::TermId {
    let areas = &h.state().state.overview.areas;
    areas.iter().find(|t| t.key == key).expect(key).id
}

/// Replaces the text of the field labelled `label`, as a user would: bring it into view,
/// click in, select all (Ctrl+A selects the text, not photos), type.
pub(crate) fn type_into_field(h: &mut Harness<'static, App>, label: &str, text: &str) {
    h.get_by_role_and_label(Role::TextInput, label)
        .scroll_to_me();
    settle(h);
    h.get_by_role_and_label(Role::TextInput, label).focus();
    h.run_steps(2);
    h.key_press_modifiers(Modifiers::COMMAND, Key::A);
    h.run_steps(1);
    h.get_by_role_and_label(Role::TextInput, label)
        .type_text(text);
    h.run_steps(2);
}

pub(crate) fn photo_label(id: PhotoId) -> String {
    format!("Photo #{id} taken")
}

#[test]
fn add_a_person_with_the_keyboard_and_the_name_field() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness(&dir.path().join("lib"));
    h.key_press_modifiers(Modifiers::COMMAND, Key::N);
    settle(&mut h);
    let field = h.get_by_role_and_label(Role::TextInput, "New person");
    field.focus();
    field.type_text("Dana K");
    h.run_steps(2);
    h.key_press(Key::Enter);
    settle(&mut h);
    let state = &h.state().state;
    let dana = state
        .overview
        .people
        .iter()
        .find(|p| p.name == "Dana K")
        .expect("person added");
    assert_eq!(
        state.browse.filter.person,
        Some(dana.id),
        "the new person is selected"
    );
    assert!(h.query_by_label_contains("Dana K").is_some());
}

#[test]
fn import_through_the_dialog_shows_photos_in_the_grid_and_reports_errors() {
    let dir = tempfile::tempdir().unwrap();
    let mut paths = photos(dir.path(), 3);
    paths.push(write(dir.path(), "broken.jpg", b"not a photo"));
    let mut h = harness(&dir.path().join("lib"));
    // The same command the file picker and drag-and-drop send.
    send(&mut h, ImportCommand::Prepare(paths));
    let person = h.get_by_role_and_label(Role::TextInput, "Person");
    person.focus();
    person.type_text("Me");
    h.run_steps(2);
    h.get_by_label("Start import").click();
    settle(&mut h);
    let state = &h.state().state;
    assert_eq!(state.browse.grid.items.len(), 3);
    assert_eq!(state.overview.total_photos(), Some(3));
    assert_eq!(state.overview.people.len(), 1);
    let progress = state.import.job.as_ref().expect("import window").snapshot();
    let summary = progress.summary.expect("finished");
    assert_eq!((summary.imported, summary.failed), (3, 1));
    assert!(
        h.query_by_label_contains("error: broken.jpg: not an image")
            .is_some(),
        "the failure is listed with its reason"
    );
    for id in grid_ids(&h) {
        assert!(
            h.query_by_label_contains(&photo_label(id)).is_some(),
            "photo {id} is drawn"
        );
    }
    assert!(
        h.state().images.len() >= 3,
        "thumbnails were loaded into textures"
    );
    h.get_by_label("Close").click();
    settle(&mut h);
    assert!(h.state().state.import.job.is_none());
}

pub(crate) fn import_tagged(
    h: &mut Harness<'static, App>,
    paths: Vec<PathBuf>,
    areas: &[&str],
    concerns: &[&str],
) {
    let spec = AssignmentSpec {
        person: Some("Me".into()),
        areas: areas.iter().map(|s| (*s).to_owned()).collect(),
        concerns: concerns.iter().map(|s| (*s).to_owned()).collect(),
        ..AssignmentSpec::default()
    };
    send(h, ImportCommand::Start { paths, spec });
}

/// A library (in the returned folder, at `lib/`) with `n` imported, untagged photos of "Me",
/// open in the app, and the photos' ids in grid order.
fn opened_with_photos(n: u64) -> (tempfile::TempDir, Harness<'static, App>, Vec<PhotoId>) {
    let dir = tempfile::tempdir().unwrap();
    let all = photos(dir.path(), n);
    let mut h = harness(&dir.path().join("lib"));
    import_tagged(&mut h, all, &[], &[]);
    let ids = grid_ids(&h);
    (dir, h, ids)
}

/// Clicks a photo in the grid (with modifiers for ctrl- and shift-click) and lets it settle.
pub(crate) fn click_photo(h: &mut Harness<'static, App>, id: PhotoId, modifiers: Modifiers) {
    h.get_by_label_contains(&photo_label(id))
        .click_modifiers(modifiers);
    settle(h);
}

#[test]
fn filters_by_area_and_concern_through_the_combo_boxes() {
    let dir = tempfile::tempdir().unwrap();
    let all = photos(dir.path(), 5);
    let mut h = harness(&dir.path().join("lib"));
    import_tagged(&mut h, all[..2].to_vec(), &["chin"], &["acne-scars"]);
    import_tagged(&mut h, all[2..4].to_vec(), &["chin"], &["melasma"]);
    import_tagged(&mut h, all[4..].to_vec(), &["forehead"], &["acne-scars"]);
    assert_eq!(h.state().state.browse.grid.items.len(), 5);

    h.get_by_role_and_label(Role::ComboBox, "Area").click();
    h.run_steps(2);
    h.get_by_label("Chin").click();
    settle(&mut h);
    assert_eq!(h.state().state.browse.grid.items.len(), 4);
    assert!(
        h.query_by_label("4 photos").is_some(),
        "the count is visible"
    );

    h.get_by_role_and_label(Role::ComboBox, "Concern").click();
    h.run_steps(2);
    h.get_by_label("Acne scars").click();
    settle(&mut h);
    assert_eq!(h.state().state.browse.grid.items.len(), 2);

    h.get_by_label("Clear filters").click();
    settle(&mut h);
    assert_eq!(h.state().state.browse.grid.items.len(), 5);
}

#[test]
fn editing_tags_in_the_inspector_changes_the_catalogue() {
    let (dir, mut h, ids) = opened_with_photos(3);
    let root = dir.path().join("lib");
    click_photo(&mut h, ids[0], Modifiers::NONE);
    click_photo(&mut h, ids[2], Modifiers::SHIFT);
    assert_eq!(
        h.state().state.browse.selection.len(),
        3,
        "shift-click selects the range"
    );
    assert!(h.query_by_label("3 photos selected").is_some());
    h.get_by_role_and_label(Role::CheckBox, "Jawline").click();
    settle(&mut h);
    h.get_by_role_and_label(Role::CheckBox, "Wrinkles").click();
    settle(&mut h);

    let library = skinlapse::testing::library_at(&root);
    let mut cat = library.catalogue().unwrap();
    let jawline = cat
        .terms(VocabKind::Area)
        .unwrap()
        .into_iter()
        .find(|t| t.key == "jawline")
        .unwrap()
        .id;
    let wrinkles = cat
        .terms(VocabKind::Concern)
        .unwrap()
        .into_iter()
        .find(|t| t.key == "wrinkles")
        .unwrap()
        .id;
    for id in &ids {
        let d = cat.photo_details(*id).unwrap();
        assert_eq!(d.areas, vec![jawline], "photo {id}");
        assert_eq!(d.concerns, vec![wrinkles], "photo {id}");
    }
    // Untick for one photo only.
    click_photo(&mut h, ids[1], Modifiers::NONE);
    h.get_by_role_and_label(Role::CheckBox, "Jawline").click();
    settle(&mut h);
    assert!(cat.photo_details(ids[1]).unwrap().areas.is_empty());
    assert_eq!(cat.photo_details(ids[0]).unwrap().areas, vec![jawline]);
}

#[test]
fn a_mixed_selection_shows_mixed_and_a_choice_applies_to_all() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("lib");
    let all = photos(dir.path(), 2);
    let mut h = harness(&root);
    for (path, view) in all.iter().zip([
        skinlapse::model::View::Frontal,
        skinlapse::model::View::LeftProfile,
    ]) {
        let spec = AssignmentSpec {
            person: Some("Me".into()),
            view: Some(view),
            ..AssignmentSpec::default()
        };
        send(
            &mut h,
            ImportCommand::Start {
                paths: vec![path.clone()],
                spec,
            },
        );
    }
    let ids = grid_ids(&h);
    click_photo(&mut h, ids[0], Modifiers::NONE);
    click_photo(&mut h, ids[1], Modifiers::COMMAND);
    assert!(h.query_by_label("2 photos selected").is_some());
    // The filter bar has a "View" too; the inspector's is the one on the right.
    let inspector_view = |h: &Harness<'static, App>| {
        h.get_all_by_role_and_label(Role::ComboBox, "View")
            .max_by(|a, b| a.rect().min.x.total_cmp(&b.rect().min.x))
            .map(|n| (n.value(), n.rect().center()))
            .unwrap()
    };
    let (value, centre) = inspector_view(&h);
    assert_eq!(value.as_deref(), Some("(mixed)"), "the views differ");
    h.event(egui::Event::PointerMoved(centre));
    h.event(egui::Event::PointerButton {
        pos: centre,
        button: egui::PointerButton::Primary,
        pressed: true,
        modifiers: Modifiers::NONE,
    });
    h.event(egui::Event::PointerButton {
        pos: centre,
        button: egui::PointerButton::Primary,
        pressed: false,
        modifiers: Modifiers::NONE,
    });
    h.run_steps(2);
    h.get_by_label("Close-up").click();
    settle(&mut h);
    let library = skinlapse::testing::library_at(&root);
    let mut cat = library.catalogue().unwrap();
    for id in ids {
        assert_eq!(
            cat.photo(id).unwrap().view,
            Some(skinlapse::model::View::CloseUp)
        );
    }
    assert_eq!(inspector_view(&h).0.as_deref(), Some("Close-up"));
}

#[test]
fn trash_undo_restore_and_empty() {
    let (dir, mut h, ids) = opened_with_photos(3);
    let root = dir.path().join("lib");

    click_photo(&mut h, ids[0], Modifiers::NONE);
    h.key_press(Key::Delete);
    settle(&mut h);
    assert_eq!(h.state().state.browse.grid.items.len(), 2);
    assert_eq!(h.state().state.overview.trash_count(), Some(1));
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    settle(&mut h);
    assert_eq!(h.state().state.browse.grid.items.len(), 3, "undo restores");
    assert_eq!(h.state().state.overview.trash_count(), Some(0));

    for id in &ids[..2] {
        click_photo(&mut h, *id, Modifiers::COMMAND);
    }
    send(&mut h, Action::MoveToTrash);
    assert_eq!(h.state().state.overview.trash_count(), Some(2));
    h.get_by_label_contains("Trash (2)").click();
    settle(&mut h);
    assert!(h.state().state.browse.filter.trashed);
    assert_eq!(h.state().state.browse.grid.items.len(), 2);
    click_photo(&mut h, ids[0], Modifiers::NONE);
    h.get_by_label("Restore").click();
    settle(&mut h);
    assert_eq!(h.state().state.overview.trash_count(), Some(1));

    h.get_by_label("Empty trash…").click();
    settle(&mut h);
    h.get_by_label("Delete for good").click();
    settle(&mut h);
    assert_eq!(h.state().state.overview.trash_count(), Some(0));
    let library = skinlapse::testing::library_at(&root);
    assert_eq!(library.catalogue().unwrap().counts().unwrap().1, 2);
    assert_eq!(
        files_below(&root.join("originals")).len(),
        2,
        "the original went with its row"
    );
    assert_verify_clean(&library);
}

#[test]
fn the_demo_library_opens_with_its_people_and_series() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness(&dir.path().join("empty-lib"));
    assert!(
        h.query_by_label("Welcome to Skinlapse").is_some(),
        "an empty library welcomes"
    );
    h.get_by_label("Look around a demo library…").click();
    settle(&mut h);
    let state = &h.state().state;
    assert!(state.library.is_demo());
    let names: Vec<&str> = state
        .overview
        .people
        .iter()
        .map(|p| p.name.as_str())
        .collect();
    assert_eq!(names, vec!["Alex Moreau", "Me", "Priya Nair"]);
    assert_eq!(
        state.overview.total_photos(),
        Some(skinlapse::jobs::demo::demo_photo_count())
    );
    h.get_by_label_contains("Alex Moreau (").click();
    settle(&mut h);
    let state = &h.state().state;
    assert_eq!(state.overview.series.len(), 1);
    assert_eq!(state.overview.series[0].title, "Microneedling, acne scars");
    assert_eq!(
        state.overview.sessions[&state.overview.series[0].id].len(),
        6
    );
    assert_eq!(state.browse.grid.items.len(), 18, "6 sessions × 3 views");
    // Grouped under session dates, newest first.
    let dates: Vec<_> = state
        .browse
        .grid
        .items
        .iter()
        .map(|g| g.group_date)
        .collect();
    assert!(dates.windows(2).all(|w| w[0] >= w[1]));
    assert!(
        h.query_by_label_contains("Microneedling, acne scars · 6 sessions")
            .is_some()
    );
}

#[test]
fn viewer_opens_steps_and_zooms_with_the_keyboard() {
    let (_dir, mut h, ids) = opened_with_photos(3);
    click_photo(&mut h, ids[0], Modifiers::NONE);
    h.key_press(Key::Enter);
    settle(&mut h);
    assert_eq!(h.state().state.nav.viewer(), Some(ids[0]));
    assert!(h.query_by_label("1 / 3").is_some());
    h.key_press(Key::ArrowRight);
    settle(&mut h);
    assert_eq!(h.state().state.nav.viewer(), Some(ids[1]));
    h.key_press(Key::Num1);
    settle(&mut h);
    assert!(h.query_by_label("100 %").is_some(), "1:1");
    h.key_press(Key::Escape);
    settle(&mut h);
    assert_eq!(h.state().state.nav.viewer(), None);
}

/// A file dropped onto the window, as winit would deliver it.
#[derive(Debug)]
struct Dropped(PathBuf);

impl egui::DroppedFile for Dropped {
    fn path(&self) -> &Path {
        &self.0
    }

    fn bytes(&self) -> Result<Vec<u8>, String> {
        std::fs::read(&self.0).map_err(|e| e.to_string())
    }
}

#[test]
fn dropping_a_folder_opens_the_import_dialog_for_it() {
    let dir = tempfile::tempdir().unwrap();
    photos(dir.path(), 2);
    let inbox = dir.path().join("inbox");
    let mut h = harness(&dir.path().join("lib"));
    h.input_mut()
        .dropped_files
        .push(std::sync::Arc::new(Dropped(inbox.clone())));
    settle(&mut h);
    assert_eq!(
        h.state().state.nav.modal(),
        Some(&Modal::Import(vec![inbox]))
    );
    assert!(
        h.query_by_label("Import photos").is_some(),
        "the dialog is open"
    );
    h.get_by_label("Start import").click();
    settle(&mut h);
    assert_eq!(h.state().state.browse.grid.items.len(), 2);
}

#[test]
fn zooming_past_the_preview_loads_the_original() {
    use skinlapse::app::images::Rendition;
    let dir = tempfile::tempdir().unwrap();
    let big = write(
        dir.path(),
        "big.jpg",
        &skinlapse::imaging::synth::jpeg_with_exif(&skin(3000, 2000, 4), 85, None),
    );
    let mut h = harness(&dir.path().join("lib"));
    import_tagged(&mut h, vec![big], &[], &[]);
    let id = grid_ids(&h)[0];
    send(&mut h, BrowseCommand::OpenPhoto(id));
    assert!(h.state().images.contains(&(id, Rendition::Preview)));
    assert!(
        !h.state().images.contains(&(id, Rendition::Full)),
        "fit to window needs only the preview"
    );
    h.key_press(Key::Num1);
    settle(&mut h);
    assert!(
        h.state().images.contains(&(id, Rendition::Full)),
        "1:1 of a 3000 px photo needs the original"
    );
}

/// Another process (a window, a command, another workstation) is in the middle of a write
/// that blocks an edit of `photo` in the library at `root`: on SQLite it holds the file's
/// write lock; on a clinic the admin, signed in from elsewhere, holds the photo's row. The
/// returned call ends that write (rolled back).
fn another_writer_holds(root: &Path, photo: PhotoId) -> Box<dyn FnOnce()> {
    if let Some(mut other) = skinlapse::testing::admin_client(root) {
        other
            .batch_execute(&format!(
                "BEGIN; SELECT 1 FROM photo WHERE id = {photo} FOR UPDATE;"
            ))
            .unwrap();
        Box::new(move || other.batch_execute("ROLLBACK").unwrap())
    } else {
        let other = rusqlite::Connection::open(root.join("catalog.sqlite")).unwrap();
        other
            .execute_batch("BEGIN IMMEDIATE; UPDATE person SET notes = 'x';")
            .unwrap();
        Box::new(move || other.execute_batch("ROLLBACK").unwrap())
    }
}

/// Switches a clinic library (which starts in clinic mode) to personal mode, as its admin may
/// in the View menu; does nothing in a personal library, which starts there. For tests of
/// what an export writes, not of consent: clinic mode's consent checks are tested on both
/// backends in record.rs.
pub(crate) fn in_personal_mode(h: &mut Harness<'static, App>) {
    use skinlapse::model::clinical::Mode;
    if h.state().state.library.mode == Mode::Clinic {
        send(h, skinlapse::app::LibraryCommand::SetMode(Mode::Personal));
    }
    assert_eq!(h.state().state.library.mode, Mode::Personal);
}

/// How a save refused over a change made elsewhere names who made it: another window of a
/// personal library, or on a clinic the (admin) user who changed it, and when.
pub(crate) fn changed_elsewhere(root: &Path) -> String {
    match skinlapse::testing::library_user(root) {
        Some((user, _)) => format!("was changed by {user} at "),
        None => "was changed by another Skinlapse window".into(),
    }
}

#[test]
fn a_busy_library_gives_a_clear_message_without_freezing() {
    let (dir, mut h, _) = opened_with_photos(1);
    let root = dir.path().join("lib");
    let id = grid_ids(&h)[0];
    send(
        &mut h,
        BrowseCommand::ClickPhoto(id, skinlapse::app::SelectMode::Only),
    );
    let release = another_writer_holds(&root, id);
    let start = std::time::Instant::now();
    send(
        &mut h,
        PhotoCommand::SetView(Some(skinlapse::model::View::Frontal)),
    );
    assert!(
        start.elapsed() < std::time::Duration::from_secs(10),
        "the window did not wait for 30 s"
    );
    let notices = &h.state().state.notices;
    assert!(
        notices
            .iter()
            .any(|n| n.text.contains("the library is busy")),
        "{notices:?}"
    );
    release();
    send(
        &mut h,
        PhotoCommand::SetView(Some(skinlapse::model::View::Frontal)),
    );
    assert_eq!(
        h.state()
            .state
            .inspector
            .shown()
            .unwrap()
            .details
            .photo
            .view,
        Some(skinlapse::model::View::Frontal)
    );
}

#[test]
fn help_lists_every_shortcut() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness(&dir.path().join("lib"));
    h.key_press(Key::F1);
    settle(&mut h);
    assert!(h.state().state.nav.modal() == Some(&Modal::Help));
    for action in Action::ALL {
        if action.shortcut().is_some() {
            assert!(
                h.query_all_by_label(action.label()).next().is_some(),
                "{action:?} missing from help"
            );
        }
    }
    // Keys as people name them, and what is done without a key of its own.
    for shown in [
        "[",
        "Ctrl++ / Ctrl+−",
        "Ctrl+Shift+Z",
        "Space (held)",
        "Scroll wheel",
        "Drag",
    ] {
        assert!(
            h.query_by_label(shown).is_some(),
            "{shown} missing from help"
        );
    }
    for raw in ["OpenBracket", "Plus", "Minus"] {
        assert!(
            h.query_by_label_contains(raw).is_none(),
            "help names a key {raw}"
        );
    }
}

#[test]
fn a_library_that_cannot_be_opened_says_why() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "not-a-folder", b"x");
    let h = harness(&file);
    let error = h.state().state.library.error.clone().expect("error shown");
    assert!(error.contains("is a file, not a library folder"), "{error}");
    assert!(
        h.query_by_label_contains("is a file, not a library folder")
            .is_some()
    );
    assert!(
        h.query_by_label_contains("Open library…").is_some(),
        "offers a way out"
    );
}

#[test]
fn a_missing_last_library_is_reported_not_recreated() {
    let dir = tempfile::tempdir().unwrap();
    let prefs = dir.path().join("prefs.json");
    let root = dir.path().join("usb-drive/library");
    drop(harness_with(AppOptions {
        prefs_path: Some(prefs.clone()),
        ..options(&root)
    }));
    std::fs::remove_dir_all(dir.path().join("usb-drive")).unwrap();
    let h = harness_with(AppOptions {
        prefs_path: Some(prefs),
        library: None,
        ..options(&root)
    });
    let error = h.state().state.library.error.clone().expect("error shown");
    assert!(error.contains("is missing"), "{error}");
    assert!(h.query_by_label_contains("is missing").is_some());
    assert!(!root.exists(), "not silently re-created");
}

#[test]
fn bad_edits_are_refused_with_a_message() {
    let (_dir, mut h, ids) = opened_with_photos(1);
    let id = ids[0];
    send(
        &mut h,
        BrowseCommand::ClickPhoto(id, skinlapse::app::SelectMode::Only),
    );
    send(&mut h, PhotoCommand::SetTakenAt("31/02/2025".into()));
    let notices = &h.state().state.notices;
    assert!(
        notices
            .iter()
            .any(|n| n.text.contains("Taken at: \"31/02/2025\" is not a date")),
        "{notices:?}"
    );
    let zone = h
        .state()
        .state
        .inspector
        .shown()
        .unwrap()
        .details
        .photo
        .taken_at
        .offset;
    send(&mut h, PhotoCommand::SetTakenAt("2025-02-03 04:05".into()));
    let details = h.state().state.inspector.shown().unwrap().details.clone();
    assert_eq!(details.photo.taken_at.local_text(), "2025-02-03T04:05:00");
    assert_eq!(details.photo.taken_at.offset, zone, "its time zone is kept");
    assert!(!details.photo.taken_at.estimated);
    send(&mut h, PeopleCommand::Add("Me".into()));
    assert!(
        h.state()
            .state
            .notices
            .iter()
            .any(|n| n.text.contains("already exists"))
    );
}

#[test]
fn filters_and_sort_survive_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let prefs = dir.path().join("prefs.json");
    let root = dir.path().join("lib");
    {
        let mut h = harness_with(AppOptions {
            prefs_path: Some(prefs.clone()),
            ..options(&root)
        });
        let chin = area(&h, "chin");
        send(
            &mut h,
            BrowseCommand::SetFilter(PhotoFilter {
                area: Some(chin),
                ..PhotoFilter::default()
            }),
        );
        send(&mut h, Action::ToggleSort);
        // Drag the people panel's edge from 240 to 320 points.
        let edge = h.state().state.prefs.left_panel_width;
        for (x, pressed) in [
            (edge, None),
            (edge, Some(true)),
            (edge + 40.0, None),
            (edge + 80.0, None),
            (edge + 80.0, Some(false)),
        ] {
            let pos = egui::pos2(x, 400.0);
            h.event(egui::Event::PointerMoved(pos));
            if let Some(pressed) = pressed {
                h.event(egui::Event::PointerButton {
                    pos,
                    button: egui::PointerButton::Primary,
                    pressed,
                    modifiers: Modifiers::NONE,
                });
            }
            h.step();
        }
    }
    let saved: serde_json::Value = serde_json::from_slice(&std::fs::read(&prefs).unwrap()).unwrap();
    let left = saved["left_panel_width"].as_f64().unwrap();
    assert!(
        (180.0..=400.0).contains(&left),
        "the drawn panel width is remembered: {left}"
    );
    let h = harness_with(AppOptions {
        prefs_path: Some(prefs),
        library: None,
        ..options(&root)
    });
    let state = &h.state().state;
    assert_eq!(
        state.library.library().unwrap().root(),
        root.canonicalize().unwrap(),
        "last library reopened"
    );
    assert_eq!(state.browse.filter.area, Some(area(&h, "chin")));
    assert_eq!(
        state.browse.sort,
        skinlapse::catalogue::SortOrder::OldestFirst
    );
}

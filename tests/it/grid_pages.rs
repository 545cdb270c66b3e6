//! The grid reads a view a page at a time (issue 15: "All photos" at a million photos): the
//! first page is drawn before the rest is read, scrolling reads on to the last photo, the
//! count is the view's, and selection, End, select all and the viewer's next photo cross
//! page boundaries. Pages of 4 photos here, over the demo library. The people list's photo
//! counts are counted off the UI thread too: "…" until they are there, and an answer
//! overtaken by a newer edit is dropped.

use crate::app::{
    click_photo, grid_ids, harness, harness_sized, import_tagged, options, photo_label, photos,
    settle,
};
use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use skinlapse::app::browse::Loading;
use skinlapse::app::{Action, BrowseCommand, LibraryCommand, ScreenKind, SelectMode};
use skinlapse::catalogue::{PhotoFilter, SortOrder};
use skinlapse::model::PhotoId;
use skinlapse::ui::App;
use std::time::Duration;

const PAGE: usize = 4;

/// The demo library, its All photos oldest first as one read gives them, and the app in a
/// short window reading that view in pages of [`PAGE`]; returned as soon as the first page
/// is there (nothing settled yet).
fn paged() -> (tempfile::TempDir, Harness<'static, App>, Vec<PhotoId>) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("lib");
    let library = crate::support::small_demo(&root);
    let whole: Vec<PhotoId> = library
        .catalogue()
        .unwrap()
        .grid_page(&PhotoFilter::default(), SortOrder::OldestFirst)
        .unwrap()
        .items
        .iter()
        .map(|i| i.id)
        .collect();
    assert!(whole.len() > 6 * PAGE, "enough photos for several pages");
    let mut h = harness_sized(options(&root), [1100.0, 520.0]);
    h.state_mut().state.browse.grid.page_size = PAGE;
    // Another order is another view: read from its first page.
    h.state_mut()
        .send(BrowseCommand::SetSort(SortOrder::OldestFirst));
    let start = std::time::Instant::now();
    while h.state().state.browse.sort != SortOrder::OldestFirst
        || grid(&h).loading() == Loading::First
        || grid(&h).items.is_empty()
    {
        assert!(start.elapsed() < Duration::from_mins(1));
        h.step();
        std::thread::sleep(Duration::from_millis(2));
    }
    (dir, h, whole)
}

fn grid<'h>(h: &'h Harness<'static, App>) -> &'h skinlapse::app::browse::Grid {
    &h.state().state.browse.grid
}

/// Scrolls the grid to the row below the photos read (as dragging the scroll bar to the
/// bottom does), until every photo is read.
fn scroll_to_the_end(h: &mut Harness<'static, App>) {
    for _ in 0..100 {
        if grid(h).is_complete() {
            return;
        }
        h.get_by_label_contains("Loading more photos")
            .scroll_to_me();
        settle(h);
    }
    panic!("scrolling never reached the last photo");
}

#[test]
fn the_first_page_is_drawn_before_the_rest_and_scrolling_reads_to_the_last_photo() {
    let (_dir, mut h, whole) = paged();
    assert_eq!(grid_ids(&h), whole[..PAGE], "the first page alone");
    assert!(!grid(&h).is_complete());
    h.run_steps(1);
    assert!(
        h.query_by_label_contains(&photo_label(whole[0])).is_some(),
        "the first page is drawn while the rest is not read"
    );
    settle(&mut h);
    let read = grid_ids(&h);
    assert!(
        read.len() > PAGE && read.len() < whole.len(),
        "pages were read to fill the window, not all {}: {}",
        whole.len(),
        read.len()
    );
    assert_eq!(read, whole[..read.len()], "in the view's order");
    assert!(
        h.query_by_label(&format!("{} photos", whole.len()))
            .is_some(),
        "the count is the view's, not the photos read"
    );
    scroll_to_the_end(&mut h);
    assert_eq!(grid_ids(&h), whole, "every photo, each once, in order");
    h.get_by_label_contains(&photo_label(*whole.last().unwrap()))
        .scroll_to_me();
    settle(&mut h);
    assert!(
        h.query_by_label_contains("Loading more photos").is_none(),
        "nothing more to read"
    );
}

#[test]
fn a_range_selected_across_pages_and_select_all_take_photos_not_read_at_first() {
    let (_dir, mut h, whole) = paged();
    settle(&mut h);
    click_photo(&mut h, whole[0], Modifiers::NONE);
    let first_read = grid_ids(&h).len();
    h.get_by_label_contains("Loading more photos")
        .scroll_to_me();
    settle(&mut h);
    // A photo of a page read after the first, on screen now.
    let (index, later) = grid_ids(&h)
        .into_iter()
        .enumerate()
        .skip(first_read)
        .find(|(_, id)| h.query_by_label_contains(&photo_label(*id)).is_some())
        .expect("a photo of a later page is on screen");
    click_photo(&mut h, later, Modifiers::SHIFT);
    assert_eq!(
        h.state().state.browse.selection.ids(),
        sorted(&whole[..=index]),
        "the range runs across the page boundary"
    );
    // Read again (an edit, another workstation's change): the photos read stay read, and
    // the selection keeps them.
    let read = grid_ids(&h);
    crate::app::send(&mut h, BrowseCommand::SetSort(SortOrder::OldestFirst));
    assert_eq!(grid_ids(&h)[..read.len()], read[..]);
    assert_eq!(
        h.state().state.browse.selection.ids(),
        sorted(&whole[..=index])
    );
    assert!(!grid(&h).is_complete());
    h.key_press_modifiers(Modifiers::COMMAND, Key::A);
    settle(&mut h);
    assert!(grid(&h).is_complete(), "select all read the rest");
    assert_eq!(h.state().state.browse.selection.ids(), sorted(&whole));
}

fn sorted(ids: &[PhotoId]) -> Vec<PhotoId> {
    let mut ids = ids.to_vec();
    ids.sort_unstable();
    ids
}

#[test]
fn end_goes_to_the_last_photo_and_the_viewer_steps_past_the_photos_read() {
    let (_dir, mut h, whole) = paged();
    settle(&mut h);
    // The viewer on the last photo read: Next needs the page after it.
    let read = grid_ids(&h);
    let last_read = *read.last().unwrap();
    h.state_mut().send(BrowseCommand::OpenPhoto(last_read));
    settle(&mut h);
    assert_eq!(h.state().state.nav.viewer(), Some(last_read));
    let before = grid_ids(&h).len();
    h.key_press(Key::ArrowRight);
    settle(&mut h);
    assert_eq!(
        h.state().state.nav.viewer(),
        Some(whole[before]),
        "next is the first photo of the next page"
    );
    assert!(grid_ids(&h).len() > before);
    assert!(
        h.query_by_label_contains(&format!("{} / {}", before + 1, whole.len()))
            .is_some(),
        "the viewer counts the view's photos"
    );
    h.key_press(Key::Escape);
    settle(&mut h);
    assert_eq!(h.state().state.nav.front(), ScreenKind::Browse);
    assert!(!grid(&h).is_complete());
    h.key_press(Key::End);
    settle(&mut h);
    // The scroll may animate.
    h.run_steps(30);
    let last = *whole.last().unwrap();
    assert_eq!(h.state().state.browse.selection.ids(), vec![last]);
    assert_eq!(grid_ids(&h), whole);
    assert!(
        h.query_by_label_contains(&photo_label(last)).is_some(),
        "the grid scrolled to the last photo"
    );
    h.key_press(Key::Home);
    settle(&mut h);
    assert_eq!(h.state().state.browse.selection.ids(), vec![whole[0]]);
}

/// How long a test waits for the photo count thread to come to its gate.
const GATE_PATIENCE: Duration = Duration::from_mins(1);

/// Runs frames (without waiting for the held count thread) until `done`.
fn step_until(h: &mut Harness<'static, App>, what: &str, done: impl Fn(&App) -> bool) {
    let start = std::time::Instant::now();
    while !done(h.state()) {
        assert!(start.elapsed() < GATE_PATIENCE, "never: {what}");
        h.step();
        std::thread::sleep(Duration::from_millis(5));
    }
    h.run_steps(2);
}

/// The people list's line that starts with `start` (e.g. "Trash ("), as drawn.
fn line(h: &Harness<'static, App>, start: &str) -> String {
    h.get_by_label_contains(start)
        .accesskit_node()
        .label()
        .unwrap_or_default()
}

#[test]
fn the_people_list_says_counting_until_its_counts_arrive_then_the_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness(&dir.path().join("first"));
    // A personal library of the demo's people (on either test backend: opened by its folder).
    let other = dir.path().join("demo");
    let library = skinlapse::library::Library::open(&other).unwrap();
    skinlapse::jobs::demo::generate_demo_into(
        &library,
        &skinlapse::jobs::demo::DemoOptions {
            width: 160,
            height: 120,
            ..Default::default()
        },
        &mut |_, _| {},
    )
    .unwrap();
    let mut cat = library.catalogue().unwrap();
    let counts = cat.photo_counts_by_person().unwrap();
    let alex = cat
        .people()
        .unwrap()
        .into_iter()
        .find(|p| p.name == "Alex Moreau")
        .unwrap();
    let total = skinlapse::jobs::demo::demo_photo_count();
    drop((cat, library));

    let gate = h.state().state.library.photo_counts_gate();
    let arrived = gate.arrivals();
    gate.hold();
    h.state_mut().send(LibraryCommand::OpenAt(other));
    h.run_steps(1);
    assert!(gate.wait_for_arrivals(arrived + 1, GATE_PATIENCE));
    // The grid and the people list are there; the counts are held back.
    step_until(&mut h, "the demo's first page in the grid", |app| {
        app.state.overview.people.len() == 3 && !app.state.browse.grid.is_loading()
    });
    assert!(h.state().state.overview.counts().is_none());
    assert!(h.state().state.library.is_counting_photos());
    assert_eq!(line(&h, "All photos ("), "All photos (…)");
    assert_eq!(line(&h, "Alex Moreau ("), "Alex Moreau (…)");
    assert_eq!(line(&h, "Trash ("), "Trash (…)");
    assert!(h.query_by_label("… photos · 3 people").is_some());
    assert!(
        h.query_by_label("Welcome to Skinlapse").is_none(),
        "not taken for an empty library while counting"
    );

    gate.release();
    settle(&mut h);
    assert!(!h.state().state.library.is_counting_photos());
    assert_eq!(line(&h, "All photos ("), format!("All photos ({total})"));
    assert_eq!(
        line(&h, "Alex Moreau ("),
        format!("Alex Moreau ({})", counts[&alex.id])
    );
    assert_eq!(line(&h, "Trash ("), "Trash (0)");
    assert!(
        h.query_by_label(&format!("{total} photos · 3 people"))
            .is_some()
    );
}

/// A library (in the returned folder) with the first `n` of `made` generated photos imported
/// as "Me", open in the app; the photos' ids in grid order, and the photos not imported.
fn with_photos(
    n: usize,
    made: u64,
) -> (
    tempfile::TempDir,
    Harness<'static, App>,
    Vec<PhotoId>,
    Vec<std::path::PathBuf>,
) {
    let dir = tempfile::tempdir().unwrap();
    let mut all = photos(dir.path(), made);
    let rest = all.split_off(n);
    let mut h = harness(&dir.path().join("lib"));
    assert_eq!(line(&h, "All photos ("), "All photos (0)");
    import_tagged(&mut h, all, &[], &[]);
    let ids = grid_ids(&h);
    assert_eq!(ids.len(), n);
    (dir, h, ids, rest)
}

/// Moves `id` to the trash, as selecting it and pressing Delete does, without waiting for
/// the app to settle.
fn trash(h: &mut Harness<'static, App>, id: PhotoId) {
    h.state_mut()
        .send(BrowseCommand::ClickPhoto(id, SelectMode::Only));
    h.state_mut().send(Action::MoveToTrash);
    h.run_steps(2);
}

#[test]
fn a_count_overtaken_by_a_newer_edit_is_dropped_and_the_newest_shown() {
    let (_dir, mut h, ids, _) = with_photos(3, 3);
    assert_eq!(line(&h, "Trash ("), "Trash (0)");
    let gate = h.state().state.library.photo_counts_gate();
    let arrived = gate.arrivals();
    gate.hold();
    // The first trashing's count (one in the trash) is made, and held back before it answers.
    trash(&mut h, ids[0]);
    assert!(gate.wait_for_arrivals(arrived + 1, GATE_PATIENCE));
    // A second trashing asks again before that answer is in.
    trash(&mut h, ids[1]);
    step_until(&mut h, "both trashed in the grid", |app| {
        app.state.browse.grid.items.len() == 1 && !app.state.browse.grid.is_loading()
    });
    // The first answer goes out; the thread counts the newer request and is held again.
    gate.let_one_through();
    assert!(gate.wait_for_arrivals(arrived + 2, GATE_PATIENCE));
    h.run_steps(5);
    assert_eq!(
        h.state().state.overview.trash_count(),
        Some(0),
        "the overtaken answer (one in the trash) was dropped, not shown"
    );
    assert_eq!(line(&h, "Trash ("), "Trash (0)");
    assert!(h.state().state.library.is_counting_photos());

    gate.release();
    settle(&mut h);
    assert_eq!(h.state().state.overview.trash_count(), Some(2));
    assert_eq!(line(&h, "Trash ("), "Trash (2)");
    assert_eq!(line(&h, "All photos ("), "All photos (1)");
    assert_eq!(line(&h, "Me ("), "Me (1)");
}

#[test]
fn the_people_list_counts_again_after_an_import_a_trashing_and_an_undo() {
    let (_dir, mut h, ids, more) = with_photos(3, 5);
    assert_eq!(line(&h, "All photos ("), "All photos (3)");
    assert_eq!(line(&h, "Me ("), "Me (3)");
    assert!(h.query_by_label("3 photos · 1 person").is_some());

    import_tagged(&mut h, more, &[], &[]);
    assert_eq!(line(&h, "All photos ("), "All photos (5)");
    assert_eq!(line(&h, "Me ("), "Me (5)");

    click_photo(&mut h, ids[0], Modifiers::NONE);
    h.key_press(Key::Delete);
    settle(&mut h);
    assert_eq!(line(&h, "All photos ("), "All photos (4)");
    assert_eq!(line(&h, "Me ("), "Me (4)");
    assert_eq!(line(&h, "Trash ("), "Trash (1)");
    assert!(h.query_by_label("4 photos · 1 person").is_some());

    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    settle(&mut h);
    assert_eq!(line(&h, "All photos ("), "All photos (5)");
    assert_eq!(line(&h, "Trash ("), "Trash (0)");
}

//! The grid reads a view a page at a time (issue 15: "All photos" at a million photos): the
//! first page is drawn before the rest is read, scrolling reads on to the last photo, the
//! count is the view's, and selection, End, select all and the viewer's next photo cross
//! page boundaries. Pages of 4 photos here, over the demo library.

use crate::app::{click_photo, grid_ids, harness_sized, options, photo_label, settle};
use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use skinlapse::app::browse::Loading;
use skinlapse::app::{BrowseCommand, ScreenKind};
use skinlapse::catalogue::{PhotoFilter, SortOrder};
use skinlapse::model::PhotoId;
use skinlapse::ui::App;

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
        assert!(start.elapsed() < std::time::Duration::from_mins(1));
        h.step();
        std::thread::sleep(std::time::Duration::from_millis(2));
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

//! What is on screen is one value: the screen in front (and at most one window over it)
//! takes the keys, draws, and goes back; screens behind it do not react.

use crate::app::{click_photo, grid_ids, settle};
use crate::compare::{compared, demo_with_me};
use egui::{Key, Modifiers};
use egui_kittest::kittest::Queryable;

/// Compare two photos, open the viewer from the inspector: the arrows and the zoom keys
/// belong to the viewer in front, not to the comparison hidden behind it.
#[test]
fn keys_go_to_the_viewer_in_front_not_the_comparison_behind_it() {
    let (_dir, mut h) = demo_with_me();
    let ids = grid_ids(&h);
    click_photo(&mut h, ids[1], Modifiers::NONE);
    click_photo(&mut h, ids[4], Modifiers::COMMAND);
    h.key_press(Key::C);
    settle(&mut h);
    let pair = compared(&h);
    assert_eq!(pair, (ids[4], ids[1]));

    h.get_by_label_contains("Open viewer").click();
    settle(&mut h);
    let total = ids.len();
    assert!(
        h.query_by_label(&format!("5 / {total}")).is_some(),
        "the viewer shows the last photo clicked, 5th in the grid"
    );
    h.key_press(Key::ArrowRight);
    settle(&mut h);
    assert!(
        h.query_by_label(&format!("6 / {total}")).is_some(),
        "→ steps the viewer"
    );
    assert_eq!(compared(&h), pair, "→ does not step the comparison");
    // The demo's photos are small: fitted, they show at 100 %.
    assert!(h.query_by_label("100 %").is_some());
    h.key_press(Key::Plus);
    settle(&mut h);
    assert!(h.query_by_label("125 %").is_some(), "+ zooms the viewer");
    h.key_press(Key::Num0);
    settle(&mut h);
    assert!(h.query_by_label("100 %").is_some(), "0 fits the viewer");
    h.key_press(Key::Plus);
    h.key_press(Key::Plus);
    settle(&mut h);
    assert!(h.query_by_label("156 %").is_some(), "each press counts");

    // Back: the comparison is as it was, fitted, not zoomed by the viewer's keys.
    h.key_press(Key::Escape);
    settle(&mut h);
    assert_eq!(compared(&h), pair);
    assert!(
        h.query_by_label_contains("Swap A and B").is_some(),
        "the comparison is in front again"
    );
    assert!(
        h.query_by_label("100 %").is_some(),
        "the comparison was not zoomed from the viewer"
    );
    h.key_press(Key::Escape);
    settle(&mut h);
    assert!(
        h.query_by_label_contains("Swap A and B").is_none(),
        "back to the grid"
    );
}

//! What is on screen is one value: the screen in front (and at most one window over it)
//! takes the keys, draws, and goes back; screens behind it do not react.

use crate::app::{click_photo, grid_ids, harness_with, settle};
use crate::compare::{compared, demo_with_me};
use egui::{Key, Modifiers};
use egui_kittest::kittest::Queryable;
use skinlapse::app::{AppOptions, CompareMode, Modal, ScreenKind, Theme};

/// The demo with Me's 2nd and 5th photo compared (by C), and the grid's photos.
fn comparing_two() -> (
    tempfile::TempDir,
    egui_kittest::Harness<'static, skinlapse::ui::App>,
    Vec<skinlapse::model::PhotoId>,
) {
    let (dir, mut h) = demo_with_me();
    let ids = grid_ids(&h);
    click_photo(&mut h, ids[1], Modifiers::NONE);
    click_photo(&mut h, ids[4], Modifiers::COMMAND);
    h.key_press(Key::C);
    settle(&mut h);
    (dir, h, ids)
}

/// Compare two photos, open the viewer from the inspector: the arrows and the zoom keys
/// belong to the viewer in front, not to the comparison hidden behind it.
#[test]
fn keys_go_to_the_viewer_in_front_not_the_comparison_behind_it() {
    let (_dir, mut h, ids) = comparing_two();
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

/// A window over the screen takes Back first, and the screen's own keys rest under it.
#[test]
fn back_closes_the_window_in_front_first_and_keys_wait_for_it() {
    let (_dir, mut h, _) = comparing_two();
    h.key_press_modifiers(Modifiers::COMMAND, Key::E);
    settle(&mut h);
    assert_eq!(h.state().state.nav.modal(), Some(&Modal::Export));
    let mode = h.state().state.compare.settings.mode;
    h.key_press(Key::W);
    settle(&mut h);
    assert_eq!(
        h.state().state.compare.settings.mode,
        mode,
        "the slider key waits while the export window is open"
    );
    h.key_press(Key::Escape);
    settle(&mut h);
    assert_eq!(h.state().state.nav.modal(), None, "Back closed the window");
    assert_eq!(h.state().state.nav.front(), ScreenKind::Compare);
    h.key_press(Key::W);
    settle(&mut h);
    assert_eq!(h.state().state.compare.settings.mode, CompareMode::Slider);
    h.key_press(Key::Escape);
    settle(&mut h);
    assert_eq!(h.state().state.nav.front(), ScreenKind::Browse);
}

/// The View menu switches to the light theme; the choice is kept for the next start.
#[test]
fn the_light_theme_is_chosen_in_the_view_menu_and_remembered() {
    let dir = tempfile::tempdir().unwrap();
    let prefs = dir.path().join("prefs.json");
    let root = dir.path().join("lib");
    let options = || AppOptions {
        prefs_path: Some(prefs.clone()),
        ..crate::app::options(&root)
    };
    {
        let mut h = harness_with(options());
        assert!(h.ctx.global_style().visuals.dark_mode, "dark to begin with");
        h.get_by_label("View").click();
        h.run_steps(2);
        h.get_by_label("Light").click();
        settle(&mut h);
        assert_eq!(h.state().state.prefs.theme, Theme::Light);
        assert!(!h.ctx.global_style().visuals.dark_mode, "egui draws light");
    }
    let h = harness_with(options());
    assert_eq!(h.state().state.prefs.theme, Theme::Light);
    assert!(!h.ctx.global_style().visuals.dark_mode);
}

//! The layout at the window sizes people use (1280×800, 1024×700): every control lies inside
//! its panel, nothing hides under the inspector, and a time, a comparison's header and its
//! timeline read whole. Rects are the real ones egui drew (the accessibility tree's bounds,
//! and where the app put its panels).

use crate::app::{click_photo, grid_ids, harness_sized, options, settle, type_into_field};
use crate::support::small_demo;
use egui::accesskit::Role;
use egui::{Key, Modifiers, Rect};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use skinlapse::ui::App;

const LAPTOP: [f32; 2] = [1280.0, 800.0];
const SMALL: [f32; 2] = [1024.0, 700.0];

/// The demo at `size`, Me's photos in the grid, the `nth` selected (the inspector open).
fn demo_at(size: [f32; 2], nth: usize) -> (tempfile::TempDir, Harness<'static, App>) {
    demo_showing(size, Some("Me ("), nth)
}

/// The demo at `size`, showing the person whose name starts with `person` (else all
/// photos), the `nth` photo selected.
fn demo_showing(
    size: [f32; 2],
    person: Option<&str>,
    nth: usize,
) -> (tempfile::TempDir, Harness<'static, App>) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("lib");
    small_demo(&root);
    let mut h = harness_sized(options(&root), size);
    if let Some(person) = person {
        h.get_by_label_contains(person).click();
        settle(&mut h);
    }
    let ids = grid_ids(&h);
    click_photo(&mut h, ids[nth], Modifiers::NONE);
    (dir, h)
}

fn central(h: &Harness<'static, App>) -> Rect {
    h.state().drawn().central.expect("the central panel was drawn")
}

fn inspector(h: &Harness<'static, App>) -> Rect {
    h.state()
        .drawn()
        .inspector
        .expect("the inspector was drawn")
}

/// `inner` lies inside `outer` (half a point of rounding allowed).
fn assert_inside(what: &str, inner: Rect, outer: Rect) {
    assert!(
        outer.expand(0.5).contains_rect(inner),
        "{what} at {inner:?} is not inside its panel {outer:?}"
    );
}

fn rect_of(h: &Harness<'static, App>, role: Role, label: &str) -> Rect {
    h.get_by_role_and_label(role, label).rect()
}

/// A button whose label starts with `label` (buttons also carry their shortcut).
fn button(h: &Harness<'static, App>, label: &str) -> Rect {
    h.get_by(|n| n.role() == Role::Button && n.label().is_some_and(|l| l.starts_with(label)))
        .rect()
}

#[test]
fn at_1280_the_size_slider_the_inspectors_buttons_and_the_viewers_zoom_lie_inside_their_panels()
{
    let (_dir, mut h) = demo_at(LAPTOP, 1);
    assert_inside(
        "the grid's Size slider",
        rect_of(&h, Role::Slider, "Size"),
        central(&h),
    );
    let right = inspector(&h);
    for label in ["Open viewer", "Compare", "Move to trash"] {
        assert_inside(&format!("the inspector's {label}"), button(&h, label), right);
    }
    h.get_by_label_contains("Open viewer").click();
    settle(&mut h);
    // The demo's photos are small: fitted, they show at 100 %.
    assert_inside(
        "the viewer's zoom figure",
        h.get_by_label("100 %").rect(),
        central(&h),
    );
    assert_inside("the viewer's Next photo", button(&h, "Next photo"), central(&h));
}

#[test]
fn at_1024_no_grid_column_hides_under_the_inspector() {
    // All photos: the clinic's sessions have three views each, a full row.
    let (_dir, h) = demo_showing(SMALL, None, 0);
    let right = inspector(&h);
    let thumbnails: Vec<Rect> = h
        .query_all_by_label_contains("Photo #")
        .map(|n| n.rect())
        .collect();
    assert!(thumbnails.len() >= 3, "a row of thumbnails is drawn");
    let rightmost = thumbnails.iter().map(|r| r.right()).fold(0.0, f32::max);
    assert!(
        rightmost <= right.left() + 0.5,
        "a thumbnail reaches x = {rightmost}, under the inspector from x = {}",
        right.left()
    );
    let widest_row = thumbnails
        .iter()
        .map(|a| thumbnails.iter().filter(|b| (a.top() - b.top()).abs() < 1.0).count())
        .max();
    assert!(
        widest_row >= Some(3),
        "three columns fit beside the inspector: {widest_row:?}"
    );
}

#[test]
fn at_1024_the_f1_list_fits_on_the_screen() {
    let (_dir, mut h) = demo_at(SMALL, 0);
    h.key_press(Key::F1);
    settle(&mut h);
    let window = rect_of(&h, Role::Window, "Keyboard shortcuts");
    let screen = Rect::from_min_size(egui::Pos2::ZERO, SMALL.into());
    assert_inside("the F1 window", window, screen);
}

/// Compares the 2nd and 5th photo of Me's series (by C), the inspector open beside.
fn comparing(size: [f32; 2]) -> (tempfile::TempDir, Harness<'static, App>) {
    let (dir, mut h) = demo_at(size, 1);
    let ids = grid_ids(&h);
    click_photo(&mut h, ids[4], Modifiers::COMMAND);
    h.key_press(Key::C);
    settle(&mut h);
    (dir, h)
}

#[test]
fn at_1280_the_comparison_header_is_one_line_inside_the_screen() {
    let (_dir, h) = comparing(LAPTOP);
    let c = h.state().state.nav.comparison().expect("compare opened");
    let title = c.pair.title();
    let start: String = title.chars().take(12).collect();
    let header = h
        .get_by(|n| n.role() == Role::Label && n.value().is_some_and(|l| l.starts_with(&start)))
        .rect();
    let line = h.ctx.fonts_mut(|f| f.row_height(&egui::FontId::proportional(14.0)));
    assert!(
        header.height() < 1.5 * line,
        "the header {title:?} takes {} points: more than one line of {line}",
        header.height()
    );
    assert_inside("the comparison's header", header, central(&h));
}

#[test]
fn at_1024_the_comparison_timeline_keeps_previous_and_next_on_one_row() {
    let (_dir, h) = comparing(SMALL);
    let (previous, next) = (button(&h, "Previous photo"), button(&h, "Next photo"));
    assert!(
        (previous.center().y - next.center().y).abs() < 1.0,
        "Previous photo at {previous:?} and Next photo at {next:?} are on different rows"
    );
    assert_inside("the timeline's Next photo", next, central(&h));
    let slider = rect_of(&h, Role::Slider, "Timeline");
    assert!(
        slider.left() >= previous.right() && slider.right() <= next.left(),
        "the scrubber {slider:?} lies between its arrows"
    );
}

/// The taken-at field is wide enough for a time with its zone, at both sizes.
#[test]
fn the_inspectors_taken_at_field_shows_its_whole_value() {
    for size in [LAPTOP, SMALL] {
        let (_dir, mut h) = demo_at(size, 0);
        let time = "2026-11-23T10:05:00+01:00";
        type_into_field(&mut h, "Taken at", time);
        h.key_press(Key::Enter);
        settle(&mut h);
        let field = h.get_by_role_and_label(Role::TextInput, "Taken at");
        assert_eq!(field.value().as_deref(), Some(time), "the time was kept");
        let font = egui::TextStyle::Body.resolve(&h.ctx.global_style());
        let text = h
            .ctx
            .fonts_mut(|f| f.layout_no_wrap(time.to_owned(), font, egui::Color32::WHITE))
            .size()
            .x;
        let inner = field.rect().width() - 2.0 * 4.0; // the field's own margin
        assert!(
            inner >= text,
            "at {size:?} the field shows {inner} points of a {text}-point time"
        );
        assert_inside("the taken-at field", field.rect(), inspector(&h));
    }
}

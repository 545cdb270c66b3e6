//! The layout at the window sizes people use (1280×800, 1024×700): every control lies inside
//! its panel, nothing hides under the inspector, and a time, a comparison's header and its
//! timeline read whole. Rects are the real ones egui drew (the accessibility tree's bounds,
//! and where the app put its panels).

use crate::app::{
    click_photo, grid_ids, harness_sized, options, photos, send, settle, type_into_field,
};
use crate::support::small_demo;
use egui::accesskit::Role;
use egui::{Key, Modifiers, Rect};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use skinlapse::app::{AppOptions, ImportCommand};
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
    demo_with_inspector(size, person, nth, 300.0)
}

/// As [`demo_showing`], the inspector `inspector` points wide (as the user left it).
fn demo_with_inspector(
    size: [f32; 2],
    person: Option<&str>,
    nth: usize,
    inspector: f32,
) -> (tempfile::TempDir, Harness<'static, App>) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("lib");
    small_demo(&root);
    let prefs = dir.path().join("prefs.json");
    std::fs::write(&prefs, format!(r#"{{"right_panel_width": {inspector}}}"#)).unwrap();
    let mut h = harness_sized(
        AppOptions {
            prefs_path: Some(prefs),
            ..options(&root)
        },
        size,
    );
    if let Some(person) = person {
        h.get_by_label_contains(person).click();
        settle(&mut h);
    }
    let ids = grid_ids(&h);
    click_photo(&mut h, ids[nth], Modifiers::NONE);
    (dir, h)
}

/// The space the screen in front has: between the people list and the inspector (when
/// open), the whole height. Not the central panel's response rect: that grows to include
/// whatever overflowed it.
fn central(h: &Harness<'static, App>) -> Rect {
    let drawn = h.state().drawn();
    let screen = h.ctx.content_rect();
    let left = drawn.people.map_or(screen.left(), |r| r.right());
    let right = drawn.inspector.map_or(screen.right(), |r| r.left());
    Rect::from_x_y_ranges(left..=right, screen.y_range())
}

/// The inspector's rect, checked to be as wide as it was asked to be (content too wide for
/// it would widen it and narrow the grid).
fn inspector(h: &Harness<'static, App>) -> Rect {
    let rect = h
        .state()
        .drawn()
        .inspector
        .expect("the inspector was drawn");
    let asked = h.state().state.prefs.right_panel_width;
    assert!(
        rect.width() <= asked + 1.0,
        "the inspector is {} points wide, asked {asked}: its content pushed it wider",
        rect.width()
    );
    rect
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
    h.query_by(|n| n.role() == Role::Button && n.label().is_some_and(|l| l.starts_with(label)))
        .unwrap_or_else(|| panic!("{label} is not drawn: no room was left for it"))
        .rect()
}

#[test]
fn at_1280_the_size_slider_the_inspectors_buttons_and_the_viewers_zoom_lie_inside_their_panels() {
    let (_dir, mut h) = demo_at(LAPTOP, 1);
    assert_inside(
        "the grid's Size slider",
        rect_of(&h, Role::Slider, "Size"),
        central(&h),
    );
    let right = inspector(&h);
    for label in ["Open viewer", "Compare", "Move to trash"] {
        assert_inside(
            &format!("the inspector's {label}"),
            button(&h, label),
            right,
        );
    }
    h.get_by_label_contains("Open viewer").click();
    settle(&mut h);
    // The demo's photos are small: fitted, they show at 100 %.
    assert_inside(
        "the viewer's zoom figure",
        h.get_by_label("100 %").rect(),
        central(&h),
    );
    assert_inside(
        "the viewer's Next photo",
        button(&h, "Next photo"),
        central(&h),
    );
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
    let rightmost = thumbnails.iter().map(Rect::right).fold(0.0, f32::max);
    assert!(
        rightmost <= right.left() + 0.5,
        "a thumbnail reaches x = {rightmost}, under the inspector from x = {}",
        right.left()
    );
    let widest_row = thumbnails
        .iter()
        .map(|a| {
            thumbnails
                .iter()
                .filter(|b| (a.top() - b.top()).abs() < 1.0)
                .count()
        })
        .max();
    assert!(
        widest_row >= Some(3),
        "three columns fit beside the inspector: {widest_row:?}"
    );
}

/// The F1 list fits at 1024×700, and when everything is made larger (Ctrl++ four times:
/// twice the size, 512×350 points) it still fits and scrolls to its last line.
#[test]
fn at_1024_the_f1_list_fits_on_the_screen() {
    let (_dir, mut h) = demo_at(SMALL, 0);
    h.key_press(Key::F1);
    settle(&mut h);
    f1_list_fits(&mut h);
    h.ctx.set_zoom_factor(2.0);
    settle(&mut h);
    f1_list_fits(&mut h);
}

fn f1_list_fits(h: &mut Harness<'static, App>) {
    let screen = h.ctx.content_rect();
    let window = rect_of(h, Role::Window, "Keyboard shortcuts");
    assert_inside("the F1 window", window, screen);
    // The list is longer than the window is high: it scrolls to its last line.
    let last = "Make everything larger or smaller";
    h.get_by_label_contains(last).scroll_to_me();
    settle(h);
    let row = h.get_by_label_contains(last).rect();
    assert_inside("the F1 list's last line, scrolled to", row, window);
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
    let line = h
        .ctx
        .fonts_mut(|f| f.row_height(&egui::FontId::proportional(14.0)));
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

/// The taken-at field is wide enough for a time with its zone, at both sizes and with the
/// inspector at its narrowest.
#[test]
fn the_inspectors_taken_at_field_shows_its_whole_value() {
    for (size, width) in [(LAPTOP, 300.0), (SMALL, 300.0), (SMALL, 240.0)] {
        let (_dir, mut h) = demo_with_inspector(size, Some("Me ("), 0, width);
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
            "at {size:?}, the inspector {width} wide, the field shows {inner} points of a \
             {text}-point time"
        );
        assert_inside("the taken-at field", field.rect(), inspector(&h));
    }
}

/// At 1920×1080 all the filters fit on one row; the From and To fields there have only their
/// own grid columns, which once stayed as narrow as their first frame ("From … To …").
#[test]
fn at_1920_the_date_filters_are_as_wide_as_a_date() {
    let (_dir, h) = demo_showing([1920.0, 1080.0], None, 0);
    let font = egui::TextStyle::Body.resolve(&h.ctx.global_style());
    let date = h
        .ctx
        .fonts_mut(|f| f.layout_no_wrap("YYYY-MM-DD".to_owned(), font, egui::Color32::WHITE))
        .size()
        .x;
    for label in ["From", "To"] {
        let field = rect_of(&h, Role::TextInput, label);
        assert!(
            field.width() - 2.0 * 4.0 >= date,
            "the {label} field is {} points wide, a date {date}",
            field.width()
        );
        assert_inside(&format!("the {label} field"), field, central(&h));
    }
}

/// At 1024×700 the import dialog, with a strip of photos, lies inside the window: its title
/// and its Start import button can be reached.
#[test]
fn at_1024_the_import_dialog_fits_the_screen() {
    let dir = tempfile::tempdir().unwrap();
    let files = photos(dir.path(), 6);
    let mut h = harness_sized(options(&dir.path().join("lib")), SMALL);
    send(&mut h, ImportCommand::Prepare(files));
    let screen = h.ctx.content_rect();
    assert_inside(
        "the import dialog",
        rect_of(&h, Role::Window, "Import photos"),
        screen,
    );
    assert_inside("Start import", button(&h, "Start import"), screen);
}

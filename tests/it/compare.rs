//! Comparing photos in the real app: opening a comparison, every mode, the divider, swap,
//! the timeline and filmstrip, the findings, zoom to pixels and export.

use crate::app::{click_photo, grid_ids, harness, import_tagged, send, settle};
use crate::support::*;
use egui::accesskit::Role;
use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use skinlapse::app::images::Rendition;
use skinlapse::app::{Command, CompareCommand, CompareMode, LibraryCommand, Modal};
use skinlapse::imaging::compose::{PairLayout, Split};
use skinlapse::jobs::export::{ExportKind, ExportRequest};
use skinlapse::model::{PhotoId, Severity, View};
use skinlapse::ui::App;

/// The demo library (small photos) open in the app, with "Me" selected.
pub(crate) fn demo_with_me() -> (tempfile::TempDir, Harness<'static, App>) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("lib");
    small_demo(&root);
    let mut h = harness(&root);
    h.get_by_label_contains("Me (").click();
    settle(&mut h);
    (dir, h)
}

pub(crate) fn compared(h: &Harness<'static, App>) -> (PhotoId, PhotoId) {
    let c = h
        .state()
        .state
        .nav
        .comparison()
        .expect("a comparison is open");
    (c.pair.a.id(), c.pair.b.id())
}

/// Opens the baseline-and-latest comparison of Me's series through the series list.
fn open_series_comparison(h: &mut Harness<'static, App>) {
    h.get_by_label_contains("Home microneedling ·").click();
    settle(h);
    h.get_by_label("Compare baseline and latest").click();
    settle(h);
}

#[test]
fn baseline_and_latest_of_a_series_warns_about_a_photo_five_days_after_a_session() {
    let (_dir, mut h) = demo_with_me();
    open_series_comparison(&mut h);
    let state = &h.state().state;
    let c = state.nav.comparison().expect("compare opened");
    assert_eq!(c.pair.a.photo.view, Some(View::Frontal));
    assert_eq!(c.pair.b.photo.view, Some(View::Frontal));
    let series = c.pair.main_series().unwrap();
    assert_eq!(
        c.pair.a.date(),
        series.sessions[0].date,
        "A is the baseline session's photo"
    );
    assert_eq!(
        c.pair.b.id(),
        *c.timeline.last().unwrap(),
        "B is the latest photo"
    );
    assert_eq!(c.pair.b.photo.session, None, "the home snapshot");
    let warning = c
        .findings
        .iter()
        .find(|f| f.severity == Severity::Warning)
        .expect("a warning");
    assert!(
        warning
            .text
            .starts_with("B was taken 5 days after treatment session 6"),
        "{}",
        warning.text
    );
    // On screen: the warning and both labels.
    assert!(
        h.query_by_label_contains("B was taken 5 days after treatment session 6")
            .is_some()
    );
    assert!(h.query_by_label_contains("(baseline)").is_some());
    assert!(
        h.query_by_label_contains("Session 1 of 8").is_some(),
        "of the 8 planned"
    );
    // Back to the grid.
    h.key_press(Key::Escape);
    settle(&mut h);
    assert!(h.state().state.nav.comparison().is_none());
}

#[test]
fn two_selected_photos_open_in_every_mode_by_click_and_key() {
    let (_dir, mut h) = demo_with_me();
    let ids = grid_ids(&h);
    // Newest first in the grid: select a later photo first, then an earlier one.
    click_photo(&mut h, ids[1], Modifiers::NONE);
    click_photo(&mut h, ids[4], Modifiers::COMMAND);
    assert_eq!(h.state().state.browse.selection.len(), 2);
    h.key_press(Key::C);
    settle(&mut h);
    let (a, b) = compared(&h);
    assert_eq!((a, b), (ids[4], ids[1]), "the earlier photo is A");
    let c = h.state().state.nav.comparison().unwrap();
    assert!(c.pair.a.photo.taken_at.local < c.pair.b.photo.taken_at.local);
    assert_ne!(c.pair.a.photo.view, c.pair.b.photo.view);
    assert!(
        c.findings
            .iter()
            .any(|f| f.text.starts_with("Different views")),
        "{:?}",
        c.findings
    );
    for (label, mode) in [
        ("Slider", CompareMode::Slider),
        ("Overlay", CompareMode::Overlay),
        ("Difference", CompareMode::Difference),
        ("Flicker", CompareMode::Flicker),
        ("Series sheet", CompareMode::Sheet),
        ("Side by side", CompareMode::SideBySide),
    ] {
        h.get_by_label(label).click();
        settle(&mut h);
        assert_eq!(h.state().state.compare.settings.mode, mode, "{label}");
        assert_eq!(compared(&h), (a, b), "switching modes keeps the pair");
    }
    for (key, mode) in [
        (Key::W, CompareMode::Slider),
        (Key::O, CompareMode::Overlay),
        (Key::F, CompareMode::Flicker),
        (Key::G, CompareMode::Sheet),
        (Key::S, CompareMode::SideBySide),
        (Key::D, CompareMode::Difference),
    ] {
        h.key_press(key);
        settle(&mut h);
        assert_eq!(h.state().state.compare.settings.mode, mode, "{key:?}");
    }
    // The difference image is computed in the background at the current gain.
    let c = h.state().state.nav.comparison().unwrap();
    let d = c.difference.as_ref().expect("difference computed");
    assert_eq!((d.key.a, d.key.b, d.key.gain), (a, b, 4.0));
    assert_eq!(d.texture.size(), [160, 120]);
    h.get_by_label("Heat map").click();
    settle(&mut h);
    assert!(
        h.state()
            .state
            .nav
            .comparison()
            .unwrap()
            .difference
            .as_ref()
            .unwrap()
            .key
            .heat
    );
    assert!(h.query_by_label_contains("gain ×4.0, heat map").is_some());
}

#[test]
fn the_divider_drags_and_nudges_and_the_sides_swap() {
    let (_dir, mut h) = demo_with_me();
    open_series_comparison(&mut h);
    h.key_press(Key::W);
    settle(&mut h);
    let before = h.state().state.compare.settings.split;
    assert!((before.at - 0.5).abs() < 1e-6);
    let divider = h.get_by_role_and_label(Role::Slider, "Divider").rect();
    let start = divider.center();
    h.hover_at(start);
    h.run_steps(2);
    h.drag_at(start);
    h.run_steps(2);
    for step in 1..=5 {
        h.hover_at(start + egui::vec2(-20.0 * step as f32, 0.0));
        h.run_steps(1);
    }
    h.drop_at(start + egui::vec2(-100.0, 0.0));
    settle(&mut h);
    let after = h.state().state.compare.settings.split.at;
    assert!(after < 0.45, "dragged left: {after}");
    h.key_press(Key::CloseBracket);
    settle(&mut h);
    let nudged = h.state().state.compare.settings.split.at;
    assert!((nudged - after - 0.02).abs() < 1e-4, "{after} → {nudged}");
    h.key_press(Key::H);
    settle(&mut h);
    assert!(!h.state().state.compare.settings.split.vertical);
    let (a, b) = compared(&h);
    h.key_press(Key::X);
    settle(&mut h);
    assert_eq!(compared(&h), (b, a), "swapped");
    h.get_by_label_contains("Swap A and B").click();
    settle(&mut h);
    assert_eq!(compared(&h), (a, b), "swapped back");
}

#[test]
fn the_timeline_keeps_the_baseline_and_steps_b_and_the_filmstrip_picks_either_side() {
    let (_dir, mut h) = demo_with_me();
    open_series_comparison(&mut h);
    let timeline = h.state().state.nav.comparison().unwrap().timeline.clone();
    assert_eq!(timeline.len(), 7, "6 sessions and the home snapshot");
    h.key_press(Key::ArrowLeft);
    settle(&mut h);
    assert_eq!(compared(&h), (timeline[0], timeline[5]));
    h.key_press(Key::ArrowLeft);
    settle(&mut h);
    assert_eq!(compared(&h), (timeline[0], timeline[4]));
    h.key_press(Key::ArrowRight);
    settle(&mut h);
    assert_eq!(compared(&h), (timeline[0], timeline[5]));
    // The scrubber itself.
    send(&mut h, CompareCommand::Step(2));
    assert_eq!(compared(&h), (timeline[0], timeline[2]));
    // The session-photo before the snapshot was taken on the session's own day: not healing.
    let c = h.state().state.nav.comparison().unwrap();
    assert!(
        c.findings
            .iter()
            .all(|f| !f.text.contains("after treatment session")),
        "{:?}",
        c.findings
    );
    // Filmstrip: a click shows the photo as B, a right-click as A.
    let in_strip = |h: &mut Harness<'static, App>, id: PhotoId| {
        // The strip scrolls: bring the photo into view first, as a user would.
        h.get_by_label(&format!("Filmstrip photo #{id}"))
            .scroll_to_me();
        settle(h);
    };
    in_strip(&mut h, timeline[3]);
    h.get_by_label(&format!("Filmstrip photo #{}", timeline[3]))
        .click();
    settle(&mut h);
    assert_eq!(compared(&h), (timeline[0], timeline[3]));
    in_strip(&mut h, timeline[1]);
    h.get_by_label(&format!("Filmstrip photo #{}", timeline[1]))
        .click_secondary();
    settle(&mut h);
    assert_eq!(compared(&h), (timeline[1], timeline[3]));
    // The series sheet shows one cell per timeline photo; clicking one shows it as B.
    h.key_press(Key::G);
    settle(&mut h);
    let cells = h
        .query_all_by_label_contains(" · Frontal · Standard light")
        .count();
    assert_eq!(cells, 7, "one cell per timeline photo");
    h.get_by_label_contains(&timeline_date(&h, timeline[4]))
        .click();
    settle(&mut h);
    assert_eq!(compared(&h), (timeline[1], timeline[4]));
}

/// "2026-10-15" of a photo in the comparison's series: how sheet cells are labelled.
fn timeline_date(h: &Harness<'static, App>, id: PhotoId) -> String {
    let c = h.state().state.nav.comparison().unwrap();
    let photo = c.pair.main_series().unwrap().photo(id).unwrap();
    format!("{}  (", photo.date().format("%Y-%m-%d"))
}

#[test]
fn zooming_a_comparison_past_the_previews_loads_both_originals() {
    let dir = tempfile::tempdir().unwrap();
    let paths: Vec<_> = (0..2)
        .map(|i| {
            write(
                dir.path(),
                &format!("big{i}.jpg"),
                &skinlapse::imaging::synth::jpeg_with_exif(&skin(2600, 1800, 7 + i), 85, None),
            )
        })
        .collect();
    let mut h = harness(&dir.path().join("lib"));
    import_tagged(&mut h, paths, &[], &[]);
    let ids = grid_ids(&h);
    send(&mut h, CompareCommand::Photos(ids[0], ids[1]));
    h.key_press(Key::W);
    settle(&mut h);
    let images = &h.state().images;
    for id in &ids {
        assert!(images.contains(&(*id, Rendition::Preview)));
        assert!(
            !images.contains(&(*id, Rendition::Full)),
            "fit needs previews only"
        );
    }
    h.key_press(Key::Num1);
    settle(&mut h);
    assert!(h.query_by_label("100 %").is_some(), "1:1");
    for id in &ids {
        assert!(
            h.state().images.contains(&(*id, Rendition::Full)),
            "1:1 of a 2600 px photo needs its original"
        );
    }
    h.key_press(Key::Num0);
    settle(&mut h);
    assert!(h.query_by_label("100 %").is_none(), "back to fit");
}

#[test]
fn export_from_the_app_writes_a_labelled_image_and_reports_a_bad_folder() {
    let (dir, mut h) = demo_with_me();
    crate::app::in_personal_mode(&mut h);
    open_series_comparison(&mut h);
    h.key_press_modifiers(Modifiers::COMMAND, Key::E);
    settle(&mut h);
    assert!(h.state().state.nav.modal() == Some(&Modal::Export));
    assert!(
        h.query_by_label("Export image").is_some(),
        "the window is open"
    );
    assert!(h.query_by_label_contains("Slider at 50 %").is_some());
    let (a, b) = compared(&h);
    let out = dir.path().join("out.jpg");
    let request = |out: std::path::PathBuf| ExportRequest {
        kind: ExportKind::Pair {
            before: a,
            after: b,
            layout: PairLayout::Slider(Split {
                at: 0.5,
                vertical: true,
            }),
        },
        width: 800,
        out,
        purpose: None,
        deidentify: skinlapse::model::deidentify::Deidentify::ByPurpose,
    };
    // What "Save as…" sends once a file is chosen.
    send(&mut h, CompareCommand::Export(request(out.clone())));
    let job = h
        .state()
        .state
        .compare
        .export
        .as_ref()
        .expect("an export job");
    let summary = job.outcome.as_ref().unwrap().as_ref().expect("exported");
    assert_eq!(summary.width, 800);
    assert!(
        summary
            .findings
            .iter()
            .any(|f| f.text.contains("5 days after"))
    );
    let bytes = std::fs::read(&out).unwrap();
    let image = image::load_from_memory(&bytes).unwrap();
    assert_eq!(image.width(), 800);
    assert!(
        exif::Reader::new()
            .read_from_container(&mut std::io::Cursor::new(&bytes))
            .is_err()
    );
    assert!(h.query_by_label_contains("Saved: 800×").is_some());
    send(&mut h, CompareCommand::DismissExport);
    assert!(h.state().state.compare.export.is_none());
    // A folder that does not exist: the error names the file, nothing is written.
    let bad = dir.path().join("missing-folder/out.png");
    send(&mut h, CompareCommand::Export(request(bad.clone())));
    let outcome = h
        .state()
        .state
        .compare
        .export
        .as_ref()
        .unwrap()
        .outcome
        .as_ref()
        .unwrap()
        .as_ref()
        .unwrap_err()
        .to_string();
    assert!(outcome.contains("missing-folder/out.png"), "{outcome}");
    assert!(!bad.exists());
    assert!(
        h.state()
            .state
            .notices
            .iter()
            .any(|n| n.text.starts_with("Export failed")),
    );
    // Clinic mode: the window asks what the export is for, and consent decides.
    send(
        &mut h,
        LibraryCommand::SetMode(skinlapse::model::clinical::Mode::Clinic),
    );
    send(&mut h, CompareCommand::ShowExport(true));
    assert!(h.query_by_label("Purpose").is_some());
    assert!(h.query_by_label("Marketing").is_some());
    let marketing = ExportRequest {
        purpose: Some(skinlapse::model::clinical::ConsentScope::Marketing),
        ..request(dir.path().join("marketing.png"))
    };
    send(&mut h, CompareCommand::Export(marketing));
    let outcome = h
        .state()
        .state
        .compare
        .export
        .as_ref()
        .unwrap()
        .outcome
        .as_ref()
        .unwrap()
        .as_ref()
        .unwrap_err()
        .to_string();
    assert!(
        outcome.contains("Me has not consented to marketing"),
        "refused, with the reason: {outcome}"
    );
    assert!(!dir.path().join("marketing.png").exists());
    send(&mut h, Command::Action(skinlapse::app::Action::Back));
}

/// A click at a point of the window, as a mouse gives it.
pub(crate) fn click_at(
    h: &mut Harness<'static, App>,
    pos: egui::Pos2,
    button: egui::PointerButton,
) {
    h.hover_at(pos);
    h.run_steps(1);
    for pressed in [true, false] {
        h.event(egui::Event::PointerButton {
            pos,
            button,
            pressed,
            modifiers: Modifiers::NONE,
        });
        h.run_steps(1);
    }
    settle(h);
}

#[test]
fn landmarks_placed_by_clicking_align_b_live_and_are_stored() {
    use skinlapse::model::AlignMethod;
    let (dir, mut h) = demo_with_me();
    open_series_comparison(&mut h);
    h.key_press(Key::M);
    settle(&mut h);
    assert_eq!(h.state().state.compare.settings.mode, CompareMode::Align);
    let a = h.get_by_label("Photo A as taken").rect();
    let b = h.get_by_label("Photo B as taken").rect();
    assert!((a.width() - b.width()).abs() < 1.0, "same size as taken");
    // Three points on A, and the same points on B 12 screen points further right.
    let shift = egui::vec2(12.0, 0.0);
    let spots = [(0.25, 0.3), (0.7, 0.35), (0.5, 0.75)];
    for (i, (fx, fy)) in spots.iter().enumerate() {
        let on_a = a.min + egui::vec2(a.width() * fx, a.height() * fy);
        let on_b = b.min + egui::vec2(b.width() * fx, b.height() * fy) + shift;
        click_at(&mut h, on_a, egui::PointerButton::Primary);
        click_at(&mut h, on_b, egui::PointerButton::Primary);
        assert_eq!(
            h.state()
                .state
                .nav
                .comparison()
                .unwrap()
                .align
                .landmarks
                .len(),
            i + 1
        );
    }
    let c = h.state().state.nav.comparison().unwrap();
    let t = c.aligned.expect("aligned by the landmarks");
    // B's content sits 12 points right: B → A moves it back left by 12 / long edge.
    let long = f64::from(a.width().max(a.height()));
    assert!((t.tx + 12.0 / long).abs() < 0.002, "{t:?}");
    assert!(t.ty.abs() < 0.002 && (t.scale - 1.0).abs() < 0.01 && t.angle.abs() < 0.01);
    let fit = c.align.fit.as_ref().unwrap().as_ref().unwrap();
    assert!(
        fit.rms() * 1600.0 < 2.0,
        "clicks are exact to a screen pixel"
    );
    assert!(h.query_by_label_contains("3 pairs").is_some());
    // Stored: a new window on the same library sees it.
    let (pa, pb) = compared(&h);
    let library = skinlapse::testing::library_at(&dir.path().join("lib"));
    let mut cat = library.catalogue().unwrap();
    let stored = cat.alignment(pb).unwrap().unwrap();
    assert_eq!(
        (stored.reference, stored.method),
        (pa, AlignMethod::Landmarks)
    );
    assert_eq!(cat.landmarks(pb, pa).unwrap().len(), 3);
    // The slider shows B through the fit, and the findings say it is aligned.
    h.key_press(Key::W);
    settle(&mut h);
    let c = h.state().state.nav.comparison().unwrap();
    assert_eq!(c.transform(), t);
    assert!(
        c.findings
            .iter()
            .any(|f| f.text.starts_with("Aligned: B was scaled"))
    );
    // Dragging a point moves it and the fit follows, residuals showing the mismatch.
    h.key_press(Key::M);
    settle(&mut h);
    assert!(
        h.query_by_label("Aligned B over A").is_some(),
        "live preview toggle"
    );
    let point = h.get_by_label("Landmark 2 on B").rect().center();
    h.hover_at(point);
    h.run_steps(1);
    h.drag_at(point);
    h.run_steps(1);
    for step in 1..=6 {
        h.hover_at(point + egui::vec2(0.0, 5.0 * step as f32));
        h.run_steps(1);
    }
    h.drop_at(point + egui::vec2(0.0, 30.0));
    settle(&mut h);
    let c = h.state().state.nav.comparison().unwrap();
    assert_eq!(c.align.landmarks.len(), 3);
    let moved = c.align.fit.as_ref().unwrap().as_ref().unwrap();
    assert!(
        moved.rms() * long > 5.0,
        "residuals show the moved point: {moved:?}"
    );
    assert_ne!(c.aligned, Some(t), "the stored fit followed");
    // A right-click on a landmark deletes it; below two pairs the fit says why.
    for _ in 0..2 {
        let point = h.get_by_label("Landmark 1 on B").rect().center();
        click_at(&mut h, point, egui::PointerButton::Secondary);
    }
    let c = h.state().state.nav.comparison().unwrap();
    assert_eq!(c.align.landmarks.len(), 1);
    assert!(
        h.query_by_label_contains("place at least two pairs")
            .is_some()
    );
    // Reset goes back to the photos as taken, in the catalogue too.
    let stored = cat.alignment(pb).unwrap();
    h.get_by_label("Reset alignment").click();
    settle(&mut h);
    assert_eq!(h.state().state.nav.comparison().unwrap().aligned, None);
    assert_eq!(cat.alignment(pb).unwrap(), None);
    // Ctrl+Z brings the stored alignment back with its landmarks (the two of the last fit
    // stored), on screen too.
    assert_eq!(
        h.state().state.history.next_undo(),
        Some("reset the alignment")
    );
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    settle(&mut h);
    assert_eq!(cat.alignment(pb).unwrap(), stored);
    assert_eq!(cat.landmarks(pb, pa).unwrap().len(), 2);
    let c = h.state().state.nav.comparison().unwrap();
    assert!(c.aligned.is_some());
    assert_eq!(
        c.align.landmarks.len(),
        2,
        "the points are back where they were"
    );
    h.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::Z);
    settle(&mut h);
    assert_eq!(cat.alignment(pb).unwrap(), None, "redo resets again");
}

#[test]
fn auto_align_is_proposed_accepted_and_a_series_aligns_to_its_baseline() {
    let (dir, mut h) = demo_with_me();
    open_series_comparison(&mut h);
    h.key_press(Key::M);
    settle(&mut h);
    h.get_by_label("Auto-align").click();
    settle(&mut h);
    assert!(
        h.query_by_label_contains("Auto-align proposes").is_some(),
        "the demo's snapshot is re-framed skin: it aligns"
    );
    assert_eq!(
        h.state().state.nav.comparison().unwrap().aligned,
        None,
        "not before accepting"
    );
    h.get_by_label("Accept").click();
    settle(&mut h);
    let c = h.state().state.nav.comparison().unwrap();
    let t = c.aligned.expect("accepted");
    assert!(!t.is_identity());
    // The demo's hand-held snapshot: a few degrees and percent off the baseline.
    assert!(
        t.degrees().abs() < 8.0 && (t.scale - 1.0).abs() < 0.15,
        "{t:?}"
    );
    let library = skinlapse::testing::library_at(&dir.path().join("lib"));
    let before = library.catalogue().unwrap().all_alignments().unwrap();
    h.get_by_label("Align series to baseline").click();
    settle(&mut h);
    let job = h.state().state.compare.series_align.as_ref().unwrap();
    let rows = job.outcome.as_ref().unwrap().as_ref().unwrap();
    assert_eq!(
        rows.len(),
        6,
        "every photo of the timeline but the baseline"
    );
    assert!(rows.iter().all(|r| r.2.is_ok()), "{rows:?}");
    assert!(
        h.query_by_label("6 aligned, 0 declined.").is_some(),
        "the summary window"
    );
    let timeline = h.state().state.nav.comparison().unwrap().timeline.clone();
    let mut cat = library.catalogue().unwrap();
    for id in &timeline[1..] {
        assert_eq!(cat.alignment(*id).unwrap().unwrap().reference, timeline[0]);
    }
    // The sheet draws every aligned photo in the baseline's frame.
    assert_eq!(
        h.state()
            .state
            .nav
            .comparison()
            .unwrap()
            .sheet_transforms
            .len(),
        6
    );
    // One step, undone at once: the alignments are as they were before.
    assert_eq!(
        h.state().state.history.next_undo(),
        Some("align 6 photos to the series' baseline")
    );
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    settle(&mut h);
    assert_eq!(cat.all_alignments().unwrap(), before);
    assert!(
        h.state()
            .state
            .nav
            .comparison()
            .unwrap()
            .sheet_transforms
            .len()
            < 6,
        "the sheet follows"
    );
}

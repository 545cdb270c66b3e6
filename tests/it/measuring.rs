//! Measuring in the real app, driven like a user: a region drawn in the viewer and in the
//! comparison's Measure mode, read off the UI thread, saved, measured across the series and
//! undone; a reference card marked, fitted, stored, shown corrected and removed; the series
//! page's measurement charts; the report and the time-lapse with progress and Cancel.

use crate::app::{harness, send, settle};
use crate::compare::click_at;
use crate::support::*;
use egui::accesskit::Role;
use egui::{Key, Modifiers, Pos2, vec2};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use skinlapse::app::document::{DocumentCommand, Made};
use skinlapse::app::measure::{Subject, Tab};
use skinlapse::app::{BrowseCommand, CompareCommand, CompareMode, Modal, RecordCommand};
use skinlapse::imaging::colour;
use skinlapse::jobs::report::ReportRequest;
use skinlapse::jobs::report::layout::Paper;
use skinlapse::jobs::timelapse::TimelapseRequest;
use skinlapse::model::measure::{Shape, Surround};
use skinlapse::model::{AlignMethod, PhotoId, SeriesId, Side, Similarity, View};
use skinlapse::ui::App;
use std::path::PathBuf;

/// The small demo with Me's frontal photos aligned to the first (as taken: identity), its
/// series and that timeline.
struct Demo {
    dir: tempfile::TempDir,
    root: PathBuf,
    series: SeriesId,
    frontal: Vec<PhotoId>,
}

fn aligned_demo() -> Demo {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("lib");
    let library = small_demo(&root);
    let mut cat = library.catalogue().unwrap();
    let me = cat.person_by_name("Me").unwrap().unwrap();
    let series = cat.series_of(me.id).unwrap()[0].id;
    let photos = cat.series_photos(series).unwrap();
    let first = photos
        .photos
        .iter()
        .find(|p| p.photo.view == Some(View::Frontal))
        .unwrap();
    let frontal = photos.timeline(first);
    for later in &frontal[1..] {
        cat.save_alignment(
            *later,
            frontal[0],
            Similarity::IDENTITY,
            AlignMethod::Auto,
            Some(1.0),
            None,
        )
        .unwrap();
    }
    Demo {
        dir,
        root,
        series,
        frontal,
    }
}

/// A drag with the primary button, as a mouse gives it.
fn drag(h: &mut Harness<'static, App>, from: Pos2, to: Pos2) {
    h.hover_at(from);
    h.run_steps(2);
    h.drag_at(from);
    h.run_steps(2);
    for step in 1..=4 {
        h.hover_at(from + (to - from) * (step as f32 / 4.0));
        h.run_steps(1);
    }
    h.drop_at(to);
    settle(h);
}

fn measure_state<'a>(h: &'a Harness<'static, App>) -> &'a skinlapse::app::measure::MeasureFeature {
    &h.state().state.measure
}

/// Mean CIELAB of the original's pixels whose centres lie in the normalised rectangle.
fn mean_lab(root: &std::path::Path, photo: PhotoId, shape: &Shape) -> [f64; 3] {
    let library = skinlapse::testing::library_at(root);
    let p = library
        .catalogue()
        .unwrap()
        .compared_photo(photo)
        .unwrap()
        .photo;
    let bytes = std::fs::read(library.original_path(&p.hash, p.format)).unwrap();
    let image = skinlapse::imaging::decode(&bytes, p.format).unwrap();
    let (mut sum, mut n) = ([0.0; 3], 0.0);
    for (x, y, px) in image.enumerate_pixels() {
        let q = skinlapse::model::transform::to_normalised(
            [f64::from(x) + 0.5, f64::from(y) + 0.5],
            p.width,
            p.height,
        );
        if shape.contains(q) {
            let lab = colour::lab(px.0);
            for c in 0..3 {
                sum[c] += lab[c];
            }
            n += 1.0;
        }
    }
    sum.map(|s| s / n)
}

#[test]
fn a_region_drawn_in_the_viewer_is_measured_saved_measured_across_the_series_and_undone() {
    let demo = aligned_demo();
    let mut h = harness(&demo.root);
    send(&mut h, BrowseCommand::OpenPhoto(demo.frontal[0]));
    h.get_by_label("Measure").click();
    settle(&mut h);
    assert_eq!(measure_state(&h).tab, Some(Tab::Measure));
    let before = h.get_by_label("Photo to measure").rect();
    h.get_by_label("Ring around it").click();
    settle(&mut h);
    let photo = h.get_by_label("Photo to measure").rect();
    assert_eq!(photo, before, "the ring's slider does not widen the panel");
    drag(
        &mut h,
        photo.center() - vec2(30.0, 20.0),
        photo.center() + vec2(30.0, 20.0),
    );
    let m = measure_state(&h);
    let Some(Subject::Draft { on, region }) = &m.subject else {
        panic!("a drawn region: {:?}", m.subject);
    };
    assert_eq!(*on, demo.frontal[0]);
    assert!(matches!(region.shape, Shape::Rect { .. }), "{region:?}");
    assert_eq!(region.surround, Some(Surround::Ring { scale: 2.0 }));
    // Read off the UI thread, from the original: the pixels' own mean.
    assert_eq!(m.readings.list.len(), 1);
    let reading = m.readings.list[0].result.as_ref().expect("measured");
    let want = mean_lab(&demo.root, demo.frontal[0], &region.shape);
    for c in 0..3 {
        let got = reading.measurement.region.lab[c];
        assert!((got - want[c]).abs() < 0.3, "{c}: {got} vs {want:?}");
    }
    assert!(reading.measurement.contrast.is_some(), "the ring");
    assert!(!reading.measurement.corrected);
    for shown in [
        "ITA° category",
        "Erythema index",
        "Melanin index",
        "ΔE2000 vs surround",
    ] {
        assert!(h.query_by_label(shown).is_some(), "{shown}");
    }
    assert!(
        h.query_by_label_contains("No reference card in this photo")
            .is_some()
    );
    // Name it and save it: the region and its measurement are stored.
    let name = h.get_by_role_and_label(Role::TextInput, "Name");
    name.focus();
    name.type_text("cheek spot");
    h.run_steps(2);
    h.get_by_label("Save region").click();
    settle(&mut h);
    let library = skinlapse::testing::library_at(&demo.root);
    let mut cat = library.catalogue().unwrap();
    let regions = cat.regions_of_series(demo.series).unwrap();
    assert_eq!(
        regions.len(),
        1,
        "{:?} {:?}",
        h.state().state.notices,
        measure_state(&h).subject
    );
    assert_eq!(regions[0].name, "cheek spot");
    let id = regions[0].id;
    assert_eq!(measure_state(&h).subject, Some(Subject::Saved(id)));
    assert_eq!(cat.measurements_of_series(demo.series).unwrap().len(), 1);
    assert!(h.query_by_label_contains("Saved regions (1)").is_some());
    // Across the series: every aligned frontal photo, stored as one step.
    h.get_by_label("Measure across the series").click();
    settle(&mut h);
    let rows = cat.measurements_of_series(demo.series).unwrap();
    assert_eq!(rows.len(), demo.frontal.len(), "{rows:?}");
    assert!(rows.iter().all(|r| r.region == id));
    let done = format!(
        "Measured and stored in {0} of {0} photos.",
        demo.frontal.len()
    );
    assert!(h.query_by_label(&done).is_some(), "{done}");
    h.get_by_label("Close").click();
    settle(&mut h);
    assert!(measure_state(&h).series_job.is_none());
    // Undo: the series' measurements, then the region itself.
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    settle(&mut h);
    assert_eq!(cat.measurements_of_series(demo.series).unwrap().len(), 1);
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    settle(&mut h);
    assert!(cat.regions_of_series(demo.series).unwrap().is_empty());
    assert_eq!(
        measure_state(&h).subject,
        None,
        "the deleted region is not shown"
    );
}

#[test]
fn a_region_drawn_in_the_comparison_is_read_in_a_and_b_through_the_alignment() {
    let demo = aligned_demo();
    let mut h = harness(&demo.root);
    let last = *demo.frontal.last().unwrap();
    send(&mut h, CompareCommand::Photos(demo.frontal[0], last));
    h.key_press(Key::R);
    settle(&mut h);
    assert_eq!(h.state().state.compare.settings.mode, CompareMode::Measure);
    h.get_by_label("Ellipse").click();
    settle(&mut h);
    let on_b = h.get_by_label("B to measure").rect();
    // Drawn on B's side: the region is in A's frame, read in both.
    drag(
        &mut h,
        on_b.center() - vec2(25.0, 15.0),
        on_b.center() + vec2(25.0, 15.0),
    );
    let m = measure_state(&h);
    let Some(Subject::Draft { on, region }) = &m.subject else {
        panic!("drawn: {:?}", m.subject);
    };
    assert_eq!(*on, demo.frontal[0], "drawn in A's frame");
    assert!(matches!(region.shape, Shape::Ellipse { .. }));
    let photos: Vec<PhotoId> = m.readings.list.iter().map(|r| r.photo).collect();
    assert_eq!(photos, [demo.frontal[0], last]);
    assert!(m.readings.list.iter().all(|r| r.result.is_ok()));
    assert!(h.query_by_label("B − A").is_some());
    // B aligned as taken (identity): its reading is its own pixels under the same outline.
    let b = m.readings.list[1].result.as_ref().unwrap();
    let want = mean_lab(&demo.root, last, &region.shape);
    assert!((b.measurement.region.lab[0] - want[0]).abs() < 0.3);
    let name = h.get_by_role_and_label(Role::TextInput, "Name");
    name.focus();
    name.type_text("forehead");
    h.run_steps(2);
    // The measuring panel scrolls when the window is low: bring the button into view.
    h.get_by_label("Save region").scroll_to_me();
    settle(&mut h);
    h.get_by_label("Save region").click();
    settle(&mut h);
    let library = skinlapse::testing::library_at(&demo.root);
    let rows = library
        .catalogue()
        .unwrap()
        .measurements_of_series(demo.series)
        .unwrap();
    assert_eq!(rows.len(), 2, "A and B stored with the region");
    // A photo of another view is not aligned with A: said, not measured in the wrong place.
    let other = library
        .catalogue()
        .unwrap()
        .series_photos(demo.series)
        .unwrap()
        .photos
        .iter()
        .find(|p| p.photo.view != Some(View::Frontal))
        .unwrap()
        .photo
        .id;
    send(&mut h, CompareCommand::Set(Side::B, other));
    let m = measure_state(&h);
    let err = m.readings.list[1].result.as_ref().unwrap_err().to_string();
    assert!(err.contains("is not aligned to photo"), "{err}");
    assert!(
        h.query_by_label_contains("is not aligned to photo")
            .is_some()
    );
}

#[test]
fn a_reference_card_is_marked_fitted_stored_shown_corrected_and_removed() {
    let lib = TestLib::new();
    let cast = [[1.2, 0.05, 0.0], [0.03, 0.95, 0.02], [0.0, 0.04, 0.65]];
    let (jpeg, corners_px) = crate::measure::card_photo(&cast);
    let path = write(&lib.inbox(), "with-card.jpg", &jpeg);
    let (summary, _) = lib.import_plain(&[path]);
    assert_eq!(summary.imported, 1);
    let photo = lib.library.catalogue().unwrap().list_photos(None).unwrap()[0]
        .photo
        .clone();
    let mut h = harness(&lib.root());
    send(&mut h, BrowseCommand::OpenPhoto(photo.id));
    h.get_by_label("Reference card").click();
    settle(&mut h);
    assert_eq!(measure_state(&h).tab, Some(Tab::Card));
    // Where a pixel of the photo is on screen now (the panel's width moves the photo).
    let to_screen = |h: &Harness<'static, App>, px: [f64; 2]| {
        let shown = h.get_by_label("Photo to measure").rect();
        shown.min
            + vec2(
                (px[0] / f64::from(photo.width)) as f32 * shown.width(),
                (px[1] / f64::from(photo.height)) as f32 * shown.height(),
            )
    };
    for corner in corners_px {
        let at = to_screen(&h, corner);
        click_at(&mut h, at, egui::PointerButton::Primary);
    }
    settle(&mut h);
    let (fit, _) = measure_state(&h)
        .card
        .fitted()
        .expect("fitted from the four corners");
    assert_eq!(fit.patches.len(), 24);
    // Clicked to a screen pixel's precision and through JPEG: still close.
    assert!(fit.mean_residual() < 2.0, "{}", fit.mean_residual());
    assert!(
        h.query_by_label("light skin").is_some(),
        "each patch listed"
    );
    h.get_by_label("Save correction").click();
    settle(&mut h);
    let mut cat = lib.library.catalogue().unwrap();
    assert!(cat.card_correction(photo.id).unwrap().is_some());
    assert!(h.query_by_label_contains("Stored: ColorChecker").is_some());
    h.get_by_label("Show the photo corrected").click();
    settle(&mut h);
    assert!(measure_state(&h).card.corrected_texture(photo.id).is_some());
    // Measured now: through the correction, and said so.
    h.get_by_label("Measure").click();
    settle(&mut h);
    let shown = h.get_by_label("Photo to measure").rect();
    drag(
        &mut h,
        shown.center() + vec2(60.0, 40.0),
        shown.center() + vec2(90.0, 60.0),
    );
    let reading = measure_state(&h).readings.list[0].result.as_ref().unwrap();
    assert!(reading.measurement.corrected);
    assert!(
        h.query_by_label_contains("Colours corrected with a reference card")
            .is_some()
    );
    // Removed, and the removal undone.
    h.get_by_label("Reference card").click();
    settle(&mut h);
    h.get_by_label("Remove correction").click();
    settle(&mut h);
    assert!(cat.card_correction(photo.id).unwrap().is_none());
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    settle(&mut h);
    assert!(cat.card_correction(photo.id).unwrap().is_some());
    // Corners on bare skin are refused with the reason.
    for corner in [
        [600.0, 380.0],
        [860.0, 380.0],
        [860.0, 560.0],
        [600.0, 560.0],
    ] {
        let at = to_screen(&h, corner);
        click_at(&mut h, at, egui::PointerButton::Primary);
    }
    settle(&mut h);
    assert_eq!(measure_state(&h).card.corners.len(), 4);
    assert!(measure_state(&h).card.fitted().is_none());
    assert!(
        h.query_by_label_contains("do not match the chart")
            .is_some()
    );
    // The stored correction is untouched by the failed fit.
    assert!(cat.card_correction(photo.id).unwrap().is_some());
}

/// The series page of a measured series.
fn measured_series_page() -> (Demo, Harness<'static, App>) {
    let demo = aligned_demo();
    let library = skinlapse::testing::library_at(&demo.root);
    let region = skinlapse::model::measure::Region {
        shape: Shape::Rect {
            x: -0.1,
            y: -0.1,
            w: 0.2,
            h: 0.15,
        },
        surround: Some(Surround::Ring { scale: 2.0 }),
    };
    let id = library
        .catalogue()
        .unwrap()
        .add_region(demo.frontal[0], "cheek spot", &region)
        .unwrap();
    let outcomes = skinlapse::jobs::measure::measure_series(
        &library,
        id,
        skinlapse::model::measure::SpotThreshold::default(),
        &std::sync::atomic::AtomicBool::new(false),
        &mut |_, _| {},
    )
    .unwrap();
    library
        .catalogue()
        .unwrap()
        .change_measurements(id, &skinlapse::jobs::measure::measured(&outcomes))
        .unwrap();
    let mut h = harness(&demo.root);
    send(&mut h, RecordCommand::Open(demo.series));
    (demo, h)
}

#[test]
fn the_series_page_charts_measurements_and_makes_a_report_with_progress_and_cancel() {
    let (demo, mut h) = measured_series_page();
    crate::app::in_personal_mode(&mut h);
    assert!(h.query_by_label("Measurements over time").is_some());
    assert!(h.query_by_label_contains("Region \"cheek spot\"").is_some());
    let charts = h.state().state.measure.charts.as_ref().unwrap();
    assert_eq!(charts.rows.len(), demo.frontal.len());
    // The legend names every line of the region's chart.
    for line in [
        "ITA°",
        "Erythema index",
        "Melanin index",
        "ΔE2000 vs surround",
    ] {
        assert!(h.query_by_label(line).is_some(), "legend: {line}");
    }
    h.get_by_label("Report…").click();
    settle(&mut h);
    assert_eq!(
        h.state().state.nav.modal(),
        Some(&Modal::Report(demo.series))
    );
    h.get_by_label("Letter").click();
    h.get_by_label_contains("De-identify").click();
    settle(&mut h);
    // "Save as…" asks the native dialog for a file, which a test cannot answer: the form's
    // choices are not read back here; the command it sends with them and an answer is:
    let out = demo.dir.path().join("report.pdf");
    send(
        &mut h,
        DocumentCommand::Report(ReportRequest {
            series: demo.series,
            purpose: None,
            deidentify: true,
            paper: Paper::Letter,
            out: out.clone(),
        }),
    );
    let job = h.state().state.documents.job.as_ref().unwrap();
    let Some(Ok(Made::Report(summary))) = &job.outcome else {
        panic!("{:?}", job.outcome);
    };
    assert!(summary.pages >= 2 && summary.verified > 0, "{summary:?}");
    assert!(std::fs::read(&out).unwrap().starts_with(b"%PDF"));
    assert_eq!(h.state().state.nav.modal(), None, "the form closed");
    assert!(h.query_by_label_contains("Saved:").is_some());
    h.get_by_label("Close").click();
    settle(&mut h);
    assert!(h.state().state.documents.job.is_none());
    // Cancelled: nothing is left behind.
    let cancelled = demo.dir.path().join("cancelled.pdf");
    h.state_mut().send(DocumentCommand::Report(ReportRequest {
        series: demo.series,
        purpose: None,
        deidentify: false,
        paper: Paper::A4,
        out: cancelled.clone(),
    }));
    h.state_mut().send(DocumentCommand::Cancel);
    settle(&mut h);
    let job = h.state().state.documents.job.as_ref().unwrap();
    let err = job.outcome.as_ref().unwrap().as_ref().unwrap_err();
    assert_eq!(err.to_string(), "report cancelled");
    assert!(!cancelled.exists());
    assert!(h.query_by_label("report cancelled").is_some());
}

#[test]
fn a_time_lapse_is_made_from_the_comparison_with_its_settings() {
    let demo = aligned_demo();
    let mut h = harness(&demo.root);
    crate::app::in_personal_mode(&mut h);
    let last = *demo.frontal.last().unwrap();
    send(&mut h, CompareCommand::Photos(demo.frontal[0], last));
    h.get_by_label("Time-lapse…").click();
    settle(&mut h);
    assert_eq!(
        h.state().state.nav.modal(),
        Some(&Modal::Timelapse(demo.series, Some(View::Frontal)))
    );
    assert!(h.query_by_label("MP4 (H.264)").is_some());
    h.get_by_label("GIF").click();
    settle(&mut h);
    // Escape closes the form first; the comparison stays.
    h.key_press(Key::Escape);
    settle(&mut h);
    assert_eq!(h.state().state.nav.modal(), None);
    assert!(h.state().state.nav.comparison().is_some());
    let out = demo.dir.path().join("frontal.gif");
    send(
        &mut h,
        DocumentCommand::Timelapse(TimelapseRequest {
            view: Some(View::Frontal),
            size: 240,
            fade: 0.2,
            ..TimelapseRequest::new(demo.series, out.clone())
        }),
    );
    let job = h.state().state.documents.job.as_ref().unwrap();
    let Some(Ok(Made::Timelapse(summary))) = &job.outcome else {
        panic!("{:?}", job.outcome);
    };
    assert_eq!(summary.photos, demo.frontal.len());
    assert!(std::fs::read(&out).unwrap().starts_with(b"GIF89a"));
    assert!(h.query_by_label_contains("Saved:").is_some());
}

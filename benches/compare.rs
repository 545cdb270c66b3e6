//! Comparing two 24-megapixel photos: the real `App`, driven headless through
//! `egui_kittest`. Prints the time to open a comparison with sharp previews, the UI thread's
//! time per frame while dragging the slider's divider and while panning, the cost of a mode
//! switch, and how long the originals take to arrive at 1:1 (in the background).
//! Run: `cargo bench --bench compare` (see BENCHMARKS.md).
//!
//! The library is generated once into `target/bench-compare` (or `$SKINLAPSE_BENCH_COMPARE`).

mod common;

use common::stats;
use egui::accesskit::Role;
use egui::{Key, Pos2, vec2};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use skinlapse::app::images::Rendition;
use skinlapse::app::{AppOptions, CompareCommand, CompareMode};
use skinlapse::catalogue::AssignmentSpec;
use skinlapse::imaging::synth::{SkinScene, jpeg_with_exif, render_skin};
use skinlapse::jobs::{ImportRequest, run_import};
use skinlapse::library::Library;
use skinlapse::model::PhotoId;
use skinlapse::ui::App;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

const WIDTH: u32 = 6000;
const HEIGHT: u32 = 4000;

fn generate(root: &Path) {
    let library = Library::open(root).expect("opening the bench library");
    let scratch = tempfile::tempdir().unwrap();
    let paths: Vec<PathBuf> = (0..2u64)
        .map(|i| {
            let scene = SkinScene {
                pigment: 0.9 - 0.5 * i as f32,
                redness: 0.1 + 0.2 * i as f32,
                ..SkinScene::new(WIDTH, HEIGHT, 42)
            };
            let path = scratch.path().join(format!("24mp-{i}.jpg"));
            std::fs::write(&path, jpeg_with_exif(&render_skin(&scene), 90, None)).unwrap();
            path
        })
        .collect();
    let assignment = library
        .catalogue()
        .unwrap()
        .resolve_assignment(&AssignmentSpec {
            person: Some("Bench".into()),
            ..AssignmentSpec::default()
        })
        .unwrap();
    let summary = run_import(
        &library,
        &ImportRequest {
            paths,
            assignment,
            workers: 0,
            ..ImportRequest::default()
        },
        &AtomicBool::new(false),
        |_| {},
    );
    assert_eq!(summary.imported, 2, "{summary:?}");
}

/// Frame times while the primary button drags from `from` by `step` per frame.
fn drag(
    h: &mut Harness<'static, App>,
    from: Pos2,
    step: egui::Vec2,
    frames: usize,
) -> Vec<Duration> {
    h.hover_at(from);
    h.step();
    h.drag_at(from);
    h.step();
    let mut samples = Vec::with_capacity(frames);
    for i in 0..frames {
        // Back and forth, so the drag stays on screen.
        let k = if (i / 40) % 2 == 0 {
            i % 40
        } else {
            40 - i % 40
        } as f32;
        h.hover_at(from + step * k);
        let start = Instant::now();
        h.step();
        samples.push(start.elapsed());
    }
    h.drop_at(from);
    h.step();
    samples
}

fn main() {
    let root = std::env::var_os("SKINLAPSE_BENCH_COMPARE").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench-compare"),
        PathBuf::from,
    );
    if !root.join("catalog.sqlite").exists() {
        let start = Instant::now();
        generate(&root);
        println!(
            "generated two {WIDTH}×{HEIGHT} photos in {:.0} s",
            start.elapsed().as_secs_f64()
        );
    }
    let options = AppOptions {
        library: Some(root),
        prefs_path: None,
        ..AppOptions::default()
    };
    let mut h = Harness::builder()
        .with_size([1600.0, 1000.0])
        .build_eframe(move |cc| App::new(cc, options));
    // What a desktop GPU reports (the harness alone says 2048): originals load whole.
    h.input_mut().max_texture_side = Some(8192);
    while h.state().is_busy() {
        h.step();
    }
    let ids: Vec<PhotoId> = h
        .state()
        .state
        .browse
        .grid
        .items
        .iter()
        .map(|g| g.id)
        .collect();
    assert_eq!(ids.len(), 2);

    // Open: from the command to both previews on screen.
    let start = Instant::now();
    h.state_mut().send(CompareCommand::Photos(ids[1], ids[0]));
    loop {
        h.step();
        let images = &h.state().images;
        if ids
            .iter()
            .all(|id| images.contains(&(*id, Rendition::Preview)))
        {
            h.step();
            break;
        }
        std::thread::sleep(Duration::from_micros(200));
    }
    println!(
        "open a comparison of two {WIDTH}×{HEIGHT} photos with sharp previews: {:.1} ms",
        start.elapsed().as_secs_f64() * 1000.0
    );

    // Mode switches: the frame that handles the key.
    let mut switches = Vec::new();
    for _ in 0..10 {
        for key in [Key::W, Key::O, Key::F, Key::S] {
            h.key_press(key);
            let start = Instant::now();
            h.step();
            h.step();
            switches.push(start.elapsed() / 2);
        }
    }
    stats(
        "switch mode (slider, overlay, flicker, side by side)",
        switches,
    );

    // Drag the divider.
    h.key_press(Key::W);
    h.run_steps(3);
    let divider = h
        .get_by_role_and_label(Role::Slider, "Divider")
        .rect()
        .center();
    let before = h.state().state.compare.settings.split.at;
    stats(
        "drag the slider's divider",
        drag(&mut h, divider, vec2(-6.0, 0.0), 300),
    );
    assert!(
        (h.state().state.compare.settings.split.at - before).abs() > 0.01,
        "the divider moved"
    );

    // Pan side by side, zoomed in (previews, then originals once loaded).
    h.key_press(Key::S);
    h.run_steps(3);
    h.key_press(Key::Plus);
    h.key_press(Key::Plus);
    h.run_steps(3);
    let centre = Pos2::new(500.0, 500.0);
    stats(
        "pan side by side (zoomed in)",
        drag(&mut h, centre, vec2(4.0, 3.0), 300),
    );

    // 1:1: the originals decode in the background while the previews stay on screen.
    h.key_press(Key::Num1);
    let start = Instant::now();
    let mut frames = Vec::new();
    loop {
        let t = Instant::now();
        h.step();
        frames.push(t.elapsed());
        let images = &h.state().images;
        if ids
            .iter()
            .all(|id| images.contains(&(*id, Rendition::Full)))
        {
            break;
        }
        assert!(
            start.elapsed() < Duration::from_mins(2),
            "originals never loaded"
        );
        std::thread::sleep(Duration::from_millis(1));
    }
    println!(
        "1:1: both originals decoded and on screen after {:.0} ms (in the background)",
        start.elapsed().as_secs_f64() * 1000.0
    );
    stats("frames while the originals load", frames);
    stats(
        "pan side by side at 1:1 (originals)",
        drag(&mut h, centre, vec2(-4.0, -3.0), 300),
    );
    h.key_press(Key::W);
    h.run_steps(3);
    let divider = h
        .get_by_role_and_label(Role::Slider, "Divider")
        .rect()
        .center();
    stats(
        "drag the divider at 1:1",
        drag(&mut h, divider, vec2(6.0, 0.0), 300),
    );
    assert_eq!(h.state().state.compare.settings.mode, CompareMode::Slider);
    println!(
        "textures cached: {} ({:.0} MiB)",
        h.state().images.len(),
        h.state().images.used_bytes() as f64 / 1024.0 / 1024.0
    );
}

//! Browsing at scale: the real `App`, driven headless through `egui_kittest`, on a generated
//! library of 100 000 photos of 1 000 people. Prints start-up, open-person and per-frame
//! scrolling times and peak memory. Run: `cargo bench --bench ui` (see BENCHMARKS.md).
//!
//! The library is generated once into `target/bench-scale` (or `$SKINLAPSE_BENCH_LIBRARY`).

mod common;

use common::stats;
use egui_kittest::Harness;
use skinlapse::app::{AppOptions, BrowseCommand};
use skinlapse::jobs::scale::{ScaleOptions, generate_scale_library, person_name};
use skinlapse::ui::App;
use std::path::PathBuf;
use std::time::{Duration, Instant};

fn wait_until_idle(h: &mut Harness<'static, App>) -> Duration {
    let start = Instant::now();
    while h.state().state.is_busy() {
        h.step();
        std::thread::sleep(Duration::from_micros(200));
        assert!(start.elapsed() < Duration::from_mins(2), "never settled");
    }
    start.elapsed()
}

fn peak_rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

fn scroll(h: &mut Harness<'static, App>, frames: usize) -> Vec<Duration> {
    h.event(egui::Event::PointerMoved(egui::pos2(700.0, 500.0)));
    h.step();
    let mut samples = Vec::with_capacity(frames);
    for _ in 0..frames {
        h.event(egui::Event::MouseWheel {
            unit: egui::MouseWheelUnit::Point,
            delta: egui::vec2(0.0, -240.0),
            phase: egui::TouchPhase::Move,
            source: egui::MouseWheelSource::Wheel,
            modifiers: egui::Modifiers::NONE,
        });
        let start = Instant::now();
        h.step();
        samples.push(start.elapsed());
    }
    samples
}

fn main() {
    let root = std::env::var_os("SKINLAPSE_BENCH_LIBRARY").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench-scale"),
        PathBuf::from,
    );
    if !root.join("catalog.sqlite").exists() {
        let start = Instant::now();
        generate_scale_library(&root, &ScaleOptions::default(), &mut |done, total| {
            if done % 20_000 == 0 {
                eprintln!("generating: {done}/{total}");
            }
        })
        .expect("generating the scale library");
        println!(
            "generated {} in {:.0} s",
            root.display(),
            start.elapsed().as_secs_f64()
        );
    }
    let options = AppOptions {
        library: Some(root.clone()),
        prefs_path: None,
        ..AppOptions::default()
    };

    let start = Instant::now();
    let mut h = Harness::builder()
        .with_size([1600.0, 1000.0])
        .build_eframe(move |cc| App::new(cc, options));
    let first_frame = start.elapsed();
    println!(
        "start to first drawn frame: {:.1} ms",
        first_frame.as_secs_f64() * 1000.0
    );
    let grid = wait_until_idle(&mut h);
    println!(
        "all photos ({}) in the grid after a further {:.0} ms (query {:.0} ms, off the UI thread)",
        h.state().state.browse.grid.items.len(),
        grid.as_secs_f64() * 1000.0,
        h.state().state.browse.grid.last_query.as_secs_f64() * 1000.0
    );
    stats("scroll all photos", scroll(&mut h, 300));

    let person = h
        .state()
        .state
        .overview
        .people
        .iter()
        .find(|p| p.name == person_name(0))
        .expect("largest person")
        .id;
    let start = Instant::now();
    h.state_mut()
        .send(BrowseCommand::SelectPerson(Some(person)));
    // The command runs at the start of the next frame; then the query thread answers.
    h.step();
    while h.state().state.browse.grid.is_loading()
        || h.state().state.browse.filter.person != Some(person)
    {
        h.step();
    }
    h.step();
    let open = start.elapsed();
    println!(
        "open a person with {} photos: {:.1} ms to their grid drawn (query {:.1} ms)",
        h.state().state.browse.grid.items.len(),
        open.as_secs_f64() * 1000.0,
        h.state().state.browse.grid.last_query.as_secs_f64() * 1000.0
    );
    wait_until_idle(&mut h);
    stats("scroll one person", scroll(&mut h, 120));
    println!(
        "textures cached: {} ({:.1} MiB); peak resident memory: {:.0} MiB",
        h.state().images.len(),
        h.state().images.used_bytes() as f64 / 1024.0 / 1024.0,
        peak_rss_mib()
    );
}

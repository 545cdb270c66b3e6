//! `skinlapse bench align`: accuracy and speed of automatic alignment on a ground truth of
//! generated skin re-photographed with known similarity transforms.

// Image maths: x, y, w, h, a, b, p read as in the formulas they implement.
#![allow(clippy::many_single_char_names)]

use crate::imaging::align::{auto_align, transform_error};
use crate::imaging::synth::{SkinScene, expose, photograph, random_unit, render_skin, scene_for};
use crate::model::Similarity;
use std::process::ExitCode;
use std::time::{Duration, Instant};

#[derive(Debug, clap::Args)]
pub struct BenchAlignArgs {
    /// Pairs to align (a new skin patch every 5).
    #[arg(long, default_value_t = 100)]
    pub pairs: usize,
    /// Long edge of the photos in pixels (previews are 2048).
    #[arg(long, default_value_t = 2048)]
    pub edge: u32,
    /// Largest rotation in degrees (either way).
    #[arg(long, default_value_t = 15.0)]
    pub rotation: f64,
    /// Render B's skin changed as after treatment (spots lighter, scars shallower, redness),
    /// not just re-photographed.
    #[arg(long)]
    pub skin_change: bool,
    /// Make B a photo of different skin: every result must be declined.
    #[arg(long)]
    pub unrelated: bool,
}

/// A reproducible uniform number in `lo..hi`.
fn uniform(seed: u64, k: u64, lo: f64, hi: f64) -> f64 {
    lo + (hi - lo) * random_unit(seed, k)
}

pub fn run(args: &BenchAlignArgs) -> ExitCode {
    let (w, h) = (args.edge, args.edge * 3 / 4);
    let (mut recovered, mut wrong, mut declined, mut off_but_declined) = (0, 0, 0, 0);
    let mut times = Vec::new();
    let mut errors = Vec::new();
    let mut scenes = None;
    for i in 0..args.pairs {
        let seed = (i / 5) as u64 + 1;
        if i % 5 == 0 {
            let before = SkinScene {
                noise: 0.05,
                pigment: 0.8,
                scars: 0.8,
                ..SkinScene::new(w, h, seed)
            };
            let after = if args.unrelated {
                SkinScene::new(w, h, seed + 10_000)
            } else if args.skin_change {
                SkinScene {
                    pigment: 0.35,
                    scars: 0.4,
                    redness: 0.3,
                    ..before.clone()
                }
            } else {
                before.clone()
            };
            scenes = Some((
                render_skin(&scene_for(w, h, &before)),
                render_skin(&scene_for(w, h, &after)),
            ));
        }
        let (scene, scene_b) = scenes.as_ref().expect("rendered above");
        let k = i as u64 * 8;
        let truth = Similarity {
            scale: uniform(seed, k, 0.8f64.ln(), 1.25f64.ln()).exp(),
            angle: uniform(seed, k + 1, -args.rotation, args.rotation).to_radians(),
            tx: uniform(seed, k + 2, -0.1, 0.1),
            ty: uniform(seed, k + 3, -0.1, 0.1) * 0.75,
        };
        let exposure = uniform(seed, k + 4, 0.8, 1.2) as f32;
        let a = photograph(scene, w, h, &Similarity::IDENTITY);
        let mut b = photograph(scene_b, w, h, &truth);
        expose(&mut b, exposure, 3, seed ^ k);
        let start = Instant::now();
        let found = auto_align(&a, &b);
        times.push(start.elapsed());
        let error = transform_error(&found.transform, &truth, w, h, 2048.0);
        let angle_error = (found.transform.angle - truth.angle).abs().to_degrees();
        let good = error <= 1.0 && angle_error <= 0.5;
        match (found.accepted(), good) {
            (true, true) => recovered += 1,
            (true, false) if error > 3.0 => wrong += 1,
            (true, false) => {}
            (false, _) => {
                declined += 1;
                if !good {
                    off_but_declined += 1;
                }
            }
        }
        if found.accepted() {
            errors.push(error);
        }
        eprintln!(
            "pair {i:3}: rot {:+6.2}° scale {:.3} shift ({:+.3}, {:+.3}) exposure {exposure:.2} → {} error {error:.2} px, {angle_error:.3}°, correlation {:.3}, detail {:.3}, {:.0} ms",
            truth.angle.to_degrees(),
            truth.scale,
            truth.tx,
            truth.ty,
            if found.accepted() {
                "accepted"
            } else {
                "declined"
            },
            found.correlation,
            found.detail_correlation,
            times[i].as_secs_f64() * 1000.0
        );
    }
    times.sort();
    errors.sort_by(f64::total_cmp);
    let n = args.pairs.max(1);
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "{} pairs of {w}×{h}: rotation ±{}°, scale 0.8–1.25, shift ±10 %, exposure ±20 %, noise{}",
        args.pairs,
        args.rotation,
        if args.unrelated {
            ", B of different skin"
        } else if args.skin_change {
            ", skin changed between A and B"
        } else {
            ""
        }
    );
    println!(
        "recovered within 1 px (at 2048 px) and 0.5°: {recovered} ({:.1} %)",
        100.0 * recovered as f64 / n as f64
    );
    println!("accepted but more than 3 px off: {wrong}");
    println!("declined: {declined} (of which actually off: {off_but_declined})");
    if !errors.is_empty() {
        println!(
            "error of accepted results at 2048 px: median {:.3} px, p95 {:.3} px, max {:.3} px",
            errors[errors.len() / 2],
            errors[errors.len() * 95 / 100],
            errors[errors.len() - 1]
        );
    }
    if !times.is_empty() {
        println!(
            "time per pair (one core): median {:.0} ms, p95 {:.0} ms, max {:.0} ms",
            ms(times[times.len() / 2]),
            ms(times[times.len() * 95 / 100]),
            ms(times[times.len() - 1])
        );
    }
    ExitCode::SUCCESS
}

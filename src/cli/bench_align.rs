//! `skinlapse bench align`: accuracy and speed of automatic alignment on a ground truth of
//! generated skin re-photographed with known similarity transforms.

use super::Failure;
use crate::imaging::align::{auto_align, transform_error};
use crate::imaging::synth::{SkinScene, expose, photograph, render_skin, scene_for};
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
}

/// A deterministic uniform number in `lo..hi` from a counter.
fn uniform(seed: u64, k: u64, lo: f64, hi: f64) -> f64 {
    let mut z = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ k.wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z ^= z >> 31;
    z = z.wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 29;
    lo + (hi - lo) * ((z >> 11) as f64 / (1u64 << 53) as f64)
}

pub fn run(args: &BenchAlignArgs) -> Result<ExitCode, Failure> {
    let (w, h) = (args.edge, args.edge * 3 / 4);
    let (mut recovered, mut wrong, mut declined, mut off_but_declined) = (0, 0, 0, 0);
    let mut times = Vec::new();
    let mut errors = Vec::new();
    let mut scene = None;
    for i in 0..args.pairs {
        let seed = (i / 5) as u64 + 1;
        if i % 5 == 0 {
            let template = SkinScene {
                noise: 0.05,
                ..SkinScene::new(w, h, seed)
            };
            scene = Some(render_skin(&scene_for(w, h, &template)));
        }
        let scene = scene.as_ref().expect("rendered above");
        let k = i as u64 * 8;
        let truth = Similarity {
            scale: uniform(seed, k, 0.8f64.ln(), 1.25f64.ln()).exp(),
            angle: uniform(seed, k + 1, -args.rotation, args.rotation).to_radians(),
            tx: uniform(seed, k + 2, -0.1, 0.1),
            ty: uniform(seed, k + 3, -0.1, 0.1) * 0.75,
        };
        let exposure = uniform(seed, k + 4, 0.8, 1.2) as f32;
        let a = photograph(scene, w, h, &Similarity::IDENTITY);
        let mut b = photograph(scene, w, h, &truth);
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
            "pair {i:3}: rot {:+6.2}° scale {:.3} shift ({:+.3}, {:+.3}) exposure {exposure:.2} → {} error {error:.2} px, {angle_error:.3}°, correlation {:.3}, {:.0} ms",
            truth.angle.to_degrees(),
            truth.scale,
            truth.tx,
            truth.ty,
            if found.accepted() { "accepted" } else { "declined" },
            found.correlation,
            times[i].as_secs_f64() * 1000.0
        );
    }
    times.sort();
    errors.sort_by(f64::total_cmp);
    let n = args.pairs.max(1);
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "{} pairs of {w}×{h}: rotation ±{}°, scale 0.8–1.25, shift ±10 %, exposure ±20 %, noise",
        args.pairs, args.rotation
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
    Ok(ExitCode::SUCCESS)
}

//! `skinlapse bench faces`: face landmarks and face-aware alignment on ground truth made from
//! freely licensed portraits (`tests/data/faces`, see its README), against today's
//! whole-frame method in the same run.
//!
//! Same-person pairs: a portrait rendered twice with a known similarity between the two
//! photos plus a keystone (3–6 %), other light, another (textured) wall and changed skin.
//! The error is read where it matters, at the eye and mouth corners of a 2048-px preview,
//! and also against the best similarity those corners allow (a keystone cannot be undone by
//! a similarity). Different-person pairs must all be declined. The held-back real photos
//! (one person on different days) are aligned as they are.

// Image maths: x, y, w, h, a, b, p read as in the formulas they implement.
#![allow(clippy::many_single_char_names)]

use crate::imaging::align::{align, auto_align};
use crate::imaging::derive::resize_to_fit;
use crate::imaging::face::{face_descriptor, find_face};
use crate::imaging::portrait::{
    Portrait, PortraitLook, keystone, keystone_point, render_portrait, rendered_landmarks,
};
use crate::imaging::synth::{expose, random_unit};
use crate::model::face::{FaceLandmarks, idx};
use crate::model::transform::fit_similarity;
use crate::model::{AlignMethod, Similarity};
use image::RgbImage;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

#[derive(Debug, clap::Args)]
pub struct BenchFacesArgs {
    /// Same-person pairs to generate (spread over the portraits).
    #[arg(long, default_value_t = 40)]
    pub pairs: usize,
    /// Long edge of the photos in pixels (previews are 2048).
    #[arg(long, default_value_t = 2048)]
    pub edge: u32,
    /// The folder with the portraits (`astronaut.png`, `grace_hopper.jpg`, `heldback/`).
    #[arg(long, value_name = "DIR", default_value = "tests/data/faces")]
    pub data: PathBuf,
}

/// The points the error is read at: outer eye corners and mouth corners.
const CORNERS: [usize; 4] = [
    idx::RIGHT_EYE_OUTER,
    idx::LEFT_EYE_OUTER,
    idx::MOUTH_RIGHT,
    idx::MOUTH_LEFT,
];

fn uniform(seed: u64, k: u64, lo: f64, hi: f64) -> f64 {
    lo + (hi - lo) * random_unit(seed, k)
}

struct Sitter {
    name: String,
    person: &'static str,
    portrait: Portrait,
}

fn load(path: &Path) -> Result<RgbImage, String> {
    image::open(path)
        .map(|i| i.to_rgb8())
        .map_err(|e| format!("{}: {e}", path.display()))
}

fn sitter(path: &Path, person: &'static str) -> Result<Sitter, String> {
    let pixels = resize_to_fit(&load(path)?, 1024);
    let face = find_face(&pixels)
        .map_err(|e| e.to_string())?
        .ok_or_else(|| format!("{}: no face found", path.display()))?
        .landmarks;
    Ok(Sitter {
        name: path
            .file_name()
            .map_or(String::new(), |n| n.to_string_lossy().into_owned()),
        person,
        portrait: Portrait { pixels, face },
    })
}

/// Distances (px at 2048) at the corners between A's true points and B's mapped by `t`.
fn corner_errors(t: &Similarity, a: &FaceLandmarks, b: &FaceLandmarks) -> Vec<f64> {
    CORNERS
        .iter()
        .map(|&i| {
            let (pa, pb) = (a.xy(i), t.apply(b.xy(i)));
            (pa[0] - pb[0]).hypot(pa[1] - pb[1]) * 2048.0
        })
        .collect()
}

fn best_similarity(a: &FaceLandmarks, b: &FaceLandmarks) -> Similarity {
    let pairs: Vec<_> = CORNERS.iter().map(|&i| (a.xy(i), b.xy(i))).collect();
    fit_similarity(&pairs).map_or(Similarity::IDENTITY, |f| f.transform)
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    v.get(v.len() / 2).copied().unwrap_or(f64::NAN)
}

#[derive(Default)]
struct Tally {
    accepted: usize,
    errors: Vec<f64>,
    excess: Vec<f64>,
}

impl Tally {
    fn line(&mut self, name: &str, total: usize) -> String {
        let max = self.errors.iter().copied().fold(0.0, f64::max);
        let max_excess = self.excess.iter().copied().fold(0.0, f64::max);
        format!(
            "{name}: accepted {}/{total} ({:.0} %); at eye and mouth corners (2048 px) median {:.2} px, max {:.2} px; beyond the best similarity median {:.2} px, max {:.2} px",
            self.accepted,
            100.0 * self.accepted as f64 / total.max(1) as f64,
            median(&mut self.errors),
            max,
            median(&mut self.excess),
            max_excess
        )
    }
}

pub fn run(args: &BenchFacesArgs) -> ExitCode {
    match bench(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("skinlapse bench faces: {e}");
            ExitCode::from(1)
        }
    }
}

#[allow(clippy::too_many_lines)]
fn bench(args: &BenchFacesArgs) -> Result<(), String> {
    let (w, h) = (args.edge, args.edge * 3 / 4);
    let held = args.data.join("heldback");
    let sitters = [
        sitter(&args.data.join("astronaut.png"), "Collins")?,
        sitter(&args.data.join("grace_hopper.jpg"), "Hopper")?,
        sitter(&held.join("obama_1.jpg"), "Obama")?,
        sitter(&held.join("obama_2.jpg"), "Obama")?,
    ];
    let (mut face_tally, mut frame_tally) = (Tally::default(), Tally::default());
    let (mut landmark_times, mut pair_times) = (Vec::new(), Vec::new());
    let mut rendered: Vec<RgbImage> = Vec::new();
    for i in 0..args.pairs {
        let s = &sitters[i % sitters.len()];
        let seed = i as u64 + 1;
        let u = |k: u64, lo: f64, hi: f64| uniform(seed, k, lo, hi);
        let look_a = PortraitLook {
            background: [205, 205, 200],
            pigment: 0.8,
            seed,
            ..PortraitLook::default()
        };
        let truth = Similarity {
            scale: u(1, 0.85f64.ln(), 1.2f64.ln()).exp(),
            angle: u(2, -10.0, 10.0).to_radians(),
            tx: u(3, -0.06, 0.06),
            ty: u(4, -0.04, 0.04),
        };
        let look_b = PortraitLook {
            framing: truth,
            exposure: u(5, 0.8, 1.2) as f32,
            warmth: u(6, -0.05, 0.05) as f32,
            side_light: u(7, -0.15, 0.15) as f32,
            background: [
                u(8, 90.0, 230.0) as u8,
                u(9, 90.0, 230.0) as u8,
                u(10, 90.0, 230.0) as u8,
            ],
            wall_texture: 0.3,
            pigment: 0.3,
            redness: 0.15,
            ..look_a.clone()
        };
        let k = u(11, 0.03, 0.06)
            * if random_unit(seed, 12) < 0.5 {
                -1.0
            } else {
                1.0
            };
        let vertical = random_unit(seed, 13) < 0.5;
        let a = render_portrait(&s.portrait, &look_a, w, h);
        let mut b = keystone(&render_portrait(&s.portrait, &look_b, w, h), k, vertical);
        expose(&mut b, 1.0, 3, seed);
        let truth_a = rendered_landmarks(&s.portrait, &look_a, w, h);
        let truth_b = {
            let mut f = rendered_landmarks(&s.portrait, &look_b, w, h);
            for p in &mut f.points {
                let [x, y] = keystone_point([p[0], p[1]], k, vertical);
                *p = [x, y, p[2]];
            }
            f
        };
        let start = Instant::now();
        let (fa, fb) = (find_face(&a), find_face(&b));
        landmark_times.push(start.elapsed() / 2);
        let (fa, fb) = (
            fa.map_err(|e| e.to_string())?.map(|f| f.landmarks),
            fb.map_err(|e| e.to_string())?.map(|f| f.landmarks),
        );
        let start = Instant::now();
        let found = align(&a, &b, fa.as_ref(), fb.as_ref());
        pair_times.push(start.elapsed());
        let whole = auto_align(&a, &b);
        let best = corner_errors(&best_similarity(&truth_a, &truth_b), &truth_a, &truth_b);
        for (tally, result) in [(&mut face_tally, &found), (&mut frame_tally, &whole)] {
            if result.accepted() {
                tally.accepted += 1;
                let e = corner_errors(&result.transform, &truth_a, &truth_b);
                tally
                    .excess
                    .extend(e.iter().zip(&best).map(|(e, b)| (e - b).max(0.0)));
                tally.errors.extend(e);
            }
        }
        eprintln!(
            "pair {i:2} {:<18} keystone {k:+.3}{} → face: {} ({:?}, identity {:.2}, detail {:.2}, expected {:.1} px) corners {:?}; whole frame: {}",
            s.name,
            if vertical { " v" } else { " h" },
            if found.accepted() {
                "accepted"
            } else {
                "declined"
            },
            found.method,
            found.identity_distance.unwrap_or(f64::NAN),
            found.detail_correlation,
            found.expected_error_px.unwrap_or(f64::NAN),
            corner_errors(&found.transform, &truth_a, &truth_b)
                .iter()
                .map(|e| format!("{e:.1}"))
                .collect::<Vec<_>>(),
            match &whole.verdict {
                Ok(()) => "accepted".to_owned(),
                Err(reason) => format!("declined ({reason})"),
            }
        );
        // One person's photos, for the series timing below.
        if i % sitters.len() == 0 && rendered.len() < 12 {
            if rendered.is_empty() {
                rendered.push(a);
            }
            rendered.push(b);
        }
    }
    println!(
        "{} same-person pairs of {w}×{h}: similarity (scale 0.85–1.2, ±10°, shift ±6 %) + keystone 3–6 % + exposure ±20 % + warmth + side light + another textured wall + skin change",
        args.pairs
    );
    println!("{}", face_tally.line("face-aware", args.pairs));
    println!(
        "{}",
        frame_tally.line("whole frame (before this change)", args.pairs)
    );

    // Different people: every ordered pair of different sitters, plus the held-back Biden.
    let mut negatives = 0;
    let mut accepted_negatives = Vec::new();
    let biden = sitter(&held.join("biden_1.jpg"), "Biden");
    let mut people: Vec<&Sitter> = sitters.iter().collect();
    if let Ok(b) = &biden {
        people.push(b);
    }
    for (i, x) in people.iter().enumerate() {
        for y in &people[i + 1..] {
            if x.person == y.person {
                continue;
            }
            let look = PortraitLook {
                framing: Similarity {
                    scale: 1.05,
                    angle: 3f64.to_radians(),
                    tx: 0.02,
                    ty: -0.01,
                },
                ..PortraitLook::default()
            };
            let a = render_portrait(&x.portrait, &PortraitLook::default(), w, h);
            let b = render_portrait(&y.portrait, &look, w, h);
            let fa = find_face(&a).ok().flatten().map(|f| f.landmarks);
            let fb = find_face(&b).ok().flatten().map(|f| f.landmarks);
            let found = align(&a, &b, fa.as_ref(), fb.as_ref());
            negatives += 1;
            eprintln!(
                "different people {} / {}: {} (identity {:.2}, detail {:.2})",
                x.name,
                y.name,
                match &found.verdict {
                    Ok(()) => "ACCEPTED".to_owned(),
                    Err(reason) => format!("declined: {reason}"),
                },
                found.identity_distance.unwrap_or(f64::NAN),
                found.detail_correlation
            );
            if found.accepted() {
                accepted_negatives.push(format!("{} / {}", x.name, y.name));
            }
        }
    }
    println!(
        "different-person pairs accepted: {}/{negatives}{}",
        accepted_negatives.len(),
        if accepted_negatives.is_empty() {
            String::new()
        } else {
            format!(" ({})", accepted_negatives.join(", "))
        }
    );

    // Real photos of one person taken on different days (held back: never tuned on).
    let real: Vec<(String, RgbImage)> = ["obama_1.jpg", "obama_2.jpg", "obama_3.jpg"]
        .iter()
        .map(|n| Ok(((*n).to_owned(), resize_to_fit(&load(&held.join(n))?, 2048))))
        .collect::<Result<_, String>>()?;
    let mut real_ok = 0;
    let mut real_total = 0;
    for i in 0..real.len() {
        for j in i + 1..real.len() {
            let (a, b) = (&real[i].1, &real[j].1);
            let fa = find_face(a).ok().flatten().map(|f| f.landmarks);
            let fb = find_face(b).ok().flatten().map(|f| f.landmarks);
            let found = align(a, b, fa.as_ref(), fb.as_ref());
            let whole = auto_align(a, b);
            real_total += 1;
            let off = match (&fa, &fb) {
                (Some(fa), Some(fb)) => {
                    let best = corner_errors(&best_similarity(fa, fb), fa, fb);
                    let got = corner_errors(&found.transform, fa, fb);
                    let excess: Vec<String> = got
                        .iter()
                        .zip(&best)
                        .map(|(g, b)| format!("{:.1}", g - b))
                        .collect();
                    format!("beyond the best similarity at the corners: {excess:?} px")
                }
                _ => "no face found on one of them".to_owned(),
            };
            if found.accepted() && found.method == AlignMethod::Face {
                real_ok += 1;
            }
            println!(
                "real {} → {}: face-aware {} ({:?}, identity {:.2}, confidence {:.2}, expected error {:.1} px; {off}); whole frame {}",
                real[i].0,
                real[j].0,
                match &found.verdict {
                    Ok(()) => "accepted".to_owned(),
                    Err(r) => format!("declined: {r}"),
                },
                found.method,
                found.identity_distance.unwrap_or(f64::NAN),
                found.confidence,
                found.expected_error_px.unwrap_or(f64::NAN),
                if whole.accepted() {
                    "accepted"
                } else {
                    "declined"
                }
            );
        }
    }
    println!("real same-person pairs aligned on the face: {real_ok}/{real_total}");

    // Speed on this core.
    let mut lm: Vec<f64> = landmark_times.iter().map(|d| ms(*d)).collect();
    let mut pair: Vec<f64> = pair_times.iter().map(|d| ms(*d)).collect();
    println!(
        "landmarks per {w}×{h} photo: median {:.1} ms; face-aware alignment of a pair: median {:.0} ms, max {:.0} ms",
        median(&mut lm),
        median(&mut pair),
        pair.iter().copied().fold(0.0, f64::max)
    );
    // The identity descriptor alone (part of each face-aware pair: one per photo).
    let mut descriptor_times = Vec::new();
    for (image, face) in rendered.iter().zip(&faces_of(&rendered)) {
        if let Some(face) = face {
            let start = Instant::now();
            face_descriptor(image, face).map_err(|e| e.to_string())?;
            descriptor_times.push(ms(start.elapsed()));
        }
    }
    println!(
        "identity descriptor per face (chip + network): median {:.1} ms over {} faces",
        median(&mut descriptor_times),
        descriptor_times.len()
    );
    // A 12-photo series: landmarks for each photo, then each aligned to the first.
    let start = Instant::now();
    let faces = faces_of(&rendered);
    for k in 1..rendered.len() {
        let _ = align(
            &rendered[0],
            &rendered[k],
            faces[0].as_ref(),
            faces[k].as_ref(),
        );
    }
    println!(
        "a {}-photo series (landmarks + alignment to the first): {:.2} s",
        rendered.len(),
        start.elapsed().as_secs_f64()
    );
    Ok(())
}

fn faces_of(images: &[RgbImage]) -> Vec<Option<FaceLandmarks>> {
    images
        .iter()
        .map(|image| find_face(image).ok().flatten().map(|f| f.landmarks))
        .collect()
}

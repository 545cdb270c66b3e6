//! The coarse stage of alignment: Fourier–Mellin on 512 px canvases. Rotation and scale
//! from the log-polar phase correlation of magnitude spectra, then the shift by phase
//! correlation.

// Image maths: x, y, w, h, a, b, p read as in the formulas they implement.
#![allow(clippy::many_single_char_names, clippy::needless_range_loop)]

use super::{Gray, MAX_ROTATION_DEG, MAX_SHIFT, SCALE_RANGE};
use crate::model::Similarity;
use crate::model::transform::{from_normalised, to_normalised};
use rustfft::FftPlanner;
use rustfft::num_complex::Complex32;

/// Side of the Fourier canvases.
const CANVAS: usize = 512;
/// Log-polar grid: angles over half a turn (spectra are symmetric), log radii.
const LP_ANGLES: usize = 256;
const LP_RADII: usize = 256;

/// Index coordinates of a normalised point in a `w`×`h` image.
#[inline]
fn index_of(q: [f64; 2], w: usize, h: usize) -> [f64; 2] {
    let p = from_normalised(q, w as u32, h as u32);
    [p[0] - 0.5, p[1] - 0.5]
}

/// `src` seen in an `n`×`n` canvas through `t` (src normalised → canvas normalised, the
/// canvas's long edge being `n`), mean-free and Hann-windowed; zero where src has no pixel.
fn canvas(src: &Gray, t: &Similarity, n: usize) -> Vec<f32> {
    let inverse = t.inverse();
    let mut values = vec![0.0f32; n * n];
    let mut inside = vec![false; n * n];
    let (mut sum, mut count) = (0.0f64, 0usize);
    for j in 0..n {
        for i in 0..n {
            let q = to_normalised([i as f64 + 0.5, j as f64 + 0.5], n as u32, n as u32);
            let [x, y] = index_of(inverse.apply(q), src.width, src.height);
            if let Some(v) = src.sample(x, y) {
                values[j * n + i] = v;
                inside[j * n + i] = true;
                sum += f64::from(v);
                count += 1;
            }
        }
    }
    let mean = if count > 0 {
        (sum / count as f64) as f32
    } else {
        0.0
    };
    let hann: Vec<f32> = (0..n)
        .map(|i| 0.5 - 0.5 * (2.0 * std::f32::consts::PI * i as f32 / n as f32).cos())
        .collect();
    for j in 0..n {
        for i in 0..n {
            let k = j * n + i;
            values[k] = if inside[k] {
                (values[k] - mean) * hann[i] * hann[j]
            } else {
                0.0
            };
        }
    }
    values
}

/// 2D FFT of a `w`×`h` grid (both powers of two), in place.
fn fft2(data: &mut [Complex32], w: usize, h: usize, inverse: bool, planner: &mut FftPlanner<f32>) {
    let row = if inverse {
        planner.plan_fft_inverse(w)
    } else {
        planner.plan_fft_forward(w)
    };
    row.process(data);
    let mut column = vec![Complex32::default(); w * h];
    for y in 0..h {
        for x in 0..w {
            column[x * h + y] = data[y * w + x];
        }
    }
    let col = if inverse {
        planner.plan_fft_inverse(h)
    } else {
        planner.plan_fft_forward(h)
    };
    col.process(&mut column);
    for y in 0..h {
        for x in 0..w {
            data[y * w + x] = column[x * h + y];
        }
    }
}

fn spectrum(values: &[f32], n: usize, planner: &mut FftPlanner<f32>) -> Vec<Complex32> {
    let mut data: Vec<Complex32> = values.iter().map(|&v| Complex32::new(v, 0.0)).collect();
    fft2(&mut data, n, n, false, planner);
    data
}

/// The peak of the phase correlation of two spectra: the shift `d` (cyclic, in grid cells,
/// sub-cell by parabola fit) such that a(x) ≈ b(x − d), and the peak's height, searched
/// only where `allowed(dx, dy)`.
fn phase_correlate(
    fa: &[Complex32],
    fb: &[Complex32],
    w: usize,
    h: usize,
    planner: &mut FftPlanner<f32>,
    allowed: impl Fn(i64, i64) -> bool,
) -> ([f64; 2], f32) {
    let mut cross: Vec<Complex32> = fa
        .iter()
        .zip(fb)
        .map(|(a, b)| {
            let c = a * b.conj();
            let norm = c.norm();
            if norm > 1e-12 {
                c / norm
            } else {
                Complex32::default()
            }
        })
        .collect();
    fft2(&mut cross, w, h, true, planner);
    let signed = |i: usize, len: usize| {
        if i > len / 2 {
            i as i64 - len as i64
        } else {
            i as i64
        }
    };
    let mut best = (0usize, 0usize, f32::MIN);
    for y in 0..h {
        for x in 0..w {
            let v = cross[y * w + x].re;
            if v > best.2 && allowed(signed(x, w), signed(y, h)) {
                best = (x, y, v);
            }
        }
    }
    let (px, py, peak) = best;
    let at = |x: usize, y: usize| cross[(y % h) * w + (x % w)].re;
    let refine = |minus: f32, centre: f32, plus: f32| {
        let denom = minus - 2.0 * centre + plus;
        if denom.abs() < 1e-12 {
            0.0
        } else {
            f64::from(0.5 * (minus - plus) / denom).clamp(-0.5, 0.5)
        }
    };
    let dx = refine(at(px + w - 1, py), peak, at(px + 1, py));
    let dy = refine(at(px, py + h - 1), peak, at(px, py + 1));
    let total = (w * h) as f32;
    (
        [signed(px, w) as f64 + dx, signed(py, h) as f64 + dy],
        peak / total,
    )
}

/// Log of the high-pass-filtered magnitude spectrum, resampled on log-polar axes.
fn log_polar(spectrum: &[Complex32], n: usize) -> Vec<f32> {
    let half = n as f64 / 2.0;
    let shifted = |kx: i64, ky: i64| -> f32 {
        let x = kx.rem_euclid(n as i64) as usize;
        let y = ky.rem_euclid(n as i64) as usize;
        let xi = kx as f64 / n as f64;
        let eta = ky as f64 / n as f64;
        let c = (std::f64::consts::PI * xi).cos() * (std::f64::consts::PI * eta).cos();
        let high_pass = ((1.0 - c) * (2.0 - c)) as f32;
        (1.0 + spectrum[y * n + x].norm()).ln() * high_pass
    };
    let (r_min, r_max) = (2.0f64, half * 0.95);
    let step = (r_max / r_min).ln() / LP_RADII as f64;
    let mut out = vec![0.0f32; LP_ANGLES * LP_RADII];
    for a in 0..LP_ANGLES {
        let theta = std::f64::consts::PI * a as f64 / LP_ANGLES as f64;
        let (sin, cos) = theta.sin_cos();
        for r in 0..LP_RADII {
            let radius = r_min * (step * r as f64).exp();
            let (fx, fy) = (radius * cos, -radius * sin);
            let (x0, y0) = (fx.floor(), fy.floor());
            let (tx, ty) = ((fx - x0) as f32, (fy - y0) as f32);
            let (x0, y0) = (x0 as i64, y0 as i64);
            let v = shifted(x0, y0) * (1.0 - tx) * (1.0 - ty)
                + shifted(x0 + 1, y0) * tx * (1.0 - ty)
                + shifted(x0, y0 + 1) * (1.0 - tx) * ty
                + shifted(x0 + 1, y0 + 1) * tx * ty;
            out[a * LP_RADII + r] = v;
        }
    }
    out
}

fn log_polar_step(n: usize) -> f64 {
    ((n as f64 / 2.0 * 0.95) / 2.0).ln() / LP_RADII as f64
}

/// Rotation and scale candidates from the log-polar correlation, then the shift of each by
/// phase correlation, best shift peak first (the sign of a log-polar shift is ambiguous:
/// all four are tried).
pub(super) fn coarse(a: &Gray, b: &Gray, planner: &mut FftPlanner<f32>) -> Vec<Similarity> {
    let n = CANVAS;
    let ca = canvas(a, &Similarity::IDENTITY, n);
    let cb = canvas(b, &Similarity::IDENTITY, n);
    let (fa, fb) = (spectrum(&ca, n, planner), spectrum(&cb, n, planner));
    let to_complex = |v: Vec<f32>, planner: &mut FftPlanner<f32>| -> Vec<Complex32> {
        let mut c: Vec<Complex32> = v.into_iter().map(|x| Complex32::new(x, 0.0)).collect();
        fft2(&mut c, LP_RADII, LP_ANGLES, false, planner);
        c
    };
    let la = to_complex(log_polar(&fa, n), planner);
    let lb = to_complex(log_polar(&fb, n), planner);
    let step = log_polar_step(n);
    let max_angle = (MAX_ROTATION_DEG / 180.0 * LP_ANGLES as f64).ceil() as i64 + 1;
    let max_radius = (SCALE_RANGE.1.ln().max(-SCALE_RANGE.0.ln()) / step).ceil() as i64 + 1;
    let (shift, _) = phase_correlate(&la, &lb, LP_RADII, LP_ANGLES, planner, |dr, da| {
        dr.abs() <= max_radius && da.abs() <= max_angle
    });
    let angle = shift[1] * std::f64::consts::PI / LP_ANGLES as f64;
    let log_scale = shift[0] * step;
    let mut candidates = Vec::new();
    for (angle, log_scale) in [
        (angle, log_scale),
        (-angle, log_scale),
        (angle, -log_scale),
        (-angle, -log_scale),
    ] {
        let rotation = Similarity {
            scale: log_scale.exp(),
            angle,
            tx: 0.0,
            ty: 0.0,
        };
        let cb = canvas(b, &rotation, n);
        let fb = spectrum(&cb, n, planner);
        let limit = (MAX_SHIFT * n as f64).ceil() as i64;
        let (d, peak) = phase_correlate(&fa, &fb, n, n, planner, |dx, dy| {
            dx.abs() <= limit && dy.abs() <= limit
        });
        candidates.push((
            Similarity {
                tx: d[0] / n as f64,
                ty: d[1] / n as f64,
                ..rotation
            },
            peak,
        ));
    }
    candidates.sort_by(|x, y| y.1.total_cmp(&x.1));
    candidates.into_iter().map(|(t, _)| t).collect()
}

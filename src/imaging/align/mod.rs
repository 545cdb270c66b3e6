//! Automatic alignment of two photos of the same skin: the similarity transform (rotation,
//! uniform scale, shift) that puts B on A, from the pixels alone, with a confidence — or a
//! refusal that says why.
//!
//! Method, and why:
//! 1. **Fourier–Mellin** on 512 px canvases for a coarse estimate. The magnitude of a
//!    Fourier spectrum ignores shifts; resampled on log-polar axes, a rotation and a scale
//!    become plain shifts, which phase correlation finds in one step whatever their size
//!    (within ±20°, 0.75–1.35×), unlike gradient methods that need a close start. Phase
//!    correlation then finds the shift of the rotated and scaled B.
//! 2. **Gauss–Newton refinement** (forward additive Lucas–Kanade) of the four similarity
//!    parameters plus a gain and an offset of brightness, from 256 to 1024 px. The gain and
//!    offset make it blind to exposure changes (±20 %) the way ECC is; the coarse-to-fine
//!    pyramid takes it from the Fourier estimate (±1 px at 512) to a small fraction of a
//!    pixel at 1024, i.e. within 1 px at the 2048 px preview.
//! 3. **Checks** decide whether to trust it: enough texture, a high correlation of the
//!    aligned overlap, enough overlap, and a transform a re-taken photo could plausibly need.
//!    When one fails the result is declined with the reason, never applied.

// Image maths: x, y, w, h, a, b, p read as in the formulas they implement.
#![allow(clippy::many_single_char_names, clippy::needless_range_loop)]

mod face;
mod fourier;
mod gray;

pub use face::{align, align_faces, fill_polygon};
pub use gray::Gray;

use super::derive::resize_to_fit;
use crate::model::{AlignMethod, Similarity};
use fourier::coarse;
use image::RgbImage;
use rustfft::FftPlanner;

/// Largest rotation and scale change a re-taken photo is searched for and accepted with.
pub const MAX_ROTATION_DEG: f64 = 20.0;
pub const SCALE_RANGE: (f64, f64) = (0.75, 1.35);
/// Largest shift accepted, in long edges.
pub const MAX_SHIFT: f64 = 0.25;
/// Correlation of the aligned overlap below which a result is declined.
pub const MIN_CORRELATION: f64 = 0.6;
/// Correlation of fine detail below which a result is declined.
pub const MIN_DETAIL_CORRELATION: f64 = 0.35;
/// Share of A that B must cover.
pub const MIN_OVERLAP: f64 = 0.5;
/// Mean gradient (grey levels per pixel at 512 px) below which there is too little to align.
pub const MIN_TEXTURE: f64 = 0.25;

/// The outcome of automatic alignment.
#[derive(Clone, Debug, PartialEq)]
pub struct AutoAlignment {
    /// Where B sits on A (B's normalised coordinates to A's).
    pub transform: Similarity,
    /// 0–1: how much to trust it (from the correlation of the aligned overlap).
    pub confidence: f64,
    /// Correlation of A and the aligned B where they overlap, −1 to 1.
    pub correlation: f64,
    /// The same for fine detail only (pores, edges): what decides whether to trust it.
    pub detail_correlation: f64,
    /// Share of A covered by the aligned B.
    pub overlap: f64,
    /// `Err(reason)` when the result must not be applied.
    pub verdict: Result<(), String>,
    /// How it was found: `Auto` (whole frame) or `Face` (facial landmarks, refined on the face).
    pub method: AlignMethod,
    /// Face alignment only: the expected error at the face, in pixels of a 2048-pixel preview
    /// (how far the rigid landmarks of B land from A's after the transform).
    pub expected_error_px: Option<f64>,
    /// Face alignment only: how far apart the two faces' identity descriptors are (below
    /// `imaging::face::MAX_SAME_PERSON_DISTANCE`: the same person).
    pub identity_distance: Option<f64>,
}

impl AutoAlignment {
    pub fn accepted(&self) -> bool {
        self.verdict.is_ok()
    }
}

/// What the refinement ends with at one level.
struct Refined {
    transform: Similarity,
    correlation: f64,
    /// Correlation of fine detail only: the test of a true match.
    detail: f64,
    overlap: f64,
}

/// The warp parameters of a B → A similarity at the size of `a` and `b`.
fn warp_params(t: &Similarity, a: &Gray, b: &Gray) -> [f64; 4] {
    let long = a.width.max(a.height) as f64;
    let b_long = b.width.max(b.height) as f64;
    // Both are at the same long edge; a tiny difference from rounding is a scale.
    let unit = b_long / long;
    let inverse = t.inverse();
    let (sin, cos) = inverse.angle.sin_cos();
    [
        inverse.scale * cos * unit,
        -inverse.scale * sin * unit,
        inverse.tx * b_long,
        inverse.ty * b_long,
    ]
}

/// Gauss–Newton on (a, b, tx, ty, gain, offset), where A's centred point x maps to B's
/// `[a·x − b·y + tx, b·x + a·y + ty]` (centred pixels of this level).
/// With `mask` (one flag per pixel of A), only A's pixels inside it count: the face, say.
fn refine(
    a: &Gray,
    b: &Gray,
    start: &Similarity,
    stride: usize,
    iterations: usize,
    mask: Option<&[bool]>,
) -> Refined {
    let long = a.width.max(a.height) as f64;
    let b_long = b.width.max(b.height) as f64;
    let unit = b_long / long;
    let mut p = warp_params(start, a, b);
    let (mut gain, mut offset) = (1.0f64, 0.0f64);
    let bs = b.smoothed();
    let (gx, gy) = bs.gradients();
    let a_centre = [a.width as f64 / 2.0 - 0.5, a.height as f64 / 2.0 - 0.5];
    let b_centre = [b.width as f64 / 2.0 - 0.5, b.height as f64 / 2.0 - 0.5];
    let a_smooth = a.smoothed();
    for _ in 0..iterations {
        let mut jtj = [[0.0f64; 6]; 6];
        let mut jtr = [0.0f64; 6];
        for j in (0..a.height).step_by(stride) {
            let y = j as f64 - a_centre[1];
            for i in (0..a.width).step_by(stride) {
                if mask.is_some_and(|m| !m[j * a.width + i]) {
                    continue;
                }
                let x = i as f64 - a_centre[0];
                let bx = p[0] * x - p[1] * y + p[2] + b_centre[0];
                let by = p[1] * x + p[0] * y + p[3] + b_centre[1];
                let Some(v) = bs.sample(bx, by) else { continue };
                let dx = f64::from(gx.sample(bx, by).unwrap_or(0.0));
                let dy = f64::from(gy.sample(bx, by).unwrap_or(0.0));
                let v = f64::from(v);
                let residual = f64::from(a_smooth.px[j * a.width + i]) - (gain * v + offset);
                let jac = [
                    gain * (dx * x + dy * y),
                    gain * (-dx * y + dy * x),
                    gain * dx,
                    gain * dy,
                    v,
                    1.0,
                ];
                for r in 0..6 {
                    jtr[r] += jac[r] * residual;
                    for c in r..6 {
                        jtj[r][c] += jac[r] * jac[c];
                    }
                }
            }
        }
        for r in 0..6 {
            for c in 0..r {
                jtj[r][c] = jtj[c][r];
            }
        }
        let Some(delta) = solve6(jtj, jtr) else { break };
        p[0] += delta[0];
        p[1] += delta[1];
        p[2] += delta[2];
        p[3] += delta[3];
        gain += delta[4];
        offset += delta[5];
        if delta[2].abs() < 0.005
            && delta[3].abs() < 0.005
            && delta[0].abs() < 1e-6
            && delta[1].abs() < 1e-6
        {
            break;
        }
    }
    // Back to a normalised B → A similarity.
    let scale = p[0].hypot(p[1]) / unit;
    let w = Similarity {
        scale,
        angle: -p[1].atan2(p[0]),
        tx: p[2] / b_long,
        ty: p[3] / b_long,
    };
    let transform = w.inverse();
    let (correlation, overlap) = overlap_correlation(&a_smooth, &bs, &p, stride, mask);
    Refined {
        transform,
        correlation,
        detail: 0.0,
        overlap,
    }
}

/// Correlation of A and the warped B where they overlap (and inside `mask`, when given), and
/// the share of A (or of the mask) they cover.
fn overlap_correlation(
    a: &Gray,
    b: &Gray,
    p: &[f64; 4],
    stride: usize,
    mask: Option<&[bool]>,
) -> (f64, f64) {
    let a_centre = [a.width as f64 / 2.0 - 0.5, a.height as f64 / 2.0 - 0.5];
    let b_centre = [b.width as f64 / 2.0 - 0.5, b.height as f64 / 2.0 - 0.5];
    let (mut n, mut total) = (0.0f64, 0.0f64);
    let (mut sa, mut sb, mut saa, mut sbb, mut sab) = (0.0, 0.0, 0.0, 0.0, 0.0);
    for j in (0..a.height).step_by(stride) {
        let y = j as f64 - a_centre[1];
        for i in (0..a.width).step_by(stride) {
            if mask.is_some_and(|m| !m[j * a.width + i]) {
                continue;
            }
            total += 1.0;
            let x = i as f64 - a_centre[0];
            let bx = p[0] * x - p[1] * y + p[2] + b_centre[0];
            let by = p[1] * x + p[0] * y + p[3] + b_centre[1];
            let Some(vb) = b.sample(bx, by) else { continue };
            let (va, vb) = (f64::from(a.px[j * a.width + i]), f64::from(vb));
            n += 1.0;
            sa += va;
            sb += vb;
            saa += va * va;
            sbb += vb * vb;
            sab += va * vb;
        }
    }
    if n < 16.0 {
        return (0.0, 0.0);
    }
    let cov = sab / n - (sa / n) * (sb / n);
    let var_a = saa / n - (sa / n).powi(2);
    let var_b = sbb / n - (sb / n).powi(2);
    let correlation = if var_a > 1e-9 && var_b > 1e-9 {
        cov / (var_a * var_b).sqrt()
    } else {
        0.0
    };
    (correlation, n / total)
}

/// Solves a symmetric 6×6 system by Gaussian elimination with partial pivoting.
fn solve6(mut m: [[f64; 6]; 6], mut v: [f64; 6]) -> Option<[f64; 6]> {
    for col in 0..6 {
        let pivot = (col..6).max_by(|&x, &y| m[x][col].abs().total_cmp(&m[y][col].abs()))?;
        if m[pivot][col].abs() < 1e-12 {
            return None;
        }
        m.swap(col, pivot);
        v.swap(col, pivot);
        for row in col + 1..6 {
            let f = m[row][col] / m[col][col];
            for k in col..6 {
                m[row][k] -= f * m[col][k];
            }
            v[row] -= f * v[col];
        }
    }
    let mut x = [0.0; 6];
    for row in (0..6).rev() {
        let mut s = v[row];
        for k in row + 1..6 {
            s -= m[row][k] * x[k];
        }
        x[row] = s / m[row][row];
    }
    Some(x)
}

/// Long edges of the refinement's levels.
const LEVELS: [u32; 3] = [256, 512, 1024];

/// A photo in grey at each of [`LEVELS`].
fn pyramid(image: &RgbImage) -> Vec<Gray> {
    let mut out = Vec::new();
    let mut current = resize_to_fit(image, LEVELS[LEVELS.len() - 1]);
    for &edge in LEVELS.iter().rev() {
        current = resize_to_fit(&current, edge);
        out.push(Gray::from_rgb(&current));
    }
    out.reverse();
    out
}

/// Aligns B onto A (both upright, any size; previews are meant) and says whether to trust it.
pub fn auto_align(a: &RgbImage, b: &RgbImage) -> AutoAlignment {
    let (pa, pb) = (pyramid(a), pyramid(b));
    let texture = pa[1].texture().min(pb[1].texture());
    let mut planner = FftPlanner::new();
    // Fine detail at 512 px decides between candidates and whether to trust the result.
    let (detail_a, detail_b) = (pa[1].smoothed().detail(), pb[1].smoothed().detail());
    let mut best: Option<Refined> = None;
    for start in coarse(&pa[1], &pb[1], &mut planner) {
        let mut transform = start;
        let mut last = None;
        for (level, (ga, gb)) in pa.iter().zip(&pb).enumerate() {
            let (stride, iterations) = if level == 2 { (2, 8) } else { (1, 15) };
            let refined = refine(ga, gb, &transform, stride, iterations, None);
            transform = refined.transform;
            last = Some(refined);
        }
        let mut refined = last.expect("three levels");
        let p = warp_params(&refined.transform, &pa[1], &pb[1]);
        refined.detail = overlap_correlation(&detail_a, &detail_b, &p, 1, None).0;
        let good = refined.detail >= MIN_DETAIL_CORRELATION;
        if best.as_ref().is_none_or(|b| refined.detail > b.detail) {
            best = Some(refined);
        }
        // The first candidate is right almost always; the others are tried only when not.
        if good {
            break;
        }
    }
    let refined = best.expect("four candidates");
    let verdict = check(&refined, texture);
    AutoAlignment {
        transform: refined.transform,
        confidence: ((refined.detail - MIN_DETAIL_CORRELATION) / (0.9 - MIN_DETAIL_CORRELATION))
            .clamp(0.0, 1.0),
        correlation: refined.correlation,
        detail_correlation: refined.detail,
        overlap: refined.overlap,
        verdict,
        method: AlignMethod::Auto,
        expected_error_px: None,
        identity_distance: None,
    }
}

fn check(r: &Refined, texture: f64) -> Result<(), String> {
    let t = &r.transform;
    let degrees = t.angle.to_degrees();
    if texture < MIN_TEXTURE {
        return Err(format!(
            "too little texture to align on (a blurred, overexposed or featureless photo: {texture:.2} < {MIN_TEXTURE})"
        ));
    }
    if !t.scale.is_finite() || t.scale < SCALE_RANGE.0 || t.scale > SCALE_RANGE.1 {
        return Err(format!(
            "the best match needs a scale of {:.2}×, more than a re-taken photo would (allowed {}–{}×)",
            t.scale, SCALE_RANGE.0, SCALE_RANGE.1
        ));
    }
    if degrees.abs() > MAX_ROTATION_DEG {
        return Err(format!(
            "the best match needs a rotation of {degrees:.1}°, more than {MAX_ROTATION_DEG}°"
        ));
    }
    if t.tx.hypot(t.ty) > MAX_SHIFT * 1.5 {
        return Err("the best match needs a shift of more than a third of the photo".into());
    }
    if r.overlap < MIN_OVERLAP {
        return Err(format!(
            "aligned, the photos overlap on only {:.0} % of A",
            r.overlap * 100.0
        ));
    }
    if r.correlation < MIN_CORRELATION {
        return Err(format!(
            "the photos are too different to align with confidence (aligned, they correlate {:.2} overall, at least {MIN_CORRELATION} needed)",
            r.correlation
        ));
    }
    if r.detail < MIN_DETAIL_CORRELATION {
        return Err(format!(
            "the photos are too different to align with confidence (fine detail correlates {:.2} after aligning, at least {MIN_DETAIL_CORRELATION} needed)",
            r.detail
        ));
    }
    Ok(())
}

/// How far apart two transforms put A's frame in B, in pixels of a `edge`-pixel long edge:
/// the largest distance over A's corners and centre (for accuracy checks).
pub fn transform_error(a: &Similarity, b: &Similarity, width: u32, height: u32, edge: f64) -> f64 {
    let (ia, ib) = (a.inverse(), b.inverse());
    let half =
        [f64::from(width), f64::from(height)].map(|v| v / f64::from(width.max(height)) / 2.0);
    [
        [-half[0], -half[1]],
        [half[0], -half[1]],
        [half[0], half[1]],
        [-half[0], half[1]],
        [0.0, 0.0],
    ]
    .iter()
    .map(|p| {
        let (x, y) = (ia.apply(*p), ib.apply(*p));
        (x[0] - y[0]).hypot(x[1] - y[1]) * edge
    })
    .fold(0.0, f64::max)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::imaging::synth::{SkinScene, expose, photograph, render_skin, scene_for};

    /// A photo and the same skin re-taken through `truth` (B's coordinates → A's), with
    /// independent noise and an exposure change.
    fn pair(seed: u64, truth: &Similarity, exposure: f32) -> (RgbImage, RgbImage) {
        let (w, h) = (1024, 768);
        let scene = render_skin(&scene_for(w, h, &SkinScene::new(w, h, seed)));
        let a = photograph(&scene, w, h, &Similarity::IDENTITY);
        let mut b = photograph(&scene, w, h, truth);
        expose(&mut b, exposure, 3, seed);
        (a, b)
    }

    #[test]
    fn recovers_a_known_transform_within_a_pixel_and_half_a_degree() {
        let truth = Similarity {
            scale: 1.1,
            angle: 8f64.to_radians(),
            tx: 0.04,
            ty: -0.03,
        };
        let (a, b) = pair(7, &truth, 1.15);
        let found = auto_align(&a, &b);
        assert!(found.accepted(), "{found:?}");
        let error = transform_error(&found.transform, &truth, 1024, 768, 2048.0);
        assert!(error < 1.0, "{error:.2} px off at 2048 px: {found:?}");
        assert!((found.transform.angle - truth.angle).abs().to_degrees() < 0.5);
        assert!(found.confidence > 0.5);
    }

    #[test]
    fn declines_a_featureless_or_unrelated_pair_with_a_reason() {
        let flat = RgbImage::from_pixel(800, 600, image::Rgb([180, 140, 120]));
        let (a, _) = pair(3, &Similarity::IDENTITY, 1.0);
        let found = auto_align(&a, &flat);
        let reason = found.verdict.unwrap_err();
        assert!(reason.contains("too little texture"), "{reason}");
        let (other, _) = pair(99, &Similarity::IDENTITY, 1.0);
        let found = auto_align(&a, &other);
        assert!(
            !found.accepted(),
            "two different patches of skin: {found:?}"
        );
    }
}

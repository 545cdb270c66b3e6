//! Colour correction from a reference card in the frame: a grey card (per-channel gains) or
//! a 24-patch `ColorChecker` Classic (a 3×3 matrix in linear RGB, fitted by least squares to
//! the chart's published values), with the residual ΔE2000 of every patch.
//!
//! The user marks the four corners of the card's patch area in the photo; a homography maps
//! the card's own square onto them, so the card may be photographed at an angle.

// Geometry: x, y, w, h, u, v read as in the formulas they implement.
#![allow(clippy::many_single_char_names)]
use super::colour::{self, Mat3};
use crate::model::card::{CardError, CardKind, Corners};
use crate::model::transform::from_normalised;
use image::RgbImage;

/// The `ColorChecker` Classic's published CIELAB (D50, 2°) values, X-Rite's data for charts
/// made after November 2014 (as distributed with colour-science 0.4.7,
/// `CCS_COLOURCHECKERS["ColorChecker24 - After November 2014"]`), patch 1 (dark skin, top
/// left with the chart upright) to 24 (black, bottom right), row by row.
pub const COLORCHECKER_LAB_D50: [(&str, [f64; 3]); 24] = [
    ("dark skin", [37.54, 14.37, 14.92]),
    ("light skin", [64.66, 19.27, 17.50]),
    ("blue sky", [49.32, -3.82, -22.54]),
    ("foliage", [43.46, -12.74, 22.72]),
    ("blue flower", [54.94, 9.61, -24.79]),
    ("bluish green", [70.48, -32.26, -0.37]),
    ("orange", [62.73, 35.83, 56.50]),
    ("purplish blue", [39.43, 10.75, -45.17]),
    ("moderate red", [50.57, 48.64, 16.67]),
    ("purple", [30.10, 22.54, -20.87]),
    ("yellow green", [71.77, -24.13, 58.19]),
    ("orange yellow", [71.51, 18.24, 67.37]),
    ("blue", [28.37, 15.42, -49.80]),
    ("green", [54.38, -39.72, 32.27]),
    ("red", [42.43, 51.05, 28.62]),
    ("yellow", [81.80, 2.67, 80.41]),
    ("magenta", [50.63, 51.28, -14.12]),
    ("cyan", [49.57, -29.71, -28.32]),
    ("white 9.5", [95.19, -1.03, 2.93]),
    ("neutral 8", [81.29, -0.57, 0.44]),
    ("neutral 6.5", [66.89, -0.75, -0.06]),
    ("neutral 5", [50.76, -0.13, 0.14]),
    ("neutral 3.5", [35.63, -0.46, -0.48]),
    ("black 2", [20.64, 0.07, -0.46]),
];

/// An 18 % grey card (ISO 14524-style neutral target; e.g. Kodak R-27): spectrally flat, so
/// its reference is linear sRGB 0.18 in every channel (L* 49.5, a* = b* = 0).
pub const GREY_CARD_REFLECTANCE: f64 = 0.18;

/// One patch: where it was read, what it should be, and how far off it is after correction.
#[derive(Clone, Debug, PartialEq)]
pub struct Patch {
    pub name: String,
    /// Mean linear RGB read from the photo.
    pub measured: [f64; 3],
    /// The card's reference, linear sRGB (D65).
    pub reference: [f64; 3],
    /// CIEDE2000 between the corrected reading and the reference.
    pub residual: f64,
}

/// A fitted correction.
#[derive(Clone, Debug, PartialEq)]
pub struct CardFit {
    pub kind: CardKind,
    /// The corners as used (possibly turned from what was marked: see `turned`).
    pub corners: Corners,
    /// Camera linear RGB → reference linear sRGB.
    pub matrix: Mat3,
    pub patches: Vec<Patch>,
    /// How many quarter turns the marked corners were off (the chart was upside down or
    /// sideways); 0 when marked as asked.
    pub turned: usize,
}

impl CardFit {
    pub fn mean_residual(&self) -> f64 {
        self.patches.iter().map(|p| p.residual).sum::<f64>() / self.patches.len().max(1) as f64
    }

    pub fn max_residual(&self) -> f64 {
        self.patches.iter().map(|p| p.residual).fold(0.0, f64::max)
    }
}

/// The homography taking the unit square (0,0)-(1,0)-(1,1)-(0,1) onto `quad`.
fn square_to_quad(quad: &[[f64; 2]; 4]) -> [f64; 8] {
    // Heckbert (1989), "Fundamentals of texture mapping", the square-to-quad case.
    let [[x0, y0], [x1, y1], [x2, y2], [x3, y3]] = *quad;
    let (sx, sy) = (x0 - x1 + x2 - x3, y0 - y1 + y2 - y3);
    let (dx1, dx2, dy1, dy2) = (x1 - x2, x3 - x2, y1 - y2, y3 - y2);
    let den = dx1 * dy2 - dx2 * dy1;
    let (g, h) = if den.abs() < 1e-15 {
        (0.0, 0.0)
    } else {
        ((sx * dy2 - dx2 * sy) / den, (dx1 * sy - sx * dy1) / den)
    };
    [
        x1 - x0 + g * x1,
        x3 - x0 + h * x3,
        x0,
        y1 - y0 + g * y1,
        y3 - y0 + h * y3,
        y0,
        g,
        h,
    ]
}

fn apply_h(m: &[f64; 8], u: f64, v: f64) -> [f64; 2] {
    let w = m[6] * u + m[7] * v + 1.0;
    [
        (m[0] * u + m[1] * v + m[2]) / w,
        (m[3] * u + m[4] * v + m[5]) / w,
    ]
}

/// Mean linear RGB over the part of the card between (u0, v0) and (u1, v1), read on a grid.
fn sample(image: &RgbImage, h: &[f64; 8], [u0, v0, u1, v1]: [f64; 4]) -> [f64; 3] {
    const GRID: u32 = 16;
    let (w, ht) = image.dimensions();
    let mut sum = [0.0; 3];
    let mut n = 0.0;
    for j in 0..GRID {
        for i in 0..GRID {
            let u = u0 + (u1 - u0) * (f64::from(i) + 0.5) / f64::from(GRID);
            let v = v0 + (v1 - v0) * (f64::from(j) + 0.5) / f64::from(GRID);
            let [x, y] = from_normalised(apply_h(h, u, v), w, ht);
            if x < 0.0 || y < 0.0 || x >= f64::from(w) || y >= f64::from(ht) {
                continue;
            }
            let lin = colour::linear(image.get_pixel(x as u32, y as u32).0);
            for c in 0..3 {
                sum[c] += lin[c];
            }
            n += 1.0;
        }
    }
    sum.map(|s| if n > 0.0 { s / n } else { f64::NAN })
}

/// The patches of a card with their reference values and the card-space box each is read in.
fn layout(kind: CardKind) -> Vec<(String, [f64; 3], [f64; 4])> {
    match kind {
        CardKind::ColorChecker24 => COLORCHECKER_LAB_D50
            .iter()
            .enumerate()
            .map(|(i, (name, lab))| {
                let (col, row) = ((i % 6) as f64, (i / 6) as f64);
                // Read the middle half of each cell: clear of the black gaps between patches.
                let (cw, ch) = (1.0 / 6.0, 1.0 / 4.0);
                let bx = [
                    (col + 0.25) * cw,
                    (row + 0.25) * ch,
                    (col + 0.75) * cw,
                    (row + 0.75) * ch,
                ];
                ((*name).to_owned(), colour::lab_d50_to_linear(*lab), bx)
            })
            .collect(),
        // Four quarters of the card (inside a 10 % margin): their spread after correction
        // shows uneven light across the card.
        CardKind::Grey => [
            ("top left", [0.1, 0.1, 0.5, 0.5]),
            ("top right", [0.5, 0.1, 0.9, 0.5]),
            ("bottom right", [0.5, 0.5, 0.9, 0.9]),
            ("bottom left", [0.1, 0.5, 0.5, 0.9]),
        ]
        .into_iter()
        .map(|(name, bx)| (name.to_owned(), [GREY_CARD_REFLECTANCE; 3], bx))
        .collect(),
    }
}

/// Least-squares M with M · measured ≈ reference over the patches.
fn fit_matrix(pairs: &[([f64; 3], [f64; 3])]) -> Option<Mat3> {
    // M = (Σ r cᵀ)(Σ c cᵀ)⁻¹
    let mut cc = [[0.0; 3]; 3];
    let mut rc = [[0.0; 3]; 3];
    for (c, r) in pairs {
        for i in 0..3 {
            for j in 0..3 {
                cc[i][j] += c[i] * c[j];
                rc[i][j] += r[i] * c[j];
            }
        }
    }
    Some(colour::mat_mul(&rc, &colour::invert(&cc)?))
}

fn fit_with(image: &RgbImage, kind: CardKind, corners: Corners) -> Result<CardFit, CardError> {
    let h = square_to_quad(&corners.0);
    let layout = layout(kind);
    let measured: Vec<[f64; 3]> = layout
        .iter()
        .map(|(_, _, bx)| sample(image, &h, *bx))
        .collect();
    if measured.iter().any(|m| m.iter().any(|v| !v.is_finite())) {
        return Err(CardError::OutsidePhoto);
    }
    let matrix = match kind {
        CardKind::Grey => {
            let n = measured.len() as f64;
            let mean = [0, 1, 2].map(|c| measured.iter().map(|m| m[c]).sum::<f64>() / n);
            if mean.iter().any(|v| *v < 1e-4) {
                return Err(CardError::TooDark);
            }
            let g = mean.map(|m| GREY_CARD_REFLECTANCE / m);
            [[g[0], 0.0, 0.0], [0.0, g[1], 0.0], [0.0, 0.0, g[2]]]
        }
        CardKind::ColorChecker24 => {
            let pairs: Vec<_> = measured
                .iter()
                .zip(&layout)
                .map(|(m, (_, r, _))| (*m, *r))
                .collect();
            fit_matrix(&pairs).ok_or(CardError::NoContrast)?
        }
    };
    let patches = layout
        .into_iter()
        .zip(measured)
        .map(|((name, reference, _), measured)| Patch {
            residual: colour::ciede2000(
                colour::linear_to_lab(colour::mul(&matrix, measured)),
                colour::linear_to_lab(reference),
            ),
            name,
            measured,
            reference,
        })
        .collect();
    Ok(CardFit {
        kind,
        corners,
        matrix,
        patches,
        turned: 0,
    })
}

/// Fits the correction for a card whose patch area's corners were marked (normalised
/// coordinates of the upright photo): top left, top right, bottom right, bottom left, with
/// a `ColorChecker`'s dark-skin patch at the top left. A chart marked a quarter or half turn
/// off is recognised: every turn is tried and the one that fits best is kept.
pub fn fit_card(image: &RgbImage, kind: CardKind, corners: Corners) -> Result<CardFit, CardError> {
    corners.check()?;
    let turns = match kind {
        CardKind::ColorChecker24 => 4,
        CardKind::Grey => 1,
    };
    let mut best: Option<CardFit> = None;
    for turn in 0..turns {
        let mut c = corners.0;
        c.rotate_left(turn);
        let mut fit = fit_with(image, kind, Corners(c))?;
        fit.turned = turn;
        if best
            .as_ref()
            .is_none_or(|b| fit.mean_residual() < b.mean_residual())
        {
            best = Some(fit);
        }
    }
    let best = best.expect("at least one turn is tried");
    if best.mean_residual() > crate::model::card::IMPLAUSIBLE_RESIDUAL {
        return Err(CardError::PoorFit(best.mean_residual()));
    }
    Ok(best)
}

/// Where each patch is read, as a quad in the photo's normalised coordinates (for drawing
/// the patches over the photo), in the card's order.
pub fn patch_quads(kind: CardKind, corners: &Corners) -> Vec<(String, [[f64; 2]; 4])> {
    let h = square_to_quad(&corners.0);
    layout(kind)
        .into_iter()
        .map(|(name, _, [u0, v0, u1, v1])| {
            let quad = [[u0, v0], [u1, v0], [u1, v1], [u0, v1]].map(|[u, v]| apply_h(&h, u, v));
            (name, quad)
        })
        .collect()
}

/// Applies a correction to an image (for showing the corrected photo).
pub fn apply(image: &RgbImage, matrix: &Mat3) -> RgbImage {
    let table: Vec<f64> = (0..=255u8).map(colour::decode).collect();
    let mut out = image.clone();
    for p in out.pixels_mut() {
        let lin = p.0.map(|c| table[c as usize]);
        p.0 = colour::mul(matrix, lin).map(colour::encode);
    }
    out
}

/// Draws a card into `image` (for tests and the demo): `kind`'s patches with their reference
/// colours seen through `cast` (linear RGB, reference → camera), on the quad `corners`.
pub fn draw_card(image: &mut RgbImage, kind: CardKind, corners: &Corners, cast: &Mat3) {
    let (w, h) = image.dimensions();
    let hm = square_to_quad(&corners.0);
    let layout = layout(kind);
    let steps = 600u32;
    for j in 0..steps {
        for i in 0..steps {
            let (u, v) = (
                (f64::from(i) + 0.5) / f64::from(steps),
                (f64::from(j) + 0.5) / f64::from(steps),
            );
            let [x, y] = from_normalised(apply_h(&hm, u, v), w, h);
            if x < 0.0 || y < 0.0 || x >= f64::from(w) || y >= f64::from(h) {
                continue;
            }
            let colour = match kind {
                CardKind::ColorChecker24 => {
                    let (col, row) = ((u * 6.0) as usize, (v * 4.0) as usize);
                    let (fu, fv) = (u * 6.0 - col as f64, v * 4.0 - row as f64);
                    // Black gaps between the patches, as on the real chart.
                    if !(0.08..0.92).contains(&fu) || !(0.08..0.92).contains(&fv) {
                        [0.01, 0.01, 0.01]
                    } else {
                        layout[row.min(3) * 6 + col.min(5)].1
                    }
                }
                CardKind::Grey => [GREY_CARD_REFLECTANCE; 3],
            };
            let seen = colour::mul(cast, colour.map(|c| c.max(0.0)));
            image.put_pixel(x as u32, y as u32, image::Rgb(seen.map(colour::encode)));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::imaging::synth::{SkinScene, render_skin};

    /// A warm, slightly mixed cast, as tungsten light and a camera's own primaries give.
    const CAST: Mat3 = [[1.15, 0.08, 0.0], [0.04, 0.95, 0.03], [0.0, 0.05, 0.62]];

    fn card_corners() -> Corners {
        // Photographed at a slant: not a rectangle.
        Corners([[-0.30, -0.20], [0.20, -0.17], [0.22, 0.15], [-0.28, 0.12]])
    }

    #[test]
    fn a_colour_checker_through_a_known_cast_is_corrected() {
        let mut image = render_skin(&SkinScene::new(1200, 800, 3));
        draw_card(&mut image, CardKind::ColorChecker24, &card_corners(), &CAST);
        let fit = fit_card(&image, CardKind::ColorChecker24, card_corners()).unwrap();
        assert_eq!(fit.patches.len(), 24);
        assert_eq!(fit.turned, 0);
        // The fit undoes the cast: M · CAST ≈ identity on the colours the chart spans.
        let undone = colour::mat_mul(&fit.matrix, &CAST);
        for (r, row) in undone.iter().enumerate() {
            for (c, v) in row.iter().enumerate() {
                let want = if r == c { 1.0 } else { 0.0 };
                assert!((v - want).abs() < 0.03, "{undone:?}");
            }
        }
        // 8-bit rounding and cyan outside sRGB leave small residuals.
        assert!(fit.mean_residual() < 1.0, "{:?}", fit.patches);
        let skin = &fit.patches[1];
        assert_eq!(skin.name, "light skin");
        assert!(skin.residual < 1.0);
        // Without correction the cast is far off.
        let raw = colour::ciede2000(
            colour::linear_to_lab(skin.measured),
            colour::linear_to_lab(skin.reference),
        );
        assert!(raw > 5.0, "{raw}");
    }

    #[test]
    fn a_chart_marked_upside_down_is_recognised() {
        let mut image = render_skin(&SkinScene::new(900, 600, 4));
        draw_card(&mut image, CardKind::ColorChecker24, &card_corners(), &CAST);
        let mut marked = card_corners().0;
        marked.rotate_left(2);
        let fit = fit_card(&image, CardKind::ColorChecker24, Corners(marked)).unwrap();
        assert_eq!(fit.turned, 2);
        assert!(fit.mean_residual() < 1.0);
    }

    #[test]
    fn a_grey_card_sets_channel_gains() {
        let mut image = render_skin(&SkinScene::new(800, 600, 5));
        let gains = [[1.3, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 0.7]];
        draw_card(&mut image, CardKind::Grey, &card_corners(), &gains);
        let fit = fit_card(&image, CardKind::Grey, card_corners()).unwrap();
        assert!(
            (fit.matrix[0][0] - 1.0 / 1.3).abs() < 0.02,
            "{:?}",
            fit.matrix
        );
        assert!((fit.matrix[2][2] - 1.0 / 0.7).abs() < 0.03);
        assert!(fit.max_residual() < 0.5);
        let corrected = apply(&image, &fit.matrix);
        let p = corrected.get_pixel(600, 300).0;
        let q = image.get_pixel(600, 300).0;
        assert!(p[2] > q[2], "blue raised by the correction");
    }

    #[test]
    fn patch_quads_lie_where_the_patches_are_read() {
        let corners = Corners([[0.0, 0.0], [0.6, 0.0], [0.6, 0.4], [0.0, 0.4]]);
        let quads = patch_quads(CardKind::ColorChecker24, &corners);
        assert_eq!(quads.len(), 24);
        let (name, first) = &quads[0];
        assert_eq!(name, "dark skin");
        // The middle half of the top-left cell (0.1 × 0.1 of the card).
        assert!((first[0][0] - 0.025).abs() < 1e-12 && (first[0][1] - 0.025).abs() < 1e-12);
        assert!((first[2][0] - 0.075).abs() < 1e-12 && (first[2][1] - 0.075).abs() < 1e-12);
        assert_eq!(patch_quads(CardKind::Grey, &corners).len(), 4);
    }

    #[test]
    fn marking_skin_instead_of_a_card_is_refused() {
        let image = render_skin(&SkinScene::new(800, 600, 6));
        let err = fit_card(&image, CardKind::ColorChecker24, card_corners()).unwrap_err();
        assert!(
            matches!(err, CardError::PoorFit(_) | CardError::NoContrast),
            "{err}"
        );
        let outside = Corners([[0.4, 0.3], [0.9, 0.3], [0.9, 0.6], [0.4, 0.6]]);
        assert_eq!(
            fit_card(&image, CardKind::Grey, outside),
            Err(CardError::OutsidePhoto)
        );
    }
}

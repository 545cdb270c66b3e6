//! Colour maths for measuring skin: sRGB → CIE XYZ → CIELAB, CIEDE2000, ITA°, and the
//! erythema and melanin indices. Pure functions; checked against colour-science and Sharma's
//! published CIEDE2000 pairs (tests below and `tests/data/colour/`).
//!
//! Conventions, so numbers can be compared with other tools:
//! - sRGB as IEC 61966-2-1:1999: the piecewise transfer function (linear below 0.04045,
//!   else ((V + 0.055) / 1.055)^2.4) and the standard's own four-decimal RGB → XYZ matrix
//!   [`SRGB_TO_XYZ`] (the one colour-science uses for sRGB).
//! - CIELAB (CIE 15:2004) relative to D65 of the CIE 1931 2° observer, chromaticity
//!   x = 0.3127, y = 0.3290, so Xn = 0.950456, Yn = 1, Zn = 1.089058; with the exact CIE
//!   constants ε = 216/24389 and κ = 24389/27.
//! - D50 references (colour checker charts) are adapted to D65 with the Bradford transform.

// Colour maths: L, a, b, x, y, z, h read as in the formulas they implement.
#![allow(clippy::many_single_char_names)]

use std::sync::OnceLock;

/// A 3×3 matrix, rows first.
pub type Mat3 = [[f64; 3]; 3];

/// IEC 61966-2-1 linear sRGB → CIE XYZ (D65, Y of white = 1).
pub const SRGB_TO_XYZ: Mat3 = [
    [0.4124, 0.3576, 0.1805],
    [0.2126, 0.7152, 0.0722],
    [0.0193, 0.1192, 0.9505],
];

/// CIE 1931 2° chromaticities of the white points.
pub const D65_XY: [f64; 2] = [0.3127, 0.3290];
/// D50 as ICC profiles and colour checker data use it.
pub const D50_XY: [f64; 2] = [0.3457, 0.3585];

/// The Bradford cone-response matrix (Lam 1985), for chromatic adaptation.
const BRADFORD: Mat3 = [
    [0.8951, 0.2664, -0.1614],
    [-0.7502, 1.7135, 0.0367],
    [0.0389, -0.0685, 1.0296],
];

/// XYZ of a white point with Y = 1.
pub fn white_xyz([x, y]: [f64; 2]) -> [f64; 3] {
    [x / y, 1.0, (1.0 - x - y) / y]
}

pub fn mul(m: &Mat3, v: [f64; 3]) -> [f64; 3] {
    [0, 1, 2].map(|r| m[r][0] * v[0] + m[r][1] * v[1] + m[r][2] * v[2])
}

pub fn mat_mul(a: &Mat3, b: &Mat3) -> Mat3 {
    [0, 1, 2].map(|r| [0, 1, 2].map(|c| (0..3).map(|k| a[r][k] * b[k][c]).sum()))
}

/// The inverse of `m`, or `None` when it is (nearly) singular.
pub fn invert(m: &Mat3) -> Option<Mat3> {
    let cof = |r: usize, c: usize| {
        let (r1, r2) = ((r + 1) % 3, (r + 2) % 3);
        let (c1, c2) = ((c + 1) % 3, (c + 2) % 3);
        m[r1][c1] * m[r2][c2] - m[r1][c2] * m[r2][c1]
    };
    let det = m[0][0] * cof(0, 0) + m[0][1] * cof(0, 1) + m[0][2] * cof(0, 2);
    if det.abs() < 1e-12 {
        return None;
    }
    // The inverse is the transposed cofactor matrix over the determinant.
    Some([0, 1, 2].map(|r| [0, 1, 2].map(|c| cof(c, r) / det)))
}

/// CIE XYZ (D65) → linear sRGB: the inverse of [`SRGB_TO_XYZ`].
pub fn xyz_to_srgb_matrix() -> &'static Mat3 {
    static M: OnceLock<Mat3> = OnceLock::new();
    M.get_or_init(|| invert(&SRGB_TO_XYZ).expect("the sRGB matrix is invertible"))
}

fn decode_exact(v: f64) -> f64 {
    if v <= 0.040_45 {
        v / 12.92
    } else {
        ((v + 0.055) / 1.055).powf(2.4)
    }
}

/// An 8-bit sRGB value as linear light, 0–1 (a table: this runs per pixel).
pub fn decode(c: u8) -> f64 {
    static TABLE: OnceLock<[f64; 256]> = OnceLock::new();
    TABLE.get_or_init(|| std::array::from_fn(|i| decode_exact(i as f64 / 255.0)))[c as usize]
}

/// Linear light (clipped to 0–1) as an 8-bit sRGB value.
pub fn encode(v: f64) -> u8 {
    let v = v.clamp(0.0, 1.0);
    let e = if v <= 0.003_130_8 {
        12.92 * v
    } else {
        1.055 * v.powf(1.0 / 2.4) - 0.055
    };
    (e * 255.0).round() as u8
}

pub fn linear([r, g, b]: [u8; 3]) -> [f64; 3] {
    [decode(r), decode(g), decode(b)]
}

const EPSILON: f64 = 216.0 / 24_389.0;
const KAPPA: f64 = 24_389.0 / 27.0;

/// CIE XYZ → CIELAB relative to `white` (XYZ of the white, Y = 1).
pub fn xyz_to_lab(xyz: [f64; 3], white: [f64; 3]) -> [f64; 3] {
    let f = |t: f64| {
        if t > EPSILON {
            t.cbrt()
        } else {
            (KAPPA * t + 16.0) / 116.0
        }
    };
    let [fx, fy, fz] = [0, 1, 2].map(|i| f(xyz[i] / white[i]));
    [116.0 * fy - 16.0, 500.0 * (fx - fy), 200.0 * (fy - fz)]
}

/// CIELAB → CIE XYZ relative to `white`.
pub fn lab_to_xyz([l, a, b]: [f64; 3], white: [f64; 3]) -> [f64; 3] {
    let fy = (l + 16.0) / 116.0;
    let (fx, fz) = (fy + a / 500.0, fy - b / 200.0);
    let inv = |f: f64| {
        let c = f * f * f;
        if c > EPSILON {
            c
        } else {
            (116.0 * f - 16.0) / KAPPA
        }
    };
    let y = if l > KAPPA * EPSILON {
        fy * fy * fy
    } else {
        l / KAPPA
    };
    [inv(fx) * white[0], y * white[1], inv(fz) * white[2]]
}

fn d65() -> [f64; 3] {
    white_xyz(D65_XY)
}

/// Linear sRGB → CIELAB (D65).
pub fn linear_to_lab(rgb: [f64; 3]) -> [f64; 3] {
    xyz_to_lab(mul(&SRGB_TO_XYZ, rgb), d65())
}

/// CIELAB (D65) → linear sRGB (not clipped: colours outside sRGB go below 0 or above 1).
pub fn lab_to_linear(lab: [f64; 3]) -> [f64; 3] {
    mul(xyz_to_srgb_matrix(), lab_to_xyz(lab, d65()))
}

/// 8-bit sRGB → CIELAB (D65).
pub fn lab(rgb: [u8; 3]) -> [f64; 3] {
    linear_to_lab(linear(rgb))
}

/// Bradford adaptation of XYZ seen under `from` to the corresponding colour under `to`.
pub fn adapt(xyz: [f64; 3], from: [f64; 2], to: [f64; 2]) -> [f64; 3] {
    let (src, dst) = (
        mul(&BRADFORD, white_xyz(from)),
        mul(&BRADFORD, white_xyz(to)),
    );
    let cone = mul(&BRADFORD, xyz);
    let scaled = [0, 1, 2].map(|i| cone[i] * dst[i] / src[i]);
    mul(
        &invert(&BRADFORD).expect("the Bradford matrix is invertible"),
        scaled,
    )
}

/// A CIELAB colour measured relative to D50 (as colour checker data are published) as
/// linear sRGB (D65), through the Bradford transform.
pub fn lab_d50_to_linear(lab: [f64; 3]) -> [f64; 3] {
    let xyz = adapt(lab_to_xyz(lab, white_xyz(D50_XY)), D50_XY, D65_XY);
    mul(xyz_to_srgb_matrix(), xyz)
}

/// CIEDE2000 colour difference with kL = kC = kH = 1 (CIE 142-2001), implemented after
/// G. Sharma, W. Wu, E. N. Dalal (2005), Color Res. Appl. 30(1):21–30, including their notes
/// on hue angles when a chroma is zero and on the mean hue across 0°/360°.
pub fn ciede2000(lab1: [f64; 3], lab2: [f64; 3]) -> f64 {
    let [l1, a1, b1] = lab1;
    let [l2, a2, b2] = lab2;
    let c_mean = f64::midpoint(a1.hypot(b1), a2.hypot(b2));
    let c7 = c_mean.powi(7);
    let g = 0.5 * (1.0 - (c7 / (c7 + 25f64.powi(7))).sqrt());
    let (a1p, a2p) = ((1.0 + g) * a1, (1.0 + g) * a2);
    let (c1p, c2p) = (a1p.hypot(b1), a2p.hypot(b2));
    let hue = |b: f64, a: f64| {
        if b == 0.0 && a == 0.0 {
            0.0
        } else {
            b.atan2(a).to_degrees().rem_euclid(360.0)
        }
    };
    let (h1p, h2p) = (hue(b1, a1p), hue(b2, a2p));
    let dl = l2 - l1;
    let dc = c2p - c1p;
    let dh = if c1p * c2p == 0.0 {
        0.0
    } else if (h2p - h1p).abs() <= 180.0 {
        h2p - h1p
    } else if h2p - h1p > 180.0 {
        h2p - h1p - 360.0
    } else {
        h2p - h1p + 360.0
    };
    let dh_big = 2.0 * (c1p * c2p).sqrt() * (dh.to_radians() / 2.0).sin();
    let l_mean = f64::midpoint(l1, l2);
    let cp_mean = f64::midpoint(c1p, c2p);
    let hp_mean = if c1p * c2p == 0.0 {
        h1p + h2p
    } else if (h1p - h2p).abs() <= 180.0 {
        f64::midpoint(h1p, h2p)
    } else if h1p + h2p < 360.0 {
        (h1p + h2p + 360.0) / 2.0
    } else {
        (h1p + h2p - 360.0) / 2.0
    };
    let t = 1.0 - 0.17 * (hp_mean - 30.0).to_radians().cos()
        + 0.24 * (2.0 * hp_mean).to_radians().cos()
        + 0.32 * (3.0 * hp_mean + 6.0).to_radians().cos()
        - 0.20 * (4.0 * hp_mean - 63.0).to_radians().cos();
    let d_theta = 30.0 * (-((hp_mean - 275.0) / 25.0).powi(2)).exp();
    let cp7 = cp_mean.powi(7);
    let rc = 2.0 * (cp7 / (cp7 + 25f64.powi(7))).sqrt();
    let l50 = (l_mean - 50.0).powi(2);
    let sl = 1.0 + 0.015 * l50 / (20.0 + l50).sqrt();
    let sc = 1.0 + 0.045 * cp_mean;
    let sh = 1.0 + 0.015 * cp_mean * t;
    let rt = -(2.0 * d_theta).to_radians().sin() * rc;
    let (tl, tc, th) = (dl / sl, dc / sc, dh_big / sh);
    (tl * tl + tc * tc + th * th + rt * tc * th).sqrt()
}

/// The individual typology angle, ITA° = arctan((L* − 50) / b*) · 180/π (Chardon, Cretois &
/// Hourseau 1991, Int. J. Cosmet. Sci. 13:191–208). Computed with `atan2` so b* ≤ 0 (never
/// seen on skin) gives a defined angle rather than a division by zero.
pub fn ita_degrees([l, _, b]: [f64; 3]) -> f64 {
    (l - 50.0).atan2(b).to_degrees()
}

/// Reflectances below this count as this (a black pixel has no defined log reflectance).
const MIN_REFLECTANCE: f64 = 1.0 / 4096.0;

/// Erythema (redness) index of linear RGB treated as reflectances:
/// EI = 100 · (log10(1/G) − log10(1/R)) = 100 · log10(R/G), after Diffey, Oliver & Farr
/// (1984), Br. J. Dermatol. 111:663–672, as applied to calibrated RGB images (e.g. Yamamoto
/// et al. 2008, Skin Res. Technol. 14:26–34). Meaningful in relative terms: compare regions
/// of one photo, or photos corrected with a reference card.
pub fn erythema_index([r, g, _]: [f64; 3]) -> f64 {
    100.0 * (r.max(MIN_REFLECTANCE) / g.max(MIN_REFLECTANCE)).log10()
}

/// Melanin index of linear RGB treated as reflectances: MI = 100 · log10(1/R) (Diffey, Oliver
/// & Farr 1984, as above): red light is absorbed by melanin, little by haemoglobin.
pub fn melanin_index([r, _, _]: [f64; 3]) -> f64 {
    100.0 * (1.0 / r.max(MIN_REFLECTANCE)).log10()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transfer_function_and_matrices_round_trip() {
        for c in 0..=255u8 {
            assert_eq!(encode(decode(c)), c);
        }
        let i = mat_mul(&SRGB_TO_XYZ, xyz_to_srgb_matrix());
        for (r, row) in i.iter().enumerate() {
            for (c, v) in row.iter().enumerate() {
                assert!((v - f64::from(u8::from(r == c))).abs() < 1e-12);
            }
        }
        let lab = [52.0, 18.5, 16.0];
        let back = linear_to_lab(lab_to_linear(lab));
        assert!(lab.iter().zip(back).all(|(a, b)| (a - b).abs() < 1e-9));
        assert!(invert(&[[1.0, 2.0, 3.0], [2.0, 4.0, 6.0], [0.0, 0.0, 1.0]]).is_none());
        // White under D50 adapts to white under D65.
        let w = adapt(white_xyz(D50_XY), D50_XY, D65_XY);
        assert!(
            w.iter()
                .zip(white_xyz(D65_XY))
                .all(|(a, b)| (a - b).abs() < 1e-9)
        );
    }

    #[test]
    fn ciede2000_is_symmetric_and_zero_for_equal_colours() {
        let (p, q) = ([50.0, 2.5, 0.0], [73.0, 25.0, -18.0]);
        assert!((ciede2000(p, q) - ciede2000(q, p)).abs() < 1e-12);
        assert!(ciede2000(p, p).abs() < 1e-12);
    }

    #[test]
    fn indices_rise_with_redness_and_darkness() {
        let skin = linear([224, 172, 140]);
        let redder = linear([234, 160, 140]);
        let darker = linear([141, 85, 60]);
        assert!(erythema_index(redder) > erythema_index(skin));
        assert!(melanin_index(darker) > melanin_index(skin));
        assert!(erythema_index([0.0, 0.0, 0.0]).is_finite());
        assert!((melanin_index([1.0, 1.0, 1.0])).abs() < 1e-12);
    }
}

#[cfg(test)]
mod reference_tests {
    //! Against references computed elsewhere: `tests/data/colour/` (see its README section).
    use super::*;

    fn rows(text: &str) -> impl Iterator<Item = Vec<f64>> + '_ {
        text.lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
            .filter_map(|l| {
                l.split([',', ' '])
                    .filter(|s| !s.is_empty())
                    .map(str::parse)
                    .collect::<Result<Vec<f64>, _>>()
                    .ok()
            })
    }

    #[test]
    fn srgb_to_lab_matches_colour_science_within_0_05() {
        let data = include_str!("../../tests/data/colour/srgb_lab.csv");
        let mut n = 0;
        for row in rows(data) {
            let rgb = [row[0] as u8, row[1] as u8, row[2] as u8];
            let ours = lab(rgb);
            for i in 0..3 {
                assert!(
                    (ours[i] - row[3 + i]).abs() < 0.05,
                    "{rgb:?}: ours {ours:?}, colour-science {:?}",
                    &row[3..]
                );
            }
            n += 1;
        }
        assert_eq!(n, 45, "every test colour was read");
    }

    #[test]
    fn ciede2000_matches_sharmas_34_pairs_within_1e_4() {
        let data = include_str!("../../tests/data/colour/sharma_ciede2000.txt");
        let mut n = 0;
        for row in rows(data) {
            let de = ciede2000([row[0], row[1], row[2]], [row[3], row[4], row[5]]);
            assert!(
                (de - row[6]).abs() < 1e-4,
                "pair {}: {de} against {}",
                n + 1,
                row[6]
            );
            n += 1;
        }
        assert_eq!(n, 34);
    }

    #[test]
    fn colour_checker_references_adapt_to_d65_as_colour_science_does() {
        let data = include_str!("../../tests/data/colour/colorchecker24.csv");
        let mut n = 0;
        for line in data.lines().skip(1) {
            let cells: Vec<&str> = line.split(',').collect();
            let num = |i: usize| cells[i].parse::<f64>().unwrap();
            let published = [num(2), num(3), num(4)];
            let ours = lab_d50_to_linear(published);
            for i in 0..3 {
                assert!((ours[i] - num(5 + i)).abs() < 2e-4, "{line}: {ours:?}");
            }
            let lab65 = linear_to_lab(ours);
            assert!(ciede2000(lab65, [num(8), num(9), num(10)]) < 0.01, "{line}");
            n += 1;
        }
        assert_eq!(n, 24);
    }

    #[test]
    fn ita_of_known_lab_values_is_exact() {
        // arctan((L* − 50)/b*): L* = 50 lies on the b* axis (0°); L* − 50 = b* is 45°.
        assert!(ita_degrees([50.0, 12.0, 20.0]).abs() < 1e-12);
        assert!((ita_degrees([70.0, 10.0, 20.0]) - 45.0).abs() < 1e-12);
        assert!((ita_degrees([30.0, 10.0, 20.0]) + 45.0).abs() < 1e-12);
        // Light skin as the ColorChecker publishes it (L* 64.66, b* 17.50, D50):
        // arctan(14.66 / 17.5) = 39.95339°.
        assert!((ita_degrees([64.66, 19.27, 17.50]) - 39.953_389_38).abs() < 1e-8);
        // 60° exactly: L* − 50 = √3 · b*.
        let b = 10.0;
        assert!((ita_degrees([50.0 + 3f64.sqrt() * b, 0.0, b]) - 60.0).abs() < 1e-12);
    }
}

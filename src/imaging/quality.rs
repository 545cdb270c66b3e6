//! How comparable two photos are, from their pixels: mean colour (CIE L*a*b*) of the aligned
//! overlap and sharpness (variance of the Laplacian) in the same frame.

// Image maths: x, y, w, h, a, b, p read as in the formulas they implement.
#![allow(clippy::many_single_char_names)]

use super::align::Gray;
pub use super::colour::lab;
use super::derive::resize_to_fit;
use crate::model::Similarity;
use crate::model::compare::PairQuality;
use crate::model::fairest::PhotoTraits;
use crate::model::transform::{from_normalised, to_normalised};
use image::RgbImage;

/// Long edge the measurements are taken at.
const EDGE: u32 = 512;

/// Variance of the 4-neighbour Laplacian over the pixels where `inside`.
fn laplacian_variance(g: &Gray, inside: &[bool]) -> f64 {
    let (w, h) = (g.width, g.height);
    let (mut n, mut sum, mut sq) = (0.0f64, 0.0f64, 0.0f64);
    for y in 1..h.saturating_sub(1) {
        for x in 1..w.saturating_sub(1) {
            let k = y * w + x;
            if !(inside[k] && inside[k - 1] && inside[k + 1] && inside[k - w] && inside[k + w]) {
                continue;
            }
            let l =
                f64::from(g.px[k - 1] + g.px[k + 1] + g.px[k - w] + g.px[k + w] - 4.0 * g.px[k]);
            n += 1.0;
            sum += l;
            sq += l * l;
        }
    }
    if n < 1.0 {
        return 0.0;
    }
    sq / n - (sum / n).powi(2)
}

/// Measures A and B (through `transform`, B → A) where they overlap, at 512 px.
pub fn pair_quality(a: &RgbImage, b: &RgbImage, transform: &Similarity) -> PairQuality {
    let a = resize_to_fit(a, EDGE);
    let b = resize_to_fit(b, EDGE);
    let (aw, ah) = a.dimensions();
    let (bw, bh) = b.dimensions();
    let inverse = transform.inverse();
    let mut warped = RgbImage::new(aw, ah);
    let mut inside = vec![false; (aw * ah) as usize];
    let (mut sum_a, mut sum_b, mut n) = ([0.0f64; 3], [0.0f64; 3], 0.0f64);
    for y in 0..ah {
        for x in 0..aw {
            let q = to_normalised([f64::from(x) + 0.5, f64::from(y) + 0.5], aw, ah);
            let [bx, by] = from_normalised(inverse.apply(q), bw, bh);
            if bx < 0.0 || by < 0.0 || bx >= f64::from(bw) || by >= f64::from(bh) {
                continue;
            }
            // Nearest pixel: means and the Laplacian do not need more.
            let pb = b.get_pixel(bx as u32, by as u32).0;
            let pa = a.get_pixel(x, y).0;
            warped.put_pixel(x, y, image::Rgb(pb));
            inside[(y * aw + x) as usize] = true;
            let (la, lb) = (lab(pa), lab(pb));
            for c in 0..3 {
                sum_a[c] += la[c];
                sum_b[c] += lb[c];
            }
            n += 1.0;
        }
    }
    let mean = |s: [f64; 3]| s.map(|v| if n > 0.0 { v / n } else { 0.0 });
    PairQuality {
        lab_a: mean(sum_a),
        lab_b: mean(sum_b),
        sharpness_a: laplacian_variance(&Gray::from_rgb(&a), &inside),
        sharpness_b: laplacian_variance(&Gray::from_rgb(&warped), &inside),
        overlap: n / f64::from(aw * ah),
    }
}

/// Mean L*a*b* and sharpness of one photo at 512 px, inside `region` (a polygon in normalised
/// coordinates, e.g. the face's outline) when given, else over the whole photo: what the
/// fairest-pair ranking compares photos by.
pub fn photo_traits(image: &RgbImage, region: Option<&[[f64; 2]]>) -> PhotoTraits {
    let small = resize_to_fit(image, EDGE);
    let (w, h) = small.dimensions();
    let inside: Vec<bool> = match region {
        Some(polygon) => {
            let px: Vec<[f64; 2]> = polygon
                .iter()
                .map(|p| {
                    let [x, y] = from_normalised(*p, w, h);
                    [x - 0.5, y - 0.5]
                })
                .collect();
            super::align::fill_polygon(&px, w as usize, h as usize)
        }
        None => vec![true; (w * h) as usize],
    };
    let (mut sum, mut n) = ([0.0f64; 3], 0.0f64);
    for (i, p) in small.pixels().enumerate() {
        if inside[i] {
            let l = lab(p.0);
            for c in 0..3 {
                sum[c] += l[c];
            }
            n += 1.0;
        }
    }
    PhotoTraits {
        lab: (n > 0.0).then(|| sum.map(|v| v / n)),
        sharpness: (n > 0.0).then(|| laplacian_variance(&Gray::from_rgb(&small), &inside)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::imaging::synth::{SkinScene, render_skin};

    #[test]
    fn lab_of_reference_colours() {
        let white = lab([255, 255, 255]);
        assert!((white[0] - 100.0).abs() < 0.01 && white[1].abs() < 0.01 && white[2].abs() < 0.01);
        assert!(lab([0, 0, 0])[0].abs() < 1e-9);
        let red = lab([255, 0, 0]);
        assert!(
            (red[0] - 53.24).abs() < 0.05 && (red[1] - 80.09).abs() < 0.1,
            "{red:?}"
        );
    }

    #[test]
    fn darker_light_and_blur_are_measured() {
        let skin = render_skin(&SkinScene::new(400, 300, 5));
        let same = pair_quality(&skin, &skin, &Similarity::IDENTITY);
        assert!(same.delta_e() < 1e-9 && (same.overlap - 1.0).abs() < 1e-9);
        assert!((same.sharpness_b / same.sharpness_a - 1.0).abs() < 1e-6);
        let mut darker = skin.clone();
        for p in darker.pixels_mut() {
            p.0 = p.0.map(|c| (f32::from(c) * 0.8) as u8);
        }
        let q = pair_quality(&skin, &darker, &Similarity::IDENTITY);
        assert!(q.lab_b[0] < q.lab_a[0] - 5.0, "{q:?}");
        assert!(q.delta_e() > 5.0);
        let blurred = image::imageops::blur(&skin, 2.0);
        let q = pair_quality(&skin, &blurred, &Similarity::IDENTITY);
        assert!(q.sharpness_b < 0.5 * q.sharpness_a, "{q:?}");
    }
}

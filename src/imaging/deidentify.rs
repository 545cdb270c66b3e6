//! De-identifying pixels: a solid band over the eyes, placed with the face's landmarks.
//! Pure; used by every image export (`jobs::export`) and meant for the PDF report and the
//! time-lapse too: call [`cover_eyes`] on each photo's pixels *before* warping or composing,
//! with the landmarks of that photo.

use crate::model::face::{FaceLandmarks, idx};
use crate::model::transform::from_normalised;
use image::{Rgb, RgbImage};

/// The band's colour: black, so no detail survives compression or a contrast boost.
pub const BAND_COLOUR: Rgb<u8> = Rgb([0, 0, 0]);
/// The band reaches this far past each outer eye corner, in eye spans.
const BAND_OVERHANG: f64 = 0.3;
/// Its height, in eye spans (eyebrows to upper cheek).
const BAND_HEIGHT: f64 = 0.5;

/// The band over the eyes as a quadrilateral in pixels of a `width`×`height` image (corners
/// in order), along the line through the outer eye corners, centred on the eyes.
pub fn eye_band(face: &FaceLandmarks, width: u32, height: u32) -> [[f64; 2]; 4] {
    let px = |i: usize| from_normalised(face.xy(i), width, height);
    let (r, l) = (px(idx::RIGHT_EYE_OUTER), px(idx::LEFT_EYE_OUTER));
    // The eyes' centre: the lids' midpoints, so a band follows eyes that sit low or high.
    let lids = [
        px(idx::RIGHT_EYE_UPPER),
        px(idx::RIGHT_EYE_LOWER),
        px(idx::LEFT_EYE_UPPER),
        px(idx::LEFT_EYE_LOWER),
    ];
    let centre = [
        lids.iter().map(|p| p[0]).sum::<f64>() / 4.0,
        lids.iter().map(|p| p[1]).sum::<f64>() / 4.0,
    ];
    let span = (l[0] - r[0]).hypot(l[1] - r[1]).max(1.0);
    let along = [(l[0] - r[0]) / span, (l[1] - r[1]) / span];
    let across = [-along[1], along[0]];
    let half_len = span * (0.5 + BAND_OVERHANG);
    let half_h = span * BAND_HEIGHT / 2.0;
    let corner = |a: f64, b: f64| {
        [
            centre[0] + along[0] * a + across[0] * b,
            centre[1] + along[1] * a + across[1] * b,
        ]
    };
    [
        corner(-half_len, -half_h),
        corner(half_len, -half_h),
        corner(half_len, half_h),
        corner(-half_len, half_h),
    ]
}

/// Paints the band over the eyes of `face` (landmarks of this photo) onto `image`.
pub fn cover_eyes(image: &mut RgbImage, face: &FaceLandmarks) {
    let (width, height) = image.dimensions();
    let band = eye_band(face, width, height);
    let (top, bottom) = band.iter().fold((f64::MAX, f64::MIN), |(lo, hi), p| {
        (lo.min(p[1]), hi.max(p[1]))
    });
    let first = top.floor().max(0.0) as u32;
    let last = (bottom.ceil().max(0.0) as u32).min(height);
    for y in first..last {
        let yc = f64::from(y) + 0.5;
        // Where the row crosses the band's edges.
        let mut xs: Vec<f64> = (0..4)
            .filter_map(|i| {
                let (a, b) = (band[i], band[(i + 1) % 4]);
                ((a[1] > yc) != (b[1] > yc))
                    .then(|| a[0] + (yc - a[1]) / (b[1] - a[1]) * (b[0] - a[0]))
            })
            .collect();
        xs.sort_by(f64::total_cmp);
        for pair in xs.chunks_exact(2) {
            let from = pair[0].floor().max(0.0) as u32;
            let to = (pair[1].ceil().max(0.0) as u32).min(width);
            for x in from..to {
                image.put_pixel(x, y, BAND_COLOUR);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::face::tests::face_with;

    fn face() -> FaceLandmarks {
        // Eyes 0.1 apart (102 px on a 1024-px image), level, above the centre.
        face_with(&[
            (idx::RIGHT_EYE_OUTER, [-0.05, -0.1, 0.0]),
            (idx::LEFT_EYE_OUTER, [0.05, -0.1, 0.0]),
            (idx::RIGHT_EYE_UPPER, [-0.03, -0.105, 0.0]),
            (idx::RIGHT_EYE_LOWER, [-0.03, -0.095, 0.0]),
            (idx::LEFT_EYE_UPPER, [0.03, -0.105, 0.0]),
            (idx::LEFT_EYE_LOWER, [0.03, -0.095, 0.0]),
        ])
    }

    #[test]
    fn the_band_covers_both_eyes_and_nothing_far_from_them() {
        let mut image = RgbImage::from_pixel(1024, 768, Rgb([200, 160, 140]));
        cover_eyes(&mut image, &face());
        let at = |x: f64, y: f64| {
            let [px, py] = from_normalised([x, y], 1024, 768);
            *image.get_pixel(px as u32, py as u32)
        };
        for eye in [-0.05, -0.03, 0.0, 0.03, 0.05] {
            assert_eq!(at(eye, -0.1), BAND_COLOUR, "eye at {eye}");
        }
        assert_ne!(at(0.0, 0.0), BAND_COLOUR, "the nose stays visible");
        assert_ne!(at(0.2, -0.1), BAND_COLOUR, "beyond the temples");
    }
}

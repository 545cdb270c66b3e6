//! Measuring a region of a photo: CIELAB means and spread, ITA°, erythema and melanin
//! indices, and the lesion against its surrounding skin. The region lives in the normalised
//! frame of the photo it was drawn on; each pixel of the photo being measured is mapped into
//! that frame, so one region follows the skin through every aligned photo of a series.

// Geometry: x, y, w, h, u, v read as in the formulas they implement.
#![allow(clippy::many_single_char_names)]
use super::colour::{self, Mat3};
use crate::model::measure::{
    ColourStats, Contrast, METHOD_VERSION, Measurement, Region, RegionError, SpotThreshold,
    ToRegion,
};
use crate::model::transform::{from_normalised, to_normalised};
use image::RgbImage;

/// Regions with more pixels than this are sampled on a regular grid: the statistics of a
/// million pixels do not move when more are added, and the time stays bounded.
pub const MAX_SAMPLES: u64 = 1 << 20;

/// What to measure and how.
#[derive(Clone, Debug)]
pub struct MeasureSpec<'a> {
    pub region: &'a Region,
    /// The photo's normalised coordinates → the region's frame.
    pub to_region: ToRegion,
    /// Linear-RGB correction from a reference card, applied to every pixel first.
    pub correction: Option<&'a Mat3>,
    pub threshold: SpotThreshold,
}

#[derive(Default)]
struct Accumulator {
    n: u64,
    linear: [f64; 3],
    /// Sums of L*a*b* and of their squares, taken about the first pixel's value so the
    /// variance does not cancel catastrophically on near-uniform skin.
    origin: [f64; 3],
    lab: [f64; 3],
    lab_sq: [f64; 3],
}

impl Accumulator {
    fn add(&mut self, lin: [f64; 3], lab: [f64; 3]) {
        if self.n == 0 {
            self.origin = lab;
        }
        self.n += 1;
        for i in 0..3 {
            let d = lab[i] - self.origin[i];
            self.linear[i] += lin[i];
            self.lab[i] += d;
            self.lab_sq[i] += d * d;
        }
    }

    /// Adds what `other` summed (about its own first pixel) to these sums.
    fn merge(&mut self, other: &Self) {
        if other.n == 0 {
            return;
        }
        if self.n == 0 {
            *self = Self { ..*other };
            return;
        }
        let n2 = other.n as f64;
        for i in 0..3 {
            // The other's sums re-expressed about this origin: d' = d + delta.
            let delta = other.origin[i] - self.origin[i];
            self.linear[i] += other.linear[i];
            self.lab_sq[i] += other.lab_sq[i] + 2.0 * delta * other.lab[i] + n2 * delta * delta;
            self.lab[i] += other.lab[i] + n2 * delta;
        }
        self.n += other.n;
    }

    fn stats(&self) -> Option<ColourStats> {
        if self.n == 0 {
            return None;
        }
        let n = self.n as f64;
        let shift = self.lab.map(|s| s / n);
        let lab_sd = [0, 1, 2].map(|i| (self.lab_sq[i] / n - shift[i] * shift[i]).max(0.0).sqrt());
        let lab = [0, 1, 2].map(|i| self.origin[i] + shift[i]);
        let linear = self.linear.map(|s| s / n);
        Some(ColourStats {
            ita_deg: colour::ita_degrees(lab),
            erythema_index: colour::erythema_index(linear),
            melanin_index: colour::melanin_index(linear),
            lab,
            lab_sd,
            pixels: self.n,
        })
    }
}

/// The pixel box (x0, y0, x1, y1; exclusive ends) holding the region in the photo.
fn pixel_bounds(image: &RgbImage, spec: &MeasureSpec<'_>) -> Option<(u32, u32, u32, u32)> {
    let (w, h) = image.dimensions();
    let [a, b, c, d] = spec.region.bounds();
    let back = spec.to_region.inverse();
    let corners = [[a, b], [c, b], [c, d], [a, d]].map(|p| from_normalised(back.apply(p), w, h));
    let min = |i: usize| corners.iter().map(|p| p[i]).fold(f64::INFINITY, f64::min);
    let max = |i: usize| {
        corners
            .iter()
            .map(|p| p[i])
            .fold(f64::NEG_INFINITY, f64::max)
    };
    let x0 = min(0).floor().max(0.0) as u32;
    let y0 = min(1).floor().max(0.0) as u32;
    let x1 = (max(0).ceil().max(0.0) as u32).min(w);
    let y1 = (max(1).ceil().max(0.0) as u32).min(h);
    (x1 > x0 && y1 > y0).then_some((x0, y0, x1, y1))
}

/// Measures `spec.region` in `image` (upright, colour-managed sRGB pixels).
pub fn measure(image: &RgbImage, spec: &MeasureSpec<'_>) -> Result<Measurement, RegionError> {
    spec.region.check()?;
    let (x0, y0, x1, y1) = pixel_bounds(image, spec).ok_or(RegionError::Outside)?;
    let area = u64::from(x1 - x0) * u64::from(y1 - y0);
    let stride = ((area as f64 / MAX_SAMPLES as f64).sqrt().ceil() as u32).max(1);
    let rows: Vec<u32> = (y0..y1).step_by(stride as usize).collect();
    let columns = (x0..x1).step_by(stride as usize);
    // Large regions are read in two halves at once (measuring runs on a worker, never on the
    // UI thread); the sums are merged, so the result does not depend on the split.
    let scan = |rows: &[u32]| scan_rows(image, spec, rows, columns.clone());
    let Part {
        lesion,
        surround,
        lesion_la,
    } = if rows.len() * columns.len() >= PARALLEL_FROM {
        let (first, second) = rows.split_at(rows.len() / 2);
        let (mut a, b) = std::thread::scope(|s| {
            let a = s.spawn(|| scan(first));
            let b = scan(second);
            (a.join().expect("a measuring thread panicked"), b)
        });
        a.lesion.merge(&b.lesion);
        a.surround.merge(&b.surround);
        a.lesion_la.extend(b.lesion_la);
        a
    } else {
        scan(&rows)
    };
    let region = lesion.stats().ok_or(RegionError::Outside)?;
    let contrast = surround.stats().map(|s| {
        let t = spec.threshold;
        let share = |hit: &dyn Fn(&[f32; 2]) -> bool| {
            lesion_la.iter().filter(|p| hit(p)).count() as f64 / lesion_la.len().max(1) as f64
        };
        let (l0, a0) = (s.lab[0], s.lab[1]);
        Contrast {
            delta_e2000: colour::ciede2000(region.lab, s.lab),
            darker_share: share(&|p| l0 - f64::from(p[0]) >= t.darker_l),
            redder_share: share(&|p| f64::from(p[1]) - a0 >= t.redder_a),
            surround: s,
            threshold: t,
        }
    });
    Ok(Measurement {
        region,
        contrast,
        corrected: spec.correction.is_some(),
        method_version: METHOD_VERSION,
    })
}

/// Regions with at least this many samples are read on two threads.
const PARALLEL_FROM: usize = 1 << 16;

/// What one run over some rows of a region summed.
#[derive(Default)]
struct Part {
    lesion: Accumulator,
    surround: Accumulator,
    /// L* and a* of each lesion pixel, for the spot shares once the surround's mean is known.
    lesion_la: Vec<[f32; 2]>,
}

fn scan_rows(
    image: &RgbImage,
    spec: &MeasureSpec<'_>,
    rows: &[u32],
    columns: std::iter::StepBy<std::ops::Range<u32>>,
) -> Part {
    let (w, h) = image.dimensions();
    let has_surround = spec.region.surround.is_some();
    let mut part = Part::default();
    for &y in rows {
        for x in columns.clone() {
            let p = spec.to_region.apply(to_normalised(
                [f64::from(x) + 0.5, f64::from(y) + 0.5],
                w,
                h,
            ));
            let in_lesion = spec.region.in_lesion(p);
            if !(in_lesion || (has_surround && spec.region.in_surround(p))) {
                continue;
            }
            let mut lin = colour::linear(image.get_pixel(x, y).0);
            if let Some(m) = spec.correction {
                lin = colour::mul(m, lin);
            }
            let lab = colour::linear_to_lab(lin);
            if in_lesion {
                part.lesion.add(lin, lab);
                if has_surround {
                    part.lesion_la.push([lab[0] as f32, lab[1] as f32]);
                }
            } else {
                part.surround.add(lin, lab);
            }
        }
    }
    part
}

/// A pixel rectangle of a photo (x, y, width, height, as oriented) as a region shape.
pub fn pixel_rect(
    x: u32,
    y: u32,
    width: u32,
    height: u32,
    image_w: u32,
    image_h: u32,
) -> crate::model::measure::Shape {
    let [nx, ny] = to_normalised([f64::from(x), f64::from(y)], image_w, image_h);
    let long = f64::from(image_w.max(image_h));
    crate::model::measure::Shape::Rect {
        x: nx,
        y: ny,
        w: f64::from(width) / long,
        h: f64::from(height) / long,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Similarity;
    use crate::model::measure::{ItaCategory, Shape, Surround};

    fn spec(region: &Region) -> MeasureSpec<'_> {
        MeasureSpec {
            region,
            to_region: Similarity::IDENTITY,
            correction: None,
            threshold: SpotThreshold::default(),
        }
    }

    /// Skin of one colour with a darker, redder spot of radius 20 at (100, 60).
    fn skin_with_spot() -> RgbImage {
        RgbImage::from_fn(200, 120, |x, y| {
            let (dx, dy) = (f64::from(x) - 100.0, f64::from(y) - 60.0);
            if dx.hypot(dy) < 20.0 {
                image::Rgb([170, 100, 80])
            } else {
                image::Rgb([224, 172, 140])
            }
        })
    }

    #[test]
    fn a_region_read_on_two_threads_gives_the_statistics_of_every_pixel() {
        // 400×300 = 120 000 samples: read in two halves, the halves' sums merged. The top
        // half is lighter than the bottom, so the halves' origins differ.
        let image = RgbImage::from_fn(400, 300, |x, y| {
            let base: u8 = if y < 150 { 215 } else { 150 };
            let wobble = ((x * 7 + y * 13) % 23) as u8;
            image::Rgb([base + wobble, base / 2 + wobble, base / 3 + (wobble / 2)])
        });
        const { assert!(400 * 300 >= PARALLEL_FROM) };
        let region = Region::plain(pixel_rect(0, 0, 400, 300, 400, 300));
        let m = measure(&image, &spec(&region)).unwrap();
        let labs: Vec<[f64; 3]> = image.pixels().map(|p| colour::lab(p.0)).collect();
        let n = labs.len() as f64;
        for c in 0..3 {
            let mean = labs.iter().map(|l| l[c]).sum::<f64>() / n;
            let sd = (labs.iter().map(|l| (l[c] - mean).powi(2)).sum::<f64>() / n).sqrt();
            assert!((m.region.lab[c] - mean).abs() < 1e-9, "{c}: {m:?}");
            assert!((m.region.lab_sd[c] - sd).abs() < 1e-9, "{c}: {m:?}");
        }
        assert_eq!(m.region.pixels, 120_000);
    }

    #[test]
    fn a_uniform_rectangle_measures_its_colour_exactly() {
        let image = skin_with_spot();
        let region = Region::plain(pixel_rect(0, 0, 40, 30, 200, 120));
        let m = measure(&image, &spec(&region)).unwrap();
        let want = colour::lab([224, 172, 140]);
        for ((mean, sd), want) in m.region.lab.iter().zip(m.region.lab_sd).zip(want) {
            assert!((mean - want).abs() < 1e-9);
            assert!(sd < 1e-6);
        }
        assert_eq!(m.region.pixels, 1200);
        assert!((m.region.ita_deg - colour::ita_degrees(want)).abs() < 1e-9);
        // L* 74.3, b* 23.8: arctan(24.3 / 23.8) ≈ 45.6°, light.
        assert_eq!(m.region.ita_category(), ItaCategory::Light);
        assert!(!m.corrected && m.contrast.is_none());
    }

    #[test]
    fn a_lesion_against_its_ring_gives_contrast_and_spot_area() {
        let image = skin_with_spot();
        let (w, h) = (200, 120);
        let centre = to_normalised([100.0, 60.0], w, h);
        // A lesion outline a little larger than the spot: most of it is spot.
        let region = Region {
            shape: Shape::Ellipse {
                cx: centre[0],
                cy: centre[1],
                rx: 25.0 / 200.0,
                ry: 25.0 / 200.0,
            },
            surround: Some(Surround::Ring { scale: 2.0 }),
        };
        let m = measure(&image, &spec(&region)).unwrap();
        let c = m.contrast.expect("a surround was given");
        let skin = colour::lab([224, 172, 140]);
        assert!(
            c.surround
                .lab
                .iter()
                .zip(skin)
                .all(|(a, b)| (a - b).abs() < 1e-9)
        );
        assert!(c.delta_e2000 > 10.0, "{c:?}");
        // The spot covers (20/25)² = 64 % of the lesion outline.
        assert!((c.darker_share - 0.64).abs() < 0.03, "{c:?}");
        assert!((c.redder_share - c.darker_share).abs() < 1e-9);
        assert!(m.region.melanin_index > c.surround.melanin_index);
        assert!(m.region.erythema_index > c.surround.erythema_index);
    }

    #[test]
    fn a_region_follows_the_skin_through_the_alignment() {
        // The same spot in a photo shifted right by 30 px: the region drawn on the first
        // photo, measured in the second through the alignment, still finds it.
        let first = skin_with_spot();
        let mut second = RgbImage::from_pixel(200, 120, image::Rgb([224, 172, 140]));
        for (x, y, p) in first.enumerate_pixels() {
            if x + 30 < 200 {
                second.put_pixel(x + 30, y, *p);
            }
        }
        let c = to_normalised([100.0, 60.0], 200, 120);
        let region = Region::plain(Shape::Ellipse {
            cx: c[0],
            cy: c[1],
            rx: 0.09,
            ry: 0.09,
        });
        // Second → first: 30 px to the left.
        let to_first = Similarity {
            tx: -30.0 / 200.0,
            ..Similarity::IDENTITY
        };
        let aligned = measure(
            &second,
            &MeasureSpec {
                to_region: to_first,
                ..spec(&region)
            },
        )
        .unwrap();
        let unaligned = measure(&second, &spec(&region)).unwrap();
        let on_first = measure(&first, &spec(&region)).unwrap();
        assert!((aligned.region.lab[0] - on_first.region.lab[0]).abs() < 0.5);
        assert!(unaligned.region.lab[0] > on_first.region.lab[0] + 5.0);
    }

    #[test]
    fn a_correction_is_applied_and_said() {
        let image = RgbImage::from_pixel(50, 50, image::Rgb([200, 150, 120]));
        let region = Region::plain(pixel_rect(10, 10, 20, 20, 50, 50));
        let halve = [[0.5, 0.0, 0.0], [0.0, 0.5, 0.0], [0.0, 0.0, 0.5]];
        let plain = measure(&image, &spec(&region)).unwrap();
        let corrected = measure(
            &image,
            &MeasureSpec {
                correction: Some(&halve),
                ..spec(&region)
            },
        )
        .unwrap();
        assert!(corrected.corrected);
        assert!(corrected.region.lab[0] < plain.region.lab[0] - 10.0);
        // Halving reflectance adds 100·log10(2) to the melanin index, leaves erythema alone.
        let dm = corrected.region.melanin_index - plain.region.melanin_index;
        assert!((dm - 100.0 * 2f64.log10()).abs() < 1e-9);
        assert!((corrected.region.erythema_index - plain.region.erythema_index).abs() < 1e-9);
    }

    #[test]
    fn regions_outside_the_photo_or_empty_are_refused() {
        let image = skin_with_spot();
        let outside = Region::plain(Shape::Rect {
            x: 2.0,
            y: 2.0,
            w: 0.1,
            h: 0.1,
        });
        assert_eq!(measure(&image, &spec(&outside)), Err(RegionError::Outside));
        let empty = Region::plain(Shape::Rect {
            x: 0.0,
            y: 0.0,
            w: 0.0,
            h: 0.1,
        });
        assert_eq!(measure(&image, &spec(&empty)), Err(RegionError::Empty));
    }

    #[test]
    fn large_regions_are_sampled_not_skipped() {
        let image = RgbImage::from_pixel(1500, 1000, image::Rgb([180, 140, 120]));
        let region = Region::plain(pixel_rect(0, 0, 1500, 1000, 1500, 1000));
        let m = measure(&image, &spec(&region)).unwrap();
        assert!(m.region.pixels <= MAX_SAMPLES && m.region.pixels > MAX_SAMPLES / 3);
    }
}

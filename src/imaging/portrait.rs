//! Photo-like renders of a real portrait as it would be re-photographed over months: held
//! by hand (framing), the head turned a little (a cylinder model of the head), other light
//! (exposure, warmth, light from one side), another wall behind, and the skin changing
//! (pigment spots on the cheeks placed with the face's landmarks, redness after a session).
//! The demo library and the face benchmarks draw from here.

// Image maths: x, y, w, h, a, b, p read as in the formulas they implement.
#![allow(clippy::many_single_char_names)]

use crate::model::Similarity;
use crate::model::face::{FaceLandmarks, idx};
use crate::model::regions::{FacialRegion, contains};
use crate::model::transform::{from_normalised, to_normalised};
use image::{Rgb, RgbImage};

/// How one photo of the portrait is taken.
#[derive(Clone, Debug, PartialEq)]
pub struct PortraitLook {
    /// Maps this photo's normalised coordinates onto a straight-on photo's (hand-held).
    pub framing: Similarity,
    /// Head turned, degrees (positive: to the person's left, nose towards the photo's right).
    pub yaw_deg: f64,
    /// Mirror the portrait (a phone's front camera).
    pub mirrored: bool,
    pub exposure: f32,
    /// Positive: warmer (redder), negative: cooler.
    pub warmth: f32,
    /// Light falling from the photo's right (positive) or left (negative), 0–0.3.
    pub side_light: f32,
    /// The wall behind the person.
    pub background: [u8; 3],
    /// How textured the wall is (0 flat, 0.3 rough plaster or wallpaper).
    pub wall_texture: f32,
    /// Darkness of the pigment spots on the cheeks, 0 (gone) to 1 (marked).
    pub pigment: f32,
    /// Redness of the face, as days after a session, 0–1.
    pub redness: f32,
    /// Chooses where the spots sit: the same seed gives the same spots.
    pub seed: u64,
}

impl Default for PortraitLook {
    fn default() -> Self {
        Self {
            framing: Similarity::IDENTITY,
            yaw_deg: 0.0,
            mirrored: false,
            exposure: 1.0,
            warmth: 0.0,
            side_light: 0.0,
            background: [200, 200, 196],
            wall_texture: 0.0,
            pigment: 0.0,
            redness: 0.0,
            seed: 1,
        }
    }
}

/// A portrait and its landmarks (found once, on the portrait itself).
#[derive(Clone, Debug)]
pub struct Portrait {
    pub pixels: RgbImage,
    pub face: FaceLandmarks,
}

impl Portrait {
    /// The portrait as `look` photographs it: mirrored or not.
    fn as_taken(&self, look: &PortraitLook) -> Self {
        if look.mirrored {
            self.mirrored()
        } else {
            self.clone()
        }
    }

    /// The head and shoulders, as a skin photo frames them: a 3:4 crop around the face,
    /// about three face-heights tall (never beyond the photo), landmarks moved along.
    #[must_use]
    pub fn head_and_shoulders(&self) -> Self {
        let (w, h) = self.pixels.dimensions();
        let px = |i: usize| from_normalised(self.face.xy(i), w, h);
        let (top, chin) = (px(idx::FOREHEAD_TOP), px(idx::CHIN));
        let face_h = (chin[1] - top[1]).abs().max(8.0);
        let ch = (face_h * 3.0).min(f64::from(h));
        let cw = (ch * 0.75).min(f64::from(w));
        let centre = [
            f64::midpoint(top[0], chin[0]),
            f64::midpoint(top[1], chin[1]) + face_h * 0.25,
        ];
        let x0 = (centre[0] - cw / 2.0).clamp(0.0, f64::from(w) - cw);
        let y0 = (centre[1] - ch / 2.0).clamp(0.0, f64::from(h) - ch);
        let (cw, ch) = (cw as u32, ch as u32);
        let pixels =
            image::imageops::crop_imm(&self.pixels, x0 as u32, y0 as u32, cw, ch).to_image();
        let rescale = f64::from(w.max(h)) / f64::from(cw.max(ch));
        let points = self
            .face
            .points
            .iter()
            .map(|p| {
                let [x, y] = from_normalised([p[0], p[1]], w, h);
                let [nx, ny] =
                    to_normalised([x - f64::from(x0 as u32), y - f64::from(y0 as u32)], cw, ch);
                [nx, ny, p[2] * rescale]
            })
            .collect();
        Self {
            pixels,
            face: FaceLandmarks { points },
        }
    }

    /// The same portrait mirrored left to right, landmarks included (sides swap names:
    /// what was the person's right eye is now on the photo's right).
    #[must_use]
    pub fn mirrored(&self) -> Self {
        let pixels = image::imageops::flip_horizontal(&self.pixels);
        let mut points = self.face.points.clone();
        for p in &mut points {
            p[0] = -p[0];
        }
        Self {
            pixels,
            face: FaceLandmarks { points },
        }
    }
}

/// The head (hair included) as a multiple of the face outline's half-width: the cylinder a
/// turn is modelled on.
const HEAD_WIDTH: f64 = 1.45;

fn smooth(t: f64) -> f64 {
    let t = t.clamp(0.0, 1.0);
    t * t * (3.0 - 2.0 * t)
}

/// The portrait's skin on this day: spots on both cheeks and redness over the face.
fn skin_of_the_day(portrait: &Portrait, look: &PortraitLook) -> RgbImage {
    let mut out = portrait.pixels.clone();
    let (w, h) = out.dimensions();
    let face = &portrait.face;
    let span = face.eye_span();
    let outline = face.outline();
    // Spots: fixed places inside each cheek (same seed, same places), sized to the face.
    let mut spots = Vec::new();
    for region in [FacialRegion::LeftCheek, FacialRegion::RightCheek] {
        let polygon = region.polygon(face);
        let (lo, hi) = polygon
            .iter()
            .fold(([f64::MAX; 2], [f64::MIN; 2]), |(lo, hi), p| {
                (
                    [lo[0].min(p[0]), lo[1].min(p[1])],
                    [hi[0].max(p[0]), hi[1].max(p[1])],
                )
            });
        let mut k = 0u64;
        while spots.len()
            < if region == FacialRegion::LeftCheek {
                6
            } else {
                12
            }
            && k < 400
        {
            let r = |n: u64| {
                super::synth::random_unit(look.seed ^ ((region as u64 + 1) * 7919), k * 3 + n)
            };
            let p = [
                lo[0] + (hi[0] - lo[0]) * r(0),
                lo[1] + (hi[1] - lo[1]) * r(1),
            ];
            if contains(&polygon, p) {
                spots.push((p, span * (0.025 + 0.035 * r(2))));
            }
            k += 1;
        }
    }
    for (y, row) in out.enumerate_rows_mut() {
        for (x, _, px) in row {
            let q = to_normalised([f64::from(x) + 0.5, f64::from(y) + 0.5], w, h);
            let mut dark = 0.0f64;
            for (c, r) in &spots {
                let d2 = ((q[0] - c[0]).powi(2) + (q[1] - c[1]).powi(2)) / (r * r);
                if d2 < 6.0 {
                    dark += (-d2 * 1.4).exp();
                }
            }
            let dark = (dark.min(1.0) * f64::from(look.pigment)) as f32;
            let red = if look.redness > 0.0 && contains(&outline, q) {
                look.redness
            } else {
                0.0
            };
            let [r, g, b] = px.0.map(f32::from);
            px.0 = [
                r * (1.0 - 0.30 * dark) + 30.0 * red,
                g * (1.0 - 0.45 * dark) - 18.0 * red,
                b * (1.0 - 0.55 * dark) - 12.0 * red,
            ]
            .map(|v| v.clamp(0.0, 255.0) as u8);
        }
    }
    out
}

/// Renders one `width`×`height` photo of the portrait as `look` says.
pub fn render_portrait(
    portrait: &Portrait,
    look: &PortraitLook,
    width: u32,
    height: u32,
) -> RgbImage {
    let source = portrait.as_taken(look);
    let skin = skin_of_the_day(&source, look);
    let (sw, sh) = skin.dimensions();
    // The head as a cylinder around the face's vertical axis.
    let face = &source.face;
    let px = |i: usize| from_normalised(face.xy(i), sw, sh);
    let (right, left) = (px(idx::FACE_RIGHT), px(idx::FACE_LEFT));
    let axis = f64::midpoint(right[0], left[0]);
    let radius = (left[0] - right[0]).abs() / 2.0 * HEAD_WIDTH;
    let (top, bottom) = (
        px(idx::FOREHEAD_TOP)[1] - radius,
        px(idx::CHIN)[1] + radius * 0.6,
    );
    let yaw = look.yaw_deg.to_radians();
    // The straight-on photo: the portrait filling the frame's height, face in the middle.
    let zoom = f64::from(height) / f64::from(sh);
    let straight = |q: [f64; 2]| -> [f64; 2] {
        let [x, y] = from_normalised(q, width, height);
        [
            (x - f64::from(width) / 2.0) / zoom + axis,
            (y - f64::from(height) / 2.0) / zoom + f64::from(sh) / 2.0,
        ]
    };
    let turn = |[x, y]: [f64; 2]| -> [f64; 2] {
        // Full turn inside the head's height, fading out above and below it.
        let weight = smooth((y - top + radius) / radius) * smooth((bottom + radius - y) / radius);
        let u = ((x - axis) / radius).clamp(-1.0, 1.0);
        let source_x = if (x - axis).abs() <= radius {
            let theta = (u.asin() - yaw * weight)
                .clamp(-std::f64::consts::FRAC_PI_2, std::f64::consts::FRAC_PI_2);
            axis + radius * theta.sin()
        } else {
            // Beyond the head the background slides with its edge.
            let edge = u.signum();
            let theta = (edge * std::f64::consts::FRAC_PI_2 - yaw * weight)
                .clamp(-std::f64::consts::FRAC_PI_2, std::f64::consts::FRAC_PI_2);
            x - edge * radius + radius * theta.sin()
        };
        [source_x, y]
    };
    let background = Rgb(look.background);
    let mut out = RgbImage::from_pixel(width, height, background);
    let raw = skin.as_raw();
    for (y, row) in out.enumerate_rows_mut() {
        for (x, _, pixel) in row {
            let q = to_normalised([f64::from(x) + 0.5, f64::from(y) + 0.5], width, height);
            let [sx, sy] = turn(straight(look.framing.apply(q)));
            if let Some(rgb) = sample(raw, sw, sh, sx - 0.5, sy - 0.5) {
                pixel.0 = rgb;
            } else if look.wall_texture > 0.0 {
                let v = 1.0 + look.wall_texture * (wall(look.seed, x, y) - 0.5);
                pixel.0 = look
                    .background
                    .map(|c| (f32::from(c) * v).clamp(0.0, 255.0) as u8);
            }
        }
    }
    light(&mut out, look);
    out
}

/// A wall's texture at a pixel, 0–1: blotches of 24 px and a finer grain.
fn wall(seed: u64, x: u32, y: u32) -> f32 {
    let cell = |size: u32, k: u64| {
        let (cx, cy) = (x / size, y / size);
        let (fx, fy) = (
            (x % size) as f32 / size as f32,
            (y % size) as f32 / size as f32,
        );
        let at = |i: u32, j: u32| {
            super::synth::random_unit(seed ^ k, (u64::from(cx + i) << 32) | u64::from(cy + j))
                as f32
        };
        let top = at(0, 0) * (1.0 - fx) + at(1, 0) * fx;
        let bottom = at(0, 1) * (1.0 - fx) + at(1, 1) * fx;
        top * (1.0 - fy) + bottom * fy
    };
    0.6 * cell(24, 0x3a11) + 0.4 * cell(5, 0x9e37)
}

/// A keystone (perspective) change, as when the camera tilts (`vertical`) or pans: the
/// point at normalised `q` of the straight photo lands at the returned point. `k` of 0.05 is
/// a 5 % difference in size between opposite edges, per unit of distance from the centre.
pub fn keystone_point([x, y]: [f64; 2], k: f64, vertical: bool) -> [f64; 2] {
    let d = 1.0 + k * if vertical { y } else { x };
    [x / d, y / d]
}

/// The photo as seen with [`keystone_point`]'s perspective change (same size; edges that come
/// into view are filled with the nearest pixel).
pub fn keystone(image: &RgbImage, k: f64, vertical: bool) -> RgbImage {
    let (w, h) = image.dimensions();
    let raw = image.as_raw();
    RgbImage::from_fn(w, h, |x, y| {
        let [qx, qy] = to_normalised([f64::from(x) + 0.5, f64::from(y) + 0.5], w, h);
        let d = 1.0 - k * if vertical { qy } else { qx };
        let [sx, sy] = from_normalised([qx / d, qy / d], w, h);
        let (sx, sy) = (
            (sx - 0.5).clamp(0.0, f64::from(w - 1)),
            (sy - 0.5).clamp(0.0, f64::from(h - 1)),
        );
        Rgb(sample(raw, w, h, sx, sy).unwrap_or([0, 0, 0]))
    })
}

fn sample(raw: &[u8], w: u32, h: u32, x: f64, y: f64) -> Option<[u8; 3]> {
    if x < 0.0 || y < 0.0 || x > f64::from(w - 1) || y > f64::from(h - 1) {
        return None;
    }
    let (x0, y0) = (x as u32, y as u32);
    let (x1, y1) = ((x0 + 1).min(w - 1), (y0 + 1).min(h - 1));
    let (fx, fy) = (x - f64::from(x0), y - f64::from(y0));
    let at = |xx: u32, yy: u32, c: usize| f64::from(raw[((yy * w + xx) * 3) as usize + c]);
    Some(std::array::from_fn(|c| {
        let top = at(x0, y0, c) * (1.0 - fx) + at(x1, y0, c) * fx;
        let bottom = at(x0, y1, c) * (1.0 - fx) + at(x1, y1, c) * fx;
        (top * (1.0 - fy) + bottom * fy).round() as u8
    }))
}

/// Exposure, warmth and light from one side.
fn light(image: &mut RgbImage, look: &PortraitLook) {
    let width = image.width() as f32;
    for (x, _, p) in image.enumerate_pixels_mut() {
        let side = 1.0 + look.side_light * (x as f32 / width - 0.5) * 2.0;
        let f = look.exposure * side;
        let [r, g, b] = p.0.map(f32::from);
        p.0 = [
            r * f * (1.0 + look.warmth),
            g * f,
            b * f * (1.0 - look.warmth),
        ]
        .map(|v| v.clamp(0.0, 255.0) as u8);
    }
}

/// Where the portrait's landmarks land on a render (for ground truth): the landmarks in the
/// render's normalised coordinates. Exact for `yaw_deg` = 0; with a turn, approximate.
pub fn rendered_landmarks(
    portrait: &Portrait,
    look: &PortraitLook,
    width: u32,
    height: u32,
) -> FaceLandmarks {
    let source = portrait.as_taken(look);
    let (sw, sh) = source.pixels.dimensions();
    let zoom = f64::from(height) / f64::from(sh);
    let face = &source.face;
    let right = from_normalised(face.xy(idx::FACE_RIGHT), sw, sh);
    let left = from_normalised(face.xy(idx::FACE_LEFT), sw, sh);
    let axis = f64::midpoint(right[0], left[0]);
    let radius = (left[0] - right[0]).abs() / 2.0 * HEAD_WIDTH;
    let yaw = look.yaw_deg.to_radians();
    let inverse = look.framing.inverse();
    let points = face
        .points
        .iter()
        .map(|p| {
            let [sx, sy] = from_normalised([p[0], p[1]], sw, sh);
            let u = ((sx - axis) / radius).clamp(-1.0, 1.0);
            let turned = axis + radius * (u.asin() + yaw).clamp(-1.57, 1.57).sin();
            let canvas = [
                (turned - axis) * zoom + f64::from(width) / 2.0,
                (sy - f64::from(sh) / 2.0) * zoom + f64::from(height) / 2.0,
            ];
            let [x, y] = inverse.apply(to_normalised(canvas, width, height));
            [
                x,
                y,
                p[2] * zoom * f64::from(sh.max(sw)) / f64::from(width.max(height)),
            ]
        })
        .collect();
    FaceLandmarks { points }
}

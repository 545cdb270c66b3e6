//! Generated, photo-like skin images and JPEGs with EXIF written into them. Tests, the
//! benchmarks and the demo library all draw from here, so they exercise the same real
//! decoding paths as phone photos do.

use crate::model::Similarity;
use exif::experimental::Writer;
use exif::{Field, In, Tag, Value};
use image::{Rgb, RgbImage};
use std::io::Cursor;

/// What a generated skin patch shows. Concern strengths run from 0 (none) to 1 (marked).
#[derive(Clone, Debug, PartialEq)]
pub struct SkinScene {
    pub width: u32,
    pub height: u32,
    /// Chooses texture, pore and spot positions: the same seed gives the same skin.
    pub seed: u64,
    /// Base skin colour (sRGB).
    pub tone: [u8; 3],
    /// Darkness of pigment spots.
    pub pigment: f32,
    /// Depth of atrophic (acne) scars.
    pub scars: f32,
    /// Diffuse redness, as after a session.
    pub redness: f32,
    /// Overall exposure factor (1 = as intended).
    pub exposure: f32,
    /// Per-pixel sensor noise amplitude (0.025 is a clean camera; 0.1 a phone in room light,
    /// which also gives JPEGs the size of real phone photos).
    pub noise: f32,
}

impl SkinScene {
    pub fn new(width: u32, height: u32, seed: u64) -> Self {
        Self {
            width,
            height,
            seed,
            tone: [224, 182, 156],
            pigment: 0.5,
            scars: 0.5,
            redness: 0.0,
            exposure: 1.0,
            noise: 0.025,
        }
    }
}

/// How much larger than a photo its scene is rendered, so a re-framed photo still has skin
/// to its edges.
pub const SCENE_MARGIN: f64 = 1.5;

/// The scene behind a `width`×`height` photo: [`SCENE_MARGIN`] times larger, same skin.
pub fn scene_for(width: u32, height: u32, template: &SkinScene) -> SkinScene {
    SkinScene {
        width: (f64::from(width) * SCENE_MARGIN).round() as u32,
        height: (f64::from(height) * SCENE_MARGIN).round() as u32,
        ..template.clone()
    }
}

/// A `width`×`height` photo of a rendered scene (from [`scene_for`]) taken with a different
/// framing: `framing` maps the photo's normalised coordinates onto those of a photo taken
/// straight on (identity: straight on). This is what auto-alignment must recover.
pub fn photograph(scene: &RgbImage, width: u32, height: u32, framing: &Similarity) -> RgbImage {
    let straight = Similarity {
        scale: SCENE_MARGIN,
        ..Similarity::IDENTITY
    };
    let inverse = framing.inverse();
    // Scene → straight-on photo → this photo.
    let to_photo = Similarity {
        scale: straight.scale * inverse.scale,
        ..inverse
    };
    super::compose::warp_into(scene, &to_photo, width, height, None)
}

/// Changes exposure and adds independent sensor noise (±`noise` grey levels), as a second
/// photo of the same skin would have.
pub fn expose(image: &mut RgbImage, exposure: f32, noise: u8, seed: u64) {
    let mut state = mix(seed) | 1;
    let span = u64::from(noise) * 2 + 1;
    for p in image.pixels_mut() {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let n = (state % span) as f32 - f32::from(noise);
        for c in &mut p.0 {
            *c = (f32::from(*c) * exposure + n).clamp(0.0, 255.0) as u8;
        }
    }
}

/// A reproducible pseudo-random number in `0..1` for (`seed`, `k`).
pub fn random_unit(seed: u64, k: u64) -> f64 {
    (mix(seed ^ mix(k)) >> 11) as f64 / (1u64 << 53) as f64
}

/// A fast, well-mixed 64-bit hash (splitmix64 finaliser).
fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

fn unit(seed: u64, a: u64, b: u64) -> f32 {
    (mix(seed ^ mix(a ^ mix(b))) >> 40) as f32 / (1u64 << 24) as f32
}

/// Smooth value noise in 0..1 with cells of `cell` pixels.
fn value_noise(seed: u64, x: f32, y: f32, cell: f32) -> f32 {
    let (gx, gy) = (x / cell, y / cell);
    let (x0, y0) = (gx.floor(), gy.floor());
    let (fx, fy) = (gx - x0, gy - y0);
    let (sx, sy) = (fx * fx * (3.0 - 2.0 * fx), fy * fy * (3.0 - 2.0 * fy));
    let (ix, iy) = (x0 as i64 as u64, y0 as i64 as u64);
    let v = |dx: u64, dy: u64| unit(seed, ix.wrapping_add(dx), iy.wrapping_add(dy));
    let top = v(0, 0) + (v(1, 0) - v(0, 0)) * sx;
    let bottom = v(0, 1) + (v(1, 1) - v(0, 1)) * sx;
    top + (bottom - top) * sy
}

/// A feature placed on the skin: a blob of given radius (fraction of the short side).
struct Blob {
    x: f32,
    y: f32,
    radius: f32,
}

fn blobs(seed: u64, count: u64, scene: &SkinScene, min_r: f32, max_r: f32) -> Vec<Blob> {
    let short = scene.width.min(scene.height) as f32;
    (0..count)
        .map(|i| Blob {
            x: unit(seed, i, 1) * scene.width as f32,
            y: unit(seed, i, 2) * scene.height as f32,
            radius: (min_r + (max_r - min_r) * unit(seed, i, 3)) * short,
        })
        .collect()
}

/// Renders a patch of skin: tone with soft shading, pores, pigment spots, scars, redness.
pub fn render_skin(scene: &SkinScene) -> RgbImage {
    let seed = scene.seed;
    let spots = blobs(seed ^ 0x5107, 9, scene, 0.012, 0.035);
    let scars = blobs(seed ^ 0x5ca7, 14, scene, 0.006, 0.016);
    let short = scene.width.min(scene.height) as f32;
    let (shade_cell, pore_cell) = (short * 0.35, (short / 300.0).max(1.5));
    let tone = scene.tone.map(f32::from);
    RgbImage::from_fn(scene.width, scene.height, |x, y| {
        let (fx, fy) = (x as f32, y as f32);
        let shade = 0.88 + 0.2 * value_noise(seed, fx, fy, shade_cell);
        let pore = value_noise(seed ^ 0x9091, fx, fy, pore_cell);
        let grain = unit(seed ^ 0x6a1d, u64::from(x), u64::from(y)) - 0.5;
        let mut light = shade * (1.0 - 0.10 * (pore - 0.6).max(0.0)) + scene.noise * grain;
        let mut pigment = 0.0f32;
        for s in &spots {
            let d2 = ((fx - s.x).powi(2) + (fy - s.y).powi(2)) / (s.radius * s.radius);
            if d2 < 4.0 {
                pigment += (-d2 * 1.6).exp();
            }
        }
        for s in &scars {
            let d2 = ((fx - s.x).powi(2) + (fy - s.y).powi(2)) / (s.radius * s.radius);
            if d2 < 2.0 {
                // A pitted scar: a dark centre with a faint bright rim.
                light -= scene.scars * 0.22 * (1.0 - d2).max(0.0)
                    - scene.scars * 0.05 * (1.0 - (d2 - 1.2).abs()).max(0.0);
            }
        }
        let pigment = (pigment * scene.pigment).min(1.0);
        let redness =
            scene.redness * (0.6 + 0.4 * value_noise(seed ^ 0x4ed, fx, fy, shade_cell * 0.5));
        let factor = light * scene.exposure;
        let r = tone[0] * factor * (1.0 - 0.35 * pigment) + 40.0 * redness;
        let g = tone[1] * factor * (1.0 - 0.50 * pigment) - 25.0 * redness;
        let b = tone[2] * factor * (1.0 - 0.60 * pigment) - 15.0 * redness;
        Rgb([r, g, b].map(|c| c.clamp(0.0, 255.0) as u8))
    })
}

/// EXIF fields to write into a generated JPEG.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ExifSpec {
    pub orientation: Option<u16>,
    /// `YYYY:MM:DD HH:MM:SS`
    pub date_time_original: Option<String>,
    /// `+HH:MM`
    pub offset_time_original: Option<String>,
    pub date_time: Option<String>,
    pub make: Option<String>,
    pub model: Option<String>,
}

/// The TIFF-structured EXIF block for `spec` (what follows `Exif\0\0` in a JPEG APP1).
pub fn exif_block(spec: &ExifSpec) -> Vec<u8> {
    let ascii = |tag: Tag, text: &str| Field {
        tag,
        ifd_num: In::PRIMARY,
        value: Value::Ascii(vec![text.as_bytes().to_vec()]),
    };
    let mut fields = Vec::new();
    if let Some(o) = spec.orientation {
        fields.push(Field {
            tag: Tag::Orientation,
            ifd_num: In::PRIMARY,
            value: Value::Short(vec![o]),
        });
    }
    for (tag, text) in [
        (Tag::DateTimeOriginal, &spec.date_time_original),
        (Tag::OffsetTimeOriginal, &spec.offset_time_original),
        (Tag::DateTime, &spec.date_time),
        (Tag::Make, &spec.make),
        (Tag::Model, &spec.model),
    ] {
        if let Some(text) = text {
            fields.push(ascii(tag, text));
        }
    }
    if fields.is_empty() {
        fields.push(Field {
            tag: Tag::XResolution,
            ifd_num: In::PRIMARY,
            value: Value::Rational(vec![(72, 1).into()]),
        });
    }
    let mut writer = Writer::new();
    for field in &fields {
        writer.push_field(field);
    }
    let mut out = Cursor::new(Vec::new());
    writer
        .write(&mut out, false)
        .expect("writing EXIF to memory cannot fail");
    out.into_inner()
}

/// A baseline JPEG of `image`, with an EXIF APP1 segment when `exif` is given.
pub fn jpeg_with_exif(image: &RgbImage, quality: u8, exif: Option<&ExifSpec>) -> Vec<u8> {
    let segments: Vec<(u8, Vec<u8>)> = exif
        .map(|spec| (1, [&b"Exif\0\0"[..], &exif_block(spec)].concat()))
        .into_iter()
        .collect();
    crate::imaging::derive::encode_jpeg_with_segments(image, quality, &segments)
}

/// `image` encoded as PNG, WebP (lossless) or TIFF with the `image` crate, or as a RAW file
/// embedding it as a JPEG preview. HEIF and AVIF cannot be encoded here: tests use real files.
pub fn encode_as(image: &RgbImage, format: crate::model::PhotoFormat) -> Vec<u8> {
    use crate::model::PhotoFormat;
    let format = match format {
        PhotoFormat::Jpeg => return jpeg_with_exif(image, 90, None),
        PhotoFormat::Png => image::ImageFormat::Png,
        PhotoFormat::Webp => image::ImageFormat::WebP,
        PhotoFormat::Tiff => image::ImageFormat::Tiff,
        PhotoFormat::Heif | PhotoFormat::Avif => {
            panic!("{} cannot be encoded here: use a real file", format.name())
        }
        raw => {
            let preview = jpeg_with_exif(image, 90, None);
            return super::synth_raw::raw_with_preview(&super::synth_raw::RawSpec {
                format: raw,
                preview_jpeg: &preview,
                orientation: 1,
                date_time_original: "2024:05:06 07:08:09",
                offset_time_original: "+02:00",
            });
        }
    };
    let mut out = Cursor::new(Vec::new());
    image
        .write_to(&mut out, format)
        .expect("encoding to memory cannot fail");
    out.into_inner()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::imaging::metadata::read_metadata;

    #[test]
    fn rendering_is_deterministic_and_concerns_show() {
        let mut scene = SkinScene::new(64, 48, 7);
        let a = render_skin(&scene);
        assert_eq!(a, render_skin(&scene));
        scene.pigment = 0.0;
        let clear = render_skin(&scene);
        let darker = a
            .pixels()
            .zip(clear.pixels())
            .filter(|(p, q)| p.0[2] + 5 < q.0[2])
            .count();
        assert!(darker > 0, "pigment spots should darken some pixels");
    }

    #[test]
    fn exif_written_is_exif_read() {
        let spec = ExifSpec {
            orientation: Some(6),
            date_time_original: Some("2025:06:01 09:15:00".into()),
            offset_time_original: Some("+02:00".into()),
            make: Some("Acme".into()),
            model: Some("Acme Phone 3".into()),
            ..ExifSpec::default()
        };
        let jpeg = jpeg_with_exif(&render_skin(&SkinScene::new(32, 16, 1)), 90, Some(&spec));
        let meta = read_metadata(&jpeg);
        assert!(meta.warnings.is_empty(), "{:?}", meta.warnings);
        let taken = meta.taken_at.unwrap();
        assert_eq!(taken.local.to_string(), "2025-06-01 09:15:00");
        assert_eq!(taken.offset.unwrap().local_minus_utc(), 7200);
        assert_eq!(meta.orientation.unwrap().exif_value(), 6);
        assert_eq!(meta.camera.as_deref(), Some("Acme Phone 3"));
    }
}

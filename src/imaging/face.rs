//! Finding a face and its 468 landmarks on a photo, in-process and offline.
//!
//! Two `MediaPipe` models (Apache-2.0, from the `mediapipe` 0.10.14 wheel, converted to ONNX by
//! `assets/models/convert_mediapipe.py`; see `assets/models/NOTICE`) are compiled into the
//! binary and run with `tract`: nothing is downloaded, ever.
//!
//! 1. **`BlazeFace`** (short range, 128×128) finds the face's box and six key points on the
//!    letterboxed photo; when it finds none on a large photo (a face small in the frame), it
//!    looks again in a 3×3 grid of overlapping squares.
//! 2. **Face mesh** (192×192) places 468 landmarks in a square around the face, turned so the
//!    eyes are level; a second pass re-centres that square on the first pass's landmarks,
//!    which is how `MediaPipe` tracks and measurably steadier than the detector's box.
//!
//! Landmarks come back in the photo's normalised coordinates (see `model::transform`).

// Image maths: x, y, w, h, a, b, p read as in the formulas they implement.
#![allow(clippy::many_single_char_names)]

use super::derive::resize_exact_with;
use crate::model::face::{Face, FaceLandmarks, LANDMARK_COUNT, idx};
use fast_image_resize::FilterType;
use image::RgbImage;
use std::sync::{Arc, OnceLock};
use tract_onnx::prelude::{
    Framework, InferenceModelExt, IntoRunnable, Tensor, TypedRunnableModel, tvec,
};

mod identity;
pub use identity::{FaceDescriptor, MAX_SAME_PERSON_DISTANCE, face_descriptor};

const DETECTOR_ONNX: &[u8] = include_bytes!("../../assets/models/face_detection_short_range.onnx");
const MESH_ONNX: &[u8] = include_bytes!("../../assets/models/face_landmark.onnx");

const DETECTOR_EDGE: usize = 128;
const MESH_EDGE: usize = 192;
/// Detections below this score are not faces.
pub const MIN_DETECTION_SCORE: f64 = 0.5;
/// Mesh passes whose face-presence score is below this are discarded.
const MIN_PRESENCE: f64 = 0.5;
/// The mesh's square is this many times the face's size (`MediaPipe`'s own margin).
const ROI_MARGIN: f64 = 1.5;

/// Photos smaller than this (long edge) are not searched: a face in them is too small for
/// landmarks worth aligning or measuring with (the mesh reads a face at 192 px across).
pub const MIN_PHOTO_EDGE: u32 = 400;

/// Why faces could not be looked for at all (not "no face": that is `Ok(None)`).
#[derive(Debug, Clone, thiserror::Error)]
#[error("the face model could not run: {0}")]
pub struct FaceModelError(String);

struct Models {
    detector: Arc<TypedRunnableModel>,
    mesh: Arc<TypedRunnableModel>,
}

impl std::fmt::Debug for Models {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Models")
    }
}

fn load(bytes: &[u8]) -> Result<Arc<TypedRunnableModel>, FaceModelError> {
    tract_onnx::onnx()
        .model_for_read(&mut &bytes[..])
        .and_then(InferenceModelExt::into_optimized)
        .and_then(IntoRunnable::into_runnable)
        .map_err(|e| FaceModelError(e.to_string()))
}

fn models() -> Result<&'static Models, FaceModelError> {
    static MODELS: OnceLock<Result<Models, FaceModelError>> = OnceLock::new();
    MODELS
        .get_or_init(|| {
            Ok(Models {
                detector: load(DETECTOR_ONNX)?,
                mesh: load(MESH_ONNX)?,
            })
        })
        .as_ref()
        .map_err(Clone::clone)
}

fn run(
    model: &Arc<TypedRunnableModel>,
    edge: usize,
    planar: Vec<f32>,
) -> Result<Vec<Vec<f32>>, FaceModelError> {
    let fail = |e: tract_onnx::prelude::TractError| FaceModelError(e.to_string());
    let input = Tensor::from_shape(&[1, 3, edge, edge], &planar).map_err(fail)?;
    let outputs = model.run(tvec!(input.into())).map_err(fail)?;
    outputs
        .iter()
        .map(|t| {
            t.to_plain_array_view::<f32>()
                .map(|v| v.iter().copied().collect())
                .map_err(fail)
        })
        .collect()
}

/// A square on the photo, possibly turned: where a model looks.
#[derive(Clone, Copy, Debug)]
struct Roi {
    /// Centre, in pixels of the photo.
    cx: f64,
    cy: f64,
    /// Side, in pixels.
    size: f64,
    /// Turn of the square's x axis from the photo's, radians (y down).
    angle: f64,
}

impl Roi {
    /// The photo's pixel position of a point at `(u, v)` of the square, 0–1 across.
    fn to_photo(self, u: f64, v: f64) -> [f64; 2] {
        let (s, c) = self.angle.sin_cos();
        let (x, y) = ((u - 0.5) * self.size, (v - 0.5) * self.size);
        [self.cx + c * x - s * y, self.cy + s * x + c * y]
    }

    /// The square's pixels, bilinear, `edge`×`edge`, as planar RGB scaled by `map`.
    fn sample(self, image: &RgbImage, edge: usize, map: impl Fn(f32) -> f32) -> Vec<f32> {
        let (w, h) = (image.width() as usize, image.height() as usize);
        let raw = image.as_raw();
        let plane = edge * edge;
        let mut out = vec![0.0f32; 3 * plane];
        for j in 0..edge {
            for i in 0..edge {
                let [x, y] = self.to_photo(
                    (i as f64 + 0.5) / edge as f64,
                    (j as f64 + 0.5) / edge as f64,
                );
                // Pixel centres sit at +0.5; outside the photo is black, as `MediaPipe` pads.
                let (x, y) = (x - 0.5, y - 0.5);
                let rgb = bilinear(raw, w, h, x, y);
                for k in 0..3 {
                    out[k * plane + j * edge + i] = map(rgb[k]);
                }
            }
        }
        out
    }
}

fn bilinear(raw: &[u8], w: usize, h: usize, x: f64, y: f64) -> [f32; 3] {
    if x < -1.0 || y < -1.0 || x > w as f64 || y > h as f64 {
        return [0.0; 3];
    }
    let (x0, y0) = (x.floor(), y.floor());
    let (fx, fy) = ((x - x0) as f32, (y - y0) as f32);
    let px = |xi: f64, yi: f64| -> [f32; 3] {
        if xi < 0.0 || yi < 0.0 || xi >= w as f64 || yi >= h as f64 {
            return [0.0; 3];
        }
        let o = (yi as usize * w + xi as usize) * 3;
        [
            f32::from(raw[o]),
            f32::from(raw[o + 1]),
            f32::from(raw[o + 2]),
        ]
    };
    let (a, b, c, d) = (
        px(x0, y0),
        px(x0 + 1.0, y0),
        px(x0, y0 + 1.0),
        px(x0 + 1.0, y0 + 1.0),
    );
    let mut out = [0.0; 3];
    for k in 0..3 {
        let top = a[k] * (1.0 - fx) + b[k] * fx;
        let bottom = c[k] * (1.0 - fx) + d[k] * fx;
        out[k] = top * (1.0 - fy) + bottom * fy;
    }
    out
}

/// Downscales with a bilinear kernel widened to the scale (no aliasing), for when a model's
/// square covers many more pixels than it takes; a copy when `factor` ≥ 1.
fn shrink(image: &RgbImage, factor: f64) -> RgbImage {
    if factor >= 1.0 {
        return image.clone();
    }
    let w = ((f64::from(image.width()) * factor).round() as u32).max(1);
    let h = ((f64::from(image.height()) * factor).round() as u32).max(1);
    // Bilinear is plenty for a model's input, and several times faster than Lanczos.
    resize_exact_with(image, w, h, FilterType::Bilinear)
}

/// One `BlazeFace` detection, in pixels of the photo.
#[derive(Clone, Copy, Debug)]
struct Detection {
    score: f64,
    cx: f64,
    cy: f64,
    size: f64,
    right_eye: [f64; 2],
    left_eye: [f64; 2],
}

/// `BlazeFace`'s 896 anchor centres: 16×16 cells × 2, then 8×8 cells × 6 (strides 8 and 16).
fn anchors() -> &'static [[f64; 2]] {
    static ANCHORS: OnceLock<Vec<[f64; 2]>> = OnceLock::new();
    ANCHORS.get_or_init(|| {
        let mut out = Vec::with_capacity(896);
        for (grid, per_cell) in [(16usize, 2usize), (8, 6)] {
            for y in 0..grid {
                for x in 0..grid {
                    let centre = [
                        (x as f64 + 0.5) / grid as f64,
                        (y as f64 + 0.5) / grid as f64,
                    ];
                    out.extend(std::iter::repeat_n(centre, per_cell));
                }
            }
        }
        out
    })
}

/// The best face in `square` (a square region of `image`), if any. `image` should be small
/// already (about twice the detector's input across the square): sampling is bilinear.
fn detect_in(
    models: &Models,
    image: &RgbImage,
    square: Roi,
) -> Result<Option<Detection>, FaceModelError> {
    let input = square.sample(image, DETECTOR_EDGE, |v| v / 127.5 - 1.0);
    let outputs = run(&models.detector, DETECTOR_EDGE, input)?;
    let (boxes, scores) = (&outputs[0], &outputs[1]);
    let Some((best, logit)) = scores.iter().enumerate().max_by(|a, b| a.1.total_cmp(b.1)) else {
        return Ok(None);
    };
    let score = 1.0 / (1.0 + (-f64::from(logit.clamp(-100.0, 100.0))).exp());
    if score < MIN_DETECTION_SCORE {
        return Ok(None);
    }
    let raw = &boxes[best * 16..best * 16 + 16];
    let anchor = anchors()[best];
    let unit = |k: usize| f64::from(raw[k]) / DETECTOR_EDGE as f64;
    let at = |u: f64, v: f64| square.to_photo(u, v);
    let centre = at(unit(0) + anchor[0], unit(1) + anchor[1]);
    Ok(Some(Detection {
        score,
        cx: centre[0],
        cy: centre[1],
        size: unit(2).max(unit(3)) * square.size,
        right_eye: at(unit(4) + anchor[0], unit(5) + anchor[1]),
        left_eye: at(unit(6) + anchor[0], unit(7) + anchor[1]),
    }))
}

/// Photos whose short edge is below this are not searched square by square: a face small in
/// them has too few pixels for landmarks anyway.
const MIN_EDGE_FOR_SQUARES: u32 = 512;

/// A detection found on a copy of the photo scaled by `factor`, in the photo's pixels.
fn unscaled(d: Detection, factor: f64) -> Detection {
    let back = |p: [f64; 2]| [p[0] / factor, p[1] / factor];
    Detection {
        cx: d.cx / factor,
        cy: d.cy / factor,
        size: d.size / factor,
        right_eye: back(d.right_eye),
        left_eye: back(d.left_eye),
        ..d
    }
}

fn detect(models: &Models, image: &RgbImage) -> Result<Option<Detection>, FaceModelError> {
    let (w, h) = (f64::from(image.width()), f64::from(image.height()));
    // The whole photo, letterboxed, from a copy about twice the detector's input.
    let factor = (DETECTOR_EDGE as f64 * 2.0 / w.max(h)).min(1.0);
    let small = shrink(image, factor);
    let (sw, sh) = (f64::from(small.width()), f64::from(small.height()));
    let whole = Roi {
        cx: sw / 2.0,
        cy: sh / 2.0,
        size: sw.max(sh),
        angle: 0.0,
    };
    if let Some(found) = detect_in(models, &small, whole)? {
        return Ok(Some(unscaled(found, f64::from(small.width()) / w)));
    }
    if image.width().min(image.height()) < MIN_EDGE_FOR_SQUARES {
        return Ok(None);
    }
    // A small face in a large frame: a 3×3 grid of overlapping squares of half the short
    // edge, from one copy scaled so a square is twice the detector's input.
    let side = w.min(h) / 2.0;
    let factor = (DETECTOR_EDGE as f64 * 2.0 / side).min(1.0);
    let small = shrink(image, factor);
    let scale = f64::from(small.width()) / w;
    let mut best: Option<Detection> = None;
    for j in 0..3 {
        for i in 0..3 {
            let square = Roi {
                cx: (side / 2.0 + f64::from(i) * (w - side) / 2.0) * scale,
                cy: (side / 2.0 + f64::from(j) * (h - side) / 2.0) * scale,
                size: side * scale,
                angle: 0.0,
            };
            if let Some(found) = detect_in(models, &small, square)?
                && best.is_none_or(|b| found.score > b.score)
            {
                best = Some(found);
            }
        }
    }
    Ok(best.map(|d| unscaled(d, scale)))
}

/// The 468 landmarks in pixels of the photo (z in the same unit), and the face-presence score.
/// `source` is the photo scaled by `scale` (so the square is not much larger than the
/// model's input); points come back in the photo's own pixels.
fn mesh(
    models: &Models,
    source: &RgbImage,
    scale: f64,
    roi: Roi,
) -> Result<(Vec<[f64; 3]>, f64), FaceModelError> {
    let scaled = Roi {
        cx: roi.cx * scale,
        cy: roi.cy * scale,
        size: roi.size * scale,
        angle: roi.angle,
    };
    let input = scaled.sample(source, MESH_EDGE, |v| v / 255.0);
    let outputs = run(&models.mesh, MESH_EDGE, input)?;
    let (coords, presence) = (&outputs[0], &outputs[1]);
    let presence = 1.0 / (1.0 + (-f64::from(presence[0])).exp());
    let edge = MESH_EDGE as f64;
    let points = coords
        .chunks_exact(3)
        .take(LANDMARK_COUNT)
        .map(|c| {
            let [x, y] = roi.to_photo(f64::from(c[0]) / edge, f64::from(c[1]) / edge);
            [x, y, f64::from(c[2]) / edge * roi.size]
        })
        .collect();
    Ok((points, presence))
}

/// The square `MediaPipe` tracks a face with: around the landmarks, turned with the eyes.
fn roi_from_landmarks(points: &[[f64; 3]]) -> Roi {
    let (r, l) = (points[idx::RIGHT_EYE_OUTER], points[idx::LEFT_EYE_OUTER]);
    let angle = (l[1] - r[1]).atan2(l[0] - r[0]);
    let (s, c) = angle.sin_cos();
    // The landmarks' extent in the face's own (turned) axes.
    let (mut lo, mut hi) = ([f64::MAX; 2], [f64::MIN; 2]);
    for p in points {
        let u = c * p[0] + s * p[1];
        let v = -s * p[0] + c * p[1];
        lo = [lo[0].min(u), lo[1].min(v)];
        hi = [hi[0].max(u), hi[1].max(v)];
    }
    let (mu, mv) = (f64::midpoint(lo[0], hi[0]), f64::midpoint(lo[1], hi[1]));
    Roi {
        cx: c * mu - s * mv,
        cy: s * mu + c * mv,
        size: (hi[0] - lo[0]).max(hi[1] - lo[1]) * ROI_MARGIN,
        angle,
    }
}

/// Finds the most prominent face on an upright photo and its landmarks; `Ok(None)` when there
/// is no face (a close-up of a cheek, a body area, a face turned too far away).
pub fn find_face(image: &RgbImage) -> Result<Option<Face>, FaceModelError> {
    if image.width().max(image.height()) < MIN_PHOTO_EDGE {
        return Ok(None);
    }
    let models = models()?;
    let Some(found) = detect(models, image)? else {
        return Ok(None);
    };
    let angle =
        (found.left_eye[1] - found.right_eye[1]).atan2(found.left_eye[0] - found.right_eye[0]);
    let first = Roi {
        cx: found.cx,
        cy: found.cy,
        size: found.size * ROI_MARGIN,
        angle,
    };
    // One scaled copy serves both passes: the square is about 1.5× the model's input on it.
    let factor = MESH_EDGE as f64 * 1.5 / first.size;
    let source = if factor < 1.0 {
        std::borrow::Cow::Owned(shrink(image, factor))
    } else {
        std::borrow::Cow::Borrowed(image)
    };
    let scale = f64::from(source.width()) / f64::from(image.width());
    let (points, presence) = mesh(models, &source, scale, first)?;
    if presence < MIN_PRESENCE {
        return Ok(None);
    }
    let (points, presence) = mesh(models, &source, scale, roi_from_landmarks(&points))?;
    if presence < MIN_PRESENCE {
        return Ok(None);
    }
    let (w, h) = (f64::from(image.width()), f64::from(image.height()));
    let long = w.max(h);
    let normalised = points
        .iter()
        .map(|p| {
            [
                (p[0] - w / 2.0) / long,
                (p[1] - h / 2.0) / long,
                p[2] / long,
            ]
        })
        .collect();
    Ok(FaceLandmarks::new(normalised).map(|landmarks| Face {
        landmarks,
        score: found.score,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::View;
    use crate::model::transform::from_normalised;

    pub(crate) fn astronaut() -> RgbImage {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/data/faces/astronaut.png"
        );
        image::open(path).expect("astronaut.png").to_rgb8()
    }

    #[test]
    fn finds_the_astronauts_face_with_eyes_where_they_are() {
        let image = astronaut();
        let face = find_face(&image).expect("models run").expect("a face");
        assert!(face.score > 0.8, "{}", face.score);
        let (w, h) = image.dimensions();
        // Where onnxruntime, fed by an independent Python pipeline, puts the outer eye
        // corners on this 512×512 photo (the models' reference run, see NOTICE).
        let right = from_normalised(face.landmarks.xy(idx::RIGHT_EYE_OUTER), w, h);
        let left = from_normalised(face.landmarks.xy(idx::LEFT_EYE_OUTER), w, h);
        for (got, want) in [(right, [194.2, 100.8]), (left, [257.0, 104.6])] {
            let off = (got[0] - want[0]).hypot(got[1] - want[1]);
            assert!(off < 3.0, "{got:?} is {off:.1} px from {want:?}");
        }
        let pose = face.pose();
        assert_eq!(pose.suggested_view(), View::Frontal, "{pose:?}");
        assert!(
            face.expression().mouth_is_open(),
            "she smiles with her teeth showing"
        );
        assert!(!face.expression().eyes_closed());
    }

    #[test]
    fn no_face_on_a_flat_patch_or_a_tiny_image() {
        let flat = RgbImage::from_pixel(640, 480, image::Rgb([190, 150, 130]));
        assert!(find_face(&flat).expect("models run").is_none());
        let tiny = crate::imaging::derive::resize_to_fit(&astronaut(), MIN_PHOTO_EDGE - 1);
        assert!(
            find_face(&tiny).expect("models run").is_none(),
            "too small to measure"
        );
    }
}

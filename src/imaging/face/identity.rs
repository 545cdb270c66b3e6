//! Whose face: a 128-number descriptor of a face's identity, to tell "the same person on
//! another day" from "another person".
//!
//! Pixels cannot: on real photos taken days apart (other light, expression, pose) fine detail
//! on the face correlates as little for the same person as for two different people. dlib's
//! face recognition network (a 29-layer `ResNet`, Davis King, public domain — CC0; converted to
//! ONNX by `assets/models/convert_dlib_face_recognition.py`, see `assets/models/NOTICE`) was
//! trained so that photos of one person land within 0.6 of each other (Euclidean distance)
//! and photos of different people further apart.
//!
//! Its input is dlib's "face chip": 150×150 px, the face turned upright and scaled so that
//! the eye corners and the base of the nose sit where dlib's 5-point template puts them,
//! with a quarter of the face's size as margin. The mesh's eye corners and subnasale stand in
//! for dlib's five points.

use super::{FaceModelError, bilinear, load, run, shrink};
use crate::model::face::{FaceLandmarks, idx};
use crate::model::transform::fit_similarity;
use image::RgbImage;
use std::sync::{Arc, OnceLock};
use tract_onnx::prelude::TypedRunnableModel;

const IDENTITY_ONNX: &[u8] = include_bytes!("../../../assets/models/face_identity.onnx");

/// The chip's side in pixels.
const CHIP: usize = 150;
/// dlib's margin around the face template, as a share of the template's size.
const PADDING: f64 = 0.25;
/// dlib's 5-point template (`get_face_chip_details`), 0–1 across the face before padding:
/// the person's left eye outer and inner corner, right eye outer and inner corner, and the
/// base of the nose, each with the mesh landmark that stands for it.
const TEMPLATE: [(usize, [f64; 2]); 5] = [
    (
        idx::LEFT_EYE_OUTER,
        [0.859_567_459_599_2, 0.213_498_153_801_4],
    ),
    (
        idx::LEFT_EYE_INNER,
        [0.646_060_476_410_4, 0.228_967_438_767_7],
    ),
    (
        idx::RIGHT_EYE_OUTER,
        [0.120_575_062_078_9, 0.213_727_452_684_8],
    ),
    (
        idx::RIGHT_EYE_INNER,
        [0.334_085_061_371_2, 0.229_064_240_324_2],
    ),
    (idx::SUBNASALE, [0.490_112_313_567_9, 0.627_797_531_647_5]),
];

/// Descriptors of one person's photos lie closer than this (dlib's own threshold). Measured
/// on real photos not used anywhere else (issue 11's identity note): one person 0.22–0.54,
/// different people 0.66 and more.
pub const MAX_SAME_PERSON_DISTANCE: f64 = 0.6;

/// A face's identity descriptor (128 numbers).
#[derive(Clone, Debug, PartialEq)]
pub struct FaceDescriptor(pub Vec<f32>);

impl FaceDescriptor {
    /// Euclidean distance: below [`MAX_SAME_PERSON_DISTANCE`] reads as the same person.
    pub fn distance(&self, other: &Self) -> f64 {
        self.0
            .iter()
            .zip(&other.0)
            .map(|(a, b)| f64::from(a - b).powi(2))
            .sum::<f64>()
            .sqrt()
    }
}

fn model() -> Result<&'static Arc<TypedRunnableModel>, FaceModelError> {
    static MODEL: OnceLock<Result<Arc<TypedRunnableModel>, FaceModelError>> = OnceLock::new();
    MODEL
        .get_or_init(|| load(IDENTITY_ONNX))
        .as_ref()
        .map_err(Clone::clone)
}

/// The 150×150 face chip as planar RGB (0–255), sampled from `image` where `face` was found.
fn face_chip(image: &RgbImage, face: &FaceLandmarks) -> Result<Vec<f32>, FaceModelError> {
    let (w, h) = (f64::from(image.width()), f64::from(image.height()));
    let long = w.max(h);
    // Landmarks → pixel coordinates with pixel centres on integers (as dlib samples).
    let in_pixels = |i: usize, image_scale: f64| {
        let [x, y] = face.xy(i);
        [
            (x * long + w / 2.0) * image_scale - 0.5,
            (y * long + h / 2.0) * image_scale - 0.5,
        ]
    };
    let fit = |image_scale: f64| {
        let pairs: Vec<_> = TEMPLATE
            .iter()
            .map(|&(i, [u, v])| {
                let chip = [
                    (u + PADDING) / (1.0 + 2.0 * PADDING) * CHIP as f64,
                    (v + PADDING) / (1.0 + 2.0 * PADDING) * CHIP as f64,
                ];
                (chip, in_pixels(i, image_scale))
            })
            .collect();
        fit_similarity(&pairs)
            .map(|f| f.transform)
            .map_err(|e| FaceModelError(format!("the face's landmarks are unusable: {e}")))
    };
    // Photo → chip scale; a face much larger than the chip is shrunk first (no aliasing).
    let to_chip = fit(1.0)?;
    let factor = (to_chip.scale * 2.0).min(1.0);
    let source = if factor < 1.0 {
        std::borrow::Cow::Owned(shrink(image, factor))
    } else {
        std::borrow::Cow::Borrowed(image)
    };
    let scale = f64::from(source.width()) / w;
    let from_chip = fit(scale)?.inverse();
    let (sw, sh) = (source.width() as usize, source.height() as usize);
    let plane = CHIP * CHIP;
    let mut out = vec![0.0f32; 3 * plane];
    for j in 0..CHIP {
        for i in 0..CHIP {
            let [x, y] = from_chip.apply([i as f64, j as f64]);
            let rgb = bilinear(source.as_raw(), sw, sh, x, y);
            for k in 0..3 {
                out[k * plane + j * CHIP + i] = rgb[k];
            }
        }
    }
    Ok(out)
}

/// The identity descriptor of the face at `face` on `image` (the photo the landmarks were
/// found on, at any size).
pub fn face_descriptor(
    image: &RgbImage,
    face: &FaceLandmarks,
) -> Result<FaceDescriptor, FaceModelError> {
    let chip = face_chip(image, face)?;
    let mut outputs = run(model()?, CHIP, chip)?;
    let descriptor = outputs.swap_remove(0);
    if descriptor.len() != 128 || !descriptor.iter().all(|v| v.is_finite()) {
        return Err(FaceModelError(format!(
            "the identity model gave {} numbers, 128 finite ones expected",
            descriptor.len()
        )));
    }
    Ok(FaceDescriptor(descriptor))
}

#[cfg(test)]
mod tests {
    use super::super::find_face;
    use super::super::tests::astronaut;
    use super::*;

    fn portrait(path: &str) -> RgbImage {
        let path = format!("{}/tests/data/faces/{path}", env!("CARGO_MANIFEST_DIR"));
        image::open(path).expect("portrait").to_rgb8()
    }

    fn descriptor(image: &RgbImage) -> FaceDescriptor {
        let face = find_face(image).expect("models").expect("a face");
        face_descriptor(image, &face.landmarks).expect("descriptor")
    }

    #[test]
    fn one_person_at_another_size_is_the_same_and_another_person_is_not() {
        let collins = astronaut();
        let smaller = image::imageops::resize(&collins, 400, 400, image::imageops::Triangle);
        let hopper = portrait("grace_hopper.jpg");
        let (a, b, c) = (
            descriptor(&collins),
            descriptor(&smaller),
            descriptor(&hopper),
        );
        assert!(
            a.distance(&b) < 0.2,
            "same photo resized: {}",
            a.distance(&b)
        );
        assert!(
            a.distance(&c) > MAX_SAME_PERSON_DISTANCE,
            "Collins and Hopper: {}",
            a.distance(&c)
        );
    }

    #[test]
    fn matches_dlibs_own_descriptor_of_the_astronaut() {
        // dlib's own descriptor of this photo (its HOG detector and 5-point landmarks, see
        // the file's first line): ours comes from the mesh's points instead of dlib's, through
        // the converted network; the two land well within one person's spread.
        let path = format!(
            "{}/tests/data/faces/astronaut.dlib-descriptor.txt",
            env!("CARGO_MANIFEST_DIR")
        );
        let text = std::fs::read_to_string(path).expect("reference descriptor");
        let reference = FaceDescriptor(
            text.lines()
                .filter(|l| !l.starts_with('#'))
                .map(|l| l.trim().parse().expect("a number"))
                .collect(),
        );
        assert_eq!(reference.0.len(), 128);
        let d = descriptor(&astronaut()).distance(&reference);
        assert!(d < 0.15, "distance to dlib's descriptor {d}");
    }
}

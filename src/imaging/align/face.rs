//! Face-aware alignment: tried first when both photos show a face.
//!
//! A follow-up photo differs from the baseline by background, head pose and light: a fit that
//! follows the whole frame follows the wall. Here:
//! 1. a similarity from the **rigid landmarks** (eye corners, the nose's ridge) of both faces
//!    puts B's face on A's whatever the background;
//! 2. the Gauss–Newton refinement (with gain and offset) then runs **only inside A's face
//!    outline**, at 512 and 1024 px, and is kept only when it improves the face's fine detail
//!    and stays near the landmarks;
//! 3. the check asks two things: do the rigid landmarks meet (the geometry), and is it the
//!    same person — by the faces' **identity descriptors** (`imaging::face::face_descriptor`),
//!    not by pixels: on real photos days apart (other light, expression, a turned head) fine
//!    detail on the face correlates as little for the same person as for two different
//!    people, while the descriptors keep them apart.
//!
//! The confidence reflects the expected error at the face: how far B's rigid landmarks land
//! from A's after the transform (a turned head cannot be matched by a similarity, and this
//! says by how much).

use super::{AutoAlignment, LEVELS, auto_align, overlap_correlation, pyramid, refine, warp_params};
use crate::imaging::face::{MAX_SAME_PERSON_DISTANCE, face_descriptor};
use crate::model::face::{FaceLandmarks, RIGID_LANDMARKS};
use crate::model::regions::centroid;
use crate::model::transform::fit_similarity;
use crate::model::{AlignMethod, Similarity};
use image::RgbImage;

/// A re-taken portrait may be closer or further away than an automatic fit of skin allows.
pub const FACE_SCALE_RANGE: (f64, f64) = (0.5, 2.0);
/// The head may lean more, too.
pub const MAX_FACE_ROTATION_DEG: f64 = 30.0;
/// The expected error at the eyes, as a share of the eye span, beyond which no flat
/// transform matches the faces: the pair is declined there, and confidence reaches zero.
const MAX_ERROR_OF_EYE_SPAN: f64 = 0.25;
/// Long edge the expected error is given at.
const PREVIEW_EDGE: f64 = 2048.0;

/// Face-aware alignment when both photos have a face, else the whole-frame method.
pub fn align(
    a: &RgbImage,
    b: &RgbImage,
    face_a: Option<&FaceLandmarks>,
    face_b: Option<&FaceLandmarks>,
) -> AutoAlignment {
    match (face_a, face_b) {
        (Some(fa), Some(fb)) => align_faces(a, b, fa, fb),
        _ => auto_align(a, b),
    }
}

/// A's face outline, shrunk a little towards its centre (hair and background at the edge
/// move differently), as a flag per pixel of a `width`×`height` level.
fn face_mask(face: &FaceLandmarks, width: usize, height: usize) -> Vec<bool> {
    let outline = face.outline();
    let c = centroid(&outline);
    let long = width.max(height) as f64;
    let px: Vec<[f64; 2]> = outline
        .iter()
        .map(|p| {
            let q = [c[0] + (p[0] - c[0]) * 0.92, c[1] + (p[1] - c[1]) * 0.92];
            [
                q[0] * long + width as f64 / 2.0 - 0.5,
                q[1] * long + height as f64 / 2.0 - 0.5,
            ]
        })
        .collect();
    fill_polygon(&px, width, height)
}

/// Scanline fill (even–odd) of a polygon given in pixel-centre coordinates.
pub fn fill_polygon(polygon: &[[f64; 2]], width: usize, height: usize) -> Vec<bool> {
    let mut mask = vec![false; width * height];
    let n = polygon.len();
    let mut xs = Vec::new();
    for j in 0..height {
        let y = j as f64;
        xs.clear();
        for i in 0..n {
            let (a, b) = (polygon[i], polygon[(i + 1) % n]);
            if (a[1] > y) != (b[1] > y) {
                xs.push(a[0] + (y - a[1]) / (b[1] - a[1]) * (b[0] - a[0]));
            }
        }
        xs.sort_by(f64::total_cmp);
        for pair in xs.chunks_exact(2) {
            // Pixels whose centre lies in [start, end).
            let from = pair[0].ceil().max(0.0) as usize;
            let to = (pair[1].ceil().max(0.0) as usize).min(width);
            for i in from..to {
                mask[j * width + i] = true;
            }
        }
    }
    mask
}

/// RMS distance, in 2048-px preview pixels of A, between A's rigid landmarks and B's mapped
/// by `t`.
fn landmark_error(t: &Similarity, fa: &FaceLandmarks, fb: &FaceLandmarks) -> f64 {
    let sum: f64 = RIGID_LANDMARKS
        .iter()
        .map(|&i| {
            let (pa, pb) = (fa.xy(i), t.apply(fb.xy(i)));
            (pa[0] - pb[0]).powi(2) + (pa[1] - pb[1]).powi(2)
        })
        .sum();
    (sum / RIGID_LANDMARKS.len() as f64).sqrt() * PREVIEW_EDGE
}

/// Aligns B's face onto A's: landmarks first, then the face's pixels.
pub fn align_faces(
    a: &RgbImage,
    b: &RgbImage,
    fa: &FaceLandmarks,
    fb: &FaceLandmarks,
) -> AutoAlignment {
    let pairs: Vec<_> = RIGID_LANDMARKS
        .iter()
        .map(|&i| (fa.xy(i), fb.xy(i)))
        .collect();
    let Ok(fit) = fit_similarity(&pairs) else {
        // Degenerate landmarks (all in one place): not a face to trust.
        return auto_align(a, b);
    };
    let (pa, pb) = (pyramid(a), pyramid(b));
    let masks: Vec<Vec<bool>> = pa
        .iter()
        .map(|g| face_mask(fa, g.width, g.height))
        .collect();
    let smooth = (pa[1].smoothed(), pb[1].smoothed());
    let detail = (smooth.0.detail(), smooth.1.detail());
    // Fine detail and plain correlation on A's face at 512 px.
    let score = |t: &Similarity| -> (f64, f64) {
        let p = warp_params(t, &pa[1], &pb[1]);
        let (d, _) = overlap_correlation(&detail.0, &detail.1, &p, 1, Some(&masks[1]));
        let (c, _) = overlap_correlation(&smooth.0, &smooth.1, &p, 1, Some(&masks[1]));
        (d, c)
    };
    let from_landmarks = fit.transform;
    let (detail_landmarks, _) = score(&from_landmarks);
    // Refine on the face at 512 and 1024 px.
    let mut refined_t = from_landmarks;
    for level in 1..LEVELS.len() {
        let (stride, iterations) = if level == 2 { (2, 8) } else { (1, 12) };
        let mask = Some(masks[level].as_slice());
        refined_t = refine(&pa[level], &pb[level], &refined_t, stride, iterations, mask).transform;
    }
    let (detail_refined, _) = score(&refined_t);
    // Keep the refinement only if it sharpens the match and stays with the landmarks (an
    // expression change can pull it astray): within a tenth of the eye span at the face.
    let drift = landmark_error(&refined_t, fa, fb) - landmark_error(&from_landmarks, fa, fb);
    let span_px = fa.eye_span() * PREVIEW_EDGE;
    let transform = if detail_refined > detail_landmarks && drift < span_px * 0.1 {
        refined_t
    } else {
        from_landmarks
    };
    let (detail_face, correlation) = score(&transform);
    let p = warp_params(&transform, &pa[0], &pb[0]);
    let (_, overlap) = overlap_correlation(&pa[0], &pb[0], &p, 1, None);
    let expected = landmark_error(&transform, fa, fb);
    let identity = identity_distance(a, b, fa, fb);
    let verdict = check_face(&transform, expected, span_px, &identity);
    // Relative to the face's size: 20 px is a lot on a small face and little on a close-up.
    let by_error = (1.0 - expected / (span_px * MAX_ERROR_OF_EYE_SPAN)).clamp(0.0, 1.0);
    AutoAlignment {
        transform,
        confidence: if verdict.is_ok() { by_error } else { 0.0 },
        correlation,
        detail_correlation: detail_face,
        overlap,
        verdict,
        method: AlignMethod::Face,
        expected_error_px: Some(expected),
        identity_distance: identity.ok(),
    }
}

/// How far apart the two faces' identity descriptors are; `Err` when the model could not run.
fn identity_distance(
    a: &RgbImage,
    b: &RgbImage,
    fa: &FaceLandmarks,
    fb: &FaceLandmarks,
) -> Result<f64, String> {
    let da = face_descriptor(a, fa).map_err(|e| e.to_string())?;
    let db = face_descriptor(b, fb).map_err(|e| e.to_string())?;
    Ok(da.distance(&db))
}

/// Geometry first (size, turn, whether the landmarks meet), then identity; the reason names
/// the criterion that declined.
fn check_face(
    t: &Similarity,
    expected_px: f64,
    span_px: f64,
    identity: &Result<f64, String>,
) -> Result<(), String> {
    let degrees = t.angle.to_degrees();
    if !t.scale.is_finite() || t.scale < FACE_SCALE_RANGE.0 || t.scale > FACE_SCALE_RANGE.1 {
        return Err(format!(
            "the faces differ in size by {:.2}×, more than a re-taken portrait would (allowed {}–{}×)",
            t.scale, FACE_SCALE_RANGE.0, FACE_SCALE_RANGE.1
        ));
    }
    if degrees.abs() > MAX_FACE_ROTATION_DEG {
        return Err(format!(
            "the faces are turned {degrees:.1}° against each other, more than {MAX_FACE_ROTATION_DEG}°"
        ));
    }
    // A quarter of the eye span off at the eyes: the heads are turned too differently for
    // any flat transform to match the faces.
    if expected_px > span_px * MAX_ERROR_OF_EYE_SPAN {
        return Err(format!(
            "the heads are posed too differently to match: eyes and nose stay {expected_px:.0} px apart at 2048 px after aligning"
        ));
    }
    match identity {
        Err(e) => Err(format!(
            "whether both photos show the same person could not be checked: {e}"
        )),
        Ok(d) if *d > MAX_SAME_PERSON_DISTANCE => Err(format!(
            "the faces do not match: they look like different people (identity distance {d:.2}, at most {MAX_SAME_PERSON_DISTANCE} for one person)"
        )),
        Ok(_) => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::imaging::face::find_face;
    use crate::imaging::portrait::{
        Portrait, PortraitLook, keystone, keystone_point, render_portrait, rendered_landmarks,
    };
    use crate::model::face::idx;

    fn portrait(name: &str) -> Portrait {
        let path = format!("{}/tests/data/faces/{name}", env!("CARGO_MANIFEST_DIR"));
        let pixels = image::open(path).expect("portrait").to_rgb8();
        let face = find_face(&pixels)
            .expect("models")
            .expect("a face")
            .landmarks;
        Portrait { pixels, face }
    }

    fn landmarks(image: &RgbImage) -> FaceLandmarks {
        find_face(image).expect("models").expect("a face").landmarks
    }

    #[test]
    fn a_retaken_portrait_in_other_light_and_room_aligns_on_the_face() {
        let astronaut = portrait("astronaut.png");
        let (w, h) = (1024, 768);
        let look_a = PortraitLook {
            pigment: 0.8,
            ..PortraitLook::default()
        };
        let truth = Similarity {
            scale: 1.12,
            angle: 6f64.to_radians(),
            tx: 0.03,
            ty: -0.02,
        };
        let look_b = PortraitLook {
            framing: truth,
            exposure: 0.85,
            warmth: 0.04,
            side_light: 0.12,
            background: [120, 90, 70],
            wall_texture: 0.3,
            pigment: 0.3,
            ..look_a.clone()
        };
        let a = render_portrait(&astronaut, &look_a, w, h);
        let b = keystone(&render_portrait(&astronaut, &look_b, w, h), 0.04, true);
        let found = align_faces(&a, &b, &landmarks(&a), &landmarks(&b));
        assert!(found.accepted(), "{found:?}");
        assert_eq!(found.method, AlignMethod::Face);
        // Where the eye and mouth corners truly are on A and B.
        let ta = rendered_landmarks(&astronaut, &look_a, w, h);
        let tb = rendered_landmarks(&astronaut, &look_b, w, h);
        for i in [
            idx::RIGHT_EYE_OUTER,
            idx::LEFT_EYE_OUTER,
            idx::MOUTH_RIGHT,
            idx::MOUTH_LEFT,
        ] {
            let on_b = keystone_point(tb.xy(i), 0.04, true);
            let mapped = found.transform.apply(on_b);
            let off = (mapped[0] - ta.xy(i)[0]).hypot(mapped[1] - ta.xy(i)[1]) * 2048.0;
            assert!(off < 8.0, "landmark {i} is {off:.1} px off at 2048 px");
        }
        assert!(found.expected_error_px.expect("face method") < 8.0);
    }

    #[test]
    fn different_people_are_declined_with_the_face_criterion() {
        let (w, h) = (1024, 768);
        let a = render_portrait(&portrait("astronaut.png"), &PortraitLook::default(), w, h);
        let b = render_portrait(
            &portrait("grace_hopper.jpg"),
            &PortraitLook::default(),
            w,
            h,
        );
        let found = align_faces(&a, &b, &landmarks(&a), &landmarks(&b));
        let reason = found.verdict.expect_err("two different people");
        assert!(reason.starts_with("the faces do not match"), "{reason}");
    }

    /// A real photo from the held-back set, at 1024 px (see tests/data/README).
    fn held_back(name: &str) -> (RgbImage, FaceLandmarks) {
        let path = format!(
            "{}/tests/data/faces/heldback/{name}",
            env!("CARGO_MANIFEST_DIR")
        );
        let image = crate::imaging::derive::resize_to_fit(
            &image::open(path).expect("photo").to_rgb8(),
            1024,
        );
        let face = landmarks(&image);
        (image, face)
    }

    #[test]
    fn real_photos_of_one_person_on_other_days_align_on_the_face_and_another_person_does_not() {
        // Two White House photos of Barack Obama (another day, room, light and expression),
        // and one of Joe Biden.
        let (a, fa) = held_back("obama_1.jpg");
        let (b, fb) = held_back("obama_2.jpg");
        let found = align(&a, &b, Some(&fa), Some(&fb));
        assert!(found.accepted(), "{found:?}");
        assert_eq!(found.method, AlignMethod::Face);
        let same = found.identity_distance.expect("face method");
        assert!(same < MAX_SAME_PERSON_DISTANCE, "{same}");
        // The transform puts B's eyes on A's (the landmarks, not the wall, decided it).
        let mapped = found.transform.apply(fb.xy(idx::LEFT_EYE_OUTER));
        let off = (mapped[0] - fa.xy(idx::LEFT_EYE_OUTER)[0])
            .hypot(mapped[1] - fa.xy(idx::LEFT_EYE_OUTER)[1]);
        assert!(off < fa.eye_span() * 0.25, "eye {off} apart");
        // Its confidence says how well the faces meet for their size, not zero because a
        // turned head leaves some pixels of error on a large face.
        let expected = found.expected_error_px.expect("face method");
        let relative = expected / (fa.eye_span() * PREVIEW_EDGE);
        assert!(
            (found.confidence - (1.0 - relative / MAX_ERROR_OF_EYE_SPAN)).abs() < 1e-9
                && found.confidence > 0.0,
            "confidence {} for {expected:.1} px of {:.0} px eye span",
            found.confidence,
            fa.eye_span() * PREVIEW_EDGE
        );

        let (c, fc) = held_back("biden_1.jpg");
        let other = align(&a, &c, Some(&fa), Some(&fc));
        let reason = other.verdict.expect_err("two different people");
        assert!(
            reason.starts_with("the faces do not match: they look like different people"),
            "{reason}"
        );
        assert!(other.identity_distance.expect("face method") > MAX_SAME_PERSON_DISTANCE);
        assert!(other.confidence.abs() < f64::EPSILON);
    }

    #[test]
    fn fills_a_square_and_nothing_outside_it() {
        let mask = fill_polygon(&[[2.0, 2.0], [6.0, 2.0], [6.0, 6.0], [2.0, 6.0]], 10, 10);
        assert!(mask[4 * 10 + 4]);
        assert!(!mask[0]);
        assert!(!mask[8 * 10 + 8]);
        assert_eq!(mask.iter().filter(|&&m| m).count(), 16);
    }
}

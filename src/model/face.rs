//! A face on a photo: its 468 landmarks (`MediaPipe`'s face mesh numbering), the head pose and
//! expression read from them, the view they suggest, and the facial regions as polygons.
//!
//! Everything here is pure geometry on landmarks in the project's *normalised* coordinates
//! (origin at the photo's centre, one unit per long edge; see [`super::transform`]), so it
//! holds at any resolution. The landmarks come from `imaging::face` at import and are stored
//! in the catalogue; measurement, alignment, pair checks and de-identified exports read them
//! through the functions here.

use super::View;

/// How many landmarks a face has (`MediaPipe` face mesh).
pub const LANDMARK_COUNT: usize = 468;

/// Landmark numbers used by name (`MediaPipe` face mesh; "right" is the person's right, on the
/// left of a frontal photo).
pub mod idx {
    pub const RIGHT_EYE_OUTER: usize = 33;
    pub const RIGHT_EYE_INNER: usize = 133;
    pub const LEFT_EYE_INNER: usize = 362;
    pub const LEFT_EYE_OUTER: usize = 263;
    pub const RIGHT_EYE_UPPER: usize = 159;
    pub const RIGHT_EYE_LOWER: usize = 145;
    pub const LEFT_EYE_UPPER: usize = 386;
    pub const LEFT_EYE_LOWER: usize = 374;
    pub const NOSE_BRIDGE: usize = 168;
    pub const NOSE_TIP: usize = 1;
    pub const SUBNASALE: usize = 2;
    pub const MOUTH_RIGHT: usize = 61;
    pub const MOUTH_LEFT: usize = 291;
    pub const LIP_UPPER_INNER: usize = 13;
    pub const LIP_LOWER_INNER: usize = 14;
    pub const FOREHEAD_TOP: usize = 10;
    pub const CHIN: usize = 152;
    pub const FACE_RIGHT: usize = 234;
    pub const FACE_LEFT: usize = 454;
}

/// Landmarks that move little with expression: eye corners and the nose's ridge. A similarity
/// fitted to these puts one face on another without being pulled by a smile.
pub const RIGID_LANDMARKS: [usize; 10] = [33, 133, 362, 263, 168, 6, 197, 195, 5, 4];

/// The outline of the face (forehead, temples, cheeks, jaw, chin), in order.
pub const FACE_OVAL: [usize; 36] = [
    10, 338, 297, 332, 284, 251, 389, 356, 454, 323, 361, 288, 397, 365, 379, 378, 400, 377, 152,
    148, 176, 149, 150, 136, 172, 58, 132, 93, 234, 127, 162, 21, 54, 103, 67, 109,
];

/// A point: x, y in normalised coordinates, z (depth, towards the camera negative) in the
/// same unit.
pub type Point3 = [f64; 3];

/// The landmarks of one face on one photo.
#[derive(Clone, Debug, PartialEq)]
pub struct FaceLandmarks {
    pub points: Vec<Point3>,
}

impl FaceLandmarks {
    /// `None` unless there are exactly [`LANDMARK_COUNT`] finite points.
    pub fn new(points: Vec<Point3>) -> Option<Self> {
        (points.len() == LANDMARK_COUNT && points.iter().flatten().all(|v| v.is_finite()))
            .then_some(Self { points })
    }

    pub fn xy(&self, i: usize) -> [f64; 2] {
        let p = self.points[i];
        [p[0], p[1]]
    }

    fn distance(&self, i: usize, j: usize) -> f64 {
        let (a, b) = (self.xy(i), self.xy(j));
        (a[0] - b[0]).hypot(a[1] - b[1])
    }

    /// Distance between the outer eye corners: the face's own unit of size.
    pub fn eye_span(&self) -> f64 {
        self.distance(idx::RIGHT_EYE_OUTER, idx::LEFT_EYE_OUTER)
    }

    /// The points of `indices`, x and y only.
    pub fn polygon(&self, indices: &[usize]) -> Vec<[f64; 2]> {
        indices.iter().map(|&i| self.xy(i)).collect()
    }

    /// The face's outline.
    pub fn outline(&self) -> Vec<[f64; 2]> {
        self.polygon(&FACE_OVAL)
    }

    /// The landmarks moved by `f` (e.g. onto another photo's coordinates); depth is scaled
    /// with the plane.
    #[must_use]
    pub fn mapped(&self, transform: &super::Similarity) -> Self {
        Self {
            points: self
                .points
                .iter()
                .map(|p| {
                    let [x, y] = transform.apply([p[0], p[1]]);
                    [x, y, p[2] * transform.scale]
                })
                .collect(),
        }
    }

    /// Head pose read from the 3D landmarks.
    pub fn pose(&self) -> HeadPose {
        HeadPose::from_landmarks(self)
    }

    pub fn expression(&self) -> Expression {
        Expression::from_landmarks(self)
    }

    /// The 468 points as little-endian f32 triples: how the catalogue stores them.
    pub fn to_bytes(&self) -> Vec<u8> {
        self.points
            .iter()
            .flatten()
            .flat_map(|v| (*v as f32).to_le_bytes())
            .collect()
    }

    pub fn from_bytes(bytes: &[u8]) -> Option<Self> {
        if bytes.len() != LANDMARK_COUNT * 12 {
            return None;
        }
        let values: Vec<f64> = bytes
            .chunks_exact(4)
            .map(|c| f64::from(f32::from_le_bytes([c[0], c[1], c[2], c[3]])))
            .collect();
        Self::new(values.chunks_exact(3).map(|c| [c[0], c[1], c[2]]).collect())
    }
}

/// Which way the head is turned, in degrees.
///
/// - `yaw`: positive when the head is turned to the person's left (their nose towards the
///   right of the photo), so more of their right cheek shows;
/// - `pitch`: positive when the chin is raised;
/// - `roll`: positive when the head leans towards the person's left shoulder (clockwise on
///   the photo).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct HeadPose {
    pub yaw: f64,
    pub pitch: f64,
    pub roll: f64,
}

/// What the forehead-to-chin line reads on the face mesh for a head held level: the median
/// over six frontal portraits (tests/data/faces: −11.4°, −6.5°, −6.4°, −0.7°, +2.3°, +13°),
/// subtracted so a level head reads about 0°. Real heads vary by several degrees, so pitch
/// matters as a difference between two photos of one person, not as an absolute.
const PITCH_AT_LEVEL_DEG: f64 = -3.5;

impl HeadPose {
    pub fn from_landmarks(face: &FaceLandmarks) -> Self {
        let p = &face.points;
        // Across the face: outer eye corners and the cheek outline, right to left.
        let across = |a: usize, b: usize| {
            let (pa, pb) = (p[a], p[b]);
            [pb[0] - pa[0], pb[1] - pa[1], pb[2] - pa[2]]
        };
        let eyes = across(idx::RIGHT_EYE_OUTER, idx::LEFT_EYE_OUTER);
        let cheeks = across(idx::FACE_RIGHT, idx::FACE_LEFT);
        let x = [
            eyes[0] + cheeks[0],
            eyes[1] + cheeks[1],
            eyes[2] + cheeks[2],
        ];
        let roll = x[1].atan2(x[0]).to_degrees();
        // Turned to the person's left, their left side moves away from the camera (z grows).
        let yaw = x[2].atan2(x[0].hypot(x[1])).to_degrees();
        let down = across(idx::FOREHEAD_TOP, idx::CHIN);
        // Chin raised: the chin comes towards the camera (z falls) relative to the forehead.
        let pitch = (-down[2]).atan2(down[0].hypot(down[1])).to_degrees() - PITCH_AT_LEVEL_DEG;
        Self { yaw, pitch, roll }
    }

    /// The view a photo with this pose most likely is (for the user to confirm).
    pub fn suggested_view(&self) -> View {
        let turn = self.yaw.abs();
        if turn < 22.5 {
            View::Frontal
        } else if turn < 67.5 {
            // Turned to their left: their right side faces the camera.
            if self.yaw > 0.0 {
                View::RightOblique
            } else {
                View::LeftOblique
            }
        } else if self.yaw > 0.0 {
            View::RightProfile
        } else {
            View::LeftProfile
        }
    }
}

/// Mouth and eyes, as ratios of the face's own size (so they hold at any distance).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Expression {
    /// Gap between the inner lips over the mouth's width.
    pub mouth_open: f64,
    /// Lid gap over eye width, right and left eye (person's sides).
    pub eye_open_right: f64,
    pub eye_open_left: f64,
}

/// Lips apart by more than this share of the mouth's width: "mouth open".
pub const MOUTH_OPEN_RATIO: f64 = 0.12;
/// Lids closer than this share of the eye's width: "eyes closed".
pub const EYE_CLOSED_RATIO: f64 = 0.12;

impl Expression {
    pub fn from_landmarks(face: &FaceLandmarks) -> Self {
        let ratio = |a, b, c, d| {
            let width = face.distance(c, d);
            if width > 0.0 {
                face.distance(a, b) / width
            } else {
                0.0
            }
        };
        Self {
            mouth_open: ratio(
                idx::LIP_UPPER_INNER,
                idx::LIP_LOWER_INNER,
                idx::MOUTH_RIGHT,
                idx::MOUTH_LEFT,
            ),
            eye_open_right: ratio(
                idx::RIGHT_EYE_UPPER,
                idx::RIGHT_EYE_LOWER,
                idx::RIGHT_EYE_OUTER,
                idx::RIGHT_EYE_INNER,
            ),
            eye_open_left: ratio(
                idx::LEFT_EYE_UPPER,
                idx::LEFT_EYE_LOWER,
                idx::LEFT_EYE_INNER,
                idx::LEFT_EYE_OUTER,
            ),
        }
    }

    pub fn mouth_is_open(&self) -> bool {
        self.mouth_open > MOUTH_OPEN_RATIO
    }

    pub fn eyes_closed(&self) -> bool {
        self.eye_open_right.max(self.eye_open_left) < EYE_CLOSED_RATIO
    }
}

/// What the face finder found on one photo, as stored.
#[derive(Clone, Debug, PartialEq)]
pub struct Face {
    pub landmarks: FaceLandmarks,
    /// The detector's confidence, 0–1.
    pub score: f64,
}

impl Face {
    pub fn pose(&self) -> HeadPose {
        self.landmarks.pose()
    }

    pub fn expression(&self) -> Expression {
        self.landmarks.expression()
    }
}

/// Head turns smaller than this are within how still anyone sits for a photo.
pub const POSE_NOTE_DEG: f64 = 8.0;
/// From this difference on, a turn changes what the skin looks like enough to mislead.
pub const POSE_WARNING_DEG: f64 = 15.0;

/// What the two faces of a pair say about comparing them: head turned or tilted differently,
/// mouth open or eyes closed on one side only. In plain words, worst first.
pub fn face_findings(a: Option<&FaceLandmarks>, b: Option<&FaceLandmarks>) -> Vec<super::Finding> {
    use super::Finding;
    let (Some(a), Some(b)) = (a, b) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let graded = |difference: f64, text: String| {
        if difference >= POSE_WARNING_DEG {
            Some(Finding::warning(text))
        } else if difference >= POSE_NOTE_DEG {
            Some(Finding::note(text))
        } else {
            None
        }
    };
    let (pa, pb) = (a.pose(), b.pose());
    let yaw = pb.yaw - pa.yaw;
    // Turned to the person's left, their left cheek turns away from the camera.
    let (side, away) = if yaw > 0.0 {
        ("left", "left")
    } else {
        ("right", "right")
    };
    out.extend(graded(
        yaw.abs(),
        format!(
            "B's head is turned {:.0}° further to the {side} (the person's {side}) than in A: cheek areas are foreshortened, the {away} cheek most, so spots and scars there look smaller.",
            yaw.abs()
        ),
    ));
    let pitch = pb.pitch - pa.pitch;
    out.extend(graded(
        pitch.abs(),
        format!(
            "B's chin is {} {:.0}° more than in A: forehead, under-eye and jawline are seen at another angle.",
            if pitch > 0.0 { "raised" } else { "lowered" },
            pitch.abs(),
        ),
    ));
    let (ea, eb) = (a.expression(), b.expression());
    match (ea.mouth_is_open(), eb.mouth_is_open()) {
        (false, true) => out.push(Finding::warning(
            "Mouth open in B, closed in A: lines around the mouth and the cheeks change with expression.".into(),
        )),
        (true, false) => out.push(Finding::warning(
            "Mouth open in A, closed in B: lines around the mouth and the cheeks change with expression.".into(),
        )),
        _ => {}
    }
    for (name, e) in [("A", ea), ("B", eb)] {
        if e.eyes_closed() {
            out.push(Finding::warning(format!(
                "Eyes closed in {name}: the skin around the eyes folds differently with the eyes shut."
            )));
        }
    }
    out.sort_by_key(|f| std::cmp::Reverse(f.severity));
    out
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A flat, frontal "face": the mesh indices placed on a grid is useless, so tests build
    /// faces from real landmarks in `imaging::face`; here a few rules need only a handful of
    /// points, which this helper sets on an otherwise degenerate face.
    pub(crate) fn face_with(points: &[(usize, Point3)]) -> FaceLandmarks {
        let mut all = vec![[0.0, 0.0, 0.0]; LANDMARK_COUNT];
        for &(i, p) in points {
            all[i] = p;
        }
        FaceLandmarks::new(all).expect("finite")
    }

    fn turned(yaw_deg: f64, roll_deg: f64) -> FaceLandmarks {
        let (sy, cy) = yaw_deg.to_radians().sin_cos();
        let (sr, cr) = roll_deg.to_radians().sin_cos();
        // A head: eyes ±0.05 across, cheeks ±0.08 across and 0.04 behind, forehead above,
        // chin below (chin a little forward, as on a real face).
        let rot = |[x, y, z]: Point3| {
            let (x, z) = (x * cy - z * sy, x * sy + z * cy);
            [x * cr - y * sr, x * sr + y * cr, z]
        };
        let lean = PITCH_AT_LEVEL_DEG.to_radians().tan() * 0.2;
        face_with(&[
            (idx::RIGHT_EYE_OUTER, rot([-0.05, 0.0, 0.0])),
            (idx::LEFT_EYE_OUTER, rot([0.05, 0.0, 0.0])),
            (idx::RIGHT_EYE_INNER, rot([-0.02, 0.0, 0.0])),
            (idx::LEFT_EYE_INNER, rot([0.02, 0.0, 0.0])),
            (idx::RIGHT_EYE_UPPER, rot([-0.035, -0.006, 0.0])),
            (idx::RIGHT_EYE_LOWER, rot([-0.035, 0.006, 0.0])),
            (idx::LEFT_EYE_UPPER, rot([0.035, -0.006, 0.0])),
            (idx::LEFT_EYE_LOWER, rot([0.035, 0.006, 0.0])),
            (idx::FACE_RIGHT, rot([-0.08, 0.02, 0.04])),
            (idx::FACE_LEFT, rot([0.08, 0.02, 0.04])),
            (idx::FOREHEAD_TOP, rot([0.0, -0.08, 0.0])),
            (idx::CHIN, rot([0.0, 0.12, -lean])),
        ])
    }

    #[test]
    fn pose_reads_yaw_and_roll_and_suggests_the_view() {
        let level = turned(0.0, 0.0).pose();
        assert!(level.yaw.abs() < 0.5 && level.roll.abs() < 0.5, "{level:?}");
        assert!(level.pitch.abs() < 0.5, "{level:?}");
        assert_eq!(level.suggested_view(), View::Frontal);
        let left = turned(30.0, 0.0).pose();
        assert!((left.yaw - 30.0).abs() < 1.0, "{left:?}");
        assert_eq!(left.suggested_view(), View::RightOblique);
        assert_eq!(
            turned(-40.0, 0.0).pose().suggested_view(),
            View::LeftOblique
        );
        let leaning = turned(0.0, 10.0).pose();
        assert!((leaning.roll - 10.0).abs() < 0.5, "{leaning:?}");
    }

    #[test]
    fn landmarks_survive_the_stored_bytes() {
        let face = turned(12.0, 3.0);
        let back = FaceLandmarks::from_bytes(&face.to_bytes()).expect("round trip");
        for (a, b) in face.points.iter().zip(&back.points) {
            for k in 0..3 {
                assert!((a[k] - b[k]).abs() < 1e-6);
            }
        }
        assert!(FaceLandmarks::from_bytes(&[0; 12]).is_none());
    }

    #[test]
    fn findings_name_the_turn_and_the_expression_in_plain_words() {
        let a = turned(0.0, 0.0);
        let b = turned(12.0, 0.0);
        let found = face_findings(Some(&a), Some(&b));
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found[0]
                .text
                .starts_with("B's head is turned 12° further to the left"),
            "{}",
            found[0].text
        );
        assert_eq!(found[0].severity, super::super::Severity::Note);
        let far = face_findings(Some(&a), Some(&turned(-20.0, 0.0)));
        assert!(far[0].text.contains("to the right"), "{far:?}");
        assert_eq!(far[0].severity, super::super::Severity::Warning);
        assert!(face_findings(Some(&a), Some(&turned(3.0, 0.0))).is_empty());
        assert!(face_findings(None, Some(&b)).is_empty());
        // Lips apart in B only.
        let lips = |gap: f64| {
            let mut f = turned(0.0, 0.0);
            f.points[idx::MOUTH_RIGHT] = [-0.03, 0.08, 0.0];
            f.points[idx::MOUTH_LEFT] = [0.03, 0.08, 0.0];
            f.points[idx::LIP_UPPER_INNER] = [0.0, 0.08, 0.0];
            f.points[idx::LIP_LOWER_INNER] = [0.0, 0.08 + gap, 0.0];
            f
        };
        let found = face_findings(Some(&lips(0.0)), Some(&lips(0.02)));
        assert!(
            found.iter().any(|f| f.text.starts_with("Mouth open in B")),
            "{found:?}"
        );
    }
}

//! The facial regions (forehead, glabella, periorbital, nose, cheeks, perioral, chin,
//! jawline) as polygons from a face's landmarks, with stable names for the command line and
//! JSON, and the small polygon helpers measuring in a region needs. Pure geometry in the
//! photo's normalised coordinates (see [`super::transform`]).

// Geometry: x, y, a, b read as in the formulas they implement.
#![allow(clippy::many_single_char_names)]

use super::Keyed;
use super::face::FaceLandmarks;
use std::fmt;
use std::str::FromStr;

/// The facial regions a measurement, a difference or a de-identified export can be limited to.
/// Names are stable (command line, JSON): `measure --region left-cheek`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FacialRegion {
    Forehead,
    Glabella,
    PeriorbitalLeft,
    PeriorbitalRight,
    Nose,
    LeftCheek,
    RightCheek,
    Perioral,
    Chin,
    Jawline,
}

impl Keyed for FacialRegion {
    const ALL: &'static [Self] = &[
        Self::Forehead,
        Self::Glabella,
        Self::PeriorbitalLeft,
        Self::PeriorbitalRight,
        Self::Nose,
        Self::LeftCheek,
        Self::RightCheek,
        Self::Perioral,
        Self::Chin,
        Self::Jawline,
    ];
    const WHAT: &'static str = "facial region";

    fn key(self) -> &'static str {
        match self {
            Self::Forehead => "forehead",
            Self::Glabella => "glabella",
            Self::PeriorbitalLeft => "periorbital-left",
            Self::PeriorbitalRight => "periorbital-right",
            Self::Nose => "nose",
            Self::LeftCheek => "left-cheek",
            Self::RightCheek => "right-cheek",
            Self::Perioral => "perioral",
            Self::Chin => "chin",
            Self::Jawline => "jawline",
        }
    }

    fn label(self) -> &'static str {
        match self {
            Self::Forehead => "Forehead",
            Self::Glabella => "Glabella",
            Self::PeriorbitalLeft => "Periorbital (left)",
            Self::PeriorbitalRight => "Periorbital (right)",
            Self::Nose => "Nose",
            Self::LeftCheek => "Left cheek",
            Self::RightCheek => "Right cheek",
            Self::Perioral => "Perioral",
            Self::Chin => "Chin",
            Self::Jawline => "Jawline",
        }
    }
}

impl FacialRegion {
    /// The stable kebab-case name (`left-cheek`).
    pub fn name(self) -> &'static str {
        self.key()
    }

    /// The landmarks that outline the region, in order (for all but the jawline, which is a
    /// band along the outline and built in [`FacialRegion::polygon`]).
    fn ring(self) -> &'static [usize] {
        match self {
            Self::Forehead => &[
                21, 54, 103, 67, 109, 10, 338, 297, 332, 284, 251, 300, 293, 334, 296, 336, 9, 107,
                66, 105, 63, 70, 71,
            ],
            Self::Glabella => &[107, 9, 336, 285, 8, 55],
            Self::PeriorbitalRight => &[
                156, 46, 53, 52, 65, 55, 193, 245, 128, 121, 120, 119, 118, 117, 111, 143,
            ],
            Self::PeriorbitalLeft => &[
                383, 276, 283, 282, 295, 285, 417, 465, 357, 350, 349, 348, 347, 346, 340, 372,
            ],
            Self::Nose => &[
                168, 417, 465, 343, 437, 420, 429, 358, 327, 326, 2, 97, 98, 129, 209, 198, 217,
                114, 245, 193,
            ],
            Self::RightCheek => &[
                116, 117, 118, 119, 120, 47, 126, 209, 129, 203, 206, 216, 207, 213, 147, 123,
            ],
            Self::LeftCheek => &[
                345, 346, 347, 348, 349, 277, 355, 429, 358, 423, 426, 436, 427, 433, 376, 352,
            ],
            Self::Perioral => &[
                164, 393, 391, 322, 410, 287, 273, 335, 406, 313, 18, 83, 182, 106, 43, 57, 186,
                92, 165, 167,
            ],
            Self::Chin => &[
                43, 106, 182, 83, 18, 313, 406, 335, 273, 422, 430, 394, 379, 378, 400, 377, 152,
                148, 176, 149, 150, 169, 210, 202,
            ],
            Self::Jawline => &JAW,
        }
    }

    /// The region's outline on the photo the landmarks belong to (normalised coordinates).
    pub fn polygon(self, face: &FaceLandmarks) -> Vec<[f64; 2]> {
        if self != Self::Jawline {
            return face.polygon(self.ring());
        }
        // A band along the lower outline, as wide as a fifth of the eye span, inwards.
        let outer = face.polygon(&JAW);
        let centre = centroid(&face.outline());
        let width = face.eye_span() * 0.2;
        let inner: Vec<[f64; 2]> = outer
            .iter()
            .rev()
            .map(|p| {
                let (dx, dy) = (centre[0] - p[0], centre[1] - p[1]);
                let d = dx.hypot(dy).max(1e-9);
                [p[0] + dx / d * width, p[1] + dy / d * width]
            })
            .collect();
        outer.into_iter().chain(inner).collect()
    }
}

/// The lower outline, ear to ear under the chin.
const JAW: [usize; 19] = [
    93, 132, 58, 172, 136, 150, 149, 176, 148, 152, 377, 400, 378, 379, 365, 397, 288, 361, 323,
];

impl fmt::Display for FacialRegion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

impl FromStr for FacialRegion {
    type Err = super::UnknownKey;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        super::parse_keyed(s)
    }
}

/// Every facial region's outline on the photo the landmarks belong to.
pub fn facial_regions(face: &FaceLandmarks) -> Vec<(FacialRegion, Vec<[f64; 2]>)> {
    FacialRegion::ALL
        .iter()
        .map(|&r| (r, r.polygon(face)))
        .collect()
}

/// The mean of a polygon's vertices.
pub fn centroid(points: &[[f64; 2]]) -> [f64; 2] {
    let n = points.len().max(1) as f64;
    let (sx, sy) = points
        .iter()
        .fold((0.0, 0.0), |(sx, sy), p| (sx + p[0], sy + p[1]));
    [sx / n, sy / n]
}

/// Whether a point lies inside a polygon (even–odd rule).
pub fn contains(polygon: &[[f64; 2]], [x, y]: [f64; 2]) -> bool {
    let mut inside = false;
    let n = polygon.len();
    for i in 0..n {
        let (a, b) = (polygon[i], polygon[(i + n - 1) % n]);
        if (a[1] > y) != (b[1] > y) && x < (b[0] - a[0]) * (y - a[1]) / (b[1] - a[1]) + a[0] {
            inside = !inside;
        }
    }
    inside
}

/// A polygon's area (shoelace), in square units of its coordinates.
pub fn area(polygon: &[[f64; 2]]) -> f64 {
    let n = polygon.len();
    (0..n)
        .map(|i| {
            let (a, b) = (polygon[i], polygon[(i + 1) % n]);
            a[0] * b[1] - b[0] * a[1]
        })
        .sum::<f64>()
        .abs()
        / 2.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn region_names_are_stable_kebab_case() {
        let names: Vec<&str> = FacialRegion::ALL.iter().map(|r| r.name()).collect();
        assert_eq!(
            names,
            [
                "forehead",
                "glabella",
                "periorbital-left",
                "periorbital-right",
                "nose",
                "left-cheek",
                "right-cheek",
                "perioral",
                "chin",
                "jawline"
            ]
        );
        assert_eq!(
            "Left-Cheek".parse::<FacialRegion>(),
            Ok(FacialRegion::LeftCheek)
        );
        let err = "ear".parse::<FacialRegion>().unwrap_err().to_string();
        assert!(
            err.contains("facial region") && err.contains("jawline"),
            "{err}"
        );
    }

    #[test]
    fn polygon_helpers() {
        let square = [[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0]];
        assert!((area(&square) - 1.0).abs() < 1e-12);
        assert!(contains(&square, [0.5, 0.5]));
        assert!(!contains(&square, [1.5, 0.5]));
        let [cx, cy] = centroid(&square);
        assert!((cx - 0.5).abs() < 1e-12 && (cy - 0.5).abs() < 1e-12);
    }
}

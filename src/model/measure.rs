//! Measuring skin colour in a region of a photo: the region's shape (in resolution-free
//! normalised coordinates, so a region drawn on the series' reference photo follows the skin
//! through each photo's alignment), what a measurement holds, and the ITA° skin colour
//! categories. Pure; the pixel work is `imaging::measure`.

// Geometry: x, y, w, h, u, v read as in the formulas they implement.
#![allow(clippy::many_single_char_names)]
use super::{Keyed, PhotoId, RegionId, SessionId, Similarity, UnknownKey, parse_keyed};
use chrono::NaiveDate;
use std::fmt;
use std::str::FromStr;

/// Bumped whenever the way a measurement is computed changes, so stored values say which
/// method produced them. 1: per-pixel CIELAB (sRGB, D65) means and standard deviations;
/// ITA° of the mean; erythema and melanin indices of the mean linear reflectance; regions
/// over a megapixel sampled on a regular grid.
pub const METHOD_VERSION: u32 = 1;

/// A point in normalised coordinates (origin at the centre, one unit per long edge).
pub type Point = [f64; 2];

/// The outline of a region, in the normalised coordinates of the photo it was drawn on.
#[derive(Clone, Debug, PartialEq)]
pub enum Shape {
    /// Top-left corner and size.
    Rect { x: f64, y: f64, w: f64, h: f64 },
    /// Centre and radii along x and y.
    Ellipse { cx: f64, cy: f64, rx: f64, ry: f64 },
    /// A free outline (at least three points; closed implicitly). Facial regions derived
    /// from face landmarks are polygons too.
    Polygon(Vec<Point>),
}

impl Shape {
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Rect { .. } => "rect",
            Self::Ellipse { .. } => "ellipse",
            Self::Polygon(_) => "polygon",
        }
    }

    pub fn contains(&self, [x, y]: Point) -> bool {
        match self {
            Self::Rect { x: rx, y: ry, w, h } => x >= *rx && x < rx + w && y >= *ry && y < ry + h,
            Self::Ellipse { cx, cy, rx, ry } => {
                let (dx, dy) = ((x - cx) / rx, (y - cy) / ry);
                dx * dx + dy * dy <= 1.0
            }
            Self::Polygon(points) => {
                // Even-odd rule: count the edges a ray to the right crosses.
                let mut inside = false;
                let n = points.len();
                for i in 0..n {
                    let ([x1, y1], [x2, y2]) = (points[i], points[(i + n - 1) % n]);
                    if (y1 > y) != (y2 > y) && x < (x2 - x1) * (y - y1) / (y2 - y1) + x1 {
                        inside = !inside;
                    }
                }
                inside
            }
        }
    }

    /// Smallest box holding the shape: `[min_x, min_y, max_x, max_y]`.
    pub fn bounds(&self) -> [f64; 4] {
        match self {
            Self::Rect { x, y, w, h } => [*x, *y, x + w, y + h],
            Self::Ellipse { cx, cy, rx, ry } => [cx - rx, cy - ry, cx + rx, cy + ry],
            Self::Polygon(points) => points.iter().fold(
                [
                    f64::INFINITY,
                    f64::INFINITY,
                    f64::NEG_INFINITY,
                    f64::NEG_INFINITY,
                ],
                |[a, b, c, d], [x, y]| [a.min(*x), b.min(*y), c.max(*x), d.max(*y)],
            ),
        }
    }

    pub fn centre(&self) -> Point {
        let [a, b, c, d] = self.bounds();
        [f64::midpoint(a, c), f64::midpoint(b, d)]
    }

    /// The outline as a closed polyline (an ellipse as 72 points), for drawing.
    pub fn outline(&self) -> Vec<Point> {
        match self {
            Self::Rect { x, y, w, h } => vec![[*x, *y], [x + w, *y], [x + w, y + h], [*x, y + h]],
            Self::Ellipse { cx, cy, rx, ry } => (0..72)
                .map(|i| {
                    let t = f64::from(i) / 72.0 * std::f64::consts::TAU;
                    [cx + rx * t.cos(), cy + ry * t.sin()]
                })
                .collect(),
            Self::Polygon(points) => points.clone(),
        }
    }

    /// The shape grown (or shrunk) by `scale` about its centre: a ring's outer edge.
    #[must_use]
    pub fn scaled(&self, scale: f64) -> Self {
        let [cx, cy] = self.centre();
        let at = |[x, y]: Point| [cx + (x - cx) * scale, cy + (y - cy) * scale];
        match self {
            Self::Rect { x, y, w, h } => {
                let [x, y] = at([*x, *y]);
                Self::Rect {
                    x,
                    y,
                    w: w * scale,
                    h: h * scale,
                }
            }
            Self::Ellipse { rx, ry, .. } => Self::Ellipse {
                cx,
                cy,
                rx: rx * scale,
                ry: ry * scale,
            },
            Self::Polygon(points) => Self::Polygon(points.iter().map(|p| at(*p)).collect()),
        }
    }

    /// Why the shape cannot be measured, if it cannot.
    pub fn check(&self) -> Result<(), RegionError> {
        let finite = |v: &[f64]| v.iter().all(|v| v.is_finite());
        match self {
            Self::Rect { x, y, w, h } if finite(&[*x, *y, *w, *h]) && *w > 0.0 && *h > 0.0 => {
                Ok(())
            }
            Self::Ellipse { cx, cy, rx, ry }
                if finite(&[*cx, *cy, *rx, *ry]) && *rx > 0.0 && *ry > 0.0 =>
            {
                Ok(())
            }
            Self::Polygon(p) if p.len() >= 3 && p.iter().all(|q| finite(q)) => {
                let [a, b, c, d] = self.bounds();
                if c > a && d > b {
                    Ok(())
                } else {
                    Err(RegionError::Empty)
                }
            }
            Self::Polygon(p) if p.len() < 3 => Err(RegionError::TooFewPoints(p.len())),
            _ => Err(RegionError::Empty),
        }
    }
}

/// The skin a lesion is compared with.
#[derive(Clone, Debug, PartialEq)]
pub enum Surround {
    /// A band around the lesion: the lesion's shape grown by `scale` about its centre, less
    /// the lesion itself.
    Ring { scale: f64 },
    /// An outline the user drew (the lesion is left out of it).
    Shape(Shape),
}

/// What to measure: a shape, and optionally the surrounding skin to compare it with.
#[derive(Clone, Debug, PartialEq)]
pub struct Region {
    pub shape: Shape,
    pub surround: Option<Surround>,
}

impl Region {
    pub fn plain(shape: Shape) -> Self {
        Self {
            shape,
            surround: None,
        }
    }

    /// Whether a point (in the region's own frame) is in the lesion.
    pub fn in_lesion(&self, p: Point) -> bool {
        self.shape.contains(p)
    }

    /// Whether a point is in the surrounding skin (never in the lesion).
    pub fn in_surround(&self, p: Point) -> bool {
        if self.shape.contains(p) {
            return false;
        }
        match &self.surround {
            None => false,
            Some(Surround::Ring { scale }) => {
                let c = self.shape.centre();
                self.shape
                    .contains([c[0] + (p[0] - c[0]) / scale, c[1] + (p[1] - c[1]) / scale])
            }
            Some(Surround::Shape(s)) => s.contains(p),
        }
    }

    /// The surround's outer outline, when there is a surround.
    pub fn surround_outline(&self) -> Option<Vec<Point>> {
        match &self.surround {
            None => None,
            Some(Surround::Ring { scale }) => Some(self.shape.scaled(*scale).outline()),
            Some(Surround::Shape(s)) => Some(s.outline()),
        }
    }

    /// The box holding the lesion and its surround.
    pub fn bounds(&self) -> [f64; 4] {
        let [a, b, c, d] = self.shape.bounds();
        match &self.surround {
            None => [a, b, c, d],
            Some(Surround::Ring { scale }) => {
                let [cx, cy] = self.shape.centre();
                [
                    cx - (cx - a) * scale,
                    cy - (cy - b) * scale,
                    cx + (c - cx) * scale,
                    cy + (d - cy) * scale,
                ]
            }
            Some(Surround::Shape(s)) => {
                let [e, f, g, h] = s.bounds();
                [a.min(e), b.min(f), c.max(g), d.max(h)]
            }
        }
    }

    pub fn check(&self) -> Result<(), RegionError> {
        self.shape.check()?;
        match &self.surround {
            Some(Surround::Ring { scale }) if !(scale.is_finite() && *scale > 1.0) => {
                Err(RegionError::RingScale(*scale))
            }
            Some(Surround::Shape(s)) => s.check(),
            _ => Ok(()),
        }
    }
}

#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum RegionError {
    #[error("region: a polygon needs at least three points ({0} given)")]
    TooFewPoints(usize),
    #[error("region: the shape is empty (zero width or height)")]
    Empty,
    #[error("region: the surrounding ring must be larger than the lesion (scale {0} ≤ 1)")]
    RingScale(f64),
    #[error("region: it lies outside the photo")]
    Outside,
}

/// A facial region's key from a loosely spelled name ("Left cheek" → "left-cheek"); the
/// regions are those the face landmarks outline ([`super::FacialRegion`]).
pub fn facial_region_key(name: &str) -> Option<&'static str> {
    let key = super::vocab_key(name);
    super::FacialRegion::ALL
        .iter()
        .map(|r| r.name())
        .find(|k| *k == key)
}

/// Every facial region's key, for messages ("forehead, glabella, …").
pub fn facial_region_names() -> String {
    let names: Vec<&str> = super::FacialRegion::ALL.iter().map(|r| r.name()).collect();
    names.join(", ")
}

/// ITA° categories (Chardon et al. 1991; bands as Del Bino et al. 2006, Br. J. Dermatol.
/// 155:1016): > 55° very light, 41–55° light, 28–41° intermediate, 10–28° tan, −30–10° brown,
/// ≤ −30° dark; each band includes its upper bound.
pub fn ita_category(ita: f64) -> ItaCategory {
    match ita {
        v if v > 55.0 => ItaCategory::VeryLight,
        v if v > 41.0 => ItaCategory::Light,
        v if v > 28.0 => ItaCategory::Intermediate,
        v if v > 10.0 => ItaCategory::Tan,
        v if v > -30.0 => ItaCategory::Brown,
        _ => ItaCategory::Dark,
    }
}

/// Colour statistics of the pixels of one area.
#[derive(Clone, Debug, PartialEq)]
pub struct ColourStats {
    /// Mean CIELAB (D65) of the pixels.
    pub lab: [f64; 3],
    /// Standard deviation of each of L*, a*, b* over the pixels.
    pub lab_sd: [f64; 3],
    /// ITA° of the mean L*, b*.
    pub ita_deg: f64,
    pub erythema_index: f64,
    pub melanin_index: f64,
    /// Pixels measured (after sampling).
    pub pixels: u64,
}

impl ColourStats {
    pub fn ita_category(&self) -> ItaCategory {
        ita_category(self.ita_deg)
    }
}

/// Pixels count as a spot when this much darker (ΔL*) or redder (Δa*) than the surround.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SpotThreshold {
    pub darker_l: f64,
    pub redder_a: f64,
}

impl Default for SpotThreshold {
    fn default() -> Self {
        Self {
            darker_l: 3.0,
            redder_a: 3.0,
        }
    }
}

/// The lesion against its surrounding skin.
#[derive(Clone, Debug, PartialEq)]
pub struct Contrast {
    pub surround: ColourStats,
    /// CIEDE2000 between the mean colours of the lesion and the surround.
    pub delta_e2000: f64,
    /// Share (0–1) of the lesion's pixels darker than the surround's mean L* by the threshold.
    pub darker_share: f64,
    /// Share (0–1) of the lesion's pixels redder than the surround's mean a* by the threshold.
    pub redder_share: f64,
    pub threshold: SpotThreshold,
}

/// What a region of a photo measured.
#[derive(Clone, Debug, PartialEq)]
pub struct Measurement {
    pub region: ColourStats,
    pub contrast: Option<Contrast>,
    /// A reference card's colour correction was applied first.
    pub corrected: bool,
    pub method_version: u32,
}

/// A region as stored: drawn on `photo` (usually the series' reference), with a name.
#[derive(Clone, Debug, PartialEq)]
pub struct StoredRegion {
    pub id: RegionId,
    pub photo: PhotoId,
    pub name: String,
    pub region: Region,
}

/// A stored measurement of a region in one photo, with what a chart needs.
#[derive(Clone, Debug, PartialEq)]
pub struct MeasurementRow {
    pub id: i64,
    pub region: RegionId,
    pub region_name: String,
    pub photo: PhotoId,
    pub session: Option<SessionId>,
    pub date: NaiveDate,
    pub measurement: Measurement,
}

/// Maps a point of the photo being measured into the frame the region was drawn in: the
/// pair transform from the photo to the region's photo (identity for the same photo).
pub type ToRegion = Similarity;

impl ItaCategory {
    /// The band as a person reads it: "intermediate (28–41°)".
    pub fn band(self) -> &'static str {
        match self {
            Self::VeryLight => "> 55°",
            Self::Light => "41–55°",
            Self::Intermediate => "28–41°",
            Self::Tan => "10–28°",
            Self::Brown => "−30–10°",
            Self::Dark => "≤ −30°",
        }
    }
}

keyed_enum!(
    /// Skin colour category by ITA°.
    ItaCategory, "ITA° category" {
        VeryLight => "very-light", "Very light";
        Light => "light", "Light";
        Intermediate => "intermediate", "Intermediate";
        Tan => "tan", "Tan";
        Brown => "brown", "Brown";
        Dark => "dark", "Dark";
    }
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ita_bands_include_their_upper_bound() {
        let cases = [
            (90.0, ItaCategory::VeryLight),
            (55.01, ItaCategory::VeryLight),
            (55.0, ItaCategory::Light),
            (41.01, ItaCategory::Light),
            (41.0, ItaCategory::Intermediate),
            (28.0, ItaCategory::Tan),
            (10.0, ItaCategory::Brown),
            (-29.99, ItaCategory::Brown),
            (-30.0, ItaCategory::Dark),
            (-80.0, ItaCategory::Dark),
        ];
        for (ita, want) in cases {
            assert_eq!(ita_category(ita), want, "{ita}");
        }
        assert_eq!(ItaCategory::Tan.key(), "tan");
    }

    #[test]
    fn shapes_contain_what_they_outline() {
        let rect = Shape::Rect {
            x: -0.1,
            y: -0.1,
            w: 0.2,
            h: 0.1,
        };
        assert!(rect.contains([0.0, -0.05]) && !rect.contains([0.0, 0.05]));
        let ellipse = Shape::Ellipse {
            cx: 0.0,
            cy: 0.0,
            rx: 0.2,
            ry: 0.1,
        };
        assert!(ellipse.contains([0.19, 0.0]) && !ellipse.contains([0.15, 0.08]));
        // An L-shaped polygon: its notch is outside.
        let l = Shape::Polygon(vec![
            [0.0, 0.0],
            [0.2, 0.0],
            [0.2, 0.1],
            [0.1, 0.1],
            [0.1, 0.2],
            [0.0, 0.2],
        ]);
        assert!(l.contains([0.05, 0.15]) && l.contains([0.15, 0.05]));
        assert!(!l.contains([0.15, 0.15]));
        assert!(
            l.bounds()
                .iter()
                .zip([0.0, 0.0, 0.2, 0.2])
                .all(|(a, b)| (a - b).abs() < 1e-12)
        );
        assert_eq!(
            Shape::Polygon(vec![[0.0, 0.0], [0.1, 0.1]]).check(),
            Err(RegionError::TooFewPoints(2))
        );
    }

    #[test]
    fn outlines_follow_the_shape_and_a_ring_grows_about_the_centre() {
        let rect = Shape::Rect {
            x: 0.0,
            y: 0.0,
            w: 0.2,
            h: 0.1,
        };
        assert_eq!(rect.outline().len(), 4);
        let ring = rect.scaled(2.0);
        let b = ring.bounds();
        assert!(
            b.iter()
                .zip([-0.1, -0.05, 0.3, 0.15])
                .all(|(x, y)| (x - y).abs() < 1e-12),
            "{b:?}"
        );
        let ellipse = Shape::Ellipse {
            cx: 0.1,
            cy: 0.0,
            rx: 0.05,
            ry: 0.02,
        };
        // Every outline point lies on the ellipse's edge.
        for [x, y] in ellipse.outline() {
            let r = ((x - 0.1) / 0.05).powi(2) + (y / 0.02).powi(2);
            assert!((r - 1.0).abs() < 1e-9);
        }
        let region = Region {
            shape: ellipse.clone(),
            surround: Some(Surround::Ring { scale: 3.0 }),
        };
        let outer = region.surround_outline().unwrap();
        assert!(outer.iter().any(|p| (p[0] - 0.25).abs() < 1e-9));
        assert_eq!(Region::plain(ellipse).surround_outline(), None);
    }

    #[test]
    fn a_ring_surrounds_the_lesion_without_overlapping_it() {
        let region = Region {
            shape: Shape::Ellipse {
                cx: 0.1,
                cy: 0.0,
                rx: 0.05,
                ry: 0.05,
            },
            surround: Some(Surround::Ring { scale: 2.0 }),
        };
        assert!(region.in_lesion([0.1, 0.0]) && !region.in_surround([0.1, 0.0]));
        assert!(region.in_surround([0.18, 0.0]) && !region.in_lesion([0.18, 0.0]));
        assert!(!region.in_surround([0.25, 0.0]));
        let b = region.bounds();
        assert!(
            b.iter()
                .zip([0.0, -0.1, 0.2, 0.1])
                .all(|(x, y)| (x - y).abs() < 1e-12),
            "{b:?}"
        );
        let bad = Region {
            surround: Some(Surround::Ring { scale: 1.0 }),
            ..region
        };
        assert!(
            bad.check()
                .unwrap_err()
                .to_string()
                .contains("larger than the lesion")
        );
    }

    #[test]
    fn facial_region_names_match_loosely() {
        assert_eq!(facial_region_key("Left cheek"), Some("left-cheek"));
        assert_eq!(
            facial_region_key("periorbital_left"),
            Some("periorbital-left")
        );
        assert_eq!(facial_region_key("elbow"), None);
    }
}

//! Where B sits on A: a 2D similarity transform between two photos of the same skin.
//!
//! Points are in *normalised* coordinates: the origin at the photo's centre, one unit per long
//! edge. The transform then holds at any resolution (thumbnail, preview, original, export) and
//! between photos of different sizes, and identity means "same framing".

/// Maps B's normalised coordinates onto A's: `p_a = scale · R(angle) · p_b + (tx, ty)`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Similarity {
    pub scale: f64,
    /// Counter-clockwise on screen (y down), in radians.
    pub angle: f64,
    pub tx: f64,
    pub ty: f64,
}

impl Default for Similarity {
    fn default() -> Self {
        Self::IDENTITY
    }
}

impl Similarity {
    pub const IDENTITY: Self = Self {
        scale: 1.0,
        angle: 0.0,
        tx: 0.0,
        ty: 0.0,
    };

    pub fn apply(&self, [x, y]: [f64; 2]) -> [f64; 2] {
        let (sin, cos) = self.angle.sin_cos();
        [
            self.scale * (cos * x + sin * y) + self.tx,
            self.scale * (-sin * x + cos * y) + self.ty,
        ]
    }

    #[must_use]
    pub fn inverse(&self) -> Self {
        let scale = 1.0 / self.scale;
        let angle = -self.angle;
        let (sin, cos) = angle.sin_cos();
        Self {
            scale,
            angle,
            tx: -scale * (cos * self.tx + sin * self.ty),
            ty: -scale * (-sin * self.tx + cos * self.ty),
        }
    }

    pub fn is_identity(&self) -> bool {
        *self == Self::IDENTITY
    }

    /// This transform, then `next`: `p ↦ next(self(p))`.
    #[must_use]
    pub fn then(&self, next: &Self) -> Self {
        let [tx, ty] = next.apply([self.tx, self.ty]);
        Self {
            scale: self.scale * next.scale,
            angle: self.angle + next.angle,
            tx,
            ty,
        }
    }

    /// Rotation in degrees, as a person reads it.
    pub fn degrees(&self) -> f64 {
        self.angle.to_degrees()
    }
}

/// Where a photo sits on its reference photo (the baseline of its series and view).
#[derive(Clone, Debug, PartialEq)]
pub struct Alignment {
    pub photo: super::PhotoId,
    pub reference: super::PhotoId,
    /// The photo's normalised coordinates to the reference's.
    pub transform: Similarity,
    pub method: super::AlignMethod,
    /// Auto-alignment's confidence, 0–1.
    pub confidence: Option<f64>,
}

/// B → A for a pair, from their alignments: through their common reference. `None` when
/// they share none (not aligned to each other).
pub fn pair_transform(
    a: super::PhotoId,
    b: super::PhotoId,
    align_a: Option<&Alignment>,
    align_b: Option<&Alignment>,
) -> Option<Similarity> {
    if a == b {
        return Some(Similarity::IDENTITY);
    }
    let reference = |id, al: Option<&Alignment>| {
        al.map_or((id, Similarity::IDENTITY), |al| {
            (al.reference, al.transform)
        })
    };
    let (ref_a, a_to_ref) = reference(a, align_a);
    let (ref_b, b_to_ref) = reference(b, align_b);
    (ref_a == ref_b).then(|| b_to_ref.then(&a_to_ref.inverse()))
}

/// Why landmarks cannot give a transform.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum FitError {
    #[error("place at least two pairs of matching points ({0} so far)")]
    TooFew(usize),
    #[error(
        "the points on {0} are all in one place: spread them out (e.g. both inner eye corners)"
    )]
    Coincident(&'static str),
}

/// A similarity fitted to landmark pairs, with how far each pair is off after fitting.
#[derive(Clone, Debug, PartialEq)]
pub struct Fit {
    pub transform: Similarity,
    /// Per pair: distance between the A point and the mapped B point, in the units given.
    pub residuals: Vec<f64>,
}

impl Fit {
    /// Root mean square of the residuals.
    pub fn rms(&self) -> f64 {
        if self.residuals.is_empty() {
            return 0.0;
        }
        (self.residuals.iter().map(|r| r * r).sum::<f64>() / self.residuals.len() as f64).sqrt()
    }
}

/// A matching pair of points: on A, and on B.
pub type PointPair = ([f64; 2], [f64; 2]);

/// The similarity that best maps each `b` point onto its `a` point, by least squares
/// (closed form: as complex numbers, a = z·b + t with z = s·e^{iφ}). Two pairs fit exactly.
pub fn fit_similarity(pairs: &[PointPair]) -> Result<Fit, FitError> {
    if pairs.len() < 2 {
        return Err(FitError::TooFew(pairs.len()));
    }
    let n = pairs.len() as f64;
    let mean = |pick: fn(&PointPair) -> [f64; 2]| {
        let sum = pairs
            .iter()
            .map(pick)
            .fold([0.0, 0.0], |s, p| [s[0] + p[0], s[1] + p[1]]);
        [sum[0] / n, sum[1] / n]
    };
    let (ma, mb) = (mean(|p| p.0), mean(|p| p.1));
    let (mut re, mut im, mut norm_b, mut norm_a) = (0.0, 0.0, 0.0, 0.0);
    for (a, b) in pairs {
        let (ax, ay) = (a[0] - ma[0], a[1] - ma[1]);
        let (bx, by) = (b[0] - mb[0], b[1] - mb[1]);
        // conj(b) · a
        re += bx * ax + by * ay;
        im += bx * ay - by * ax;
        norm_b += bx * bx + by * by;
        norm_a += ax * ax + ay * ay;
    }
    let spread = |norm: f64| norm / n < 1e-12;
    if spread(norm_b) {
        return Err(FitError::Coincident("B"));
    }
    if spread(norm_a) {
        return Err(FitError::Coincident("A"));
    }
    let (zr, zi) = (re / norm_b, im / norm_b);
    let scale = zr.hypot(zi);
    // Our angle turns counter-clockwise on screen (y down): the opposite sign of φ.
    let angle = -zi.atan2(zr);
    let partial = Similarity {
        scale,
        angle,
        tx: 0.0,
        ty: 0.0,
    };
    let mapped = partial.apply(mb);
    let transform = Similarity {
        tx: ma[0] - mapped[0],
        ty: ma[1] - mapped[1],
        ..partial
    };
    let residuals = pairs
        .iter()
        .map(|(a, b)| {
            let m = transform.apply(*b);
            (m[0] - a[0]).hypot(m[1] - a[1])
        })
        .collect();
    Ok(Fit {
        transform,
        residuals,
    })
}

/// A pixel position (x right, y down; pixel centres at +0.5) in normalised coordinates.
pub fn to_normalised([x, y]: [f64; 2], width: u32, height: u32) -> [f64; 2] {
    let long = f64::from(width.max(height));
    [
        (x - f64::from(width) / 2.0) / long,
        (y - f64::from(height) / 2.0) / long,
    ]
}

/// The inverse of [`to_normalised`].
pub fn from_normalised([x, y]: [f64; 2], width: u32, height: u32) -> [f64; 2] {
    let long = f64::from(width.max(height));
    [
        x * long + f64::from(width) / 2.0,
        y * long + f64::from(height) / 2.0,
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: [f64; 2], b: [f64; 2]) -> bool {
        (a[0] - b[0]).abs() < 1e-12 && (a[1] - b[1]).abs() < 1e-12
    }

    #[test]
    fn inverse_undoes_apply_and_identity_changes_nothing() {
        let t = Similarity {
            scale: 1.2,
            angle: 0.3,
            tx: 0.05,
            ty: -0.02,
        };
        for p in [[0.0, 0.0], [0.3, -0.2], [-0.5, 0.375]] {
            assert!(close(t.inverse().apply(t.apply(p)), p));
            assert!(close(Similarity::IDENTITY.apply(p), p));
        }
        // A quarter turn counter-clockwise on screen takes "right" to "up" (y down).
        let quarter = Similarity {
            angle: std::f64::consts::FRAC_PI_2,
            ..Similarity::IDENTITY
        };
        assert!(close(quarter.apply([1.0, 0.0]), [0.0, -1.0]));
    }

    #[test]
    fn composition_and_pairs_through_a_common_reference() {
        use super::super::{AlignMethod, PhotoId};
        let t1 = Similarity {
            scale: 1.1,
            angle: 0.1,
            tx: 0.02,
            ty: 0.01,
        };
        let t2 = Similarity {
            scale: 0.9,
            angle: -0.3,
            tx: -0.05,
            ty: 0.04,
        };
        for p in [[0.1, -0.2], [0.3, 0.3]] {
            assert!(close(t1.then(&t2).apply(p), t2.apply(t1.apply(p))));
        }
        let aligned = |photo, transform| Alignment {
            photo: PhotoId(photo),
            reference: PhotoId(1),
            transform,
            method: AlignMethod::Auto,
            confidence: Some(0.9),
        };
        let (a, b) = (aligned(2, t1), aligned(3, t2));
        // B → reference → A.
        let pair = pair_transform(PhotoId(2), PhotoId(3), Some(&a), Some(&b)).unwrap();
        let p = [0.2, 0.1];
        assert!(close(pair.apply(p), t1.inverse().apply(t2.apply(p))));
        // The reference itself as A.
        let pair = pair_transform(PhotoId(1), PhotoId(3), None, Some(&b)).unwrap();
        assert!(close(pair.apply(p), t2.apply(p)));
        // Not aligned to each other.
        assert_eq!(pair_transform(PhotoId(4), PhotoId(3), None, Some(&b)), None);
        assert_eq!(pair_transform(PhotoId(4), PhotoId(5), None, None), None);
    }

    #[test]
    fn landmarks_reproduce_an_exact_transform_and_report_residuals() {
        let truth = Similarity {
            scale: 1.13,
            angle: 0.21,
            tx: 0.031,
            ty: -0.044,
        };
        let bs = [[0.1, 0.2], [-0.3, 0.05], [0.25, -0.31], [0.0, 0.0]];
        for n in [2, 4] {
            let pairs: Vec<_> = bs[..n].iter().map(|b| (truth.apply(*b), *b)).collect();
            let fit = fit_similarity(&pairs).unwrap();
            // < 0.01 px at 6000 px: normalised units are long edges.
            for b in &bs {
                let (x, y) = (fit.transform.apply(*b), truth.apply(*b));
                assert!(
                    (x[0] - y[0]).hypot(x[1] - y[1]) * 6000.0 < 0.01,
                    "{n} pairs"
                );
            }
            assert!(fit.rms() * 6000.0 < 0.01);
        }
        // One pair off by 0.01: least squares spreads it and the residuals show it.
        let mut pairs: Vec<_> = bs.iter().map(|b| (truth.apply(*b), *b)).collect();
        pairs[0].0[0] += 0.01;
        let fit = fit_similarity(&pairs).unwrap();
        assert!(fit.residuals[0] > fit.residuals[1] && fit.residuals[0] < 0.01);
        assert!(fit.rms() > 0.001);
    }

    #[test]
    fn degenerate_landmarks_are_refused_with_a_reason() {
        assert_eq!(fit_similarity(&[]), Err(FitError::TooFew(0)));
        assert_eq!(
            fit_similarity(&[([0.1, 0.1], [0.2, 0.2])]),
            Err(FitError::TooFew(1))
        );
        let same_b = [([0.1, 0.1], [0.2, 0.2]), ([0.3, 0.1], [0.2, 0.2])];
        let err = fit_similarity(&same_b).unwrap_err();
        assert_eq!(err, FitError::Coincident("B"));
        assert!(err.to_string().contains("all in one place"));
        let same_a = [([0.1, 0.1], [0.2, 0.2]), ([0.1, 0.1], [0.4, 0.2])];
        assert_eq!(fit_similarity(&same_a), Err(FitError::Coincident("A")));
    }

    #[test]
    fn normalised_coordinates_are_resolution_free() {
        // The same relative spot in a preview and in the original.
        let original = to_normalised([3000.0, 1000.0], 6000, 4000);
        let preview = to_normalised([1024.0, 1024.0 / 3.0], 2048, 1365);
        assert!((original[0] - preview[0]).abs() < 1e-9);
        assert!((original[1] - preview[1]).abs() < 1e-3);
        assert!(close(
            from_normalised(to_normalised([12.5, 7.0], 40, 30), 40, 30),
            [12.5, 7.0]
        ));
    }
}

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

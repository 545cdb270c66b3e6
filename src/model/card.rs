//! Reference cards in the frame (a grey card, a 24-patch colour checker) and the colour
//! correction fitted to one: what is stored with a photo, and when a fit is not to be trusted.

use super::{Keyed, PhotoId, UnknownKey, parse_keyed};
use std::fmt;
use std::str::FromStr;

/// A mean residual (CIEDE2000 over the patches) above this means the corners were not on a
/// card, or not on the card named: a real chart under any usual light fits within a few units.
pub const IMPLAUSIBLE_RESIDUAL: f64 = 8.0;

keyed_enum!(
    /// Which reference card is in the photo.
    CardKind, "card" {
        Grey => "grey", "Grey card (18 %)";
        ColorChecker24 => "colorchecker-24", "ColorChecker Classic (24 patches)";
    }
);

/// The corners of a card's patch area in a photo's normalised coordinates: top left, top
/// right, bottom right, bottom left (a `ColorChecker`'s dark-skin patch at the top left).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Corners(pub [[f64; 2]; 4]);

impl Corners {
    /// Twice the signed area of the quad (shoelace).
    fn doubled_area(&self) -> f64 {
        let p = &self.0;
        (0..4)
            .map(|i| {
                let (a, b) = (p[i], p[(i + 1) % 4]);
                a[0] * b[1] - b[0] * a[1]
            })
            .sum()
    }

    pub fn check(&self) -> Result<(), CardError> {
        if self.0.iter().flatten().any(|v| !v.is_finite()) {
            return Err(CardError::Degenerate);
        }
        // Convex, and not folded over: every turn goes the same way.
        let p = &self.0;
        let turns: Vec<f64> = (0..4)
            .map(|i| {
                let (a, b, c) = (p[i], p[(i + 1) % 4], p[(i + 2) % 4]);
                (b[0] - a[0]) * (c[1] - b[1]) - (b[1] - a[1]) * (c[0] - b[0])
            })
            .collect();
        let same_way = turns.iter().all(|t| *t > 0.0) || turns.iter().all(|t| *t < 0.0);
        // At least 1 % of the long edge squared: a card too small to read gives noise.
        if !same_way || self.doubled_area().abs() / 2.0 < 1e-4 {
            return Err(CardError::Degenerate);
        }
        Ok(())
    }
}

/// Why a card could not give a correction.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum CardError {
    #[error(
        "card corners: mark four corners of the card's patch area in order (top left, top right, bottom right, bottom left) around a visible card"
    )]
    Degenerate,
    #[error("card corners: part of the card lies outside the photo")]
    OutsidePhoto,
    #[error(
        "card: the card reads as black; is the photo exposed, and are the corners on the card?"
    )]
    TooDark,
    #[error("card: the patches read as one colour; are the corners on the chart?")]
    NoContrast,
    #[error(
        "card: the patches do not match the chart (mean ΔE2000 {0:.1} after fitting); check that the corners are on the patch area and the card named is the one in the photo"
    )]
    PoorFit(f64),
}

/// A correction stored with a photo.
#[derive(Clone, Debug, PartialEq)]
pub struct CardCorrection {
    pub photo: PhotoId,
    pub kind: CardKind,
    pub corners: Corners,
    /// Camera linear RGB → reference linear sRGB (D65), rows first.
    pub matrix: [[f64; 3]; 3],
    /// Each patch's name and residual ΔE2000 after correction.
    pub residuals: Vec<(String, f64)>,
}

impl CardCorrection {
    pub fn mean_residual(&self) -> f64 {
        self.residuals.iter().map(|r| r.1).sum::<f64>() / self.residuals.len().max(1) as f64
    }

    pub fn max_residual(&self) -> f64 {
        self.residuals.iter().map(|r| r.1).fold(0.0, f64::max)
    }
}

/// The pair check's word on card corrections: only one side corrected makes the colours of
/// the two photos incomparable in a way the eye cannot see.
pub fn correction_finding(a_corrected: bool, b_corrected: bool) -> Option<super::Finding> {
    match (a_corrected, b_corrected) {
        (true, false) | (false, true) => Some(super::Finding::warning(format!(
            "Only {} has a reference card correction: its measured colours are corrected and the other's are not, so colour and tone measurements of the two do not compare. Mark the card on both, or on neither.",
            if a_corrected { "A" } else { "B" }
        ))),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn corners_must_outline_a_card() {
        let ok = Corners([[-0.2, -0.1], [0.2, -0.1], [0.2, 0.1], [-0.2, 0.1]]);
        assert_eq!(ok.check(), Ok(()));
        let crossed = Corners([[-0.2, -0.1], [0.2, 0.1], [0.2, -0.1], [-0.2, 0.1]]);
        assert_eq!(crossed.check(), Err(CardError::Degenerate));
        let tiny = Corners([[0.0, 0.0], [0.001, 0.0], [0.001, 0.001], [0.0, 0.001]]);
        assert_eq!(tiny.check(), Err(CardError::Degenerate));
    }

    #[test]
    fn only_one_corrected_side_is_a_warning() {
        assert!(correction_finding(true, true).is_none());
        assert!(correction_finding(false, false).is_none());
        let f = correction_finding(false, true).unwrap();
        assert!(f.text.starts_with("Only B has a reference card correction"));
    }
}

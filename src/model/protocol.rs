//! A series' protocol: the views every session should have a photo of, and how complete a
//! session is against it ("3 of 4 views: left 45° missing"). Also short words for counts.

use super::{Keyed, View};

impl View {
    /// The view as a short lower-case phrase, as in "left 45° missing".
    pub fn short(self) -> &'static str {
        match self {
            Self::Frontal => "frontal",
            Self::LeftOblique => "left 45°",
            Self::RightOblique => "right 45°",
            Self::LeftProfile => "left profile",
            Self::RightProfile => "right profile",
            Self::CloseUp => "close-up",
        }
    }

    /// Where the view comes in a session, in clinical order: frontal, left 45°, right 45°,
    /// left profile, right profile, close-up (photos without a view last).
    pub fn rank(view: Option<Self>) -> usize {
        view.and_then(|v| Self::ALL.iter().position(|w| *w == v))
            .unwrap_or(Self::ALL.len())
    }
}

/// "1 photo", "3 photos": a count with its noun.
pub fn count(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

/// How a session measures up to its series' protocol.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Completeness {
    /// The views the protocol asks for, in clinical order (empty: no protocol).
    pub required: Vec<View>,
    /// Those the session has no photo of.
    pub missing: Vec<View>,
}

impl Completeness {
    /// Checks the views present (photos without a view count for nothing).
    pub fn of(required: &[View], present: impl IntoIterator<Item = Option<View>>) -> Self {
        let present: Vec<View> = present.into_iter().flatten().collect();
        let mut required: Vec<View> = required.to_vec();
        required.sort_by_key(|v| View::rank(Some(*v)));
        required.dedup();
        let missing = required
            .iter()
            .copied()
            .filter(|v| !present.contains(v))
            .collect();
        Self { required, missing }
    }

    /// There is a protocol and the session lacks a view of it.
    pub fn is_incomplete(&self) -> bool {
        !self.missing.is_empty()
    }

    /// "3 of 4 views: left 45° missing", "all 4 views", or `None` without a protocol.
    pub fn text(&self) -> Option<String> {
        let n = self.required.len();
        if n == 0 {
            return None;
        }
        if self.missing.is_empty() {
            return Some(if n == 1 {
                "the 1 view".to_owned()
            } else {
                format!("all {n} views")
            });
        }
        let missing: Vec<&str> = self.missing.iter().map(|v| v.short()).collect();
        Some(format!(
            "{} of {n} views: {} missing",
            n - self.missing.len(),
            missing.join(", ")
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_session_is_checked_against_its_protocol_in_clinical_order() {
        let protocol = [
            View::CloseUp,
            View::Frontal,
            View::RightOblique,
            View::LeftOblique,
        ];
        let c = Completeness::of(
            &protocol,
            [
                Some(View::Frontal),
                None,
                Some(View::RightOblique),
                Some(View::CloseUp),
            ],
        );
        assert_eq!(c.text().unwrap(), "3 of 4 views: left 45° missing");
        assert!(c.is_incomplete());
        let two = Completeness::of(&protocol, [Some(View::Frontal), Some(View::Frontal)]);
        assert_eq!(
            two.text().unwrap(),
            "1 of 4 views: left 45°, right 45°, close-up missing"
        );
        let all = Completeness::of(&protocol, protocol.map(Some));
        assert_eq!(all.text().unwrap(), "all 4 views");
        assert!(!all.is_incomplete());
        assert_eq!(Completeness::of(&[], [Some(View::Frontal)]).text(), None);
        assert!(View::rank(Some(View::Frontal)) < View::rank(Some(View::LeftOblique)));
        assert!(View::rank(Some(View::CloseUp)) < View::rank(None));
        assert_eq!(count(1, "photo", "photos"), "1 photo");
        assert_eq!(count(0, "person", "people"), "0 people");
    }
}

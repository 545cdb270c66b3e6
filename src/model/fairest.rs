//! The fairest pair: of all the before/after pairs a series offers for one view, the one
//! that compares most like with like — same pose and expression, comparable light and
//! sharpness, no photo inside a treatment's healing window, well aligned — while still
//! spanning the series from its start to its end. Pure ranking over catalogue rows and a few
//! measurements of each photo (taken by the caller from its pixels).

use super::compare::{ComparedPhoto, HEALING_DAYS, SeriesPhotos};
use super::{Keyed, PhotoId, View};

/// What the ranking needs to know of a photo beyond its catalogue row.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct PhotoTraits {
    /// Mean CIE L*a*b* of the photo (of its face when it has one).
    pub lab: Option<[f64; 3]>,
    /// Variance of the Laplacian (higher: sharper).
    pub sharpness: Option<f64>,
}

/// How well a pair is aligned, if at all.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum PairAlignment {
    NotAligned,
    /// Landmarks placed by hand.
    Manual,
    /// Automatic (whole frame or face), with its confidence 0–1.
    Auto(f64),
}

/// One candidate pair with what counts against it.
#[derive(Clone, Debug, PartialEq)]
pub struct RankedPair {
    pub before: PhotoId,
    pub after: PhotoId,
    /// Lower is fairer.
    pub penalty: f64,
    /// What counts against it, worst first: (penalty, plain words).
    pub problems: Vec<(f64, String)>,
}

/// The proposal: the fairest pair and why it beats the plain first-and-last pair.
#[derive(Clone, Debug, PartialEq)]
pub struct FairestPair {
    pub pair: RankedPair,
    /// The first and last photo of the view, for comparison.
    pub plain: RankedPair,
    /// In plain words: "session 5 instead of 6: 6 was 4 days after a treatment".
    pub reason: String,
}

/// Each session a pair sits away from the series' ends costs this much: the fairest pair
/// should still show the whole course when it can.
const SPAN_PENALTY_PER_STEP: f64 = 0.4;

fn describe(series: &SeriesPhotos, p: &ComparedPhoto) -> String {
    match p.photo.session.and_then(|s| series.session_number(s)) {
        Some((n, _)) => format!("session {n}"),
        None => format!("the photo of {}", p.date().format("%Y-%m-%d")),
    }
}

/// What counts against comparing `a` with `b`.
fn problems(
    series: &SeriesPhotos,
    a: &ComparedPhoto,
    b: &ComparedPhoto,
    traits: &dyn Fn(PhotoId) -> PhotoTraits,
    alignment: &dyn Fn(PhotoId, PhotoId) -> PairAlignment,
) -> Vec<(f64, String)> {
    let mut out = Vec::new();
    for p in [a, b] {
        if let Some((_, _, days)) = series.last_treatment_before(&p.photo)
            && days < HEALING_DAYS
        {
            out.push((
                4.0 + (HEALING_DAYS - days) as f64 * 0.1,
                format!("{} was {days} days after a treatment", describe(series, p)),
            ));
        }
    }
    if a.photo.lighting != b.photo.lighting {
        out.push((4.0, "they were taken in different light".into()));
    }
    if let (Some(fa), Some(fb)) = (&a.face, &b.face) {
        let (pa, pb) = (fa.pose(), fb.pose());
        let turn = (pb.yaw - pa.yaw).abs().max((pb.pitch - pa.pitch).abs());
        if turn >= 4.0 {
            out.push((
                turn / 8.0,
                format!("the head is turned {turn:.0}° differently"),
            ));
        }
        let (ea, eb) = (fa.expression(), fb.expression());
        if ea.mouth_is_open() != eb.mouth_is_open() {
            out.push((1.0, "the mouth is open in one only".into()));
        }
        if ea.eyes_closed() || eb.eyes_closed() {
            out.push((1.0, "eyes are closed in one".into()));
        }
    }
    let (ta, tb) = (traits(a.id()), traits(b.id()));
    if let (Some(la), Some(lb)) = (ta.lab, tb.lab) {
        let de =
            ((la[0] - lb[0]).powi(2) + (la[1] - lb[1]).powi(2) + (la[2] - lb[2]).powi(2)).sqrt();
        if de >= 3.0 {
            out.push((
                de / 6.0,
                format!("brightness and colour differ (ΔE {de:.1})"),
            ));
        }
    }
    if let (Some(sa), Some(sb)) = (ta.sharpness, tb.sharpness)
        && sa > 0.0
        && sb > 0.0
    {
        let ratio = sa.min(sb) / sa.max(sb);
        if ratio < 0.7 {
            out.push((
                (1.0 - ratio) * 3.0,
                format!(
                    "one is much less sharp ({:.0} % of the other)",
                    ratio * 100.0
                ),
            ));
        }
    }
    match alignment(a.id(), b.id()) {
        PairAlignment::NotAligned => out.push((0.5, "they are not aligned".into())),
        PairAlignment::Auto(c) if c < 0.7 => {
            out.push((
                1.0 - c,
                format!("their alignment is uncertain (confidence {c:.2})"),
            ));
        }
        PairAlignment::Auto(_) | PairAlignment::Manual => {}
    }
    out.sort_by(|x, y| y.0.total_cmp(&x.0));
    out
}

/// The series' photos of one view, in time order.
pub fn view_line(series: &SeriesPhotos, view: View) -> Vec<&ComparedPhoto> {
    series
        .photos
        .iter()
        .filter(|p| p.photo.view == Some(view))
        .collect()
}

/// Every before/after pair of `view` in the series, fairest first. Before-photos come from
/// the first half of the series' photos of that view, after-photos from the second half.
pub fn rank_pairs(
    series: &SeriesPhotos,
    view: View,
    traits: &dyn Fn(PhotoId) -> PhotoTraits,
    alignment: &dyn Fn(PhotoId, PhotoId) -> PairAlignment,
) -> Vec<RankedPair> {
    let line = view_line(series, view);
    if line.len() < 2 {
        return Vec::new();
    }
    let half = line.len().div_ceil(2);
    let mut out = Vec::new();
    for (i, a) in line[..half].iter().enumerate() {
        for (k, b) in line[half.min(line.len() - 1)..].iter().enumerate() {
            let j = half.min(line.len() - 1) + k;
            if j <= i || a.date() >= b.date() {
                continue;
            }
            let mut found = problems(series, a, b, traits, alignment);
            let steps = i + (line.len() - 1 - j);
            if steps > 0 {
                found.push((
                    steps as f64 * SPAN_PENALTY_PER_STEP,
                    format!("it leaves out {steps} photo(s) at the ends of the series"),
                ));
            }
            out.push(RankedPair {
                before: a.id(),
                after: b.id(),
                penalty: found.iter().map(|(p, _)| p).sum(),
                problems: found,
            });
        }
    }
    out.sort_by(|x, y| x.penalty.total_cmp(&y.penalty));
    out
}

/// The fairest pair of `view` with the reason it is proposed; `None` without two photos.
pub fn fairest_pair(
    series: &SeriesPhotos,
    view: View,
    traits: &dyn Fn(PhotoId) -> PhotoTraits,
    alignment: &dyn Fn(PhotoId, PhotoId) -> PairAlignment,
) -> Option<FairestPair> {
    let ranked = rank_pairs(series, view, traits, alignment);
    let best = ranked.first()?.clone();
    let line = view_line(series, view);
    let (first, last) = (line[0].id(), line[line.len() - 1].id());
    let plain = ranked
        .iter()
        .find(|r| r.before == first && r.after == last)
        .cloned()
        .unwrap_or_else(|| best.clone());
    let name = |id: PhotoId| {
        series
            .photo(id)
            .map_or_else(|| format!("photo {id}"), |p| describe(series, p))
    };
    let reason = if best.before == plain.before && best.after == plain.after {
        match best.problems.first() {
            None => format!(
                "{} and {}: the first and last {} photos compare like with like.",
                name(best.before),
                name(best.after),
                view.label().to_lowercase()
            ),
            Some((_, worst)) => format!(
                "{} and {}: the first and last {} photos, and no other pair is fairer, though {worst}.",
                name(best.before),
                name(best.after),
                view.label().to_lowercase()
            ),
        }
    } else {
        let mut swaps = Vec::new();
        if best.before != plain.before {
            swaps.push(format!(
                "{} instead of {}",
                name(best.before),
                name(plain.before)
            ));
        }
        if best.after != plain.after {
            swaps.push(format!(
                "{} instead of {}",
                name(best.after),
                name(plain.after)
            ));
        }
        let why: Vec<&str> = plain
            .problems
            .iter()
            .filter(|(_, text)| !best.problems.iter().any(|(_, t)| t == text))
            .map(|(_, text)| text.as_str())
            .take(2)
            .collect();
        format!("{}: {}.", swaps.join(", "), why.join("; "))
    };
    Some(FairestPair {
        pair: best,
        plain,
        reason,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::SessionKind;
    use crate::model::compare::tests::{photo, series_with};

    #[test]
    fn a_photo_inside_the_healing_window_is_passed_over_with_the_reason() {
        // Sessions 1–6 a month apart; the last photo was taken 4 days after session 6, the
        // one before 30 days after session 5.
        let sessions = [
            (1, "2025-01-01", SessionKind::Baseline),
            (2, "2025-02-01", SessionKind::Treatment),
            (3, "2025-03-01", SessionKind::Treatment),
            (4, "2025-04-01", SessionKind::Treatment),
            (5, "2025-05-01", SessionKind::Treatment),
            (6, "2025-06-01", SessionKind::Treatment),
        ];
        let photos = vec![
            photo(1, "2025-01-01", Some(1), View::Frontal),
            photo(2, "2025-02-01", Some(2), View::Frontal),
            photo(5, "2025-05-31", Some(5), View::Frontal),
            photo(6, "2025-06-05", Some(6), View::Frontal),
        ];
        let series = series_with(photos, &sessions);
        let traits = |_| PhotoTraits::default();
        let aligned = |_, _| PairAlignment::Manual;
        let fair = fairest_pair(&series, View::Frontal, &traits, &aligned).expect("a pair");
        assert_eq!(
            (fair.pair.before, fair.pair.after),
            (PhotoId(1), PhotoId(5))
        );
        assert_eq!(
            (fair.plain.before, fair.plain.after),
            (PhotoId(1), PhotoId(6))
        );
        assert_eq!(
            fair.reason,
            "session 5 instead of session 6: session 6 was 4 days after a treatment."
        );
    }

    #[test]
    fn light_and_colour_count_against_a_pair() {
        let sessions = [
            (1, "2025-01-01", SessionKind::Baseline),
            (2, "2025-03-01", SessionKind::Treatment),
        ];
        let photos = vec![
            photo(1, "2025-01-01", Some(1), View::Frontal),
            photo(2, "2025-02-01", None, View::Frontal),
            photo(3, "2025-04-01", None, View::Frontal),
            photo(4, "2025-04-02", None, View::Frontal),
        ];
        let series = series_with(photos, &sessions);
        let traits = |id: PhotoId| PhotoTraits {
            lab: Some(if id == PhotoId(4) {
                [40.0, 20.0, 20.0]
            } else {
                [60.0, 15.0, 18.0]
            }),
            sharpness: Some(100.0),
        };
        let aligned = |_, _| PairAlignment::Auto(0.9);
        let fair = fairest_pair(&series, View::Frontal, &traits, &aligned).expect("a pair");
        assert_eq!(fair.pair.after, PhotoId(3), "{fair:?}");
        assert!(
            fair.reason.contains("brightness and colour differ"),
            "{}",
            fair.reason
        );
        assert!(rank_pairs(&series, View::LeftProfile, &traits, &aligned).is_empty());
    }
}

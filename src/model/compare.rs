//! Comparing two photos honestly: what each side is (date, days since the series baseline,
//! session, view, light), which photos of a series line up, and what makes a pair unfair to
//! compare. Pure logic over catalogue rows.

use super::{
    Keyed, Lighting, Photo, PhotoId, Series, Session, SessionId, SessionKind, TermId, View,
};
use chrono::NaiveDate;

/// Photos taken sooner than this after a treatment show swelling and redness, not the result.
pub const HEALING_DAYS: i64 = 14;

/// A pair with no findings, in plain words: what was checked (the [`HEALING_DAYS`] rule
/// included), for the comparison's header and the footer of exports.
pub fn comparable_text() -> String {
    format!(
        "same person, view and light, and no treatment in the {HEALING_DAYS} days before either photo"
    )
}

/// A series sheet with no findings, in plain words.
pub fn sheet_clear_text() -> String {
    format!("No photo on this sheet was taken within {HEALING_DAYS} days after a treatment.")
}

/// A photo with what a comparison needs to know about it.
#[derive(Clone, Debug, PartialEq)]
pub struct ComparedPhoto {
    pub photo: Photo,
    /// Its areas (cheeks, forehead…), to match like with like.
    pub areas: Vec<TermId>,
    pub person_name: Option<String>,
    /// A reference card's colour correction is stored for it.
    pub card_corrected: bool,
    /// The face found on it, if any (pose and expression findings, face-aware alignment).
    pub face: Option<super::face::FaceLandmarks>,
}

impl ComparedPhoto {
    pub fn id(&self) -> PhotoId {
        self.photo.id
    }

    pub fn date(&self) -> NaiveDate {
        self.photo.taken_at.local.date()
    }

    /// Same pose and at least one area in common (or neither has an area).
    fn lines_up_with(&self, other: &Self) -> bool {
        self.photo.view == other.photo.view
            && (self.areas.iter().any(|a| other.areas.contains(a))
                || (self.areas.is_empty() && other.areas.is_empty()))
    }
}

/// A series with its sessions (by date) and its photos not in the trash (by time taken).
#[derive(Clone, Debug, PartialEq)]
pub struct SeriesPhotos {
    pub series: Series,
    pub person_name: String,
    pub sessions: Vec<Session>,
    pub photos: Vec<ComparedPhoto>,
}

/// What a comparison shows beside each photo.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SideLabel {
    pub date: NaiveDate,
    /// Days since the series baseline, when the photo is in a series.
    pub days_since_baseline: Option<i64>,
    /// Session number and how many the series has (or plans).
    pub session: Option<(usize, usize)>,
    pub view: Option<View>,
    pub lighting: Option<Lighting>,
}

impl SideLabel {
    /// A plain label for a photo outside any series.
    pub fn of(photo: &Photo) -> Self {
        Self {
            date: photo.taken_at.local.date(),
            days_since_baseline: None,
            session: None,
            view: photo.view,
            lighting: photo.lighting,
        }
    }

    /// "+84 d", or "baseline" on the day of the baseline.
    pub fn days_text(&self) -> Option<String> {
        self.days_since_baseline.map(|d| match d {
            0 => "baseline".to_owned(),
            d if d > 0 => format!("+{d} d"),
            d => format!("{d} d"),
        })
    }

    /// The label as lines: date and days, session, view and light.
    pub fn lines(&self) -> Vec<String> {
        let mut first = self.date.format("%Y-%m-%d").to_string();
        if let Some(days) = self.days_text() {
            first = format!("{first}  ({days})");
        }
        let mut lines = vec![first];
        if let Some((n, of)) = self.session {
            lines.push(format!("Session {n} of {of}"));
        }
        lines.push(format!(
            "{} · {} light",
            self.view.map_or("View not recorded", View::label),
            self.lighting.map_or("unrecorded", Lighting::label)
        ));
        lines
    }
}

/// How much a finding matters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Worth knowing; the comparison stands.
    Note,
    /// The comparison may mislead.
    Warning,
}

/// One thing about a pair, in plain words.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    pub severity: Severity,
    pub text: String,
}

impl Finding {
    pub fn warning(text: String) -> Self {
        Self {
            severity: Severity::Warning,
            text,
        }
    }

    pub fn note(text: String) -> Self {
        Self {
            severity: Severity::Note,
            text,
        }
    }
}

impl SeriesPhotos {
    /// The day the series started: its baseline session, else its first session, else its
    /// first photo.
    pub fn baseline_date(&self) -> Option<NaiveDate> {
        self.sessions
            .iter()
            .find(|s| s.kind == SessionKind::Baseline)
            .or_else(|| self.sessions.first())
            .map(|s| s.date)
            .or_else(|| self.photos.first().map(ComparedPhoto::date))
    }

    fn session(&self, id: SessionId) -> Option<(usize, &Session)> {
        self.sessions.iter().enumerate().find(|(_, s)| s.id == id)
    }

    /// Session `n` of how many the series has, or plans if it plans more.
    pub fn session_number(&self, id: SessionId) -> Option<(usize, usize)> {
        let (index, _) = self.session(id)?;
        let planned = self.series.planned_sessions.unwrap_or(0) as usize;
        Some((index + 1, self.sessions.len().max(planned)))
    }

    pub fn label(&self, photo: &Photo) -> SideLabel {
        let date = photo.taken_at.local.date();
        SideLabel {
            days_since_baseline: self.baseline_date().map(|b| (date - b).num_days()),
            session: photo.session.and_then(|s| self.session_number(s)),
            ..SideLabel::of(photo)
        }
    }

    /// The latest treatment before the photo was taken and how many days before. A photo
    /// belonging to a session documents the skin before that day's treatment, so its own
    /// session does not count. The first session counts as a treatment: microneedling
    /// starts on the day of the baseline photos.
    pub fn last_treatment_before(&self, photo: &Photo) -> Option<(usize, &Session, i64)> {
        let date = photo.taken_at.local.date();
        self.sessions
            .iter()
            .enumerate()
            .rfind(|(_, s)| {
                s.kind != SessionKind::FollowUp
                    && (s.date < date || (s.date == date && photo.session != Some(s.id)))
            })
            .map(|(i, s)| (i + 1, s, (date - s.date).num_days()))
    }

    pub fn photo(&self, id: PhotoId) -> Option<&ComparedPhoto> {
        self.photos.iter().find(|p| p.id() == id)
    }

    /// The photos that line up with `like` (same view, an area in common), one per session
    /// (the first taken) plus those outside any session, in date order.
    pub fn timeline(&self, like: &ComparedPhoto) -> Vec<PhotoId> {
        let mut seen_sessions = std::collections::HashSet::new();
        self.photos
            .iter()
            .filter(|p| p.lines_up_with(like))
            .filter(|p| p.photo.session.is_none_or(|s| seen_sessions.insert(s)))
            .map(ComparedPhoto::id)
            .collect()
    }

    /// The earliest and latest photo of the longest timeline (ties: the first view listed),
    /// or `None` when no view has two photos.
    pub fn baseline_and_latest(&self) -> Option<(PhotoId, PhotoId)> {
        let mut best: Option<Vec<PhotoId>> = None;
        for candidate in &self.photos {
            let line = self.timeline(candidate);
            if line.len() >= 2 && best.as_ref().is_none_or(|b| line.len() > b.len()) {
                best = Some(line);
            }
        }
        best.map(|line| (line[0], line[line.len() - 1]))
    }
}

/// What the pixels say about a pair: mean colour of the aligned overlap and sharpness.
#[derive(Clone, Debug, PartialEq)]
pub struct PairQuality {
    /// Mean CIE L*a*b* of A and of B where they overlap.
    pub lab_a: [f64; 3],
    pub lab_b: [f64; 3],
    /// Variance of the Laplacian of each, in A's frame (higher: sharper).
    pub sharpness_a: f64,
    pub sharpness_b: f64,
    /// Share of A that B covers.
    pub overlap: f64,
}

impl PairQuality {
    /// ΔE (CIE 1976) between the mean colours.
    pub fn delta_e(&self) -> f64 {
        let d = |i: usize| self.lab_b[i] - self.lab_a[i];
        (d(0).powi(2) + d(1).powi(2) + d(2).powi(2)).sqrt()
    }

    /// Brightness, colour and sharpness findings, in plain words.
    pub fn findings(&self) -> Vec<Finding> {
        let mut out = Vec::new();
        let delta_e = self.delta_e();
        if delta_e >= 3.0 {
            let (dl, da, db) = (
                self.lab_b[0] - self.lab_a[0],
                self.lab_b[1] - self.lab_a[1],
                self.lab_b[2] - self.lab_a[2],
            );
            let mut how = Vec::new();
            if dl.abs() >= 2.0 {
                how.push(format!(
                    "{} (ΔL* {dl:+.1})",
                    if dl < 0.0 { "darker" } else { "brighter" }
                ));
            }
            if da.abs() >= 2.0 {
                how.push(format!(
                    "{} (Δa* {da:+.1})",
                    if da > 0.0 { "redder" } else { "greener" }
                ));
            }
            if db.abs() >= 2.0 {
                how.push(format!(
                    "{} (Δb* {db:+.1})",
                    if db > 0.0 { "yellower" } else { "bluer" }
                ));
            }
            let text = format!(
                "Brightness and colour differ: B is {} than A, ΔE {delta_e:.1}. Part of what looks like change may be the light or the camera, not the skin.",
                if how.is_empty() {
                    "different in colour".to_owned()
                } else {
                    how.join(", ")
                }
            );
            out.push(if delta_e >= 6.0 {
                Finding::warning(text)
            } else {
                Finding::note(text)
            });
        }
        if self.sharpness_a > 0.0 && self.sharpness_b > 0.0 {
            let ratio = self.sharpness_b / self.sharpness_a;
            let (blurrier, r) = if ratio < 1.0 {
                ("B", ratio)
            } else {
                ("A", 1.0 / ratio)
            };
            let text = format!(
                "{blurrier} is less sharp than the other (variance of the Laplacian {:.0} against {:.0}): judge fine texture such as pores and scar edges with care.",
                self.sharpness_a.min(self.sharpness_b),
                self.sharpness_a.max(self.sharpness_b)
            );
            if r < 0.5 {
                out.push(Finding::warning(text));
            } else if r < 0.7 {
                out.push(Finding::note(text));
            }
        }
        out
    }
}

/// What the alignment says about a pair: how far B had to be moved, or that it was not.
pub fn alignment_findings(transform: Option<&crate::model::Similarity>) -> Vec<Finding> {
    let Some(t) = transform else {
        return vec![Finding::note(
            "Not aligned: what moves in the slider, overlay and difference views may be the camera, not the skin. Align with landmarks or Auto-align (M).".into(),
        )];
    };
    if t.is_identity() {
        return Vec::new();
    }
    let (scale, degrees) = (t.scale, t.degrees());
    let text = format!(
        "Aligned: B was scaled {scale:.2}× and turned {degrees:+.1}° to match A{}.",
        if scale > 1.0 {
            " (it was taken from further away)"
        } else if scale < 1.0 {
            " (it was taken from closer)"
        } else {
            ""
        }
    );
    if (scale - 1.0).abs() > 0.15 || degrees.abs() > 8.0 {
        vec![Finding::warning(format!(
            "{text} That much difference in distance or angle changes perspective and how light falls, even once aligned."
        ))]
    } else {
        vec![Finding::note(text)]
    }
}

/// Which side of a comparison.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Side {
    /// Before: on the left, under the slider's left part.
    A,
    /// After.
    B,
}

impl Side {
    pub fn name(self) -> &'static str {
        match self {
            Self::A => "A",
            Self::B => "B",
        }
    }
}

/// Two photos to compare, with the series they belong to.
#[derive(Clone, Debug, PartialEq)]
pub struct Pair {
    pub a: ComparedPhoto,
    pub b: ComparedPhoto,
    /// The series of A and of B (one entry when they share it).
    pub series: Vec<SeriesPhotos>,
}

impl Pair {
    pub fn side(&self, side: Side) -> &ComparedPhoto {
        match side {
            Side::A => &self.a,
            Side::B => &self.b,
        }
    }

    pub fn series_of(&self, photo: &Photo) -> Option<&SeriesPhotos> {
        let id = photo.series?;
        self.series.iter().find(|s| s.series.id == id)
    }

    pub fn label(&self, side: Side) -> SideLabel {
        let photo = &self.side(side).photo;
        self.series_of(photo)
            .map_or_else(|| SideLabel::of(photo), |s| s.label(photo))
    }

    /// The label's lines headed by the side's name.
    pub fn label_lines(&self, side: Side) -> Vec<String> {
        let mut lines = self.label(side).lines();
        lines[0] = format!("{}  {}", side.name(), lines[0]);
        lines
    }

    pub fn findings(&self) -> Vec<Finding> {
        pair_findings(&self.a, &self.b, |p| self.series_of(p))
    }

    /// Who and what: "Me · Home microneedling · Frontal".
    pub fn title(&self) -> String {
        // Each fact once when A and B share it, both named when they differ.
        let both = |a: Option<String>, b: Option<String>| match (a, b) {
            (Some(a), Some(b)) if a != b => Some(format!("{a} (A) vs {b} (B)")),
            (a, b) => b.or(a),
        };
        let series = |p: &ComparedPhoto| self.series_of(&p.photo).map(|s| s.series.title.clone());
        let view = |p: &ComparedPhoto| p.photo.view.map(|v| v.label().to_owned());
        let parts: Vec<String> = [
            both(self.a.person_name.clone(), self.b.person_name.clone()),
            both(series(&self.a), series(&self.b)),
            both(view(&self.a), view(&self.b)),
        ]
        .into_iter()
        .flatten()
        .collect();
        let mut parts = parts;
        if parts.is_empty() {
            parts.push(self.b.photo.original_name.clone());
        }
        parts.join(" · ")
    }

    /// The series the comparison steps through: B's, else A's.
    pub fn main_series(&self) -> Option<&SeriesPhotos> {
        self.series_of(&self.b.photo)
            .or_else(|| self.series_of(&self.a.photo))
    }
}

/// What can make comparing `a` (before) with `b` (after) unfair, worst first. `series_of`
/// gives the series context of a photo, when it has one.
pub fn pair_findings<'s>(
    a: &ComparedPhoto,
    b: &ComparedPhoto,
    series_of: impl Fn(&Photo) -> Option<&'s SeriesPhotos>,
) -> Vec<Finding> {
    let mut findings = Vec::new();
    let (pa, pb) = (&a.photo, &b.photo);
    if pa.id == pb.id {
        findings.push(Finding::note(
            "A and B are the same photo: pick another for one side.".into(),
        ));
    }
    if pa.person != pb.person {
        let name = |p: &ComparedPhoto| p.person_name.clone().unwrap_or("no one".into());
        findings.push(Finding::warning(format!(
            "Different people: A is {}, B is {}.",
            name(a),
            name(b)
        )));
    }
    match (pa.view, pb.view) {
        (Some(va), Some(vb)) if va != vb => findings.push(Finding::warning(format!(
            "Different views: A is {}, B is {}. Pose changes how skin looks; compare the same view.",
            va.label(),
            vb.label()
        ))),
        (None, _) | (_, None) => {
            findings.push(Finding::note(
                "The view is not recorded for both photos: check that they show the same pose."
                    .into(),
            ));
        }
        _ => {}
    }
    match (pa.lighting, pb.lighting) {
        (Some(la), Some(lb)) if la != lb => findings.push(Finding::warning(format!(
            "Different light: A is {}, B is {}. Light changes the apparent colour and texture of skin.",
            la.label().to_lowercase(),
            lb.label().to_lowercase()
        ))),
        (None, _) | (_, None) => findings.push(Finding::note(
            "The lighting is not recorded for both photos: check that it was comparable.".into(),
        )),
        _ => {}
    }
    for (side, photo) in [("A", pa), ("B", pb)] {
        if let Some(series) = series_of(photo)
            && let Some((n, session, days)) = series.last_treatment_before(photo)
            && days < HEALING_DAYS
        {
            findings.push(Finding::warning(format!(
                "{side} was taken {} after treatment session {n} ({}): swelling and redness can flatter or spoil the result. Compare photos taken at least {HEALING_DAYS} days after a session.",
                match days {
                    0 => "on the day".to_owned(),
                    1 => "1 day".to_owned(),
                    d => format!("{d} days"),
                },
                session.date.format("%Y-%m-%d")
            )));
        }
    }
    findings.extend(super::card::correction_finding(
        a.card_corrected,
        b.card_corrected,
    ));
    if pa.taken_at.local > pb.taken_at.local {
        findings.push(Finding::note(
            "A (before) was taken after B: swap the sides to see the change forward in time."
                .into(),
        ));
    }
    for (side, photo) in [("A", pa), ("B", pb)] {
        if photo.taken_at.estimated {
            findings.push(Finding::note(format!(
                "{side}'s date is estimated from the file time: the camera recorded none."
            )));
        }
    }
    findings.extend(super::face::face_findings(a.face.as_ref(), b.face.as_ref()));
    findings.sort_by_key(|f| std::cmp::Reverse(f.severity));
    findings
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::model::{ContentHash, PersonId, PhotoFormat, SeriesId, SeriesStatus, TakenAt};

    fn day(d: &str) -> NaiveDate {
        d.parse().unwrap()
    }

    pub(crate) fn photo(id: i64, date: &str, session: Option<i64>, view: View) -> ComparedPhoto {
        ComparedPhoto {
            photo: Photo {
                id: PhotoId(id),
                hash: ContentHash::of(&id.to_le_bytes()),
                format: PhotoFormat::Jpeg,
                original_name: format!("{id}.jpg"),
                file_size: 1,
                width: 40,
                height: 30,
                taken_at: TakenAt::exact(day(date).and_hms_opt(10, 0, 0).unwrap(), None),
                camera: None,
                colour_profile: None,
                view: Some(view),
                lighting: Some(Lighting::Standard),
                person: Some(PersonId(1)),
                series: Some(SeriesId(1)),
                session: session.map(SessionId),
                notes: String::new(),
                imported_at: chrono::Utc::now(),
                trashed_at: None,
            },
            areas: vec![TermId(7)],
            person_name: Some("Me".into()),
            card_corrected: false,
            face: None,
        }
    }

    fn session(id: i64, date: &str, kind: SessionKind) -> Session {
        Session::bare(SessionId(id), SeriesId(1), day(date), kind)
    }

    /// A series with the given sessions (id, date, kind).
    pub(crate) fn series_with(
        photos: Vec<ComparedPhoto>,
        sessions: &[(i64, &str, SessionKind)],
    ) -> SeriesPhotos {
        SeriesPhotos {
            sessions: sessions
                .iter()
                .map(|&(id, date, kind)| session(id, date, kind))
                .collect(),
            ..series(photos)
        }
    }

    fn series(photos: Vec<ComparedPhoto>) -> SeriesPhotos {
        SeriesPhotos {
            series: Series {
                id: SeriesId(1),
                person: PersonId(1),
                title: "Microneedling".into(),
                planned_sessions: Some(6),
                interval_days: Some(28),
                start_date: None,
                status: SeriesStatus::Active,
                notes: String::new(),
            },
            person_name: "Me".into(),
            sessions: vec![
                session(1, "2026-01-05", SessionKind::Baseline),
                session(2, "2026-02-02", SessionKind::Treatment),
                session(3, "2026-03-02", SessionKind::Treatment),
                session(4, "2026-06-01", SessionKind::FollowUp),
            ],
            photos,
        }
    }

    #[test]
    fn labels_count_days_from_the_baseline_and_number_sessions() {
        let s = series(vec![]);
        let label = s.label(&photo(1, "2026-03-30", Some(3), View::Frontal).photo);
        assert_eq!(label.days_since_baseline, Some(84));
        assert_eq!(label.days_text().as_deref(), Some("+84 d"));
        assert_eq!(label.session, Some((3, 6)), "of the 6 planned");
        let lines = label.lines();
        assert_eq!(lines[0], "2026-03-30  (+84 d)");
        assert_eq!(lines[1], "Session 3 of 6");
        assert_eq!(lines[2], "Frontal · Standard light");
        let first = s.label(&photo(2, "2026-01-05", Some(1), View::Frontal).photo);
        assert_eq!(first.days_text().as_deref(), Some("baseline"));
    }

    #[test]
    fn a_photo_five_days_after_a_treatment_is_flagged_but_one_at_its_own_session_is_not() {
        let s = series(vec![]);
        let base = photo(1, "2026-01-05", Some(1), View::Frontal);
        let healing = photo(2, "2026-02-07", None, View::Frontal);
        let findings = pair_findings(&base, &healing, |_| Some(&s));
        assert_eq!(findings.len(), 1, "{findings:?}");
        assert_eq!(findings[0].severity, Severity::Warning);
        assert!(
            findings[0]
                .text
                .starts_with("B was taken 5 days after treatment session 2 (2026-02-02)"),
            "{}",
            findings[0].text
        );
        // Photos of a session are taken before that day's treatment: 28 days since the last.
        let at_session = photo(3, "2026-03-02", Some(3), View::Frontal);
        assert!(pair_findings(&base, &at_session, |_| Some(&s)).is_empty());
        // A follow-up visit is not a treatment.
        let after_follow_up = photo(4, "2026-06-04", None, View::Frontal);
        assert!(pair_findings(&base, &after_follow_up, |_| Some(&s)).is_empty());
        // 13 days is too soon, 14 is fine.
        let d13 = photo(5, "2026-03-15", None, View::Frontal);
        let d14 = photo(6, "2026-03-16", None, View::Frontal);
        assert_eq!(pair_findings(&base, &d13, |_| Some(&s)).len(), 1);
        assert!(pair_findings(&base, &d14, |_| Some(&s)).is_empty());
    }

    #[test]
    fn different_view_light_person_and_order_are_named() {
        let a = photo(1, "2026-03-02", None, View::Frontal);
        let mut b = photo(2, "2026-01-05", None, View::LeftOblique);
        b.photo.lighting = Some(Lighting::Flash);
        b.photo.person = Some(PersonId(2));
        b.person_name = Some("Alex".into());
        let findings = pair_findings(&a, &b, |_| None);
        let texts: Vec<&str> = findings.iter().map(|f| f.text.as_str()).collect();
        assert!(texts[0].starts_with("Different people: A is Me, B is Alex"));
        assert!(texts[1].starts_with("Different views: A is Frontal, B is Left oblique 45°"));
        assert!(texts[2].starts_with("Different light: A is standard, B is flash"));
        assert!(texts[3].starts_with("A (before) was taken after B"));
        assert_eq!(findings[3].severity, Severity::Note);
    }

    #[test]
    fn a_card_correction_on_one_side_only_is_a_warning() {
        let a = photo(1, "2026-01-05", None, View::Frontal);
        let mut b = photo(2, "2026-03-05", None, View::Frontal);
        b.card_corrected = true;
        let findings = pair_findings(&a, &b, |_| None);
        assert_eq!(findings.len(), 1, "{findings:?}");
        assert!(
            findings[0]
                .text
                .starts_with("Only B has a reference card correction")
        );
        let mut a = a;
        a.card_corrected = true;
        assert!(pair_findings(&a, &b, |_| None).is_empty());
    }

    #[test]
    fn timeline_keeps_one_photo_per_session_of_the_same_view_and_area() {
        let mut other_area = photo(9, "2026-02-02", Some(2), View::Frontal);
        other_area.areas = vec![TermId(8)];
        let s = series(vec![
            photo(1, "2026-01-05", Some(1), View::Frontal),
            photo(2, "2026-01-05", Some(1), View::LeftOblique),
            photo(3, "2026-01-05", Some(1), View::Frontal),
            other_area,
            photo(4, "2026-02-02", Some(2), View::Frontal),
            photo(5, "2026-02-07", None, View::Frontal),
            photo(6, "2026-03-02", Some(3), View::Frontal),
            photo(7, "2026-03-02", Some(3), View::LeftOblique),
        ]);
        let ids = |v: &[i64]| v.iter().map(|&i| PhotoId(i)).collect::<Vec<_>>();
        assert_eq!(s.timeline(&s.photos[0]), ids(&[1, 4, 5, 6]));
        assert_eq!(s.timeline(&s.photos[1]), ids(&[2, 7]));
        assert_eq!(s.baseline_and_latest(), Some((PhotoId(1), PhotoId(6))));
        assert_eq!(series(vec![]).baseline_and_latest(), None);
    }
}

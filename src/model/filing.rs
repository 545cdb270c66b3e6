//! Filing an import correctly: each photo's own view and lighting, a session date proposed
//! from the photos' capture dates, and photos taken far from the session they are filed under.

use super::{Lighting, TakenAt, View};
use chrono::NaiveDate;

/// A photo more than this many days from its session's date is flagged.
pub const MAX_DAYS_FROM_SESSION: i64 = 2;

/// View and lighting for one photo of an import; `None` keeps the import's common choice.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PhotoTags {
    pub view: Option<View>,
    pub lighting: Option<Lighting>,
}

/// A photo taken well away from the session it is filed under.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DateMismatch {
    pub taken: NaiveDate,
    pub session: NaiveDate,
    /// Days from the session to the capture (negative: taken before it).
    pub days: i64,
}

impl std::fmt::Display for DateMismatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (n, when) = if self.days < 0 {
            (-self.days, "before")
        } else {
            (self.days, "after")
        };
        write!(
            f,
            "taken {} — {n} days {when} the session of {}",
            self.taken, self.session
        )
    }
}

impl DateMismatch {
    /// The warning the import gives (the app's result list and the command line alike).
    pub fn warning(&self) -> String {
        format!("{self}: check it belongs to this session")
    }
}

/// Flags a photo whose capture date is more than [`MAX_DAYS_FROM_SESSION`] days from the
/// session date. A photo without a recorded capture time cannot be judged and is not flagged
/// (its import already warns that its time is unknown).
pub fn date_mismatch(taken: &TakenAt, session: NaiveDate) -> Option<DateMismatch> {
    if !taken.source.is_capture_time() {
        return None;
    }
    let day = taken.local.date();
    let days = (day - session).num_days();
    (days.abs() > MAX_DAYS_FROM_SESSION).then_some(DateMismatch {
        taken: day,
        session,
        days,
    })
}

/// The session date to propose for photos: the day that keeps the most of them within
/// [`MAX_DAYS_FROM_SESSION`] days (so the fewest get flagged), the earliest such day when
/// several do, counting only recorded capture times. None when no photo records one.
pub fn propose_session_date<'a>(times: impl IntoIterator<Item = &'a TakenAt>) -> Option<NaiveDate> {
    let days: Vec<NaiveDate> = times
        .into_iter()
        .filter(|t| t.source.is_capture_time())
        .map(|t| t.local.date())
        .collect();
    let covered = |day: &NaiveDate| {
        days.iter()
            .filter(|d| (**d - *day).num_days().abs() <= MAX_DAYS_FROM_SESSION)
            .count()
    };
    let mut candidates = days.clone();
    candidates.sort();
    let best = candidates.iter().map(covered).max()?;
    candidates.into_iter().find(|d| covered(d) == best)
}

/// "Assign in order": a session shot in a fixed order of views gets them one after another,
/// starting again when the list runs out (two rounds of frontal, left 45°, right 45° …).
pub fn assign_in_order(count: usize, order: &[View]) -> Vec<Option<View>> {
    (0..count)
        .map(|i| (!order.is_empty()).then(|| order[i % order.len()]))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::TimeSource;

    fn taken(day: &str, source: TimeSource) -> TakenAt {
        let local = NaiveDate::parse_from_str(day, "%Y-%m-%d")
            .unwrap()
            .and_hms_opt(10, 0, 0)
            .unwrap();
        TakenAt::from_source(local, None, source)
    }

    fn date(day: &str) -> NaiveDate {
        NaiveDate::parse_from_str(day, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn more_than_two_days_away_is_flagged_both_ways() {
        let session = date("2024-05-10");
        assert_eq!(
            date_mismatch(&taken("2024-05-12", TimeSource::ExifOriginal), session),
            None
        );
        let late = date_mismatch(&taken("2024-05-13", TimeSource::ExifOriginal), session).unwrap();
        assert_eq!(late.days, 3);
        assert_eq!(
            late.to_string(),
            "taken 2024-05-13 — 3 days after the session of 2024-05-10"
        );
        let early = date_mismatch(&taken("2024-02-01", TimeSource::Xmp), session).unwrap();
        assert!(early.to_string().contains("99 days before"), "{early}");
        // A file's modification time says nothing about when it was taken.
        assert_eq!(
            date_mismatch(&taken("2020-01-01", TimeSource::FileModified), session),
            None
        );
    }

    #[test]
    fn the_day_covering_most_photos_is_proposed() {
        let times = [
            taken("2024-05-09", TimeSource::ExifOriginal),
            taken("2024-05-10", TimeSource::ExifOriginal),
            taken("2024-05-10", TimeSource::ExifDigitized),
            taken("2021-01-01", TimeSource::ExifModified),
            taken("2021-01-01", TimeSource::FileModified),
            taken("2021-01-01", TimeSource::FileModified),
        ];
        assert_eq!(propose_session_date(&times), Some(date("2024-05-09")));
        assert_eq!(propose_session_date(&times[3..]), None);
        // One stray photo months away does not pull the proposal.
        let stray = [
            taken("2024-01-02", TimeSource::Xmp),
            taken("2024-05-11", TimeSource::Xmp),
            taken("2024-05-10", TimeSource::Xmp),
        ];
        assert_eq!(propose_session_date(&stray), Some(date("2024-05-10")));
    }

    #[test]
    fn views_are_assigned_in_order_and_wrap() {
        let order = [View::Frontal, View::LeftOblique, View::RightOblique];
        let views = assign_in_order(4, &order);
        assert_eq!(views[0], Some(View::Frontal));
        assert_eq!(views[2], Some(View::RightOblique));
        assert_eq!(views[3], Some(View::Frontal));
        assert_eq!(assign_in_order(2, &[]), vec![None, None]);
    }
}

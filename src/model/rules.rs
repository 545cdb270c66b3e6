//! The rules the clinical record's composite commands check, pure and typed: a series' plan,
//! a session's fields, the contraindication check before a treatment, consent before an
//! export. The catalogue reads what a rule needs and writes what it allows in one
//! transaction; a refusal is a [`Refusal`], named, never free text.

use super::clinical::{ConsentScope, Contraindication, Mode};
use super::names::{NameError, clean_name};
use super::{Keyed, SeriesStatus, SessionKind};
use chrono::NaiveDate;

/// A series' plan, as edited.
#[derive(Clone, Debug, PartialEq)]
pub struct SeriesPlan {
    pub title: String,
    pub planned_sessions: Option<u32>,
    pub interval_days: Option<u32>,
    pub start_date: Option<NaiveDate>,
    pub status: SeriesStatus,
    pub notes: String,
}

/// A noted contraindication, active until resolved.
#[derive(Clone, Debug, PartialEq)]
pub struct ContraindicationRow {
    pub kind: Contraindication,
    pub noted_on: NaiveDate,
    pub resolved_on: Option<NaiveDate>,
    pub notes: String,
}

impl ContraindicationRow {
    pub fn active_on(&self, day: NaiveDate) -> bool {
        self.noted_on <= day && self.resolved_on.is_none_or(|r| r > day)
    }
}

/// Consent to one use, with when it was given and withdrawn.
#[derive(Clone, Debug, PartialEq)]
pub struct ConsentRow {
    pub scope: ConsentScope,
    pub given_on: NaiveDate,
    pub note: String,
    pub withdrawn_on: Option<NaiveDate>,
}

/// Why a command was refused. Nothing of a refused command is stored.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum Refusal {
    #[error("title: {0}")]
    Title(NameError),
    #[error("planned sessions: {0} is outside 1–100")]
    PlannedSessions(u32),
    #[error("interval: {0} days is outside 1–3650")]
    Interval(u32),
    #[error("needle depth: {0} mm is outside 0.1–3.0 mm")]
    NeedleDepth(f64),
    #[error("passes: {0} is outside 0–100")]
    Passes(u32),
    #[error("cost: must not be negative")]
    NegativeCost,
    #[error("currency: {0:?} is not a three-letter code such as EUR")]
    Currency(String),
    #[error("date: the series already has a session on {0}")]
    SessionExists(NaiveDate),
    #[error(
        "contraindications: active on {date}: {}; acknowledge them to add the session",
        describe(.active)
    )]
    Contraindicated {
        date: NaiveDate,
        /// Each active contraindication with the day it was noted.
        active: Vec<(Contraindication, NaiveDate)>,
    },
    #[error(
        "purpose: in clinic mode every export says what it is for: clinical-record, education or marketing"
    )]
    PurposeRequired,
    #[error(
        "consent: {person} has not consented to {}: this export is refused",
        .purpose.label().to_lowercase()
    )]
    NoConsent {
        person: String,
        purpose: ConsentScope,
    },
    #[error(
        "consent: {person} withdrew consent to {} on {on}: this export is refused",
        .purpose.label().to_lowercase()
    )]
    ConsentWithdrawn {
        person: String,
        purpose: ConsentScope,
        on: NaiveDate,
    },
}

fn describe(active: &[(Contraindication, NaiveDate)]) -> String {
    active
        .iter()
        .map(|(kind, noted)| format!("{} (noted {noted})", kind.label()))
        .collect::<Vec<_>>()
        .join(", ")
}

impl SeriesPlan {
    /// The plan with its title in its one spelling, or why it is refused.
    pub fn checked(&self) -> Result<Self, Refusal> {
        let title = clean_name(&self.title).map_err(Refusal::Title)?;
        if let Some(n) = self.planned_sessions
            && !(1..=100).contains(&n)
        {
            return Err(Refusal::PlannedSessions(n));
        }
        if let Some(d) = self.interval_days
            && !(1..=3650).contains(&d)
        {
            return Err(Refusal::Interval(d));
        }
        Ok(Self {
            title,
            ..self.clone()
        })
    }
}

/// A session's bounded fields, checked; returns its currency code in upper case.
pub fn check_session_fields(
    needle_depth_mm: Option<f64>,
    passes: Option<u32>,
    cost_cents: Option<i64>,
    currency: Option<&str>,
) -> Result<Option<String>, Refusal> {
    if let Some(depth) = needle_depth_mm
        && !(depth.is_finite() && (0.1..=3.0).contains(&depth))
    {
        return Err(Refusal::NeedleDepth(depth));
    }
    if let Some(p) = passes
        && p > 100
    {
        return Err(Refusal::Passes(p));
    }
    if cost_cents.is_some_and(|c| c < 0) {
        return Err(Refusal::NegativeCost);
    }
    match currency {
        Some(c) if c.len() == 3 && c.chars().all(|ch| ch.is_ascii_alphabetic()) => {
            Ok(Some(c.to_ascii_uppercase()))
        }
        Some(c) => Err(Refusal::Currency(c.to_owned())),
        None => Ok(None),
    }
}

/// The kind of a new session: as asked, else baseline for a series' first, else treatment.
pub fn session_kind(asked: Option<SessionKind>, first: bool) -> SessionKind {
    asked.unwrap_or(if first {
        SessionKind::Baseline
    } else {
        SessionKind::Treatment
    })
}

/// The contraindication check before a session: follow-ups are not checked; a treatment or
/// baseline while contraindications are active is refused unless acknowledged. Returns the
/// acknowledgement to record with the session (`now` is when it was given).
pub fn contraindication_check(
    kind: SessionKind,
    date: NaiveDate,
    noted: &[ContraindicationRow],
    acknowledged: bool,
    now: &str,
) -> Result<Option<String>, Refusal> {
    if kind == SessionKind::FollowUp {
        return Ok(None);
    }
    let active: Vec<(Contraindication, NaiveDate)> = noted
        .iter()
        .filter(|c| c.active_on(date))
        .map(|c| (c.kind, c.noted_on))
        .collect();
    if active.is_empty() {
        return Ok(None);
    }
    if !acknowledged {
        return Err(Refusal::Contraindicated { date, active });
    }
    Ok(Some(format!("{} acknowledged on {now}", describe(&active))))
}

/// Whether a person's photos may be exported for `purpose` on `day`: in personal mode
/// consent is implied; in clinic mode it must be given and not withdrawn by then.
pub fn consent_check(
    mode: Mode,
    person: &str,
    purpose: Option<ConsentScope>,
    consents: &[ConsentRow],
    day: NaiveDate,
) -> Result<(), Refusal> {
    if mode == Mode::Personal {
        return Ok(());
    }
    let purpose = purpose.ok_or(Refusal::PurposeRequired)?;
    match consents.iter().find(|c| c.scope == purpose) {
        Some(c) if c.given_on <= day && c.withdrawn_on.is_none_or(|w| w > day) => Ok(()),
        Some(ConsentRow {
            withdrawn_on: Some(on),
            ..
        }) => Err(Refusal::ConsentWithdrawn {
            person: person.to_owned(),
            purpose,
            on: *on,
        }),
        _ => Err(Refusal::NoConsent {
            person: person.to_owned(),
            purpose,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 2, d).unwrap()
    }

    #[test]
    fn plans_are_checked_field_by_field() {
        let plan = SeriesPlan {
            title: " Peel ".into(),
            planned_sessions: Some(1000),
            interval_days: None,
            start_date: None,
            status: SeriesStatus::Active,
            notes: String::new(),
        };
        assert_eq!(plan.checked(), Err(Refusal::PlannedSessions(1000)));
        let ok = SeriesPlan {
            planned_sessions: Some(6),
            ..plan
        };
        assert_eq!(ok.checked().unwrap().title, "Peel");
        assert_eq!(
            Refusal::PlannedSessions(1000).to_string(),
            "planned sessions: 1000 is outside 1–100"
        );
    }

    #[test]
    fn treatments_need_active_contraindications_acknowledged() {
        let noted = [ContraindicationRow {
            kind: Contraindication::Pregnancy,
            noted_on: day(1),
            resolved_on: Some(day(20)),
            notes: String::new(),
        }];
        let refused = contraindication_check(SessionKind::Treatment, day(9), &noted, false, "now");
        assert_eq!(
            refused,
            Err(Refusal::Contraindicated {
                date: day(9),
                active: vec![(Contraindication::Pregnancy, day(1))]
            })
        );
        assert_eq!(
            refused.unwrap_err().to_string(),
            "contraindications: active on 2026-02-09: Pregnancy (noted 2026-02-01); acknowledge them to add the session"
        );
        let ack = contraindication_check(SessionKind::Treatment, day(9), &noted, true, "then");
        assert_eq!(
            ack.unwrap().as_deref(),
            Some("Pregnancy (noted 2026-02-01) acknowledged on then")
        );
        assert_eq!(
            contraindication_check(SessionKind::FollowUp, day(9), &noted, false, "x"),
            Ok(None)
        );
        assert_eq!(
            contraindication_check(SessionKind::Treatment, day(20), &noted, false, "x"),
            Ok(None)
        );
    }

    #[test]
    fn consent_is_needed_in_clinic_mode_only() {
        let consents = [ConsentRow {
            scope: ConsentScope::Marketing,
            given_on: day(1),
            note: String::new(),
            withdrawn_on: Some(day(5)),
        }];
        let check = |mode, purpose, d| consent_check(mode, "Ann", purpose, &consents, day(d));
        assert_eq!(check(Mode::Personal, None, 9), Ok(()));
        assert_eq!(check(Mode::Clinic, None, 9), Err(Refusal::PurposeRequired));
        assert_eq!(
            check(Mode::Clinic, Some(ConsentScope::Marketing), 3),
            Ok(())
        );
        assert!(matches!(
            check(Mode::Clinic, Some(ConsentScope::Marketing), 9),
            Err(Refusal::ConsentWithdrawn { .. })
        ));
        assert!(matches!(
            check(Mode::Clinic, Some(ConsentScope::Education), 9),
            Err(Refusal::NoConsent { .. })
        ));
    }
}

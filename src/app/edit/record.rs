//! Edits of the clinical record: a series' plan, areas, concerns and protocol, its sessions,
//! grades and side effects ([`RecordEdit`]); a person's skin type, contraindications and
//! consent ([`PatientEdit`]).

use super::{Applied, Made};
use crate::app::cx::Stale;
use crate::catalogue::{
    Catalogue, ConsentChange, ConsentState, ContraindicationRow, DeletedSession, GradeRecord,
    NewGrade, NewSession, Result, SeriesPlan, SideEffectRow, Versioned,
};
use crate::model::clinical::{Contraindication, SideEffectKind};
use crate::model::{
    GradeId, Keyed, PersonId, SeriesId, Session, SessionId, SideEffectId, TermId, View,
};
use chrono::NaiveDate;

/// A side effect after a session: what, how bad (0–3), on which day after it.
#[derive(Clone, Debug, PartialEq)]
pub struct NewSideEffect {
    pub session: SessionId,
    pub kind: SideEffectKind,
    pub severity: i64,
    pub day_after: i64,
    pub notes: String,
}

#[derive(Clone, Debug, PartialEq)]
pub enum RecordEdit {
    Plan(SeriesId, SeriesPlan),
    Terms(SeriesId, Vec<TermId>),
    /// The views every session of the series needs.
    Views(SeriesId, Vec<View>),
    /// The series' session on a day, added when there is none.
    SessionOn(SeriesId, NaiveDate),
    AddSession(NewSession),
    UpdateSession(SessionId, NewSession),
    DeleteSession(SessionId),
    RestoreSession(DeletedSession),
    AddGrade(NewGrade),
    DeleteGrade(GradeId),
    RestoreGrade(GradeRecord),
    AddSideEffect(NewSideEffect),
    DeleteSideEffect(SideEffectId),
    RestoreSideEffect(SideEffectRow),
}

/// A session's details as the form that edits them.
fn as_new(s: &Session) -> NewSession {
    NewSession {
        series: Some(s.series),
        date: Some(s.date),
        kind: Some(s.kind),
        device_kind: s.device_kind,
        device: s.device.clone(),
        needle_depth_mm: s.needle_depth_mm,
        passes: s.passes,
        products: s.products.clone(),
        numbing: s.numbing.clone(),
        practitioner: s.practitioner.clone(),
        cost_cents: s.cost_cents,
        currency: s.currency.clone(),
        notes: s.notes.clone(),
        acknowledge_contraindications: false,
    }
}

impl RecordEdit {
    pub(super) fn apply(&self, cat: &mut Catalogue) -> Result<Applied> {
        use RecordEdit as E;
        Ok(match self {
            E::Plan(id, plan) => cat.atomically(|cat| {
                let s = cat.series(*id)?;
                cat.update_series(*id, plan)?;
                let was = SeriesPlan {
                    title: s.title,
                    planned_sessions: s.planned_sessions,
                    interval_days: s.interval_days,
                    start_date: s.start_date,
                    status: s.status,
                    notes: s.notes,
                };
                Ok(Applied::new(Made::Nothing, E::Plan(*id, was)))
            })?,
            E::Terms(id, terms) => cat.atomically(|cat| {
                let was = cat.series_terms(*id)?;
                cat.set_series_terms(*id, terms)?;
                Ok(Applied::new(Made::Nothing, E::Terms(*id, was)))
            })?,
            E::Views(id, views) => Applied::new(
                Made::Nothing,
                E::Views(*id, cat.set_required_views(*id, views)?),
            ),
            E::SessionOn(series, day) => cat.atomically(|cat| {
                let existed = cat.sessions_of(*series)?.iter().any(|s| s.date == *day);
                let id = cat.session_on(*series, *day)?;
                Ok(if existed {
                    Applied {
                        made: Made::Session(id),
                        undo: None,
                    }
                } else {
                    Applied::new(Made::Session(id), E::DeleteSession(id))
                })
            })?,
            E::AddSession(s) => {
                let id = cat.add_session(s)?;
                Applied::new(Made::Session(id), E::DeleteSession(id))
            }
            E::UpdateSession(id, s) => cat.atomically(|cat| {
                let was = as_new(&cat.session(*id)?);
                cat.update_session(*id, s)?;
                Ok(Applied::new(Made::Nothing, E::UpdateSession(*id, was)))
            })?,
            _ => self.apply_removal(cat)?,
        })
    }

    /// Deletions, restorations and additions of grades and side effects.
    fn apply_removal(&self, cat: &mut Catalogue) -> Result<Applied> {
        use RecordEdit as E;
        Ok(match self {
            E::DeleteSession(id) => {
                Applied::new(Made::Nothing, E::RestoreSession(cat.delete_session(*id)?))
            }
            E::RestoreSession(d) => {
                cat.restore_session(d)?;
                Applied::new(Made::Session(d.session.id), E::DeleteSession(d.session.id))
            }
            E::AddGrade(g) => Applied::new(Made::Nothing, E::DeleteGrade(cat.add_grade(g)?)),
            E::DeleteGrade(id) => {
                Applied::new(Made::Nothing, E::RestoreGrade(cat.delete_grade(*id)?))
            }
            E::RestoreGrade(g) => {
                cat.restore_grade(g)?;
                Applied::new(Made::Nothing, E::DeleteGrade(g.id))
            }
            E::AddSideEffect(e) => {
                let id =
                    cat.add_side_effect(e.session, e.kind, e.severity, e.day_after, &e.notes)?;
                Applied::new(Made::Nothing, E::DeleteSideEffect(id))
            }
            E::DeleteSideEffect(id) => Applied::new(
                Made::Nothing,
                E::RestoreSideEffect(cat.delete_side_effect(*id)?),
            ),
            E::RestoreSideEffect(e) => {
                cat.restore_side_effect(e)?;
                Applied::new(Made::Nothing, E::DeleteSideEffect(e.id))
            }
            E::Plan(..)
            | E::Terms(..)
            | E::Views(..)
            | E::SessionOn(..)
            | E::AddSession(_)
            | E::UpdateSession(..) => unreachable!("applied by apply"),
        })
    }

    pub(super) fn failure(&self) -> &'static str {
        match self {
            Self::Plan(..) => "Series",
            Self::Terms(..) => "Series areas and concerns",
            Self::Views(..) => "Views each session needs",
            Self::SessionOn(..) | Self::AddSession(_) | Self::RestoreSession(_) => "Add session",
            Self::UpdateSession(..) => "Edit session",
            Self::DeleteSession(_) => "Delete session",
            Self::AddGrade(_) | Self::RestoreGrade(_) => "Add grade",
            Self::DeleteGrade(_) => "Delete grade",
            Self::AddSideEffect(_) | Self::RestoreSideEffect(_) => "Add side effect",
            Self::DeleteSideEffect(_) => "Delete side effect",
        }
    }

    pub(super) fn describe(&self) -> String {
        match self {
            Self::Plan(..) => "change the series' plan".into(),
            Self::Terms(..) => "change the series' areas and concerns".into(),
            Self::Views(..) => "change the views each session needs".into(),
            Self::SessionOn(_, day) => format!("add a session on {day}"),
            Self::AddSession(s) => match s.date {
                Some(day) => format!("add a session on {day}"),
                None => "add a session".into(),
            },
            Self::UpdateSession(..) => "edit a session".into(),
            Self::DeleteSession(_) => "delete a session".into(),
            Self::RestoreSession(d) => format!("bring back the session of {}", d.session.date),
            Self::AddGrade(_) | Self::RestoreGrade(_) => "add a grade".into(),
            Self::DeleteGrade(_) => "delete a grade".into(),
            Self::AddSideEffect(_) | Self::RestoreSideEffect(_) => "add a side effect".into(),
            Self::DeleteSideEffect(_) => "delete a side effect".into(),
        }
    }

    /// The series or session the edit changes or removes. Grades and side effects are only
    /// added and removed, never overwritten; a new session is no one's change yet.
    pub(super) fn rows(&self) -> Vec<Versioned> {
        match self {
            Self::Plan(id, _) | Self::Terms(id, _) | Self::Views(id, _) => {
                vec![Versioned::Series(*id)]
            }
            Self::UpdateSession(id, _) | Self::DeleteSession(id) => vec![Versioned::Session(*id)],
            Self::SessionOn(..)
            | Self::AddSession(_)
            | Self::RestoreSession(_)
            | Self::AddGrade(_)
            | Self::DeleteGrade(_)
            | Self::RestoreGrade(_)
            | Self::AddSideEffect(_)
            | Self::DeleteSideEffect(_)
            | Self::RestoreSideEffect(_) => Vec::new(),
        }
    }

    pub(super) fn stale(&self) -> Stale {
        match self {
            Self::SessionOn(..) => Stale::SERIES | Stale::DETAILS | Stale::PAGES,
            Self::DeleteSession(_) | Self::RestoreSession(_) | Self::Views(..) => {
                Stale::SERIES | Stale::GRID | Stale::DETAILS | Stale::PAGES
            }
            _ => Stale::SERIES | Stale::PAGES,
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum PatientEdit {
    SkinType(PersonId, Option<u8>),
    /// Note (true) or resolve (false) a contraindication on a day.
    Contraindication(PersonId, Contraindication, bool, NaiveDate),
    /// A contraindication as it was (none: not noted).
    RestoreContraindication(PersonId, Contraindication, Option<ContraindicationRow>),
    Consent(ConsentChange),
    RestoreConsent(ConsentState),
}

impl PatientEdit {
    pub(super) fn apply(&self, cat: &mut Catalogue) -> Result<Applied> {
        use PatientEdit as E;
        let contraindication = |cat: &mut Catalogue, person, kind| -> Result<_> {
            Ok(cat
                .contraindications(person)?
                .into_iter()
                .find(|c: &ContraindicationRow| c.kind == kind))
        };
        Ok(match self {
            E::SkinType(person, t) => cat.atomically(|cat| {
                let was = cat.person(*person)?.fitzpatrick;
                cat.set_skin_type(*person, *t)?;
                Ok(Applied::new(Made::Nothing, E::SkinType(*person, was)))
            })?,
            E::Contraindication(person, kind, active, day) => cat.atomically(|cat| {
                let was = contraindication(cat, *person, *kind)?;
                if *active {
                    cat.note_contraindication(*person, *kind, *day, "")?;
                } else {
                    cat.resolve_contraindication(*person, *kind, *day)?;
                }
                Ok(Applied::new(
                    Made::Nothing,
                    E::RestoreContraindication(*person, *kind, was),
                ))
            })?,
            E::RestoreContraindication(person, kind, row) => cat.atomically(|cat| {
                let was = contraindication(cat, *person, *kind)?;
                cat.restore_contraindication(*person, *kind, row.as_ref())?;
                Ok(Applied::new(
                    Made::Nothing,
                    E::RestoreContraindication(*person, *kind, was),
                ))
            })?,
            E::Consent(change) => {
                let today = chrono::Local::now().date_naive();
                let was = cat.record_consent(change, today)?;
                Applied::new(Made::Nothing, E::RestoreConsent(was))
            }
            E::RestoreConsent(state) => Applied::new(
                Made::Nothing,
                E::RestoreConsent(cat.restore_consent(state)?),
            ),
        })
    }

    pub(super) fn failure(&self) -> &'static str {
        match self {
            Self::SkinType(..) => "Skin type",
            Self::Contraindication(..) | Self::RestoreContraindication(..) => "Contraindication",
            Self::Consent(_) | Self::RestoreConsent(_) => "Consent",
        }
    }

    pub(super) fn describe(&self) -> String {
        match self {
            Self::SkinType(..) => "change the skin type".into(),
            Self::Contraindication(_, kind, true, _) => {
                format!("note {}", kind.label().to_lowercase())
            }
            Self::Contraindication(_, kind, false, _) => {
                format!("resolve {}", kind.label().to_lowercase())
            }
            Self::RestoreContraindication(_, kind, _) => {
                format!("change {}", kind.label().to_lowercase())
            }
            Self::Consent(c) if c.given => {
                format!("record consent to {}", c.scope.label().to_lowercase())
            }
            Self::Consent(c) => format!(
                "record the withdrawal of consent to {}",
                c.scope.label().to_lowercase()
            ),
            Self::RestoreConsent(s) => {
                format!("change consent to {}", s.scope.label().to_lowercase())
            }
        }
    }

    // Every group has the same signature (the `Edit` macro calls it).
    #[allow(clippy::unused_self)]
    pub(super) fn stale(&self) -> Stale {
        Stale::PEOPLE | Stale::PAGES
    }

    /// The person: their contraindications and consent are part of their row's version.
    pub(super) fn rows(&self) -> Vec<Versioned> {
        let person = match self {
            Self::SkinType(person, _)
            | Self::Contraindication(person, ..)
            | Self::RestoreContraindication(person, ..) => *person,
            Self::Consent(change) => change.person,
            Self::RestoreConsent(state) => state.person,
        };
        vec![Versioned::Person(person)]
    }
}

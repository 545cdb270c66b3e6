//! The series page (a screen) and the person record (a window): what they show, read from the
//! catalogue, and the commands that edit them. Both live in the navigation, so they are
//! open exactly when they are on screen.

use super::cx::Cx;
use super::edit::{Edit, NewSideEffect, PatientEdit, RecordEdit};
use super::nav::{Modal, Screen};
use crate::catalogue::{
    ConsentChange, ContraindicationRow, GradeRow, NewGrade, NewSession, SeriesPlan, SideEffectRow,
    Versioned,
};
use crate::model::clinical::{ConsentScope, GradeScale, next_due};
use crate::model::{
    Completeness, GradeId, Keyed, Person, Series, SeriesId, Session, SessionId, SideEffectId,
};
use chrono::NaiveDate;
use std::path::PathBuf;

/// One line of a chart: a scale's values over time.
#[derive(Clone, Debug, PartialEq)]
pub struct ChartLine {
    pub name: String,
    pub points: Vec<(NaiveDate, f64)>,
}

/// A series as its page shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct SeriesRecord {
    pub series: Series,
    pub person: Person,
    pub sessions: Vec<Session>,
    pub grades: Vec<GradeRow>,
    pub side_effects: Vec<SideEffectRow>,
    pub contraindications: Vec<ContraindicationRow>,
    /// The series' photos (not in the trash), by time taken.
    pub photos: Vec<crate::model::Photo>,
    /// The areas and concerns the series is about.
    pub terms: Vec<crate::model::TermId>,
    /// The views every session needs (its protocol), in clinical order.
    pub views: Vec<crate::model::View>,
    /// The versions of the series and its sessions as read (read first: a change made
    /// meanwhile makes the next save of them a conflict, never a lost update).
    pub seen: Vec<(Versioned, i64)>,
    /// Whether the clinical record (grades, side effects, contraindications) was read: not
    /// for a clinic's assistant, whose role may not read it; the page then leaves it out.
    pub clinical: bool,
}

impl SeriesRecord {
    /// Read again because another workstation changed something: the page's forms (the plan,
    /// a session being edited) still hold what they were filled from, so the versions they
    /// were filled at stay (`read`). A save from them is then refused with who changed what
    /// and when, instead of writing over the other change; rows new to the page take the
    /// versions read now.
    pub(super) fn keep_versions_read(&mut self, read: &[(Versioned, i64)]) {
        for (row, version) in &mut self.seen {
            if let Some((_, was)) = read.iter().find(|(r, _)| r == row) {
                *version = *was;
            }
        }
    }

    pub fn next_due(&self) -> Option<NaiveDate> {
        next_due(&self.series, &self.sessions)
    }

    /// Contraindications active on `day`.
    pub fn active_contraindications(&self, day: NaiveDate) -> Vec<&ContraindicationRow> {
        self.contraindications
            .iter()
            .filter(|c| c.active_on(day))
            .collect()
    }

    /// How a session measures up to the protocol (its photos not in the trash).
    pub fn completeness(&self, session: SessionId) -> Completeness {
        let present = self
            .photos
            .iter()
            .filter(|p| p.session == Some(session))
            .map(|p| p.view);
        Completeness::of(&self.views, present)
    }

    /// The sessions that lack a view the protocol asks for.
    pub fn incomplete_sessions(&self) -> usize {
        self.sessions
            .iter()
            .filter(|s| self.completeness(s.id).is_incomplete())
            .count()
    }

    /// One line per scale (own scales by name), in date order.
    pub fn charts(&self) -> Vec<ChartLine> {
        let mut lines: Vec<ChartLine> = Vec::new();
        for g in &self.grades {
            let name = match (&g.custom_name, g.scale) {
                (Some(n), GradeScale::Custom) => n.clone(),
                _ => g.scale.label().to_owned(),
            };
            match lines.iter_mut().find(|l| l.name == name) {
                Some(line) => line.points.push((g.date, g.value)),
                None => lines.push(ChartLine {
                    name,
                    points: vec![(g.date, g.value)],
                }),
            }
        }
        for line in &mut lines {
            line.points.sort_by_key(|p| p.0);
        }
        lines
    }
}

/// A person's record: skin type, contraindications and consent.
#[derive(Clone, Debug, PartialEq)]
pub struct PersonRecord {
    pub person: Person,
    pub contraindications: Vec<ContraindicationRow>,
    pub consents: Vec<crate::catalogue::ConsentRow>,
    /// Every giving and withdrawal, oldest first.
    pub consent_history: Vec<crate::catalogue::ConsentEvent>,
    /// The person's version as read (first): a change of the skin type saved over another
    /// window's newer change of the person is refused.
    pub seen: Vec<(Versioned, i64)>,
    /// Whether contraindications and consent were read: not for a clinic's assistant, whose
    /// role may not read them; the record then leaves them out.
    pub clinical: bool,
}

/// Everything the person record can be asked to do.
#[derive(Clone, Debug, PartialEq)]
pub enum PersonCommand {
    Open(crate::model::PersonId),
    Close,
    SkinType(Option<u8>),
    /// Note (true) or resolve (false) a contraindication, today.
    Contraindication(crate::model::clinical::Contraindication, bool),
    /// Give (true) or withdraw (false) consent to a use, on a day, recorded by someone, with
    /// a note.
    Consent {
        scope: ConsentScope,
        given: bool,
        on: NaiveDate,
        staff: String,
        note: String,
    },
}

/// Everything the series page can be asked to do.
#[derive(Clone, Debug, PartialEq)]
pub enum RecordCommand {
    Open(SeriesId),
    Close,
    SavePlan(SeriesId, SeriesPlan),
    SetTerms(SeriesId, Vec<crate::model::TermId>),
    /// The views every session of the series needs (its protocol).
    SetViews(SeriesId, Vec<crate::model::View>),
    AddSession(NewSession),
    UpdateSession(SessionId, NewSession),
    /// Delete a session with its grades and side effects (its photos stay in the series).
    DeleteSession(SessionId),
    AddGrade(NewGrade),
    DeleteGrade(GradeId),
    AddSideEffect(NewSideEffect),
    DeleteSideEffect(SideEffectId),
    /// Ask where to save the series' CSV, then write it (for a purpose, in clinic mode).
    ChooseCsvFile(SeriesId, Option<ConsentScope>),
    ExportCsv(SeriesId, Option<ConsentScope>, PathBuf),
}

/// The person record window's commands.
pub(super) fn run_person(command: PersonCommand, cx: &mut Cx) {
    let today = chrono::Local::now().date_naive();
    let person = match (&command, cx.nav.person_record()) {
        (PersonCommand::Open(id), _) => *id,
        (PersonCommand::Close, _) => {
            cx.nav.dismiss(|m| matches!(m, Modal::Person(_)));
            return;
        }
        (_, Some(open)) => open.person.id,
        (_, None) => return,
    };
    let edit = match command {
        PersonCommand::Open(_) | PersonCommand::Close => None,
        PersonCommand::SkinType(t) => Some(PatientEdit::SkinType(person, t).into()),
        PersonCommand::Contraindication(kind, active) => {
            Some(PatientEdit::Contraindication(person, kind, active, today).into())
        }
        PersonCommand::Consent {
            scope,
            given,
            on,
            staff,
            note,
        } => Some(Edit::from(PatientEdit::Consent(ConsentChange {
            person,
            scope,
            given,
            on,
            staff,
            note,
        }))),
    };
    match edit {
        Some(edit) => {
            // Skin type, contraindications and consent are all part of the person's version.
            let seen: Vec<(Versioned, i64)> = cx
                .nav
                .person_record()
                .map(|r| r.seen.clone())
                .unwrap_or_default();
            cx.checked_edit(&seen, edit);
        }
        None => {
            if let Some(record) = load_person(person, cx) {
                cx.nav.show(Modal::Person(Box::new(record)));
            }
        }
    }
}

/// The series page's commands.
pub(super) fn run_record(command: RecordCommand, cx: &mut Cx) {
    let edit = match command {
        RecordCommand::Open(id) => {
            if let Some(record) = load_record(id, cx) {
                cx.nav.open(Screen::Record(Box::new(record)));
            }
            return;
        }
        RecordCommand::Close => {
            cx.nav.close(super::nav::ScreenKind::Record);
            return;
        }
        RecordCommand::ChooseCsvFile(id, purpose) => {
            let name = cx.nav.record().map_or("series.csv".into(), |r| {
                let clean: String = format!("{} {}", r.person.name, r.series.title)
                    .chars()
                    .map(|c| if c.is_alphanumeric() { c } else { '-' })
                    .collect();
                format!("{clean}.csv")
            });
            if let Some(path) = super::dialogs::save_csv(&cx.env.main_thread, &name) {
                run_record(RecordCommand::ExportCsv(id, purpose, path), cx);
            }
            return;
        }
        RecordCommand::ExportCsv(id, purpose, path) => {
            export_csv(id, purpose, &path, cx);
            return;
        }
        RecordCommand::SavePlan(id, plan) => RecordEdit::Plan(id, plan),
        RecordCommand::SetTerms(id, terms) => RecordEdit::Terms(id, terms),
        RecordCommand::SetViews(id, views) => RecordEdit::Views(id, views),
        RecordCommand::DeleteSession(id) => RecordEdit::DeleteSession(id),
        RecordCommand::DeleteGrade(id) => RecordEdit::DeleteGrade(id),
        RecordCommand::DeleteSideEffect(id) => RecordEdit::DeleteSideEffect(id),
        RecordCommand::AddSession(session) => RecordEdit::AddSession(session),
        RecordCommand::UpdateSession(id, session) => RecordEdit::UpdateSession(id, session),
        RecordCommand::AddGrade(grade) => RecordEdit::AddGrade(grade),
        RecordCommand::AddSideEffect(effect) => RecordEdit::AddSideEffect(effect),
    };
    let deleted = match &edit {
        RecordEdit::DeleteSession(_) => Some("the session"),
        RecordEdit::DeleteGrade(_) => Some("the grade"),
        RecordEdit::DeleteSideEffect(_) => Some("the side effect"),
        _ => None,
    };
    // A save over the series' fields, areas, concerns or views, or over a session, carries
    // the version the page read.
    let rows = Edit::from(edit.clone()).rows();
    let seen: Vec<(Versioned, i64)> = cx
        .nav
        .record()
        .map(|r| {
            r.seen
                .iter()
                .copied()
                .filter(|(v, _)| rows.contains(v))
                .collect()
        })
        .unwrap_or_default();
    if cx.checked_edit(&seen, edit).is_some()
        && let Some(what) = deleted
    {
        cx.notices.undoable(
            format!("Deleted {what}. Undo with Ctrl+Z."),
            cx.history.current(),
        );
    }
}

fn export_csv(id: SeriesId, purpose: Option<ConsentScope>, path: &std::path::Path, cx: &mut Cx) {
    let Some(loaded) = cx.library.loaded.as_mut() else {
        return;
    };
    match crate::jobs::record::export_series_csv(
        &loaded.library,
        &mut loaded.catalogue,
        id,
        purpose,
        path,
    ) {
        Ok(bytes) => cx
            .notices
            .info(format!("Exported {} ({bytes} bytes).", path.display())),
        Err(e) => cx.notices.error(format!("CSV export failed: {e}")),
    }
}

/// Reads the open series page and person record again (after an edit).
pub(super) fn reload(cx: &mut Cx) {
    if let Some(id) = cx.nav.record().map(|r| r.series.id)
        && let Some(record) = load_record(id, cx)
        && let Some(open) = cx.nav.record_mut()
    {
        *open = record;
    }
    if let Some(id) = cx.nav.person_record().map(|r| r.person.id)
        && let Some(record) = load_person(id, cx)
        && let Some(Modal::Person(open)) = cx.nav.modal_mut()
    {
        **open = record;
    }
}

fn load_person(person: crate::model::PersonId, cx: &mut Cx) -> Option<PersonRecord> {
    cx.catalogue("Person", |cat| {
        let seen = cat.versions_seen(&[Versioned::Person(person)])?;
        let clinical = cat.may_read_clinical_record();
        let mut record = PersonRecord {
            seen,
            contraindications: Vec::new(),
            consents: Vec::new(),
            consent_history: Vec::new(),
            person: cat.person(person)?,
            clinical,
        };
        if clinical {
            record.contraindications = cat.contraindications(person)?;
            record.consents = cat.consents(person)?;
            record.consent_history = cat.consent_history(person)?;
        }
        Ok(record)
    })
}

fn load_record(id: SeriesId, cx: &mut Cx) -> Option<SeriesRecord> {
    cx.catalogue("Series", |cat| {
        let mut rows = vec![Versioned::Series(id)];
        rows.extend(
            cat.sessions_of(id)?
                .iter()
                .map(|s| Versioned::Session(s.id)),
        );
        let seen = cat.versions_seen(&rows)?;
        let photos = cat.series_photos(id)?;
        let person = cat.person(photos.series.person)?;
        let clinical = cat.may_read_clinical_record();
        Ok(SeriesRecord {
            contraindications: if clinical {
                cat.contraindications(person.id)?
            } else {
                Vec::new()
            },
            grades: if clinical {
                cat.grades_of_series(id)?
            } else {
                Vec::new()
            },
            side_effects: if clinical {
                cat.side_effects_of_series(id)?
            } else {
                Vec::new()
            },
            clinical,
            terms: cat.series_terms(id)?,
            views: cat.required_views(id)?,
            photos: photos.photos.into_iter().map(|p| p.photo).collect(),
            sessions: photos.sessions,
            series: photos.series,
            person,
            seen,
        })
    })
}

//! The series page's state: a series with its sessions, grades, side effects and the person's
//! contraindications, and the commands that edit them.

use super::App;
use crate::catalogue::{
    ContraindicationRow, GradeRow, NewGrade, NewSession, SeriesPlan, SideEffectRow,
};
use crate::model::clinical::{ConsentScope, GradeScale, SideEffectKind, next_due};
use crate::model::{Keyed, Person, Series, SeriesId, Session, SessionId};
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
}

impl SeriesRecord {
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
}

/// Everything the person record can be asked to do.
#[derive(Clone, Debug, PartialEq)]
pub enum PersonCommand {
    Open(crate::model::PersonId),
    Close,
    SkinType(Option<u8>),
    /// Note (true) or resolve (false) a contraindication, today.
    Contraindication(crate::model::clinical::Contraindication, bool),
    /// Give (true) or withdraw (false) consent to a use, today.
    Consent(ConsentScope, bool),
}

/// Everything the series page can be asked to do.
#[derive(Clone, Debug, PartialEq)]
pub enum RecordCommand {
    Open(SeriesId),
    Close,
    SavePlan(SeriesId, SeriesPlan),
    SetTerms(SeriesId, Vec<crate::model::TermId>),
    AddSession(NewSession),
    UpdateSession(SessionId, NewSession),
    AddGrade(NewGrade),
    AddSideEffect {
        session: SessionId,
        kind: SideEffectKind,
        severity: i64,
        day_after: i64,
        notes: String,
    },
    /// Ask where to save the series' CSV, then write it (for a purpose, in clinic mode).
    ChooseCsvFile(SeriesId, Option<ConsentScope>),
    ExportCsv(SeriesId, Option<ConsentScope>, PathBuf),
}

impl App {
    pub(super) fn run_person(&mut self, command: PersonCommand) {
        let today = chrono::Local::now().date_naive();
        let open = self.state.person_record.as_ref().map(|r| r.person.id);
        let person = match (&command, open) {
            (PersonCommand::Open(id), _) => *id,
            (PersonCommand::Close, _) => {
                self.state.person_record = None;
                return;
            }
            (_, Some(id)) => id,
            (_, None) => return,
        };
        let done = match command {
            PersonCommand::Open(_) | PersonCommand::Close => true,
            PersonCommand::SkinType(t) => self
                .state
                .with_catalogue("Skin type", |cat| cat.set_skin_type(person, t))
                .is_some(),
            PersonCommand::Contraindication(kind, true) => self
                .state
                .with_catalogue("Contraindication", |cat| {
                    cat.note_contraindication(person, kind, today, "")
                })
                .is_some(),
            PersonCommand::Contraindication(kind, false) => self
                .state
                .with_catalogue("Contraindication", |cat| {
                    cat.resolve_contraindication(person, kind, today)
                })
                .is_some(),
            PersonCommand::Consent(scope, true) => self
                .state
                .with_catalogue("Consent", |cat| cat.give_consent(person, scope, today, ""))
                .is_some(),
            PersonCommand::Consent(scope, false) => self
                .state
                .with_catalogue("Consent", |cat| cat.withdraw_consent(person, scope, today))
                .is_some(),
        };
        if !done {
            return;
        }
        let loaded = self.state.with_catalogue("Person", |cat| {
            let person = cat.people()?.into_iter().find(|p| p.id == person).ok_or(
                crate::catalogue::CatalogueError::NotFound {
                    what: "person",
                    id: person.0,
                },
            )?;
            Ok(PersonRecord {
                contraindications: cat.contraindications(person.id)?,
                consents: cat.consents(person.id)?,
                person,
            })
        });
        if let Some(record) = loaded {
            self.state.person_record = Some(record);
            self.state.reload_people();
            if let Some(id) = self.state.record.as_ref().map(|r| r.series.id) {
                self.load_record(id);
            }
        }
    }

    pub(super) fn run_record(&mut self, command: RecordCommand) {
        let open = self.state.record.as_ref().map(|r| r.series.id);
        let changed = match command {
            RecordCommand::Open(id) => {
                self.state.viewer = None;
                self.state.compare = None;
                self.load_record(id);
                false
            }
            RecordCommand::Close => {
                self.state.record = None;
                false
            }
            RecordCommand::SavePlan(id, plan) => self
                .state
                .with_catalogue("Series", |cat| cat.update_series(id, &plan))
                .is_some(),
            RecordCommand::SetTerms(id, terms) => self
                .state
                .with_catalogue("Series areas and concerns", |cat| {
                    cat.set_series_terms(id, &terms)
                })
                .is_some(),
            RecordCommand::AddSession(session) => self
                .state
                .with_catalogue("Add session", |cat| cat.add_session(&session))
                .is_some(),
            RecordCommand::UpdateSession(id, session) => self
                .state
                .with_catalogue("Edit session", |cat| cat.update_session(id, &session))
                .is_some(),
            RecordCommand::AddGrade(grade) => self
                .state
                .with_catalogue("Add grade", |cat| cat.add_grade(&grade))
                .is_some(),
            RecordCommand::AddSideEffect {
                session,
                kind,
                severity,
                day_after,
                notes,
            } => self
                .state
                .with_catalogue("Add side effect", |cat| {
                    cat.add_side_effect(session, kind, severity, day_after, &notes)
                })
                .is_some(),
            RecordCommand::ChooseCsvFile(id, purpose) => {
                let name = self.state.record.as_ref().map_or("series.csv".into(), |r| {
                    let clean: String = format!("{} {}", r.person.name, r.series.title)
                        .chars()
                        .map(|c| if c.is_alphanumeric() { c } else { '-' })
                        .collect();
                    format!("{clean}.csv")
                });
                if let Some(path) = super::dialogs::save_csv(&self.main_thread, &name) {
                    self.run_record(RecordCommand::ExportCsv(id, purpose, path));
                }
                false
            }
            RecordCommand::ExportCsv(id, purpose, path) => {
                let Some(loaded) = self.state.loaded.as_mut() else {
                    return;
                };
                match crate::jobs::record::export_series_csv(
                    &loaded.library,
                    &mut loaded.catalogue,
                    id,
                    purpose,
                    &path,
                ) {
                    Ok(bytes) => self
                        .state
                        .info(format!("Exported {} ({bytes} bytes).", path.display())),
                    Err(e) => self.state.error(format!("CSV export failed: {e}")),
                }
                false
            }
        };
        if changed && let Some(id) = open {
            self.load_record(id);
            self.state.reload_series();
        }
    }

    fn load_record(&mut self, id: SeriesId) {
        let loaded = self.state.with_catalogue("Series", |cat| {
            let photos = cat.series_photos(id)?;
            let person = cat
                .people()?
                .into_iter()
                .find(|p| p.id == photos.series.person)
                .ok_or(crate::catalogue::CatalogueError::NotFound {
                    what: "person",
                    id: photos.series.person.0,
                })?;
            Ok(SeriesRecord {
                contraindications: cat.contraindications(person.id)?,
                grades: cat.grades_of_series(id)?,
                side_effects: cat.side_effects_of_series(id)?,
                terms: cat.series_terms(id)?,
                photos: photos.photos.into_iter().map(|p| p.photo).collect(),
                sessions: photos.sessions,
                series: photos.series,
                person,
            })
        });
        if let Some(record) = loaded {
            self.state.record = Some(record);
        }
    }
}

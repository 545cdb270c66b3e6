//! `skinlapse series|session|grade`: scripting the clinical record. Validation errors name
//! the field and the allowed range (exit 2).

use super::{Failure, open_library, open_library_for_reading};
use crate::catalogue::{Catalogue, NewGrade, NewSession, SeriesPlan};
use crate::model::clinical::{DeviceKind, GradeScale, next_due, overdue_days};
use crate::model::{Keyed, PhotoId, SeriesId, SeriesStatus, SessionId, SessionKind, parse_keyed};
use chrono::NaiveDate;
use std::path::PathBuf;
use std::process::ExitCode;

fn keyed<T: Keyed>(text: &str) -> Result<T, String> {
    parse_keyed(text).map_err(|e| e.to_string())
}

fn date(text: &str) -> Result<NaiveDate, String> {
    text.parse()
        .map_err(|_| format!("{text:?} is not a date like 2026-03-31"))
}

#[derive(Debug, clap::Subcommand)]
pub enum SeriesCommand {
    /// Start a treatment series for a person (created if new).
    Add(SeriesAddArgs),
    /// List series with their plan, sessions done and when the next one is due.
    List(SeriesListArgs),
}

#[derive(Debug, clap::Args)]
pub struct SeriesAddArgs {
    #[arg(long, value_name = "NAME")]
    pub person: String,
    #[arg(long, value_name = "TITLE")]
    pub title: String,
    /// Planned number of sessions (1–100).
    #[arg(long, value_name = "N")]
    pub planned: Option<u32>,
    /// Days between sessions (1–3650).
    #[arg(long, value_name = "DAYS")]
    pub interval: Option<u32>,
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = date)]
    pub start: Option<NaiveDate>,
    /// planned, active, completed or stopped.
    #[arg(long, default_value = "active", value_parser = keyed::<SeriesStatus>)]
    pub status: SeriesStatus,
    #[arg(long, default_value = "")]
    pub notes: String,
}

#[derive(Debug, clap::Args)]
pub struct SeriesListArgs {
    #[arg(long, value_name = "NAME")]
    pub person: Option<String>,
}

#[derive(Debug, clap::Subcommand)]
pub enum SessionCommand {
    /// Add a session to a series.
    Add(SessionAddArgs),
    /// List a series' sessions.
    List(SessionListArgs),
}

#[derive(Debug, clap::Args)]
pub struct SessionAddArgs {
    /// The series, by id (`series_id` in `list --json`, or `series list`).
    #[arg(long, value_name = "ID")]
    pub series: i64,
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = date)]
    pub date: NaiveDate,
    /// baseline, treatment or follow-up (default: baseline for the first, else treatment).
    #[arg(long, value_parser = keyed::<SessionKind>)]
    pub kind: Option<SessionKind>,
    /// pen, roller or other.
    #[arg(long, value_parser = keyed::<DeviceKind>)]
    pub device: Option<DeviceKind>,
    /// The device's model.
    #[arg(long, default_value = "")]
    pub model: String,
    /// Needle depth in mm (0.1–3.0).
    #[arg(long, value_name = "MM")]
    pub depth: Option<f64>,
    #[arg(long)]
    pub passes: Option<u32>,
    #[arg(long, default_value = "")]
    pub products: String,
    #[arg(long, default_value = "")]
    pub numbing: String,
    #[arg(long, default_value = "")]
    pub practitioner: String,
    /// Cost, e.g. 120.50.
    #[arg(long)]
    pub cost: Option<f64>,
    /// Three-letter currency code, e.g. EUR.
    #[arg(long)]
    pub currency: Option<String>,
    #[arg(long, default_value = "")]
    pub notes: String,
    /// Go ahead despite the person's active contraindications (recorded with the session).
    #[arg(long)]
    pub acknowledge: bool,
}

#[derive(Debug, clap::Args)]
pub struct SessionListArgs {
    #[arg(long, value_name = "ID")]
    pub series: i64,
}

#[derive(Debug, clap::Subcommand)]
pub enum GradeCommand {
    /// Record an assessment of a session or a photo on a grading scale.
    Add(GradeAddArgs),
}

#[derive(Debug, clap::Args)]
pub struct GradeAddArgs {
    #[arg(long, value_name = "ID", required_unless_present = "photo")]
    pub session: Option<i64>,
    #[arg(long, value_name = "ID")]
    pub photo: Option<i64>,
    /// goodman-baron (1–4), mmasi (0–24, from --mmasi), glogau (1–4), fitzpatrick-wrinkle
    /// (1–3), gais (1–5), satisfaction (0–10) or custom (with --name).
    #[arg(long, value_parser = keyed::<GradeScale>)]
    pub scale: GradeScale,
    #[arg(long, allow_hyphen_values = true)]
    pub value: Option<f64>,
    /// mMASI regions forehead, right malar, left malar, chin as `AREAxDARKNESS`: `3x2,4x3,4x3,1x1`.
    #[arg(long, value_name = "REGIONS")]
    pub mmasi: Option<String>,
    /// The name of an own scale.
    #[arg(long)]
    pub name: Option<String>,
    #[arg(long, default_value = "")]
    pub notes: String,
}

fn person_id(cat: &mut Catalogue, name: &str) -> Result<crate::model::PersonId, Failure> {
    cat.person_by_name(name)?
        .map(|p| p.id)
        .ok_or_else(|| Failure::usage(format!("person: no one named {name:?}")))
}

pub fn run_series(library: Option<PathBuf>, command: SeriesCommand) -> Result<ExitCode, Failure> {
    let library = match command {
        SeriesCommand::List(_) => open_library_for_reading(library)?,
        SeriesCommand::Add(_) => open_library(library)?,
    };
    let mut cat = library.catalogue()?;
    match command {
        SeriesCommand::Add(args) => {
            // One transaction: a refused plan creates neither the person nor the series.
            let (_, id) = cat.add_series_with_plan(
                &args.person,
                &SeriesPlan {
                    title: args.title,
                    planned_sessions: args.planned,
                    interval_days: args.interval,
                    start_date: args.start,
                    status: args.status,
                    notes: args.notes,
                },
            )?;
            println!("series {id}");
        }
        SeriesCommand::List(args) => {
            let people = match &args.person {
                Some(name) => vec![person_id(&mut cat, name)?],
                None => cat.people()?.into_iter().map(|p| p.id).collect(),
            };
            let today = chrono::Local::now().date_naive();
            for person in people {
                for s in cat.series_of(person)? {
                    let sessions = cat.sessions_of(s.id)?;
                    let name = cat
                        .people()?
                        .into_iter()
                        .find(|p| p.id == person)
                        .map(|p| p.name)
                        .unwrap_or_default();
                    let due =
                        next_due(&s, &sessions).map_or(String::new(), |d| {
                            match overdue_days(d, today) {
                                Some(n) => format!(", next due {d} (overdue by {n} d)"),
                                None => format!(", next due {d}"),
                            }
                        });
                    println!(
                        "{:>5}  {name} / {}  [{}]  {} of {} sessions{}{due}",
                        s.id,
                        s.title,
                        s.status.key(),
                        sessions.len(),
                        s.planned_sessions.map_or("?".into(), |n| n.to_string()),
                        s.interval_days
                            .map_or(String::new(), |d| format!(", every {d} d")),
                    );
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub fn run_session(library: Option<PathBuf>, command: SessionCommand) -> Result<ExitCode, Failure> {
    let library = match command {
        SessionCommand::List(_) => open_library_for_reading(library)?,
        SessionCommand::Add(_) => open_library(library)?,
    };
    let mut cat = library.catalogue()?;
    match command {
        SessionCommand::Add(a) => {
            if let Some(c) = a.cost
                && !(c.is_finite() && c >= 0.0)
            {
                return Err(Failure::usage(format!("cost: {c} must be 0 or more")));
            }
            let id = cat.add_session(&NewSession {
                series: Some(SeriesId(a.series)),
                date: Some(a.date),
                kind: a.kind,
                device_kind: a.device,
                device: a.model,
                needle_depth_mm: a.depth,
                passes: a.passes,
                products: a.products,
                numbing: a.numbing,
                practitioner: a.practitioner,
                cost_cents: a.cost.map(|c| (c * 100.0).round() as i64),
                currency: a.currency,
                notes: a.notes,
                acknowledge_contraindications: a.acknowledge,
            })?;
            println!("session {id}");
        }
        SessionCommand::List(a) => {
            for s in cat.sessions_of(SeriesId(a.series))? {
                println!(
                    "{:>5}  {}  {}{}{}{}",
                    s.id,
                    s.date,
                    s.kind.key(),
                    s.device_kind
                        .map_or(String::new(), |d| format!("  {} {}", d.key(), s.device)),
                    s.needle_depth_mm
                        .map_or(String::new(), |d| format!("  {d} mm")),
                    s.contraindications_acknowledged
                        .as_deref()
                        .map_or(String::new(), |t| format!("  [{t}]")),
                );
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub fn run_grade(library: Option<PathBuf>, command: GradeCommand) -> Result<ExitCode, Failure> {
    let library = open_library(library)?;
    let mut cat = library.catalogue()?;
    let GradeCommand::Add(a) = command;
    let id = cat.add_grade(&NewGrade {
        session: a.session.map(SessionId),
        photo: a.photo.map(PhotoId),
        scale: a.scale,
        custom_name: a.name,
        value: a.value,
        mmasi_regions: a.mmasi,
        notes: a.notes,
    })?;
    println!("grade {id}");
    Ok(ExitCode::SUCCESS)
}

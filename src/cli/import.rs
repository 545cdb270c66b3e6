//! `skinlapse import`

use super::{Failure, open_library};
use crate::catalogue::AssignmentSpec;
use crate::jobs::import_pair::paired_with;
use crate::jobs::{ImportEvent, ImportRequest, ImportSummary, Outcome, run_import};
use crate::model::printable::{printable, printable_path};
use crate::model::{Lighting, View};
use chrono::NaiveDate;
use std::fmt::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::AtomicBool;

#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    /// Person the photos belong to (created if new).
    #[arg(long, value_name = "NAME")]
    pub person: Option<String>,
    /// Treatment series of that person (created if new); needs --person.
    #[arg(long, value_name = "TITLE", requires = "person")]
    pub series: Option<String>,
    /// Session date in that series (created if new); needs --series.
    #[arg(long, value_name = "YYYY-MM-DD", requires = "series", value_parser = parse_date)]
    pub session: Option<NaiveDate>,
    /// Area shown, e.g. forehead, left-cheek (repeatable).
    #[arg(long = "area", value_name = "AREA")]
    pub areas: Vec<String>,
    /// Concern shown, e.g. acne-scars, hyperpigmentation (repeatable).
    #[arg(long = "concern", value_name = "CONCERN")]
    pub concerns: Vec<String>,
    /// View: frontal, left-oblique, right-oblique, left-profile, right-profile, close-up.
    #[arg(long)]
    pub view: Option<View>,
    /// Lighting: standard, cross-polarised, uv, flash.
    #[arg(long)]
    pub lighting: Option<Lighting>,
    /// Worker threads (default: one per core).
    #[arg(long, default_value_t = 0, hide = true)]
    pub workers: usize,
    /// Files and folders to import (folders are walked recursively).
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
}

fn parse_date(text: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map_err(|_| format!("{text:?} is not a date like 2025-03-31"))
}

pub fn run(library: Option<PathBuf>, args: ImportArgs) -> Result<ExitCode, Failure> {
    let library = open_library(library)?;
    let spec = AssignmentSpec {
        person: args.person,
        series: args.series,
        session: args.session,
        areas: args.areas,
        concerns: args.concerns,
        view: args.view,
        lighting: args.lighting,
    };
    let assignment = library.catalogue()?.resolve_assignment(&spec)?;
    let request = ImportRequest {
        paths: args.paths,
        assignment,
        workers: args.workers,
        session_date: args.session,
        ..ImportRequest::default()
    };
    let cancel = AtomicBool::new(false);
    let summary = run_import(&library, &request, &cancel, |event| {
        if let ImportEvent::File(result) = event {
            // A file name may hold escape sequences or newlines: never print it raw.
            let path = printable_path(&result.path);
            let paired = result.paired.as_deref().map(paired_with);
            match result.outcome {
                Outcome::Imported {
                    warnings,
                    date_mismatch,
                    ..
                } => {
                    println!("imported {path}");
                    if let Some(paired) = &paired {
                        println!("  {paired}");
                    }
                    if let Some(m) = date_mismatch {
                        eprintln!("warning {path}: {}", m.warning());
                    }
                    for w in warnings {
                        eprintln!("warning {path}: {}", printable(&w));
                    }
                }
                Outcome::Duplicate { .. } => {
                    println!("duplicate {path}");
                    if let Some(paired) = &paired {
                        println!("  {paired}");
                    }
                }
                Outcome::Failed(e) => println!("error {path}: {}", printable(&e.to_string())),
            }
        }
    });
    println!("{}", describe(&summary));
    Ok(if summary.failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

pub fn describe(s: &ImportSummary) -> String {
    let mut text = format!(
        "{} files: {} imported, {} duplicates, {} failed",
        s.total, s.imported, s.duplicates, s.failed
    );
    if let Some(paired) = s.paired_text() {
        let _ = write!(text, " ({paired})");
    }
    if s.skipped > 0 {
        let _ = write!(text, " ({} non-image files skipped)", s.skipped);
    }
    if s.library_skipped {
        text.push_str(" (the library's own folder was left out)");
    }
    if s.cancelled {
        let _ = write!(text, "; cancelled with {} not started", s.not_started);
    }
    text
}

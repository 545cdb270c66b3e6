//! `skinlapse export compare|sheet`

use super::{Failure, open_library};
use crate::catalogue::CatalogueError;
use crate::imaging::compose::{PairLayout, Split};
use crate::jobs::export::{
    DEFAULT_WIDTH, ExportError, ExportKind, ExportRequest, ExportSummary, run_export,
};
use crate::model::clinical::ConsentScope;
use crate::model::deidentify::{Deidentify, NameStyle};
use crate::model::{PhotoId, SeriesId, Severity};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::AtomicBool;

#[derive(Debug, clap::Subcommand)]
pub enum ExportCommand {
    /// Two photos as one labelled image: side by side, or a slider split.
    Compare(CompareArgs),
    /// One photo per session of a series in date order, labelled.
    Sheet(SheetArgs),
    /// A series' sessions, grades, side effects and measurements as CSV (RFC 4180).
    Csv(CsvArgs),
    /// A series as a PDF report: plan, sessions, grades, charts, baseline and latest per
    /// view (aligned) with findings, the contact sheet, and the originals' verification.
    Report(super::report::ReportArgs),
    /// One view of a series aligned to the baseline as an animated GIF or WebP, or an
    /// H.264 MP4, with dates burnt in and cross-fades.
    Timelapse(super::report::TimelapseArgs),
}

#[derive(Debug, clap::Args)]
pub struct CsvArgs {
    /// The series, by id (`series_id` in `skinlapse list --json`, or `series list`).
    #[arg(long, value_name = "ID")]
    pub series: i64,
    /// The CSV file to write (replaced if it exists).
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    /// What the export is for (required in clinic mode).
    #[arg(long, value_parser = purpose)]
    pub purpose: Option<ConsentScope>,
}

/// De-identification, shared by the image exports.
#[derive(Debug, clap::Args)]
pub struct DeidentifyArgs {
    /// Cover the eyes with a band and replace the person's name, in the image and its title
    /// (the default for education and marketing in clinic mode). The file name must not
    /// contain the name either.
    #[arg(long, conflicts_with = "identified")]
    pub deidentify: bool,
    /// Keep eyes and name even where de-identification is the default.
    #[arg(long)]
    pub identified: bool,
    /// What replaces the name when de-identified: case-number or initials.
    #[arg(long, value_parser = name_style, default_value = "case-number", value_name = "STYLE")]
    pub name_as: NameStyle,
}

impl DeidentifyArgs {
    fn choice(&self) -> Deidentify {
        if self.deidentify {
            Deidentify::Yes(self.name_as)
        } else if self.identified {
            Deidentify::No
        } else {
            Deidentify::ByPurpose
        }
    }
}

fn name_style(text: &str) -> Result<NameStyle, String> {
    crate::model::parse_keyed(text).map_err(|e| e.to_string())
}

pub(super) fn purpose(text: &str) -> Result<ConsentScope, String> {
    crate::model::parse_keyed(text).map_err(|e| e.to_string())
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Mode {
    SideBySide,
    Slider,
}

#[derive(Debug, clap::Args)]
pub struct CompareArgs {
    /// The earlier photo (A), by id as `skinlapse list` shows it.
    #[arg(long, value_name = "ID")]
    pub before: i64,
    /// The later photo (B).
    #[arg(long, value_name = "ID")]
    pub after: i64,
    #[arg(long, value_enum, default_value = "side-by-side")]
    pub mode: Mode,
    /// Slider only: where A ends, from 0 (all B) to 1 (all A).
    #[arg(long, default_value_t = 0.5, value_name = "0..1")]
    pub split: f32,
    /// Slider only: split top (A) and bottom (B) instead of left and right.
    #[arg(long)]
    pub horizontal: bool,
    /// Width of the image in pixels.
    #[arg(long, default_value_t = DEFAULT_WIDTH)]
    pub width: u32,
    /// The image to write: .png, .jpg or .jpeg (replaced if it exists).
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    /// What the export is for: clinical-record, education or marketing (required in clinic
    /// mode, where the person must have consented to it).
    #[arg(long, value_parser = purpose)]
    pub purpose: Option<ConsentScope>,
    #[command(flatten)]
    pub deidentify: DeidentifyArgs,
}

#[derive(Debug, clap::Args)]
pub struct SheetArgs {
    /// The series, by id (`series_id` in `skinlapse list --json`).
    #[arg(long, value_name = "ID")]
    pub series: i64,
    /// Line the sheet up with this photo's view and area (default: the view with most sessions).
    #[arg(long, value_name = "PHOTO_ID")]
    pub like: Option<i64>,
    /// Width of the image in pixels.
    #[arg(long, default_value_t = DEFAULT_WIDTH)]
    pub width: u32,
    /// The image to write: .png, .jpg or .jpeg (replaced if it exists).
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    /// What the export is for: clinical-record, education or marketing (required in clinic
    /// mode, where the person must have consented to it).
    #[arg(long, value_parser = purpose)]
    pub purpose: Option<ConsentScope>,
    #[command(flatten)]
    pub deidentify: DeidentifyArgs,
}

impl From<ExportError> for Failure {
    fn from(e: ExportError) -> Self {
        match e {
            ExportError::Format(_)
            | ExportError::Width(_)
            | ExportError::EmptySeries(_)
            | ExportError::NameInFileName { .. }
            | ExportError::Catalogue(
                CatalogueError::NotFound { .. }
                | CatalogueError::Invalid { .. }
                | CatalogueError::Refused(_),
            ) => Self::usage(e.to_string()),
            other => Self::runtime(other),
        }
    }
}

pub fn run(library: Option<PathBuf>, command: ExportCommand) -> Result<ExitCode, Failure> {
    let request = match command {
        ExportCommand::Csv(args) => {
            let library = open_library(library)?;
            let mut cat = library.catalogue()?;
            let bytes = crate::jobs::record::export_series_csv(
                &library,
                &mut cat,
                SeriesId(args.series),
                args.purpose,
                &args.out,
            )
            .map_err(|e| match e {
                crate::jobs::record::RecordError::Catalogue(c) => Failure::from(c),
                other => Failure::runtime(other),
            })?;
            println!(
                "wrote {} ({bytes} bytes)",
                crate::model::printable::printable_path(&args.out)
            );
            return Ok(ExitCode::SUCCESS);
        }
        ExportCommand::Report(args) => {
            return super::report::run_report_command(library, args);
        }
        ExportCommand::Timelapse(args) => {
            return super::report::run_timelapse_command(library, args);
        }
        ExportCommand::Compare(args) => {
            if !(0.0..=1.0).contains(&args.split) {
                return Err(Failure::usage(format!(
                    "--split: {} is outside 0–1",
                    args.split
                )));
            }
            ExportRequest {
                kind: ExportKind::Pair {
                    before: PhotoId(args.before),
                    after: PhotoId(args.after),
                    layout: match args.mode {
                        Mode::SideBySide => PairLayout::SideBySide,
                        Mode::Slider => PairLayout::Slider(Split {
                            at: args.split,
                            vertical: !args.horizontal,
                        }),
                    },
                },
                width: args.width,
                out: args.out,
                purpose: args.purpose,
                deidentify: args.deidentify.choice(),
            }
        }
        ExportCommand::Sheet(args) => ExportRequest {
            kind: ExportKind::Sheet {
                series: SeriesId(args.series),
                like: args.like.map(PhotoId),
            },
            width: args.width,
            out: args.out,
            purpose: args.purpose,
            deidentify: args.deidentify.choice(),
        },
    };
    // Check the request before opening (and perhaps creating) a library.
    crate::jobs::export::check_request(&request)?;
    let library = open_library(library)?;
    let summary = run_export(&library, &request, &AtomicBool::new(false), &mut |_, _| {})?;
    report(&summary);
    Ok(ExitCode::SUCCESS)
}

fn report(summary: &ExportSummary) {
    println!(
        "wrote {} ({}×{} px, {} KiB, no metadata)",
        crate::model::printable::printable_path(&summary.path),
        summary.width,
        summary.height,
        summary.bytes.div_ceil(1024)
    );
    for finding in &summary.findings {
        let level = match finding.severity {
            Severity::Warning => "warning",
            Severity::Note => "note",
        };
        println!("{level}: {}", finding.text);
    }
}

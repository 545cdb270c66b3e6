//! `skinlapse export report` and `skinlapse export timelapse`.

use super::{Failure, open_library};
use crate::catalogue::CatalogueError;
use crate::jobs::report::layout::Paper;
use crate::jobs::report::{ReportError, ReportRequest, check_report_path, run_report};
use crate::model::SeriesId;
use crate::model::clinical::ConsentScope;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::AtomicBool;

#[derive(Debug, clap::Args)]
pub struct ReportArgs {
    /// The series, by id (`series_id` in `skinlapse list --json`, or `series list`).
    #[arg(long, value_name = "ID")]
    pub series: i64,
    /// What the report is for: clinical-record, education or marketing (required in clinic
    /// mode, where the person must have consented to it).
    #[arg(long, value_parser = super::export::purpose)]
    pub purpose: Option<ConsentScope>,
    /// Initials and case number instead of the patient's name (no birth year), and the eyes
    /// covered on every photo with a face.
    #[arg(long)]
    pub deidentify: bool,
    #[arg(long, value_enum, default_value = "a4")]
    pub paper: Paper,
    /// The PDF to write (replaced if it exists).
    #[arg(long, value_name = "FILE.pdf")]
    pub out: PathBuf,
}

impl From<ReportError> for Failure {
    fn from(e: ReportError) -> Self {
        match e {
            ReportError::Extension(_)
            | ReportError::Catalogue(
                CatalogueError::NotFound { .. }
                | CatalogueError::Invalid { .. }
                | CatalogueError::Refused(_),
            ) => Self::usage(e.to_string()),
            other => Self::runtime(other),
        }
    }
}

pub fn run_report_command(library: Option<PathBuf>, args: ReportArgs) -> Result<ExitCode, Failure> {
    // Check the request before opening (and perhaps creating) a library.
    check_report_path(&args.out)?;
    let library = open_library(library)?;
    let request = ReportRequest {
        series: SeriesId(args.series),
        purpose: args.purpose,
        deidentify: args.deidentify,
        paper: args.paper,
        out: args.out,
    };
    let summary = run_report(&library, &request, &AtomicBool::new(false), &mut |_, _| {})?;
    println!(
        "wrote {} ({} pages, {} photos, {} KiB; JPEGs {} KiB)",
        summary.path.display(),
        summary.pages,
        summary.images,
        summary.bytes.div_ceil(1024),
        summary.image_bytes.div_ceil(1024)
    );
    if summary.altered.is_empty() {
        println!(
            "originals unaltered since import: verified ({} shown)",
            summary.verified
        );
    } else {
        println!(
            "warning: {} original(s) shown do not match their import hash",
            summary.altered.len()
        );
    }
    for note in &summary.notes {
        println!("note: {note}");
    }
    Ok(ExitCode::SUCCESS)
}

#[derive(Debug, clap::Args)]
pub struct TimelapseArgs {
    /// The series, by id (`series_id` in `skinlapse list --json`, or `series list`).
    #[arg(long, value_name = "ID")]
    pub series: i64,
    /// The view to animate: frontal, left-oblique, right-oblique, left-profile,
    /// right-profile, close-up (default: the view with the most sessions).
    #[arg(long, value_name = "VIEW", value_parser = view)]
    pub view: Option<crate::model::View>,
    /// The file to write: .gif, .webp or .mp4 (H.264), replaced if it exists.
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    /// Long edge of the video in pixels.
    #[arg(long, default_value_t = 1080, value_name = "PX")]
    pub size: u32,
    /// Seconds each photo holds.
    #[arg(long, default_value_t = 1.0, value_name = "S")]
    pub seconds: f32,
    /// Seconds of cross-fade between photos (0: cut).
    #[arg(long, default_value_t = 0.5, value_name = "S")]
    pub fade: f32,
    /// Frames per second of an MP4.
    #[arg(long, default_value_t = 25)]
    pub fps: u32,
    /// Cover the eyes of face photos (needs face landmarks).
    #[arg(long)]
    pub deidentify: bool,
    /// What the export is for (required in clinic mode).
    #[arg(long, value_parser = super::export::purpose)]
    pub purpose: Option<ConsentScope>,
}

fn view(text: &str) -> Result<crate::model::View, String> {
    crate::model::parse_keyed(text).map_err(|e| e.to_string())
}

impl From<crate::jobs::timelapse::TimelapseError> for Failure {
    fn from(e: crate::jobs::timelapse::TimelapseError) -> Self {
        use crate::jobs::timelapse::TimelapseError as E;
        match e {
            E::Format(_)
            | E::Size(_)
            | E::Hold(_)
            | E::Fade(_)
            | E::Fps(_)
            | E::TooFew { .. }
            | E::Catalogue(
                CatalogueError::NotFound { .. }
                | CatalogueError::Invalid { .. }
                | CatalogueError::Refused(_),
            ) => Self::usage(e.to_string()),
            other => Self::runtime(other),
        }
    }
}

pub fn run_timelapse_command(
    library: Option<PathBuf>,
    args: TimelapseArgs,
) -> Result<ExitCode, Failure> {
    use crate::jobs::timelapse::{TimelapseRequest, check_request, run_timelapse};
    let request = TimelapseRequest {
        view: args.view,
        size: args.size,
        seconds_per_photo: args.seconds,
        fade: args.fade,
        fps: args.fps,
        deidentify: args.deidentify,
        purpose: args.purpose,
        ..TimelapseRequest::new(SeriesId(args.series), args.out)
    };
    check_request(&request)?;
    let library = open_library(library)?;
    let s = run_timelapse(&library, &request, &AtomicBool::new(false), &mut |_, _| {})?;
    println!(
        "wrote {} ({}×{} px, {} photos, {} frames, {} KiB, no metadata)",
        s.path.display(),
        s.width,
        s.height,
        s.photos,
        s.frames,
        s.bytes.div_ceil(1024)
    );
    for note in &s.notes {
        println!("note: {note}");
    }
    Ok(ExitCode::SUCCESS)
}

//! The command line: the same core as the app, for scripting, batch work and benchmarks.
//! Exit codes: 0 success, 1 something failed (the rest was done), 2 usage errors.

mod align;
mod backup;
mod bench;
mod bench_align;
mod bench_clinic;
mod bench_clinic_worker;
mod bench_faces;
mod bench_grid;
mod bench_report;
mod clinic;
mod clinic_import;
mod demo;
mod export;
mod faces;
mod import;
mod list;
mod measure;
mod record;
mod report;
mod secure;
mod verify;

use crate::library::{Conversion, Library};
use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, Parser)]
#[command(
    name = "skinlapse",
    version,
    about = "A private, local catalogue of dated skin photos."
)]
#[command(
    after_help = "With no command, opens the desktop app on the library.\n\
Exit status: 0 success, 1 some files or checks failed, 2 usage error."
)]
pub struct Cli {
    /// Library folder (a new library is made in a missing or empty folder, never in one
    /// with other files). Default: the platform data folder; the app without --library
    /// reopens the library used last.
    #[arg(long, global = true, value_name = "DIR", env = "SKINLAPSE_LIBRARY")]
    pub library: Option<PathBuf>,
    /// An encrypted library's passphrase, read from this file (else `SKINLAPSE_PASSPHRASE`,
    /// else you are asked).
    #[arg(long, global = true, value_name = "FILE")]
    pub passphrase_file: Option<PathBuf>,
    /// Sign in to a clinic library as this user (password from `SKINLAPSE_PASSWORD`, else
    /// you are asked).
    #[arg(long, global = true, value_name = "NAME", env = "SKINLAPSE_USER")]
    pub user: Option<String>,
    /// The app's window size in screen points, e.g. 1920x1080 (default: 1280x800, made
    /// smaller to fit a smaller screen).
    #[arg(long, value_name = "WxH", value_parser = parse_window_size)]
    pub window_size: Option<[f32; 2]>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Make a new library in an empty or new folder (--encrypted: under a passphrase).
    Create(secure::CreateArgs),
    /// Encrypt the library in place (catalogue and every photo file), with progress; safe
    /// to interrupt and run again.
    Encrypt,
    /// Decrypt an encrypted library in place, with progress; safe to interrupt and run again.
    Decrypt,
    /// Change an encrypted library's passphrase.
    ChangePassphrase(secure::ChangePassphraseArgs),
    /// Back the library up (a consistent moment, while it is in use) to one archive file or
    /// a backup folder; or `backup verify FILE`.
    Backup(backup::BackupArgs),
    /// Restore a backup into a new library: skinlapse restore FILE --library NEWDIR.
    Restore(backup::RestoreArgs),
    /// Import photos (files, or folders walked recursively).
    Import(import::ImportArgs),
    /// List the photos in the library.
    List(list::ListArgs),
    /// Check every original against its hash, every row against its file, and the caches.
    Verify(verify::VerifyArgs),
    /// Generate the demo library (people, series, changing skin) into a folder.
    Demo(demo::DemoArgs),
    /// Treatment series: add one, or list them with their plan and next due date.
    #[command(subcommand)]
    Series(record::SeriesCommand),
    /// Sessions of a series: add one (device, needle depth, products…), or list them.
    #[command(subcommand)]
    Session(record::SessionCommand),
    /// Grades (Goodman & Baron, mMASI, Glogau, Fitzpatrick wrinkle, GAIS, satisfaction, own).
    #[command(subcommand)]
    Grade(record::GradeCommand),
    /// Show how a pair of photos is aligned, or align it automatically (--auto), with the
    /// pair's findings (view, light, colour, sharpness, healing).
    Align(align::AlignArgs),
    /// Measure colour and tone in a region of a photo: CIELAB, ITA° and its category,
    /// erythema and melanin indices (corrected by the photo's reference card, if marked).
    Measure(measure::MeasureArgs),
    /// Fit a colour correction to a grey card or `ColorChecker` in a photo (or --remove it).
    Card(measure::CardArgs),
    /// Export a labelled comparison or contact sheet as PNG or JPEG (no metadata), or a
    /// series' record as CSV.
    #[command(subcommand)]
    Export(export::ExportCommand),
    /// The clinic: `settings` (name and logo on PDF reports), `create` (a clinic library on
    /// PostgreSQL), `user add|list|disable`, `audit`, `import-library` (a personal library into
    /// a clinic).
    #[command(subcommand)]
    Clinic(clinic::ClinicCommand),
    /// Faces: find them on photos imported before faces were found at import (`scan`), or
    /// show pose, expression, suggested view and facial regions of one photo (`show`).
    #[command(subcommand)]
    Faces(faces::FacesCommand),
    /// Measure speed.
    #[command(subcommand)]
    Bench(bench::BenchCommand),
}

/// A failure that ends a command, with its exit code.
#[derive(Debug)]
pub struct Failure {
    pub code: u8,
    pub message: String,
}

impl Failure {
    pub fn usage(message: impl Into<String>) -> Self {
        Self {
            code: 2,
            message: message.into(),
        }
    }

    pub fn runtime(message: impl ToString) -> Self {
        Self {
            code: 1,
            message: message.to_string(),
        }
    }
}

impl From<crate::library::LibraryError> for Failure {
    fn from(e: crate::library::LibraryError) -> Self {
        Self::runtime(e)
    }
}

impl From<crate::catalogue::CatalogueError> for Failure {
    fn from(e: crate::catalogue::CatalogueError) -> Self {
        match e {
            crate::catalogue::CatalogueError::UnknownTerm(_)
            | crate::catalogue::CatalogueError::Invalid { .. }
            | crate::catalogue::CatalogueError::Refused(_)
            | crate::catalogue::CatalogueError::NotFound { .. } => Self::usage(e.to_string()),
            other => Self::runtime(other),
        }
    }
}

/// The library folder the command line was pointed at.
pub fn library_root(cli_choice: Option<PathBuf>) -> Result<PathBuf, Failure> {
    cli_choice.or_else(Library::default_root).ok_or_else(|| {
        Failure::usage("no home folder to put the default library in; pass --library DIR")
    })
}

/// Opens the library for reading and writing; what opening did that the user should know
/// (modes tightened) goes to stderr.
pub fn open_library(cli_choice: Option<PathBuf>) -> Result<Library, Failure> {
    let root = library_root(cli_choice)?;
    let library = secure::open(&root, false)?;
    for notice in library.notices() {
        eprintln!("skinlapse: {notice}");
    }
    Ok(library)
}

/// Opens the library for commands that only read: nothing is written, so this works on a
/// read-only or full disk and does not wait behind another process's write.
pub fn open_library_for_reading(cli_choice: Option<PathBuf>) -> Result<Library, Failure> {
    let root = library_root(cli_choice)?;
    secure::open(&root, true)
}

/// Parses the arguments, runs the command, and turns the outcome into an exit code.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(failure) => {
            // Messages name files, whose names may hold escape sequences or newlines.
            eprintln!(
                "skinlapse: {}",
                crate::model::printable::printable(&failure.message)
            );
            ExitCode::from(failure.code)
        }
    }
}

pub fn run(cli: Cli) -> Result<ExitCode, Failure> {
    secure::set_passphrase_file(cli.passphrase_file);
    secure::set_user(cli.user.clone());
    match cli.command {
        Some(Command::Create(args)) => secure::run_create(cli.library, &args),
        Some(Command::Encrypt) => secure::run_convert(cli.library, Conversion::Encrypt),
        Some(Command::Decrypt) => secure::run_convert(cli.library, Conversion::Decrypt),
        Some(Command::ChangePassphrase(args)) => secure::run_change_passphrase(cli.library, &args),
        Some(Command::Backup(args)) => backup::run_backup(cli.library, args),
        Some(Command::Restore(args)) => backup::run_restore(cli.library, &args),
        Some(Command::Import(args)) => import::run(cli.library, args),
        Some(Command::List(args)) => list::run(cli.library, &args),
        Some(Command::Verify(args)) => verify::run(cli.library, &args),
        Some(Command::Demo(args)) => demo::run(&args),
        Some(Command::Export(cmd)) => export::run(cli.library, cmd),
        Some(Command::Align(args)) => align::run(cli.library, &args),
        Some(Command::Measure(args)) => measure::run_measure(cli.library, &args),
        Some(Command::Card(args)) => measure::run_card(cli.library, &args),
        Some(Command::Series(cmd)) => record::run_series(cli.library, cmd),
        Some(Command::Session(cmd)) => record::run_session(cli.library, cmd),
        Some(Command::Grade(cmd)) => record::run_grade(cli.library, cmd),
        Some(Command::Clinic(args)) => clinic::run(cli.library, cli.user.as_deref(), &args),
        Some(Command::Faces(cmd)) => faces::run(cli.library, cmd),
        Some(Command::Bench(cmd)) => bench::run(cmd),
        None => open_app(cli.library, cli.user, cli.window_size),
    }
}

/// "1920x1080" as a window size; each side from 400 to 16384 points.
fn parse_window_size(text: &str) -> Result<[f32; 2], String> {
    let bad = || format!("--window-size {text:?}: expected WIDTHxHEIGHT, e.g. 1920x1080");
    let (w, h) = text.trim().split_once(['x', 'X']).ok_or_else(bad)?;
    let side = |s: &str| -> Result<f32, String> {
        let n: u16 = s.trim().parse().map_err(|_| bad())?;
        if (400..=16384).contains(&n) {
            Ok(f32::from(n))
        } else {
            Err(format!(
                "--window-size {text:?}: each side must be from 400 to 16384 points"
            ))
        }
    };
    Ok([side(w)?, side(h)?])
}

fn open_app(
    library: Option<PathBuf>,
    user: Option<String>,
    window_size: Option<[f32; 2]>,
) -> Result<ExitCode, Failure> {
    let options = crate::app::AppOptions {
        library,
        user,
        ..crate::app::AppOptions::default()
    };
    crate::ui::run_native(options, window_size)
        .map_err(|e| Failure::runtime(format!("cannot open the window: {e}")))?;
    Ok(ExitCode::SUCCESS)
}

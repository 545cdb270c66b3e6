//! `skinlapse backup --to FILE|DIR`, `skinlapse backup verify FILE|DIR`,
//! `skinlapse restore FILE|DIR --library NEWDIR`.

use super::{Failure, library_root, open_library};
use crate::jobs::backup::{self, BackupError};
use crate::jobs::{VerifyOptions, verify};
use crate::model::printable::printable_path;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct BackupArgs {
    /// Write the backup here: one archive file, or (an existing folder, or a name ending
    /// in /) a backup folder that keeps every backup and copies only what is new.
    #[arg(long, value_name = "FILE")]
    pub to: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Option<BackupCommand>,
}

#[derive(Debug, clap::Subcommand)]
pub enum BackupCommand {
    /// Check a backup on its own: every file there, whole, as its manifest lists it.
    Verify {
        #[arg(value_name = "FILE")]
        file: PathBuf,
    },
}

#[derive(Debug, clap::Args)]
pub struct RestoreArgs {
    /// The backup: an archive file or a backup folder (its latest backup).
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
}

fn failure(e: BackupError) -> Failure {
    match e {
        BackupError::NotABackup { .. } | BackupError::TargetNotEmpty(_) => {
            Failure::usage(e.to_string())
        }
        other => Failure::runtime(other),
    }
}

fn progress(verb: &'static str) -> impl FnMut(usize, usize) -> Result<(), BackupError> {
    let mut last = 0;
    move |done, total| {
        if let Some(percent) = (done * 100).checked_div(total)
            && (percent >= last + 10 || done == total)
        {
            last = percent;
            eprintln!("{verb}: {done} of {total} files ({percent} %)");
        }
        Ok(())
    }
}

pub fn run_backup(library: Option<PathBuf>, args: BackupArgs) -> Result<ExitCode, Failure> {
    if let Some(BackupCommand::Verify { file }) = args.command {
        let manifest = backup::verify_backup(&file, &mut progress("verifying")).map_err(failure)?;
        println!(
            "backup {} is sound: {} files, {} photos, made {}{}",
            printable_path(&file),
            manifest.entries.len(),
            manifest.photos,
            manifest.created_at,
            if manifest.encrypted {
                ", encrypted"
            } else {
                ""
            }
        );
        return Ok(ExitCode::SUCCESS);
    }
    let Some(to) = args.to else {
        return Err(Failure::usage(
            "backup needs --to FILE (or a folder), or `backup verify FILE`",
        ));
    };
    let library = open_library(library)?;
    let summary = backup::backup(&library, &to, &mut progress("backing up")).map_err(failure)?;
    println!(
        "backed up {} photos to {}: {} files, {:.1} MB ({} written){}",
        summary.photos,
        printable_path(&to),
        summary.files,
        summary.bytes as f64 / 1e6,
        summary.written,
        if library.is_encrypted() {
            ", encrypted"
        } else {
            ""
        }
    );
    Ok(ExitCode::SUCCESS)
}

pub fn run_restore(library: Option<PathBuf>, args: &RestoreArgs) -> Result<ExitCode, Failure> {
    let Some(target) = library else {
        return Err(Failure::usage(
            "restore needs the new library's folder: skinlapse restore FILE --library NEWDIR",
        ));
    };
    let root = library_root(Some(target))?;
    let summary =
        backup::restore(&args.file, &root, &mut progress("restoring")).map_err(failure)?;
    println!(
        "restored {} photos ({} files, {:.1} MB) into {}",
        summary.photos,
        summary.files,
        summary.bytes as f64 / 1e6,
        printable_path(&root)
    );
    // The restored library is checked as `verify` would (an encrypted one needs its
    // passphrase for that).
    let library = open_library(Some(root))?;
    let report = verify(&library, VerifyOptions::default(), &|_, _| {})?;
    for problem in &report.problems {
        println!("problem {problem}");
    }
    println!(
        "verify: {} photos checked, {} problems",
        report.photos,
        report.problems.len()
    );
    Ok(if report.is_clean() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

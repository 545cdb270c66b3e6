//! `skinlapse verify`

use super::{Failure, open_library, open_library_for_reading};
use crate::jobs::{VerifyOptions, verify};
use crate::model::printable::printable_path;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct VerifyArgs {
    /// Regenerate missing previews and thumbnails and remove cache files of no photo.
    #[arg(long)]
    pub repair_cache: bool,
}

pub fn run(library: Option<PathBuf>, args: &VerifyArgs) -> Result<ExitCode, Failure> {
    // Only repairing writes; a plain check reads, so it works on a read-only library too.
    let library = if args.repair_cache {
        open_library(library)?
    } else {
        open_library_for_reading(library)?
    };
    let report = verify(
        &library,
        VerifyOptions {
            repair_cache: args.repair_cache,
        },
        &|_, _| {},
    )?;
    for path in &report.repaired {
        println!("repaired {}", printable_path(path));
    }
    for problem in &report.problems {
        println!("problem {problem}");
    }
    println!(
        "verify: {} photos checked, {} problems, {} cache files repaired",
        report.photos,
        report.problems.len(),
        report.repaired.len()
    );
    Ok(if report.is_clean() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

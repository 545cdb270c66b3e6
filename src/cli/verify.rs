//! `skinlapse verify`

use super::{Failure, open_library};
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
    let library = open_library(library)?;
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

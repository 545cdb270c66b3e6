//! `skinlapse demo`

use super::Failure;
use crate::jobs::demo::{DemoOptions, generate_demo, progress_words};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct DemoArgs {
    /// Folder to create the demo library in (default: a new folder in the system's temporary folder).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
}

pub fn run(args: &DemoArgs) -> Result<ExitCode, Failure> {
    let out = match &args.out {
        Some(out) => out.clone(),
        None => tempfile::Builder::new()
            .prefix("skinlapse-demo-")
            .tempdir()
            .map_err(Failure::runtime)?
            .keep(),
    };
    if out.join(crate::library::CATALOGUE_FILE).exists() {
        return Err(Failure::usage(format!(
            "{} already holds a library; choose a new folder",
            out.display()
        )));
    }
    generate_demo(&out, &DemoOptions::default(), &mut |done, total| {
        eprint!("\rdemo library: {}", progress_words(done, total));
    })?;
    eprintln!();
    println!("demo library: {}", out.display());
    println!("open it with: skinlapse --library {}", out.display());
    Ok(ExitCode::SUCCESS)
}

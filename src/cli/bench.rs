//! `skinlapse bench import`: import speed, end to end and by stage.

use super::Failure;
use crate::imaging::synth::{ExifSpec, SkinScene, jpeg_with_exif, render_skin};
use crate::jobs::{ImportEvent, ImportRequest, Outcome, StageTimes, run_import, worker_count};
use crate::library::Library;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

#[derive(Debug, clap::Subcommand)]
pub enum BenchCommand {
    /// Import photos into a fresh temporary library and report photos/s and time by stage.
    Import(BenchImportArgs),
    /// Write photo-like JPEGs with EXIF into a folder (to benchmark other tools on the same files).
    Generate(BenchGenerateArgs),
    /// Generate a large library (default 100 000 photos of 1 000 people) for browsing benchmarks.
    Scale(BenchScaleArgs),
    /// Automatic alignment on generated pairs with known transforms: accuracy and time.
    Align(super::bench_align::BenchAlignArgs),
    /// The PDF report of a 10-session, 3-view series, a 12-photo time-lapse at 1080 px, and
    /// measuring a region of a 12 MP photo.
    Report(super::bench_report::BenchReportArgs),
    /// Face landmarks and face-aware alignment on ground truth made from public-domain
    /// portraits, against the whole-frame method: acceptance, error at eye and mouth corners,
    /// different-person pairs, real photos of one person, time.
    Faces(super::bench_faces::BenchFacesArgs),
    /// A clinic-sized catalogue (1 000 000 photos, 10 000 patients) on SQLite and PostgreSQL:
    /// a patient's timeline and the all-photos grid timed, then simulated workstations
    /// (processes) importing, tagging and viewing at once, checked for lost updates and
    /// duplicate photos.
    Clinic(super::bench_clinic::BenchClinicArgs),
    /// What the app does to show All photos of a clinic-sized library (1 000 000 photos) on
    /// SQLite and PostgreSQL: the first page of the grid and its count, read a page at a
    /// time and (as before) the whole list at once.
    Grid(super::bench_grid::BenchGridArgs),
    /// One workstation of `bench clinic` (run by it).
    #[command(hide = true)]
    ClinicWorker(super::bench_clinic_worker::WorkerArgs),
}

#[derive(Debug, clap::Args)]
pub struct BenchScaleArgs {
    /// Folder to create the library in (must not hold one yet).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    #[arg(long, default_value_t = 1000)]
    pub people: usize,
    #[arg(long, default_value_t = 100_000)]
    pub photos: usize,
}

#[derive(Debug, clap::Args)]
pub struct BenchGenerateArgs {
    /// Folder to write into (created if missing).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    #[arg(long, default_value_t = 24)]
    pub count: usize,
    /// Size in megapixels (4:3).
    #[arg(long, default_value_t = 12.0)]
    pub megapixels: f64,
}

#[derive(Debug, clap::Args)]
pub struct BenchImportArgs {
    /// Generate this many photo-like JPEGs to import (used when no PATH is given).
    #[arg(long, default_value_t = 24)]
    pub generate: usize,
    /// Size of generated photos in megapixels (4:3).
    #[arg(long, default_value_t = 12.0)]
    pub megapixels: f64,
    /// Worker threads (default: one per core).
    #[arg(long, default_value_t = 0)]
    pub workers: usize,
    /// Import into an encrypted library (and report how long unlocking takes).
    #[arg(long)]
    pub encrypted: bool,
    /// Commit without syncing (as before imports were made durable): to measure what
    /// durability costs. Never use it for a real library.
    #[arg(long, hide = true)]
    pub unsynced: bool,
    /// Files or folders to import instead of generated photos.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
}

const BENCH_PASSPHRASE: &str = "benchmark passphrase";

pub fn run(command: BenchCommand) -> Result<ExitCode, Failure> {
    match command {
        BenchCommand::Import(args) => bench_import(&args),
        BenchCommand::Align(args) => Ok(super::bench_align::run(&args)),
        BenchCommand::Report(args) => super::bench_report::run(&args),
        BenchCommand::Faces(args) => Ok(super::bench_faces::run(&args)),
        BenchCommand::Clinic(args) => super::bench_clinic::run(&args),
        BenchCommand::Grid(args) => super::bench_grid::run(&args),
        BenchCommand::ClinicWorker(args) => Ok(super::bench_clinic_worker::run(&args)),
        BenchCommand::Scale(args) => {
            if args.out.join(crate::library::CATALOGUE_FILE).exists() {
                return Err(Failure::usage(format!(
                    "{} already holds a library",
                    args.out.display()
                )));
            }
            let options = crate::jobs::scale::ScaleOptions {
                people: args.people.max(1),
                photos: args.photos,
                largest_person: 500.min(args.photos),
            };
            let start = Instant::now();
            crate::jobs::scale::generate_scale_library(&args.out, &options, &mut |done, total| {
                eprint!("\r{done}/{total} photos");
            })?;
            eprintln!();
            println!(
                "wrote {} photos of {} people to {} in {:.0} s",
                args.photos,
                args.people,
                args.out.display(),
                start.elapsed().as_secs_f64()
            );
            Ok(ExitCode::SUCCESS)
        }
        BenchCommand::Generate(args) => {
            std::fs::create_dir_all(&args.out).map_err(Failure::runtime)?;
            let paths =
                generate_jpegs(&args.out, args.count, args.megapixels).map_err(Failure::runtime)?;
            println!("wrote {} JPEGs to {}", paths.len(), args.out.display());
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// Writes `count` photo-like JPEGs of about `megapixels` into `dir`, on all cores.
pub fn generate_jpegs(dir: &Path, count: usize, megapixels: f64) -> std::io::Result<Vec<PathBuf>> {
    let width = ((megapixels * 1e6 * 4.0 / 3.0).sqrt().round() as u32).max(8);
    let height = (width * 3 / 4).max(6);
    let next = AtomicUsize::new(0);
    let paths: Vec<PathBuf> = (0..count)
        .map(|i| dir.join(format!("IMG_{i:04}.jpg")))
        .collect();
    let failed = std::sync::Mutex::new(None);
    std::thread::scope(|scope| {
        for _ in 0..worker_count() {
            scope.spawn(|| {
                while let Some(path) = paths.get(next.fetch_add(1, Ordering::Relaxed)) {
                    let i = paths.iter().position(|p| p == path).unwrap_or(0);
                    let scene = SkinScene {
                        noise: 0.1,
                        ..SkinScene::new(width, height, i as u64 + 1)
                    };
                    let exif = ExifSpec {
                        date_time_original: Some(format!("2025:01:{:02} 10:00:00", i % 28 + 1)),
                        offset_time_original: Some("+01:00".into()),
                        orientation: Some(1),
                        ..ExifSpec::default()
                    };
                    let bytes = jpeg_with_exif(&render_skin(&scene), 92, Some(&exif));
                    if let Err(e) = std::fs::write(path, bytes) {
                        *failed.lock().expect("generator panicked") = Some(e);
                    }
                }
            });
        }
    });
    match failed.into_inner().expect("generator panicked") {
        Some(e) => Err(e),
        None => Ok(paths),
    }
}

fn ms(d: Duration, n: usize) -> f64 {
    d.as_secs_f64() * 1000.0 / n.max(1) as f64
}

fn bench_import(args: &BenchImportArgs) -> Result<ExitCode, Failure> {
    let scratch = tempfile::tempdir().map_err(Failure::runtime)?;
    let paths = if args.paths.is_empty() {
        let dir = scratch.path().join("photos");
        std::fs::create_dir_all(&dir).map_err(Failure::runtime)?;
        eprintln!(
            "generating {} JPEGs of {} MP…",
            args.generate, args.megapixels
        );
        generate_jpegs(&dir, args.generate, args.megapixels).map_err(Failure::runtime)?;
        vec![dir]
    } else {
        args.paths.clone()
    };
    if args.unsynced {
        crate::catalogue::relax_durability_for_benchmarks();
    }
    let root = scratch.path().join("library");
    let library = if args.encrypted {
        drop(Library::create(&root, Some(BENCH_PASSPHRASE))?);
        let start = Instant::now();
        let library = Library::open_with(
            &root,
            &crate::library::OpenOptions {
                read_only: false,
                passphrase: Some(zeroize::Zeroizing::new(BENCH_PASSPHRASE.into())),
            },
        )?;
        println!(
            "bench unlock: {:.0} ms to unlock (Argon2id 64 MiB, 3 passes) and open",
            start.elapsed().as_secs_f64() * 1000.0
        );
        library
    } else {
        Library::open(&root)?
    };
    let workers = if args.workers == 0 {
        worker_count()
    } else {
        args.workers
    };
    let request = ImportRequest {
        paths,
        workers,
        ..ImportRequest::default()
    };
    let mut stages = StageTimes::default();
    let (mut imported, mut bytes, mut megapixels) = (0usize, 0u64, 0f64);
    let mut cat = library.catalogue()?;
    let start = Instant::now();
    let summary = run_import(&library, &request, &AtomicBool::new(false), |event| {
        if let ImportEvent::File(result) = event {
            if let Outcome::Imported { id, .. } = result.outcome {
                imported += 1;
                stages += result.stages;
                if let Ok(photo) = cat.photo(id) {
                    bytes += photo.file_size;
                    megapixels += f64::from(photo.width) * f64::from(photo.height) / 1e6;
                }
            } else if let Outcome::Failed(e) = result.outcome {
                eprintln!("error {}: {e}", result.path.display());
            }
        }
    });
    let wall = start.elapsed();
    let n = imported;
    println!(
        "bench import{}: {n} photos ({:.1} MP, {:.1} MB on average), {workers} workers",
        match (args.encrypted, args.unsynced) {
            (true, _) => " (encrypted)",
            (false, true) => " (commits not synced)",
            (false, false) => "",
        },
        megapixels / n.max(1) as f64,
        bytes as f64 / 1e6 / n.max(1) as f64
    );
    println!(
        "  wall {:.2} s: {:.2} photos/s, {:.1} ms per photo",
        wall.as_secs_f64(),
        n as f64 / wall.as_secs_f64(),
        ms(wall, n)
    );
    let s = stages;
    let total = s.read + s.hash + s.exif + s.decode + s.resize + s.encode + s.write + s.face;
    println!("  per photo, ms of one worker's time by stage:");
    for (name, d) in [
        ("read", s.read),
        ("hash", s.hash),
        ("exif", s.exif),
        ("decode", s.decode),
        ("resize", s.resize),
        ("encode", s.encode),
        ("write", s.write),
        ("face", s.face),
        ("total", total),
    ] {
        println!("    {name:<7}{:>8.1}", ms(d, n));
    }
    if summary.failed > 0 {
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}

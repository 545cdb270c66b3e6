//! `skinlapse bench grid`: what the app does to show "All photos" of a clinic-sized library
//! (default 1 000 000 photos of 10 000 patients), on SQLite and on PostgreSQL, through the
//! app's own code: an [`AppState`] on the library (signed in as a clinician on the clinic),
//! driven by the commands a click sends, its grid read on the app's query threads, and the
//! answers taken in as a frame takes them. Timed: from the command to the first page in the
//! grid, and to the count; the same with the whole list read at once (the page as large as
//! the library: what the app did before it read pages); and the UI thread's own time: its
//! longest step while the library opens, and a patient's rename (the edit and its reload),
//! with the time until the people list's counts are known again.

use super::Failure;
use super::bench_clinic::{BENCH_PASSWORD, BenchClinicArgs, percentiles, prepare_postgres};
use crate::app::browse::Loading;
use crate::app::{AppOptions, AppState, BrowseCommand, ClinicCommand, Passphrase, PeopleCommand};
use crate::catalogue::bench_data::BenchShape;
use crate::model::PersonId;
use serde::Serialize;
use std::path::Path;
use std::process::ExitCode;
use std::time::{Duration, Instant};

#[derive(Debug, clap::Args)]
pub struct BenchGridArgs {
    #[arg(long, default_value_t = 1_000_000)]
    pub photos: i64,
    #[arg(long, default_value_t = 10_000)]
    pub people: i64,
    /// Repetitions of opening All photos a page at a time.
    #[arg(long, default_value_t = 30)]
    pub repeats: usize,
    /// Repetitions with the whole list read at once (seconds each at a million photos).
    #[arg(long, default_value_t = 3)]
    pub whole_repeats: usize,
    /// A PostgreSQL server to use instead of a throwaway local cluster (as for `bench
    /// clinic`): `postgresql://HOST[:PORT]/DB` naming a database that holds no clinic yet,
    /// with PGUSER and PGPASSWORD a superuser.
    #[arg(long, value_name = "URL")]
    pub database: Option<String>,
    /// Make the personal (SQLite) library in this new folder and keep it (to look at in the
    /// app), instead of a temporary one.
    #[arg(long, value_name = "DIR")]
    pub keep: Option<std::path::PathBuf>,
    /// Time one backend only (`sqlite` or `postgres`).
    #[arg(long, value_name = "BACKEND", value_parser = ["sqlite", "postgres"])]
    pub only: Option<String>,
    /// Print the figures as JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Serialize)]
struct Figure {
    backend: &'static str,
    what: String,
    runs: usize,
    median_ms: f64,
    p95_ms: f64,
    max_ms: f64,
}

/// The longest the bench waits for the app before it gives up.
const PATIENCE: Duration = Duration::from_mins(10);

pub fn run(args: &BenchGridArgs) -> Result<ExitCode, Failure> {
    if args.people < 1 || args.photos < args.people || args.repeats < 1 {
        return Err(Failure::usage(
            "--people must be at least 1, --photos at least --people, --repeats at least 1",
        ));
    }
    let shape = BenchShape {
        people: args.people,
        photos: args.photos,
    };
    let scratch = tempfile::tempdir().map_err(Failure::runtime)?;
    let mut figures = Vec::new();

    let (sqlite, postgres) = match args.only.as_deref() {
        Some("sqlite") => (true, false),
        Some(_) => (false, true),
        None => (true, true),
    };
    let mut settings = "not timed".to_owned();
    if sqlite {
        figures.extend(time_sqlite(args, shape, scratch.path())?);
    }
    if postgres {
        let (pg, said) = time_postgres(args, shape, scratch.path())?;
        figures.extend(pg);
        settings = said;
    }
    print_figures(args, &figures, &settings);
    Ok(ExitCode::SUCCESS)
}

/// A personal library of `shape`, and the app's figures on it.
fn time_sqlite(
    args: &BenchGridArgs,
    shape: BenchShape,
    scratch: &Path,
) -> Result<Vec<Figure>, Failure> {
    let personal = args
        .keep
        .clone()
        .unwrap_or_else(|| scratch.join("personal"));
    if personal.exists() {
        return Err(Failure::usage(format!(
            "{} exists: --keep makes a new library",
            personal.display()
        )));
    }
    eprintln!(
        "generating {} photos of {} patients in a personal library (SQLite)…",
        args.photos, args.people
    );
    let library = crate::library::Library::open(&personal)?;
    library.catalogue()?.fill_for_bench(shape)?;
    drop(library);
    eprintln!("timing the app on SQLite…");
    time_app("SQLite", &personal, None, scratch, args)
}

/// A clinic library of `shape`, and the app's figures on it signed in as a clinician; and
/// the server's settings.
fn time_postgres(
    args: &BenchGridArgs,
    shape: BenchShape,
    scratch: &Path,
) -> Result<(Vec<Figure>, String), Failure> {
    eprintln!("generating the clinic library on PostgreSQL…");
    let clinic_args = BenchClinicArgs {
        photos: args.photos,
        people: args.people,
        workers: 1,
        seconds: 0.0,
        repeats: 0,
        database: args.database.clone(),
        json: false,
    };
    let (target, settings) = prepare_postgres(&clinic_args, shape)?;
    let (url, user) = target.first_user();
    let clinic = scratch.join("clinic");
    crate::library::clinic::create(
        &clinic,
        &crate::library::clinic::ClinicSettings {
            format: 1,
            database: url.clone(),
            clinic_id: "bench-grid".into(),
        },
    )
    .map_err(|e| Failure::runtime(e.to_string()))?;
    eprintln!("timing the app on PostgreSQL ({settings})…");
    let figures = time_app("PostgreSQL", &clinic, Some(&user), scratch, args)?;
    Ok((figures, settings))
}

fn print_figures(args: &BenchGridArgs, figures: &[Figure], settings: &str) {
    if args.json {
        println!(
            "{}",
            serde_json::to_string_pretty(figures).expect("figures serialise")
        );
    } else {
        println!(
            "bench grid: {} photos of {} patients; PostgreSQL: {settings}",
            args.photos, args.people
        );
        println!(
            "\n{:<70} {:<11} {:>5} {:>10} {:>10} {:>10}",
            "the app, from the command to", "backend", "runs", "median ms", "p95 ms", "max ms"
        );
        for f in figures {
            println!(
                "{:<70} {:<11} {:>5} {:>10.2} {:>10.2} {:>10.2}",
                f.what, f.backend, f.runs, f.median_ms, f.p95_ms, f.max_ms
            );
        }
    }
}

/// The app on the library at `root` (signed in as `user` on a clinic), and its figures.
fn time_app(
    backend: &'static str,
    root: &Path,
    user: Option<&str>,
    scratch: &Path,
    args: &BenchGridArgs,
) -> Result<Vec<Figure>, Failure> {
    let mut figures = Vec::new();
    let ctx = egui::Context::default();
    let start = Instant::now();
    let mut app = AppState::new(
        &ctx,
        AppOptions {
            library: Some(root.to_owned()),
            prefs_path: None,
            user: user.map(str::to_owned),
            cache_dir: Some(scratch.join(format!("cache-{backend}"))),
            ..AppOptions::default()
        },
    );
    // The UI thread's longest stretch without drawing while the library opens: making the
    // state (a personal library opens there), then each frame's work (a clinic's sign-in).
    let mut longest = start.elapsed();
    if let Some(user) = user {
        app.send(ClinicCommand::SignIn {
            user: user.to_owned(),
            password: Passphrase::new(BENCH_PASSWORD),
        });
    }
    let open = pump(&mut app, |a| {
        first_page_in(a) && a.browse.grid.total().is_some() && counts_known(a)
    })?;
    longest = longest.max(open.longest);
    let opened = ms(start.elapsed());
    let mut add = |what: String, mut samples: Vec<f64>| {
        let (median_ms, p95_ms) = percentiles(&mut samples);
        figures.push(Figure {
            backend,
            what,
            runs: samples.len(),
            median_ms,
            p95_ms,
            max_ms: samples.last().copied().unwrap_or_default(),
        });
    };
    add(
        format!(
            "open the library{}: All photos' first page and count",
            if user.is_some() { " and sign in" } else { "" }
        ),
        vec![opened],
    );
    add(
        "open the library: the UI thread's longest step (no frame drawn meanwhile)".into(),
        vec![ms(longest)],
    );
    let (edit, counted) = time_edits(&mut app, args)?;
    add(
        "rename a patient: the UI thread's step (the edit and its reload)".into(),
        edit,
    );
    add(
        "rename a patient: … the people list's counts known".into(),
        counted,
    );
    let page = app.browse.grid.page_size;
    for (whole, runs) in [(false, args.repeats), (true, args.whole_repeats)] {
        if runs == 0 {
            continue;
        }
        app.browse.grid.page_size = if whole {
            usize::try_from(args.photos).unwrap_or(usize::MAX / 2) + 1
        } else {
            page
        };
        let (mut first, mut counted) = (Vec::new(), Vec::new());
        for i in 0..=runs {
            // From a patient's timeline back to All photos, as a click in the people list.
            let person = PersonId((i as i64 * 7919) % args.people + 1);
            app.send(BrowseCommand::SelectPerson(Some(person)));
            pump(&mut app, |a| !a.is_busy())?;
            let start = Instant::now();
            app.send(BrowseCommand::SelectPerson(None));
            let shown = pump(&mut app, first_page_in)?.took;
            pump(&mut app, |a| a.browse.grid.total().is_some())?;
            let total = start.elapsed();
            if i > 0 {
                // The first run warms the caches.
                first.push(ms(shown));
                counted.push(ms(total));
            }
            check_all_photos(&app, args.photos)?;
        }
        let how = if whole {
            "whole list at once, as before".to_owned()
        } else {
            format!("pages of {page}")
        };
        add(format!("All photos, first page in the grid ({how})"), first);
        add(format!("All photos, count known ({how})"), counted);
    }
    Ok(figures)
}

/// Renames a patient `args.repeats` times (after one warm-up), as the people list's
/// "Rename" does: the UI thread's step that runs the edit and reads what it made stale, and
/// the time until the people list's photo counts are known again.
fn time_edits(app: &mut AppState, args: &BenchGridArgs) -> Result<(Vec<f64>, Vec<f64>), Failure> {
    let (mut step, mut counted) = (Vec::new(), Vec::new());
    for i in 0..=args.repeats {
        let person = PersonId((i as i64 * 104_729) % args.people + 1);
        pump(app, |a| !a.is_busy())?;
        let start = Instant::now();
        app.send(PeopleCommand::Rename(
            person,
            format!("Bench patient {}, renamed {i}", person.0),
        ));
        app.run_queued();
        let ran = start.elapsed();
        pump(app, counts_known)?;
        if i > 0 {
            step.push(ms(ran));
            counted.push(ms(start.elapsed()));
        }
        if let Some(error) = app
            .notices
            .iter()
            .find(|n| n.level == crate::app::notices::NoticeLevel::Error)
        {
            return Err(Failure::runtime(format!(
                "the rename failed: {}",
                error.text
            )));
        }
    }
    Ok((step, counted))
}

/// The people list's photo counts are known and none is being counted.
fn counts_known(app: &AppState) -> bool {
    app.overview.counts().is_some() && !app.library.is_counting_photos()
}

/// The grid shows All photos' first page (not the patient's still).
fn first_page_in(app: &AppState) -> bool {
    app.browse.filter.person.is_none()
        && app.browse.grid.loading() != Loading::First
        && !app.browse.grid.items.is_empty()
}

fn check_all_photos(app: &AppState, photos: i64) -> Result<(), Failure> {
    let total = app.browse.grid.total();
    if total != usize::try_from(photos).ok() {
        return Err(Failure::runtime(format!(
            "the app counted {total:?} photos in All photos, not {photos}"
        )));
    }
    Ok(())
}

/// How long [`pump`] took, and its longest frame.
struct Pumped {
    took: Duration,
    longest: Duration,
}

/// Runs the app's frames (without drawing: what a frame does before it draws) until `done`.
fn pump(app: &mut AppState, done: impl Fn(&AppState) -> bool) -> Result<Pumped, Failure> {
    let start = Instant::now();
    let mut longest = Duration::ZERO;
    loop {
        let frame = Instant::now();
        app.poll();
        app.run_queued();
        longest = longest.max(frame.elapsed());
        if done(app) {
            return Ok(Pumped {
                took: start.elapsed(),
                longest,
            });
        }
        if let Some(error) = app.library.error.clone() {
            return Err(Failure::runtime(format!("the app could not open: {error}")));
        }
        if start.elapsed() > PATIENCE {
            return Err(Failure::runtime(format!(
                "the app did not get there in {} s",
                PATIENCE.as_secs()
            )));
        }
        std::thread::sleep(Duration::from_micros(100));
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

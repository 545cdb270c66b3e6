//! `skinlapse bench clinic`: a clinic-sized catalogue (default 1 000 000 photos of 10 000
//! patients) on SQLite and on PostgreSQL in the same run — opening a patient's timeline and
//! the all-photos grid, timed through the catalogue API the app calls — and then simulated
//! workstations (processes) doing a mix of imports, tag edits and views on each, checked at
//! the end for lost updates and duplicate photos.

use super::Failure;
use super::bench_clinic_worker::{CARD_PHOTOS, KINDS, WorkerReport, edit_count, import_hash};
use crate::catalogue::bench_data::{BenchShape, fill_postgres};
use crate::catalogue::{Catalogue, PhotoFilter, SortOrder, clinic};
use crate::model::{PersonId, PhotoId};
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::Instant;

#[derive(Debug, clap::Args)]
pub struct BenchClinicArgs {
    #[arg(long, default_value_t = 1_000_000)]
    pub photos: i64,
    #[arg(long, default_value_t = 10_000)]
    pub people: i64,
    /// Simulated workstations (processes).
    #[arg(long, default_value_t = 8)]
    pub workers: usize,
    /// How long the workstations work on each backend.
    #[arg(long, default_value_t = 300.0)]
    pub seconds: f64,
    /// Repetitions of each timed query.
    #[arg(long, default_value_t = 200)]
    pub repeats: usize,
    /// A PostgreSQL server to use instead of a throwaway local cluster:
    /// `postgresql://HOST[:PORT]/DB` naming a database that holds no clinic yet, with PGUSER and
    /// PGPASSWORD a superuser (the bench fills the tables with the clinic's triggers set aside).
    #[arg(long, value_name = "URL")]
    pub database: Option<String>,
    /// Print the figures as JSON.
    #[arg(long)]
    pub json: bool,
}

/// Photos every workstation edits (the lost-update check counts each one's edits).
const HOT_PHOTOS: i64 = 64;
/// The all-photos grid's first page.
const PAGE: usize = 200;
pub(super) const BENCH_PASSWORD: &str = "bench-clinic-password";

#[derive(Debug, Serialize)]
struct Timing {
    backend: &'static str,
    query: &'static str,
    runs: usize,
    median_ms: f64,
    p95_ms: f64,
    goal_ms: Option<f64>,
}

#[derive(Debug, Serialize)]
struct OpFigures {
    kind: &'static str,
    count: usize,
    per_second: f64,
    median_ms: f64,
    p95_ms: f64,
}

#[derive(Debug, Serialize)]
struct MixFigures {
    backend: &'static str,
    workers: usize,
    seconds: f64,
    ops: Vec<OpFigures>,
    total_per_second: f64,
    conflicts_refused: u64,
    busy_retries: u64,
    photos_imported: u64,
    imports_found_duplicate: u64,
    imports_found_in_progress: u64,
    edits_saved: u64,
    lost_updates: u64,
    duplicate_photos: i64,
    missing_imports: u64,
    open_claims: i64,
    errors: Vec<String>,
}

#[derive(Debug, Serialize)]
struct Summary {
    photos: i64,
    people: i64,
    generate_seconds: Vec<(&'static str, f64)>,
    /// The server's durability and cache settings (SQLite: WAL, synchronous=FULL).
    postgres_settings: String,
    queries: Vec<Timing>,
    mix: Vec<MixFigures>,
    ok: bool,
}

/// Where the workstations find a backend.
pub(super) enum Target {
    Sqlite(PathBuf),
    Postgres { url: String, users: Vec<String> },
}

impl Target {
    /// A clinic's URL and its first workstation's user.
    pub(super) fn first_user(&self) -> (String, String) {
        match self {
            Self::Sqlite(_) => (String::new(), String::new()),
            Self::Postgres { url, users } => (url.clone(), users[0].clone()),
        }
    }

    fn name(&self) -> &'static str {
        match self {
            Self::Sqlite(_) => "SQLite",
            Self::Postgres { .. } => "PostgreSQL",
        }
    }

    fn open(&self, workstation: usize) -> Result<Catalogue, Failure> {
        Ok(match self {
            Self::Sqlite(path) => Catalogue::open(path)?,
            Self::Postgres { url, users } => Catalogue::open_clinic(
                &parse(url)?,
                &users[workstation % users.len()],
                BENCH_PASSWORD,
            )?,
        })
    }
}

/// What the server said about `what`, in its words.
fn pg_failure(what: &str, e: &postgres::Error) -> Failure {
    let said = e
        .as_db_error()
        .map_or_else(|| e.to_string(), |db| db.message().to_owned());
    Failure::runtime(format!("{what}: {said}"))
}

fn parse(url: &str) -> Result<postgres::Config, Failure> {
    url.parse()
        .map_err(|e| Failure::usage(format!("--database {url}: {e}")))
}

pub fn run(args: &BenchClinicArgs) -> Result<ExitCode, Failure> {
    if args.people < 1 || args.photos < args.people || args.workers < 1 {
        return Err(Failure::usage(
            "--people must be at least 1, --photos at least --people, --workers at least 1",
        ));
    }
    let shape = BenchShape {
        people: args.people,
        photos: args.photos,
    };
    let program = std::env::current_exe().map_err(Failure::runtime)?;
    let scratch = tempfile::tempdir().map_err(Failure::runtime)?;
    let mut generate_seconds = Vec::new();
    let sqlite_path = scratch.path().join("catalogue.db");
    eprintln!(
        "generating {} photos of {} patients on SQLite…",
        args.photos, args.people
    );
    let start = Instant::now();
    Catalogue::open(&sqlite_path)?.fill_for_bench(shape)?;
    generate_seconds.push(("SQLite", start.elapsed().as_secs_f64()));
    eprintln!("… and on PostgreSQL…");
    let start = Instant::now();
    let (pg, postgres_settings) = prepare_postgres(args, shape)?;
    generate_seconds.push(("PostgreSQL", start.elapsed().as_secs_f64()));
    let targets = [Target::Sqlite(sqlite_path), pg];
    let mut queries = Vec::new();
    for target in &targets {
        eprintln!("timing queries on {}…", target.name());
        queries.extend(time_queries(target, args)?);
    }
    let mut mix = Vec::new();
    for target in &targets {
        eprintln!(
            "{} workstations for {} s on {}…",
            args.workers,
            args.seconds,
            target.name()
        );
        mix.push(run_mix(target, args, &program)?);
    }
    let ok = mix.iter().all(|m| {
        m.lost_updates == 0
            && m.duplicate_photos == 0
            && m.missing_imports == 0
            && m.open_claims == 0
            && m.errors.is_empty()
    });
    let summary = Summary {
        photos: args.photos,
        people: args.people,
        generate_seconds,
        postgres_settings,
        queries,
        mix,
        ok,
    };
    if args.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&summary).expect("figures serialise")
        );
    } else {
        print_summary(&summary);
    }
    Ok(if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// A clinic database filled with `shape`, with a clinician account per workstation.
pub(super) fn prepare_postgres(
    args: &BenchClinicArgs,
    shape: BenchShape,
) -> Result<(Target, String), Failure> {
    let (bootstrap, url, database) = if let Some(url) = &args.database {
        let mut config = parse(url)?;
        let database = config
            .get_dbname()
            .ok_or_else(|| Failure::usage(format!("--database {url} names no database")))?
            .to_owned();
        if let Ok(user) = std::env::var("PGUSER") {
            config.user(&user);
        }
        if let Ok(password) = std::env::var("PGPASSWORD") {
            config.password(password);
        }
        config.dbname("postgres");
        (config, url.clone(), database)
    } else {
        // Started for tests without fsync (its settings are on its command line, which
        // ALTER SYSTEM cannot override): the summary says so; --database measures a
        // server as a clinic runs it.
        let cluster = crate::testing::pg::cluster();
        let database = "skinlapse_bench".to_owned();
        (
            cluster.superuser("postgres"),
            cluster.url(&database),
            database,
        )
    };
    let prefix = clinic::role_prefix(&database);
    let admin = format!("{prefix}_bench_admin");
    clinic::create(&bootstrap, &database, &admin, BENCH_PASSWORD)?;
    let config = parse(&url)?;
    // Signing in once puts the built-in terms in place.
    drop(Catalogue::open_clinic(&config, &admin, BENCH_PASSWORD)?);
    let mut filler = bootstrap.clone();
    filler.dbname(&database);
    let mut client = filler
        .connect(postgres::NoTls)
        .map_err(|e| pg_failure(&format!("connecting to {database}"), &e))?;
    fill_postgres(&mut client, shape)
        .map_err(|e| pg_failure(&format!("filling {database}"), &e))?;
    let mut session = clinic::ClinicSession::sign_in(&config, &admin, BENCH_PASSWORD)?;
    let mut users = Vec::new();
    for i in 0..args.workers {
        let name = format!("{prefix}_ws{i}");
        session.add_user(&name, clinic::Role::Clinician, "first-password")?;
        clinic::ClinicSession::sign_in(&config, &name, "first-password")?
            .change_password(BENCH_PASSWORD)?;
        users.push(name);
    }
    let mut settings = Vec::new();
    for name in ["fsync", "synchronous_commit", "shared_buffers"] {
        let row = client
            .query_one(&format!("SHOW {name}"), &[])
            .map_err(|e| pg_failure(name, &e))?;
        settings.push(format!("{name}={}", row.get::<_, String>(0)));
    }
    Ok((Target::Postgres { url, users }, settings.join(", ")))
}

/// Median and 95th percentile of `samples` (sorted in place), in milliseconds.
pub(super) fn percentiles(samples: &mut [f64]) -> (f64, f64) {
    if samples.is_empty() {
        return (0.0, 0.0);
    }
    samples.sort_by(f64::total_cmp);
    let p95 = (samples.len() * 95).div_ceil(100).max(1) - 1;
    (samples[samples.len() / 2], samples[p95])
}

fn timed(
    runs: usize,
    mut f: impl FnMut(usize) -> Result<(), Failure>,
) -> Result<Vec<f64>, Failure> {
    f(0)?; // warm: statements prepared, the first page of the index read
    let mut samples = Vec::with_capacity(runs);
    for i in 0..runs {
        let start = Instant::now();
        f(i + 1)?;
        samples.push(start.elapsed().as_secs_f64() * 1000.0);
    }
    Ok(samples)
}

/// The patient the `i`-th timing opens: spread over all of them.
fn some_patient(i: usize, people: i64) -> PersonId {
    PersonId((i as i64 * 7919) % people + 1)
}

fn time_queries(target: &Target, args: &BenchClinicArgs) -> Result<Vec<Timing>, Failure> {
    let mut cat = target.open(0)?;
    let people = args.people;
    let mut out = Vec::new();
    let mut add = |query, goal_ms, mut samples: Vec<f64>| {
        let (median_ms, p95_ms) = percentiles(&mut samples);
        out.push(Timing {
            backend: target.name(),
            query,
            runs: samples.len(),
            median_ms,
            p95_ms,
            goal_ms,
        });
    };
    let samples = timed(args.repeats, |i| {
        let person = some_patient(i, people);
        cat.grid_page(
            &PhotoFilter {
                person: Some(person),
                ..PhotoFilter::default()
            },
            SortOrder::NewestFirst,
        )?;
        for series in cat.series_of(person)? {
            cat.sessions_of(series.id)?;
        }
        Ok(())
    })?;
    add(
        "patient timeline (grid of the patient + series + sessions)",
        Some(10.0),
        samples,
    );
    let samples = timed(args.repeats, |_| {
        cat.grid_first_page(SortOrder::NewestFirst, PAGE)?;
        Ok(())
    })?;
    add(
        "all-photos grid, first page (200, newest first)",
        Some(50.0),
        samples,
    );
    let samples = timed((args.repeats / 40).max(3), |_| {
        cat.grid_page(&PhotoFilter::default(), SortOrder::NewestFirst)?;
        Ok(())
    })?;
    add(
        "all-photos grid, whole list (what the app reads today)",
        None,
        samples,
    );
    let samples = timed(args.repeats, |i| {
        cat.photo_details(PhotoId((i as i64 * 104_729) % args.photos + 1))?;
        Ok(())
    })?;
    add("photo details (inspector)", None, samples);
    Ok(out)
}

/// Photos every workstation edits: spread over the catalogue.
fn hot_photos(photos: i64) -> Vec<i64> {
    (0..HOT_PHOTOS.min(photos))
        .map(|k| k * (photos / HOT_PHOTOS.min(photos)) + 1)
        .collect()
}

fn run_mix(target: &Target, args: &BenchClinicArgs, program: &Path) -> Result<MixFigures, Failure> {
    let hot = hot_photos(args.photos);
    let hot_list: Vec<String> = hot.iter().map(ToString::to_string).collect();
    let mut children = Vec::new();
    for i in 0..args.workers {
        let mut cmd = Command::new(program);
        cmd.args(["bench", "clinic-worker", "--index", &i.to_string()])
            .args(["--seconds", &args.seconds.to_string()])
            .args(["--people", &args.people.to_string()])
            .args(["--photos", &args.photos.to_string()])
            .args(["--hot", &hot_list.join(",")])
            .stdin(Stdio::null())
            .stdout(Stdio::piped());
        match target {
            Target::Sqlite(path) => {
                cmd.arg("--sqlite").arg(path);
            }
            Target::Postgres { url, users } => {
                cmd.args(["--database", url, "--workstation-user", &users[i]])
                    .env("SKINLAPSE_PASSWORD", BENCH_PASSWORD);
            }
        }
        children.push(cmd.spawn().map_err(|e| {
            Failure::runtime(format!(
                "starting workstation {i} ({}): {e}",
                program.display()
            ))
        })?);
    }
    let mut reports = Vec::new();
    for (i, child) in children.into_iter().enumerate() {
        let out = child.wait_with_output().map_err(Failure::runtime)?;
        let text = String::from_utf8_lossy(&out.stdout);
        let report: WorkerReport = serde_json::from_str(text.trim()).map_err(|e| {
            Failure::runtime(format!(
                "workstation {i} ended ({}) without a report: {e}",
                out.status
            ))
        })?;
        reports.push(report);
    }
    check_mix(target, args, &hot, &reports)
}

fn check_mix(
    target: &Target,
    args: &BenchClinicArgs,
    hot: &[i64],
    reports: &[WorkerReport],
) -> Result<MixFigures, Failure> {
    let mut cat = target.open(0)?;
    let mut ops = Vec::new();
    let mut total = 0;
    for kind in KINDS {
        let mut samples: Vec<f64> = reports
            .iter()
            .filter_map(|r| r.latencies.get(kind))
            .flatten()
            .map(|&us| f64::from(us) / 1000.0)
            .collect();
        total += samples.len();
        let (median_ms, p95_ms) = percentiles(&mut samples);
        ops.push(OpFigures {
            kind,
            count: samples.len(),
            per_second: samples.len() as f64 / args.seconds,
            median_ms,
            p95_ms,
        });
    }
    // Lost updates: every saved edit added one to its photo's count.
    let mut lost_updates = 0;
    let mut edits_saved = 0;
    for &id in hot {
        let saved: u64 = reports.iter().filter_map(|r| r.edits.get(&id)).sum();
        edits_saved += saved;
        let counted = edit_count(&cat.photo(PhotoId(id))?.notes);
        lost_updates += saved.abs_diff(counted);
    }
    // Each card's photos exactly once: every card a workstation went through is there.
    let cards = reports.iter().map(|r| r.cards).max().unwrap_or(0);
    let mut missing_imports = 0;
    for card in 0..cards {
        for k in 0..CARD_PHOTOS {
            if cat.photo_by_hash(&import_hash(card, k))?.is_none() {
                missing_imports += 1;
            }
        }
    }
    let photos_imported: u64 = reports.iter().map(|r| r.imported).sum();
    // More imported than there are photos would be a photo imported twice.
    let expected = cards * CARD_PHOTOS as u64;
    missing_imports += expected.saturating_sub(photos_imported);
    let check = cat.bench_check()?;
    let duplicate_photos =
        check.duplicate_hashes + (photos_imported.saturating_sub(expected)) as i64;
    Ok(MixFigures {
        backend: target.name(),
        workers: args.workers,
        seconds: args.seconds,
        ops,
        total_per_second: total as f64 / args.seconds,
        conflicts_refused: reports.iter().map(|r| r.conflicts).sum(),
        busy_retries: reports.iter().map(|r| r.busy).sum(),
        photos_imported,
        imports_found_duplicate: reports.iter().map(|r| r.duplicates).sum(),
        imports_found_in_progress: reports.iter().map(|r| r.in_progress).sum(),
        edits_saved,
        lost_updates,
        duplicate_photos,
        missing_imports,
        open_claims: check.open_claims,
        errors: reports.iter().flat_map(|r| r.errors.clone()).collect(),
    })
}

fn print_summary(s: &Summary) {
    println!(
        "bench clinic: {} photos of {} patients (generated in {})",
        s.photos,
        s.people,
        s.generate_seconds
            .iter()
            .map(|(b, t)| format!("{t:.0} s on {b}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    println!(
        "SQLite: WAL, synchronous=FULL; PostgreSQL: {}",
        s.postgres_settings
    );
    println!(
        "\n{:<60} {:<11} {:>6} {:>10} {:>10} {:>8}",
        "query", "backend", "runs", "median ms", "p95 ms", "goal"
    );
    for t in &s.queries {
        println!(
            "{:<60} {:<11} {:>6} {:>10.2} {:>10.2} {:>8}",
            t.query,
            t.backend,
            t.runs,
            t.median_ms,
            t.p95_ms,
            t.goal_ms
                .map_or_else(|| "—".to_owned(), |g| format!("< {g}"))
        );
    }
    for m in &s.mix {
        println!(
            "\n{} workstations on {} for {} s: {:.1} operations/s",
            m.workers, m.backend, m.seconds, m.total_per_second
        );
        println!(
            "  {:<14} {:>8} {:>8} {:>10} {:>10}",
            "operation", "count", "per s", "median ms", "p95 ms"
        );
        for op in &m.ops {
            println!(
                "  {:<14} {:>8} {:>8.1} {:>10.2} {:>10.2}",
                op.kind, op.count, op.per_second, op.median_ms, op.p95_ms
            );
        }
        println!(
            "  edits saved {}, refused as conflicts and made again {}, transactions retried {}",
            m.edits_saved, m.conflicts_refused, m.busy_retries
        );
        println!(
            "  photos imported {} (found already imported {}, being imported elsewhere {})",
            m.photos_imported, m.imports_found_duplicate, m.imports_found_in_progress
        );
        println!(
            "  lost updates {}, duplicate photos {}, missing imports {}, open claims {}",
            m.lost_updates, m.duplicate_photos, m.missing_imports, m.open_claims
        );
        for e in &m.errors {
            println!("  error: {e}");
        }
    }
    println!(
        "\n{}",
        if s.ok {
            "all checks passed"
        } else {
            "CHECKS FAILED"
        }
    );
}

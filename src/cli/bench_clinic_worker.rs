//! One simulated workstation of `skinlapse bench clinic`: a process of its own (the bench
//! runs its own binary with the hidden `bench clinic-worker`), signed in to the shared
//! catalogue, doing the mix of views, tag edits and imports through the catalogue API the app
//! and the import job use, for a set time. It prints what it did as one JSON line.

use crate::catalogue::{
    Assignment, Catalogue, CatalogueError, Claim, NewPhoto, PhotoFilter, PhotoValue, SortOrder,
    TermChange, Versioned,
};
use crate::model::{ContentHash, PersonId, PhotoFormat, PhotoId, TakenAt, TermId, VocabKind};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// The kinds of operation, in the order reports list them.
pub const KINDS: [&str; 5] = [
    "timeline",
    "day grid",
    "photo details",
    "tag edit",
    "import",
];
/// Out of 100 operations, how many of each kind (same order).
const MIX: [u64; 5] = [30, 15, 25, 20, 10];
/// Photos in one imported card; every workstation imports the same cards.
pub const CARD_PHOTOS: usize = 4;
/// What a photo's notes say after `n` edits.
const NOTES_PREFIX: &str = "bench edits: ";

#[derive(Debug, clap::Args)]
pub struct WorkerArgs {
    /// The SQLite catalogue file (else --database).
    #[arg(long)]
    pub sqlite: Option<PathBuf>,
    /// The clinic database (`postgresql://HOST:PORT/DB`); the password in `SKINLAPSE_PASSWORD`.
    #[arg(long)]
    pub database: Option<String>,
    /// The clinician this workstation signs in as (not the global `--user`).
    #[arg(long, default_value = "")]
    pub workstation_user: String,
    #[arg(long)]
    pub index: u64,
    #[arg(long)]
    pub seconds: f64,
    #[arg(long)]
    pub people: i64,
    #[arg(long)]
    pub photos: i64,
    /// The photos every workstation edits (the lost-update check's counters).
    #[arg(long, value_delimiter = ',')]
    pub hot: Vec<i64>,
}

/// What one workstation did.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct WorkerReport {
    /// Latency of each operation in microseconds, by kind.
    pub latencies: BTreeMap<String, Vec<u32>>,
    /// Saved edits by photo id.
    pub edits: BTreeMap<i64, u64>,
    /// Edits refused because another workstation had changed the photo (then re-read and
    /// made again).
    pub conflicts: u64,
    /// Transactions that lost to another's and were run again.
    pub busy: u64,
    /// Photos this workstation imported; found already there; being imported by another.
    pub imported: u64,
    pub duplicates: u64,
    pub in_progress: u64,
    /// The cards this workstation went through (0..cards).
    pub cards: u64,
    pub errors: Vec<String>,
}

/// The content hash of photo `k` of imported card `card`.
pub fn import_hash(card: u64, k: usize) -> ContentHash {
    ContentHash::of(format!("skinlapse bench clinic card {card} photo {k}").as_bytes())
}

/// The patient card `card` is imported into.
pub fn card_patient(card: u64, people: i64) -> PersonId {
    PersonId((card as i64 * 7 + 3) % people + 1)
}

/// A small, fast, seeded random sequence (xorshift64*).
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) % n.max(1)
    }
}

fn open(args: &WorkerArgs) -> Result<Catalogue, String> {
    let mut cat = match (&args.sqlite, &args.database) {
        (Some(path), _) => Catalogue::open(path).map_err(|e| e.to_string())?,
        (None, Some(url)) => {
            let config: postgres::Config = url.parse().map_err(|e| format!("{url}: {e}"))?;
            let password = std::env::var("SKINLAPSE_PASSWORD").unwrap_or_default();
            Catalogue::open_clinic(&config, &args.workstation_user, &password)
                .map_err(|e| e.to_string())?
        }
        (None, None) => return Err("give --sqlite or --database".into()),
    };
    cat.set_busy_timeout(Duration::from_secs(10))
        .map_err(|e| e.to_string())?;
    Ok(cat)
}

/// Runs the mix for `args.seconds` and prints the report as one JSON line.
pub fn run(args: &WorkerArgs) -> std::process::ExitCode {
    let report = match open(args) {
        Ok(mut cat) => work(&mut cat, args),
        Err(e) => WorkerReport {
            errors: vec![format!("workstation {} could not open: {e}", args.index)],
            ..WorkerReport::default()
        },
    };
    println!(
        "{}",
        serde_json::to_string(&report).expect("a report serialises")
    );
    std::process::ExitCode::SUCCESS
}

fn work(cat: &mut Catalogue, args: &WorkerArgs) -> WorkerReport {
    let mut report = WorkerReport::default();
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ (args.index + 1).wrapping_mul(0x1234_5678_9ABC));
    let areas: Vec<TermId> = match cat.terms(VocabKind::Area) {
        Ok(terms) => terms.into_iter().map(|t| t.id).collect(),
        Err(e) => {
            report.errors.push(format!("reading the areas: {e}"));
            return report;
        }
    };
    let owner = format!("bench-workstation-{}-{}", args.index, std::process::id());
    let deadline = Instant::now() + Duration::from_secs_f64(args.seconds);
    while Instant::now() < deadline {
        let mut pick = rng.below(100);
        let kind = MIX
            .iter()
            .position(|&share| {
                let hit = pick < share;
                pick = pick.saturating_sub(share);
                hit
            })
            .unwrap_or(0);
        let start = Instant::now();
        let done = loop {
            let done = match kind {
                0 => timeline(cat, PersonId(rng.below(args.people as u64) as i64 + 1)),
                1 => day_grid(cat, &mut rng),
                2 => cat
                    .photo_details(PhotoId(rng.below(args.photos as u64) as i64 + 1))
                    .map(drop),
                3 => {
                    let photo = PhotoId(args.hot[rng.below(args.hot.len() as u64) as usize]);
                    let area = areas[rng.below(areas.len() as u64) as usize];
                    edit(cat, photo, area, &mut report)
                }
                _ => import_card(cat, args, &owner, &mut report),
            };
            // A transaction that lost to another workstation's is run again.
            if matches!(done, Err(CatalogueError::Busy)) {
                report.busy += 1;
                continue;
            }
            break done;
        };
        let micros = u32::try_from(start.elapsed().as_micros()).unwrap_or(u32::MAX);
        match done {
            Ok(()) => report
                .latencies
                .entry(KINDS[kind].to_owned())
                .or_default()
                .push(micros),
            Err(e) => report.errors.push(format!("{}: {e}", KINDS[kind])),
        }
        if report.errors.len() > 20 {
            break;
        }
    }
    report
}

/// What the app reads when a patient is chosen: their grid, series and sessions.
fn timeline(cat: &mut Catalogue, person: PersonId) -> Result<(), CatalogueError> {
    let filter = PhotoFilter {
        person: Some(person),
        ..PhotoFilter::default()
    };
    cat.grid_page(&filter, SortOrder::NewestFirst)?;
    for series in cat.series_of(person)? {
        cat.sessions_of(series.id)?;
    }
    Ok(())
}

/// The all-photos grid narrowed to one day (a day's clinic), as the date filter reads it.
fn day_grid(cat: &mut Catalogue, rng: &mut Rng) -> Result<(), CatalogueError> {
    let day = chrono::NaiveDate::from_ymd_opt(2019, 1, 7).expect("a date")
        + chrono::Days::new(rng.below(2400));
    let filter = PhotoFilter {
        from: Some(day),
        to: Some(day),
        ..PhotoFilter::default()
    };
    cat.grid_page(&filter, SortOrder::NewestFirst).map(drop)
}

/// Toggles `area` on `photo` and counts the edit in its notes, from what was read: refused
/// when another workstation saved first, then read again and made again.
fn edit(
    cat: &mut Catalogue,
    photo: PhotoId,
    area: TermId,
    report: &mut WorkerReport,
) -> Result<(), CatalogueError> {
    let row = Versioned::Photo(photo);
    loop {
        // The version first: what is read after it is at least as new.
        let seen = cat.row_stamp(row)?.version;
        let count = edit_count(&cat.photo(photo)?.notes);
        let change = if cat.photo_terms(photo, VocabKind::Area)?.contains(&area) {
            TermChange::Remove(area)
        } else {
            TermChange::Add(area)
        };
        let saved = cat.checked_edit(&[(row, seen)], |c| {
            c.change_term(&[photo], change)?;
            c.set_photos(
                &[photo],
                &PhotoValue::Notes(format!("{NOTES_PREFIX}{}", count + 1)),
            )
        });
        match saved {
            Ok(_) => {
                *report.edits.entry(photo.0).or_default() += 1;
                return Ok(());
            }
            Err(CatalogueError::Conflict { .. }) => report.conflicts += 1,
            Err(CatalogueError::Busy) => report.busy += 1,
            Err(e) => return Err(e),
        }
    }
}

/// The number an edited photo's notes carry.
pub fn edit_count(notes: &str) -> u64 {
    notes
        .strip_prefix(NOTES_PREFIX)
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

/// Imports the next card into its patient's latest session, as the import job does: claim
/// each photo's hash, then insert the photo and drop the claim in one transaction. Every
/// workstation goes through the same cards, so they race for the same photos.
fn import_card(
    cat: &mut Catalogue,
    args: &WorkerArgs,
    owner: &str,
    report: &mut WorkerReport,
) -> Result<(), CatalogueError> {
    let card = report.cards;
    let person = card_patient(card, args.people);
    let series = cat.series_of(person)?.into_iter().next();
    let session = match &series {
        Some(s) => cat.sessions_of(s.id)?.pop(),
        None => None,
    };
    let assignment = Assignment {
        person: Some(person),
        series: series.map(|s| s.id),
        session: session.as_ref().map(|s| s.id),
        ..Assignment::default()
    };
    let day = session.map_or_else(|| chrono::Local::now().date_naive(), |s| s.date);
    for k in 0..CARD_PHOTOS {
        let hash = import_hash(card, k);
        match cat.claim_import(&hash, owner, "jpg")? {
            Claim::Duplicate(_) => report.duplicates += 1,
            Claim::InProgress => report.in_progress += 1,
            Claim::Claimed => {
                let new = NewPhoto {
                    hash: hash.clone(),
                    format: PhotoFormat::Jpeg,
                    original_name: format!("CARD{card:05}_{k}.jpg"),
                    original_name_raw: None,
                    file_size: 3_500_000,
                    width: 4032,
                    height: 3024,
                    taken_at: TakenAt::exact(
                        day.and_hms_opt(10, k as u32, 0).expect("a time"),
                        chrono::FixedOffset::east_opt(3600),
                    ),
                    camera: Some("Bench camera".into()),
                    colour_profile: None,
                    warnings: Vec::new(),
                };
                let mut tries = 0;
                loop {
                    match cat.finish_import(&new, &assignment, owner, || {}) {
                        Ok(_) => break,
                        Err(CatalogueError::Busy) if tries < 20 => {
                            tries += 1;
                            report.busy += 1;
                        }
                        Err(e) => {
                            cat.release_claim(&hash, owner)?;
                            return Err(e);
                        }
                    }
                }
                report.imported += 1;
            }
        }
    }
    report.cards += 1;
    Ok(())
}

//! `skinlapse faces`: find faces on photos imported before faces were found at import, and
//! show what was found on one photo (pose, expression, suggested view, facial regions).

use super::{Failure, open_library};
use crate::jobs::faces::scan_faces;
use crate::model::face::{Face, HeadPose};
use crate::model::regions::facial_regions;
use crate::model::{Keyed, PhotoId, SeriesId, View};
use serde::Serialize;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::AtomicBool;

#[derive(Debug, clap::Subcommand)]
pub enum FacesCommand {
    /// Look for faces on every photo not looked at yet (progress on stderr; Ctrl+C keeps what
    /// was found, and the next scan resumes).
    Scan {
        /// One JSON object instead of text.
        #[arg(long)]
        json: bool,
    },
    /// The fairest before/after pair of a series for one view (pose, expression, light,
    /// sharpness, healing window, alignment), and why it beats the first and last photo.
    Fairest {
        /// The series, by id (`series list`).
        #[arg(long, value_name = "ID")]
        series: i64,
        /// The view: frontal, left-oblique, right-oblique, left-profile, right-profile, close-up.
        #[arg(long, default_value = "frontal", value_parser = view)]
        view: View,
        /// One JSON object instead of text.
        #[arg(long)]
        json: bool,
    },
    /// What was found on one photo: pose, expression, the view it suggests, facial regions.
    Show {
        /// The photo, by id as `skinlapse list` shows it.
        #[arg(long, value_name = "ID")]
        photo: i64,
        /// One JSON object instead of text.
        #[arg(long)]
        json: bool,
    },
}

/// `faces show --json`. Field names are a scripting interface: add, never rename.
#[derive(Debug, Serialize)]
struct FaceJson {
    photo: i64,
    /// `false` until the photo was looked at.
    scanned: bool,
    found: bool,
    score: Option<f64>,
    pose: Option<PoseJson>,
    mouth_open: Option<bool>,
    eyes_closed: Option<bool>,
    suggested_view: Option<&'static str>,
    /// Region name → polygon in normalised coordinates (origin at the centre, unit = long edge).
    regions: Vec<RegionJson>,
}

#[derive(Debug, Serialize)]
#[allow(clippy::struct_field_names)] // JSON names with their unit: an interface.
struct PoseJson {
    yaw_deg: f64,
    pitch_deg: f64,
    roll_deg: f64,
}

#[derive(Debug, Serialize)]
struct RegionJson {
    name: &'static str,
    polygon: Vec<[f64; 2]>,
}

#[derive(Debug, Serialize)]
struct ScanJson {
    scanned: usize,
    with_face: usize,
    failed: Vec<FailedJson>,
    cancelled: bool,
}

#[derive(Debug, Serialize)]
struct FailedJson {
    photo: i64,
    reason: String,
}

fn view(text: &str) -> Result<View, String> {
    crate::model::parse_keyed(text).map_err(|e| e.to_string())
}

/// `faces fairest --json`. Field names are a scripting interface: add, never rename.
#[derive(Debug, Serialize)]
struct FairestJson {
    series: i64,
    view: &'static str,
    before: Option<i64>,
    after: Option<i64>,
    reason: Option<String>,
    /// What still counts against the proposed pair.
    problems: Vec<String>,
}

fn fairest(
    library: Option<PathBuf>,
    series: i64,
    view: View,
    json: bool,
) -> Result<ExitCode, Failure> {
    let library = open_library(library)?;
    let found = crate::jobs::fairest::propose_fairest(&library, SeriesId(series), view)
        .map_err(Failure::from)?;
    if json {
        let out = FairestJson {
            series,
            view: view.key(),
            before: found.as_ref().map(|f| f.pair.before.0),
            after: found.as_ref().map(|f| f.pair.after.0),
            reason: found.as_ref().map(|f| f.reason.clone()),
            problems: found
                .as_ref()
                .map(|f| f.pair.problems.iter().map(|(_, t)| t.clone()).collect())
                .unwrap_or_default(),
        };
        println!("{}", serde_json::to_string(&out).map_err(Failure::runtime)?);
        return Ok(ExitCode::SUCCESS);
    }
    match found {
        None => println!("series {series} has fewer than two {} photos", view.key()),
        Some(f) => {
            println!(
                "before: photo {}, after: photo {}",
                f.pair.before, f.pair.after
            );
            println!("{}", f.reason);
            for (_, problem) in &f.pair.problems {
                println!("still: {problem}");
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub fn run(library: Option<PathBuf>, command: FacesCommand) -> Result<ExitCode, Failure> {
    match command {
        FacesCommand::Scan { json } => scan(library, json),
        FacesCommand::Fairest { series, view, json } => fairest(library, series, view, json),
        FacesCommand::Show { photo, json } => show(library, PhotoId(photo), json),
    }
}

fn scan(library: Option<PathBuf>, json: bool) -> Result<ExitCode, Failure> {
    let library = open_library(library)?;
    let cancel = AtomicBool::new(false);
    let mut stderr = std::io::stderr();
    let summary = scan_faces(&library, &cancel, &mut |done, total| {
        if total > 0 {
            let _ = write!(stderr, "\rfaces: {done}/{total}");
            if done == total {
                let _ = writeln!(stderr);
            }
        }
    })
    .map_err(Failure::runtime)?;
    if json {
        let out = ScanJson {
            scanned: summary.scanned,
            with_face: summary.with_face,
            failed: summary
                .failed
                .iter()
                .map(|(id, reason)| FailedJson {
                    photo: id.0,
                    reason: reason.clone(),
                })
                .collect(),
            cancelled: summary.cancelled,
        };
        println!("{}", serde_json::to_string(&out).map_err(Failure::runtime)?);
    } else {
        println!(
            "looked at {} photos: {} with a face, {} without",
            summary.scanned,
            summary.with_face,
            summary.scanned - summary.with_face
        );
        for (id, reason) in &summary.failed {
            println!("photo {id}: {reason}");
        }
    }
    Ok(if summary.failed.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn pose_text(p: &HeadPose) -> String {
    format!(
        "yaw {:+.0}°, pitch {:+.0}°, roll {:+.0}°",
        p.yaw, p.pitch, p.roll
    )
}

fn show(library: Option<PathBuf>, photo: PhotoId, json: bool) -> Result<ExitCode, Failure> {
    let library = open_library(library)?;
    let mut cat = library.catalogue()?;
    // Refuse an unknown photo with the usual message.
    cat.photo(photo)?;
    let record = cat.face(photo)?;
    let face: Option<&Face> = record.as_ref().and_then(|r| r.face.as_ref());
    let suggested = record.as_ref().and_then(|r| r.suggested_view);
    if json {
        let out = FaceJson {
            photo: photo.0,
            scanned: record.is_some(),
            found: face.is_some(),
            score: face.map(|f| f.score),
            pose: face.map(|f| {
                let p = f.pose();
                PoseJson {
                    yaw_deg: p.yaw,
                    pitch_deg: p.pitch,
                    roll_deg: p.roll,
                }
            }),
            mouth_open: face.map(|f| f.expression().mouth_is_open()),
            eyes_closed: face.map(|f| f.expression().eyes_closed()),
            suggested_view: suggested.map(Keyed::key),
            regions: face
                .map(|f| {
                    facial_regions(&f.landmarks)
                        .into_iter()
                        .map(|(region, polygon)| RegionJson {
                            name: region.name(),
                            polygon,
                        })
                        .collect()
                })
                .unwrap_or_default(),
        };
        println!("{}", serde_json::to_string(&out).map_err(Failure::runtime)?);
        return Ok(ExitCode::SUCCESS);
    }
    match (&record, face) {
        (None, _) => println!("photo {photo}: not looked at yet (run `skinlapse faces scan`)"),
        (Some(_), None) => println!("photo {photo}: no face"),
        (Some(_), Some(f)) => {
            let e = f.expression();
            println!("photo {photo}: a face (score {:.2})", f.score);
            println!("pose: {}", pose_text(&f.pose()));
            println!(
                "mouth {}, eyes {}",
                if e.mouth_is_open() { "open" } else { "closed" },
                if e.eyes_closed() { "closed" } else { "open" }
            );
            if let Some(view) = suggested {
                println!("suggested view: {} ({})", view.label(), view.key());
            }
            let names: Vec<&str> = facial_regions(&f.landmarks)
                .iter()
                .map(|(r, _)| r.name())
                .collect();
            println!("regions: {}", names.join(", "));
        }
    }
    Ok(ExitCode::SUCCESS)
}

//! `skinlapse measure` and `skinlapse card`: colour and tone in a region of a photo, and
//! reference-card corrections.

use super::{Failure, open_library};
use crate::jobs::measure::{
    MeasureError, PhotoMeasurement, Target, correct_with_card, measure_photo,
};
use crate::model::Keyed;
use crate::model::card::CardKind;
use crate::model::measure::SpotThreshold;
use crate::model::{PhotoId, RegionId};
use serde_json::json;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
#[command(group(clap::ArgGroup::new("target").required(true).args(["rect", "region", "saved"])))]
pub struct MeasureArgs {
    /// The photo, by id as `skinlapse list` shows it.
    #[arg(long, value_name = "ID")]
    pub photo: i64,
    /// A rectangle in pixels of the photo as oriented: left, top, width, height.
    #[arg(long, value_name = "X,Y,W,H", value_parser = parse_rect)]
    pub rect: Option<[u32; 4]>,
    /// A facial region: forehead, glabella, periorbital-left, periorbital-right, nose,
    /// left-cheek, right-cheek, perioral, chin, jawline (needs the photo's face landmarks).
    #[arg(long, value_name = "NAME")]
    pub region: Option<String>,
    /// A stored region (its `region_id`), drawn on this photo or on one it is aligned with:
    /// measured where the skin it covers is in this photo, and the measurement stored.
    #[arg(long, value_name = "REGION_ID")]
    pub saved: Option<i64>,
    /// Store the region under this name with the measurement (charted on the series page
    /// and exported in the series CSV).
    #[arg(long, value_name = "NAME")]
    pub save: Option<String>,
    /// Print one JSON object instead of text.
    #[arg(long)]
    pub json: bool,
}

fn parse_rect(text: &str) -> Result<[u32; 4], String> {
    let parts: Vec<&str> = text.split(',').map(str::trim).collect();
    let numbers: Result<Vec<u32>, _> = parts.iter().map(|p| p.parse::<u32>()).collect();
    match numbers {
        Ok(n) if n.len() == 4 => Ok([n[0], n[1], n[2], n[3]]),
        _ => Err(format!(
            "{text:?} is not four whole numbers of pixels X,Y,W,H (e.g. 120,340,200,150)"
        )),
    }
}

#[derive(Debug, clap::Args)]
pub struct CardArgs {
    /// The photo with the card in it.
    #[arg(long, value_name = "ID")]
    pub photo: i64,
    /// The card: grey (an 18 % grey card) or colorchecker-24 (`ColorChecker` Classic).
    #[arg(long, value_parser = card_kind, required_unless_present = "remove")]
    pub kind: Option<CardKind>,
    /// The corners of the card's patch area in pixels of the photo as oriented: top left,
    /// top right, bottom right, bottom left (a `ColorChecker`'s dark-skin patch top left).
    #[arg(long, value_name = "X1,Y1,X2,Y2,X3,Y3,X4,Y4", value_parser = parse_corners,
          required_unless_present = "remove")]
    pub corners: Option<[[f64; 2]; 4]>,
    /// Remove the photo's card correction instead.
    #[arg(long, conflicts_with_all = ["kind", "corners"])]
    pub remove: bool,
    /// Print one JSON object instead of text.
    #[arg(long)]
    pub json: bool,
}

fn card_kind(text: &str) -> Result<CardKind, String> {
    crate::model::parse_keyed(text).map_err(|e| e.to_string())
}

fn parse_corners(text: &str) -> Result<[[f64; 2]; 4], String> {
    let n: Result<Vec<f64>, _> = text.split(',').map(|p| p.trim().parse::<f64>()).collect();
    match n {
        Ok(n) if n.len() == 8 && n.iter().all(|v| v.is_finite()) => {
            Ok([[n[0], n[1]], [n[2], n[3]], [n[4], n[5]], [n[6], n[7]]])
        }
        _ => Err(format!(
            "{text:?} is not eight numbers X1,Y1,…,X4,Y4 (pixels of the four corners)"
        )),
    }
}

impl From<MeasureError> for Failure {
    fn from(e: MeasureError) -> Self {
        match e {
            MeasureError::Catalogue(c) => Failure::from(c),
            MeasureError::RectOutside { .. }
            | MeasureError::NotAligned { .. }
            | MeasureError::UnknownFacialRegion(_)
            | MeasureError::Card { .. }
            | MeasureError::Region { .. } => Self::usage(e.to_string()),
            other => Self::runtime(other),
        }
    }
}

/// The measurement as the `--json` object.
pub fn measurement_json(m: &PhotoMeasurement, region: &str) -> serde_json::Value {
    let r = &m.measurement.region;
    let mut out = json!({
        "photo": m.photo.0,
        "region": region,
        "lab": r.lab,
        "lab_sd": r.lab_sd,
        "ita_deg": r.ita_deg,
        "ita_category": r.ita_category().key(),
        "erythema_index": r.erythema_index,
        "melanin_index": r.melanin_index,
        "pixels": r.pixels,
        "corrected": m.measurement.corrected,
        "method_version": m.measurement.method_version,
        "region_id": m.region.map(|r| r.0),
    });
    if let Some(card) = &m.card {
        out["card"] = json!({
            "kind": card.kind.key(),
            "mean_residual_de2000": card.mean_residual(),
            "max_residual_de2000": card.max_residual(),
        });
    }
    if let Some(c) = &m.measurement.contrast {
        out["surround_lab"] = json!(c.surround.lab);
        out["delta_e2000"] = json!(c.delta_e2000);
        out["darker_share"] = json!(c.darker_share);
        out["redder_share"] = json!(c.redder_share);
    }
    out
}

pub fn run_measure(library: Option<PathBuf>, args: &MeasureArgs) -> Result<ExitCode, Failure> {
    let (target, name) = match (&args.rect, &args.region) {
        _ if args.saved.is_some() => {
            let id = args.saved.unwrap_or_default();
            (Target::Stored(RegionId(id)), format!("region {id}"))
        }
        (Some([x, y, w, h]), _) => (
            Target::Rect {
                x: *x,
                y: *y,
                w: *w,
                h: *h,
            },
            format!("rect {x},{y},{w},{h}"),
        ),
        (None, Some(region)) => {
            let key = crate::model::measure::facial_region_key(region)
                .ok_or_else(|| MeasureError::UnknownFacialRegion(region.clone()))?;
            (Target::Facial(key.to_owned()), key.to_owned())
        }
        (None, None) => {
            return Err(Failure::usage(
                "give --rect X,Y,W,H, --region NAME or --saved REGION_ID",
            ));
        }
    };
    let library = open_library(library)?;
    let m = measure_photo(
        &library,
        PhotoId(args.photo),
        &target,
        SpotThreshold::default(),
        args.save.as_deref(),
    )?;
    if args.json {
        println!("{}", measurement_json(&m, &name));
        return Ok(ExitCode::SUCCESS);
    }
    let r = &m.measurement.region;
    println!("photo {} · {name} · {} pixels", m.photo, r.pixels);
    println!(
        "L*a*b* {:.2} {:.2} {:.2} (sd {:.2} {:.2} {:.2})",
        r.lab[0], r.lab[1], r.lab[2], r.lab_sd[0], r.lab_sd[1], r.lab_sd[2]
    );
    println!(
        "ITA° {:.1} ({}, {})",
        r.ita_deg,
        r.ita_category().label().to_lowercase(),
        r.ita_category().band()
    );
    println!(
        "erythema index {:.1} · melanin index {:.1}",
        r.erythema_index, r.melanin_index
    );
    match &m.card {
        Some(card) => println!(
            "corrected with a {} (residual ΔE2000 mean {:.2}, max {:.2})",
            card.kind.label().to_lowercase(),
            card.mean_residual(),
            card.max_residual()
        ),
        None => println!(
            "not corrected: no reference card marked on this photo (colours as the camera recorded them)"
        ),
    }
    if let Some(id) = m.region {
        println!("saved as region {id}");
    }
    Ok(ExitCode::SUCCESS)
}

pub fn run_card(library: Option<PathBuf>, args: &CardArgs) -> Result<ExitCode, Failure> {
    let library = open_library(library)?;
    let photo = PhotoId(args.photo);
    if args.remove {
        let removed = library.catalogue()?.delete_card_correction(photo)?;
        println!(
            "{}",
            if removed {
                format!("removed the card correction of photo {photo}")
            } else {
                format!("photo {photo} had no card correction")
            }
        );
        return Ok(ExitCode::SUCCESS);
    }
    let (Some(kind), Some(corners)) = (args.kind, args.corners) else {
        return Err(Failure::usage("give --kind and --corners, or --remove"));
    };
    let fit = correct_with_card(&library, photo, kind, corners)?;
    if args.json {
        let patches: Vec<_> = fit
            .patches
            .iter()
            .map(|p| json!({"name": p.name, "residual_de2000": p.residual}))
            .collect();
        println!(
            "{}",
            json!({
                "photo": photo.0,
                "kind": kind.key(),
                "matrix": fit.matrix,
                "turned": fit.turned,
                "mean_residual_de2000": fit.mean_residual(),
                "max_residual_de2000": fit.max_residual(),
                "patches": patches,
            })
        );
        return Ok(ExitCode::SUCCESS);
    }
    println!(
        "photo {photo}: {} fitted, residual ΔE2000 mean {:.2}, max {:.2}",
        kind.label(),
        fit.mean_residual(),
        fit.max_residual()
    );
    if fit.turned > 0 {
        println!(
            "note: the corners were marked {} quarter turn(s) off; the chart's own orientation was used",
            fit.turned
        );
    }
    for p in &fit.patches {
        println!("  {:<14} ΔE2000 {:.2}", p.name, p.residual);
    }
    Ok(ExitCode::SUCCESS)
}

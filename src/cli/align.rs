//! `skinlapse align`: how a pair is aligned (or aligning it automatically), with the pair's
//! findings.

use super::{Failure, open_library};
use crate::catalogue::CatalogueError;
use crate::imaging::align::align;
use crate::imaging::derive::PREVIEW_EDGE;
use crate::jobs::export::{all_findings, load_pixels};
use crate::model::{Keyed, PhotoId, Severity, Similarity};
use serde::Serialize;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct AlignArgs {
    /// The earlier photo (A), by id as `skinlapse list` shows it.
    #[arg(long, value_name = "ID")]
    pub before: i64,
    /// The later photo (B), aligned onto A.
    #[arg(long, value_name = "ID")]
    pub after: i64,
    /// Align automatically from the pixels and store the result when it is trusted
    /// (exit status 1 when it is declined).
    #[arg(long)]
    pub auto: bool,
    /// One JSON object instead of text.
    #[arg(long)]
    pub json: bool,
}

/// The JSON form. Field names are a scripting interface: add, never rename.
#[derive(Debug, Serialize)]
struct AlignJson {
    before: i64,
    after: i64,
    aligned: bool,
    method: Option<&'static str>,
    confidence: Option<f64>,
    declined: Option<String>,
    /// Face alignment: the expected error at the face, in pixels of a 2048-pixel preview.
    expected_error_px: Option<f64>,
    /// Face-aware only: distance between the two faces' identity descriptors (≤ 0.6: the
    /// same person).
    identity_distance: Option<f64>,
    transform: TransformJson,
    findings: Vec<FindingJson>,
}

#[derive(Debug, Serialize)]
struct TransformJson {
    scale: f64,
    rotation_deg: f64,
    /// Shift in long edges of A.
    tx: f64,
    ty: f64,
}

#[derive(Debug, Serialize)]
struct FindingJson {
    severity: &'static str,
    text: String,
}

fn not_found(e: CatalogueError) -> Failure {
    match e {
        CatalogueError::NotFound { .. } | CatalogueError::Invalid { .. } => {
            Failure::usage(e.to_string())
        }
        other => Failure::runtime(other),
    }
}

pub fn run(library: Option<PathBuf>, args: &AlignArgs) -> Result<ExitCode, Failure> {
    let library = open_library(library)?;
    let mut catalogue = library.catalogue()?;
    let (a, b) = (PhotoId(args.before), PhotoId(args.after));
    if a == b {
        return Err(Failure::usage("--before and --after are the same photo"));
    }
    let pair = catalogue.compare_pair(a, b).map_err(not_found)?;
    let pixels = |p| load_pixels(&library, p, PREVIEW_EDGE).map_err(Failure::runtime);
    let (pa, pb) = (pixels(&pair.a.photo)?, pixels(&pair.b.photo)?);
    let mut declined = None;
    let mut expected_error_px = None;
    let mut identity_distance = None;
    if args.auto {
        // Face-aware when both photos show a face, else from the whole frame.
        let found = align(&pa, &pb, pair.a.face.as_ref(), pair.b.face.as_ref());
        expected_error_px = found.expected_error_px;
        identity_distance = found.identity_distance;
        match &found.verdict {
            Ok(()) => {
                catalogue.save_alignment(
                    b,
                    a,
                    found.transform,
                    found.method,
                    Some(found.confidence),
                    None,
                )?;
            }
            Err(reason) => declined = Some(reason.clone()),
        }
    }
    let aligned = catalogue.pair_transform(a, b)?;
    let stored = catalogue.alignment(b)?;
    let (method, confidence) = match &stored {
        Some(al) if aligned.is_some() => (Some(al.method), al.confidence),
        _ => (None, None),
    };
    let transform = aligned.unwrap_or(Similarity::IDENTITY);
    let findings = all_findings(&pair, aligned.as_ref(), &pa, &pb);
    let severity = |s: Severity| match s {
        Severity::Warning => "warning",
        Severity::Note => "note",
    };
    if args.json {
        let json = AlignJson {
            before: a.0,
            after: b.0,
            aligned: aligned.is_some(),
            method: method.map(Keyed::key),
            confidence,
            declined: declined.clone(),
            expected_error_px,
            identity_distance,
            transform: TransformJson {
                scale: transform.scale,
                rotation_deg: transform.degrees(),
                tx: transform.tx,
                ty: transform.ty,
            },
            findings: findings
                .iter()
                .map(|f| FindingJson {
                    severity: severity(f.severity),
                    text: f.text.clone(),
                })
                .collect(),
        };
        println!(
            "{}",
            serde_json::to_string(&json).map_err(Failure::runtime)?
        );
    } else {
        if let Some(reason) = &declined {
            println!("auto-align declined: {reason}");
        }
        match aligned {
            Some(t) => println!(
                "aligned ({}{}): scale {:.4}, rotation {:+.3}°, shift ({:+.4}, {:+.4}) long edges",
                method.map_or("through a shared reference", Keyed::label),
                confidence.map_or(String::new(), |c| format!(", confidence {c:.2}"))
                    + &expected_error_px.map_or(String::new(), |e| format!(
                        ", expected error {e:.1} px at the face on a 2048-px preview"
                    )),
                t.scale,
                t.degrees(),
                t.tx,
                t.ty
            ),
            None => println!("not aligned"),
        }
        for f in &findings {
            println!("{}: {}", severity(f.severity), f.text);
        }
    }
    Ok(if declined.is_some() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

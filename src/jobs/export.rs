//! Exporting a comparison (side by side, or slider at a split) or a series contact sheet as
//! one labelled image at a chosen width, with no metadata in the file. Shared by the app (as
//! a background job) and the command line.

use crate::catalogue::CatalogueError;
use crate::imaging::compose::{
    ExportFormat, PairExport, PairLayout, SheetCell, compose_pair, compose_sheet, encode_export,
};
use crate::imaging::decode;
use crate::imaging::derive::{PREVIEW_EDGE, decode_upright};
use crate::library::{Library, LibraryError};
use crate::model::Keyed;
use crate::model::deidentify::{Deidentify, NameStyle, check_file_name, pseudonym, scrub};
use crate::model::face::FaceLandmarks;
use crate::model::{
    Finding, Photo, PhotoFormat, PhotoId, SeriesId, SeriesPhotos, Severity, Similarity,
};
use image::RgbImage;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

pub const DEFAULT_WIDTH: u32 = 2400;
pub const MIN_WIDTH: u32 = 200;
pub const MAX_WIDTH: u32 = 12_000;

/// What to export.
#[derive(Clone, Debug, PartialEq)]
pub enum ExportKind {
    /// Two photos, B seen through the pair's stored alignment.
    Pair {
        before: PhotoId,
        after: PhotoId,
        layout: PairLayout,
    },
    /// One photo per session of a series, lined up with `like` (by default the view with the
    /// most sessions).
    Sheet {
        series: SeriesId,
        like: Option<PhotoId>,
    },
}

#[derive(Clone, Debug, PartialEq)]
pub struct ExportRequest {
    pub kind: ExportKind,
    /// Width of the image in pixels.
    pub width: u32,
    /// A `.png`, `.jpg` or `.jpeg` file.
    pub out: PathBuf,
    /// What the export is for; in clinic mode the person must have consented to it.
    pub purpose: Option<crate::model::clinical::ConsentScope>,
    /// Eyes covered and the name replaced (by default for education and marketing in
    /// clinic mode).
    pub deidentify: Deidentify,
}

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("{0}: the file name must end in .png, .jpg or .jpeg")]
    Format(PathBuf),
    #[error("width: {0} pixels is outside {MIN_WIDTH}–{MAX_WIDTH}")]
    Width(u32),
    #[error(transparent)]
    Catalogue(#[from] CatalogueError),
    #[error(transparent)]
    Library(#[from] LibraryError),
    #[error(transparent)]
    Read(#[from] super::ReadError),
    #[error("series {0} has no photos to put on a contact sheet")]
    EmptySeries(SeriesId),
    #[error("{path}: could not write the export: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: {reason}")]
    NameInFileName { path: PathBuf, reason: String },
    #[error("export cancelled")]
    Cancelled,
}

/// What was written.
#[derive(Clone, Debug, PartialEq)]
pub struct ExportSummary {
    pub path: PathBuf,
    pub width: u32,
    pub height: u32,
    pub bytes: usize,
    /// The comparability findings written into the image.
    pub findings: Vec<Finding>,
}

/// Checks a request before any work: the format and the width.
pub fn check_request(request: &ExportRequest) -> Result<ExportFormat, ExportError> {
    if !(MIN_WIDTH..=MAX_WIDTH).contains(&request.width) {
        return Err(ExportError::Width(request.width));
    }
    ExportFormat::from_path(&request.out).ok_or_else(|| ExportError::Format(request.out.clone()))
}

/// The photo's pixels, upright, at least `edge` pixels on the long side when the original
/// has them: from the preview when that is enough, else from the original.
pub fn load_pixels(
    library: &Library,
    photo: &Photo,
    edge: u32,
) -> Result<RgbImage, super::ReadError> {
    let failed = |path: &Path, e: &dyn std::fmt::Display| super::ReadError {
        path: path.to_owned(),
        reason: e.to_string(),
    };
    if edge.min(photo.width.max(photo.height)) <= PREVIEW_EDGE {
        let preview = library.preview_path(&photo.hash);
        // Previews are stored upright; a missing one (cache cleared) falls back to the original.
        if let Ok(bytes) = library.read_file(&preview) {
            return decode(&bytes, PhotoFormat::Jpeg).map_err(|e| failed(&preview, &e));
        }
    }
    let path = library.original_path(&photo.hash, photo.format);
    let bytes = library.read_file(&path).map_err(|e| failed(&path, &e))?;
    decode_upright(&bytes, photo.format, edge.max(1)).map_err(|e| failed(&path, &e))
}

/// Writes an export where the user chose, atomically and leaving nothing behind after a
/// crash (see `library::Outside`).
pub fn write_export(library: &Library, out: &Path, bytes: &[u8]) -> Result<(), ExportError> {
    let io = |source| ExportError::Write {
        path: out.to_owned(),
        source,
    };
    let mut file = library.create_outside(out).map_err(|e| match e {
        LibraryError::Io { path, source } if path == out => ExportError::Write { path, source },
        e => e.into(),
    })?;
    std::io::Write::write_all(file.file(), bytes).map_err(io)?;
    crate::jobs::failpoint::failpoint("export_written");
    file.finish().map_err(io)
}

fn checkpoint(cancel: &AtomicBool) -> Result<(), ExportError> {
    super::checkpoint(cancel, ExportError::Cancelled)
}

/// The footer of an export: findings in plain words, then where it came from.
fn footer(findings: &[Finding], all_clear: &str) -> Vec<String> {
    let mut lines: Vec<String> = findings
        .iter()
        .map(|f| match f.severity {
            Severity::Warning => format!("Warning: {}", f.text),
            Severity::Note => format!("Note: {}", f.text),
        })
        .collect();
    if findings.is_empty() {
        lines.push(all_clear.to_owned());
    }
    lines.push(format!(
        "Exported from Skinlapse on {}. The file carries no camera, date or location metadata.",
        chrono::Local::now().format("%Y-%m-%d")
    ));
    lines
}

/// Renders and writes an export. `progress(fraction, step)` is called between steps;
/// `cancel` is checked between them. Nothing is written unless it all succeeds.
pub fn run_export(
    library: &Library,
    request: &ExportRequest,
    cancel: &AtomicBool,
    progress: &mut dyn FnMut(f32, &str),
) -> Result<ExportSummary, ExportError> {
    let format = check_request(request)?;
    let mut catalogue = library.catalogue()?;
    let (image, findings) = match &request.kind {
        ExportKind::Pair {
            before,
            after,
            layout,
        } => {
            progress(0.0, "Reading the photos");
            let pair = catalogue.compare_pair(*before, *after)?;
            let today = chrono::Local::now().date_naive();
            let mut people: Vec<_> = [pair.a.photo.person, pair.b.photo.person]
                .into_iter()
                .flatten()
                .collect();
            people.dedup();
            for person in people {
                catalogue.check_consent(person, request.purpose, today)?;
                let shown: Vec<PhotoId> = [&pair.a.photo, &pair.b.photo]
                    .into_iter()
                    .filter(|p| p.person == Some(person))
                    .map(|p| p.id)
                    .collect();
                catalogue.record_export(person, request.purpose, &shown)?;
            }
            let style = request
                .deidentify
                .resolve(catalogue.mode()?, request.purpose);
            let people = [&pair.a, &pair.b].map(|p| (p.photo.person, p.person_name.clone()));
            let names = style.map(|s| names_for(&people, s));
            if let Some(names) = &names {
                check_out_name(&request.out, names)?;
            }
            let aligned = catalogue.pair_transform(*before, *after)?;
            let transform = &aligned.unwrap_or(Similarity::IDENTITY);
            let panel_w = match layout {
                PairLayout::SideBySide => request.width / 2,
                PairLayout::Slider(_) => request.width,
            };
            let aspect = f64::from(pair.a.photo.height) / f64::from(pair.a.photo.width);
            let edge = (f64::from(panel_w) * aspect.max(1.0)).ceil() as u32;
            let mut a = load_pixels(library, &pair.a.photo, edge)?;
            checkpoint(cancel)?;
            progress(0.3, "Reading the photos");
            let b_edge = (f64::from(edge) * transform.scale.max(0.05)).ceil() as u32;
            let mut b = load_pixels(library, &pair.b.photo, b_edge)?;
            checkpoint(cancel)?;
            progress(0.6, "Composing");
            let mut findings = all_findings(&pair, aligned.as_ref(), &a, &b);
            let mut title = pair.title();
            if let Some(names) = &names {
                title = scrub_names(&title, names);
                findings.extend(cover_faces(&mut [
                    ("A", &mut a, pair.a.face.as_ref()),
                    ("B", &mut b, pair.b.face.as_ref()),
                ]));
            }
            let image = compose_pair(&PairExport {
                a: &a,
                b: &b,
                transform: *transform,
                a_label: pair.label_lines(crate::model::Side::A),
                b_label: pair.label_lines(crate::model::Side::B),
                title,
                footer: footer(
                    &findings,
                    &format!(
                        "No comparability problems found: {}.",
                        crate::model::compare::comparable_text()
                    ),
                ),
                layout: *layout,
                width: request.width,
            });
            (image, findings)
        }
        ExportKind::Sheet { series, like } => {
            progress(0.0, "Reading the series");
            let series = catalogue.series_photos(*series)?;
            catalogue.check_consent(
                series.series.person,
                request.purpose,
                chrono::Local::now().date_naive(),
            )?;
            let style = request
                .deidentify
                .resolve(catalogue.mode()?, request.purpose);
            let names = style.map(|s| {
                names_for(
                    &[(Some(series.series.person), Some(series.person_name.clone()))],
                    s,
                )
            });
            if let Some(names) = &names {
                check_out_name(&request.out, names)?;
            }
            let line =
                sheet_photos(&series, *like).ok_or(ExportError::EmptySeries(series.series.id))?;
            catalogue.record_export(series.series.person, request.purpose, &line)?;
            let mut uncovered = Vec::new();
            let columns = crate::imaging::compose::sheet_columns(line.len()) as u32;
            let edge = request.width / columns;
            let mut cells: Vec<SheetCell> = Vec::new();
            for (i, id) in line.iter().enumerate() {
                checkpoint(cancel)?;
                progress(0.9 * i as f32 / line.len() as f32, "Reading the photos");
                let compared = series
                    .photo(*id)
                    .expect("timeline photos are in the series");
                let photo = &compared.photo;
                let aligned = match cells.first() {
                    Some(_) => catalogue.pair_transform(line[0], *id)?,
                    None => None,
                };
                let mut image = load_pixels(library, photo, edge)?;
                if names.is_some() {
                    let date = compared.date().format("%Y-%m-%d").to_string();
                    uncovered.extend(cover_faces(&mut [(
                        date.as_str(),
                        &mut image,
                        compared.face.as_ref(),
                    )]));
                }
                // Aligned photos are shown in the first photo's frame, like a comparison.
                if let (Some(t), Some(first)) = (aligned, cells.first()) {
                    image = crate::imaging::compose::warp_into(
                        &image,
                        &t,
                        first.image.width(),
                        first.image.height(),
                        None,
                    );
                }
                cells.push(SheetCell {
                    image,
                    label: series.label(photo).lines(),
                });
            }
            let mut findings = sheet_findings(&series, &line);
            findings.extend(uncovered);
            let first = &series.photo(line[0]).expect("in the series").photo;
            let mut title = format!(
                "{} · {} · {} · contact sheet",
                series.person_name,
                series.series.title,
                first.view.map_or("view not recorded", Keyed::label)
            );
            if let Some(names) = &names {
                title = scrub_names(&title, names);
            }
            (
                compose_sheet(
                    &title,
                    &cells,
                    &footer(&findings, &crate::model::compare::sheet_clear_text()),
                    request.width,
                ),
                findings,
            )
        }
    };
    checkpoint(cancel)?;
    progress(0.9, "Writing");
    let bytes = encode_export(&image, format);
    write_export(library, &request.out, &bytes)?;
    progress(1.0, "Done");
    Ok(ExportSummary {
        path: request.out.clone(),
        width: image.width(),
        height: image.height(),
        bytes: bytes.len(),
        findings,
    })
}

/// Each person's name with what replaces it in a de-identified export.
fn names_for(
    people: &[(Option<crate::model::PersonId>, Option<String>)],
    style: NameStyle,
) -> Vec<(String, String)> {
    people
        .iter()
        .filter_map(|(id, name)| Some((name.clone()?, pseudonym(name.as_deref()?, (*id)?, style))))
        .collect()
}

fn scrub_names(text: &str, names: &[(String, String)]) -> String {
    names
        .iter()
        .fold(text.to_owned(), |t, (name, alias)| scrub(&t, name, alias))
}

/// A de-identified export's file name must not name the person.
fn check_out_name(out: &Path, names: &[(String, String)]) -> Result<(), ExportError> {
    let file_name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    for (name, _) in names {
        check_file_name(&file_name, name).map_err(|reason| ExportError::NameInFileName {
            path: out.to_owned(),
            reason,
        })?;
    }
    Ok(())
}

/// Covers the eyes on each photo that has a face; a warning for each that has none (a face
/// the finder missed would show).
fn cover_faces(photos: &mut [(&str, &mut RgbImage, Option<&FaceLandmarks>)]) -> Vec<Finding> {
    let mut out = Vec::new();
    for (name, image, face) in photos.iter_mut() {
        match face {
            Some(face) => crate::imaging::deidentify::cover_eyes(image, face),
            None => out.push(Finding::warning(format!(
                "De-identified, but no face was found on {name}, so nothing was covered on it: check that it shows no one recognisable."
            ))),
        }
    }
    out
}

/// The photos a contact sheet shows: the timeline of `like`, else the longest one, else
/// every photo of the series; `None` when it has none.
pub fn sheet_photos(series: &SeriesPhotos, like: Option<PhotoId>) -> Option<Vec<PhotoId>> {
    let reference = like
        .and_then(|id| series.photo(id))
        .or_else(|| {
            series
                .baseline_and_latest()
                .and_then(|(first, _)| series.photo(first))
        })
        .or_else(|| series.photos.first())?;
    Some(series.timeline(reference))
}

/// Everything known about a pair: its labels, its alignment and what its pixels say.
pub fn all_findings(
    pair: &crate::model::Pair,
    aligned: Option<&Similarity>,
    a: &RgbImage,
    b: &RgbImage,
) -> Vec<Finding> {
    let transform = aligned.copied().unwrap_or(Similarity::IDENTITY);
    let mut findings = pair.findings();
    findings.extend(crate::model::compare::alignment_findings(aligned));
    findings.extend(crate::imaging::quality::pair_quality(a, b, &transform).findings());
    findings.sort_by_key(|f| std::cmp::Reverse(f.severity));
    findings
}

/// Photos on a sheet taken while the skin was still healing from a treatment.
fn sheet_findings(series: &SeriesPhotos, line: &[PhotoId]) -> Vec<Finding> {
    line.iter()
        .filter_map(|id| series.photo(*id))
        .filter_map(|p| {
            let (n, session, days) = series.last_treatment_before(&p.photo)?;
            (days < crate::model::compare::HEALING_DAYS).then(|| Finding {
                severity: Severity::Warning,
                text: format!(
                    "The photo of {} was taken {days} days after treatment session {n} ({}): swelling and redness can show.",
                    p.date().format("%Y-%m-%d"),
                    session.date.format("%Y-%m-%d")
                ),
            })
        })
        .collect()
}

//! The PDF report of a treatment series, for the patient file and for the patient: the
//! clinic, the patient (or initials and case number when de-identified), the plan, sessions
//! with device settings, grades and side effects, grade and measurement charts, for each
//! view the baseline and the latest photo side by side (aligned) with the pair's findings as
//! footnotes, the series contact sheet, and on every page whether the originals shown are
//! unaltered since import. Shared by the app (background job) and the command line.

pub mod chart;
pub mod layout;
pub mod pdf;
mod photos;

use crate::catalogue::{Catalogue, CatalogueError, GradeRow, SideEffectRow};
use crate::library::{Library, LibraryError, write_file_atomic};
use crate::model::clinical::ConsentScope;
use crate::model::measure::MeasurementRow;
use crate::model::{Keyed, Person, PhotoId, SeriesId, SeriesPhotos};
use chart::{Line, chart};
use layout::{GREY, INK, Layout, Op, Paper, WARNING};
pub use photos::mask_eyes;
use photos::{Shown, contact_sheet, pair_pages, verify_shown};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

/// Photos are embedded at this resolution at their printed size, unless the source has
/// fewer pixels (never upscaled). Above the 200 dpi a clinical print needs.
pub const PRINT_DPI: f32 = 300.0;
/// JPEG quality of embedded photos.
const JPEG_QUALITY: u8 = 90;

/// What to report.
#[derive(Clone, Debug, PartialEq)]
pub struct ReportRequest {
    pub series: SeriesId,
    /// What the report is for; in clinic mode the person must have consented to it.
    pub purpose: Option<ConsentScope>,
    /// Initials and a case number instead of the name, no birth year, and the eyes covered on
    /// every photo with a face.
    pub deidentify: bool,
    pub paper: Paper,
    /// A `.pdf` file.
    pub out: PathBuf,
}

#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error("{0}: the file name must end in .pdf")]
    Extension(PathBuf),
    #[error(transparent)]
    Catalogue(#[from] CatalogueError),
    #[error(transparent)]
    Library(#[from] LibraryError),
    #[error(transparent)]
    Read(#[from] super::ReadError),
    #[error("the PDF could not be made: {0}")]
    Pdf(String),
    #[error("{path}: could not write the report: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("report cancelled")]
    Cancelled,
}

/// What was written.
#[derive(Clone, Debug, PartialEq)]
pub struct ReportSummary {
    pub path: PathBuf,
    pub pages: usize,
    pub bytes: usize,
    /// Photos embedded and the bytes of their JPEGs.
    pub images: usize,
    pub image_bytes: usize,
    /// Originals shown that match their import hash, and those that do not.
    pub verified: usize,
    pub altered: Vec<PhotoId>,
    /// Said when de-identified photos could not be masked.
    pub notes: Vec<String>,
}

/// "A. M." from "Alex Moreau".
pub fn initials(name: &str) -> String {
    name.split_whitespace()
        .filter_map(|w| w.chars().next())
        .filter(|c| c.is_alphanumeric())
        .map(|c| format!("{}.", c.to_uppercase()))
        .collect::<Vec<_>>()
        .join(" ")
}

fn checkpoint(cancel: &AtomicBool) -> Result<(), ReportError> {
    super::checkpoint(cancel, ReportError::Cancelled)
}

/// Everything the report shows, read before laying out.
struct Material {
    series: SeriesPhotos,
    person: Person,
    areas: Vec<String>,
    concerns: Vec<String>,
    grades: Vec<GradeRow>,
    effects: Vec<SideEffectRow>,
    measurements: Vec<MeasurementRow>,
    clinic: Option<String>,
    logo: Option<Vec<u8>>,
}

fn read_material(cat: &mut Catalogue, request: &ReportRequest) -> Result<Material, ReportError> {
    let series = cat.series_photos(request.series)?;
    cat.check_consent(
        series.series.person,
        request.purpose,
        chrono::Local::now().date_naive(),
    )?;
    let person = cat.person(series.series.person)?;
    let terms = cat.series_terms(request.series)?;
    let mut areas = Vec::new();
    let mut concerns = Vec::new();
    for kind in [
        crate::model::VocabKind::Area,
        crate::model::VocabKind::Concern,
    ] {
        for term in cat.terms(kind)? {
            if terms.contains(&term.id) {
                match kind {
                    crate::model::VocabKind::Area => areas.push(term.name),
                    crate::model::VocabKind::Concern => concerns.push(term.name),
                }
            }
        }
    }
    Ok(Material {
        grades: cat.grades_of_series(request.series)?,
        effects: cat.side_effects_of_series(request.series)?,
        measurements: cat.measurements_of_series(request.series)?,
        clinic: cat.setting(crate::catalogue::CLINIC_NAME)?,
        logo: cat.clinic_logo()?,
        series,
        person,
        areas,
        concerns,
    })
}

fn header(layout: &mut Layout, m: &Material, request: &ReportRequest) {
    let top = layout.y;
    let mut x = layout.left();
    if let Some(png) = m.logo.as_deref().and_then(logo_png) {
        let (bytes, w, h) = png;
        let height = 40.0;
        let width = height * w as f32 / h.max(1) as f32;
        layout.push(Op::Png {
            x,
            y: top,
            w: width.min(160.0),
            h: height,
            bytes: Arc::new(bytes),
        });
        x += width.min(160.0) + 12.0;
    }
    let clinic = m.clinic.clone().unwrap_or_default();
    layout.push(Op::Text {
        x,
        y: top + 16.0,
        size: 14.0,
        text: if clinic.is_empty() {
            "Skinlapse".to_owned()
        } else {
            clinic
        },
        colour: INK,
    });
    layout.push(Op::Text {
        x,
        y: top + 33.0,
        size: 10.0,
        text: format!("Treatment series report · {}", m.series.series.title),
        colour: GREY,
    });
    layout.y = top + 50.0;
    let patient = if request.deidentify {
        format!("{} (case {})", initials(&m.person.name), m.person.id)
    } else {
        m.person.name.clone()
    };
    let mut rows = vec![("Patient", patient)];
    if !request.deidentify
        && let Some(y) = m.person.birth_year
    {
        rows.push(("Born", y.to_string()));
    }
    if let Some(t) = m.person.fitzpatrick {
        rows.push((
            "Skin type",
            format!(
                "Fitzpatrick {}",
                ["I", "II", "III", "IV", "V", "VI"][(t.clamp(1, 6) - 1) as usize]
            ),
        ));
    }
    if let Some(p) = request.purpose {
        rows.push(("Purpose", p.label().to_owned()));
    }
    layout.fields(&rows, 9.5);
}

/// The logo as PNG bytes with its size (decoded and re-encoded: no metadata carried over).
fn logo_png(bytes: &[u8]) -> Option<(Vec<u8>, u32, u32)> {
    let image = image::load_from_memory(bytes).ok()?.to_rgba8();
    let mut out = Vec::new();
    image
        .write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
        .ok()?;
    Some((out, image.width(), image.height()))
}

fn plan(layout: &mut Layout, m: &Material) {
    let s = &m.series.series;
    layout.heading("Series plan", 60.0);
    let next = crate::model::clinical::next_due(s, &m.series.sessions);
    layout.fields(
        &[
            ("Series", s.title.clone()),
            ("Areas", m.areas.join(", ")),
            ("Concerns", m.concerns.join(", ")),
            ("Status", s.status.label().to_owned()),
            (
                "Planned",
                s.planned_sessions
                    .map(|n| format!("{n} sessions"))
                    .unwrap_or_default(),
            ),
            (
                "Interval",
                s.interval_days
                    .map(|d| format!("every {d} days"))
                    .unwrap_or_default(),
            ),
            (
                "Started",
                s.start_date
                    .or_else(|| m.series.baseline_date())
                    .map(|d| d.to_string())
                    .unwrap_or_default(),
            ),
            ("Next due", next.map(|d| d.to_string()).unwrap_or_default()),
            ("Notes", s.notes.clone()),
        ],
        9.5,
    );
}

fn sessions(layout: &mut Layout, m: &Material) {
    layout.heading("Sessions", 60.0);
    if m.series.sessions.is_empty() {
        layout.paragraph("No sessions recorded.", 9.5, GREY);
    }
    for (i, s) in m.series.sessions.iter().enumerate() {
        let mut parts = vec![format!("{}. {} · {}", i + 1, s.date, s.kind.label())];
        let device = [
            s.device_kind
                .map(|d| d.label().to_owned())
                .unwrap_or_default(),
            s.device.clone(),
        ]
        .into_iter()
        .filter(|t| !t.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
        if !device.is_empty() {
            parts.push(device);
        }
        if let Some(d) = s.needle_depth_mm {
            parts.push(format!("needle depth {d} mm"));
        }
        if let Some(p) = s.passes {
            parts.push(format!("{p} passes"));
        }
        for (label, text) in [
            ("products", &s.products),
            ("numbing", &s.numbing),
            ("by", &s.practitioner),
        ] {
            if !text.is_empty() {
                parts.push(format!("{label} {text}"));
            }
        }
        layout.ensure(40.0);
        layout.paragraph(&parts.join(" · "), 9.5, INK);
        let grades: Vec<String> = m
            .grades
            .iter()
            .filter(|g| g.session == Some(s.id))
            .map(grade_text)
            .collect();
        if !grades.is_empty() {
            layout.paragraph_at(
                14.0,
                layout.width() - 14.0,
                &format!("Grades: {}", grades.join("; ")),
                8.5,
                INK,
            );
        }
        let effects: Vec<String> = m
            .effects
            .iter()
            .filter(|e| e.session == s.id)
            .map(|e| {
                format!(
                    "{} (severity {} of 3, day {}){}",
                    e.kind.label().to_lowercase(),
                    e.severity,
                    e.day_after,
                    if e.notes.is_empty() {
                        String::new()
                    } else {
                        format!(": {}", e.notes)
                    }
                )
            })
            .collect();
        if !effects.is_empty() {
            layout.paragraph_at(
                14.0,
                layout.width() - 14.0,
                &format!("Side effects: {}", effects.join("; ")),
                8.5,
                WARNING,
            );
        }
        if !s.notes.is_empty() {
            layout.paragraph_at(
                14.0,
                layout.width() - 14.0,
                &format!("Notes: {}", s.notes),
                8.5,
                GREY,
            );
        }
        layout.gap(3.0);
    }
}

fn scale_name(g: &GradeRow) -> String {
    g.custom_name
        .clone()
        .unwrap_or_else(|| g.scale.label().to_owned())
}

fn grade_text(g: &GradeRow) -> String {
    let value = if g.value.fract() == 0.0 {
        format!("{:.0}", g.value)
    } else {
        format!("{:.1}", g.value)
    };
    let of = if g.photo.is_some() {
        " (one photo)"
    } else {
        ""
    };
    format!("{} {value}{of}", scale_name(g))
}

fn charts(layout: &mut Layout, m: &Material) {
    let sessions: Vec<_> = m.series.sessions.iter().map(|s| s.date).collect();
    let mut by_scale: BTreeMap<String, Vec<(chrono::NaiveDate, f64)>> = BTreeMap::new();
    for g in &m.grades {
        by_scale
            .entry(scale_name(g))
            .or_default()
            .push((g.date, g.value));
    }
    if !by_scale.is_empty() {
        layout.heading("Grades over the series", 160.0);
        for (scale, points) in by_scale {
            chart(
                layout,
                &scale,
                &[Line {
                    label: scale.clone(),
                    points,
                }],
                &sessions,
                110.0,
            );
        }
    }
    if m.measurements.is_empty() {
        return;
    }
    layout.heading("Measurements over the series", 160.0);
    layout.paragraph(
        "CIELAB (D65) from sRGB pixels; ITA° = arctan((L* − 50)/b*) (Chardon 1991) with Del Bino's categories; erythema index 100·log10(R/G) and melanin index 100·log10(1/R) of the mean linear reflectance (Diffey 1984). Without a reference card the values depend on the light and camera: compare photos taken alike.",
        8.0,
        GREY,
    );
    let mut regions: BTreeMap<(crate::model::RegionId, String), Vec<&MeasurementRow>> =
        BTreeMap::new();
    for row in &m.measurements {
        regions
            .entry((row.region, row.region_name.clone()))
            .or_default()
            .push(row);
    }
    for ((_, name), rows) in regions {
        let pick =
            |f: fn(&MeasurementRow) -> f64| rows.iter().map(|r| (r.date, f(r))).collect::<Vec<_>>();
        chart(
            layout,
            &format!("{name}: ITA°"),
            &[Line {
                label: "ITA°".into(),
                points: pick(|r| r.measurement.region.ita_deg),
            }],
            &sessions,
            90.0,
        );
        let mut lines = vec![
            Line {
                label: "erythema index".into(),
                points: pick(|r| r.measurement.region.erythema_index),
            },
            Line {
                label: "melanin index".into(),
                points: pick(|r| r.measurement.region.melanin_index),
            },
        ];
        if rows.iter().all(|r| r.measurement.contrast.is_some()) {
            lines.push(Line {
                label: "ΔE2000 to surrounding skin".into(),
                points: pick(|r| {
                    r.measurement
                        .contrast
                        .as_ref()
                        .map_or(0.0, |c| c.delta_e2000)
                }),
            });
        }
        chart(
            layout,
            &format!("{name}: redness, pigment and contrast"),
            &lines,
            &sessions,
            90.0,
        );
        for r in rows {
            let s = &r.measurement.region;
            let mut text = format!(
                "{} · L*a*b* {:.1} {:.1} {:.1} · ITA° {:.1} ({}) · EI {:.1} · MI {:.1}",
                r.date,
                s.lab[0],
                s.lab[1],
                s.lab[2],
                s.ita_deg,
                s.ita_category().label().to_lowercase(),
                s.erythema_index,
                s.melanin_index
            );
            if let Some(c) = &r.measurement.contrast {
                let _ = write!(
                    text,
                    " · ΔE2000 {:.1} · darker {:.0} %, redder {:.0} %",
                    c.delta_e2000,
                    c.darker_share * 100.0,
                    c.redder_share * 100.0
                );
            }
            text.push_str(if r.measurement.corrected {
                " · card corrected"
            } else {
                " · not corrected"
            });
            layout.paragraph_at(8.0, layout.width() - 8.0, &text, 8.0, INK);
        }
        layout.gap(6.0);
    }
}

/// Builds and writes the report. `progress(fraction, step)`; `cancel` is checked between
/// photos. Nothing is written unless it all succeeds.
pub fn run_report(
    library: &Library,
    request: &ReportRequest,
    cancel: &AtomicBool,
    progress: &mut dyn FnMut(f32, &str),
) -> Result<ReportSummary, ReportError> {
    check_report_path(&request.out)?;
    progress(0.0, "Reading the series");
    // One connection for the whole report (on a clinic each is a sign-in).
    let mut cat = library.catalogue()?;
    let m = read_material(&mut cat, request)?;
    let mut layout = Layout::new(request.paper);
    header(&mut layout, &m, request);
    plan(&mut layout, &m);
    sessions(&mut layout, &m);
    charts(&mut layout, &m);
    let mut shown = Shown {
        photos: Vec::new(),
        images: 0,
        image_bytes: 0,
        unmasked: 0,
        deidentify: request.deidentify,
    };
    pair_pages(
        &mut layout,
        library,
        &mut cat,
        &m,
        &mut shown,
        cancel,
        progress,
    )?;
    contact_sheet(
        &mut layout,
        library,
        &mut cat,
        &m,
        &mut shown,
        cancel,
        progress,
    )?;
    checkpoint(cancel)?;
    progress(0.92, "Verifying the originals");
    let (verified, altered) = verify_shown(library, &shown.photos);
    let shown_ids: Vec<_> = shown.photos.iter().map(|p| p.id).collect();
    cat.record_export(m.series.series.person, request.purpose, &shown_ids)?;
    let mut notes = Vec::new();
    if shown.unmasked > 0 {
        notes.push(format!(
            "{} photo(s) are shown with their eyes uncovered: no face was found on them (the eye band is placed by the face's landmarks).",
            shown.unmasked
        ));
    }
    let generated = chrono::Local::now().format("%Y-%m-%d %H:%M").to_string();
    let mut lines = vec![if altered.is_empty() {
        format!(
            "Originals unaltered since import: verified ({verified} of {} shown; BLAKE3 hashes checked {generated}).",
            shown.photos.len()
        )
    } else {
        format!(
            "WARNING: {} of {} originals shown do not match their import hash (photo {}): they were altered or lost after import.",
            altered.len(),
            shown.photos.len(),
            altered
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        )
    }];
    lines.push(format!(
        "Skinlapse report{}. The file carries no camera, location or device metadata.{}",
        if request.deidentify {
            " (de-identified)"
        } else {
            ""
        },
        notes.first().map_or(String::new(), |n| format!(" {n}"))
    ));
    let title = if request.deidentify {
        "Skinlapse treatment series report (de-identified)".to_owned()
    } else {
        format!(
            "Skinlapse treatment series report: {}",
            m.series.series.title
        )
    };
    progress(0.95, "Writing");
    let bytes = pdf::render(&layout, &pdf::Footer { lines, generated }, &title)
        .map_err(ReportError::Pdf)?;
    checkpoint(cancel)?;
    write_file_atomic(&request.out, &bytes).map_err(|source| ReportError::Write {
        path: request.out.clone(),
        source,
    })?;
    progress(1.0, "Done");
    Ok(ReportSummary {
        path: request.out.clone(),
        pages: layout.pages.len(),
        bytes: bytes.len(),
        images: shown.images,
        image_bytes: shown.image_bytes,
        verified,
        altered,
        notes,
    })
}

/// The report must be a `.pdf`.
pub fn check_report_path(path: &std::path::Path) -> Result<(), ReportError> {
    let pdf = path
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("pdf"));
    if pdf {
        Ok(())
    } else {
        Err(ReportError::Extension(path.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn initials_keep_the_first_letter_of_each_name() {
        assert_eq!(initials("Alex Moreau"), "A. M.");
        assert_eq!(initials("  priya  n. shah "), "P. N. S.");
        assert_eq!(initials("Me"), "M.");
        assert_eq!(initials(""), "");
    }

    #[test]
    fn photos_are_printed_at_300_dpi_but_never_upscaled() {
        let big = image::RgbImage::from_pixel(3000, 2000, image::Rgb([200, 150, 120]));
        // 3 × 2 inches at 300 dpi.
        let (_, px) = photos::print_jpeg(&big, 216.0, 144.0);
        assert_eq!(px, [900, 600]);
        let small = image::RgbImage::from_pixel(400, 300, image::Rgb([200, 150, 120]));
        let (bytes, px) = photos::print_jpeg(&small, 216.0, 162.0);
        assert_eq!(px, [400, 300]);
        assert!(bytes.starts_with(&[0xFF, 0xD8]));
        assert!(check_report_path(std::path::Path::new("r.PDF")).is_ok());
        assert!(check_report_path(std::path::Path::new("r.png")).is_err());
    }
}

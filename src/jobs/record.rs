//! The clinical record of a series as CSV (RFC 4180): one row per session, grade and side
//! effect, in date order, for a spreadsheet or the patient file.

use crate::catalogue::{Catalogue, CatalogueError};
use crate::model::{Keyed, SeriesId};
use std::path::Path;

/// How many columns the CSV has.
const COLUMNS: usize = 37;

/// The header of the CSV. Column names are a scripting interface: add, never rename.
pub const CSV_COLUMNS: [&str; COLUMNS] = [
    "record",
    "person",
    "series",
    "session",
    "date",
    "kind",
    "device_kind",
    "device",
    "needle_depth_mm",
    "passes",
    "products",
    "numbing",
    "practitioner",
    "cost",
    "currency",
    "scale",
    "value",
    "detail",
    "side_effect",
    "severity",
    "day_after",
    "notes",
    "contraindications_acknowledged",
    // Measurements (record = measurement), appended by migration 008's issue.
    "region",
    "photo",
    "l_mean",
    "a_mean",
    "b_mean",
    "ita_deg",
    "ita_category",
    "erythema_index",
    "melanin_index",
    "delta_e2000",
    "darker_share",
    "redder_share",
    "corrected",
    "method_version",
];

#[derive(Debug, thiserror::Error)]
pub enum RecordError {
    #[error(transparent)]
    Catalogue(#[from] CatalogueError),
    #[error("{path}: could not write the CSV: {source}")]
    Write {
        path: std::path::PathBuf,
        source: std::io::Error,
    },
    #[error(transparent)]
    Library(#[from] crate::library::LibraryError),
}

/// The series' sessions, grades and side effects as CSV bytes.
pub fn series_csv(catalogue: &mut Catalogue, id: SeriesId) -> Result<Vec<u8>, CatalogueError> {
    let series = catalogue.series_photos(id)?;
    let grades = catalogue.grades_of_series(id)?;
    let effects = catalogue.side_effects_of_series(id)?;
    let measurements = catalogue.measurements_of_series(id)?;
    let mut out = csv::Writer::from_writer(Vec::new());
    let csv_error = |e: csv::Error| CatalogueError::Invalid {
        field: "csv",
        reason: e.to_string(),
    };
    out.write_record(CSV_COLUMNS).map_err(csv_error)?;
    let number = |session: Option<crate::model::SessionId>| {
        session
            .and_then(|s| series.session_number(s))
            .map_or(String::new(), |(n, _)| n.to_string())
    };
    let (person, title) = (series.person_name.as_str(), series.series.title.as_str());
    let mut row = |fill: &mut dyn FnMut(&mut [String; COLUMNS])| {
        let mut record: [String; COLUMNS] = std::array::from_fn(|_| String::new());
        person.clone_into(&mut record[1]);
        title.clone_into(&mut record[2]);
        fill(&mut record);
        out.write_record(&record).map_err(csv_error)
    };
    for s in &series.sessions {
        row(&mut |r| {
            r[0] = "session".into();
            r[3] = number(Some(s.id));
            r[4] = s.date.to_string();
            r[5] = s.kind.key().into();
            r[6] = s.device_kind.map_or(String::new(), |d| d.key().into());
            r[7].clone_from(&s.device);
            r[8] = s.needle_depth_mm.map_or(String::new(), |d| d.to_string());
            r[9] = s.passes.map_or(String::new(), |p| p.to_string());
            r[10].clone_from(&s.products);
            r[11].clone_from(&s.numbing);
            r[12].clone_from(&s.practitioner);
            r[13] = s
                .cost_cents
                .map_or(String::new(), |c| format!("{}.{:02}", c / 100, c % 100));
            r[14] = s.currency.clone().unwrap_or_default();
            r[21].clone_from(&s.notes);
            r[22] = s.contraindications_acknowledged.clone().unwrap_or_default();
        })?;
        for g in grades.iter().filter(|g| g.session == Some(s.id)) {
            row(&mut |r| grade_cells(r, g, &number(g.session)))?;
        }
        for e in effects.iter().filter(|e| e.session == s.id) {
            row(&mut |r| {
                r[0] = "side-effect".into();
                r[3] = number(Some(e.session));
                r[4] = e.session_date.to_string();
                r[18] = e.kind.key().into();
                r[19] = e.severity.to_string();
                r[20] = e.day_after.to_string();
                r[21].clone_from(&e.notes);
            })?;
        }
    }
    // Grades of single photos, not of a session.
    for g in grades.iter().filter(|g| g.session.is_none()) {
        row(&mut |r| grade_cells(r, g, ""))?;
    }
    for m in &measurements {
        row(&mut |r| measurement_cells(r, m, &number(m.session)))?;
    }
    out.into_inner().map_err(|e| CatalogueError::Invalid {
        field: "csv",
        reason: e.to_string(),
    })
}

fn grade_cells(r: &mut [String; COLUMNS], g: &crate::catalogue::GradeRow, session: &str) {
    r[0] = "grade".into();
    session.clone_into(&mut r[3]);
    r[4] = g.date.to_string();
    r[15] = g
        .custom_name
        .clone()
        .unwrap_or_else(|| g.scale.key().to_owned());
    r[16] = g.value.to_string();
    r[17].clone_from(&g.detail);
    r[21].clone_from(&g.notes);
}

fn measurement_cells(
    r: &mut [String; COLUMNS],
    m: &crate::model::measure::MeasurementRow,
    session: &str,
) {
    let v = &m.measurement;
    let s = &v.region;
    r[0] = "measurement".into();
    session.clone_into(&mut r[3]);
    r[4] = m.date.to_string();
    r[23].clone_from(&m.region_name);
    r[24] = m.photo.to_string();
    r[25] = format!("{:.3}", s.lab[0]);
    r[26] = format!("{:.3}", s.lab[1]);
    r[27] = format!("{:.3}", s.lab[2]);
    r[28] = format!("{:.2}", s.ita_deg);
    r[29] = s.ita_category().key().into();
    r[30] = format!("{:.2}", s.erythema_index);
    r[31] = format!("{:.2}", s.melanin_index);
    if let Some(c) = &v.contrast {
        r[32] = format!("{:.3}", c.delta_e2000);
        r[33] = format!("{:.4}", c.darker_share);
        r[34] = format!("{:.4}", c.redder_share);
    }
    r[35] = if v.corrected { "yes" } else { "no" }.into();
    r[36] = v.method_version.to_string();
}

/// Writes the series' record to `out` atomically, after checking consent for `purpose`
/// (clinic mode).
pub fn export_series_csv(
    library: &crate::library::Library,
    catalogue: &mut Catalogue,
    id: SeriesId,
    purpose: Option<crate::model::clinical::ConsentScope>,
    out: &Path,
) -> Result<usize, RecordError> {
    let person = catalogue.series_photos(id)?.series.person;
    catalogue.check_consent(person, purpose, chrono::Local::now().date_naive())?;
    // The record alone: the audit names the patient, not photos.
    catalogue.record_export(person, purpose, &[])?;
    let bytes = series_csv(catalogue, id)?;
    crate::jobs::export::write_export(library, out, &bytes).map_err(|e| match e {
        crate::jobs::export::ExportError::Write { path, source } => {
            RecordError::Write { path, source }
        }
        crate::jobs::export::ExportError::Library(e) => RecordError::Library(e),
        other => RecordError::Catalogue(CatalogueError::Invalid {
            field: "csv",
            reason: other.to_string(),
        }),
    })?;
    Ok(bytes.len())
}

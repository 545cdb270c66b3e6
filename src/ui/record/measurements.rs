//! Measurements charted over a series, next to the grades: one chart per saved region with
//! its ITA°, erythema and melanin indices (and its contrast to the surrounding skin when it
//! has one), the sessions as vertical lines, and a legend.

use super::chart::{dated_plot, x_of};
use crate::app::AppState;
use crate::app::record::SeriesRecord;
use crate::model::RegionId;
use crate::model::measure::MeasurementRow;
use crate::ui::theme::palette;
use egui::{RichText, Ui};

/// A row's value on one line of the chart, when it has one.
type Value = fn(&MeasurementRow) -> Option<f64>;

/// The lines of a region's chart: name and value of a row.
const LINES: [(&str, Value); 4] = [
    ("ITA°", |r| Some(r.measurement.region.ita_deg)),
    ("Erythema index", |r| {
        Some(r.measurement.region.erythema_index)
    }),
    ("Melanin index", |r| {
        Some(r.measurement.region.melanin_index)
    }),
    ("ΔE2000 vs surround", |r| {
        r.measurement.contrast.as_ref().map(|c| c.delta_e2000)
    }),
];

/// The series page's measurement charts.
pub(super) fn charts(ui: &mut Ui, state: &AppState, r: &SeriesRecord) {
    ui.strong("Measurements over time");
    let rows = state
        .measure
        .charts
        .as_ref()
        .filter(|c| c.series == r.series.id)
        .map_or(&[][..], |c| c.rows.as_slice());
    if rows.is_empty() {
        ui.label(
            RichText::new(
                "No measurements yet: open a photo, choose Measure, draw and save a region, then measure it across the series.",
            )
            .weak(),
        );
        return;
    }
    let mut regions: Vec<(RegionId, &str, Vec<&MeasurementRow>)> = Vec::new();
    for row in rows {
        match regions.iter_mut().find(|(id, ..)| *id == row.region) {
            Some((.., list)) => list.push(row),
            None => regions.push((row.region, &row.region_name, vec![row])),
        }
    }
    let colours = palette(ui);
    for (id, name, rows) in regions {
        let corrected = rows.iter().filter(|r| r.measurement.corrected).count();
        ui.label(format!(
            "Region \"{name}\" · {} measured · {}",
            rows.len(),
            match corrected {
                0 => "no card correction".to_owned(),
                n if n == rows.len() => "all card-corrected".to_owned(),
                n => format!(
                    "{n} card-corrected: values of corrected and uncorrected photos do not compare"
                ),
            }
        ));
        dated_plot(("measure-chart", id.0))
            .height(170.0)
            .legend(egui_plot::Legend::default().position(egui_plot::Corner::LeftTop))
            .show(ui, |plot| {
                for s in &r.sessions {
                    plot.vline(
                        egui_plot::VLine::new(format!("Session {}", s.date), x_of(s.date))
                            .color(colours.chart_session),
                    );
                }
                for ((label, value), colour) in LINES.iter().zip(colours.measure_lines) {
                    let points: Vec<[f64; 2]> = rows
                        .iter()
                        .filter_map(|r| value(r).map(|v| [x_of(r.date), v]))
                        .collect();
                    if points.is_empty() {
                        continue;
                    }
                    plot.line(
                        egui_plot::Line::new(*label, points.clone())
                            .color(colour)
                            .width(2.0),
                    );
                    plot.points(
                        egui_plot::Points::new(*label, points)
                            .color(colour)
                            .radius(3.0),
                    );
                }
            });
    }
}

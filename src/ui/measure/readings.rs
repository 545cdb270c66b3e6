//! What a region measured, per photo on screen: CIELAB mean ± SD, ITA° with its category,
//! the erythema and melanin indices, the contrast to the surrounding skin, and whether a
//! reference card corrected the colours. With two photos, their difference too.

use crate::app::measure::Reading;
use crate::jobs::measure::PhotoMeasurement;
use crate::model::Keyed;
use crate::ui::theme::palette;
use egui::{Color32, RichText, Ui};

/// One column: what the photo is called on screen and its colour (A, B) if any.
pub struct Column<'a> {
    pub title: String,
    pub colour: Option<Color32>,
    pub reading: &'a Reading,
}

/// One numeric row of the table.
struct Row {
    label: &'static str,
    value: fn(&PhotoMeasurement) -> Option<f64>,
    decimals: usize,
    unit: &'static str,
    /// What it means (the row's tooltip).
    meaning: &'static str,
}

const fn row(
    label: &'static str,
    value: fn(&PhotoMeasurement) -> Option<f64>,
    decimals: usize,
    unit: &'static str,
    meaning: &'static str,
) -> Row {
    Row {
        label,
        value,
        decimals,
        unit,
        meaning,
    }
}

/// The rows; the last (pixels) is not compared.
const ROWS: [Row; 10] = [
    row(
        "L*",
        |m| Some(m.measurement.region.lab[0]),
        1,
        "",
        "Lightness, 0 black to 100 white (CIELAB, D65)",
    ),
    row(
        "a*",
        |m| Some(m.measurement.region.lab[1]),
        1,
        "",
        "Green (−) to red (+)",
    ),
    row(
        "b*",
        |m| Some(m.measurement.region.lab[2]),
        1,
        "",
        "Blue (−) to yellow (+)",
    ),
    row(
        "ITA°",
        |m| Some(m.measurement.region.ita_deg),
        1,
        "°",
        "Individual typology angle arctan((L* − 50)/b*) (Chardon 1991): higher is lighter skin",
    ),
    row(
        "Erythema index",
        |m| Some(m.measurement.region.erythema_index),
        1,
        "",
        "Redness: 100·log10(R/G) of the mean linear reflectance (Diffey 1984); relative, not a meter's value",
    ),
    row(
        "Melanin index",
        |m| Some(m.measurement.region.melanin_index),
        1,
        "",
        "Pigment: 100·log10(1/R) of the mean linear reflectance (Diffey 1984); relative",
    ),
    row(
        "ΔE2000 vs surround",
        |m| m.measurement.contrast.as_ref().map(|c| c.delta_e2000),
        1,
        "",
        "Colour difference between the region and its surrounding skin (CIEDE2000); about 2 is just visible",
    ),
    row(
        "Darker than surround",
        |m| {
            m.measurement
                .contrast
                .as_ref()
                .map(|c| c.darker_share * 100.0)
        },
        0,
        " %",
        "Share of the region's pixels at least 3 L* darker than the surround's mean (spot area)",
    ),
    row(
        "Redder than surround",
        |m| {
            m.measurement
                .contrast
                .as_ref()
                .map(|c| c.redder_share * 100.0)
        },
        0,
        " %",
        "Share of the region's pixels at least 3 a* redder than the surround's mean",
    ),
    row(
        "Pixels measured",
        |m| Some(m.measurement.region.pixels as f64),
        0,
        "",
        "Regions over a megapixel are sampled on a regular grid",
    ),
];

/// SDs shown next to L*, a*, b*.
fn sd(m: &PhotoMeasurement, row: usize) -> Option<f64> {
    (row < 3).then(|| m.measurement.region.lab_sd[row])
}

/// The readings as a table; with two columns, B − A as a third.
pub fn table(ui: &mut Ui, columns: &[Column<'_>]) {
    let colours = palette(ui);
    let ok: Vec<Option<&PhotoMeasurement>> = columns
        .iter()
        .map(|c| c.reading.result.as_ref().ok())
        .collect();
    let difference = columns.len() == 2 && ok.iter().all(Option::is_some);
    egui::Grid::new("measure-readings")
        .num_columns(columns.len() + 1 + usize::from(difference))
        .striped(true)
        .spacing([12.0, 3.0])
        .show(ui, |ui| {
            ui.label("");
            for c in columns {
                let text = RichText::new(&c.title).strong();
                ui.label(match c.colour {
                    Some(colour) => text.color(colour),
                    None => text,
                });
            }
            if difference {
                ui.label(RichText::new("B − A").strong());
            }
            ui.end_row();
            for (i, r) in ROWS.iter().enumerate() {
                let (decimals, unit) = (r.decimals, r.unit);
                if ok.iter().flatten().all(|m| (r.value)(m).is_none()) {
                    continue;
                }
                ui.label(r.label).on_hover_text(r.meaning);
                for m in &ok {
                    let text = m.and_then(|m| {
                        (r.value)(m).map(|v| match sd(m, i) {
                            Some(sd) => format!("{v:.decimals$} ± {sd:.1}{unit}"),
                            None => format!("{v:.decimals$}{unit}"),
                        })
                    });
                    ui.label(text.unwrap_or_else(|| "–".into()));
                }
                if difference {
                    let (a, b) = (ok[0].and_then(r.value), ok[1].and_then(r.value));
                    match (a, b) {
                        (Some(a), Some(b)) if i + 1 < ROWS.len() => {
                            ui.label(format!("{:+.decimals$}{unit}", b - a));
                        }
                        _ => {
                            ui.label("");
                        }
                    }
                }
                ui.end_row();
            }
            ui.label("ITA° category");
            for m in &ok {
                ui.label(m.map_or_else(
                    || "–".to_owned(),
                    |m| {
                        let c = m.measurement.region.ita_category();
                        format!("{} ({})", c.label(), c.band())
                    },
                ));
            }
            ui.end_row();
        });
    for c in columns {
        match &c.reading.result {
            Ok(m) => card_line(ui, &c.title, m, columns.len() > 1),
            Err(e) => {
                ui.colored_label(colours.caution, format!("{}: {e}", c.title));
            }
        }
    }
}

/// Whether a reference card corrected the colours, in words.
fn card_line(ui: &mut Ui, title: &str, m: &PhotoMeasurement, named: bool) {
    let text = match &m.card {
        Some(card) => format!(
            "Colours corrected with a reference card ({}, residual ΔE2000 mean {:.2}).",
            card.kind.label(),
            card.mean_residual()
        ),
        None => "No reference card in this photo: colours as the camera recorded them.".into(),
    };
    let text = if named {
        format!("{title}: {text}")
    } else {
        text
    };
    let colours = palette(ui);
    let colour = if m.card.is_some() {
        colours.good
    } else {
        colours.note
    };
    ui.add(egui::Label::new(RichText::new(text).color(colour)).wrap());
}

//! Grades charted over a series with `egui_plot`.

use crate::app::record::SeriesRecord;
use crate::ui::theme::palette;
use chrono::{Datelike, NaiveDate};
use egui::{RichText, Ui};

/// Days since the common era, as the charts' x axis.
pub(super) fn x_of(date: NaiveDate) -> f64 {
    f64::from(date.num_days_from_ce())
}

fn date_of(x: f64) -> Option<NaiveDate> {
    NaiveDate::from_num_days_from_ce_opt(x.round() as i32)
}

/// A chart over dates: dates on the x axis, a hovered point's series, date and value.
pub(super) fn dated_plot(id: impl egui::AsIdSalt) -> egui_plot::Plot<'static> {
    egui_plot::Plot::new(id)
        .allow_scroll(false)
        .x_axis_formatter(|mark, _| {
            date_of(mark.value).map_or(String::new(), |d| d.format("%Y-%m-%d").to_string())
        })
        .label_formatter(|hover| {
            let date = |x: f64| date_of(x).map_or(String::new(), |d| d.to_string());
            Some(match hover {
                egui_plot::HoverPosition::NearDataPoint {
                    plot_name,
                    position,
                    ..
                } => format!("{plot_name}\n{}: {:.1}", date(position.x), position.y),
                egui_plot::HoverPosition::Elsewhere { position } => date(position.x),
            })
        })
}

/// Every graded scale over time, with the sessions as vertical lines and side effects as
/// red marks along the bottom.
pub(super) fn charts(ui: &mut Ui, r: &SeriesRecord) {
    let lines = r.charts();
    let colours = palette(ui);
    ui.strong("Grades over time");
    if lines.is_empty() {
        ui.label(RichText::new("No grades yet: add one below to see it charted.").weak());
        return;
    }
    legend(ui, r);
    for line in lines {
        ui.label(&line.name);
        let low = line
            .points
            .iter()
            .map(|p| p.1)
            .fold(f64::INFINITY, f64::min);
        dated_plot(("grade-chart", &line.name))
            .height(150.0)
            .show(ui, |plot| {
                for s in &r.sessions {
                    plot.vline(
                        egui_plot::VLine::new(format!("Session {}", s.date), x_of(s.date))
                            .color(colours.chart_session),
                    );
                }
                let points: Vec<[f64; 2]> =
                    line.points.iter().map(|(d, v)| [x_of(*d), *v]).collect();
                plot.line(egui_plot::Line::new(line.name.clone(), points.clone()));
                plot.points(egui_plot::Points::new(line.name.clone(), points).radius(3.5));
                let effects: Vec<[f64; 2]> = r
                    .side_effects
                    .iter()
                    .map(|e| {
                        [
                            x_of(e.session_date) + f64::from(e.day_after),
                            low - 0.1 * (1.0 + f64::from(e.severity)),
                        ]
                    })
                    .collect();
                if !effects.is_empty() {
                    plot.points(
                        egui_plot::Points::new("Side effects", effects)
                            .color(colours.side_effect_mark)
                            .shape(egui_plot::MarkerShape::Diamond)
                            .radius(4.0),
                    );
                }
            });
    }
}

/// What the marks on the charts mean: the sessions' lines and the side effects' diamonds.
fn legend(ui: &mut Ui, r: &SeriesRecord) {
    let colours = palette(ui);
    ui.horizontal_wrapped(|ui| {
        let (rect, _) = ui.allocate_exact_size(egui::vec2(12.0, 14.0), egui::Sense::hover());
        ui.painter().vline(
            rect.center().x,
            rect.y_range(),
            egui::Stroke::new(1.5, colours.chart_session),
        );
        ui.label("a session");
        if !r.side_effects.is_empty() {
            ui.add_space(12.0);
            let (rect, _) = ui.allocate_exact_size(egui::vec2(12.0, 14.0), egui::Sense::hover());
            let c = rect.center();
            let d = 4.5;
            ui.painter().add(egui::Shape::convex_polygon(
                vec![
                    c + egui::vec2(0.0, -d),
                    c + egui::vec2(d, 0.0),
                    c + egui::vec2(0.0, d),
                    c + egui::vec2(-d, 0.0),
                ],
                colours.side_effect_mark,
                egui::Stroke::NONE,
            ));
            ui.label(
                "a side effect, on its day after the session, below the line (lower: more severe)",
            );
        }
    });
}

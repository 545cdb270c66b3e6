//! The reference-card tab: which card, the four corners clicked on the photo, the fit's
//! residual per patch, storing or removing it, and the corrected photo.

use super::overlay::PhotoArea;
use crate::app::measure::card::Fit;
use crate::app::measure::{CardCommand, CardWork, MeasureCommand};
use crate::app::{Command, Commands};
use crate::imaging::card::patch_quads;
use crate::model::Keyed;
use crate::model::card::{CardKind, Corners};
use crate::ui::theme::{Palette, on_photo, palette};
use egui::{Align2, FontId, Painter, PointerButton, Response, RichText, Stroke, Ui};

fn card(command: CardCommand) -> Command {
    MeasureCommand::Card(command).into()
}

const CORNER_NAMES: [&str; 4] = ["top left", "top right", "bottom right", "bottom left"];

/// A residual's colour: good below 2 ΔE2000 (hard to see), caution to 5, warning above.
fn residual_colour(colours: &Palette, residual: f64) -> egui::Color32 {
    if residual < 2.0 {
        colours.good
    } else if residual < 5.0 {
        colours.caution
    } else {
        colours.warning
    }
}

/// The card tab of the measuring panel.
pub fn tab_ui(ui: &mut Ui, w: &CardWork, commands: &mut Commands) {
    ui.label(
        RichText::new(
            "With a grey card or a 24-patch ColorChecker in the photo, click the four corners of its patch area: top left, top right, bottom right, bottom left (the chart's dark-skin patch at the top left). Right-click takes back a corner.",
        )
        .weak(),
    );
    ui.horizontal_wrapped(|ui| {
        for kind in CardKind::ALL {
            if ui.selectable_label(w.kind == *kind, kind.label()).clicked() {
                commands.push(card(CardCommand::Kind(*kind)));
            }
        }
    });
    let next = CORNER_NAMES.get(w.corners.len()).copied();
    ui.horizontal(|ui| {
        ui.label(match next {
            Some(name) => format!("Corners: {} of 4 — next: {name}", w.corners.len()),
            None => "Corners: 4 of 4".to_owned(),
        });
        if ui
            .add_enabled(!w.corners.is_empty(), egui::Button::new("Clear corners"))
            .clicked()
        {
            commands.push(card(CardCommand::Clear));
        }
    });
    ui.separator();
    fit_ui(ui, w, commands);
    stored_ui(ui, w, commands);
    if w.shown_matrix().is_some() {
        let mut on = w.show_corrected;
        if ui
            .checkbox(&mut on, "Show the photo corrected")
            .on_hover_text("The photo as the card's correction sees it (at preview resolution)")
            .changed()
        {
            commands.push(card(CardCommand::ShowCorrected(on)));
        }
    }
}

fn fit_ui(ui: &mut Ui, w: &CardWork, commands: &mut Commands) {
    let colours = palette(ui);
    match &w.fit {
        Some(Fit::Running(_)) => {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label("Fitting the card…");
            });
        }
        Some(Fit::Done(done)) if done.is_err() => {
            if let Err(e) = done.as_ref() {
                ui.colored_label(colours.error, e.to_string());
            }
        }
        Some(Fit::Done(_)) => {
            let Some((fit, _)) = w.fitted() else {
                return;
            };
            ui.strong(format!(
                "{}: residual ΔE2000 mean {:.2}, max {:.2}",
                fit.kind.label(),
                fit.mean_residual(),
                fit.max_residual()
            ));
            if fit.turned > 0 {
                ui.label(
                    RichText::new(format!(
                        "The corners were marked {} quarter turn(s) off; the chart's own orientation was used.",
                        fit.turned
                    ))
                    .color(colours.note),
                );
            }
            residuals(
                ui,
                "fitted",
                fit.patches.iter().map(|p| (p.name.as_str(), p.residual)),
            );
            if ui
                .button("Save correction")
                .on_hover_text(
                    "Store the correction with the photo: every measurement of it is corrected",
                )
                .clicked()
            {
                commands.push(card(CardCommand::Save));
            }
        }
        None => {}
    }
}

fn stored_ui(ui: &mut Ui, w: &CardWork, commands: &mut Commands) {
    ui.separator();
    match &w.stored {
        Some(c) => {
            ui.label(format!(
                "Stored: {}, residual ΔE2000 mean {:.2}, max {:.2}.",
                c.kind.label(),
                c.mean_residual(),
                c.max_residual()
            ));
            if w.fit.is_none() {
                residuals(
                    ui,
                    "stored",
                    c.residuals.iter().map(|(n, r)| (n.as_str(), *r)),
                );
            }
            if ui.button("Remove correction").clicked() {
                commands.push(card(CardCommand::Remove));
            }
        }
        None => {
            ui.label(RichText::new("No reference card correction stored for this photo.").weak());
        }
    }
}

/// Each patch's residual, coloured by how visible it is.
fn residuals<'a>(ui: &mut Ui, salt: &str, patches: impl Iterator<Item = (&'a str, f64)>) {
    let colours = palette(ui);
    egui::Grid::new(("card-residuals", salt))
        .num_columns(4)
        .spacing([10.0, 2.0])
        .show(ui, |ui| {
            for (i, (name, residual)) in patches.enumerate() {
                ui.label(name);
                ui.label(
                    RichText::new(format!("{residual:.2}"))
                        .color(residual_colour(colours, residual)),
                );
                if i % 2 == 1 {
                    ui.end_row();
                }
            }
        });
}

/// The corners clicked so far and the card's patches over the photo; a click adds a corner.
pub fn overlay(
    ui: &Ui,
    painter: &Painter,
    area: &PhotoArea,
    w: &CardWork,
    response: &Response,
    commands: &mut Commands,
) {
    let colours = palette(ui);
    let shown: Option<(CardKind, Corners, Vec<f64>)> = match (w.fitted(), &w.stored) {
        (Some((fit, _)), _) => Some((
            fit.kind,
            fit.corners,
            fit.patches.iter().map(|p| p.residual).collect(),
        )),
        (None, Some(c)) if w.corners.is_empty() => {
            Some((c.kind, c.corners, c.residuals.iter().map(|r| r.1).collect()))
        }
        _ => None,
    };
    if let Some((kind, corners, residuals)) = shown {
        let quad: Vec<_> = corners.0.iter().map(|p| area.to_screen(*p)).collect();
        painter.add(egui::Shape::closed_line(
            quad,
            Stroke::new(1.5, on_photo::CARD),
        ));
        for ((_, patch), residual) in patch_quads(kind, &corners).iter().zip(residuals) {
            let points = patch.iter().map(|p| area.to_screen(*p)).collect();
            painter.add(egui::Shape::closed_line(
                points,
                Stroke::new(1.5, residual_colour(colours, residual)),
            ));
        }
    }
    for (i, p) in w.corners.iter().enumerate() {
        let at = area.to_screen(*p);
        painter.circle_stroke(at, 6.0, Stroke::new(2.0, on_photo::CARD));
        painter.text(
            at + egui::vec2(8.0, -8.0),
            Align2::LEFT_BOTTOM,
            (i + 1).to_string(),
            FontId::proportional(14.0),
            on_photo::CARD,
        );
    }
    if w.corners.len() >= 2 {
        let line = w.corners.iter().map(|p| area.to_screen(*p)).collect();
        painter.add(egui::Shape::line(line, Stroke::new(1.0, on_photo::CARD)));
    }
    if response.clicked_by(PointerButton::Primary)
        && w.corners.len() < 4
        && let Some(p) = response.interact_pointer_pos()
    {
        commands.push(card(CardCommand::Corner(area.to_normalised(p))));
    }
    if response.secondary_clicked() {
        commands.push(card(CardCommand::UndoCorner));
    }
}

//! Faces in the comparison: the facial regions of A and B (B's through the pair's
//! alignment, where B is laid on A's frame), and the fairest pair of the series and view
//! with its reason and one click to compare it.

use super::side_colour;
use crate::app::compare::Comparison;
use crate::app::compare::fairest;
use crate::app::{AppState, Commands, CompareCommand};
use crate::model::Side;
use crate::model::fairest::FairestPair;
use crate::ui::faces::{Placement, draw_regions, regions_toggle};
use crate::ui::theme::palette;
use egui::{Painter, Rect, RichText, Ui};

/// The regions of one side, when they are switched on and the photo has a face; `a_rect` is
/// where A's frame is drawn (B is placed on it through the pair's transform).
pub(super) fn draw_side_regions(
    ui: &Ui,
    painter: &Painter,
    state: &AppState,
    c: &Comparison,
    side: Side,
    a_rect: Rect,
) {
    if !state.faces.show_regions {
        return;
    }
    let Some(face) = &c.pair.side(side).face else {
        return;
    };
    let place = Placement {
        frame: a_rect,
        frame_photo: &c.pair.a.photo,
        transform: match side {
            Side::A => crate::model::Similarity::IDENTITY,
            Side::B => c.transform(),
        },
    };
    draw_regions(
        ui,
        painter,
        face,
        &place,
        side_colour(ui, side),
        Some(side.name()),
    );
}

/// The regions' switch (and why a side has none), then the fairest pair of the series.
pub(super) fn faces_row(ui: &mut Ui, state: &AppState, c: &Comparison, commands: &mut Commands) {
    ui.horizontal_wrapped(|ui| {
        let missing = [("A", c.face_state(Side::A)), ("B", c.face_state(Side::B))];
        regions_toggle(ui, state, &missing, commands);
        ui.separator();
        fairest_ui(ui, state, c, commands);
    });
}

fn fairest_ui(ui: &mut Ui, state: &AppState, c: &Comparison, commands: &mut Commands) {
    let Some(job) = state
        .compare
        .fairest
        .as_ref()
        .filter(|j| Some(j.key) == fairest::key(c))
    else {
        return;
    };
    match &job.result {
        None => {
            ui.spinner();
            ui.label(RichText::new("Looking for the fairest pair of this view…").weak());
        }
        Some(Err(e)) => {
            ui.colored_label(palette(ui).error, format!("No fairest pair: {e}"));
        }
        Some(Ok(None)) => {
            ui.label(
                RichText::new("Fairest pair: this view has photos from fewer than two sessions.")
                    .weak(),
            );
        }
        Some(Ok(Some(proposal))) => proposal_ui(ui, c, proposal, commands),
    }
}

fn proposal_ui(ui: &mut Ui, c: &Comparison, proposal: &FairestPair, commands: &mut Commands) {
    let (before, after) = (proposal.pair.before, proposal.pair.after);
    let showing = c.pair.a.id() == before && c.pair.b.id() == after;
    if showing {
        ui.label(
            RichText::new(format!(
                "This is the fairest pair of the view: {}",
                proposal.reason
            ))
            .color(palette(ui).good),
        );
        return;
    }
    let words = describe(c, proposal);
    ui.label(RichText::new("Fairest pair:").strong());
    ui.label(words);
    if ui
        .button("Compare this pair")
        .on_hover_text(format!("Show photo #{before} as A and photo #{after} as B"))
        .clicked()
    {
        commands.push(CompareCommand::Photos(before, after).into());
    }
}

/// "2026-01-05 and 2026-05-02: session 5 instead of session 6: session 6 was 4 days after a
/// treatment."
fn describe(c: &Comparison, proposal: &FairestPair) -> String {
    let date = |id| {
        c.pair.main_series().and_then(|s| s.photo(id)).map_or_else(
            || format!("#{id}"),
            |p| p.date().format("%Y-%m-%d").to_string(),
        )
    };
    format!(
        "{} and {}: {}",
        date(proposal.pair.before),
        date(proposal.pair.after),
        proposal.reason
    )
}

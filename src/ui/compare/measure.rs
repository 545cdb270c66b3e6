//! The Measure mode: A and B side by side in A's frame (B through the pair's alignment), a
//! region drawn on either side is A's and is read in both; the measuring panel beside them
//! shows A, B and B − A.

use super::canvas::{draw_label, draw_side};
use super::{ComparePanel, side_colour};
use crate::app::compare::Comparison;
use crate::app::images::ImageCache;
use crate::app::measure::{MeasureCommand, Tab};
use crate::app::{AppState, Commands};
use crate::model::Side;
use crate::ui::measure::OnScreen;
use crate::ui::measure::overlay::{PhotoArea, draw_regions};
use crate::ui::theme::{self, palette};
use egui::{Align2, PointerButton, Rect, Sense, Ui, pos2, vec2};

impl ComparePanel {
    /// The measuring panel at the right of the comparison.
    pub(super) fn measure_panel(
        &mut self,
        ui: &mut Ui,
        state: &AppState,
        c: &Comparison,
        commands: &mut Commands,
    ) {
        let on_screen: Vec<OnScreen> = [Side::A, Side::B]
            .into_iter()
            .map(|side| {
                let p = c.pair.side(side);
                OnScreen {
                    photo: p.id(),
                    title: format!("{} · {}", side.name(), p.date().format("%Y-%m-%d")),
                    colour: Some(side_colour(ui, side)),
                }
            })
            .collect();
        egui::Panel::right("compare-measure")
            .resizable(true)
            .default_size(380.0)
            .min_size(300.0)
            .show(ui, |ui| {
                // Scrolls when the window is too low for all of it (the comparison's
                // header and timeline take their rows above and below).
                egui::ScrollArea::vertical()
                    .id_salt("compare-measure-scroll")
                    .show(ui, |ui| {
                        self.measure
                            .ui(ui, state, &on_screen, Tab::Measure, commands);
                    });
            });
    }

    /// A and B in A's frame; the pointer draws a region on either (right or middle button
    /// pans, the wheel zooms).
    pub(super) fn measure_canvas(
        &mut self,
        ui: &mut Ui,
        state: &AppState,
        c: &Comparison,
        images: &mut ImageCache,
        commands: &mut Commands,
    ) {
        let (rect, response) = ui.allocate_exact_size(ui.available_size(), Sense::click_and_drag());
        ui.painter().rect_filled(rect, 0.0, palette(ui).canvas);
        let a = &c.pair.a.photo;
        let a_size = vec2(a.width as f32, a.height as f32);
        let half = vec2((rect.width() - 6.0) / 2.0, rect.height());
        let left = Rect::from_min_size(rect.min, half);
        let right = Rect::from_min_size(pos2(rect.right() - half.x, rect.top()), half);
        // The half the pointer went down in (or is over) draws and zooms.
        let pointer = ui
            .input(|i| i.pointer.press_origin())
            .filter(|_| response.is_pointer_button_down_on())
            .or(response.hover_pos());
        let in_right = pointer.is_some_and(|p| right.contains(p));
        self.zoom.update(
            ui,
            if in_right { right } else { left },
            a_size,
            &response,
            false,
        );
        if response.dragged_by(PointerButton::Secondary)
            || response.dragged_by(PointerButton::Middle)
        {
            self.zoom.pan += response.drag_delta();
        }
        let frames = [
            (Side::A, left, self.zoom.image_rect(left, a_size)),
            (Side::B, right, self.zoom.image_rect(right, a_size)),
        ];
        for (side, area, frame) in frames {
            let painter = ui.painter_at(area);
            draw_side(&painter, state, images, c, side, frame, theme::AS_IS);
            draw_label(ui, &painter, c, side, area, Align2::LEFT_BOTTOM);
            ui.interact(
                frame.intersect(area),
                ui.scope_id().with(("measured", side)),
                Sense::hover(),
            )
            .widget_info(|| {
                egui::WidgetInfo::labeled(
                    egui::Role::Image,
                    true,
                    format!("{} to measure", side.name()),
                )
            });
            let shown = PhotoArea { rect: frame };
            draw_regions(&painter, &shown, &state.measure, a.id);
            self.measure
                .drawing
                .draw(&painter, &shown, &state.measure.settings);
        }
        let drawn_in = if in_right { frames[1].2 } else { frames[0].2 };
        if let Some(region) = self.measure.drawing.input(
            ui,
            &PhotoArea { rect: drawn_in },
            &response,
            &state.measure.settings,
            a.id,
        ) {
            commands.push(MeasureCommand::Draw { on: a.id, region }.into());
        }
    }
}

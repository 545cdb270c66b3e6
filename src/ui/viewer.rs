//! The photo large: fit to window, zoom (wheel, keys, 1:1) and pan. The screen preview shows
//! at once; the full-resolution original loads in the background when zoomed past it.

use super::zoom::{ZoomPan, photo_texture};
use crate::app::images::{ImageCache, Rendition};
use crate::app::{Action, AppState, Commands};
use egui::{Color32, Rect, RichText, Sense, Ui, Vec2};

#[derive(Debug, Default)]
pub struct ViewerPanel {
    pub zoom: ZoomPan,
    /// Frames since the photo was opened: the double-click that opened it must not also
    /// zoom it.
    frames_shown: u32,
}

impl ViewerPanel {
    pub fn reset(&mut self) {
        self.zoom.fit();
        self.frames_shown = 0;
    }

    pub fn ui(
        &mut self,
        ui: &mut Ui,
        state: &AppState,
        images: &mut ImageCache,
        commands: &mut Commands,
    ) {
        let Some(details) = state
            .details
            .as_ref()
            .filter(|d| Some(d.photo.id) == state.viewer)
        else {
            ui.spinner();
            return;
        };
        let photo = &details.photo;
        let order = state.grid_order();
        let position = order
            .iter()
            .position(|&id| id == photo.id)
            .map_or(0, |i| i + 1);
        self.frames_shown = self.frames_shown.saturating_add(1);
        ui.horizontal_wrapped(|ui| {
            super::action_button(ui, Action::Back, true, commands);
            super::action_button(ui, Action::PreviousPhoto, position > 1, commands);
            super::action_button(ui, Action::NextPhoto, position < order.len(), commands);
            ui.label(RichText::new(format!("{position} / {}", order.len())).weak());
            ui.separator();
            ui.label(RichText::new(&photo.original_name).strong());
            ui.label(photo.taken_at.to_string());
            ui.separator();
            super::action_button(ui, Action::ZoomFit, true, commands);
            super::action_button(ui, Action::ZoomActual, true, commands);
            ui.label(format!("{:.0} %", self.zoom.scale() * 100.0));
        });
        let (rect, response) = ui.allocate_exact_size(ui.available_size(), Sense::click_and_drag());
        ui.painter().rect_filled(rect, 0.0, Color32::from_gray(18));
        let full_size = Vec2::new(photo.width as f32, photo.height as f32);
        self.zoom.update(ui, rect, full_size, &response, true);
        if response.double_clicked() && self.frames_shown > 3 {
            if self.zoom.is_fit() {
                self.zoom.actual_pixels();
            } else {
                self.zoom.fit();
            }
        }
        let image_rect = self.zoom.image_rect(rect, full_size);
        let (texture, loading_full) = photo_texture(state, images, photo, image_rect.size());
        let painter = ui.painter_at(rect);
        let uv = Rect::from_min_max(egui::pos2(0.0, 0.0), egui::pos2(1.0, 1.0));
        if let Some(texture) = texture {
            painter.image(texture.id(), image_rect, uv, Color32::WHITE);
        } else {
            let text = images
                .error(&(photo.id, Rendition::Preview))
                .map_or("Loading…".to_owned(), |e| format!("Cannot show: {e}"));
            painter.text(
                rect.center(),
                egui::Align2::CENTER_CENTER,
                text,
                egui::FontId::proportional(16.0),
                Color32::GRAY,
            );
        }
        if loading_full && images.is_loading() {
            painter.text(
                rect.left_top() + Vec2::splat(8.0),
                egui::Align2::LEFT_TOP,
                "Loading full resolution…",
                egui::FontId::proportional(13.0),
                Color32::LIGHT_GRAY,
            );
        }
    }
}

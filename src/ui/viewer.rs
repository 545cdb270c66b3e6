//! The photo large: fit to window, zoom (wheel, keys, 1:1) and pan. The screen preview shows
//! at once; the full-resolution original loads in the background when zoomed past it.

use crate::app::images::{ImageCache, Rendition};
use crate::app::{Action, AppState, Commands};
use egui::{Color32, Rect, RichText, Sense, Ui, Vec2};

#[derive(Debug, Default)]
pub struct ViewerPanel {
    /// Screen points per original pixel; `None` fits the photo to the window.
    zoom: Option<f32>,
    /// Offset of the photo's centre from the view's centre, in points.
    pan: Vec2,
    /// The fit scale of the last frame, so zooming starts from what is on screen.
    last_fit: f32,
    /// Physical pixels per point of the last frame (for true 1:1).
    pixels_per_point: f32,
    /// Frames since the photo was opened: the double-click that opened it must not also
    /// zoom it.
    frames_shown: u32,
}

impl ViewerPanel {
    pub fn reset(&mut self) {
        self.zoom = None;
        self.pan = Vec2::ZERO;
        self.frames_shown = 0;
    }

    pub fn fit(&mut self) {
        self.zoom = None;
        self.pan = Vec2::ZERO;
    }

    pub fn actual_pixels(&mut self) {
        self.zoom = Some(1.0 / self.pixels_per_point());
    }

    pub fn zoom_by(&mut self, factor: f32) {
        let current = self.zoom.unwrap_or(self.last_fit.max(1e-3));
        self.zoom = Some((current * factor).clamp(0.01, 32.0));
    }

    /// The current zoom in screen points per original pixel (fit counts).
    pub fn scale(&self) -> f32 {
        self.zoom.unwrap_or(self.last_fit)
    }

    fn pixels_per_point(&self) -> f32 {
        if self.pixels_per_point > 0.0 {
            self.pixels_per_point
        } else {
            1.0
        }
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
            super::action_button(ui, Action::CloseViewer, true, commands);
            super::action_button(ui, Action::PreviousPhoto, position > 1, commands);
            super::action_button(ui, Action::NextPhoto, position < order.len(), commands);
            ui.label(RichText::new(format!("{position} / {}", order.len())).weak());
            ui.separator();
            ui.label(RichText::new(&photo.original_name).strong());
            ui.label(photo.taken_at.to_string());
            ui.separator();
            super::action_button(ui, Action::ZoomFit, true, commands);
            super::action_button(ui, Action::ZoomActual, true, commands);
            ui.label(format!("{:.0} %", self.scale() * 100.0));
        });
        self.pixels_per_point = ui.ctx().pixels_per_point();
        let (rect, response) = ui.allocate_exact_size(ui.available_size(), Sense::click_and_drag());
        ui.painter().rect_filled(rect, 0.0, Color32::from_gray(18));
        let full_size = Vec2::new(photo.width as f32, photo.height as f32);
        self.last_fit = (rect.width() / full_size.x)
            .min(rect.height() / full_size.y)
            .min(1.0);
        if response.hovered() {
            let scroll = ui.input(|i| i.smooth_scroll_delta.y + (i.zoom_delta() - 1.0) * 200.0);
            if scroll.abs() > 0.0 {
                let before = self.scale();
                self.zoom_by((scroll / 200.0).exp());
                // Keep the point under the cursor where it is.
                if let Some(pointer) = response.hover_pos() {
                    let k = self.scale() / before;
                    let from_centre = pointer - rect.center() - self.pan;
                    self.pan -= from_centre * (k - 1.0);
                }
            }
        }
        if response.dragged() {
            self.pan += response.drag_delta();
        }
        if response.double_clicked() && self.frames_shown > 3 {
            if self.zoom.is_some() {
                self.fit();
            } else {
                self.actual_pixels();
            }
        }
        let scale = self.scale();
        let shown = full_size * scale;
        let image_rect = Rect::from_center_size(rect.center() + self.pan, shown);
        // The preview is at most 2048 px: past that on screen, ask for the original.
        let preview_edge = 2048.0f32.min(full_size.max_elem());
        let wants_full = shown.max_elem() > preview_edge * 1.05;
        let preview = state
            .image_request(photo.id, &photo.hash, photo.format, Rendition::Preview)
            .and_then(|r| images.get(&r));
        let full = if wants_full {
            state
                .image_request(photo.id, &photo.hash, photo.format, Rendition::Full)
                .and_then(|r| images.get(&r))
        } else {
            None
        };
        let painter = ui.painter_at(rect);
        let uv = Rect::from_min_max(egui::pos2(0.0, 0.0), egui::pos2(1.0, 1.0));
        if let Some(texture) = full.or(preview) {
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
        if wants_full && images.is_loading() {
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

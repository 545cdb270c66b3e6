//! Zoom and pan shared by the viewer and the comparison: fit to the window, wheel zoom
//! around the cursor, keys, true 1:1, drag to pan. And which texture to draw at a zoom.

use crate::app::AppState;
use crate::app::images::{ImageCache, Rendition};
use crate::app::nav::ZoomStep;
use crate::imaging::derive::PREVIEW_EDGE;
use crate::model::Photo;
use egui::{Rect, Response, TextureHandle, Ui, Vec2};

#[derive(Clone, Debug, Default)]
pub struct ZoomPan {
    /// Screen points per image pixel; `None` fits the image to the view.
    zoom: Option<f32>,
    /// Offset of the image's centre from the view's centre, in points.
    pub pan: Vec2,
    /// The fit scale of the last frame, so zooming starts from what is on screen.
    last_fit: f32,
    /// Physical pixels per point of the last frame (for true 1:1).
    pixels_per_point: f32,
}

impl ZoomPan {
    pub fn fit(&mut self) {
        self.zoom = None;
        self.pan = Vec2::ZERO;
    }

    pub fn actual_pixels(&mut self) {
        let ppp = if self.pixels_per_point > 0.0 {
            self.pixels_per_point
        } else {
            1.0
        };
        self.zoom = Some(1.0 / ppp);
    }

    pub fn zoom_by(&mut self, factor: f32) {
        let current = self.zoom.unwrap_or(self.last_fit.max(1e-3));
        self.zoom = Some((current * factor).clamp(0.01, 32.0));
    }

    pub fn is_fit(&self) -> bool {
        self.zoom.is_none()
    }

    /// Fit, or 1:1 when fitted (a double-click).
    pub fn toggle_actual_pixels(&mut self) {
        if self.is_fit() {
            self.actual_pixels();
        } else {
            self.fit();
        }
    }

    /// A zoom key or button.
    pub fn apply(&mut self, step: ZoomStep) {
        match step {
            ZoomStep::In => self.zoom_by(1.25),
            ZoomStep::Out => self.zoom_by(0.8),
            ZoomStep::Fit => self.fit(),
            ZoomStep::ActualPixels => self.actual_pixels(),
        }
    }

    /// Screen points per image pixel now (fitting counts).
    pub fn scale(&self) -> f32 {
        self.zoom.unwrap_or(self.last_fit)
    }

    /// Takes this frame's fit for an image of `size` pixels in `rect`, and the wheel (zoom
    /// around the cursor) and, when `pan` is allowed, the drag over `response`.
    pub fn update(&mut self, ui: &Ui, rect: Rect, size: Vec2, response: &Response, pan: bool) {
        self.pixels_per_point = ui.ctx().pixels_per_point();
        self.last_fit = (rect.width() / size.x).min(rect.height() / size.y).min(1.0);
        if response.hovered() {
            let scroll = ui.input(|i| i.smooth_scroll_delta.y + (i.zoom_delta() - 1.0) * 200.0);
            if scroll.abs() > 0.0 {
                let before = self.scale();
                self.zoom_by((scroll / 200.0).exp());
                if let Some(pointer) = response.hover_pos() {
                    let k = self.scale() / before;
                    let from_centre = pointer - rect.center() - self.pan;
                    self.pan -= from_centre * (k - 1.0);
                }
            }
        }
        if pan && response.dragged() {
            self.pan += response.drag_delta();
        }
    }

    /// Where an image of `size` pixels is drawn in `rect`.
    pub fn image_rect(&self, rect: Rect, size: Vec2) -> Rect {
        Rect::from_center_size(rect.center() + self.pan, size * self.scale())
    }
}

/// The sharpest texture of `photo` worth drawing `shown` points large: the preview, or past
/// its resolution the decoded original (the preview stands in while that loads). The second
/// value says the original is wanted but still loading.
pub fn photo_texture(
    state: &AppState,
    images: &mut ImageCache,
    photo: &Photo,
    shown: Vec2,
) -> (Option<TextureHandle>, bool) {
    let full_size = Vec2::new(photo.width as f32, photo.height as f32);
    let preview_edge = (PREVIEW_EDGE as f32).min(full_size.max_elem());
    let wants_full = shown.max_elem() > preview_edge * 1.05;
    let get = |images: &mut ImageCache, rendition| {
        state
            .image_request(photo.id, &photo.hash, photo.format, rendition)
            .and_then(|r| images.get(&r))
    };
    let full = if wants_full {
        get(images, Rendition::Full)
    } else {
        None
    };
    if full.is_some() {
        return (full, false);
    }
    let preview = get(images, Rendition::Preview);
    // The grid's thumbnail stands in for a moment while the preview loads.
    let fallback = if preview.is_none() && images.contains(&(photo.id, Rendition::Thumbnail)) {
        get(images, Rendition::Thumbnail)
    } else {
        None
    };
    (preview.or(fallback), wants_full)
}

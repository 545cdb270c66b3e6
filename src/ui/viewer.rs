//! The photo large: fit to window, zoom (wheel, keys, 1:1) and pan. The screen preview shows
//! at once; the full-resolution original loads in the background when zoomed past it.

use super::theme::{self, palette};
use super::zoom::{ZoomPan, photo_texture};
use crate::app::faces::FaceState;
use crate::app::images::{ImageCache, Rendition};
use crate::app::nav::ViewerScreen;
use crate::app::{Action, AppState, Commands};
use crate::model::Photo;
use egui::{Rect, RichText, Sense, Ui, Vec2};

#[derive(Debug, Default)]
pub struct ViewerPanel {
    zoom: ZoomPan,
    /// The viewer screen last drawn (its `opened`) and the zoom requests taken from it.
    opened: u64,
    zoom_seen: u64,
    /// Frames since the photo was opened: the double-click that opened it must not also
    /// zoom it.
    frames_shown: u32,
    /// The photo last drawn, shown while the next one's details are read when stepping.
    last: Option<Photo>,
    last_frame: u64,
    /// The measuring panel beside the photo.
    measure: super::measure::MeasurePanel,
}

impl ViewerPanel {
    /// Starts fitted for every photo opened, and takes the zoom keys pressed since.
    fn react(&mut self, screen: &ViewerScreen) {
        if self.opened != screen.opened {
            self.opened = screen.opened;
            self.zoom_seen = 0;
            self.zoom.fit();
            self.frames_shown = 0;
        }
        for step in screen.zoom.since(&mut self.zoom_seen) {
            self.zoom.apply(*step);
        }
    }

    pub fn ui(
        &mut self,
        ui: &mut Ui,
        state: &AppState,
        screen: &ViewerScreen,
        images: &mut ImageCache,
        commands: &mut Commands,
    ) {
        self.react(screen);
        let frame = ui.ctx().cumulative_frame_nr();
        if frame > self.last_frame + 1 {
            // Opened afresh, not stepped: nothing of before stands in.
            self.last = None;
        }
        self.last_frame = frame;
        if let Some(inspected) = state
            .inspector
            .shown()
            .filter(|i| i.details.photo.id == screen.photo)
        {
            self.last = Some(inspected.details.photo.clone());
        }
        let Some(photo) = self.last.clone() else {
            ui.spinner();
            return;
        };
        self.frames_shown = self.frames_shown.saturating_add(1);
        // What is known of this photo's face, once its details are in.
        let face = state
            .inspector
            .shown()
            .filter(|i| i.details.photo.id == photo.id)
            .map(|i| i.face.as_ref());
        let face_state = face.map(FaceState::of);
        self.toolbar(ui, state, screen, &photo, face_state, commands);
        let tab = state.measure.tab;
        if let Some(tab) = tab {
            let on_screen = [super::measure::OnScreen {
                photo: photo.id,
                title: photo.taken_at.local.format("%Y-%m-%d").to_string(),
                colour: None,
            }];
            egui::Panel::right("viewer-measure")
                .resizable(true)
                .default_size(330.0)
                .min_size(280.0)
                .show(ui, |ui| {
                    self.measure.ui(ui, state, &on_screen, tab, commands);
                });
        }
        self.canvas(ui, state, &photo, tab, images, commands);
    }

    /// The photo, zoomed and panned, with what measuring draws over it.
    fn canvas(
        &mut self,
        ui: &mut Ui,
        state: &AppState,
        photo: &Photo,
        tab: Option<crate::app::measure::Tab>,
        images: &mut ImageCache,
        commands: &mut Commands,
    ) {
        let (rect, response) = ui.allocate_exact_size(ui.available_size(), Sense::click_and_drag());
        let colours = palette(ui);
        ui.painter().rect_filled(rect, 0.0, colours.canvas);
        let full_size = Vec2::new(photo.width as f32, photo.height as f32);
        // While measuring, the left button draws; the right or middle button pans.
        self.zoom
            .update(ui, rect, full_size, &response, tab.is_none());
        if tab.is_some()
            && (response.dragged_by(egui::PointerButton::Secondary)
                || response.dragged_by(egui::PointerButton::Middle))
        {
            self.zoom.pan += response.drag_delta();
        }
        if response.double_clicked() && self.frames_shown > 3 && tab.is_none() {
            self.zoom.toggle_actual_pixels();
        }
        let image_rect = self.zoom.image_rect(rect, full_size);
        let (texture, loading_full) = photo_texture(state, images, photo, image_rect.size());
        let painter = ui.painter_at(rect);
        let uv = Rect::from_min_max(egui::pos2(0.0, 0.0), egui::pos2(1.0, 1.0));
        let corrected = state.measure.card.corrected_texture(photo.id);
        if let Some(texture) = corrected.or(texture.as_ref()) {
            painter.image(texture.id(), image_rect, uv, theme::AS_IS);
            if corrected.is_some() {
                painter.text(
                    rect.left_bottom() + Vec2::new(8.0, -8.0),
                    egui::Align2::LEFT_BOTTOM,
                    "Corrected with the reference card (preview resolution)",
                    egui::FontId::proportional(13.0),
                    colours.canvas_caption,
                );
            }
        } else {
            let text = images
                .error(&(photo.id, Rendition::Preview))
                .map_or("Loading…".to_owned(), |e| format!("Cannot show: {e}"));
            painter.text(
                rect.center(),
                egui::Align2::CENTER_CENTER,
                text,
                egui::FontId::proportional(16.0),
                colours.canvas_text,
            );
        }
        if let Some(tab) = tab {
            ui.interact(
                image_rect.intersect(rect),
                ui.scope_id().with("measured-photo"),
                Sense::hover(),
            )
            .widget_info(|| egui::WidgetInfo::labeled(egui::Role::Image, true, "Photo to measure"));
            let area = super::measure::overlay::PhotoArea { rect: image_rect };
            self.measure.overlay(
                ui, &painter, state, &area, photo.id, tab, &response, commands,
            );
        }
        // The face found on this photo, once its details are in.
        let face = state
            .inspector
            .shown()
            .filter(|i| i.details.photo.id == photo.id)
            .and_then(|i| i.face.as_ref())
            .and_then(|r| r.face.as_ref());
        if state.faces.show_regions
            && let Some(found) = face
        {
            let place = super::faces::Placement {
                frame: image_rect,
                frame_photo: photo,
                transform: crate::model::Similarity::IDENTITY,
            };
            let colour = colours.side_a;
            super::faces::draw_regions(ui, &painter, &found.landmarks, &place, colour, None);
        }
        if loading_full && images.is_loading() {
            painter.text(
                rect.left_top() + Vec2::splat(8.0),
                egui::Align2::LEFT_TOP,
                "Loading full resolution…",
                egui::FontId::proportional(13.0),
                colours.canvas_caption,
            );
        }
    }

    fn toolbar(
        &self,
        ui: &mut Ui,
        state: &AppState,
        screen: &ViewerScreen,
        photo: &Photo,
        face: Option<FaceState>,
        commands: &mut Commands,
    ) {
        let grid = &state.browse.grid;
        // Until the view is counted: the photos read so far, and more to come.
        let (count, more) = grid.total().map_or((grid.items.len(), "+"), |n| (n, ""));
        let position = state
            .browse
            .grid
            .position(screen.photo)
            .map_or(0, |i| i + 1);
        // Two rows, each kept together: stepping; then zoom (its buttons beside the figure
        // they change) and what the photo is, cut short when the window is narrow.
        ui.horizontal(|ui| {
            super::action_button(ui, Action::Back, true, commands);
            super::action_button(ui, Action::PreviousPhoto, position > 1, commands);
            let next = position < count || !grid.is_complete();
            super::action_button(ui, Action::NextPhoto, next, commands);
            ui.label(RichText::new(format!("{position} / {count}{more}")).weak());
        });
        ui.horizontal(|ui| {
            super::action_button(ui, Action::ZoomFit, true, commands);
            super::action_button(ui, Action::ZoomActual, true, commands);
            ui.label(format!("{:.0} %", self.zoom.scale() * 100.0));
            ui.separator();
            super::measure::viewer_buttons(ui, state, commands);
            ui.separator();
            let missing: Vec<(&str, FaceState)> = face.map(|f| ("", f)).into_iter().collect();
            super::faces::regions_toggle(ui, state, &missing, commands);
            ui.separator();
            let text = format!("{} · {}", photo.original_name, photo.taken_at);
            ui.add(egui::Label::new(RichText::new(&text).strong()).truncate())
                .on_hover_text(&text);
        });
    }
}

//! Drawing the two photos. Everything is textures on the GPU: B is a textured quad placed
//! by the pair's transform, the slider is two clip rectangles, the overlay a tint. Only the
//! difference needs pixels, and those are computed in the background.

use super::faces::draw_side_regions;
use super::{ComparePanel, side_colour};
use crate::app::compare::Comparison;
use crate::app::images::ImageCache;
use crate::app::{AppState, Commands, CompareCommand, CompareMode};
use crate::model::transform::{from_normalised, to_normalised};
use crate::model::{Photo, Side, Similarity};
use crate::ui::theme::{self, on_photo, palette};
use crate::ui::zoom::photo_texture;
use egui::{Align2, Color32, FontId, Painter, Pos2, Rect, Sense, Ui, Vec2, pos2, vec2};

/// The four corners of B on screen (clockwise from top-left), when A is drawn in `a_rect`.
fn b_quad(a_rect: Rect, a: &Photo, b: &Photo, t: &Similarity) -> [Pos2; 4] {
    let (bw, bh) = (f64::from(b.width), f64::from(b.height));
    let per_pixel = a_rect.width() / a.width as f32;
    [[0.0, 0.0], [bw, 0.0], [bw, bh], [0.0, bh]].map(|corner| {
        let on_a = from_normalised(
            t.apply(to_normalised(corner, b.width, b.height)),
            a.width,
            a.height,
        );
        a_rect.min + vec2(on_a[0] as f32, on_a[1] as f32) * per_pixel
    })
}

/// A whole texture stretched onto a quad.
fn draw_quad(painter: &Painter, texture: egui::TextureId, quad: [Pos2; 4], tint: Color32) {
    let mut mesh = egui::Mesh::with_texture(texture);
    let uvs = [
        pos2(0.0, 0.0),
        pos2(1.0, 0.0),
        pos2(1.0, 1.0),
        pos2(0.0, 1.0),
    ];
    for (pos, uv) in quad.into_iter().zip(uvs) {
        mesh.vertices.push(egui::epaint::Vertex {
            pos,
            uv,
            color: tint,
        });
    }
    mesh.add_triangle(0, 1, 2);
    mesh.add_triangle(0, 2, 3);
    painter.add(egui::Shape::mesh(mesh));
}

/// Draws one side (A in `a_rect`, or B placed on it); returns whether the original is
/// still loading.
pub(super) fn draw_side(
    painter: &Painter,
    state: &AppState,
    images: &mut ImageCache,
    c: &Comparison,
    side: Side,
    a_rect: Rect,
    tint: Color32,
) -> bool {
    let (a, b) = (&c.pair.a.photo, &c.pair.b.photo);
    let quad = match side {
        Side::A => [
            a_rect.left_top(),
            a_rect.right_top(),
            a_rect.right_bottom(),
            a_rect.left_bottom(),
        ],
        Side::B => b_quad(a_rect, a, b, &c.transform()),
    };
    let photo = &c.pair.side(side).photo;
    let shown = vec2(quad[0].distance(quad[1]), quad[0].distance(quad[3]));
    let (texture, loading) = photo_texture(state, images, photo, shown);
    if let Some(t) = texture {
        draw_quad(painter, t.id(), quad, tint);
    } else {
        let message = images
            .error(&(photo.id, crate::app::images::Rendition::Preview))
            .map_or("Loading…".to_owned(), |e| format!("Cannot show: {e}"));
        painter.text(
            painter.clip_rect().center(),
            Align2::CENTER_CENTER,
            message,
            FontId::proportional(15.0),
            theme::of(&painter.ctx().global_style().visuals).canvas_text,
        );
    }
    loading
}

/// B through the pair's transform over A drawn in `a_rect`, at `alpha` (0–255).
pub(super) fn draw_b_over(
    painter: &Painter,
    state: &AppState,
    images: &mut ImageCache,
    c: &Comparison,
    a_rect: Rect,
    alpha: u8,
) {
    draw_side(
        painter,
        state,
        images,
        c,
        Side::B,
        a_rect,
        theme::see_through(alpha),
    );
}

/// Gives painted text a place in the accessibility tree (screen readers, tests).
fn accessible(ui: &Ui, rect: Rect, text: &str) {
    ui.interact(rect, ui.scope_id().with(("text", text)), Sense::hover())
        .widget_info(|| egui::WidgetInfo::labeled(egui::Role::Label, true, text));
}

/// A side's label in a box at a corner of `area`.
pub(super) fn draw_label(
    ui: &Ui,
    painter: &Painter,
    c: &Comparison,
    side: Side,
    area: Rect,
    align: Align2,
) {
    let text = c.pair.label_lines(side).join("\n");
    let galley = painter.layout_no_wrap(text.clone(), FontId::proportional(13.0), on_photo::TEXT);
    let size = galley.size() + Vec2::splat(12.0);
    let rect = align.align_size_within_rect(size, area.shrink(8.0));
    accessible(ui, rect, &text);
    painter.rect_filled(rect, 4.0, on_photo::LABEL_BACKGROUND);
    painter.rect_stroke(
        rect,
        4.0,
        egui::Stroke::new(1.5, side_colour(ui, side)),
        egui::StrokeKind::Inside,
    );
    painter.galley(rect.min + Vec2::splat(6.0), galley, on_photo::TEXT);
}

fn caption(ui: &Ui, painter: &Painter, area: Rect, text: &str) {
    let drawn = painter.text(
        area.left_top() + vec2(10.0, 8.0),
        Align2::LEFT_TOP,
        text,
        FontId::proportional(13.0),
        palette(ui).canvas_caption,
    );
    accessible(ui, drawn, text);
}

impl ComparePanel {
    pub(super) fn canvas(
        &mut self,
        ui: &mut Ui,
        state: &AppState,
        c: &Comparison,
        images: &mut ImageCache,
        commands: &mut Commands,
    ) {
        let settings = &state.compare.settings;
        let (rect, response) = ui.allocate_exact_size(ui.available_size(), Sense::click_and_drag());
        ui.painter().rect_filled(rect, 0.0, palette(ui).canvas);
        let a = &c.pair.a.photo;
        let a_size = vec2(a.width as f32, a.height as f32);
        let loading = if settings.mode == CompareMode::SideBySide {
            self.side_by_side(ui, state, c, images, rect, &response)
        } else {
            self.zoom
                .update(ui, rect, a_size, &response, !self.dragging_divider);
            let a_rect = self.zoom.image_rect(rect, a_size);
            let painter = ui.painter_at(rect);
            match settings.mode {
                CompareMode::Slider => self.slider(ui, state, c, images, rect, a_rect, commands),
                CompareMode::Overlay => {
                    let mut loading =
                        draw_side(&painter, state, images, c, Side::A, a_rect, theme::AS_IS);
                    let tint = theme::see_through((settings.opacity * 255.0).round() as u8);
                    loading |= draw_side(&painter, state, images, c, Side::B, a_rect, tint);
                    draw_side_regions(ui, &painter, state, c, Side::A, a_rect);
                    draw_side_regions(ui, &painter, state, c, Side::B, a_rect);
                    draw_label(ui, &painter, c, Side::A, rect, Align2::LEFT_BOTTOM);
                    draw_label(ui, &painter, c, Side::B, rect, Align2::RIGHT_BOTTOM);
                    caption(
                        ui,
                        &painter,
                        rect,
                        &format!("B over A at {:.0} %", settings.opacity * 100.0),
                    );
                    loading
                }
                CompareMode::Difference => difference(ui, &painter, state, c, images, a_rect),
                CompareMode::Flicker => flicker(ui, &painter, state, c, images, a_rect),
                CompareMode::SideBySide
                | CompareMode::Sheet
                | CompareMode::Align
                | CompareMode::Measure => false,
            }
        };
        if response.double_clicked() {
            self.zoom.toggle_actual_pixels();
        }
        if loading && images.is_loading() {
            ui.painter_at(rect).text(
                rect.right_top() + vec2(-10.0, 8.0),
                Align2::RIGHT_TOP,
                "Loading full resolution…",
                FontId::proportional(13.0),
                palette(ui).canvas_caption,
            );
        }
    }

    /// A and B next to each other, zoomed and panned together, or (unlinked) each alone.
    fn side_by_side(
        &mut self,
        ui: &mut Ui,
        state: &AppState,
        c: &Comparison,
        images: &mut ImageCache,
        rect: Rect,
        response: &egui::Response,
    ) -> bool {
        let a = &c.pair.a.photo;
        let a_size = vec2(a.width as f32, a.height as f32);
        let half = vec2((rect.width() - 6.0) / 2.0, rect.height());
        let left = Rect::from_min_size(rect.min, half);
        let right = Rect::from_min_size(pos2(rect.right() - half.x, rect.top()), half);
        let pointer = response.hover_pos().or(response.interact_pointer_pos());
        let in_right = pointer.is_some_and(|p| right.contains(p));
        // Zoom around the cursor in the half it is over; drag moves both, or one alone.
        let (zoom_rect, pan_offset) = if in_right {
            (right, self.pan_b)
        } else {
            (left, Vec2::ZERO)
        };
        self.zoom.pan += pan_offset;
        self.zoom.update(ui, zoom_rect, a_size, response, false);
        self.zoom.pan -= pan_offset;
        if response.dragged() {
            let delta = response.drag_delta();
            match (state.compare.settings.linked, in_right) {
                (true, _) => self.zoom.pan += delta,
                // Unlinked: the side under the pointer moves, the other stays put.
                (false, false) => {
                    self.zoom.pan += delta;
                    self.pan_b -= delta;
                }
                (false, true) => self.pan_b += delta,
            }
        }
        let a_rect = self.zoom.image_rect(left, a_size);
        let b_frame = self.zoom.image_rect(right, a_size).translate(self.pan_b);
        let painter = ui.painter_at(left);
        let mut loading = draw_side(&painter, state, images, c, Side::A, a_rect, theme::AS_IS);
        draw_side_regions(ui, &painter, state, c, Side::A, a_rect);
        draw_label(ui, &painter, c, Side::A, left, Align2::LEFT_BOTTOM);
        let painter = ui.painter_at(right);
        loading |= draw_side(&painter, state, images, c, Side::B, b_frame, theme::AS_IS);
        draw_side_regions(ui, &painter, state, c, Side::B, b_frame);
        draw_label(ui, &painter, c, Side::B, right, Align2::LEFT_BOTTOM);
        loading
    }

    /// A before the divider, B after it; the divider is a widget of its own (drag, or the
    /// keys), so it can be grabbed anywhere along its length.
    #[allow(clippy::too_many_arguments)]
    fn slider(
        &mut self,
        ui: &mut Ui,
        state: &AppState,
        c: &Comparison,
        images: &mut ImageCache,
        rect: Rect,
        a_rect: Rect,
        commands: &mut Commands,
    ) -> bool {
        let split = state.compare.settings.split;
        let (a_part, b_part, handle) = if split.vertical {
            let x = (a_rect.left() + split.at * a_rect.width()).clamp(rect.left(), rect.right());
            (
                Rect::from_min_max(rect.min, pos2(x, rect.bottom())),
                Rect::from_min_max(pos2(x, rect.top()), rect.max),
                Rect::from_center_size(pos2(x, rect.center().y), vec2(14.0, rect.height())),
            )
        } else {
            let y = (a_rect.top() + split.at * a_rect.height()).clamp(rect.top(), rect.bottom());
            (
                Rect::from_min_max(rect.min, pos2(rect.right(), y)),
                Rect::from_min_max(pos2(rect.left(), y), rect.max),
                Rect::from_center_size(pos2(rect.center().x, y), vec2(rect.width(), 14.0)),
            )
        };
        let (a_painter, b_painter) = (ui.painter_at(a_part), ui.painter_at(b_part));
        let mut loading = draw_side(&a_painter, state, images, c, Side::A, a_rect, theme::AS_IS);
        loading |= draw_side(&b_painter, state, images, c, Side::B, a_rect, theme::AS_IS);
        draw_side_regions(ui, &a_painter, state, c, Side::A, a_rect);
        draw_side_regions(ui, &b_painter, state, c, Side::B, a_rect);
        let painter = ui.painter_at(rect);
        let divider = handle.shrink2(if split.vertical {
            vec2(6.0, 0.0)
        } else {
            vec2(0.0, 6.0)
        });
        let response = ui
            .interact(handle, ui.scope_id().with("divider"), Sense::drag())
            .on_hover_cursor(if split.vertical {
                egui::CursorIcon::ResizeHorizontal
            } else {
                egui::CursorIcon::ResizeVertical
            });
        response.widget_info(|| egui::WidgetInfo::slider(true, f64::from(split.at), "Divider"));
        let active = response.hovered() || response.dragged();
        painter.rect_filled(
            divider,
            0.0,
            if active {
                on_photo::DIVIDER
            } else {
                on_photo::DIVIDER_IDLE
            },
        );
        painter.circle_filled(handle.center(), 9.0, on_photo::DIVIDER);
        painter.circle_stroke(
            handle.center(),
            9.0,
            egui::Stroke::new(1.0, on_photo::HANDLE_RING),
        );
        self.dragging_divider = response.dragged();
        if response.dragged()
            && let Some(p) = response.interact_pointer_pos()
        {
            let at = if split.vertical {
                (p.x - a_rect.left()) / a_rect.width()
            } else {
                (p.y - a_rect.top()) / a_rect.height()
            };
            commands.push(CompareCommand::Split(at).into());
        }
        let (a_corner, b_corner) = if split.vertical {
            (Align2::LEFT_BOTTOM, Align2::RIGHT_BOTTOM)
        } else {
            (Align2::LEFT_TOP, Align2::LEFT_BOTTOM)
        };
        draw_label(ui, &painter, c, Side::A, rect, a_corner);
        draw_label(ui, &painter, c, Side::B, rect, b_corner);
        loading
    }
}

/// The series contact sheet: one photo per session of the timeline, labelled; a click puts
/// a photo on the B side.
pub fn sheet(
    ui: &mut Ui,
    state: &AppState,
    c: &Comparison,
    images: &mut ImageCache,
    commands: &mut Commands,
) {
    let Some(series) = c.pair.main_series() else {
        ui.label("These photos are not in a series: there is no sheet to show.");
        return;
    };
    let cells: Vec<&Photo> = c
        .timeline
        .iter()
        .filter_map(|id| series.photo(*id).map(|p| &p.photo))
        .collect();
    if cells.is_empty() {
        ui.label("No photo of the series lines up with A.");
        return;
    }
    let columns = crate::imaging::compose::sheet_columns(cells.len());
    let rows = cells.len().div_ceil(columns);
    let area = ui.available_rect_before_wrap();
    let gap = 6.0;
    let cell = vec2(
        (area.width() - gap * (columns as f32 - 1.0)) / columns as f32,
        (area.height() - gap * (rows as f32 - 1.0)) / rows as f32,
    );
    for (i, photo) in cells.iter().enumerate() {
        let (col, row) = (i % columns, i / columns);
        let cell_rect = Rect::from_min_size(
            area.min + vec2(col as f32 * (cell.x + gap), row as f32 * (cell.y + gap)),
            cell,
        );
        // Aligned photos are drawn in the first photo's frame, like B in a comparison.
        let aligned = c.sheet_transforms.get(&photo.id);
        let frame_photo = if aligned.is_some() { cells[0] } else { photo };
        let size = vec2(frame_photo.width as f32, frame_photo.height as f32);
        let k = (cell.x / size.x).min(cell.y / size.y);
        let image_rect = Rect::from_center_size(cell_rect.center(), size * k);
        let response = ui.interact(
            cell_rect,
            ui.scope_id().with(("sheet", photo.id)),
            Sense::click(),
        );
        let painter = ui.painter_at(image_rect);
        let quad = match aligned {
            Some(t) => b_quad(image_rect, cells[0], photo, t),
            None => [
                image_rect.left_top(),
                image_rect.right_top(),
                image_rect.right_bottom(),
                image_rect.left_bottom(),
            ],
        };
        let shown = vec2(quad[0].distance(quad[1]), quad[0].distance(quad[3]));
        let (texture, _) = photo_texture(state, images, photo, shown);
        if let Some(t) = texture {
            draw_quad(&painter, t.id(), quad, theme::AS_IS);
        }
        let painter = ui.painter_at(cell_rect);
        let label = series.label(photo).lines().join("\n");
        response.widget_info(|| {
            egui::WidgetInfo::labeled(egui::Role::Button, true, label.replace('\n', " · "))
        });
        let galley = painter.layout_no_wrap(label, FontId::proportional(12.0), on_photo::TEXT);
        let label_rect = Align2::LEFT_BOTTOM
            .align_size_within_rect(galley.size() + Vec2::splat(10.0), image_rect.shrink(6.0));
        painter.rect_filled(label_rect, 4.0, on_photo::LABEL_BACKGROUND);
        painter.galley(label_rect.min + Vec2::splat(5.0), galley, on_photo::TEXT);
        for side in [Side::A, Side::B] {
            let colour = side_colour(ui, side);
            if c.pair.side(side).id() == photo.id {
                painter.rect_stroke(
                    image_rect,
                    0.0,
                    egui::Stroke::new(3.0, colour),
                    egui::StrokeKind::Inside,
                );
                painter.text(
                    image_rect.left_top() + vec2(8.0, 6.0),
                    Align2::LEFT_TOP,
                    side.name(),
                    FontId::proportional(20.0),
                    colour,
                );
            }
        }
        if response.clicked() {
            commands.push(CompareCommand::Set(Side::B, photo.id).into());
        }
    }
    ui.allocate_rect(area, Sense::hover());
}

/// The amplified difference when it is computed; A dimmed meanwhile.
fn difference(
    ui: &Ui,
    painter: &Painter,
    state: &AppState,
    c: &Comparison,
    images: &mut ImageCache,
    a_rect: Rect,
) -> bool {
    let settings = &state.compare.settings;
    let rect = painter.clip_rect();
    let wanted = c.wanted_difference(settings);
    let mut loading = false;
    match &c.difference {
        Some(d) => {
            painter.image(
                d.texture.id(),
                a_rect,
                Rect::from_min_max(pos2(0.0, 0.0), pos2(1.0, 1.0)),
                theme::AS_IS,
            );
        }
        None => {
            loading = draw_side(painter, state, images, c, Side::A, a_rect, theme::DIMMED);
        }
    }
    draw_side_regions(ui, painter, state, c, Side::A, a_rect);
    let current = c.difference.as_ref().is_some_and(|d| d.key == wanted);
    caption(
        ui,
        painter,
        rect,
        &if current {
            format!(
                "Difference |B − A|, gain ×{:.1}{} (at preview resolution)",
                settings.gain,
                if settings.heat { ", heat map" } else { "" }
            )
        } else {
            "Computing the difference…".to_owned()
        },
    );
    draw_label(ui, painter, c, Side::A, rect, Align2::LEFT_BOTTOM);
    draw_label(ui, painter, c, Side::B, rect, Align2::RIGHT_BOTTOM);
    loading
}

/// A and B in turn at the set interval, or B while Space is held.
fn flicker(
    ui: &Ui,
    painter: &Painter,
    state: &AppState,
    c: &Comparison,
    images: &mut ImageCache,
    a_rect: Rect,
) -> bool {
    let settings = &state.compare.settings;
    let rect = painter.clip_rect();
    let held = !ui.ctx().egui_wants_keyboard_input() && ui.input(|i| i.key_down(egui::Key::Space));
    let show_b = held
        || (settings.flicker_auto && {
            let period = f64::from(settings.flicker_ms) / 1000.0;
            let t = ui.input(|i| i.time);
            let remaining = period - t % period;
            ui.ctx()
                .request_repaint_after(std::time::Duration::from_secs_f64(remaining));
            (t / period) as u64 % 2 == 1
        });
    let side = if show_b { Side::B } else { Side::A };
    let loading = draw_side(painter, state, images, c, side, a_rect, theme::AS_IS);
    draw_side_regions(ui, painter, state, c, side, a_rect);
    draw_label(ui, painter, c, side, rect, Align2::LEFT_BOTTOM);
    painter.text(
        rect.left_top() + vec2(12.0, 8.0),
        Align2::LEFT_TOP,
        side.name(),
        FontId::proportional(32.0),
        side_colour(ui, side),
    );
    loading
}

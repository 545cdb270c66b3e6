//! The Align mode: A and B side by side as taken; click a point on A then the same point on
//! B (numbered pairs), drag to move, right-click to delete. The fit (with each pair's residual)
//! is stored at once, so the slider and overlay show it. Auto-align proposes a transform to
//! accept or reject, and a whole series can be aligned to its baseline.

use super::{ComparePanel, side_colour};
use crate::app::compare::Comparison;
use crate::app::compare::align::{AlignCommand, AutoProposal};
use crate::app::images::ImageCache;
use crate::app::{AppState, Commands, CompareCommand};
use crate::model::Side;
use crate::ui::theme::{self, on_photo, palette};
use crate::ui::zoom::photo_texture;
use egui::{Align2, FontId, Pos2, Rect, RichText, Sense, Stroke, Ui, Vec2, pos2, vec2};

fn align(command: AlignCommand) -> crate::app::Command {
    command.into()
}

/// The Align mode's buttons and what the fit or auto-alignment says.
pub fn controls(ui: &mut Ui, c: &Comparison, state: &AppState, commands: &mut Commands) {
    let running = matches!(c.align.auto, Some(AutoProposal::Running(_)));
    if ui
        .add_enabled(!running, egui::Button::new("Auto-align"))
        .on_hover_text("Find the rotation, scale and shift that put B on A from the pixels alone")
        .clicked()
    {
        commands.push(align(AlignCommand::Auto));
    }
    let series_running = state
        .compare
        .series_align
        .as_ref()
        .is_some_and(crate::app::compare::align::SeriesAlignJob::is_running);
    if ui
        .add_enabled(
            !series_running && c.timeline.len() >= 2,
            egui::Button::new("Align series to baseline"),
        )
        .on_hover_text("Auto-align every photo of this view in the series to its first photo")
        .clicked()
    {
        commands.push(align(AlignCommand::Series));
    }
    let mut preview = state.compare.settings.align_preview;
    if ui
        .checkbox(&mut preview, "Aligned B over A")
        .on_hover_text(
            "Show B through the current alignment over A at half opacity, updated as you move points",
        )
        .changed()
    {
        commands.push(CompareCommand::AlignPreview(preview).into());
    }
    if ui
        .add_enabled(
            !c.align.landmarks.is_empty(),
            egui::Button::new("Clear points"),
        )
        .clicked()
    {
        commands.push(align(AlignCommand::ClearPoints));
    }
    if ui
        .add_enabled(c.aligned.is_some(), egui::Button::new("Reset alignment"))
        .on_hover_text("Forget how B is aligned: back to the photos as taken")
        .clicked()
    {
        commands.push(align(AlignCommand::Reset));
    }
    ui.end_row();
    fit_ui(ui, c);
    auto_ui(ui, c, commands);
}

/// What the landmarks' fit says.
fn fit_ui(ui: &mut Ui, c: &Comparison) {
    match &c.align.fit {
        Some(Ok(fit)) => {
            let t = &fit.transform;
            ui.label(format!(
                "{} pairs · scale {:.3}× · rotation {:+.2}° · RMS residual {:.1} px",
                c.align.landmarks.len(),
                t.scale,
                t.degrees(),
                fit.rms() * f64::from(c.pair.a.photo.width.max(c.pair.a.photo.height))
            ));
        }
        Some(Err(e)) => {
            ui.label(RichText::new(e.to_string()).color(palette(ui).caution));
        }
        None => {
            ui.label(
                RichText::new(if c.align.pending.is_some() {
                    "Now click the same point on the other photo."
                } else {
                    "Click a point on A (inner eye corner, a mole, a scar's corner), then the same point on B. Drag to move, right-click to delete."
                })
                .weak(),
            );
        }
    }
}

/// The automatic alignment's proposal, to accept or reject.
fn auto_ui(ui: &mut Ui, c: &Comparison, commands: &mut Commands) {
    match &c.align.auto {
        Some(AutoProposal::Running(_)) => {
            ui.spinner();
            ui.label("Auto-aligning…");
        }
        Some(AutoProposal::Done(Ok(found))) if found.accepted() => {
            let t = &found.transform;
            ui.label(format!(
                "Auto-align proposes: scale {:.3}×, rotation {:+.2}°, shift ({:+.1} %, {:+.1} %), confidence {:.2}.",
                t.scale,
                t.degrees(),
                t.tx * 100.0,
                t.ty * 100.0,
                found.confidence
            ));
            if ui.button("Accept").clicked() {
                commands.push(align(AlignCommand::AcceptAuto));
            }
            if ui.button("Reject").clicked() {
                commands.push(align(AlignCommand::RejectAuto));
            }
        }
        Some(AutoProposal::Done(Ok(found))) => {
            let reason = found.verdict.as_ref().err().cloned().unwrap_or_default();
            ui.label(
                RichText::new(format!("Auto-align declined: {reason}.")).color(palette(ui).caution),
            );
            if ui.button("OK").clicked() {
                commands.push(align(AlignCommand::RejectAuto));
            }
        }
        Some(AutoProposal::Done(Err(e))) => {
            ui.label(RichText::new(format!("Auto-align failed: {e}")).color(palette(ui).error));
        }
        None => {}
    }
}

/// A photo drawn in its own frame as taken, and the mapping between screen and its
/// normalised coordinates.
struct Frame {
    rect: Rect,
}

impl Frame {
    fn long(&self) -> f32 {
        self.rect.width().max(self.rect.height())
    }

    fn to_screen(&self, q: [f64; 2]) -> Pos2 {
        self.rect.center() + vec2(q[0] as f32, q[1] as f32) * self.long()
    }

    fn to_normalised(&self, p: Pos2) -> [f64; 2] {
        let d = (p - self.rect.center()) / self.long();
        [f64::from(d.x), f64::from(d.y)]
    }
}

impl ComparePanel {
    pub(super) fn align_canvas(
        &mut self,
        ui: &mut Ui,
        state: &AppState,
        c: &Comparison,
        images: &mut ImageCache,
        commands: &mut Commands,
    ) {
        let (rect, response) = ui.allocate_exact_size(ui.available_size(), Sense::click_and_drag());
        ui.painter().rect_filled(rect, 0.0, palette(ui).canvas);
        let half = vec2((rect.width() - 6.0) / 2.0, rect.height());
        let halves = [
            Rect::from_min_size(rect.min, half),
            Rect::from_min_size(pos2(rect.right() - half.x, rect.top()), half),
        ];
        let a = &c.pair.a.photo;
        let a_size = vec2(a.width as f32, a.height as f32);
        let dragging_point = self.dragging_point.is_some();
        self.zoom
            .update(ui, halves[0], a_size, &response, !dragging_point);
        // Both photos at the same size relative to their long edge, so identity lines up.
        let a_rect = self.zoom.image_rect(halves[0], a_size);
        let mut frames = Vec::new();
        for (side, area) in [(Side::A, halves[0]), (Side::B, halves[1])] {
            let photo = &c.pair.side(side).photo;
            let size = vec2(photo.width as f32, photo.height as f32);
            let long = a_rect.width().max(a_rect.height());
            let shown = size / size.max_elem() * long;
            let image_rect = Rect::from_center_size(area.center() + self.zoom.pan, shown);
            let painter = ui.painter_at(area);
            let (texture, _) = photo_texture(state, images, photo, shown);
            if let Some(t) = texture {
                painter.image(
                    t.id(),
                    image_rect,
                    Rect::from_min_max(pos2(0.0, 0.0), pos2(1.0, 1.0)),
                    theme::AS_IS,
                );
            }
            // The live result: B through the current alignment, over A.
            if side == Side::A && state.compare.settings.align_preview && c.aligned.is_some() {
                super::canvas::draw_b_over(&painter, state, images, c, image_rect, 128);
            }
            let overlaid =
                side == Side::A && state.compare.settings.align_preview && c.aligned.is_some();
            let title = if overlaid {
                "A as taken, B aligned over it at half opacity".to_owned()
            } else {
                format!("{} as taken", side.name())
            };
            let visible = image_rect.intersect(area);
            ui.interact(visible, ui.scope_id().with(("frame", side)), Sense::hover())
                .widget_info(|| {
                    egui::WidgetInfo::labeled(egui::Role::Image, true, format!("Photo {title}"))
                });
            painter.text(
                area.left_top() + vec2(10.0, 8.0),
                Align2::LEFT_TOP,
                title,
                FontId::proportional(14.0),
                side_colour(ui, side),
            );
            frames.push((side, area, Frame { rect: image_rect }));
        }
        let on_point = self.landmarks_ui(ui, c, &frames, commands);
        // A click on a photo (not on a point) places a point there.
        if response.clicked()
            && !on_point
            && let Some(p) = response.interact_pointer_pos()
            && let Some((side, _, frame)) = frames
                .iter()
                .find(|f| f.1.contains(p) && f.2.rect.contains(p))
        {
            commands.push(align(AlignCommand::AddPoint(*side, frame.to_normalised(p))));
        }
    }

    /// The points: numbered, draggable, right-click deletes; residuals beside B's. Whether
    /// the pointer is on one.
    fn landmarks_ui(
        &mut self,
        ui: &mut Ui,
        c: &Comparison,
        frames: &[(Side, Rect, Frame)],
        commands: &mut Commands,
    ) -> bool {
        let a = &c.pair.a.photo;
        let a_long = f64::from(a.width.max(a.height));
        let residuals = match &c.align.fit {
            Some(Ok(fit)) => fit.residuals.clone(),
            _ => Vec::new(),
        };
        let mut on_point = false;
        for (i, (pa, pb)) in c.align.landmarks.iter().enumerate() {
            for (side, area, frame) in frames {
                let q = match side {
                    Side::A => *pa,
                    Side::B => *pb,
                };
                let colour = side_colour(ui, *side);
                let centre = frame.to_screen(q);
                let painter = ui.painter_at(*area);
                let id = ui.scope_id().with(("landmark", i, *side));
                let handle = ui.interact(
                    Rect::from_center_size(centre, Vec2::splat(18.0)),
                    id,
                    Sense::click_and_drag(),
                );
                handle.widget_info(|| {
                    egui::WidgetInfo::labeled(
                        egui::Role::Button,
                        true,
                        format!("Landmark {} on {}", i + 1, side.name()),
                    )
                });
                on_point |= handle.hovered() || handle.dragged();
                if handle.drag_started() {
                    self.dragging_point = Some((i, *side));
                }
                if handle.dragged()
                    && let Some(p) = handle.interact_pointer_pos()
                {
                    commands.push(align(AlignCommand::MovePoint(
                        i,
                        *side,
                        frame.to_normalised(p),
                    )));
                }
                if handle.drag_stopped() {
                    self.dragging_point = None;
                }
                if handle.secondary_clicked() {
                    commands.push(align(AlignCommand::DeletePoint(i)));
                }
                painter.circle_stroke(centre, 7.0, Stroke::new(2.0, colour));
                painter.circle_filled(centre, 2.0, colour);
                let mut text = format!("{}", i + 1);
                if *side == Side::B
                    && let Some(r) = residuals.get(i)
                    && c.align.landmarks.len() >= 3
                {
                    text = format!("{} · {:.1} px", i + 1, r * a_long);
                }
                painter.text(
                    centre + vec2(9.0, -9.0),
                    Align2::LEFT_BOTTOM,
                    text,
                    FontId::proportional(13.0),
                    colour,
                );
            }
        }
        if let Some((side, q)) = c.align.pending
            && let Some((_, area, frame)) = frames.iter().find(|f| f.0 == side)
        {
            let centre = frame.to_screen(q);
            ui.painter_at(*area)
                .circle_stroke(centre, 9.0, Stroke::new(2.0, on_photo::PENDING));
        }
        on_point
    }
}

/// The series alignment's progress, then its summary per photo.
pub fn series_window(ctx: &egui::Context, state: &AppState, commands: &mut Commands) {
    let Some(job) = &state.compare.series_align else {
        return;
    };
    egui::Window::new("Align series to baseline")
        .pivot(Align2::CENTER_CENTER)
        .default_pos(ctx.content_rect().center())
        .collapsible(false)
        .resizable(false)
        .anchor(Align2::RIGHT_BOTTOM, vec2(-12.0, -40.0))
        .show(ctx, |ui| match &job.outcome {
            None => {
                let (fraction, step) = job.task.progress.get();
                ui.add(egui::ProgressBar::new(fraction).text(step));
                if ui.button("Cancel").clicked() {
                    commands.push(align(AlignCommand::CancelSeries));
                }
            }
            Some(Ok(rows)) => {
                let aligned = rows.iter().filter(|r| r.2.is_ok()).count();
                ui.label(format!(
                    "{aligned} aligned, {} declined{}.",
                    rows.len() - aligned,
                    if rows.len() < job.total {
                        " (cancelled)"
                    } else {
                        ""
                    }
                ));
                egui::ScrollArea::vertical()
                    .max_height(220.0)
                    .show(ui, |ui| {
                        for (_, date, outcome) in rows {
                            let text = match outcome {
                                Ok(confidence) => {
                                    format!("{date}: aligned (confidence {confidence:.2})")
                                }
                                Err(reason) => format!("{date}: declined, {reason}"),
                            };
                            ui.label(text);
                        }
                    });
                if ui.button("Close").clicked() {
                    commands.push(align(AlignCommand::DismissSeries));
                }
            }
            Some(Err(e)) => {
                ui.colored_label(palette(ui).error, e.to_string());
                if ui.button("Close").clicked() {
                    commands.push(align(AlignCommand::DismissSeries));
                }
            }
        });
}

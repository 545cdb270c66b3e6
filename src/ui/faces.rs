//! Faces on screen: the ten facial regions drawn over a photo, the switch that shows them
//! (saying why a photo has none), the face-scan window, and the view the head pose suggests
//! in the inspector.

use super::theme::{on_photo, palette};
use crate::app::faces::{FaceState, scan_text};
use crate::app::{Action, AppState, Commands, FaceCommand, PhotoCommand};
use crate::model::face::FaceLandmarks;
use crate::model::regions::{FacialRegion, centroid, facial_regions};
use crate::model::transform::from_normalised;
use crate::model::{Keyed, Photo, Similarity, View};
use egui::{Align2, Color32, FontId, Painter, Pos2, Rect, RichText, Sense, Stroke, Ui, vec2};

/// Where a photo's normalised point lands on screen: through `transform` (B → A) into the
/// frame photo drawn in `frame`.
pub struct Placement<'a> {
    pub frame: Rect,
    pub frame_photo: &'a Photo,
    pub transform: Similarity,
}

impl Placement<'_> {
    fn to_screen(&self, point: [f64; 2]) -> Pos2 {
        let p = &self.frame_photo;
        let [x, y] = from_normalised(self.transform.apply(point), p.width, p.height);
        let per_pixel = self.frame.width() / p.width as f32;
        self.frame.min + vec2(x as f32, y as f32) * per_pixel
    }
}

/// The ten regions of `face` as outlines, each named at its middle. `side` ("A", "B")
/// goes into the names screen readers and tests see.
pub fn draw_regions(
    ui: &Ui,
    painter: &Painter,
    face: &FaceLandmarks,
    place: &Placement,
    colour: Color32,
    side: Option<&str>,
) {
    let stroke = Stroke::new(1.5, colour);
    // Names that would cover one already written are left out (a small face on screen);
    // every region keeps its name for screen readers, and zooming in shows them all.
    let mut written: Vec<Rect> = Vec::new();
    for (region, polygon) in facial_regions(face) {
        let points: Vec<Pos2> = polygon.iter().map(|&p| place.to_screen(p)).collect();
        painter.add(egui::Shape::closed_line(points, stroke));
        let at = place.to_screen(label_anchor(region, &polygon));
        let galley = painter.layout_no_wrap(
            region.label().to_owned(),
            FontId::proportional(11.0),
            on_photo::TEXT,
        );
        let rect = Rect::from_center_size(at, galley.size() + vec2(6.0, 2.0));
        if !written.iter().any(|r| r.intersects(rect)) {
            painter.rect_filled(rect, 3.0, on_photo::LABEL_BACKGROUND);
            painter.galley(rect.min + vec2(3.0, 1.0), galley, on_photo::TEXT);
            written.push(rect);
        }
        if painter.clip_rect().contains(at) {
            let name = match side {
                Some(side) => format!("Facial region {} ({side})", region.label()),
                None => format!("Facial region {}", region.label()),
            };
            ui.interact(rect, ui.scope_id().with(("region", &name)), Sense::hover())
                .widget_info(|| egui::WidgetInfo::labeled(egui::Role::Label, true, &name));
        }
    }
}

/// Where a region's name goes: its middle; the jawline, a band around the lower face whose
/// middle is the mouth, at the jaw's angle.
fn label_anchor(region: FacialRegion, polygon: &[[f64; 2]]) -> [f64; 2] {
    if region == FacialRegion::Jawline
        && let Some(angle) = polygon.iter().copied().min_by(|p, q| p[0].total_cmp(&q[0]))
    {
        return angle;
    }
    centroid(polygon)
}

/// The switch for the regions; while on, says which photo has none and why.
pub fn regions_toggle(
    ui: &mut Ui,
    state: &AppState,
    missing: &[(&str, FaceState)],
    commands: &mut Commands,
) {
    let on = state.faces.show_regions;
    let action = Action::ToggleFaceRegions;
    let shortcut = action
        .shortcut()
        .map(|s| super::shortcut_text(&s))
        .unwrap_or_default();
    if ui
        .selectable_label(on, action.label())
        .on_hover_text(format!("{} ({shortcut})", action.tooltip()))
        .clicked()
    {
        commands.push(action.into());
    }
    if on {
        for (who, face) in missing {
            if let Some(why) = face.why_no_regions() {
                let text = if who.is_empty() {
                    format!("No regions: {why}.")
                } else {
                    format!("No regions on {who}: {why}.")
                };
                ui.label(RichText::new(text).color(palette(ui).note));
            }
        }
    }
}

/// The face scan's progress with Cancel, then what it found.
pub fn scan_window(ctx: &egui::Context, state: &AppState, commands: &mut Commands) {
    let Some(job) = &state.faces.scan else {
        return;
    };
    egui::Window::new("Finding faces")
        .collapsible(false)
        .resizable(false)
        .anchor(Align2::RIGHT_BOTTOM, vec2(-12.0, -40.0))
        .show(ctx, |ui| match &job.outcome {
            None => {
                let (fraction, step) = job.task.progress.get();
                ui.label("Looking for a face on every photo not looked at yet.");
                ui.add(egui::ProgressBar::new(fraction).text(step));
                let cancelling = job.task.is_cancelling();
                if ui
                    .add_enabled(!cancelling, egui::Button::new("Cancel"))
                    .on_hover_text("Stop after the photo being looked at; what was found is kept")
                    .clicked()
                {
                    commands.push(FaceCommand::CancelScan.into());
                }
            }
            Some(outcome) => {
                match outcome {
                    Ok(summary) => {
                        ui.label(scan_text(summary));
                        for (id, reason) in &summary.failed {
                            ui.colored_label(palette(ui).error, format!("Photo #{id}: {reason}"));
                        }
                    }
                    Err(e) => {
                        ui.colored_label(palette(ui).error, format!("Finding faces failed: {e}"));
                    }
                }
                if ui.button("Close").clicked() {
                    commands.push(FaceCommand::DismissScan.into());
                }
            }
        });
}

/// "Suggested from the head pose: Left oblique 45°  [Accept]", when it differs from the
/// photo's view.
pub fn view_suggestion(
    ui: &mut Ui,
    record: Option<&crate::catalogue::FaceRecord>,
    view: Option<View>,
    commands: &mut Commands,
) {
    let Some(suggested) = record.and_then(|r| r.suggested_view) else {
        return;
    };
    if view == Some(suggested) {
        return;
    }
    ui.horizontal_wrapped(|ui| {
        ui.label(
            RichText::new(format!(
                "Suggested from the head pose: {}",
                suggested.label()
            ))
            .color(palette(ui).note),
        );
        if ui
            .small_button("Accept")
            .on_hover_text("Set the photo's view to the suggestion (Ctrl+Z undoes it)")
            .clicked()
        {
            commands.push(PhotoCommand::SetView(Some(suggested)).into());
        }
    });
}

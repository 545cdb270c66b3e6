//! Regions over a photo on screen: the saved regions of the series, the one being measured,
//! and the outline being drawn (drag a rectangle or an ellipse, click a free outline's
//! points). Everything is kept in the photo's normalised coordinates (origin at the centre,
//! one unit per long edge), as the catalogue stores it.

use crate::app::measure::{MeasureFeature, MeasureSettings, Subject, SurroundChoice, Tool};
use crate::model::measure::{Point, Region, Shape};
use crate::model::{PhotoId, Similarity};
use crate::ui::theme::on_photo;
use egui::{Align2, Color32, FontId, Painter, PointerButton, Pos2, Rect, Response, Stroke, Ui};

/// Where a photo's whole frame is drawn on screen, and the map between the two.
#[derive(Clone, Copy, Debug)]
pub struct PhotoArea {
    pub rect: Rect,
}

impl PhotoArea {
    fn long(self) -> f32 {
        self.rect.width().max(self.rect.height())
    }

    pub fn to_screen(self, q: Point) -> Pos2 {
        self.rect.center() + egui::vec2(q[0] as f32, q[1] as f32) * self.long()
    }

    pub fn to_normalised(self, p: Pos2) -> Point {
        let d = (p - self.rect.center()) / self.long();
        [f64::from(d.x), f64::from(d.y)]
    }

    /// A closed outline on screen, through `map` (region frame → this photo's).
    fn polyline(self, outline: &[Point], map: &Similarity) -> Vec<Pos2> {
        outline
            .iter()
            .map(|p| self.to_screen(map.apply(*p)))
            .collect()
    }
}

/// Draws a closed outline readable on any skin: a dark line under a coloured one.
fn outline(painter: &Painter, points: Vec<Pos2>, width: f32, colour: Color32) {
    if points.len() < 2 {
        return;
    }
    painter.add(egui::Shape::closed_line(
        points.clone(),
        Stroke::new(width + 2.0, on_photo::SHADOW),
    ));
    painter.add(egui::Shape::closed_line(points, Stroke::new(width, colour)));
}

/// Draws `region` (lesion and surround) through `map`.
fn draw_region(
    painter: &Painter,
    area: &PhotoArea,
    region: &Region,
    map: &Similarity,
    width: f32,
    colour: Color32,
) {
    if let Some(outer) = region.surround_outline() {
        outline(
            painter,
            area.polyline(&outer, map),
            width * 0.75,
            on_photo::SURROUND,
        );
    }
    outline(
        painter,
        area.polyline(&region.shape.outline(), map),
        width,
        colour,
    );
}

/// The saved regions of the series and the region being measured, over a photo whose frame
/// is `frame_photo`'s.
pub fn draw_regions(painter: &Painter, area: &PhotoArea, m: &MeasureFeature, frame_photo: PhotoId) {
    let selected = match &m.subject {
        Some(Subject::Saved(id)) => Some(*id),
        _ => None,
    };
    for r in &m.regions.list {
        let Some(map) = m.regions.onto_frame(r.photo) else {
            continue;
        };
        let chosen = selected == Some(r.id);
        let colour = if chosen {
            on_photo::REGION
        } else {
            on_photo::REGION_OTHER
        };
        draw_region(
            painter,
            area,
            &r.region,
            &map,
            if chosen { 2.5 } else { 1.2 },
            colour,
        );
        let [x0, y0, ..] = r.region.shape.bounds();
        painter.text(
            area.to_screen(map.apply([x0, y0])) - egui::vec2(0.0, 3.0),
            Align2::LEFT_BOTTOM,
            &r.name,
            FontId::proportional(12.0),
            colour,
        );
    }
    if let Some(Subject::Draft { on, region }) = &m.subject {
        let map = if *on == frame_photo {
            Some(Similarity::IDENTITY)
        } else {
            m.regions.onto_frame(*on)
        };
        if let Some(map) = map {
            draw_region(painter, area, region, &map, 2.5, on_photo::REGION);
        }
    }
}

/// An outline being drawn on one photo.
#[derive(Debug, Default)]
pub struct RegionDrawing {
    on: Option<PhotoId>,
    /// A rectangle or ellipse being dragged: from, to.
    drag: Option<(Point, Point)>,
    /// A free outline's points so far.
    points: Vec<Point>,
    /// The lesion, drawn; its surrounding skin's outline comes next.
    lesion: Option<Shape>,
}

/// The shape spanned by a drag from `a` to `b`.
fn dragged(tool: Tool, a: Point, b: Point) -> Shape {
    let (x0, y0) = (a[0].min(b[0]), a[1].min(b[1]));
    let (w, h) = ((a[0] - b[0]).abs(), (a[1] - b[1]).abs());
    match tool {
        Tool::Ellipse => Shape::Ellipse {
            cx: x0 + w / 2.0,
            cy: y0 + h / 2.0,
            rx: w / 2.0,
            ry: h / 2.0,
        },
        Tool::Rect | Tool::Polygon => Shape::Rect { x: x0, y: y0, w, h },
    }
}

impl RegionDrawing {
    /// What to do next, in words.
    pub fn hint(&self, settings: &MeasureSettings) -> String {
        if self.lesion.is_some() {
            format!(
                "Now outline the surrounding skin to compare with. {}",
                settings.tool.hint()
            )
        } else {
            settings.tool.hint().to_owned()
        }
    }

    /// Forgets what was being drawn.
    pub fn reset(&mut self) {
        *self = Self::default();
    }

    /// Takes the pointer over the canvas (`response`) and the keys for drawing on `on`,
    /// shown in `area`; returns the region once it is complete.
    pub fn input(
        &mut self,
        ui: &Ui,
        area: &PhotoArea,
        response: &Response,
        settings: &MeasureSettings,
        on: PhotoId,
    ) -> Option<Region> {
        if self.on != Some(on) {
            self.reset();
            self.on = Some(on);
        }
        if response.secondary_clicked() {
            self.reset();
            self.on = Some(on);
            return None;
        }
        let pointer = response
            .interact_pointer_pos()
            .map(|p| area.to_normalised(p));
        let min = 3.0 / f64::from(area.long());
        let shape = match settings.tool {
            Tool::Rect | Tool::Ellipse => {
                if response.drag_started_by(PointerButton::Primary)
                    && let Some(p) = ui
                        .input(|i| i.pointer.press_origin())
                        .map(|p| area.to_normalised(p))
                {
                    self.drag = Some((p, p));
                }
                if let (Some((_, to)), Some(p)) = (&mut self.drag, pointer)
                    && response.dragged_by(PointerButton::Primary)
                {
                    *to = p;
                }
                if response.drag_stopped_by(PointerButton::Primary) {
                    self.drag
                        .take()
                        .filter(|(a, b)| (a[0] - b[0]).abs() > min && (a[1] - b[1]).abs() > min)
                        .map(|(a, b)| dragged(settings.tool, a, b))
                } else {
                    None
                }
            }
            Tool::Polygon => self.polygon_input(ui, response, pointer, min),
        };
        let shape = shape?;
        match (settings.surround, self.lesion.take()) {
            (SurroundChoice::Drawn, None) => {
                self.lesion = Some(shape);
                None
            }
            (choice, lesion) => {
                let (lesion, drawn) = match lesion {
                    Some(lesion) => (lesion, Some(shape)),
                    None => (shape, None),
                };
                Some(Region {
                    shape: lesion,
                    surround: choice.surround(drawn).flatten(),
                })
            }
        }
    }

    fn polygon_input(
        &mut self,
        ui: &Ui,
        response: &Response,
        pointer: Option<Point>,
        min: f64,
    ) -> Option<Shape> {
        let keys = !ui.ctx().egui_wants_keyboard_input();
        if keys && ui.input(|i| i.key_pressed(egui::Key::Backspace)) {
            self.points.pop();
        }
        let close = response.double_clicked()
            || (keys && self.points.len() >= 3 && ui.input(|i| i.key_pressed(egui::Key::Enter)));
        if close {
            // The double-click's first click added a point where it was; a second, as close,
            // is the same point.
            self.points
                .dedup_by(|a, b| (a[0] - b[0]).hypot(a[1] - b[1]) < min * 2.0);
            if self.points.len() >= 3 {
                return Some(Shape::Polygon(std::mem::take(&mut self.points)));
            }
        } else if response.clicked_by(PointerButton::Primary)
            && let Some(p) = pointer
        {
            self.points.push(p);
        }
        None
    }

    /// Draws the outline being drawn, and the lesion waiting for its surround.
    pub fn draw(&self, painter: &Painter, area: &PhotoArea, settings: &MeasureSettings) {
        let id = Similarity::IDENTITY;
        if let Some(lesion) = &self.lesion {
            outline(
                painter,
                area.polyline(&lesion.outline(), &id),
                2.5,
                on_photo::REGION,
            );
        }
        let colour = if self.lesion.is_some() {
            on_photo::SURROUND
        } else {
            on_photo::REGION
        };
        if let Some((a, b)) = self.drag {
            let shape = dragged(settings.tool, a, b);
            outline(painter, area.polyline(&shape.outline(), &id), 2.0, colour);
        }
        if !self.points.is_empty() {
            let line: Vec<Pos2> = self.points.iter().map(|p| area.to_screen(*p)).collect();
            painter.add(egui::Shape::line(line.clone(), Stroke::new(2.0, colour)));
            for p in line {
                painter.circle_filled(p, 3.0, colour);
            }
        }
    }
}

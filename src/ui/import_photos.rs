//! The import form's photos: a thumbnail of each with its capture date and the view and
//! lighting it will be filed with, flags for duplicates, unreadable files and dates far from
//! the session, and the per-photo controls (click to select, keys 1–6, assign in order).

use super::theme::{self, palette};
use super::widgets::{click_mode, common_combo, selection_frame};
use crate::app::import_plan::{ImportPlan, PlannedPhoto};
use crate::app::{Commands, ImportCommand};
use crate::catalogue::Common;
use crate::model::filing::MAX_DAYS_FROM_SESSION;
use crate::model::{Keyed, Lighting, View};
use chrono::NaiveDate;
use egui::{Color32, Rect, RichText, Sense, TextureHandle, Ui, Vec2};
use std::collections::HashMap;
use std::path::PathBuf;

const CELL: Vec2 = Vec2::new(148.0, 184.0);
const PICTURE_HEIGHT: f32 = 104.0;
/// What the import dialog needs besides the photo strip: its title, the paths line, the
/// summary, the controls and the form below (points).
const FORM_HEIGHT: f32 = 420.0;
/// The keys that set a view, in the order of [`View::ALL`].
const VIEW_KEYS: [egui::Key; 6] = [
    egui::Key::Num1,
    egui::Key::Num2,
    egui::Key::Num3,
    egui::Key::Num4,
    egui::Key::Num5,
    egui::Key::Num6,
];

/// The photo strip's own view state: textures of the thumbnails, the round of views that
/// "assign in order" deals.
pub struct PhotoStrip {
    textures: HashMap<PathBuf, TextureHandle>,
    round: usize,
}

impl std::fmt::Debug for PhotoStrip {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PhotoStrip")
            .field("textures", &self.textures.len())
            .field("round", &self.round)
            .finish()
    }
}

impl Default for PhotoStrip {
    fn default() -> Self {
        Self {
            textures: HashMap::new(),
            round: 3,
        }
    }
}

impl PhotoStrip {
    pub fn forget(&mut self) {
        self.textures.clear();
    }

    /// The strip for `plan`; `session` is the session date chosen in the form (photos taken
    /// far from it are flagged).
    pub fn ui(
        &mut self,
        ui: &mut Ui,
        plan: &ImportPlan,
        session: Option<NaiveDate>,
        commands: &mut Commands,
    ) {
        view_keys(ui, plan, commands);
        // One row for progress, then for the summary, of one height: the window keeps still.
        ui.horizontal(|ui| {
            ui.set_min_height(ui.spacing().interact_size.y);
            if plan.is_scanning() {
                let done = plan.photos.len();
                let fraction = if plan.total == 0 {
                    0.0
                } else {
                    done as f32 / plan.total as f32
                };
                ui.add(egui::ProgressBar::new(fraction).text(format!(
                    "Reading the photos: {done} of {} · {}",
                    plan.total,
                    plan.current().unwrap_or_default()
                )));
            } else {
                summary(ui, plan, session);
            }
        });
        // Two rows of photos when the screen has room for them and the form below, else
        // what fits (at least one row): the dialog stays inside a 1024×700 window.
        let strip = (ui.ctx().content_rect().height() - FORM_HEIGHT)
            .clamp(CELL.y + 12.0, CELL.y * 2.0 + 12.0);
        egui::ScrollArea::vertical()
            .max_height(strip)
            .min_scrolled_height(strip)
            .auto_shrink([false, false])
            .id_salt("import-photos")
            .show(ui, |ui| {
                ui.horizontal_wrapped(|ui| {
                    for (index, photo) in plan.photos.iter().enumerate() {
                        self.cell(ui, index, photo, session, commands);
                    }
                });
            });
        self.controls(ui, plan, commands);
    }

    fn texture(&mut self, ui: &Ui, photo: &PlannedPhoto) -> Option<TextureHandle> {
        let image = photo.thumbnail.as_ref()?;
        Some(
            self.textures
                .entry(photo.path.clone())
                .or_insert_with(|| {
                    ui.ctx().load_texture(
                        format!("import:{}", photo.path.display()),
                        (**image).clone(),
                        egui::TextureOptions::LINEAR,
                    )
                })
                .clone(),
        )
    }

    fn cell(
        &mut self,
        ui: &mut Ui,
        index: usize,
        photo: &PlannedPhoto,
        session: Option<NaiveDate>,
        commands: &mut Commands,
    ) {
        let (rect, response) = ui.allocate_exact_size(CELL, Sense::click());
        let lines = cell_lines(photo, session);
        let label = lines
            .iter()
            .map(|(text, _)| text.as_str())
            .collect::<Vec<_>>()
            .join(" · ");
        response.widget_info(|| {
            egui::WidgetInfo::selected(egui::Role::Button, true, photo.selected, &label)
        });
        if !ui.is_rect_visible(rect) {
            return;
        }
        let painter = ui.painter_at(rect);
        painter.rect_filled(rect, 4.0, ui.visuals().extreme_bg_color);
        let picture = Rect::from_min_size(rect.min, Vec2::new(CELL.x, PICTURE_HEIGHT)).shrink(4.0);
        if let Some(texture) = self.texture(ui, photo) {
            let size = texture.size_vec2();
            let scale = (picture.width() / size.x).min(picture.height() / size.y);
            painter.image(
                texture.id(),
                Rect::from_center_size(picture.center(), size * scale),
                Rect::from_min_max(egui::pos2(0.0, 0.0), egui::pos2(1.0, 1.0)),
                theme::AS_IS,
            );
        } else {
            painter.text(
                picture.center(),
                egui::Align2::CENTER_CENTER,
                if photo.error.is_some() {
                    "cannot be read"
                } else {
                    "no picture"
                },
                egui::FontId::proportional(12.0),
                ui.visuals().weak_text_color(),
            );
        }
        let font = egui::FontId::proportional(11.5);
        for (i, (text, tone)) in lines.iter().enumerate() {
            let color = tone.color(ui);
            let mut job = egui::text::LayoutJob::single_section(
                text.clone(),
                egui::TextFormat::simple(font.clone(), color),
            );
            job.wrap = egui::text::TextWrapping::truncate_at_width(CELL.x - 8.0);
            let galley = painter.layout_job(job);
            painter.galley(
                egui::pos2(
                    rect.min.x + 4.0,
                    rect.min.y + PICTURE_HEIGHT + 15.0 * i as f32,
                ),
                galley,
                color,
            );
        }
        selection_frame(ui, &painter, rect, photo.selected, response.hovered());
        let response = response.on_hover_text(format!(
            "{}\n{label}\nClick to select (Ctrl-click: add, Shift-click: range); keys 1–6 set the view",
            photo.path.display()
        ));
        if response.clicked() {
            let mode = click_mode(ui);
            commands.push(ImportCommand::Pick { index, mode }.into());
        }
    }

    /// View and lighting of the selected photos, and "assign in order".
    fn controls(&mut self, ui: &mut Ui, plan: &ImportPlan, commands: &mut Commands) {
        let selected: Vec<&PlannedPhoto> = plan.photos.iter().filter(|p| p.selected).collect();
        ui.horizontal_wrapped(|ui| {
            ui.set_min_height(ui.spacing().interact_size.y);
            if selected.is_empty() {
                ui.label(
                    RichText::new(
                        "Click photos to give them their own view and lighting (Ctrl-click adds, \
                         Shift-click a range; keys 1–6 set the view).",
                    )
                    .weak(),
                );
                return;
            }
            ui.label(RichText::new(format!("{} selected:", selected.len())).strong());
            if let Some(view) = common_combo(
                ui,
                "import-photo-view",
                "Their view",
                "As for all",
                Common::of(selected.iter().map(|p| p.tags.view)),
                View::ALL
                    .iter()
                    .enumerate()
                    .map(|(i, v)| (*v, format!("{} · key {}", v.label(), i + 1))),
            ) {
                commands.push(ImportCommand::SetView(view).into());
            }
            if let Some(lighting) = common_combo(
                ui,
                "import-photo-lighting",
                "Their lighting",
                "As for all",
                Common::of(selected.iter().map(|p| p.tags.lighting)),
                Lighting::ALL.iter().map(|l| (*l, l.label().to_owned())),
            ) {
                commands.push(ImportCommand::SetLighting(lighting).into());
            }
            if ui.button("Select none").clicked() {
                commands.push(ImportCommand::SelectAll(false).into());
            }
        });
        ui.horizontal_wrapped(|ui| {
            let order: Vec<&str> = View::ALL[..self.round].iter().map(|v| v.label()).collect();
            let whom = if selected.is_empty() {
                "the new photos"
            } else {
                "the selected photos"
            };
            if ui
                .button("Assign in order")
                .on_hover_text(format!(
                    "Gives {whom}, in the order they were taken, the views {} and then again",
                    order.join(", ")
                ))
                .clicked()
            {
                commands.push(ImportCommand::AssignInOrder(self.round).into());
            }
            ui.label(format!("{}, …", order.join(", ")));
            egui::ComboBox::from_id_salt("import-round")
                .selected_text(format!("{} views a round", self.round))
                .show_ui(ui, |ui| {
                    for n in 1..=View::ALL.len() {
                        ui.selectable_value(&mut self.round, n, format!("{n} views a round"));
                    }
                });
            if ui.button("Select all").clicked() {
                commands.push(ImportCommand::SelectAll(true).into());
            }
        });
    }
}

/// Keys 1–6 set the view of the selected photos, 0 returns them to the common choice (while
/// no text field has the keyboard).
fn view_keys(ui: &Ui, plan: &ImportPlan, commands: &mut Commands) {
    if plan.selected_count() == 0 || ui.ctx().egui_wants_keyboard_input() {
        return;
    }
    for (key, view) in VIEW_KEYS.iter().zip(View::ALL) {
        if ui.input_mut(|i| i.consume_key(egui::Modifiers::NONE, *key)) {
            commands.push(ImportCommand::SetView(Some(*view)).into());
        }
    }
    if ui.input_mut(|i| i.consume_key(egui::Modifiers::NONE, egui::Key::Num0)) {
        commands.push(ImportCommand::SetView(None).into());
    }
}

/// One line over the strip: how many photos, how many new, and what needs a look.
fn summary(ui: &mut Ui, plan: &ImportPlan, session: Option<NaiveDate>) {
    let count = |f: &dyn Fn(&PlannedPhoto) -> bool| plan.photos.iter().filter(|p| f(p)).count();
    let duplicates = count(&|p| p.duplicate_of.is_some());
    let unreadable = count(&|p| p.error.is_some());
    let far = session.map_or(0, |s| count(&|p| p.mismatch(s).is_some()));
    ui.horizontal_wrapped(|ui| {
        ui.label(crate::model::count(plan.photos.len(), "photo", "photos"));
        if duplicates > 0 {
            ui.label(
                RichText::new(format!("· {duplicates} already in the library (skipped)"))
                    .color(palette(ui).note),
            );
        }
        if unreadable > 0 {
            ui.label(
                RichText::new(format!("· {unreadable} cannot be imported"))
                    .color(palette(ui).error),
            );
        }
        if far > 0 {
            ui.label(
                RichText::new(format!(
                    "· {far} taken more than {MAX_DAYS_FROM_SESSION} days from the session date"
                ))
                .color(palette(ui).caution),
            );
        }
    });
}

#[derive(Clone, Copy)]
enum Tone {
    Plain,
    Weak,
    Caution,
    Note,
    Error,
}

impl Tone {
    fn color(self, ui: &Ui) -> Color32 {
        match self {
            Self::Plain => ui.visuals().text_color(),
            Self::Weak => ui.visuals().weak_text_color(),
            Self::Caution => palette(ui).caution,
            Self::Note => palette(ui).note,
            Self::Error => palette(ui).error,
        }
    }
}

/// The lines under a thumbnail: name, capture date, view and lighting, and what is wrong.
fn cell_lines(photo: &PlannedPhoto, session: Option<NaiveDate>) -> Vec<(String, Tone)> {
    let mut lines = vec![(photo.name(), Tone::Plain)];
    if let Some(raw) = &photo.companion {
        lines.push((format!("+ {raw} (RAW)"), Tone::Note));
    }
    lines.push(match &photo.taken_at {
        Some(t) if !t.estimated => (
            format!("taken {}", t.local.format("%Y-%m-%d %H:%M")),
            Tone::Plain,
        ),
        Some(t) => (t.label(), Tone::Caution),
        None if photo.error.is_none() => ("capture date unknown".to_owned(), Tone::Caution),
        None => (String::new(), Tone::Plain),
    });
    let view = photo
        .tags
        .view
        .map_or_else(|| "view as for all".to_owned(), |v| v.label().to_owned());
    let lighting = photo.tags.lighting.map(Keyed::label);
    lines.push((
        match lighting {
            Some(l) => format!("{view} · {l}"),
            None => view,
        },
        if photo.tags.view.is_some() {
            Tone::Plain
        } else {
            Tone::Weak
        },
    ));
    if let Some(e) = &photo.error {
        lines.push((format!("cannot be imported: {e}"), Tone::Error));
    } else if let Some(id) = photo.duplicate_of {
        lines.push((format!("duplicate: already photo #{id}"), Tone::Note));
    }
    if let Some(m) = session.and_then(|s| photo.mismatch(s)) {
        let (n, when) = if m.days < 0 {
            (-m.days, "before")
        } else {
            (m.days, "after")
        };
        lines.push((format!("{n} days {when} the session"), Tone::Caution));
    }
    lines.retain(|(text, _)| !text.is_empty());
    lines
}

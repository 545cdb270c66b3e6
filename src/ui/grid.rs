//! Centre: thumbnails grouped under date headings. Only the rows in view are built, so a
//! grid of 100 000 photos scrolls as fast as one of 100.

use super::theme::{self, palette};
use super::widgets::option_combo;
use crate::app::images::{ImageCache, Rendition};
use crate::app::{Action, AppState, BrowseCommand, Commands, SelectMode, TrashCommand};
use crate::catalogue::{PhotoFilter, SortOrder};
use crate::model::{Keyed, Lighting, PhotoFormat, View};
use chrono::NaiveDate;
use egui::{Rect, RichText, Sense, Stroke, Ui, Vec2};

const HEADING_HEIGHT: f32 = 30.0;
const GAP: f32 = 6.0;

/// One laid-out row: a date heading, or a run of photos (indexes into the grid).
#[derive(Clone, Debug, PartialEq, Eq)]
enum Row {
    Heading { date: NaiveDate, count: usize },
    Photos { start: usize, end: usize },
}

#[derive(Debug)]
pub struct GridPanel {
    /// Rows and their top offsets, for the grid (its serial) and column count they were made
    /// for.
    layout: Option<(u64, usize, Vec<Row>, Vec<f32>)>,
    /// The scroll requests taken so far.
    scroll_seen: u64,
    from_text: String,
    to_text: String,
    cell: f32,
}

impl Default for GridPanel {
    fn default() -> Self {
        Self {
            layout: None,
            scroll_seen: 0,
            from_text: String::new(),
            to_text: String::new(),
            cell: 160.0,
        }
    }
}

impl GridPanel {
    pub fn ui(
        &mut self,
        ui: &mut Ui,
        state: &AppState,
        images: &mut ImageCache,
        commands: &mut Commands,
    ) {
        let grid = &state.browse.grid;
        self.toolbar(ui, state, commands);
        ui.separator();
        if grid.is_loading() && grid.items.is_empty() {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label("Loading photos…");
            });
            return;
        }
        if grid.items.is_empty() {
            ui.label(if state.browse.filter.trashed {
                "The trash is empty."
            } else {
                "No photos match."
            });
            return;
        }
        let columns = ((ui.available_width() + GAP) / (self.cell + GAP))
            .floor()
            .max(1.0) as usize;
        let (rows, tops) = self.layout(state, columns);
        let row_height = |row: &Row| match row {
            Row::Heading { .. } => HEADING_HEIGHT,
            Row::Photos { .. } => self.cell + GAP,
        };
        let total_height = tops
            .last()
            .zip(rows.last())
            .map_or(0.0, |(t, r)| t + row_height(r));
        let mut scroll = egui::ScrollArea::vertical()
            .id_salt("grid")
            .auto_shrink([false, false]);
        if let Some(&target) = state.browse.scroll_to.latest(&mut self.scroll_seen)
            && let Some(index) = grid.position(target)
            && let Some(row) = rows.iter().position(
                |r| matches!(r, Row::Photos { start, end } if (*start..*end).contains(&index)),
            )
        {
            scroll = scroll.vertical_scroll_offset((tops[row] - HEADING_HEIGHT).max(0.0));
        }
        scroll.show_viewport(ui, |ui, viewport| {
            ui.set_height(total_height);
            let first = tops.partition_point(|&t| t + self.cell + GAP < viewport.min.y);
            let origin = ui.min_rect().min;
            for (row, &top) in rows.iter().zip(&tops).skip(first) {
                if top > viewport.max.y {
                    break;
                }
                let y = origin.y + top;
                match row {
                    Row::Heading { date, count } => {
                        let rect = Rect::from_min_size(
                            egui::pos2(origin.x, y),
                            Vec2::new(ui.available_width(), HEADING_HEIGHT),
                        );
                        let text = format!("{}  ·  {count} photos", date.format("%A %-d %B %Y"));
                        ui.scope_builder(egui::UiBuilder::new().max_rect(rect), |ui| {
                            ui.add_space(8.0);
                            ui.label(RichText::new(text).strong());
                        });
                    }
                    Row::Photos { start, end } => {
                        for (col, index) in (*start..*end).enumerate() {
                            let min = egui::pos2(origin.x + col as f32 * (self.cell + GAP), y);
                            let rect = Rect::from_min_size(min, Vec2::splat(self.cell));
                            Self::cell_ui(ui, state, images, index, rect, commands);
                        }
                    }
                }
            }
        });
    }

    fn layout(&mut self, state: &AppState, columns: usize) -> (Vec<Row>, Vec<f32>) {
        let items = &state.browse.grid.items;
        let key = (state.browse.grid.serial, columns);
        if let Some((generation, cols, rows, tops)) = &self.layout
            && (*generation, *cols) == key
            && rows
                .iter()
                .map(|r| {
                    if let Row::Photos { start, end } = r {
                        end - start
                    } else {
                        0
                    }
                })
                .sum::<usize>()
                == items.len()
        {
            return (rows.clone(), tops.clone());
        }
        let mut rows = Vec::new();
        let mut i = 0;
        while i < items.len() {
            let date = items[i].group_date;
            let end = i + items[i..]
                .iter()
                .take_while(|g| g.group_date == date)
                .count();
            rows.push(Row::Heading {
                date,
                count: end - i,
            });
            let mut start = i;
            while start < end {
                let stop = (start + columns).min(end);
                rows.push(Row::Photos { start, end: stop });
                start = stop;
            }
            i = end;
        }
        let mut tops = Vec::with_capacity(rows.len());
        let mut y = 0.0;
        for row in &rows {
            tops.push(y);
            y += match row {
                Row::Heading { .. } => HEADING_HEIGHT,
                Row::Photos { .. } => self.cell + GAP,
            };
        }
        self.layout = Some((key.0, key.1, rows.clone(), tops.clone()));
        (rows, tops)
    }

    fn cell_ui(
        ui: &mut Ui,
        state: &AppState,
        images: &mut ImageCache,
        index: usize,
        rect: Rect,
        commands: &mut Commands,
    ) {
        let item = &state.browse.grid.items[index];
        let selected = state.browse.selection.contains(item.id);
        let id = ui.scope_id().with(("photo", item.id));
        let response = ui.interact(rect, id, Sense::click());
        let label = format!(
            "Photo #{} taken {}",
            item.id,
            item.taken_at.local.format("%Y-%m-%d %H:%M")
        );
        response
            .widget_info(|| egui::WidgetInfo::selected(egui::Role::Button, true, selected, &label));
        let painter = ui.painter_at(rect);
        painter.rect_filled(rect, 4.0, ui.visuals().extreme_bg_color);
        let request =
            state.image_request(item.id, &item.hash, PhotoFormat::Jpeg, Rendition::Thumbnail);
        if let Some(texture) = request.as_ref().and_then(|r| images.get(r)) {
            let size = texture.size_vec2();
            let scale = (rect.width() / size.x).min(rect.height() / size.y);
            let image_rect = Rect::from_center_size(rect.center(), size * scale);
            painter.image(
                texture.id(),
                image_rect,
                Rect::from_min_max(egui::pos2(0.0, 0.0), egui::pos2(1.0, 1.0)),
                theme::AS_IS,
            );
        } else {
            let failed = images.error(&(item.id, Rendition::Thumbnail)).is_some();
            let text = if failed { "no thumbnail" } else { "…" };
            painter.text(
                rect.center(),
                egui::Align2::CENTER_CENTER,
                text,
                egui::FontId::proportional(14.0),
                ui.visuals().weak_text_color(),
            );
        }
        if item.taken_at.estimated {
            painter.text(
                rect.left_bottom() + Vec2::new(4.0, -4.0),
                egui::Align2::LEFT_BOTTOM,
                "~date",
                egui::FontId::proportional(11.0),
                palette(ui).caution,
            );
        }
        if selected {
            painter.rect_stroke(
                rect.shrink(1.0),
                4.0,
                Stroke::new(3.0, ui.visuals().selection.stroke.color),
                egui::StrokeKind::Inside,
            );
        } else if response.hovered() {
            painter.rect_stroke(
                rect,
                4.0,
                Stroke::new(1.0, ui.visuals().weak_text_color()),
                egui::StrokeKind::Inside,
            );
        }
        let response = response.on_hover_text(&label);
        if response.double_clicked() {
            commands.push(BrowseCommand::OpenPhoto(item.id).into());
        } else if response.clicked() {
            let mods = ui.input(|i| i.modifiers);
            let mode = if mods.shift {
                SelectMode::Range
            } else if mods.command {
                SelectMode::Toggle
            } else {
                SelectMode::Only
            };
            commands.push(BrowseCommand::ClickPhoto(item.id, mode).into());
        }
    }

    fn toolbar(&mut self, ui: &mut Ui, state: &AppState, commands: &mut Commands) {
        if state.browse.filter.trashed {
            ui.horizontal_wrapped(|ui| trash_header(ui, state, commands));
            return;
        }
        ui.horizontal_wrapped(|ui| {
            let title = match state
                .browse
                .filter
                .person
                .and_then(|p| state.overview.person(p))
            {
                Some(person) => person.name.clone(),
                None => "All photos".into(),
            };
            ui.heading(title);
            let count = if state.browse.grid.is_loading() {
                "…".to_owned()
            } else {
                format!("{} photos", state.browse.grid.items.len())
            };
            ui.label(RichText::new(count).strong());
        });
        ui.horizontal_wrapped(|ui| {
            filter_combos(ui, state, commands);
            self.date_fields(ui, &state.browse.filter, commands);
            let sort = match state.browse.sort {
                SortOrder::NewestFirst => "Newest first",
                SortOrder::OldestFirst => "Oldest first",
            };
            if ui
                .button(sort)
                .on_hover_text(Action::ToggleSort.tooltip())
                .clicked()
            {
                commands.push(Action::ToggleSort.into());
            }
            let filter = &state.browse.filter;
            let clear = PhotoFilter {
                person: filter.person,
                series: filter.series,
                ..PhotoFilter::default()
            };
            if *filter != clear && ui.button("Clear filters").clicked() {
                self.from_text.clear();
                self.to_text.clear();
                commands.push(BrowseCommand::SetFilter(clear).into());
            }
            ui.add(
                egui::Slider::new(&mut self.cell, 96.0..=320.0)
                    .text("Size")
                    .show_value(false),
            );
        });
    }

    /// The From and To date fields (YYYY-MM-DD; red while not a date).
    fn date_fields(&mut self, ui: &mut Ui, filter: &PhotoFilter, commands: &mut Commands) {
        for (label, text, current, is_from) in [
            ("From", &mut self.from_text, filter.from, true),
            ("To", &mut self.to_text, filter.to, false),
        ] {
            let l = ui.label(label);
            let valid = text.trim().is_empty()
                || NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").is_ok();
            let mut edit = egui::TextEdit::singleline(text)
                .hint_text("YYYY-MM-DD")
                .desired_width(90.0);
            if !valid {
                edit = edit.text_color(ui.visuals().error_fg_color);
            }
            let response = ui.add(edit).labelled_by(l.id);
            if response.lost_focus() && valid {
                let date = NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").ok();
                if date != current {
                    let mut f = filter.clone();
                    if is_from {
                        f.from = date;
                    } else {
                        f.to = date;
                    }
                    commands.push(BrowseCommand::SetFilter(f).into());
                }
            }
        }
    }
}

/// The trash's title and its buttons.
fn trash_header(ui: &mut Ui, state: &AppState, commands: &mut Commands) {
    ui.heading(format!("Trash · {} photos", state.browse.grid.items.len()));
    if ui
        .add_enabled(
            !state.browse.selection.is_empty(),
            egui::Button::new("Restore"),
        )
        .on_hover_text("Take the selected photos out of the trash")
        .clicked()
    {
        commands.push(TrashCommand::RestoreSelected.into());
    }
    super::action_button(
        ui,
        Action::EmptyTrash,
        state.overview.trash_count > 0,
        commands,
    );
    if ui.button("Back to library").clicked() {
        commands.push(BrowseCommand::ShowLibrary.into());
    }
}

/// Area, concern, view and lighting: each narrows the grid.
fn filter_combos(ui: &mut Ui, state: &AppState, commands: &mut Commands) {
    let filter = &state.browse.filter;
    let mut set = |f: PhotoFilter| commands.push(BrowseCommand::SetFilter(f).into());
    let terms = |list: &[crate::model::VocabTerm]| {
        list.iter()
            .map(|t| (t.id, t.name.clone()))
            .collect::<Vec<_>>()
    };
    let overview = &state.overview;
    if let Some(area) = option_combo(
        ui,
        "filter-area",
        "Area",
        "Any area",
        filter.area,
        terms(&overview.areas),
    ) {
        set(PhotoFilter {
            area,
            ..filter.clone()
        });
    }
    if let Some(concern) = option_combo(
        ui,
        "filter-concern",
        "Concern",
        "Any concern",
        filter.concern,
        terms(&overview.concerns),
    ) {
        set(PhotoFilter {
            concern,
            ..filter.clone()
        });
    }
    let views = View::ALL.iter().map(|v| (*v, v.label().to_owned()));
    if let Some(view) = option_combo(ui, "filter-view", "View", "Any view", filter.view, views) {
        set(PhotoFilter {
            view,
            ..filter.clone()
        });
    }
    let lights = Lighting::ALL.iter().map(|l| (*l, l.label().to_owned()));
    if let Some(lighting) = option_combo(
        ui,
        "filter-lighting",
        "Lighting",
        "Any lighting",
        filter.lighting,
        lights,
    ) {
        set(PhotoFilter {
            lighting,
            ..filter.clone()
        });
    }
}

//! Centre: thumbnails grouped under date headings. Only the rows in view are built, so a
//! grid of 100 000 photos scrolls as fast as one of 100.

use super::theme::{self, palette};
use super::widgets::option_combo;
use crate::app::browse::{Grid, GridRow, Loading};
use crate::app::images::{ImageCache, Rendition};
use crate::app::{Action, AppState, BrowseCommand, Commands, TrashCommand};
use crate::catalogue::{GridItem, PhotoFilter, SessionFacts, SortOrder};
use crate::model::{Keyed, Lighting, PhotoFormat, View, count};
use chrono::NaiveDate;
use egui::{Rect, RichText, Sense, Ui, Vec2};

const HEADING_HEIGHT: f32 = 30.0;
const FOOTER_HEIGHT: f32 = 40.0;
const GAP: f32 = 6.0;

/// What a layout was made for: the grid (its serial), the column count, the cell size.
type LayoutKey = (u64, usize, u32);

#[derive(Debug)]
pub struct GridPanel {
    /// Rows and their top offsets, and what they were made for: the grid (its serial), the
    /// column count and the cell size.
    layout: Option<(LayoutKey, Vec<GridRow>, Vec<f32>)>,
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
        if columns != state.browse.columns {
            // Up and Down move by the rows as drawn.
            commands.push(BrowseCommand::Columns(columns).into());
        }
        let (rows, tops) = self.layout(state, columns);
        let photos_height = tops
            .last()
            .zip(rows.last())
            .map_or(0.0, |(t, r)| t + self.row_height(r));
        // Below the photos read so far, a row that says more are coming.
        let total_height = photos_height
            + if grid.is_complete() {
                0.0
            } else {
                FOOTER_HEIGHT
            };
        let mut scroll = egui::ScrollArea::vertical()
            .id_salt("grid")
            .auto_shrink([false, false]);
        let scroll_row = state
            .browse
            .scroll_to
            .latest(&mut self.scroll_seen)
            .and_then(|&target| grid.position(target))
            .and_then(|index| {
                rows.iter().position(
                    |r| matches!(r, GridRow::Photos { start, end } if (*start..*end).contains(&index)),
                )
            });
        if let Some(row) = scroll_row {
            scroll = scroll.vertical_scroll_offset((tops[row] - HEADING_HEIGHT).max(0.0));
        }
        scroll.show_viewport(ui, |ui, viewport| {
            ui.set_height(total_height);
            let origin = ui.min_rect().min;
            if let Some(row) = scroll_row {
                // Also as a scroll target: it takes over a scroll still animating (a widget
                // that took the keyboard focus), which would otherwise carry the grid away.
                let top = origin.y + (tops[row] - HEADING_HEIGHT).max(0.0);
                ui.scroll_to_rect(
                    Rect::from_min_size(egui::pos2(origin.x, top), Vec2::new(1.0, self.cell)),
                    Some(egui::Align::Min),
                );
            }
            if !grid.is_complete() {
                more_ui(ui, grid, origin.y + photos_height, viewport, commands);
            }
            let first = tops.partition_point(|&t| t + self.cell + GAP < viewport.min.y);
            for (row, &top) in rows.iter().zip(&tops).skip(first) {
                if top > viewport.max.y {
                    break;
                }
                let y = origin.y + top;
                match *row {
                    GridRow::Heading { start, end } => {
                        let rect = Rect::from_min_size(
                            egui::pos2(origin.x, y),
                            Vec2::new(ui.available_width(), HEADING_HEIGHT),
                        );
                        ui.scope_builder(egui::UiBuilder::new().max_rect(rect), |ui| {
                            heading_ui(ui, state, start, end);
                        });
                    }
                    GridRow::Photos { start, end } => {
                        for (col, index) in (start..end).enumerate() {
                            let min = egui::pos2(origin.x + col as f32 * (self.cell + GAP), y);
                            let rect = Rect::from_min_size(min, Vec2::splat(self.cell));
                            cell_ui(ui, state, images, index, rect, commands);
                        }
                    }
                }
            }
        });
    }

    fn row_height(&self, row: &GridRow) -> f32 {
        match row {
            GridRow::Heading { .. } => HEADING_HEIGHT,
            GridRow::Photos { .. } => self.cell + GAP,
        }
    }

    fn layout(&mut self, state: &AppState, columns: usize) -> (Vec<GridRow>, Vec<f32>) {
        let key = (state.browse.grid.serial, columns, self.cell.to_bits());
        if let Some((made_for, rows, tops)) = &self.layout
            && *made_for == key
        {
            return (rows.clone(), tops.clone());
        }
        let rows = state.browse.grid.rows(columns);
        let mut tops = Vec::with_capacity(rows.len());
        let mut y = 0.0;
        for row in &rows {
            tops.push(y);
            y += self.row_height(row);
        }
        self.layout = Some((key, rows.clone(), tops.clone()));
        (rows, tops)
    }

    fn toolbar(&mut self, ui: &mut Ui, state: &AppState, commands: &mut Commands) {
        if state.browse.filter.trashed {
            ui.horizontal_wrapped(|ui| trash_header(ui, state, commands));
            return;
        }
        ui.horizontal(|ui| {
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
            ui.label(RichText::new(count_text(&state.browse.grid)).strong());
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                self.view_controls(ui, state, commands);
            });
        });
        // As many filters a row as fit: at 1024 wide with the inspector open, two.
        let per_row = ((ui.available_width() + 12.0) / 236.0)
            .floor()
            .clamp(1.0, 6.0) as usize;
        let filter = state.browse.filter.clone();
        egui::Grid::new("filters")
            .spacing([12.0, 4.0])
            .show(ui, |ui| {
                let mut cells = 0;
                let mut next = |ui: &mut Ui| {
                    cells += 1;
                    if cells % per_row == 0 {
                        ui.end_row();
                    }
                };
                filter_combos(ui, state, commands, &mut next);
                self.date_fields(ui, &filter, commands, &mut next);
            });
    }

    /// Right of the title: the thumbnails' size, the order, clearing the filters.
    fn view_controls(&mut self, ui: &mut Ui, state: &AppState, commands: &mut Commands) {
        let size = ui.add(
            egui::Slider::new(&mut self.cell, 96.0..=320.0)
                .show_value(false)
                .clamping(egui::SliderClamping::Always),
        );
        let label = ui.label("Size");
        size.labelled_by(label.id)
            .on_hover_text("How large the thumbnails are");
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
    }

    /// The From and To date fields (YYYY-MM-DD; red while not a date).
    fn date_fields(
        &mut self,
        ui: &mut Ui,
        filter: &PhotoFilter,
        commands: &mut Commands,
        next: &mut dyn FnMut(&mut Ui),
    ) {
        for (label, text, current, is_from) in [
            ("From", &mut self.from_text, filter.from, true),
            ("To", &mut self.to_text, filter.to, false),
        ] {
            ui.horizontal(|ui| {
                // A grid cell is as wide as its column was last frame: alone in their
                // columns (all filters on one row) the fields would stay as narrow as their
                // first frame.
                ui.set_min_width(150.0);
                let l = ui.label(label);
                let valid = text.trim().is_empty()
                    || NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").is_ok();
                let mut edit = egui::TextEdit::singleline(text)
                    .hint_text("YYYY-MM-DD")
                    .desired_width(96.0);
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
            });
            next(ui);
        }
    }
}

/// Below the photos read (their bottom at `top`): a row that says more are coming; within a
/// screen of it, the next page is asked for.
fn more_ui(ui: &mut Ui, grid: &Grid, top: f32, viewport: Rect, commands: &mut Commands) {
    let bottom = top - ui.min_rect().min.y;
    if !grid.is_loading() && viewport.max.y + viewport.height() >= bottom {
        commands.push(BrowseCommand::LoadMore.into());
    }
    let rect = Rect::from_min_size(
        egui::pos2(ui.min_rect().min.x, top),
        Vec2::new(ui.available_width(), FOOTER_HEIGHT),
    );
    ui.scope_builder(egui::UiBuilder::new().max_rect(rect), |ui| {
        ui.horizontal(|ui| {
            ui.spinner();
            ui.label(loading_text(grid));
        });
    });
}

/// How many photos the view has: "…" while its first page is read, "counting…" until the
/// count is known.
fn count_text(grid: &Grid) -> String {
    match (grid.loading(), grid.total()) {
        (Loading::First, _) if grid.items.is_empty() => "…".to_owned(),
        (_, Some(n)) => count(n, "photo", "photos"),
        (_, None) => format!("{} · counting…", count(grid.items.len(), "photo", "photos")),
    }
}

/// What the row below the photos read says.
fn loading_text(grid: &Grid) -> String {
    let read = grid.items.len();
    let of = grid.total().map_or(String::new(), |n| format!(" of {n}"));
    match grid.loading() {
        Loading::Rest => format!("Reading the rest of the photos ({read}{of} read)…"),
        _ => format!("Loading more photos ({read}{of} read)…"),
    }
}

/// The trash's title and its buttons.
fn trash_header(ui: &mut Ui, state: &AppState, commands: &mut Commands) {
    ui.heading(format!("Trash · {}", count_text(&state.browse.grid)));
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
    super::action_button(ui, Action::EmptyTrash, state.overview.has_trash(), commands);
    if ui.button("Back to library").clicked() {
        commands.push(BrowseCommand::ShowLibrary.into());
    }
}

/// Area, concern, view and lighting: each narrows the grid (`next` after each, to place the
/// next one).
fn filter_combos(
    ui: &mut Ui,
    state: &AppState,
    commands: &mut Commands,
    next: &mut dyn FnMut(&mut Ui),
) {
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
    next(ui);
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
    next(ui);
    let views = View::ALL.iter().map(|v| (*v, v.label().to_owned()));
    if let Some(view) = option_combo(ui, "filter-view", "View", "Any view", filter.view, views) {
        set(PhotoFilter {
            view,
            ..filter.clone()
        });
    }
    next(ui);
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
    next(ui);
}

/// A group's heading: the date, whose photos (in All photos), which session of which series
/// and how long after the first, how many photos, and what the protocol says is missing.
fn heading_ui(ui: &mut Ui, state: &AppState, start: usize, end: usize) {
    let grid = &state.browse.grid;
    let item = &grid.items[start];
    let date = item.group_date.format("%a %-d %b %Y").to_string();
    let mut parts = Vec::new();
    if state.browse.filter.person.is_none() {
        parts.push(person_name(state, item.person).to_owned());
    }
    let facts = item.session.and_then(|s| grid.sessions.get(&s));
    if let Some(f) = facts {
        parts.push(session_words(f));
    }
    parts.push(count(end - start, "photo", "photos"));
    let text = parts.join("  ·  ");
    ui.horizontal(|ui| {
        ui.add_space(8.0);
        ui.label(RichText::new(&date).strong());
        ui.label("·");
        // What the protocol says comes early: a long heading is cut at its end.
        if let Some((missing, incomplete)) = facts.and_then(|f| {
            f.completeness
                .text()
                .map(|t| (t, f.completeness.is_incomplete()))
        }) {
            let colour = if incomplete {
                palette(ui).caution
            } else {
                palette(ui).good
            };
            ui.label(RichText::new(missing).color(colour));
            ui.label("·");
        }
        ui.add(egui::Label::new(RichText::new(&text).strong()).truncate())
            .on_hover_text(format!("{date} · {text}"));
    });
}

/// "Microneedling, session 3, +56 days"; the first session is the baseline.
fn session_words(f: &SessionFacts) -> String {
    if f.number == 1 {
        format!("{}, session 1", f.series_title)
    } else {
        format!(
            "{}, session {}, +{}",
            f.series_title,
            f.number,
            count(usize::try_from(f.days_in()).unwrap_or(0), "day", "days")
        )
    }
}

fn person_name(state: &AppState, person: Option<crate::model::PersonId>) -> &str {
    person
        .and_then(|p| state.overview.person(p))
        .map_or("No person", |p| p.name.as_str())
}

/// The view as a caption: "Frontal", "Left 45°".
fn view_caption(view: Option<View>) -> String {
    view.map_or_else(
        || "No view".to_owned(),
        |v| {
            let short = v.short();
            let mut chars = short.chars();
            chars.next().map_or_else(String::new, |c| {
                c.to_uppercase().collect::<String>() + chars.as_str()
            })
        },
    )
}

/// What a photo is, in words: its tooltip and its accessible name.
fn describe(state: &AppState, item: &GridItem) -> String {
    let mut parts = vec![
        person_name(state, item.person).to_owned(),
        item.view
            .map_or("View not recorded", Keyed::label)
            .to_owned(),
    ];
    if let Some(f) = item
        .session
        .and_then(|s| state.browse.grid.sessions.get(&s))
    {
        parts.push(session_words(f));
    }
    parts.push(format!(
        "taken {}{}",
        item.taken_at.to_iso().replace('T', " "),
        if item.taken_at.estimated {
            " (estimated from the file's time)"
        } else {
            ""
        }
    ));
    parts.join(" · ")
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
    let description = describe(state, item);
    let lines = caption_lines(state, item);
    let label = format!(
        "Photo #{} taken {} · {} · {description}",
        item.id,
        item.taken_at.local.format("%Y-%m-%d %H:%M"),
        lines.join(" · ")
    );
    response.widget_info(|| egui::WidgetInfo::selected(egui::Role::Button, true, selected, &label));
    let painter = ui.painter_at(rect);
    painter.rect_filled(rect, 4.0, ui.visuals().extreme_bg_color);
    thumbnail(ui, &painter, state, images, item, rect);
    caption(ui, &painter, &lines, item, rect);
    super::widgets::selection_frame(ui, &painter, rect, selected, response.hovered());
    let response = response.on_hover_text(format!(
        "{description}\nClick to select (Ctrl-click: add, Shift-click: range), double-click to open"
    ));
    if response.double_clicked() {
        commands.push(BrowseCommand::OpenPhoto(item.id).into());
    } else if response.clicked() {
        let mode = super::widgets::click_mode(ui);
        commands.push(BrowseCommand::ClickPhoto(item.id, mode).into());
    }
}

fn thumbnail(
    ui: &Ui,
    painter: &egui::Painter,
    state: &AppState,
    images: &mut ImageCache,
    item: &GridItem,
    rect: Rect,
) {
    let request = state.image_request(item.id, &item.hash, PhotoFormat::Jpeg, Rendition::Thumbnail);
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
}

/// The caption of a cell: its view, session and days since the series' first session
/// ("Left 45° · S3 · +56 d"); whose photo it is, the heading above says.
fn caption_lines(state: &AppState, item: &GridItem) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = vec![view_caption(item.view)];
    if let Some(f) = item
        .session
        .and_then(|s| state.browse.grid.sessions.get(&s))
    {
        line.push(format!("S{}", f.number));
        if f.number > 1 {
            line.push(format!("+{} d", f.days_in()));
        }
    }
    lines.push(line.join(" · "));
    lines
}

/// The caption over the bottom of a cell, and "~date" over its top when the time is an
/// estimate.
fn caption(ui: &Ui, painter: &egui::Painter, lines: &[String], item: &GridItem, rect: Rect) {
    let font = egui::FontId::proportional(11.5);
    let height = 15.0 * lines.len() as f32 + 4.0;
    let band = Rect::from_min_max(egui::pos2(rect.min.x, rect.max.y - height), rect.max);
    painter.rect_filled(band, 0.0, theme::on_photo::LABEL_BACKGROUND);
    for (i, text) in lines.iter().enumerate() {
        painter.text(
            egui::pos2(band.min.x + 5.0, band.min.y + 2.0 + 15.0 * i as f32),
            egui::Align2::LEFT_TOP,
            text,
            font.clone(),
            theme::on_photo::TEXT,
        );
    }
    if item.taken_at.estimated {
        let galley = painter.layout_no_wrap("~date".to_owned(), font, palette(ui).caution);
        let at = rect.left_top() + Vec2::new(4.0, 4.0);
        painter.rect_filled(
            Rect::from_min_size(at, galley.size()).expand(2.0),
            2.0,
            theme::on_photo::LABEL_BACKGROUND,
        );
        painter.galley(at, galley, palette(ui).caution);
    }
}

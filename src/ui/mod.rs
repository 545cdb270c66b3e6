//! Drawing. Panels read [`AppState`] and push [`Command`]s; they never touch the disk or the
//! catalogue. Each panel is a struct owning its own view state.

mod compare;
mod grid;
mod import_dialog;
mod inspector;
mod people;
mod record;
mod viewer;
mod widgets;
pub mod zoom;

pub use compare::ComparePanel;
pub use grid::GridPanel;
pub use import_dialog::ImportDialog;
pub use inspector::InspectorPanel;
pub use people::PeoplePanel;
pub use viewer::ViewerPanel;

use crate::app::images::ImageCache;
use crate::app::{Action, AppState, Command, Commands, NoticeLevel};
use egui::{Color32, RichText, Ui};

#[derive(Debug, Default)]
pub struct Panels {
    pub people: PeoplePanel,
    pub grid: GridPanel,
    pub inspector: InspectorPanel,
    pub viewer: ViewerPanel,
    pub compare: ComparePanel,
    pub record: record::RecordPanel,
    pub import: ImportDialog,
    /// Widths the side panels were last drawn at (the user may have dragged them), to be
    /// remembered in the preferences.
    pub left_width: Option<f32>,
    pub right_width: Option<f32>,
}

/// Keyboard shortcuts of [`Action`]s. While a text field has focus, only shortcuts with a
/// modifier count, so typing never deletes photos.
pub fn shortcuts(ctx: &egui::Context, state: &AppState, commands: &mut Commands) {
    let typing = ctx.egui_wants_keyboard_input();
    // Modifiers match loosely (Ctrl+I also matches Ctrl+Shift+I): try the most specific first.
    let mut actions: Vec<(Action, egui::KeyboardShortcut)> = Action::ALL
        .iter()
        .filter_map(|&a| a.shortcut().map(|s| (a, s)))
        .collect();
    actions.sort_by_key(|(_, s)| {
        std::cmp::Reverse(u8::from(s.modifiers.shift) + u8::from(s.modifiers.alt))
    });
    for (action, shortcut) in actions {
        if typing && shortcut.modifiers.is_none() {
            continue;
        }
        let in_viewer = state.viewer.is_some();
        let comparing = state.compare.is_some() && !in_viewer && state.record.is_none();
        let applies = match action {
            Action::ZoomIn | Action::ZoomOut | Action::ZoomFit | Action::ZoomActual => {
                in_viewer || comparing
            }
            Action::Back => {
                in_viewer
                    || comparing
                    || state.record.is_some()
                    || state.show_help
                    || state.show_export
            }
            Action::SwapSides
            | Action::ModeSideBySide
            | Action::ModeSlider
            | Action::ModeOverlay
            | Action::ModeDifference
            | Action::ModeFlicker
            | Action::ModeSheet
            | Action::ModeAlign
            | Action::FlipDivider
            | Action::DividerBack
            | Action::DividerForward
            | Action::ToggleLink
            | Action::ExportComparison => comparing,
            // The grid's own actions do nothing to a comparison.
            Action::SelectAll | Action::MoveToTrash | Action::OpenViewer | Action::Compare => {
                !comparing
            }
            _ => true,
        };
        // Every press counts, even several within one frame.
        while applies && ctx.input_mut(|i| i.consume_shortcut(&shortcut)) {
            commands.push(action.into());
        }
    }
    let dropped: Vec<_> = ctx.input(|i| {
        i.raw
            .dropped_files
            .iter()
            .map(|f| f.path().to_owned())
            .filter(|p| !p.as_os_str().is_empty())
            .collect()
    });
    if !dropped.is_empty() {
        commands.push(Command::PrepareImport(dropped));
    }
}

/// A menu entry or button for an action, with its tooltip and shortcut.
pub fn action_button(ui: &mut Ui, action: Action, enabled: bool, commands: &mut Commands) {
    let mut button = egui::Button::new(action.label());
    if let Some(s) = action.shortcut() {
        button = button.shortcut_text(ui.ctx().format_shortcut(&s));
    }
    if ui
        .add_enabled(enabled, button)
        .on_hover_text(action.tooltip())
        .clicked()
    {
        commands.push(action.into());
    }
}

pub fn draw(
    ui: &mut Ui,
    state: &AppState,
    images: &mut ImageCache,
    panels: &mut Panels,
    commands: &mut Commands,
) {
    egui::Panel::top("menu").show(ui, |ui| menu_bar(ui, state, commands));
    egui::Panel::bottom("status").show(ui, |ui| status_bar(ui, state, commands));
    if state.loaded.is_none() {
        egui::CentralPanel::default().show(ui, |ui| no_library(ui, state, commands));
        help_window(ui.ctx(), state, commands);
        return;
    }
    let left = egui::Panel::left("people")
        .resizable(true)
        .default_size(state.prefs.left_panel_width)
        .min_size(180.0)
        .show(ui, |ui| panels.people.ui(ui, state, commands));
    panels.left_width = Some(left.response.rect.width());
    if !state.selection.is_empty() {
        let right = egui::Panel::right("inspector")
            .resizable(true)
            .default_size(state.prefs.right_panel_width)
            .min_size(240.0)
            .show(ui, |ui| panels.inspector.ui(ui, state, commands));
        panels.right_width = Some(right.response.rect.width());
    }
    egui::CentralPanel::default().show(ui, |ui| {
        if state.viewer.is_some() {
            panels.viewer.ui(ui, state, images, commands);
        } else if state.record.is_some() {
            panels.record.ui(ui, state, images, commands);
        } else if state.compare.is_some() {
            panels.compare.ui(ui, state, images, commands);
        } else if state.total_photos == 0 && state.trash_count == 0 && !state.grid_is_loading() {
            welcome(ui, state, commands);
        } else {
            panels.grid.ui(ui, state, images, commands);
        }
    });
    panels.import.ui(ui.ctx(), state, commands);
    panels.compare.export.ui(ui.ctx(), state, commands);
    compare::series_window(ui.ctx(), state, commands);
    record::person_window(ui.ctx(), state, commands);
    help_window(ui.ctx(), state, commands);
    confirm_empty_trash(ui.ctx(), state, commands);
}

fn menu_bar(ui: &mut Ui, state: &AppState, commands: &mut Commands) {
    let open = state.loaded.is_some();
    let has_selection = !state.selection.is_empty();
    egui::MenuBar::new().ui(ui, |ui| {
        ui.menu_button("File", |ui| {
            action_button(ui, Action::ImportFiles, open, commands);
            action_button(ui, Action::ImportFolder, open, commands);
            ui.separator();
            action_button(ui, Action::OpenLibrary, true, commands);
            action_button(ui, Action::OpenDemo, state.demo.is_none(), commands);
        });
        ui.menu_button("Edit", |ui| {
            action_button(ui, Action::AddPerson, open, commands);
            action_button(ui, Action::SelectAll, open, commands);
            action_button(
                ui,
                Action::MoveToTrash,
                has_selection && !state.filter.trashed,
                commands,
            );
            action_button(ui, Action::Undo, !state.undo_trash.is_empty(), commands);
            ui.separator();
            action_button(ui, Action::ShowTrash, open, commands);
            action_button(ui, Action::EmptyTrash, state.trash_count > 0, commands);
        });
        ui.menu_button("View", |ui| {
            action_button(ui, Action::OpenViewer, has_selection, commands);
            action_button(
                ui,
                Action::Compare,
                matches!(state.selection.len(), 1 | 2) && state.compare.is_none(),
                commands,
            );
            action_button(ui, Action::ToggleSort, open, commands);
            ui.separator();
            let mut clinic = state.mode == crate::model::clinical::Mode::Clinic;
            if ui
                .add_enabled(open, egui::Checkbox::new(&mut clinic, "Clinic mode"))
                .on_hover_text(
                    "Patients with recorded consent, checked on every export; off: a personal library where consent is implied",
                )
                .changed()
            {
                commands.push(Command::SetMode(if clinic {
                    crate::model::clinical::Mode::Clinic
                } else {
                    crate::model::clinical::Mode::Personal
                }));
            }
        });
        ui.menu_button("Help", |ui| {
            action_button(ui, Action::ToggleHelp, true, commands);
        });
        ui.separator();
        if ui
            .add_enabled(open, egui::Button::new("Import"))
            .on_hover_text(Action::ImportFiles.tooltip())
            .clicked()
        {
            commands.push(Action::ImportFiles.into());
        }
        if let Some(demo) = &state.demo {
            let (done, total) = *demo.progress.lock().expect("demo progress poisoned");
            ui.add(
                egui::ProgressBar::new(done as f32 / total.max(1) as f32)
                    .desired_width(160.0)
                    .text(format!("Demo {done}/{total}")),
            );
            ui.spinner();
        }
        if state.is_demo() {
            ui.label(
                RichText::new("DEMO LIBRARY")
                    .color(Color32::from_rgb(200, 140, 40))
                    .strong(),
            );
        }
    });
}

fn status_bar(ui: &mut Ui, state: &AppState, commands: &mut Commands) {
    for (i, notice) in state.notices.iter().enumerate().rev().take(3) {
        ui.horizontal(|ui| {
            let color = match notice.level {
                NoticeLevel::Error => ui.visuals().error_fg_color,
                NoticeLevel::Info => ui.visuals().text_color(),
            };
            ui.label(RichText::new(&notice.text).color(color));
            if ui
                .small_button("Dismiss")
                .on_hover_text("Dismiss this message")
                .clicked()
            {
                commands.push(Command::DismissNotice(i));
            }
        });
    }
    ui.horizontal(|ui| {
        if let Some(library) = state.library() {
            ui.label(format!(
                "{} photos · {} people",
                state.total_photos,
                state.people.len()
            ));
            ui.separator();
            ui.label(RichText::new(library.root().display().to_string()).weak());
        }
    });
}

fn no_library(ui: &mut Ui, state: &AppState, commands: &mut Commands) {
    ui.vertical_centered(|ui| {
        ui.add_space(80.0);
        ui.heading("No library open");
        if let Some(error) = &state.library_error {
            ui.label(RichText::new(error).color(ui.visuals().error_fg_color));
        }
        ui.add_space(12.0);
        action_button(ui, Action::OpenLibrary, true, commands);
        action_button(ui, Action::OpenDemo, state.demo.is_none(), commands);
    });
}

fn welcome(ui: &mut Ui, state: &AppState, commands: &mut Commands) {
    ui.vertical_centered(|ui| {
        ui.add_space(60.0);
        ui.heading("Welcome to Skinlapse");
        ui.label("A private catalogue of your skin photos. Nothing leaves this computer.");
        ui.add_space(20.0);
        ui.label("Bring in photos — or drop files and folders onto this window:");
        action_button(ui, Action::ImportFiles, true, commands);
        action_button(ui, Action::ImportFolder, true, commands);
        ui.add_space(20.0);
        ui.label("Or look around first, with generated people, series and photos:");
        action_button(ui, Action::OpenDemo, state.demo.is_none(), commands);
    });
}

fn help_window(ctx: &egui::Context, state: &AppState, commands: &mut Commands) {
    if !state.show_help {
        return;
    }
    let mut open = true;
    egui::Window::new("Keyboard shortcuts")
        .open(&mut open)
        .collapsible(false)
        .resizable(false)
        .show(ctx, |ui| {
            egui::Grid::new("shortcuts").striped(true).show(ui, |ui| {
                for &action in Action::ALL {
                    if let Some(s) = action.shortcut() {
                        ui.label(RichText::new(ctx.format_shortcut(&s)).monospace());
                        ui.label(action.label()).on_hover_text(action.tooltip());
                        ui.end_row();
                    }
                }
                ui.label(RichText::new("Drop").monospace());
                ui.label("Drop files or folders on the window to import them");
                ui.end_row();
            });
        });
    if !open {
        commands.push(Action::ToggleHelp.into());
    }
}

fn confirm_empty_trash(ctx: &egui::Context, state: &AppState, commands: &mut Commands) {
    if !state.confirm_empty_trash {
        return;
    }
    egui::Modal::new(egui::Id::unique("confirm-empty-trash")).show(ctx, |ui| {
        ui.heading("Empty the trash?");
        ui.label(format!(
            "{} photos and their original files will be deleted for good. This cannot be undone.",
            state.trash_count
        ));
        ui.horizontal(|ui| {
            if ui.button("Delete for good").clicked() {
                commands.push(Command::ConfirmEmptyTrash);
            }
            if ui.button("Cancel").clicked() {
                commands.push(Command::CancelEmptyTrash);
            }
        });
    });
}

//! The window's frame: the menu bar, the status bar with its messages, the pages shown when
//! no library is open or the library is empty, and the small windows (shortcuts, confirm).

use super::action_button;
use super::theme::palette;
use crate::app::nav::Modal;
use crate::app::{
    Action, AppState, Command, Commands, LibraryCommand, NoticeLevel, Theme, TrashCommand,
};
use crate::model::clinical::Mode;
use egui::{RichText, Ui};

pub(super) fn menu_bar(ui: &mut Ui, state: &AppState, commands: &mut Commands) {
    let open = state.library.loaded.is_some();
    egui::MenuBar::new().ui(ui, |ui| {
        ui.menu_button("File", |ui| {
            action_button(ui, Action::ImportFiles, open, commands);
            action_button(ui, Action::ImportFolder, open, commands);
            ui.separator();
            action_button(ui, Action::OpenLibrary, true, commands);
            action_button(ui, Action::OpenDemo, state.library.demo.is_none(), commands);
            ui.separator();
            super::backup::file_menu_items(ui, state, commands);
            ui.separator();
            super::secure::file_menu_items(ui, state, commands);
        });
        ui.menu_button("Edit", |ui| edit_menu(ui, state, commands));
        ui.menu_button("View", |ui| view_menu(ui, state, commands));
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
        if let Some(demo) = &state.library.demo {
            let (done, total) = demo.counts();
            ui.add(
                egui::ProgressBar::new(done as f32 / total.max(1) as f32)
                    .desired_width(160.0)
                    .text(format!("Demo {done}/{total}")),
            );
            ui.spinner();
        }
        if state.library.is_demo() {
            ui.label(
                RichText::new("DEMO LIBRARY")
                    .color(palette(ui).demo)
                    .strong(),
            );
        }
    });
}

fn edit_menu(ui: &mut Ui, state: &AppState, commands: &mut Commands) {
    let open = state.library.loaded.is_some();
    let has_selection = !state.browse.selection.is_empty();
    action_button(ui, Action::AddPerson, open, commands);
    action_button(ui, Action::SelectAll, open, commands);
    action_button(
        ui,
        Action::MoveToTrash,
        has_selection && !state.browse.filter.trashed,
        commands,
    );
    action_button(ui, Action::Undo, state.history.can_undo(), commands);
    ui.separator();
    action_button(ui, Action::ShowTrash, open, commands);
    action_button(
        ui,
        Action::EmptyTrash,
        state.overview.trash_count > 0,
        commands,
    );
}

fn view_menu(ui: &mut Ui, state: &AppState, commands: &mut Commands) {
    let open = state.library.loaded.is_some();
    let has_selection = !state.browse.selection.is_empty();
    action_button(ui, Action::OpenViewer, has_selection, commands);
    action_button(
        ui,
        Action::Compare,
        matches!(state.browse.selection.len(), 1 | 2) && state.nav.comparison().is_none(),
        commands,
    );
    action_button(ui, Action::ToggleSort, open, commands);
    ui.separator();
    let mut clinic = state.library.mode == Mode::Clinic;
    if ui
        .add_enabled(open, egui::Checkbox::new(&mut clinic, "Clinic mode"))
        .on_hover_text(
            "Patients with recorded consent, checked on every export; off: a personal library where consent is implied",
        )
        .changed()
    {
        commands.push(
            LibraryCommand::SetMode(if clinic { Mode::Clinic } else { Mode::Personal }).into(),
        );
    }
    ui.separator();
    ui.horizontal(|ui| {
        ui.label("Theme");
        for theme in Theme::ALL {
            if ui
                .selectable_label(state.prefs.theme == theme, theme.label())
                .clicked()
            {
                commands.push(Command::SetTheme(theme));
            }
        }
    });
}

pub(super) fn status_bar(ui: &mut Ui, state: &AppState, commands: &mut Commands) {
    super::backup::reminder(ui, state, commands);
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
        if let Some(library) = state.library.library() {
            ui.label(format!(
                "{} photos · {} people",
                state.overview.total_photos,
                state.overview.people.len()
            ));
            ui.separator();
            ui.label(RichText::new(library.root().display().to_string()).weak());
        }
    });
}

pub(super) fn no_library(ui: &mut Ui, state: &AppState, commands: &mut Commands) {
    ui.vertical_centered(|ui| {
        ui.add_space(80.0);
        ui.heading("No library open");
        if let Some(error) = &state.library.error {
            ui.label(RichText::new(error).color(ui.visuals().error_fg_color));
        }
        ui.add_space(12.0);
        action_button(ui, Action::OpenLibrary, true, commands);
        action_button(ui, Action::OpenDemo, state.library.demo.is_none(), commands);
    });
}

pub(super) fn welcome(ui: &mut Ui, state: &AppState, commands: &mut Commands) {
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
        action_button(ui, Action::OpenDemo, state.library.demo.is_none(), commands);
    });
}

/// Every shortcut, from the action list, while the help window is open.
pub(super) fn help_window(ctx: &egui::Context, state: &AppState, commands: &mut Commands) {
    if state.nav.modal() != Some(&Modal::Help) {
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

pub(super) fn confirm_empty_trash(ctx: &egui::Context, state: &AppState, commands: &mut Commands) {
    egui::Modal::new(egui::Id::unique("confirm-empty-trash")).show(ctx, |ui| {
        ui.heading("Empty the trash?");
        ui.label(format!(
            "{} photos and their original files will be deleted for good. This cannot be undone.",
            state.overview.trash_count
        ));
        ui.horizontal(|ui| {
            if ui.button("Delete for good").clicked() {
                commands.push(TrashCommand::ConfirmEmpty.into());
            }
            if ui.button("Cancel").clicked() {
                commands.push(TrashCommand::CancelEmpty.into());
            }
        });
    });
}

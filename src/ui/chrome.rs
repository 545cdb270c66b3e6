//! The window's frame: the menu bar, the status bar with its messages, the pages shown when
//! no library is open or the library is empty, and the small windows (shortcuts, confirm).

use super::action_button;
use super::theme::palette;
use crate::app::nav::Modal;
use crate::app::{
    Action, AppState, Command, Commands, LibraryCommand, NoticeLevel, Theme, TrashCommand,
};
use crate::model::clinical::Mode;
use crate::model::count;
use egui::{RichText, Ui};

pub(super) fn menu_bar(ui: &mut Ui, state: &AppState, commands: &mut Commands) {
    let open = state.library.loaded.is_some();
    egui::MenuBar::new().ui(ui, |ui| {
        ui.menu_button("File", |ui| {
            action_button(ui, Action::ImportFiles, open, commands);
            action_button(ui, Action::ImportFolder, open, commands);
            let scanning = state.faces.is_busy();
            action_button(ui, Action::ScanFaces, open && !scanning, commands);
            ui.separator();
            action_button(ui, Action::OpenLibrary, true, commands);
            action_button(ui, Action::OpenDemo, state.library.demo.is_none(), commands);
            if state.library.is_demo() {
                action_button(ui, Action::KeepDemo, true, commands);
            }
            ui.separator();
            super::backup::file_menu_items(ui, state, commands);
            ui.separator();
            super::secure::file_menu_items(ui, state, commands);
            ui.separator();
            action_button(ui, Action::Quit, true, commands);
        });
        ui.menu_button("Edit", |ui| edit_menu(ui, state, commands));
        ui.menu_button("View", |ui| view_menu(ui, state, commands));
        super::clinic_admin::clinic_menu(ui, state, commands);
        ui.menu_button("Help", |ui| {
            action_button(ui, Action::ToggleHelp, true, commands);
            action_button(ui, Action::About, true, commands);
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
            ui.add(
                egui::ProgressBar::new(demo.fraction())
                    .desired_width(220.0)
                    .text(demo.progress_text()),
            );
            ui.spinner();
        }
        mode_badges(ui, state);
    });
}

/// Always in sight: that this is the temporary demo library, and clinic mode when it is on.
fn mode_badges(ui: &mut Ui, state: &AppState) {
    if state.library.mode == Mode::Clinic {
        ui.label(
            RichText::new("CLINIC MODE")
                .strong()
                .color(palette(ui).side_a),
        )
        .on_hover_text(
            "Consent is recorded per patient and checked on every export; switch it in the View menu",
        );
    }
    if state.library.is_demo() {
        ui.label(
            RichText::new("DEMO LIBRARY")
                .color(palette(ui).demo)
                .strong(),
        )
        .on_hover_text("Generated people and photos in a temporary folder, deleted when you quit");
    }
}

/// Over everything while the demo library is open: it is temporary, and how to keep it.
pub(super) fn demo_banner(ui: &mut Ui, commands: &mut Commands) {
    ui.horizontal_wrapped(|ui| {
        ui.label(
            RichText::new(
                "This demo library is temporary: it and everything you change in it are deleted when you quit.",
            )
            .color(palette(ui).demo),
        );
        action_button(ui, Action::KeepDemo, true, commands);
    });
}

/// Quitting would delete the changed demo library.
pub(super) fn quit_demo_window(ctx: &egui::Context, commands: &mut Commands) {
    egui::Modal::new(egui::Id::unique("quit-demo")).show(ctx, |ui| {
        ui.set_max_width(440.0);
        ui.heading("Quit and delete the demo library?");
        ui.label(
            "You changed the demo library. It lives in a temporary folder: quitting deletes it with your changes.",
        );
        ui.add_space(8.0);
        ui.horizontal_wrapped(|ui| {
            action_button(ui, Action::KeepDemo, true, commands);
            if ui
                .add(destructive_button(ui, "Quit and delete it"))
                .clicked()
            {
                commands.push(LibraryCommand::QuitAnyway.into());
            }
            if ui.button("Cancel").clicked() {
                commands.push(Action::Back.into());
            }
        });
    });
}

/// Help → About.
pub(super) fn about_window(ctx: &egui::Context, state: &AppState, commands: &mut Commands) {
    let mut open = true;
    egui::Window::new("About Skinlapse")
        .open(&mut open)
        .collapsible(false)
        .resizable(false)
        .anchor(egui::Align2::CENTER_CENTER, [0.0, 0.0])
        .show(ctx, |ui| {
            ui.heading(format!("Skinlapse {}", env!("CARGO_PKG_VERSION")));
            ui.label("A private, local catalogue of dated skin photos, and honest comparisons of how skin changes over a treatment series.");
            ui.label("Nothing leaves this computer: no network access, exports only when you ask.");
            if let Some(library) = state.library.library() {
                ui.label(format!("Library: {}", library.root().display()));
            }
            ui.label(format!("Licence: {}", env!("CARGO_PKG_LICENSE")));
        });
    if !open {
        commands.push(Action::Back.into());
    }
}

/// A button for something that cannot be undone, in the error colour.
pub(super) fn destructive_button<'a>(ui: &Ui, text: &'a str) -> egui::Button<'a> {
    egui::Button::new(RichText::new(text).color(ui.visuals().strong_text_color()))
        .fill(palette(ui).error.gamma_multiply(0.7))
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
    undo_button(ui, Action::Undo, state.history.next_undo(), commands);
    undo_button(ui, Action::Redo, state.history.next_redo(), commands);
    ui.separator();
    action_button(ui, Action::ShowTrash, open, commands);
    action_button(ui, Action::EmptyTrash, state.overview.has_trash(), commands);
}

/// "Undo: change taken-at of 18 photos", or plain "Undo" (disabled) with nothing to undo.
fn undo_button(ui: &mut Ui, action: Action, step: Option<&str>, commands: &mut Commands) {
    let text = step.map_or_else(
        || action.label().to_owned(),
        |s| format!("{}: {s}", action.label()),
    );
    let mut button = egui::Button::new(text);
    if let Some(s) = action.shortcut() {
        button = button.shortcut_text(super::shortcut_text(&s));
    }
    if ui
        .add_enabled(step.is_some(), button)
        .on_hover_text(action.tooltip())
        .clicked()
    {
        commands.push(action.into());
    }
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
        super::clinic::signed_in_status(ui, &state.clinic, commands);
        if let Some(library) = state.library.library() {
            ui.label(format!(
                "{} · {}",
                state
                    .overview
                    .total_photos()
                    .map_or_else(|| "… photos".to_owned(), |n| count(n, "photo", "photos")),
                count(state.overview.people.len(), "person", "people")
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
        ui.add_space(48.0);
        ui.separator();
        ui.add_space(8.0);
        // Apart and quieter: the demo is somewhere else, not this library.
        ui.label(
            RichText::new(
                "New here? Look around a demo first: generated people, series and photos in a temporary library, deleted when you quit.",
            )
            .weak(),
        );
        if ui
            .add_enabled(
                state.library.demo.is_none(),
                egui::Button::new(RichText::new("Look around a demo library…").small()).frame(false),
            )
            .on_hover_text(Action::OpenDemo.tooltip())
            .clicked()
        {
            commands.push(Action::OpenDemo.into());
        }
    });
}

/// Keys and mouse gestures that are not actions of their own.
const GESTURES: &[(&str, &str)] = &[
    ("Space (held)", "Flicker: show B while held"),
    ("Click", "Select a photo"),
    ("Ctrl+click", "Add a photo to the selection, or take it out"),
    (
        "Shift+click",
        "Select every photo from the last one clicked",
    ),
    (
        "Double-click",
        "Open a photo large; in the viewer: fit or 1:1",
    ),
    (
        "Scroll wheel",
        "Zoom the viewer or the comparison around the pointer",
    ),
    (
        "Drag",
        "Move a zoomed photo; in Align mode, move a landmark",
    ),
    (
        "Right-click",
        "A person's or series' menu; in Align mode, delete a landmark",
    ),
    ("Drop", "Drop files or folders on the window to import them"),
    (
        "Ctrl++ / Ctrl+−",
        "Make everything larger or smaller (Ctrl+0: normal size)",
    ),
];

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
        .anchor(egui::Align2::CENTER_CENTER, [0.0, 0.0])
        // One size from the first frame (an auto-sized window drew its title bar narrower
        // than its frame until the next repaint): as tall as the screen allows, the list
        // scrolling inside.
        .fixed_size([
            480.0,
            (ctx.content_rect().height() - 90.0).clamp(120.0, 660.0),
        ])
        .show(ctx, |ui| {
            egui::ScrollArea::vertical()
                .auto_shrink(false)
                .show(ui, |ui| {
                    egui::Grid::new("shortcuts").striped(true).show(ui, |ui| {
                        for &action in Action::ALL {
                            if let Some(s) = action.shortcut() {
                                ui.label(RichText::new(super::shortcut_text(&s)).monospace());
                                ui.label(action.label()).on_hover_text(action.tooltip());
                                ui.end_row();
                            }
                        }
                        for (keys, what) in GESTURES {
                            ui.label(RichText::new(*keys).monospace());
                            ui.label(*what);
                            ui.end_row();
                        }
                    });
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
            "{} and their original files will be deleted for good. This cannot be undone.",
            state.overview.trash_count().map_or_else(
                || "The photos in the trash".to_owned(),
                |n| count(n, "photo", "photos")
            )
        ));
        ui.horizontal(|ui| {
            if ui.button("Cancel").clicked() {
                commands.push(TrashCommand::CancelEmpty.into());
            }
            if ui.add(destructive_button(ui, "Delete for good")).clicked() {
                commands.push(TrashCommand::ConfirmEmpty.into());
            }
        });
    });
}

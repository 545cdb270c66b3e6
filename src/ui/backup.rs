//! Backup and restore: the File menu's entries, the restore form, the progress window with
//! Cancel, and the reminder line while the last backup is too old.

use super::theme::palette;
use crate::app::backup::RestoreForm;
use crate::app::{AppState, BackupCommand, Commands};
use crate::model::printable::printable_path;
use egui::{RichText, Ui};

/// The reminder choices, in days.
const REMINDER_CHOICES: [u32; 4] = [1, 7, 14, 30];

/// The File menu's backup entries.
pub(super) fn file_menu_items(ui: &mut Ui, state: &AppState, commands: &mut Commands) {
    let open = state.library.loaded.is_some();
    let idle = state.protection.backup.job.is_none();
    let clinic = state.library.library().is_some_and(|l| l.is_clinic());
    let mut item = |ui: &mut Ui, enabled: bool, label: &str, tooltip: &str, c: BackupCommand| {
        if ui
            .add_enabled(enabled, egui::Button::new(label))
            .on_hover_text(tooltip)
            .on_disabled_hover_text(tooltip)
            .clicked()
        {
            commands.push(c.into());
        }
    };
    let clinic_why = "A clinic library is backed up by the clinic: its database with pg_dump, its photos with the shared drive's backup";
    item(
        ui,
        open && idle && !clinic,
        "Back up to a file…",
        if clinic {
            clinic_why
        } else {
            "Write the whole library, as it is now, into one backup file (an encrypted library's backup stays encrypted)"
        },
        BackupCommand::ChooseFile,
    );
    item(
        ui,
        open && idle && !clinic,
        "Back up into a backup folder…",
        if clinic {
            clinic_why
        } else {
            "Add a backup of this moment to a backup folder: only photos not yet in it are copied, and every earlier backup stays restorable"
        },
        BackupCommand::ChooseFolder,
    );
    item(
        ui,
        idle,
        "Restore a backup…",
        "Recreate a library from a backup file or folder, in a new empty folder",
        BackupCommand::ShowRestore,
    );
    ui.menu_button("Remind me to back up", |ui| {
        let current = state.prefs.backup_reminder_days;
        for days in REMINDER_CHOICES {
            let label = format!("After {days} day{}", if days == 1 { "" } else { "s" });
            if ui.selectable_label(current == Some(days), label).clicked() {
                commands.push(BackupCommand::SetReminder(Some(days)).into());
            }
        }
        if ui.selectable_label(current.is_none(), "Never").clicked() {
            commands.push(BackupCommand::SetReminder(None).into());
        }
    })
    .response
    .on_hover_text("Say so when the last backup of the open library is older than this");
}

/// The restore form: which backup, into which new folder.
pub(super) fn restore_form(ctx: &egui::Context, form: &RestoreForm, commands: &mut Commands) {
    let mut open = true;
    let chosen = |ui: &mut Ui, path: Option<&std::path::Path>| match path {
        Some(p) => ui.label(RichText::new(printable_path(p)).monospace()),
        None => ui.label(RichText::new("not chosen yet").weak()),
    };
    egui::Window::new("Restore a backup")
        .anchor(egui::Align2::CENTER_CENTER, egui::Vec2::ZERO)
        .open(&mut open)
        .collapsible(false)
        .resizable(false)
        .show(ctx, |ui| {
            ui.label(
                "The backup is restored into a new library; the library open now is not touched.",
            );
            ui.add_space(8.0);
            egui::Grid::new("restore-form")
                .num_columns(2)
                .show(ui, |ui| {
                    ui.label("Backup");
                    chosen(ui, form.from.as_deref());
                    ui.end_row();
                    ui.label("");
                    ui.horizontal(|ui| {
                        if ui.button("Choose a backup file…").clicked() {
                            commands.push(BackupCommand::ChooseRestoreFile.into());
                        }
                        if ui.button("Choose a backup folder…").clicked() {
                            commands.push(BackupCommand::ChooseRestoreFolder.into());
                        }
                    });
                    ui.end_row();
                    ui.label("New library folder");
                    chosen(ui, form.to.as_deref());
                    ui.end_row();
                    ui.label("");
                    if ui.button("Choose an empty folder…").clicked() {
                        commands.push(BackupCommand::ChooseRestoreTarget.into());
                    }
                    ui.end_row();
                });
            ui.add_space(8.0);
            ui.horizontal(|ui| {
                let ready = form.from.clone().zip(form.to.clone());
                if ui
                    .add_enabled(ready.is_some(), egui::Button::new("Restore"))
                    .clicked()
                    && let Some((from, to)) = ready
                {
                    commands.push(BackupCommand::Restore { from, to }.into());
                }
                if ui.button("Cancel").clicked() {
                    commands.push(crate::app::Action::Back.into());
                }
            });
        });
    if !open {
        commands.push(crate::app::Action::Back.into());
    }
}

/// The running backup or restore, with its progress and Cancel.
pub(super) fn progress_window(ctx: &egui::Context, state: &AppState, commands: &mut Commands) {
    let Some(job) = &state.protection.backup.job else {
        return;
    };
    let (fraction, step) = job.task.progress.get();
    let title = if job.restoring {
        "Restoring"
    } else {
        "Backing up"
    };
    egui::Window::new(title)
        .anchor(egui::Align2::CENTER_CENTER, egui::Vec2::ZERO)
        .collapsible(false)
        .default_width(480.0)
        .show(ctx, |ui| {
            ui.label(&job.title);
            ui.add(egui::ProgressBar::new(fraction).text(step).animate(true));
            if job.task.is_cancelling() {
                ui.horizontal(|ui| {
                    ui.spinner();
                    ui.label("Cancelling…");
                });
            } else if ui
                .button("Cancel")
                .on_hover_text("Stop; nothing half-written is left behind")
                .clicked()
            {
                commands.push(BackupCommand::Cancel.into());
            }
        });
}

/// One line in the status bar while the last backup is older than the preference allows.
pub(super) fn reminder(ui: &mut Ui, state: &AppState, commands: &mut Commands) {
    let Some(text) = &state.protection.backup.reminder else {
        return;
    };
    ui.horizontal(|ui| {
        ui.label(RichText::new(text).color(palette(ui).warning));
        if ui
            .add_enabled(
                state.protection.backup.job.is_none(),
                egui::Button::new("Back up now…"),
            )
            .clicked()
        {
            commands.push(BackupCommand::ChooseFile.into());
        }
    });
}

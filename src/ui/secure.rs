//! The unlock window of an encrypted library (all that is shown while it is locked), the
//! change-passphrase form, and the File menu's lock entries.

use super::theme::palette;
use crate::app::secure::{Locked, idle_words};
use crate::app::{Action, AppState, Commands, Modal, Passphrase, SecureCommand};
use egui::{RichText, Ui};
use std::time::Duration;
use zeroize::Zeroizing;

/// The idle times offered, in minutes.
const IDLE_CHOICES: [u64; 4] = [1, 5, 15, 60];

/// What is typed into the passphrase fields (wiped when dropped or sent).
#[derive(Debug, Default)]
pub struct SecurePanel {
    unlock: Zeroizing<String>,
    /// The attempt the unlock field was last cleared and focused for.
    attempts_seen: Option<u64>,
    old: Zeroizing<String>,
    new: Zeroizing<String>,
    repeat: Zeroizing<String>,
}

/// A masked text field with a label readers and tests find it by.
fn password_field(ui: &mut Ui, label: &str, text: &mut String) -> egui::Response {
    super::clinic::field(ui, label, text, true)
}

fn take(text: &mut Zeroizing<String>) -> Passphrase {
    let passphrase = Passphrase::new(text.as_str());
    text.clear();
    passphrase
}

impl SecurePanel {
    /// The whole window while an encrypted library is locked: its folder, the passphrase
    /// field, why the last attempt failed. Nothing of the library itself.
    pub fn unlock_screen(&mut self, ui: &mut Ui, locked: &Locked, commands: &mut Commands) {
        let fresh = self.attempts_seen != Some(locked.attempts);
        if fresh {
            self.attempts_seen = Some(locked.attempts);
            self.unlock.clear();
        }
        ui.vertical_centered(|ui| {
            ui.add_space(100.0);
            ui.heading("This library is locked");
            ui.add_space(8.0);
            ui.label(format!(
                "{} is encrypted. Enter its passphrase to open it.",
                locked.root.display()
            ));
            ui.add_space(16.0);
            let label = ui.label("Passphrase");
            let field = ui
                .add(
                    egui::TextEdit::singleline(&mut *self.unlock)
                        .password(true)
                        .desired_width(280.0),
                )
                .labelled_by(label.id);
            // Ready to type into, first and after each failed attempt.
            if fresh {
                field.request_focus();
            }
            let entered = field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
            ui.add_space(8.0);
            let clicked = ui
                .add_enabled(!self.unlock.is_empty(), egui::Button::new("Unlock"))
                .on_hover_text("Open the library with this passphrase")
                .clicked();
            if (entered || clicked) && !self.unlock.is_empty() {
                commands.push(SecureCommand::Unlock(take(&mut self.unlock)).into());
            }
            if let Some(error) = &locked.error {
                ui.add_space(8.0);
                ui.label(RichText::new(error).color(palette(ui).error));
            }
            ui.add_space(24.0);
            super::action_button(ui, Action::OpenLibrary, true, commands);
        });
    }

    /// The change-passphrase form: the current one, the new one twice.
    pub fn change_window(
        &mut self,
        ctx: &egui::Context,
        state: &AppState,
        commands: &mut Commands,
    ) {
        let mut open = true;
        egui::Window::new("Change the passphrase")
            .anchor(egui::Align2::CENTER_CENTER, egui::Vec2::ZERO)
            .open(&mut open)
            .collapsible(false)
            .resizable(false)
            .show(ctx, |ui| {
                ui.label("The photos and the catalogue stay as they are; only the key that opens them is wrapped again.");
                ui.add_space(8.0);
                password_field(ui, "Current passphrase", &mut self.old);
                password_field(ui, "New passphrase", &mut self.new);
                password_field(ui, "New passphrase again", &mut self.repeat);
                if let Some(error) = &state.protection.secure.change_error {
                    ui.label(RichText::new(error).color(palette(ui).error));
                }
                ui.horizontal(|ui| {
                    let filled = !self.old.is_empty() && !self.new.is_empty();
                    if ui
                        .add_enabled(filled, egui::Button::new("Change passphrase"))
                        .clicked()
                    {
                        commands.push(
                            SecureCommand::ChangePassphrase {
                                old: take(&mut self.old),
                                new: take(&mut self.new),
                                repeat: take(&mut self.repeat),
                            }
                            .into(),
                        );
                    }
                    if ui.button("Cancel").clicked() {
                        commands.push(Action::Back.into());
                    }
                });
            });
        if !open {
            commands.push(Action::Back.into());
        }
    }

    /// Forgets what was typed into the change form once it is closed.
    pub fn forget(&mut self, state: &AppState) {
        if state.nav.modal() != Some(&Modal::ChangePassphrase) {
            self.old.clear();
            self.new.clear();
            self.repeat.clear();
        }
    }
}

/// The File menu's entries for an encrypted library: lock now, change the passphrase, and
/// after how long without use it locks by itself.
pub(super) fn file_menu_items(ui: &mut Ui, state: &AppState, commands: &mut Commands) {
    let encrypted = state.library.library().is_some_and(|l| l.is_encrypted());
    if ui
        .add_enabled(encrypted, egui::Button::new("Lock now"))
        .on_hover_text("Close the encrypted library until its passphrase is given again")
        .clicked()
    {
        commands.push(SecureCommand::Lock.into());
    }
    if ui
        .add_enabled(encrypted, egui::Button::new("Change passphrase…"))
        .on_hover_text("Choose a new passphrase for this encrypted library")
        .clicked()
    {
        commands.push(SecureCommand::ShowChangePassphrase.into());
    }
    ui.menu_button("Lock when idle", |ui| {
        let current = state.prefs.lock_after_secs;
        let mut choice = |ui: &mut Ui, label: String, secs: Option<u64>| {
            if ui.selectable_label(current == secs, label).clicked() {
                commands.push(SecureCommand::SetIdleLock(secs.map(Duration::from_secs)).into());
            }
        };
        for minutes in IDLE_CHOICES {
            choice(
                ui,
                format!("After {}", idle_words(Duration::from_secs(minutes * 60))),
                Some(minutes * 60),
            );
        }
        choice(ui, "Never".into(), None);
    })
    .response
    .on_hover_text("An encrypted library locks itself after this long without use");
}

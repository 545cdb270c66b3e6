//! A clinic library's sign-in window (all that is shown while nobody is signed in), the
//! first own password of a new user, and who is signed in, in the status bar.

use super::theme::palette;
use crate::app::clinic::{ClinicState, MIN_PASSWORD_CHARS, SignInForm, Stage};
use crate::app::{Action, ClinicCommand, Commands, Passphrase};
use egui::{RichText, Ui};
use zeroize::Zeroizing;

/// What is typed into the sign-in window (passwords wiped when dropped or sent).
#[derive(Debug, Default)]
pub struct ClinicPanel {
    user: String,
    password: Zeroizing<String>,
    new: Zeroizing<String>,
    repeat: Zeroizing<String>,
    /// The attempt the fields were last cleared and focused for.
    attempts_seen: Option<(std::path::PathBuf, u64, u64)>,
}

fn take(text: &mut Zeroizing<String>) -> Passphrase {
    let passphrase = Passphrase::new(text.as_str());
    text.clear();
    passphrase
}

/// A labelled text field (masked for a password) that readers and tests find by its label.
pub(super) fn field(ui: &mut Ui, label: &str, text: &mut String, masked: bool) -> egui::Response {
    ui.horizontal(|ui| {
        let label = ui.add_sized([170.0, 20.0], egui::Label::new(label));
        ui.add(
            egui::TextEdit::singleline(text)
                .password(masked)
                .desired_width(240.0),
        )
        .labelled_by(label.id)
    })
    .inner
}

impl ClinicPanel {
    /// The whole window while nobody is signed in to the clinic library: where it signs in
    /// to, the user name and password (or a new user's own password), why the last attempt
    /// failed. Nothing of the library itself.
    pub fn sign_in_screen(&mut self, ui: &mut Ui, form: &SignInForm, commands: &mut Commands) {
        let seen = Some((form.root.clone(), form.serial, form.attempts));
        let fresh = self.attempts_seen != seen;
        if fresh {
            if self
                .attempts_seen
                .as_ref()
                .is_none_or(|(r, _, _)| *r != form.root)
            {
                self.user.clone_from(&form.user);
            }
            self.attempts_seen = seen;
            self.password.clear();
            self.new.clear();
            self.repeat.clear();
        }
        ui.vertical_centered(|ui| {
            ui.set_max_width(520.0);
            ui.add_space(90.0);
            ui.heading(format!("Sign in to the clinic {}", form.place));
            ui.add_space(4.0);
            ui.label(RichText::new(form.root.display().to_string()).weak());
            if let Some(notice) = &form.notice {
                ui.add_space(8.0);
                ui.label(notice);
            }
            ui.add_space(16.0);
            match form.stage {
                Stage::Password => self.password_form(ui, form, fresh, commands),
                Stage::ChoosePassword => self.new_password_form(ui, form, fresh, commands),
            }
            if form.is_busy() {
                ui.add_space(8.0);
                ui.horizontal(|ui| {
                    ui.spinner();
                    ui.label("Signing in…");
                });
            }
            if let Some(error) = &form.error {
                ui.add_space(8.0);
                ui.label(RichText::new(error).color(palette(ui).error));
                if form.offline
                    && ui
                        .add_enabled(!form.is_busy(), egui::Button::new("Retry"))
                        .on_hover_text("Try to reach the clinic database again")
                        .clicked()
                {
                    commands.push(ClinicCommand::Retry.into());
                }
            }
            ui.add_space(24.0);
            super::action_button(ui, Action::OpenLibrary, true, commands);
        });
    }

    fn password_form(
        &mut self,
        ui: &mut Ui,
        form: &SignInForm,
        fresh: bool,
        commands: &mut Commands,
    ) {
        let user = field(ui, "User name", &mut self.user, false);
        let password = field(ui, "Password", &mut self.password, true);
        // Ready to type into, first and after each failed attempt.
        if fresh {
            if self.user.is_empty() {
                user.request_focus();
            } else {
                password.request_focus();
            }
        }
        let entered = password.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
        ui.add_space(8.0);
        let ready = !self.user.trim().is_empty() && !self.password.is_empty() && !form.is_busy();
        let clicked = ui
            .add_enabled(ready, egui::Button::new("Sign in"))
            .on_hover_text("The clinic's database checks your user name and password")
            .clicked();
        if (entered || clicked) && ready {
            commands.push(
                ClinicCommand::SignIn {
                    user: self.user.trim().to_owned(),
                    password: take(&mut self.password),
                }
                .into(),
            );
        }
    }

    fn new_password_form(
        &mut self,
        ui: &mut Ui,
        form: &SignInForm,
        fresh: bool,
        commands: &mut Commands,
    ) {
        ui.label(
            RichText::new("Choose your own password")
                .strong()
                .size(18.0),
        );
        ui.label(format!(
            "{} signs in for the first time (or with a password an admin gave): choose a password only you know, at least {MIN_PASSWORD_CHARS} characters.",
            form.user
        ));
        ui.add_space(8.0);
        let new = field(ui, "New password", &mut self.new, true);
        field(ui, "New password again", &mut self.repeat, true);
        if fresh {
            new.request_focus();
        }
        ui.add_space(8.0);
        let ready = !self.new.is_empty() && !self.repeat.is_empty() && !form.is_busy();
        if ui
            .add_enabled(ready, egui::Button::new("Set password and sign in"))
            .clicked()
        {
            commands.push(
                ClinicCommand::ChoosePassword {
                    new: take(&mut self.new),
                    repeat: take(&mut self.repeat),
                }
                .into(),
            );
        }
    }
}

/// The status bar's "Signed in as ann (admin) on front-desk", with Sign out.
pub(super) fn signed_in_status(ui: &mut Ui, clinic: &ClinicState, commands: &mut Commands) {
    let Some(who) = &clinic.signed_in else {
        return;
    };
    ui.label(format!(
        "Signed in as {} ({}) · {} · {}",
        who.user(),
        who.role.key(),
        who.workstation,
        who.place
    ));
    if ui
        .small_button("Sign out")
        .on_hover_text("Close the clinic library and sign out; the next person signs in")
        .clicked()
    {
        commands.push(ClinicCommand::SignOut.into());
    }
    ui.separator();
}

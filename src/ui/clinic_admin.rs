//! The Clinic menu and the admin's windows: Users (list, add, disable), the Audit trail
//! (filter by patient, user and date; newest first; a page at a time) and Settings (the
//! idle time).

use super::theme::palette;
use crate::app::clinic_admin::{AUDIT_PAGE, AdminCommand, AdminState, AuditQuery};
use crate::app::nav::Modal;
use crate::app::{Action, AppState, ClinicCommand, Commands, Passphrase};
use crate::catalogue::clinic::{AuditRow, Role};
use crate::model::idle;
use chrono::Local;
use egui::{RichText, Ui};
use zeroize::Zeroizing;

const ROLES: [Role; 3] = [Role::Assistant, Role::Clinician, Role::Admin];

/// What is typed into the admin windows.
#[derive(Debug)]
pub struct AdminPanel {
    name: String,
    role: Role,
    password: Zeroizing<String>,
    query: AuditQuery,
    /// The user whose Disable was clicked, waiting for Disable again to confirm.
    confirm_disable: Option<String>,
    /// The idle time as typed, and the value read it was filled in from.
    idle: String,
    idle_seen: Option<u32>,
}

impl Default for AdminPanel {
    fn default() -> Self {
        Self {
            name: String::new(),
            role: Role::Assistant,
            password: Zeroizing::default(),
            query: AuditQuery::default(),
            confirm_disable: None,
            idle: String::new(),
            idle_seen: None,
        }
    }
}

/// The Clinic menu, while signed in to a clinic library: the admin's windows (disabled with
/// the reason for anyone else) and Sign out.
pub(super) fn clinic_menu(ui: &mut Ui, state: &AppState, commands: &mut Commands) {
    let Some(who) = &state.clinic.signed_in else {
        return;
    };
    ui.menu_button("Clinic", |ui| {
        let is_admin = who.role == Role::Admin;
        let why = format!(
            "Only an admin manages users and settings and reads the audit trail; {} signs in as {}",
            who.user(),
            who.role.key()
        );
        for (label, hint, command) in [
            (
                "Users…",
                "Who may sign in, with which role; add or disable a user",
                AdminCommand::ShowUsers,
            ),
            (
                "Audit trail…",
                "Who signed in, viewed, changed, imported or exported what, and when",
                AdminCommand::ShowAudit,
            ),
            (
                "Settings…",
                "The clinic's settings: after how long without input the app signs out",
                AdminCommand::ShowSettings,
            ),
        ] {
            let button = ui.add_enabled(is_admin, egui::Button::new(label));
            if button
                .on_hover_text(hint)
                .on_disabled_hover_text(&why)
                .clicked()
            {
                commands.push(admin_cmd(command));
            }
        }
        ui.separator();
        if ui.button("Sign out").clicked() {
            commands.push(ClinicCommand::SignOut.into());
        }
    });
}

/// A window over the screen; false once its close button was clicked.
fn window(ctx: &egui::Context, title: &str, size: [f32; 2], body: impl FnOnce(&mut Ui)) -> bool {
    let mut open = true;
    egui::Window::new(title)
        .open(&mut open)
        .collapsible(false)
        .anchor(egui::Align2::CENTER_CENTER, egui::Vec2::ZERO)
        .default_size(size)
        .show(ctx, body);
    open
}

fn outcome(ui: &mut Ui, admin: &AdminState) {
    if admin.is_busy() {
        ui.horizontal(|ui| {
            ui.spinner();
            ui.label("Asking the clinic database…");
        });
    }
    if let Some(error) = &admin.error {
        ui.label(RichText::new(error).color(palette(ui).error));
    }
    if let Some(message) = &admin.message {
        ui.label(message);
    }
}

fn local(t: chrono::DateTime<chrono::Utc>) -> String {
    t.with_timezone(&Local).format("%Y-%m-%d %H:%M").to_string()
}

impl AdminPanel {
    /// The windows of the Clinic menu, when one is open.
    pub fn windows(&mut self, ctx: &egui::Context, state: &AppState, commands: &mut Commands) {
        match state.nav.modal() {
            Some(Modal::Users) => self.users(ctx, state, commands),
            Some(Modal::Audit) => self.audit(ctx, state, commands),
            Some(Modal::ClinicSettings) => self.settings(ctx, state, commands),
            _ => {
                self.password.clear();
                self.confirm_disable = None;
                self.idle_seen = None;
            }
        }
    }

    fn users(&mut self, ctx: &egui::Context, state: &AppState, commands: &mut Commands) {
        let admin = &state.clinic.admin;
        let me = state.clinic.signed_in.as_ref().map(|s| s.user().to_owned());
        let open = window(ctx, "Users", [640.0, 420.0], |ui| {
            egui::Grid::new("clinic-users")
                .striped(true)
                .show(ui, |ui| {
                    for head in ["Name", "Role", "Status", "Added", ""] {
                        ui.label(RichText::new(head).strong());
                    }
                    ui.end_row();
                    for user in &admin.users {
                        ui.label(&user.name);
                        ui.label(user.role.key());
                        ui.label(match (user.disabled_at, user.must_change_password) {
                            (Some(t), _) => format!("disabled since {}", local(t)),
                            (None, true) => "must choose a password".to_owned(),
                            (None, false) => "active".to_owned(),
                        });
                        ui.label(format!("{} by {}", local(user.created_at), user.created_by));
                        let can = user.disabled_at.is_none() && me.as_deref() != Some(&user.name);
                        let confirming = self.confirm_disable.as_deref() == Some(&user.name);
                        let text = if confirming {
                            "Disable: sure?"
                        } else {
                            "Disable"
                        };
                        let button = ui
                            .add_enabled(can && !admin.is_busy(), egui::Button::new(text))
                            .on_hover_text(format!(
                                "{} cannot sign in any more; their open sessions end",
                                user.name
                            ))
                            .on_disabled_hover_text("Already disabled, or yourself");
                        if button.clicked() {
                            if confirming {
                                self.confirm_disable = None;
                                commands
                                    .push(admin_cmd(AdminCommand::DisableUser(user.name.clone())));
                            } else {
                                self.confirm_disable = Some(user.name.clone());
                            }
                        }
                        ui.end_row();
                    }
                });
            ui.separator();
            ui.label(RichText::new("Add a user").strong());
            super::clinic::field(ui, "User name", &mut self.name, false);
            ui.horizontal(|ui| {
                ui.add_sized([150.0, 20.0], egui::Label::new("Role"));
                for role in ROLES {
                    ui.selectable_value(&mut self.role, role, role.key());
                }
            });
            super::clinic::field(ui, "First password", &mut self.password, true);
            ui.label(
                RichText::new("They choose their own password at their first sign-in.").weak(),
            );
            let ready =
                !self.name.trim().is_empty() && !self.password.is_empty() && !admin.is_busy();
            if ui
                .add_enabled(ready, egui::Button::new("Add user"))
                .clicked()
            {
                commands.push(admin_cmd(AdminCommand::AddUser {
                    name: self.name.trim().to_owned(),
                    role: self.role,
                    password: Passphrase::new(self.password.as_str()),
                }));
                self.password.clear();
                self.name.clear();
            }
            outcome(ui, admin);
        });
        if !open {
            commands.push(Action::Back.into());
        }
    }

    fn audit(&mut self, ctx: &egui::Context, state: &AppState, commands: &mut Commands) {
        let admin = &state.clinic.admin;
        let open = window(ctx, "Audit trail", [1000.0, 560.0], |ui| {
            ui.horizontal(|ui| {
                for (label, text, width) in [
                    ("Patient", &mut self.query.patient, 160.0),
                    ("User", &mut self.query.user, 120.0),
                    ("Since", &mut self.query.since, 100.0),
                ] {
                    let label = ui.label(label);
                    ui.add(
                        egui::TextEdit::singleline(text)
                            .desired_width(width)
                            .hint_text(if width <= 100.0 { "YYYY-MM-DD" } else { "" }),
                    )
                    .labelled_by(label.id);
                }
                if ui
                    .add_enabled(!admin.is_busy(), egui::Button::new("Show"))
                    .clicked()
                {
                    commands.push(admin_cmd(AdminCommand::Audit(self.query.clone())));
                }
            });
            outcome(ui, admin);
            ui.separator();
            audit_table(ui, &admin.audit);
            ui.horizontal(|ui| {
                let page = admin.audit_page;
                let first = page * AUDIT_PAGE + 1;
                let last = (first + admin.audit.len()).saturating_sub(1);
                let idle = !admin.is_busy();
                if ui
                    .add_enabled(idle && page > 0, egui::Button::new("Newer"))
                    .clicked()
                {
                    commands.push(admin_cmd(AdminCommand::AuditNewer));
                }
                ui.label(if admin.audit.is_empty() {
                    "No actions match.".to_owned()
                } else if admin.audit_more {
                    format!("{first}–{last}, newest first; older ones follow")
                } else {
                    format!("{first}–{last}, newest first")
                });
                if ui
                    .add_enabled(idle && admin.audit_more, egui::Button::new("Older"))
                    .clicked()
                {
                    commands.push(admin_cmd(AdminCommand::AuditOlder));
                }
            });
        });
        if !open {
            commands.push(Action::Back.into());
        }
    }
}

impl AdminPanel {
    /// The clinic's settings: the idle time, checked before it is sent (the database checks
    /// it again).
    fn settings(&mut self, ctx: &egui::Context, state: &AppState, commands: &mut Commands) {
        let admin = &state.clinic.admin;
        if admin.idle_minutes.is_some() && admin.idle_minutes != self.idle_seen {
            self.idle_seen = admin.idle_minutes;
            self.idle = admin
                .idle_minutes
                .map_or_else(String::new, |m| m.to_string());
        }
        let open = window(ctx, "Clinic settings", [520.0, 220.0], |ui| {
            ui.label(RichText::new("Signing out").strong());
            let response = ui
                .horizontal(|ui| {
                    let label =
                        ui.add_sized([170.0, 20.0], egui::Label::new("Idle time (minutes)"));
                    let field = ui
                        .add(egui::TextEdit::singleline(&mut self.idle).desired_width(60.0))
                        .labelled_by(label.id);
                    ui.label(format!("{} to {}", idle::MIN_MINUTES, idle::MAX_MINUTES));
                    field
                })
                .inner;
            ui.label(
                RichText::new(format!(
                    "Every workstation signs out after this long without input and shows \
                     nothing of the patient (default {} minutes). Workstations signed in now \
                     apply a change within seconds.",
                    idle::DEFAULT_MINUTES
                ))
                .weak(),
            );
            let enter = response.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
            let ready = admin.idle_minutes.is_some() && !admin.is_busy();
            if ui.add_enabled(ready, egui::Button::new("Save")).clicked() || (enter && ready) {
                commands.push(admin_cmd(AdminCommand::SetIdle(self.idle.clone())));
            }
            outcome(ui, admin);
        });
        if !open {
            commands.push(Action::Back.into());
        }
    }
}

fn admin_cmd(c: AdminCommand) -> crate::app::Command {
    ClinicCommand::Admin(c).into()
}

fn audit_table(ui: &mut Ui, rows: &[AuditRow]) {
    egui::ScrollArea::both().max_height(400.0).show(ui, |ui| {
        egui::Grid::new("clinic-audit")
            .striped(true)
            .show(ui, |ui| {
                for head in [
                    "When",
                    "User",
                    "Workstation",
                    "Action",
                    "Target",
                    "Patient",
                    "Purpose",
                    "What changed",
                ] {
                    ui.label(RichText::new(head).strong());
                }
                ui.end_row();
                for row in rows {
                    ui.label(local(row.at));
                    ui.label(&row.user);
                    ui.label(&row.workstation);
                    ui.label(&row.action);
                    ui.label(match row.target_id {
                        Some(id) => format!("{} {id}", row.target_kind),
                        None => row.target_kind.clone(),
                    });
                    ui.label(row.patient.as_deref().unwrap_or(""));
                    ui.label(row.purpose.as_deref().unwrap_or(""));
                    let detail = row.detail.as_deref().unwrap_or("");
                    let short: String = detail.chars().take(60).collect();
                    let label = ui.label(if short.len() < detail.len() {
                        format!("{short}…")
                    } else {
                        short
                    });
                    if !detail.is_empty() {
                        label.on_hover_text(detail);
                    }
                    ui.end_row();
                }
            });
    });
}

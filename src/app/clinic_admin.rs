//! The clinic admin's windows: the users (list, add with a first password, disable), the
//! audit trail (filtered by patient, user and date; newest first; a page at a time, each
//! page read from the database as it is asked for) and the clinic's settings (the idle time).
//! Each request signs in afresh on a worker thread with the signed-in user's login, so the UI
//! thread only draws; the database decides whether the user may (an admin), not the app.

use super::AppState;
use super::nav::Modal;
use super::secure::Passphrase;
use crate::catalogue::clinic::{
    AuditCursor, AuditFilter, AuditPage, AuditRow, ClinicError, ClinicSession, Role, UserRow,
};
use crate::library::clinic::ClinicLogin;
use crate::model::idle;
use chrono::{Local, NaiveDate, TimeZone as _, Utc};
use std::sync::Arc;
use std::sync::mpsc::{Receiver, TryRecvError, sync_channel};

/// Audit rows shown on one page.
pub const AUDIT_PAGE: usize = 50;

/// What the admin windows can be asked to do.
#[derive(Clone, Debug, PartialEq)]
pub enum AdminCommand {
    ShowUsers,
    ShowAudit,
    AddUser {
        name: String,
        role: Role,
        password: Passphrase,
    },
    DisableUser(String),
    /// Read the trail again with this filter (from its first page).
    Audit(AuditQuery),
    /// The next page of older rows.
    AuditOlder,
    /// The page of newer rows before the one shown.
    AuditNewer,
    /// The clinic's settings window.
    ShowSettings,
    /// Set the clinic's idle time to these minutes, as typed.
    SetIdle(String),
}

/// The audit window's filter, as typed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AuditQuery {
    /// A patient's name ("" for everyone).
    pub patient: String,
    /// A user's name ("" for everyone).
    pub user: String,
    /// From this day on, YYYY-MM-DD local time ("" for always).
    pub since: String,
}

impl AuditQuery {
    /// The filter the database is asked for.
    ///
    /// # Errors
    /// The date is not a day written YYYY-MM-DD, in a sentence.
    pub fn filter(&self) -> Result<AuditFilter, String> {
        let text = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
        let since = match text(&self.since) {
            None => None,
            Some(day) => {
                let date = NaiveDate::parse_from_str(&day, "%Y-%m-%d").map_err(|_| {
                    format!(
                        "\"{day}\" in Since is not a day: write it as YYYY-MM-DD, e.g. 2026-11-30."
                    )
                })?;
                let midnight = date.and_hms_opt(0, 0, 0).expect("midnight exists");
                let local = Local
                    .from_local_datetime(&midnight)
                    .earliest()
                    .ok_or_else(|| {
                        format!("Midnight of {day} does not exist in this time zone.")
                    })?;
                Some(local.with_timezone(&Utc))
            }
        };
        Ok(AuditFilter {
            patient: text(&self.patient),
            user: text(&self.user),
            since,
        })
    }
}

/// What the admin windows show.
#[derive(Debug, Default)]
pub struct AdminState {
    pub users: Vec<UserRow>,
    /// The page of the trail shown, newest first.
    pub audit: Vec<AuditRow>,
    pub audit_query: AuditQuery,
    /// The page of the trail shown (0: the newest rows).
    pub audit_page: usize,
    /// Older rows follow the page shown.
    pub audit_more: bool,
    /// The filter of the pages shown, and where each page seen starts (page 0: `None`, the
    /// newest): Newer reads the one before again, Older the one after the last row shown.
    audit_listing: Option<(AuditFilter, Vec<Option<AuditCursor>>)>,
    /// The clinic's idle time in minutes, as read last.
    pub idle_minutes: Option<u32>,
    /// Why the last request failed.
    pub error: Option<String>,
    /// What the last change did ("Added bob (clinician)…").
    pub message: Option<String>,
    work: Option<Receiver<Answer>>,
}

impl AdminState {
    pub fn is_busy(&self) -> bool {
        self.work.is_some()
    }
}

/// What a worker brings back.
enum Answer {
    Users(Result<(Vec<UserRow>, Option<String>), String>),
    /// A page of the trail, and which page it is.
    Audit(Result<(usize, AuditPage), String>),
    /// The idle time in minutes, and what a change did.
    Settings(Result<(u32, Option<String>), String>),
}

/// An error of the clinic database in a sentence; a refusal names the role that lacks the
/// right.
pub fn clinic_error_text(e: &ClinicError, role: Role) -> String {
    match e {
        ClinicError::Forbidden { user, .. } => format!(
            "Not allowed: {user} signs in as {}, and only an admin may do this.",
            role.key()
        ),
        other => format!("{other}."),
    }
}

/// Signs in afresh and runs `work` on a worker thread.
fn spawn<T: Send + 'static>(
    login: Arc<ClinicLogin>,
    role: Role,
    ctx: egui::Context,
    work: impl FnOnce(&mut ClinicSession) -> Result<T, ClinicError> + Send + 'static,
    answer: impl FnOnce(Result<T, String>) -> Answer + Send + 'static,
) -> Receiver<Answer> {
    let (tx, rx) = sync_channel(1);
    std::thread::Builder::new()
        .name("clinic-admin".into())
        .spawn(move || {
            let result = ClinicSession::sign_in(&login.server, &login.user, &login.password)
                .and_then(|mut session| work(&mut session))
                .map_err(|e| clinic_error_text(&e, role));
            let _ = tx.send(answer(result));
            ctx.request_repaint();
        })
        .expect("spawning the admin thread");
    rx
}

impl AppState {
    pub(super) fn run_admin(&mut self, command: AdminCommand) {
        let Some(who) = self.clinic.signed_in.as_ref() else {
            return;
        };
        let (login, role, ctx) = (Arc::clone(&who.login), who.role, self.env.ctx.clone());
        let admin = &mut self.clinic.admin;
        if admin.is_busy() {
            return;
        }
        let users =
            |message: Option<String>| move |s: &mut ClinicSession| s.users().map(|u| (u, message));
        match command {
            AdminCommand::ShowUsers => {
                admin.error = None;
                admin.message = None;
                self.nav.show(Modal::Users);
                admin.work = Some(spawn(login, role, ctx, users(None), Answer::Users));
            }
            AdminCommand::ShowAudit => {
                admin.error = None;
                self.nav.show(Modal::Audit);
                let query = admin.audit_query.clone();
                self.run_admin(AdminCommand::Audit(query));
            }
            AdminCommand::AddUser {
                name,
                role: new_role,
                password,
            } => {
                admin.message = None;
                if password.as_str().chars().count() < super::clinic::MIN_PASSWORD_CHARS {
                    admin.error = Some(format!(
                        "The first password must be at least {} characters long; {name} was not added.",
                        super::clinic::MIN_PASSWORD_CHARS
                    ));
                    return;
                }
                let done = format!(
                    "Added {name} ({}): they choose their own password at their first sign-in.",
                    new_role.key()
                );
                let add = move |s: &mut ClinicSession| {
                    s.add_user(&name, new_role, password.as_str())?;
                    users(Some(done))(s)
                };
                admin.error = None;
                admin.work = Some(spawn(login, role, ctx, add, Answer::Users));
            }
            AdminCommand::DisableUser(name) => {
                admin.message = None;
                admin.error = None;
                let done =
                    format!("Disabled {name}: they cannot sign in, and their open sessions ended.");
                let disable = move |s: &mut ClinicSession| {
                    s.disable_user(&name)?;
                    users(Some(done))(s)
                };
                admin.work = Some(spawn(login, role, ctx, disable, Answer::Users));
            }
            AdminCommand::Audit(query) => {
                admin.audit_query = query;
                match admin.audit_query.filter() {
                    Err(e) => admin.error = Some(e),
                    Ok(filter) => {
                        admin.error = None;
                        admin.audit_listing = Some((filter, vec![None]));
                        admin.work = Some(read_audit_page(admin, 0, login, role, ctx));
                    }
                }
            }
            AdminCommand::AuditOlder => {
                let next = admin.audit_page + 1;
                let start = admin.audit.last().map(AuditRow::cursor);
                if let (true, Some(start), Some((_, starts))) =
                    (admin.audit_more, start, admin.audit_listing.as_mut())
                {
                    starts.truncate(next);
                    starts.push(Some(start));
                    admin.work = Some(read_audit_page(admin, next, login, role, ctx));
                }
            }
            AdminCommand::AuditNewer => {
                if let Some(page) = admin.audit_page.checked_sub(1) {
                    admin.work = Some(read_audit_page(admin, page, login, role, ctx));
                }
            }
            AdminCommand::ShowSettings => {
                admin.error = None;
                admin.message = None;
                self.nav.show(Modal::ClinicSettings);
                let read = |s: &mut ClinicSession| s.idle_minutes().map(|m| (m, None));
                admin.work = Some(spawn(login, role, ctx, read, Answer::Settings));
            }
            AdminCommand::SetIdle(text) => {
                admin.message = None;
                match idle::parse(&text) {
                    Err(e) => admin.error = Some(e),
                    Ok(minutes) => {
                        admin.error = None;
                        let set = move |s: &mut ClinicSession| {
                            s.set_idle_minutes(minutes)?;
                            let now = s.idle_minutes()?;
                            Ok((
                                now,
                                Some(format!(
                                    "Saved: every workstation signs out after {} without input.",
                                    idle::words(now)
                                )),
                            ))
                        };
                        admin.work = Some(spawn(login, role, ctx, set, Answer::Settings));
                    }
                }
            }
        }
    }

    /// Takes in what an admin request found. Call every frame.
    pub(super) fn poll_admin(&mut self) {
        let admin = &mut self.clinic.admin;
        let Some(work) = &admin.work else {
            return;
        };
        let answer = match work.try_recv() {
            Ok(answer) => answer,
            Err(TryRecvError::Empty) => return,
            Err(TryRecvError::Disconnected) => {
                Answer::Users(Err("The request stopped unexpectedly; try again.".into()))
            }
        };
        admin.work = None;
        match answer {
            Answer::Users(Ok((users, message))) => {
                admin.users = users;
                admin.message = message;
            }
            Answer::Audit(Ok((page, AuditPage { rows, more }))) => {
                admin.audit = rows;
                admin.audit_page = page;
                admin.audit_more = more;
            }
            Answer::Settings(Ok((minutes, message))) => {
                admin.idle_minutes = Some(minutes);
                if message.is_some()
                    && let Some(who) = self.clinic.signed_in.as_mut()
                {
                    // This workstation at once; the others when the change notice reaches
                    // them.
                    who.idle = idle::duration(minutes);
                }
                admin.message = message;
            }
            Answer::Users(Err(e)) | Answer::Audit(Err(e)) | Answer::Settings(Err(e)) => {
                admin.error = Some(e);
            }
        }
    }
}

/// Reads page `page` of the listing shown (where it starts is known) on a worker thread.
fn read_audit_page(
    admin: &AdminState,
    page: usize,
    login: Arc<ClinicLogin>,
    role: Role,
    ctx: egui::Context,
) -> Receiver<Answer> {
    let (filter, start) = admin.audit_listing.as_ref().map_or_else(
        || (AuditFilter::default(), None),
        |(filter, starts)| (filter.clone(), starts.get(page).copied().flatten()),
    );
    let read = move |s: &mut ClinicSession| {
        s.audit_page(&filter, start, AUDIT_PAGE)
            .map(|rows| (page, rows))
    };
    spawn(login, role, ctx, read, Answer::Audit)
}

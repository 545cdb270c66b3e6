//! A clinic library in the app: the sign-in window (signing in runs on a worker thread, never
//! on the UI thread), the own password a new user chooses first, who is signed in, signing
//! out by hand or after the clinic's idle time, and what each role may not do.
//!
//! Follows the encrypted library's pattern ([`super::secure`]): while nobody is signed in the
//! library is closed (its connections and the in-memory password dropped) and the sign-in
//! window is all there is. Signing in again after the idle time returns to the screen the
//! user was on.

use super::AppState;
use super::clinic_admin::{AdminCommand, AdminState};
use super::secure::{Passphrase, idle_words};
use crate::catalogue::Catalogue;
use crate::catalogue::clinic::{ClinicError, ClinicSession, Role, SignInVia, SignOut};
use crate::library::Library;
use crate::library::clinic::{self as clinic_folder, ClinicLogin, ClinicSettings};
use crate::model::clinical::Mode;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc::{Receiver, TryRecvError, sync_channel};
use std::time::Duration;
use zeroize::Zeroizing;

/// The shortest password a user may choose (as `skinlapse clinic user add`).
pub const MIN_PASSWORD_CHARS: usize = 8;

/// The clinic setting that says after how many minutes without input the app signs out.
pub const IDLE_SETTING: &str = crate::model::idle::SETTING;
/// Without that setting: 15 minutes.
pub const DEFAULT_IDLE: Duration = Duration::from_mins(crate::model::idle::DEFAULT_MINUTES as u64);

/// Everything about signing in to a clinic library.
#[derive(Clone, Debug, PartialEq)]
pub enum ClinicCommand {
    SignIn {
        user: String,
        password: Passphrase,
    },
    /// Sign in again with what was typed last (after the server could not be reached).
    Retry,
    /// A new user's own password, typed twice.
    ChoosePassword {
        new: Passphrase,
        repeat: Passphrase,
    },
    SignOut,
    /// How long without input before the app signs out (for tests; the clinic's setting
    /// decides otherwise).
    SetIdle(Duration),
    /// The admin's Users and Audit trail windows.
    Admin(AdminCommand),
}

/// Which question the sign-in window asks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
    /// User name and password.
    Password,
    /// A new user (or one whose password was reset) chooses their own password.
    ChoosePassword,
}

/// The sign-in window of a clinic library.
#[derive(Debug)]
pub struct SignInForm {
    pub root: PathBuf,
    /// "skin on db.clinic.lan".
    pub place: String,
    /// Prefilled from `--user` / `SKINLAPSE_USER`, or who was signed in last.
    pub user: String,
    pub stage: Stage,
    /// Why the last attempt failed, in a sentence.
    pub error: Option<String>,
    /// The server could not be reached: Retry is offered.
    pub offline: bool,
    /// Why the window is up again ("Signed out after 15 minutes without use.").
    pub notice: Option<String>,
    /// Counts attempts, so the window can clear its password field after each.
    pub attempts: u64,
    /// Which showing of the window this is (each sign-out shows a new one, whose fields are
    /// cleared and focused afresh).
    pub serial: u64,
    settings: ClinicSettings,
    /// What Retry signs in with.
    retry: Option<(String, Passphrase)>,
    /// A new user's connection, kept while they choose their own password.
    pending: Option<(ClinicSession, String)>,
    work: Option<Receiver<Outcome>>,
}

impl SignInForm {
    /// Signing in (or changing the password) is under way.
    pub fn is_busy(&self) -> bool {
        self.work.is_some()
    }
}

/// Who is signed in.
#[derive(Debug)]
pub struct SignedIn {
    pub login: Arc<ClinicLogin>,
    pub role: Role,
    /// This machine, as the audit trail records it.
    pub workstation: String,
    pub place: String,
    /// Signed out after this long without input.
    pub idle: Duration,
}

impl SignedIn {
    pub fn user(&self) -> &str {
        &self.login.user
    }
}

/// The clinic's state in the app.
#[derive(Debug, Default)]
pub struct ClinicState {
    /// The sign-in window is up (nothing of the library is open).
    pub sign_in: Option<SignInForm>,
    pub signed_in: Option<SignedIn>,
    /// The admin's windows.
    pub admin: AdminState,
    /// Signed out after the idle time: the screens stay as they were (nothing of them is
    /// drawn) and come back when this user signs in again.
    resume: Option<String>,
    /// How many sign-in windows were shown.
    shown: u64,
}

/// What a sign-in worker found.
enum Outcome {
    /// The user must choose their own password first.
    Pending(Box<ClinicSession>, String),
    Opened(Box<Opened>),
    Failed {
        message: String,
        offline: bool,
        retry: Option<(String, Passphrase)>,
    },
}

/// A signed-in user and their library (which may not open even though they signed in).
struct Opened {
    who: SignedIn,
    library: Result<(Arc<Library>, Catalogue, Mode), String>,
}

impl ClinicState {
    /// Work for the sign-in window is running.
    pub fn is_busy(&self) -> bool {
        self.sign_in.as_ref().is_some_and(SignInForm::is_busy) || self.admin.is_busy()
    }

    /// The signed-in user's role (`None` for a personal library).
    pub fn role(&self) -> Option<Role> {
        self.signed_in.as_ref().map(|s| s.role)
    }

    /// Reads the clinic's idle time again (an admin changed it, here or elsewhere: the live
    /// refresh calls this when the settings change).
    ///
    /// # Errors
    /// The database could not be read.
    pub(super) fn reload_idle(
        &mut self,
        cat: &mut Catalogue,
    ) -> Result<(), crate::catalogue::CatalogueError> {
        if let Some(who) = self.signed_in.as_mut() {
            let minutes = crate::model::idle::from_setting(cat.setting(IDLE_SETTING)?.as_deref());
            who.idle = crate::model::idle::duration(minutes);
        }
        Ok(())
    }

    /// Says who is signed in, with which role, in the database's refusals.
    pub(super) fn explain_refusals(&self, notices: &mut super::notices::Notices) {
        if let Some(who) = &self.signed_in {
            notices.name_the_role(who.user(), who.role.key());
        }
    }

    /// Why the signed-in user may not export or write reports (`None`: they may).
    pub fn export_forbidden(&self) -> Option<String> {
        (self.role() == Some(Role::Assistant)).then(|| {
            "An assistant may not export: exports and reports are for clinicians and admins.".into()
        })
    }

    /// Why the signed-in user may not edit the clinical record (`None`: they may).
    pub fn record_forbidden(&self) -> Option<String> {
        (self.role() == Some(Role::Assistant)).then(|| {
            "An assistant may not edit the clinical record (grades, side effects, contraindications, consent, session notes): ask a clinician.".into()
        })
    }
}

impl ClinicState {
    /// Why the signed-in user's role does not allow `command` (`None`: it does). The
    /// database refuses anyway; this says so before it is asked, in the user's words.
    pub fn forbids(&self, command: &super::Command) -> Option<String> {
        use super::document::DocumentCommand as D;
        use super::record::{PersonCommand as P, RecordCommand as R};
        use super::{Action, Command as C};
        match command {
            C::Document(D::CloseForm | D::Cancel | D::Dismiss)
            | C::Record(R::Open(_) | R::Close)
            | C::Person(P::Open(_) | P::Close) => None,
            C::Action(Action::ExportComparison)
            | C::Document(_)
            | C::Record(R::ChooseCsvFile(..) | R::ExportCsv(..)) => self.export_forbidden(),
            C::Record(_) | C::Person(_) => self.record_forbidden(),
            _ => None,
        }
    }
}

/// "The user name or password is wrong…", "…cannot be reached…": a failed sign-in in one
/// sentence, and whether Retry makes sense.
fn failure(e: &ClinicError, place: &str, user: &str) -> (String, bool) {
    let ClinicError::Connect { source, .. } = e else {
        return (format!("Could not sign in: {e}."), false);
    };
    match source.as_db_error() {
        Some(db) if db.code().code() == "28000" => (
            format!("{user} may not sign in to {place}: the account is disabled. Ask the clinic's admin."),
            false,
        ),
        Some(db) if db.code().code().starts_with("28") => (
            "The user name or the password is wrong (the server does not say which). Nothing was opened.".into(),
            false,
        ),
        Some(db) => (
            format!("The clinic database {place} refused the connection: {}.", db.message()),
            true,
        ),
        None => (
            format!(
                "The clinic database {place} cannot be reached: {}. Check the network connection, then Retry.",
                std::error::Error::source(source).map_or_else(|| source.to_string(), ToString::to_string)
            ),
            true,
        ),
    }
}

/// Signs in on a worker thread; a user with a role has their library opened there too.
/// `record`: the trail records the sign-in (not when a new user, signed in already, signs in
/// again with the password they just chose).
fn spawn_sign_in(
    root: PathBuf,
    settings: ClinicSettings,
    cache_root: PathBuf,
    (user, password): (String, Passphrase),
    record: bool,
    ctx: egui::Context,
) -> Receiver<Outcome> {
    let (tx, rx) = sync_channel(1);
    std::thread::Builder::new()
        .name("clinic-sign-in".into())
        .spawn(move || {
            let place = clinic_folder::place(&settings);
            let outcome = match clinic_folder::server_config(&settings) {
                Err(message) => Outcome::Failed {
                    message,
                    offline: false,
                    retry: None,
                },
                Ok(server) => match ClinicSession::sign_in(&server, &user, password.as_str()) {
                    Err(e) => {
                        let (message, offline) = failure(&e, &place, &user);
                        Outcome::Failed {
                            message,
                            offline,
                            retry: offline.then(|| (user.clone(), password.clone())),
                        }
                    }
                    Ok(mut session) => match session.role().and_then(|role| {
                        if record {
                            session.record_sign_in(SignInVia::App)?;
                        }
                        Ok(role)
                    }) {
                        Ok(None) => Outcome::Pending(Box::new(session), user),
                        Ok(Some(role)) => {
                            drop(session);
                            let login = ClinicLogin {
                                settings,
                                server,
                                user,
                                password: Zeroizing::new(password.as_str().to_owned()),
                                cache_root,
                            };
                            Outcome::Opened(Box::new(open(&root, login, role, place)))
                        }
                        Err(e) => Outcome::Failed {
                            message: format!(
                                "Signed in, but the clinic database did not answer: {e}."
                            ),
                            offline: true,
                            retry: Some((user.clone(), password.clone())),
                        },
                    },
                },
            };
            let _ = tx.send(outcome);
            ctx.request_repaint();
        })
        .expect("spawning the sign-in thread");
    rx
}

/// Opens the clinic library for a signed-in user (on the worker thread).
fn open(root: &Path, login: ClinicLogin, role: Role, place: String) -> Opened {
    let login = Arc::new(login);
    let mut idle = DEFAULT_IDLE;
    let library = Library::open_clinic(root, Arc::clone(&login))
        .and_then(|library| {
            let mut catalogue = library.catalogue()?;
            catalogue.set_busy_timeout(super::library::UI_BUSY_TIMEOUT)?;
            let mode = catalogue.mode()?;
            idle = crate::model::idle::duration(crate::model::idle::from_setting(
                catalogue.setting(IDLE_SETTING)?.as_deref(),
            ));
            Ok((Arc::new(library), catalogue, mode))
        })
        .map_err(|e| format!("Could not open the clinic library {}: {e}", root.display()));
    Opened {
        who: SignedIn {
            login,
            role,
            workstation: crate::catalogue::clinic::workstation(),
            place,
            idle,
        },
        library,
    }
}

/// Records the sign-out in the trail, on a worker thread with a connection of its own (the
/// library's are being dropped); the receiver hears when it is done. A server out of reach
/// misses it; the sign-in before says who was in.
fn record_sign_out(login: Arc<ClinicLogin>, why: SignOut) -> Receiver<()> {
    let (tx, rx) = sync_channel(1);
    let spawned = std::thread::Builder::new()
        .name("clinic-sign-out".into())
        .spawn(move || {
            let _ = ClinicSession::sign_in(&login.server, &login.user, &login.password)
                .and_then(|mut session| session.record_sign_out(why));
            let _ = tx.send(());
        });
    drop(spawned);
    rx
}

impl AppState {
    /// The app closes while someone is signed in: the trail records the sign-out ("quit"),
    /// waiting a few seconds at most for the server.
    pub fn sign_out_on_quit(&mut self) {
        if let Some(who) = self.clinic.signed_in.take() {
            let done = record_sign_out(Arc::clone(&who.login), SignOut::Quit);
            let _ = done.recv_timeout(Duration::from_secs(3));
        }
    }
}

/// Changes a new user's password on a worker thread, then signs in with it.
fn spawn_change_password(
    form: &mut SignInForm,
    session: ClinicSession,
    user: String,
    new: Passphrase,
    cache_root: PathBuf,
    ctx: egui::Context,
) {
    let (tx, rx) = sync_channel(1);
    let (root, settings) = (form.root.clone(), form.settings.clone());
    let inner_ctx = ctx.clone();
    std::thread::Builder::new()
        .name("clinic-password".into())
        .spawn(move || {
            let mut session = session;
            let outcome = match session.change_password(new.as_str()) {
                Ok(()) => {
                    drop(session);
                    let rx =
                        spawn_sign_in(root, settings, cache_root, (user, new), false, inner_ctx);
                    rx.recv().unwrap_or(Outcome::Failed {
                        message: "Signing in stopped unexpectedly.".into(),
                        offline: true,
                        retry: None,
                    })
                }
                Err(e) => Outcome::Failed {
                    message: format!("The password was not changed: {e}."),
                    offline: false,
                    retry: None,
                },
            };
            let _ = tx.send(outcome);
            ctx.request_repaint();
        })
        .expect("spawning the password thread");
    form.work = Some(rx);
}

impl AppState {
    pub(super) fn run_clinic(&mut self, command: ClinicCommand) {
        match command {
            ClinicCommand::SignIn { user, password } => self.start_sign_in(user.trim(), password),
            ClinicCommand::Retry => {
                if let Some((user, password)) =
                    self.clinic.sign_in.as_mut().and_then(|f| f.retry.take())
                {
                    self.start_sign_in(&user, password);
                }
            }
            ClinicCommand::ChoosePassword { new, repeat } => self.choose_password(new, &repeat),
            ClinicCommand::SignOut => {
                if let Some(busy) = self.work_holding_the_library() {
                    self.notices.error(format!(
                        "You stay signed in while {busy} runs: wait for it or cancel it, then sign out."
                    ));
                } else {
                    self.sign_out(None);
                }
            }
            ClinicCommand::SetIdle(after) => {
                if let Some(s) = self.clinic.signed_in.as_mut() {
                    s.idle = after;
                }
                self.note_input();
            }
            ClinicCommand::Admin(c) => self.run_admin(c),
        }
    }

    /// The library at `root` is a clinic library: close what is open and show the sign-in
    /// window.
    pub(super) fn ask_sign_in(&mut self, root: &Path) {
        self.close_library();
        self.clinic.resume = None;
        self.show_sign_in(root);
    }

    /// Shows the sign-in window for the clinic library at `root`, the user name filled in
    /// from `--user`.
    fn show_sign_in(&mut self, root: &Path) {
        let settings = match clinic_folder::read(root) {
            Ok(Some(settings)) => settings,
            Ok(None) => return,
            Err(e) => {
                self.library.error = Some(format!("Could not open the clinic library: {e}"));
                return;
            }
        };
        self.clinic.signed_in = None;
        self.clinic.admin = AdminState::default();
        let user = self.env.options.user.clone().unwrap_or_default();
        self.clinic.shown += 1;
        self.clinic.sign_in = Some(SignInForm {
            serial: self.clinic.shown,
            root: root.to_owned(),
            place: clinic_folder::place(&settings),
            user,
            stage: Stage::Password,
            error: None,
            offline: false,
            notice: None,
            attempts: 0,
            settings,
            retry: None,
            pending: None,
            work: None,
        });
    }

    fn cache_root(&self) -> PathBuf {
        self.env
            .options
            .cache_dir
            .clone()
            .or_else(clinic_folder::default_cache_root)
            .unwrap_or_else(|| std::env::temp_dir().join("skinlapse-clinics"))
    }

    fn start_sign_in(&mut self, user: &str, password: Passphrase) {
        let cache_root = self.cache_root();
        let ctx = self.env.ctx.clone();
        let Some(form) = self.clinic.sign_in.as_mut().filter(|f| !f.is_busy()) else {
            return;
        };
        if user.is_empty() {
            form.error = Some("Type your user name.".into());
            form.attempts += 1;
            return;
        }
        user.clone_into(&mut form.user);
        form.error = None;
        form.offline = false;
        form.work = Some(spawn_sign_in(
            form.root.clone(),
            form.settings.clone(),
            cache_root,
            (user.to_owned(), password),
            true,
            ctx,
        ));
    }

    fn choose_password(&mut self, new: Passphrase, repeat: &Passphrase) {
        let cache_root = self.cache_root();
        let ctx = self.env.ctx.clone();
        let Some(form) = self.clinic.sign_in.as_mut().filter(|f| !f.is_busy()) else {
            return;
        };
        form.attempts += 1;
        if new != *repeat {
            form.error = Some("The two passwords differ; type the same one twice.".into());
            return;
        }
        if new.as_str().chars().count() < MIN_PASSWORD_CHARS {
            form.error = Some(format!(
                "Your password must be at least {MIN_PASSWORD_CHARS} characters long."
            ));
            return;
        }
        let Some((session, user)) = form.pending.take() else {
            return;
        };
        form.error = None;
        spawn_change_password(form, session, user, new, cache_root, ctx);
    }

    /// Takes in what the sign-in worker found. Call every frame.
    pub(super) fn poll_clinic(&mut self) {
        let Some(form) = self.clinic.sign_in.as_mut() else {
            return;
        };
        let Some(work) = &form.work else {
            return;
        };
        let outcome = match work.try_recv() {
            Ok(outcome) => outcome,
            Err(TryRecvError::Empty) => return,
            Err(TryRecvError::Disconnected) => Outcome::Failed {
                message: "Signing in stopped unexpectedly; try again.".into(),
                offline: true,
                retry: None,
            },
        };
        form.work = None;
        form.attempts += 1;
        match outcome {
            Outcome::Failed {
                message,
                offline,
                retry,
            } => {
                form.error = Some(message);
                form.offline = offline && retry.is_some();
                form.retry = retry;
            }
            Outcome::Pending(session, user) => {
                form.stage = Stage::ChoosePassword;
                form.error = None;
                form.notice = None;
                form.pending = Some((*session, user));
            }
            Outcome::Opened(opened) => self.signed_in(*opened),
        }
    }

    fn signed_in(&mut self, opened: Opened) {
        let Opened { who, library } = opened;
        let resume = self.clinic.resume.take().as_deref() == Some(who.user());
        self.clinic.sign_in = None;
        self.clinic.signed_in = Some(who);
        self.note_input();
        match library {
            Ok((library, catalogue, mode)) => {
                self.library
                    .install(library, catalogue, mode, None, &self.env.ctx);
                if resume {
                    self.library_resumed();
                } else {
                    self.library_opened(false);
                }
            }
            Err(e) => {
                self.close_library();
                self.library.error = Some(e);
            }
        }
    }

    /// Signs out: the library is closed (connections and the in-memory password dropped) and
    /// the sign-in window takes its place. After the idle time (`idle` given) the screens are
    /// kept, undrawn, to come back after signing in again.
    fn sign_out(&mut self, idle: Option<Duration>) {
        let Some(who) = self.clinic.signed_in.take() else {
            return;
        };
        let root = self.library.library().map_or_else(
            || self.prefs.last_library.clone(),
            |l| Some(l.root().to_owned()),
        );
        let user = who.user().to_owned();
        let why = idle.map_or(SignOut::ByHand, |after| SignOut::Idle {
            minutes: u32::try_from(after.as_secs().div_ceil(60)).unwrap_or(u32::MAX),
        });
        drop(record_sign_out(Arc::clone(&who.login), why));
        if idle.is_some() && self.library.loaded.is_some() {
            self.suspend_library();
            self.clinic.resume = Some(user.clone());
        } else {
            self.close_library();
            self.clinic.resume = None;
        }
        drop(who);
        let Some(root) = root else { return };
        self.show_sign_in(&root);
        if let Some(form) = self.clinic.sign_in.as_mut() {
            form.user = user;
            form.notice = idle.map(|after| {
                format!(
                    "Signed out after {} without use. Sign in to go on where you were.",
                    idle_words(after)
                )
            });
        }
    }

    /// Signs out after the clinic's idle time without input (never while work that uses the
    /// library runs). Call every frame.
    pub(super) fn sign_out_when_idle(&mut self) {
        let Some(after) = self.clinic.signed_in.as_ref().map(|s| s.idle) else {
            return;
        };
        let idle = self.protection.secure.idle_for();
        if let Some(left) = after.checked_sub(idle).filter(|d| !d.is_zero()) {
            self.env.ctx.request_repaint_after(left);
        } else if self.work_holding_the_library().is_some() {
            self.env.ctx.request_repaint_after(Duration::from_secs(1));
        } else {
            self.sign_out(Some(after));
        }
    }

    /// Drops the open library and what was read from it, but keeps the screens, the filter
    /// and the selection (none of it is drawn while signed out) to come back to.
    fn suspend_library(&mut self) {
        self.library.loaded = None;
        // The shell drops the textures when this changes.
        self.library.opened += 1;
        self.nav.dismiss(|_| true);
        self.browse.forget_grid();
        self.inspector.clear();
        self.overview = super::overview::Overview::default();
        self.notices = super::notices::Notices::default();
        self.protection.backup.reminder = None;
    }

    /// Back after signing in again: everything shown is read again, on the same screens.
    fn library_resumed(&mut self) {
        use super::cx::Stale;
        self.refresh(Stale::PEOPLE | Stale::LIBRARY);
        self.refresh(
            Stale::SERIES
                | Stale::GRID
                | Stale::DETAILS
                | Stale::PAGES
                | Stale::LANDMARKS
                | Stale::FACES,
        );
    }
}

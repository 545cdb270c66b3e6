//! The app on a clinic library, driven through `egui_kittest` on the real `App` against a
//! throwaway PostgreSQL cluster: signing in, a new user's own password, signing out.

use crate::app::{grid_ids, harness_with, options, send, settle};
use egui::accesskit::Role as A11y;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT as _, Queryable};
use skinlapse::app::{
    Action, AdminCommand, AppOptions, BrowseCommand, ClinicCommand, Modal, PeopleCommand,
    PhotoCommand, SelectMode,
};
use skinlapse::catalogue::AssignmentSpec;
use skinlapse::catalogue::clinic::{self, ClinicSession, Role};
use skinlapse::jobs::{ImportRequest, run_import};
use skinlapse::library::Library;
use skinlapse::library::clinic::ClinicLogin;
use skinlapse::library::clinic::{self as clinic_folder, ClinicSettings};
use skinlapse::testing::pg;
use skinlapse::ui::App;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

/// A clinic (database and shared folder) with its first admin, `ann.N`.
pub(crate) struct ClinicLib {
    pub dir: tempfile::TempDir,
    pub root: PathBuf,
    pub server: postgres::Config,
    n: String,
}

impl ClinicLib {
    pub fn new() -> Self {
        let cluster = pg::cluster();
        let database = cluster.fresh_name("clinic");
        let n = database.trim_start_matches("clinic_").to_owned();
        clinic::create(
            &cluster.superuser("postgres"),
            &database,
            &format!("ann.{n}"),
            "ann-secret",
        )
        .expect("clinic create");
        Self::with_database(&cluster.url(&database), n)
    }

    /// A clinic folder naming `url` (which may be unreachable).
    pub fn with_database(url: &str, n: String) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("clinic");
        clinic_folder::create(
            &root,
            &ClinicSettings {
                format: 1,
                database: url.to_owned(),
                clinic_id: format!("test-clinic-{n}"),
            },
        )
        .unwrap();
        let server = url.parse().unwrap();
        Self {
            dir,
            root,
            server,
            n,
        }
    }

    /// A user's name in this clinic (user names are shared by the whole cluster).
    pub fn name(&self, user: &str) -> String {
        format!("{user}.{}", self.n)
    }

    pub fn session(&self, user: &str, password: &str) -> ClinicSession {
        ClinicSession::sign_in(&self.server, &self.name(user), password)
            .unwrap_or_else(|e| panic!("{user} signs in: {e}"))
    }

    /// `user` imports the first `n` generated photos (those already in are duplicates), from
    /// another workstation (its own cache).
    pub fn import(&self, user: &str, password: &str, n: u64) {
        let settings = clinic_folder::read(&self.root).unwrap().unwrap();
        let login = ClinicLogin {
            server: clinic_folder::server_config(&settings).unwrap(),
            settings,
            user: self.name(user),
            password: password.to_owned().into(),
            cache_root: self.dir.path().join("other-workstation-cache"),
        };
        let library = Library::open_clinic(&self.root, Arc::new(login)).unwrap();
        let paths = crate::app::photos(self.dir.path(), n);
        let assignment = library
            .catalogue()
            .unwrap()
            .resolve_assignment(&AssignmentSpec {
                person: Some("Alex Moreau".into()),
                ..AssignmentSpec::default()
            })
            .unwrap();
        let request = ImportRequest {
            paths,
            assignment,
            per_photo: std::collections::HashMap::new(),
            session_date: None,
            workers: 2,
        };
        let summary = run_import(&library, &request, &AtomicBool::new(false), |_| {});
        assert_eq!(
            summary.imported + summary.duplicates,
            n as usize,
            "{summary:?}"
        );
        assert_eq!(summary.failed, 0, "{summary:?}");
    }

    /// The app opened on the clinic folder, with `user` given as by `--user`.
    pub fn app(&self, user: Option<&str>) -> Harness<'static, App> {
        harness_with(AppOptions {
            user: user.map(|u| self.name(u)),
            cache_dir: Some(self.dir.path().join("workstation-cache")),
            ..options(&self.root)
        })
    }
}

pub(crate) fn type_into(h: &mut Harness<'static, App>, role: A11y, label: &str, text: &str) {
    let field = h.get_by_role_and_label(role, label);
    field.focus();
    field.type_text(text);
    h.run_steps(2);
}

/// Types the password (the user name is filled in from `--user`) and signs in.
pub(crate) fn sign_in(h: &mut Harness<'static, App>, password: &str) {
    type_into(h, A11y::PasswordInput, "Password", password);
    click(h, "Sign in");
}

/// Clicks the button `label` and waits for what it started.
pub(crate) fn click(h: &mut Harness<'static, App>, label: &str) {
    h.get_by_label(label).click();
    h.run_steps(2);
    settle(h);
}

fn error_text(h: &Harness<'static, App>) -> String {
    h.state()
        .state
        .clinic
        .sign_in
        .as_ref()
        .and_then(|f| f.error.clone())
        .unwrap_or_default()
}

#[test]
fn a_wrong_password_is_refused_in_one_sentence_and_the_right_one_signs_in() {
    let clinic = ClinicLib::new();
    let mut h = clinic.app(Some("ann"));
    let heading = h.query_by_label_contains("Sign in to the clinic clinic_");
    assert!(heading.is_some(), "the sign-in window names the database");
    assert!(
        h.query_by_label_contains("on 127.0.0.1").is_some(),
        "and its host"
    );
    assert!(h.state().state.library.loaded.is_none());

    sign_in(&mut h, "not-the-password");
    let error = error_text(&h);
    assert_eq!(
        error,
        "The user name or the password is wrong (the server does not say which). Nothing was opened."
    );
    assert!(h.query_by_label_contains("password is wrong").is_some());
    assert!(h.state().state.clinic.signed_in.is_none());
    // No Retry for a wrong password: retrying would not help.
    assert!(h.query_by_label("Retry").is_none());

    // A user who does not exist gets the very same sentence.
    type_into(&mut h, A11y::TextInput, "User name", "x");
    sign_in(&mut h, "ann-secret");
    assert_eq!(error_text(&h), error);

    // The user name field is kept; select it all and type the right one.
    let user = h.get_by_role_and_label(A11y::TextInput, "User name");
    user.focus();
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.run_steps(1);
    type_into(&mut h, A11y::TextInput, "User name", &clinic.name("ann"));
    sign_in(&mut h, "ann-secret");
    let state = &h.state().state;
    assert!(state.clinic.sign_in.is_none(), "the window is gone");
    let who = state.clinic.signed_in.as_ref().expect("signed in");
    assert_eq!(who.user(), clinic.name("ann"));
    assert_eq!(who.role, Role::Admin);
    let status = format!("Signed in as {} (admin)", clinic.name("ann"));
    assert!(
        h.query_by_label_contains(&status).is_some(),
        "the status bar says who"
    );
}

#[test]
fn a_new_user_chooses_their_own_password_before_anything_else() {
    let clinic = ClinicLib::new();
    clinic
        .session("ann", "ann-secret")
        .add_user(&clinic.name("bob"), Role::Clinician, "first-password")
        .unwrap();
    let mut h = clinic.app(Some("bob"));
    sign_in(&mut h, "first-password");
    assert!(
        h.query_by_label("Choose your own password").is_some(),
        "asked first"
    );
    assert!(h.state().state.clinic.signed_in.is_none());

    for (new, repeat, why) in [
        ("bob-secret-1", "bob-secret-2", "The two passwords differ"),
        ("short", "short", "must be at least 8 characters"),
    ] {
        type_into(&mut h, A11y::PasswordInput, "New password", new);
        type_into(&mut h, A11y::PasswordInput, "New password again", repeat);
        click(&mut h, "Set password and sign in");
        assert!(error_text(&h).contains(why), "{}", error_text(&h));
        assert!(h.query_by_label_contains(why).is_some());
    }
    type_into(&mut h, A11y::PasswordInput, "New password", "bob-secret");
    type_into(
        &mut h,
        A11y::PasswordInput,
        "New password again",
        "bob-secret",
    );
    click(&mut h, "Set password and sign in");
    let who = h
        .state()
        .state
        .clinic
        .signed_in
        .as_ref()
        .unwrap_or_else(|| panic!("signed in: {}", error_text(&h)));
    assert_eq!(who.role, Role::Clinician, "the role came with the password");
    // The server took the new password; the first one is gone.
    let mut bob = clinic.session("bob", "bob-secret");
    assert_eq!(bob.role().unwrap(), Some(Role::Clinician));
    assert!(ClinicSession::sign_in(&clinic.server, &clinic.name("bob"), "first-password").is_err());
}

#[test]
fn an_unreachable_server_is_named_with_a_retry() {
    // Nothing listens on a port that was just free.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let clinic = ClinicLib::with_database(
        &format!("postgresql://127.0.0.1:{port}/skin"),
        "offline".into(),
    );
    let mut h = clinic.app(Some("ann"));
    assert!(
        h.query_by_label_contains("Sign in to the clinic skin on 127.0.0.1")
            .is_some()
    );
    sign_in(&mut h, "whatever-it-is");
    let error = error_text(&h);
    assert!(
        error.starts_with("The clinic database skin on 127.0.0.1 cannot be reached:"),
        "{error}"
    );
    assert!(error.ends_with("then Retry."), "{error}");
    click(&mut h, "Retry");
    assert!(error_text(&h).contains("cannot be reached"));
    assert!(h.state().state.clinic.signed_in.is_none());
}

/// Clicks a menu and one of its entries.
pub(crate) fn menu(h: &mut Harness<'static, App>, menu: &str, entry: &str) {
    h.get_by_label(menu).click();
    h.run_steps(2);
    h.get_by_label(entry).click();
    h.run_steps(2);
    settle(h);
}

pub(crate) fn admin_error(h: &Harness<'static, App>) -> Option<String> {
    h.state().state.clinic.admin.error.clone()
}

#[test]
fn an_admin_adds_and_disables_users_and_reads_the_trail_newest_first() {
    let clinic = ClinicLib::new();
    let mut h = clinic.app(Some("ann"));
    sign_in(&mut h, "ann-secret");
    menu(&mut h, "Clinic", "Users…");
    assert_eq!(h.state().state.nav.modal(), Some(&Modal::Users));
    assert!(
        h.query_by_label(&clinic.name("ann")).is_some(),
        "ann listed"
    );

    // Too short a first password is refused before the database is asked.
    let bob = clinic.name("bob");
    type_into(&mut h, A11y::TextInput, "User name", &bob);
    h.get_by_label("clinician").click();
    type_into(&mut h, A11y::PasswordInput, "First password", "short");
    click(&mut h, "Add user");
    let e = admin_error(&h).unwrap_or_default();
    assert!(e.contains("at least 8 characters"), "{e}");

    type_into(&mut h, A11y::TextInput, "User name", &bob);
    type_into(
        &mut h,
        A11y::PasswordInput,
        "First password",
        "first-password",
    );
    click(&mut h, "Add user");
    assert_eq!(admin_error(&h), None);
    let users = &h.state().state.clinic.admin.users;
    let row = users.iter().find(|u| u.name == bob).expect("bob listed");
    assert_eq!(row.role, Role::Clinician);
    assert!(row.must_change_password);
    assert!(h.query_by_label("must choose a password").is_some());

    // Bob signs in elsewhere and chooses his password: the trail records it.
    clinic
        .session("bob", "first-password")
        .change_password("bob-secret")
        .unwrap();

    // Disable asks once more, then bob cannot sign in.
    let disable = |h: &mut Harness<'static, App>, label: &str| {
        let buttons = h.get_all_by_label(label).collect::<Vec<_>>();
        buttons.last().expect("a button for bob").click();
        h.run_steps(2);
        settle(h);
    };
    disable(&mut h, "Disable");
    disable(&mut h, "Disable: sure?");
    let users = &h.state().state.clinic.admin.users;
    assert!(
        users
            .iter()
            .find(|u| u.name == bob)
            .unwrap()
            .disabled_at
            .is_some()
    );
    assert!(ClinicSession::sign_in(&clinic.server, &bob, "bob-secret").is_err());

    // The audit trail: newest first, filtered by user, a bad date said so.
    h.key_press(egui::Key::Escape);
    h.run_steps(2);
    send(&mut h, ClinicCommand::Admin(AdminCommand::ShowAudit));
    assert_eq!(h.state().state.nav.modal(), Some(&Modal::Audit));
    let trail: Vec<(String, String)> = h
        .state()
        .state
        .clinic
        .admin
        .audit
        .iter()
        .map(|r| (r.user.clone(), r.detail.clone().unwrap_or_default()))
        .collect();
    assert!(trail.len() >= 3, "{trail:?}");
    assert!(trail[0].1.contains("disabled"), "newest first: {trail:?}");
    assert!(
        trail.iter().any(|(u, _)| *u == bob),
        "bob's password change: {trail:?}"
    );
    assert!(
        trail
            .iter()
            .any(|(u, d)| *u == clinic.name("ann") && d.contains(&bob)),
        "ann added bob: {trail:?}"
    );
    assert!(h.query_by_label_contains("newest first").is_some());

    type_into(&mut h, A11y::TextInput, "User", &bob);
    click(&mut h, "Show");
    let admin = &h.state().state.clinic.admin;
    assert!(!admin.audit.is_empty());
    assert!(
        admin.audit.iter().all(|r| r.user == bob),
        "{:?}",
        admin.audit
    );

    type_into(&mut h, A11y::TextInput, "Since", "30.11.2026");
    click(&mut h, "Show");
    let e = admin_error(&h).unwrap_or_default();
    assert!(e.contains("\"30.11.2026\" in Since is not a day"), "{e}");
}

#[test]
fn only_an_admin_may_open_the_users_and_the_trail() {
    let clinic = ClinicLib::new();
    clinic
        .session("ann", "ann-secret")
        .add_user(&clinic.name("cat"), Role::Assistant, "first-password")
        .unwrap();
    clinic
        .session("cat", "first-password")
        .change_password("cat-secret")
        .unwrap();
    let mut h = clinic.app(Some("cat"));
    sign_in(&mut h, "cat-secret");
    assert_eq!(h.state().state.clinic.role(), Some(Role::Assistant));
    h.get_by_label("Clinic").click();
    h.run_steps(2);
    assert!(
        h.get_by_label("Users…").accesskit_node().is_disabled(),
        "disabled"
    );
    // The database refuses anyway, and the refusal names the role.
    send(&mut h, ClinicCommand::Admin(AdminCommand::ShowAudit));
    let e = admin_error(&h).unwrap_or_default();
    assert!(e.contains("signs in as assistant"), "{e}");
}

/// Adds `user` with `role` (as admin ann), who then chooses `<user>-secret`.
pub(crate) fn add_user(clinic: &ClinicLib, user: &str, role: Role) {
    clinic
        .session("ann", "ann-secret")
        .add_user(&clinic.name(user), role, "first-password")
        .unwrap();
    clinic
        .session(user, "first-password")
        .change_password(&format!("{user}-secret"))
        .unwrap();
}

#[test]
fn an_idle_app_signs_out_shows_nothing_and_comes_back_where_it_was() {
    let clinic = ClinicLib::new();
    clinic.import("ann", "ann-secret", 3);
    add_user(&clinic, "bob", Role::Clinician);
    // The clinic's idle time is a setting of its database.
    clinic
        .session("ann", "ann-secret")
        .client()
        .execute(
            "INSERT INTO skinlapse.setting (key, value) VALUES ('idle_timeout_minutes', '2')",
            &[],
        )
        .unwrap();
    let mut h = clinic.app(Some("bob"));
    sign_in(&mut h, "bob-secret");
    let who = h
        .state()
        .state
        .clinic
        .signed_in
        .as_ref()
        .expect("signed in");
    assert_eq!(who.idle, Duration::from_mins(2), "the clinic's setting");
    let library = h.state().state.library.library().cloned().expect("open");
    assert!(library.is_clinic());
    let ids = grid_ids(&h);
    assert_eq!(ids.len(), 3, "the photos another workstation imported");
    assert_eq!(
        h.state().state.protection.backup.reminder,
        None,
        "a clinic is backed up by the clinic (pg_dump and the share), not from the app"
    );
    // Thumbnails were made again in this workstation's own cache, from the originals on
    // the share.
    let cache = clinic.dir.path().join("workstation-cache");
    let thumbs = crate::support::files_below(&cache)
        .into_iter()
        .filter(|p| p.to_string_lossy().contains("/thumbs/"))
        .count();
    assert_eq!(thumbs, 3, "thumbnails cached on this workstation");
    assert!(!h.state().images.is_empty());
    assert_eq!(
        crate::support::files_below(&clinic.root.join("originals")).len(),
        3
    );
    drop(library);

    send(&mut h, BrowseCommand::ClickPhoto(ids[1], SelectMode::Only));
    send(&mut h, ClinicCommand::SetIdle(Duration::from_secs(1)));
    let start = Instant::now();
    while h.state().state.clinic.sign_in.is_none() {
        assert!(start.elapsed() < Duration::from_mins(1), "never signed out");
        h.step();
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(
        start.elapsed() >= Duration::from_secs(1),
        "not before the idle time"
    );
    h.run_steps(2);
    let state = &h.state().state;
    assert!(
        state.library.loaded.is_none(),
        "connections and password dropped"
    );
    assert!(state.clinic.signed_in.is_none());
    assert!(state.browse.grid.items.is_empty() && state.overview.counts().is_none());
    assert!(state.inspector.shown().is_none());
    assert!(h.state().images.is_empty(), "no decoded photo is kept");
    assert!(
        h.query_by_label_contains("IMG_").is_none(),
        "no file names shown"
    );
    assert!(
        h.query_by_label_contains("photos ·").is_none(),
        "no counts shown"
    );
    assert!(
        h.query_by_label_contains("Signed out after 1 second without use")
            .is_some()
    );

    // Signing in again returns to the same photos with the same one selected.
    sign_in(&mut h, "bob-secret");
    let state = &h.state().state;
    assert!(state.clinic.signed_in.is_some());
    assert_eq!(grid_ids(&h), ids);
    assert_eq!(h.state().state.browse.selection.ids(), vec![ids[1]]);
}

#[test]
fn an_assistant_compares_but_may_not_export_and_is_told_why() {
    let clinic = ClinicLib::new();
    clinic.import("ann", "ann-secret", 2);
    add_user(&clinic, "cat", Role::Assistant);
    let mut h = clinic.app(Some("cat"));
    sign_in(&mut h, "cat-secret");
    let ids = grid_ids(&h);
    assert_eq!(ids.len(), 2);
    send(&mut h, BrowseCommand::ClickPhoto(ids[0], SelectMode::Only));
    send(
        &mut h,
        BrowseCommand::ClickPhoto(ids[1], SelectMode::Toggle),
    );
    send(&mut h, Action::Compare);
    assert!(
        h.state().state.nav.comparison().is_some(),
        "comparing is allowed"
    );
    let export = h.get_by_label("Export image…");
    assert!(export.accesskit_node().is_disabled(), "Export is disabled");
    export.hover();
    // Tooltips show after the pointer rests a moment.
    h.run_steps(60);
    assert!(
        h.query_by_label_contains("An assistant may not export")
            .is_some(),
        "the reason is its tooltip"
    );
    // The shortcut (or any other way in) is refused with the same reason.
    send(&mut h, Action::ExportComparison);
    assert_ne!(h.state().state.nav.modal(), Some(&Modal::Export));
    let said = h.state().state.notices.last().unwrap().text.clone();
    assert!(said.starts_with("An assistant may not export"), "{said}");

    // What the app lets through and the database refuses is said naming the role: an
    // assistant may not rename a patient.
    send(&mut h, Action::Back);
    let person = h.state().state.overview.people[0].id;
    send(&mut h, PeopleCommand::Rename(person, "Someone Else".into()));
    let said = h.state().state.notices.last().unwrap().text.clone();
    assert!(
        said.contains(&format!(
            "{} signs in as assistant, which may not do this",
            clinic.name("cat")
        )),
        "{said}"
    );
    assert!(h.query_by_label_contains("signs in as assistant").is_some());
    assert_eq!(h.state().state.overview.people[0].name, "Alex Moreau");
}

/// Steps frames until `done` holds (other workstations' changes arrive on their own).
pub(crate) fn wait_for(h: &mut Harness<'static, App>, what: &str, done: impl Fn(&App) -> bool) {
    let start = Instant::now();
    while !done(h.state()) {
        assert!(start.elapsed() < Duration::from_mins(1), "never: {what}");
        h.step();
        std::thread::sleep(Duration::from_millis(50));
    }
    settle(h);
}

#[test]
fn what_another_workstation_changes_shows_up_without_a_restart() {
    let clinic = ClinicLib::new();
    clinic.import("ann", "ann-secret", 2);
    add_user(&clinic, "bob", Role::Clinician);
    let mut h = clinic.app(Some("bob"));
    sign_in(&mut h, "bob-secret");
    assert_eq!(grid_ids(&h).len(), 2);

    // Ann imports a third photo at the front desk (the first two are in already).
    clinic.import("ann", "ann-secret", 3);
    wait_for(&mut h, "the new photo in the grid", |app| {
        app.state.browse.grid.items.len() == 3
    });
    assert_eq!(h.state().state.overview.total_photos(), Some(3));

    // And renames the patient.
    let mut ann = clinic.session("ann", "ann-secret");
    ann.client()
        .execute("UPDATE skinlapse.person SET name = 'Alex Moreau-Diaz'", &[])
        .unwrap();
    wait_for(&mut h, "the new name", |app| {
        app.state
            .overview
            .people
            .first()
            .is_some_and(|p| p.name == "Alex Moreau-Diaz")
    });
    assert!(
        h.query_all_by_label_contains("Alex Moreau-Diaz").count() > 0,
        "shown"
    );
}

#[test]
fn a_save_over_another_workstations_change_is_refused_with_who_and_when_and_reloaded() {
    let clinic = ClinicLib::new();
    clinic.import("ann", "ann-secret", 1);
    add_user(&clinic, "bob", Role::Clinician);
    let mut h = clinic.app(Some("bob"));
    sign_in(&mut h, "bob-secret");
    let id = grid_ids(&h)[0];
    send(&mut h, BrowseCommand::ClickPhoto(id, SelectMode::Only));
    assert!(h.state().state.inspector.shown().is_some());

    // Meanwhile ann, at the front desk, files the photo as frontal.
    let mut ann = clinic.session("ann", "ann-secret");
    ann.client()
        .execute(
            "UPDATE skinlapse.photo SET view = 'frontal' WHERE id = $1",
            &[&id.0],
        )
        .unwrap();
    let file: String = ann
        .client()
        .query_one(
            "SELECT original_name FROM skinlapse.photo WHERE id = $1",
            &[&id.0],
        )
        .unwrap()
        .get(0);
    // Bob, from what he saw, files it as a left oblique: refused, not lost.
    send(
        &mut h,
        PhotoCommand::SetView(Some(skinlapse::model::View::LeftOblique)),
    );
    let said = h.state().state.notices.last().unwrap().text.clone();
    assert!(
        said.contains(&format!(
            "photo \u{201c}{file}\u{201d} was changed by {}",
            clinic.name("ann")
        )),
        "{said}"
    );
    assert!(said.contains("it was reloaded"), "{said}");
    let shown = h.state().state.inspector.shown().unwrap();
    assert_eq!(
        shown.details.photo.view,
        Some(skinlapse::model::View::Frontal),
        "ann's change is shown"
    );

    // Now that he has seen it, his change goes through.
    send(
        &mut h,
        PhotoCommand::SetView(Some(skinlapse::model::View::LeftOblique)),
    );
    let shown = h.state().state.inspector.shown().unwrap();
    assert_eq!(
        shown.details.photo.view,
        Some(skinlapse::model::View::LeftOblique)
    );
}

//! The audit trail's last gaps, on the throwaway cluster: sign-ins and sign-outs (the
//! commands' `--user`, the app's window, its Sign out and idle sign-out) are recorded once
//! per person, not per connection; imports say "import" and new rows "create"; the trail is
//! read a page at a time in the database; the idle time is an admin's setting, checked, in
//! the trail, and applied by the other workstations.

use crate::app::{send, settle};
use crate::clinic::{Clinic, skinlapse, text};
use crate::clinic_app::{
    ClinicLib, add_user, admin_error, click, menu, sign_in, type_into, wait_for,
};
use egui::accesskit::Role as A11y;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT as _, Queryable};
use skinlapse::app::{AdminCommand, ClinicCommand, Modal};
use skinlapse::catalogue::clinic::{self, AuditFilter, AuditRow, ClinicError, ClinicSession, Role};
use skinlapse::testing::pg;
use skinlapse::ui::App;
use std::path::Path;
use std::time::{Duration, Instant};

/// The signed-in environment of `user` (password `<user>-secret`) for a command.
fn as_user(clinic: &Clinic, dir: &Path, user: &str) -> Vec<(String, String)> {
    vec![
        ("SKINLAPSE_USER".into(), clinic.name(user)),
        ("SKINLAPSE_PASSWORD".into(), format!("{user}-secret")),
        (
            "XDG_CACHE_HOME".into(),
            dir.join(format!("cache-{user}")).display().to_string(),
        ),
    ]
}

fn run(lib: &Path, env: &[(String, String)], args: &[&str]) -> std::process::Output {
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    skinlapse(lib, &env, args)
}

/// `clinic audit --json` as admin ann, with `args`.
fn trail_json(clinic: &Clinic, dir: &Path, lib: &Path, args: &[&str]) -> Vec<serde_json::Value> {
    let mut all = vec!["clinic", "audit", "--json"];
    all.extend_from_slice(args);
    let mut env = as_user(clinic, dir, "ann");
    env[1].1 = "ann-secret".into();
    let out = run(lib, &env, &all);
    assert!(out.status.success(), "{}", text(&out));
    let value: serde_json::Value =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", text(&out)));
    value.as_array().expect("an array").clone()
}

fn field<'a>(row: &'a serde_json::Value, key: &str) -> &'a str {
    row[key].as_str().unwrap_or("")
}

#[test]
fn each_commands_sign_in_is_recorded_once_and_an_import_says_import() {
    let clinic = Clinic::new();
    let dir = tempfile::tempdir().unwrap();
    let (lib, _) = clinic.folder(dir.path());
    drop(clinic.user("bob", Role::Clinician));
    let photos = crate::app::photos(dir.path(), 3);
    let mut import = vec!["import", "--person", "Pat Doe", "--series", "Peel"];
    import.extend(["--session", "2026-11-01"]);
    import.extend(photos.iter().map(|p| p.to_str().unwrap()));
    let bob = as_user(&clinic, dir.path(), "bob");
    let out = run(&lib, &bob, &import);
    assert!(out.status.success(), "{}", text(&out));
    let out = run(&lib, &bob, &["list"]);
    assert!(out.status.success(), "{}", text(&out));
    // A wrong password never reaches the trail (the server's log has it).
    let mut wrong = bob.clone();
    wrong[1].1 = "not-bobs-password".into();
    let out = run(&lib, &wrong, &["list"]);
    assert!(!out.status.success(), "{}", text(&out));

    let bobs = trail_json(&clinic, dir.path(), &lib, &["--by", &clinic.name("bob")]);
    let actions: Vec<(&str, &str)> = bobs
        .iter()
        .map(|r| (field(r, "action"), field(r, "target_kind")))
        .collect();
    // Bob's own first password change came before; then one sign-in per command, however
    // many connections the import's workers opened.
    let sign_ins: Vec<&(&str, &str)> = actions.iter().filter(|a| a.0 == "sign-in").collect();
    assert_eq!(sign_ins, [&("sign-in", "command"); 2], "{actions:?}");
    let import_rows: Vec<&(&str, &str)> = actions
        .iter()
        .skip_while(|a| a.0 != "sign-in")
        .skip(1)
        .take_while(|a| a.0 != "sign-in")
        .filter(|a| a.0 != "view")
        .collect();
    assert_eq!(
        import_rows,
        [
            &("import", "person"),
            &("import", "series"),
            &("import", "session"),
            &("import", "photo"),
            &("import", "photo"),
            &("import", "photo"),
        ],
        "{actions:?}"
    );
    let first = &bobs[actions.iter().position(|a| a.0 == "sign-in").unwrap()];
    assert_eq!(field(first, "workstation"), clinic::workstation());
    assert!(first["at"].as_str().is_some_and(|t| t.contains('T')));
    // The JSON fields are the ones scripts know.
    let keys: Vec<&String> = first.as_object().unwrap().keys().collect();
    let mut expected = [
        "at",
        "user",
        "workstation",
        "action",
        "target_kind",
        "target_id",
        "patient",
        "purpose",
        "detail",
    ];
    expected.sort_unstable();
    assert_eq!(keys, expected);

    // A new row made by hand is "create"; a change, "edit".
    let mut session = clinic.sign_in("bob", "bob-secret");
    session
        .client()
        .batch_execute(
            "INSERT INTO skinlapse.person (name, created_at) VALUES ('Kim Poe', '2026-11-30');
             UPDATE skinlapse.person SET notes = 'seen' WHERE name = 'Kim Poe'",
        )
        .unwrap();
    let kims = trail_json(&clinic, dir.path(), &lib, &["--patient", "kim poe"]);
    let kim: Vec<&str> = kims.iter().map(|r| field(r, "action")).collect();
    assert_eq!(kim, ["create", "edit"]);

    // The text listing shows the sign-ins, the admin's own included (recorded before the
    // trail is read).
    let mut ann = as_user(&clinic, dir.path(), "ann");
    ann[1].1 = "ann-secret".into();
    let out = run(&lib, &ann, &["clinic", "audit"]);
    assert!(out.status.success(), "{}", text(&out));
    let listing = String::from_utf8_lossy(&out.stdout).into_owned();
    let bob_in = listing
        .lines()
        .filter(|l| l.contains(&clinic.name("bob")) && l.contains(" sign-in  command"))
        .count();
    assert_eq!(bob_in, 2, "{listing}");
    let last = listing.lines().last().unwrap_or_default();
    assert!(
        last.contains(&clinic.name("ann")) && last.contains("sign-in"),
        "{listing}"
    );
}

#[test]
fn the_trail_is_paged_in_the_database_newest_first_with_its_filters() {
    let clinic = Clinic::new();
    let mut bob = clinic.user("bob", Role::Clinician);
    // More than two pages of one user's sign-ins, and a patient's rows among them.
    bob.client()
        .batch_execute(
            "SELECT skinlapse.record_sign_in('command') FROM generate_series(1, 70);
             INSERT INTO skinlapse.person (name, created_at) VALUES ('Pat Doe', '2026-11-30');
             SELECT skinlapse.record_sign_in('app') FROM generate_series(1, 40);
             UPDATE skinlapse.person SET notes = 'seen';",
        )
        .unwrap();
    let mut ann = clinic.sign_in("ann", "ann-secret");
    let all = ann.audit(&AuditFilter::default()).unwrap();
    assert_eq!(all.len(), 115, "{all:#?}");
    let pages = |session: &mut ClinicSession, filter: &AuditFilter| {
        let mut pages: Vec<(Vec<AuditRow>, bool)> = Vec::new();
        let mut start = None;
        loop {
            let page = session.audit_page(filter, start, 50).unwrap();
            start = page.rows.last().map(AuditRow::cursor);
            let more = page.more;
            pages.push((page.rows, more));
            if !more {
                return pages;
            }
            assert!(pages.len() < 10, "paging never ends");
        }
    };
    let everyone = pages(&mut ann, &AuditFilter::default());
    let sizes: Vec<(usize, bool)> = everyone.iter().map(|(r, m)| (r.len(), *m)).collect();
    assert_eq!(sizes[..2], [(50, true), (50, true)]);
    assert_eq!(sizes[2], (15, false));
    let newest_first: Vec<AuditRow> = everyone.into_iter().flat_map(|(r, _)| r).collect();
    let mut oldest_first = all.clone();
    oldest_first.reverse();
    assert_eq!(newest_first, oldest_first, "every row once, newest first");

    let bob_only = AuditFilter {
        user: Some(clinic.name("bob")),
        ..AuditFilter::default()
    };
    let bobs: Vec<AuditRow> = pages(&mut ann, &bob_only)
        .into_iter()
        .flat_map(|(r, _)| r)
        .collect();
    assert!(bobs.iter().all(|r| r.user == clinic.name("bob")));
    assert_eq!(
        bobs.len(),
        all.iter().filter(|r| r.user == clinic.name("bob")).count()
    );
    assert_eq!(
        bobs.iter()
            .filter(|r| r.action == "sign-in" && r.target_kind == "app")
            .count(),
        40
    );

    let pat = ann
        .audit_page(
            &AuditFilter {
                patient: Some("PAT DOE".into()),
                ..AuditFilter::default()
            },
            None,
            50,
        )
        .unwrap();
    let actions: Vec<&str> = pat.rows.iter().map(|r| r.action.as_str()).collect();
    assert_eq!((actions, pat.more), (vec!["edit", "create"], false));

    let tomorrow = chrono::Utc::now() + chrono::Duration::days(1);
    let none = ann
        .audit_page(
            &AuditFilter {
                since: Some(tomorrow),
                ..AuditFilter::default()
            },
            None,
            50,
        )
        .unwrap();
    assert_eq!((none.rows.len(), none.more), (0, false));

    // Only admins read it: the database refuses anyone else.
    let e = bob
        .audit_page(&AuditFilter::default(), None, 50)
        .unwrap_err();
    assert!(matches!(e, ClinicError::Forbidden { .. }), "{e:?}");
}

#[test]
fn an_upgraded_clinic_records_sign_ins_and_keeps_the_idle_time_in_range() {
    // A clinic made before sign-ins were recorded (schema 5).
    let clinic = Clinic::at_version(5);
    let dir = tempfile::tempdir().unwrap();
    let (lib, database) = clinic.folder(dir.path());
    let mut ann = as_user(&clinic, dir.path(), "ann");
    ann[1].1 = "ann-secret".into();
    let out = run(&lib, &ann, &["list"]);
    assert!(!out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("clinic upgrade"), "{}", text(&out));
    // What an older clinic allows still works; it cannot record the sign-in yet.
    let out = run(&lib, &ann, &["clinic", "user", "list"]);
    assert!(out.status.success(), "{}", text(&out));
    let server = [
        ("PGUSER", "postgres"),
        ("PGPASSWORD", pg::SUPERUSER_PASSWORD),
    ];
    let out = skinlapse(&lib, &server, &["clinic", "upgrade"]);
    assert!(out.status.success(), "{}", text(&out));
    let latest = clinic::latest_schema_version();
    assert!(
        text(&out).contains(&format!("from schema version 5 to {latest}")),
        "{}",
        text(&out)
    );

    // Out of range is refused naming the setting, before the database is asked.
    for bad in ["0", "481", "soon"] {
        let out = run(
            &lib,
            &ann,
            &["clinic", "settings", "--idle-timeout-minutes", bad],
        );
        assert_eq!(out.status.code(), Some(2), "{}", text(&out));
        assert!(
            text(&out).contains(&format!(
                "--idle-timeout-minutes: Idle time (idle_timeout_minutes): \"{bad}\" is not a whole number of minutes from 1 to 480"
            )),
            "{}",
            text(&out)
        );
    }
    let out = run(
        &lib,
        &ann,
        &["clinic", "settings", "--idle-timeout-minutes", "20"],
    );
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains("idle timeout: 20 minutes"),
        "{}",
        text(&out)
    );
    // A clinician may not change it: the database refuses.
    drop(clinic.user("bob", Role::Clinician));
    let bob = as_user(&clinic, dir.path(), "bob");
    let out = run(
        &lib,
        &bob,
        &["clinic", "settings", "--idle-timeout-minutes", "30"],
    );
    assert!(!out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("setting"), "{}", text(&out));
    // The database holds the range too, for psql.
    let mut admin = clinic.sign_in("ann", "ann-secret");
    let e = admin
        .client()
        .execute(
            "UPDATE skinlapse.setting SET value = '0' WHERE key = 'idle_timeout_minutes'",
            &[],
        )
        .unwrap_err();
    assert_eq!(
        e.as_db_error().and_then(|d| d.constraint()),
        Some("idle_timeout_minutes_range"),
        "{e:?}"
    );
    assert_eq!(admin.idle_minutes().unwrap(), 20);

    let trail = trail_json(&clinic, dir.path(), &lib, &[]);
    let ann_name = clinic.name("ann");
    let seen: Vec<(&str, &str)> = trail
        .iter()
        .filter(|r| field(r, "user") == ann_name)
        .map(|r| (field(r, "action"), field(r, "target_kind")))
        .filter(|a| a.0 == "sign-in" || a.0 == "settings")
        .collect();
    // The refused `list` before the upgrade recorded nothing; then the three refused
    // settings never signed in; the one that went through did, and changed the setting.
    assert_eq!(
        seen,
        [
            ("sign-in", "command"),
            ("settings", "setting"),
            ("sign-in", "command"),
        ],
        "{trail:#?}"
    );
    let change = trail
        .iter()
        .find(|r| field(r, "action") == "settings" && field(r, "user") == ann_name)
        .unwrap();
    assert_eq!(change["detail"]["key"], "idle_timeout_minutes", "{change}");
    assert_eq!(change["detail"]["value"], "20", "{change}");
    let _ = database;
}

/// Steps until the trail, as `ann` reads it, has a row `pick` finds.
fn wait_for_row(clinic: &ClinicLib, what: &str, pick: impl Fn(&AuditRow) -> bool) -> AuditRow {
    let start = Instant::now();
    loop {
        let trail = clinic
            .session("ann", "ann-secret")
            .audit(&AuditFilter::default())
            .unwrap();
        if let Some(row) = trail.into_iter().rev().find(|r| pick(r)) {
            return row;
        }
        assert!(start.elapsed() < Duration::from_secs(30), "never: {what}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn audit_shown(h: &Harness<'static, App>) -> Vec<(String, String, String)> {
    h.state()
        .state
        .clinic
        .admin
        .audit
        .iter()
        .map(|r| {
            (
                r.action.clone(),
                r.target_kind.clone(),
                r.detail.clone().unwrap_or_default(),
            )
        })
        .collect()
}

#[test]
fn the_apps_sign_ins_and_sign_outs_are_in_the_trail_window_a_page_at_a_time() {
    let clinic = ClinicLib::new();
    add_user(&clinic, "bob", Role::Clinician);
    let bob = clinic.name("bob");
    // Older rows of bob's than fill a page.
    clinic
        .session("bob", "bob-secret")
        .client()
        .batch_execute("SELECT skinlapse.record_sign_in('command') FROM generate_series(1, 60)")
        .unwrap();

    let mut h = clinic.app(Some("bob"));
    sign_in(&mut h, "bob-secret");
    assert!(h.state().state.clinic.signed_in.is_some());
    send(&mut h, ClinicCommand::SignOut);
    assert!(h.state().state.clinic.sign_in.is_some());
    h.run_steps(2);
    assert!(
        h.get_by_role_and_label(A11y::PasswordInput, "Password")
            .accesskit_node()
            .is_focused(),
        "ready to type the password again"
    );
    wait_for_row(&clinic, "the sign-out", |r| {
        r.user == bob && r.action == "sign-out"
    });
    sign_in(&mut h, "bob-secret");
    send(&mut h, ClinicCommand::SetIdle(Duration::from_secs(1)));
    wait_for(&mut h, "the idle sign-out", |app| {
        app.state.clinic.sign_in.is_some()
    });
    let idle = wait_for_row(&clinic, "the idle sign-out", |r| {
        r.user == bob && r.detail.as_deref().is_some_and(|d| d.contains("idle"))
    });
    assert_eq!(idle.action, "sign-out");
    assert_eq!(idle.workstation, clinic::workstation());
    // Closing the app while signed in is a sign-out too.
    sign_in(&mut h, "bob-secret");
    assert!(h.state().state.clinic.signed_in.is_some());
    drop(h);
    wait_for_row(&clinic, "the sign-out on quitting", |r| {
        r.user == bob && r.detail.as_deref().is_some_and(|d| d.contains("quit"))
    });

    let mut h = clinic.app(Some("ann"));
    sign_in(&mut h, "ann-secret");
    menu(&mut h, "Clinic", "Audit trail…");
    assert_eq!(h.state().state.nav.modal(), Some(&Modal::Audit));
    type_into(&mut h, A11y::TextInput, "User", &bob);
    click(&mut h, "Show");
    assert_eq!(admin_error(&h), None);
    let page = audit_shown(&h);
    assert_eq!(page.len(), 50);
    // What bob saw while signed in is in between (views); the rest, newest first:
    let acts: Vec<&(String, String, String)> = page.iter().filter(|r| r.0 != "view").collect();
    let newest: Vec<(&str, &str, String)> = acts[..7]
        .iter()
        .map(|(a, k, d)| {
            let reason = serde_json::from_str::<serde_json::Value>(d)
                .map(|v| v["reason"].as_str().unwrap_or_default().to_owned())
                .unwrap_or_default();
            (a.as_str(), k.as_str(), reason)
        })
        .collect();
    // One sign-in per time bob signed in to the app, though it opened several connections.
    let out = |why: &str| ("sign-out", "app", why.to_owned());
    let signed_in = ("sign-in", "app", String::new());
    assert_eq!(
        newest,
        [
            out("quit"),
            signed_in.clone(),
            out("idle"),
            signed_in.clone(),
            out("signed out"),
            signed_in,
            ("sign-in", "command", String::new()),
        ],
        "{page:#?}"
    );
    assert!(acts[2].2.contains("\"idle_minutes\": 1"), "{}", acts[2].2);
    assert!(h.query_all_by_label("sign-in").count() >= 2, "shown");
    assert!(
        h.query_by_label_contains("1–50, newest first; older ones follow")
            .is_some()
    );

    click(&mut h, "Older");
    let older = audit_shown(&h);
    assert!(!older.is_empty() && older.len() < 50, "{}", older.len());
    assert_eq!(h.state().state.clinic.admin.audit_page, 1);
    assert!(!h.state().state.clinic.admin.audit_more);
    assert!(h.get_by_label("Older").accesskit_node().is_disabled());
    // Bob's oldest: his first password, chosen when he was added.
    assert_eq!(older.last().unwrap().0, "user");
    click(&mut h, "Newer");
    assert_eq!(audit_shown(&h), page, "the first page again");
    assert!(h.get_by_label("Newer").accesskit_node().is_disabled());
}

#[test]
fn an_admin_sets_the_idle_time_and_a_signed_in_workstation_applies_it() {
    let clinic = ClinicLib::new();
    add_user(&clinic, "bob", Role::Clinician);
    let mut bobs = clinic.app(Some("bob"));
    sign_in(&mut bobs, "bob-secret");
    let idle_of =
        |h: &Harness<'static, App>| h.state().state.clinic.signed_in.as_ref().map(|s| s.idle);
    assert_eq!(idle_of(&bobs), Some(Duration::from_mins(15)));
    // Not for a clinician.
    bobs.get_by_label("Clinic").click();
    bobs.run_steps(2);
    assert!(
        bobs.get_by_label("Settings…")
            .accesskit_node()
            .is_disabled()
    );
    // Any way in: the database refuses the change, naming the role.
    send(&mut bobs, ClinicCommand::Admin(AdminCommand::ShowSettings));
    send(
        &mut bobs,
        ClinicCommand::Admin(AdminCommand::SetIdle("30".into())),
    );
    let e = admin_error(&bobs).unwrap_or_default();
    assert!(
        e.contains("signs in as clinician, and only an admin may do this"),
        "{e}"
    );
    send(&mut bobs, skinlapse::app::Action::Back);

    let mut h = clinic.app(Some("ann"));
    sign_in(&mut h, "ann-secret");
    menu(&mut h, "Clinic", "Settings…");
    assert_eq!(h.state().state.nav.modal(), Some(&Modal::ClinicSettings));
    assert_eq!(h.state().state.clinic.admin.idle_minutes, Some(15));
    let set = |h: &mut Harness<'static, App>, text: &str| {
        let field = h.get_by_role_and_label(A11y::TextInput, "Idle time (minutes)");
        field.focus();
        h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
        h.run_steps(1);
        type_into(h, A11y::TextInput, "Idle time (minutes)", text);
        click(h, "Save");
    };
    set(&mut h, "0");
    let e = admin_error(&h).unwrap_or_default();
    assert_eq!(
        e,
        "Idle time (idle_timeout_minutes): \"0\" is not a whole number of minutes from 1 to 480."
    );
    assert!(h.query_by_label_contains("is not a whole number").is_some());
    set(&mut h, "20");
    assert_eq!(admin_error(&h), None);
    assert_eq!(h.state().state.clinic.admin.idle_minutes, Some(20));
    assert!(
        h.query_by_label_contains("Saved: every workstation signs out after 20 minutes")
            .is_some()
    );
    assert_eq!(idle_of(&h), Some(Duration::from_mins(20)), "here at once");
    // Bob's workstation hears the change and applies it, without signing in again.
    wait_for(&mut bobs, "bob's idle time", |app| {
        app.state.clinic.signed_in.as_ref().map(|s| s.idle) == Some(Duration::from_mins(20))
    });
    settle(&mut bobs);

    let change = wait_for_row(&clinic, "the change in the trail", |r| {
        r.action == "settings" && r.user == clinic.name("ann")
    });
    assert_eq!(change.user, clinic.name("ann"));
    let detail: serde_json::Value =
        serde_json::from_str(change.detail.as_deref().unwrap()).unwrap();
    assert_eq!(detail["key"], "idle_timeout_minutes");
    assert_eq!(detail["value"], "20");
}

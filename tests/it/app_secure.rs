//! The app with an encrypted library (the unlock window, locking when idle, changing the
//! passphrase) and backup and restore from the File menu's commands, driven through
//! `egui_kittest` on the real `App`.

use crate::app::{grid_ids, harness, send, settle};
use crate::support::*;
use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use skinlapse::app::{BackupCommand, Passphrase, SecureCommand};
use skinlapse::catalogue::AssignmentSpec;
use skinlapse::jobs::backup::{self, BackupError};
use skinlapse::jobs::{ImportRequest, run_import};
use skinlapse::library::Library;
use skinlapse::ui::App;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

const PASS: &str = "correct horse battery";

/// A library (encrypted with `PASS` when asked) holding `n` generated photos.
fn library_with_photos(dir: &Path, n: u64, encrypted: bool) -> PathBuf {
    let root = dir.join("lib");
    let library = Library::create(&root, encrypted.then_some(PASS)).unwrap();
    let paths = crate::app::photos(dir, n);
    let assignment = library
        .catalogue()
        .unwrap()
        .resolve_assignment(&AssignmentSpec::default())
        .unwrap();
    let request = ImportRequest {
        paths,
        assignment,
        per_photo: std::collections::HashMap::new(),
        session_date: None,
        workers: 2,
    };
    let summary = run_import(&library, &request, &AtomicBool::new(false), |_| {});
    assert_eq!(summary.imported, n as usize, "{summary:?}");
    root
}

fn type_into(h: &mut Harness<'static, App>, label: &str, text: &str) {
    let field = h.get_by_role_and_label(Role::PasswordInput, label);
    field.focus();
    field.type_text(text);
    h.run_steps(2);
}

/// The unlock window is up, and nothing of the library is in the app or on screen.
fn assert_locked(h: &Harness<'static, App>, root: &Path) {
    let state = &h.state().state;
    let locked = state
        .protection
        .secure
        .locked
        .as_ref()
        .expect("the unlock window is up");
    assert_eq!(
        locked.root.canonicalize().unwrap(),
        root.canonicalize().unwrap()
    );
    assert!(state.library.loaded.is_none(), "no catalogue, no keys");
    assert!(state.browse.grid.items.is_empty(), "no grid");
    assert!(state.overview.people.is_empty() && state.overview.counts().is_none());
    assert!(state.inspector.shown().is_none(), "no details");
    assert!(h.state().images.is_empty(), "no decoded photo is kept");
    assert!(
        h.query_by_label_contains("This library is locked")
            .is_some()
    );
    assert!(
        h.query_by_label_contains("photos ·").is_none(),
        "no counts shown"
    );
    assert!(
        h.query_by_label_contains("IMG_").is_none(),
        "no file names shown"
    );
}

#[test]
fn the_unlock_window_refuses_a_wrong_passphrase_then_opens_with_the_right_one() {
    if skinlapse::testing::sqlite_only(
        "a personal library's encryption at rest (its passphrase, the unlock window, locking when idle)",
    ) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let root = library_with_photos(dir.path(), 3, true);
    let before = contents(&root);
    let mut h = harness(&root);
    assert_locked(&h, &root);

    type_into(&mut h, "Passphrase", "not the passphrase");
    h.key_press(egui::Key::Enter);
    settle(&mut h);
    assert!(
        h.query_by_label_contains("Wrong passphrase: nothing was opened or changed")
            .is_some(),
        "the reason is shown"
    );
    assert_locked(&h, &root);
    assert_eq!(
        contents(&root),
        before,
        "a wrong passphrase modifies nothing"
    );

    type_into(&mut h, "Passphrase", PASS);
    h.get_by_label("Unlock").click();
    settle(&mut h);
    let state = &h.state().state;
    assert!(state.protection.secure.locked.is_none());
    assert!(state.library.library().unwrap().is_encrypted());
    assert_eq!(grid_ids(&h).len(), 3, "the library's photos are shown");
    assert!(
        h.query_by_label_contains("This library is locked")
            .is_none()
    );
}

#[test]
fn an_idle_encrypted_library_locks_and_shows_nothing_until_unlocked() {
    if skinlapse::testing::sqlite_only(
        "a personal library's encryption at rest (its passphrase, the unlock window, locking when idle)",
    ) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let root = library_with_photos(dir.path(), 3, true);
    let mut h = harness(&root);
    send(&mut h, SecureCommand::Unlock(Passphrase::new(PASS)));
    assert_eq!(grid_ids(&h).len(), 3);
    // Thumbnails were decoded and shown.
    assert!(
        !h.state().images.is_empty(),
        "thumbnails are cached while open"
    );

    send(
        &mut h,
        SecureCommand::SetIdleLock(Some(Duration::from_secs(1))),
    );
    let start = Instant::now();
    while h.state().state.protection.secure.locked.is_none() {
        assert!(
            start.elapsed() < Duration::from_mins(1),
            "never locked after a second idle"
        );
        h.step();
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(
        start.elapsed() >= Duration::from_secs(1),
        "not before the idle time"
    );
    h.run_steps(2);
    assert_locked(&h, &root);
    assert!(
        h.query_by_label_contains("Locked after 1 second without use")
            .is_some()
    );

    // Back with the passphrase: the library returns.
    type_into(&mut h, "Passphrase", PASS);
    h.key_press(egui::Key::Enter);
    settle(&mut h);
    assert_eq!(grid_ids(&h).len(), 3);
}

#[test]
fn the_passphrase_is_changed_only_with_the_current_one_and_a_matching_new_one() {
    if skinlapse::testing::sqlite_only(
        "a personal library's encryption at rest (its passphrase, the unlock window, locking when idle)",
    ) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let root = library_with_photos(dir.path(), 1, true);
    let mut h = harness(&root);
    send(&mut h, SecureCommand::Unlock(Passphrase::new(PASS)));
    let key = std::fs::read(root.join("library.key")).unwrap();
    send(&mut h, SecureCommand::ShowChangePassphrase);
    for (old, new, repeat, why) in [
        (PASS, "new passphrase 1", "new passphrase 2", "differ"),
        (PASS, "short", "short", "shorter than 8 characters"),
        (
            "wrong one!",
            "new passphrase 1",
            "new passphrase 1",
            "current passphrase is wrong",
        ),
    ] {
        type_into(&mut h, "Current passphrase", old);
        type_into(&mut h, "New passphrase", new);
        type_into(&mut h, "New passphrase again", repeat);
        h.get_by_label("Change passphrase").click();
        settle(&mut h);
        let error = h
            .state()
            .state
            .protection
            .secure
            .change_error
            .clone()
            .unwrap_or_default();
        assert!(error.contains(why), "{error}");
        assert!(h.query_by_label_contains(why).is_some(), "shown: {why}");
        assert_eq!(std::fs::read(root.join("library.key")).unwrap(), key);
    }
    type_into(&mut h, "Current passphrase", PASS);
    type_into(&mut h, "New passphrase", "a new passphrase");
    type_into(&mut h, "New passphrase again", "a new passphrase");
    h.get_by_label("Change passphrase").click();
    settle(&mut h);
    assert!(h.state().state.nav.modal().is_none(), "the form closed");
    assert!(
        h.query_by_label_contains("The passphrase was changed")
            .is_some()
    );

    // Locked again, only the new passphrase opens it.
    send(&mut h, SecureCommand::Lock);
    send(&mut h, SecureCommand::Unlock(Passphrase::new(PASS)));
    assert!(
        h.state()
            .state
            .protection
            .secure
            .locked
            .as_ref()
            .unwrap()
            .error
            .is_some()
    );
    send(
        &mut h,
        SecureCommand::Unlock(Passphrase::new("a new passphrase")),
    );
    assert!(h.state().state.protection.secure.locked.is_none());
    assert_eq!(grid_ids(&h).len(), 1);
}

/// Waits for the running backup or restore to finish.
fn finish_job(h: &mut Harness<'static, App>) {
    settle(h);
    assert!(h.state().state.protection.backup.job.is_none());
}

#[test]
fn a_backup_from_the_app_passes_backup_verify_and_clears_the_reminder() {
    if skinlapse::testing::sqlite_only(
        "backing up and restoring a personal library (a clinic's catalogue is its server's to back up, with pg_dump)",
    ) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let root = library_with_photos(dir.path(), 4, false);
    let mut h = harness(&root);
    let reminder = h
        .state()
        .state
        .protection
        .backup
        .reminder
        .clone()
        .expect("a reminder");
    assert!(reminder.contains("never been backed up"), "{reminder}");
    assert!(h.query_by_label_contains("never been backed up").is_some());

    let archive = dir.path().join("backup.tar");
    send(&mut h, BackupCommand::Start(archive.clone()));
    finish_job(&mut h);
    let said = h.state().state.notices.last().unwrap().text.clone();
    assert!(said.starts_with("Backed up 4 photos to "), "{said}");
    assert!(
        h.state().state.protection.backup.reminder.is_none(),
        "the reminder is gone"
    );

    let out = skinlapse(
        dir.path(),
        &root,
        &["backup", "verify", archive.to_str().unwrap()],
    );
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
    assert!(stdout(&out).contains("is sound"), "{}", stdout(&out));

    // Into a backup folder too (incremental): the second run copies nothing new.
    let folder = dir.path().join("backups");
    std::fs::create_dir(&folder).unwrap();
    send(&mut h, BackupCommand::Start(folder.clone()));
    finish_job(&mut h);
    send(&mut h, BackupCommand::Start(folder.clone()));
    finish_job(&mut h);
    let said = h.state().state.notices.last().unwrap().text.clone();
    // No photo is copied again. The catalogue's snapshot may be new: it records the time of
    // the backup before it, which differs when the two backups fall in different seconds.
    let new: usize = said
        .rsplit(", ")
        .next()
        .and_then(|t| t.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no count of new files in {said:?}"));
    assert!(new <= 1, "{said}");
    let out = skinlapse(
        dir.path(),
        &root,
        &["backup", "verify", folder.to_str().unwrap()],
    );
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));

    // A backup older than the preference brings the reminder back on opening.
    Library::open(&root)
        .unwrap()
        .catalogue()
        .unwrap()
        .set_last_backup("2026-01-01T00:00:00Z")
        .unwrap();
    let h = harness(&root);
    let reminder = h
        .state()
        .state
        .protection
        .backup
        .reminder
        .clone()
        .expect("a reminder");
    assert!(reminder.contains("days old"), "{reminder}");
}

#[test]
fn a_restore_from_the_app_recreates_a_library_that_lists_the_same_photos() {
    if skinlapse::testing::sqlite_only(
        "backing up and restoring a personal library (a clinic's catalogue is its server's to back up, with pg_dump)",
    ) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let root = library_with_photos(dir.path(), 3, false);
    let listed = skinlapse(dir.path(), &root, &["list", "--json"]);
    assert!(listed.status.success());
    let archive = dir.path().join("backup.tar");
    let mut h = harness(&root);
    send(&mut h, BackupCommand::Start(archive.clone()));
    finish_job(&mut h);

    // Not into a folder that holds something.
    let busy = dir.path().join("busy");
    std::fs::create_dir(&busy).unwrap();
    std::fs::write(busy.join("note.txt"), b"keep me").unwrap();
    send(
        &mut h,
        BackupCommand::Restore {
            from: archive.clone(),
            to: busy.clone(),
        },
    );
    let said = h.state().state.notices.last().unwrap().text.clone();
    assert!(said.contains("is not empty"), "{said}");
    assert_eq!(std::fs::read_dir(&busy).unwrap().count(), 1);

    let restored = dir.path().join("restored");
    send(&mut h, BackupCommand::ShowRestore);
    assert!(h.query_by_label_contains("Restore a backup").is_some());
    send(
        &mut h,
        BackupCommand::Restore {
            from: archive,
            to: restored.clone(),
        },
    );
    finish_job(&mut h);
    settle(&mut h);
    let state = &h.state().state;
    let said = state
        .notices
        .iter()
        .map(|n| n.text.clone())
        .collect::<Vec<_>>()
        .join("\n");
    assert!(said.contains("Restored 3 photos"), "{said}");
    assert_eq!(
        state.library.library().unwrap().root(),
        restored.canonicalize().unwrap(),
        "the restored library is open"
    );
    assert_eq!(grid_ids(&h).len(), 3);
    let out = skinlapse(dir.path(), &restored, &["list", "--json"]);
    assert_eq!(stdout(&out), stdout(&listed), "the same photos");
    let out = skinlapse(dir.path(), &restored, &["verify"]);
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
}

#[test]
fn a_cancelled_backup_or_restore_leaves_nothing_behind() {
    if skinlapse::testing::sqlite_only(
        "backing up and restoring a personal library (a clinic's catalogue is its server's to back up, with pg_dump)",
    ) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let root = library_with_photos(dir.path(), 2, false);
    let library = Library::open(&root).unwrap();
    let cancel = AtomicBool::new(true);
    let out = dir.path().join("out");
    std::fs::create_dir(&out).unwrap();
    let archive = out.join("b.tar");
    let mut progress = backup::cancellable(&cancel, |_, _| {});
    let result = backup::backup(&library, &archive, &mut progress);
    assert!(matches!(result, Err(BackupError::Cancelled)), "{result:?}");
    assert_eq!(
        std::fs::read_dir(&out).unwrap().count(),
        0,
        "no partial file"
    );

    let go = AtomicBool::new(false);
    backup::backup(&library, &archive, &mut backup::cancellable(&go, |_, _| {})).unwrap();
    let target = out.join("restored");
    let result = backup::restore(&archive, &target, &mut progress);
    assert!(matches!(result, Err(BackupError::Cancelled)), "{result:?}");
    let left: Vec<_> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(
        left,
        vec![std::ffi::OsString::from("b.tar")],
        "no library, no staging"
    );
}

//! The library is readable by its owner only: folders 0700, files 0600 whatever the umask,
//! on every path that writes; a looser library is tightened when opened, with a notice.

use crate::support::*;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::Command;

/// Every entry below `root` (and `root` itself) with its permission bits.
fn modes_below(root: &Path) -> Vec<(String, u32)> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_owned()];
    while let Some(path) = stack.pop() {
        let meta = std::fs::symlink_metadata(&path).unwrap();
        out.push((
            path.display().to_string(),
            meta.permissions().mode() & 0o777,
        ));
        if meta.is_dir() {
            for e in std::fs::read_dir(&path).unwrap() {
                stack.push(e.unwrap().path());
            }
        }
    }
    out
}

fn assert_private(root: &Path) {
    let modes = modes_below(root);
    for (path, mode) in &modes {
        let dir = Path::new(path).is_dir();
        let want = if dir { 0o700 } else { 0o600 };
        assert_eq!(*mode, want, "{path} is {mode:o}, not {want:o}");
    }
}

/// The real binary under umask 022, as a user's shell has it.
fn with_umask(lib: &Path, args: &[&str]) -> std::process::Output {
    let mut cmd = Command::new("sh");
    test_env(&mut cmd, lib);
    cmd.arg("-c")
        .arg(r#"umask 022; exec "$0" "$@""#)
        .arg(env!("CARGO_BIN_EXE_skinlapse"))
        .arg("--library")
        .arg(lib)
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn every_folder_and_file_of_a_library_is_private_under_umask_022() {
    let dir = tempfile::tempdir().unwrap();
    let inbox = dir.path().join("inbox");
    std::fs::create_dir_all(&inbox).unwrap();
    for i in 0..3 {
        write(&inbox, &format!("{i}.jpg"), &jpeg(300 + i));
    }
    let lib = dir.path().join("lib");
    make_library(&lib);
    let out = with_umask(
        &lib,
        &["import", "--person", "Modes", inbox.to_str().unwrap()],
    );
    assert!(out.status.success(), "{}", stdout(&out));
    if skinlapse::testing::library_user(&lib).is_some() {
        // A clinic library: the folder on the share is the clinic's to guard (its catalogue
        // is on the server); what this workstation keeps of it, previews and thumbnails, is
        // private.
        let out = with_umask(&lib, &["verify", "--repair-cache"]);
        assert!(out.status.success(), "{}", stdout(&out));
        assert_private(&cache_dir(&lib));
        assert!(modes_below(&cache_dir(&lib)).len() > 8);
        return;
    }
    // Keep a connection open so the WAL and shared-memory files exist to be checked.
    let conn = rusqlite::Connection::open(lib.join("catalog.sqlite")).unwrap();
    conn.query_row("SELECT count(*) FROM photo", [], |r| r.get::<_, i64>(0))
        .unwrap();
    let out = with_umask(
        &lib,
        &["series", "add", "--person", "Modes", "--title", "Peel"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(lib.join("catalog.sqlite-wal").exists());
    assert!(lib.join("catalog.sqlite-shm").exists());
    let out = with_umask(&lib, &["verify", "--repair-cache"]);
    assert!(out.status.success(), "{}", stdout(&out));
    assert_private(&lib);
    assert!(modes_below(&lib).len() > 12);
    drop(conn);
}

#[test]
fn a_loose_library_is_tightened_on_open_with_a_notice() {
    if skinlapse::testing::sqlite_only("tightening a personal library's folder when it is opened") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let inbox = dir.path().join("inbox");
    std::fs::create_dir_all(&inbox).unwrap();
    write(&inbox, "a.jpg", &jpeg(310));
    let lib = dir.path().join("lib");
    assert!(
        with_umask(&lib, &["import", inbox.to_str().unwrap()])
            .status
            .success()
    );
    // As an older release (or a careless copy) left it.
    let loosen = Command::new("chmod")
        .args(["-R", "go+rX"])
        .arg(&lib)
        .status()
        .unwrap();
    assert!(loosen.success());
    assert!(modes_below(&lib).iter().any(|(_, m)| m & 0o044 != 0));
    // Listing writes nothing, so it leaves the modes alone; the next write opens tighten.
    let out = with_umask(&lib, &["series", "add", "--person", "P", "--title", "T"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let notice = stderr(&out);
    assert!(
        notice.contains("was readable by other users") && notice.contains("are now private to you"),
        "{notice}"
    );
    assert_private(&lib);
    let again = with_umask(&lib, &["series", "list"]);
    assert!(!stderr(&again).contains("readable by other users"));
}

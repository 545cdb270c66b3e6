//! Opening a library in bad circumstances: its catalogue gone or emptied next to the photos,
//! a folder that is not a library, another process writing, a read-only or a full disk.

use crate::support::*;
use std::path::Path;
use std::process::Command;

fn library_with_photos(dir: &Path) -> std::path::PathBuf {
    let inbox = dir.join("inbox");
    std::fs::create_dir_all(&inbox).unwrap();
    write(&inbox, "a.jpg", &jpeg(61));
    write(&inbox, "b.jpg", &jpeg(62));
    let lib = dir.join("lib");
    make_library(&lib);
    let out = skinlapse(
        dir,
        &lib,
        &["import", "--person", "Kept", inbox.to_str().unwrap()],
    );
    assert!(out.status.success(), "{}", stdout(&out));
    lib
}

#[test]
fn a_lost_catalogue_is_an_error_that_says_how_to_recover_never_a_fresh_one() {
    if skinlapse::testing::sqlite_only("the catalogue file beside the photos (catalog.sqlite)") {
        return;
    }
    for emptied in [false, true] {
        let dir = tempfile::tempdir().unwrap();
        let lib = library_with_photos(dir.path());
        let catalogue = lib.join("catalog.sqlite");
        std::fs::remove_file(&catalogue).unwrap();
        if emptied {
            std::fs::write(&catalogue, b"").unwrap();
        }
        let caches_before = files_below(&lib.join("cache")).len();
        for args in [
            &["list"][..],
            &["verify", "--repair-cache"],
            &["series", "add", "--person", "New", "--title", "T"],
        ] {
            let out = skinlapse(dir.path(), &lib, args);
            assert_eq!(out.status.code(), Some(1), "{args:?}: {}", stdout(&out));
            let err = stderr(&out);
            let state = if emptied {
                "is empty (0 bytes)"
            } else {
                "is missing"
            };
            assert!(err.contains(state), "{err}");
            assert!(err.contains("holds 2 photo files"), "{err}");
            assert!(
                err.contains("skinlapse restore BACKUP --library NEWDIR"),
                "{err}"
            );
            assert!(err.contains("Nothing was changed"), "{err}");
        }
        // Nothing was re-created or repaired away.
        assert_eq!(catalogue.exists(), emptied);
        assert_eq!(files_below(&lib.join("cache")).len(), caches_before);
        assert_eq!(files_below(&lib.join("originals")).len(), 2);
    }
}

#[test]
fn a_new_library_is_made_only_in_an_empty_or_new_folder() {
    let dir = tempfile::tempdir().unwrap();
    let photos = dir.path().join("Photos");
    std::fs::create_dir_all(&photos).unwrap();
    write(&photos, "holiday.jpg", &jpeg(1));
    let out = skinlapse(dir.path(), &photos, &["list"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("is not empty and holds no Skinlapse catalogue"),
        "{}",
        stderr(&out)
    );
    assert_eq!(std::fs::read_dir(&photos).unwrap().count(), 1);
    let empty = dir.path().join("empty");
    std::fs::create_dir_all(&empty).unwrap();
    assert!(skinlapse(dir.path(), &empty, &["list"]).status.success());
    assert!(empty.join("catalog.sqlite").exists());
}

#[test]
fn listing_does_not_wait_behind_another_writer() {
    let dir = tempfile::tempdir().unwrap();
    let lib = library_with_photos(dir.path());
    // Another process (another workstation) is in the middle of a long write.
    let writer = Writer::start(&lib);
    let list = skinlapse(dir.path(), &lib, &["list", "--json"]);
    assert!(list.status.success(), "{}", stderr(&list));
    assert_eq!(stdout(&list).lines().count(), 2);
    let series = skinlapse(dir.path(), &lib, &["series", "list"]);
    assert!(series.status.success(), "{}", stderr(&series));
    let verify = skinlapse(dir.path(), &lib, &["verify"]);
    assert!(verify.status.success(), "{}", stdout(&verify));
    drop(writer);
}

/// A write transaction left open on the catalogue of the test library at `lib`, rolled back
/// when dropped: SQLite's write lock on the file, or on a clinic's server a new person not
/// yet committed and the people, series and photos locked against other writers.
enum Writer {
    Sqlite(rusqlite::Connection),
    Postgres(postgres::Client),
}

impl Writer {
    fn start(lib: &Path) -> Self {
        let uncommitted =
            "INSERT INTO person (name, created_at) VALUES ('Uncommitted', '2026-01-01')";
        if let Some(mut client) = skinlapse::testing::superuser_client(lib) {
            client
                .batch_execute(&format!(
                    "BEGIN; LOCK TABLE person, series, photo IN EXCLUSIVE MODE; {uncommitted}"
                ))
                .unwrap();
            return Self::Postgres(client);
        }
        let writer = rusqlite::Connection::open(lib.join("catalog.sqlite")).unwrap();
        writer
            .execute_batch(&format!("BEGIN IMMEDIATE; {uncommitted}"))
            .unwrap();
        Self::Sqlite(writer)
    }
}

impl Drop for Writer {
    fn drop(&mut self) {
        let _ = match self {
            Self::Sqlite(conn) => conn.execute_batch("ROLLBACK").map_err(|e| e.to_string()),
            Self::Postgres(client) => client.batch_execute("ROLLBACK").map_err(|e| e.to_string()),
        };
    }
}

/// Runs `script` as root of its own user and mount namespace, where it may mount.
fn in_namespace(script: &str, envs: &[(&str, &Path)]) -> std::process::Output {
    let mut cmd = Command::new("unshare");
    if let Some((_, lib)) = envs.iter().find(|(k, _)| *k == "LIB") {
        test_env(&mut cmd, lib);
    }
    cmd.args(["-rm", "sh", "-ec", script])
        .env("SKINLAPSE", env!("CARGO_BIN_EXE_skinlapse"));
    for (k, v) in envs {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("unshare (util-linux) runs");
    assert!(
        out.status.success(),
        "namespace script failed: {}{}",
        stdout(&out),
        stderr(&out)
    );
    out
}

#[test]
fn a_read_only_library_can_be_listed_and_verified() {
    let dir = tempfile::tempdir().unwrap();
    let lib = library_with_photos(dir.path());
    let extra = write(dir.path(), "c.jpg", &jpeg(63));
    let out = in_namespace(
        r#"mount --bind "$LIB" "$LIB"; mount -o remount,bind,ro "$LIB"
           echo "list: $("$SKINLAPSE" --library "$LIB" list --json | wc -l)"
           "$SKINLAPSE" --library "$LIB" verify && echo "verify: ok"
           "$SKINLAPSE" --library "$LIB" import "$EXTRA" 2>&1 || echo "import: $?""#,
        &[("LIB", &lib), ("EXTRA", &extra)],
    );
    let text = stdout(&out);
    assert!(text.contains("list: 2"), "{text}{}", stderr(&out));
    assert!(text.contains("verify: ok"), "{text}");
    assert!(text.contains("import: 1"), "{text}");
}

#[test]
fn a_full_disk_says_so_and_the_library_can_still_be_listed() {
    let dir = tempfile::tempdir().unwrap();
    let lib = library_with_photos(dir.path());
    let extra = write(dir.path(), "c.jpg", &jpeg(64));
    let mnt = dir.path().join("small-disk");
    std::fs::create_dir_all(&mnt).unwrap();
    let out = in_namespace(
        r#"mount -t tmpfs -o size=4m tmpfs "$MNT"; cp -a "$LIB" "$MNT/lib"
           dd if=/dev/zero of="$MNT/filler" bs=4k 2>/dev/null || true
           echo "list: $("$SKINLAPSE" --library "$MNT/lib" list --json | wc -l)"
           "$SKINLAPSE" --library "$MNT/lib" import "$EXTRA" 2>&1 || echo "import: $?""#,
        &[("LIB", &lib), ("EXTRA", &extra), ("MNT", &mnt)],
    );
    let text = stdout(&out);
    assert!(text.contains("list: 2"), "{text}{}", stderr(&out));
    assert!(text.contains("import: 1"), "{text}");
    assert!(text.contains("is full: free some space"), "{text}");
    assert!(
        !text.contains(".part"),
        "an internal temporary file was named: {text}"
    );
    assert!(!text.contains("disk I/O error"), "{text}");
}

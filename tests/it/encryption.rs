//! Encryption at rest: an encrypted library shows nothing of its photos or catalogue on disk,
//! opens only with its passphrase (a wrong one changes nothing), and is encrypted, decrypted
//! and re-keyed in place, surviving a crash half-way.

use crate::support::*;
use skinlapse::imaging::synth::ExifSpec;
use skinlapse::jobs::failpoint::ENV;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const PASS: &str = "correct horse battery";

fn run(lib: &Path, passphrase: Option<&str>, args: &[&str]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_skinlapse"));
    cmd.env_remove(ENV)
        .env_remove("SKINLAPSE_PASSPHRASE")
        .env_remove("SKINLAPSE_NEW_PASSPHRASE")
        .arg("--library")
        .arg(lib)
        .args(args);
    if let Some(p) = passphrase {
        cmd.env("SKINLAPSE_PASSPHRASE", p);
    }
    cmd.output().unwrap()
}

fn ok(out: Output) -> String {
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
    stdout(&out)
}

fn find(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// Nothing under `root` gives a photo or the catalogue away.
fn assert_nothing_readable(root: &Path) {
    let files = contents(root);
    assert!(files.len() >= 8, "{:?}", files.keys());
    for (path, bytes) in &files {
        assert!(
            !bytes.starts_with(&[0xFF, 0xD8, 0xFF]),
            "{} is a JPEG",
            path.display()
        );
        for (what, needle) in [
            ("a PNG signature", &b"\x89PNG\r\n\x1a\n"[..]),
            ("an EXIF header", b"Exif"),
            ("a JFIF header", b"JFIF"),
            ("a SQLite header", b"SQLite format 3"),
            ("a camera name", b"Skinlapse Test Camera"),
            ("a person's name", b"Ines Moreau"),
        ] {
            assert!(!find(bytes, needle), "{} holds {what}", path.display());
        }
    }
}

fn library_with_photos(dir: &Path) -> PathBuf {
    let inbox = dir.join("inbox");
    std::fs::create_dir_all(&inbox).unwrap();
    let exif = ExifSpec {
        date_time_original: Some("2026:01:05 10:00:00".into()),
        model: Some("Skinlapse Test Camera".into()),
        ..ExifSpec::default()
    };
    write(&inbox, "a.jpg", &jpeg_exif(81, &exif));
    write(
        &inbox,
        "b.png",
        &encoded(82, skinlapse::model::PhotoFormat::Png),
    );
    dir.join("lib")
}

fn import(lib: &Path, dir: &Path) {
    ok(run(
        lib,
        Some(PASS),
        &[
            "import",
            "--person",
            "Ines Moreau",
            "--series",
            "Peel",
            "--session",
            "2026-01-05",
            dir.join("inbox").to_str().unwrap(),
        ],
    ));
    ok(run(
        lib,
        Some(PASS),
        &[
            "grade",
            "add",
            "--session",
            "1",
            "--scale",
            "gais",
            "--value",
            "2",
        ],
    ));
}

#[test]
fn an_encrypted_library_shows_nothing_and_opens_only_with_its_passphrase() {
    if skinlapse::testing::sqlite_only(
        "encryption at rest of a personal library (SQLCipher and sealed files)",
    ) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let lib = library_with_photos(dir.path());
    let created = ok(run(&lib, Some(PASS), &["create", "--encrypted"]));
    assert!(
        created.contains("created an encrypted library"),
        "{created}"
    );
    import(&lib, dir.path());
    // Keep the WAL and shared-memory files in place while looking.
    let listed = ok(run(&lib, Some(PASS), &["list", "--json"]));
    assert_eq!(listed.lines().count(), 2);
    assert!(listed.contains("Skinlapse Test Camera"));
    assert!(ok(run(&lib, Some(PASS), &["verify"])).contains("0 problems"));
    assert_nothing_readable(&lib);

    let before = contents(&lib);
    for (passphrase, why) in [
        (Some("wrong passphrase"), "wrong passphrase"),
        (None, "no passphrase was given"),
    ] {
        for args in [
            &["list"][..],
            &["import", "x.jpg"],
            &["decrypt"],
            &["verify", "--repair-cache"],
        ] {
            let out = run(&lib, passphrase, args);
            assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
            assert!(stderr(&out).contains(why), "{}", stderr(&out));
        }
    }
    assert_eq!(
        contents(&lib),
        before,
        "a refused passphrase changed something"
    );

    // The passphrase file works, and the passphrase can be changed.
    let file = write(dir.path(), "pass.txt", format!("{PASS}\n").as_bytes());
    let by_file = run(
        &lib,
        None,
        &["--passphrase-file", file.to_str().unwrap(), "list"],
    );
    assert_eq!(ok(by_file).lines().count(), 2);
    let mut change = Command::new(env!("CARGO_BIN_EXE_skinlapse"));
    change
        .env("SKINLAPSE_PASSPHRASE", PASS)
        .env("SKINLAPSE_NEW_PASSPHRASE", "a much newer passphrase")
        .arg("--library")
        .arg(&lib)
        .arg("change-passphrase");
    ok(change.output().unwrap());
    assert_eq!(run(&lib, Some(PASS), &["list"]).status.code(), Some(2));
    let again = ok(run(
        &lib,
        Some("a much newer passphrase"),
        &["list", "--json"],
    ));
    assert_eq!(again, listed);
}

#[test]
fn encrypting_and_decrypting_in_place_survive_a_crash_half_way() {
    if skinlapse::testing::sqlite_only("encrypting and decrypting a personal library in place") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let lib = library_with_photos(dir.path());
    import(&lib, dir.path());
    let plain_list = ok(run(&lib, None, &["list", "--json"]));

    // Killed after the second of six files.
    let mut crash = Command::new(env!("CARGO_BIN_EXE_skinlapse"));
    crash
        .env(ENV, "converted_file:2")
        .env("SKINLAPSE_PASSPHRASE", PASS)
        .arg("--library")
        .arg(&lib)
        .arg("encrypt");
    let crashed = crash.output().unwrap();
    assert!(!crashed.status.success());
    assert!(
        stderr(&crashed).contains("failpoint converted_file"),
        "{}",
        stderr(&crashed)
    );
    // Half-way it still opens (with the passphrase) and reads everything.
    assert_eq!(ok(run(&lib, Some(PASS), &["list", "--json"])), plain_list);
    ok(run(&lib, Some(PASS), &["encrypt"]));
    assert!(ok(run(&lib, Some(PASS), &["verify"])).contains("0 problems"));
    assert_eq!(ok(run(&lib, Some(PASS), &["list", "--json"])), plain_list);
    assert_nothing_readable(&lib);

    let mut crash = Command::new(env!("CARGO_BIN_EXE_skinlapse"));
    crash
        .env(ENV, "converted_file:3")
        .env("SKINLAPSE_PASSPHRASE", PASS)
        .arg("--library")
        .arg(&lib)
        .arg("decrypt");
    assert!(!crash.output().unwrap().status.success());
    assert_eq!(ok(run(&lib, Some(PASS), &["list", "--json"])), plain_list);
    ok(run(&lib, Some(PASS), &["decrypt"]));
    assert!(!lib.join("library.key").exists());
    assert!(ok(run(&lib, None, &["verify"])).contains("0 problems"));
    assert_eq!(ok(run(&lib, None, &["list", "--json"])), plain_list);
    let catalogue = std::fs::read(lib.join("catalog.sqlite")).unwrap();
    assert!(catalogue.starts_with(b"SQLite format 3\0"));
}

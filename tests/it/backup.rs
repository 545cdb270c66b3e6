//! Backup and restore round trips: people, series, grades and alignments come back exactly,
//! in the one-file and the folder form, plain and encrypted, also while an import runs; a
//! damaged backup is named and restores nothing.

use crate::support::*;
use skinlapse::library::Library;
use skinlapse::model::{AlignMethod, PhotoId, Similarity};
use std::path::Path;
use std::process::{Command, Output};

fn run(lib: Option<&Path>, passphrase: Option<&str>, args: &[&str]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_skinlapse"));
    cmd.env_remove("SKINLAPSE_FAILPOINT")
        .env_remove("SKINLAPSE_PASSPHRASE");
    if let Some(lib) = lib {
        cmd.arg("--library").arg(lib);
    }
    if let Some(p) = passphrase {
        cmd.env("SKINLAPSE_PASSPHRASE", p);
    }
    cmd.args(args).output().unwrap()
}

fn ok(out: Output) -> String {
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
    stdout(&out)
}

/// Everything of the record that `list --json` does not show.
fn record_of(library: &Library) -> String {
    let mut cat = library.catalogue().unwrap();
    let mut parts: Vec<String> = Vec::new();
    for person in cat.people().unwrap() {
        parts.push(format!("{person:?}"));
        for series in cat.series_of(person.id).unwrap() {
            parts.push(format!("{series:?}"));
            parts.push(format!("{:?}", cat.sessions_of(series.id).unwrap()));
            parts.push(format!("{:?}", cat.grades_of_series(series.id).unwrap()));
            parts.push(format!(
                "{:?}",
                cat.side_effects_of_series(series.id).unwrap()
            ));
        }
    }
    for photo in cat.photo_files().unwrap() {
        parts.push(format!("{:?}", cat.alignment(photo.0).unwrap()));
    }
    parts.join("\n")
}

fn demo_with_alignment(root: &Path) {
    let library = small_demo(root);
    let mut cat = library.catalogue().unwrap();
    let aligned = Similarity {
        scale: 1.05,
        angle: 0.02,
        tx: 0.01,
        ty: -0.03,
    };
    cat.save_alignment(
        PhotoId(2),
        PhotoId(1),
        aligned,
        AlignMethod::Auto,
        Some(0.93),
        None,
    )
    .unwrap();
}

#[test]
fn a_backup_restores_people_series_grades_and_alignments_exactly() {
    let dir = tempfile::tempdir().unwrap();
    let source = dir.path().join("lib");
    demo_with_alignment(&source);
    if skinlapse::testing::library_user(&source).is_some() {
        // A clinic library is backed up where it lives: its database on the server
        // (pg_dump) and its folder on the share. `backup` says so and writes nothing.
        let archive = dir.path().join("lib.tar");
        let out = command(&source)
            .args(["backup", "--to", archive.to_str().unwrap()])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
        assert!(stderr(&out).contains("pg_dump"), "{}", stderr(&out));
        assert!(!archive.exists());
        assert!(
            files_below(dir.path())
                .iter()
                .all(|p| !p.to_string_lossy().contains(".part")),
            "nothing half-written is left behind"
        );
        return;
    }
    let listed = ok(run(Some(&source), None, &["list", "--json"]));
    let record = record_of(&Library::open(&source).unwrap());
    assert!(record.contains("Auto"), "{record}");

    let archive = dir.path().join("backups/lib.tar");
    std::fs::create_dir_all(archive.parent().unwrap()).unwrap();
    let folder = dir.path().join("nightly");
    std::fs::create_dir_all(&folder).unwrap();
    ok(run(
        Some(&source),
        None,
        &["backup", "--to", archive.to_str().unwrap()],
    ));
    let first = ok(run(
        Some(&source),
        None,
        &["backup", "--to", folder.to_str().unwrap()],
    ));
    let second = ok(run(
        Some(&source),
        None,
        &["backup", "--to", folder.to_str().unwrap()],
    ));
    // The folder keeps the photos once: the second backup writes at most the new catalogue.
    let written = |text: &str| -> usize {
        let (head, _) = text.split_once(" written)").unwrap();
        head.rsplit('(').next().unwrap().parse().unwrap()
    };
    assert!(written(&first) >= 80, "{first}");
    assert!(written(&second) <= 1, "{second}");
    for (n, from) in [archive.as_path(), folder.as_path()]
        .into_iter()
        .enumerate()
    {
        assert!(
            ok(run(
                None,
                None,
                &["backup", "verify", from.to_str().unwrap()]
            ))
            .contains("is sound")
        );
        let restored = dir.path().join(format!("restored-{n}"));
        let out = ok(run(
            Some(&restored),
            None,
            &["restore", from.to_str().unwrap()],
        ));
        assert!(
            out.contains("verify: 41 photos checked, 0 problems"),
            "{out}"
        );
        assert_eq!(ok(run(Some(&restored), None, &["list", "--json"])), listed);
        assert_eq!(record_of(&Library::open(&restored).unwrap()), record);
        assert!(ok(run(Some(&restored), None, &["verify"])).contains("0 problems"));
    }
    // A restore never lands on a library or a folder with files.
    let out = run(Some(&source), None, &["restore", archive.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("is not empty"));
}

#[test]
fn a_backup_taken_while_an_import_runs_is_a_consistent_moment() {
    if skinlapse::testing::sqlite_only(
        "a personal library's backup (SQLite's backup API; a clinic backs up with pg_dump)",
    ) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let source = dir.path().join("lib");
    let inbox = dir.path().join("inbox");
    std::fs::create_dir_all(&inbox).unwrap();
    for i in 0..24 {
        write(&inbox, &format!("{i}.jpg"), &jpeg(700 + i));
    }
    ok(run(Some(&source), None, &["create"]));
    let importer = Command::new(env!("CARGO_BIN_EXE_skinlapse"))
        .arg("--library")
        .arg(&source)
        .args(["import", "--workers", "1", "--person", "Busy"])
        .arg(&inbox)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let archive = dir.path().join("during.tar");
    ok(run(
        Some(&source),
        None,
        &["backup", "--to", archive.to_str().unwrap()],
    ));
    let importer = importer.wait_with_output().unwrap();
    assert!(importer.status.success());
    assert!(
        ok(run(
            None,
            None,
            &["backup", "verify", archive.to_str().unwrap()]
        ))
        .contains("is sound")
    );
    let restored = dir.path().join("restored");
    let out = ok(run(
        Some(&restored),
        None,
        &["restore", archive.to_str().unwrap()],
    ));
    assert!(out.contains(", 0 problems"), "{out}");
    // Whatever moment it caught, it is a moment of the source.
    let now = ok(run(Some(&source), None, &["list", "--json"]));
    for line in ok(run(Some(&restored), None, &["list", "--json"])).lines() {
        assert!(
            now.lines().any(|l| l == line),
            "{line} is not in the source"
        );
    }
}

#[test]
fn an_encrypted_library_backs_up_encrypted_and_restores_with_its_passphrase() {
    if skinlapse::testing::sqlite_only("an encrypted personal library's backup") {
        return;
    }
    let pass = Some("correct horse battery");
    let dir = tempfile::tempdir().unwrap();
    let source = dir.path().join("lib");
    let inbox = dir.path().join("inbox");
    std::fs::create_dir_all(&inbox).unwrap();
    write(&inbox, "a.jpg", &jpeg(801));
    write(
        &inbox,
        "b.png",
        &encoded(802, skinlapse::model::PhotoFormat::Png),
    );
    ok(run(Some(&source), pass, &["create", "--encrypted"]));
    ok(run(
        Some(&source),
        pass,
        &["import", "--person", "Secret Name", inbox.to_str().unwrap()],
    ));
    let listed = ok(run(Some(&source), pass, &["list", "--json"]));
    let archive = dir.path().join("enc.tar");
    ok(run(
        Some(&source),
        pass,
        &["backup", "--to", archive.to_str().unwrap()],
    ));
    let bytes = std::fs::read(&archive).unwrap();
    for needle in [
        &b"JFIF"[..],
        b"Exif",
        b"\x89PNG\r\n\x1a\n",
        b"SQLite format 3",
        b"Secret Name",
    ] {
        assert!(
            !bytes.windows(needle.len()).any(|w| w == needle),
            "the backup shows {:?}",
            String::from_utf8_lossy(needle)
        );
    }
    // Verifying needs no passphrase; restoring checks the library with it.
    assert!(
        ok(run(
            None,
            None,
            &["backup", "verify", archive.to_str().unwrap()]
        ))
        .contains("encrypted")
    );
    let restored = dir.path().join("restored");
    let out = ok(run(
        Some(&restored),
        pass,
        &["restore", archive.to_str().unwrap()],
    ));
    assert!(out.contains(", 0 problems"), "{out}");
    assert_eq!(ok(run(Some(&restored), pass, &["list", "--json"])), listed);
    assert_eq!(
        run(Some(&restored), Some("wrong one!"), &["list"])
            .status
            .code(),
        Some(2)
    );
}

#[test]
fn a_damaged_backup_is_named_and_restores_nothing() {
    if skinlapse::testing::sqlite_only("a personal library's backup archive") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let source = dir.path().join("lib");
    let inbox = dir.path().join("inbox");
    std::fs::create_dir_all(&inbox).unwrap();
    write(&inbox, "a.jpg", &jpeg(901));
    ok(run(
        Some(&source),
        None,
        &["import", inbox.to_str().unwrap()],
    ));
    let archive = dir.path().join("b.tar");
    ok(run(
        Some(&source),
        None,
        &["backup", "--to", archive.to_str().unwrap()],
    ));
    let mut bytes = std::fs::read(&archive).unwrap();
    // Flip a byte inside the original's data (it follows the catalogue in the archive).
    let at = bytes.windows(10).position(|w| w == b"originals/").unwrap() + 512 + 700;
    bytes[at] ^= 0x55;
    std::fs::write(&archive, &bytes).unwrap();
    let out = run(None, None, &["backup", "verify", archive.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("originals/") && stderr(&out).contains("damaged"),
        "{}",
        stderr(&out)
    );
    let restored = dir.path().join("restored");
    let out = run(
        Some(&restored),
        None,
        &["restore", archive.to_str().unwrap()],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(!restored.exists(), "a damaged backup left a library behind");
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().contains("restoring"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

//! RAW+JPEG pairs (issue 10): a camera's RAW and JPEG of one shot import as one photo that
//! shows the JPEG and keeps the RAW byte for byte; verify, the trash, backup and restore
//! treat the RAW as one of the library's originals. The RAW files are the real CR2 and NEF
//! of tests/data/formats/raw (from the `ExifTool` test images), the JPEGs generated with the
//! same capture time and camera.

use crate::formats::bytes;
use crate::support::*;
use skinlapse::imaging::synth::ExifSpec;
use skinlapse::jobs::{Outcome, VerifyOptions, verify};
use skinlapse::library::Library;
use skinlapse::model::{ContentHash, PhotoFormat, PhotoId};
use std::path::{Path, PathBuf};

/// CanonRaw.cr2's capture time and camera.
const CR2_TIME: &str = "2005:08:03 18:59:18";
const CR2_MAKE: &str = "Canon";
const CR2_MODEL: &str = "Canon EOS 350D DIGITAL";

fn camera_jpeg(seed: u64, time: &str, make: &str, model: &str) -> Vec<u8> {
    jpeg_exif(
        seed,
        &ExifSpec {
            date_time_original: Some(time.into()),
            make: Some(make.into()),
            model: Some(model.into()),
            ..ExifSpec::default()
        },
    )
}

/// `IMG_0001.JPG` and `IMG_0001.CR2` of one shot in `dir`: (jpeg, raw) paths.
fn canon_pair(dir: &Path, stem: &str, jpeg_seed: u64) -> (PathBuf, PathBuf) {
    let jpg = write(
        dir,
        &format!("{stem}.JPG"),
        &camera_jpeg(jpeg_seed, CR2_TIME, CR2_MAKE, CR2_MODEL),
    );
    let raw = write(dir, &format!("{stem}.CR2"), &bytes("raw/CanonRaw.cr2"));
    (jpg, raw)
}

fn only_photo(t: &TestLib) -> PhotoId {
    let listed = t.library.catalogue().unwrap().list_photos(None).unwrap();
    assert_eq!(listed.len(), 1, "{listed:#?}");
    listed[0].photo.id
}

#[test]
fn a_raw_and_its_jpeg_import_as_one_photo_keeping_both_originals_byte_for_byte() {
    let t = TestLib::new();
    let inbox = t.inbox();
    let (jpg, raw) = canon_pair(&inbox, "IMG_0001", 3);
    let (summary, results) = t.import_plain(std::slice::from_ref(&inbox));
    assert_eq!(
        (
            summary.total,
            summary.imported,
            summary.paired,
            summary.failed
        ),
        (2, 1, 1, 0),
        "{results:#?}"
    );
    assert_eq!(summary.not_started, 0);
    assert_eq!(results.len(), 1, "{results:#?}");
    assert_eq!(results[0].path, jpg);
    assert_eq!(results[0].paired.as_deref(), Some("IMG_0001.CR2"));
    let Outcome::Imported { id, .. } = results[0].outcome else {
        panic!("{results:#?}")
    };
    assert_eq!(only_photo(&t), id);

    // Both originals, byte for byte, under their own hashes; the photo shows the JPEG.
    let mut cat = t.library.catalogue().unwrap();
    let photo = cat.photo(id).unwrap();
    assert_eq!(photo.format, PhotoFormat::Jpeg);
    assert_eq!(photo.original_name, "IMG_0001.JPG");
    let companions = cat.companions(id).unwrap();
    assert_eq!(companions.len(), 1);
    let raw_bytes = std::fs::read(&raw).unwrap();
    assert_eq!(companions[0].hash, ContentHash::of(&raw_bytes));
    assert_eq!(companions[0].format, PhotoFormat::Cr2);
    assert_eq!(companions[0].file_size, raw_bytes.len() as u64);
    assert_eq!(
        std::fs::read(
            t.library
                .original_path(&companions[0].hash, PhotoFormat::Cr2)
        )
        .unwrap(),
        raw_bytes
    );
    assert_eq!(
        std::fs::read(t.library.original_path(&photo.hash, PhotoFormat::Jpeg)).unwrap(),
        std::fs::read(&jpg).unwrap()
    );
    assert_eq!(t.originals().len(), 2);
    let details = cat.photo_details(id).unwrap();
    assert_eq!(
        details.originals_text().as_deref(),
        Some("IMG_0001.JPG (shown), IMG_0001.CR2")
    );
    assert_eq!(cat.stored_originals().unwrap().len(), 2);
    drop(cat);
    let report = verify(&t.library, VerifyOptions::default(), &|_, _| {}).unwrap();
    assert!(report.is_clean(), "{:#?}", report.problems);
    assert_eq!(report.photos, 1);

    // The pair again is a duplicate, still with its RAW; nothing new is stored.
    let (again, results) = t.import_plain(std::slice::from_ref(&inbox));
    assert_eq!(
        (again.imported, again.duplicates, again.paired, again.failed),
        (0, 1, 1, 0),
        "{results:#?}"
    );
    assert!(matches!(
        results[0].outcome,
        Outcome::Duplicate { existing: Some(d) } if d == id
    ));
    assert_eq!(t.originals().len(), 2);
    // The RAW on its own is a duplicate of the photo it belongs to.
    let (alone, results) = t.import_plain(&[raw]);
    assert_eq!(alone.duplicates, 1, "{results:#?}");
    assert!(matches!(
        results[0].outcome,
        Outcome::Duplicate { existing: Some(d) } if d == id
    ));
    t.assert_clean();
}

#[test]
fn files_of_one_name_but_another_second_or_camera_stay_two_photos() {
    let t = TestLib::new();
    let inbox = t.inbox();
    // One second later: not the same shot. The CR2 alone is then refused as before (ExifTool's
    // sample has no usable preview), named, and the JPEG is a photo of its own.
    let late = write(
        &inbox,
        "IMG_0002.jpg",
        &camera_jpeg(4, "2005:08:03 18:59:19", CR2_MAKE, CR2_MODEL),
    );
    let late_raw = write(&inbox, "IMG_0002.cr2", &bytes("raw/CanonRaw.cr2"));
    // Same time, another camera.
    let other = write(
        &inbox,
        "DSC_0003.JPG",
        &camera_jpeg(5, "2004:06:09 16:02:35", "Canon", "Canon EOS 20D"),
    );
    let other_raw = write(&inbox, "DSC_0003.NEF", &bytes("raw/Nikon.nef"));
    let (summary, results) = t.import_plain(std::slice::from_ref(&inbox));
    assert_eq!(
        (
            summary.total,
            summary.imported,
            summary.paired,
            summary.failed
        ),
        (4, 2, 0, 2),
        "{results:#?}"
    );
    let by_path = |p: &Path| results.iter().find(|r| r.path == p).expect("a result");
    for jpg in [&late, &other] {
        assert!(matches!(by_path(jpg).outcome, Outcome::Imported { .. }));
        assert_eq!(by_path(jpg).paired, None);
    }
    for raw in [&late_raw, &other_raw] {
        let text = error_text(by_path(raw));
        assert!(text.contains("preview"), "{text}");
    }
    let mut cat = t.library.catalogue().unwrap();
    assert!(cat.all_companions().unwrap().is_empty());
    t.assert_clean();
}

#[test]
fn a_nikon_pair_pairs_and_a_raw_joins_its_jpeg_imported_before() {
    let t = TestLib::new();
    let inbox = t.inbox();
    let jpg = write(
        &inbox,
        "dsc_0001.jpg",
        &camera_jpeg(6, "2004:06:09 16:02:35", "NIKON CORPORATION", "NIKON D70"),
    );
    // The JPEG first, alone (a card read by a phone app, say).
    let (first, _) = t.import_plain(std::slice::from_ref(&jpg));
    assert_eq!(first.imported, 1);
    let id = only_photo(&t);
    let raw = write(&inbox, "DSC_0001.NEF", &bytes("raw/Nikon.nef"));
    let (summary, results) = t.import_plain(std::slice::from_ref(&inbox));
    assert_eq!(
        (summary.duplicates, summary.paired, summary.failed),
        (1, 1, 0),
        "{results:#?}"
    );
    assert_eq!(results[0].paired.as_deref(), Some("DSC_0001.NEF"));
    let companions = t.library.catalogue().unwrap().companions(id).unwrap();
    assert_eq!(companions.len(), 1);
    assert_eq!(
        std::fs::read(
            t.library
                .original_path(&companions[0].hash, PhotoFormat::Nef)
        )
        .unwrap(),
        std::fs::read(&raw).unwrap()
    );
    t.assert_clean();
}

#[test]
fn verify_names_a_damaged_or_missing_raw_and_an_unknown_one() {
    let t = TestLib::new();
    let inbox = t.inbox();
    canon_pair(&inbox, "IMG_0001", 7);
    t.import_plain(std::slice::from_ref(&inbox));
    let id = only_photo(&t);
    let companion = t.library.catalogue().unwrap().companions(id).unwrap()[0].clone();
    let stored = t.library.original_path(&companion.hash, PhotoFormat::Cr2);
    let mut damaged = std::fs::read(&stored).unwrap();
    let last = damaged.len() - 1;
    damaged[last] ^= 0xFF;
    std::fs::write(&stored, &damaged).unwrap();
    let report = verify(&t.library, VerifyOptions::default(), &|_, _| {}).unwrap();
    assert_eq!(report.problems.len(), 1, "{:#?}", report.problems);
    assert_eq!(report.problems[0].photo, Some(id));
    assert_eq!(report.problems[0].path, stored);
    assert!(
        report.problems[0].what.starts_with("original is damaged"),
        "{:?}",
        report.problems[0]
    );
    // Gone: named too. (A companion has no previews: none are asked for.)
    std::fs::remove_file(&stored).unwrap();
    let report = verify(&t.library, VerifyOptions::default(), &|_, _| {}).unwrap();
    assert_eq!(report.problems.len(), 1, "{:#?}", report.problems);
    assert!(report.problems[0].what.contains("cannot be read"));
    // Put back, it is the photo's again (not an original without a row).
    std::fs::write(&stored, bytes("raw/CanonRaw.cr2")).unwrap();
    t.assert_clean();
}

#[test]
fn emptying_the_trash_removes_the_raw_with_its_photo() {
    let t = TestLib::new();
    let inbox = t.inbox();
    canon_pair(&inbox, "IMG_0001", 8);
    let keep = write(&inbox, "keep.jpg", &jpeg(9));
    t.import_plain(&[inbox.join("IMG_0001.JPG"), inbox.join("IMG_0001.CR2"), keep]);
    let mut cat = t.library.catalogue().unwrap();
    let listed = cat.list_photos(None).unwrap();
    let paired = listed
        .iter()
        .find(|l| l.photo.original_name == "IMG_0001.JPG")
        .unwrap()
        .photo
        .id;
    assert_eq!(t.originals().len(), 3);
    cat.trash(&[paired]).unwrap();
    // In the trash the RAW stays, and verify still counts it as the photo's.
    assert_eq!(t.originals().len(), 3);
    t.assert_clean();
    assert_eq!(t.library.empty_trash().unwrap(), 1);
    assert_eq!(t.originals().len(), 1, "{:?}", t.originals());
    assert!(cat.stored_originals().unwrap().iter().all(|o| o.shown));
    assert!(cat.pending_purges().unwrap().is_empty());
    t.assert_clean();
}

fn cli_ok(cwd: &Path, lib: &Path, args: &[&str]) -> String {
    let out = skinlapse(cwd, lib, args);
    assert!(
        out.status.success(),
        "{args:?}: {}{}",
        stdout(&out),
        stderr(&out)
    );
    stdout(&out)
}

#[test]
fn the_cli_says_paired_lists_the_raw_and_backup_and_restore_keep_it() {
    let dir = tempfile::tempdir().unwrap();
    let inbox = dir.path().join("inbox");
    std::fs::create_dir_all(&inbox).unwrap();
    let (_, raw) = canon_pair(&inbox, "IMG_0001", 10);
    let lib = dir.path().join("lib");
    skinlapse::testing::make_library(&lib);
    let out = cli_ok(dir.path(), &lib, &["import", inbox.to_str().unwrap()]);
    assert!(out.contains("imported "), "{out}");
    assert!(out.contains("\n  paired with IMG_0001.CR2\n"), "{out}");
    assert!(
        out.contains(
            "2 files: 1 imported, 0 duplicates, 0 failed (1 camera RAW kept with its photo)"
        ),
        "{out}"
    );
    let listed = cli_ok(dir.path(), &lib, &["list", "--json"]);
    let json: serde_json::Value = serde_json::from_str(listed.trim()).unwrap();
    assert_eq!(json["original_name"], "IMG_0001.JPG");
    assert_eq!(json["companions"][0]["original_name"], "IMG_0001.CR2");
    assert_eq!(json["companions"][0]["format"], "Canon CR2");
    let raw_bytes = std::fs::read(&raw).unwrap();
    assert_eq!(
        json["companions"][0]["hash"],
        ContentHash::of(&raw_bytes).as_str()
    );
    assert!(cli_ok(dir.path(), &lib, &["list"]).contains("IMG_0001.JPG + IMG_0001.CR2"));

    if skinlapse::testing::sqlite_only(
        "backing up and restoring a personal library (a clinic's catalogue is its server's to back up, with pg_dump)",
    ) {
        return;
    }
    let backup = dir.path().join("lib.tar");
    cli_ok(
        dir.path(),
        &lib,
        &["backup", "--to", backup.to_str().unwrap()],
    );
    let restored = dir.path().join("restored");
    let out = cli_ok(
        dir.path(),
        &restored,
        &["restore", backup.to_str().unwrap()],
    );
    assert!(out.contains("0 problems"), "{out}");
    assert_eq!(cli_ok(dir.path(), &restored, &["list", "--json"]), listed);
    let library = Library::open(&restored).unwrap();
    assert_eq!(
        std::fs::read(library.original_path(&ContentHash::of(&raw_bytes), PhotoFormat::Cr2))
            .unwrap(),
        raw_bytes
    );
    assert_verify_clean(&library);
}

#[test]
fn the_app_says_paired_and_the_inspector_names_both_originals() {
    use crate::app::{click_photo, grid_ids, harness, send, settle};
    use egui_kittest::kittest::Queryable;
    use skinlapse::app::ImportCommand;
    let dir = tempfile::tempdir().unwrap();
    let inbox = dir.path().join("inbox");
    std::fs::create_dir_all(&inbox).unwrap();
    canon_pair(&inbox, "IMG_0001", 11);
    // A file that fails keeps the import's window open with its list of results.
    write(&inbox, "broken.jpg", b"not a photo");
    let mut h = harness(&dir.path().join("lib"));
    // Through the import form, as the file picker opens it.
    send(&mut h, ImportCommand::Prepare(vec![inbox]));
    // The dialog shows the pair as one photo, the RAW named on the JPEG's cell.
    let plan = h
        .state()
        .state
        .import
        .plan
        .as_ref()
        .expect("the form's photos");
    let names: Vec<String> = plan
        .photos
        .iter()
        .map(skinlapse::app::import_plan::PlannedPhoto::name)
        .collect();
    assert_eq!(names, ["IMG_0001.JPG", "broken.jpg"], "{names:?}");
    assert!(
        h.query_by_label_contains("+ IMG_0001.CR2 (RAW)").is_some(),
        "the JPEG's cell names its RAW"
    );
    let person = h.get_by_role_and_label(egui::accesskit::Role::TextInput, "Person");
    person.focus();
    person.type_text("Me");
    h.run_steps(2);
    h.get_by_label("Start import").click();
    settle(&mut h);
    let progress = h
        .state()
        .state
        .import
        .job
        .as_ref()
        .expect("import window")
        .snapshot();
    let summary = progress.summary.expect("finished");
    assert_eq!((summary.imported, summary.paired), (1, 1));
    assert!(
        h.query_by_label("1 imported · 1 camera RAW kept with its photo · 0 duplicates · 1 failed")
            .is_some(),
        "the summary counts the RAW"
    );
    assert!(
        h.query_by_label_contains("imported: IMG_0001.JPG: paired with IMG_0001.CR2")
            .is_some(),
        "the import's result names the RAW kept with the photo"
    );
    let ids = grid_ids(&h);
    assert_eq!(ids.len(), 1, "one photo for the pair");
    if let Some(close) = h.query_by_label("Close") {
        close.click();
        settle(&mut h);
    }
    click_photo(&mut h, ids[0], egui::Modifiers::NONE);
    assert!(h.query_by_label("Originals").is_some());
    assert!(
        h.query_by_label("IMG_0001.JPG (shown), IMG_0001.CR2")
            .is_some(),
        "the inspector names both originals"
    );
}

#[test]
fn encrypting_and_decrypting_a_library_seal_and_restore_the_raw_too() {
    if skinlapse::testing::sqlite_only(
        "a personal library's encryption at rest (its passphrase, sealed originals)",
    ) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let inbox = dir.path().join("inbox");
    std::fs::create_dir_all(&inbox).unwrap();
    let (_, raw) = canon_pair(&inbox, "IMG_0001", 12);
    let raw_bytes = std::fs::read(&raw).unwrap();
    let lib = dir.path().join("lib");
    cli_ok(dir.path(), &lib, &["import", inbox.to_str().unwrap()]);
    let stored = Library::open(&lib)
        .unwrap()
        .original_path(&ContentHash::of(&raw_bytes), PhotoFormat::Cr2);
    let with_passphrase = |args: &[&str]| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_skinlapse"))
            .env_remove("SKINLAPSE_FAILPOINT")
            .env("SKINLAPSE_PASSPHRASE", "correct horse battery")
            .arg("--library")
            .arg(&lib)
            .args(args)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{args:?}: {}{}",
            stdout(&out),
            stderr(&out)
        );
        stdout(&out)
    };
    with_passphrase(&["encrypt"]);
    let sealed = std::fs::read(&stored).unwrap();
    assert_ne!(sealed, raw_bytes);
    assert!(
        !sealed.windows(22).any(|w| w == b"Canon EOS 350D DIGITAL"),
        "the RAW's camera name is readable in the encrypted library"
    );
    // verify opens each original: the RAW decrypts to its hash and is not stored plain.
    assert!(with_passphrase(&["verify"]).contains("0 problems"));
    with_passphrase(&["decrypt"]);
    assert_eq!(std::fs::read(&stored).unwrap(), raw_bytes);
    assert!(cli_ok(dir.path(), &lib, &["verify"]).contains("0 problems"));
}

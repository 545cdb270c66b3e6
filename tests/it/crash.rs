//! Crash injection: the real binary is killed (abort) at each step of an import. Afterwards
//! the library opens, `verify` is clean, every photo reported imported is there, and a
//! second import brings in the rest.

use crate::support::*;
use skinlapse::jobs::failpoint::{ENV, IMPORT_STEPS, PAIR_STEPS};

fn crash_at(step: &str, nth: u32) {
    let dir = tempfile::tempdir().unwrap();
    let inbox = dir.path().join("inbox");
    std::fs::create_dir_all(&inbox).unwrap();
    for i in 0..3 {
        write(&inbox, &format!("{i}.jpg"), &jpeg(500 + i));
    }
    let lib = dir.path().join("lib");
    make_library(&lib);
    let out = command(&lib)
        .current_dir(dir.path())
        .env(ENV, format!("{step}:{nth}"))
        .args(["import", "--workers", "1"])
        .args(["--person", "Crash Test", "--area", "chin"])
        .arg(&inbox)
        .output()
        .unwrap();
    assert!(
        !out.status.success(),
        "{step}:{nth} should have crashed: {}",
        stdout(&out)
    );
    assert!(
        stderr(&out).contains(&format!("failpoint {step}")),
        "{}",
        stderr(&out)
    );
    let reported: Vec<String> = stdout(&out)
        .lines()
        .filter_map(|l| l.strip_prefix("imported "))
        .map(str::to_owned)
        .collect();
    // The main thread may not have printed the last finished file before the worker died.
    assert!((reported.len() as u32) < nth, "{step}:{nth}: {reported:?}");

    // Reopening recovers; verify is clean; reported photos are all there.
    let library = open(&lib);
    assert_verify_clean(&library);
    let listed = library.catalogue().unwrap().list_photos(None).unwrap();
    for path in &reported {
        let name = std::path::Path::new(path)
            .file_name()
            .unwrap()
            .to_str()
            .unwrap();
        assert!(
            listed.iter().any(|l| l.photo.original_name == name),
            "{step}:{nth}: {name} lost"
        );
    }
    // A crash after commit keeps that photo; before commit it is rolled back whole.
    let committed = if step == "committed" { nth } else { nth - 1 };
    assert_eq!(listed.len() as u32, committed, "{step}:{nth}");
    assert_eq!(files_below(&lib.join("originals")).len() as u32, committed);
    drop(library);

    // Importing again completes the set.
    let again = skinlapse(
        dir.path(),
        &lib,
        &["import", "--person", "Crash Test", inbox.to_str().unwrap()],
    );
    assert!(again.status.success(), "{}", stdout(&again));
    let verify = skinlapse(dir.path(), &lib, &["verify"]);
    assert!(verify.status.success(), "{}", stdout(&verify));
    let json = skinlapse(dir.path(), &lib, &["list", "--json"]);
    assert_eq!(stdout(&json).lines().count(), 3);
}

#[test]
fn crash_at_every_step_of_the_first_file() {
    for step in IMPORT_STEPS {
        crash_at(step, 1);
    }
}

#[test]
fn crash_at_every_step_of_a_later_file() {
    for step in IMPORT_STEPS {
        crash_at(step, 2);
    }
}

/// A RAW+JPEG pair killed at `step`: afterwards the library holds the photo with both
/// originals (killed after the commit) or nothing of it, verify is clean, and importing
/// again brings the pair in whole.
fn crash_in_a_pair_at(step: &str) {
    let dir = tempfile::tempdir().unwrap();
    let inbox = dir.path().join("inbox");
    std::fs::create_dir_all(&inbox).unwrap();
    let jpeg = skinlapse::imaging::synth::jpeg_with_exif(
        &skin(96, 72, 77),
        90,
        Some(&skinlapse::imaging::synth::ExifSpec {
            date_time_original: Some("2004:06:09 16:02:35".into()),
            make: Some("NIKON CORPORATION".into()),
            model: Some("NIKON D70".into()),
            ..Default::default()
        }),
    );
    write(&inbox, "DSC_0001.JPG", &jpeg);
    write(
        &inbox,
        "DSC_0001.NEF",
        &crate::formats::bytes("raw/Nikon.nef"),
    );
    let lib = dir.path().join("lib");
    make_library(&lib);
    let out = command(&lib)
        .current_dir(dir.path())
        .env(ENV, format!("{step}:1"))
        .args(["import", "--workers", "1"])
        .arg(&inbox)
        .output()
        .unwrap();
    assert!(!out.status.success(), "{step} should have crashed");
    assert!(
        stderr(&out).contains(&format!("failpoint {step}")),
        "{step}: {}",
        stderr(&out)
    );
    let library = open(&lib);
    assert_verify_clean(&library);
    let committed = usize::from(step == "committed");
    let mut cat = library.catalogue().unwrap();
    assert_eq!(cat.list_photos(None).unwrap().len(), committed, "{step}");
    assert_eq!(cat.all_companions().unwrap().len(), committed, "{step}");
    assert_eq!(
        files_below(&lib.join("originals")).len(),
        2 * committed,
        "{step}"
    );
    drop((cat, library));
    let again = skinlapse(dir.path(), &lib, &["import", inbox.to_str().unwrap()]);
    assert!(again.status.success(), "{step}: {}", stdout(&again));
    let library = open(&lib);
    assert_verify_clean(&library);
    assert_eq!(
        library.catalogue().unwrap().all_companions().unwrap().len(),
        1
    );
    assert_eq!(files_below(&lib.join("originals")).len(), 2, "{step}");
}

#[test]
fn crash_at_every_step_of_a_raw_and_jpeg_pair() {
    for step in PAIR_STEPS.iter().chain(IMPORT_STEPS) {
        crash_in_a_pair_at(step);
    }
}

#[test]
fn a_live_importer_is_not_mistaken_for_a_dead_one() {
    // While one process holds the library, another opening it must not roll back the first
    // one's claims.
    let t = TestLib::new();
    let hash = skinlapse::model::ContentHash::of(b"in flight");
    let mut cat = t.library.catalogue().unwrap();
    cat.claim_import(&hash, t.library.owner(), "jpg").unwrap();
    t.library
        .write_atomic(
            &t.library
                .original_path(&hash, skinlapse::model::PhotoFormat::Jpeg),
            b"in flight",
        )
        .unwrap();
    let second = open(&t.root());
    assert_eq!(second.recover().unwrap().rolled_back.len(), 0);
    assert_eq!(cat.claims_of(t.library.owner()).unwrap().len(), 1);
    assert_eq!(t.originals().len(), 1);
}

#[test]
fn an_interrupted_empty_trash_is_finished_on_the_next_open() {
    let t = TestLib::new();
    let inbox = t.inbox();
    let (keep, gone) = (jpeg(61), jpeg(62));
    let (_, results) = t.import_plain(&[
        write(&inbox, "keep.jpg", &keep),
        write(&inbox, "gone.jpg", &gone),
    ]);
    let id = results
        .iter()
        .find(|r| r.path.ends_with("gone.jpg"))
        .and_then(|r| {
            if let skinlapse::jobs::Outcome::Imported { id, .. } = r.outcome {
                Some(id)
            } else {
                None
            }
        })
        .unwrap();
    let mut cat = t.library.catalogue().unwrap();
    cat.trash(&[id]).unwrap();
    // The first half of emptying the trash commits, then the process dies before the files go.
    let (photos, files) = cat.begin_purge().unwrap();
    assert_eq!((photos, files.len()), (1, 1));
    let hash = skinlapse::model::ContentHash::of(&gone);
    let original = t
        .library
        .original_path(&hash, skinlapse::model::PhotoFormat::Jpeg);
    assert!(original.exists());
    t.assert_clean(); // mid-purge files are not reported as strays

    let reopened = open(&t.root());
    assert!(!original.exists(), "recovery finished the purge");
    assert!(!reopened.thumbnail_path(&hash).exists());
    assert!(
        reopened
            .catalogue()
            .unwrap()
            .pending_purges()
            .unwrap()
            .is_empty()
    );
    assert_eq!(reopened.catalogue().unwrap().counts().unwrap().1, 1);
    assert_eq!(t.originals().len(), 1);
    t.assert_clean();
}

/// kill -9 while an export is written would leave a hidden `.part` file — a whole patient
/// image — in the user's folder; the next use of the library removes it.
#[test]
fn a_crash_while_exporting_leaves_nothing_in_the_export_folder_after_the_next_open() {
    let dir = tempfile::tempdir().unwrap();
    let inbox = dir.path().join("inbox");
    std::fs::create_dir_all(&inbox).unwrap();
    write(&inbox, "a.jpg", &jpeg(71));
    write(&inbox, "b.jpg", &jpeg(72));
    let lib = dir.path().join("lib");
    make_library(&lib);
    assert!(
        skinlapse(dir.path(), &lib, &["import", inbox.to_str().unwrap()])
            .status
            .success()
    );
    let out_dir = dir.path().join("exports");
    std::fs::create_dir_all(&out_dir).unwrap();
    // The next use may only read (list) or also write (series add).
    for reopen in [
        &["list"][..],
        &["series", "add", "--person", "P", "--title", "T"],
    ] {
        let out_file = out_dir.join("pair.png");
        let crashed = command(&lib)
            .env(ENV, "export_written")
            .args([
                "export", "compare", "--before", "1", "--after", "2", "--width", "400",
            ])
            .arg("--out")
            .arg(&out_file)
            .output()
            .unwrap();
        assert!(
            stderr(&crashed).contains("failpoint export_written"),
            "{}",
            stderr(&crashed)
        );
        let left: Vec<_> = std::fs::read_dir(&out_dir).unwrap().flatten().collect();
        assert_eq!(left.len(), 1, "the crash left its hidden temporary file");
        assert!(left[0].file_name().to_string_lossy().ends_with(".part"));
        let next = skinlapse(dir.path(), &lib, reopen);
        assert!(next.status.success(), "{}", stderr(&next));
        let left: Vec<_> = std::fs::read_dir(&out_dir).unwrap().flatten().collect();
        assert!(left.is_empty(), "{left:?}");
    }
}

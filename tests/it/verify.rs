//! `verify` finds each kind of damage, and `--repair-cache` mends what is regenerable.

use crate::support::*;
use skinlapse::jobs::{VerifyOptions, verify};
use skinlapse::model::ContentHash;

fn library_with_two_photos() -> (TestLib, ContentHash, ContentHash) {
    let t = TestLib::new();
    let inbox = t.inbox();
    let (a, b) = (jpeg(1), jpeg(2));
    t.import_plain(&[write(&inbox, "a.jpg", &a), write(&inbox, "b.jpg", &b)]);
    (t, ContentHash::of(&a), ContentHash::of(&b))
}

fn problems(t: &TestLib) -> Vec<String> {
    let report = verify(&t.library, VerifyOptions::default(), &|_, _| {}).unwrap();
    report.problems.iter().map(ToString::to_string).collect()
}

#[test]
fn damaged_and_missing_originals_are_named() {
    let (t, a, b) = library_with_two_photos();
    let pa = t
        .library
        .original_path(&a, skinlapse::model::PhotoFormat::Jpeg);
    let mut bytes = std::fs::read(&pa).unwrap();
    bytes[100] ^= 0x40;
    std::fs::write(&pa, bytes).unwrap();
    std::fs::remove_file(
        t.library
            .original_path(&b, skinlapse::model::PhotoFormat::Jpeg),
    )
    .unwrap();
    let found = problems(&t);
    assert_eq!(found.len(), 2, "{found:#?}");
    let about = |hash: &ContentHash| {
        found
            .iter()
            .find(|p| p.contains(&format!("{hash}.jpg")))
            .unwrap()
    };
    assert!(
        about(&a).contains(": original is damaged: its content hash is now"),
        "{found:#?}"
    );
    assert!(
        about(&b).contains(": original cannot be read"),
        "{found:#?}"
    );
    assert!(
        found.iter().all(|p| p.starts_with("photo ")),
        "names the photo: {found:#?}"
    );
}

#[test]
fn stray_originals_are_reported() {
    let (t, _, _) = library_with_two_photos();
    let stray = ContentHash::of(b"stray");
    let path = t
        .root()
        .join("originals")
        .join(stray.shard())
        .join(format!("{stray}.jpg"));
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, b"stray").unwrap();
    std::fs::write(t.root().join("originals/README.txt"), b"?").unwrap();
    let found = problems(&t);
    assert_eq!(found.len(), 2, "{found:#?}");
    assert!(
        found
            .iter()
            .all(|p| p.starts_with("original without a photo row")),
        "{found:#?}"
    );
}

#[test]
fn missing_caches_are_reported_and_repaired() {
    let (t, a, b) = library_with_two_photos();
    let thumb = t.library.thumbnail_path(&a);
    let original_thumb = std::fs::read(&thumb).unwrap();
    std::fs::remove_file(&thumb).unwrap();
    std::fs::write(t.library.preview_path(&b), b"not a jpeg").unwrap();
    let orphan = t.library.thumbnail_path(&ContentHash::of(b"gone"));
    std::fs::create_dir_all(orphan.parent().unwrap()).unwrap();
    std::fs::write(&orphan, b"x").unwrap();
    let found = problems(&t);
    assert_eq!(found.len(), 3, "{found:#?}");
    let report = verify(&t.library, VerifyOptions { repair_cache: true }, &|_, _| {}).unwrap();
    assert!(report.is_clean(), "{:#?}", report.problems);
    assert_eq!(report.repaired.len(), 3);
    assert_eq!(
        std::fs::read(&thumb).unwrap(),
        original_thumb,
        "rebuilt identically"
    );
    assert!(!orphan.exists());
    t.assert_clean();
}

/// An import claims a photo and writes its caches while `verify --repair-cache` runs: those
/// caches are not orphans and must survive.
#[test]
fn repairing_never_deletes_the_caches_of_a_photo_being_imported() {
    let (t, _, _) = library_with_two_photos();
    let arriving = jpeg(77);
    let hash = ContentHash::of(&arriving);
    let once = std::sync::Once::new();
    // The claim lands after verify started (while it checks the first photos).
    let claim_midway = |_: usize, _: usize| {
        once.call_once(|| {
            let mut cat = t.library.catalogue().unwrap();
            let claim = cat.claim_import(&hash, t.library.owner(), "jpg").unwrap();
            assert_eq!(claim, skinlapse::catalogue::Claim::Claimed);
            t.library
                .write_atomic(&t.library.preview_path(&hash), &arriving)
                .unwrap();
            t.library
                .write_atomic(&t.library.thumbnail_path(&hash), &arriving)
                .unwrap();
        });
    };
    let report = verify(
        &t.library,
        VerifyOptions { repair_cache: true },
        &claim_midway,
    )
    .unwrap();
    assert!(once.is_completed());
    assert!(report.is_clean(), "{:#?}", report.problems);
    assert!(report.repaired.is_empty(), "{:#?}", report.repaired);
    assert!(t.library.preview_path(&hash).exists());
    assert!(t.library.thumbnail_path(&hash).exists());
}

//! Bad input: every kind named in the design gets a clear error naming the file and the
//! reason, the batch goes on, and nothing half-imported remains.

use crate::support::*;
use skinlapse::imaging::{decode, read_metadata, sniff};
use skinlapse::jobs::Outcome;
use skinlapse::model::PhotoFormat;

/// A JPEG whose frame header claims `width`×`height` pixels.
fn jpeg_claiming(width: u16, height: u16) -> Vec<u8> {
    let mut bytes = jpeg(77);
    let sof = bytes
        .windows(2)
        .position(|w| w == [0xFF, 0xC0])
        .expect("baseline JPEG has SOF0");
    bytes[sof + 5..sof + 7].copy_from_slice(&height.to_be_bytes());
    bytes[sof + 7..sof + 9].copy_from_slice(&width.to_be_bytes());
    bytes
}

#[test]
fn each_kind_of_bad_file_fails_cleanly_and_the_batch_goes_on() {
    let t = TestLib::new();
    let inbox = t.inbox();
    let good = jpeg(1);
    let mut truncated_jpeg = jpeg(2);
    truncated_jpeg.truncate(truncated_jpeg.len() * 2 / 3);
    let mut truncated_png = encoded(3, PhotoFormat::Png);
    truncated_png.truncate(truncated_png.len() / 2);
    let mut corrupt = jpeg(4);
    let mid = corrupt.len() / 2;
    for b in &mut corrupt[40..mid] {
        *b = 0xFF;
    }
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("empty.jpg", vec![], "the file is empty"),
        ("truncated.jpg", truncated_jpeg, "truncated JPEG"),
        ("truncated.png", truncated_png, "PNG"),
        ("corrupt.jpg", corrupt, "JPEG"),
        (
            "text.jpg",
            b"just some notes, not a photo".to_vec(),
            "not an image",
        ),
        (
            "phone.heic",
            b"\0\0\0\x18ftypheic\0\0\0\0mif1heic".to_vec(),
            "HEIF",
        ),
        (
            "anim.gif",
            b"GIF89a\x01\0\x01\0\0\0\0;".to_vec(),
            "unsupported format GIF",
        ),
        ("bomb.jpg", jpeg_claiming(65_000, 65_000), "65000×65000"),
        (
            "wide-bomb.jpg",
            jpeg_claiming(30_000, 30_000),
            "30000×30000",
        ),
    ];
    let mut paths = vec![write(&inbox, "good.jpg", &good)];
    for (name, bytes, _) in &cases {
        paths.push(write(&inbox, name, bytes));
    }
    let (summary, results) = t.import_plain(&paths);
    assert_eq!(summary.imported, 1, "{results:#?}");
    assert_eq!(summary.failed, cases.len());
    for (result, (name, _, reason)) in results[1..].iter().zip(&cases) {
        assert!(result.path.ends_with(name));
        let text = error_text(result);
        assert!(
            text.contains(reason),
            "{name}: expected {reason:?} in {text:?}"
        );
    }
    // Nothing of the failed files remains: one original, no claims, no temp files.
    assert_eq!(t.originals().len(), 1);
    assert!(
        t.library
            .catalogue()
            .unwrap()
            .claim_owners()
            .unwrap()
            .is_empty()
    );
    let tmp_files: Vec<_> = files_below(&t.root().join("tmp"))
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "part"))
        .collect();
    assert!(tmp_files.is_empty(), "{tmp_files:?}");
    t.assert_clean();
}

#[test]
fn a_good_photo_with_the_wrong_extension_is_imported_under_its_real_format() {
    let t = TestLib::new();
    let png = encoded(5, PhotoFormat::Png);
    let (summary, results) = t.import_plain(&[write(&t.inbox(), "really-a-png.jpg", &png)]);
    assert_eq!(summary.imported, 1);
    let Outcome::Imported { warnings, .. } = &results[0].outcome else {
        panic!()
    };
    assert!(
        warnings[0].contains("named .jpg but the content is PNG"),
        "{warnings:?}"
    );
    let originals = t.originals();
    assert!(
        originals[0].extension().is_some_and(|e| e == "png"),
        "{originals:?}"
    );
}

#[test]
fn missing_paths_and_folders_with_other_files_are_reported() {
    let t = TestLib::new();
    let inbox = t.inbox();
    write(&inbox, "notes.txt", b"hello");
    write(&inbox, ".hidden.jpg", &jpeg(1));
    std::fs::create_dir_all(inbox.join("sub/deeper")).unwrap();
    write(&inbox.join("sub/deeper"), "IMG_1.JPG", &jpeg(2));
    let missing = inbox.join("no-such-file.jpg");
    let (summary, results) = t.import_plain(&[inbox.clone(), missing]);
    assert_eq!(
        (summary.imported, summary.failed, summary.skipped),
        (1, 1, 1),
        "{results:#?}"
    );
    let failed = results
        .iter()
        .find(|r| matches!(r.outcome, Outcome::Failed(_)))
        .unwrap();
    assert!(failed.path.ends_with("no-such-file.jpg"));
    assert!(error_text(failed).contains("cannot read"));
}

/// A small deterministic generator (xorshift64*), so failures reproduce.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

fn mutate(rng: &mut Rng, valid: &[u8]) -> Vec<u8> {
    let mut bytes = valid.to_vec();
    match rng.below(3) {
        0 => bytes.truncate(rng.below(bytes.len())),
        1 => {
            for _ in 0..=rng.below(8) {
                let i = rng.below(bytes.len());
                bytes[i] ^= 1 << rng.below(8);
            }
        }
        _ => {
            let i = rng.below(bytes.len());
            bytes[i] = rng.next() as u8;
            bytes.truncate(i + rng.below(bytes.len() - i) + 1);
        }
    }
    bytes
}

#[test]
#[allow(clippy::match_wild_err_arm)] // the panic payload says nothing useful; the case does
fn randomized_truncations_and_flips_never_panic() {
    let mut rng = Rng(0x5EED_1234_ABCD_0001);
    for format in [PhotoFormat::Jpeg, PhotoFormat::Png, PhotoFormat::Webp] {
        let valid = encoded(11, format);
        for case in 0..400 {
            let bytes = mutate(&mut rng, &valid);
            let outcome = std::panic::catch_unwind(|| {
                let _ = read_metadata(&bytes);
                match sniff(&bytes) {
                    Ok(f) => decode(&bytes, f).map(|_| ()).map_err(|e| e.to_string()),
                    Err(e) => Err(e.to_string()),
                }
            });
            match outcome {
                Ok(Ok(())) => {}
                Ok(Err(message)) => assert!(!message.is_empty()),
                Err(_) => panic!("{format:?} case {case} panicked ({} bytes)", bytes.len()),
            }
        }
    }
}

#[test]
fn randomized_damage_through_the_whole_pipeline_leaves_no_debris() {
    let t = TestLib::new();
    let inbox = t.inbox();
    let mut rng = Rng(0xFACE_FEED_0000_0042);
    let mut paths = Vec::new();
    for (i, format) in [PhotoFormat::Jpeg, PhotoFormat::Png, PhotoFormat::Webp]
        .into_iter()
        .cycle()
        .take(60)
        .enumerate()
    {
        let bytes = mutate(&mut rng, &encoded(i as u64, format));
        paths.push(write(
            &inbox,
            &format!("{i:02}.{}", format.extension()),
            &bytes,
        ));
    }
    let (summary, results) = t.import_plain(&paths);
    assert_eq!(summary.imported + summary.failed + summary.duplicates, 60);
    for r in &results {
        if let Outcome::Failed(e) = &r.outcome {
            assert!(!e.to_string().is_empty());
        }
    }
    assert_eq!(t.originals().len(), summary.imported);
    t.assert_clean();
}

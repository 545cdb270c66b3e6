//! The import pipeline through its public entry point.

use crate::support::*;
use skinlapse::catalogue::AssignmentSpec;
use skinlapse::imaging::synth::{ExifSpec, jpeg_with_exif};
use skinlapse::jobs::{ImportEvent, ImportRequest, Outcome, run_import};
use skinlapse::model::{ContentHash, Keyed, PhotoFormat, View, VocabKind};
use std::sync::atomic::{AtomicBool, Ordering};

#[test]
fn every_format_imports_byte_for_byte_with_previews() {
    let t = TestLib::new();
    let inbox = t.inbox();
    let mut paths = Vec::new();
    // HEIF, AVIF and RAW are covered with real files in `formats`.
    let raster = [
        PhotoFormat::Jpeg,
        PhotoFormat::Png,
        PhotoFormat::Webp,
        PhotoFormat::Tiff,
    ];
    for (i, format) in raster.into_iter().enumerate() {
        let name = format!("photo{i}.{}", format.extension());
        paths.push(write(&inbox, &name, &encoded(i as u64, format)));
    }
    let (summary, results) = t.import_plain(std::slice::from_ref(&inbox));
    assert_eq!(summary.imported, 4, "{results:#?}");
    let mut cat = t.library.catalogue().unwrap();
    for path in paths {
        let bytes = std::fs::read(&path).unwrap();
        let hash = ContentHash::of(&bytes);
        let photo = cat.photo_by_hash(&hash).unwrap().expect("imported");
        assert_eq!((photo.width, photo.height), (80, 60));
        assert_eq!(photo.file_size, bytes.len() as u64);
        let stored = std::fs::read(t.library.original_path(&hash, photo.format)).unwrap();
        assert_eq!(stored, bytes, "original must be stored unchanged");
        let thumb = image::open(t.library.thumbnail_path(&hash)).unwrap();
        assert_eq!((thumb.width(), thumb.height()), (80, 60));
        assert!(t.library.preview_path(&hash).exists());
    }
    t.assert_clean();
}

#[test]
fn previews_are_bounded_to_their_long_edge() {
    let t = TestLib::new();
    let big = jpeg_with_exif(&skin(3000, 2000, 5), 85, None);
    let path = write(&t.inbox(), "big.jpg", &big);
    let (summary, _) = t.import_plain(&[path]);
    assert_eq!(summary.imported, 1);
    let hash = ContentHash::of(&big);
    let preview = image::open(t.library.preview_path(&hash)).unwrap();
    assert_eq!((preview.width(), preview.height()), (2048, 1365));
    let thumb = image::open(t.library.thumbnail_path(&hash)).unwrap();
    assert_eq!((thumb.width(), thumb.height()), (256, 171));
}

#[test]
fn duplicates_are_reported_and_stored_once() {
    let t = TestLib::new();
    let inbox = t.inbox();
    let a = write(&inbox, "a.jpg", &jpeg(1));
    let copy = write(&inbox, "copy-of-a.jpg", &jpeg(1));
    let b = write(&inbox, "b.jpg", &jpeg(2));
    let (summary, _) = t.import_plain(&[a.clone(), copy, b]);
    assert_eq!((summary.imported, summary.duplicates), (2, 1));
    let (again, results) = t.import_plain(&[inbox]);
    assert_eq!((again.imported, again.duplicates, again.failed), (0, 3, 0));
    assert!(
        results
            .iter()
            .all(|r| matches!(r.outcome, Outcome::Duplicate { existing: Some(_) }))
    );
    assert_eq!(t.originals().len(), 2);
    t.assert_clean();
}

#[test]
fn tags_and_assignment_are_stored() {
    let t = TestLib::new();
    let path = write(&t.inbox(), "a.jpg", &jpeg(3));
    let spec = AssignmentSpec {
        person: Some("Dana".into()),
        series: Some("Microneedling 2025".into()),
        session: chrono::NaiveDate::from_ymd_opt(2025, 2, 14),
        areas: vec!["Left cheek".into(), "forehead".into()],
        concerns: vec!["acne scars".into()],
        view: Some(View::LeftOblique),
        lighting: None,
    };
    let (summary, results) = t.import(&[path], &spec);
    assert_eq!(summary.imported, 1);
    let Outcome::Imported { id, .. } = &results[0].outcome else {
        panic!()
    };
    let mut cat = t.library.catalogue().unwrap();
    let listing = cat.list_photos(None).unwrap();
    assert_eq!(listing.len(), 1);
    let l = &listing[0];
    assert_eq!(l.photo.id, *id);
    assert_eq!(l.person_name.as_deref(), Some("Dana"));
    assert_eq!(l.series_title.as_deref(), Some("Microneedling 2025"));
    assert_eq!(l.session_date.unwrap().to_string(), "2025-02-14");
    assert_eq!(l.areas, vec!["forehead", "left-cheek"]);
    assert_eq!(l.concerns, vec!["acne-scars"]);
    assert_eq!(l.photo.view.map(Keyed::key), Some("left-oblique"));
    assert_eq!(cat.photo_terms(*id, VocabKind::Area).unwrap().len(), 2);
}

/// Raw pixels carry a red mark at stored (0,0); after orientation `o` it must show at the
/// corner the EXIF spec puts it, and the stored size must be the upright size.
#[test]
fn all_eight_orientations_are_applied() {
    // (orientation, upright size is rotated, mark corner: (right?, bottom?))
    let expected = [
        (1, false, (false, false)),
        (2, false, (true, false)),
        (3, false, (true, true)),
        (4, false, (false, true)),
        (5, true, (false, false)),
        (6, true, (true, false)),
        (7, true, (true, true)),
        (8, true, (false, true)),
    ];
    let t = TestLib::new();
    let inbox = t.inbox();
    for (o, rotated, (right, bottom)) in expected {
        let mut raw = image::RgbImage::from_pixel(120, 60, image::Rgb([30, 30, 200]));
        for y in 0..20 {
            for x in 0..20 {
                raw.put_pixel(x, y, image::Rgb([250, 10, 10]));
            }
        }
        // A different pixel per file so none is a duplicate.
        raw.put_pixel(119, 59, image::Rgb([o as u8, 0, 0]));
        let exif = ExifSpec {
            orientation: Some(o),
            ..ExifSpec::default()
        };
        let bytes = jpeg_with_exif(&raw, 95, Some(&exif));
        let path = write(&inbox, &format!("o{o}.jpg"), &bytes);
        let (summary, results) = t.import_plain(&[path]);
        assert_eq!(summary.imported, 1, "{results:?}");
        let photo = t
            .library
            .catalogue()
            .unwrap()
            .photo_by_hash(&ContentHash::of(&bytes))
            .unwrap()
            .unwrap();
        let size = if rotated { (60, 120) } else { (120, 60) };
        assert_eq!((photo.width, photo.height), size, "orientation {o}");
        let thumb = image::open(t.library.thumbnail_path(&photo.hash))
            .unwrap()
            .into_rgb8();
        assert_eq!(thumb.dimensions(), size, "orientation {o}");
        let x = if right { size.0 - 5 } else { 4 };
        let y = if bottom { size.1 - 5 } else { 4 };
        let px = thumb.get_pixel(x, y).0;
        assert!(
            px[0] > 180 && px[2] < 80,
            "orientation {o}: mark expected at ({x},{y}), found {px:?}"
        );
    }
}

#[test]
fn out_of_range_orientation_means_as_stored() {
    let t = TestLib::new();
    let exif = ExifSpec {
        orientation: Some(9),
        ..ExifSpec::default()
    };
    let bytes = jpeg_with_exif(&skin(90, 30, 1), 90, Some(&exif));
    let (summary, _) = t.import_plain(&[write(&t.inbox(), "o9.jpg", &bytes)]);
    assert_eq!(summary.imported, 1);
    let photo = t
        .library
        .catalogue()
        .unwrap()
        .photo_by_hash(&ContentHash::of(&bytes))
        .unwrap()
        .unwrap();
    assert_eq!((photo.width, photo.height), (90, 30));
}

#[test]
fn capture_dates_come_from_exif_or_are_marked_estimated() {
    let t = TestLib::new();
    let inbox = t.inbox();
    let with_offset = ExifSpec {
        date_time_original: Some("2025:03:09 08:07:06".into()),
        offset_time_original: Some("-05:00".into()),
        date_time: Some("2025:04:01 00:00:00".into()),
        ..ExifSpec::default()
    };
    let only_datetime = ExifSpec {
        date_time: Some("2024:12:31 23:59:59".into()),
        ..ExifSpec::default()
    };
    let bad_date = ExifSpec {
        date_time_original: Some("0000:00:00 00:00:00".into()),
        ..ExifSpec::default()
    };
    let a = write(&inbox, "a.jpg", &jpeg_exif(1, &with_offset));
    let b = write(&inbox, "b.jpg", &jpeg_exif(2, &only_datetime));
    let c = write(&inbox, "c.jpg", &jpeg(3));
    let d = write(&inbox, "d.jpg", &jpeg_exif(4, &bad_date));
    let mtime = std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_700_000_000);
    for p in [&c, &d] {
        std::fs::File::options()
            .write(true)
            .open(p)
            .unwrap()
            .set_modified(mtime)
            .unwrap();
    }
    let (summary, results) = t.import_plain(&[a, b, c, d]);
    assert_eq!(summary.imported, 4);
    let mut cat = t.library.catalogue().unwrap();
    let mut taken = |i: usize| {
        let Outcome::Imported { id, .. } = &results[i].outcome else {
            panic!()
        };
        cat.photo(*id).unwrap().taken_at
    };
    let a = taken(0);
    assert_eq!(a.to_iso(), "2025-03-09T08:07:06-05:00");
    assert!(!a.estimated);
    let b = taken(1);
    assert_eq!(
        b.to_iso(),
        "2024-12-31T23:59:59",
        "no offset recorded, none invented"
    );
    // EXIF DateTime is when the file was changed: kept, but as an estimate labelled so.
    assert!(b.estimated);
    assert_eq!(b.source, skinlapse::model::TimeSource::ExifModified);
    assert_eq!(b.label(), "modified 2024-12-31 — capture time unknown");
    for i in [2, 3] {
        let t = taken(i);
        assert!(t.estimated);
        let instant = chrono::DateTime::parse_from_rfc3339(&t.to_iso()).unwrap();
        assert_eq!(
            instant.timestamp(),
            1_700_000_000,
            "file time, with this machine's offset"
        );
    }
    let Outcome::Imported { warnings, .. } = &results[3].outcome else {
        panic!()
    };
    assert!(
        warnings.iter().any(|w| w.contains("not a valid date")),
        "{warnings:?}"
    );
}

#[test]
fn corrupt_exif_on_a_valid_image_is_a_warning() {
    let t = TestLib::new();
    let mut out = Vec::new();
    let mut enc = jpeg_encoder::Encoder::new(&mut out, 90);
    enc.add_app_segment(1, b"Exif\0\0II*\0\xff\xff\xff\x7fgarbage-garbage".to_vec())
        .unwrap();
    let img = skin(40, 30, 9);
    enc.encode(img.as_raw(), 40, 30, jpeg_encoder::ColorType::Rgb)
        .unwrap();
    let (summary, results) = t.import_plain(&[write(&t.inbox(), "bad-exif.jpg", &out)]);
    assert_eq!(summary.imported, 1, "{results:?}");
    let Outcome::Imported { warnings, .. } = &results[0].outcome else {
        panic!()
    };
    assert!(warnings.iter().any(|w| w.contains("EXIF")), "{warnings:?}");
}

#[test]
fn cancel_stops_between_files_and_leaves_a_clean_library() {
    let t = TestLib::new();
    let inbox = t.inbox();
    for i in 0..30 {
        write(&inbox, &format!("{i:02}.jpg"), &jpeg(100 + i));
    }
    let cancel = AtomicBool::new(false);
    let request = ImportRequest {
        paths: vec![inbox],
        workers: 1,
        ..ImportRequest::default()
    };
    let mut seen = 0;
    let summary = run_import(&t.library, &request, &cancel, |e| {
        if let ImportEvent::File(_) = e {
            seen += 1;
            cancel.store(true, Ordering::Relaxed);
        }
    });
    assert!(summary.cancelled);
    assert!(summary.not_started > 0);
    assert_eq!(summary.imported, seen);
    assert_eq!(summary.imported + summary.not_started, 30);
    assert_eq!(t.originals().len(), summary.imported);
    assert_eq!(
        t.library.catalogue().unwrap().counts().unwrap().1,
        summary.imported
    );
    t.assert_clean();
}

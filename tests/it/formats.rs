//! Every photo a user has (issue 10): real phone HEIC, compact HEIF, AVIF with its own
//! rotation and mirroring, camera RAW through its embedded preview, colour profiles,
//! forgiving metadata and damaged data, on committed test files (tests/data/README says where
//! each comes from) and files generated here.

use crate::support::*;
use skinlapse::catalogue::AssignmentSpec;
use skinlapse::imaging::metadata::{Orientation, read_metadata};
use skinlapse::imaging::synth_raw::{RawSpec, raw_with_preview};
use skinlapse::imaging::{decode, decode_picture, sniff};
use skinlapse::jobs::{Outcome, scan_files};
use skinlapse::model::{PhotoFormat, PhotoId, TimeSource};
use std::path::{Path, PathBuf};

pub fn data(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/formats")
        .join(rel)
}

pub fn bytes(rel: &str) -> Vec<u8> {
    std::fs::read(data(rel)).unwrap()
}

/// Imports one committed file; returns the photo's id and the import's warnings.
fn import_one(t: &TestLib, rel: &str) -> (PhotoId, Vec<String>) {
    let (summary, results) = t.import_plain(&[data(rel)]);
    assert_eq!(summary.imported, 1, "{rel}: {results:#?}");
    match &results[0].outcome {
        Outcome::Imported { id, warnings, .. } => (*id, warnings.clone()),
        other => panic!("{rel}: {other:?}"),
    }
}

/// `image` matches `reference` as it is, and clearly worse in any other of the seven
/// orientations that keep its size.
fn assert_upright_like(reference: &image::RgbImage, image: &image::RgbImage, what: &str) {
    use image::imageops::{flip_horizontal, flip_vertical, rotate180};
    let same = mean_abs_diff(reference, image);
    for (name, other) in [
        ("mirrored", flip_horizontal(image)),
        ("flipped", flip_vertical(image)),
        ("turned 180°", rotate180(image)),
    ] {
        let wrong = mean_abs_diff(reference, &other);
        assert!(
            same * 2.0 < wrong,
            "{what}: as shown differs by {same:.1}, {name} by {wrong:.1}"
        );
    }
}

fn mean_abs_diff(a: &image::RgbImage, b: &image::RgbImage) -> f64 {
    assert_eq!(a.dimensions(), b.dimensions());
    let sum: u64 = a
        .as_raw()
        .iter()
        .zip(b.as_raw())
        .map(|(x, y)| u64::from(x.abs_diff(*y)))
        .sum();
    sum as f64 / a.as_raw().len() as f64
}

#[test]
fn an_iphone_heic_imports_upright_dated_and_colour_managed() {
    let t = TestLib::new();
    let (id, warnings) = import_one(&t, "heic/arrow.heic");
    let photo = t.library.catalogue().unwrap().photo(id).unwrap();
    assert_eq!(photo.format, PhotoFormat::Heif);
    // Stored 4032×3024 with irot 90°: shown portrait.
    assert_eq!((photo.width, photo.height), (3024, 4032));
    // With the sub-seconds the phone recorded.
    assert_eq!(photo.taken_at.to_iso(), "2018-07-31T14:52:07.557");
    assert_eq!(photo.taken_at.source, TimeSource::ExifOriginal);
    assert!(!photo.taken_at.estimated);
    assert_eq!(photo.camera.as_deref(), Some("Apple iPhone 8 Plus"));
    assert_eq!(photo.colour_profile.as_deref(), Some("Display P3"));
    assert!(warnings.is_empty(), "{warnings:?}");
    // The original is kept byte for byte; the preview is portrait.
    let original = std::fs::read(t.library.original_path(&photo.hash, photo.format)).unwrap();
    assert_eq!(original, bytes("heic/arrow.heic"));
    assert!(original_path_ends_with(&t, &photo, ".heic"));
    let preview = image::open(t.library.preview_path(&photo.hash)).unwrap();
    assert_eq!((preview.width(), preview.height()), (1536, 2048));
    t.assert_clean();
}

fn original_path_ends_with(t: &TestLib, photo: &skinlapse::model::Photo, ext: &str) -> bool {
    t.library
        .original_path(&photo.hash, photo.format)
        .to_string_lossy()
        .ends_with(ext)
}

#[test]
fn ten_and_twelve_bit_heif_decode_to_the_same_picture() {
    let ten = decode(&bytes("heic/RGB_10__128x128.heif"), PhotoFormat::Heif).unwrap();
    let twelve = decode(&bytes("heic/RGB_12__128x128.heif"), PhotoFormat::Heif).unwrap();
    assert_eq!(ten.dimensions(), (128, 128));
    // Both encode one source image: scaled to 8 bits right, they agree closely.
    assert!(mean_abs_diff(&ten, &twelve) < 3.0);
    let mean = ten.as_raw().iter().map(|&v| f64::from(v)).sum::<f64>() / 49152.0;
    assert!((20.0..235.0).contains(&mean), "mean {mean}");
}

#[test]
fn compact_mif3_heif_is_recognised_by_its_compatible_brands() {
    // A compact HEIF's `ftyp`: major brand `mif3`, its codec among the compatible brands.
    // (The one public sample, libheif's lightning_mini.heif, is LGPL-licensed, so it is not
    // committed; libheif 1.23 decodes the `mini` box such files carry.)
    let ftyp = |compatible: &[u8; 4]| {
        let mut b = vec![0, 0, 0, 24];
        b.extend_from_slice(b"ftypmif3\0\0\0\0mif3");
        b.extend_from_slice(compatible);
        b.extend_from_slice(&[0; 16]);
        b
    };
    assert_eq!(sniff(&ftyp(b"heic")), Ok(PhotoFormat::Heif));
    assert_eq!(sniff(&ftyp(b"avif")), Ok(PhotoFormat::Avif));
}

#[test]
fn a_damaged_heic_is_refused_with_a_sentence() {
    let t = TestLib::new();
    let (summary, results) = t.import_plain(&[data("heic/corrupted.heic")]);
    assert_eq!(summary.failed, 1);
    let text = error_text(&results[0]);
    assert!(text.contains("HEIF"), "{text}");
    assert!(
        !text.contains('{') && !text.contains("Unspecified"),
        "{text}"
    );
    assert!(t.originals().is_empty());
}

#[test]
fn avif_rotation_and_mirroring_give_one_upright_picture() {
    // Eight encodings of one picture with different irot/imir: shown upright, each matches
    // the first as it is far better than it matches any turned or mirrored version of it.
    let reference = decode(&bytes("avif/pil_rot0mir0.avif"), PhotoFormat::Avif).unwrap();
    for file in ["avif/pil_rot1mir0.avif", "avif/pil_rot3mir1.avif"] {
        let picture = decode_picture(&bytes(file), PhotoFormat::Avif).unwrap();
        assert!(picture.upright);
        assert_upright_like(&reference, &picture.image, file);
    }
}

#[test]
fn avif_exif_icc_and_ten_bit_hdr() {
    let t = TestLib::new();
    let (id, _) = import_one(&t, "avif/paris_icc_exif_xmp.avif");
    let photo = t.library.catalogue().unwrap().photo(id).unwrap();
    assert_eq!(photo.format, PhotoFormat::Avif);
    assert_eq!(photo.taken_at.to_iso(), "2022-08-22T20:30:46.023+02:00");
    assert_eq!(photo.colour_profile.as_deref(), Some("sRGB IEC61966-2.1"));

    let hdr = decode_picture(
        &bytes("avif/cosmos1650_yuv444_10bpc_p3pq.avif"),
        PhotoFormat::Avif,
    )
    .unwrap();
    assert_eq!(hdr.image.dimensions(), (1024, 428));
    assert_eq!(hdr.colour.profile.as_deref(), Some("Display P3 PQ (nclx)"));
    assert!(
        hdr.warnings.iter().any(|w| w.contains("HDR")),
        "{:?}",
        hdr.warnings
    );
    let twelve = decode(&bytes("avif/weld_sato_12B_8B_q0.avif"), PhotoFormat::Avif).unwrap();
    assert_eq!(twelve.dimensions(), (1024, 684));
}

/// A RAW file of `format` embedding a 1200×800 JPEG, shot rotated (orientation 6).
fn generated_raw(format: PhotoFormat) -> (Vec<u8>, image::RgbImage) {
    let picture = skin(1200, 800, 42);
    let preview = skinlapse::imaging::derive::encode_jpeg(&picture, 90);
    let raw = raw_with_preview(&RawSpec {
        format,
        preview_jpeg: &preview,
        orientation: 6,
        date_time_original: "2024:05:06 07:08:09",
        offset_time_original: "+02:00",
    });
    (raw, picture)
}

#[test]
fn camera_raw_keeps_the_original_and_shows_its_embedded_preview() {
    let t = TestLib::new();
    let inbox = t.inbox();
    for format in [
        PhotoFormat::Dng,
        PhotoFormat::Cr2,
        PhotoFormat::Cr3,
        PhotoFormat::Nef,
        PhotoFormat::Arw,
    ] {
        let (raw, picture) = generated_raw(format);
        assert_eq!(sniff(&raw), Ok(format));
        let path = write(&inbox, &format!("shot.{}", format.extension()), &raw);
        let (summary, results) = t.import_plain(&[path]);
        assert_eq!(summary.imported, 1, "{format:?}: {results:#?}");
        let Outcome::Imported { id, .. } = results[0].outcome else {
            unreachable!()
        };
        let photo = t.library.catalogue().unwrap().photo(id).unwrap();
        assert_eq!(photo.format, format);
        // Orientation 6 from the RAW's own EXIF: the 1200×800 preview shows portrait.
        assert_eq!((photo.width, photo.height), (800, 1200), "{format:?}");
        assert_eq!(photo.taken_at.to_iso(), "2024-05-06T07:08:09+02:00");
        assert_eq!(photo.taken_at.source, TimeSource::ExifOriginal);
        assert!(photo.camera.is_some());
        let stored = std::fs::read(t.library.original_path(&photo.hash, format)).unwrap();
        assert_eq!(stored, raw, "{format:?}: the original byte for byte");
        // The preview shows the embedded picture, turned upright.
        let shown = decode_picture(&raw, format).unwrap();
        assert!(mean_abs_diff(&shown.image, &picture) < 4.0);
    }
    t.assert_clean();
}

#[test]
fn a_raw_without_a_usable_preview_is_refused_but_its_metadata_is_read() {
    let t = TestLib::new();
    for (file, date, camera) in [
        (
            "raw/CanonRaw.cr2",
            "2005-08-03 18:59:18",
            "Canon EOS 350D DIGITAL",
        ),
        (
            "raw/CanonRaw.cr3",
            "2018-02-21 12:08:56.210",
            "Canon EOS M50",
        ),
        (
            "raw/DNG.dng",
            "2005-08-03 18:59:18",
            "Canon EOS 350D DIGITAL",
        ),
        (
            "raw/Nikon.nef",
            "2004-06-09 16:02:35",
            "NIKON CORPORATION NIKON D70",
        ),
    ] {
        let meta = read_metadata(&bytes(file));
        let taken = meta.taken_at.unwrap_or_else(|| panic!("{file}: {meta:?}"));
        assert_eq!(taken.local.to_string(), date, "{file}");
        assert_eq!(meta.camera.as_deref(), Some(camera), "{file}");
        let (_, results) = t.import_plain(&[data(file)]);
        let text = error_text(&results[0]);
        assert!(text.contains("without a usable preview"), "{file}: {text}");
    }
    assert!(t.originals().is_empty());
}

#[test]
fn broken_exif_directories_keep_every_readable_field() {
    let t = TestLib::new();
    // piexif's layout: the capture time, its offset and sub-seconds survive.
    let (id, _) = import_one(&t, "jpeg/piexif_written.jpg");
    let photo = t.library.catalogue().unwrap().photo(id).unwrap();
    assert_eq!(photo.taken_at.to_iso(), "2023-11-02T14:05:09.250+01:00");
    assert_eq!(photo.taken_at.source, TimeSource::ExifOriginal);
    // A GPS directory pointing nowhere: the date, offset and orientation survive.
    let (id, warnings) = import_one(&t, "jpeg/gps_malformed.jpg");
    let photo = t.library.catalogue().unwrap().photo(id).unwrap();
    assert_eq!(photo.taken_at.to_iso(), "2022-03-04T10:11:12-05:00");
    assert_eq!((photo.width, photo.height), (302, 403));
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("readable fields were kept")),
        "{warnings:?}"
    );
}

#[test]
fn xmp_stands_in_for_missing_exif_and_modified_times_are_labelled() {
    let meta = read_metadata(&bytes("jpeg/exif_gps_typeerror.jpg"));
    let taken = meta.taken_at.unwrap();
    assert_eq!(taken.source, TimeSource::Xmp);
    assert_eq!(taken.local.to_string(), "2010-07-11 13:53:00");
    assert_eq!(taken.offset.unwrap().local_minus_utc(), 2 * 3600);
    // EXIF DateTime is kept as what it is.
    assert_eq!(
        meta.modified_at.unwrap().local.to_string(),
        "2010-08-15 13:58:09"
    );
    let xmp_only = read_metadata(&bytes("webp/flower2.webp")).taken_at.unwrap();
    assert_eq!(xmp_only.local.to_string(), "2013-07-04 17:23:10");
    assert_eq!(xmp_only.source, TimeSource::Xmp);
    assert_eq!(
        read_metadata(&bytes("png/xmp_tags_orientation.png"))
            .orientation
            .map(Orientation::exif_value),
        Some(3)
    );

    // Only a modification time: filed under it, labelled, never as the capture time.
    let t = TestLib::new();
    let inbox = t.inbox();
    let exif = skinlapse::imaging::synth::ExifSpec {
        date_time: Some("2021:03:04 10:00:00".into()),
        ..Default::default()
    };
    let path = write(&inbox, "edited.jpg", &jpeg_exif(5, &exif));
    let (_, results) = t.import_plain(&[path]);
    let Outcome::Imported { id, warnings, .. } = &results[0].outcome else {
        panic!("{results:?}")
    };
    let photo = t.library.catalogue().unwrap().photo(*id).unwrap();
    assert_eq!(photo.taken_at.source, TimeSource::ExifModified);
    assert!(photo.taken_at.estimated);
    assert_eq!(
        photo.taken_at.label(),
        "modified 2021-03-04 — capture time unknown"
    );
    assert!(
        warnings.iter().any(|w| w.contains("no capture date")),
        "{warnings:?}"
    );
}

#[test]
fn exif_in_webp_and_png_is_honoured() {
    let six = read_metadata(&bytes("webp/hopper_orientation_6.webp"));
    assert_eq!(six.orientation.map(Orientation::exif_value), Some(6));
    let flower = read_metadata(&bytes("webp/flower.webp")).taken_at.unwrap();
    assert_eq!(flower.local.to_string(), "2003-12-14 12:01:44");
    assert_eq!(flower.source, TimeSource::ExifOriginal);
    let raw_profile = read_metadata(&bytes("png/exif_imagemagick_orientation.png"));
    assert_eq!(
        raw_profile.orientation.map(Orientation::exif_value),
        Some(3)
    );
    let exif_chunk = read_metadata(&bytes("png/exif.png"));
    assert_eq!(exif_chunk.orientation.map(Orientation::exif_value), Some(1));
    assert!(exif_chunk.warnings.is_empty(), "{:?}", exif_chunk.warnings);
}

#[test]
fn damaged_jpeg_data_is_said_and_stored_with_the_photo() {
    let t = TestLib::new();
    let (id, warnings) = import_one(&t, "jpeg/damaged_entropy.jpg");
    let damage = warnings
        .iter()
        .find(|w| w.contains("image data damaged from row"))
        .unwrap_or_else(|| panic!("{warnings:?}"));
    assert!(damage.contains("restart intervals are missing"), "{damage}");
    let stored = t.library.catalogue().unwrap().photo_warnings(id).unwrap();
    assert!(stored.contains(damage), "{stored:?}");
    // A clean JPEG gets no such warning; a truncated APP14 segment is no reason to refuse.
    let (_, warnings) = import_one(&t, "jpeg/hopper.jpg");
    assert!(
        !warnings.iter().any(|w| w.contains("damaged")),
        "{warnings:?}"
    );
    let (id, warnings) = import_one(&t, "jpeg/truncated_app14.jpg");
    assert!(warnings.iter().any(|w| w.contains("APP14")), "{warnings:?}");
    let photo = t.library.catalogue().unwrap().photo(id).unwrap();
    assert_eq!(photo.taken_at.source, TimeSource::Xmp);
}

#[test]
fn error_messages_are_sentences_with_real_sizes() {
    let t = TestLib::new();
    let inbox = t.inbox();
    // A PNG whose header claims 100 000 × 100 000 pixels.
    let mut png = encoded(9, PhotoFormat::Png);
    png[16..20].copy_from_slice(&100_000u32.to_be_bytes());
    png[20..24].copy_from_slice(&100_000u32.to_be_bytes());
    let crc = crc32(&png[12..29]);
    png[29..33].copy_from_slice(&crc.to_be_bytes());
    let bomb = write(&inbox, "bomb.png", &png);
    let (_, results) = t.import_plain(&[bomb, data("png/broken_data_stream.png")]);
    let bomb_text = error_text(&results[0]);
    assert!(bomb_text.contains("100000×100000"), "{bomb_text}");
    let broken = error_text(&results[1]);
    assert!(
        !broken.contains('{') && !broken.contains("ChunkType"),
        "{broken}"
    );
}

/// PNG's chunk checksum (CRC-32, as zlib computes it).
fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

#[test]
fn display_p3_and_adobe_rgb_become_the_srgb_littlecms_computes() {
    // Four patches each; the expected sRGB values were computed by littleCMS 2 (see
    // tests/data/README).
    for (file, format, expected, profile) in [
        (
            "colour/p3_patches.png",
            PhotoFormat::Png,
            [
                [213, 115, 95],
                [61, 162, 39],
                [22, 81, 208],
                [128, 128, 128],
            ],
            "Display P3",
        ),
        (
            "colour/adobe_rgb_patches.jpg",
            PhotoFormat::Jpeg,
            [[225, 121, 100], [0, 161, 48], [0, 79, 206], [129, 129, 129]],
            "Adobe RGB (1998)",
        ),
    ] {
        let picture = decode_picture(&bytes(file), format).unwrap();
        // The compact profiles call themselves "sP3" and "A98C": named by their primaries.
        assert_eq!(picture.colour.profile.as_deref(), Some(profile), "{file}");
        for (i, want) in expected.iter().enumerate() {
            let got = picture.image.get_pixel(16 * i as u32 + 8, 8).0;
            for c in 0..3 {
                assert!(
                    got[c].abs_diff(want[c]) <= 3,
                    "{file} patch {i}: got {got:?}, littleCMS {want:?}"
                );
            }
        }
    }
}

#[test]
fn the_import_files_photos_per_view_and_flags_dates_far_from_the_session() {
    use skinlapse::model::View;
    use skinlapse::model::filing::PhotoTags;
    let t = TestLib::new();
    let inbox = t.inbox();
    let exif = |date: &str| skinlapse::imaging::synth::ExifSpec {
        date_time_original: Some(date.into()),
        ..Default::default()
    };
    let on_day = write(&inbox, "a.jpg", &jpeg_exif(1, &exif("2024:05:10 09:00:00")));
    let next_day = write(&inbox, "b.jpg", &jpeg_exif(2, &exif("2024:05:11 09:05:00")));
    let months_off = write(&inbox, "c.jpg", &jpeg_exif(3, &exif("2024:01:02 09:00:00")));
    let paths = vec![on_day.clone(), next_day.clone(), months_off.clone()];

    // Before importing: dates, the proposed session, no duplicates yet.
    let scanned = scan_files(&t.library, &paths, 64);
    assert!(
        scanned
            .iter()
            .all(|s| s.duplicate_of.is_none() && s.thumbnail.is_some())
    );
    let session = skinlapse::jobs::proposed_session_date(&scanned).unwrap();
    assert_eq!(session.to_string(), "2024-05-10");

    let spec = AssignmentSpec {
        person: Some("Me".into()),
        series: Some("Peel".into()),
        session: Some(session),
        view: Some(View::Frontal),
        ..AssignmentSpec::default()
    };
    let assignment = t
        .library
        .catalogue()
        .unwrap()
        .resolve_assignment(&spec)
        .unwrap();
    let mut request = skinlapse::jobs::ImportRequest {
        paths: paths.clone(),
        assignment,
        workers: 1,
        session_date: Some(session),
        ..Default::default()
    };
    request.per_photo.insert(
        next_day.clone(),
        PhotoTags {
            view: Some(View::LeftOblique),
            lighting: None,
        },
    );
    let mut results = Vec::new();
    skinlapse::jobs::run_import(
        &t.library,
        &request,
        &std::sync::atomic::AtomicBool::new(false),
        |e| {
            if let skinlapse::jobs::ImportEvent::File(r) = e {
                results.push(r);
            }
        },
    );
    results.sort_by_key(|r| r.index);
    let mut cat = t.library.catalogue().unwrap();
    let mut views = Vec::new();
    let mut flagged = Vec::new();
    for r in &results {
        let Outcome::Imported {
            id, date_mismatch, ..
        } = &r.outcome
        else {
            panic!("{r:?}")
        };
        views.push(cat.photo(*id).unwrap().view);
        flagged.push(date_mismatch.map(|m| m.to_string()));
    }
    assert_eq!(
        views,
        vec![
            Some(View::Frontal),
            Some(View::LeftOblique),
            Some(View::Frontal)
        ]
    );
    assert_eq!(flagged[0], None);
    assert_eq!(flagged[1], None);
    assert_eq!(
        flagged[2].as_deref(),
        Some("taken 2024-01-02 — 129 days before the session of 2024-05-10")
    );
    // Scanned again, every file is marked as already in the library.
    let again = scan_files(&t.library, &paths, 0);
    assert!(again.iter().all(|s| s.duplicate_of.is_some()));
}

#[test]
fn list_json_carries_the_time_source_and_colour_profile() {
    let t = TestLib::new();
    import_one(&t, "heic/arrow.heic");
    let out = skinlapse(t.dir.path(), &t.root(), &["list", "--json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let line: serde_json::Value =
        serde_json::from_str(stdout(&out).lines().next().unwrap()).unwrap();
    assert_eq!(line["taken_at"], "2018-07-31T14:52:07.557");
    assert_eq!(line["taken_at_estimated"], false);
    assert_eq!(line["taken_at_source"], "exif-original");
    assert_eq!(line["colour_profile"], "Display P3");
    assert_eq!(line["format"], "HEIF");
    assert_eq!(line["width"], 3024);
}

/// Files not tuned against: each imports with the metadata recorded in tests/data/README.
#[test]
fn held_back_files_import_as_their_metadata_says() {
    let t = TestLib::new();
    for (file, size, taken) in [
        (
            "heldback/empty_icc.heic",
            (1025, 900),
            "2021-07-06T16:08:14.164+03:00",
        ),
        (
            "heldback/xiaomi.heic",
            (2592, 1944),
            "2023-04-27T19:44:18.732",
        ),
        (
            "heldback/L_exif_xmp_iptc.heic",
            (64, 64),
            "2020-09-14T11:09:34.641-05:00",
        ),
        ("heldback/exiftool_XMP.jpg", (0, 0), "2001-05-19T18:36:41"),
        (
            "heldback/exif-ifd-offset.jpg",
            (0, 0),
            "2017-03-13T23:03:09-07:00",
        ),
    ] {
        let (id, _) = import_one(&t, file);
        let photo = t.library.catalogue().unwrap().photo(id).unwrap();
        assert_eq!(photo.taken_at.to_iso(), taken, "{file}");
        if size != (0, 0) {
            assert_eq!((photo.width, photo.height), size, "{file}");
        }
    }
    let rot = decode(&bytes("heldback/pil_rot2mir0.avif"), PhotoFormat::Avif).unwrap();
    let reference = decode(&bytes("avif/pil_rot0mir0.avif"), PhotoFormat::Avif).unwrap();
    assert_upright_like(&reference, &rot, "pil_rot2mir0.avif");
    assert!(
        read_metadata(&bytes("heldback/pil_exif.avif"))
            .warnings
            .is_empty()
    );
    let three = read_metadata(&bytes("heldback/hopper_orientation_3.webp"));
    assert_eq!(three.orientation.map(Orientation::exif_value), Some(3));
    let magick = read_metadata(&bytes("heldback/exif_imagemagick.png"));
    assert_eq!(magick.orientation.map(Orientation::exif_value), Some(1));
    let (_, warnings) = import_one(&t, "heldback/damaged_entropy_zeroed.jpg");
    assert!(
        warnings.iter().any(|w| w.contains("damaged")),
        "{warnings:?}"
    );
}

/// The inspector says where a photo's colours and time came from, and what was damaged.
#[test]
fn the_inspector_shows_the_colour_profile_time_source_and_damage() {
    use crate::app::{click_photo, grid_ids, harness};
    use egui::Modifiers;
    use egui_kittest::kittest::Queryable;
    let t = TestLib::new();
    import_one(&t, "heic/arrow.heic");
    import_one(&t, "jpeg/damaged_entropy.jpg");
    let mut h = harness(&t.root());
    let ids = grid_ids(&h);
    let mut cat = t.library.catalogue().unwrap();
    let heic = *ids
        .iter()
        .find(|id| cat.photo(**id).unwrap().format == PhotoFormat::Heif)
        .unwrap();
    let damaged = *ids.iter().find(|id| **id != heic).unwrap();

    click_photo(&mut h, heic, Modifiers::NONE);
    assert!(h.query_by_label("Display P3").is_some());
    assert!(
        h.query_by_label_contains("from EXIF DateTimeOriginal")
            .is_some()
    );
    click_photo(&mut h, damaged, Modifiers::NONE);
    assert!(h.query_by_label("no profile (taken as sRGB)").is_some());
    let label = cat.photo(damaged).unwrap().taken_at.label();
    assert!(label.ends_with("capture time unknown"), "{label}");
    assert!(
        h.query_by_label(&format!("{label} (file modification time)"))
            .is_some(),
        "the file's time is labelled as what it is"
    );
    assert!(
        h.query_by_label_contains("On import: image data damaged from row 688")
            .is_some()
    );
}

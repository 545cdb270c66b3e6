//! Faces end to end: found at import and stored, the background scan for older photos, the
//! CLI (`faces show|scan|fairest`, `align --auto` reporting method `face`), pose findings in
//! a pair, and de-identified exports with the eyes covered and no name.

use crate::support::{TestLib, skinlapse, stderr, stdout};
use skinlapse::catalogue::AssignmentSpec;
use skinlapse::imaging::face::find_face;
use skinlapse::imaging::portrait::{Portrait, PortraitLook, render_portrait};
use skinlapse::imaging::synth::jpeg_with_exif;
use skinlapse::model::{PhotoId, Similarity, View};
use std::path::PathBuf;

pub(crate) fn astronaut() -> Portrait {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/faces/astronaut.png"
    );
    let pixels = image::open(path).unwrap().to_rgb8();
    let face = find_face(&pixels).unwrap().expect("a face").landmarks;
    Portrait { pixels, face }
}

/// Two renders of the astronaut weeks apart (re-framed, other light and wall, head turned
/// `yaw_b`° by the render's cylinder model, which the mesh reads as about 0.45 of that),
/// imported for "Jane Doe" in one series; their ids.
pub(crate) fn two_photos(lib: &TestLib, yaw_b: f64) -> (PhotoId, PhotoId) {
    let portrait = astronaut();
    let a = render_portrait(&portrait, &PortraitLook::default(), 1024, 768);
    let b = render_portrait(
        &portrait,
        &PortraitLook {
            framing: Similarity {
                scale: 1.08,
                angle: 4f64.to_radians(),
                tx: 0.02,
                ty: -0.015,
            },
            yaw_deg: yaw_b,
            exposure: 0.9,
            background: [150, 120, 100],
            wall_texture: 0.25,
            ..PortraitLook::default()
        },
        1024,
        768,
    );
    let inbox = lib.inbox();
    let paths: Vec<PathBuf> = [("a.jpg", a), ("b.jpg", b)]
        .into_iter()
        .map(|(name, image)| {
            let path = inbox.join(name);
            std::fs::write(&path, jpeg_with_exif(&image, 92, None)).unwrap();
            path
        })
        .collect();
    let spec = AssignmentSpec {
        person: Some("Jane Doe".into()),
        series: Some("Peel".into()),
        view: Some(View::Frontal),
        ..AssignmentSpec::default()
    };
    let (summary, results) = lib.import(&paths, &spec);
    assert_eq!(summary.imported, 2, "{results:?}");
    let ids: Vec<PhotoId> = results
        .iter()
        .map(|r| match &r.outcome {
            skinlapse::jobs::Outcome::Imported { id, .. } => *id,
            other => panic!("{other:?}"),
        })
        .collect();
    (ids[0], ids[1])
}

#[test]
fn a_face_is_found_at_import_and_suggests_the_view() {
    let lib = TestLib::new();
    let (a, _) = two_photos(&lib, 0.0);
    let mut cat = lib.library.catalogue().unwrap();
    let record = cat.face(a).unwrap().expect("looked at during import");
    let face = record.face.expect("a face");
    assert!(face.score > 0.5);
    assert_eq!(record.suggested_view, Some(View::Frontal));
    // A flat patch of skin: looked at, no face.
    let skin = lib.inbox().join("skin.jpg");
    std::fs::write(&skin, crate::support::jpeg(5)).unwrap();
    let (_, results) = lib.import_plain(&[skin]);
    let skinlapse::jobs::Outcome::Imported { id, .. } = &results[0].outcome else {
        panic!("{:?}", results[0].outcome)
    };
    let record = cat.face(*id).unwrap().expect("looked at");
    assert_eq!(record.face, None);
    assert_eq!(record.suggested_view, None);
}

#[test]
fn the_background_scan_finds_faces_on_older_photos_and_resumes() {
    let lib = TestLib::new();
    let (a, b) = two_photos(&lib, 0.0);
    // As if imported before faces were found at import.
    skinlapse::testing::execute_sql(&lib.root(), "DELETE FROM face");
    let mut cat = lib.library.catalogue().unwrap();
    let mut pending = cat.photos_without_face_scan().unwrap();
    pending.sort();
    let mut both = [a, b];
    both.sort();
    assert_eq!(pending, both);
    // Cancelled before it starts: nothing lost, everything left for next time.
    let cancel = std::sync::atomic::AtomicBool::new(true);
    let summary =
        skinlapse::jobs::faces::scan_faces(&lib.library, &cancel, &mut |_, _| {}).unwrap();
    assert!(summary.cancelled);
    assert_eq!(summary.not_started, 2);
    // Through the CLI, with progress on stderr.
    let out = skinlapse(lib.dir.path(), &lib.root(), &["faces", "scan", "--json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let json: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(json["scanned"], 2);
    assert_eq!(json["with_face"], 2);
    assert!(stderr(&out).contains("faces: 2/2"), "{}", stderr(&out));
    assert!(cat.photos_without_face_scan().unwrap().is_empty());
    let scan = cat.face_scan().unwrap();
    assert_eq!((scan.with_face, scan.pending), (2, 0));
}

#[test]
fn faces_show_gives_pose_expression_view_and_every_region() {
    let lib = TestLib::new();
    let (a, _) = two_photos(&lib, 0.0);
    let out = skinlapse(
        lib.dir.path(),
        &lib.root(),
        &["faces", "show", "--photo", &a.0.to_string(), "--json"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let json: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(json["found"], true);
    assert_eq!(json["suggested_view"], "frontal");
    assert_eq!(
        json["mouth_open"], true,
        "she smiles with her teeth showing"
    );
    let names: Vec<&str> = json["regions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    assert_eq!(names.len(), 10);
    assert!(names.contains(&"left-cheek") && names.contains(&"periorbital-right"));
    let yaw = json["pose"]["yaw_deg"].as_f64().unwrap();
    assert!(yaw.abs() < 10.0, "{yaw}");
    let missing = skinlapse(
        lib.dir.path(),
        &lib.root(),
        &["faces", "show", "--photo", "999"],
    );
    assert_eq!(missing.status.code(), Some(2), "{}", stderr(&missing));
    assert!(stderr(&missing).contains("999"), "{}", stderr(&missing));
}

#[test]
fn align_auto_reports_method_face_and_the_pair_names_a_turned_head() {
    let lib = TestLib::new();
    let (a, b) = two_photos(&lib, 30.0);
    let out = skinlapse(
        lib.dir.path(),
        &lib.root(),
        &[
            "align",
            "--before",
            &a.0.to_string(),
            "--after",
            &b.0.to_string(),
            "--auto",
            "--json",
        ],
    );
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
    let json: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(json["method"], "face", "{json}");
    assert_eq!(json["aligned"], true);
    assert!(json["expected_error_px"].as_f64().unwrap() < 20.0, "{json}");
    let findings: Vec<&str> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["text"].as_str().unwrap())
        .collect();
    assert!(
        findings
            .iter()
            .any(|f| f.starts_with("B's head is turned") && f.contains("to the left")),
        "{findings:?}"
    );
}

#[test]
fn a_de_identified_export_covers_the_eyes_and_drops_the_name() {
    let lib = TestLib::new();
    let (a, b) = two_photos(&lib, 0.0);
    crate::support::consent_to_clinical_record(&lib.root());
    let (ids_a, ids_b) = (a.0.to_string(), b.0.to_string());
    let export = |name: &str, extra: &[&str]| {
        let out = lib.dir.path().join(name);
        let mut args = vec![
            "export",
            "compare",
            "--purpose",
            "clinical-record",
            "--before",
            &ids_a,
            "--after",
            &ids_b,
            "--width",
            "1200",
            "--out",
        ];
        let out_text = out.to_string_lossy().into_owned();
        args.push(&out_text);
        args.extend_from_slice(extra);
        (skinlapse(lib.dir.path(), &lib.root(), &args), out)
    };
    // The file name would give her away.
    let (refused, path) = export("jane-doe-peel.png", &["--deidentify"]);
    assert_eq!(refused.status.code(), Some(2), "{}", stderr(&refused));
    assert!(
        stderr(&refused).contains("the person's name"),
        "{}",
        stderr(&refused)
    );
    assert!(!path.exists());
    let (done, path) = export("case.png", &["--deidentify"]);
    assert!(done.status.success(), "{}", stderr(&done));
    let image = image::open(&path).unwrap().to_rgb8();
    let (plain_out, plain_path) = export("plain.png", &[]);
    assert!(plain_out.status.success(), "{}", stderr(&plain_out));
    let plain = image::open(&plain_path).unwrap().to_rgb8();
    // What the band changed: black pixels where the plain export has none, on A's half and
    // on B's half (each band is about 90×28 px on a 600-px panel).
    assert_eq!(image.dimensions(), plain.dimensions());
    let half = image.width() / 2;
    let banded = |range: std::ops::Range<u32>| {
        range
            .flat_map(|x| (0..image.height()).map(move |y| (x, y)))
            .filter(|&(x, y)| {
                image.get_pixel(x, y).0 == [0, 0, 0] && plain.get_pixel(x, y).0 != [0, 0, 0]
            })
            .count()
    };
    assert!(
        banded(0..half) > 1000,
        "A's eyes covered: {}",
        banded(0..half)
    );
    assert!(banded(half..image.width()) > 1000, "B's eyes covered");
    // Outside the bands (and the title, whose name changed) nothing else moved: the rest of
    // the photos is as exported without de-identification.
    let changed = (0..image.width())
        .flat_map(|x| (80..image.height()).map(move |y| (x, y)))
        .filter(|&(x, y)| {
            image.get_pixel(x, y) != plain.get_pixel(x, y) && image.get_pixel(x, y).0 != [0, 0, 0]
        })
        .count();
    assert!(changed < 2000, "{changed} pixels changed besides the bands");
}

/// Real White House photos of one person on other days, and of another person (the held-back
/// set, tests/data/README): `align --auto` puts the same person's face on face and keeps the
/// other person out, saying why.
#[test]
fn align_auto_aligns_real_photos_of_one_person_by_the_face_and_declines_another_person() {
    let lib = TestLib::new();
    let held = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/faces/heldback");
    let paths: Vec<PathBuf> = ["obama_1.jpg", "obama_2.jpg", "biden_1.jpg"]
        .iter()
        .map(|name| {
            let path = lib.inbox().join(name);
            std::fs::copy(format!("{held}/{name}"), &path).unwrap();
            path
        })
        .collect();
    let (summary, results) = lib.import_plain(&paths);
    assert_eq!(summary.imported, 3, "{results:?}");
    // Results come in the order the files finished: find each by its name.
    let id = |name: &str| {
        let r = results
            .iter()
            .find(|r| r.path.ends_with(name))
            .expect("a result per file");
        match &r.outcome {
            skinlapse::jobs::Outcome::Imported { id, .. } => id.0.to_string(),
            other => panic!("{other:?}"),
        }
    };
    let ids = [id("obama_1.jpg"), id("obama_2.jpg"), id("biden_1.jpg")];
    // Exit 0 when aligned, 1 when declined (README).
    let align = |before: &str, after: &str, code: i32| {
        let out = skinlapse(
            lib.dir.path(),
            &lib.root(),
            &[
                "align", "--before", before, "--after", after, "--auto", "--json",
            ],
        );
        assert_eq!(
            out.status.code(),
            Some(code),
            "{}{}",
            stdout(&out),
            stderr(&out)
        );
        serde_json::from_str::<serde_json::Value>(&stdout(&out)).unwrap()
    };
    let same = align(&ids[0], &ids[1], 0);
    assert_eq!(same["aligned"], true, "{same}");
    assert_eq!(same["method"], "face", "{same}");
    assert!(same["identity_distance"].as_f64().unwrap() < 0.6, "{same}");
    let other = align(&ids[0], &ids[2], 1);
    assert_eq!(other["aligned"], false, "{other}");
    let reason = other["declined"].as_str().unwrap();
    assert!(
        reason.starts_with("the faces do not match: they look like different people"),
        "{reason}"
    );
}

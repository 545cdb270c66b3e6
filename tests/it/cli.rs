//! The command line as scripts use it: output lines, JSON fields, exit codes.

use crate::support::*;
use skinlapse::imaging::synth::ExifSpec;

#[test]
fn import_list_verify_round_trip_with_exit_codes() {
    let dir = tempfile::tempdir().unwrap();
    let inbox = dir.path().join("phone");
    std::fs::create_dir_all(&inbox).unwrap();
    let exif = ExifSpec {
        orientation: Some(6),
        date_time_original: Some("2025:05:04 12:13:14".into()),
        offset_time_original: Some("+02:00".into()),
        ..ExifSpec::default()
    };
    write(&inbox, "IMG_0001.jpg", &jpeg_exif(1, &exif));
    write(&inbox, "IMG_0002.jpg", &jpeg(2));
    let lib = dir.path().join("new-library");
    make_library(&lib);
    let args = [
        "import",
        "--person",
        "Me",
        "--series",
        "Microneedling",
        "--session",
        "2025-05-04",
        "--area",
        "left-cheek",
        "--area",
        "Right cheek",
        "--concern",
        "acne-scars",
        "--view",
        "frontal",
    ];
    let mut all: Vec<&str> = args.to_vec();
    all.push(inbox.to_str().unwrap());
    let out = skinlapse(dir.path(), &lib, &all);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
    let text = stdout(&out);
    assert!(
        text.contains(&format!(
            "imported {}",
            inbox.join("IMG_0001.jpg").display()
        )),
        "{text}"
    );
    assert!(
        text.contains("2 files: 2 imported, 0 duplicates, 0 failed"),
        "{text}"
    );
    assert!(
        stderr(&out).contains("IMG_0002.jpg: no capture date"),
        "{}",
        stderr(&out)
    );

    let again = skinlapse(dir.path(), &lib, &["import", inbox.to_str().unwrap()]);
    assert_eq!(again.status.code(), Some(0));
    assert!(stdout(&again).contains(&format!(
        "duplicate {}",
        inbox.join("IMG_0002.jpg").display()
    )));

    let json = skinlapse(dir.path(), &lib, &["list", "--json", "--person", "me"]);
    assert_eq!(json.status.code(), Some(0));
    let rows: Vec<serde_json::Value> = stdout(&json)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(rows.len(), 2);
    let first = rows
        .iter()
        .find(|r| r["original_name"] == "IMG_0001.jpg")
        .unwrap();
    for field in [
        "id",
        "person",
        "series",
        "session_date",
        "taken_at",
        "taken_at_estimated",
        "width",
        "height",
        "hash",
        "original_name",
        "areas",
        "concerns",
        "view",
    ] {
        assert!(first.get(field).is_some(), "missing {field}: {first}");
    }
    assert_eq!(first["person"], "Me");
    assert_eq!(first["series"], "Microneedling");
    assert_eq!(first["session_date"], "2025-05-04");
    assert_eq!(first["taken_at"], "2025-05-04T12:13:14+02:00");
    assert_eq!(first["taken_at_estimated"], false);
    assert_eq!(
        (first["width"].as_u64(), first["height"].as_u64()),
        (Some(72), Some(96)),
        "oriented"
    );
    assert_eq!(
        first["areas"],
        serde_json::json!(["left-cheek", "right-cheek"])
    );
    assert_eq!(first["concerns"], serde_json::json!(["acne-scars"]));
    assert_eq!(first["view"], "frontal");
    assert_eq!(first["hash"].as_str().unwrap().len(), 64);
    let second = rows
        .iter()
        .find(|r| r["original_name"] == "IMG_0002.jpg")
        .unwrap();
    assert_eq!(second["taken_at_estimated"], true);

    let verify = skinlapse(dir.path(), &lib, &["verify"]);
    assert_eq!(
        verify.status.code(),
        Some(0),
        "{}{}",
        stdout(&verify),
        stderr(&verify)
    );
    assert!(stdout(&verify).contains("2 photos checked, 0 problems"));

    // Damage a cache: verify fails (1) naming it, --repair-cache mends it.
    let hash = first["hash"].as_str().unwrap();
    std::fs::remove_file(
        cache_dir(&lib)
            .join("thumbs")
            .join(&hash[..2])
            .join(format!("{hash}.jpg")),
    )
    .unwrap();
    let verify = skinlapse(dir.path(), &lib, &["verify"]);
    assert_eq!(verify.status.code(), Some(1));
    assert!(stdout(&verify).contains(hash), "{}", stdout(&verify));
    let repair = skinlapse(dir.path(), &lib, &["verify", "--repair-cache"]);
    assert_eq!(repair.status.code(), Some(0), "{}", stdout(&repair));
}

#[test]
fn failures_exit_1_and_usage_errors_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let lib = dir.path().join("lib");
    make_library(&lib);
    let good = write(dir.path(), "good.jpg", &jpeg(1));
    let bad = write(dir.path(), "bad.jpg", b"nope");
    let out = skinlapse(
        dir.path(),
        &lib,
        &["import", good.to_str().unwrap(), bad.to_str().unwrap()],
    );
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    assert!(
        text.contains(&format!("error {}: not an image", bad.display())),
        "{text}"
    );
    assert!(
        text.contains(&format!("imported {}", good.display())),
        "{text}"
    );

    let unknown = skinlapse(
        dir.path(),
        &lib,
        &["import", "--area", "elbow", good.to_str().unwrap()],
    );
    assert_eq!(unknown.status.code(), Some(2));
    assert!(
        stderr(&unknown).contains("unknown area \"elbow\" (known: forehead, glabella"),
        "{}",
        stderr(&unknown)
    );

    let no_series = skinlapse(
        dir.path(),
        &lib,
        &[
            "import",
            "--person",
            "A",
            "--session",
            "2025-01-01",
            "x.jpg",
        ],
    );
    assert_eq!(no_series.status.code(), Some(2));
    let bad_date = skinlapse(
        dir.path(),
        &lib,
        &[
            "import",
            "--person",
            "A",
            "--series",
            "S",
            "--session",
            "01/02/2025",
            "x.jpg",
        ],
    );
    assert_eq!(bad_date.status.code(), Some(2));
    assert!(stderr(&bad_date).contains("is not a date like 2025-03-31"));
    let bad_view = skinlapse(dir.path(), &lib, &["import", "--view", "sideways", "x.jpg"]);
    assert_eq!(bad_view.status.code(), Some(2));
    let nobody = skinlapse(dir.path(), &lib, &["list", "--person", "Nobody"]);
    assert_eq!(nobody.status.code(), Some(2));
    assert!(stderr(&nobody).contains("no person named \"Nobody\""));
    let no_paths = skinlapse(dir.path(), &lib, &["import"]);
    assert_eq!(no_paths.status.code(), Some(2));
}

#[test]
fn library_folders_are_created_and_bad_ones_named() {
    let dir = tempfile::tempdir().unwrap();
    let lib = dir.path().join("fresh");
    let out = skinlapse(dir.path(), &lib, &["list"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout(&out).is_empty());
    assert!(
        lib.join("catalog.sqlite").exists(),
        "--library creates the folder"
    );
    let file = write(dir.path(), "a-file", b"x");
    let out = skinlapse(dir.path(), &file, &["list"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("is a file, not a library folder"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn no_command_opens_the_window_or_says_why_it_cannot() {
    let dir = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_skinlapse"))
        .current_dir(dir.path())
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .env("XDG_CONFIG_HOME", dir.path())
        .arg("--library")
        .arg(dir.path().join("lib"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("cannot open the window"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn export_compare_and_sheet_write_labelled_images_with_exit_codes() {
    let dir = tempfile::tempdir().unwrap();
    let lib = dir.path().join("lib");
    small_demo(&lib);
    consent_to_clinical_record(&lib);
    let list = stdout(&skinlapse(dir.path(), &lib, &["list", "--json"]));
    let me: Vec<serde_json::Value> = list
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .filter(|v| v["person"] == "Me" && v["view"] == "frontal")
        .collect();
    let (first, last) = (me[0]["id"].to_string(), me[me.len() - 1]["id"].to_string());
    let out = dir.path().join("pair.png");
    let o = skinlapse(
        dir.path(),
        &lib,
        &[
            "export",
            "compare",
            "--purpose",
            "clinical-record",
            "--before",
            &first,
            "--after",
            &last,
            "--mode",
            "slider",
            "--split",
            "0.3",
            "--width",
            "640",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(
        text.starts_with(&format!("wrote {}", out.display())),
        "{text}"
    );
    assert!(
        text.contains("warning: B was taken 5 days after treatment session 6"),
        "{text}"
    );
    let image = image::open(&out).unwrap().to_rgb8();
    assert_eq!(image.width(), 640);
    // Left of the split (30 %) comes from A, the baseline; right from B, red after needling.
    let y = image.height() / 3;
    let (a, b) = (image.get_pixel(60, y).0, image.get_pixel(600, y).0);
    assert!(
        i32::from(b[0]) - i32::from(b[1]) > i32::from(a[0]) - i32::from(a[1]) + 10,
        "B is redder: A {a:?} B {b:?}"
    );

    let series = me[0]["series_id"].to_string();
    let sheet = dir.path().join("sheet.jpg");
    let o = skinlapse(
        dir.path(),
        &lib,
        &[
            "export",
            "sheet",
            "--purpose",
            "clinical-record",
            "--series",
            &series,
            "--out",
            sheet.to_str().unwrap(),
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let bytes = std::fs::read(&sheet).unwrap();
    assert!(
        exif::Reader::new()
            .read_from_container(&mut std::io::Cursor::new(&bytes))
            .is_err()
    );
    assert_eq!(image::load_from_memory(&bytes).unwrap().width(), 2400);

    // Usage errors (2) name the argument; a folder that does not exist is a failure (1).
    for (mut args, code, message) in [
        (
            vec![
                "export", "compare", "--before", &first, "--after", &last, "--out", "x.gif",
            ],
            2,
            "x.gif: the file name must end in .png, .jpg or .jpeg",
        ),
        (
            vec![
                "export", "compare", "--before", &first, "--after", "9999", "--out", "x.png",
            ],
            2,
            "photo 9999 does not exist",
        ),
        (
            vec![
                "export", "compare", "--before", &first, "--after", &last, "--split", "1.5",
                "--out", "x.png",
            ],
            2,
            "--split: 1.5 is outside 0–1",
        ),
        (
            vec![
                "export", "compare", "--before", &first, "--after", &last, "--width", "50",
                "--out", "x.png",
            ],
            2,
            "width: 50 pixels is outside 200–12000",
        ),
        (
            vec!["export", "sheet", "--series", "777", "--out", "x.png"],
            2,
            "series 777 does not exist",
        ),
        (
            vec![
                "export",
                "compare",
                "--before",
                &first,
                "--after",
                &last,
                "--out",
                "no/such/dir/x.png",
            ],
            1,
            "no/such/dir/x.png: could not write the export",
        ),
    ] {
        // The purpose a clinic library's exports must give (a personal one accepts it).
        args.splice(2..2, ["--purpose", "clinical-record"]);
        let o = skinlapse(dir.path(), &lib, &args);
        assert_eq!(o.status.code(), Some(code), "{args:?}: {}", stderr(&o));
        assert!(stderr(&o).contains(message), "{args:?}: {}", stderr(&o));
    }
    assert!(!dir.path().join("x.png").exists() && !dir.path().join("x.gif").exists());
    assert!(
        files_below(dir.path())
            .iter()
            .all(|p| !p.to_string_lossy().contains(".part")),
        "no temporary files left behind"
    );
}

#[test]
fn align_reports_aligns_automatically_and_declines_with_exit_codes() {
    let dir = tempfile::tempdir().unwrap();
    let lib = dir.path().join("lib");
    demo(&lib, 320, 240);
    let list = stdout(&skinlapse(dir.path(), &lib, &["list", "--json"]));
    let rows: Vec<serde_json::Value> = list
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .collect();
    let id = |person: &str, view: &str, nth: usize| {
        rows.iter()
            .filter(|v| v["person"] == person && v["view"] == view)
            .nth(nth)
            .unwrap()["id"]
            .to_string()
    };
    let (base, later) = (id("Me", "frontal", 0), id("Me", "frontal", 3));
    let o = skinlapse(
        dir.path(),
        &lib,
        &["align", "--before", &base, "--after", &later],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).starts_with("not aligned\n"), "{}", stdout(&o));
    assert!(stdout(&o).contains("note: Not aligned"), "{}", stdout(&o));
    let o = skinlapse(
        dir.path(),
        &lib,
        &[
            "align", "--before", &base, "--after", &later, "--auto", "--json",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let json: serde_json::Value = serde_json::from_str(stdout(&o).trim()).unwrap();
    assert_eq!(json["aligned"], true);
    // At 320×240 the faces are too small for landmarks: aligned from the whole frame.
    assert_eq!(json["method"], "auto");
    assert!(json["confidence"].as_f64().unwrap() > 0.5);
    assert!(json["transform"]["rotation_deg"].as_f64().unwrap().abs() < 5.0);
    assert!(json["findings"].as_array().unwrap().iter().any(|f| {
        f["text"]
            .as_str()
            .unwrap()
            .starts_with("Aligned: B was scaled")
    }));
    // Stored: asked again without --auto, the pair is aligned.
    let o = skinlapse(
        dir.path(),
        &lib,
        &["align", "--before", &base, "--after", &later],
    );
    assert!(
        stdout(&o).starts_with("aligned (Automatic, confidence"),
        "{}",
        stdout(&o)
    );
    // Two different people's skin: declined with the reason, exit 1, nothing stored.
    let other = id("Alex Moreau", "frontal", 0);
    let o = skinlapse(
        dir.path(),
        &lib,
        &["align", "--before", &base, "--after", &other, "--auto"],
    );
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    assert!(
        stdout(&o).starts_with("auto-align declined: "),
        "{}",
        stdout(&o)
    );
    assert!(stdout(&o).contains("\nnot aligned\n"), "{}", stdout(&o));
    assert!(stdout(&o).contains("warning: Different people: A is Me, B is Alex Moreau"));
    let o = skinlapse(
        dir.path(),
        &lib,
        &["align", "--before", &base, "--after", "9999"],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("photo 9999 does not exist"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn import_warns_of_a_photo_taken_far_from_its_session() {
    let dir = tempfile::tempdir().unwrap();
    let inbox = dir.path().join("phone");
    std::fs::create_dir_all(&inbox).unwrap();
    let taken = |when: &str| ExifSpec {
        date_time_original: Some(when.into()),
        ..ExifSpec::default()
    };
    write(
        &inbox,
        "near.jpg",
        &jpeg_exif(1, &taken("2024:05:12 09:00:00")),
    );
    write(
        &inbox,
        "far.jpg",
        &jpeg_exif(2, &taken("2024:01:02 09:00:00")),
    );
    let lib = dir.path().join("library");
    make_library(&lib);
    let out = skinlapse(
        dir.path(),
        &lib,
        &[
            "import",
            "--person",
            "Me",
            "--series",
            "Peel",
            "--session",
            "2024-05-10",
            inbox.to_str().unwrap(),
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let warnings: Vec<String> = stderr(&out)
        .lines()
        .filter(|l| l.contains("session"))
        .map(str::to_owned)
        .collect();
    assert_eq!(
        warnings,
        vec![format!(
            "warning {}: taken 2024-01-02 — 129 days before the session of 2024-05-10: \
             check it belongs to this session",
            inbox.join("far.jpg").display()
        )],
        "only the photo months away is flagged; 2 days after is within the session"
    );
    assert!(stdout(&out).contains("imported"), "{}", stdout(&out));
}

//! The PDF report and the time-lapse, through the real binary: text and images checked with
//! poppler's `pdftotext` and `pdfimages` (installed by `.ci/run`), exit codes, nothing left
//! behind on failure.

use crate::support::*;
use std::path::Path;
use std::process::Command;

fn tool(name: &str, args: &[&str]) -> String {
    let out = Command::new(name).args(args).output().unwrap_or_else(|e| {
        panic!("{name} is needed for this test (apt-get install poppler-utils): {e}")
    });
    assert!(
        out.status.success(),
        "{name} {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn series_of(dir: &Path, lib: &Path, person: &str) -> String {
    stdout(&skinlapse(dir, lib, &["list", "--json"]))
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .find(|v| v["person"] == person)
        .unwrap()["series_id"]
        .to_string()
}

/// `export report --purpose clinical-record --series SERIES`, then `rest`: a clinic
/// library's exports say what they are for (a personal library accepts it).
fn report(dir: &Path, lib: &Path, series: &str, rest: &[&str]) -> std::process::Output {
    let mut args = vec![
        "export",
        "report",
        "--purpose",
        "clinical-record",
        "--series",
        series,
    ];
    args.extend_from_slice(rest);
    skinlapse(dir, lib, &args)
}

/// `pdfimages -list` rows: (type, width, height, encoding).
fn images(pdf: &Path) -> Vec<(String, u32, u32, String)> {
    tool("pdfimages", &["-list", pdf.to_str().unwrap()])
        .lines()
        .skip(2)
        .map(|l| {
            let c: Vec<&str> = l.split_whitespace().collect();
            (
                c[2].to_owned(),
                c[3].parse().unwrap(),
                c[4].parse().unwrap(),
                c[8].to_owned(),
            )
        })
        .collect()
}

#[test]
fn the_report_has_searchable_text_jpeg_photos_and_the_verification_footer() {
    let dir = tempfile::tempdir().unwrap();
    let lib = dir.path().join("lib");
    small_demo(&lib);
    consent_to_clinical_record(&lib);
    let series = series_of(dir.path(), &lib, "Alex Moreau");
    let o = skinlapse(
        dir.path(),
        &lib,
        &["clinic", "settings", "--name", "Rue Verte Dermatology"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let pdf = dir.path().join("report.pdf");
    let o = report(dir.path(), &lib, &series, &["--out", pdf.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("originals unaltered since import: verified"),
        "{}",
        stdout(&o)
    );
    let text = tool("pdftotext", &["-layout", pdf.to_str().unwrap(), "-"]);
    for expected in [
        "Rue Verte Dermatology",
        "Alex Moreau",
        "Series plan",
        "Microneedling, acne scars",
        "Sessions",
        "Goodman",
        "Frontal · baseline and latest",
        "Left oblique 45° · baseline and latest",
        "Contact sheet",
        "Originals unaltered since import: verified",
        "page 1 of",
    ] {
        assert!(
            text.contains(expected),
            "{expected:?} missing from:\n{text}"
        );
    }
    // +days labels and session numbers beside the photos.
    assert!(
        text.contains("(baseline)") && text.contains("Session 6 of 6"),
        "{text}"
    );
    let listed = images(&pdf);
    // Three views × baseline and latest, plus one contact sheet of six sessions.
    assert_eq!(listed.len(), 3 * 2 + 6, "{listed:?}");
    for (kind, w, h, enc) in &listed {
        assert_eq!((kind.as_str(), enc.as_str()), ("image", "jpeg"));
        // Never upscaled beyond the 160×120 demo photos.
        assert!(*w <= 160 && *h <= 120, "{w}×{h}");
    }
    // No location or device metadata: the document info holds title, creator, dates only.
    let info = tool("pdfinfo", &[pdf.to_str().unwrap()]);
    assert!(
        info.contains("Title:") && !info.to_lowercase().contains("gps"),
        "{info}"
    );
    assert!(!String::from_utf8_lossy(&std::fs::read(&pdf).unwrap()).contains("Exif"));

    // De-identified: initials and a case number, never the name.
    let deid = dir.path().join("deid.pdf");
    let o = report(
        dir.path(),
        &lib,
        &series,
        &[
            "--deidentify",
            "--paper",
            "letter",
            "--out",
            deid.to_str().unwrap(),
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = tool("pdftotext", &[deid.to_str().unwrap(), "-"]);
    assert!(text.contains("A. M. (case"), "{text}");
    assert!(!text.contains("Alex") && !text.contains("Moreau"), "{text}");
    let info = tool("pdfinfo", &[deid.to_str().unwrap()]);
    assert!(info.contains("612 x 792 pts"), "Letter: {info}");
    assert!(!info.contains("Alex"), "{info}");
}

#[test]
fn report_errors_exit_with_their_codes_and_leave_nothing_behind() {
    let dir = tempfile::tempdir().unwrap();
    let lib = dir.path().join("lib");
    small_demo(&lib);
    consent_to_clinical_record(&lib);
    let series = series_of(dir.path(), &lib, "Me");
    let bad_ext = dir.path().join("report.png");
    let o = report(
        dir.path(),
        &lib,
        &series,
        &["--out", bad_ext.to_str().unwrap()],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("report.png: the file name must end in .pdf"),
        "{}",
        stderr(&o)
    );
    let o = report(dir.path(), &lib, "999", &["--out", "r.pdf"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("series 999 does not exist"),
        "{}",
        stderr(&o)
    );
    let o = report(
        dir.path(),
        &lib,
        &series,
        &["--paper", "a3", "--out", "r.pdf"],
    );
    assert_eq!(o.status.code(), Some(2));
    let missing = dir.path().join("no-such-folder").join("r.pdf");
    let o = report(
        dir.path(),
        &lib,
        &series,
        &["--out", missing.to_str().unwrap()],
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("could not write the report"),
        "{}",
        stderr(&o)
    );
    assert!(!dir.path().join("no-such-folder").exists());
    // Clinic mode without consent to marketing: refused, nothing written.
    let mut cat = open(&lib).catalogue().unwrap();
    cat.set_mode(skinlapse::model::clinical::Mode::Clinic)
        .unwrap();
    drop(cat);
    let out = dir.path().join("marketing.pdf");
    let o = skinlapse(
        dir.path(),
        &lib,
        &[
            "export",
            "report",
            "--series",
            &series,
            "--purpose",
            "marketing",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("marketing"), "{}", stderr(&o));
    assert!(!out.exists());
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().contains(".part"))
        .collect();
    assert!(leftovers.is_empty());
}

#[test]
fn the_time_lapse_is_written_as_gif_webp_and_mp4() {
    use image::AnimationDecoder;
    let dir = tempfile::tempdir().unwrap();
    let lib = dir.path().join("lib");
    small_demo(&lib);
    consent_to_clinical_record(&lib);
    let series = series_of(dir.path(), &lib, "Alex Moreau");
    let run = |name: &str, extra: &[&str]| {
        let out = dir.path().join(name);
        let mut args = vec![
            "export",
            "timelapse",
            "--purpose",
            "clinical-record",
            "--series",
            series.as_str(),
            "--out",
            out.to_str().unwrap(),
            "--size",
            "320",
        ];
        args.extend_from_slice(extra);
        (skinlapse(dir.path(), &lib, &args), out)
    };
    let (o, gif) = run("a.gif", &["--view", "frontal", "--fade", "0.3"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("6 photos"), "{}", stdout(&o));
    let frames =
        image::codecs::gif::GifDecoder::new(std::io::Cursor::new(std::fs::read(&gif).unwrap()))
            .unwrap()
            .into_frames()
            .collect_frames()
            .unwrap();
    // Six photos and three fade steps between each pair.
    assert_eq!(frames.len(), 6 + 5 * 3);
    // Never upscaled: the demo's photos are 160 px wide.
    assert_eq!(frames[0].buffer().width(), 160);
    let (o, webp) = run("a.webp", &["--fade", "0"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let frames =
        image::codecs::webp::WebPDecoder::new(std::io::Cursor::new(std::fs::read(&webp).unwrap()))
            .unwrap()
            .into_frames()
            .collect_frames()
            .unwrap();
    assert_eq!(frames.len(), 6);
    let (o, mp4) = run(
        "a.mp4",
        &["--fps", "10", "--seconds", "0.5", "--fade", "0.2"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let bytes = std::fs::read(&mp4).unwrap();
    let reader =
        mp4::Mp4Reader::read_header(std::io::Cursor::new(&bytes), bytes.len() as u64).unwrap();
    let track = reader.tracks().get(&1).unwrap();
    assert_eq!(track.media_type().unwrap(), mp4::MediaType::H264);
    assert_eq!(track.width(), 160);
    // 6 photos × 5 frames (0.5 s at 10 fps), the last held twice as long, 2 fade frames × 5.
    assert_eq!(track.sample_count(), 6 * 5 + 5 + 5 * 2);
    // Bad arguments.
    let (o, _) = run("a.avi", &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("must end in .gif, .webp or .mp4"),
        "{}",
        stderr(&o)
    );
    let (o, _) = run("b.gif", &["--view", "close-up"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("fewer than two photos in the close-up view"),
        "{}",
        stderr(&o)
    );
    let (o, _) = run("c.gif", &["--size", "20"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn an_encrypted_librarys_report_verifies_its_originals() {
    if skinlapse::testing::sqlite_only("encrypting a personal library") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let lib = dir.path().join("lib");
    small_demo(&lib);
    let series = series_of(dir.path(), &lib, "Me");
    let with_passphrase = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_skinlapse"))
            .current_dir(dir.path())
            .env("SKINLAPSE_PASSPHRASE", "correct horse battery")
            .arg("--library")
            .arg(&lib)
            .args(args)
            .output()
            .unwrap()
    };
    let o = with_passphrase(&["encrypt"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let pdf = dir.path().join("sealed.pdf");
    let o = with_passphrase(&[
        "export",
        "report",
        "--series",
        &series,
        "--out",
        pdf.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // The originals are sealed on disk; their check reads them through the library's key.
    assert!(
        stdout(&o).contains("originals unaltered since import: verified"),
        "{}",
        stdout(&o)
    );
}

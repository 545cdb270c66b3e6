//! Measuring regions and correcting colour with a reference card: the CLI, storage across a
//! series, the CSV, and the pair check.

use crate::support::*;
use skinlapse::imaging::card::draw_card;
use skinlapse::imaging::colour;
use skinlapse::model::card::{CardKind, Corners};
use skinlapse::model::transform::from_normalised;
use skinlapse::model::{PhotoId, SeriesId};

fn listed(dir: &std::path::Path, lib: &std::path::Path) -> Vec<serde_json::Value> {
    stdout(&skinlapse(dir, lib, &["list", "--json"]))
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn measure_prints_the_regions_colour_as_json_with_exit_codes() {
    let dir = tempfile::tempdir().unwrap();
    let lib = dir.path().join("lib");
    let library = small_demo(&lib);
    let photos = listed(dir.path(), &lib);
    let p = &photos[0];
    let id = p["id"].to_string();
    let out = skinlapse(
        dir.path(),
        &lib,
        &["measure", "--photo", &id, "--rect", "20,30,40,24", "--json"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_str(stdout(&out).trim()).unwrap();
    // The same pixels, measured here from the original: the mean of per-pixel L*a*b*.
    let mut cat = library.catalogue().unwrap();
    let photo = cat
        .compared_photo(PhotoId(p["id"].as_i64().unwrap()))
        .unwrap()
        .photo;
    let bytes = std::fs::read(library.original_path(&photo.hash, photo.format)).unwrap();
    let image = skinlapse::imaging::decode(&bytes, photo.format).unwrap();
    let mut sum = [0.0; 3];
    for y in 30..54 {
        for x in 20..60 {
            let lab = colour::lab(image.get_pixel(x, y).0);
            for c in 0..3 {
                sum[c] += lab[c] / 960.0;
            }
        }
    }
    let lab: Vec<f64> = v["lab"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect();
    for c in 0..3 {
        assert!((lab[c] - sum[c]).abs() < 1e-6, "{lab:?} {sum:?}");
    }
    let ita = v["ita_deg"].as_f64().unwrap();
    assert!((ita - colour::ita_degrees(sum)).abs() < 1e-6);
    let category = skinlapse::model::measure::ita_category(ita);
    assert_eq!(v["ita_category"], skinlapse::model::Keyed::key(category));
    assert!(
        v["erythema_index"].as_f64().unwrap() > 0.0,
        "skin is redder than green"
    );
    assert!(v["melanin_index"].as_f64().unwrap() > 0.0);
    assert_eq!(v["corrected"], false);
    assert_eq!(v["pixels"], 960);

    // Text output says it was not corrected.
    let out = skinlapse(
        dir.path(),
        &lib,
        &["measure", "--photo", &id, "--rect", "0,0,10,10"],
    );
    assert!(
        stdout(&out).contains("not corrected: no reference card"),
        "{}",
        stdout(&out)
    );

    // Bad input: exit 2 naming the field; a facial region before landmarks exist: exit 1.
    let o = skinlapse(
        dir.path(),
        &lib,
        &["measure", "--photo", &id, "--rect", "150,100,20,30"],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("--rect 150,100,20,30: the rectangle must lie inside photo"),
        "{}",
        stderr(&o)
    );
    let o = skinlapse(
        dir.path(),
        &lib,
        &["measure", "--photo", &id, "--rect", "1,2,3"],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("not four whole numbers"),
        "{}",
        stderr(&o)
    );
    let o = skinlapse(
        dir.path(),
        &lib,
        &["measure", "--photo", "9999", "--rect", "0,0,5,5"],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("photo 9999 does not exist"),
        "{}",
        stderr(&o)
    );
    let o = skinlapse(
        dir.path(),
        &lib,
        &["measure", "--photo", &id, "--region", "elbow"],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("unknown facial region \"elbow\" (known: forehead"),
        "{}",
        stderr(&o)
    );
    let o = skinlapse(dir.path(), &lib, &["measure", "--photo", &id]);
    assert_eq!(
        o.status.code(),
        Some(2),
        "one of --rect and --region is required"
    );
}

#[test]
fn a_region_saved_on_the_baseline_is_measured_across_the_series_and_exported() {
    let dir = tempfile::tempdir().unwrap();
    let lib = dir.path().join("lib");
    let library = small_demo(&lib);
    consent_to_clinical_record(&lib);
    let photos = listed(dir.path(), &lib);
    let me: Vec<&serde_json::Value> = photos
        .iter()
        .filter(|v| v["person"] == "Me" && v["view"] == "frontal")
        .collect();
    let baseline = me[0]["id"].to_string();
    let series = SeriesId(me[0]["series_id"].as_i64().unwrap());
    // Align the series so the region follows the skin.
    for p in &me[1..] {
        let o = skinlapse(
            dir.path(),
            &lib,
            &[
                "align",
                "--before",
                &baseline,
                "--after",
                &p["id"].to_string(),
                "--auto",
            ],
        );
        assert!(o.status.code().is_some());
    }
    let o = skinlapse(
        dir.path(),
        &lib,
        &[
            "measure",
            "--photo",
            &baseline,
            "--rect",
            "50,40,60,40",
            "--save",
            "chin spot",
            "--json",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(stdout(&o).trim()).unwrap();
    let region = skinlapse::model::RegionId(v["region_id"].as_i64().unwrap());
    let outcomes = skinlapse::jobs::measure::measure_series(
        &library,
        region,
        skinlapse::model::measure::SpotThreshold::default(),
        &std::sync::atomic::AtomicBool::new(false),
        &mut |_, _| {},
    )
    .unwrap();
    let measured = outcomes.iter().filter(|o| o.result.is_ok()).count();
    for o in outcomes.iter().filter(|o| o.result.is_err()) {
        let e = o.result.as_ref().unwrap_err().to_string();
        assert!(e.contains("is not aligned to photo"), "{e}");
    }
    assert!(measured >= 2, "{outcomes:?}");
    let mut cat = library.catalogue().unwrap();
    // Measuring stores nothing by itself; the measured photos are stored in one step.
    assert_eq!(cat.measurements_of_series(series).unwrap().len(), 1);
    cat.change_measurements(region, &skinlapse::jobs::measure::measured(&outcomes))
        .unwrap();
    let rows = cat.measurements_of_series(series).unwrap();
    assert_eq!(rows.len(), measured);
    assert!(rows.iter().all(|r| r.region_name == "chin spot"));
    assert!(rows.windows(2).all(|w| w[0].date <= w[1].date));
    // The CSV: the old columns first and unchanged, measurement rows with the new ones.
    let csv_path = dir.path().join("record.csv");
    let o = skinlapse(
        dir.path(),
        &lib,
        &[
            "export",
            "csv",
            "--purpose",
            "clinical-record",
            "--series",
            &series.to_string(),
            "--out",
            csv_path.to_str().unwrap(),
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let mut reader = csv::Reader::from_path(&csv_path).unwrap();
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    assert_eq!(
        header[..23].join(","),
        "record,person,series,session,date,kind,device_kind,device,needle_depth_mm,passes,products,numbing,practitioner,cost,currency,scale,value,detail,side_effect,severity,day_after,notes,contraindications_acknowledged"
    );
    assert_eq!(
        header[23..].join(","),
        "region,photo,l_mean,a_mean,b_mean,ita_deg,ita_category,erythema_index,melanin_index,delta_e2000,darker_share,redder_share,corrected,method_version"
    );
    let measurement_rows: Vec<csv::StringRecord> = reader
        .records()
        .map(Result::unwrap)
        .filter(|r| &r[0] == "measurement")
        .collect();
    assert_eq!(measurement_rows.len(), measured);
    let first = &measurement_rows[0];
    assert_eq!(&first[23], "chin spot");
    assert_eq!(&first[24], baseline.as_str());
    let l: f64 = first[25].parse().unwrap();
    assert!((l - v["lab"][0].as_f64().unwrap()).abs() < 0.001);
    assert_eq!(&first[35], "no");
    assert_eq!(&first[36], "1");
}

/// A photo of skin with a colour checker chart in it, seen through a warm cast; and the corners.
pub(crate) fn card_photo(cast: &colour::Mat3) -> (Vec<u8>, [[f64; 2]; 4]) {
    let (w, h) = (900, 600);
    let mut image = skin(w, h, 11);
    let corners = Corners([[-0.30, -0.20], [0.15, -0.18], [0.16, 0.12], [-0.29, 0.10]]);
    draw_card(&mut image, CardKind::ColorChecker24, &corners, cast);
    let px = corners.0.map(|p| from_normalised(p, w, h));
    (skinlapse::imaging::derive::encode_jpeg(&image, 95), px)
}

#[test]
fn a_colour_checker_correction_is_stored_applied_and_flagged_in_the_pair_check() {
    let dir = tempfile::tempdir().unwrap();
    let lib = dir.path().join("lib");
    make_library(&lib);
    let inbox = dir.path().join("in");
    std::fs::create_dir_all(&inbox).unwrap();
    let cast = [[1.2, 0.05, 0.0], [0.03, 0.95, 0.02], [0.0, 0.04, 0.65]];
    let (jpeg, corners) = card_photo(&cast);
    write(&inbox, "with-card.jpg", &jpeg);
    write(
        &inbox,
        "plain.jpg",
        &skinlapse::imaging::derive::encode_jpeg(&skin(900, 600, 12), 95),
    );
    let o = skinlapse(
        dir.path(),
        &lib,
        &[
            "import",
            "--person",
            "Me",
            "--series",
            "Peel",
            "--view",
            "frontal",
            "--lighting",
            "standard",
            inbox.to_str().unwrap(),
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let photos = listed(dir.path(), &lib);
    let card_id = photos
        .iter()
        .find(|p| p["original_name"] == "with-card.jpg")
        .unwrap()["id"]
        .to_string();
    let plain_id = photos
        .iter()
        .find(|p| p["original_name"] == "plain.jpg")
        .unwrap()["id"]
        .to_string();
    let flat: Vec<String> = corners
        .iter()
        .flatten()
        .map(|v| format!("{v:.1}"))
        .collect();
    let o = skinlapse(
        dir.path(),
        &lib,
        &[
            "card",
            "--photo",
            &card_id,
            "--kind",
            "colorchecker-24",
            "--corners",
            &flat.join(","),
            "--json",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let fit: serde_json::Value = serde_json::from_str(stdout(&o).trim()).unwrap();
    assert_eq!(fit["patches"].as_array().unwrap().len(), 24);
    // JPEG compression and 8 bits leave a little; the cast itself was ΔE > 5.
    assert!(fit["mean_residual_de2000"].as_f64().unwrap() < 1.5, "{fit}");
    // Measure the light-skin patch (row 0, column 1) through the correction.
    let quad = corners;
    let at = |u: f64, v: f64| {
        // Bilinear in the quad is close enough to find the patch centre for a rectangle.
        let top = [
            quad[0][0] + (quad[1][0] - quad[0][0]) * u,
            quad[0][1] + (quad[1][1] - quad[0][1]) * u,
        ];
        let bottom = [
            quad[3][0] + (quad[2][0] - quad[3][0]) * u,
            quad[3][1] + (quad[2][1] - quad[3][1]) * u,
        ];
        [
            top[0] + (bottom[0] - top[0]) * v,
            top[1] + (bottom[1] - top[1]) * v,
        ]
    };
    let c = at(1.5 / 6.0, 0.5 / 4.0);
    let rect = format!("{},{},8,8", c[0] as u32 - 4, c[1] as u32 - 4);
    let o = skinlapse(
        dir.path(),
        &lib,
        &["measure", "--photo", &card_id, "--rect", &rect, "--json"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let m: serde_json::Value = serde_json::from_str(stdout(&o).trim()).unwrap();
    assert_eq!(m["corrected"], true);
    assert_eq!(m["card"]["kind"], "colorchecker-24");
    let lab = [0, 1, 2].map(|i| m["lab"][i].as_f64().unwrap());
    let reference = colour::linear_to_lab(colour::lab_d50_to_linear([64.66, 19.27, 17.50]));
    assert!(
        colour::ciede2000(lab, reference) < 2.0,
        "{lab:?} vs {reference:?}"
    );
    // The pair check says only one side is corrected.
    let o = skinlapse(
        dir.path(),
        &lib,
        &["align", "--before", &plain_id, "--after", &card_id],
    );
    assert!(
        stdout(&o).contains("warning: Only B has a reference card correction"),
        "{}",
        stdout(&o)
    );
    // Corners off the card are refused (exit 2), and removing works.
    let o = skinlapse(
        dir.path(),
        &lib,
        &[
            "card",
            "--photo",
            &plain_id,
            "--kind",
            "colorchecker-24",
            "--corners",
            &flat.join(","),
        ],
    );
    assert_eq!(o.status.code(), Some(2), "{}", stdout(&o));
    assert!(
        stderr(&o).contains("do not match the chart") || stderr(&o).contains("one colour"),
        "{}",
        stderr(&o)
    );
    let o = skinlapse(dir.path(), &lib, &["card", "--photo", &card_id, "--remove"]);
    assert!(stdout(&o).contains("removed the card correction"));
    let o = skinlapse(
        dir.path(),
        &lib,
        &["measure", "--photo", &card_id, "--rect", &rect, "--json"],
    );
    let m: serde_json::Value = serde_json::from_str(stdout(&o).trim()).unwrap();
    assert_eq!(m["corrected"], false);
}

#[test]
fn a_facial_region_is_measured_from_the_faces_landmarks_and_refused_without_a_face() {
    let dir = tempfile::tempdir().unwrap();
    let lib = dir.path().join("lib");
    make_library(&lib);
    let portrait =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/faces/astronaut.png");
    let skin = write(dir.path(), "skin.jpg", &jpeg(7));
    for path in [&portrait, &skin] {
        let o = skinlapse(dir.path(), &lib, &["import", path.to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    }
    let photos = listed(dir.path(), &lib);
    let id_of = |name: &str| {
        photos
            .iter()
            .find(|p| p["original_name"] == name)
            .unwrap_or_else(|| panic!("{name} listed"))["id"]
            .to_string()
    };
    let (face, no_face) = (id_of("astronaut.png"), id_of("skin.jpg"));
    let o = skinlapse(
        dir.path(),
        &lib,
        &[
            "measure",
            "--photo",
            &face,
            "--region",
            "Left cheek",
            "--json",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(stdout(&o).trim()).unwrap();
    // A cheek of a 512-px portrait: thousands of pixels of skin, neither black nor white.
    assert!(v["pixels"].as_u64().unwrap() > 500, "{v}");
    let l = v["lab"][0].as_f64().unwrap();
    assert!((30.0..90.0).contains(&l), "L* {l} is not skin: {v}");
    let o = skinlapse(
        dir.path(),
        &lib,
        &["measure", "--photo", &no_face, "--region", "left-cheek"],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains(&format!("photo {no_face} has no face landmarks")),
        "{}",
        stderr(&o)
    );
}

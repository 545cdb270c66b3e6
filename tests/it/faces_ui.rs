//! Faces in the app, driven like a user would through `egui_kittest`: the facial regions on
//! request in the viewer and the comparison (and why a photo has none), the fairest pair with
//! its reason and one click to compare it, de-identifying an export from its window, the
//! face scan with progress and Cancel, and the view the head pose suggests.

use crate::app::{harness, photo_label, send, settle};
use crate::compare::{compared, demo_with_me};
use crate::faces::two_photos;
use crate::support::TestLib;
use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use skinlapse::app::compare::fairest::FairestJob;
use skinlapse::app::{
    Action, BrowseCommand, Command, CompareCommand, FaceCommand, LibraryCommand, PhotoCommand,
};
use skinlapse::imaging::compose::ExportFormat;
use skinlapse::jobs::export::ExportRequest;
use skinlapse::model::clinical::{ConsentScope, Mode};
use skinlapse::model::deidentify::{Deidentify, NameStyle};
use skinlapse::model::regions::FacialRegion;
use skinlapse::model::{Keyed, PhotoId, View};
use skinlapse::ui::App;

fn region_label(region: FacialRegion, side: Option<&str>) -> String {
    match side {
        Some(side) => format!("Facial region {} ({side})", region.label()),
        None => format!("Facial region {}", region.label()),
    }
}

fn regions_drawn(h: &Harness<'static, App>, side: Option<&str>) -> usize {
    FacialRegion::ALL
        .iter()
        .filter(|r| h.query_by_label(&region_label(**r, side)).is_some())
        .count()
}

/// A flat skin photo (no face) imported beside the two portraits; its id.
fn skin_photo(lib: &TestLib) -> PhotoId {
    let skin = lib.inbox().join("skin.jpg");
    std::fs::write(&skin, crate::support::jpeg(5)).unwrap();
    let (_, results) = lib.import_plain(&[skin]);
    match &results[0].outcome {
        skinlapse::jobs::Outcome::Imported { id, .. } => *id,
        other => panic!("{other:?}"),
    }
}

#[test]
fn facial_regions_are_drawn_on_request_in_the_viewer_and_both_sides_of_a_comparison() {
    let lib = TestLib::new();
    let (a, b) = two_photos(&lib, 20.0);
    let skin = skin_photo(&lib);
    let mut h = harness(&lib.root());
    send(&mut h, BrowseCommand::OpenPhoto(a));
    assert_eq!(regions_drawn(&h, None), 0, "off until asked for");
    h.get_by_label("Facial regions").click();
    settle(&mut h);
    assert!(h.state().state.faces.show_regions);
    assert_eq!(regions_drawn(&h, None), 10, "all ten, labelled");
    // The key turns them off and on again.
    h.key_press_modifiers(Modifiers::SHIFT, Key::R);
    settle(&mut h);
    assert_eq!(regions_drawn(&h, None), 0);
    h.key_press_modifiers(Modifiers::SHIFT, Key::R);
    settle(&mut h);
    // A photo without a face says why there are none.
    send(&mut h, BrowseCommand::OpenPhoto(skin));
    assert_eq!(regions_drawn(&h, None), 0);
    assert!(
        h.query_by_label("No regions: no face found on this photo.")
            .is_some()
    );
    // The comparison: A's regions and B's (through the alignment) in every overlaid mode.
    send(&mut h, CompareCommand::Photos(a, b));
    for mode in [Action::ModeSideBySide, Action::ModeOverlay] {
        send(&mut h, mode);
        assert_eq!(regions_drawn(&h, Some("A")), 10, "{mode:?}");
        assert!(regions_drawn(&h, Some("B")) >= 8, "{mode:?}: B's too");
    }
    // The slider: A's regions before the divider, B's after it.
    send(&mut h, Action::ModeSlider);
    let (on_a, on_b) = (regions_drawn(&h, Some("A")), regions_drawn(&h, Some("B")));
    assert!(on_a > 0 && on_b > 0 && on_a + on_b >= 9, "{on_a} + {on_b}");
    // The key is in the shortcut list.
    send(&mut h, Action::ToggleHelp);
    assert!(h.query_by_label("Shift+R").is_some());
    send(&mut h, Action::ToggleHelp);
    // B has no face: A's regions stay, and the row says why B has none.
    send(&mut h, CompareCommand::Set(skinlapse::model::Side::B, skin));
    send(&mut h, Action::ModeSideBySide);
    assert_eq!(regions_drawn(&h, Some("A")), 10);
    assert_eq!(regions_drawn(&h, Some("B")), 0);
    assert!(
        h.query_by_label("No regions on B: no face found on this photo.")
            .is_some()
    );
}

#[test]
fn the_fairest_pair_shows_with_its_reason_and_one_click_compares_it() {
    let (_dir, mut h) = demo_with_me();
    h.get_by_label_contains("Home microneedling ·").click();
    settle(&mut h);
    h.get_by_label("Compare baseline and latest").click();
    settle(&mut h);
    let shown = compared(&h);
    let job: &FairestJob = h.state().state.compare.fairest.as_ref().expect("proposed");
    let proposal = job
        .result
        .as_ref()
        .expect("done")
        .as_ref()
        .expect("no error")
        .clone()
        .expect("a pair");
    let fairest = (proposal.pair.before, proposal.pair.after);
    assert_ne!(
        fairest, shown,
        "the latest photo is 5 days after a treatment"
    );
    assert!(
        proposal.reason.contains("days after a treatment"),
        "{}",
        proposal.reason
    );
    // On screen: the reason, and the button.
    assert!(h.query_by_label_contains(&proposal.reason).is_some());
    h.get_by_label("Compare this pair").click();
    settle(&mut h);
    assert_eq!(compared(&h), fairest);
    assert!(
        h.query_by_label_contains("This is the fairest pair of the view")
            .is_some()
    );
    assert!(h.query_by_label("Compare this pair").is_none());
}

#[test]
fn de_identify_in_the_export_window_changes_the_request_and_keeps_the_name_out_of_the_file() {
    let lib = TestLib::new();
    let (a, b) = two_photos(&lib, 0.0);
    let mut h = harness(&lib.root());
    // Personal mode first (a clinic starts in clinic mode), then clinic mode below.
    crate::app::in_personal_mode(&mut h);
    send(&mut h, CompareCommand::Photos(a, b));
    h.key_press_modifiers(Modifiers::COMMAND, Key::E);
    settle(&mut h);
    let save = |h: &Harness<'static, App>| {
        let state = &h.state().state;
        let c = state.nav.comparison().unwrap();
        h.state().panels().compare.export.save_command(state, c)
    };
    let asked = |command: &CompareCommand| match command {
        CompareCommand::ChooseExportFile { deidentify, .. } => *deidentify,
        other => panic!("{other:?}"),
    };
    // Personal library: off by default, the name in the file name.
    assert_eq!(asked(&save(&h)), Deidentify::No);
    let file_name = |h: &Harness<'static, App>, style| {
        let c = h.state().state.nav.comparison().unwrap();
        c.export_file_name(ExportFormat::Png, style)
    };
    assert!(file_name(&h, None).starts_with("Jane-Doe_"));
    h.get_by_label("De-identify").click();
    settle(&mut h);
    assert_eq!(asked(&save(&h)), Deidentify::Yes(NameStyle::CaseNumber));
    h.get_by_label("Initials").click();
    settle(&mut h);
    let command = save(&h);
    assert_eq!(asked(&command), Deidentify::Yes(NameStyle::Initials));
    // The file "Save as…" offers, written as the window asked.
    let name = file_name(&h, Some(NameStyle::Initials));
    assert!(name.starts_with("J-D_"), "{name}");
    assert!(!name.contains("Jane") && !name.contains("Doe"), "{name}");
    let CompareCommand::ChooseExportFile {
        kind,
        width,
        purpose,
        deidentify,
        ..
    } = command
    else {
        unreachable!()
    };
    let out = lib.dir.path().join(&name);
    send(
        &mut h,
        CompareCommand::Export(ExportRequest {
            kind,
            width,
            out: out.clone(),
            purpose,
            deidentify,
        }),
    );
    let job = h.state().state.compare.export.as_ref().unwrap();
    job.outcome.as_ref().unwrap().as_ref().expect("exported");
    assert!(out.exists());
    send(&mut h, CompareCommand::DismissExport);
    // Clinic mode: marketing is de-identified by default, with a case number.
    send(&mut h, LibraryCommand::SetMode(Mode::Clinic));
    send(&mut h, CompareCommand::ShowExport(true));
    assert_eq!(asked(&save(&h)), Deidentify::No, "no purpose yet");
    h.get_by_label(ConsentScope::Marketing.label()).click();
    settle(&mut h);
    assert_eq!(
        asked(&save(&h)),
        Deidentify::Yes(NameStyle::Initials),
        "ticked by the purpose, the style chosen before kept"
    );
}

#[test]
fn the_face_scan_finds_faces_on_older_photos_with_progress_and_cancel() {
    let lib = TestLib::new();
    let (a, b) = two_photos(&lib, 0.0);
    // As if imported before faces were found at import.
    skinlapse::testing::execute_sql(&lib.root(), "DELETE FROM face");
    let mut h = harness(&lib.root());
    send(&mut h, CompareCommand::Photos(a, b));
    send(&mut h, Action::ToggleFaceRegions);
    assert!(
        h.query_by_label("No regions on A: not scanned for faces yet (File menu: Find faces…).")
            .is_some()
    );
    // Cancelled at once: everything left for the next scan.
    h.state_mut().send(Action::ScanFaces);
    h.state_mut().send(FaceCommand::CancelScan);
    settle(&mut h);
    let summary = scan_summary(&h);
    assert!(summary.cancelled);
    assert!(summary.not_started >= 1, "{summary:?}");
    // In the scan's window and in the status bar.
    assert!(
        h.query_all_by_label_contains("left for the next scan")
            .count()
            >= 2
    );
    h.get_by_label("Close").click();
    settle(&mut h);
    assert!(h.state().state.faces.scan.is_none());
    // From the File menu, to the end.
    h.get_by_label("File").click();
    h.run_steps(2);
    h.get_by_label("Find faces…").click();
    settle(&mut h);
    let summary = scan_summary(&h);
    assert!(!summary.cancelled);
    assert_eq!(summary.with_face, summary.scanned);
    let text = skinlapse::app::faces::scan_text(&summary);
    assert!(h.query_by_label(&text).is_some(), "{text}");
    let mut cat = lib.library.catalogue().unwrap();
    assert!(cat.photos_without_face_scan().unwrap().is_empty());
    // What it found shows at once: the comparison's regions.
    assert_eq!(regions_drawn(&h, Some("A")), 10);
    assert_eq!(regions_drawn(&h, Some("B")), 10);
}

fn scan_summary(h: &Harness<'static, App>) -> skinlapse::jobs::faces::FaceScanSummary {
    h.state()
        .state
        .faces
        .scan
        .as_ref()
        .expect("a scan")
        .outcome
        .as_ref()
        .expect("finished")
        .as_ref()
        .expect("no error")
        .clone()
}

#[test]
fn the_view_suggested_by_the_pose_is_accepted_in_one_click_and_undone() {
    let lib = TestLib::new();
    let (a, _) = two_photos(&lib, 0.0);
    let mut h = harness(&lib.root());
    h.get_by_label_contains(&photo_label(a)).click();
    settle(&mut h);
    // Frontal as stored and as suggested: nothing to suggest.
    assert!(
        h.query_by_label_contains("Suggested from the head pose")
            .is_none()
    );
    send(&mut h, PhotoCommand::SetView(Some(View::LeftProfile)));
    let suggestion = format!("Suggested from the head pose: {}", View::Frontal.label());
    assert!(h.query_by_label(&suggestion).is_some());
    let view = |h: &Harness<'static, App>| {
        let mut cat = h
            .state()
            .state
            .library
            .library()
            .unwrap()
            .catalogue()
            .unwrap();
        cat.photo(a).unwrap().view
    };
    assert_eq!(view(&h), Some(View::LeftProfile));
    h.get_by_label("Accept").click();
    settle(&mut h);
    assert_eq!(view(&h), Some(View::Frontal));
    assert!(h.query_by_label(&suggestion).is_none());
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    settle(&mut h);
    assert_eq!(view(&h), Some(View::LeftProfile), "undone");
    assert!(h.query_by_label(&suggestion).is_some());
    send(&mut h, Command::Action(Action::Back));
}

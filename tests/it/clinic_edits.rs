//! Editing on a clinic library, in the real app against the throwaway PostgreSQL cluster:
//! what an assistant sees of a series page, and a save over another workstation's change
//! refused naming that workstation's user.

use crate::app::send;
use crate::clinic_app::{ClinicLib, add_user, sign_in};
use egui_kittest::kittest::Queryable;
use skinlapse::app::PeopleCommand;
use skinlapse::app::record::{PersonCommand, RecordCommand};
use skinlapse::catalogue::clinic::Role;
use skinlapse::catalogue::{Catalogue, NewGrade, NewSession};
use skinlapse::model::clinical::GradeScale;

/// Ann (admin) has a patient with a series, a session and a grade.
fn patient_with_a_graded_session(clinic: &ClinicLib) -> skinlapse::model::SeriesId {
    clinic.import("ann", "ann-secret", 1);
    let mut ann =
        Catalogue::open_clinic(&clinic.server, &clinic.name("ann"), "ann-secret").unwrap();
    let person = ann.people().unwrap()[0].id;
    let series = ann.add_series(person, "Peel").unwrap();
    let session = ann
        .add_session(&NewSession {
            series: Some(series),
            date: chrono::NaiveDate::from_ymd_opt(2026, 3, 1),
            ..NewSession::default()
        })
        .unwrap();
    ann.add_grade(&NewGrade {
        session: Some(session),
        photo: None,
        scale: GradeScale::Gais,
        custom_name: None,
        value: Some(2.0),
        mmasi_regions: None,
        notes: String::new(),
    })
    .unwrap();
    series
}

/// An assistant may not read grades, side effects or contraindications (the database
/// refuses them): the series page opens without them, saying calmly why, not as an error.
#[test]
fn an_assistant_sees_the_series_page_without_the_grades_and_a_calm_line_why() {
    let clinic = ClinicLib::new();
    let series = patient_with_a_graded_session(&clinic);
    add_user(&clinic, "cat", Role::Assistant);
    let mut h = clinic.app(Some("cat"));
    sign_in(&mut h, "cat-secret");
    let before = h.state().state.notices.len();
    send(&mut h, RecordCommand::Open(series));
    let state = &h.state().state;
    let errors: Vec<_> = state
        .notices
        .iter()
        .skip(before)
        .map(|n| n.text.clone())
        .collect();
    assert!(errors.is_empty(), "no refusal: {errors:?}");
    let page = state.nav.record().expect("the page is open");
    assert!(!page.clinical);
    assert_eq!(page.sessions.len(), 1, "the sessions are there");
    assert!(page.grades.is_empty() && page.side_effects.is_empty());
    assert!(
        h.query_by_label(skinlapse::ui::CLINICAL_NOT_SHOWN)
            .is_some(),
        "the calm line says why"
    );
    assert!(h.query_by_label("Grades over time").is_none());
    assert!(h.query_by_label("Add a grade").is_none());
    // The person record likewise: the skin type, and a calm line for the rest.
    let person = page.person.id;
    send(&mut h, PersonCommand::Open(person));
    let record = h
        .state()
        .state
        .nav
        .person_record()
        .expect("the record opens");
    assert!(!record.clinical && record.contraindications.is_empty());
    assert_eq!(h.state().state.notices.len(), before, "no refusal");
    assert!(h.query_by_label(skinlapse::ui::RECORD_NOT_SHOWN).is_some());

    // A clinician sees the grade.
    add_user(&clinic, "bob", Role::Clinician);
    let mut h = clinic.app(Some("bob"));
    sign_in(&mut h, "bob-secret");
    send(&mut h, RecordCommand::Open(series));
    let page = h.state().state.nav.record().unwrap();
    assert!(page.clinical);
    assert_eq!(page.grades.len(), 1);
    assert!(h.query_by_label("Grades over time").is_some());
    assert!(
        h.query_by_label(skinlapse::ui::CLINICAL_NOT_SHOWN)
            .is_none()
    );
}

/// Two workstations: ann renames the patient at the front desk, bob (from the list he read
/// before) renames them too. His is refused naming ann; hers stays and is shown; his next
/// rename, from what he sees now, goes through.
#[test]
fn a_rename_over_another_workstations_change_is_refused_naming_its_user() {
    let clinic = ClinicLib::new();
    clinic.import("ann", "ann-secret", 1);
    add_user(&clinic, "bob", Role::Clinician);
    let mut h = clinic.app(Some("bob"));
    sign_in(&mut h, "bob-secret");
    let person = h.state().state.overview.people[0].id;
    let mut ann =
        Catalogue::open_clinic(&clinic.server, &clinic.name("ann"), "ann-secret").unwrap();
    ann.rename_person(person, "Alex Moreau-Diaz").unwrap();
    // Bob saves before the app has shown ann's change (it refreshes on its own within a
    // second or so): run at once, not after a frame that could refresh first.
    h.state_mut()
        .send(PeopleCommand::Rename(person, "Alexandra Moreau".into()));
    h.state_mut().state.run_queued();
    crate::app::settle(&mut h);
    let said = h.state().state.notices.last().unwrap().text.clone();
    assert!(
        said.starts_with(&format!(
            "Rename: person \u{201c}Alex Moreau-Diaz\u{201d} was changed by {} at ",
            clinic.name("ann")
        )),
        "{said}"
    );
    assert_eq!(ann.person(person).unwrap().name, "Alex Moreau-Diaz");
    assert_eq!(h.state().state.overview.people[0].name, "Alex Moreau-Diaz");

    send(
        &mut h,
        PeopleCommand::Rename(person, "Alexandra Moreau".into()),
    );
    assert_eq!(ann.person(person).unwrap().name, "Alexandra Moreau");
}

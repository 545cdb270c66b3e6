//! Composite commands are one transaction each and refuse with a named, typed error: a
//! refused command leaves nothing behind, and a corrected retry works.

use crate::support::*;
use skinlapse::catalogue::{CatalogueError, NewSession, SeriesPlan};
use skinlapse::model::clinical::{ConsentScope, Contraindication, Mode};
use skinlapse::model::rules::Refusal;
use skinlapse::model::{PersonId, SeriesStatus, SessionKind};

fn day(d: u32) -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(2026, 3, d).unwrap()
}

fn plan(title: &str, planned: u32) -> SeriesPlan {
    SeriesPlan {
        title: title.into(),
        planned_sessions: Some(planned),
        interval_days: Some(28),
        start_date: None,
        status: SeriesStatus::Active,
        notes: String::new(),
    }
}

#[test]
fn a_refused_series_plan_creates_neither_person_nor_series_and_the_retry_works() {
    let dir = tempfile::tempdir().unwrap();
    let lib = dir.path().join("lib");
    make_library(&lib);
    let add = |planned: &str| {
        skinlapse(
            dir.path(),
            &lib,
            &[
                "series",
                "add",
                "--person",
                "Ines",
                "--title",
                "Peel",
                "--planned",
                planned,
            ],
        )
    };
    let refused = add("1000");
    assert_eq!(refused.status.code(), Some(2));
    assert!(
        stderr(&refused).contains("planned sessions: 1000 is outside 1–100"),
        "{}",
        stderr(&refused)
    );
    let library = open(&lib);
    assert!(library.catalogue().unwrap().people().unwrap().is_empty());
    let retry = add("6");
    assert!(retry.status.success(), "{}", stderr(&retry));
    assert_eq!(stdout(&retry).trim(), "series 1");
    let mut cat = library.catalogue().unwrap();
    let ines = cat.person_by_name("Ines").unwrap().unwrap();
    let series = cat.series_of(ines.id).unwrap();
    assert_eq!(series.len(), 1);
    assert_eq!(series[0].planned_sessions, Some(6));
}

#[test]
fn refusals_are_typed() {
    let t = TestLib::new();
    let mut cat = t.library.catalogue().unwrap();
    let err = cat
        .add_series_with_plan("Ann", &plan("Peel", 0))
        .unwrap_err();
    assert!(matches!(
        err,
        CatalogueError::Refused(Refusal::PlannedSessions(0))
    ));
    let (ann, series) = cat.add_series_with_plan("Ann", &plan("Peel", 4)).unwrap();
    cat.note_contraindication(ann, Contraindication::Pregnancy, day(1), "")
        .unwrap();
    let session = |date, ack| NewSession {
        series: Some(series),
        date: Some(date),
        kind: Some(SessionKind::Treatment),
        acknowledge_contraindications: ack,
        ..NewSession::default()
    };
    let err = cat.add_session(&session(day(2), false)).unwrap_err();
    match err {
        CatalogueError::Refused(Refusal::Contraindicated { date, active }) => {
            assert_eq!(date, day(2));
            assert_eq!(active, vec![(Contraindication::Pregnancy, day(1))]);
        }
        other => panic!("expected a typed refusal, got {other}"),
    }
    assert!(cat.sessions_of(series).unwrap().is_empty());
    cat.add_session(&session(day(2), true)).unwrap();
    assert!(matches!(
        cat.add_session(&session(day(2), true)),
        Err(CatalogueError::Refused(Refusal::SessionExists(_)))
    ));
    cat.set_mode(Mode::Clinic).unwrap();
    assert!(matches!(
        cat.check_consent(ann, None, day(3)),
        Err(CatalogueError::Refused(Refusal::PurposeRequired))
    ));
    assert!(matches!(
        cat.check_consent(ann, Some(ConsentScope::Education), day(3)),
        Err(CatalogueError::Refused(Refusal::NoConsent { .. }))
    ));
    assert!(matches!(
        cat.check_consent(PersonId(99), Some(ConsentScope::Education), day(3)),
        Err(CatalogueError::NotFound { what: "person", .. })
    ));
}

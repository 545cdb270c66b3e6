//! One clinic's day through the public `Catalogue` operations the module tests leave out, on
//! whichever backend `SKINLAPSE_TEST_BACKEND` chooses: the SQL each runs must mean the same
//! on SQLite and PostgreSQL (id lists, upserts, the trash's purge, the grid's order).

use super::photos::tests::new_photo;
use super::*;
use crate::model::clinical::{ConsentScope, Contraindication, Mode};
use crate::model::{SeriesStatus, View};
use chrono::NaiveDate;

fn day(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 3, d).unwrap()
}

fn import(cat: &mut Catalogue, seed: &str, spec: &AssignmentSpec) -> crate::model::PhotoId {
    let new = new_photo(seed.as_bytes());
    let a = cat.resolve_assignment(spec).unwrap();
    assert_eq!(
        cat.claim_import(&new.hash, "station-1", "jpg").unwrap(),
        Claim::Claimed
    );
    cat.finish_import(&new, &a, "station-1", || {}).unwrap()
}

#[test]
fn a_clinic_day_reads_and_writes_the_same_on_either_backend() {
    let mut cat = crate::testing::catalogue();
    let (person, series) = cat
        .add_series_with_plan(
            "Ada Lovelace",
            &SeriesPlan {
                title: "Microneedling".into(),
                planned_sessions: Some(4),
                interval_days: Some(28),
                start_date: Some(day(1)),
                status: SeriesStatus::Active,
                notes: String::new(),
            },
        )
        .unwrap();
    assert_eq!(
        cat.person_by_name("ADA lovelace").unwrap().unwrap().id,
        person
    );
    let spec = |date: NaiveDate, view: View| AssignmentSpec {
        person: Some("ada lovelace".into()),
        series: Some("microneedling".into()),
        session: Some(date),
        areas: vec!["forehead".into()],
        view: Some(view),
        ..AssignmentSpec::default()
    };
    let a = import(&mut cat, "a", &spec(day(1), View::Frontal));
    let b = import(&mut cat, "b", &spec(day(29), View::Frontal));
    let c = import(&mut cat, "c", &spec(day(29), View::LeftProfile));
    assert_eq!(cat.people().unwrap().len(), 1, "names fold ASCII case");
    assert_eq!(cat.series_of(person).unwrap().len(), 1);

    // The protocol, the sessions' facts (an id list) and the grid's page.
    cat.set_required_views(series, &[View::Frontal, View::LeftProfile])
        .unwrap();
    let sessions = cat.sessions_of(series).unwrap();
    assert_eq!(sessions.len(), 2);
    let ids: Vec<_> = sessions.iter().map(|s| s.id).collect();
    let facts = cat.session_facts(&ids).unwrap();
    assert_eq!(facts[&ids[0]].number, 1);
    assert_eq!(facts[&ids[1]].number, 2);
    assert_eq!(facts[&ids[1]].days_in(), 28);
    assert_eq!(facts[&ids[0]].completeness.missing, vec![View::LeftProfile]);
    assert!(facts[&ids[1]].completeness.missing.is_empty());
    let filter = PhotoFilter {
        person: Some(person),
        ..PhotoFilter::default()
    };
    let page = cat.grid_page(&filter, SortOrder::OldestFirst).unwrap();
    let order: Vec<_> = page.items.iter().map(|i| i.id).collect();
    assert_eq!(order[0], a);
    assert_eq!(order.len(), 3);
    assert_eq!(page.sessions.len(), 2);
    let summary = cat.selection_summary(&[b, c]).unwrap();
    assert_eq!(summary.count, 2);
    assert_eq!(summary.person, Common::Same(Some(person)));
    assert_eq!(summary.view, Common::Mixed);
    let details = cat.photo_details(b).unwrap();
    assert_eq!(details.person_name.as_deref(), Some("Ada Lovelace"));
    assert_eq!(details.session_date, Some(day(29)));
    assert_eq!(cat.photo_counts_by_person().unwrap()[&person], 3);
    let pair = cat.compare_pair(a, b).unwrap();
    assert_eq!((pair.a.photo.id, pair.b.photo.id), (a, b));
    assert_eq!(cat.series_photos(series).unwrap().sessions.len(), 2);

    // The clinical record: mode, consent, contraindications (upserts keep one row per key).
    cat.set_mode(Mode::Clinic).unwrap();
    cat.set_mode(Mode::Clinic).unwrap();
    assert_eq!(cat.mode().unwrap(), Mode::Clinic);
    assert!(
        cat.check_consent(person, Some(ConsentScope::Education), day(30))
            .is_err()
    );
    cat.give_consent(person, ConsentScope::Education, day(2), "signed")
        .unwrap();
    cat.give_consent(person, ConsentScope::Education, day(3), "signed again")
        .unwrap();
    assert_eq!(cat.consents(person).unwrap().len(), 1);
    cat.check_consent(person, Some(ConsentScope::Education), day(30))
        .unwrap();
    cat.note_contraindication(person, Contraindication::Keloid, day(2), "")
        .unwrap();
    cat.note_contraindication(person, Contraindication::Keloid, day(3), "again")
        .unwrap();
    assert_eq!(cat.contraindications(person).unwrap().len(), 1);
    let e = cat
        .add_session(&NewSession {
            series: Some(series),
            date: Some(day(31)),
            ..NewSession::default()
        })
        .unwrap_err();
    assert!(matches!(e, CatalogueError::Refused(_)), "{e:?}");
    cat.set_skin_type(person, Some(3)).unwrap();
    assert_eq!(cat.person(person).unwrap().fitzpatrick, Some(3));

    // The trash and the purge journal.
    assert_eq!(cat.trash(&[c]).unwrap(), 1);
    assert_eq!(cat.trash_count().unwrap(), 1);
    let trashed = cat
        .grid_page(
            &PhotoFilter {
                trashed: true,
                ..PhotoFilter::default()
            },
            SortOrder::NewestFirst,
        )
        .unwrap();
    assert_eq!(trashed.items.len(), 1);
    let (purged, files) = cat.begin_purge().unwrap();
    assert_eq!((purged, files.len()), (1, 1));
    assert_eq!(cat.pending_purges().unwrap(), files);
    let hashes: Vec<_> = files.iter().map(|(h, _)| h.clone()).collect();
    cat.finish_purge(&hashes).unwrap();
    assert!(cat.pending_purges().unwrap().is_empty());
    assert_eq!(cat.list_photos(Some(person)).unwrap().len(), 2);

    // Import claims, released and dropped.
    let pending = new_photo(b"never finished");
    cat.claim_import(&pending.hash, "station-2", "jpg").unwrap();
    assert_eq!(cat.claim_owners().unwrap(), vec!["station-2".to_owned()]);
    assert_eq!(cat.claims_of("station-2").unwrap().len(), 1);
    cat.drop_claims_of("station-2").unwrap();
    assert!(cat.claim_owners().unwrap().is_empty());
}

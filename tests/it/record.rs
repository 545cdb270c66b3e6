//! The clinical record: series plans, sessions with device settings and the
//! contraindication check, grades on every scale, side effects, consent, CSV and the CLI.

use crate::support::*;
use skinlapse::catalogue::{AssignmentSpec, Catalogue, NewGrade, NewSession, SeriesPlan};
use skinlapse::model::clinical::{
    ConsentScope, Contraindication, DeviceKind, GradeScale, SideEffectKind,
};
use skinlapse::model::{Keyed, SeriesId, SeriesStatus, SessionKind};

fn day(d: &str) -> chrono::NaiveDate {
    d.parse().unwrap()
}

fn series(cat: &mut Catalogue) -> (skinlapse::model::PersonId, SeriesId) {
    let a = cat
        .resolve_assignment(&AssignmentSpec {
            person: Some("Dana".into()),
            series: Some("Microneedling".into()),
            ..AssignmentSpec::default()
        })
        .unwrap();
    (a.person.unwrap(), a.series.unwrap())
}

fn session(series: SeriesId, date: &str) -> NewSession {
    NewSession {
        series: Some(series),
        date: Some(day(date)),
        ..NewSession::default()
    }
}

#[test]
fn series_and_sessions_round_trip_with_every_field_and_validation() {
    let mut cat = skinlapse::testing::catalogue();
    let (person, id) = series(&mut cat);
    let plan = SeriesPlan {
        title: "Microneedling, acne scars".into(),
        planned_sessions: Some(6),
        interval_days: Some(35),
        start_date: Some(day("2026-01-05")),
        status: SeriesStatus::Active,
        notes: "cheeks".into(),
    };
    cat.update_series(id, &plan).unwrap();
    let s = cat.series_of(person).unwrap().remove(0);
    assert_eq!(
        (
            s.title.as_str(),
            s.planned_sessions,
            s.interval_days,
            s.start_date
        ),
        (
            "Microneedling, acne scars",
            Some(6),
            Some(35),
            Some(day("2026-01-05"))
        )
    );
    for (bad, field) in [
        (
            SeriesPlan {
                planned_sessions: Some(0),
                ..plan.clone()
            },
            "planned sessions: 0 is outside 1–100",
        ),
        (
            SeriesPlan {
                interval_days: Some(4000),
                ..plan.clone()
            },
            "interval: 4000 days is outside 1–3650",
        ),
        (
            SeriesPlan {
                title: " ".into(),
                ..plan.clone()
            },
            "title: must not be empty",
        ),
    ] {
        assert_eq!(cat.update_series(id, &bad).unwrap_err().to_string(), field);
    }
    let full = NewSession {
        device_kind: Some(DeviceKind::Pen),
        device: "Dr. Pen A6".into(),
        needle_depth_mm: Some(1.5),
        passes: Some(4),
        products: "hyaluronic serum".into(),
        numbing: "lidocaine 5 %".into(),
        practitioner: "J. Ortiz".into(),
        cost_cents: Some(12_050),
        currency: Some("eur".into()),
        notes: "tolerated well".into(),
        ..session(id, "2026-01-05")
    };
    let sid = cat.add_session(&full).unwrap();
    let back = cat.sessions_of(id).unwrap().remove(0);
    assert_eq!(back.id, sid);
    assert_eq!(
        back.kind,
        SessionKind::Baseline,
        "the first session is the baseline"
    );
    assert_eq!(back.device_kind, Some(DeviceKind::Pen));
    assert_eq!(
        (back.device.as_str(), back.needle_depth_mm, back.passes),
        ("Dr. Pen A6", Some(1.5), Some(4))
    );
    assert_eq!(
        (back.cost_cents, back.currency.as_deref()),
        (Some(12_050), Some("EUR"))
    );
    assert_eq!(back.contraindications_acknowledged, None);
    for (bad, message) in [
        (
            NewSession {
                needle_depth_mm: Some(3.5),
                ..session(id, "2026-02-09")
            },
            "needle depth: 3.5 mm is outside 0.1–3.0 mm",
        ),
        (
            NewSession {
                needle_depth_mm: Some(0.0),
                ..session(id, "2026-02-09")
            },
            "outside 0.1–3.0 mm",
        ),
        (
            NewSession {
                currency: Some("euro".into()),
                ..session(id, "2026-02-09")
            },
            "currency: \"euro\" is not a three-letter code",
        ),
        (
            NewSession {
                passes: Some(500),
                ..session(id, "2026-02-09")
            },
            "passes: 500 is outside 0–100",
        ),
        (
            session(id, "2026-01-05"),
            "date: the series already has a session on 2026-01-05",
        ),
        (
            session(SeriesId(99), "2026-01-05"),
            "series 99 does not exist",
        ),
    ] {
        let e = cat.add_session(&bad).unwrap_err().to_string();
        assert!(e.contains(message), "{e}");
    }
    assert_eq!(
        cat.sessions_of(id).unwrap().len(),
        1,
        "nothing half-written"
    );
}

#[test]
fn an_active_contraindication_must_be_acknowledged_and_the_acknowledgement_is_recorded() {
    let mut cat = skinlapse::testing::catalogue();
    let (person, id) = series(&mut cat);
    cat.add_session(&session(id, "2026-01-05")).unwrap();
    cat.note_contraindication(person, Contraindication::Pregnancy, day("2026-01-20"), "")
        .unwrap();
    let refused = cat
        .add_session(&session(id, "2026-02-09"))
        .unwrap_err()
        .to_string();
    assert!(
        refused.contains(
            "contraindications: active on 2026-02-09: Pregnancy (noted 2026-01-20); acknowledge"
        ),
        "{refused}"
    );
    // A follow-up visit is no treatment: no check.
    cat.add_session(&NewSession {
        kind: Some(SessionKind::FollowUp),
        ..session(id, "2026-02-10")
    })
    .unwrap();
    let sid = cat
        .add_session(&NewSession {
            acknowledge_contraindications: true,
            ..session(id, "2026-02-09")
        })
        .unwrap();
    let s = cat
        .sessions_of(id)
        .unwrap()
        .into_iter()
        .find(|s| s.id == sid)
        .unwrap();
    assert!(
        s.contraindications_acknowledged
            .unwrap()
            .starts_with("Pregnancy (noted 2026-01-20) acknowledged on ")
    );
    // Resolved before the session: no longer in the way.
    cat.resolve_contraindication(person, Contraindication::Pregnancy, day("2026-03-01"))
        .unwrap();
    cat.add_session(&session(id, "2026-03-16")).unwrap();
    let listed = cat.contraindications(person).unwrap();
    assert_eq!(listed[0].resolved_on, Some(day("2026-03-01")));
    assert!(listed[0].active_on(day("2026-02-01")) && !listed[0].active_on(day("2026-03-02")));
}

#[test]
fn grades_side_effects_and_consent_round_trip_and_csv_parses_back() {
    let mut cat = skinlapse::testing::catalogue();
    let (person, id) = series(&mut cat);
    let s1 = cat.add_session(&session(id, "2026-01-05")).unwrap();
    let s2 = cat
        .add_session(&NewSession {
            needle_depth_mm: Some(1.0),
            device_kind: Some(DeviceKind::Roller),
            ..session(id, "2026-02-09")
        })
        .unwrap();
    let grade = |scale, value: f64, session| NewGrade {
        session: Some(session),
        photo: None,
        scale,
        custom_name: None,
        value: Some(value),
        mmasi_regions: None,
        notes: String::new(),
    };
    for (scale, good, bad) in [
        (GradeScale::GoodmanBaron, 3.0, 5.0),
        (GradeScale::Glogau, 2.0, 0.0),
        (GradeScale::FitzpatrickWrinkle, 2.0, 4.0),
        (GradeScale::Gais, 2.0, 6.0),
        (GradeScale::Satisfaction, 8.0, 11.0),
    ] {
        cat.add_grade(&grade(scale, good, s2)).unwrap();
        let e = cat
            .add_grade(&grade(scale, bad, s2))
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with(&format!("value: {}: {bad} is outside", scale.key())),
            "{e}"
        );
    }
    cat.add_grade(&grade(GradeScale::GoodmanBaron, 4.0, s1))
        .unwrap();
    let mmasi = NewGrade {
        mmasi_regions: Some("3x2,4x3,4x3,1x1".into()),
        ..grade(GradeScale::Mmasi, 0.0, s1)
    };
    cat.add_grade(&mmasi).unwrap();
    let e = cat
        .add_grade(&NewGrade {
            mmasi_regions: Some("7x2,4x3,4x3,1x1".into()),
            ..mmasi.clone()
        })
        .unwrap_err()
        .to_string();
    assert_eq!(e, "mmasi: forehead area: 7 is outside 0–6");
    let e = cat
        .add_grade(&grade(GradeScale::Custom, 2.0, s1))
        .unwrap_err()
        .to_string();
    assert_eq!(e, "name: an own scale needs a name");
    cat.add_grade(&NewGrade {
        custom_name: Some("Redness score".into()),
        ..grade(GradeScale::Custom, 2.0, s1)
    })
    .unwrap();
    let grades = cat.grades_of_series(id).unwrap();
    assert_eq!(
        grades.len(),
        8,
        "five scales, Goodman & Baron at baseline, mMASI, own"
    );
    let m = grades
        .iter()
        .find(|g| g.scale == GradeScale::Mmasi)
        .unwrap();
    assert!((m.value - 9.1).abs() < 1e-9);
    assert_eq!(
        (m.detail.as_str(), m.date),
        ("3x2,4x3,4x3,1x1", day("2026-01-05"))
    );
    assert!(grades.windows(2).all(|w| w[0].date <= w[1].date));

    cat.add_side_effect(s2, SideEffectKind::Redness, 2, 1, "faded by day 3")
        .unwrap();
    cat.add_side_effect(s2, SideEffectKind::Flaking, 1, 3, "")
        .unwrap();
    assert_eq!(
        cat.add_side_effect(s2, SideEffectKind::Swelling, 4, 1, "")
            .unwrap_err()
            .to_string(),
        "severity: 4 is outside 0–3"
    );
    assert!(
        cat.add_side_effect(s2, SideEffectKind::Swelling, 1, -1, "")
            .is_err()
    );
    let effects = cat.side_effects_of_series(id).unwrap();
    assert_eq!(effects.len(), 2);
    assert_eq!(
        (effects[0].kind, effects[0].severity, effects[0].day_after),
        (SideEffectKind::Redness, 2, 1)
    );

    cat.give_consent(
        person,
        ConsentScope::ClinicalRecord,
        day("2026-01-05"),
        "signed form",
    )
    .unwrap();
    cat.give_consent(person, ConsentScope::Marketing, day("2026-01-05"), "")
        .unwrap();
    cat.withdraw_consent(person, ConsentScope::Marketing, day("2026-02-01"))
        .unwrap();
    let consents = cat.consents(person).unwrap();
    assert_eq!(consents.len(), 2);
    let marketing = consents
        .iter()
        .find(|c| c.scope == ConsentScope::Marketing)
        .unwrap();
    assert_eq!(marketing.withdrawn_on, Some(day("2026-02-01")));

    let bytes = skinlapse::jobs::record::series_csv(&mut cat, id).unwrap();
    let mut reader = csv::Reader::from_reader(bytes.as_slice());
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    assert_eq!(header, skinlapse::jobs::record::CSV_COLUMNS);
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let kinds: Vec<&str> = rows.iter().map(|r| &r[0]).collect();
    assert_eq!(kinds.iter().filter(|k| **k == "session").count(), 2);
    assert_eq!(kinds.iter().filter(|k| **k == "grade").count(), 8);
    assert_eq!(kinds.iter().filter(|k| **k == "side-effect").count(), 2);
    assert_eq!(kinds[0], "session", "each session before its grades");
    let roller = rows
        .iter()
        .find(|r| &r[0] == "session" && &r[4] == "2026-02-09")
        .unwrap();
    assert_eq!((&roller[3], &roller[6], &roller[8]), ("2", "roller", "1"));
    let redness = rows.iter().find(|r| &r[18] == "redness").unwrap();
    assert_eq!(
        (&redness[19], &redness[20], &redness[21]),
        ("2", "1", "faded by day 3")
    );
    let own = rows.iter().find(|r| &r[15] == "Redness score").unwrap();
    assert_eq!(&own[16], "2");
}

#[test]
fn the_cli_scripts_the_record_with_field_named_errors() {
    let dir = tempfile::tempdir().unwrap();
    let lib = dir.path().join("lib");
    skinlapse::testing::make_library(&lib);
    let run = |args: &[&str]| skinlapse(dir.path(), &lib, args);
    let o = run(&[
        "series",
        "add",
        "--person",
        "Me",
        "--title",
        "Home microneedling",
        "--planned",
        "6",
        "--interval",
        "28",
        "--start",
        "2026-01-05",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let id = stdout(&o)
        .trim()
        .strip_prefix("series ")
        .unwrap()
        .to_owned();
    let o = run(&[
        "session",
        "add",
        "--series",
        &id,
        "--date",
        "2026-01-05",
        "--device",
        "pen",
        "--model",
        "A6",
        "--depth",
        "0.5",
        "--cost",
        "0",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let session = stdout(&o)
        .trim()
        .strip_prefix("session ")
        .unwrap()
        .to_owned();
    for (args, message) in [
        (
            vec![
                "session",
                "add",
                "--series",
                &id,
                "--date",
                "2026-02-02",
                "--depth",
                "4",
            ],
            "needle depth: 4 mm is outside 0.1–3.0 mm",
        ),
        (
            vec!["session", "add", "--series", &id, "--date", "2026-02-30"],
            "\"2026-02-30\" is not a date",
        ),
        (
            vec!["session", "add", "--series", "77", "--date", "2026-02-02"],
            "series 77 does not exist",
        ),
        (
            vec![
                "grade",
                "add",
                "--session",
                &session,
                "--scale",
                "gais",
                "--value",
                "7",
            ],
            "gais: 7 is outside 1–5",
        ),
        (
            vec![
                "grade",
                "add",
                "--session",
                &session,
                "--scale",
                "sparkle",
                "--value",
                "1",
            ],
            "unknown grading scale",
        ),
        (
            vec![
                "grade",
                "add",
                "--session",
                &session,
                "--scale",
                "mmasi",
                "--mmasi",
                "1x1",
            ],
            "four regions",
        ),
        (
            vec![
                "series",
                "add",
                "--person",
                "Me",
                "--title",
                "X",
                "--interval",
                "0",
            ],
            "interval: 0 days is outside 1–3650",
        ),
    ] {
        let o = run(&args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        assert!(stderr(&o).contains(message), "{args:?}: {}", stderr(&o));
    }
    let o = run(&[
        "grade",
        "add",
        "--session",
        &session,
        "--scale",
        "mmasi",
        "--mmasi",
        "3x2,4x3,4x3,1x1",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let o = run(&["session", "list", "--series", &id]);
    assert!(
        stdout(&o).contains("2026-01-05  baseline  pen A6  0.5 mm"),
        "{}",
        stdout(&o)
    );
    let o = run(&["series", "list", "--person", "Me"]);
    assert!(
        stdout(&o).contains(
            "Me / Home microneedling  [active]  1 of 6 sessions, every 28 d, next due 2026-02-02"
        ),
        "{}",
        stdout(&o)
    );
    let out = dir.path().join("record.csv");
    if skinlapse::testing::library_user(&lib).is_some() {
        // A clinic is in clinic mode: an export needs the person's consent to its purpose.
        let mut cat = skinlapse::testing::library_at(&lib).catalogue().unwrap();
        let me = cat.person_by_name("Me").unwrap().unwrap().id;
        cat.give_consent(
            me,
            ConsentScope::ClinicalRecord,
            chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
            "signed",
        )
        .unwrap();
    }
    let o = run(&[
        "export",
        "csv",
        "--series",
        &id,
        "--purpose",
        "clinical-record",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(text.starts_with("record,person,series,session,date,"));
    assert!(text.contains("grade,Me,Home microneedling,1,2026-01-05,"));
    assert!(text.contains(",mmasi,9.1,\"3x2,4x3,4x3,1x1\","), "{text}");
}

mod page {
    use crate::app::{harness, settle};
    use egui::accesskit::Role;
    use egui_kittest::Harness;
    use egui_kittest::kittest::Queryable;
    use skinlapse::model::clinical::Contraindication;
    use skinlapse::ui::App;

    fn type_into(h: &mut Harness<'static, App>, label: &str, text: &str) {
        h.get_by_role_and_label(Role::TextInput, label)
            .scroll_to_me();
        settle(h);
        let node = h.get_by_role_and_label(Role::TextInput, label);
        node.focus();
        node.type_text(text);
        h.run_steps(2);
    }

    fn clear(h: &mut Harness<'static, App>, label: &str) {
        let node = h.get_by_role_and_label(Role::TextInput, label);
        node.focus();
        for _ in 0..20 {
            h.key_press(egui::Key::Backspace);
        }
        h.run_steps(1);
    }

    fn pick(h: &mut Harness<'static, App>, combo: &str, item: &str) {
        // The page scrolls: bring the combo into view first, as a user would.
        h.get_by_role_and_label(Role::ComboBox, combo)
            .scroll_to_me();
        settle(h);
        h.get_by_role_and_label(Role::ComboBox, combo).click();
        h.run_steps(2);
        // The open list's entry (the combo itself may already show the same text).
        h.query_all_by_label(item)
            .last()
            .unwrap_or_else(|| panic!("no {item:?} in {combo}"))
            .click();
        settle(h);
    }

    #[test]
    fn a_series_page_records_plan_sessions_grades_side_effects_and_charts_them() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("lib");
        crate::support::small_demo(&root);
        // A contraindication noted for Me (no person page yet: through the catalogue).
        {
            let library = skinlapse::testing::library_at(&root);
            let mut cat = library.catalogue().unwrap();
            let me = cat.person_by_name("Me").unwrap().unwrap().id;
            cat.note_contraindication(
                me,
                Contraindication::HerpesSimplex,
                "2026-01-01".parse().unwrap(),
                "",
            )
            .unwrap();
        }
        let mut h = harness(&root);
        h.get_by_label_contains("Me (").click();
        settle(&mut h);
        h.get_by_label_contains("Home microneedling ·").click();
        settle(&mut h);
        h.get_by_label("Series record").click();
        settle(&mut h);
        let r = h
            .state()
            .state
            .nav
            .record()
            .expect("the series page is open");
        assert_eq!(r.sessions.len(), 6);
        // The plan: six sessions every 30 days, so the next is due 30 days after the last.
        // The demo plans 8 sessions every 30 days; plan 9 every 31 instead.
        clear(&mut h, "Planned sessions");
        type_into(&mut h, "Planned sessions", "9");
        clear(&mut h, "Interval (days)");
        type_into(&mut h, "Interval (days)", "31");
        h.get_by_label("Save plan").click();
        settle(&mut h);
        let r = h.state().state.nav.record().unwrap();
        assert_eq!(
            (r.series.planned_sessions, r.series.interval_days),
            (Some(9), Some(31))
        );
        let due = r.next_due().unwrap();
        assert_eq!(
            due,
            r.sessions.last().unwrap().date + chrono::Duration::days(31)
        );
        assert!(h.query_by_label_contains(&format!("{due}")).is_some());
        // A session with an out-of-range needle depth is refused, naming the field.
        clear(&mut h, "Date");
        let date = (due).to_string();
        type_into(&mut h, "Date", &date);
        type_into(&mut h, "Needle depth (mm)", "4");
        assert!(
            h.query_by_label("Add session").is_some(),
            "the button is there"
        );
        // The active contraindication must be acknowledged first.
        assert!(
            h.query_by_label_contains("Active contraindications: Herpes simplex")
                .is_some()
        );
        h.get_by_label("I acknowledge these contraindications (recorded with the session)")
            .click();
        h.run_steps(2);
        h.get_by_label("Add session").click();
        settle(&mut h);
        assert!(
            h.state().state.notices.iter().any(|n| n
                .text
                .contains("needle depth: 4 mm is outside 0.1–3.0 mm")
                && !n.text.contains("needle depth: needle depth")),
            "{:?}",
            h.state().state.notices
        );
        assert_eq!(h.state().state.nav.record().unwrap().sessions.len(), 6);
        clear(&mut h, "Needle depth (mm)");
        type_into(&mut h, "Needle depth (mm)", "1.5");
        h.get_by_label("I acknowledge these contraindications (recorded with the session)")
            .click();
        h.run_steps(2);
        h.get_by_label("Add session").click();
        settle(&mut h);
        let r = h.state().state.nav.record().unwrap();
        assert_eq!(r.sessions.len(), 7);
        let added = r.sessions.last().unwrap();
        assert_eq!(added.needle_depth_mm, Some(1.5));
        assert!(
            added
                .contraindications_acknowledged
                .as_deref()
                .unwrap()
                .starts_with("Herpes simplex")
        );
        // Grades on two sessions: the chart has the line.
        for (session, value) in [("1 · ", "4"), ("6 · ", "2")] {
            let item = r_session_label(&h, session);
            pick(&mut h, "Grade session", &item);
            pick(&mut h, "Scale", "Goodman & Baron acne-scar grade (1–4)");
            clear(&mut h, "Value");
            type_into(&mut h, "Value", value);
            h.get_by_label("Add grade").click();
            settle(&mut h);
        }
        let r = h.state().state.nav.record().unwrap();
        let charts = r.charts();
        // The demo's satisfaction line, and the new one.
        assert_eq!(charts.len(), 2);
        let satisfaction = &charts[0];
        assert_eq!(satisfaction.name, "Patient satisfaction (0–10)");
        assert_eq!(satisfaction.points.len(), 6);
        let gb = &charts[1];
        assert_eq!(gb.name, "Goodman & Baron acne-scar grade (1–4)");
        let values: Vec<f64> = gb.points.iter().map(|p| p.1).collect();
        assert_eq!(values, [4.0, 2.0], "improving over the series");
        // A grade of one photo of a session.
        let item = r_session_label(&h, "1 · ");
        pick(&mut h, "Grade session", &item);
        pick(&mut h, "Of", "Frontal · 12:00");
        pick(&mut h, "Scale", "Glogau photo-ageing type (I–IV)");
        clear(&mut h, "Value");
        type_into(&mut h, "Value", "2");
        h.get_by_label("Add grade").click();
        settle(&mut h);
        let r = h.state().state.nav.record().unwrap();
        let glogau = r
            .grades
            .iter()
            .find(|g| g.scale == skinlapse::model::clinical::GradeScale::Glogau)
            .expect("the photo's grade");
        let frontal = r
            .photos
            .iter()
            .find(|p| {
                p.session == glogau.session && p.view == Some(skinlapse::model::View::Frontal)
            })
            .unwrap();
        assert_eq!(glogau.photo, Some(frontal.id));
        // A side effect.
        let item = r_session_label(&h, "6 · ");
        pick(&mut h, "Side effect session", &item);
        pick(&mut h, "Side effect", "Redness");
        type_into(&mut h, "Day after", "1");
        h.get_by_label("Add side effect").scroll_to_me();
        settle(&mut h);
        h.get_by_label("Add side effect").click();
        settle(&mut h);
        let r = h.state().state.nav.record().unwrap();
        assert_eq!(r.side_effects.len(), 6, "the demo's five and this one");
        assert!(
            h.query_by_label("Side effect: Redness 0/3 on day 1")
                .is_some()
        );
        // Each session shows its photos.
        let first = h.state().state.nav.record().unwrap().sessions[0].date;
        assert!(
            h.query_by_label(&format!("Frontal · {first}")).is_some(),
            "the baseline's frontal photo"
        );
        // Edit the added session: its depth changes, the rest stays.
        h.get_by_label("Edit session 7").scroll_to_me();
        settle(&mut h);
        h.get_by_label("Edit session 7").click();
        settle(&mut h);
        clear(&mut h, "Needle depth (mm)");
        type_into(&mut h, "Needle depth (mm)", "2");
        h.get_by_label("Save session").click();
        settle(&mut h);
        let r = h.state().state.nav.record().unwrap();
        let edited = r.sessions.last().unwrap();
        assert_eq!(edited.needle_depth_mm, Some(2.0));
        assert!(edited.contraindications_acknowledged.is_some(), "kept");
        assert_eq!(r.sessions.len(), 7, "edited, not added");
        // Escape goes back to the grid.
        h.key_press(egui::Key::Escape);
        settle(&mut h);
        assert!(h.state().state.nav.record().is_none());
    }

    /// The label a session has in the session combos ("6 · 2026-11-14").
    fn r_session_label(h: &Harness<'static, App>, prefix: &str) -> String {
        let r = h.state().state.nav.record().unwrap();
        let n: usize = prefix.split(' ').next().unwrap().parse().unwrap();
        format!("{prefix}{}", r.sessions[n - 1].date)
    }
}

#[test]
fn in_clinic_mode_every_export_needs_consent_to_its_purpose() {
    use skinlapse::imaging::compose::PairLayout;
    use skinlapse::jobs::export::{ExportKind, ExportRequest, run_export};
    use skinlapse::model::clinical::Mode;
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("lib");
    let library = small_demo(&root);
    let mut cat = library.catalogue().unwrap();
    let alex = cat.person_by_name("Alex Moreau").unwrap().unwrap().id;
    let series = cat.series_of(alex).unwrap()[0].id;
    let photos = cat.series_photos(series).unwrap().photos;
    let (a, b) = (photos[0].id(), photos[photos.len() - 1].id());
    let export = |purpose, out: &str| {
        run_export(
            &library,
            &ExportRequest {
                kind: ExportKind::Pair {
                    before: a,
                    after: b,
                    layout: PairLayout::SideBySide,
                },
                width: 400,
                out: dir.path().join(out),
                purpose,
                deidentify: skinlapse::model::deidentify::Deidentify::ByPurpose,
            },
            &std::sync::atomic::AtomicBool::new(false),
            &mut |_, _| {},
        )
        .map_err(|e| e.to_string())
    };
    // A personal library starts in personal mode, a clinic in clinic mode.
    let clinic = skinlapse::testing::library_user(&root).is_some();
    assert_eq!(
        cat.mode().unwrap(),
        if clinic { Mode::Clinic } else { Mode::Personal }
    );
    // Personal mode: consent is implied.
    cat.set_mode(Mode::Personal).unwrap();
    export(None, "personal.png").unwrap();
    cat.set_mode(Mode::Clinic).unwrap();
    let e = export(None, "none.png").unwrap_err();
    assert!(
        e.starts_with("purpose: in clinic mode every export says what it is for"),
        "{e}"
    );
    let e = export(Some(ConsentScope::Marketing), "marketing.png").unwrap_err();
    assert_eq!(
        e,
        "consent: Alex Moreau has not consented to marketing: this export is refused"
    );
    cat.give_consent(
        alex,
        ConsentScope::ClinicalRecord,
        day("2026-01-01"),
        "signed",
    )
    .unwrap();
    cat.give_consent(alex, ConsentScope::Marketing, day("2026-01-01"), "")
        .unwrap();
    export(Some(ConsentScope::ClinicalRecord), "record.png").unwrap();
    export(Some(ConsentScope::Marketing), "marketing.png").unwrap();
    cat.withdraw_consent(alex, ConsentScope::Marketing, day("2026-02-01"))
        .unwrap();
    let e = export(Some(ConsentScope::Marketing), "again.png").unwrap_err();
    assert_eq!(
        e,
        "consent: Alex Moreau withdrew consent to marketing on 2026-02-01: this export is refused"
    );
    let e = export(Some(ConsentScope::Education), "education.png").unwrap_err();
    assert!(e.contains("has not consented to education"), "{e}");
    for refused in ["none.png", "again.png", "education.png"] {
        assert!(
            !dir.path().join(refused).exists(),
            "{refused} was not written"
        );
    }
    // The CSV and the command line check the same.
    let e = skinlapse::jobs::record::export_series_csv(
        &library,
        &mut cat,
        series,
        Some(ConsentScope::Education),
        &dir.path().join("x.csv"),
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("has not consented to education"), "{e}");
    skinlapse::jobs::record::export_series_csv(
        &library,
        &mut cat,
        series,
        Some(ConsentScope::ClinicalRecord),
        &dir.path().join("ok.csv"),
    )
    .unwrap();
    let (sa, sb) = (a.to_string(), b.to_string());
    let o = skinlapse(
        dir.path(),
        &root,
        &[
            "export", "compare", "--before", &sa, "--after", &sb, "--out", "cli.png",
        ],
    );
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("purpose: in clinic mode"),
        "{}",
        stderr(&o)
    );
    let o = skinlapse(
        dir.path(),
        &root,
        &[
            "export",
            "compare",
            "--before",
            &sa,
            "--after",
            &sb,
            "--purpose",
            "marketing",
            "--out",
            "cli.png",
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("withdrew consent to marketing"),
        "{}",
        stderr(&o)
    );
    let o = skinlapse(
        dir.path(),
        &root,
        &[
            "export",
            "compare",
            "--before",
            &sa,
            "--after",
            &sb,
            "--purpose",
            "clinical-record",
            "--out",
            "cli.png",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

mod person {
    use crate::app::{harness, settle};
    use egui_kittest::kittest::Queryable;
    use skinlapse::model::clinical::{ConsentScope, Contraindication, Mode};

    #[test]
    fn the_person_record_notes_contraindications_and_in_clinic_mode_consent() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("lib");
        {
            let library = skinlapse::testing::library_at(&root);
            library.catalogue().unwrap().add_person("Dana K").unwrap();
        }
        let mut h = harness(&root);
        // Personal mode first (a clinic starts in clinic mode), then clinic mode below.
        crate::app::in_personal_mode(&mut h);
        h.get_by_label_contains("Dana K (").click_secondary();
        h.run_steps(2);
        h.get_by_label("Record (skin type, contraindications, consent)…")
            .click();
        settle(&mut h);
        assert!(h.query_by_label_contains("Record: Dana K").is_some());
        assert!(
            h.query_by_label("Consent").is_none(),
            "personal mode: no consent"
        );
        h.get_by_label("Pregnancy").click();
        settle(&mut h);
        let r = h.state().state.nav.person_record().unwrap();
        assert_eq!(r.contraindications.len(), 1);
        assert_eq!(r.contraindications[0].kind, Contraindication::Pregnancy);
        assert!(h.query_by_label_contains("noted ").is_some());
        // Clinic mode, from the View menu: the consent section appears.
        h.get_by_label("View").click();
        h.run_steps(2);
        h.get_by_label("Clinic mode").click();
        settle(&mut h);
        assert_eq!(h.state().state.library.mode, Mode::Clinic);
        assert!(
            h.query_by_label_contains("Patient record: Dana K")
                .is_some()
        );
        h.get_by_label("Give clinical record…").click();
        settle(&mut h);
        h.get_by_label("The person agreed to this use of their photos")
            .click();
        h.run_steps(2);
        eprintln!(
            "DEBUG {:?}",
            h.get_by_label("The person agreed to this use of their photos")
        );
        h.get_by_label("Record consent").click();
        settle(&mut h);
        let r = h.state().state.nav.person_record().unwrap();
        assert_eq!(r.consents.len(), 1, "{:?}", h.state().state.notices);
        assert_eq!(r.consents[0].scope, ConsentScope::ClinicalRecord);
        h.get_by_label("Withdraw clinical record…").click();
        settle(&mut h);
        h.get_by_label("The person withdrew their consent to this use")
            .click();
        h.run_steps(2);
        h.get_by_label("Record withdrawal").click();
        settle(&mut h);
        let r = h.state().state.nav.person_record().unwrap();
        assert!(r.consents[0].withdrawn_on.is_some());
        // A new series, made in the people panel, with its areas on its page.
        crate::app::send(&mut h, skinlapse::app::PersonCommand::Close);
        h.get_by_label_contains("Dana K (").click();
        settle(&mut h);
        h.get_by_label("+ New series").click();
        settle(&mut h);
        h.get_by_role_and_label(egui::accesskit::Role::TextInput, "New series")
            .type_text("Peel 2027");
        h.run_steps(2);
        h.key_press(egui::Key::Enter);
        settle(&mut h);
        assert!(
            h.query_by_label_contains("Peel 2027").is_some(),
            "{:?} {:?} {:?}",
            h.state().state.overview.series,
            h.state().state.notices,
            h.state().state.browse.filter.person
        );
        h.get_by_label("Series record").click();
        settle(&mut h);
        assert_eq!(
            h.state().state.nav.record().unwrap().series.title,
            "Peel 2027"
        );
        h.get_by_label("Chin").click();
        settle(&mut h);
        let r = h.state().state.nav.record().unwrap();
        let chin = crate::app::area(&h, "chin");
        assert_eq!(r.terms, vec![chin]);
        // Stored: the mode and the record survive a new connection.
        let library = skinlapse::testing::library_at(&root);
        let mut cat = library.catalogue().unwrap();
        assert_eq!(cat.mode().unwrap(), Mode::Clinic);
        let dana = cat.person_by_name("Dana K").unwrap().unwrap().id;
        assert_eq!(cat.contraindications(dana).unwrap().len(), 1);
    }
}

//! Schema migrations: valid, and every earlier version migrates to the latest with its data.

use skinlapse::catalogue::{Catalogue, CatalogueError, latest_schema_version, migrations};

/// Data a catalogue at schema `version` can hold, written with that version's SQL.
/// When a migration is added, add the fixture for the version it creates.
fn fixture(version: usize) -> String {
    match version {
        0 => String::new(),
        1 => "INSERT INTO person (id, name, created_at) VALUES (7, 'Old Patient', '2024-01-01T00:00:00Z');
              INSERT INTO series (id, person_id, title) VALUES (3, 7, 'Peel');
              INSERT INTO session (id, series_id, date) VALUES (5, 3, '2024-02-01');
              INSERT INTO photo (id, hash, format, original_name, file_size, width, height, taken_at,
                  taken_at_offset_min, taken_at_estimated, person_id, series_id, session_id, imported_at)
              VALUES (11, 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', 'jpeg', 'old.jpg',
                  10, 4, 3, '2024-02-01T10:00:00', 60, 0, 7, 3, 5, '2024-02-01T10:00:00Z');
              INSERT INTO photo_term (photo_id, term_id) SELECT 11, id FROM term WHERE key = 'chin';"
            .to_owned(),
        // Version 2 added the purge journal.
        2 => fixture(1)
            + "INSERT INTO pending_purge (hash, extension)
               VALUES ('bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb', 'jpg');",
        // Version 3 added alignments and landmarks.
        3 => fixture(2)
            + "INSERT INTO photo (id, hash, format, original_name, file_size, width, height, taken_at,
                  taken_at_offset_min, taken_at_estimated, person_id, series_id, session_id, imported_at)
               VALUES (12, 'cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc', 'jpeg', 'later.jpg',
                  10, 4, 3, '2024-03-01T10:00:00', 60, 0, 7, 3, NULL, '2024-03-01T10:00:00Z');
               INSERT INTO alignment (photo_id, reference_id, scale, angle, tx, ty, method, confidence, updated_at)
               VALUES (12, 11, 1.1, 0.05, 0.01, -0.02, 'landmarks', NULL, '2024-03-02T00:00:00Z');
               INSERT INTO landmark (photo_id, against_id, n, x, y, against_x, against_y)
               VALUES (12, 11, 0, 0.1, 0.1, 0.12, 0.09), (12, 11, 1, -0.2, 0.05, -0.19, 0.06);",
        // Version 4 added the clinical record.
        4 => fixture(3)
            + "INSERT INTO grade (session_id, scale, value, recorded_at) VALUES (5, 'gais', 2, '2024-03-01T00:00:00Z');
               INSERT INTO side_effect (session_id, kind, severity, day_after) VALUES (5, 'redness', 2, 1);
               INSERT INTO contraindication (person_id, kind, noted_on) VALUES (7, 'keloid', '2024-01-01');
               INSERT INTO consent (person_id, scope, given_on) VALUES (7, 'clinical-record', '2024-01-01');
               INSERT INTO person (id, name, created_at) VALUES (8, 'Zoe\u{308}', '2024-01-01T00:00:00Z');",
        // Version 5 keeps file names exactly (and respelt names to NFC).
        5 => fixture(4)
            + r"UPDATE photo SET original_name = 'caf\xE9.jpg', original_name_raw = X'636166E92E6A7067' WHERE id = 11;",
        // Version 6: HEIF/AVIF/RAW formats, the time's
        // source, the colour profile, import warnings.
        6 => fixture(5)
            + "INSERT INTO photo (id, hash, format, original_name, file_size, width, height, taken_at,
                  taken_at_offset_min, taken_at_estimated, person_id, imported_at, taken_at_source,
                  colour_profile)
               VALUES (13, 'dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd', 'heif',
                  'IMG_0001.HEIC', 10, 3, 4, '2024-04-01T10:00:00.250', 60, 0, 7,
                  '2024-04-01T10:00:00Z', 'exif-original', 'Display P3');
               INSERT INTO photo_warning (photo_id, n, text) VALUES (13, 0, 'damaged data skipped');",
        // Version 7 (migration 009) added series protocols and consent history.
        7 => fixture(6)
            + "INSERT INTO series_view (series_id, view) VALUES (3, 'frontal'), (3, 'close-up');
               INSERT INTO consent_event (person_id, scope, given, on_date, staff, note, recorded_at)
               VALUES (7, 'education', 1, '2024-01-02', 'Dr. Ito', 'signed', '2024-01-02T09:00:00Z');",
        // Version 8 (migration 007) added faces and the face alignment method.
        8 => fixture(7)
            + "INSERT INTO face (photo_id, found, model, computed_at)
               VALUES (11, 0, 'test', '2024-03-03T00:00:00Z');
               INSERT INTO face (photo_id, found, score, landmarks, yaw, pitch, roll, mouth_open,
                   eye_open, suggested_view, model, computed_at)
               VALUES (12, 1, 0.9, zeroblob(5616), 0, 0, 0, 0, 0.3, 'frontal', 'test',
                   '2024-03-03T00:00:00Z');
               UPDATE alignment SET method = 'face', confidence = 0.8 WHERE photo_id = 12;",
        // Version 9 (migration 008, issue 14) added regions, measurements and card corrections.
        9 => fixture(8)
            + "INSERT INTO region (id, photo_id, name, shape, surround, created_at)
               VALUES (1, 11, 'cheek', '{\"kind\":\"rect\",\"x\":-0.1,\"y\":-0.1,\"w\":0.2,\"h\":0.1}', NULL, '2024-03-01T00:00:00Z');
               INSERT INTO measurement (region_id, photo_id, method_version, corrected, l_mean, a_mean, b_mean,
                   l_sd, a_sd, b_sd, ita_deg, erythema_index, melanin_index, pixels, measured_at)
               VALUES (1, 12, 1, 0, 60.0, 14.0, 16.0, 2.0, 1.0, 1.0, 32.0, 18.0, 35.0, 400, '2024-03-02T00:00:00Z');
               INSERT INTO card_correction (photo_id, kind, corners, matrix, residuals, fitted_at)
               VALUES (11, 'grey', '[[-0.2,-0.1],[0.2,-0.1],[0.2,0.1],[-0.2,0.1]]', '[[1,0,0],[0,1,0],[0,0,1]]', '[[\"top left\",0.1]]', '2024-03-01T00:00:00Z');",
        // Version 10 (migration 010, issue 10) added companion originals (a RAW beside its JPEG).
        10 => fixture(9)
            + "INSERT INTO photo_companion (photo_id, hash, format, original_name, file_size)
               VALUES (11, 'cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc', 'cr2',
                   'IMG_0001.CR2', 4096);",
        // Version 11 (migration 011, issue 15) versions edits of people, series, sessions and
        // photos: this edit makes the person's version 2.
        11 => fixture(10) + "UPDATE person SET notes = 'seen' WHERE id = 7;",
        // Version 12 (migration 012, issue 15): a series' terms and views and a person's
        // contraindications and consent bump their parent's version; this makes series 3's 2.
        12 => fixture(11) + "INSERT INTO series_term (series_id, term_id) SELECT 3, id FROM term WHERE key = 'chin';",
        v => panic!("no fixture for schema version {v}: add one"),
    }
}

#[test]
fn migrations_validate() {
    if skinlapse::testing::sqlite_only(
        "the SQLite catalogue's migrations (the clinic's are validated by the catalogue's own tests on PostgreSQL)",
    ) {
        return;
    }
    migrations().validate().unwrap();
}

#[test]
fn every_earlier_version_migrates_to_the_latest_keeping_its_data() {
    if skinlapse::testing::sqlite_only("upgrading older catalog.sqlite files from their fixtures") {
        return;
    }
    for version in 0..latest_schema_version() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("catalog.sqlite");
        {
            let mut conn = rusqlite::Connection::open(&path).unwrap();
            migrations().to_version(&mut conn, version).unwrap();
            if version >= 1 {
                // Built-in terms are inserted by the app on open, not by the migration.
                conn.execute_batch("INSERT INTO term (kind, key, name, builtin) VALUES ('area', 'chin', 'Chin', 1);").unwrap();
            }
            conn.execute_batch(&fixture(version)).unwrap();
        }
        let mut cat = Catalogue::open(&path).unwrap();
        assert_eq!(
            cat.schema_version().unwrap(),
            latest_schema_version() as i64
        );
        assert!(cat.check_integrity().unwrap().is_empty());
        if version >= 1 {
            let listed = cat.list_photos(None).unwrap();
            // Version 3's fixture adds a second photo, aligned to the first; version 6's a
            // third (a HEIF).
            let photos = match version {
                6.. => 3,
                3.. => 2,
                _ => 1,
            };
            assert_eq!(listed.len(), photos, "from version {version}");
            if version >= 3 {
                let aligned = cat
                    .alignment(skinlapse::model::PhotoId(12))
                    .unwrap()
                    .expect("the alignment survives");
                assert_eq!(aligned.reference, skinlapse::model::PhotoId(11));
                assert_eq!(
                    cat.landmarks(skinlapse::model::PhotoId(12), skinlapse::model::PhotoId(11))
                        .unwrap()
                        .len(),
                    2
                );
            }
            if version == 4 {
                // Consent given before there was a history has its event.
                let history = cat.consent_history(skinlapse::model::PersonId(7)).unwrap();
                assert_eq!(history.len(), 1);
                assert!(history[0].given);
            }
            if version >= 7 {
                assert_eq!(
                    cat.required_views(skinlapse::model::SeriesId(3))
                        .unwrap()
                        .len(),
                    2
                );
            }
            if version >= 8 {
                let none = cat
                    .face(skinlapse::model::PhotoId(11))
                    .unwrap()
                    .expect("looked at");
                assert_eq!(none.face, None);
                let found = cat
                    .face(skinlapse::model::PhotoId(12))
                    .unwrap()
                    .expect("looked at");
                assert_eq!(found.suggested_view, Some(skinlapse::model::View::Frontal));
            }
            if version >= 10 {
                let companions = cat.companions(skinlapse::model::PhotoId(11)).unwrap();
                assert_eq!(companions[0].original_name, "IMG_0001.CR2");
            }
            assert_eq!(listed[0].person_name.as_deref(), Some("Old Patient"));
            if version == 4 {
                // Migration 5 gave the decomposed name its one spelling.
                let zoe = cat.person_by_name("Zo\u{eb}").unwrap().expect("respelt");
                assert_eq!(zoe.name, "Zo\u{eb}");
            }
            if version == 5 {
                let raw = cat
                    .original_name_bytes(skinlapse::model::PhotoId(11))
                    .unwrap();
                assert_eq!(raw, b"caf\xe9.jpg");
            }
            assert_eq!(listed[0].areas, vec!["chin"]);
            assert_eq!(
                listed[0].photo.taken_at.to_iso(),
                "2024-02-01T10:00:00+01:00"
            );
            assert_eq!(
                listed[0].photo.taken_at.source,
                skinlapse::model::TimeSource::ExifOriginal
            );
        }
    }
    // The latest fixture must exist too, so the next migration's test has data to carry.
    assert!(!fixture(latest_schema_version()).is_empty());
}

#[test]
fn a_catalogue_from_a_newer_release_is_refused_not_damaged() {
    if skinlapse::testing::sqlite_only("a catalog.sqlite file from a newer release") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("catalog.sqlite");
    Catalogue::open(&path).unwrap();
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.pragma_update(None, "user_version", 999).unwrap();
    drop(conn);
    let err = Catalogue::open(&path).unwrap_err();
    assert!(
        matches!(err, CatalogueError::TooNew { found: 999, .. }),
        "{err}"
    );
    assert!(
        err.to_string()
            .contains("newer than this Skinlapse understands")
    );
}

//! What a clinic's audit trail learns from the catalogue: views of a patient's photos and
//! record (edits, imports and consent changes the database's own triggers record), and
//! exports with their purpose. On a personal (SQLite) library there is no trail: these do
//! nothing, or allow.

use super::db::{Backend, Conn};
use super::{Catalogue, Result};
use crate::model::clinical::ConsentScope;
use crate::model::{PersonId, PhotoId, SeriesId};
use rusqlite::params;

fn record(conn: &Conn, sql: &str, kind: &str, target: i64) -> Result<()> {
    if conn.backend() == Backend::Postgres {
        conn.query_row(sql, params![kind, target], |_| Ok(()))?;
    }
    Ok(())
}

/// A view of one photo (its patient's).
pub(super) fn view_photo(conn: &Conn, photo: PhotoId) -> Result<()> {
    record(
        conn,
        "SELECT skinlapse.audit_view(?1, ?2, (SELECT person_id FROM photo WHERE id = ?2))",
        "photo",
        photo.0,
    )
}

/// A view of something of a series (its photos, grades, measurements…).
pub(super) fn view_series(conn: &Conn, kind: &str, series: SeriesId) -> Result<()> {
    record(
        conn,
        "SELECT skinlapse.audit_view(?1, ?2, (SELECT person_id FROM series WHERE id = ?2))",
        kind,
        series.0,
    )
}

/// A view of something of a person (their timeline, consent, contraindications…).
pub(super) fn view_person(conn: &Conn, kind: &str, person: PersonId) -> Result<()> {
    record(
        conn,
        "SELECT skinlapse.audit_view(?1, ?2, ?2)",
        kind,
        person.0,
    )
}

/// Marks the write transaction `conn` runs as part of an import: on a clinic's database the
/// rows it makes are "import" in the trail, not "create".
pub(super) fn importing(conn: &Conn) -> Result<()> {
    if conn.backend() == Backend::Postgres {
        conn.query_row(
            "SELECT set_config('skinlapse.importing', 'on', true)",
            params![],
            |_| Ok(()),
        )?;
    }
    Ok(())
}

impl Catalogue {
    /// Records in a clinic's trail that the signed-in person signed in through `via` (once
    /// per sign-in of a person: a command's `--user`, the app's sign-in window), not once per
    /// connection. Nothing on a personal library.
    pub fn record_sign_in(&mut self, via: super::clinic::SignInVia) -> Result<()> {
        if self.backend() == Backend::Sqlite {
            return Ok(());
        }
        self.write(|tx| {
            tx.query_row(
                "SELECT skinlapse.record_sign_in(?1)",
                params![via.key()],
                |_| Ok(()),
            )?;
            Ok(())
        })
    }

    /// Before any file of an export is written: on a clinic's database, checks that the
    /// signed-in user may export `person`'s `photos` for `purpose` (a clinician, within the
    /// patient's consent in clinic mode) and records the export photo by photo with its
    /// purpose, or refuses (`ClinicRefused`) and records nothing. On a personal library it
    /// allows (its consent rules are `check_consent`'s).
    pub fn record_export(
        &mut self,
        person: PersonId,
        purpose: Option<ConsentScope>,
        photos: &[PhotoId],
    ) -> Result<()> {
        if self.backend() == Backend::Sqlite {
            return Ok(());
        }
        let ids = serde_json::to_string(&photos.iter().map(|p| p.0).collect::<Vec<_>>())
            .unwrap_or_else(|_| "[]".to_owned());
        self.write(|tx| {
            tx.query_row(
                "SELECT skinlapse.record_export(?1, ?2, ARRAY(SELECT CAST(value AS BIGINT) \
                 FROM jsonb_array_elements_text(CAST(?3 AS JSONB))))",
                params![person, purpose, ids],
                |_| Ok(()),
            )?;
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue::clinic::{AuditFilter, ClinicSession, Role};
    use crate::catalogue::{CatalogueError, PhotoFilter, SortOrder};
    use crate::testing::{self, ADMIN_PASSWORD, admin_name, clinic_database};

    /// Views of a patient's photos and record, and exports, are in the trail with user,
    /// target and patient; a refused export is in it as nothing.
    #[test]
    fn views_and_exports_of_a_patient_are_in_the_audit_trail() {
        let (config, database) = clinic_database();
        let admin = admin_name(&database);
        let mut cat = Catalogue::open_clinic(&config, &admin, ADMIN_PASSWORD).unwrap();
        let (person, series, _) = testing::person_with_session(&mut cat, "Pat Doe");
        let new = super::super::photos::tests::new_photo(b"one");
        let filed = cat
            .resolve_assignment(&crate::catalogue::AssignmentSpec {
                person: Some("Pat Doe".into()),
                ..Default::default()
            })
            .unwrap();
        cat.claim_import(&new.hash, "station", "jpg").unwrap();
        let photo = cat.finish_import(&new, &filed, "station", || {}).unwrap();
        let mut assistant =
            testing::clinic_user(&config, &database, "tom", Role::Assistant, "pw-tom");
        cat.photo_details(photo).unwrap();
        cat.grades_of_series(series).unwrap();
        cat.consents(person).unwrap();
        cat.grid_page(
            &PhotoFilter {
                person: Some(person),
                ..PhotoFilter::default()
            },
            SortOrder::NewestFirst,
        )
        .unwrap();
        cat.grid_page(&PhotoFilter::default(), SortOrder::NewestFirst)
            .unwrap();
        // An assistant may not export (the database refuses them the function); nothing is
        // recorded for the refusal.
        let e = assistant
            .record_export(person, Some(ConsentScope::ClinicalRecord), &[photo])
            .unwrap_err();
        assert!(matches!(e, CatalogueError::Forbidden { .. }), "{e:?}");
        assert!(e.to_string().contains("record_export"), "{e}");
        // A clinic (clinic mode) exports only within the patient's consent.
        let e = cat
            .record_export(person, Some(ConsentScope::ClinicalRecord), &[photo])
            .unwrap_err();
        assert!(matches!(e, CatalogueError::ClinicRefused(_)), "{e:?}");
        assert_eq!(
            e.to_string(),
            "Pat Doe has not consented to clinical-record"
        );
        let today = chrono::Local::now().date_naive();
        cat.give_consent(person, ConsentScope::ClinicalRecord, today, "signed")
            .unwrap();
        cat.record_export(person, Some(ConsentScope::ClinicalRecord), &[photo])
            .unwrap();
        let trail = ClinicSession::sign_in(&config, &admin, ADMIN_PASSWORD)
            .unwrap()
            .audit(&AuditFilter::default())
            .unwrap();
        let seen: Vec<(String, String, Option<String>)> = trail
            .iter()
            .filter(|r| r.action == "view" || r.action == "export")
            .map(|r| (r.action.clone(), r.target_kind.clone(), r.patient.clone()))
            .collect();
        let pat = Some("Pat Doe".to_owned());
        assert_eq!(
            seen,
            vec![
                ("view".into(), "photo".into(), pat.clone()),
                ("view".into(), "grades".into(), pat.clone()),
                ("view".into(), "consent".into(), pat.clone()),
                ("view".into(), "timeline".into(), pat.clone()),
                ("export".into(), "photo".into(), pat),
            ],
            "{trail:#?}"
        );
        assert!(trail.iter().all(|r| r.user == admin || r.action != "view"));
    }
}

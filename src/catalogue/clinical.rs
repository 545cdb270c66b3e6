//! The clinical record: editing series, adding sessions (with the contraindication check),
//! grades, side effects, contraindications and consent.

use super::db::Conn;
use super::{Catalogue, CatalogueError, Result, all_rows};
use crate::model::clinical::{
    ConsentScope, Contraindication, DeviceKind, GradeScale, Mode, SideEffectKind, mmasi,
    parse_mmasi, validate_severity,
};
use crate::model::rules::{self, consent_check, contraindication_check, session_kind};
pub use crate::model::rules::{ConsentRow, ContraindicationRow, SeriesPlan};
use crate::model::{
    GradeId, Keyed, PersonId, PhotoId, SeriesId, SessionId, SessionKind, SideEffectId,
};
use chrono::NaiveDate;
use rusqlite::{OptionalExtension, params};

fn invalid(field: &'static str, reason: impl Into<String>) -> CatalogueError {
    let reason: String = reason.into();
    // The rules in `model` name their field already ("needle depth: 4 mm is outside…"):
    // say it once.
    let rest = reason
        .get(..field.len())
        .filter(|head| head.eq_ignore_ascii_case(field))
        .and_then(|_| reason.get(field.len()..))
        .filter(|rest| rest.starts_with([':', ' ']));
    let reason = match rest {
        Some(rest) => rest.trim_start_matches([':', ' ']).to_owned(),
        None => reason.clone(),
    };
    CatalogueError::Invalid { field, reason }
}

/// A session to add.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct NewSession {
    pub series: Option<SeriesId>,
    pub date: Option<NaiveDate>,
    pub kind: Option<SessionKind>,
    pub device_kind: Option<DeviceKind>,
    /// The device's model.
    pub device: String,
    pub needle_depth_mm: Option<f64>,
    pub passes: Option<u32>,
    pub products: String,
    pub numbing: String,
    pub practitioner: String,
    pub cost_cents: Option<i64>,
    pub currency: Option<String>,
    pub notes: String,
    /// The user has seen the person's active contraindications and goes ahead.
    pub acknowledge_contraindications: bool,
}

/// A grade to record, of a session or of one photo.
#[derive(Clone, Debug, PartialEq)]
pub struct NewGrade {
    pub session: Option<SessionId>,
    pub photo: Option<PhotoId>,
    pub scale: GradeScale,
    /// The name of a user-defined scale.
    pub custom_name: Option<String>,
    /// Ignored for mMASI, which is computed from `mmasi_regions`.
    pub value: Option<f64>,
    /// mMASI regions as `AREAxDARKNESS`, four times, comma separated.
    pub mmasi_regions: Option<String>,
    pub notes: String,
}

/// A recorded grade with the date it belongs to.
#[derive(Clone, Debug, PartialEq)]
pub struct GradeRow {
    pub id: GradeId,
    pub session: Option<SessionId>,
    pub photo: Option<PhotoId>,
    /// The session's date, or the day the photo was taken.
    pub date: NaiveDate,
    pub scale: GradeScale,
    pub custom_name: Option<String>,
    pub value: f64,
    pub detail: String,
    pub notes: String,
}

/// A side effect after a session.
#[derive(Clone, Debug, PartialEq)]
pub struct SideEffectRow {
    pub id: SideEffectId,
    pub session: SessionId,
    pub session_date: NaiveDate,
    pub kind: SideEffectKind,
    pub severity: u8,
    pub day_after: u32,
    pub notes: String,
}

/// Checks a session's bounded fields; returns its currency code, upper case.
fn check_session_fields(s: &NewSession) -> Result<Option<String>> {
    Ok(rules::check_session_fields(
        s.needle_depth_mm,
        s.passes,
        s.cost_cents,
        s.currency.as_deref(),
    )?)
}

impl Catalogue {
    /// The areas and concerns a series is about.
    pub fn series_terms(&mut self, series: SeriesId) -> Result<Vec<crate::model::TermId>> {
        self.read(|tx| {
            all_rows(
                tx,
                "SELECT term_id FROM series_term WHERE series_id = ?1 ORDER BY term_id",
                [series],
                |r| r.get(0),
            )
        })
    }

    /// Replaces the areas and concerns a series is about.
    pub fn set_series_terms(
        &mut self,
        series: SeriesId,
        terms: &[crate::model::TermId],
    ) -> Result<()> {
        self.write(|tx| {
            tx.execute("DELETE FROM series_term WHERE series_id = ?1", [series])?;
            let mut stmt = tx.prepare_cached(
                "INSERT INTO series_term (series_id, term_id) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
            )?;
            for term in terms {
                stmt.execute(params![series, term]).map_err(|e| match e {
                    e if super::db::is_constraint(&e) => {
                        invalid("term", format!("term {term} does not exist"))
                    }
                    e => e.into(),
                })?;
            }
            Ok(())
        })
    }

    /// Changes a session's details (not its date or series; its acknowledgement stays).
    pub fn update_session(&mut self, id: SessionId, s: &NewSession) -> Result<()> {
        let currency = check_session_fields(s)?;
        self.write(|tx| {
            let n = tx.execute(
                "UPDATE session SET kind = coalesce(?2, kind), device_kind = ?3, device = ?4, \
                 needle_depth_mm = ?5, passes = ?6, products = ?7, numbing = ?8, \
                 practitioner = ?9, cost_cents = ?10, currency = ?11, notes = ?12 WHERE id = ?1",
                params![
                    id,
                    s.kind,
                    s.device_kind,
                    s.device,
                    s.needle_depth_mm,
                    s.passes,
                    s.products,
                    s.numbing,
                    s.practitioner,
                    s.cost_cents,
                    currency,
                    s.notes
                ],
            )?;
            if n == 0 {
                return Err(CatalogueError::NotFound {
                    what: "session",
                    id: id.0,
                });
            }
            Ok(())
        })
    }

    /// Personal (the default) or clinic.
    pub fn mode(&mut self) -> Result<Mode> {
        self.read(mode_of)
    }

    pub fn set_mode(&mut self, mode: Mode) -> Result<()> {
        self.write(|tx| {
            tx.execute(
                "INSERT INTO setting (key, value) VALUES ('mode', ?1) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                [mode.key()],
            )?;
            Ok(())
        })
    }

    /// Whether `person`'s photos may be exported for `purpose` on `day`. In personal mode
    /// consent is implied; in clinic mode it must be given and not withdrawn. Mode, person
    /// and consent are read in one transaction; the rule is `model::rules::consent_check`.
    pub fn check_consent(
        &mut self,
        person: PersonId,
        purpose: Option<ConsentScope>,
        day: NaiveDate,
    ) -> Result<()> {
        self.read(|tx| {
            let mode = mode_of(tx)?;
            let name: String = tx
                .query_row("SELECT name FROM person WHERE id = ?1", [person], |r| {
                    r.get(0)
                })
                .optional()?
                .ok_or(CatalogueError::NotFound {
                    what: "person",
                    id: person.0,
                })?;
            Ok(consent_check(
                mode,
                &name,
                purpose,
                &consents_of(tx, person)?,
                day,
            )?)
        })
    }

    /// Sets or clears a person's Fitzpatrick skin type (1–6).
    pub fn set_skin_type(&mut self, person: PersonId, skin_type: Option<u8>) -> Result<()> {
        if let Some(t) = skin_type {
            crate::model::clinical::validate_skin_type(i64::from(t))
                .map_err(|e| invalid("skin type", e))?;
        }
        self.write(|tx| {
            tx.execute(
                "UPDATE person SET fitzpatrick = ?2 WHERE id = ?1",
                params![person, skin_type],
            )?;
            Ok(())
        })
    }

    /// Changes a series' title and plan, checking each bounded field.
    pub fn update_series(&mut self, id: SeriesId, plan: &SeriesPlan) -> Result<()> {
        let plan = plan.checked()?;
        self.write(|tx| update_plan(tx, id, &plan))
    }

    /// Starts a series with its plan for a person (created when new), all in one
    /// transaction: a refused plan creates nothing.
    pub fn add_series_with_plan(
        &mut self,
        person: &str,
        plan: &SeriesPlan,
    ) -> Result<(PersonId, SeriesId)> {
        let plan = plan.checked()?;
        self.write(|tx| {
            let person = match super::people::find_person(tx, person)? {
                Some(p) => p.id,
                None => super::people::insert_person(tx, person)?,
            };
            let series = super::series::insert_series(tx, person, &plan.title)?;
            update_plan(tx, series, &plan)?;
            Ok((person, series))
        })
    }

    /// A person's contraindications, active or resolved.
    pub fn contraindications(&mut self, person: PersonId) -> Result<Vec<ContraindicationRow>> {
        self.audited_read(|tx| {
            super::audit::view_person(tx, "contraindications", person)?;
            contraindications_of(tx, person)
        })
    }

    /// Notes a contraindication (again: from `noted_on`, active until resolved).
    pub fn note_contraindication(
        &mut self,
        person: PersonId,
        kind: Contraindication,
        noted_on: NaiveDate,
        notes: &str,
    ) -> Result<()> {
        self.write(|tx| {
            tx.execute(
                "INSERT INTO contraindication (person_id, kind, noted_on, resolved_on, notes) \
                 VALUES (?1, ?2, ?3, NULL, ?4) \
                 ON CONFLICT (person_id, kind) DO UPDATE SET noted_on = excluded.noted_on, resolved_on = excluded.resolved_on, notes = excluded.notes",
                params![person, kind, noted_on, notes],
            )?;
            Ok(())
        })
    }

    pub fn resolve_contraindication(
        &mut self,
        person: PersonId,
        kind: Contraindication,
        on: NaiveDate,
    ) -> Result<()> {
        self.write(|tx| {
            tx.execute(
                "UPDATE contraindication SET resolved_on = ?3 WHERE person_id = ?1 AND kind = ?2",
                params![person, kind, on],
            )?;
            Ok(())
        })
    }

    /// Adds a session. A treatment for a person with an active contraindication is refused
    /// unless acknowledged; the acknowledgement is recorded with the session. The check and
    /// the insert are one transaction: a contraindication noted meanwhile cannot slip by.
    pub fn add_session(&mut self, s: &NewSession) -> Result<SessionId> {
        let series = s.series.ok_or_else(|| invalid("series", "is required"))?;
        let date = s.date.ok_or_else(|| invalid("date", "is required"))?;
        let currency = check_session_fields(s)?;
        let now = chrono::Local::now().format("%Y-%m-%d %H:%M").to_string();
        self.write(|tx| {
            let person: PersonId = tx
                .query_row(
                    "SELECT person_id FROM series WHERE id = ?1",
                    [series],
                    |r| r.get(0),
                )
                .optional()?
                .ok_or(CatalogueError::NotFound {
                    what: "series",
                    id: series.0,
                })?;
            let (first, exists): (bool, bool) = tx.query_row(
                "SELECT NOT EXISTS (SELECT 1 FROM session WHERE series_id = ?1), \
                 EXISTS (SELECT 1 FROM session WHERE series_id = ?1 AND date = ?2)",
                params![series, date],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?;
            if exists {
                return Err(rules::Refusal::SessionExists(date).into());
            }
            let kind = session_kind(s.kind, first);
            let acknowledged = contraindication_check(
                kind,
                date,
                &contraindications_of(tx, person)?,
                s.acknowledge_contraindications,
                &now,
            )?;
            let id = tx.insert_id(
                "INSERT INTO session (series_id, date, kind, device_kind, device, needle_depth_mm, \
                 passes, products, numbing, practitioner, cost_cents, currency, notes, \
                 contraindications_acknowledged) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14) RETURNING id",
                params![
                    series,
                    date,
                    kind,
                    s.device_kind,
                    s.device,
                    s.needle_depth_mm,
                    s.passes,
                    s.products,
                    s.numbing,
                    s.practitioner,
                    s.cost_cents,
                    currency,
                    s.notes,
                    acknowledged
                ],
            )?;
            Ok(SessionId(id))
        })
    }

    /// Records a grade after checking it against its scale (mMASI is computed).
    pub fn add_grade(&mut self, g: &NewGrade) -> Result<GradeId> {
        if g.session.is_none() && g.photo.is_none() {
            return Err(invalid("grade", "needs a session or a photo"));
        }
        let (value, detail) = if g.scale == GradeScale::Mmasi {
            let text = g.mmasi_regions.as_deref().ok_or_else(|| {
                invalid(
                    "mmasi",
                    "give the four regions as AREAxDARKNESS, e.g. 3x2,4x3,4x3,1x1",
                )
            })?;
            let regions = parse_mmasi(text).map_err(|e| invalid("mmasi", e))?;
            let value = mmasi(&regions).map_err(|e| invalid("mmasi", e))?;
            let detail: Vec<String> = regions
                .iter()
                .map(|r| format!("{}x{}", r.area, r.darkness))
                .collect();
            (value, detail.join(","))
        } else {
            let value = g.value.ok_or_else(|| invalid("value", "is required"))?;
            (
                g.scale.validate(value).map_err(|e| invalid("value", e))?,
                String::new(),
            )
        };
        let custom_name = match (g.scale, g.custom_name.as_deref().map(str::trim)) {
            (GradeScale::Custom, Some(name)) if !name.is_empty() => Some(name.to_owned()),
            (GradeScale::Custom, _) => {
                return Err(invalid("name", "an own scale needs a name"));
            }
            _ => None,
        };
        self.write(|tx| {
            let id = tx.insert_id(
                "INSERT INTO grade (session_id, photo_id, scale, custom_name, value, detail, notes, recorded_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) RETURNING id",
                params![
                    g.session,
                    g.photo,
                    g.scale,
                    custom_name,
                    value,
                    detail,
                    g.notes,
                    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
                ],
            )
            .map_err(|e| match e {
                e if super::db::is_constraint(&e) => {
                    invalid("grade", "the session or photo does not exist")
                }
                e => e.into(),
            })?;
            Ok(GradeId(id))
        })
    }

    /// Every grade of a series (of its sessions and its photos), by date.
    pub fn grades_of_series(&mut self, series: SeriesId) -> Result<Vec<GradeRow>> {
        self.audited_read(|tx| {
            super::audit::view_series(tx, "grades", series)?;
            all_rows(
                tx,
                "SELECT grade.id, grade.session_id, grade.photo_id, \
                 coalesce(session.date, substr(photo.taken_at, 1, 10)), grade.scale, \
                 grade.custom_name, grade.value, grade.detail, grade.notes \
                 FROM grade LEFT JOIN session ON session.id = grade.session_id \
                 LEFT JOIN photo ON photo.id = grade.photo_id \
                 WHERE session.series_id = ?1 OR photo.series_id = ?1 \
                 ORDER BY 4, grade.id",
                [series],
                |r| {
                    Ok(GradeRow {
                        id: r.get(0)?,
                        session: r.get(1)?,
                        photo: r.get(2)?,
                        date: r.get(3)?,
                        scale: r.get(4)?,
                        custom_name: r.get(5)?,
                        value: r.get(6)?,
                        detail: r.get(7)?,
                        notes: r.get(8)?,
                    })
                },
            )
        })
    }

    pub fn add_side_effect(
        &mut self,
        session: SessionId,
        kind: SideEffectKind,
        severity: i64,
        day_after: i64,
        notes: &str,
    ) -> Result<SideEffectId> {
        let severity = validate_severity(severity).map_err(|e| invalid("severity", e))?;
        if !(0..=365).contains(&day_after) {
            return Err(invalid(
                "day after",
                format!("{day_after} is outside 0–365"),
            ));
        }
        self.write(|tx| {
            let id = tx.insert_id(
                "INSERT INTO side_effect (session_id, kind, severity, day_after, notes) \
                 VALUES (?1, ?2, ?3, ?4, ?5) RETURNING id",
                params![session, kind, severity, day_after, notes],
            )?;
            Ok(SideEffectId(id))
        })
    }

    /// Every side effect after a session of the series, by session date and day.
    pub fn side_effects_of_series(&mut self, series: SeriesId) -> Result<Vec<SideEffectRow>> {
        self.audited_read(|tx| {
            super::audit::view_series(tx, "side-effects", series)?;
            all_rows(tx, "SELECT side_effect.id, side_effect.session_id, session.date, side_effect.kind, \
                 side_effect.severity, side_effect.day_after, side_effect.notes \
                 FROM side_effect JOIN session ON session.id = side_effect.session_id \
                 WHERE session.series_id = ?1 ORDER BY session.date, side_effect.day_after, side_effect.id", [series], |r| {
                Ok(SideEffectRow {
                    id: r.get(0)?,
                    session: r.get(1)?,
                    session_date: r.get(2)?,
                    kind: r.get(3)?,
                    severity: r.get(4)?,
                    day_after: r.get(5)?,
                    notes: r.get(6)?,
                })
            })
        })
    }

    /// Records consent to one use (again, if it was withdrawn).
    pub fn give_consent(
        &mut self,
        person: PersonId,
        scope: ConsentScope,
        on: NaiveDate,
        note: &str,
    ) -> Result<()> {
        self.write(|tx| {
            tx.execute(
                "INSERT INTO consent (person_id, scope, given_on, note, withdrawn_on) \
                 VALUES (?1, ?2, ?3, ?4, NULL) \
                 ON CONFLICT (person_id, scope) DO UPDATE SET given_on = excluded.given_on, note = excluded.note, withdrawn_on = excluded.withdrawn_on",
                params![person, scope, on, note],
            )?;
            Ok(())
        })
    }

    pub fn withdraw_consent(
        &mut self,
        person: PersonId,
        scope: ConsentScope,
        on: NaiveDate,
    ) -> Result<()> {
        self.write(|tx| {
            tx.execute(
                "UPDATE consent SET withdrawn_on = ?3 WHERE person_id = ?1 AND scope = ?2",
                params![person, scope, on],
            )?;
            Ok(())
        })
    }

    pub fn consents(&mut self, person: PersonId) -> Result<Vec<ConsentRow>> {
        self.audited_read(|tx| {
            super::audit::view_person(tx, "consent", person)?;
            consents_of(tx, person)
        })
    }
}

fn mode_of(conn: &Conn) -> Result<Mode> {
    let text: Option<String> = conn
        .query_row("SELECT value FROM setting WHERE key = 'mode'", [], |r| {
            r.get(0)
        })
        .optional()?;
    Ok(text
        .and_then(|t| Mode::from_key(&t))
        .unwrap_or(Mode::Personal))
}

fn consents_of(conn: &Conn, person: PersonId) -> Result<Vec<ConsentRow>> {
    all_rows(
        conn,
        "SELECT scope, given_on, note, withdrawn_on FROM consent WHERE person_id = ?1 ORDER BY scope",
        [person],
        |r| {
            Ok(ConsentRow {
                scope: r.get(0)?,
                given_on: r.get(1)?,
                note: r.get(2)?,
                withdrawn_on: r.get(3)?,
            })
        },
    )
}

fn contraindications_of(conn: &Conn, person: PersonId) -> Result<Vec<ContraindicationRow>> {
    all_rows(
        conn,
        "SELECT kind, noted_on, resolved_on, notes FROM contraindication \
         WHERE person_id = ?1 ORDER BY noted_on, kind",
        [person],
        |r| {
            Ok(ContraindicationRow {
                kind: r.get(0)?,
                noted_on: r.get(1)?,
                resolved_on: r.get(2)?,
                notes: r.get(3)?,
            })
        },
    )
}

fn update_plan(conn: &Conn, id: SeriesId, plan: &SeriesPlan) -> Result<()> {
    let n = conn.execute(
        "UPDATE series SET title = ?2, planned_sessions = ?3, interval_days = ?4, \
         start_date = ?5, status = ?6, notes = ?7 WHERE id = ?1",
        params![
            id,
            plan.title,
            plan.planned_sessions,
            plan.interval_days,
            plan.start_date,
            plan.status,
            plan.notes
        ],
    )?;
    if n == 0 {
        return Err(CatalogueError::NotFound {
            what: "series",
            id: id.0,
        });
    }
    Ok(())
}

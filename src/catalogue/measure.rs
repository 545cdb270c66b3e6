//! Regions, their measurements, and reference-card corrections (migration 008).

use super::db::{Conn, Row};
use super::{Catalogue, CatalogueError, Result, all_rows};
use crate::model::card::{CardCorrection, CardKind, Corners};
use crate::model::measure::{
    ColourStats, Contrast, Measurement, MeasurementRow, Region, Shape, SpotThreshold, StoredRegion,
    Surround,
};
use crate::model::{PhotoId, RegionId, SeriesId};
use rusqlite::{OptionalExtension, params};
use serde_json::{Value, json};

fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

fn shape_json(shape: &Shape) -> Value {
    match shape {
        Shape::Rect { x, y, w, h } => json!({"kind": "rect", "x": x, "y": y, "w": w, "h": h}),
        Shape::Ellipse { cx, cy, rx, ry } => {
            json!({"kind": "ellipse", "cx": cx, "cy": cy, "rx": rx, "ry": ry})
        }
        Shape::Polygon(points) => json!({"kind": "polygon", "points": points}),
    }
}

fn shape_from(v: &Value) -> Option<Shape> {
    let f = |k: &str| v.get(k).and_then(Value::as_f64);
    match v.get("kind")?.as_str()? {
        "rect" => Some(Shape::Rect {
            x: f("x")?,
            y: f("y")?,
            w: f("w")?,
            h: f("h")?,
        }),
        "ellipse" => Some(Shape::Ellipse {
            cx: f("cx")?,
            cy: f("cy")?,
            rx: f("rx")?,
            ry: f("ry")?,
        }),
        "polygon" => serde_json::from_value(v.get("points")?.clone())
            .ok()
            .map(Shape::Polygon),
        _ => None,
    }
}

fn surround_json(s: Option<&Surround>) -> Option<String> {
    s.map(|s| {
        match s {
            Surround::Ring { scale } => json!({"kind": "ring", "scale": scale}),
            Surround::Shape(shape) => json!({"kind": "shape", "shape": shape_json(shape)}),
        }
        .to_string()
    })
}

fn surround_from(v: &Value) -> Option<Surround> {
    match v.get("kind")?.as_str()? {
        "ring" => Some(Surround::Ring {
            scale: v.get("scale")?.as_f64()?,
        }),
        "shape" => shape_from(v.get("shape")?).map(Surround::Shape),
        _ => None,
    }
}

fn bad_json(column: &str, text: &str) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(
        0,
        rusqlite::types::Type::Text,
        format!("{column}: not a valid geometry: {text}").into(),
    )
}

fn parse<T>(column: &str, text: &str, f: impl Fn(&Value) -> Option<T>) -> rusqlite::Result<T> {
    serde_json::from_str::<Value>(text)
        .ok()
        .and_then(|v| f(&v))
        .ok_or_else(|| bad_json(column, text))
}

const REGION_COLUMNS: &str =
    "region.id, region.photo_id, region.name, region.shape, region.surround";

fn region_from_row(r: &Row<'_>) -> rusqlite::Result<StoredRegion> {
    let shape: String = r.get(3)?;
    let surround: Option<String> = r.get(4)?;
    Ok(StoredRegion {
        id: r.get(0)?,
        photo: r.get(1)?,
        name: r.get(2)?,
        region: Region {
            shape: parse("region.shape", &shape, shape_from)?,
            surround: match surround {
                Some(text) => Some(parse("region.surround", &text, surround_from)?),
                None => None,
            },
        },
    })
}

const MEASUREMENT_COLUMNS: &str = "m.method_version, m.corrected, m.l_mean, m.a_mean, m.b_mean, \
     m.l_sd, m.a_sd, m.b_sd, m.ita_deg, m.erythema_index, m.melanin_index, m.pixels, \
     m.surround_l, m.surround_a, m.surround_b, m.surround_ita, m.surround_erythema, \
     m.surround_melanin, m.delta_e2000, m.darker_share, m.redder_share, m.threshold_l, m.threshold_a";

/// Reads [`MEASUREMENT_COLUMNS`] starting at column `at`.
fn measurement_from_row(r: &Row<'_>, at: usize) -> rusqlite::Result<Measurement> {
    let g = |i: usize| r.get::<_, f64>(at + i);
    let region = ColourStats {
        lab: [g(2)?, g(3)?, g(4)?],
        lab_sd: [g(5)?, g(6)?, g(7)?],
        ita_deg: g(8)?,
        erythema_index: g(9)?,
        melanin_index: g(10)?,
        pixels: r.get::<_, i64>(at + 11)? as u64,
    };
    let opt = |i: usize| r.get::<_, Option<f64>>(at + i);
    let contrast = match (opt(12)?, opt(18)?) {
        (Some(l), Some(delta_e2000)) => Some(Contrast {
            surround: ColourStats {
                lab: [l, opt(13)?.unwrap_or(0.0), opt(14)?.unwrap_or(0.0)],
                lab_sd: [0.0; 3],
                ita_deg: opt(15)?.unwrap_or(0.0),
                erythema_index: opt(16)?.unwrap_or(0.0),
                melanin_index: opt(17)?.unwrap_or(0.0),
                pixels: 0,
            },
            delta_e2000,
            darker_share: opt(19)?.unwrap_or(0.0),
            redder_share: opt(20)?.unwrap_or(0.0),
            threshold: SpotThreshold {
                darker_l: opt(21)?.unwrap_or(0.0),
                redder_a: opt(22)?.unwrap_or(0.0),
            },
        }),
        _ => None,
    };
    Ok(Measurement {
        method_version: r.get(at)?,
        corrected: r.get(at + 1)?,
        region,
        contrast,
    })
}

fn get_region(conn: &Conn, id: RegionId) -> Result<StoredRegion> {
    conn.query_row(
        &format!("SELECT {REGION_COLUMNS} FROM region WHERE id = ?1"),
        [id],
        region_from_row,
    )
    .optional()?
    .ok_or(CatalogueError::NotFound {
        what: "region",
        id: id.0,
    })
}

fn insert_region(
    tx: &Conn,
    id: Option<RegionId>,
    photo: PhotoId,
    name: &str,
    region: &Region,
) -> Result<RegionId> {
    super::photos::get_photo(tx, photo)?;
    // An identity column takes an explicit id (undo puts a region back as it was) or makes
    // one; an explicit NULL it refuses.
    let (name, shape, surround) = (
        name.trim(),
        shape_json(&region.shape).to_string(),
        surround_json(region.surround.as_ref()),
    );
    let new = match id {
        Some(id) => tx.insert_id(
            "INSERT INTO region (id, photo_id, name, shape, surround, created_at) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6) RETURNING id",
            params![id, photo, name, shape, surround, now()],
        )?,
        None => tx.insert_id(
            "INSERT INTO region (photo_id, name, shape, surround, created_at) \
             VALUES (?1, ?2, ?3, ?4, ?5) RETURNING id",
            params![photo, name, shape, surround, now()],
        )?,
    };
    Ok(RegionId(new))
}

fn check_region(name: &str, region: &Region) -> Result<()> {
    if name.trim().is_empty() {
        return Err(CatalogueError::Invalid {
            field: "region name",
            reason: "must not be empty".into(),
        });
    }
    region.check().map_err(|e| CatalogueError::Invalid {
        field: "region",
        reason: e.to_string(),
    })
}

/// Stores (or replaces) the measurement of `region` in `photo`; returns its id.
fn put_measurement(tx: &Conn, region: RegionId, photo: PhotoId, m: &Measurement) -> Result<i64> {
    let c = m.contrast.as_ref();
    let s = c.map(|c| &c.surround);
    tx.execute(
        "INSERT INTO measurement (region_id, photo_id, method_version, corrected, \
         l_mean, a_mean, b_mean, l_sd, a_sd, b_sd, ita_deg, erythema_index, melanin_index, \
         pixels, surround_l, surround_a, surround_b, surround_ita, surround_erythema, \
         surround_melanin, delta_e2000, darker_share, redder_share, threshold_l, \
         threshold_a, measured_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, \
         ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26) \
         ON CONFLICT (region_id, photo_id) DO UPDATE SET \
         method_version = excluded.method_version, corrected = excluded.corrected, \
         l_mean = excluded.l_mean, a_mean = excluded.a_mean, b_mean = excluded.b_mean, \
         l_sd = excluded.l_sd, a_sd = excluded.a_sd, b_sd = excluded.b_sd, \
         ita_deg = excluded.ita_deg, erythema_index = excluded.erythema_index, \
         melanin_index = excluded.melanin_index, pixels = excluded.pixels, \
         surround_l = excluded.surround_l, surround_a = excluded.surround_a, \
         surround_b = excluded.surround_b, surround_ita = excluded.surround_ita, \
         surround_erythema = excluded.surround_erythema, \
         surround_melanin = excluded.surround_melanin, \
         delta_e2000 = excluded.delta_e2000, darker_share = excluded.darker_share, \
         redder_share = excluded.redder_share, threshold_l = excluded.threshold_l, \
         threshold_a = excluded.threshold_a, measured_at = excluded.measured_at",
        params![
            region,
            photo,
            m.method_version,
            m.corrected,
            m.region.lab[0],
            m.region.lab[1],
            m.region.lab[2],
            m.region.lab_sd[0],
            m.region.lab_sd[1],
            m.region.lab_sd[2],
            m.region.ita_deg,
            m.region.erythema_index,
            m.region.melanin_index,
            m.region.pixels as i64,
            s.map(|s| s.lab[0]),
            s.map(|s| s.lab[1]),
            s.map(|s| s.lab[2]),
            s.map(|s| s.ita_deg),
            s.map(|s| s.erythema_index),
            s.map(|s| s.melanin_index),
            c.map(|c| c.delta_e2000),
            c.map(|c| c.darker_share),
            c.map(|c| c.redder_share),
            c.map(|c| c.threshold.darker_l),
            c.map(|c| c.threshold.redder_a),
            now()
        ],
    )?;
    Ok(tx.query_row(
        "SELECT id FROM measurement WHERE region_id = ?1 AND photo_id = ?2",
        params![region, photo],
        |r| r.get(0),
    )?)
}

/// The stored measurement of `region` in `photo`, if there is one.
fn get_measurement(tx: &Conn, region: RegionId, photo: PhotoId) -> Result<Option<Measurement>> {
    Ok(tx
        .query_row(
            &format!(
                "SELECT {MEASUREMENT_COLUMNS} FROM measurement m \
                 WHERE m.region_id = ?1 AND m.photo_id = ?2"
            ),
            params![region, photo],
            |r| measurement_from_row(r, 0),
        )
        .optional()?)
}

fn get_card(tx: &Conn, photo: PhotoId) -> Result<Option<CardCorrection>> {
    Ok(tx
        .query_row(
            "SELECT photo_id, kind, corners, matrix, residuals FROM card_correction \
             WHERE photo_id = ?1",
            [photo],
            card_from_row,
        )
        .optional()?)
}

fn put_card(tx: &Conn, c: &CardCorrection) -> Result<()> {
    let to_text = |v: Value| v.to_string();
    super::photos::get_photo(tx, c.photo)?;
    tx.execute(
        "INSERT INTO card_correction \
         (photo_id, kind, corners, matrix, residuals, fitted_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6) \
         ON CONFLICT (photo_id) DO UPDATE SET kind = excluded.kind, corners = excluded.corners, matrix = excluded.matrix, residuals = excluded.residuals, fitted_at = excluded.fitted_at",
        params![
            c.photo,
            c.kind,
            to_text(json!(c.corners.0)),
            to_text(json!(c.matrix)),
            to_text(json!(c.residuals)),
            now()
        ],
    )?;
    Ok(())
}

/// A region with everything measured in it: what deleting it removes, and what restoring
/// it puts back.
#[derive(Clone, Debug, PartialEq)]
pub struct RegionBackup {
    pub region: StoredRegion,
    pub measurements: Vec<(PhotoId, Measurement)>,
}

/// One photo's measurement of a region: `Some` to store (replacing), `None` to remove.
pub type MeasurementChange = (PhotoId, Option<Measurement>);

fn card_from_row(r: &Row<'_>) -> rusqlite::Result<CardCorrection> {
    let (corners, matrix, residuals): (String, String, String) = (r.get(2)?, r.get(3)?, r.get(4)?);
    Ok(CardCorrection {
        photo: r.get(0)?,
        kind: r.get::<_, CardKind>(1)?,
        corners: Corners(parse("card_correction.corners", &corners, |v| {
            serde_json::from_value(v.clone()).ok()
        })?),
        matrix: parse("card_correction.matrix", &matrix, |v| {
            serde_json::from_value(v.clone()).ok()
        })?,
        residuals: parse("card_correction.residuals", &residuals, |v| {
            serde_json::from_value(v.clone()).ok()
        })?,
    })
}

impl Catalogue {
    /// Stores a region drawn on `photo` under `name`; returns its id.
    pub fn add_region(&mut self, photo: PhotoId, name: &str, region: &Region) -> Result<RegionId> {
        check_region(name, region)?;
        self.write(|tx| insert_region(tx, None, photo, name, region))
    }

    /// Stores a new region with the measurements already taken of it, in one transaction.
    pub fn add_measured_region(
        &mut self,
        photo: PhotoId,
        name: &str,
        region: &Region,
        measurements: &[(PhotoId, Measurement)],
    ) -> Result<RegionId> {
        check_region(name, region)?;
        self.write(|tx| {
            let id = insert_region(tx, None, photo, name, region)?;
            for (p, m) in measurements {
                put_measurement(tx, id, *p, m)?;
            }
            Ok(id)
        })
    }

    pub fn region(&mut self, id: RegionId) -> Result<StoredRegion> {
        self.read(|tx| get_region(tx, id))
    }

    /// Regions drawn on any photo of a series, oldest first.
    pub fn regions_of_series(&mut self, series: SeriesId) -> Result<Vec<StoredRegion>> {
        self.read(|tx| {
            all_rows(
                tx,
                &format!(
                    "SELECT {REGION_COLUMNS} FROM region JOIN photo ON photo.id = region.photo_id \
                     WHERE photo.series_id = ?1 ORDER BY region.id"
                ),
                [series],
                region_from_row,
            )
        })
    }

    /// Regions drawn on one photo, oldest first.
    pub fn regions_of_photo(&mut self, photo: PhotoId) -> Result<Vec<StoredRegion>> {
        self.read(|tx| {
            all_rows(
                tx,
                &format!("SELECT {REGION_COLUMNS} FROM region WHERE photo_id = ?1 ORDER BY id"),
                [photo],
                region_from_row,
            )
        })
    }

    /// Deletes a region and its measurements; returns them, so they can be put back.
    pub fn delete_region(&mut self, id: RegionId) -> Result<RegionBackup> {
        self.write(|tx| {
            let region = get_region(tx, id)?;
            let measurements = all_rows(
                tx,
                &format!(
                    "SELECT m.photo_id, {MEASUREMENT_COLUMNS} FROM measurement m \
                     WHERE m.region_id = ?1 ORDER BY m.id"
                ),
                [id],
                |r| Ok((r.get(0)?, measurement_from_row(r, 1)?)),
            )?;
            tx.execute("DELETE FROM region WHERE id = ?1", [id])?;
            Ok(RegionBackup {
                region,
                measurements,
            })
        })
    }

    /// Puts a deleted region back with its measurements, under its old id when that is
    /// still free; returns the id it has now.
    pub fn restore_region(&mut self, backup: &RegionBackup) -> Result<RegionId> {
        let r = &backup.region;
        check_region(&r.name, &r.region)?;
        self.write(|tx| {
            let taken = get_region(tx, r.id).is_ok();
            let id = insert_region(tx, (!taken).then_some(r.id), r.photo, &r.name, &r.region)?;
            for (photo, m) in &backup.measurements {
                put_measurement(tx, id, *photo, m)?;
            }
            Ok(id)
        })
    }

    /// Stores what `region` measured in `photo`, replacing an earlier measurement of the
    /// same pair; returns its id.
    pub fn save_measurement(
        &mut self,
        region: RegionId,
        photo: PhotoId,
        m: &Measurement,
    ) -> Result<i64> {
        self.write(|tx| {
            get_region(tx, region)?;
            put_measurement(tx, region, photo, m)
        })
    }

    /// Stores and removes measurements of a region in one transaction; returns the changes
    /// that put back what was there before (for undo).
    pub fn change_measurements(
        &mut self,
        region: RegionId,
        changes: &[MeasurementChange],
    ) -> Result<Vec<MeasurementChange>> {
        self.write(|tx| {
            get_region(tx, region)?;
            let mut before = Vec::with_capacity(changes.len());
            for (photo, change) in changes {
                before.push((*photo, get_measurement(tx, region, *photo)?));
                match change {
                    Some(m) => {
                        put_measurement(tx, region, *photo, m)?;
                    }
                    None => {
                        tx.execute(
                            "DELETE FROM measurement WHERE region_id = ?1 AND photo_id = ?2",
                            params![region, photo],
                        )?;
                    }
                }
            }
            before.reverse();
            Ok(before)
        })
    }

    /// The stored measurement of `region` in `photo`, if any.
    pub fn measurement(&mut self, region: RegionId, photo: PhotoId) -> Result<Option<Measurement>> {
        self.read(|tx| get_measurement(tx, region, photo))
    }

    /// Every measurement of a series' photos (not in the trash), by date then region.
    pub fn measurements_of_series(&mut self, series: SeriesId) -> Result<Vec<MeasurementRow>> {
        self.audited_read(|tx| {
            super::audit::view_series(tx, "measurements", series)?;
            all_rows(
                tx,
                &format!(
                    "SELECT m.id, m.region_id, region.name, m.photo_id, photo.session_id, \
                     substr(photo.taken_at, 1, 10), {MEASUREMENT_COLUMNS} \
                     FROM measurement m JOIN region ON region.id = m.region_id \
                     JOIN photo ON photo.id = m.photo_id \
                     WHERE photo.series_id = ?1 AND photo.trashed_at IS NULL \
                     ORDER BY photo.taken_at, m.region_id, m.id"
                ),
                [series],
                |r| {
                    Ok(MeasurementRow {
                        id: r.get(0)?,
                        region: r.get(1)?,
                        region_name: r.get(2)?,
                        photo: r.get(3)?,
                        session: r.get(4)?,
                        date: r.get(5)?,
                        measurement: measurement_from_row(r, 6)?,
                    })
                },
            )
        })
    }

    /// Stores a photo's card correction, replacing any earlier one.
    pub fn save_card_correction(&mut self, c: &CardCorrection) -> Result<()> {
        self.write(|tx| put_card(tx, c))
    }

    pub fn card_correction(&mut self, photo: PhotoId) -> Result<Option<CardCorrection>> {
        self.read(|tx| get_card(tx, photo))
    }

    /// Removes a photo's card correction; `false` when it had none.
    pub fn delete_card_correction(&mut self, photo: PhotoId) -> Result<bool> {
        self.write(|tx| {
            Ok(tx.execute("DELETE FROM card_correction WHERE photo_id = ?1", [photo])? > 0)
        })
    }

    /// Sets (`Some`) or removes (`None`) a photo's card correction in one transaction;
    /// returns the one it had before (for undo).
    pub fn set_card_correction(
        &mut self,
        photo: PhotoId,
        correction: Option<&CardCorrection>,
    ) -> Result<Option<CardCorrection>> {
        self.write(|tx| {
            let before = get_card(tx, photo)?;
            match correction {
                Some(c) if c.photo == photo => put_card(tx, c)?,
                Some(c) => {
                    return Err(CatalogueError::Invalid {
                        field: "card correction",
                        reason: format!("it belongs to photo {}, not photo {photo}", c.photo),
                    });
                }
                None => {
                    tx.execute("DELETE FROM card_correction WHERE photo_id = ?1", [photo])?;
                }
            }
            Ok(before)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue::{AssignmentSpec, NewPhoto};
    use crate::model::measure::METHOD_VERSION;
    use crate::model::{ContentHash, PhotoFormat, TakenAt};

    fn photo(cat: &mut Catalogue, day: u32) -> PhotoId {
        let assignment = cat
            .resolve_assignment(&AssignmentSpec {
                person: Some("Me".into()),
                series: Some("Peel".into()),
                ..AssignmentSpec::default()
            })
            .unwrap();
        let new = NewPhoto {
            hash: ContentHash::of(&[day as u8]),
            format: PhotoFormat::Jpeg,
            original_name: format!("{day}.jpg"),
            file_size: 1,
            width: 40,
            height: 30,
            taken_at: TakenAt::exact(
                chrono::NaiveDate::from_ymd_opt(2026, 1, day)
                    .unwrap()
                    .and_hms_opt(9, 0, 0)
                    .unwrap(),
                None,
            ),
            camera: None,
            original_name_raw: None,
            colour_profile: None,
            warnings: Vec::new(),
        };
        cat.insert_photos_bulk(&[(new, assignment)]).unwrap();
        cat.list_photos(None)
            .unwrap()
            .into_iter()
            .find(|p| p.photo.original_name == format!("{day}.jpg"))
            .unwrap()
            .photo
            .id
    }

    fn stats(l: f64) -> ColourStats {
        ColourStats {
            lab: [l, 12.0, 15.0],
            lab_sd: [1.0, 0.5, 0.5],
            ita_deg: 30.0,
            erythema_index: 20.0,
            melanin_index: 40.0,
            pixels: 100,
        }
    }

    #[test]
    fn regions_and_measurements_round_trip_and_list_per_series() {
        let mut cat = crate::testing::catalogue();
        let (first, later) = (photo(&mut cat, 5), photo(&mut cat, 30));
        let region = Region {
            shape: Shape::Polygon(vec![[0.0, 0.0], [0.1, 0.0], [0.05, 0.1]]),
            surround: Some(Surround::Ring { scale: 2.5 }),
        };
        let id = cat.add_region(first, "spot on cheek", &region).unwrap();
        assert_eq!(cat.region(id).unwrap().region, region);
        let series = cat.regions_of_series(SeriesId(1)).unwrap();
        assert_eq!(series.len(), 1);
        assert_eq!(series[0].name, "spot on cheek");
        let m = |l: f64| Measurement {
            region: stats(l),
            contrast: Some(Contrast {
                surround: stats(65.0),
                delta_e2000: 7.5,
                darker_share: 0.4,
                redder_share: 0.1,
                threshold: SpotThreshold::default(),
            }),
            corrected: true,
            method_version: METHOD_VERSION,
        };
        cat.save_measurement(id, later, &m(50.0)).unwrap();
        cat.save_measurement(id, first, &m(48.0)).unwrap();
        // Measuring again replaces.
        cat.save_measurement(id, later, &m(55.0)).unwrap();
        let rows = cat.measurements_of_series(SeriesId(1)).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].photo, first);
        assert!((rows[1].measurement.region.lab[0] - 55.0).abs() < 1e-12);
        assert_eq!(rows[1].date.to_string(), "2026-01-30");
        let c = rows[1].measurement.contrast.as_ref().unwrap();
        assert_eq!((c.delta_e2000, c.darker_share), (7.5, 0.4));
        assert!(rows[1].measurement.corrected);
        // Bad input is refused by name.
        let err = cat.add_region(first, " ", &region).unwrap_err();
        assert!(err.to_string().starts_with("region name"));
        let err = cat
            .add_region(first, "x", &Region::plain(Shape::Polygon(vec![])))
            .unwrap_err();
        assert!(err.to_string().contains("at least three points"), "{err}");
        assert!(matches!(
            cat.save_measurement(RegionId(99), first, &m(1.0)),
            Err(CatalogueError::NotFound { what: "region", .. })
        ));
        // Deleting keeps what it removed; restoring puts it back under the same id.
        let backup = cat.delete_region(id).unwrap();
        assert!(cat.measurements_of_series(SeriesId(1)).unwrap().is_empty());
        assert_eq!(backup.measurements.len(), 2);
        assert_eq!(cat.restore_region(&backup).unwrap(), id);
        let values = |rows: Vec<MeasurementRow>| {
            rows.into_iter()
                .map(|r| (r.region, r.photo, r.measurement))
                .collect::<Vec<_>>()
        };
        let before = values(rows);
        assert_eq!(
            values(cat.measurements_of_series(SeriesId(1)).unwrap()),
            before
        );
        // A change of measurements returns the changes that undo it.
        let undo = cat
            .change_measurements(id, &[(first, None), (later, Some(m(60.0)))])
            .unwrap();
        assert_eq!(cat.measurement(id, first).unwrap(), None);
        let now = cat.measurement(id, later).unwrap().unwrap();
        assert!((now.region.lab[0] - 60.0).abs() < 1e-12);
        cat.change_measurements(id, &undo).unwrap();
        assert_eq!(
            values(cat.measurements_of_series(SeriesId(1)).unwrap()),
            before
        );
        // A restored region whose id was taken meanwhile gets a new one.
        let backup = cat.delete_region(id).unwrap();
        let other = cat.add_region(first, "other", &region).unwrap();
        let again = cat.restore_region(&backup).unwrap();
        if crate::testing::backend() == crate::catalogue::Backend::Sqlite {
            assert_eq!(other, id, "SQLite reuses the highest free id");
            assert_ne!(again, id);
        } else {
            assert_ne!(other, id, "PostgreSQL never hands out an id twice");
            assert_eq!(again, id, "so the region comes back with its own");
        }
        assert_eq!(cat.region(again).unwrap().name, "spot on cheek");
        // A new region with its measurements, in one step.
        let new = cat
            .add_measured_region(first, "with values", &region, &[(first, m(47.0))])
            .unwrap();
        assert!(cat.measurement(new, first).unwrap().is_some());
        assert_eq!(cat.regions_of_photo(first).unwrap().len(), 3);
    }

    #[test]
    fn a_card_correction_is_stored_with_its_photo() {
        let mut cat = crate::testing::catalogue();
        let p = photo(&mut cat, 5);
        assert_eq!(cat.card_correction(p).unwrap(), None);
        let c = CardCorrection {
            photo: p,
            kind: CardKind::ColorChecker24,
            corners: Corners([[-0.2, -0.1], [0.2, -0.1], [0.2, 0.1], [-0.2, 0.1]]),
            matrix: [[1.1, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.02, 0.9]],
            residuals: vec![("dark skin".into(), 0.4), ("black 2".into(), 1.2)],
        };
        cat.save_card_correction(&c).unwrap();
        assert_eq!(cat.card_correction(p).unwrap(), Some(c.clone()));
        assert!(cat.delete_card_correction(p).unwrap());
        assert!(!cat.delete_card_correction(p).unwrap());
        // Setting returns what was there, so it can be undone.
        assert_eq!(cat.set_card_correction(p, Some(&c)).unwrap(), None);
        assert_eq!(cat.set_card_correction(p, None).unwrap(), Some(c.clone()));
        assert_eq!(cat.card_correction(p).unwrap(), None);
        let err = cat
            .set_card_correction(PhotoId(p.0 + 1), Some(&c))
            .unwrap_err();
        assert!(err.to_string().contains("belongs to photo"), "{err}");
    }
}

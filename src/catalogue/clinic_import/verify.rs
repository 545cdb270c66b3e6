//! The end of an import: every kind of row counted in both catalogues.

use super::tables::VERIFIED;
use super::{ClinicImport, EXISTING, Result};
use crate::catalogue::clinic::ClinicError;

/// One kind of row, counted in both catalogues.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KindCount {
    pub kind: &'static str,
    /// Rows of the personal library that should be in the clinic.
    pub expected: i64,
    /// Those found there.
    pub found: i64,
}

/// The end-of-import check.
#[derive(Clone, Debug)]
pub struct Verification {
    pub counts: Vec<KindCount>,
    /// Photos the clinic had already: (personal id, clinic id, original name).
    pub existing: Vec<(i64, i64, String)>,
    /// Settings copied in this run or an earlier one (`None`: the user may not write them).
    pub settings: Option<usize>,
}

impl Verification {
    pub fn mismatches(&self) -> impl Iterator<Item = &KindCount> {
        self.counts.iter().filter(|c| c.expected != c.found)
    }
}

impl ClinicImport<'_> {
    /// Counts every kind of row in both catalogues, and marks the run finished when they
    /// agree. Photos the clinic had already are expected with none of their own rows.
    ///
    /// # Errors
    /// The server or the catalogue fails.
    pub fn verify(&mut self) -> Result<Verification> {
        let existing: Vec<(i64, i64)> = self
            .maps
            .iter()
            .filter(|((kind, _), _)| kind == EXISTING)
            .map(|((_, old), new)| (*old, *new))
            .collect();
        let mut counts = Vec::new();
        for (kind, table, owner_col, owner_kind, own_rows) in VERIFIED {
            let mut expected: i64 =
                self.src
                    .query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))?;
            if let Some(own) = own_rows {
                for (old, _) in &existing {
                    let n: i64 = self.src.query_row(
                        &format!("SELECT count(*) FROM {table} WHERE {own}"),
                        [old],
                        |r| r.get(0),
                    )?;
                    expected -= n;
                }
            }
            let found: i64 = self
                .client
                .query_one(
                    &format!(
                        "SELECT count(*) FROM skinlapse.{table} t
                           JOIN skinlapse.import_map m
                             ON m.run_id = $1 AND m.kind = $2 AND m.new_id = t.{owner_col}
                          WHERE NOT EXISTS (SELECT 1 FROM skinlapse.import_map e
                                             WHERE e.run_id = $1 AND e.kind = $3
                                               AND e.old_id = m.old_id AND $2 = 'photo')"
                    ),
                    &[&self.run, owner_kind, &EXISTING],
                )
                .map_err(|e| ClinicError::from_pg(e, &self.user))?
                .get(0);
            counts.push(KindCount {
                kind,
                expected,
                found,
            });
        }
        // RAW companions by content: one the clinic had already stays with its photo.
        let mut companions = super::strings(self.src, "SELECT hash FROM photo_companion", [])?;
        for (old, _) in &existing {
            let theirs: Vec<String> = super::strings(
                self.src,
                "SELECT hash FROM photo_companion WHERE photo_id = ?1",
                [old],
            )?;
            companions.retain(|h| !theirs.contains(h));
        }
        counts.push(self.by_content(
            "RAW companions",
            &companions,
            "SELECT hash FROM skinlapse.photo_companion",
        )?);
        // Originals: every photo's and companion's content is in the clinic catalogue.
        let hashes: Vec<String> = super::strings(
            self.src,
            "SELECT hash FROM photo UNION SELECT hash FROM photo_companion",
            [],
        )?;
        counts.push(self.by_content(
            "originals",
            &hashes,
            "SELECT hash FROM skinlapse.photo UNION SELECT hash FROM skinlapse.photo_companion",
        )?);
        let mut named = Vec::new();
        for (old, new) in existing {
            let name: String = self.src.query_row(
                "SELECT original_name FROM photo WHERE id = ?1",
                [old],
                |r| r.get(0),
            )?;
            named.push((old, new, name));
        }
        named.sort_unstable();
        let settings = if self.may_write_settings {
            let keys: Vec<String> =
                super::strings(self.src, "SELECT key FROM setting WHERE key <> 'mode'", [])?;
            Some(keys.len())
        } else {
            None
        };
        let verification = Verification {
            counts,
            existing: named,
            settings,
        };
        if verification.mismatches().next().is_none() {
            self.client
                .execute(
                    "UPDATE skinlapse.import_run SET finished_at = clock_timestamp()
                      WHERE id = $1",
                    &[&self.run],
                )
                .map_err(|e| ClinicError::from_pg(e, &self.user))?;
        }
        Ok(verification)
    }

    /// How many of `hashes` the clinic has among the hashes `clinic` selects.
    fn by_content(
        &mut self,
        kind: &'static str,
        hashes: &[String],
        clinic: &str,
    ) -> Result<KindCount> {
        let found: i64 = self
            .client
            .query_one(
                &format!("SELECT count(*) FROM ({clinic}) h WHERE hash = ANY($1)"),
                &[&hashes],
            )
            .map_err(|e| ClinicError::from_pg(e, &self.user))?
            .get(0);
        Ok(KindCount {
            kind,
            expected: i64::try_from(hashes.len()).unwrap_or(i64::MAX),
            found,
        })
    }
}

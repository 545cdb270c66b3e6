//! Moving a personal library's catalogue into a clinic's PostgreSQL database, step by step:
//! each step (the vocabulary and settings, one person with their whole record, one photo with
//! what belongs to it, one photo's alignments and regions) is one transaction that also
//! writes which personal ids became which clinic ids (`import_map`, `004_import.sql`). An
//! interrupted import run again skips the steps already committed: nothing twice.
//!
//! The personal catalogue is read through [`Catalogue::sqlite`], its one coupling to the
//! SQLite connection; the clinic is written with the signed-in user's own connection, so
//! the database decides what they may do and its triggers record every row in the audit
//! trail as theirs.

use super::Catalogue;
use super::clinic::ClinicError;
use postgres::{Client, Transaction};
use rusqlite::Connection;
use std::collections::HashMap;

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error(transparent)]
    Clinic(#[from] ClinicError),
    #[error("reading the personal library's catalogue: {0}")]
    Source(#[from] rusqlite::Error),
    /// Refused before anything was written (a name clash, a role that may not).
    #[error("{0}")]
    Refused(String),
    /// The two catalogues disagree in a way the import cannot bridge.
    #[error("{0}")]
    Mismatch(String),
}

type Result<T, E = ImportError> = std::result::Result<T, E>;

mod copy;
mod tables;
mod verify;

pub use verify::{KindCount, Verification};

use copy::{Copier, table_columns};
use tables::{ANALYSIS_STEP, PERSON_STEP, PHOTO_STEP, Table};

/// Map kinds that mark steps: a photo whose content the clinic had already, and a photo
/// whose alignments and regions are in.
const EXISTING: &str = "photo-existing";
const ANALYSED: &str = "photo-analysed";

/// A photo of the personal library with the originals it stores.
#[derive(Clone, Debug)]
pub struct SourcePhoto {
    pub id: i64,
    pub original_name: String,
    /// The content hash and format key of its own original, then of each companion.
    pub originals: Vec<(String, String)>,
    /// Imported (or found in the clinic) by an earlier run.
    pub done: bool,
}

/// What became of a photo.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PhotoOutcome {
    /// A new photo of the clinic, with this id.
    Imported(i64),
    /// The clinic had this content already, as this photo: not duplicated.
    AlreadyInClinic(i64),
}

/// Rows already mapped: (kind, personal id) → clinic id.
type Maps = HashMap<(String, i64), i64>;

/// An import of one personal catalogue into a clinic, as the signed-in user.
pub struct ClinicImport<'a> {
    src: &'a Connection,
    client: &'a mut Client,
    user: String,
    run: i64,
    maps: Maps,
    /// Each clinic table's columns and their types, in order.
    columns: HashMap<String, Vec<(String, String)>>,
    may_write_settings: bool,
}

impl std::fmt::Debug for ClinicImport<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClinicImport")
            .field("user", &self.user)
            .field("run", &self.run)
            .finish_non_exhaustive()
    }
}

impl<'a> ClinicImport<'a> {
    /// Starts (or continues) the import of `source`, named `source_key` (workstation and
    /// folder), into the clinic `client` is signed in to as `user`. Checks before anything is
    /// written: the user may write a clinical record; no patient of the library has the name
    /// of a patient the clinic has already (apart from those this import brought in).
    /// Then, in one transaction: the run, the vocabulary (terms matched by kind and key), and
    /// the settings the clinic has none of (admins only).
    ///
    /// The personal catalogue is read in one read transaction, kept until `self` is dropped:
    /// one consistent moment of it, whatever happens to it meanwhile.
    ///
    /// # Errors
    /// `Refused` with the sentence to show; the server or the catalogue fails.
    pub fn begin(
        source: &'a Catalogue,
        client: &'a mut Client,
        user: &str,
        source_key: &str,
    ) -> Result<Self> {
        let src = source
            .sqlite("moving a library into a clinic (--from must be a personal library)")
            .map_err(|e| ImportError::Refused(e.to_string()))?;
        if src.is_autocommit() {
            src.execute_batch("BEGIN DEFERRED")?;
        }
        let pg = |e| ImportError::from(ClinicError::from_pg(e, user));
        let privileges = client
            .query_one(
                "SELECT has_table_privilege('skinlapse.person', 'INSERT')
                        AND has_table_privilege('skinlapse.grade', 'INSERT')
                        AND has_table_privilege('skinlapse.consent', 'INSERT')
                        AND has_table_privilege('skinlapse.contraindication', 'INSERT'),
                        has_table_privilege('skinlapse.setting', 'INSERT')",
                &[],
            )
            .map_err(pg)?;
        if !privileges.get::<_, bool>(0) {
            return Err(ImportError::Refused(format!(
                "{user} may not write patients' clinical records (grades, consent, contraindications), which a library brings with it: moving a library into the clinic needs a clinician or an admin; nothing was written"
            )));
        }
        let columns = table_columns(client).map_err(pg)?;
        let mut this = Self {
            src,
            client,
            user: user.to_owned(),
            run: 0,
            maps: Maps::new(),
            columns,
            may_write_settings: privileges.get(1),
        };
        let run: Option<i64> = this
            .client
            .query_opt(
                "SELECT id FROM skinlapse.import_run WHERE source = $1",
                &[&source_key],
            )
            .map_err(pg)?
            .map(|r| r.get(0));
        if let Some(run) = run {
            this.run = run;
            this.load_maps()?;
        }
        this.refuse_name_clashes()?;
        this.first_step(source_key)?;
        Ok(this)
    }

    fn load_maps(&mut self) -> Result<()> {
        let rows = self
            .client
            .query(
                "SELECT kind, old_id, new_id FROM skinlapse.import_map WHERE run_id = $1",
                &[&self.run],
            )
            .map_err(|e| ClinicError::from_pg(e, &self.user))?;
        self.maps = rows
            .iter()
            .map(|r| ((r.get::<_, String>(0), r.get(1)), r.get(2)))
            .collect();
        Ok(())
    }

    fn mapped(&self, kind: &str, old: i64) -> Option<i64> {
        self.maps.get(&(kind.to_owned(), old)).copied()
    }

    /// The people of the library not yet imported whose names the clinic has (ASCII case
    /// folded, as its unique index compares them).
    fn refuse_name_clashes(&mut self) -> Result<()> {
        let people = self.people()?;
        let waiting: Vec<String> = people
            .iter()
            .filter(|(id, _)| self.mapped("person", *id).is_none())
            .map(|(_, name)| name.to_ascii_lowercase())
            .collect();
        if waiting.is_empty() {
            return Ok(());
        }
        let clashes: Vec<String> = self
            .client
            .query(
                "SELECT name FROM skinlapse.person WHERE lower(name) = ANY($1) ORDER BY name",
                &[&waiting],
            )
            .map_err(|e| ClinicError::from_pg(e, &self.user))?
            .iter()
            .map(|r| r.get(0))
            .collect();
        if clashes.is_empty() {
            return Ok(());
        }
        Err(ImportError::Refused(format!(
            "the clinic already has {} named {}: the library's patient{} would be confused with them. Rename {} in the personal library (or in the clinic) and run the import again; nothing was written",
            if clashes.len() == 1 {
                "a patient"
            } else {
                "patients"
            },
            quoted_list(&clashes),
            if clashes.len() == 1 { "" } else { "s" },
            if clashes.len() == 1 { "them" } else { "each" },
        )))
    }

    /// The run, the vocabulary and the settings, in one transaction.
    fn first_step(&mut self, source_key: &str) -> Result<()> {
        let mut tx = self
            .client
            .transaction()
            .map_err(|e| ClinicError::from_pg(e, &self.user))?;
        let user = self.user.clone();
        let pg = |e| ImportError::from(ClinicError::from_pg(e, &user));
        mark_purpose(&mut tx).map_err(pg)?;
        // The run, made or found, and locked: the same import started twice at once takes
        // turns, and the second sees what the first mapped.
        self.run = tx
            .query_one(
                "INSERT INTO skinlapse.import_run (source) VALUES ($1)
                 ON CONFLICT (source) DO UPDATE SET source = EXCLUDED.source RETURNING id",
                &[&source_key],
            )
            .map_err(pg)?
            .get(0);
        for row in tx
            .query(
                "SELECT old_id, new_id FROM skinlapse.import_map WHERE run_id = $1 AND kind = 'term'",
                &[&self.run],
            )
            .map_err(pg)?
        {
            self.maps.insert(("term".to_owned(), row.get(0)), row.get(1));
        }
        let mut fresh = Vec::new();
        let terms: Vec<(i64, String, String, String, i32)> = {
            let mut stmt = self
                .src
                .prepare("SELECT id, kind, key, name, builtin FROM term ORDER BY id")?;
            let rows = stmt.query_map([], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
            })?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        for (id, kind, key, name, builtin) in terms {
            if self.maps.contains_key(&("term".to_owned(), id)) {
                continue;
            }
            let found: Option<i64> = tx
                .query_opt(
                    "SELECT id FROM skinlapse.term WHERE kind = $1 AND key = $2",
                    &[&kind, &key],
                )
                .map_err(pg)?
                .map(|r| r.get(0));
            let new_id = match found {
                Some(id) => id,
                None => tx
                    .query_one(
                        "INSERT INTO skinlapse.term (kind, key, name, builtin)
                         VALUES ($1, $2, $3, $4) RETURNING id",
                        &[&kind, &key, &name, &builtin],
                    )
                    .map_err(pg)?
                    .get(0),
            };
            fresh.push(("term", id, new_id));
        }
        if self.may_write_settings {
            let settings: Vec<(String, String)> = {
                let mut stmt = self
                    .src
                    .prepare("SELECT key, value FROM setting WHERE key <> 'mode' ORDER BY key")?;
                let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
                rows.collect::<rusqlite::Result<_>>()?
            };
            for (key, value) in settings {
                tx.execute(
                    "INSERT INTO skinlapse.setting (key, value) VALUES ($1, $2)
                     ON CONFLICT (key) DO NOTHING",
                    &[&key, &value],
                )
                .map_err(pg)?;
            }
        }
        write_map(&mut tx, self.run, &fresh).map_err(pg)?;
        tx.commit().map_err(pg)?;
        self.remember(fresh);
        Ok(())
    }

    fn remember(&mut self, fresh: Vec<Entry>) {
        for (kind, old, new) in fresh {
            self.maps.insert((kind.to_owned(), old), new);
        }
    }

    /// The people of the library: (id, name), by id.
    ///
    /// # Errors
    /// The catalogue cannot be read.
    pub fn people(&self) -> Result<Vec<(i64, String)>> {
        let mut stmt = self
            .src
            .prepare("SELECT id, name FROM person ORDER BY id")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Whether a person is in the clinic already.
    pub fn person_done(&self, id: i64) -> bool {
        self.mapped("person", id).is_some()
    }

    /// Imports a person with their whole record (series, sessions, plans, views, grades of
    /// sessions, side effects, contraindications, consent and its history) in one
    /// transaction; nothing when an earlier run did.
    ///
    /// # Errors
    /// The server refuses or is gone (nothing of the person stays), or the catalogue fails.
    pub fn import_person(&mut self, id: i64) -> Result<()> {
        self.step(PERSON_STEP, id, "person", |_| Ok(Plan::Copy(Vec::new())))
    }

    /// The photos of the library (trashed ones too) with their originals, by id.
    ///
    /// # Errors
    /// The catalogue cannot be read.
    pub fn photos(&self) -> Result<Vec<SourcePhoto>> {
        let mut photos = {
            let mut stmt = self
                .src
                .prepare("SELECT id, original_name, hash, format FROM photo ORDER BY id")?;
            let rows = stmt.query_map([], |r| {
                Ok(SourcePhoto {
                    id: r.get(0)?,
                    original_name: r.get(1)?,
                    originals: vec![(r.get(2)?, r.get(3)?)],
                    done: false,
                })
            })?;
            rows.collect::<rusqlite::Result<Vec<_>>>()?
        };
        let mut by_id: HashMap<i64, usize> = HashMap::new();
        for (n, p) in photos.iter_mut().enumerate() {
            p.done = self.mapped("photo", p.id).is_some();
            by_id.insert(p.id, n);
        }
        let mut stmt = self.src.prepare(
            "SELECT photo_id, hash, format FROM photo_companion ORDER BY photo_id, hash",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get(1)?, r.get(2)?)))?;
        for row in rows {
            let (photo, hash, format) = row?;
            if let Some(&n) = by_id.get(&photo) {
                photos[n].originals.push((hash, format));
            }
        }
        Ok(photos)
    }

    /// Imports a photo with its tags, warnings, RAW companions, face, card correction and
    /// grades, in one transaction — or, when the clinic has its content already, notes the
    /// clinic's photo instead of making a second one. Its originals must be in the clinic's
    /// store before this is called.
    ///
    /// # Errors
    /// The server refuses or is gone (nothing of the photo stays), or the catalogue fails.
    pub fn import_photo(&mut self, id: i64) -> Result<PhotoOutcome> {
        let hash: String =
            self.src
                .query_row("SELECT hash FROM photo WHERE id = ?1", [id], |r| r.get(0))?;
        self.step(PHOTO_STEP, id, "photo", |tx| {
            // After the step's lock: a workstation importing the same file meanwhile has
            // committed it, or waits for us.
            let found = tx
                .query_opt("SELECT id FROM skinlapse.photo WHERE hash = $1", &[&hash])?
                .map(|r| r.get::<_, i64>(0));
            Ok(match found {
                Some(clinic) => Plan::Skip(vec![("photo", id, clinic), (EXISTING, id, clinic)]),
                None => Plan::Copy(Vec::new()),
            })
        })?;
        let new = self.mapped("photo", id).ok_or_else(|| {
            ImportError::Mismatch(format!("photo {id} was not recorded as imported"))
        })?;
        Ok(if self.mapped(EXISTING, id).is_some() {
            PhotoOutcome::AlreadyInClinic(new)
        } else {
            PhotoOutcome::Imported(new)
        })
    }

    /// Imports a photo's alignment, landmarks, regions and their measurements (which point
    /// at other photos, so every photo is imported first), in one transaction. A photo the
    /// clinic had already keeps the clinic's own.
    ///
    /// # Errors
    /// The server refuses or is gone, a photo pointed at is not imported, or the catalogue
    /// fails.
    pub fn import_analysis(&mut self, photo: i64) -> Result<()> {
        let new = self.mapped("photo", photo).ok_or_else(|| {
            ImportError::Mismatch(format!(
                "photo {photo} must be imported before its alignments and regions"
            ))
        })?;
        let existing = self.mapped(EXISTING, photo).is_some();
        self.step(ANALYSIS_STEP, photo, ANALYSED, |_| {
            let mark = vec![(ANALYSED, photo, new)];
            Ok(if existing {
                Plan::Skip(mark)
            } else {
                Plan::Copy(mark)
            })
        })
    }

    /// One step in one transaction: the run locked (two imports of one library take turns),
    /// done already (by us or meanwhile by another process) or `plan`ned: the rows of
    /// `tables` owned by `owner` copied with their references remapped, and the map of what
    /// became of them written with them.
    fn step(
        &mut self,
        tables: &[Table],
        owner: i64,
        done_kind: &'static str,
        plan: impl FnOnce(&mut Transaction<'_>) -> std::result::Result<Plan, postgres::Error>,
    ) -> Result<()> {
        if self.mapped(done_kind, owner).is_some() {
            return Ok(());
        }
        let user = self.user.clone();
        let pg = |e| ImportError::from(ClinicError::from_pg(e, &user));
        let mut tx = self.client.transaction().map_err(pg)?;
        mark_purpose(&mut tx).map_err(pg)?;
        tx.execute(
            "SELECT 1 FROM skinlapse.import_run WHERE id = $1 FOR UPDATE",
            &[&self.run],
        )
        .map_err(pg)?;
        let done = tx
            .query_opt(
                "SELECT 1 FROM skinlapse.import_map WHERE run_id = $1 AND kind = $2 AND old_id = $3",
                &[&self.run, &done_kind, &owner],
            )
            .map_err(pg)?
            .is_some();
        if done {
            drop(tx);
            return self.load_maps();
        }
        let mut fresh = match plan(&mut tx).map_err(pg)? {
            Plan::Skip(marks) => marks,
            Plan::Copy(marks) => {
                let mut fresh = Vec::new();
                for table in tables {
                    let copier = Copier {
                        src: self.src,
                        maps: &self.maps,
                        columns: &self.columns,
                        user: &user,
                    };
                    copier.copy(&mut tx, table, owner, &mut fresh)?;
                }
                fresh.extend(marks);
                fresh
            }
        };
        fresh.dedup();
        write_map(&mut tx, self.run, &fresh).map_err(pg)?;
        tx.commit().map_err(pg)?;
        self.remember(fresh);
        Ok(())
    }
}

impl Drop for ClinicImport<'_> {
    fn drop(&mut self) {
        // Ends the read transaction `begin` opened; nothing was written there.
        if !self.src.is_autocommit() {
            let _ = self.src.execute_batch("ROLLBACK");
        }
    }
}

/// What a step does: copy its rows (and write these marks), or skip them (writing only
/// these marks).
enum Plan {
    Copy(Vec<Entry>),
    Skip(Vec<Entry>),
}

/// A map row: kind, personal id, clinic id.
type Entry = (&'static str, i64, i64);

/// The audit trail names what the rows of this transaction came from.
fn mark_purpose(tx: &mut Transaction<'_>) -> std::result::Result<(), postgres::Error> {
    tx.execute(
        "SELECT set_config('skinlapse.purpose', 'import-library', true),
                set_config('skinlapse.importing', 'on', true)",
        &[],
    )
    .map(drop)
}

fn write_map(
    tx: &mut Transaction<'_>,
    run: i64,
    entries: &[Entry],
) -> std::result::Result<(), postgres::Error> {
    if entries.is_empty() {
        return Ok(());
    }
    let statement = tx.prepare(
        "INSERT INTO skinlapse.import_map (run_id, kind, old_id, new_id) VALUES ($1, $2, $3, $4)",
    )?;
    for (kind, old, new) in entries {
        tx.execute(&statement, &[&run, kind, old, new])?;
    }
    Ok(())
}

/// The first column of a query on the personal catalogue, as text.
fn strings<P: rusqlite::Params>(src: &Connection, sql: &str, params: P) -> Result<Vec<String>> {
    let mut stmt = src.prepare(sql)?;
    let rows = stmt.query_map(params, |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// "A", "A and B", "A, B and C", each quoted.
fn quoted_list(names: &[String]) -> String {
    let quoted: Vec<String> = names.iter().map(|n| format!("\"{n}\"")).collect();
    match quoted.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        Some((last, _)) => last.clone(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clashing_names_are_listed_in_words() {
        let names = |v: &[&str]| v.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        assert_eq!(quoted_list(&names(&["A"])), "\"A\"");
        assert_eq!(
            quoted_list(&names(&["A", "B", "C"])),
            "\"A\", \"B\" and \"C\""
        );
    }
}

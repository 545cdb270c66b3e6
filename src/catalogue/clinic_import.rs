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
use super::clinic::{ClinicError, IMPORT_SQL, ident, role_name, role_prefix, with_roles};
use postgres::types::ToSql;
use postgres::{Client, Config, NoTls, Transaction};
use rusqlite::Connection;
use rusqlite::types::Value;
use std::collections::HashMap;

impl Catalogue {
    /// The SQLite connection, for reading a personal library into a clinic.
    fn sqlite(&self) -> &Connection {
        &self.conn
    }
}

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

/// A table copied from the personal catalogue: which rows belong to a step (`owned`, with
/// `?1` the owner's personal id), whether its `id` is remapped (the kind its ids are kept
/// under), and which columns point at remapped rows.
struct Table {
    name: &'static str,
    id_kind: Option<&'static str>,
    owned: &'static str,
    refs: &'static [(&'static str, &'static str)],
}

const PERSON_REF: (&str, &str) = ("person_id", "person");
const SERIES_REF: (&str, &str) = ("series_id", "series");
const SESSION_REF: (&str, &str) = ("session_id", "session");
const PHOTO_REF: (&str, &str) = ("photo_id", "photo");
const TERM_REF: (&str, &str) = ("term_id", "term");
const SERIES_OF_PERSON: &str = "series_id IN (SELECT id FROM series WHERE person_id = ?1)";
const SESSIONS_OF_PERSON: &str = "session_id IN (SELECT x.id FROM session x JOIN series s ON s.id = x.series_id WHERE s.person_id = ?1)";

/// A person and their whole record, in the order the rows depend on each other.
const PERSON_STEP: &[Table] = &[
    Table {
        name: "person",
        id_kind: Some("person"),
        owned: "id = ?1",
        refs: &[],
    },
    Table {
        name: "contraindication",
        id_kind: None,
        owned: "person_id = ?1",
        refs: &[PERSON_REF],
    },
    Table {
        name: "consent",
        id_kind: None,
        owned: "person_id = ?1",
        refs: &[PERSON_REF],
    },
    Table {
        name: "consent_event",
        id_kind: Some("consent_event"),
        owned: "person_id = ?1",
        refs: &[PERSON_REF],
    },
    Table {
        name: "series",
        id_kind: Some("series"),
        owned: "person_id = ?1",
        refs: &[PERSON_REF],
    },
    Table {
        name: "series_term",
        id_kind: None,
        owned: SERIES_OF_PERSON,
        refs: &[SERIES_REF, TERM_REF],
    },
    Table {
        name: "series_view",
        id_kind: None,
        owned: SERIES_OF_PERSON,
        refs: &[SERIES_REF],
    },
    Table {
        name: "session",
        id_kind: Some("session"),
        owned: SERIES_OF_PERSON,
        refs: &[SERIES_REF],
    },
    Table {
        name: "side_effect",
        id_kind: Some("side_effect"),
        owned: SESSIONS_OF_PERSON,
        refs: &[SESSION_REF],
    },
    Table {
        name: "grade",
        id_kind: Some("grade"),
        owned: "photo_id IS NULL AND session_id IN (SELECT x.id FROM session x JOIN series s ON s.id = x.series_id WHERE s.person_id = ?1)",
        refs: &[SESSION_REF],
    },
];

/// A photo and what belongs to it alone.
const PHOTO_STEP: &[Table] = &[
    Table {
        name: "photo",
        id_kind: Some("photo"),
        owned: "id = ?1",
        refs: &[PERSON_REF, SERIES_REF, SESSION_REF],
    },
    Table {
        name: "photo_term",
        id_kind: None,
        owned: "photo_id = ?1",
        refs: &[PHOTO_REF, TERM_REF],
    },
    Table {
        name: "photo_warning",
        id_kind: None,
        owned: "photo_id = ?1",
        refs: &[PHOTO_REF],
    },
    Table {
        name: "photo_companion",
        id_kind: None,
        owned: "photo_id = ?1",
        refs: &[PHOTO_REF],
    },
    Table {
        name: "face",
        id_kind: None,
        owned: "photo_id = ?1",
        refs: &[PHOTO_REF],
    },
    Table {
        name: "card_correction",
        id_kind: None,
        owned: "photo_id = ?1",
        refs: &[PHOTO_REF],
    },
    Table {
        name: "grade",
        id_kind: Some("grade"),
        owned: "photo_id = ?1",
        refs: &[SESSION_REF, PHOTO_REF],
    },
];

/// What relates a photo to others (another photo may come later in the import).
const ANALYSIS_STEP: &[Table] = &[
    Table {
        name: "alignment",
        id_kind: None,
        owned: "photo_id = ?1",
        refs: &[PHOTO_REF, ("reference_id", "photo")],
    },
    Table {
        name: "landmark",
        id_kind: None,
        owned: "photo_id = ?1",
        refs: &[PHOTO_REF, ("against_id", "photo")],
    },
    Table {
        name: "region",
        id_kind: Some("region"),
        owned: "photo_id = ?1",
        refs: &[PHOTO_REF],
    },
    Table {
        name: "measurement",
        id_kind: Some("measurement"),
        owned: "region_id IN (SELECT id FROM region WHERE photo_id = ?1)",
        refs: &[("region_id", "region"), PHOTO_REF],
    },
];

/// Columns the clinic keeps for itself.
const CLINIC_ONLY: &[&str] = &["row_version", "changed_by", "changed_at"];

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

/// Whether the clinic database has the import tables (a clinic made before 004 has not).
///
/// # Errors
/// The server is gone.
pub fn has_import_tables(client: &mut Client, user: &str) -> Result<bool> {
    Ok(client
        .query_one(
            "SELECT to_regclass('skinlapse.import_map') IS NOT NULL",
            &[],
        )
        .map_err(|e| ClinicError::from_pg(e, user))?
        .get(0))
}

/// Adds the import tables to a clinic made before they existed, through the server account
/// `bootstrap` (one that may act as the clinic's owner role: the one that created it).
///
/// # Errors
/// The server cannot be reached or the account may not.
pub fn add_import_tables(bootstrap: &Config, database: &str) -> Result<()> {
    let mut config = bootstrap.clone();
    config.dbname(database);
    let who = bootstrap.get_user().unwrap_or("postgres").to_owned();
    let mut db = config
        .connect(NoTls)
        .map_err(|source| ClinicError::Connect {
            database: database.to_owned(),
            source,
        })?;
    let prefix = role_prefix(database);
    let mut tx = db
        .transaction()
        .map_err(|e| ClinicError::from_pg(e, &who))?;
    tx.batch_execute(&format!(
        "SET LOCAL ROLE {};",
        ident(&role_name(&prefix, "owner"))
    ))
    .and_then(|()| tx.batch_execute(&with_roles(IMPORT_SQL, &prefix)))
    .map_err(|e| ClinicError::from_pg(e, &who))?;
    tx.commit().map_err(|e| ClinicError::from_pg(e, &who))?;
    Ok(())
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
        let src = source.sqlite();
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
        if self.run == 0 {
            self.run = tx
                .query_one(
                    "INSERT INTO skinlapse.import_run (source) VALUES ($1) RETURNING id",
                    &[&source_key],
                )
                .map_err(pg)?
                .get(0);
        }
        let mut fresh = Vec::new();
        let terms = super::all_rows(
            self.src,
            "SELECT id, kind, key, name, builtin FROM term ORDER BY id",
            [],
            |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, i32>(4)?,
                ))
            },
        )
        .map_err(|e| ImportError::Mismatch(e.to_string()))?;
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
            let settings = super::all_rows(
                self.src,
                "SELECT key, value FROM setting WHERE key <> 'mode' ORDER BY key",
                [],
                |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)),
            )
            .map_err(|e| ImportError::Mismatch(e.to_string()))?;
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
        let mut companions: Vec<String> =
            super::all_rows(self.src, "SELECT hash FROM photo_companion", [], |r| {
                r.get(0)
            })
            .map_err(|e| ImportError::Mismatch(e.to_string()))?;
        for (old, _) in &existing {
            let theirs: Vec<String> = super::all_rows(
                self.src,
                "SELECT hash FROM photo_companion WHERE photo_id = ?1",
                [old],
                |r| r.get(0),
            )
            .map_err(|e| ImportError::Mismatch(e.to_string()))?;
            companions.retain(|h| !theirs.contains(h));
        }
        let found: i64 = self
            .client
            .query_one(
                "SELECT count(*) FROM skinlapse.photo_companion WHERE hash = ANY($1)",
                &[&companions],
            )
            .map_err(|e| ClinicError::from_pg(e, &self.user))?
            .get(0);
        counts.push(KindCount {
            kind: "RAW companions",
            expected: i64::try_from(companions.len()).unwrap_or(i64::MAX),
            found,
        });
        // Originals: every photo's and companion's content is in the clinic catalogue.
        let hashes: Vec<String> = super::all_rows(
            self.src,
            "SELECT hash FROM photo UNION SELECT hash FROM photo_companion",
            [],
            |r| r.get(0),
        )
        .map_err(|e| ImportError::Mismatch(e.to_string()))?;
        let found: i64 = self
            .client
            .query_one(
                "SELECT count(*) FROM (SELECT hash FROM skinlapse.photo
                                       UNION SELECT hash FROM skinlapse.photo_companion) h
                  WHERE hash = ANY($1)",
                &[&hashes],
            )
            .map_err(|e| ClinicError::from_pg(e, &self.user))?
            .get(0);
        counts.push(KindCount {
            kind: "originals",
            expected: i64::try_from(hashes.len()).unwrap_or(i64::MAX),
            found,
        });
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
            let keys: Vec<String> = super::all_rows(
                self.src,
                "SELECT key FROM setting WHERE key <> 'mode'",
                [],
                |r| r.get(0),
            )
            .map_err(|e| ImportError::Mismatch(e.to_string()))?;
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

/// What is counted at the end: (kind shown, table, column joined to the map, the map kind
/// it joins, the rows a photo already in the clinic would have had).
type Verified = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    Option<&'static str>,
);
const VERIFIED: &[Verified] = &[
    ("people", "person", "id", "person", None),
    ("series", "series", "id", "series", None),
    ("sessions", "session", "id", "session", None),
    ("series terms", "series_term", "series_id", "series", None),
    ("protocol views", "series_view", "series_id", "series", None),
    ("side effects", "side_effect", "id", "side_effect", None),
    (
        "contraindications",
        "contraindication",
        "person_id",
        "person",
        None,
    ),
    ("consents", "consent", "person_id", "person", None),
    (
        "consent history",
        "consent_event",
        "id",
        "consent_event",
        None,
    ),
    ("grades", "grade", "id", "grade", Some("photo_id = ?1")),
    ("photos", "photo", "id", "photo", Some("id = ?1")),
    (
        "tags",
        "photo_term",
        "photo_id",
        "photo",
        Some("photo_id = ?1"),
    ),
    (
        "warnings",
        "photo_warning",
        "photo_id",
        "photo",
        Some("photo_id = ?1"),
    ),
    ("faces", "face", "photo_id", "photo", Some("photo_id = ?1")),
    (
        "card corrections",
        "card_correction",
        "photo_id",
        "photo",
        Some("photo_id = ?1"),
    ),
    (
        "alignments",
        "alignment",
        "photo_id",
        "photo",
        Some("photo_id = ?1"),
    ),
    (
        "landmarks",
        "landmark",
        "photo_id",
        "photo",
        Some("photo_id = ?1"),
    ),
    ("regions", "region", "id", "region", Some("photo_id = ?1")),
    (
        "measurements",
        "measurement",
        "id",
        "measurement",
        Some("region_id IN (SELECT id FROM region WHERE photo_id = ?1)"),
    ),
];

/// Copies the rows of one table that belong to one step.
struct Copier<'s> {
    src: &'s Connection,
    maps: &'s Maps,
    columns: &'s HashMap<String, Vec<(String, String)>>,
    user: &'s str,
}

impl Copier<'_> {
    fn copy(
        &self,
        tx: &mut Transaction<'_>,
        table: &Table,
        owner: i64,
        fresh: &mut Vec<Entry>,
    ) -> Result<()> {
        let pg = |e| ImportError::from(ClinicError::from_pg(e, self.user));
        let columns: Vec<&(String, String)> = self
            .columns
            .get(table.name)
            .ok_or_else(|| {
                ImportError::Mismatch(format!(
                    "the clinic database has no table {}: it was made by another version of Skinlapse",
                    table.name
                ))
            })?
            .iter()
            .filter(|(name, _)| {
                let remapped_id = table.id_kind.is_some() && name == "id";
                !(CLINIC_ONLY.contains(&name.as_str()) || remapped_id)
            })
            .collect();
        let names: Vec<&str> = columns.iter().map(|(n, _)| n.as_str()).collect();
        let select = format!(
            "SELECT {}{} FROM {} WHERE {}{}",
            if table.id_kind.is_some() { "id, " } else { "" },
            names.join(", "),
            table.name,
            table.owned,
            // New ids keep the old ones' order.
            if table.id_kind.is_some() {
                " ORDER BY id"
            } else {
                ""
            }
        );
        let placeholders: Vec<String> = (1..=names.len()).map(|n| format!("${n}")).collect();
        let insert = format!(
            "INSERT INTO skinlapse.{} ({}) VALUES ({}){}",
            table.name,
            names.join(", "),
            placeholders.join(", "),
            if table.id_kind.is_some() {
                " RETURNING id"
            } else if table.name == "photo_companion" {
                // A RAW the clinic has already (with another photo) is kept once.
                " ON CONFLICT (hash) DO NOTHING"
            } else {
                ""
            }
        );
        let statement = tx.prepare(&insert).map_err(pg)?;
        let mut stmt = self.src.prepare(&select)?;
        let mut rows = stmt.query([owner])?;
        let skip = usize::from(table.id_kind.is_some());
        let mut local: HashMap<(&str, i64), i64> = HashMap::new();
        for (kind, old, new) in fresh.iter() {
            local.insert((kind, *old), *new);
        }
        while let Some(row) = rows.next()? {
            let mut cells: Vec<Box<dyn ToSql + Sync>> = Vec::with_capacity(names.len());
            for (n, (name, ty)) in columns.iter().enumerate() {
                let mut value: Value = row.get(n + skip)?;
                if let Some((_, kind)) = table.refs.iter().find(|(col, _)| col == name)
                    && let Value::Integer(old) = value
                {
                    let new = local
                        .get(&(*kind, old))
                        .copied()
                        .or_else(|| self.maps.get(&((*kind).to_owned(), old)).copied())
                        .ok_or_else(|| {
                            ImportError::Mismatch(format!(
                                "{}.{name} points at {kind} {old}, which was not imported",
                                table.name
                            ))
                        })?;
                    value = Value::Integer(new);
                }
                cells.push(cell(ty, value).map_err(|why| {
                    ImportError::Mismatch(format!("{}.{name}: {why}", table.name))
                })?);
            }
            let params: Vec<&(dyn ToSql + Sync)> = cells.iter().map(AsRef::as_ref).collect();
            if let Some(kind) = table.id_kind {
                let old: i64 = row.get(0)?;
                let new: i64 = tx.query_one(&statement, &params).map_err(pg)?.get(0);
                local.insert((kind, old), new);
                fresh.push((kind, old, new));
            } else {
                tx.execute(&statement, &params).map_err(pg)?;
            }
        }
        Ok(())
    }
}

/// A value of the personal catalogue as the clinic column of type `ty` takes it.
fn cell(ty: &str, value: Value) -> std::result::Result<Box<dyn ToSql + Sync>, String> {
    Ok(match (ty, value) {
        ("integer", Value::Null) => Box::new(None::<i32>),
        ("bigint", Value::Null) => Box::new(None::<i64>),
        ("double precision", Value::Null) => Box::new(None::<f64>),
        ("text", Value::Null) => Box::new(None::<String>),
        ("bytea", Value::Null) => Box::new(None::<Vec<u8>>),
        ("integer", Value::Integer(i)) => {
            Box::new(i32::try_from(i).map_err(|_| format!("{i} is out of range for the clinic"))?)
        }
        ("bigint", Value::Integer(i)) => Box::new(i),
        #[allow(clippy::cast_precision_loss)]
        ("double precision", Value::Integer(i)) => Box::new(i as f64),
        ("double precision", Value::Real(f)) => Box::new(f),
        ("text", Value::Text(s)) => Box::new(s),
        ("text", Value::Integer(i)) => Box::new(i.to_string()),
        ("text", Value::Real(f)) => Box::new(f.to_string()),
        ("bytea", Value::Blob(b)) => Box::new(b),
        ("bytea", Value::Text(s)) => Box::new(s.into_bytes()),
        (ty, value) => {
            return Err(format!(
                "a {:?} value cannot go into a {ty} column",
                value.data_type()
            ));
        }
    })
}

/// Every table of the clinic schema with its columns and their types, in order (from the
/// catalog, which lists columns whatever the user's grants).
fn table_columns(
    client: &mut Client,
) -> std::result::Result<HashMap<String, Vec<(String, String)>>, postgres::Error> {
    let rows = client.query(
        "SELECT c.relname::TEXT, a.attname::TEXT, format_type(a.atttypid, NULL)
           FROM pg_attribute a
           JOIN pg_class c ON c.oid = a.attrelid
           JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE n.nspname = 'skinlapse' AND c.relkind = 'r' AND a.attnum > 0
            AND NOT a.attisdropped
          ORDER BY c.relname, a.attnum",
        &[],
    )?;
    let mut tables: HashMap<String, Vec<(String, String)>> = HashMap::new();
    for r in rows {
        tables
            .entry(r.get(0))
            .or_default()
            .push((r.get(1), r.get(2)));
    }
    Ok(tables)
}

/// The audit trail names what the rows of this transaction came from.
fn mark_purpose(tx: &mut Transaction<'_>) -> std::result::Result<(), postgres::Error> {
    tx.execute(
        "SELECT set_config('skinlapse.purpose', 'import-library', true)",
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
    fn values_take_the_clinic_column_types() {
        assert!(cell("integer", Value::Integer(1 << 40)).is_err());
        assert!(cell("integer", Value::Integer(3)).is_ok());
        assert!(cell("double precision", Value::Integer(3)).is_ok());
        let e = cell("bigint", Value::Text("x".into())).err().unwrap();
        assert!(e.contains("bigint"), "{e}");
    }

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

//! No lost updates: every edit of a person, series, session or photo bumps the row's version
//! (a trigger on both backends, so edits made any other way count too). An edit made from
//! what the user saw carries the versions they saw; when one has moved on, the edit is
//! refused as a whole with who changed it and when, and the caller reloads.

use super::db::Conn;
use super::{Catalogue, CatalogueError, Result};
use crate::model::{PersonId, PhotoId, SeriesId, SessionId};
use rusqlite::OptionalExtension;

/// A row whose edits are versioned.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Versioned {
    Person(PersonId),
    Series(SeriesId),
    Session(SessionId),
    Photo(PhotoId),
}

impl Versioned {
    fn what(self) -> &'static str {
        match self {
            Self::Person(_) => "person",
            Self::Series(_) => "series",
            Self::Session(_) => "session",
            Self::Photo(_) => "photo",
        }
    }

    fn id(self) -> i64 {
        match self {
            Self::Person(id) => id.0,
            Self::Series(id) => id.0,
            Self::Session(id) => id.0,
            Self::Photo(id) => id.0,
        }
    }

    /// Its version, who changed it last and when, and what a person calls it.
    fn sql(self) -> &'static str {
        match self {
            Self::Person(_) => {
                "SELECT row_version, changed_by, changed_at, name FROM person WHERE id = ?1"
            }
            Self::Series(_) => {
                "SELECT row_version, changed_by, changed_at, title FROM series WHERE id = ?1"
            }
            Self::Session(_) => {
                "SELECT row_version, changed_by, changed_at, date FROM session WHERE id = ?1"
            }
            Self::Photo(_) => {
                "SELECT row_version, changed_by, changed_at, original_name FROM photo WHERE id = ?1"
            }
        }
    }

    /// The row as a conflict names it, from what [`Versioned::sql`] read as its name: a
    /// person or a series by their name, a session by its date, a photo by its file's name.
    fn label(self, name: &str) -> String {
        match self {
            Self::Session(_) => format!("of {name}"),
            _ => format!("\u{201c}{name}\u{201d}"),
        }
    }
}

/// A row's version as read, with who changed it last and when (`None`: never edited).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RowStamp {
    pub version: i64,
    /// The clinic user who made the last change; empty on a personal library.
    pub by: String,
    pub at: Option<chrono::DateTime<chrono::Utc>>,
    /// What a person calls the row now: a name, a title, a date, a file name.
    pub name: String,
}

fn stamp(conn: &Conn, row: Versioned) -> Result<RowStamp> {
    conn.query_row(row.sql(), [row.id()], |r| {
        Ok(RowStamp {
            version: r.get(0)?,
            by: r.get(1)?,
            at: r.get(2)?,
            name: r.get(3)?,
        })
    })
    .optional()?
    .ok_or(CatalogueError::NotFound {
        what: row.what(),
        id: row.id(),
    })
}

/// `Conflict` for the first row of `seen` whose version has moved on.
fn check(conn: &Conn, seen: &[(Versioned, i64)]) -> Result<()> {
    for &(row, version) in seen {
        let now = stamp(conn, row)?;
        if now.version != version {
            return Err(conflict(row, &now));
        }
    }
    Ok(())
}

fn conflict(row: Versioned, now: &RowStamp) -> CatalogueError {
    CatalogueError::Conflict {
        what: row.what(),
        id: row.id(),
        name: row.label(&now.name),
        by: if now.by.is_empty() {
            "another Skinlapse window".to_owned()
        } else {
            now.by.clone()
        },
        at: now.at.map_or_else(
            || "an unknown time".to_owned(),
            |t| {
                t.with_timezone(&chrono::Local)
                    .format("%H:%M on %Y-%m-%d")
                    .to_string()
            },
        ),
    }
}

impl Catalogue {
    /// A row's current version, and who changed it last and when.
    pub fn row_stamp(&mut self, row: Versioned) -> Result<RowStamp> {
        self.read(|tx| stamp(tx, row))
    }

    /// The stamps of several rows, read in one snapshot (a selection the user is editing).
    pub fn row_stamps(&mut self, rows: &[Versioned]) -> Result<Vec<RowStamp>> {
        self.read(|tx| rows.iter().map(|&row| stamp(tx, row)).collect())
    }

    /// The versions of `rows` as of now (one snapshot), each with its row: read them before
    /// what is shown of the rows, and an edit made from it carries them to
    /// [`Catalogue::checked_edit`].
    pub fn versions_seen(&mut self, rows: &[Versioned]) -> Result<Vec<(Versioned, i64)>> {
        Ok(rows
            .iter()
            .copied()
            .zip(self.row_stamps(rows)?)
            .map(|(row, stamp)| (row, stamp.version))
            .collect())
    }

    /// The versions `rows` have now, leaving out rows that do not exist (any more): what an
    /// edit reads just before and after it changes them, inside its transaction, so that its
    /// undo can be checked against the versions it left.
    pub fn versions_now(&mut self, rows: &[Versioned]) -> Result<Vec<(Versioned, i64)>> {
        self.read(|tx| {
            let mut now = Vec::with_capacity(rows.len());
            for &row in rows {
                match stamp(tx, row) {
                    Ok(stamp) => now.push((row, stamp.version)),
                    Err(CatalogueError::NotFound { .. }) => {}
                    Err(e) => return Err(e),
                }
            }
            Ok(now)
        })
    }

    /// Every person's version, in one read: what the people list carries to a rename or an
    /// archive made from it.
    pub fn person_versions(&mut self) -> Result<std::collections::HashMap<PersonId, i64>> {
        self.read(|tx| {
            let mut stmt = tx.prepare_cached("SELECT id, row_version FROM person")?;
            let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
    }

    /// Runs `edit` (any edit operations) in one transaction, but only when every row in
    /// `seen` still has the version the caller read: otherwise nothing is changed and the
    /// result is `Conflict`, naming the first row that moved on, who changed it and when.
    /// Rows the edit changes get new versions; read them again ([`Catalogue::row_stamp`])
    /// before the next checked edit.
    pub fn checked_edit<T>(
        &mut self,
        seen: &[(Versioned, i64)],
        edit: impl FnOnce(&mut Self) -> Result<T>,
    ) -> Result<T> {
        let outcome = self.atomically(|cat| {
            cat.read(|tx| check(tx, seen))?;
            edit(cat)
        });
        match outcome {
            // On PostgreSQL a save racing another workstation's loses as a serialization
            // failure: when a row it read has moved on, that is the conflict to report.
            Err(CatalogueError::Busy) => {
                self.read(|tx| check(tx, seen))?;
                Err(CatalogueError::Busy)
            }
            outcome => outcome,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue::{Backend, NewSession};

    #[test]
    fn a_save_from_an_older_read_is_refused_with_who_and_when() {
        let mut cat = crate::testing::catalogue();
        let person = cat.add_person("Ada Lovelace").unwrap();
        let row = Versioned::Person(person);
        let read = cat.row_stamp(row).unwrap();
        assert_eq!((read.version, read.at), (1, None));
        // Someone else (another workstation, another window) renames her meanwhile.
        cat.rename_person(person, "Ada King").unwrap();
        let after = cat.row_stamp(row).unwrap();
        assert_eq!(after.version, 2, "one edit, one version");
        let e = cat
            .checked_edit(&[(row, read.version)], |c| {
                c.rename_person(person, "Ada Byron")
            })
            .unwrap_err();
        let CatalogueError::Conflict { what, id, by, .. } = &e else {
            panic!("{e:?}");
        };
        assert_eq!((*what, *id), ("person", person.0));
        match crate::testing::backend() {
            Backend::Sqlite => assert_eq!(by, "another Skinlapse window"),
            Backend::Postgres => assert!(by.starts_with("admin_"), "{by}"),
        }
        let text = e.to_string();
        assert!(
            text.starts_with(&format!(
                "person \u{201c}Ada King\u{201d} was changed by {by} at "
            )),
            "{text}"
        );
        assert!(
            text.ends_with("it was reloaded — make your change again"),
            "{text}"
        );
        assert_eq!(cat.person(person).unwrap().name, "Ada King", "theirs stays");
        // Made again from what is there now, it is saved.
        cat.checked_edit(&[(row, after.version)], |c| {
            c.rename_person(person, "Ada Byron")
        })
        .unwrap();
        assert_eq!(cat.person(person).unwrap().name, "Ada Byron");
        assert_eq!(cat.row_stamp(row).unwrap().version, 3);
    }

    #[test]
    fn an_edit_of_several_rows_is_refused_whole_when_one_moved_on() {
        let mut cat = crate::testing::catalogue();
        let (person, series, session) =
            crate::testing::person_with_session(&mut cat, "Grace Hopper");
        let seen = [
            (
                Versioned::Person(person),
                cat.row_stamp(Versioned::Person(person)).unwrap().version,
            ),
            (Versioned::Session(session), 1),
            (Versioned::Series(series), 1),
        ];
        cat.update_session(
            session,
            &NewSession {
                notes: "theirs".into(),
                ..NewSession::default()
            },
        )
        .unwrap();
        let e = cat
            .checked_edit(&seen, |c| {
                c.rename_person(person, "Grace Murray")?;
                c.update_session(
                    session,
                    &NewSession {
                        notes: "mine".into(),
                        ..NewSession::default()
                    },
                )
            })
            .unwrap_err();
        assert!(
            matches!(
                e,
                CatalogueError::Conflict {
                    what: "session",
                    ..
                }
            ),
            "{e:?}"
        );
        let date = cat.session(session).unwrap().date;
        assert!(
            e.to_string()
                .starts_with(&format!("session of {date} was changed by ")),
            "a session is named by its date: {e}"
        );
        assert_eq!(cat.person(person).unwrap().name, "Grace Hopper");
        assert_eq!(cat.session(session).unwrap().notes, "theirs");
        let e = cat
            .checked_edit(&[(Versioned::Photo(PhotoId(999)), 1)], |_| Ok(()))
            .unwrap_err();
        assert!(
            matches!(
                e,
                CatalogueError::NotFound {
                    what: "photo",
                    id: 999
                }
            ),
            "{e:?}"
        );
    }

    /// A series' areas, concerns and views, and a person's contraindications and consent,
    /// are sets of rows with no version of their own: changing one moves its parent's on (a
    /// trigger, so an edit made any other way counts too), and a save from an older read of
    /// the parent is refused.
    #[test]
    fn terms_views_contraindications_and_consent_move_their_parent_on() {
        type Change<'a> = Box<dyn Fn(&mut Catalogue) -> Result<()> + 'a>;
        use crate::catalogue::ConsentChange;
        use crate::model::VocabKind;
        use crate::model::clinical::{ConsentScope, Contraindication};
        let mut cat = crate::testing::catalogue();
        let (person, series, _) = crate::testing::person_with_session(&mut cat, "Grace Hopper");
        let term = cat.terms(VocabKind::Area).unwrap()[0].id;
        let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
        let version = |cat: &mut Catalogue, row| cat.row_stamp(row).unwrap().version;
        let changes: [(Versioned, Change); 6] = [
            (
                Versioned::Series(series),
                Box::new(|c| c.set_series_terms(series, &[term])),
            ),
            (
                Versioned::Series(series),
                Box::new(|c| {
                    c.set_required_views(series, &[crate::model::View::Frontal])
                        .map(drop)
                }),
            ),
            (
                Versioned::Series(series),
                Box::new(|c| c.set_series_terms(series, &[])),
            ),
            (
                Versioned::Person(person),
                Box::new(|c| c.note_contraindication(person, Contraindication::Keloid, today, "")),
            ),
            (
                Versioned::Person(person),
                Box::new(|c| c.resolve_contraindication(person, Contraindication::Keloid, today)),
            ),
            (
                Versioned::Person(person),
                Box::new(|c| {
                    let change = ConsentChange {
                        person,
                        scope: ConsentScope::Education,
                        given: true,
                        on: today,
                        staff: String::new(),
                        note: String::new(),
                    };
                    c.record_consent(&change, today).map(drop)
                }),
            ),
        ];
        for (n, (parent, change)) in changes.iter().enumerate() {
            let seen = version(&mut cat, *parent);
            change(&mut cat).unwrap();
            let now = version(&mut cat, *parent);
            assert!(now > seen, "change {n} moved {parent:?} on");
            let e = cat
                .checked_edit(&[(*parent, seen)], |c| change(c))
                .unwrap_err();
            assert!(matches!(e, CatalogueError::Conflict { .. }), "{n}: {e:?}");
            assert_eq!(version(&mut cat, *parent), now, "{n}: nothing of it stored");
        }
        // Deleting a series takes its terms and views with it (their triggers find no parent
        // left to move on), and putting it back restores them.
        let empty = cat.add_series(person, "Empty").unwrap();
        cat.set_series_terms(empty, &[term]).unwrap();
        cat.set_required_views(empty, &[crate::model::View::Frontal])
            .unwrap();
        let deleted = cat.delete_series(empty).unwrap();
        cat.restore_series(&deleted).unwrap();
        assert_eq!(cat.series_terms(empty).unwrap(), vec![term]);
    }

    /// Two workstations, two users, one clinic database: the second save of the same photo
    /// is refused naming the first user.
    #[test]
    fn another_workstations_save_wins_and_names_its_user() {
        use crate::catalogue::clinic::Role;
        use crate::testing::{ADMIN_PASSWORD, admin_name, clinic_database};
        let (config, database) = clinic_database();
        let admin = admin_name(&database);
        let mut front_desk = Catalogue::open_clinic(&config, &admin, ADMIN_PASSWORD).unwrap();
        let anna = format!("anna_{database}");
        let mut room_2 =
            crate::testing::clinic_user(&config, &database, "anna", Role::Clinician, "pw-anna");
        let photo = super::super::photos::tests::insert_photo(&mut front_desk, "one");
        let row = Versioned::Photo(photo);
        let seen = front_desk.row_stamps(&[row]).unwrap()[0].version;
        assert_eq!(room_2.row_stamp(row).unwrap().version, seen);
        room_2
            .checked_edit(&[(row, seen)], |c| c.trash(&[photo]).map(drop))
            .unwrap();
        let e = front_desk
            .checked_edit(&[(row, seen)], |c| c.restore(&[photo]).map(drop))
            .unwrap_err();
        let CatalogueError::Conflict { what, by, .. } = &e else {
            panic!("{e:?}");
        };
        assert_eq!((*what, by.as_str()), ("photo", anna.as_str()));
        assert_eq!(front_desk.trash_count().unwrap(), 1, "anna's change stands");
    }
}

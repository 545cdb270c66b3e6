//! People: patients, or "me".

use super::db::{Conn, Row};
use super::{Catalogue, CatalogueError, Result};
use crate::model::names::name_key;
use crate::model::{Person, PersonId};
use rusqlite::{OptionalExtension, params};

const PERSON_COLUMNS: &str = "id, name, birth_year, fitzpatrick, notes, archived";

impl Person {
    fn from_row(row: &Row<'_>) -> rusqlite::Result<Self> {
        Ok(Self {
            id: row.get(0)?,
            name: row.get(1)?,
            birth_year: row.get(2)?,
            fitzpatrick: row.get(3)?,
            notes: row.get(4)?,
            archived: row.get(5)?,
        })
    }
}

pub(super) const PEOPLE_SQL: &str = "SELECT id, name, birth_year, fitzpatrick, notes, archived FROM person ORDER BY lower(name), name";

/// A name checked and spelt the one way it is stored (`model::names`).
pub(super) fn clean_name(field: &'static str, name: &str) -> Result<String> {
    crate::model::names::clean_name(name).map_err(|e| CatalogueError::Invalid {
        field,
        reason: e.to_string(),
    })
}

pub(super) fn find_person(conn: &Conn, name: &str) -> Result<Option<Person>> {
    let sql = format!("SELECT {PERSON_COLUMNS} FROM person WHERE lower(name) = lower(?1)");
    Ok(conn
        .query_row(&sql, [name_key(name)], Person::from_row)
        .optional()?)
}

pub(super) fn insert_person(conn: &Conn, name: &str) -> Result<PersonId> {
    let name = clean_name("person name", name)?;
    if find_person(conn, &name)?.is_some() {
        return Err(CatalogueError::Invalid {
            field: "person name",
            reason: format!("a person named {name:?} already exists"),
        });
    }
    let id = conn.insert_id(
        "INSERT INTO person (name, created_at) VALUES (?1, ?2) RETURNING id",
        params![name, chrono::Utc::now()],
    )?;
    Ok(PersonId(id))
}

fn get_person(conn: &Conn, id: PersonId) -> Result<Person> {
    let sql = format!("SELECT {PERSON_COLUMNS} FROM person WHERE id = ?1");
    conn.query_row(&sql, [id], Person::from_row)
        .optional()?
        .ok_or(CatalogueError::NotFound {
            what: "person",
            id: id.0,
        })
}

impl Catalogue {
    pub fn add_person(&mut self, name: &str) -> Result<PersonId> {
        self.write(|tx| insert_person(tx, name))
    }

    pub fn rename_person(&mut self, id: PersonId, name: &str) -> Result<()> {
        self.write(|tx| {
            let name = clean_name("person name", name)?;
            if let Some(other) = find_person(tx, &name)?
                && other.id != id
            {
                return Err(CatalogueError::Invalid {
                    field: "person name",
                    reason: format!("a person named {name:?} already exists"),
                });
            }
            let n = tx.execute(
                "UPDATE person SET name = ?2 WHERE id = ?1",
                params![id, name],
            )?;
            if n == 0 {
                return Err(CatalogueError::NotFound {
                    what: "person",
                    id: id.0,
                });
            }
            Ok(())
        })
    }

    pub fn set_person_archived(&mut self, id: PersonId, archived: bool) -> Result<()> {
        self.write(|tx| {
            let n = tx.execute(
                "UPDATE person SET archived = ?2 WHERE id = ?1",
                params![id, archived],
            )?;
            if n == 0 {
                return Err(CatalogueError::NotFound {
                    what: "person",
                    id: id.0,
                });
            }
            Ok(())
        })
    }

    /// Everyone, archived or not, by name.
    pub fn people(&mut self) -> Result<Vec<Person>> {
        self.read(|tx| {
            let mut stmt = tx.prepare_cached(PEOPLE_SQL)?;
            let rows = stmt.query_map([], Person::from_row)?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
    }

    pub fn person(&mut self, id: PersonId) -> Result<Person> {
        self.read(|tx| get_person(tx, id))
    }

    /// The person with this name (case-insensitive), if any.
    pub fn person_by_name(&mut self, name: &str) -> Result<Option<Person>> {
        self.read(|tx| find_person(tx, name))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_ignoring_case_and_renames_check_it() {
        let mut cat = crate::testing::catalogue();
        let anna = cat.add_person("  Anna K ").unwrap();
        assert_eq!(cat.person(anna).unwrap().name, "Anna K");
        let err = cat.add_person("anna k").unwrap_err();
        assert!(err.to_string().contains("already exists"), "{err}");
        let ben = cat.add_person("Ben").unwrap();
        assert!(cat.rename_person(ben, "ANNA K").is_err());
        cat.rename_person(anna, "anna k").unwrap();
        assert_eq!(cat.person_by_name("ANNA K").unwrap().unwrap().id, anna);
        assert!(cat.add_person(" ").is_err());
        cat.set_person_archived(ben, true).unwrap();
        assert!(cat.person(ben).unwrap().archived);
        assert!(matches!(
            cat.set_person_archived(PersonId(99), true),
            Err(CatalogueError::NotFound { .. })
        ));
    }
}

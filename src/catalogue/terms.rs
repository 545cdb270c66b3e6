//! The vocabulary of areas and concerns.

use super::db::{Conn, Row};
use super::people::clean_name;
use super::{Catalogue, CatalogueError, Result};
use crate::model::{BUILTIN_AREAS, BUILTIN_CONCERNS, TermId, VocabKind, VocabTerm, vocab_key};
use rusqlite::{OptionalExtension, params};

fn kind_key(kind: VocabKind) -> &'static str {
    match kind {
        VocabKind::Area => "area",
        VocabKind::Concern => "concern",
    }
}

impl VocabTerm {
    fn from_row(row: &Row<'_>) -> rusqlite::Result<Self> {
        let kind = match row.get_ref(1)?.as_str()? {
            "area" => VocabKind::Area,
            _ => VocabKind::Concern,
        };
        Ok(Self {
            id: row.get(0)?,
            kind,
            key: row.get(2)?,
            name: row.get(3)?,
            builtin: row.get(4)?,
        })
    }
}

pub(super) fn terms_of(conn: &Conn, kind: VocabKind) -> Result<Vec<VocabTerm>> {
    // Built-in terms keep their designed order (by id); the user's own follow by name.
    let mut stmt = conn.prepare_cached(
        "SELECT id, kind, key, name, builtin FROM term WHERE kind = ?1
         ORDER BY builtin DESC, CASE builtin WHEN 1 THEN id END, name",
    )?;
    let rows = stmt.query_map([kind_key(kind)], VocabTerm::from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The ids of the terms named by `names` (matched by key), or an error naming the unknown
/// one and listing the known ones.
pub(super) fn term_ids(conn: &Conn, kind: VocabKind, names: &[String]) -> Result<Vec<TermId>> {
    let mut ids = Vec::with_capacity(names.len());
    for name in names {
        let key = vocab_key(name);
        let id: Option<TermId> = conn
            .prepare_cached("SELECT id FROM term WHERE kind = ?1 AND key = ?2")?
            .query_row(params![kind_key(kind), key], |r| r.get(0))
            .optional()?;
        match id {
            Some(id) if !ids.contains(&id) => ids.push(id),
            Some(_) => {}
            None => {
                let known: Vec<String> = terms_of(conn, kind)?.into_iter().map(|t| t.key).collect();
                return Err(CatalogueError::UnknownTerm(format!(
                    "unknown {} {name:?} (known: {})",
                    kind.noun(),
                    known.join(", ")
                )));
            }
        }
    }
    Ok(ids)
}

impl Catalogue {
    /// Inserts any built-in term the catalogue lacks (a new release may add some).
    pub(super) fn ensure_builtin_terms(&mut self) -> Result<()> {
        let have: usize =
            self.conn
                .query_row("SELECT count(*) FROM term WHERE builtin = 1", [], |r| {
                    r.get(0)
                })?;
        if have >= BUILTIN_AREAS.len() + BUILTIN_CONCERNS.len() {
            return Ok(());
        }
        self.write(|tx| {
            let mut stmt = tx.prepare(
                "INSERT INTO term (kind, key, name, builtin) VALUES (?1, ?2, ?3, 1)
                 ON CONFLICT (kind, key) DO UPDATE SET builtin = 1",
            )?;
            for (kind, list) in [
                (VocabKind::Area, BUILTIN_AREAS),
                (VocabKind::Concern, BUILTIN_CONCERNS),
            ] {
                for (key, name) in list {
                    stmt.execute(params![kind_key(kind), key, name])?;
                }
            }
            Ok(())
        })
    }

    /// All areas or all concerns: built-in first in their designed order, then the user's own.
    pub fn terms(&mut self, kind: VocabKind) -> Result<Vec<VocabTerm>> {
        self.read(|tx| terms_of(tx, kind))
    }

    /// Adds a user-defined area or concern; a name whose key exists already returns that term.
    pub fn add_term(&mut self, kind: VocabKind, name: &str) -> Result<TermId> {
        self.write(|tx| {
            let name = clean_name("term name", name)?;
            let key = vocab_key(&name);
            if key.is_empty() {
                return Err(CatalogueError::Invalid {
                    field: "term name",
                    reason: format!("{name:?} has no letters or digits"),
                });
            }
            tx.execute(
                "INSERT INTO term (kind, key, name, builtin) VALUES (?1, ?2, ?3, 0)
                 ON CONFLICT (kind, key) DO NOTHING",
                params![kind_key(kind), key, name],
            )?;
            Ok(tx.query_row(
                "SELECT id FROM term WHERE kind = ?1 AND key = ?2",
                params![kind_key(kind), key],
                |r| r.get(0),
            )?)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtins_exist_in_order_and_user_terms_follow() {
        let mut cat = crate::testing::catalogue();
        let areas = cat.terms(VocabKind::Area).unwrap();
        assert_eq!(areas.len(), BUILTIN_AREAS.len());
        assert_eq!(areas[0].key, "forehead");
        let id = cat.add_term(VocabKind::Area, "Left ear").unwrap();
        assert_eq!(cat.add_term(VocabKind::Area, "left  EAR").unwrap(), id);
        let areas = cat.terms(VocabKind::Area).unwrap();
        assert_eq!(areas.last().unwrap().key, "left-ear");
        assert!(!areas.last().unwrap().builtin);
        assert!(cat.add_term(VocabKind::Concern, "!!").is_err());
    }

    #[test]
    fn unknown_names_list_the_known_ones() {
        let cat = crate::testing::catalogue();
        let err = term_ids(&cat.conn, VocabKind::Concern, &["freckles".into()]).unwrap_err();
        let text = err.to_string();
        assert!(text.contains("unknown concern \"freckles\""), "{text}");
        assert!(text.contains("acne-scars"), "{text}");
        let ids = term_ids(
            &cat.conn,
            VocabKind::Area,
            &["Décolleté".into(), "decollete".into()],
        )
        .unwrap();
        assert_eq!(ids.len(), 1);
    }
}

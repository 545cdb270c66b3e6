//! Copying rows from the personal catalogue into the clinic's: values converted to the
//! clinic's column types, references remapped to the clinic's ids.

use super::tables::Table;
use super::{Entry, ImportError, Maps, Result};
use crate::catalogue::clinic::ClinicError;
use postgres::types::ToSql;
use postgres::{Client, Transaction};
use rusqlite::Connection;
use rusqlite::types::Value;
use std::collections::HashMap;

/// Columns the clinic keeps for itself.
const CLINIC_ONLY: &[&str] = &["row_version", "changed_by", "changed_at"];

/// Copies the rows of one table that belong to one step.
pub(super) struct Copier<'s> {
    pub src: &'s Connection,
    pub maps: &'s Maps,
    pub columns: &'s HashMap<String, Vec<(String, String)>>,
    pub user: &'s str,
}

impl Copier<'_> {
    pub fn copy(
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
pub(super) fn table_columns(
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
}

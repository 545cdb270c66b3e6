//! A consistent copy of the catalogue for a backup, and when the last backup was made.

use super::{Catalogue, Result, apply_key};
use rusqlite::{Connection, OptionalExtension};
use std::path::Path;

impl Catalogue {
    /// Copies the whole catalogue, as of one moment, into the new file `path` (keyed like
    /// this one with `key`) through SQLite's online backup API: other processes go on reading
    /// and writing meanwhile. The copy leaves out the import and purge journals, which belong
    /// to processes on this machine, not to the library's content.
    pub fn snapshot_to(&self, path: &Path, key: Option<&str>) -> Result<()> {
        let conn = self.sqlite(
            "a backup through SQLite's backup API (a clinic's database is backed up with pg_dump)",
        )?;
        let mut copy = Connection::open(path)?;
        if let Some(key) = key {
            apply_key(&copy, key)?;
        }
        {
            let backup = rusqlite::backup::Backup::new(conn, &mut copy)?;
            // All pages in one step: one read transaction, so one consistent moment.
            backup.step(-1)?;
        }
        copy.execute_batch(
            "DELETE FROM pending_import; DELETE FROM pending_purge; \
             PRAGMA journal_mode = DELETE;",
        )?;
        Ok(())
    }

    /// When the last backup was made (RFC 3339), if ever.
    pub fn last_backup(&mut self) -> Result<Option<String>> {
        self.read(|tx| {
            Ok(tx
                .query_row(
                    "SELECT value FROM setting WHERE key = 'last_backup'",
                    [],
                    |r| r.get(0),
                )
                .optional()?)
        })
    }

    pub fn set_last_backup(&mut self, at: &str) -> Result<()> {
        self.write(|tx| {
            tx.execute(
                "INSERT INTO setting (key, value) VALUES ('last_backup', ?1) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                [at],
            )?;
            Ok(())
        })
    }
}

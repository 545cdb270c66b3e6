//! Library-wide settings kept in the `setting` table (migration 004): the report's clinic
//! name and logo.

use super::{Catalogue, Result};
use rusqlite::OptionalExtension;
use std::fmt::Write as _;

/// The clinic's name printed at the top of reports.
pub const CLINIC_NAME: &str = "clinic_name";
/// The clinic's logo (PNG or JPEG bytes, hex encoded) printed beside the name.
pub const CLINIC_LOGO: &str = "clinic_logo";

impl Catalogue {
    pub fn setting(&mut self, key: &str) -> Result<Option<String>> {
        self.read(|tx| {
            Ok(tx
                .query_row("SELECT value FROM setting WHERE key = ?1", [key], |r| {
                    r.get(0)
                })
                .optional()?)
        })
    }

    /// Sets (or with `None` removes) a setting.
    pub fn set_setting(&mut self, key: &str, value: Option<&str>) -> Result<()> {
        self.write(|tx| {
            match value {
                Some(v) => tx.execute(
                    "INSERT INTO setting (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                    [key, v],
                )?,
                None => tx.execute("DELETE FROM setting WHERE key = ?1", [key])?,
            };
            Ok(())
        })
    }

    /// The clinic's logo bytes, if one is set.
    pub fn clinic_logo(&mut self) -> Result<Option<Vec<u8>>> {
        Ok(self.setting(CLINIC_LOGO)?.and_then(|hex| {
            (0..hex.len())
                .step_by(2)
                .map(|i| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok())
                .collect()
        }))
    }

    pub fn set_clinic_logo(&mut self, bytes: Option<&[u8]>) -> Result<()> {
        let hex = bytes.map(|b| {
            b.iter()
                .fold(String::with_capacity(b.len() * 2), |mut s, x| {
                    let _ = write!(s, "{x:02x}");
                    s
                })
        });
        self.set_setting(CLINIC_LOGO, hex.as_deref())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_and_the_logo_round_trip() {
        let mut cat = crate::testing::catalogue();
        assert_eq!(cat.setting(CLINIC_NAME).unwrap(), None);
        cat.set_setting(CLINIC_NAME, Some("Rue Clinic")).unwrap();
        assert_eq!(
            cat.setting(CLINIC_NAME).unwrap().as_deref(),
            Some("Rue Clinic")
        );
        cat.set_clinic_logo(Some(&[0x89, 0x50, 0x00, 0xff]))
            .unwrap();
        assert_eq!(
            cat.clinic_logo().unwrap(),
            Some(vec![0x89, 0x50, 0x00, 0xff])
        );
        cat.set_clinic_logo(None).unwrap();
        assert_eq!(cat.clinic_logo().unwrap(), None);
    }
}

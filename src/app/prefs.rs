//! User interface preferences, persisted as JSON in the platform config folder. Only
//! preferences: never handles, caches or catalogue data.

use crate::catalogue::SortOrder;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// The window's colours.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Theme {
    #[default]
    Dark,
    Light,
}

impl Theme {
    pub const ALL: [Self; 2] = [Self::Dark, Self::Light];

    pub fn label(self) -> &'static str {
        match self {
            Self::Dark => "Dark",
            Self::Light => "Light",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Prefs {
    /// The library opened last (not the temporary demo library).
    pub last_library: Option<PathBuf>,
    pub left_panel_width: f32,
    pub right_panel_width: f32,
    pub thumbnail_size: f32,
    pub sort: SortOrder,
    /// Filter choices, by stable key so they survive across libraries.
    #[serde(flatten)]
    pub filters: FilterPrefs,
    pub show_archived: bool,
    pub theme: Theme,
    /// The name consent is recorded under (the staff member at this workstation).
    pub staff_name: String,
    /// Lock an encrypted library after this many seconds without input (`None`: never).
    pub lock_after_secs: Option<u64>,
    /// Remind when the last backup is older than this many days (`None`: never).
    pub backup_reminder_days: Option<u32>,
}

/// The grid's filter choices, by stable key.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct FilterPrefs {
    pub filter_view: Option<String>,
    pub filter_lighting: Option<String>,
    pub filter_area: Option<String>,
    pub filter_concern: Option<String>,
}

impl Default for Prefs {
    fn default() -> Self {
        Self {
            last_library: None,
            left_panel_width: 240.0,
            right_panel_width: 300.0,
            thumbnail_size: 160.0,
            sort: SortOrder::NewestFirst,
            filters: FilterPrefs::default(),
            show_archived: false,
            theme: Theme::Dark,
            staff_name: String::new(),
            lock_after_secs: Some(10 * 60),
            backup_reminder_days: Some(7),
        }
    }
}

impl Prefs {
    /// Where preferences live by default.
    pub fn default_path() -> Option<PathBuf> {
        directories::ProjectDirs::from("", "", "Skinlapse")
            .map(|d| d.config_dir().join("prefs.json"))
    }

    /// Reads preferences; a missing or unreadable file gives the defaults (and says why).
    pub fn load(path: &Path) -> (Self, Option<String>) {
        match std::fs::read(path) {
            Ok(bytes) => match serde_json::from_slice(&bytes) {
                Ok(prefs) => (prefs, None),
                Err(e) => (
                    Self::default(),
                    Some(format!("preferences {} ignored: {e}", path.display())),
                ),
            },
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => (Self::default(), None),
            Err(e) => (
                Self::default(),
                Some(format!("preferences {} ignored: {e}", path.display())),
            ),
        }
    }

    /// Writes atomically (temporary file, then rename).
    pub fn save(&self, path: &Path) -> std::io::Result<()> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        crate::library::write_file_atomic(
            path,
            &serde_json::to_vec_pretty(self).map_err(std::io::Error::other)?,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_tolerates_bad_files() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/prefs.json");
        let prefs = Prefs {
            thumbnail_size: 99.0,
            filters: FilterPrefs {
                filter_area: Some("chin".into()),
                ..FilterPrefs::default()
            },
            theme: Theme::Light,
            ..Prefs::default()
        };
        prefs.save(&path).unwrap();
        assert_eq!(Prefs::load(&path), (prefs, None));
        // The filters are stored flat, as before they were grouped.
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains("\"filter_area\": \"chin\""), "{text}");
        std::fs::write(&path, b"{ not json").unwrap();
        let (loaded, warning) = Prefs::load(&path);
        assert_eq!(loaded, Prefs::default());
        assert!(warning.unwrap().contains("prefs.json"));
    }
}

//! Native file dialogs, which must run on the main thread: the token proves it.

use crate::imaging::compose::ExportFormat;
use std::marker::PhantomData;
use std::path::PathBuf;

/// Exists only on the main thread (it is neither `Send` nor `Sync`).
#[derive(Debug)]
pub struct MainThreadToken(PhantomData<*const ()>);

impl MainThreadToken {
    /// Only the app's constructor, which eframe calls on the main thread, makes one.
    pub(super) fn new() -> Self {
        Self(PhantomData)
    }
}

pub fn pick_photos(_: &MainThreadToken) -> Option<Vec<PathBuf>> {
    rfd::FileDialog::new()
        .set_title("Import photos")
        .add_filter("Photos", crate::jobs::import::IMAGE_EXTENSIONS)
        .pick_files()
}

pub fn pick_folder(_: &MainThreadToken, title: &str) -> Option<PathBuf> {
    rfd::FileDialog::new().set_title(title).pick_folder()
}

/// Where to save an exported image; `default_name` is offered.
pub fn save_image(_: &MainThreadToken, default_name: &str) -> Option<PathBuf> {
    rfd::FileDialog::new()
        .set_title("Export image")
        .set_file_name(default_name)
        .add_filter("PNG image", ExportFormat::Png.extensions())
        .add_filter("JPEG image", ExportFormat::Jpeg.extensions())
        .save_file()
}

/// Where to save a file of one type: `filter` is its name and extensions.
pub fn save_as(
    _: &MainThreadToken,
    title: &str,
    default_name: &str,
    (name, extensions): (&str, &[&str]),
) -> Option<PathBuf> {
    rfd::FileDialog::new()
        .set_title(title)
        .set_file_name(default_name)
        .add_filter(name, extensions)
        .save_file()
}

/// Where to save a CSV file; `default_name` is offered.
pub fn save_csv(_: &MainThreadToken, default_name: &str) -> Option<PathBuf> {
    rfd::FileDialog::new()
        .set_title("Export the series as CSV")
        .set_file_name(default_name)
        .add_filter("CSV", &["csv"])
        .save_file()
}

/// Where to write a backup archive; `default_name` is offered.
pub fn save_backup(_: &MainThreadToken, default_name: &str) -> Option<PathBuf> {
    rfd::FileDialog::new()
        .set_title("Back up to a file")
        .set_file_name(default_name)
        .add_filter("Skinlapse backup", &["tar"])
        .save_file()
}

/// A backup archive to restore.
pub fn pick_backup_file(_: &MainThreadToken) -> Option<PathBuf> {
    rfd::FileDialog::new()
        .set_title("Choose the backup file to restore")
        .add_filter("Skinlapse backup", &["tar"])
        .add_filter("Any file", &["*"])
        .pick_file()
}

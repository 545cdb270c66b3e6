//! Backup and restore from the app: one at a time, on a worker with progress and Cancel, the
//! outcome reported in words; and the reminder shown while the last backup is older than the
//! chosen number of days (the time of the last backup is kept in the catalogue, where
//! `skinlapse backup` writes it too).

use super::background::{Task, WorkError};
use super::cx::Cx;
use super::dialogs;
use super::library::LibraryCommand;
use super::nav::Modal;
use crate::catalogue::Catalogue;
use crate::jobs::backup::{self, BackupError, BackupSummary};
use crate::model::printable::printable_path;
use std::path::PathBuf;

/// Everything backup and restore can be asked to do.
#[derive(Clone, Debug, PartialEq)]
pub enum BackupCommand {
    /// Asks for an archive file to write, then backs up into it.
    ChooseFile,
    /// Asks for a backup folder (incremental: only new files are copied), then backs up.
    ChooseFolder,
    /// Backs the open library up to this archive file or backup folder.
    Start(PathBuf),
    /// Opens the restore form.
    ShowRestore,
    /// In the restore form: choose the backup (an archive file, or a backup folder).
    ChooseRestoreFile,
    ChooseRestoreFolder,
    /// In the restore form: choose the new, empty library folder.
    ChooseRestoreTarget,
    /// Restores the backup `from` into the new folder `to`, then opens it.
    Restore {
        from: PathBuf,
        to: PathBuf,
    },
    Cancel,
    /// Remind when the last backup is older than this many days (`None`: never).
    SetReminder(Option<u32>),
}

/// The restore form's choices so far.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RestoreForm {
    pub from: Option<PathBuf>,
    pub to: Option<PathBuf>,
}

/// What a finished backup or restore did.
#[derive(Debug)]
pub enum Done {
    BackedUp {
        to: PathBuf,
        summary: BackupSummary,
        encrypted: bool,
    },
    Restored {
        to: PathBuf,
        summary: BackupSummary,
    },
}

/// A backup or restore running on its worker.
#[derive(Debug)]
pub struct BackupJob {
    /// "Backing up to …" / "Restoring … into …".
    pub title: String,
    pub restoring: bool,
    pub task: Task<Result<Done, BackupError>>,
}

#[derive(Debug, Default)]
pub struct BackupState {
    pub job: Option<BackupJob>,
    /// Shown while the last backup is older than the preference allows.
    pub reminder: Option<String>,
    /// The reminder names how many photos the library holds: it waits for the people list's
    /// count (counting a million photos is not the UI thread's).
    reminder_due: bool,
}

impl BackupState {
    /// `photos`: the library's, as the people list counted them (`None`: not yet).
    pub(super) fn run(
        &mut self,
        command: BackupCommand,
        reminder_days: &mut Option<u32>,
        photos: Option<usize>,
        cx: &mut Cx,
    ) {
        let token = &cx.env.main_thread;
        match command {
            BackupCommand::ChooseFile => {
                if let Some(to) = dialogs::save_backup(token, &default_name()) {
                    cx.then(BackupCommand::Start(to));
                }
            }
            BackupCommand::ChooseFolder => {
                if let Some(to) = dialogs::pick_folder(token, "Back up into a backup folder") {
                    cx.then(BackupCommand::Start(to));
                }
            }
            BackupCommand::Start(to) => self.start_backup(to, cx),
            BackupCommand::ShowRestore => cx.nav.show(Modal::Restore(RestoreForm::default())),
            BackupCommand::ChooseRestoreFile
            | BackupCommand::ChooseRestoreFolder
            | BackupCommand::ChooseRestoreTarget => {
                let picked = match command {
                    BackupCommand::ChooseRestoreFile => dialogs::pick_backup_file(token),
                    BackupCommand::ChooseRestoreFolder => {
                        dialogs::pick_folder(token, "Choose the backup folder to restore")
                    }
                    _ => dialogs::pick_folder(
                        token,
                        "Choose a new, empty folder for the restored library",
                    ),
                };
                if let (Some(path), Some(Modal::Restore(form))) = (picked, cx.nav.modal_mut()) {
                    if command == BackupCommand::ChooseRestoreTarget {
                        form.to = Some(path);
                    } else {
                        form.from = Some(path);
                    }
                }
            }
            BackupCommand::Restore { from, to } => self.start_restore(from, to, cx),
            BackupCommand::Cancel => {
                if let Some(job) = &self.job {
                    job.task.cancel();
                }
            }
            BackupCommand::SetReminder(days) => {
                *reminder_days = days;
                if let Some(loaded) = cx.library.loaded.as_mut() {
                    self.check_reminder(&mut loaded.catalogue, days, photos);
                }
            }
        }
    }

    fn busy(&self, cx: &mut Cx) -> bool {
        if self.job.is_some() {
            cx.notices
                .error("A backup or restore is running already; wait for it or cancel it.");
        }
        self.job.is_some()
    }

    fn start_backup(&mut self, to: PathBuf, cx: &mut Cx) {
        let Some(library) = cx.library.library().cloned() else {
            return;
        };
        if self.busy(cx) {
            return;
        }
        let encrypted = library.is_encrypted();
        let title = format!("Backing up to {}", printable_path(&to));
        let task = Task::spawn("backup", cx.ctx(), move |progress, cancel| {
            let mut report = backup::cancellable(cancel, |done, total| {
                progress.set(fraction(done, total), &files(done, total));
            });
            let summary = backup::backup(&library, &to, &mut report)?;
            Ok(Done::BackedUp {
                to,
                summary,
                encrypted,
            })
        });
        self.job = Some(BackupJob {
            title,
            restoring: false,
            task,
        });
    }

    fn start_restore(&mut self, from: PathBuf, to: PathBuf, cx: &mut Cx) {
        if self.busy(cx) {
            return;
        }
        if std::fs::read_dir(&to).is_ok_and(|mut d| d.next().is_some()) {
            cx.notices.error(format!(
                "Restore: {} is not empty; choose a new or empty folder for the restored library.",
                printable_path(&to)
            ));
            return;
        }
        cx.nav.dismiss(|m| matches!(m, Modal::Restore(_)));
        let title = format!(
            "Restoring {} into {}",
            printable_path(&from),
            printable_path(&to)
        );
        let task = Task::spawn("restore", cx.ctx(), move |progress, cancel| {
            let mut report = backup::cancellable(cancel, |done, total| {
                progress.set(fraction(done, total), &files(done, total));
            });
            let summary = backup::restore(&from, &to, &mut report)?;
            Ok(Done::Restored { to, summary })
        });
        self.job = Some(BackupJob {
            title,
            restoring: true,
            task,
        });
    }

    /// Takes in a finished backup or restore and says what it did.
    /// `photos`: the library's, as the people list counted them (`None`: not yet).
    pub(super) fn poll(&mut self, reminder_days: Option<u32>, photos: Option<usize>, cx: &mut Cx) {
        let Some(result) = self.job.as_ref().and_then(|j| j.task.poll_result()) else {
            return;
        };
        let job = self.job.take().expect("polled above");
        match result {
            Ok(Done::BackedUp {
                to,
                summary,
                encrypted,
            }) => {
                // A backup folder copies only what it lacks; an archive holds everything.
                let new = if backup::is_folder_target(&to) {
                    format!(", {} of them new", summary.written)
                } else {
                    String::new()
                };
                cx.notices.info(format!(
                    "Backed up {} photos to {}: {} files, {:.1} MB{new}{}.",
                    summary.photos,
                    printable_path(&to),
                    summary.files,
                    summary.bytes as f64 / 1e6,
                    if encrypted { ", encrypted" } else { "" }
                ));
                if let Some(loaded) = cx.library.loaded.as_mut() {
                    self.check_reminder(&mut loaded.catalogue, reminder_days, photos);
                }
            }
            Ok(Done::Restored { to, summary }) => {
                cx.notices.info(format!(
                    "Restored {} photos ({} files, {:.1} MB) into {}; it is open now.",
                    summary.photos,
                    summary.files,
                    summary.bytes as f64 / 1e6,
                    printable_path(&to)
                ));
                cx.then(LibraryCommand::OpenAt(to));
            }
            Err(WorkError::Backup(e)) if matches!(*e, BackupError::Cancelled) && job.restoring => {
                cx.notices
                    .info("Restore cancelled: no library was created.");
            }
            Err(WorkError::Backup(e)) if matches!(*e, BackupError::Cancelled) => {
                cx.notices.info(
                    "Backup cancelled: no backup was written, and earlier ones are as they were.",
                );
            }
            Err(e) => cx.notices.error(format!("{} failed: {e}", job.title)),
        }
    }

    /// The library's photos are counted (the people list's count): a reminder waiting for
    /// the count is checked now.
    pub(super) fn photos_counted(&mut self, photos: usize, cat: &mut Catalogue, days: Option<u32>) {
        if self.reminder_due {
            self.check_reminder(cat, days, Some(photos));
        }
    }

    /// Sets the reminder from the time of the last backup the catalogue records.
    /// A clinic's catalogue is the server's to back up (`pg_dump`) and its photos the shared
    /// drive's: no reminder there.
    /// Until the library's `photos` are counted, the reminder waits for the count.
    pub(super) fn check_reminder(
        &mut self,
        cat: &mut Catalogue,
        days: Option<u32>,
        photos: Option<usize>,
    ) {
        self.reminder_due = false;
        if cat.backend() == crate::catalogue::Backend::Postgres {
            self.reminder = None;
            return;
        }
        let Some(photos) = photos else {
            self.reminder_due = true;
            return;
        };
        self.reminder = days.and_then(|days| {
            let last = cat.last_backup().ok()?;
            reminder_text(last.as_deref(), photos, days, chrono::Utc::now())
        });
    }
}

/// What to tell the user about the last backup, if it is older than `days` (or missing).
fn reminder_text(
    last: Option<&str>,
    photos: usize,
    days: u32,
    now: chrono::DateTime<chrono::Utc>,
) -> Option<String> {
    let Some(last) = last else {
        return (photos > 0).then(|| {
            format!(
                "This library of {} has never been backed up.",
                super::edit::photos(photos)
            )
        });
    };
    let at = chrono::DateTime::parse_from_rfc3339(last).ok()?;
    let age = now.signed_duration_since(at).num_days();
    (age >= i64::from(days)).then(|| {
        format!(
            "The last backup of this library is {age} days old (made {}).",
            at.with_timezone(&chrono::Local).format("%Y-%m-%d %H:%M")
        )
    })
}

fn fraction(done: usize, total: usize) -> f32 {
    if total == 0 {
        0.0
    } else {
        done as f32 / total as f32
    }
}

fn files(done: usize, total: usize) -> String {
    if total == 0 {
        format!("{done} files")
    } else {
        format!("{done} of {total} files")
    }
}

/// The archive name offered: today's date.
fn default_name() -> String {
    format!(
        "skinlapse-backup-{}.tar",
        chrono::Local::now().format("%Y-%m-%d")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reminds_when_never_or_long_ago() {
        let now = chrono::DateTime::parse_from_rfc3339("2026-11-30T12:00:00Z")
            .unwrap()
            .to_utc();
        assert!(
            reminder_text(None, 0, 7, now).is_none(),
            "nothing to back up"
        );
        assert_eq!(
            reminder_text(None, 3, 7, now).unwrap(),
            "This library of 3 photos has never been backed up."
        );
        assert_eq!(
            reminder_text(None, 1, 7, now).unwrap(),
            "This library of 1 photo has never been backed up.",
            "one photo, not \"1 photos\""
        );
        assert!(reminder_text(Some("2026-11-25T12:00:00Z"), 3, 7, now).is_none());
        let old = reminder_text(Some("2026-11-20T12:00:00Z"), 3, 7, now).unwrap();
        assert!(old.contains("10 days old"), "{old}");
    }
}

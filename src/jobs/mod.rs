//! Long-running work on worker threads: import and verify. Each reports progress through a
//! callback on the calling thread and can be cancelled between files.

pub mod backup;
pub mod demo;
pub mod export;
pub mod faces;
pub mod failpoint;
pub mod fairest;
pub mod import;
pub mod import_pair;
pub mod import_scan;
pub mod measure;
pub mod record;
pub mod report;
pub mod scale;
pub mod source;
pub mod timelapse;
pub mod verify;

pub use import::{
    FileResult, ImportError, ImportEvent, ImportRequest, ImportSummary, Outcome, StageTimes,
    run_import,
};
pub use import_scan::{ScannedFile, proposed_session_date, scan_each, scan_files};
pub use verify::{Problem, VerifyOptions, VerifyReport, verify};

/// A photo's file could not be read or decoded.
#[derive(Debug, thiserror::Error)]
#[error("{path}: {reason}")]
pub struct ReadError {
    pub path: std::path::PathBuf,
    pub reason: String,
}

/// `Err(cancelled)` once `cancel` is set: checked by jobs between steps.
pub fn checkpoint<E>(cancel: &std::sync::atomic::AtomicBool, cancelled: E) -> Result<(), E> {
    if cancel.load(std::sync::atomic::Ordering::Relaxed) {
        Err(cancelled)
    } else {
        Ok(())
    }
}

/// How many worker threads heavy jobs use: one per core.
pub fn worker_count() -> usize {
    std::thread::available_parallelism().map_or(2, std::num::NonZero::get)
}

//! Long-running work on worker threads: import and verify. Each reports progress through a
//! callback on the calling thread and can be cancelled between files.

pub mod backup;
pub mod demo;
pub mod export;
pub mod failpoint;
pub mod import;
pub mod import_scan;
pub mod record;
pub mod scale;
pub mod source;
pub mod verify;

pub use import::{
    FileResult, ImportError, ImportEvent, ImportRequest, ImportSummary, Outcome, StageTimes,
    run_import,
};
pub use import_scan::{ScannedFile, proposed_session_date, scan_files};
pub use verify::{Problem, VerifyOptions, VerifyReport, verify};

/// How many worker threads heavy jobs use: one per core.
pub fn worker_count() -> usize {
    std::thread::available_parallelism().map_or(2, std::num::NonZero::get)
}
